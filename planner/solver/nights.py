"""Multi-day loops planned around where the hiker sleeps.

A backpacker's loop is a chain of days from bed to bed: trailhead -> hut ->
campsite -> ... -> trailhead. For `days > 1` with places to sleep in reach, the
solver asks this module before anything else (steps 1 and 2 are
`bed_chains.py`, steps 3 to 5 `day_walks.py`):

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
   how far their shortest days are from `bed_chains.ROOMY` (0.9) of the mean
   day: a day walks its cheapest way, which is longer than the shortest, and
   needs room to land the trip on its length.
3. Days. For the best chains, best first across trailheads, each day is built
   as a walk between its two beds: the cheapest way out from the first bed to
   a junction w and the cheapest way from w to the second (`trees.py`'s
   shortest-path trees, by the hiker's cost, all w measured at once), or, when
   those two ways overlap, out along the first and across by the cheapest way
   that avoids it; when every such walk is too long, the same with the
   shortest ways. Ground an earlier day walked costs as ground walked twice, so
   it is walked again only where it must be (out of a valley the way the first
   day came in), and a trip walks at most `MAX_REPEATED` of itself twice. Each
   day aims at its even share of the length: a walk that keeps the trip's
   running total within 1% of its share is as good as exact and comes before
   any other that day, so the last day puts the trip within 1% of the length
   wherever its ways allow.
   Chains that share their first beds share those days (`day_walks._Sofar`,
   memoised).
4. A chain that closes, with every day within `DAY_SPREAD` of the trip's own
   mean day and under the hiker's longest day, is a trip; trips are ranked as
   below, by the hiker's cost (`costs.py`) plus `UNEVEN` per metre a day strays
   more than `EVEN_FREE` from the mean, and alternatives picked as for loops.
5. When no chain with a bed every night closes within 1% of the length (too
   few beds in reach), for three days or more the same is tried with one night
   at a junction: one stretch between beds is two days long, cut at the
   junction nearest its middle (`day_walks._split`).

When no trip closes within 1% of the length, the caller runs the plain loop
search too (with the time the chains took given back), and when fewer trips
close within 1% than the alternatives asked for, in what is left of the
budget; it cuts those loops into days (`cut`: days even first, then beds).

What the hiker gets first (`ranked`, `ranking.before_key`): a walk within 1%
of the length asked for, then the fewest nights away from a hut, campsite or
shelter, then the hiker's cost. So a trip with every night at a bed and the
right length comes first, and a plain loop within 1% cut into days comes before
a trip with every night at a bed that misses the length (60 miles asked, 62.5
walked); among walks that all miss it, nights at beds come first. The length
first, because it is the question the hiker asked, and the one `costs.py`
already treats as the entry ticket (a walk that misses 1% pays half the target
length), while a night at a junction is one the hiker can still plan for (a
tent, a bed off the trail): the page names the nights at no bed, and when no
walk offered puts every night at a bed, the best trip that does takes the last
place among the alternatives. The beds before the hiker's cost, because a
night's shelter is not a matter of taste: a trip with every night at a hut on
roads beats one on trails with nights at junctions. No Django.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import replace

import numpy as np

from planner.solver.bed_chains import (
    Bed,
    beds_in_reach,
    chains,
    walking_distances,
)
from planner.solver.day_walks import DAY_SPREAD, Trip, walk_chain
from planner.solver.linkgraph import Prepared
from planner.solver.ranking import before_key, is_different, pick_different
from planner.solver.records import Loop, Stage, Step
from planner.solver.search import Cand, Search, Task
from planner.solver.trees import link_arrays

ENOUGH = 4  # trips found per alternative asked for before the best are picked


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
    the trailheads of `tasks`, every night at one of `beds` (graph node ids)
    where a chain of them closes, else one night at a junction; none when no
    chain closes by `until`. Without `twice` (the hiker wants loops only) no
    ground is walked twice: no bed up a spur, no day on an earlier day's ground."""
    prep, layer = search.prep, search.layer
    mean = search.target / days
    day_hi = (1 + DAY_SPREAD) * mean
    if max_day_m is not None:
        day_hi = min(day_hi, max_day_m)
    day_lo = (1 - DAY_SPREAD) * mean
    if days < 2 or day_hi < day_lo or not tasks:
        return []
    found = beds_in_reach(search, [prep.index[b] for b in beds if b in prep.index])
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
    dist = walking_distances(search, sources, (2 if days > 2 else 1) * day_hi)
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
        if trips and time.perf_counter() >= until:
            break
        order: list[tuple[float, Task, tuple[int, ...], tuple[Bed, ...]]] = []
        for task in tasks:
            if order and time.perf_counter() >= until:
                break  # the budget is spent: walk the chains found so far
            for spans in spans_tried:
                got = chains(dist, row, task.node, found, spans, mean, day_hi, task)
                order += [(score, task, spans, seq) for score, seq in got]
        # best chains first, from whichever trailhead
        order.sort(key=lambda c: (c[0], c[1].start, c[2]))
        for _, task, spans, seq in order:
            if time.perf_counter() >= until:
                break
            trip = walk_chain(
                search, arrays, task, seq, spans, mean, day_hi, memo, twice
            )
            if trip is None:
                continue
            trips.append(trip)
            if len(trips) >= ENOUGH * search.alternatives:
                # enough to rank, once as many as asked are materially different
                if len(_picked(search, trips, beds)) >= search.alternatives:
                    break
        if any(exact(search, t.cand) for t in trips):
            break  # a night at a junction would only rank after these
    picked = _picked(search, trips, beds)
    by_cand = {id(t.cand): t for t in trips}
    return [by_cand[id(c)] for c in picked]


