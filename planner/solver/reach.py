"""How much loop-bearing trail a trailhead reaches, and what it is worth.

A loop of length L stays within L/2 of its trailhead on trail that lies on
cycles, so the trail within that walk measures the loops a trailhead can offer:
the solver ranks trailheads by it rather than by how near they are.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from planner.solver.paths import INF, ROWS

if TYPE_CHECKING:
    from collections.abc import Hashable

    from planner.solver.linkgraph import Layer, Prepared

REACH_STEP = 1.2


def reach_worth(
    prep: Prepared, layer: Layer, pivots: list[int], radius: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per pivot: metres of loop-bearing trail within `radius` of it (walking),
    and their worth to a hiker (metres x costs.goodness), all at once.

    Kept per layer (a network's data version): the radius is rounded up to a
    step of 20%, so plans of similar lengths ask the same question again."""
    radius = REACH_STEP ** math.ceil(math.log(max(radius, 1.0), REACH_STEP))
    cache = layer.reach
    todo = [p for p in dict.fromkeys(pivots) if (p, radius) not in cache]
    if todo:
        reach, worth = _reach_worth(prep, layer, todo, radius)
        for p, r, w in zip(todo, reach.tolist(), worth.tolist()):
            cache[p, radius] = (r, w)
    got = [cache[p, radius] for p in pivots]
    return np.array([r for r, _ in got]), np.array([w for _, w in got])


def _reach_worth(
    prep: Prepared, layer: Layer, pivots: list[int], radius: float
) -> tuple[np.ndarray, np.ndarray]:
    ids = sorted({arc[0] for arcs in layer.loop_adj for arc in arcs})
    if not pivots or not ids:
        return np.zeros(len(pivots)), np.zeros(len(pivots))
    links = [prep.links[i] for i in ids]
    a = np.array([x.a for x in links], dtype=np.int64)
    b = np.array([x.b for x in links], dtype=np.int64)
    length = np.array([x.length for x in links])
    good = np.array([x.good for x in links])
    reach, worth = [], []
    # a few dozen rows at a time: a row is a whole network's distances
    for i in range(0, len(pivots), ROWS):
        dist, _ = prep.loop_paths(layer).many(pivots[i : i + ROWS], radius)
        within = np.isfinite(dist)
        both = within[:, a] & within[:, b]
        reach.append(both @ length)
        worth.append(both @ good)
    return np.concatenate(reach), np.concatenate(worth)


def loop_reach_m(
    prep: Prepared, node: Hashable, radius_m: float, max_difficulty: int | None = None
) -> float:
    """Metres of trail lying on cycles within `radius_m` (walking) of `node`.

    A loop of length L from `node` stays within L/2 of it and walks only such
    trail, so this bounds the longest loop there: use it to choose trailheads by
    the network they reach rather than by how near they are.
    """
    layer = prep.layer(max_difficulty)
    i = prep.index.get(node)
    if i is None or layer.cycle_part[i] == -1:
        return 0.0
    dist, _, order = prep.loop_paths(layer).run(i, radius_m)
    total = 0.0
    for u in order:
        for _, v, length, _, fwd in layer.loop_adj[u]:
            if fwd and dist[v] < INF:  # each link once, both ends in reach
                total += length
    return total
