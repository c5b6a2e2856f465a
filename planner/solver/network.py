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

from planner.solver.costs import follow_key, metre_cost

INF = math.inf

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
    # the trail followed at each end, changes of trail inside it, metres on
    # waymarked routes.
    weighted: float = 0.0
    head: str = ""
    tail: str = ""
    turns: int = 0
    marked: float = 0.0


@dataclass
class Layer:
    """The links usable under one difficulty limit, and which lie on cycles."""

    all_adj: list[list[Arc]]  # every usable link (stems may cross bridges)
    loop_adj: list[list[Arc]]  # usable links that lie on some cycle
    cycle_part: list[int]  # per node: id of its 2-edge-connected part, -1 if none
    cycle_part_m: list[float]  # per part: total length of its links


@dataclass
class Prepared:
    """A contracted network, reusable across queries (cache it per region)."""

    graph: nx.MultiGraph
    nodes: list[Hashable]
    index: dict[Hashable, int]
    links: list[Link]
    adj: list[list[Arc]]
    layers: dict[int | None, Layer] = field(default_factory=dict)

    def layer(self, max_difficulty: int | None) -> Layer:
        if max_difficulty not in self.layers:
            self.layers[max_difficulty] = _make_layer(self, max_difficulty)
        return self.layers[max_difficulty]


def prepare(graph: nx.MultiGraph, keep: Iterable[Hashable] = ()) -> Prepared:
    """Contract `graph`'s degree-2 chains, keeping the nodes in `keep` as nodes."""
    kept = {n for n, deg in graph.degree() if deg != 2}
    kept.update(n for n in keep if n in graph)
    nodes: list[Hashable] = []
    index: dict[Hashable, int] = {}
    links: list[Link] = []
    consumed: set[tuple[frozenset, Hashable]] = set()

    def node_id(n: Hashable) -> int:
        if n not in index:
            index[n] = len(nodes)
            nodes.append(n)
        return index[n]

    def walk(u: Hashable, v: Hashable, key: Hashable) -> None:
        edges: list[OrigEdge] = []
        length = road = weighted = marked = 0.0
        keys: list[str] = []
        difficulty: int | None = None
        prev, cur, k = u, v, key
        while True:
            consumed.add((frozenset((prev, cur)), k))
            data = graph.edges[prev, cur, k]
            edges.append((prev, cur, k))
            length += data["length"]
            weighted += data["length"] * metre_cost(data)
            if data.get("routes"):
                marked += data["length"]
            key_here = follow_key(data)
            if not keys or keys[-1] != key_here:
                keys.append(key_here)
            if data.get("connector"):
                road += data["length"]
            rated = data.get("difficulty")
            if rated is not None and (difficulty is None or rated > difficulty):
                difficulty = rated
            if cur in kept:
                break
            # a degree-2 node: leave by the one edge we did not arrive on
            nxt = next(
                (w, kk)
                for _, w, kk in graph.edges(cur, keys=True)
                if (frozenset((cur, w)), kk) not in consumed
            )
            prev, (cur, k) = cur, nxt
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
                marked,
            )
        )

    def contract_from(u: Hashable) -> None:
        for _, v, k in list(graph.edges(u, keys=True)):
            if (frozenset((u, v)), k) not in consumed:
                walk(u, v, k)

    for n in graph.nodes:
        if n in kept:
            node_id(n)
            contract_from(n)
    # Rings made only of degree-2 nodes: keep one node of each so nothing is lost.
    for u, v, k in graph.edges(keys=True):
        if (frozenset((u, v)), k) not in consumed:
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
    dist, _, order = dijkstra(layer.loop_adj, i, radius=radius_m)
    total = 0.0
    for u in order:
        for _, v, length, _, fwd in layer.loop_adj[u]:
            if fwd and dist[v] < INF:  # each link once, both ends in reach
                total += length
    return total
