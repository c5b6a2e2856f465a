"""Which trailheads a solve searches (`choose`), and how each reaches the
loop-bearing network: many car parks sit at the end of a road or a spur, and
walk a short approach to it and back (`approaches`).
"""

from __future__ import annotations

import numpy as np

from planner.solver import costs
from planner.solver.linkgraph import Layer, Prepared
from planner.solver.paths import ROWS
from planner.solver.reach import reach_worth
from planner.solver.search import Search, Task
from planner.solver.tasks import approach_task, lollipop_task, loop_task
from trails.geo import degrees_for_metres, haversine_m

MAX_STARTS = 12  # trailheads searched per query; the rest only re-root loops
# Searched trailheads whose loops start this near each other give the same loops.
MIN_APART_M = 300.0
MAX_CANDIDATES = 160  # starts whose reach is measured, spread over the drive radius
APART_FRACTION = 0.05
WORTH_CAP = 2.0  # a trailhead's worth counts up to this many times the target
# A trailhead off the loop-bearing network walks at most this far to reach it.
APPROACH_FRACTION = 0.1
MAX_APPROACH_M = 1500.0


def choose(search: Search, allow_stems: bool) -> tuple[list[Task], list[Task], int]:
    """Which trailheads to search, chosen by the loops they can give.

    A trailhead off the loop-bearing network (most car parks: at the end of a
    road or a spur) starts its loops with an approach: the shortest way to the
    nearest junction of a part of the network big enough for the loop, walked
    there and back, when it is short (`APPROACH_FRACTION` of the target, at most
    `MAX_APPROACH_M`; none when the hiker rules out stems).

    A loop of length L stays within L/2 of its start and walks only trail that
    lies on cycles. So for every start, at once, the trail on cycles within
    that reach is measured (`reach_worth`): a start with less of it than the
    shortest length wanted is left out, and the others are ranked by what that
    trail is worth to a hiker (waymarked, named, unnamed, road: `costs.goodness`,
    up to twice the target), less the approach walked twice and the drive. The
    best are taken, skipping one whose pivot is near a better one already taken
    (it would give the same loops), so the searched trailheads spread over the
    whole drive radius.
    """
    layer = search.layer
    prep = search.prep
    order = sorted(range(len(search.starts)), key=lambda i: search.starts[i].drive_m)
    # An approach is walked twice: a stem, which the hiker may have ruled out.
    longest = min(MAX_APPROACH_M, APPROACH_FRACTION * search.target)
    if not allow_stems:
        longest = 0.0
    approach: dict[int, tuple] = {}
    seen_pivots: set[int] = set()
    # Near a trail asked for, two car parks a few steps apart may be on either
    # side of it: each is looked at (there are few, all near the trail).
    order = spread(search, order, 0.0 if search.must_m else MIN_APART_M)
    found = approaches(
        layer,
        prep,
        [prep.index[search.starts[i].node] for i in order],
        longest,
        search.lo,
    )
    for i, (pivot, hops, metres, road) in zip(order, found):
        if pivot is None or pivot in seen_pivots:
            continue  # no loop from here, or a nearer trailhead starts the same
        seen_pivots.add(pivot)
        approach[i] = (pivot, hops, metres, road)
    candidates = list(approach)
    to_must = metres_to_must(search)
    if to_must is not None:
        # a loop of length L cannot walk what lies further than L/2 away
        candidates = [
            i
            for i in candidates
            if to_must[approach[i][0]] + approach[i][2] <= search.hi / 2
        ]
    pivots = [approach[i][0] for i in candidates]
    reach, worth = reach_worth(prep, layer, pivots, search.hi / 2)
    scored: list[tuple[float, int]] = []
    small: list[tuple[float, int]] = []
    for k, i in enumerate(candidates):
        metres = approach[i][2]
        penalty = (
            2 * costs.REPEATED * metres + costs.DRIVE * search.starts[i].drive_m
        ) / search.target
        if to_must is not None:
            # the way to what the hiker asked to walk, and back, is not on it
            penalty += 2 * float(to_must[approach[i][0]]) / search.target
        score = min(worth[k], WORTH_CAP * search.target) / search.target - penalty
        if reach[k] + 2 * metres < search.lo:
            small.append((-reach[k], i))
        else:
            scored.append((-score, i))
    scored.sort()
    chosen: list[int] = []
    apart = max(MIN_APART_M, APART_FRACTION * search.target)
    for _, i in scored:
        if len(chosen) == MAX_STARTS:
            break
        node = prep.graph.nodes[prep.nodes[approach[i][0]]]
        if any(_near(node, prep, approach[j][0], apart) for j in chosen):
            continue
        chosen.append(i)
    skipped = len(scored) - len(chosen)
    search.loops_unlikely = not chosen
    if not chosen:
        # no network is long enough: still search the small ones, so the answer
        # can name the longest loop there is
        small.sort()
        chosen = [i for _, i in small[:MAX_STARTS]]
    loop_tasks = []
    for i in chosen:
        pivot, hops, metres, road = approach[i]
        task = Task(i, pivot, "loop")
        task.approach = (hops, metres, road)
        if hops:
            task.gen = approach_task(search, task, hops, metres, road)
        else:
            task.gen = loop_task(search, task)
        loop_tasks.append(task)
    stem_tasks = []
    if allow_stems:
        for i in order[:MAX_STARTS]:
            task = Task(i, prep.index[search.starts[i].node], "lollipop")
            task.gen = lollipop_task(search, task)
            stem_tasks.append(task)
        skipped = max(skipped, len(order) - MAX_STARTS)
    return loop_tasks, stem_tasks, skipped


