"""The graph the search runs on: degree-2 chains contracted into links.

A trail network has many junctions of degree 2 (a trail split where a campsite or a
trailhead attaches, where a name or surface changes). A loop that enters such a
chain must walk all of it, so each chain becomes one *link* between two *kept*
nodes, carrying its length, its road length, its hardest difficulty and the
original segments it stands for. Kept nodes are junctions of degree other than 2
and any node the caller asks to keep (trailheads).

Per difficulty limit, the links that lie on no cycle (bridges) are found once and
cached: a loop can never use them, only a stem can. Everything is indexed by small
integers so the search runs on plain lists. Shortest ways over the links are in
`paths.py`, how much trail a trailhead reaches in `reach.py`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import networkx as nx

from planner.solver.costs import changes, follow_key, goodness, metre_cost

# search.py, answer.py and trees.py import these from here, where they were
# before the shortest ways and the reach had modules of their own.
from planner.solver.paths import (
    INF,
    ROWS,
    Paths,
    Prev,
    dijkstra,
    links_into,
)
from planner.solver.reach import REACH_STEP, loop_reach_m, reach_worth

__all__ = [
    "INF",
    "REACH_STEP",
    "ROWS",
    "Arc",
    "Layer",
    "Link",
    "OrigEdge",
    "Paths",
    "Prepared",
    "Prev",
    "dijkstra",
    "links_into",
    "loop_reach_m",
    "prepare",
    "reach_worth",
]

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
    head: frozenset[str] = frozenset()
    tail: frozenset[str] = frozenset()
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
        keys: list[frozenset[str]] = []
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
            if not keys or changes(keys[-1], key_here):
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
