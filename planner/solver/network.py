"""The graph the search runs on: degree-2 chains contracted into links.

A trail network has many junctions of degree 2 (a trail split where a campsite or a
trailhead attaches, where a name or surface changes). A loop that enters such a
chain must walk all of it, so each chain becomes one *link* between two *kept*
nodes, carrying its length, its road length, its hardest difficulty and the
original segments it stands for. Kept nodes are junctions of degree other than 2
and any node the caller asks to keep (trailheads).

Per difficulty limit, the links that lie on no cycle (bridges) are found once and
cached: a loop can never use them, only a stem can. Everything is indexed by small
integers so the search runs on plain lists.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra as csgraph_dijkstra

from planner.solver.costs import follow_key, goodness, metre_cost

INF = math.inf
REACH_STEP = 1.2
ROWS = 32  # sources per compiled many-source search, to bound its memory

# (link id, other end, length m, road m, walked forward) as seen from one node.
Arc = tuple[int, int, float, float, bool]
OrigEdge = tuple[Hashable, Hashable, Hashable]  # (from node, to node, key) as walked


@dataclass
class Link:
    id: int
    a: int
    b: int
    length: float
    road: float
    difficulty: int | None  # the hardest segment's, None when none is rated
    edges: tuple[OrigEdge, ...]  # original segments in order from a to b
    # What a hiker makes of it (planner/solver/costs.py): metres x metre cost,
    # the trail followed at each end, changes of trail inside it.
    weighted: float = 0.0
    head: str = ""
    tail: str = ""
    turns: int = 0
    good: float = 0.0  # metres x costs.goodness: what it adds to a start's worth

    def walked(self, forward: bool) -> list[OrigEdge]:
        """Its segments in walking order, each as walked: from b to a backward."""
        if forward:
            return list(self.edges)
        return [(v, u, k) for u, v, k in reversed(self.edges)]


@dataclass
class Layer:
    """The links usable under one difficulty limit, and which lie on cycles."""

    all_adj: list[list[Arc]]  # every usable link (stems may cross bridges)
    loop_adj: list[list[Arc]]  # usable links that lie on some cycle
    cycle_part: list[int]  # per node: id of its 2-edge-connected part, -1 if none
    cycle_part_m: list[float]  # per part: total length of its links
    # compiled shortest paths over loop_adj (bounds) and all_adj (stems), built
    # on first use
    loop_paths: Paths | None = None
    all_paths: Paths | None = None
    reach: dict[tuple[int, float], tuple[float, float]] = field(default_factory=dict)


@dataclass
class Prepared:
    """A contracted network, reusable across queries (cache it per region)."""

    graph: nx.MultiGraph
    nodes: list[Hashable]
    index: dict[Hashable, int]
    links: list[Link]
    adj: list[list[Arc]]
    layers: dict[int | None, Layer] = field(default_factory=dict)
    # segment id -> (link id, edge): built on first use, only "walk this" needs it
    by_segment: dict[Hashable, tuple[int, OrigEdge]] | None = None

    def segment_edges(self, segments: Iterable[Hashable]) -> list[tuple[int, OrigEdge]]:
        """The links holding these segments (a graph edge's `segment_id`, else
        its key), each with the edge; segments not in the network are left out."""
        segments = list(segments)
        if not segments:
            return []  # a plain plan never pays for the index
        if self.by_segment is None:
            found: dict[Hashable, tuple[int, OrigEdge]] = {}
            for link in self.links:
                for u, v, k in link.edges:
                    seg = self.graph.edges[u, v, k].get("segment_id", k)
                    found[seg] = (link.id, (u, v, k))
            self.by_segment = found
        return [self.by_segment[s] for s in segments if s in self.by_segment]

    def layer(self, max_difficulty: int | None) -> Layer:
        if max_difficulty not in self.layers:
            self.layers[max_difficulty] = _make_layer(self, max_difficulty)
        return self.layers[max_difficulty]

    def loop_paths(self, layer: Layer) -> Paths:
        if layer.loop_paths is None:
            ids = {arc[0] for arcs in layer.loop_adj for arc in arcs}
            layer.loop_paths = Paths(self, ids)
        return layer.loop_paths

    def all_paths(self, layer: Layer) -> Paths:
        if layer.all_paths is None:
            ids = {arc[0] for arcs in layer.all_adj for arc in arcs}
            # of two equally short ways, the one with less road
            layer.all_paths = Paths(self, ids, road_tiebreak=1e-7)
        return layer.all_paths


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

    def _matrix(self, blocked) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
        if not blocked and self._plain is not None:
            return self._plain
        use = np.ones(len(self.ids), dtype=bool)
        if blocked:
            use &= ~np.isin(self.ids, np.fromiter(blocked, dtype=np.int64))
        matrix, pairs, idx = cheapest_pairs(
            self.lo, self.hi, self.weight, np.flatnonzero(use), self.n
        )
        out = (matrix, pairs, self.ids[idx])
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
            directed=False,
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
            directed=False,
            indices=sources,
            limit=radius,
            return_predecessors=True,
        )

    def nearest(self, sources: list[int], radius: float) -> np.ndarray:
        """Per node: the distance to the nearest of `sources` (inf beyond `radius`)."""
        matrix, _, _ = self._matrix(None)
        return csgraph_dijkstra(
            matrix, directed=False, indices=sources, limit=radius, min_only=True
        )

    def link(self, u: int, v: int) -> int:
        """The link a shortest way takes between neighbours `u` and `v`."""
        _, pairs, ids = self._matrix(None)
        key = min(u, v) * self.n + max(u, v)
        return int(ids[np.searchsorted(pairs, key)])


def cheapest_pairs(
    lo: np.ndarray, hi: np.ndarray, weight: np.ndarray, idx: np.ndarray, n: int
) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
    """The graph of links `idx` (sorted by pair of ends, then weight) keeping the
    cheapest of each pair: the matrix, each kept link's pair key (lo * n + hi,
    ascending) and its index."""
    a, b = lo[idx], hi[idx]
    first = np.ones(len(idx), dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    idx = idx[first]
    # csgraph ignores weights of zero: a link of no length weighs a micrometre
    matrix = csr_matrix(
        (np.maximum(weight[idx], 1e-6), (lo[idx], hi[idx])), shape=(n, n)
    )
    return matrix, lo[idx] * n + hi[idx], idx


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


def prepare(graph: nx.MultiGraph, keep: Iterable[Hashable] = ()) -> Prepared:
    """Contract `graph`'s degree-2 chains, keeping the nodes in `keep` as nodes.

    An edge is known by its attribute dict, which networkx keeps once per edge."""
    # networkx's own adjacency dicts (`_adj`, as its algorithms read them): its
    # views cost more than the walk itself on a region of 15,000 segments
    around = {
        u: [(v, k, data) for v, keyed in nbrs.items() for k, data in keyed.items()]
        for u, nbrs in graph._adj.items()
    }
    # a degree as networkx counts it: a self-loop twice
    kept = {
        n
        for n, arcs in around.items()
        if len(arcs) + sum(v == n for v, _, _ in arcs) != 2
    }
    kept.update(n for n in keep if n in around)
    nodes: list[Hashable] = []
    index: dict[Hashable, int] = {}
    links: list[Link] = []
    consumed: set[int] = set()

    def node_id(n: Hashable) -> int:
        if n not in index:
            index[n] = len(nodes)
            nodes.append(n)
        return index[n]

    def walk(u: Hashable, v: Hashable, key: Hashable, data: dict) -> None:
        edges: list[OrigEdge] = []
        length = road = weighted = good = 0.0
        keys: list[str] = []
        difficulty: int | None = None
        prev, cur = u, v
        while True:
            consumed.add(id(data))
            edges.append((prev, cur, key))
            metres = data["length"]
            length += metres
            weighted += metres * metre_cost(data)
            good += metres * goodness(data)
            key_here = follow_key(data)
            if not keys or keys[-1] != key_here:
                keys.append(key_here)
            if data.get("connector"):
                road += metres
            rated = data.get("difficulty")
            if rated is not None and (difficulty is None or rated > difficulty):
                difficulty = rated
            if cur in kept:
                break
            # a degree-2 node: leave by the one edge we did not arrive on
            nxt, key, data = next(
                arc for arc in around[cur] if id(arc[2]) not in consumed
            )
            prev, cur = cur, nxt
        lid = len(links)
        links.append(
            Link(
                lid,
                node_id(u),
                node_id(cur),
                length,
                road,
                difficulty,
                tuple(edges),
                weighted,
                keys[0],
                keys[-1],
                len(keys) - 1,
                good,
            )
        )

    def contract_from(u: Hashable) -> None:
        for v, k, data in around[u]:
            if id(data) not in consumed:
                walk(u, v, k, data)

    for n in graph.nodes:
        if n in kept:
            node_id(n)
            contract_from(n)
    # Rings made only of degree-2 nodes: keep one node of each so nothing is lost.
    for u, _, _, data in graph.edges(keys=True, data=True):
        if id(data) not in consumed:
            kept.add(u)
            node_id(u)
            contract_from(u)

    adj: list[list[Arc]] = [[] for _ in nodes]
    for link in links:
        adj[link.a].append((link.id, link.b, link.length, link.road, True))
        adj[link.b].append((link.id, link.a, link.length, link.road, False))
    return Prepared(graph, nodes, index, links, adj)


def _make_layer(prep: Prepared, max_difficulty: int | None) -> Layer:
    def usable(link: Link) -> bool:
        return (
            max_difficulty is None
            or link.difficulty is None
            or link.difficulty <= max_difficulty
        )

    ok = [usable(link) for link in prep.links]
    all_adj = [[arc for arc in arcs if ok[arc[0]]] for arcs in prep.adj]
    bridge = _bridges(all_adj, len(prep.links))
    loop_adj = [[arc for arc in arcs if not bridge[arc[0]]] for arcs in all_adj]

    cycle_part = [-1] * len(prep.nodes)
    part_m: list[float] = []
    for root in range(len(prep.nodes)):
        if cycle_part[root] != -1 or not loop_adj[root]:
            continue
        pid = len(part_m)
        total = 0.0
        cycle_part[root] = pid
        stack = [root]
        while stack:
            u = stack.pop()
            for _, v, length, _, fwd in loop_adj[u]:
                if fwd:  # count each link once (a self-loop shows up both ways)
                    total += length
                if cycle_part[v] == -1:
                    cycle_part[v] = pid
                    stack.append(v)
        part_m.append(total)
    return Layer(all_adj, loop_adj, cycle_part, part_m)


def _bridges(adj: list[list[Arc]], n_links: int) -> list[bool]:
    """Tarjan's bridge finding, iterative, by link id so parallel links count."""
    n = len(adj)
    disc = [-1] * n
    low = [0] * n
    bridge = [False] * n_links
    clock = 0
    for root in range(n):
        if disc[root] != -1:
            continue
        disc[root] = low[root] = clock
        clock += 1
        stack: list[tuple[int, int, int]] = [(root, -1, 0)]  # node, via link, arc idx
        while stack:
            u, via, i = stack[-1]
            if i < len(adj[u]):
                stack[-1] = (u, via, i + 1)
                lid, v = adj[u][i][0], adj[u][i][1]
                if lid == via:
                    continue
                if disc[v] == -1:
                    disc[v] = low[v] = clock
                    clock += 1
                    stack.append((v, lid, 0))
                elif disc[v] < low[u]:
                    low[u] = disc[v]
            else:
                stack.pop()
                if stack:
                    p = stack[-1][0]
                    if low[u] < low[p]:
                        low[p] = low[u]
                    if low[u] > disc[p]:
                        bridge[via] = True
    return bridge


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
