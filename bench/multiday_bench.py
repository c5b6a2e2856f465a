"""Multi-day trips on every real region with places to sleep, judged on the raw data.

    .venv/bin/python bench/multiday_bench.py [--regions andorra,colorado] [--repeat 3]

Imports each region in ../shared/data into its own source of a scratch SQLite
database (migrate, then `import_file`, as `regions_bench.py` does), then asks the
JSON API `/api/plan` (Django's test Client) for multi-day trips: 2 days 20 miles,
3 days 30 miles and 4 days 45 miles, a 20-mile drive, the default budget. On the
demo region the starts are three towns (Andorra la Vella, Encamp, Ordino: their
GeoNames coordinates); elsewhere three of the region's trailheads chosen by
farthest-point sampling (`regions_bench.start_points`), since regions need not
have towns. Each start gets one untimed question first so its region graph is
cached; before every timed question the plan cache is cleared (warm solves).

Every night is judged against the raw file, never the solver's claim: the
places to sleep are the file's camp sites, alpine and wilderness huts and
shelters as the parser reads them (`trails.formats.read_network`: shelters no
one sleeps in, `shelter_type` bus stop or picnic roof, are not beds), and a
night is "at a bed" when the point where the day ends (the API's `ends_at`) is
within 300 m of one. Also reported: trips answered, days within ±25% of the
trip's own mean day, first walks within 1% of the length asked for (measured on
their line, `trails/ground.py`), nights the API calls a bed that the raw data
does not confirm, trips that say some nights are not at a bed (`notice`), and
the time per request (p50/p95). A region with no bed in its file is listed and
skipped.

With `--repeat N` each question is asked N times (cache cleared each time) and
the times pooled, for noisy machines.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from regions_bench import (  # noqa: E402
    DATA,
    REGIONS,
    percentile,
    setup,
    start_points,
)

from trails.geo import METRES_PER_MILE, haversine_m  # noqa: E402

TRIPS = ((2, 20), (3, 30), (4, 45))  # days, miles
DRIVE_MI = 20
STARTS = 3
AT_BED_M = 300.0
EVEN = 0.25
NEAR = 0.01  # a first walk this close to the length asked for is on it
TOWNS = {  # GeoNames coordinates of the demo region's towns
    "Andorra la Vella": (42.50779, 1.52109),
    "Encamp": (42.53474, 1.58014),
    "Ordino": (42.55623, 1.53319),
}
BED_KINDS = ("camp_site", "alpine_hut", "wilderness_hut", "shelter")


@dataclass
class Trip:
    days: int
    miles: int
    seconds: list[float] = field(default_factory=list)
    status: str = ""
    nights: int = 0
    at_bed: int = 0
    claimed_not_confirmed: int = 0
    even: bool = False
    spread: float = 0.0  # largest |day - mean| / mean
    notice: bool = False
    error: float | None = None  # the first walk's length on its line vs asked


def raw_beds(name: str) -> list[tuple[float, float]]:
    """(lon, lat) of every place to sleep in the region's file."""
    from trails.formats import read_network

    path, trailheads = REGIONS[name]
    options = {"trailheads": DATA / trailheads} if trailheads else {}
    parsed = read_network(DATA / path, **options)
    return [(p.lon, p.lat) for p in parsed.network.places if p.kind in BED_KINDS]


def starts_for(name: str, source) -> list[tuple[str, float, float]]:
    if name == "andorra":
        return [(town, lat, lon) for town, (lat, lon) in TOWNS.items()]
    return [
        (f"trailhead {lat:.4f},{lon:.4f}", lat, lon)
        for lat, lon in start_points(source, STARTS)
    ]


def judge(doc: dict, trip: Trip, beds: list[tuple[float, float]]) -> None:
    trip.status = doc["status"]
    trip.notice = bool(doc.get("notice"))
    if not doc["loops"]:
        return
    from trails.ground import walk_length_m

    loop = doc["loops"][0]
    target = trip.miles * METRES_PER_MILE
    trip.error = (walk_length_m(loop["geometry"]["coordinates"]) - target) / target
    miles = [d["miles"] for d in loop["days"]]
    mean = sum(miles) / len(miles)
    trip.spread = max(abs(m - mean) / mean for m in miles)
    trip.even = trip.spread <= EVEN + 1e-9
    for day in loop["days"][:-1]:
        end = day["ends_at"]
        near = min(
            (haversine_m(end["lon"], end["lat"], lon, lat) for lon, lat in beds),
            default=float("inf"),
        )
        trip.nights += 1
        trip.at_bed += near <= AT_BED_M
        trip.claimed_not_confirmed += end.get("type") == "bed" and near > AT_BED_M


