"""`solve()`: choose trailheads, run the tasks within the budget, build the answer."""

from __future__ import annotations

import gc
import time
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import replace

import networkx as nx
import numpy as np

from planner.solver import costs, nights
from planner.solver.network import (
    ROWS,
    Layer,
    OrigEdge,
    Prepared,
    prepare,
    reach_worth,
)
from planner.solver.result import Loop, NoLoop, SolveResult, Stage, Start, Step
from planner.solver.search import Cand, Search, Task
from planner.solver.trees import link_arrays, tree_loops, via_loops
from trails.geo import degrees_for_metres, haversine_m, part_of_line

DEFAULT_BUDGET_S = 0.25
MAX_BUDGET_S = 5.0
MIN_BUDGET_S = 0.01
MAX_STARTS = 12  # trailheads searched per query; the rest only re-root loops
# Searched trailheads whose loops start this near each other give the same loops.
MIN_APART_M = 300.0
MAX_CANDIDATES = 160  # starts whose reach is measured, spread over the drive radius
APART_FRACTION = 0.05
WORTH_CAP = 2.0  # a trailhead's worth counts up to this many times the target
# loop-search steps after which lollipops join an answer still short of loops (a
# count, not a time, so that the answer does not depend on the machine's speed)
STEMS_AFTER = 6000
NEAR_MISS = 0.5  # after a timed-out search, closest only from half the length up
BUILD_RESERVE = 0.05  # share of the budget (at least 5 ms) kept to build the answer
# Share of the budget out-and-backs turning partway may take past the search's end
# when it found no loop (a sparse network's only walks).
TURNS_SHARE = 0.03
# Share of the budget out-and-backs turning partway may take first, when no
# trailhead reaches enough trail for a loop (they are then the likely answer).
TURNS_FIRST_SHARE = 0.3
# Share of the budget for loops from shortest-path trees, and their rounds at most
# (0.3 and 12 before: in Oslo's woods 0.6 and 40 find loops within 1% from more
# trailheads, docs/benchmarks.md). A plan that must walk a given trail keeps the
# shorter phase: its trees bend toward the trail but rarely close on it, and the
# depth-first search, which walks it, needs the time (with 0.6 such plans came
# back empty).
TREE_SHARE = 0.6
TREE_ROUNDS = 40
MUST_TREE_SHARE = 0.3
MUST_TREE_ROUNDS = 12
VIA_SHARE = 0.5  # of the budget, for loops with two turns while none is found
VIA_CALL_SHARE = 0.15  # of the budget, for one trailhead's round of them at most
# A trailhead off the loop-bearing network walks at most this far to reach it.
APPROACH_FRACTION = 0.1
MAX_APPROACH_M = 1500.0
# Share of the budget for chains of days from bed to bed; should none close, a
# plain loop cut into days gets the whole budget after them.
NIGHTS_SHARE = 0.7


def warm(prep: Prepared) -> None:
    """Build now what every plan on this network uses: the layer without a
    difficulty limit, its compiled shortest paths and the tree loops' arrays, so
    that a newly cached network's first plan has its whole budget for the search
    (in Oslo's woods, 18-mile plans on a network just loaded found no loop)."""
    layer = prep.layer(None)
    prep.loop_paths(layer)
    prep.all_paths(layer)
    link_arrays(prep, layer)


