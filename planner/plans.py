"""From a hiker's question to a plan: the plan cache, and the steps of a plan.

`make_plan(query)` returns a *plan document* (`documents.py`): plain dicts and
numbers in metres, the one thing the page, the JSON API, the GPX and GeoJSON
downloads all render from, and what the cache stores (keyed by the normalised
question and the data version of what it can reach, so an import or an admin
edit there makes old plans stale at once). A view that must ask the rate limiter
first calls `cached_plan` and, only when that is None, `compute_plan`: a cached
plan costs no solver time, so it is never refused.

The steps: where loops may start (`starts.py`), which network to load and its
prepared graph (`graph_cache.py`), the solver, and the loop documents.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import asdict
from typing import Any

from planner import caching, twice, walks
from planner.documents import (
    COORD_DIGITS,
    beds_in,
    loop_doc,
    plan_doc,
    trailhead_doc,
)
from planner.graph_cache import GRAPHS, TooMuchNetwork, region_to_load
from planner.regions import load_geometry
from planner.solver import Start, solve
from planner.solver.records import NoLoop
from planner.starts import (
    ESTIMATOR,
    FAR_M,
    known_regions,
    nearest_trailhead,
    reach_m,
    starts_for,
    walk_of,
)
from planner.track import line_of
from planner.trip import TripQuery, describe
from trails.geo import box_around
from trails.models import DataVersion, Source

log = logging.getLogger("loopgenie.plans")
PLAN_CACHE_SECONDS = 600
# Ground within this of ground walked before, for this long, is walked twice
# (`_ground_twice`): the checkers' 3 m and 15 m, less a margin, so that a walk
# measured clean here is clean for a checker that samples it another way.
TWICE_TOLERANCE_M = 3.25
TWICE_MIN_RUN_M = 12.0


def make_plan(query: TripQuery) -> dict[str, Any]:
    """The plan document for `query`, from the cache when it is there."""
    version = version_of(query)
    return cached_plan(query, version) or compute_plan(query, version)


def cached_plan(query: TripQuery, version: int | None = None) -> dict | None:
    """The plan for `query` if one is cached against the data as it is now."""
    version = version_of(query) if version is None else version
    plan = caching.get(query.cache_key(version))
    if plan is not None:
        plan["stats"]["cache"] = "hit"
        log.info("plan %s cache=plan-hit", describe(query))
    return plan


def compute_plan(query: TripQuery, version: int | None = None) -> dict[str, Any]:
    """The plan for `query`, solved now and cached."""
    version = version_of(query) if version is None else version
    plan = _plan(query)
    caching.set(query.cache_key(version), plan, PLAN_CACHE_SECONDS)
    return plan


def version_of(query: TripQuery) -> int:
    """The data version a plan for `query` depends on: the latest change within
    all it can reach (the trailheads' reach and half the walk beyond), so that
    an edit elsewhere leaves it cached; any change at all for a plan from a
    chosen trailhead or along a trail or route (no start to measure from)."""
    asked_for = (query.trailhead_id, query.trail_id, query.route_id)
    if query.lat is None or query.lon is None or any(x is not None for x in asked_for):
        return DataVersion.current()
    radius = reach_m(query) + query.hike_m / 2 + 1000
    return DataVersion.of(box_around(query.lat, query.lon, radius))


def _plan(query: TripQuery) -> dict[str, Any]:
    t0 = time.perf_counter()
    plan = plan_doc(query, ESTIMATOR.describe())
    walk = walk_of(query)
    if walk is not None:
        plan["walks"] = {"type": walk.kind, "id": walk.id, "name": walk.name}
        if not walk.segment_ids:
            plan["status"] = "no_loop"
            plan["message"] = (
                f"{walk.name} is closed or flagged in the data: "
                "LoopGenie plans no loops on it."
            )
            return plan
    trailheads = starts_for(query, walk)
    if query.trailhead_id is not None and trailheads:
        plan["from_trailhead"] = trailhead_doc(*trailheads[0])
    plan["trailheads_in_range"] = len(trailheads)
    if not trailheads:
        return _no_trailhead(plan, query, walk)
    try:
        trailheads, box = region_to_load(trailheads, query.hike_m)
    except TooMuchNetwork:
        plan["status"] = "no_loop"
        plan["no_loop"] = asdict(NoLoop("too_much_network", target_m=query.hike_m))
        return plan
    prepared, graph = GRAPHS.get(box)
    starts = [
        Start(th.junction_id, th.id, th.name or th.get_kind_display(), drive)
        for th, drive in trailheads
        if th.junction_id in graph
    ]
    beds = beds_in(box, query.shelters) if query.days > 1 else {}
    lines: dict[int, tuple[list, list[str]]] = {}
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
        ground_twice=functools.partial(_ground_twice, graph, lines),
    )
    solve_s = time.perf_counter() - t_solve
    by_id = {th.id: th for th, _ in trailheads}
    _fetch_lines(lines, [s for loop in result.loops for s in loop.steps])
    plan["loops"] = [loop_doc(loop, graph, by_id, lines, beds) for loop in result.loops]
    plan["notice"] = result.notice
    plan["timed_out"] = result.timed_out
    plan["closest_lengths_m"] = [round(m, 1) for m in result.closest_lengths_m]
    if not result.loops:
        plan["status"] = "no_loop"
        plan["no_loop"] = asdict(result.reason)
    plan["attributions"] = Source.objects.credits(graph.graph.get("sources", []))
    plan["stats"].update(
        solve_s=round(solve_s, 3),
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


def _ground_twice(graph, lines: dict, steps) -> float:
    """Metres of a walk the solver may offer that pass over ground it walked
    before, measured on its line (`planner.twice`); `lines` keeps the lines
    fetched for the plan's documents."""
    _fetch_lines(lines, steps)
    line = line_of(steps, graph, {s.segment_id: lines[s.segment_id][0] for s in steps})
    # As the plan gives it: the rounding alone can turn a 2.95 m gap into 3.05 m.
    shown = [(round(x, COORD_DIGITS), round(y, COORD_DIGITS)) for x, y in line]
    return twice.repeated_m(shown, TWICE_TOLERANCE_M, min_run_m=TWICE_MIN_RUN_M)


def _fetch_lines(lines: dict, steps) -> None:
    """Add the stored lines of these steps' segments that `lines` lacks."""
    missing = {s.segment_id for s in steps} - lines.keys()
    if missing:
        lines.update(load_geometry(missing))


def _no_trailhead(
    plan: dict[str, Any], query: TripQuery, walk: walks.Walk | None
) -> dict[str, Any]:
    """Why no loop could start anywhere: the trailhead asked for is gone, none
    is near the walk asked for, or none is in range (the nearest, and the
    regions LoopGenie knows when that is far)."""
    plan["status"] = "no_trailhead"
    if query.trailhead_id is not None:
        plan["message"] = "That trailhead is no longer on the trail network."
    elif walk is not None:
        near = min(walks.START_NEAR_M, query.hike_m / 2)
        in_range = "in range" if query.lat is not None else ""
        why = NoLoop("walk_far", target_m=near, start=in_range, walk=walk.name)
        plan["no_loop"] = asdict(why)
    else:
        near = plan["nearest_trailhead"] = nearest_trailhead(query.lat, query.lon)
        if near is None or near["drive_m"] > FAR_M:
            plan["regions"] = known_regions()
    return plan
