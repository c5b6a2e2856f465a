"""The beds a multi-day trip can sleep at, and chains of them night by night.

Steps 1 and 2 of `nights.py`: each bed is reached from the loop-bearing network
at its anchor (itself on a cycle, else the nearest junction on one within
`MAX_SPUR_M`, up a spur walked in and out again), and from each trailhead a beam
search grows chains of distinct beds whose every day's shortest walk fits the
day's band, best first by how far those shortest days are from `ROOMY` of the
mean day (a little under it: each day walks its cheapest way, not the shortest).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.solver.paths import ROWS
from planner.solver.search import Hop, Search, Task

MAX_SPUR_M = 1500.0  # a bed this far off the loop-bearing network is still in reach
BEAM = 300  # partial chains kept per night and trailhead
CHAINS_PER_START = 40  # complete chains tried per trailhead, best first
# The shortest way of a chain's day, as a share of the mean day, that ranks
# first: a day walks the cheapest way, not the shortest, and the last day must
# land the trip within 1% of its length, so beds a whole day apart by the
# shortest way leave no room (1.0 before: in 5 x 5 copies of the demo region,
# 60 miles over 4 days, the best chains walked 2.9-4.1% long; with 0.9 within
# 1%, docs/benchmarks.md).
ROOMY = 0.9


@dataclass(frozen=True)
class Bed:
    node: int  # the junction the bed is attached to (prep index)
    anchor: int  # where its spur leaves the loop-bearing network (== node if none)
    spur: tuple[Hop, ...]  # from the anchor to the bed
    spur_m: float


def beds_in_reach(search: Search, nodes: list[int]) -> list[Bed]:
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


def walking_distances(search: Search, sources: list[int], radius: float) -> np.ndarray:
    """Shortest walking metres over the loop-bearing network between the
    sources: row and column k are `sources[k]`. (Kept to the sources: rows over
    the whole network of a country's plan took longer to stack than to find.)"""
    paths = search.prep.loop_paths(search.layer)
    rows = []
    for at in range(0, len(sources), ROWS):
        dist, _ = paths.many(sources[at : at + ROWS], radius)
        rows.append(np.atleast_2d(dist)[:, sources])
    return np.vstack(rows)


def chains(
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
    `CHAINS_PER_START` (`nights.py`'s docstring). A beam search, each night's
    extensions measured at once."""
    usable = [b for b in beds if b.anchor != pivot and b.node != pivot]
    if not usable:
        return []
    approach = task.approach[1]
    anchor = np.array([b.anchor for b in usable])
    spur = np.array([b.spur_m for b in usable])
    rows = np.array([row[a] for a in anchor])
    # shortest walk from bed i to bed j, spurs in and out included
    between = dist[np.ix_(rows, rows)] + spur[:, None] + spur[None, :]
    between[anchor[:, None] == anchor[None, :]] = np.inf  # no day to the same place
    first = dist[row[pivot], rows] + spur + approach
    home = dist[rows, row[pivot]] + spur + approach

    def miss(shortest: np.ndarray, span: int) -> np.ndarray:
        # a day shorter than the mean takes a detour; one longer cannot shrink
        return np.abs(ROOMY * span * mean - shortest) / (span * mean)

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
        scores = grown[chain, bed]
        if len(scores) > BEAM:
            # only those that can make the beam (ties at its edge included) are
            # sorted: the same beam as sorting them all, in linear time
            cut = np.partition(scores, BEAM - 1)[BEAM - 1]
            keep = np.flatnonzero(scores <= cut)
            chain, bed, scores = chain[keep], bed[keep], scores[keep]
        order = np.lexsort((bed, chain, scores))[:BEAM]
        seqs = np.column_stack([seqs[chain[order]], bed[order]])
        score = scores[order]
    if not len(seqs):
        return []
    back = home[seqs[:, -1]]
    total = score + miss(back, spans[-1])
    done = np.flatnonzero(back <= spans[-1] * day_hi)
    order = done[np.argsort(total[done], kind="stable")][:CHAINS_PER_START]
    return [(float(total[i]), tuple(usable[j] for j in seqs[i])) for i in order]
