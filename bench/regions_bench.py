"""How good the offered walks are in every real region, judged on the ground.

    .venv/bin/python bench/regions_bench.py [--regions andorra,beatty] [--quick]

Imports each region in ../shared/data into its own source of a scratch SQLite
database (migrate, then `import_file`, as `plan_bench.py` does), then asks the JSON
API `/api/plan` the same questions everywhere: six start points x a hike of 3, 5,
8, 12 and 18 miles, a 10-mile drive, one day (`--quick`: 2 start points x 3, 8 and
18 miles). Regions need not have towns, so the start points are the region's own
attached trailheads, chosen by farthest-point sampling: the trailhead nearest the
centroid of them all, then again and again the trailhead farthest from those
already chosen. Each start point is first asked its longest hike cold (no region
graph in memory, as a worker's first plan in a region: "cold" in the summary);
that caches its region graph, and before every other timed question the plan
cache is cleared, so those times are warm solves (graph in memory, plan not).

Every offered walk is judged by `trails/ground.py` on the walk's returned
geometry, never by the solver's own figures:

- length re-measured (haversine) against the target: "within 1%";
- ground walked twice, by position (3 m), against the walk's own `repeated_miles`:
  off by more than 0.03 mi (48 m) is "misreported"; a walk of kind `loop` that
  walks any ground twice is counted apart;
- foot-way share: metres on segments whose trail kind is not `road`;
- trail changes per mile: the walk's sequence of way names (kind when unnamed),
  consecutive repeats merged;
- cue lines per mile: the lines of the walk's cue sheet (`planner/cues.py`, one
  per trail or waymarked route followed), what a hiker is told to follow;
- walks per request, distinct trailheads among a request's walks, time per
  request (p50/p95);
- time to the first loop within 1% (p50/p95 over the requests that found one,
  with how many did): the solver's `stats["first_near_s"]`, counted from the
  start of the solve. The API does not show it, so after each timed question the
  bench asks `make_plan` the same `TripQuery` (bound through `TripForm` as the
  API binds it); that is a plan-cache hit, the very document of the timed solve.

When the models have them (`Trail.flag`, `Trail.flag_override`, a `WalkingRoute`
with `segments`), it also reports the waymarked share and walks on flagged ways;
otherwise "n/a". Per region it reports the network too: km of foot way, km on
waymarked routes, and the ground two segments cover twice (`overlapping_pairs`).

Every question is asked twice, each time through the API with the caches
cleared: with our objective (the hiker's cost), then with a length-only baseline
of our own search, `solve(..., minimise_road=False)`, which ranks by length alone.
For the baseline the bench swaps `planner.plans.solve` for that call while it
asks (`length_only()`), so both use the same view, graph cache, trailheads, plan
document and presenter, are timed the same way and judged by the same checker.
Each region's table ends with the baseline's "all" row; the summary gives both
tables and then the two side by side ("ours vs length only"). Note that the
baseline stops searching once it holds three circuits within 3% of the target
(`IDEAL_COST` in `planner/solver/search.py`), so it is often quicker than ours and
less often within 1%.

Takes about 2 minutes for all seven regions on one core (125 s; 90 s before the
baseline was added), --quick about 40 s.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trails.geo import METRES_PER_MILE, haversine_m  # noqa: E402
from trails.ground import overlapping_pairs, repeated_m, walk_length_m  # noqa: E402

DATA = Path(os.environ.get("LOOPGENIE_SHARED_DATA", ROOT.parent / "shared" / "data"))
# name -> (file, trailheads file)
REGIONS = {
    "andorra": ("andorra-osm/andorra-2021-06-22.osm.pbf", None),
    "colorado": (
        "colorado-state-forest/trails.geojson",
        "colorado-state-forest/rec-symbols.geojson",
    ),
    "beatty": ("osm-regions/beatty.osm", None),
    "krems": ("osm-regions/krems.osm.gz", None),
    "lauf": ("osm-regions/lauf-200115.osm.pbf", None),
    "north-bayreuth": ("osm-regions/north-bayreuth.osm.gz", None),
    "oslo-east": ("osm-regions/oslo-east-filtered.osm.pbf", None),
}
HIKES_MI = (3, 5, 8, 12, 18)
QUICK_HIKES_MI = (3, 8, 18)
STARTS = 6
QUICK_STARTS = 2
DRIVE_MI = 10
DAYS = 1
REPEAT_TOLERANCE_M = 3.0
MISREPORT_M = 0.03 * METRES_PER_MILE  # the API rounds to 0.01 mi; 48 m is a real miss


@dataclass
class SegmentInfo:
    length_m: float
    kind: str
    name: str
    flagged: bool | None  # None: the model has no flags yet
    waymarked: bool | None  # None: the model has no walking routes yet


@dataclass
class Walk:
    hike_mi: int
    kind: str
    error: float  # (measured - target) / target
    repeated_m: float  # by position
    reported_m: float  # the API's repeated_miles, in metres
    foot_share: float
    waymarked_share: float | None
    changes_per_mi: float
    cue_lines_per_mi: float  # the lines of its cue sheet: what a hiker is told
    flagged: bool | None

    @property
    def misreported(self) -> bool:
        return abs(self.repeated_m - self.reported_m) > MISREPORT_M

    @property
    def loop_twice(self) -> bool:
        return self.kind == "loop" and self.repeated_m > 0


@dataclass
class Request:
    hike_mi: int
    seconds: float
    status: str
    walks: list[Walk] = field(default_factory=list)
    trailheads: int = 0
    first_near_s: float | None = None  # None: no loop within 1% was found
    cue_sheets: int = 0  # loops whose cue sheet was read
    cue_problems: list[str] = field(default_factory=list)  # planner/cues.problems


@dataclass
class Network:
    foot_km: float
    waymarked_km: float | None
    overlaps: int
    overlap_m: float
    trailheads: int


def setup(tmp: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "loopgenie.settings"
    os.environ["DEBUG"] = "1"
    # Every question here is a fresh plan from one client.
    os.environ["PLAN_RATE_LIMIT"] = "1000000/60"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS.append("testserver")
    call_command("migrate", verbosity=0)
    # One log line per plan would bury the tables.
    logging.getLogger("loopgenie.plans").setLevel(logging.WARNING)


def import_region(name: str):
    from trails.importers import import_file

    path, trailheads = REGIONS[name]
    options = {"trailheads": DATA / trailheads} if trailheads else {}
    # DATA / an absolute path (an --extra file) is that absolute path
    report = import_file(DATA / path, name, attribution=name, **options)
    from trails.models import Source

    return Source.objects.get(name=report.source)


def optional_fields() -> tuple[bool, bool, object | None]:
    """Whether Trail has `flag` and `flag_override`, and the WalkingRoute model:
    the bench runs before and after they land."""
    from trails import models

    names = {f.name for f in models.Trail._meta.get_fields()}
    return (
        "flag" in names,
        "flag_override" in names,
        getattr(models, "WalkingRoute", None),
    )


def segment_table(source) -> dict[int, SegmentInfo]:
    """Every segment of the source: length, trail kind and name, flags."""
    from trails.models import Segment

    has_flag, has_override, route_model = optional_fields()
    columns = ["id", "length_m", "trail__kind", "trail__name"]
    if has_flag:
        columns.append("trail__flag")
    if has_override:
        columns.append("trail__flag_override")
    waymarked: set[int] | None = None
    if route_model is not None:
        try:
            through = route_model._meta.get_field("segments").remote_field.through
            waymarked = set(
                through.objects.filter(segment__source=source).values_list(
                    "segment_id", flat=True
                )
            )
        except Exception as exc:  # the model is still changing: say so, go on
            print(f"  (walking routes not readable: {exc})")
    table = {}
    for row in Segment.objects.filter(source=source).values_list(*columns):
        seg_id, length, kind, name = row[:4]
        flagged = None
        if has_flag:
            flag = row[4]
            override = row[5] if has_override else False
            flagged = bool(flag) and not override
        table[seg_id] = SegmentInfo(
            length,
            kind,
            name,
            flagged,
            None if waymarked is None else seg_id in waymarked,
        )
    return table


def network_figures(source, table: dict[int, SegmentInfo]) -> Network:
    from trails.models import Segment, Trailhead

    foot = sum(s.length_m for s in table.values() if s.kind != "road")
    waymarked = None
    if any(s.waymarked is not None for s in table.values()):
        waymarked = sum(s.length_m for s in table.values() if s.waymarked) / 1000
    geometries = list(
        Segment.objects.filter(source=source).values_list("geometry", flat=True)
    )
    pairs = overlapping_pairs(geometries)
    trailheads = Trailhead.objects.filter(source=source, junction__isnull=False).count()
    return Network(
        foot / 1000, waymarked, len(pairs), sum(p[2] for p in pairs), trailheads
    )


def start_points(source, count: int) -> list[tuple[float, float]]:
    """Farthest-point sampling over the region's attached trailheads, from the one
    nearest their centroid. Ties go to the lower id, so runs repeat."""
    from trails.models import Trailhead

    rows = list(
        Trailhead.objects.filter(source=source, junction__isnull=False)
        .order_by("id")
        .values_list("lat", "lon")
    )
    if not rows:
        return []
    lat0 = statistics.fmean(lat for lat, _ in rows)
    lon0 = statistics.fmean(lon for _, lon in rows)
    first = min(rows, key=lambda r: haversine_m(lon0, lat0, r[1], r[0]))
    chosen = [first]
    nearest = [haversine_m(first[1], first[0], r[1], r[0]) for r in rows]
    while len(chosen) < min(count, len(rows)):
        far = max(range(len(rows)), key=lambda k: nearest[k])
        if nearest[far] == 0:
            break
        pick = rows[far]
        chosen.append(pick)
        nearest = [
            min(d, haversine_m(pick[1], pick[0], r[1], r[0]))
            for d, r in zip(nearest, rows)
        ]
    return chosen


def judge(loop: dict, hike_mi: int, table: dict[int, SegmentInfo]) -> Walk:
    coords = loop["geometry"]["coordinates"]
    target = hike_mi * METRES_PER_MILE
    length = walk_length_m(coords)
    steps = [table[s["segment_id"]] for s in loop["segments"]]
    walked = sum(s.length_m for s in steps) or 1.0
    foot = sum(s.length_m for s in steps if s.kind != "road")
    waymarked = None
    if steps and steps[0].waymarked is not None:
        waymarked = sum(s.length_m for s in steps if s.waymarked) / walked
    flagged = None
    if steps and steps[0].flagged is not None:
        flagged = any(s.flagged for s in steps)
    ways = []
    for s in steps:
        label = s.name or s.kind
        if not ways or ways[-1] != label:
            ways.append(label)
    return Walk(
        hike_mi=hike_mi,
        kind=loop["kind"],
        error=(length - target) / target,
        repeated_m=repeated_m(coords, REPEAT_TOLERANCE_M),
        reported_m=(loop["repeated_miles"] or 0) * METRES_PER_MILE,
        foot_share=foot / walked,
        waymarked_share=waymarked,
        changes_per_mi=(len(ways) - 1) / (length / METRES_PER_MILE),
        cue_lines_per_mi=len(loop.get("cues") or []) / (length / METRES_PER_MILE),
        flagged=flagged,
    )


BASELINE = [False]  # inside length_only()


@contextmanager
def length_only() -> Iterator[None]:
    """Plans ranked by length alone: `_plan` calls `planner.plans.solve`, so
    everything around the solver (trailheads, graph cache, document) stays ours."""
    from planner import plans

    baseline = functools.partial(plans.solve, minimise_road=False)
    BASELINE[0] = True
    try:
        with mock.patch.object(plans, "solve", baseline):
            yield
    finally:
        BASELINE[0] = False


def planned(params: dict) -> dict:
    """The timed solve's plan document, from the cache."""
    from planner.forms import TripForm
    from planner.plans import make_plan

    form = TripForm(
        {
            "lat": str(params["lat"]),
            "lon": str(params["lon"]),
            "drive": str(params["drive_miles"]),
            "hike": str(params["hike_miles"]),
            "days": str(params["days"]),
            "units": "mi",
        }
    )
    if not form.is_valid():
        raise RuntimeError(f"the trip form refused {params}: {form.errors}")
    plan = make_plan(form.trip_query())
    if plan["stats"]["cache"] != "hit":
        # A miss is a second solve, so its time would not be the timed one's.
        raise RuntimeError(f"no cached plan for {params}: the bench binds the form")
    return plan


