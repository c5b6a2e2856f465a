"""Multi-day loops planned around where the hiker sleeps.

A backpacker's loop is a chain of days from bed to bed: trailhead -> hut ->
campsite -> ... -> trailhead. For `days > 1` with places to sleep in reach, the
solver asks this module before anything else:

1. Beds. Each bed (a junction a hut, campsite or shelter is attached to) is
   reached from the loop-bearing network at its *anchor*: itself when it lies on
   a cycle, else the nearest junction on one within `MAX_SPUR_M` (a hut at the
   end of a spur path). The spur is walked in at the end of a day and out the
   next morning: ground walked twice, counted as such.
2. Chains. From each searched trailhead (the same ones the loop search uses,
   with their approach), the shortest walking distances between the trailhead
   and every anchor are measured at once (compiled Dijkstra). A beam search
   grows chains of distinct beds night by night, keeping only those whose every
   day can be walked within the day's band (its shortest way, spurs and approach
   included, is no longer than the longest day allowed). Chains are ranked by
   how far their shortest days are from the mean day: a chain whose beds lie a
   day apart needs no detours.
3. Days. For the best chains, best first across trailheads, each day is built
   as a walk of about the mean day's length between its two beds: the cheapest
   way out from the first bed to a junction w and the cheapest way from w to
   the second (`trees.py`'s shortest-path trees, by the hiker's cost, all w
   measured at once), or, when those two ways overlap, out along the first and
   across by the cheapest way that avoids it; when every such walk is too long,
   the same with the shortest ways. Ground an earlier day walked costs as
   ground walked twice, so it is walked again only where it must be (out of a
   valley the way the first day came in), and a trip walks at most
   `MAX_REPEATED` of itself twice. Each day aims at what is left of the length
   over the days left, so the last day closes the total within the tolerance.
   Chains that share their first beds share those days (`_Sofar`, memoised).
4. A chain that closes, with every day within `DAY_SPREAD` of the trip's own
   mean day and under the hiker's longest day, is a trip; trips are ranked by
   the hiker's cost (`costs.py`) plus `UNEVEN` per metre a day strays more than
   `EVEN_FREE` from the mean, and alternatives picked as for loops.

5. When no chain with a bed every night closes (too few beds in reach), for
   three days or more the same is tried with one night at a junction: one
   stretch between beds is two days long, cut at the junction nearest its
   middle (`_split`).

When nothing closes, the caller falls back to the plain loop search and cuts
its loop into days (`cut`: days even first, then beds), saying that some nights
are not at a bed. No Django.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Collection, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from planner.solver import costs
from planner.solver.network import ROWS, Prepared
from planner.solver.ranking import pick_different, rank_key
from planner.solver.result import Loop, Stage, Step
from planner.solver.search import Cand, Hop, Search, Task
from planner.solver.trees import (
    LinkArrays,
    _backwards,
    _nodes,
    _path,
    _tree,
    link_arrays,
)

DAY_SPREAD = 0.25  # every day within this share of the trip's mean day
AIM_NEAR = 0.04  # a day within this share of its aim is as good as exact
AIM_WEIGHT = 3.5  # per share of the aim missed beyond that, against cost per metre
MAX_REPEATED = 0.15  # share of a trip it may walk twice (spurs to beds, a valley)
MAX_SPUR_M = 1500.0  # a bed this far off the loop-bearing network is still in reach
BEAM = 300  # partial chains kept per night and trailhead
CHAINS_PER_START = 40  # complete chains tried per trailhead, best first
ENOUGH = 4  # trips found per alternative asked for before the best are picked
WAYS_TRIED = 6  # turning junctions tried per day, cheapest per metre first
# A day further than `EVEN_FREE` of the mean from it costs `UNEVEN` per metre more:
# a hiker plans the hardest day, so 2 km over on one day weighs like 2 km of road.
EVEN_FREE = 0.1
UNEVEN = 2.0


@dataclass(frozen=True)
class Bed:
    node: int  # the junction the bed is attached to (prep index)
    anchor: int  # where its spur leaves the loop-bearing network (== node if none)
    spur: tuple[Hop, ...]  # from the anchor to the bed
    spur_m: float


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


def plan(
    search: Search,
    tasks: Sequence[Task],
    days: int,
    beds: Collection[Hashable],
    until: float,
    max_day_m: float | None = None,
    twice: bool = True,
) -> list[Trip]:
    """Up to `search.alternatives` materially different trips of `days` days from
    the trailheads of `tasks`, every night at one of `beds` (graph node ids);
    none when no chain of beds closes by `until`. Without `twice` (the hiker
    wants loops only) no ground is walked twice: no bed up a spur, no day on
    an earlier day's ground."""
    prep, layer = search.prep, search.layer
    mean = search.target / days
    day_hi = (1 + DAY_SPREAD) * mean
    if max_day_m is not None:
        day_hi = min(day_hi, max_day_m)
    day_lo = (1 - DAY_SPREAD) * mean
    if days < 2 or day_hi < day_lo or not tasks:
        return []
    found = _beds(search, [prep.index[b] for b in beds if b in prep.index])
    if not twice:
        found = [b for b in found if not b.spur]
    if not found:
        return []
    arrays = link_arrays(prep, layer)
    pivots = sorted({t.node for t in tasks})
    anchors = sorted({b.anchor for b in found})
    sources = pivots + [a for a in anchors if a not in pivots]
    row = {node: k for k, node in enumerate(sources)}
    # a day never reaches further than the longest day from where it starts,
    # a stretch of two days (a night at a junction) twice that
    dist = _distances(search, sources, (2 if days > 2 else 1) * day_hi)
    trips: list[Trip] = []
    memo: dict = {}
    # Every night at a bed; else (three days or more) all nights but one, that
    # one at a junction half way along a two-day stretch between beds.
    patterns = [[(1,) * days]]
    if days > 2:
        patterns.append(
            [(1,) * k + (2,) + (1,) * (days - 2 - k) for k in range(days - 1)]
        )
    for spans_tried in patterns:
        order = []
        for task in tasks:
            for spans in spans_tried:
                got = _chains(dist, row, task.node, found, spans, mean, day_hi, task)
                order += [(score, task, spans, seq) for score, seq in got]
        # best chains first, from whichever trailhead
        order.sort(key=lambda c: (c[0], c[1].start, c[2]))
        for _, task, spans, seq in order:
            if time.perf_counter() >= until:
                break
            trip = _trip(search, arrays, task, seq, spans, mean, day_hi, memo, twice)
            if trip is None:
                continue
            trips.append(trip)
            if len(trips) >= ENOUGH * search.alternatives:
                # enough to rank, once as many as asked are materially different
                if len(_picked(search, trips)) >= search.alternatives:
                    break
        if trips:
            break
    picked = _picked(search, trips)
    by_cand = {id(t.cand): t for t in trips}
    return [by_cand[id(c)] for c in picked]


