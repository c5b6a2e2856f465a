"""Request-to-response time of the plan page and the API on the demo region.

    .venv/bin/python bench/plan_bench.py [--repeat 1]

Sets up a scratch SQLite database (migrate, GeoNames places, the Andorra extract and
its elevation tile), then sends a set of realistic questions (towns of Andorra,
5-20 miles, 1-3 days) through Django's test client, three ways each:

- cold: nothing cached (no region graph in memory, no cached plan): what the first
  hiker of a region waits for;
- warm: the region graph is cached, the plan is not: a new question;
- cached: the same question again (the plan cache answers).

Prints p50/p95/max in milliseconds per page and API, and any non-200 answer.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOWNS = [
    "Andorra la Vella",
    "les Escaldes",
    "Encamp",
    "Canillo",
    "Ordino",
    "la Massana",
    "Sant Julià de Lòria",
]
TRIPS = [(5, 10, 1), (10, 20, 1), (15, 20, 2), (20, 30, 3)]  # hike mi, drive mi, days


def setup(tmp: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "loopgenie.settings"
    os.environ["DEBUG"] = "1"
    # Every question is a fresh plan from one client: timed, not rate limited.
    os.environ["PLAN_RATE_LIMIT"] = "1000000/60"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS.append("testserver")
    call_command("migrate", verbosity=0)
    call_command("load_places", min_population=1000, verbosity=0)
    call_command("load_demo", verbosity=0)


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(tmp)
        run(args.repeat)


def run(repeat: int) -> None:
    from django.core.cache import cache
    from django.test import Client

    from planner import plans

    client = Client()
    times: dict[tuple[str, str], list[float]] = {}
    errors = 0

    def timed(kind: str, how: str, url: str, params: dict) -> None:
        nonlocal errors
        t = time.perf_counter()
        response = client.get(url, params)
        times.setdefault((kind, how), []).append(time.perf_counter() - t)
        if response.status_code != 200:
            errors += 1

    for _ in range(repeat):
        for town in TOWNS:
            for hike, drive, days in TRIPS:
                page = {"start": town, "hike": hike, "drive": drive, "days": days}
                api = {
                    "place": town,
                    "hike_miles": hike,
                    "drive_miles": drive,
                    "days": days,
                }
                for kind, url, params in (
                    ("page", "/plan", page),
                    ("api", "/api/plan", api),
                ):
                    plans.GRAPHS.clear()
                    cache.clear()
                    timed(kind, "cold", url, params)
                    cache.clear()
                    timed(kind, "warm", url, params)
                    timed(kind, "cached", url, params)
    for (kind, how), values in sorted(times.items()):
        ms = [v * 1000 for v in values]
        print(
            f"{kind:<5} {how:<7} n={len(ms):<3} p50={statistics.median(ms):7.1f} ms "
            f"p95={percentile(ms, 0.95):7.1f} ms  max={max(ms):7.1f} ms"
        )
    print(f"non-200 answers: {errors}")


if __name__ == "__main__":
    main()
