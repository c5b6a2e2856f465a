"""The search itself: bounded depth-first search over contracted links.

See the package docstring for the method. This module holds the shared state of
one solve (`Search`: candidate pool, picks, pruning caps, clock) and the tasks the
scheduler interleaves: one loop task per trailhead and, when stems are allowed and
loops alone do not fill the answer, one lollipop task per trailhead.
"""

from __future__ import annotations

import random
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from heapq import heappop, heappush

from planner.solver import costs
from planner.solver.network import INF, Arc, Layer, Paths, Prepared, Prev, dijkstra
from planner.solver.ranking import (
    MAX_SHARED_FRACTION,
    NEAR_FRACTION,
    Key,
    is_different,
    pick_different,
    rank_key,
)
from planner.solver.result import Start

SLICE_PUSHES = 128  # DFS steps between returns to the scheduler (~1 ms)
FIRST_EPISODE_PUSHES = 1500  # node cap of the first dive; doubles every restart
POOL_PER_PICK = 8  # candidates kept per wanted alternative
PICKED_WEIGHT = 1.0  # ordering: extra weight per metre shared with a current pick
# ordering: how much a link's hiker cost beyond its length (and a change of trail)
# weighs against metres of length error
COST_WEIGHT = 1.0
# A walk this close to the ideal (all waymarked, few turns, exact) cannot be
# told apart from a better one: the search may stop when every pick is this good.
IDEAL_COST = 1.03
LONGER_FACTOR = 2.0  # look this far beyond the target for "closest longer" hints
PIVOTS_AT_ONCE = 4  # lollipop pivots searched side by side
TURNS_INSIDE = 64  # out-and-backs turning inside a link looked at, at most
# shares of the target at which a walk's ways home are computed again around it
REBOUND_AT = (0.4, 0.65, 0.85)
JITTER = 1.0  # restarts add up to this many times a link's length to its score
ASTAR_POPS = 48  # a blocked way home longer to find than this: rebound instead
SMALL_REBOUND_M = 4000.0  # below this, a rebound is quicker in plain Python

Hop = tuple[int, bool]  # (link id, walked forward)
# per node: shortest way home, and the previous hop on it
Bounds = tuple[list[float], Prev]


@dataclass
class Cand:
    key: Key
    start: int  # index into Search.starts
    pivot: int  # node the circuit starts at (the trailhead unless there is a stem)
    stem: tuple[Hop, ...]
    circuit: tuple[Hop, ...]
    length: float
    road: float
    repeated: float
    links: frozenset[int]
    distinct_m: float
    sig: tuple
    cost: float = 0.0
    # an out-and-back that turns back inside a link: (link id, walked forward,
    # metres into it), walked out and back after the stem
    turn: tuple[int, bool, float] | None = None


@dataclass
class Task:
    start: int
    node: int
    kind: str  # "loop" or "lollipop"
    gen: Generator[None, None, None] | None = None
    done: bool = False
    pushes: int = 0
    # the approach from the trailhead to `node`: (hops, metres, road metres)
    approach: tuple[tuple[Hop, ...], float, float] = ((), 0.0, 0.0)
    # its stems' shortest ways (`Search._stems`), once they were needed
    stems: tuple[list[float], Prev, list[int]] | None = None
    turned: bool = False  # its out-and-backs turning partway were offered


