"""Cheapest-way trees over a layer's loop-bearing links, as numpy arrays.

What `trees.py`'s loops and `day_walks.py`'s days are built from: the links as
arrays (`link_arrays`, once per layer), a tree of cheapest ways from one junction
over a mask of links with given weights (`tree`, compiled: scipy's csgraph on a
sparse structure built once per layer), and the ways read off a tree. No Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import dijkstra

from planner.solver import costs
from planner.solver.linkgraph import Layer, Prepared
from planner.solver.paths import PairGraph, links_into


@dataclass
class LinkArrays:
    """The loop-bearing links of a layer as arrays, built once per layer."""

    ids: np.ndarray  # link ids
    a: np.ndarray
    b: np.ndarray
    length: np.ndarray
    cost: np.ndarray  # hiker cost: weighted metres plus changes of trail inside
    n: int
    lon: np.ndarray  # per junction, NaN when unknown
    lat: np.ndarray
    pos: np.ndarray  # per link id: its index in these arrays, -1 if not here


def link_arrays(prep: Prepared, layer: Layer) -> LinkArrays:
    cached = getattr(layer, "_arrays", None)
    if cached is not None:
        return cached
    ids = sorted({arc[0] for arcs in layer.loop_adj for arc in arcs})
    links = [prep.links[i] for i in ids]
    arrays = LinkArrays(
        ids=np.array(ids, dtype=np.int64),
        a=np.array([x.a for x in links], dtype=np.int64),
        b=np.array([x.b for x in links], dtype=np.int64),
        length=np.array([x.length for x in links], dtype=float),
        cost=np.array([x.weighted + costs.TURN * x.turns for x in links], dtype=float),
        n=len(prep.nodes),
        lon=np.array(
            [_float(prep.graph.nodes[x].get("lon")) for x in prep.nodes], dtype=float
        ),
        lat=np.array(
            [_float(prep.graph.nodes[x].get("lat")) for x in prep.nodes], dtype=float
        ),
        pos=np.full(len(prep.links), -1, dtype=np.int64),
    )
    arrays.pos[arrays.ids] = np.arange(len(ids))
    layer._arrays = arrays  # type: ignore[attr-defined]
    return arrays


@dataclass
class Tree:
    into: np.ndarray  # per junction: index (into the arrays) of its tree link
    pred: np.ndarray
    metres: np.ndarray  # along the tree from the root; inf where not reached
    cost: np.ndarray  # unshaken cost along the tree


def on(arrays: LinkArrays, hops: list[tuple[int, bool]]) -> np.ndarray:
    """A mask of the links `hops` walk."""
    mask = np.zeros(len(arrays.ids), dtype=bool)
    mask[arrays.pos[[lid for lid, _ in hops]]] = True
    return mask


def backwards(hops: list[tuple[int, bool]]) -> list[tuple[int, bool]]:
    """The same way walked the other way round."""
    return [(lid, not fwd) for lid, fwd in reversed(hops)]


def _float(value) -> float:
    return float("nan") if value is None else float(value)


def nodes_along(
    arrays: LinkArrays, hops: list[tuple[int, bool]], root: int
) -> list[int]:
    """The junction each hop of a way from the root arrives at."""
    k = arrays.pos[[lid for lid, _ in hops]]
    fwd = np.array([f for _, f in hops], dtype=bool)
    return np.where(fwd, arrays.b[k], arrays.a[k]).tolist()


@dataclass
class Pairs:
    """The junction pairs the loop-bearing links join (`PairGraph`), built once
    per layer: a tree's graph is then only its weights."""

    graph: PairGraph
    of: np.ndarray  # per link (index into the arrays): its pair, -1 for a self-loop
    single: np.ndarray  # per link: the only link of its pair


def pairs_of(arrays: LinkArrays) -> Pairs:
    cached = getattr(arrays, "_pairs", None)
    if cached is not None:
        return cached
    n = arrays.n
    lo = np.minimum(arrays.a, arrays.b)
    hi = np.maximum(arrays.a, arrays.b)
    real = lo != hi  # a self-loop is never on a cheapest way
    keys, inverse, counts = np.unique(
        lo[real] * n + hi[real], return_inverse=True, return_counts=True
    )
    of = np.full(len(lo), -1, dtype=np.int64)
    of[real] = inverse
    single = real.copy()
    single[real] = counts[inverse] == 1
    pairs = Pairs(PairGraph.of(keys, n), of, single)
    arrays._pairs = pairs  # type: ignore[attr-defined]
    return pairs


def tree(
    arrays: LinkArrays,
    weight: np.ndarray,
    use: np.ndarray,
    root: int,
    limit: float,
) -> Tree:
    """The cheapest ways from `root` over the links in `use` (a mask); of links
    joining the same two junctions, the cheapest (then the first) is taken."""
    pairs = pairs_of(arrays)
    best = np.full(len(pairs.graph.keys), np.inf)
    link = np.full(len(pairs.graph.keys), -1, dtype=np.int64)
    one = np.flatnonzero(use & pairs.single)
    best[pairs.of[one]] = weight[one]
    link[pairs.of[one]] = one
    more = np.flatnonzero(use & ~pairs.single & (pairs.of >= 0))
    if len(more):
        more = more[np.lexsort((more, weight[more], pairs.of[more]))]
        first = np.ones(len(more), dtype=bool)
        first[1:] = pairs.of[more[1:]] != pairs.of[more[:-1]]
        more = more[first]
        best[pairs.of[more]] = weight[more]
        link[pairs.of[more]] = more
    # a pair with no usable link weighs infinity, which no way takes
    dist, pred = dijkstra(
        pairs.graph.matrix(best),
        directed=True,
        indices=root,
        return_predecessors=True,
        limit=limit,
    )
    into = links_into(pred, pairs.graph.keys, link, arrays.n)
    ends = np.flatnonzero(pred >= 0)
    # metres and cost along the tree, by pointer jumping over the junctions
    # reached (numbered 0..k-1, the root k): each pass doubles the stretch of
    # the way home that a junction has summed
    k = len(ends)
    local = np.full(arrays.n, k, dtype=np.int64)
    local[ends] = np.arange(k)
    step_m = np.zeros(k + 1)
    step_c = np.zeros(k + 1)
    step_m[:k] = arrays.length[into[ends]]
    step_c[:k] = arrays.cost[into[ends]]
    up = np.append(local[pred[ends]], k)
    while True:
        step_m += step_m[up]
        step_c += step_c[up]
        nxt = up[up]
        if np.array_equal(nxt, up):
            break
        up = nxt
    metres = np.full(arrays.n, np.inf)
    cost = np.full(arrays.n, np.inf)
    metres[ends] = step_m[:k]
    cost[ends] = step_c[:k]
    metres[root] = cost[root] = 0.0
    return Tree(into, pred, metres, cost)


def path(arrays: LinkArrays, tree: Tree, root: int, v: int) -> list[tuple[int, bool]]:
    """The tree's hops from the root to `v`, as (link id, walked forward)."""
    hops = []
    while v != root:
        i = int(tree.into[v])
        u = int(tree.pred[v])
        hops.append((int(arrays.ids[i]), int(arrays.a[i]) == u))
        v = u
    hops.reverse()
    return hops