def _picked(search: Search, trips: list[Trip]) -> list[Cand]:
    cands = sorted((t.cand for t in trips), key=lambda c: c.key)
    return pick_different(cands, search.alternatives, search.link_m)


def finish(loop: Loop, trip: Trip, prep: Prepared, names: Mapping) -> Loop:
    """`loop` (the trip's walk as `build.build_loop` made it) with its days, and
    the spurs to beds marked as walked twice."""
    cand = trip.cand
    hops = [*cand.stem, *cand.circuit, *reversed(cand.stem)]
    twice = [True] * len(cand.stem) + trip.spur_hops + [True] * len(cand.stem)
    per_hop = [len(prep.links[lid].edges) for lid, _ in hops]
    steps = list(loop.steps)
    at = 0
    for n, again in zip(per_hop, twice):
        for i in range(at, at + n):
            steps[i] = replace(steps[i], repeated=again)
        at += n
    ends = [n - 1 for n in trip.nights] + [len(steps) - 1]
    nodes = [*trip.beds, loop.start.node]
    days = [
        Stage(day, metres, node, names.get(node), last)
        for day, (metres, node, last) in enumerate(
            zip(trip.days_m, nodes, ends), start=1
        )
    ]
    return replace(loop, steps=steps, stages=days)


def cut(
    steps: Sequence[Step],
    days: int,
    beds: Mapping[Hashable, str],
    max_day_m: float | None = None,
) -> list[Stage]:
    """A loop found without beds (no chain closed) split into `days` days at
    junctions: every day within `DAY_SPREAD` of the mean and under `max_day_m`
    where the junctions allow, then as many nights at a bed as can be, then
    the most even days. Each night is chosen among the junctions within half
    a day of its even share (a dynamic programme over nights)."""
    if days <= 1 or not steps:
        return []
    total = sum(s.length_m for s in steps)
    ideal = total / days
    at = np.cumsum([s.length_m for s in steps])[:-1]  # metres after each step
    longest = np.inf if max_day_m is None else max_day_m

    def day(metres: float) -> tuple:
        miss = abs(metres - ideal) / ideal
        return (metres > longest + 1e-6, max(miss - DAY_SPREAD, 0.0), miss)

    def add(score: tuple, metres: float, bed: bool) -> tuple:
        over, beyond, miss = day(metres)
        return (
            score[0] + over,
            max(score[1], beyond),
            score[2] - bed,
            max(score[3], miss),
            score[4] + miss,
        )

    # best[i]: (score, previous cut) of the days so far ending after step i
    best: dict[int, tuple[tuple, int | None]] = {-1: ((0, 0.0, 0, 0.0, 0.0), None)}
    chosen: list[dict[int, tuple[tuple, int | None]]] = []
    for night in range(1, days):
        near = np.flatnonzero(np.abs(at - night * ideal) <= ideal / 2).tolist()
        options = near or list(range(len(at)))
        here: dict[int, tuple[tuple, int | None]] = {}
        for i in options:
            bed = steps[i].to_node in beds
            for j, (score, _) in best.items():
                if j >= i:
                    continue
                metres = float(at[i] - (at[j] if j >= 0 else 0.0))
                cand = add(score, metres, bed)
                if i not in here or cand < here[i][0]:
                    here[i] = (cand, j)
        if not here:
            break
        chosen.append(here)
        best = {i: (score, None) for i, (score, _) in here.items()}
    if len(chosen) < days - 1:
        return []
    last = min(
        chosen[-1],
        key=lambda i: (add(chosen[-1][i][0], float(total - at[i]), False), i),
    )
    cuts = [last]
    for here in reversed(chosen[1:]):
        cuts.append(here[cuts[-1]][1])
    cuts.reverse()
    stages = []
    prev = 0.0
    for n, i in enumerate(cuts, start=1):
        node = steps[i].to_node
        stages.append(Stage(n, float(at[i]) - prev, node, beds.get(node), i))
        prev = float(at[i])
    home = steps[-1].to_node
    stages.append(Stage(days, total - prev, home, beds.get(home), len(steps) - 1))
    return stages