def run_region(name: str, repeat: int) -> list[Trip] | None:
    from django.core.cache import cache
    from django.test import Client

    from trails.importers import import_file
    from trails.models import Campsite, Source

    beds = raw_beds(name)
    if not beds:
        print(f"\n## {name}: no place to sleep in the file, skipped")
        return None
    path, trailheads = REGIONS[name]
    options = {"trailheads": DATA / trailheads} if trailheads else {}
    t = time.perf_counter()
    report = import_file(DATA / path, name, attribution=name, **options)
    source = Source.objects.get(name=report.source)
    attached = Campsite.objects.filter(source=source).beds().count()
    print(
        f"\n## {name}: {len(beds)} beds in the file, {attached} attached to its "
        f"trails (imported in {time.perf_counter() - t:.1f} s)"
    )
    client = Client()
    trips = []
    for label, lat, lon in starts_for(name, source):
        base = {"lat": lat, "lon": lon, "drive_miles": DRIVE_MI}
        cache.clear()
        client.get("/api/plan", {**base, "hike_miles": 10})  # loads the graph
        for days, miles in TRIPS:
            trip = Trip(days, miles)
            params = {**base, "hike_miles": miles, "days": days}
            for _ in range(repeat):
                cache.clear()
                t = time.perf_counter()
                response = client.get("/api/plan", params)
                trip.seconds.append(time.perf_counter() - t)
            doc = response.json()
            if response.status_code != 200:
                print(f"  {response.status_code} for {params}: {doc}")
                trip.status = f"http {response.status_code}"
            else:
                judge(doc, trip, beds)
            trips.append(trip)
            loop = doc.get("loops", [None])[0] if doc.get("loops") else None
            days_mi = [d["miles"] for d in loop["days"]] if loop else []
            print(
                f"  {label[:28]:28} {days} d {miles:2} mi: {trip.status:9} "
                f"{statistics.median(trip.seconds) * 1000:5.0f} ms  "
                f"nights at a bed {trip.at_bed}/{trip.nights}  days {days_mi} "
                f"(spread {trip.spread:.0%}, length {_error(trip)})"
            )
    return trips


def _error(trip: Trip) -> str:
    return "-" if trip.error is None else f"{trip.error:+.1%}"


def table(rows: list[tuple[str, list[Trip]]]) -> None:
    print(
        "\n| region | trips | answered | nights at a bed (≤ 300 m) | days within "
        "±25% | within 1% of the length | claimed, not confirmed | notices | "
        "p50 s | p95 s |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    every: list[Trip] = []
    for name, trips in rows + [("all", [])]:
        trips = trips or every
        if name != "all":
            every += trips
        answered = [t for t in trips if t.status == "ok"]
        nights = sum(t.nights for t in trips)
        at_bed = sum(t.at_bed for t in trips)
        seconds = [s for t in trips for s in t.seconds]
        share = f"{at_bed}/{nights} ({at_bed / nights:.0%})" if nights else "-"
        print(
            f"| {name} | {len(trips)} | {len(answered)} | {share} | "
            f"{sum(t.even for t in answered)}/{len(answered)} | "
            f"{sum(abs(t.error) <= NEAR for t in answered if t.error is not None)}"
            f"/{len(answered)} | "
            f"{sum(t.claimed_not_confirmed for t in trips)} | "
            f"{sum(t.notice for t in trips)} | "
            f"{percentile(seconds, 0.5):.2f} | {percentile(seconds, 0.95):.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", default=",".join(REGIONS))
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    names = [n.strip() for n in args.regions.split(",") if n.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        setup(tmp)
        rows = []
        for name in names:
            trips = run_region(name, args.repeat)
            if trips:
                rows.append((name, trips))
        table(rows)
    print(f"\n{METRES_PER_MILE:.3f} m to the mile; {os.cpu_count()} cores.")


if __name__ == "__main__":
    main()