@dataclass
class Search:
    prep: Prepared
    layer: Layer
    starts: list[Start]
    target: float
    tolerance: float
    alternatives: int
    minimise_road: bool
    max_difficulty: int | None
    deadline: float
    t0: float = field(default_factory=time.perf_counter)
    pool: list[Cand] = field(default_factory=list)
    picks: list[Cand] = field(default_factory=list)
    pick_masks: list[bytearray] = field(default_factory=list)
    penalty: bytearray = field(default_factory=bytearray)
    hint: bool = False  # looking past the window for the closest longer loop
    first_near_s: float | None = None
    longest_below: tuple[float, int] | None = None  # (length, start index)
    shortest_above: tuple[float, int] | None = None
    longest_loop: tuple[float, int] | None = None  # without a stem, below the window
    circuits_seen: int = 0
    out_and_backs_seen: int = 0
    candidates: int = 0
    version: int = 0  # bumps whenever the picks (and so the caps) change
    # Segments the hiker asked to walk some of ("plan a loop that walks this").
    must_walk: frozenset = frozenset()
    # Out-and-backs may turn back anywhere along a trail, not only at junctions
    # (one day only: a night falls at a junction).
    turns_partway: bool = True
    # No trailhead reaches trail enough for a loop of the length (`answer._tasks`).
    loops_unlikely: bool = False

    def __post_init__(self) -> None:
        self.lo = self.target * (1 - self.tolerance)
        self.hi = self.target * (1 + self.tolerance)
        self.hi_longer = max(self.hi, LONGER_FACTOR * self.target)
        self.near = NEAR_FRACTION * self.target
        self.exact_m = max(0.5, 1e-4 * self.target)
        self.link_m = [link.length for link in self.prep.links]
        self.loop_paths = self.prep.loop_paths(self.layer)
        links = self.prep.links
        # With minimise_road off the search looks at length alone (a baseline).
        weight = COST_WEIGHT if self.minimise_road else 0.0
        self.link_extra = [weight * (x.weighted - x.length) for x in links]
        # per link: metres of it the hiker asked to walk, and what walking them
        # saves a hiker's cost (costs.MUST_WALK in place of their metre cost)
        self.must_m: dict[int, float] = {}
        self.must_saving: dict[int, float] = {}
        for lid, (u, v, k) in self.prep.segment_edges(self.must_walk):
            data = self.prep.graph.edges[u, v, k]
            metres = data["length"]
            saving = metres * (costs.metre_cost(data) - costs.MUST_WALK)
            self.must_m[lid] = self.must_m.get(lid, 0.0) + metres
            self.must_saving[lid] = self.must_saving.get(lid, 0.0) + saving
        for lid, saving in self.must_saving.items():
            self.link_extra[lid] -= weight * saving
        # the least a metre can cost: the cut on stems and "good enough" use it
        self.least_metre = (
            min(costs.WAYMARKED, costs.MUST_WALK) if self.must_walk else costs.WAYMARKED
        )
        # the trail a hiker follows entering and leaving a link, walked forward
        self.link_head = [x.head for x in links]
        self.link_tail = [x.tail for x in links]
        self.penalty = bytearray(len(self.prep.links))
        # the nearest-drive start at each node, to re-root loops passing several
        self.best_start_at: dict[int, int] = {}
        for i, s in enumerate(self.starts):
            n = self.prep.index[s.node]
            j = self.best_start_at.get(n)
            if j is None or (s.drive_m, i) < (self.starts[j].drive_m, j):
                self.best_start_at[n] = i

    # -- candidates ------------------------------------------------------------

    def offer(
        self,
        start: int,
        pivot: int,
        stem: tuple[Hop, ...],
        circuit: Sequence[Hop],
        nodes: Sequence[int] | None,
        length: float,
        road: float,
        repeated: float,
        turn: tuple[int, bool, float] | None = None,
    ) -> None:
        """Consider a closed walk found by a task; keep it if it can still matter.
        `turn`: an out-and-back that turns back inside a link (see `Cand.turn`)."""
        if circuit:
            self.circuits_seen += 1
        else:
            self.out_and_backs_seen += 1
        if self.must_walk and not self.walks_some(stem, circuit):
            return  # not what the hiker asked for, however good
        if length < self.lo:
            if self.longest_below is None or length > self.longest_below[0]:
                self.longest_below = (length, start)
            if not stem and (
                self.longest_loop is None or length > self.longest_loop[0]
            ):
                self.longest_loop = (length, start)
            return
        if length > self.hi:
            if self.shortest_above is None or length < self.shortest_above[0]:
                self.shortest_above = (length, start)
                self.version += 1  # the hint search now looks only for shorter
            return
        self.candidates += 1
        if self.first_near_s is None and abs(length - self.target) <= self.near:
            self.first_near_s = time.perf_counter() - self.t0
        if not stem and nodes is not None:
            start, circuit = self._reroot(start, circuit, nodes)
            pivot = self.prep.index[self.starts[start].node]
        sig = (tuple(sorted(lid for lid, _ in circuit)), tuple(lid for lid, _ in stem))
        if turn is not None:
            sig = (sig[0], (*sig[1], turn[0]), round(turn[2]))
        cost = self.walk_cost(start, stem, circuit, length, repeated, turn)
        key = rank_key(
            cost=cost,
            out_and_back=not circuit,
            drive_m=self.starts[start].drive_m,
            tie=(start, sig),
        )
        limit = self.alternatives * POOL_PER_PICK
        if len(self.pool) >= limit and key >= self.pool[-1].key:
            return
        links = frozenset(sig[0]) | frozenset(sig[1])
        cand = Cand(
            key,
            start,
            pivot,
            stem,
            tuple(circuit),
            length,
            road,
            repeated,
            links,
            sum(self.link_m[i] for i in links),
            sig,
            cost,
            turn,
        )
        # The pool holds no walk that a better one in it makes redundant (shares
        # more than half its length), so it stays a pool of real alternatives.
        link_m = self.link_m
        at = 0
        for at, other in enumerate(self.pool):  # noqa: B007
            if other.key >= key:
                break
            if not is_different(cand, other, link_m):
                return
        else:
            at = len(self.pool)
        self.pool[at:] = [cand] + [
            other for other in self.pool[at:] if is_different(other, cand, link_m)
        ]
        del self.pool[limit:]
        # a walk from another trailhead may displace a pick it ranks below
        self._repick()

    def walks_some(self, stem: Sequence[Hop], circuit: Sequence[Hop]) -> bool:
        """Whether the walk takes some of what the hiker asked to walk."""
        must = self.must_m
        return any(lid in must for lid, _ in stem) or any(
            lid in must for lid, _ in circuit
        )

    def walk_cost(
        self,
        start: int,
        stem: Sequence[Hop],
        circuit: Sequence[Hop],
        length: float,
        repeated: float,
        turn: tuple[int, bool, float] | None = None,
    ) -> float:
        """What the walk costs a hiker (planner/solver/costs.py); with
        minimise_road off, only what it misses of the length and repeats."""
        if not self.minimise_road:
            error = abs(length - self.target)
            return self.target + error + costs.REPEATED * repeated
        links = self.prep.links
        back = [(lid, not fwd) for lid, fwd in reversed(stem)]
        weighted = 0.0
        turns = 0
        last = None
        if turn is not None:  # a part of a link, out and back again
            part_w, _, part_turns, enter = self.part_of(*turn)
            weighted += 2 * part_w
            turns += 2 * part_turns
            if stem:
                lid, fwd = stem[-1]
                leave = links[lid].tail if fwd else links[lid].head
                turns += 2 * (enter != leave)  # onto it, and back off it
        for lid, fwd in [*stem, *circuit, *back]:
            link = links[lid]
            weighted += link.weighted - self.must_saving.get(lid, 0.0)
            turns += link.turns
            enter, leave = (link.head, link.tail) if fwd else (link.tail, link.head)
            if last is not None and enter != last:
                turns += 1
            last = leave
        return costs.walk_cost(
            weighted_m=weighted,
            length_m=length,
            turns=turns,
            repeated_m=repeated,
            target_m=self.target,
            drive_m=self.starts[start].drive_m,
        )

    def part_of(
        self, lid: int, fwd: bool, metres: float
    ) -> tuple[float, float, int, str]:
        """The first `metres` of a link walked forward (or backward): their
        weighted metres, road metres, changes of trail inside, and the trail
        followed entering it."""
        graph = self.prep.graph
        weighted = road = 0.0
        keys: list[str] = []
        left = metres
        for u, v, k in self.prep.links[lid].walked(fwd):
            data = graph.edges[u, v, k]
            walked = min(left, data["length"])
            weighted += walked * costs.metre_cost(data)
            if data.get("connector"):
                road += walked
            key = costs.follow_key(data)
            if not keys or keys[-1] != key:
                keys.append(key)
            left -= walked
            if left <= 0:
                break
        return weighted, road, len(keys) - 1, keys[0]

    def _reroot(
        self, start: int, circuit: Sequence[Hop], nodes: Sequence[int]
    ) -> tuple[int, Sequence[Hop]]:
        """Start the loop at the nearest-drive trailhead it passes, if any."""
        best, at = start, 0
        for pos, n in enumerate(nodes[:-1]):
            j = self.best_start_at.get(n)
            if j is not None and (self.starts[j].drive_m, j) < (
                self.starts[best].drive_m,
                best,
            ):
                best, at = j, pos
        if at:
            circuit = list(circuit[at:]) + list(circuit[:at])
        return best, circuit

    def _repick(self) -> None:
        picks = pick_different(self.pool, self.alternatives, self.link_m)
        if [id(p) for p in picks] == [id(p) for p in self.picks]:
            return
        for p in self.picks:
            for lid in p.links:
                self.penalty[lid] = 0
        self.picks = picks
        self.pick_masks = []
        for p in picks:
            mask = bytearray(len(self.link_m))
            for lid in p.links:
                self.penalty[lid] = 1
                mask[lid] = 1
            self.pick_masks.append(mask)
        self.version += 1

    # -- pruning ---------------------------------------------------------------

    def longest(self) -> float:
        """No walk longer than this can win: the length window's end (a walk's
        hiker cost is only known once it closes, so length is the only cut)."""
        if self.hint:
            if self.shortest_above is not None:
                return min(self.hi_longer, self.shortest_above[0])
            return self.hi_longer
        return self.hi

    def stem_hopeless(self, stem_m: float, stem_weighted: float) -> bool:
        """Whether every walk with this stem costs more than the last pick: the
        stem is paid twice, the rest costs at least a metre a metre. (An
        out-and-back pick cuts nothing: any lollipop ranks above it.)"""
        if len(self.picks) < self.alternatives or not self.picks[-1].circuit:
            return False
        length = self.hi
        least = (
            (
                2 * stem_weighted * self.least_metre
                + costs.REPEATED * stem_m
                + self.least_metre * (length - 2 * stem_m)
            )
            / length
            * self.target
        )
        return least >= self.picks[-1].cost

    def good_enough(self) -> bool:
        """Every wanted alternative is already as good as a hiker could tell."""
        if len(self.picks) < self.alternatives:
            return False
        ideal = IDEAL_COST * self.least_metre * self.target
        return all(p.circuit and p.cost <= ideal for p in self.picks)

    def out_of_time(self) -> bool:
        return time.perf_counter() >= self.deadline

    # -- tasks -----------------------------------------------------------------

    def loop_task(self, task: Task) -> Generator[None, None, None]:
        """Loops from one trailhead that walk no trail twice."""
        home = Home(
            self.loop_paths, self.layer.loop_adj, task.node, self.hi, frozenset()
        )
        yield
        yield from self.dives(task, home, 0.0, 0.0, 0.0, ())

    def offer_hops(
        self,
        task: Task,
        stem: tuple[Hop, ...],
        circuit: Sequence[Hop],
        d0: float,
        r0: float,
        repeated: float,
    ) -> None:
        """Offer a closed walk given as hops from the task's root (a tree loop)."""
        links = self.prep.links
        node = task.node
        nodes = [node]
        length, road = d0, r0
        for lid, fwd in circuit:
            link = links[lid]
            node = link.b if fwd else link.a
            nodes.append(node)
            length += link.length
            road += link.road
        self.offer(task.start, task.node, stem, circuit, nodes, length, road, repeated)

    def approach_task(
        self, task: Task, hops: tuple[Hop, ...], metres: float, road: float
    ) -> Generator[None, None, None]:
        """Loops from a trailhead off the loop-bearing network (a car park at the
        end of a spur): walk the approach `hops` to the pivot `task.node`, a loop
        there, and the approach back. Its links are closed to the loop."""
        closed = frozenset(lid for lid, _ in hops)
        home = Home(
            self.loop_paths,
            self.layer.loop_adj,
            task.node,
            self.hi - 2 * metres,
            closed,
        )
        yield
        yield from self.dives(task, home, 2 * metres, 2 * road, metres, hops)

    def hint_task(self, task: Task) -> Generator[None, None, None]:
        """After a complete search found nothing: the shortest loop that is too long."""
        home = Home(
            self.loop_paths, self.layer.loop_adj, task.node, self.hi_longer, frozenset()
        )
        yield
        yield from self.dives(task, home, 0.0, 0.0, 0.0, ())

    def dives(
        self,
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
        tolerance. While the answer has some but not all of its alternatives, the
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
                near_done = yield from self.circuits(
                    task, home, d0, r0, repeated, stem, cap, False, True, seed
                )
            while True:
                diversify = (
                    0 < len(self.picks) < self.alternatives and self.version != settled
                )
                version = self.version
                seed = None if dive == 0 else dive * 1_000_003 + task.start + 1
                finished = yield from self.circuits(
                    task, home, d0, r0, repeated, stem, cap, diversify, False, seed
                )
                if not finished:
                    break
                if not diversify:
                    return
                settled = version
            cap *= 2
            dive += 1

    def lollipop_task(self, task: Task) -> Generator[None, None, None]:
        """Stems from the trailhead, each with a loop at its end, nearest first.

        A stem is the shortest path to a junction (the pivot); its links are closed
        to the loop. The pivots nearest the trailhead are searched a few at a time
        with doubling caps, as later ones have longer stems (more repeated trail).
        A stem alone, walked there and back, is an out-and-back: the few closest to
        the target length are offered first, as a last resort.
        """
        dist, prev, order = self._stems(task)

        def stem_to(v: int) -> tuple[tuple[Hop, ...], float, float]:
            return self._stem(prev, task.node, v)

        yield
        turns = [v for v in order if self.lo <= 2 * dist[v] <= self.hi]
        turns.sort(key=lambda v: (abs(2 * dist[v] - self.target), v))
        for v in turns[: 2 * self.alternatives]:
            hops, metres, road = stem_to(v)
            self.offer(task.start, v, hops, (), None, 2 * metres, 2 * road, metres)

        pivots = (v for v in order[1:] if self.layer.cycle_part[v] != -1)
        active: list[list] = []  # [pivot, stem, metres, road metres, Home, cap]
        more = True
        while active or more:
            while more and len(active) < PIVOTS_AT_ONCE:
                v = next(pivots, None)
                if v is None or self.stem_hopeless(dist[v], dist[v]):
                    more = False  # pivots come nearest first: no farther one wins
                    break
                hops, metres, road = stem_to(v)
                closed = frozenset(lid for lid, _ in hops)
                home = Home(
                    self.loop_paths,
                    self.layer.loop_adj,
                    v,
                    self.hi - 2 * metres,
                    closed,
                )
                active.append([v, hops, metres, road, home, FIRST_EPISODE_PUSHES])
                yield
            for entry in list(active):
                v, hops, metres, road, home, cap = entry
                finished = yield from self.circuits(
                    task, home, 2 * metres, 2 * road, metres, hops, cap, False, False
                )
                if finished:
                    active.remove(entry)
                else:
                    entry[5] = cap * 2

    def _stems(self, task: Task) -> tuple[list[float], Prev, list[int]]:
        """Shortest ways from the task's node within half the longest length (of
        equally short ones, the one with less road): every stem a walk from it
        can take. Run once per task (its lollipops and its out-and-backs)."""
        if task.stems is None:
            task.stems = self.prep.all_paths(self.layer).run(task.node, self.hi / 2)
        return task.stems

    def _stem(
        self, prev: Prev, root: int, v: int
    ) -> tuple[tuple[Hop, ...], float, float]:
        """The stem from `root` to `v`: its hops, metres and road metres."""
        links = self.prep.links
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

    def turn_inside(self, task: Task) -> None:
        """Out-and-backs of exactly the target: a hiker turns back where the
        length is walked, partway along a trail, not only at a junction. Offered
        where no junction is within 1% of half the length, along the links that
        cross it, from the nearest junctions first (`TURNS_INSIDE` at most). Only
        worth their time when no loop or lollipop was found (`answer._solve`
        asks then): an out-and-back never ranks above one."""
        dist, prev, order = self._stems(task)
        half = self.target / 2
        slack = costs.EXACT * half
        adj = self.layer.all_adj
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
                    stem = self._stem(prev, task.node, u)
                hops, stem_m, stem_road = stem
                d = half - stem_m  # from the stem's own sum: the length is exact
                part_road = self.part_of(lid, fwd, d)[1]
                self.offer(
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

    def circuits(
        self,
        task: Task,
        home: Home,
        d0: float,
        r0: float,
        repeated: float,
        stem: tuple[Hop, ...],
        cap: int,
        diversify: bool,
        near: bool,
        seed: int | None = None,
    ) -> Generator[None, None, bool]:
        """Depth-first search for closed walks from `home.root` using each link once.

        `d0`/`r0` are the metres (and road metres) already walked on the stem, which
        count towards the length. Returns True when the search space was exhausted,
        False when it stopped at `cap` steps (the caller restarts with a larger cap
        and by then better caps and picks). With `diversify`, walks that already
        share more than half of the longest possible loop with a pick are cut;
        with `near`, walks that cannot end within 1% of the target. With a `seed`,
        the order of children is shaken by a little seeded noise, so restarts
        explore other ways out instead of the same first branches.
        """
        target = self.target
        adj = home.adj
        root = home.root
        used = bytearray(len(self.prep.links))
        for lid in home.closed:
            used[lid] = 1
        penalty = self.penalty
        link_extra = self.link_extra
        heads, tails = self.link_head, self.link_tail
        turn = COST_WEIGHT * costs.TURN if self.minimise_road else 0.0
        jitter = None if seed is None else random.Random(seed).random
        version = -1
        cap_len = 0.0
        masks: list[bytearray] = []
        max_shared = INF
        h: list[float] = []
        prev: list = []
        first = -1
        marks = [d0 + f * (target - d0) for f in REBOUND_AT]
        mark = 0
        checkpoints: list[tuple[int, list[float], list, int]] = []

        def children(u: int, d: float) -> list[tuple]:
            out = []
            if hops:
                last, forward = hops[-1]
                follows = tails[last] if forward else heads[last]
            else:
                follows = None
            for lid, v, ln, rl, fwd in adj[u]:
                if used[lid]:
                    continue
                if first == -1:
                    # leaving the root: bound by the ways home this first link allows
                    hv, _ = home.after(lid)
                    lb = d + ln + hv[v]
                else:
                    # each loop is searched once: it leaves the root by its lowest
                    # link, so it can only come back (or pass) by higher ones
                    if lid < first and (v == root or u == root):
                        continue
                    lb = d + ln + h[v]
                if lb > cap_len:
                    continue
                # head out until the shortest way home would close the length,
                # on the ground a hiker prefers, keeping to the trail followed
                score = abs(target - lb) + link_extra[lid]
                enters = heads[lid] if fwd else tails[lid]
                if follows is not None and enters != follows:
                    score += turn
                if penalty[lid]:
                    score += PICKED_WEIGHT * ln
                if jitter:
                    score += jitter() * JITTER * ln
                out.append((score, lid, v, ln, rl, fwd))
            out.sort()
            return out

        def home_is_free(v: int) -> bool:
            n = v
            if isinstance(prev, list):  # from the plain search
                while n != root:
                    u, lid, _ = prev[n]  # type: ignore[misc]
                    if used[lid]:
                        return False
                    n = u
                return True
            up, via = prev.up, prev.via
            while n != root:
                if used[via[n]]:
                    return False
                n = up[n]
            return True

        def way_home(v: int, budget: float) -> float | None:
            """A* over unused links, with the unblocked shortest way as heuristic.

            None when it would take more than a few steps to tell.
            """
            best = {v: 0.0}
            heap = [(h[v], 0.0, v)]
            pops = 0
            while heap:
                pops += 1
                if pops > ASTAR_POPS:
                    return None
                f, g, u = heappop(heap)
                if u == root:
                    return g
                if g > best[u]:
                    continue
                for lid, w, ln, _, _ in adj[u]:
                    if used[lid] or (lid < first and (w == root or u == root)):
                        continue
                    ng = g + ln
                    nf = ng + h[w]
                    if nf > budget or ng >= best.get(w, INF):
                        continue
                    best[w] = ng
                    heappush(heap, (nf, ng, w))
            return INF

        def rebound(extra: int, radius: float) -> tuple[list[float], list]:
            """Ways home avoiding the walk so far (and link `extra`, if >= 0)."""
            blocked = set(home.closed)
            blocked.update(x for x, _ in hops)
            blocked.update(a[0] for a in adj[root] if a[0] < first)
            if extra >= 0:
                blocked.add(extra)
            if radius < SMALL_REBOUND_M:
                # a short way home: the plain search settles few junctions
                fresh_h, fresh_prev, order = dijkstra(
                    adj, root, radius=radius, blocked=blocked
                )
            else:
                fresh_h, fresh_prev, order = home.paths.run(root, radius, blocked)
            nonlocal work
            work += len(order) // 64  # a rebound costs about that many steps
            return fresh_h, fresh_prev

        def refresh() -> None:
            nonlocal version, cap_len, masks, max_shared
            if version == self.version:
                return
            version = self.version
            cap_len = self.longest()
            if near and not self.hint:
                cap_len = min(cap_len, target + self.near)
            masks = self.pick_masks
            wide = diversify and len(self.picks) < self.alternatives
            max_shared = MAX_SHARED_FRACTION * cap_len if wide else INF
            # shared metres with each pick along the current walk, from scratch
            shared[:] = [[0.0] * len(masks)]
            for lid, _ in hops:
                row = shared[-1][:]
                for j, mask in enumerate(masks):
                    if mask[lid]:
                        row[j] += self.link_m[lid]
                shared.append(row)

        nodes = [root]
        hops: list[Hop] = []
        dists = [d0]
        roads = [r0]
        shared: list[list[float]] = []
        refresh()
        frames = [children(root, d0)]
        at = [0]
        pushes = counted = work = 0
        while frames:
            frame = frames[-1]
            i = at[-1]
            if i == len(frame):
                frames.pop()
                at.pop()
                if hops:
                    used[hops.pop()[0]] = 0
                    nodes.pop()
                    dists.pop()
                    roads.pop()
                    shared.pop()
                    if checkpoints and checkpoints[-1][0] > len(hops):
                        _, h, prev, mark = checkpoints.pop()
                continue
            at[-1] = i + 1
            _, lid, v, ln, rl, fwd = frame[i]
            if not hops:
                first = lid
                h, prev = home.after(lid)
                mark = 0
            nd = dists[-1] + ln
            nr = roads[-1] + rl
            # the caps may have tightened since this frame was built
            lb = nd + h[v]
            if lb > cap_len:
                continue
            row = shared[-1]
            if masks:
                row = row[:]
                for j, mask in enumerate(masks):
                    if mask[lid]:
                        row[j] += ln
                if max(row) > max_shared:
                    continue
            fresh = None
            if v != root and not home_is_free(v):
                # our own walk blocks the shortest way home: find the real one
                used[lid] = 1
                way = way_home(v, cap_len - nd)
                if way is None:  # far round: bound the whole subtree again
                    fresh = rebound(lid, cap_len - nd)
                    way = fresh[0][v]
                used[lid] = 0
                if nd + way > cap_len:
                    continue
            if v == root:
                self.offer(
                    task.start,
                    root,
                    stem,
                    hops + [(lid, fwd)],
                    nodes + [v],
                    nd,
                    nr,
                    repeated,
                )
                refresh()
                # the picks may have changed: count this link against the new ones
                row = shared[-1][:]
                for j, mask in enumerate(masks):
                    if mask[lid]:
                        row[j] += ln
            used[lid] = 1
            hops.append((lid, fwd))
            nodes.append(v)
            dists.append(nd)
            roads.append(nr)
            shared.append(row)
            if fresh is not None or (mark < len(marks) and nd >= marks[mark]):
                # Past a mark the walk itself blocks ways home that the bounds
                # still count on: bound its whole subtree again, without them.
                checkpoints.append((len(hops), h, prev, mark))
                while mark < len(marks) and nd >= marks[mark]:
                    mark += 1
                h, prev = fresh or rebound(-1, cap_len - nd)
            frames.append(children(v, nd))
            at.append(0)
            pushes += 1
            work += 1
            if work >= SLICE_PUSHES:
                task.pushes += pushes - counted
                counted = pushes
                work = 0
                yield
                refresh()
            if pushes >= cap:
                task.pushes += pushes - counted
                return False
        task.pushes += pushes - counted
        return True


class Home:
    """Shortest ways back to a loop's root, as lower bounds for the search.

    A loop leaves the root by its lowest link and so returns by a higher one; the
    bounds for each first link are computed (once, on demand) without the root's
    links up to it, which also makes a first link with no higher one a dead end.
    """

    def __init__(
        self,
        paths: Paths,
        adj: list[list[Arc]],
        root: int,
        max_length: float,
        closed: frozenset,
    ):
        self.paths = paths
        self.adj = adj
        self.root = root
        self.max_length = max_length
        self.closed = closed
        self._after: dict[int, Bounds] = {}

    def after(self, first: int) -> Bounds:
        """(way home, previous hop) per node, once `first` is walked."""
        if first not in self._after:
            blocked = set(self.closed)
            blocked.update(arc[0] for arc in self.adj[self.root] if arc[0] <= first)
            h, prev, _ = self.paths.run(self.root, self.max_length, blocked)
            self._after[first] = (h, prev)
        return self._after[first]