DETAIL = [False]  # --detail: print each of our questions' walks as judged


def question(client, params: dict, table: dict[int, SegmentInfo]) -> Request:
    """One timed question through the API, every walk judged on the ground."""
    from django.core.cache import cache

    hike = params["hike_miles"]
    cache.clear()
    t = time.perf_counter()
    response = client.get("/api/plan", params)
    seconds = time.perf_counter() - t
    doc = response.json()
    if response.status_code != 200:
        print(f"  {response.status_code} for {params}: {doc}")
        return Request(hike, seconds, f"http {response.status_code}")
    loops = doc["loops"]
    plan = planned(params)
    request = Request(
        hike,
        seconds,
        doc["status"],
        [judge(loop, hike, table) for loop in loops],
        len({loop["trailhead"]["id"] for loop in loops}),
        plan["stats"].get("first_near_s"),
    )
    if not BASELINE[0]:
        from planner.cues import problems

        request.cue_sheets = len(plan["loops"])
        request.cue_problems = [
            f"{hike} mi from {params['lat']:.4f},{params['lon']:.4f}, "
            f"loop {loop['rank']}: {problem}"
            for loop in plan["loops"]
            for problem in problems(loop)
        ]
    if DETAIL[0] and not BASELINE[0]:
        walks = "; ".join(
            f"{w.kind} {w.error:+.1%} foot {w.foot_share:.0%} "
            f"{w.changes_per_mi:.1f} ch/mi"
            + (f" twice {w.repeated_m:.0f} m" if w.repeated_m else "")
            for w in request.walks
        )
        near = (
            "-"
            if request.first_near_s is None
            else f"{request.first_near_s * 1000:.0f} ms"
        )
        print(
            f"  {params['lat']:.4f},{params['lon']:.4f} {hike} mi: {doc['status']} "
            f"{seconds * 1000:.0f} ms, first within 1% {near}, "
            f"{request.trailheads} trailheads: {walks}"
        )
    return request


