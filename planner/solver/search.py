"""The shared state of one solve: the candidate pool and the picks.

See the package docstring for the method. `Search` holds what every task of a
solve shares (`tasks.py`, `walk.py`, `tree_phase.py`, `nights.py`): the walks
found so far (`offer`: the pool of candidates, a few per wanted alternative,
none making another redundant), the alternatives picked from them, what a walk
costs a hiker, the caps that prune the search, and the clock. `Cand` is a walk
in the pool, `Task` one trailhead's share of the search.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field

from planner.solver import costs
from planner.solver.linkgraph import Layer, Prepared
from planner.solver.paths import Prev
from planner.solver.ranking import (
    NEAR_FRACTION,
    Key,
    is_different,
    pick_different,
    rank_key,
)
from planner.solver.records import Start

POOL_PER_PICK = 8  # candidates kept per wanted alternative
# ordering: how much a link's hiker cost beyond its length (and a change of trail)
# weighs against metres of length error
COST_WEIGHT = 1.0
# A walk this close to the ideal (all waymarked, few turns, exact) cannot be
# told apart from a better one: the search may stop when every pick is this good.
IDEAL_COST = 1.03
LONGER_FACTOR = 2.0  # look this far beyond the target for "closest longer" hints

Hop = tuple[int, bool]  # (link id, walked forward)


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
    near_circuit: bool = False  # a loop or lollipop within 1% was offered
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
    # No trailhead reaches trail enough for a loop of the length (`trailheads.choose`).
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
        # near the end of a walk, links are ordered by length alone (walk.py's
        # CLOSE_SHARE), save for what the hiker asked to walk
        self.close_extra = [0.0] * len(links)
        for lid, saving in self.must_saving.items():
            self.link_extra[lid] -= weight * saving
            self.close_extra[lid] -= weight * saving
        # per link: its weighted metres less what walking it saves (walk_cost)
        self.link_w = [x.weighted - self.must_saving.get(x.id, 0.0) for x in links]
        self.link_turns = [x.turns for x in links]
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
        parts: tuple[float, int] | None = None,
    ) -> None:
        """Consider a closed walk found by a task; keep it if it can still matter.
        `turn`: an out-and-back that turns back inside a link (see `Cand.turn`).
        `parts`: a stemless circuit's weighted metres and changes of trail, when
        the caller summed them as it walked (`walk_cost` otherwise does)."""
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
        if abs(length - self.target) <= self.near:
            if self.first_near_s is None:
                self.first_near_s = time.perf_counter() - self.t0
            self.near_circuit = self.near_circuit or bool(circuit)
        if not stem and nodes is not None:
            start, at = self._reroot(start, nodes)
            if at:
                if parts is not None:
                    # its changes of trail are counted from elsewhere: the
                    # change where it was closed is walked, the new one is not
                    parts = (
                        parts[0],
                        parts[1]
                        + self.change_between(circuit[-1], circuit[0])
                        - self.change_between(circuit[at - 1], circuit[at]),
                    )
                circuit = list(circuit[at:]) + list(circuit[:at])
            pivot = self.prep.index[self.starts[start].node]
        cost = self.walk_cost(start, stem, circuit, length, repeated, turn, parts)
        head = rank_key(
            cost=cost, out_and_back=not circuit, drive_m=self.starts[start].drive_m
        )
        limit = self.alternatives * POOL_PER_PICK
        if len(self.pool) >= limit and head > self.pool[-1].key[: len(head)]:
            return  # worse than the whole pool, ties aside: no need to name it
        sig: tuple = (
            tuple(sorted(lid for lid, _ in circuit)),
            tuple(lid for lid, _ in stem),
        )
        if turn is not None:
            sig = (sig[0], (*sig[1], turn[0]), round(turn[2]))
        key = (*head, start, sig)
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
        parts: tuple[float, int] | None = None,
    ) -> float:
        """What the walk costs a hiker (planner/solver/costs.py); with
        minimise_road off, only what it misses of the length and repeats.
        `parts`: see `offer`."""
        if not self.minimise_road:
            error = abs(length - self.target)
            return self.target + error + costs.REPEATED * repeated
        if parts is not None:
            return costs.walk_cost(
                weighted_m=parts[0],
                length_m=length,
                turns=parts[1],
                repeated_m=repeated,
                target_m=self.target,
                drive_m=self.starts[start].drive_m,
            )
        links = self.prep.links
        link_w = self.link_w
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
                turns += 2 * costs.changes(leave, enter)  # onto it, and back off it
        for lid, fwd in [*stem, *circuit, *back]:
            link = links[lid]
            weighted += link_w[lid]
            turns += link.turns
            enter, leave = (link.head, link.tail) if fwd else (link.tail, link.head)
            if last is not None and costs.changes(last, enter):
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
    ) -> tuple[float, float, int, frozenset[str]]:
        """The first `metres` of a link walked forward (or backward): their
        weighted metres, road metres, changes of trail inside, and the trail
        followed entering it."""
        graph = self.prep.graph
        weighted = road = 0.0
        keys: list[frozenset[str]] = []
        left = metres
        for u, v, k in self.prep.links[lid].walked(fwd):
            data = graph.edges[u, v, k]
            walked = min(left, data["length"])
            weighted += walked * costs.metre_cost(data)
            if data.get("connector"):
                road += walked
            key = costs.follow_key(data)
            if not keys or costs.changes(keys[-1], key):
                keys.append(key)
            left -= walked
            if left <= 0:
                break
        return weighted, road, len(keys) - 1, keys[0]

    def change_between(self, before: Hop, after: Hop) -> int:
        """1 if walking on from hop `before` onto hop `after` changes trail."""
        lid, fwd = before
        leave = self.link_tail[lid] if fwd else self.link_head[lid]
        lid, fwd = after
        enter = self.link_head[lid] if fwd else self.link_tail[lid]
        return int(costs.changes(leave, enter))

    def _reroot(self, start: int, nodes: Sequence[int]) -> tuple[int, int]:
        """The nearest-drive trailhead a loop through `nodes` passes, if any, and
        the position it passes it at (0: where the loop starts)."""
        best, at = start, 0
        for pos, n in enumerate(nodes[:-1]):
            j = self.best_start_at.get(n)
            if j is not None and (self.starts[j].drive_m, j) < (
                self.starts[best].drive_m,
                best,
            ):
                best, at = j, pos
        return best, at

    def demote(self, cand: Cand, twice_m: float) -> None:
        """`cand`, a loop, passes `twice_m` metres over ground it walked
        before on other segments (its line says so, `answer._walked_once`):
        count them as repeated, and as a length missed (`costs.TWICE_ON_LINE`)."""
        self.pool.remove(cand)
        cand.repeated += twice_m
        cand.cost = (
            self.walk_cost(
                cand.start, cand.stem, cand.circuit, cand.length, cand.repeated
            )
            + costs.TWICE_ON_LINE * self.target
        )
        head = rank_key(
            cost=cand.cost, out_and_back=False, drive_m=self.starts[cand.start].drive_m
        )
        cand.key = (*head, cand.start, cand.sig)
        bisect.insort(self.pool, cand, key=lambda c: c.key)
        self._repick()

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

    def came_near(self) -> bool:
        """Whether a walk that settles the length has come within 1%: for a
        day's walk a loop or lollipop (an out-and-back ranks after every loop);
        for a trip of several days any walk, as its ranking weighs nights at a
        bed next (measured on single days only: `bench/variants.py`)."""
        if self.turns_partway:
            return self.near_circuit
        return self.first_near_s is not None

    def out_of_time(self) -> bool:
        return time.perf_counter() >= self.deadline
