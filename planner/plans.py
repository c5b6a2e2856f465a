"""From a hiker's question to a plan: trailheads in range, the network, the solver.

`make_plan(query)` returns a *plan document*: plain dicts and numbers in metres, the
one thing the page, the JSON API, the GPX and GeoJSON downloads all render from, and
what the cache stores (keyed by the normalised query and the data version, so an
import or an admin edit makes old plans stale at once).
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from django.db.models import Avg, Count

from planner import caching, cues, density, walks
from planner.drive import StraightLineEstimator
from planner.regions import load_geometry, load_graph
from planner.solver import (
    DEFAULT_BUDGET_S,
    Loop,
    Prepared,
    Stage,
    Start,
    costs,
    prepare,
    solve,
    warm,
)
from trails.dem import climb
from trails.geo import degrees_for_metres, haversine_m, part_of_line
from trails.models import Campsite, DataVersion, Source, Trailhead

log = logging.getLogger("loopgenie.plans")

ESTIMATOR = StraightLineEstimator()
WALK_KMH = 5.0  # Naismith's rule: 5 km/h, plus an hour for every 600 m of climb
CLIMB_M_PER_HOUR = 600.0
PROFILE_POINTS = 160
PLAN_CACHE_SECONDS = 600
GRAPH_GRID_DEG = 0.1  # regions snap outward to this grid so nearby plans share one
FAR_M = 300_000.0  # a nearest trailhead further than this: outside the data
WALK_TO_TRAILHEAD_M = 2_000.0  # a drive of 0: trailheads this close, on foot
# A plan whose range holds more network than this loads only the part around the
# best trailheads (`_around_best`); one that would still need more is refused.
# Oslo's 10-mile range, 16,500 segments, loads and is prepared in 0.5 s; 40,000
# took a 100-mile plan over 25 copies of the demo region to 1.6 s cold.
LOAD_SEGMENTS = 25_000
MAX_SEGMENTS = 150_000
CANDIDATES = 500  # the best trailheads considered for a trimmed region
# A worker keeps at most four region graphs and at most this many segments in
# them (about 100 MB per 40,000 segments, lines left in the database), the newest
# always: its memory does not grow with the data.
GRAPH_CACHE_SEGMENTS = 120_000


@dataclass(frozen=True)
class TripQuery:
    """A validated, normalised trip request (lengths in metres).

    No start (`lat`/`lon` None) when the hiker picked a trailhead, or a trail or
    route to walk: loops then start at that trailhead, or near what they walk.
    """

    lat: float | None
    lon: float | None
    label: str
    drive_m: float
    hike_m: float
    days: int = 1
    tolerance: float = 0.10
    allow_stems: bool = True
    max_difficulty: int | None = None
    alternatives: int = 3
    units: str = "mi"
    budget_s: float = DEFAULT_BUDGET_S
    trailhead_id: int | None = None  # every loop starts there
    trail_id: int | None = None  # every loop walks some of it
    route_id: int | None = None  # every loop walks some of this waymarked route
    max_day_m: float | None = None  # no day longer than this (several days)
    shelters: bool = True  # shelters count as places to sleep

    def cache_key(self, version: int) -> str:
        raw = json.dumps([asdict(self), version], sort_keys=True)
        return "plan:" + hashlib.sha256(raw.encode()).hexdigest()


def make_plan(
    query: TripQuery, before_solving: Callable[[], None] | None = None
) -> dict[str, Any]:
    """The plan document for `query`, from the cache when it is there.

    `before_solving` runs only when the plan must be computed (the rate limit:
    a cached plan costs no solver time, so it is never refused).
    """
    version = version_of(query)
    key = query.cache_key(version)
    plan = caching.get(key)
    if plan is not None:
        plan["stats"]["cache"] = "hit"
        log.info("plan %s cache=plan-hit", describe(query))
        return plan
    if before_solving:
        before_solving()
    plan = _plan(query, version)
    caching.set(key, plan, PLAN_CACHE_SECONDS)
    return plan


def version_of(query: TripQuery) -> int:
    """The data version a plan for `query` depends on: the latest change within
    all it can reach (the drive's radius and half the walk beyond), so that an
    edit elsewhere leaves it cached; any change at all for a plan from a chosen
    trailhead or along a trail or route (no start to measure from)."""
    asked_for = (query.trailhead_id, query.trail_id, query.route_id)
    if query.lat is None or query.lon is None or any(x is not None for x in asked_for):
        return DataVersion.current()
    # trailheads in range: within the drive, or a walk of the start for no drive
    reach = ESTIMATOR.search_radius_m(query.drive_m) or WALK_TO_TRAILHEAD_M
    radius = reach + query.hike_m / 2 + 1000
    return DataVersion.of(_box_around(query.lat, query.lon, radius))


def _box_around(lat: float, lon: float, metres: float) -> tuple[float, ...]:
    """The box (min lon, min lat, max lon, max lat) of `metres` around a point."""
    dlon, dlat = degrees_for_metres(metres, lat)
    return (lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def describe(query: TripQuery) -> str:
    """The question for the log. The start to two decimals (about a kilometre):
    enough to see where people plan, not where someone lives."""
    where = (
        f"lat={query.lat:.2f} lon={query.lon:.2f} drive_m={query.drive_m:.0f} "
        if query.lat is not None
        else ""
    )
    asked = "".join(
        f"{name}={value} "
        for name, value in (
            ("trailhead", query.trailhead_id),
            ("trail", query.trail_id),
            ("route", query.route_id),
        )
        if value is not None
    )
    return (
        f"{where}{asked}"
        f"hike_m={query.hike_m:.0f} days={query.days} tol={query.tolerance:g} "
        f"stems={query.allow_stems} difficulty={query.max_difficulty}"
        + (f" max_day_m={query.max_day_m:.0f}" if query.max_day_m else "")
        + ("" if query.shelters else " shelters=no")
    )


def _plan(query: TripQuery, version: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    plan: dict[str, Any] = {
        "query": asdict(query),
        "status": "ok",
        "message": None,
        "loops": [],
        "trailheads_in_range": 0,
        "nearest_trailhead": None,
        "closest_lengths_m": [],
        "timed_out": False,
        "drive_note": ESTIMATOR.describe(),
        "attributions": [],
        "stats": {"cache": "miss"},
        "from_trailhead": None,  # the trailhead asked for
        "walks": None,  # the trail or route asked for: type, id, name
        "notice": None,  # several days: why some nights are not at a bed
        "regions": [],  # far from every trail: the regions LoopGenie knows
    }
    walk = _walk(query)
    if walk is not None:
        plan["walks"] = {"type": walk.kind, "id": walk.id, "name": walk.name}
        if not walk.segment_ids:
            plan["status"] = "no_loop"
            plan["message"] = (
                f"{walk.name} is closed or flagged in the data: "
                "LoopGenie plans no loops on it."
            )
            return plan
    trailheads = _starts(query, walk)
    if query.trailhead_id is not None and trailheads:
        plan["from_trailhead"] = trailhead_doc(*trailheads[0])
    plan["trailheads_in_range"] = len(trailheads)
    if not trailheads:
        plan["status"] = "no_trailhead"
        if query.trailhead_id is not None:
            plan["message"] = "That trailhead is no longer on the trail network."
        elif walk is not None:
            near = min(walks.START_NEAR_M, query.hike_m / 2)
            plan["message"] = (
                f"No trailhead {'in range ' if query.lat is not None else ''}"
                f"is within {near / 1000:.1f} km of {walk.name}."
            )
        else:
            near = plan["nearest_trailhead"] = nearest_trailhead(query.lat, query.lon)
            if near is None or near["drive_m"] > FAR_M:
                plan["regions"] = known_regions()
        return plan

    box = _region(trailheads, query.hike_m)
    grid = density.Grid(box)
    if grid.segments_in(box) > LOAD_SEGMENTS:
        trailheads = _around_best(trailheads, query.hike_m, grid)
        box = _region(trailheads, query.hike_m)
        if grid.segments_in(box) > MAX_SEGMENTS:
            plan["status"] = "no_loop"
            plan["message"] = (
                f"A walk of {query.hike_m / 1000:.0f} km reaches more trail than "
                "LoopGenie can search at once; try a shorter walk or more days "
                "with a shorter total."
            )
            return plan
    prepared, graph = GRAPHS.get(box)
    starts = [
        Start(th.junction_id, th.id, th.name or th.get_kind_display(), drive)
        for th, drive in trailheads
        if th.junction_id in graph
    ]
    beds = _beds(box, query.shelters) if query.days > 1 else {}
    t_solve = time.perf_counter()
    result = solve(
        prepared,
        starts,
        query.hike_m,
        tolerance=query.tolerance,
        days=query.days,
        alternatives=query.alternatives,
        allow_stems=query.allow_stems,
        max_difficulty=query.max_difficulty,
        campsites={node: bed["name"] for node, bed in beds.items()},
        budget_s=query.budget_s,
        max_day_m=query.max_day_m,
        must_walk=walk.segment_ids if walk is not None else (),
        must_walk_name=walk.name if walk is not None else "",
    )
    by_id = {th.id: th for th, _ in trailheads}
    lines = load_geometry(s.segment_id for loop in result.loops for s in loop.steps)
    plan["loops"] = [
        _loop_doc(loop, graph, by_id, lines, beds) for loop in result.loops
    ]
    plan["notice"] = result.notice
    plan["timed_out"] = result.timed_out
    plan["closest_lengths_m"] = [round(m, 1) for m in result.closest_lengths_m]
    if not result.loops:
        plan["status"] = "no_loop"
        plan["message"] = result.reason
    plan["attributions"] = list(
        Source.objects.filter(id__in=graph.graph.get("sources", []))
        .exclude(attribution="")
        .values("name", "attribution", "licence")
    )
    plan["stats"].update(
        solve_s=round(time.perf_counter() - t_solve, 3),
        first_near_s=result.stats["first_near_s"],
        total_s=round(time.perf_counter() - t0, 3),
        graph_nodes=graph.number_of_nodes(),
        graph_edges=graph.graph["segments"],
        starts=len(starts),
        trips=result.stats.get("trips", 0),
    )
    log.info(
        "plan %s cache=miss loops=%d solve_s=%.3f total_s=%.3f nodes=%d edges=%d",
        describe(query),
        len(plan["loops"]),
        plan["stats"]["solve_s"],
        plan["stats"]["total_s"],
        graph.number_of_nodes(),
        graph.graph["segments"],
    )
    return plan


BED_ORDER = ("alpine_hut", "wilderness_hut", "camp_site", "shelter")


def _beds(box: tuple, shelters: bool) -> dict[Any, dict[str, Any]]:
    """The places to sleep in the box by junction, as a plan shows them: open
    (staff left out those closed for the season), shelters when they count.
    Of two at one junction, a hut before a campsite before a shelter."""
    order = {kind: i for i, kind in enumerate(BED_ORDER)}
    rows = sorted(
        Campsite.objects.in_bbox(*box).beds(shelters),
        key=lambda c: (order.get(c.kind, len(order)), c.pk),
    )
    beds: dict[Any, dict[str, Any]] = {}
    for camp in rows:
        beds.setdefault(camp.junction_id, bed_doc(camp))
    return beds


def bed_doc(camp: Campsite) -> dict[str, Any]:
    """A place to sleep in a plan document: what the data says of it."""
    return {
        "id": camp.pk,
        "name": camp.name or camp.get_kind_display(),
        "kind": camp.kind,
        "kind_name": camp.get_kind_display(),
        "lat": camp.lat,
        "lon": camp.lon,
        "website": camp.website or None,
        "capacity": camp.capacity,
        "fee": camp.fee,
        "staffed": camp.staffed,
        "opening_hours": camp.opening_hours or None,
    }


def _walk(query: TripQuery) -> walks.Walk | None:
    kind, pk = (
        ("trail", query.trail_id)
        if query.trail_id is not None
        else ("route", query.route_id)
    )
    thing = walks.find(kind, pk) if pk is not None else None
    return walks.walk_of(thing) if thing is not None else None


def _starts(query: TripQuery, walk: walks.Walk | None) -> list[tuple[Trailhead, float]]:
    """The trailheads loops may start at, each with its drive: the one asked
    for; else, for a walk, those within a few km of it (and in range of the
    start when there is one); else those in range."""
    if query.trailhead_id is not None:
        th = Trailhead.objects.filter(pk=query.trailhead_id).first()
        if th is None or th.junction_id is None:
            return []  # removed, or moved off the network, since it was asked for
        drive = (
            0.0
            if query.lat is None
            else ESTIMATOR.drive_m(query.lat, query.lon, th.lat, th.lon)
        )
        return [(th, drive)]
    if walk is None:
        return trailheads_in_range(query.lat, query.lon, query.drive_m)
    # A loop of length L strays at most L/2 from its start; one from further
    # than a few km would spend its length getting there and back.
    reach = min(walks.START_NEAR_M, query.hike_m / 2)
    if query.lat is None:
        return [(th, 0.0) for th, _ in walks.trailheads_near(walk, reach)]
    found = trailheads_in_range(query.lat, query.lon, query.drive_m)
    metres = walks.distances_m(
        [th.lon for th, _ in found], [th.lat for th, _ in found], walk.points
    )
    return [pair for pair, m in zip(found, metres) if m <= reach]


def trailheads_in_range(
    lat: float, lon: float, drive_m: float
) -> list[tuple[Trailhead, float]]:
    """Attached trailheads within the drive estimate, nearest first. No drive
    (0): the trailheads within a short walk of the start, as a drive of 0."""
    if drive_m == 0:
        return _within_walk(lat, lon)
    radius = ESTIMATOR.search_radius_m(drive_m)
    rows = Trailhead.objects.in_bbox(*_box_around(lat, lon, radius))
    found = []
    for th in rows.filter(junction__isnull=False).order_by("id"):
        drive = ESTIMATOR.drive_m(lat, lon, th.lat, th.lon)
        if drive <= drive_m:
            found.append((th, drive))
    found.sort(key=lambda pair: (pair[1], pair[0].id))
    return found


def _within_walk(lat: float, lon: float) -> list[tuple[Trailhead, float]]:
    rows = Trailhead.objects.in_bbox(*_box_around(lat, lon, WALK_TO_TRAILHEAD_M))
    found = [
        (th, haversine_m(lon, lat, th.lon, th.lat))
        for th in rows.filter(junction__isnull=False).order_by("id")
    ]
    found = [(th, m) for th, m in found if m <= WALK_TO_TRAILHEAD_M]
    found.sort(key=lambda pair: (pair[1], pair[0].id))
    return [(th, 0.0) for th, _ in found]


def known_regions() -> list[dict[str, Any]]:
    """Each source with trailheads: its name, where its trailheads are (their
    middle) and how many, biggest first."""
    rows = (
        Trailhead.objects.filter(junction__isnull=False)
        .values("source__name")
        .annotate(lat=Avg("lat"), lon=Avg("lon"), trailheads=Count("id"))
        .order_by("-trailheads", "source__name")
    )
    return [
        {
            "name": r["source__name"],
            "lat": round(r["lat"], 5),
            "lon": round(r["lon"], 5),
            "trailheads": r["trailheads"],
        }
        for r in rows
    ]


def nearest_trailhead(lat: float, lon: float) -> dict[str, Any] | None:
    """The closest attached trailhead anywhere, searching outward in growing boxes."""
    radius = 50_000.0
    while radius < 25_000_000:
        rows = Trailhead.objects.in_bbox(*_box_around(lat, lon, radius)).filter(
            junction__isnull=False
        )
        best = min(
            rows.only("id", "name", "kind", "lat", "lon")[:5000],
            key=lambda th: haversine_m(lon, lat, th.lon, th.lat),
            default=None,
        )
        if best is not None:
            return trailhead_doc(best, ESTIMATOR.drive_m(lat, lon, best.lat, best.lon))
        radius *= 4
    return None


def trailhead_doc(th: Trailhead, drive_m: float) -> dict[str, Any]:
    """A trailhead in a plan document (metres), for every audience to render."""
    return {
        "id": th.id,
        "name": th.name or th.get_kind_display(),
        "kind": th.kind,
        "lat": th.lat,
        "lon": th.lon,
        "drive_m": round(drive_m, 1),
    }


def _region(
    trailheads: list[tuple[Trailhead, float]], hike_m: float
) -> tuple[float, float, float, float]:
    """The box that holds every loop of this length from these trailheads.

    A loop of length L never strays more than L/2 from its start.
    """
    lons = [th.lon for th, _ in trailheads]
    lats = [th.lat for th, _ in trailheads]
    return _around((min(lons), min(lats), max(lons), max(lats)), hike_m)


def _around(
    box: tuple[float, float, float, float], hike_m: float
) -> tuple[float, float, float, float]:
    """`box` widened by half the walk (and 500 m), snapped out to the graph grid."""
    lat = max(abs(box[1]), abs(box[3]))
    dlon, dlat = degrees_for_metres(hike_m / 2 + 500, lat)
    g = GRAPH_GRID_DEG

    def down(x: float) -> float:
        return round((x // g) * g, 6)

    def up(x: float) -> float:
        return round(-((-x) // g) * g, 6)

    return (
        down(box[0] - dlon),
        down(box[1] - dlat),
        up(box[2] + dlon),
        up(box[3] + dlat),
    )


def _around_best(
    trailheads: list[tuple[Trailhead, float]], hike_m: float, grid: density.Grid
) -> list[tuple[Trailhead, float]]:
    """The best trailheads in range whose network fits, for plans whose whole
    range is too much network to load.

    Each trailhead's worth is the trail within a loop's radius of it (from the
    density grid), capped at three times the length asked for (more than that
    does not make a better loop), less the drive's cost. The best one and its
    neighbours within a quarter of the length (3 to 15 km) are searched; then,
    in order of worth, each of the best `CANDIDATES` joins when the region
    around all chosen so far still holds at most `LOAD_SEGMENTS` segments, so
    the solver has as many good trailheads to choose between as fit."""
    lons = np.array([th.lon for th, _ in trailheads])
    lats = np.array([th.lat for th, _ in trailheads])
    drive = np.array([d for _, d in trailheads])
    radius = min(max(hike_m / (2 * math.pi), 1000.0), 8000.0)
    worth = np.minimum(grid.worth_near(lons, lats, radius), 3 * hike_m)
    order = np.argsort(-(worth - costs.DRIVE * drive), kind="stable")[:CANDIDATES]
    first = int(order[0])
    reach = min(max(hike_m / 4, 3000.0), 15_000.0)
    near = [
        i
        for i in range(len(trailheads))
        if haversine_m(lons[first], lats[first], lons[i], lats[i]) <= reach
    ]
    chosen = set(near)
    box = (lons[near].min(), lats[near].min(), lons[near].max(), lats[near].max())
    for i in order.tolist():
        if i in chosen:
            continue
        wider = (
            min(box[0], lons[i]),
            min(box[1], lats[i]),
            max(box[2], lons[i]),
            max(box[3], lats[i]),
        )
        if grid.segments_in(_around(wider, hike_m)) <= LOAD_SEGMENTS:
            box = wider
            chosen.add(i)
    return [trailheads[i] for i in sorted(chosen)]  # nearest first, as given


def _contains(outer: tuple, inner: tuple) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and outer[2] >= inner[2]
        and outer[3] >= inner[3]
    )


class _GraphCache:
    """The last few regions' graphs, prepared for the solver, per process: at
    most `size` of them and `segments` segments in all, the newest always kept.

    Keyed by region and the data version of that region (`DataVersion.of`): an
    edit makes the graphs that cover its ground stale, and only those. A cached
    region that contains the one asked for serves it (its network is a
    superset), so nearby questions with other lengths share one graph.

    The graphs are half a million long-lived objects; Python's full garbage
    collection walking them took 0.2 s, landing in the middle of solves. They are
    moved out of the collector's sight (`gc.freeze`) once loaded, and brought back
    for one collection when an entry is dropped, so nothing cyclic leaks.
    """

    def __init__(self, size: int = 4, segments: int = GRAPH_CACHE_SEGMENTS):
        self.size = size
        self.segments = segments
        self.items: OrderedDict[tuple, tuple[Prepared, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def _find(self, box: tuple) -> tuple[Prepared, Any] | None:
        with self.lock:
            around = [key for key in reversed(self.items) if _contains(key[0], box)]
        for key in around:
            fresh = DataVersion.of(key[0]) == key[1]
            with self.lock:
                entry = self.items.get(key)
                if entry is not None and fresh:
                    self.items.move_to_end(key)
                    return entry
                if entry is not None:
                    del self.items[key]  # its ground changed since it was loaded
        return None

    def get(self, box: tuple) -> tuple[Prepared, Any]:
        found = self._find(box)
        if found is not None:
            return found
        # read before loading: an edit made while loading leaves this one stale
        version = DataVersion.of(box)
        graph = load_graph(*box)
        keep = set(
            Trailhead.objects.in_bbox(*box)
            .filter(junction__isnull=False)
            .values_list("junction_id", flat=True)
        ) | set(
            Campsite.objects.in_bbox(*box)
            .filter(junction__isnull=False)
            .values_list("junction_id", flat=True)
        )
        prepared = prepare(graph, keep=[n for n in keep if n in graph])
        warm(prepared)  # outside the solver's budget, once per cached region
        entry = (prepared, graph)
        with self.lock:
            self.items[(box, version)] = entry
            evicted = False
            while len(self.items) > 1 and (
                len(self.items) > self.size or self._held() > self.segments
            ):
                self.items.popitem(last=False)
                evicted = True
            if evicted:
                gc.unfreeze()
                gc.collect()
            gc.freeze()
        return entry

    def _held(self) -> int:
        return sum(g.graph.get("segments", 0) for _, g in self.items.values())

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            gc.unfreeze()


GRAPHS = _GraphCache()


def _oriented(graph, step, lines: dict) -> tuple[list, list | None]:
    """The step's line in walking order, and its elevations where all are known:
    for a step that walks part of its segment (an out-and-back turning partway),
    that part."""
    data = graph.edges[step.from_node, step.far_node, step.segment_id]
    line = lines[step.segment_id][0]
    if data["start"] != step.from_node:
        line = line[::-1]
    if step.span_m is not None:
        line = part_of_line(line, *(m / data["length"] for m in step.span_m))
    coords = [(c[0], c[1]) for c in line]
    eles = [c[2] for c in line] if all(len(c) > 2 for c in line) else None
    return coords, eles


def _loop_doc(
    loop: Loop,
    graph,
    trailheads: dict[int, Trailhead],
    lines: dict,
    beds: dict | None = None,
) -> dict[str, Any]:
    th = trailheads[loop.start.trailhead_id]
    cue_steps: list[cues.Step] = []
    segments = []
    profile: list[tuple[float, float]] = []
    have_profile = True
    walked = 0.0
    line: list[tuple[float, float]] = []
    line_eles: list[float] = []
    routes = graph.graph.get("routes", {})
    on_route: dict[Any, float] = {}
    step_ends: list[int] = []  # per step: index in `line` where it ends
    for step in loop.steps:
        edge = graph.edges[step.from_node, step.far_node, step.segment_id]
        route_ids = edge.get("routes", ())
        for r in route_ids:
            on_route[r] = on_route.get(r, 0.0) + step.length_m
        segments.append(
            {
                "segment_id": step.segment_id,
                "trail": step.trail,
                "trail_id": edge.get("trail_id"),
                "other_names": list(lines[step.segment_id][1]),
                "kind": step.kind,
                "length_m": round(step.length_m, 1),
                "repeated": step.repeated,
                "routes": list(route_ids),
                # an out-and-back turning partway along this segment: how far
                # along it the walk turns back (on the step out), else None
                "turn_m": (
                    round(step.span_m[1], 1)
                    if step.span_m is not None and step.span_m[0] == 0
                    else None
                ),
            }
        )
        cue_steps.append(
            cues.Step(
                trail=step.trail,
                kind=step.kind,
                connector=step.connector,
                length_m=step.length_m,
                first=max(len(line) - 1, 0),
                routes=[routes[r] for r in route_ids],
                other_names=list(lines[step.segment_id][1]),
                segment_id=step.segment_id,
                way=edge.get("trail_id"),
            )
        )
        coords, eles = _oriented(graph, step, lines)
        skip = 1 if line else 0  # each step starts where the last one ended
        line.extend(coords[skip:])
        if eles is None:
            have_profile = False
        elif have_profile:
            line_eles.extend(eles[skip:])
            d = walked
            for i, (c, e) in enumerate(zip(coords, eles)):
                if i:
                    d += haversine_m(*coords[i - 1], *c)
                profile.append((d, e))
        walked += step.length_m
        step_ends.append(len(line) - 1)
    ascent, descent = loop.ascent_m, loop.descent_m
    if have_profile and line_eles:
        # Over the whole walk at once: per-segment sums drop small rises at segment
        # ends unevenly, and a loop must climb exactly what it descends.
        ascent, descent = climb(line_eles)
    hours = loop.length_m / 1000 / WALK_KMH + (ascent or 0) / CLIMB_M_PER_HOUR
    days = _days(loop, graph, beds or {}, step_ends, line_eles, have_profile)
    nights = list(itertools.accumulate(d["length_m"] for d in days))[:-1]
    return {
        "rank": loop.rank,
        "kind": loop.kind,
        "trailhead": {
            **trailhead_doc(th, loop.start.drive_m),
            "name": th.name or _unnamed_trailhead(th, loop),
        },
        "length_m": round(loop.length_m, 1),
        "error_m": round(loop.error_m, 1),
        "repeated_m": round(loop.repeated_m, 1),
        "connector_m": round(loop.connector_m, 1),
        "waymarked_m": round(sum(s["length_m"] for s in segments if s["routes"]), 1),
        # Each route the walk follows, longest stretch first.
        "routes": _followed(routes, on_route),
        "ascent_m": None if ascent is None else round(ascent),
        "descent_m": None if descent is None else round(descent),
        "hours": round(hours, 2),
        "days": days,
        "segments": segments,
        "cues": cues.sheet(
            cue_steps, line, line_eles if have_profile else None, nights
        ),
        "coords": [[round(x, 6), round(y, 6)] for x, y in line],
        "eles": [round(e, 1) for e in line_eles] if have_profile else None,
        "profile": _thin(profile) if have_profile and profile else None,
    }


def _followed(routes: dict, on_route: dict) -> list[dict[str, Any]]:
    """The waymarked routes a walk follows, longest stretch first, each once: a
    route and its stages, or two relations of one route ("GR 11", "GR11"),
    name the same marks on the ground."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for r, metres in sorted(on_route.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        label = "".join(ch for ch in routes[r]["label"].lower() if ch.isalnum())
        if label in seen:
            continue
        seen.add(label)
        out.append({**routes[r], "length_m": round(metres, 1)})
    return out


def _unnamed_trailhead(th: Trailhead, loop: Loop) -> str:
    """A name a hiker can find: the first named trail the loop takes from it."""
    kind = th.get_kind_display()
    for step in loop.steps:
        if step.trail:
            return f"{kind} by {step.trail}"
    return f"{kind} at {th.lat:.4f}, {th.lon:.4f}"


def _days(
    loop: Loop,
    graph,
    beds: dict[Any, dict[str, Any]],
    step_ends: list[int],
    eles: list[float],
    have_profile: bool,
) -> list[dict[str, Any]]:
    """One entry per day: its length, climb, descent and walking time, and where
    it ends (a bed with what the data says of it, a bare junction, or back at
    the trailhead). A day hike is one day that ends back at the trailhead."""
    last = len(loop.steps) - 1
    stages = loop.stages or [Stage(1, loop.length_m, loop.start.node, None, last)]
    out = []
    first = 0  # index in the line where the day starts
    for stage in stages:
        end = step_ends[stage.last_step if stage.last_step is not None else last]
        if have_profile and eles:
            ascent, descent = climb(eles[first : end + 1])
        else:
            ascent = descent = None
        first = end
        j = graph.nodes[stage.end_node]
        home = stage.end_node == loop.start.node and stage is stages[-1]
        bed = None if home else beds.get(stage.end_node)
        name = (
            bed["name"]
            if bed
            else "Back at the trailhead"
            if home
            else f"Junction ({j['lat']:.5f}, {j['lon']:.5f})"
        )
        hours = stage.length_m / 1000 / WALK_KMH + (ascent or 0) / CLIMB_M_PER_HOUR
        out.append(
            {
                "day": stage.day,
                "length_m": round(stage.length_m, 1),
                "ascent_m": None if ascent is None else round(ascent),
                "descent_m": None if descent is None else round(descent),
                "hours": round(hours, 2),
                "end": {
                    "name": name,
                    # "bed" (a hut, campsite or shelter), "junction" (none
                    # there) or "trailhead" (the last day's end)
                    "type": "bed" if bed else "trailhead" if home else "junction",
                    "campsite": bed is not None,
                    "bed": bed,
                    "lat": j["lat"],
                    "lon": j["lon"],
                },
            }
        )
    return out


def _thin(profile: list[tuple[float, float]]) -> list[list[float]]:
    """At most PROFILE_POINTS points, evenly spread, for a small chart."""
    if len(profile) <= PROFILE_POINTS:
        return [[round(d, 1), round(e, 1)] for d, e in profile]
    step = (len(profile) - 1) / (PROFILE_POINTS - 1)
    picks = [profile[round(i * step)] for i in range(PROFILE_POINTS)]
    return [[round(d, 1), round(e, 1)] for d, e in picks]