def solve(
    graph: nx.MultiGraph | Prepared,
    starts: Sequence[Start],
    target_m: float,
    *,
    tolerance: float = 0.10,
    days: int = 1,
    alternatives: int = 3,
    allow_stems: bool = True,
    max_difficulty: int | None = None,
    campsites: Mapping[Hashable, str] | None = None,
    budget_s: float | None = None,
    minimise_road: bool = True,
    must_walk: Collection[Hashable] = (),
    must_walk_name: str = "the trail asked for",
    max_day_m: float | None = None,
) -> SolveResult:
    """The best loops of about `target_m` metres from the trailheads in `starts`.

    See the package docstring for what "best" means and how the search works.
    With `must_walk` (segment ids: a trail or a waymarked route the hiker wants
    to walk, named `must_walk_name` in the reason when nothing fits) every walk
    offered takes some of it, and as much as the length allows
    (`costs.MUST_WALK`).
    With `days` > 1 the loop is a chain of days from bed to bed: the nodes of
    `campsites` (name by node), each day at most `max_day_m` (`nights.py`).
    `graph` is the MultiGraph of `planner.graph` or a `prepare()`d copy of it
    (prepare once per network when you can: it is most of the fixed cost).
    """
    # A full garbage collection walks every object in the process (a big network
    # is hundreds of thousands) and can stall one step of the search for tens of
    # milliseconds, breaking the time budget. The search makes no reference
    # cycles worth collecting, so collection waits until it is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _solve(
            graph,
            starts,
            target_m,
            tolerance=tolerance,
            days=days,
            alternatives=alternatives,
            allow_stems=allow_stems,
            max_difficulty=max_difficulty,
            campsites=campsites,
            budget_s=budget_s,
            minimise_road=minimise_road,
            must_walk=frozenset(must_walk),
            must_walk_name=must_walk_name,
            max_day_m=max_day_m,
        )
    finally:
        if collecting:
            gc.enable()