def metres_to_must(search: Search) -> np.ndarray | None:
    """Per node: metres to the nearest end of a link the hiker asked to walk,
    None when nothing was asked."""
    if not search.must_m:
        return None
    links = search.prep.links
    ends = sorted({n for lid in search.must_m for n in (links[lid].a, links[lid].b)})
    paths = search.prep.all_paths(search.layer)
    return paths.nearest(ends, search.hi / 2)


def spread(search: Search, order: list[int], metres: float) -> list[int]:
    """The nearest-drive start in each square of `metres` (others there give the
    same loops), at most `MAX_CANDIDATES`: a country's car parks in range are
    thousands."""
    graph, kept, seen = search.prep.graph, [], set()
    for i in order:
        node = graph.nodes[search.starts[i].node]
        lon, lat = node.get("lon"), node.get("lat")
        if metres and lon is not None and lat is not None:
            dlon, dlat = degrees_for_metres(metres, lat)
            cell = (int(lon // dlon), int(lat // dlat))
            if cell in seen:
                continue
            seen.add(cell)
        kept.append(i)
        if len(kept) == MAX_CANDIDATES:
            break
    return kept


def _near(node: dict, prep: Prepared, other: int, metres: float) -> bool:
    there = prep.graph.nodes[prep.nodes[other]]
    lon, lat = node.get("lon"), node.get("lat")
    if lon is None or there.get("lon") is None:
        return False
    return haversine_m(lon, lat, there["lon"], there["lat"]) < metres  # type: ignore[arg-type]


def approaches(
    layer: Layer, prep: Prepared, nodes: list[int], longest: float, loop_m: float
) -> list[tuple[int | None, tuple, float, float]]:
    """Per node: (pivot, hops, metres, road metres) of the shortest way to a part
    of the loop-bearing network with `loop_m` of trail (else the nearest part of
    any size), or (None, ...) when there is none within `longest`. One compiled
    search for all of them."""
    out: list[tuple[int | None, tuple, float, float]] = []
    need: list[int] = []
    for k, node in enumerate(nodes):
        part = layer.cycle_part[node]
        if part != -1 and (layer.cycle_part_m[part] >= loop_m or longest <= 0):
            out.append((node, (), 0.0, 0.0))
        else:
            out.append((None, (), 0.0, 0.0))
            if longest > 0:
                need.append(k)
    if not need:
        return out
    paths = prep.all_paths(layer)
    parts = np.array(layer.cycle_part)
    on_cycle = parts >= 0
    part_m = np.array([*layer.cycle_part_m, 0.0])  # part -1 has no length
    big = on_cycle & (part_m[parts] >= loop_m)
    for at, k in enumerate(need):
        if at % ROWS == 0:  # a few dozen rows at a time: bounded memory
            chunk = [nodes[m] for m in need[at : at + ROWS]]
            dist, pred = paths.many(chunk, longest)
        row = at % ROWS
        reached = np.isfinite(dist[row])
        found = np.flatnonzero(reached & big)
        if not len(found):
            found = np.flatnonzero(reached & on_cycle)
        if not len(found):
            continue
        v = int(found[np.argmin(dist[row][found])])
        hops = []
        u = v
        while u != nodes[k]:
            w = int(pred[row][u])
            lid = paths.link(w, u)
            hops.append((lid, paths.start[lid] == w))
            u = w
        hops.reverse()
        road = sum(prep.links[lid].road for lid, _ in hops)
        out[k] = (v, tuple(hops), float(dist[row][v]), road)
    return out