def ask(
    client, starts, hikes, table
) -> tuple[list[Request], list[Request], list[Request]]:
    """Every question with our objective and with the length-only baseline, and
    per start point the longest hike asked cold (no region graph in memory)."""

    from planner import plans

    ours, baseline, cold = [], [], []
    for lat, lon in starts:
        base = {"lat": lat, "lon": lon, "drive_miles": DRIVE_MI, "days": DAYS}
        # Cold, as a worker's first plan in a region: loads this start's region
        # graph (the largest box) into memory; the warm questions then use it.
        plans.GRAPHS.clear()
        cold.append(question(client, {**base, "hike_miles": max(hikes)}, table))
        for hike in hikes:
            params = {**base, "hike_miles": hike}
            ours.append(question(client, params, table))
            with length_only():
                baseline.append(question(client, params, table))
    return ours, baseline, cold


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def median(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "n/a"


def share(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    if len(known) < len(values) or not values:
        return "n/a"
    return f"{statistics.median(known):.0%}"


def count(walks: list[Walk], test) -> str:
    return f"{sum(1 for w in walks if test(w))}/{len(walks)}"


def flagged_count(walks: list[Walk]) -> str:
    if not walks or any(w.flagged is None for w in walks):
        return "n/a"
    return count(walks, lambda w: w.flagged)


def first_near(requests: list[Request]) -> str:
    """p50/p95 in ms over the requests that found a loop within 1%, and how many."""
    found = [r.first_near_s for r in requests if r.first_near_s is not None]
    if not found:
        return f"none (0/{len(requests)})"
    ms = f"{percentile(found, 0.5) * 1000:.0f}/{percentile(found, 0.95) * 1000:.0f}"
    return f"{ms} ({len(found)}/{len(requests)})"


def row(requests: list[Request]) -> list[str]:
    walks = [w for r in requests for w in r.walks]
    answered = [r for r in requests if r.walks]
    secs = [r.seconds for r in requests]
    return [
        f"{len(answered)}/{len(requests)}",
        count(walks, lambda w: abs(w.error) <= 0.01),
        count(walks, lambda w: w.misreported),
        count([w for w in walks if w.kind == "loop"], lambda w: w.loop_twice),
        flagged_count(walks),
        share([w.foot_share for w in walks]),
        share([w.waymarked_share for w in walks]),
        median([w.changes_per_mi for w in walks]),
        median([w.cue_lines_per_mi for w in walks]),
        f"{len(walks) / len(requests):.1f}" if requests else "n/a",
        f"{statistics.fmean(r.trailheads for r in answered):.1f}"
        if answered
        else "n/a",
        f"{percentile(secs, 0.5):.2f}/{percentile(secs, 0.95):.2f}" if secs else "n/a",
        first_near(requests),
    ]


COLUMNS = [
    "answered",
    "within 1%",
    "repetition misreported",
    "loops walking ground twice",
    "on flagged ways",
    "foot share (median)",
    "waymarked share (median)",
    "trail changes/mi (median)",
    "cue lines/mi (median)",
    "walks/request",
    "trailheads/request",
    "p50/p95 s",
    "first within 1% p50/p95 ms",
]
# The columns set side by side, ours vs length only.
COMPARED = [
    "answered",
    "within 1%",
    "foot share (median)",
    "waymarked share (median)",
    "trail changes/mi (median)",
    "cue lines/mi (median)",
    "walks/request",
    "p50/p95 s",
    "first within 1% p50/p95 ms",
]


def side_by_side(ours: list[str], baseline: list[str]) -> list[str]:
    return [
        f"{ours[COLUMNS.index(c)]} vs {baseline[COLUMNS.index(c)]}" for c in COMPARED
    ]


def table_lines(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(r) + " |" for r in rows),
    ]


def region_report(
    name: str, net: Network, requests: list[Request], baseline: list[Request]
) -> None:
    waymarked = "n/a" if net.waymarked_km is None else f"{net.waymarked_km:,.1f}"
    print(f"\n## {name}\n")
    print(
        f"Network: {net.foot_km:,.1f} km of foot way, {waymarked} km on waymarked "
        f"routes, {net.trailheads} attached trailheads; {net.overlaps} pairs of "
        f"segments cover the same ground ({net.overlap_m:,.0f} m).\n"
    )
    by_hike: dict[int, list[Request]] = defaultdict(list)
    for r in requests:
        by_hike[r.hike_mi].append(r)
    rows = [[f"{hike} mi", *row(rs)] for hike, rs in sorted(by_hike.items())]
    rows.append(["all", *row(requests)])
    rows.append(["all, length only", *row(baseline)])
    for line in table_lines(["hike", *COLUMNS], rows):
        print(line)
    walks = [w for r in requests for w in r.walks]
    errors = [abs(w.error) for w in walks]
    repeated = [w.repeated_m for w in walks]
    missed = [w for w in walks if w.misreported]
    if walks:
        print(
            "\nLength error |measured - target|: median "
            f"{statistics.median(errors):.1%}, max {max(errors):.1%}. "
            "Repeated by position: median "
            f"{statistics.median(repeated):,.0f} m, max {max(repeated):,.0f} m."
        )
    print(cue_report(requests))
    for problem in [p for r in requests for p in r.cue_problems][:5]:
        print(f"- cue sheet: {problem}")
    for w in missed[:5]:
        print(
            f"- misreported: {w.hike_mi} mi {w.kind}: {w.repeated_m:,.0f} m walked "
            f"twice on the ground, {w.reported_m:,.0f} m reported"
        )


def cue_report(requests: list[Request]) -> str:
    sheets = sum(r.cue_sheets for r in requests)
    bad = sum(len(r.cue_problems) for r in requests)
    return (
        f"\nCue sheets (planner/cues.py `problems`: kind against the summary, one "
        f"line per trail or route, a turn at each change): {sheets} read, "
        f"{bad} problems."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--regions",
        default=",".join(REGIONS),
        help=f"comma-separated, of: {', '.join(REGIONS)}",
    )
    parser.add_argument(
        "--quick", action="store_true", help="2 start points x 3, 8 and 18 miles"
    )
    parser.add_argument(
        "--detail", action="store_true", help="a line per question, ours only"
    )
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="also judge this file (an unseen region; never shipped), e.g. "
        "--extra helsinki=/tmp/Helsinki.osm.pbf --regions helsinki",
    )
    args = parser.parse_args()
    DETAIL[0] = args.detail
    for extra in args.extra:
        extra_name, _, extra_path = extra.partition("=")
        if not extra_path or not Path(extra_path).is_file():
            parser.error(f"--extra wants NAME=PATH of a file, not {extra!r}")
        REGIONS[extra_name] = (str(Path(extra_path).resolve()), None)
    names = [n.strip() for n in args.regions.split(",") if n.strip()]
    unknown = [n for n in names if n not in REGIONS]
    if unknown:
        parser.error(f"unknown regions {unknown}; known: {', '.join(REGIONS)}")
    starts_n, hikes = (
        (QUICK_STARTS, QUICK_HIKES_MI) if args.quick else (STARTS, HIKES_MI)
    )
    with tempfile.TemporaryDirectory() as tmp:
        setup(tmp)
        run(names, starts_n, hikes)