def _solve(
    graph: nx.MultiGraph | Prepared,
    starts: Sequence[Start],
    target_m: float,
    *,
    tolerance: float,
    days: int,
    alternatives: int,
    allow_stems: bool,
    max_difficulty: int | None,
    campsites: Mapping[Hashable, str] | None,
    budget_s: float | None,
    minimise_road: bool,
    must_walk: frozenset,
    must_walk_name: str,
    max_day_m: float | None = None,
) -> SolveResult:
    t0 = time.perf_counter()
    if not target_m > 0:
        raise ValueError("target_m must be positive")
    if not 0 <= tolerance < 1:
        raise ValueError("tolerance must be in [0, 1)")
    if days < 1 or alternatives < 1:
        raise ValueError("days and alternatives must be at least 1")
    budget = DEFAULT_BUDGET_S if budget_s is None else budget_s
    budget = min(max(budget, MIN_BUDGET_S), MAX_BUDGET_S)
    campsites = dict(campsites or {})

    prep = _prepared(graph, starts, campsites if days > 1 else ())
    on_network = _dedupe([s for s in starts if s.node in prep.index])
    layer = prep.layer(max_difficulty)
    search = Search(
        prep=prep,
        layer=layer,
        starts=on_network,
        target=target_m,
        tolerance=tolerance,
        alternatives=alternatives,
        minimise_road=minimise_road,
        max_difficulty=max_difficulty,
        deadline=t0 + budget - min(max(BUILD_RESERVE * budget, 0.005), budget / 2),
        t0=t0,
        must_walk=must_walk,
        turns_partway=days == 1,
    )
    loop_tasks, stem_tasks, skipped = _tasks(search, allow_stems)
    t_nights = time.perf_counter()
    trips = (
        nights.plan(
            search,
            loop_tasks,
            days,
            campsites,
            t0 + NIGHTS_SHARE * (search.deadline - t0),
            max_day_m,
            twice=allow_stems,
        )
        if days > 1 and campsites
        else []
    )
    if trips:  # every night at a bed: the plain loop search has nothing to add
        loop_tasks, stem_tasks = [], []
    elif days > 1 and campsites:
        # no chain of beds closed: the plain loop gets the time they took back,
        # so that a busy machine still answers with a loop cut into days
        search.deadline += time.perf_counter() - t_nights
    if stem_tasks and search.turns_partway and search.loops_unlikely:
        # No trailhead reaches trail enough for a loop of this length (a desert's
        # long tracks): the out-and-backs, which are then the likely answer, first.
        _turns(search, stem_tasks, time.perf_counter() + TURNS_FIRST_SHARE * budget)
    share, rounds = (
        (MUST_TREE_SHARE, MUST_TREE_ROUNDS) if must_walk else (TREE_SHARE, TREE_ROUNDS)
    )
    _tree_loops(search, loop_tasks, time.perf_counter() + share * budget, rounds)
    stems_on = False
    stopped_early = False
    longest_step = 0.0  # the scheduler's blind spot: what overruns the budget
    active = list(loop_tasks)
    while True:
        if (
            stem_tasks
            and not stems_on
            and not (len(search.picks) == alternatives and search.picks[-1].circuit)
            and (not active or sum(t.pushes for t in loop_tasks) >= STEMS_AFTER)
        ):
            active += stem_tasks
            stems_on = True
        if not active:
            break
        for task in list(active):
            step_t0 = time.perf_counter()
            try:
                next(task.gen)  # type: ignore[arg-type]
            except StopIteration:
                task.done = True
                active.remove(task)
            longest_step = max(longest_step, time.perf_counter() - step_t0)
            if search.good_enough():
                stopped_early = True
                break
            if search.out_of_time():
                break
        if stopped_early or search.out_of_time():
            break

    if stem_tasks and search.turns_partway and not any(c.circuit for c in search.pool):
        # No loop or lollipop: out-and-backs that turn partway along a trail,
        # exactly the length asked for. Only now (they never rank above a loop),
        # nearest trailheads first, in what is left of the budget or a sliver more.
        until = max(search.deadline, time.perf_counter()) + TURNS_SHARE * budget
        _turns(search, stem_tasks, until)

    searched = all(t.done for t in loop_tasks + stem_tasks)
    if searched and not search.pool and not search.out_of_time():
        # nothing in range, but time left: find the shortest loop that is too long,
        # so the answer can say what is on offer
        search.hint = True
        search.version += 1
        hints = []
        for task in loop_tasks:
            hint = Task(task.start, task.node, "hint")
            hint.gen = search.hint_task(hint)
            hints.append(hint)
        while hints and not search.out_of_time():
            for task in list(hints):
                try:
                    next(task.gen)  # type: ignore[arg-type]
                except StopIteration:
                    hints.remove(task)
                if search.out_of_time():
                    break

    stems_needed = allow_stems and not (
        len(search.picks) == alternatives and search.picks[-1].key[0] == 0
    )
    exhaustive = (
        not skipped
        and all(t.done for t in loop_tasks)
        and (not stems_needed or all(t.done for t in stem_tasks))
    )
    loops = [
        _build(search, cand, rank, days, campsites, max_day_m)
        for rank, cand in enumerate(search.picks, start=1)
    ] or [
        nights.finish(_build(search, t.cand, rank, 1, {}), t, prep, campsites)
        for rank, t in enumerate(trips, start=1)
    ]
    closest = [c[0] for c in _near_misses(search, exhaustive)]
    stats = {
        "elapsed_s": time.perf_counter() - t0,
        "longest_step_s": longest_step,
        "first_near_s": search.first_near_s,
        "budget_s": budget,
        "exhaustive": exhaustive,
        "stopped_early": stopped_early,
        "starts_searched": len(loop_tasks),
        "starts_skipped": skipped,
        "pushes": sum(t.pushes for t in loop_tasks + stem_tasks),
        "candidates": search.candidates,
        "nodes": len(prep.nodes),
        "links": len(prep.links),
        "trips": len(trips),
    }
    return SolveResult(
        loops=loops,
        reason=(
            None
            if loops
            else _reason(
                search, starts, on_network, exhaustive, allow_stems, must_walk_name
            )
        ),
        closest_lengths_m=[] if loops else closest,
        timed_out=not trips and not exhaustive and not stopped_early,
        notice=_nights_notice(loops, days),
        stats=stats,
    )


def _turns(search: Search, tasks: list[Task], until: float) -> None:
    """Out-and-backs turning partway along a trail, from each task not yet
    looked at (`Search.turn_inside`), nearest trailheads first, until `until`."""
    for task in tasks:
        if task.turned:
            continue
        task.turned = True
        search.turn_inside(task)
        if time.perf_counter() >= until:
            break


def _prepared(
    graph: nx.MultiGraph | Prepared, starts: Sequence[Start], beds: Collection = ()
) -> Prepared:
    keep = [s.node for s in starts] + list(beds)
    if isinstance(graph, Prepared):
        if all(n in graph.index or n not in graph.graph for n in keep):
            return graph
        # a trailhead or bed inside a contracted chain: contract again, keeping it
        graph = graph.graph
    return prepare(graph, keep)