def _on(arrays: LinkArrays, hops: Sequence[Hop]) -> np.ndarray:
    """A mask of the loop-bearing links `hops` walk (spurs and approaches are
    not among them)."""
    mask = np.zeros(len(arrays.ids), dtype=bool)
    pos = arrays.pos[[lid for lid, _ in hops]] if hops else np.array([], dtype=int)
    mask[pos[pos >= 0]] = True
    return mask


def _beds(search: Search, nodes: list[int]) -> list[Bed]:
    """The beds in reach of the loop-bearing network, each with its spur."""
    layer, prep = search.layer, search.prep
    part = np.array(layer.cycle_part)
    on_cycle = part >= 0
    out: list[Bed] = []
    off: list[int] = []
    for node in dict.fromkeys(nodes):
        if on_cycle[node]:
            out.append(Bed(node, node, (), 0.0))
        else:
            off.append(node)
    paths = prep.all_paths(layer)
    for at in range(0, len(off), ROWS):
        chunk = off[at : at + ROWS]
        dist, pred = paths.many(chunk, MAX_SPUR_M)
        for k, node in enumerate(chunk):
            found = np.flatnonzero(np.isfinite(dist[k]) & on_cycle)
            if not len(found):
                continue
            anchor = int(found[np.argmin(dist[k][found])])
            hops = []  # walked from the anchor to the bed
            u = anchor
            while u != node:
                w = int(pred[k][u])
                lid = paths.link(w, u)
                hops.append((lid, paths.start[lid] == u))
                u = w
            out.append(Bed(node, anchor, tuple(hops), float(dist[k][anchor])))
    return out


