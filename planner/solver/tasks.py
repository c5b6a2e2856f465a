"""The tasks the scheduler interleaves (`answer._solve`), each a generator that
yields every slice of the search: one loop task per trailhead (or, off the
loop-bearing network, an approach task), and, when stems are allowed and loops
alone do not fill the answer, one lollipop task per trailhead. A hint task looks
for the shortest loop that is too long, after a search that found nothing.
Out-and-backs turning partway along a trail are offered by `turn_inside`.
"""

from __future__ import annotations

from collections.abc import Generator

from planner.solver import costs
from planner.solver.paths import Prev
from planner.solver.search import Hop, Search, Task
from planner.solver.walk import Home, circuits

FIRST_EPISODE_PUSHES = 1500  # node cap of the first dive; doubles every restart
PIVOTS_AT_ONCE = 4  # lollipop pivots searched side by side
TURNS_INSIDE = 64  # out-and-backs turning inside a link looked at, at most


def loop_task(search: Search, task: Task) -> Generator[None, None, None]:
    """Loops from one trailhead that walk no trail twice."""
    home = Home(
        search.loop_paths, search.layer.loop_adj, task.node, search.hi, frozenset()
    )
    yield
    yield from dives(search, task, home, 0.0, 0.0, 0.0, ())


def approach_task(
    search: Search, task: Task, hops: tuple[Hop, ...], metres: float, road: float
) -> Generator[None, None, None]:
    """Loops from a trailhead off the loop-bearing network (a car park at the
    end of a spur): walk the approach `hops` to the pivot `task.node`, a loop
    there, and the approach back. Its links are closed to the loop."""
    closed = frozenset(lid for lid, _ in hops)
    home = Home(
        search.loop_paths,
        search.layer.loop_adj,
        task.node,
        search.hi - 2 * metres,
        closed,
    )
    yield
    yield from dives(search, task, home, 2 * metres, 2 * road, metres, hops)


def hint_task(search: Search, task: Task) -> Generator[None, None, None]:
    """After a complete search found nothing: the shortest loop that is too long."""
    home = Home(
        search.loop_paths,
        search.layer.loop_adj,
        task.node,
        search.hi_longer,
        frozenset(),
    )
    yield
    yield from dives(search, task, home, 0.0, 0.0, 0.0, ())


def dives(
    search: Search,
    task: Task,
    home: Home,
    d0: float,
    r0: float,
    repeated: float,
    stem: tuple[Hop, ...],
) -> Generator[None, None, None]:
    """Restarted depth-first searches ("dives") with a doubling step cap.

    At each cap, first a *near* dive that keeps only walks that can still end
    within 1% of the target, so a walk that drifted long backtracks early, to
    where its length can still be mended; then a *wide* dive over the whole
    tolerance. While nothing has come within 1% of the target (`search.near`,
    `Search.came_near`: for a day's walk a loop or lollipop, as an out-and-back
    ranks after any loop), a near dive orders its children by length alone
    (`walk.Walk`'s `blind`): a length missed by more than 1% costs half the
    target (`costs.MISS`), more than any choice of ground, and where the trees
    found nothing near (a compact
    network, where a long loop must wind about) the hiker's order heads nowhere
    in particular. While the answer has some but not all of its alternatives, the
    wide dive looks only for walks unlike the picks (diversify); if that
    exhausts its space, a plain wide dive follows at the same cap. A near
    dive that finishes is not repeated; a plain wide one that finishes has
    searched everything.
    """
    cap = FIRST_EPISODE_PUSHES
    near_done = False
    settled = -1  # picks version whose "unlike" space is known to be exhausted
    dive = 0
    while True:
        if not near_done:
            seed = None if dive == 0 else dive * 1_000_003 + task.start
            blind = not search.came_near()  # nothing within 1% yet
            near_done = yield from circuits(
                search,
                task,
                home,
                d0,
                r0,
                repeated,
                stem,
                cap,
                False,
                True,
                seed,
                blind,
            )
        while True:
            diversify = (
                0 < len(search.picks) < search.alternatives
                and search.version != settled
            )
            version = search.version
            seed = None if dive == 0 else dive * 1_000_003 + task.start + 1
            finished = yield from circuits(
                search, task, home, d0, r0, repeated, stem, cap, diversify, False, seed
            )
            if not finished:
                break
            if not diversify:
                return
            settled = version
        cap *= 2
        dive += 1