def _dedupe(starts: list[Start]) -> list[Start]:
    """One start per junction: the nearest drive (the others can only tie worse)."""
    best: dict[Hashable, Start] = {}
    for s in starts:
        if s.node not in best or s.drive_m < best[s.node].drive_m:
            best[s.node] = s
    return [s for s in starts if best[s.node] is s]


def _tasks(search: Search, allow_stems: bool) -> tuple[list[Task], list[Task], int]:
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
    order = _spread(search, order, 0.0 if search.must_m else MIN_APART_M)
    found = _approaches(
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
    to_must = _to_must(search)
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
            task.gen = search.approach_task(task, hops, metres, road)
        else:
            task.gen = search.loop_task(task)
        loop_tasks.append(task)
    stem_tasks = []
    if allow_stems:
        for i in order[:MAX_STARTS]:
            task = Task(i, prep.index[search.starts[i].node], "lollipop")
            task.gen = search.lollipop_task(task)
            stem_tasks.append(task)
        skipped = max(skipped, len(order) - MAX_STARTS)
    return loop_tasks, stem_tasks, skipped


def _to_must(search: Search) -> np.ndarray | None:
    """Per node: metres to the nearest end of a link the hiker asked to walk,
    None when nothing was asked."""
    if not search.must_m:
        return None
    links = search.prep.links
    ends = sorted({n for lid in search.must_m for n in (links[lid].a, links[lid].b)})
    paths = search.prep.all_paths(search.layer)
    return paths.nearest(ends, search.hi / 2)


def _tree_loops(search: Search, tasks: list[Task], until: float, rounds: int) -> None:
    """Seed the pool with loops from shortest-path trees (`trees.py`), a round
    per task at a time, until `until` or `rounds` rounds. A task whose plain
    round gave nothing (a compact network, where a long loop must wind about and
    two cheapest ways cannot make it) gets loops that turn at two junctions
    (`via_loops`) instead: once straight after the plain round, for as long as
    `VIA_SHARE` of the budget while nothing at all is found (a dense network,
    where the depth-first search would not find one either), then a round each
    if some loop came within `search.near` of the length."""
    arrays = link_arrays(search.prep, search.layer)
    if search.must_saving:
        # the cheapest ways bend toward what the hiker asked to walk
        cost = arrays.cost.copy()
        for lid, saving in search.must_saving.items():
            if arrays.pos[lid] >= 0:
                cost[arrays.pos[lid]] -= saving
        arrays = replace(arrays, cost=cost)
        toward = np.zeros(arrays.n, dtype=bool)
        for lid in search.must_m:
            toward[[search.prep.links[lid].a, search.prep.links[lid].b]] = True
    else:
        toward = None
    via: set[int] = set()
    until_empty = search.t0 + VIA_SHARE * (search.deadline - search.t0)
    budget = search.deadline - search.t0

    def offer(make, task: Task, seed: int) -> bool:
        stem, metres, road = task.approach
        aim: dict = (
            {"toward": toward}
            if make is tree_loops and toward is not None
            else {"until": time.perf_counter() + VIA_CALL_SHARE * budget}
            if make is via_loops
            else {}
        )
        loops = make(
            arrays,
            task.node,
            search.lo - 2 * metres,
            search.hi - 2 * metres,
            seed,
            closed=frozenset(lid for lid, _ in stem),
            near=(search.target - 2 * metres, search.near),
            **aim,
        )
        for loop in loops:
            search.offer_hops(task, stem, loop.hops, 2 * metres, 2 * road, metres)
        return bool(loops)

    def over(empty_may_run: bool = False) -> bool:
        now = time.perf_counter()
        if empty_may_run and not search.pool:
            return now >= until_empty or search.out_of_time()
        return now >= until or search.out_of_time()

    for k, task in enumerate(tasks):
        if over():
            return
        if not offer(tree_loops, task, 0):
            via.add(k)
    for k in sorted(via):
        if over(empty_may_run=True):
            return
        offer(via_loops, tasks[k], 0)
    if search.first_near_s is None:
        return  # none came to length: the depth-first search closes lengths better
    for round_ in range(1, rounds):
        for k, task in enumerate(tasks):
            if over():
                return
            seed = round_ * 1_000_003 + task.start
            offer(via_loops if k in via else tree_loops, task, seed)


def _spread(search: Search, order: list[int], metres: float) -> list[int]:
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
    return haversine_m(lon, lat, there["lon"], there["lat"]) < metres


def _approaches(
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
    part = np.array(layer.cycle_part)
    on_cycle = part >= 0
    part_m = np.array([*layer.cycle_part_m, 0.0])  # part -1 has no length
    big = on_cycle & (part_m[part] >= loop_m)
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


# -- building the answer --------------------------------------------------------


def _build(
    search: Search,
    cand: Cand,
    rank: int,
    days: int,
    campsites: dict[Hashable, str],
    max_day_m: float | None = None,
) -> Loop:
    prep = search.prep
    graph = prep.graph
    out = [(lid, fwd, True) for lid, fwd in cand.stem]
    walked: list[tuple[OrigEdge, bool, tuple[float, float] | None]] = [
        (edge, repeated, None)
        for lid, fwd, repeated in out + [(lid, fwd, False) for lid, fwd in cand.circuit]
        for edge in prep.links[lid].walked(fwd)
    ]
    if cand.turn is not None:  # partway along a link and back
        lid, fwd, metres = cand.turn
        there: list[tuple[OrigEdge, bool, tuple[float, float] | None]] = []
        for u, v, k in prep.links[lid].walked(fwd):
            length = graph.edges[u, v, k]["length"]
            if metres < length:
                there.append(((u, v, k), True, (0.0, metres)))
                break
            there.append(((u, v, k), True, None))
            metres -= length
        *whole, (tip, _, (_, metres)) = there
        walked += there + [(tip, True, (metres, 0.0))]
        walked += [((v, u, k), True, None) for (u, v, k), _, _ in reversed(whole)]
    walked += [
        (edge, True, None)
        for lid, fwd in reversed(cand.stem)
        for edge in prep.links[lid].walked(not fwd)
    ]
    steps: list[Step] = []
    coords: list[tuple[float, float]] = []
    ascent: float | None = 0.0
    descent: float | None = 0.0
    for (u, v, k), repeated, span in walked:
        data = graph.edges[u, v, k]
        rev = data.get("start", u) != u
        share = 1.0 if span is None else abs(span[1] - span[0]) / data["length"]
        steps.append(
            Step(
                segment_id=data.get("segment_id", k),
                from_node=u,
                to_node=v if span is None else u,
                reversed=rev,
                length_m=data["length"] * share,
                trail=data.get("trail", ""),
                kind=data.get("kind", "path"),
                connector=bool(data.get("connector")),
                repeated=repeated,
                span_m=span,
                toward=None if span is None else v,
            )
        )
        line = data.get("coords") or _node_line(graph, u, v)
        if rev and data.get("coords"):
            line = line[::-1]
        if span is not None:
            ends = (span[0] / data["length"], span[1] / data["length"])
            line = part_of_line(line, *ends)
        for point in line:
            point = (point[0], point[1])
            if not coords or coords[-1] != point:
                coords.append(point)
        up, down = data.get("ascent"), data.get("descent")
        if rev:
            up, down = down, up
        if up is None or down is None or ascent is None or descent is None:
            ascent = descent = None
        elif span is None:
            ascent += up
            descent += down
        else:  # part of its climb, about evenly spread, up and down again
            ascent += share * (up + down) / 2
            descent += share * (up + down) / 2
    length = sum(s.length_m for s in steps)
    kind = "out_and_back" if not cand.circuit else "lollipop" if cand.stem else "loop"
    return Loop(
        rank=rank,
        start=search.starts[cand.start],
        kind=kind,
        steps=steps,
        coords=coords,
        length_m=length,
        error_m=length - search.target,
        repeated_m=cand.repeated,
        connector_m=sum(s.length_m for s in steps if s.connector),
        ascent_m=ascent,
        descent_m=descent,
        stages=_stages(steps, days, campsites, max_day_m),
        cost=round(cand.cost, 3),
        turns=sum(
            costs.follow_key(vars(a)) != costs.follow_key(vars(b))
            for a, b in zip(steps, steps[1:])
        ),
    )


def _node_line(graph: nx.MultiGraph, u: Hashable, v: Hashable) -> list:
    """A straight line between two nodes, for graphs drawn without geometry."""
    line = []
    for n in (u, v):
        attrs = graph.nodes[n]
        if attrs.get("lon") is not None and attrs.get("lat") is not None:
            line.append((attrs["lon"], attrs["lat"]))
    return line


def _stages(
    steps: list[Step],
    days: int,
    campsites: dict[Hashable, str],
    max_day_m: float | None = None,
) -> list[Stage]:
    """Split the walk into `days` stages, each ending at a junction, at a
    campsite where one keeps the days even (`nights.cut`)."""
    return nights.cut(steps, days, campsites, max_day_m)


def _nights_notice(loops: list[Loop], days: int) -> str | None:
    """Why some nights are at a bare junction, when they are."""
    if days < 2 or all(s.campsite for loop in loops for s in loop.stages[:-1]):
        return None
    return (
        "No loop in range puts every night at a hut, campsite or shelter with "
        "days of about the same length: nights marked as a junction are not at one."
    )


def _must_reason(
    search: Search, on_network: list[Start], exhaustive: bool, name: str
) -> NoLoop:
    """Why no loop walks what the hiker asked for: the lengths of the closest
    loops that do, when some were seen (the others were never offered)."""
    start = (
        on_network[0].name or "the trailhead"
        if len(on_network) == 1
        else "the trailheads in range"
    )
    asked = dict(target_m=search.target, tolerance=search.tolerance, start=start)
    if not search.must_m:  # none of it on the network within the length's reach
        return NoLoop("walk_unreached", walk=name, **asked)
    below, above = search.longest_below, search.shortest_above
    found = tuple(c[0] for c in (below, above) if c is not None)
    return NoLoop(
        "walk_missed", closest_m=found, unsure=not exhaustive, walk=name, **asked
    )


def _near_misses(search: Search, exhaustive: bool, pairs: bool = False):
    """The longest walk found below the window and the shortest above it. After
    a search that ran out of time, each only when it is worth telling a hiker
    (half to twice the length asked for): it may have seen nothing but a 100 m
    walk, which says nothing of what is there."""
    below, above = search.longest_below, search.shortest_above
    if not exhaustive:
        if below is not None and below[0] < NEAR_MISS * search.target:
            below = None
        if above is not None and above[0] > search.target / NEAR_MISS:
            above = None
    if pairs:
        return below, above
    return [c for c in (below, above) if c is not None]


def _reason(
    search: Search,
    starts: Sequence[Start],
    on_network: list[Start],
    exhaustive: bool,
    allow_stems: bool,
    must_walk_name: str,
) -> NoLoop:
    """Why nothing was found, as data for the planner to put in words."""
    if not starts:
        return NoLoop("no_trailhead")
    if not on_network:
        return NoLoop("off_network")
    if search.must_walk:
        return _must_reason(search, on_network, exhaustive, must_walk_name)
    layer, index = search.layer, search.prep.index
    reach, widest = 0.0, 0
    for i, s in enumerate(on_network):
        part = layer.cycle_part[index[s.node]]
        if part != -1 and layer.cycle_part_m[part] > reach:
            reach, widest = layer.cycle_part_m[part], i
    below, above = _near_misses(search, exhaustive, pairs=True)
    found = tuple(c[0] for c in (below, above) if c is not None)
    asked = dict(
        target_m=search.target,
        tolerance=search.tolerance,
        closest_m=found,
        unsure=not exhaustive,
    )

    def name(i: int) -> str:
        return on_network[i].name or "the trailhead"

    if reach == 0.0:
        if not allow_stems:
            return NoLoop("stems_needed", **asked)
        if not found:
            return NoLoop("nothing_to_walk", **asked)
        return NoLoop("out_and_back_only", **asked)
    if reach < search.lo and not above:
        loop = search.longest_loop
        if loop and exhaustive:
            return NoLoop(
                "too_small",
                start=name(loop[1]),
                reach_m=loop[0],
                reach_is_loop=True,
                **asked,
            )
        return NoLoop("too_small", start=name(widest), reach_m=reach, **asked)
    return NoLoop("missed", **asked)