def _distances(search: Search, sources: list[int], radius: float) -> np.ndarray:
    """Shortest walking metres over the loop-bearing network from each source."""
    paths = search.prep.loop_paths(search.layer)
    rows = []
    for at in range(0, len(sources), ROWS):
        dist, _ = paths.many(sources[at : at + ROWS], radius)
        rows.append(np.atleast_2d(dist))
    return np.vstack(rows)


def _chains(
    dist: np.ndarray,
    row: dict[int, int],
    pivot: int,
    beds: list[Bed],
    spans: tuple[int, ...],
    mean: float,
    day_hi: float,
    task: Task,
) -> list[tuple[float, tuple[Bed, ...]]]:
    """Chains of `len(spans) - 1` distinct beds from `pivot` and back, the
    stretch to each bed (and home) `spans` days long, whose every stretch's
    shortest walk fits in that many longest days; best first, at most
    `CHAINS_PER_START` (module docstring). A beam search, each night's
    extensions measured at once."""
    usable = [b for b in beds if b.anchor != pivot and b.node != pivot]
    if not usable:
        return []
    approach = task.approach[1]
    anchor = np.array([b.anchor for b in usable])
    spur = np.array([b.spur_m for b in usable])
    rows = np.array([row[a] for a in anchor])
    # shortest walk from bed i to bed j, spurs in and out included
    between = dist[rows][:, anchor] + spur[:, None] + spur[None, :]
    between[anchor[:, None] == anchor[None, :]] = np.inf  # no day to the same place
    first = dist[row[pivot], anchor] + spur + approach
    home = dist[rows, pivot] + spur + approach

    def miss(shortest: np.ndarray, span: int) -> np.ndarray:
        # a day shorter than the mean takes a detour; one longer cannot shrink
        return np.abs(span * mean - shortest) / (span * mean)

    fits = np.flatnonzero(first <= spans[0] * day_hi)
    seqs = fits[:, None]  # beam: one row of bed indexes per chain
    score = miss(first[fits], spans[0])
    for span in spans[1:-1]:
        if not len(seqs):
            return []
        legs = between[seqs[:, -1]]  # per chain, the stretch to each bed
        grown = score[:, None] + miss(legs, span)
        ok = legs <= span * day_hi
        for k in range(seqs.shape[1]):
            ok[np.arange(len(seqs)), seqs[:, k]] = False  # each bed once
        chain, bed = np.nonzero(ok)
        order = np.lexsort((bed, chain, grown[chain, bed]))[:BEAM]
        seqs = np.column_stack([seqs[chain[order]], bed[order]])
        score = grown[chain[order], bed[order]]
    if not len(seqs):
        return []
    back = home[seqs[:, -1]]
    total = score + miss(back, spans[-1])
    done = np.flatnonzero(back <= spans[-1] * day_hi)
    order = done[np.argsort(total[done], kind="stable")][:CHAINS_PER_START]
    return [(float(total[i]), tuple(usable[j] for j in seqs[i])) for i in order]


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


