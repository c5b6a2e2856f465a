"""A chain of beds walked day by day: steps 3 to 5 of `nights.py`.

Each day is a walk between its two beds that keeps the trip's running total
within 1% of its even share of the length (the last day: the trip within 1%),
the cheapest of those, else the nearest: out along the cheapest way to a
junction and back by the cheapest way from it (`trees.py`'s shortest-path
trees), ground an earlier day walked costing as ground walked twice. A stretch
of two days (a night at a junction) is cut at the junction nearest its middle. A
chain whose days all fit becomes a `Trip`, ranked by the hiker's cost plus
`UNEVEN` per metre a day strays from the mean.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from planner.solver import costs
from planner.solver.bed_chains import Bed
from planner.solver.cheapest import (
    LinkArrays,
    backwards,
    nodes_along,
    path,
    tree,
)
from planner.solver.linkgraph import Prepared
from planner.solver.ranking import rank_key
from planner.solver.search import Cand, Hop, Search, Task

DAY_SPREAD = 0.25  # every day within this share of the trip's mean day
# A day whose running total (the trip so far, this day included) is within 1% of
# its even share of the length is as good as exact, and comes before any other
# walk that day: then the last day puts the whole trip within 1%. (Before: a
# day within 4% of its own aim was as good as exact and the cheaper way won, so
# every day of a 60-mile, 4-day trip ran 2-4% long and the last could not make
# up for it.) Outside that, per share of the aim missed, against cost per metre:
AIM_WEIGHT = 3.5
MAX_REPEATED = 0.15  # share of a trip it may walk twice (spurs to beds, a valley)
WAYS_TRIED = 6  # walks offered per day, best first
# turning junctions looked at per day for them: in a valley the cheapest ways out
# to a junction and back often share the valley floor, and are not a walk
TURNS_LOOKED = 60
# A day further than `EVEN_FREE` of the mean from it costs `UNEVEN` per metre more:
# a hiker plans the hardest day, so 2 km over on one day weighs like 2 km of road.
EVEN_FREE = 0.1
UNEVEN = 2.0


@dataclass
class Trip:
    """A multi-day loop: the walk, and after which of its steps each night falls."""

    cand: Cand
    nights: list[int]  # per night: steps of the walk (stem first) before it
    beds: list[Hashable]  # per night: the junction slept at (graph node), a bed's
    # where there is one
    days_m: list[float]
    # per hop of the circuit: walked twice (a spur to a bed, ground two days share)
    spur_hops: list[bool]


def _on(arrays: LinkArrays, hops: Sequence[Hop]) -> np.ndarray:
    """A mask of the loop-bearing links `hops` walk (spurs and approaches are
    not among them)."""
    mask = np.zeros(len(arrays.ids), dtype=bool)
    pos = arrays.pos[[lid for lid, _ in hops]] if hops else np.array([], dtype=int)
    mask[pos[pos >= 0]] = True
    return mask


@dataclass
class _Sofar:
    """A trip walked up to a night: what the next day starts from."""

    walked_links: np.ndarray  # ground walked already: dearer, not closed
    hops: list[Hop]
    spur_hops: list[bool]
    nights: list[int]  # per night: steps walked before it
    days_m: list[float]
    night_at: list[Hashable]  # per night: the junction slept at (graph node)
    here: int  # where the next day's walk on the loop-bearing network starts
    spur_back: list[Hop]
    spur_back_m: float
    twice_m: float = 0.0  # ground walked a second time so far, spurs included

    @property
    def walked(self) -> float:
        return sum(self.days_m)


def walk_chain(
    search: Search,
    arrays: LinkArrays,
    task: Task,
    seq: tuple[Bed, ...],
    spans: tuple[int, ...],
    mean: float,
    day_hi: float,
    memo: dict | None = None,
    twice: bool = True,
) -> Trip | None:
    """The chain `seq` walked stretch by stretch (`nights.py`'s docstring, step 3), a
    stretch of two days cut at the junction nearest its middle; None when a
    stretch cannot be made within its band. `memo` keeps the days walked for
    each chain's first beds: chains tried one after another share them."""
    memo = {} if memo is None else memo
    stem, approach_m, _ = task.approach
    usable = arrays.a != arrays.b
    day_lo = (1 - DAY_SPREAD) * mean
    days, legs = sum(spans), len(spans)
    start = 0
    sofar = _Sofar(
        _on(arrays, stem), [], [], [], [], [], task.node, [], 0.0, approach_m
    )

    def key(leg: int) -> tuple:
        return (task.start, spans[:leg], tuple(b.node for b in seq[:leg]))

    for k in range(legs - 1, 0, -1):
        if key(k) in memo:
            if memo[key(k)] is None:
                return None  # these first nights cannot be walked
            start, sofar = k, memo[key(k)]
            break
    for leg in range(start, legs):
        last = leg == legs - 1
        span = spans[leg]
        bed = None if last else seq[leg]
        there = task.node if bed is None else bed.anchor
        morning = sofar.spur_back_m + (approach_m if leg == 0 else 0.0)
        fixed = morning + (bed.spur_m if bed else approach_m)
        walked = sofar.walked
        # where the trip's running total should be after this stretch: its even
        # share of the length; within `search.near` of it, as good as exact
        share = search.target * (len(sofar.days_m) + span) / days
        lo, hi = span * day_lo, span * day_hi
        if last:
            lo, hi = max(lo, search.lo - walked), min(hi, search.hi - walked)
        aim = min(max(share - walked, lo), hi)
        free = (
            share - search.near - walked - fixed,
            share + search.near - walked - fixed,
        )
        # A day may walk ground an earlier day walked (out of a valley the way
        # it came in) at the cost of ground walked twice.
        dear = replace(
            arrays,
            cost=arrays.cost + costs.REPEATED * arrays.length * sofar.walked_links,
        )
        open_ = usable if twice else usable & ~sofar.walked_links
        ways = _ways(
            dear,
            open_,
            sofar.here,
            there,
            aim - fixed,
            lo - fixed,
            hi - fixed,
            free,
        )
        if last:
            fits = partial(_ends_well, search, arrays, sofar, morning, fixed, span)
            way = _first(ways, arrays, free, fits)
        else:
            way = next(ways, None)
        on_way = _on(arrays, way or [])
        twice_m = sofar.twice_m + sofar.spur_back_m  # the spur walked out again
        twice_m += float(arrays.length[on_way & sofar.walked_links].sum())
        split = _split(search.prep, way, morning, fixed, span) if way else None
        if not way or split is None or twice_m > MAX_REPEATED * search.hi:
            if not last:  # too long, or walks too much twice, whatever comes next
                memo[key(leg + 1)] = None
            return None
        days_here, cuts = split
        prep = search.prep
        offset = _count(prep, [*stem, *sofar.hops, *sofar.spur_back])
        hops = sofar.hops + sofar.spur_back + way
        spur_hops = sofar.spur_hops + [True] * len(sofar.spur_back)
        spur_hops += [False] * len(way)
        nights = sofar.nights + [offset + j for j, _ in cuts]
        night_at = sofar.night_at + [node for _, node in cuts]
        if bed is None:  # the last day, home
            sofar = replace(sofar, hops=hops, spur_hops=spur_hops, nights=nights)
            sofar.days_m = sofar.days_m + days_here
            sofar.night_at = night_at
            break
        hops += list(bed.spur)
        spur_hops += [True] * len(bed.spur)
        sofar = _Sofar(
            sofar.walked_links | on_way,
            hops,
            spur_hops,
            nights + [_count(prep, [*stem, *hops])],
            sofar.days_m + days_here,
            night_at + [prep.nodes[bed.node]],
            bed.anchor,
            backwards(list(bed.spur)),
            bed.spur_m,
            twice_m,
        )
        memo[key(leg + 1)] = sofar
    walked = sofar.walked
    trip_mean = walked / days
    if any(abs(d - trip_mean) > DAY_SPREAD * trip_mean for d in sofar.days_m):
        return None
    if not search.lo <= walked <= search.hi:
        return None
    if search.must_walk and not search.walks_some(stem, sofar.hops):
        return None
    return _trip_of(search, task, sofar, walked)


def _ends_well(
    search: Search,
    arrays: LinkArrays,
    sofar: _Sofar,
    morning: float,
    fixed: float,
    span: int,
    way: list[Hop],
) -> bool:
    """Whether a trip walked up to `sofar` can end with `way`: every day within
    `DAY_SPREAD` of the trip's mean, and not too much of it walked twice."""
    again = sofar.twice_m + sofar.spur_back_m
    again += float(arrays.length[_on(arrays, way) & sofar.walked_links].sum())
    split = _split(search.prep, way, morning, fixed, span)
    if split is None or again > MAX_REPEATED * search.hi:
        return False
    every = sofar.days_m + split[0]
    mean = sum(every) / len(every)
    return all(abs(d - mean) <= DAY_SPREAD * mean for d in every)


def _first(
    ways: Iterator[list[Hop]],
    arrays: LinkArrays,
    free: tuple[float, float],
    fits: Callable[[list[Hop]], bool],
) -> list[Hop] | None:
    """The first of `ways` that `fits` whose length is in `free`, else the
    first that fits: the last day, which puts the trip within 1% or not."""
    first = None
    for way in ways:
        if not fits(way):
            continue
        metres = float(arrays.length[arrays.pos[[lid for lid, _ in way]]].sum())
        if free[0] <= metres <= free[1]:
            return way
        first = way if first is None else first
    return first


def _split(
    prep: Prepared,
    way: list[Hop],
    morning: float,
    fixed: float,
    span: int,
) -> tuple[list[float], list[tuple[int, Hashable]]] | None:
    """A stretch of `span` days cut into days at the junctions nearest even
    shares (any junction of the network, inside a link too): the days' metres
    and, per night inside it, (steps of `way` before it, the junction); None
    when there are too few junctions. `morning` is walked before `way`,
    `fixed - morning` after it."""
    metres, ends = _steps(prep, way)
    total = float(sum(metres)) + fixed
    if span == 1:
        return [total], []
    along = morning + np.cumsum(metres)[:-1]  # at the junction after each step
    if len(along) < span - 1:
        return None
    cuts: list[tuple[int, Hashable]] = []
    for k in range(1, span):
        j = int(np.argmin(np.abs(along - k * total / span)))
        if cuts and j + 1 <= cuts[-1][0]:
            return None
        cuts.append((j + 1, ends[j]))
    at = [float(along[j - 1]) for j, _ in cuts]
    return [b - a for a, b in zip([0.0, *at], [*at, total])], cuts


def _steps(prep: Prepared, hops: Sequence[Hop]) -> tuple[list[float], list[Hashable]]:
    """The graph edges `hops` walk: each one's metres and the node it ends at."""
    metres: list[float] = []
    ends: list[Hashable] = []
    for lid, fwd in hops:
        edges = prep.links[lid].edges
        for u, v, k in edges if fwd else reversed(edges):
            metres.append(prep.graph.edges[u, v, k]["length"])
            ends.append(v if fwd else u)
    return metres, ends


def _count(prep: Prepared, hops: Sequence[Hop]) -> int:
    """How many steps (graph edges) `hops` are."""
    return sum(len(prep.links[lid].edges) for lid, _ in hops)


def _ways(
    arrays: LinkArrays,
    usable: np.ndarray,
    u: int,
    v: int,
    aim: float,
    lo: float,
    hi: float,
    free: tuple[float, float],
) -> Iterator[list[Hop]]:
    """Walks from `u` to `v` over `usable` links of length in [lo, hi]: those
    with a length in `free` (as good as exact) first, the cheapest per metre
    first, then the others, nearest `free` and cheapest first (`AIM_WEIGHT`):
    made of the cheapest ways by the hiker's cost, then (when those are all too
    long: they go round ground walked before) of the shortest."""
    if hi <= 0 or hi < lo:
        return
    lo = max(lo, 0.0)
    seen: set[tuple[Hop, ...]] = set()
    for weight in (arrays.cost, arrays.length):
        yield from _ways_by(arrays, weight, usable, u, v, aim, lo, hi, free, seen)


def _ways_by(
    arrays: LinkArrays,
    weight: np.ndarray,
    usable: np.ndarray,
    u: int,
    v: int,
    aim: float,
    lo: float,
    hi: float,
    free: tuple[float, float],
    seen: set[tuple[Hop, ...]],
) -> Iterator[list[Hop]]:
    # a metre costs at most a road's, walked a second time, plus turns
    limit = (costs.ROAD + costs.REPEATED + 1.0) * hi + 1.0
    from_u = tree(arrays, weight, usable, u, limit)
    from_v = tree(arrays, weight, usable, v, limit)
    total = from_u.metres + from_v.metres
    cost = from_u.cost + from_v.cost
    apart = from_u.into != from_v.into
    ok = np.flatnonzero(apart & np.isfinite(total) & (total >= lo) & (total <= hi))
    # in `free` first; outside it, nearer, then cheaper per metre: 10% off the
    # aim weighs like a path unnamed rather than waymarked
    miss = np.maximum(np.maximum(free[0] - total[ok], total[ok] - free[1]), 0.0)
    miss /= max(aim, 1.0)
    score = AIM_WEIGHT * miss + cost[ok] / np.maximum(total[ok], 1.0)
    order = ok[np.lexsort((score, miss > 0))]
    overlap: list[list[Hop]] = []
    offered = 0
    for w in order[:TURNS_LOOKED].tolist():
        out = path(arrays, from_u, u, w)
        way = out + backwards(path(arrays, from_v, v, w))
        if tuple(way) in seen:
            continue  # w on the cheapest way from u to v: that way again
        seen.add(tuple(way))
        if len({lid for lid, _ in way}) == len(way):
            yield way
            offered += 1
            if offered == WAYS_TRIED:
                break
        elif out and len(overlap) < 2:
            overlap.append(out)
    # the two ways overlap: out along the first, across by a way that avoids it
    for out in overlap[:2]:
        across = tree(arrays, weight, usable & ~_on(arrays, out), v, limit)
        nodes = nodes_along(arrays, out, u)
        along = np.cumsum([arrays.length[arrays.pos[lid]] for lid, _ in out])
        sums = along + across.metres[nodes]
        fits = np.flatnonzero(np.isfinite(sums) & (sums >= lo) & (sums <= hi))
        if len(fits):
            off = np.maximum(free[0] - sums[fits], sums[fits] - free[1])
            k = int(
                fits[np.argmin(np.maximum(off, 0.0) + 1e-3 * np.abs(sums[fits] - aim))]
            )
            way = out[: k + 1] + backwards(path(arrays, across, v, nodes[k]))
            if tuple(way) not in seen:
                seen.add(tuple(way))
                yield way


def _trip_of(search: Search, task: Task, sofar: _Sofar, length: float) -> Trip | None:
    """The trip as a ranked candidate; None when it walks too much twice."""
    stem, approach_m, approach_road = task.approach
    circuit = sofar.hops
    days_m = sofar.days_m
    links = search.prep.links
    road = 2 * approach_road + sum(links[lid].road for lid, _ in circuit)
    # spurs to beds are walked both ways; so is ground two days share
    counts = Counter(lid for lid, _ in circuit)
    again = [counts[lid] > 1 for lid, _ in circuit]
    repeated = approach_m + sum(
        links[lid].length * (n - 1) for lid, n in counts.items()
    )
    if repeated > MAX_REPEATED * length:
        return None
    cost = search.walk_cost(task.start, stem, circuit, length, repeated)
    mean = length / len(days_m)
    cost += UNEVEN * sum(max(0.0, abs(d - mean) - EVEN_FREE * mean) for d in days_m)
    sig = (tuple(sorted(lid for lid, _ in circuit)), tuple(lid for lid, _ in stem))
    link_ids = frozenset(sig[0]) | frozenset(sig[1])
    key = rank_key(
        cost=cost,
        out_and_back=False,
        drive_m=search.starts[task.start].drive_m,
        tie=(task.start, sig),
    )
    cand = Cand(
        key,
        task.start,
        task.node,
        tuple(stem),
        tuple(circuit),
        length,
        road,
        repeated,
        link_ids,
        sum(search.link_m[i] for i in link_ids),
        sig,
        cost,
    )
    return Trip(
        cand,
        sofar.nights,
        sofar.night_at,
        days_m,
        [a or b for a, b in zip(sofar.spur_hops, again)],
    )
