"""`solve()`: choose trailheads, run the tasks within the budget, build the answer.

The phases of a solve, in order: the trailheads to search (`trailheads.py`);
with several days, chains of days from bed to bed (`nights.py`); loops from
shortest-path trees (`tree_phase.py`); the depth-first search's tasks
(`tasks.py`, `walk.py`), interleaved a slice at a time until the budget is
spent or every pick is as good as a hiker could tell; out-and-backs turning
partway, and the shortest loop that is too long, when nothing was found; then
the answer (`build.py`) or the reason there is none (`no_loop.py`).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence

import networkx as nx

from planner.solver import nights, trailheads
from planner.solver.build import build_loop, nights_notice
from planner.solver.cheapest import link_arrays
from planner.solver.linkgraph import Prepared, prepare
from planner.solver.no_loop import near_misses, reason
from planner.solver.records import SolveResult, Start, Step
from planner.solver.search import Cand, Search, Task
from planner.solver.tasks import hint_task, turn_inside
from planner.solver.tree_phase import seed_pool

DEFAULT_BUDGET_S = 0.25
MAX_BUDGET_S = 5.0
MIN_BUDGET_S = 0.01
# loop-search steps after which lollipops join an answer still short of loops (a
# count, not a time, so that the answer does not depend on the machine's speed)
STEMS_AFTER = 6000
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
# Share of the budget for chains of days from bed to bed; should none close
# within 1% of the length, a plain loop cut into days gets the whole budget
# after them.
NIGHTS_SHARE = 0.7
# Loops whose line `solve(ground_twice=...)` measures, at most this many per
# alternative asked for (each a few milliseconds; the first picks are clean
# nearly always).
GROUND_CHECKS_PER_PICK = 3


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
    ground_twice: Callable[[Sequence[Step]], float] | None = None,
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
    `ground_twice`, given a walk's steps, measures on its line the metres it
    passes over ground it already walked (the solver has no lines): the loops
    picked are measured, and one that walks ground twice costs as much as a
    loop that misses the length (`_walked_once`).
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
            ground_twice=ground_twice,
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
    ground_twice: Callable[[Sequence[Step]], float] | None = None,
) -> SolveResult:
    t0 = time.perf_counter()
    budget = _checked_budget(target_m, tolerance, days, alternatives, budget_s)
    campsites = dict(campsites or {})

    prep = _prepared(graph, starts, campsites if days > 1 else ())
    on_network = _dedupe([s for s in starts if s.node in prep.index])
    search = Search(
        prep=prep,
        layer=prep.layer(max_difficulty),
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
    loop_tasks, stem_tasks, skipped = trailheads.choose(search, allow_stems)
    trips = (
        _chains(search, loop_tasks, days, campsites, max_day_m, allow_stems)
        if days > 1 and campsites
        else []
    )
    if sum(nights.exact(search, t.cand) for t in trips) >= alternatives:
        # as many trips with nights at beds and the length within 1% as asked
        # for: a plain loop would rank after them all (else it may fill a place)
        loop_tasks, stem_tasks = [], []
    if stem_tasks and search.turns_partway and search.loops_unlikely:
        # No trailhead reaches trail enough for a loop of this length (a desert's
        # long tracks): the out-and-backs, which are then the likely answer, first.
        _turns(search, stem_tasks, time.perf_counter() + TURNS_FIRST_SHARE * budget)
    share, rounds = (
        (MUST_TREE_SHARE, MUST_TREE_ROUNDS) if must_walk else (TREE_SHARE, TREE_ROUNDS)
    )
    seed_pool(search, loop_tasks, time.perf_counter() + share * budget, rounds)
    if _turns_wanted(search, stem_tasks):
        # The trees closed no loop: the out-and-backs turning partway now, a few
        # ms, so that a walk of the length is in hand whatever the depth-first
        # search finds (a loop it finds still ranks first). Beatty's 12-mile
        # plans had theirs only at the deadline (first within 1% at 240 ms, p95).
        _turns(search, stem_tasks, time.perf_counter() + TURNS_SHARE * budget)
    stopped_early, longest_step = _schedule(search, loop_tasks, stem_tasks)

    if _turns_wanted(search, stem_tasks):
        # No loop or lollipop: out-and-backs that turn partway along a trail,
        # exactly the length asked for. Only now (they never rank above a loop),
        # nearest trailheads first, in what is left of the budget or a sliver more.
        until = max(search.deadline, time.perf_counter()) + TURNS_SHARE * budget
        _turns(search, stem_tasks, until)

    searched = all(t.done for t in loop_tasks + stem_tasks)
    if searched and not search.pool and not search.out_of_time():
        _look_longer(search, loop_tasks)

    if ground_twice is not None:
        _walked_once(search, ground_twice)

    stems_needed = allow_stems and not (
        len(search.picks) == alternatives and search.picks[-1].key[0] == 0
    )
    exhaustive = (
        not skipped
        and all(t.done for t in loop_tasks)
        and (not stems_needed or all(t.done for t in stem_tasks))
    )
    loops = [
        build_loop(search, cand, rank, days, campsites, max_day_m)
        for rank, cand in enumerate(search.picks, start=1)
    ]
    if days > 1:  # trips and loops cut into days (none within 1%), one ranking
        walks = [*zip(search.picks, loops)] + [
            (
                t.cand,
                nights.finish(build_loop(search, t.cand, 1, 1, {}), t, prep, campsites),
            )
            for t in trips
        ]
        loops = nights.ranked(search, walks)
    closest = [c[0] for c in near_misses(search, exhaustive)]
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
            else reason(
                search, starts, on_network, exhaustive, allow_stems, must_walk_name
            )
        ),
        closest_lengths_m=[] if loops else closest,
        timed_out=not trips and not exhaustive and not stopped_early,
        notice=nights_notice(loops, days),
        stats=stats,
    )


def _walked_once(
    search: Search, ground_twice: Callable[[Sequence[Step]], float]
) -> None:
    """Measure the picked loops on their lines and rank down those that walk
    ground twice, until the picks are clean or the checks run out.

    The import gives a piece of ground one segment (issue 9), so a loop that
    walks no segment twice walks no ground twice, except where ways drawn side
    by side share no junction long enough to be merged: a chain of 4-8 m street
    stubs beside another, a loop going down one and back up the other (16 m in
    three of 28 Helsinki loops). It then costs as much as missing the length
    (`costs.TWICE_ON_LINE`), with the metres as repeated, so they are reported:
    an exact loop that is clean ranks first, and it is still offered before an
    out-and-back, which walks everything twice."""
    measured: set[int] = set()
    checks = GROUND_CHECKS_PER_PICK * search.alternatives
    while len(measured) < checks:
        unmeasured = [c for c in search.picks if _is_loop(c) and id(c) not in measured]
        if not unmeasured:
            return
        cand = unmeasured[0]
        measured.add(id(cand))
        twice_m = ground_twice(build_loop(search, cand, 1, 1, {}).steps)
        if twice_m > 0:
            search.demote(cand, twice_m)


def _is_loop(cand: Cand) -> bool:
    return bool(cand.circuit) and not cand.stem and cand.turn is None


def _checked_budget(
    target_m: float,
    tolerance: float,
    days: int,
    alternatives: int,
    budget_s: float | None,
) -> float:
    """The budget in seconds, within its bounds, once the question makes sense."""
    if not target_m > 0:
        raise ValueError("target_m must be positive")
    if not 0 <= tolerance < 1:
        raise ValueError("tolerance must be in [0, 1)")
    if days < 1 or alternatives < 1:
        raise ValueError("days and alternatives must be at least 1")
    budget = DEFAULT_BUDGET_S if budget_s is None else budget_s
    return min(max(budget, MIN_BUDGET_S), MAX_BUDGET_S)


def _chains(
    search: Search,
    loop_tasks: list[Task],
    days: int,
    campsites: dict[Hashable, str],
    max_day_m: float | None,
    allow_stems: bool,
) -> list[nights.Trip]:
    """Chains of days from bed to bed (`nights.plan`), in `NIGHTS_SHARE` of
    the budget. When none closes within 1% of the length, the plain loop gets
    the time they took back, so that a busy machine still answers with a loop
    cut into days, and one within 1% ranks before them (`nights.py`)."""
    t_nights = time.perf_counter()
    trips = nights.plan(
        search,
        loop_tasks,
        days,
        campsites,
        search.t0 + NIGHTS_SHARE * (search.deadline - search.t0),
        max_day_m,
        twice=allow_stems,
    )
    if not any(nights.exact(search, t.cand) for t in trips):
        search.deadline += time.perf_counter() - t_nights
    return trips


def _schedule(
    search: Search, loop_tasks: list[Task], stem_tasks: list[Task]
) -> tuple[bool, float]:
    """Run the tasks a slice each in turn, until all are done, the budget is
    spent, or every pick is as good as a hiker could tell (then stopped early).
    Lollipops join once the loop tasks are done or took `STEMS_AFTER` steps
    without filling the answer with loops. Returns whether it stopped early
    and its longest step (the scheduler's blind spot: what overruns the budget)."""
    stems_on = False
    stopped_early = False
    longest_step = 0.0
    active = list(loop_tasks)
    while True:
        if (
            stem_tasks
            and not stems_on
            and not (
                len(search.picks) == search.alternatives and search.picks[-1].circuit
            )
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
    return stopped_early, longest_step


def _look_longer(search: Search, loop_tasks: list[Task]) -> None:
    """Nothing in range, but time left: find the shortest loop that is too
    long, so the answer can say what is on offer."""
    search.hint = True
    search.version += 1
    hints = []
    for task in loop_tasks:
        hint = Task(task.start, task.node, "hint")
        hint.gen = hint_task(search, hint)
        hints.append(hint)
    while hints and not search.out_of_time():
        for task in list(hints):
            try:
                next(task.gen)  # type: ignore[arg-type]
            except StopIteration:
                hints.remove(task)
            if search.out_of_time():
                break


def _turns_wanted(search: Search, stem_tasks: list[Task]) -> bool:
    """Whether out-and-backs turning partway may be offered now: a day's walk
    with stems allowed, and no loop or lollipop found yet."""
    return bool(
        stem_tasks and search.turns_partway and not any(c.circuit for c in search.pool)
    )


def _turns(search: Search, tasks: list[Task], until: float) -> None:
    """Out-and-backs turning partway along a trail, from each task not yet
    looked at (`tasks.turn_inside`), nearest trailheads first, until `until`."""
    for task in tasks:
        if task.turned:
            continue
        task.turned = True
        turn_inside(search, task)
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