def exact(search: Search, cand: Cand) -> bool:
    """Whether the walk is within `search.near` (1%) of the length asked for."""
    return abs(cand.length - search.target) <= search.near


def _picked(search: Search, trips: list[Trip], beds: Collection) -> list[Cand]:
    """The trips to offer (`ranking.before_key`): within 1% of the length first,
    then with the fewest nights at a junction."""
    bare = {id(t.cand): sum(node not in beds for node in t.beds) for t in trips}
    cands = sorted((t.cand for t in trips), key=lambda c: c.key)
    return pick_different(
        cands,
        search.alternatives,
        search.link_m,
        lambda c: before_key(missed=not exact(search, c), bare_nights=bare[id(c)]),
    )


def ranked(search: Search, walks: Sequence[tuple[Cand, Loop]]) -> list[Loop]:
    """The walks of several days to offer, best first, numbered: trips from bed
    to bed and loops cut into days (`cut`) together, within 1% of the length
    first, then with the fewest nights at no bed, then by their keys
    (`ranking.before_key`), each materially different from those before it."""
    loops = {id(cand): loop for cand, loop in walks}
    before = {
        id(cand): before_key(
            missed=abs(loop.length_m - search.target) > search.near,
            bare_nights=sum(s.campsite is None for s in loop.stages[:-1]),
        )
        for cand, loop in walks
    }
    cands = sorted((cand for cand, _ in walks), key=lambda c: c.key)
    picked = pick_different(
        cands, search.alternatives, search.link_m, lambda c: before[id(c)]
    )
    if len(picked) > 1 and all(before[id(c)][1] for c in picked):
        # every night at a bed is what a backpacker came for: when nothing
        # offered has it, the best trip that has takes the last place
        with_beds = [
            c
            for c in cands
            if not before[id(c)][1]
            and all(is_different(c, p, search.link_m) for p in picked[:-1])
        ]
        if with_beds:
            picked[-1] = min(with_beds, key=lambda c: (before[id(c)], c.key))
    return [replace(loops[id(c)], rank=k) for k, c in enumerate(picked, start=1)]


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
    chosen: list[dict[int, tuple[tuple, int]]] = []
    for night in range(1, days):
        near = np.flatnonzero(np.abs(at - night * ideal) <= ideal / 2).tolist()
        options = near or list(range(len(at)))
        here: dict[int, tuple[tuple, int]] = {}
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