def _trip(
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
    """The chain `seq` walked stretch by stretch (module docstring, step 3), a
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
        there = task.node if last else bed.anchor
        morning = sofar.spur_back_m + (approach_m if leg == 0 else 0.0)
        fixed = morning + (bed.spur_m if bed else approach_m)
        walked = sofar.walked
        aim = (search.target - walked) / (days - len(sofar.days_m)) * span
        lo, hi = span * day_lo, span * day_hi
        if last:
            lo, hi = max(lo, search.lo - walked), min(hi, search.hi - walked)
        aim = min(max(aim, lo), hi)
        # A day may walk ground an earlier day walked (out of a valley the way
        # it came in) at the cost of ground walked twice.
        dear = replace(
            arrays,
            cost=arrays.cost + costs.REPEATED * arrays.length * sofar.walked_links,
        )
        open_ = usable if twice else usable & ~sofar.walked_links
        way = next(
            _ways(dear, open_, sofar.here, there, aim - fixed, lo - fixed, hi - fixed),
            None,
        )
        on_way = _on(arrays, way or [])
        twice_m = sofar.twice_m + sofar.spur_back_m  # the spur walked out again
        twice_m += float(arrays.length[on_way & sofar.walked_links].sum())
        split = _split(search.prep, way, morning, fixed, span) if way else None
        if split is None or twice_m > MAX_REPEATED * search.hi:
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
        if last:
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
            _backwards(list(bed.spur)),
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
) -> Iterator[list[Hop]]:
    """Walks from `u` to `v` over `usable` links of length in [lo, hi], those
    nearest `aim` first and of those the cheapest per metre: made of the
    cheapest ways by the hiker's cost, then (when those are all too long: they
    go round ground walked before) of the shortest."""
    if hi <= 0 or hi < lo:
        return
    lo = max(lo, 0.0)
    seen: set[tuple[Hop, ...]] = set()
    for weight in (arrays.cost, arrays.length):
        yield from _ways_by(arrays, weight, usable, u, v, aim, lo, hi, seen)


def _ways_by(
    arrays: LinkArrays,
    weight: np.ndarray,
    usable: np.ndarray,
    u: int,
    v: int,
    aim: float,
    lo: float,
    hi: float,
    seen: set[tuple[Hop, ...]],
) -> Iterator[list[Hop]]:
    # a metre costs at most a road's, walked a second time, plus turns
    limit = (costs.ROAD + costs.REPEATED + 1.0) * hi + 1.0
    from_u = _tree(arrays, weight, usable, u, limit)
    from_v = _tree(arrays, weight, usable, v, limit)
    total = from_u.metres + from_v.metres
    cost = from_u.cost + from_v.cost
    apart = from_u.into != from_v.into
    ok = np.flatnonzero(apart & np.isfinite(total) & (total >= lo) & (total <= hi))
    # nearer the aim, then cheaper per metre: 10% off the aim weighs like a
    # path unnamed rather than waymarked
    miss = np.maximum(np.abs(total[ok] - aim) / max(aim, 1.0) - AIM_NEAR, 0.0)
    score = AIM_WEIGHT * miss + cost[ok] / np.maximum(total[ok], 1.0)
    order = ok[np.argsort(score, kind="stable")]
    overlap = []
    for w in order[:WAYS_TRIED].tolist():
        out = _path(arrays, from_u, u, w)
        way = out + _backwards(_path(arrays, from_v, v, w))
        if tuple(way) in seen:
            continue  # w on the cheapest way from u to v: that way again
        seen.add(tuple(way))
        if len({lid for lid, _ in way}) == len(way):
            yield way
        elif out:
            overlap.append(out)
    # the two ways overlap: out along the first, across by a way that avoids it
    for out in overlap[:2]:
        across = _tree(arrays, weight, usable & ~_on(arrays, out), v, limit)
        nodes = _nodes(arrays, out, u)
        along = np.cumsum([arrays.length[arrays.pos[lid]] for lid, _ in out])
        sums = along + across.metres[nodes]
        fits = np.flatnonzero(np.isfinite(sums) & (sums >= lo) & (sums <= hi))
        if len(fits):
            k = int(fits[np.argmin(np.abs(sums[fits] - aim))])
            way = out[: k + 1] + _backwards(_path(arrays, across, v, nodes[k]))
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