def lollipop_task(search: Search, task: Task) -> Generator[None, None, None]:
    """Stems from the trailhead, each with a loop at its end, nearest first.

    A stem is the shortest path to a junction (the pivot); its links are closed
    to the loop. The pivots nearest the trailhead are searched a few at a time
    with doubling caps, as later ones have longer stems (more repeated trail).
    A stem alone, walked there and back, is an out-and-back: the few closest to
    the target length are offered first, as a last resort.
    """
    dist, prev, order = stems(search, task)

    def stem_to(v: int) -> tuple[tuple[Hop, ...], float, float]:
        return stem_hops(search, prev, task.node, v)

    yield
    turns = [v for v in order if search.lo <= 2 * dist[v] <= search.hi]
    turns.sort(key=lambda v: (abs(2 * dist[v] - search.target), v))
    for v in turns[: 2 * search.alternatives]:
        hops, metres, road = stem_to(v)
        search.offer(task.start, v, hops, (), None, 2 * metres, 2 * road, metres)

    pivots = (v for v in order[1:] if search.layer.cycle_part[v] != -1)
    active: list[list] = []  # [pivot, stem, metres, road metres, Home, cap]
    more = True
    while active or more:
        while more and len(active) < PIVOTS_AT_ONCE:
            pivot = next(pivots, None)
            if pivot is None or search.stem_hopeless(dist[pivot], dist[pivot]):
                more = False  # pivots come nearest first: no farther one wins
                break
            hops, metres, road = stem_to(pivot)
            closed = frozenset(lid for lid, _ in hops)
            home = Home(
                search.loop_paths,
                search.layer.loop_adj,
                pivot,
                search.hi - 2 * metres,
                closed,
            )
            active.append([pivot, hops, metres, road, home, FIRST_EPISODE_PUSHES])
            yield
        for entry in list(active):
            v, hops, metres, road, home, cap = entry
            finished = yield from circuits(
                search,
                task,
                home,
                2 * metres,
                2 * road,
                metres,
                hops,
                cap,
                False,
                False,
            )
            if finished:
                active.remove(entry)
            else:
                entry[5] = cap * 2


def stems(search: Search, task: Task) -> tuple[list[float], Prev, list[int]]:
    """Shortest ways from the task's node within half the longest length (of
    equally short ones, the one with less road): every stem a walk from it
    can take. Run once per task (its lollipops and its out-and-backs)."""
    if task.stems is None:
        task.stems = search.prep.all_paths(search.layer).run(task.node, search.hi / 2)
    return task.stems


def stem_hops(
    search: Search, prev: Prev, root: int, v: int
) -> tuple[tuple[Hop, ...], float, float]:
    """The stem from `root` to `v`: its hops, metres and road metres."""
    links = search.prep.links
    hops: list[Hop] = []
    while v != root:
        u, lid, fwd = prev[v]  # type: ignore[misc]
        hops.append((lid, fwd))
        v = u
    hops.reverse()
    return (
        tuple(hops),
        sum(links[lid].length for lid, _ in hops),
        sum(links[lid].road for lid, _ in hops),
    )


def turn_inside(search: Search, task: Task) -> None:
    """Out-and-backs of exactly the target: a hiker turns back where the
    length is walked, partway along a trail, not only at a junction. Offered
    where no junction is within 1% of half the length, along the links that
    cross it, from the nearest junctions first (`TURNS_INSIDE` at most). Only
    worth their time when no loop or lollipop was found (`answer._solve`
    asks then): an out-and-back never ranks above one."""
    dist, prev, order = stems(search, task)
    half = search.target / 2
    slack = costs.EXACT * half
    adj = search.layer.all_adj
    found = 0
    for u in order:
        if dist[u] >= half - slack:
            break
        came = prev[u]
        came_by = came[1] if came is not None else -1
        stem = None
        for lid, _v, metres, _road, fwd in adj[u]:
            if lid == came_by or metres - (half - dist[u]) <= slack:
                continue
            if stem is None:
                stem = stem_hops(search, prev, task.node, u)
            hops, stem_m, stem_road = stem
            d = half - stem_m  # from the stem's own sum: the length is exact
            part_road = search.part_of(lid, fwd, d)[1]
            search.offer(
                task.start,
                u,
                hops,
                (),
                None,
                2 * (stem_m + d),
                2 * (stem_road + part_road),
                stem_m + d,
                (lid, fwd, d),
            )
            found += 1
            if found >= TURNS_INSIDE:
                return