def run(names: list[str], starts_n: int, hikes: tuple[int, ...]) -> None:
    from django.test import Client

    t0 = time.perf_counter()
    client = Client()
    summary, summary_baseline, summary_cold, cue_lines = [], [], [], []
    for name in names:
        t = time.perf_counter()
        source = import_region(name)
        table = segment_table(source)
        net = network_figures(source, table)
        starts = start_points(source, starts_n)
        requests, baseline, cold = ask(client, starts, hikes, table)
        region_report(name, net, requests, baseline)
        print(f"\n({len(starts)} start points, {time.perf_counter() - t:.0f} s)")
        summary.append([name, *row(requests)])
        sheets = sum(r.cue_sheets for r in requests)
        bad = sum(len(r.cue_problems) for r in requests)
        cue_lines.append(f"- {name}: {sheets} read, {bad} problems")
        summary_baseline.append([name, *row(baseline)])
        secs = [r.seconds for r in cold]
        summary_cold.append(
            [
                name,
                f"{max(hikes)} mi",
                f"{sum(1 for r in cold if r.walks)}/{len(cold)}",
                f"{percentile(secs, 0.5):.2f}/{percentile(secs, 0.95):.2f}",
            ]
        )
    print("\n## Summary\n")
    print(
        f"{len(hikes)} hikes ({', '.join(map(str, hikes))} mi) x up to {starts_n} "
        f"trailheads per region, {DRIVE_MI}-mile drive, {DAYS} day; walks judged "
        "by position (trails/ground.py).\n"
    )
    for line in table_lines(["region", *COLUMNS], summary):
        print(line)
    print("\nCue sheets read per region (planner/cues.py `problems`):")
    print("\n".join(cue_lines))
    print("\n### Length-only baseline (`minimise_road=False`), same questions\n")
    for line in table_lines(["region", *COLUMNS], summary_baseline):
        print(line)
    print("\n### Side by side: ours vs length only\n")
    pairs = [
        [o[0], *side_by_side(o[1:], b[1:])] for o, b in zip(summary, summary_baseline)
    ]
    for line in table_lines(["region", *COMPARED], pairs):
        print(line)
    print(
        "\n### Cold: each start point's longest hike, the region graph not in memory\n"
    )
    for line in table_lines(["region", "hike", "answered", "p50/p95 s"], summary_cold):
        print(line)
    print(f"\nTotal {time.perf_counter() - t0:.0f} s.")


if __name__ == "__main__":
    main()
