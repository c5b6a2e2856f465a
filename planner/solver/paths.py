"""Shortest ways over the contracted network's links (`linkgraph.py`).

`Paths` runs them in compiled code (scipy's csgraph) for the big searches, many
sources at once; `dijkstra` is the plain-Python one over a node's arcs, for
short searches that stop early or skip a few links.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra as csgraph_dijkstra

if TYPE_CHECKING:
    from collections.abc import Iterable

    from planner.solver.linkgraph import Arc, Prepared

INF = math.inf
ROWS = 32  # sources per compiled many-source search, to bound its memory


@dataclass(frozen=True)
class PairGraph:
    """Pairs of junctions (`keys`: lo * n + hi, lo < hi, ascending) as one
    symmetric sparse structure, built once: a graph over them is then only a
    weight per pair (`matrix`), where building a new sparse matrix for every
    search was most of its time."""

    n: int
    keys: np.ndarray
    slot: np.ndarray  # per stored entry: its pair
    indices: np.ndarray
    indptr: np.ndarray

    @classmethod
    def of(cls, keys: np.ndarray, n: int) -> PairGraph:
        lo, hi = keys // n, keys % n
        numbered = np.arange(1, len(keys) + 1, dtype=float)  # csgraph drops zeros
        shape = csr_matrix(
            (
                np.concatenate([numbered, numbered]),
                (np.concatenate([lo, hi]), np.concatenate([hi, lo])),
            ),
            shape=(n, n),
        )
        return cls(
            n, keys, shape.data.astype(np.int64) - 1, shape.indices, shape.indptr
        )

    def matrix(self, weight: np.ndarray) -> csr_matrix:
        """The graph with `weight` per pair (infinity: no way between them),
        both ways, for csgraph's directed searches. csgraph ignores weights of
        zero: a link of no length weighs a micrometre."""
        return csr_matrix(
            (np.maximum(weight, 1e-6)[self.slot], self.indices, self.indptr),
            shape=(self.n, self.n),
        )


class Prev:
    """(previous node, link id, walked forward) per node on shortest ways from
    a source, or None. `up` and `via` are the plain lists behind it (previous
    node, or -1; link id into the node, or -1), for loops that walk them."""

    def __init__(self, paths: Paths, pred: np.ndarray, links: np.ndarray):
        self.paths = paths
        self.up: list[int] = pred.tolist()
        self.via: list[int] = links.tolist()

    def __getitem__(self, v: int) -> tuple[int, int, bool] | None:
        u = self.up[v]
        if u < 0:
            return None
        lid = self.via[v]
        return u, lid, self.paths.start[lid] == u


class Paths:
    """Shortest ways over a set of links, in compiled code (scipy's csgraph).

    The same answers as `dijkstra` (lengths; ties may settle otherwise), for the
    big searches: a city's network has tens of thousands of links, and a plan
    asks for dozens of these.
    """

    def __init__(self, prep: Prepared, link_ids: Iterable[int], road_tiebreak=0.0):
        ids = np.array(sorted(link_ids), dtype=np.int64)
        links = prep.links
        self.n = len(prep.nodes)
        self.start = {x.id: x.a for x in links}
        a = np.array([links[i].a for i in ids], dtype=np.int64)
        b = np.array([links[i].b for i in ids], dtype=np.int64)
        weight = np.array([links[i].length for i in ids], dtype=float)
        weight += road_tiebreak * np.array([links[i].road for i in ids], dtype=float)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        keep = lo != hi  # a self-loop is never on a shortest way
        # by pair, shortest first: the first link of each pair is the one to use
        order = np.lexsort((ids[keep], weight[keep], hi[keep], lo[keep]))
        self.ids = ids[keep][order]
        self.lo = lo[keep][order]
        self.hi = hi[keep][order]
        self.weight = weight[keep][order]
        self._plain: tuple | None = None

    def _structure(self) -> None:
        """The links' pairs of junctions (`PairGraph`), built at the first
        search, in its budget as the matrix it replaces was: a search with links
        blocked then only changes the weights of their pairs."""
        if hasattr(self, "pairs"):
            return
        first = np.ones(len(self.ids), dtype=bool)
        first[1:] = (self.lo[1:] != self.lo[:-1]) | (self.hi[1:] != self.hi[:-1])
        self.pair_start = np.flatnonzero(first)  # each pair's first (cheapest) link
        self.pair_of = np.cumsum(first) - 1
        self.pairs = PairGraph.of(self.lo[first] * self.n + self.hi[first], self.n)
        self.where = np.full(len(self.start), -1, dtype=np.int64)  # link id -> position
        self.where[self.ids] = np.arange(len(self.ids))
        self.plain_weight = self.weight[first]
        self.plain_ids = self.ids[first]

    def _matrix(self, blocked) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
        """The symmetric graph with `blocked` links left out (of two links
        joining the same junctions, the shorter that is not blocked): the
        matrix, each pair's key (lo * n + hi, ascending) and its link id."""
        if not blocked and self._plain is not None:
            return self._plain
        self._structure()
        weight, chosen = self.plain_weight, self.plain_ids
        if blocked:
            at = self.where[np.fromiter(blocked, dtype=np.int64)]
            at = at[at >= 0]
            if len(at):
                weight, chosen = weight.copy(), chosen.copy()
                gone = np.zeros(len(self.ids), dtype=bool)
                gone[at] = True
                for p in np.unique(self.pair_of[at]).tolist():
                    k = int(self.pair_start[p])
                    while k < len(self.ids) and self.pair_of[k] == p and gone[k]:
                        k += 1
                    if k < len(self.ids) and self.pair_of[k] == p:
                        weight[p] = self.weight[k]
                        chosen[p] = self.ids[k]
                    else:
                        weight[p] = INF  # no way between them: never relaxed
        out = (self.pairs.matrix(weight), self.pairs.keys, chosen)
        if not blocked:
            self._plain = out
        return out

    def run(
        self, source: int, radius: float = INF, blocked=None
    ) -> tuple[list[float], Prev, list[int]]:
        """(distance per node, Prev, nodes in order of distance) from `source`."""
        matrix, pairs, ids = self._matrix(blocked)
        dist, pred = csgraph_dijkstra(
            matrix,
            directed=True,  # the matrix holds both directions
            indices=source,
            return_predecessors=True,
            limit=radius,
        )
        reached = np.flatnonzero(np.isfinite(dist))
        order = reached[np.argsort(dist[reached], kind="stable")]
        into = links_into(pred, pairs, ids, self.n)
        return dist.tolist(), Prev(self, pred, into), order.tolist()

    def many(self, sources: list[int], radius: float) -> tuple[np.ndarray, np.ndarray]:
        """Distances and predecessors from each of `sources` (a row each)."""
        matrix, _, _ = self._matrix(None)
        return csgraph_dijkstra(
            matrix,
            directed=True,
            indices=sources,
            limit=radius,
            return_predecessors=True,
        )

    def nearest(self, sources: list[int], radius: float) -> np.ndarray:
        """Per node: the distance to the nearest of `sources` (inf beyond `radius`)."""
        matrix, _, _ = self._matrix(None)
        return csgraph_dijkstra(
            matrix, directed=True, indices=sources, limit=radius, min_only=True
        )

    def link(self, u: int, v: int) -> int:
        """The link a shortest way takes between neighbours `u` and `v`."""
        _, pairs, ids = self._matrix(None)
        key = min(u, v) * self.n + max(u, v)
        return int(ids[np.searchsorted(pairs, key)])


def links_into(
    pred: np.ndarray, pairs: np.ndarray, links: np.ndarray, n: int
) -> np.ndarray:
    """Per node, the link (from `links`, aligned with `pairs`) its shortest way
    arrives by, from csgraph's predecessors; -1 where there is none."""
    into = np.full(n, -1, dtype=np.int64)
    ends = np.flatnonzero(pred >= 0)
    if len(ends):
        u = pred[ends]
        key = np.minimum(u, ends) * n + np.maximum(u, ends)
        into[ends] = links[np.searchsorted(pairs, key)]
    return into


def dijkstra(
    adj: list[list[Arc]],
    source: int,
    *,
    weight: int = 2,
    radius: float = INF,
    within: list[float] | None = None,
    blocked: set[int] | None = None,
    road_tiebreak: float = 0.0,
) -> tuple[list[float], list[tuple[int, int, bool] | None], list[int]]:
    """Shortest distances from `source` by arc field `weight` (2 length, 3 road).

    Stops at `radius`; with `within`, only visits nodes where within[node] is finite;
    never uses the links whose ids are in `blocked`; `road_tiebreak` adds that much
    per road metre, so of two equally short ways the one with less road wins.
    Returns (distance per node, (previous node, link, forward) per node, nodes in
    the order they were settled). Ties settle by node index, so results are stable.
    """
    dist = [INF] * len(adj)
    prev: list[tuple[int, int, bool] | None] = [None] * len(adj)
    order: list[int] = []
    dist[source] = 0.0
    heap = [(0.0, source)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        order.append(u)
        for arc in adj[u]:
            if blocked is not None and arc[0] in blocked:
                continue
            v = arc[1]
            nd = d + arc[weight] + road_tiebreak * arc[3]
            if nd < dist[v] and nd <= radius and (within is None or within[v] < INF):
                dist[v] = nd
                prev[v] = (u, arc[0], arc[4])
                heapq.heappush(heap, (nd, v))
    return dist, prev, order
