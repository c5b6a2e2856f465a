"""/api/search response times on the largest shipped region, on SQLite and
PostgreSQL, beside a naive baseline (`name__icontains` on every kind).

    .venv/bin/python bench/search_bench.py [--pg postgres://USER:PW@HOST:5432/NAME]

Each database is set up in its own process (migrate, every GeoNames place, the
Andorra demo region), then asked the same questions: names of trails, huts,
waymarked routes, trailheads and places picked at random (seeded), typed as
hikers type them (no accents or capitals, some cut short, some with a typo).
Every question is fresh (the shared cache is cleared before each), so the times
are the search's own; `found` is how often the name asked for is in the first
five results. Without --pg only SQLite runs; the PostgreSQL database is dropped
and created again.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_bench import fresh_pg  # noqa: E402

QUESTIONS = 200
SEED = 14


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "loopgenie.settings"
    os.environ["DEBUG"] = "1"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS.append("testserver")
    settings.PLAN_RATE_LIMIT = (10**9, 60)
    call_command("migrate", verbosity=0)
    call_command("load_places", verbosity=0)
    call_command("load_demo", verbosity=0)


def typed(name: str, rng: random.Random) -> str:
    """No accents, no capitals; a third cut short, a sixth with two letters swapped."""
    text = unicodedata.normalize("NFKD", name.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    roll = rng.random()
    if roll < 0.33 and len(text) > 8:
        return text[: max(5, int(len(text) * 0.7))]
    if roll < 0.5 and len(text) > 6:
        i = rng.randrange(1, len(text) - 2)
        if text[i].isalpha() and text[i + 1].isalpha():
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text


def questions() -> list[tuple[str, int, str, str]]:
    """(kind, id, name, typed) picked from the database."""
    from planner.models import Place
    from trails.models import Campsite, Trail, Trailhead, WalkingRoute

    rng = random.Random(SEED)
    pools = {
        "trail": list(
            Trail.objects.exclude(name="")
            .exclude(kind="road")
            .filter(flag="")  # flagged trails are not offered
            .values_list("id", "name")
        ),
        "campsite": list(Campsite.objects.exclude(name="").values_list("id", "name")),
        "route": list(WalkingRoute.objects.exclude(name="").values_list("id", "name")),
        "trailhead": list(
            Trailhead.objects.exclude(name="")
            .filter(junction__isnull=False)
            .values_list("id", "name")
        ),
        "place": list(
            Place.objects.filter(country_code="AD").values_list("id", "name")
        ),
    }
    asked = []
    for n in range(QUESTIONS):
        kind = list(pools)[n % len(pools)]
        pk, name = rng.choice(pools[kind])
        asked.append((kind, pk, name, typed(name, rng)))
    return asked


def naive(text: str, limit: int = 10) -> list[tuple[str, str]]:
    """What one would write first: a case-insensitive substring on every name."""
    from planner.models import Place
    from trails.models import Campsite, Trail, Trailhead, WalkingRoute

    found = []
    for kind, model in (
        ("route", WalkingRoute),
        ("trail", Trail),
        ("campsite", Campsite),
        ("trailhead", Trailhead),
        ("place", Place),
    ):
        found += [
            (kind, name)
            for name in model.objects.filter(name__icontains=text).values_list(
                "name", flat=True
            )[:limit]
        ]
    return found[:limit]


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def measure() -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    client = Client()
    asked = questions()
    client.get("/api/search", {"q": "warm up"})  # imports, connections
    api_ms, naive_ms, found, naive_found = [], [], 0, 0
    for kind, pk, name, text in asked:
        cache.clear()
        started = time.perf_counter()
        response = client.get("/api/search", {"q": text, "limit": 5})
        api_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (text, response.content[:200])
        hits = response.json()["results"]
        found += any(_same(h, kind, pk, name) for h in hits)
        started = time.perf_counter()
        plain = naive(text, 5)
        naive_ms.append((time.perf_counter() - started) * 1000)
        naive_found += (kind, name) in plain
    return {
        "database": connection.vendor,
        "questions": len(asked),
        "api": [percentile(api_ms, 0.5), percentile(api_ms, 0.95), max(api_ms)],
        "naive": [percentile(naive_ms, 0.5), percentile(naive_ms, 0.95)],
        "found": found / len(asked),
        "naive_found": naive_found / len(asked),
    }


def _same(hit: dict, kind: str, pk: int, name: str) -> bool:
    """The row asked for, or one of the same kind and name (which typing cannot
    tell apart: OSM's pieces of one path, its many "Parking" nodes)."""
    from trails.folding import fold

    if hit["type"] != kind:
        return False
    return hit["id"] == pk or fold(hit["name"]) == fold(name)


def child(database_url: str) -> None:
    if database_url.startswith("postgres") and fresh_pg(database_url) is None:
        raise SystemExit(f"no PostgreSQL server answers at {database_url}")
    setup(database_url)
    print(json.dumps(measure()))


def run_in_child(database_url: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", database_url],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", help="a PostgreSQL DATABASE_URL to use (emptied)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run_in_child(f"sqlite:///{tmp}/bench.sqlite3"))
    if args.pg:
        results.append(run_in_child(args.pg))
    print(
        f"/api/search, {results[0]['questions']} fresh questions on the Andorra demo "
        "region with every GeoNames place (ms)"
    )
    print(
        f"{'database':<12}{'p50':>8}{'p95':>8}{'max':>8}{'found':>8}   "
        f"{'naive p50':>10}{'p95':>8}{'found':>8}"
    )
    for r in results:
        p50, p95, worst = r["api"]
        n50, n95 = r["naive"]
        print(
            f"{r['database']:<12}{p50:8.1f}{p95:8.1f}{worst:8.1f}{r['found']:8.0%}   "
            f"{n50:10.1f}{n95:8.1f}{r['naive_found']:8.0%}"
        )


if __name__ == "__main__":
    main()
