"""An exhaustive reference for tests and benchmarks: slow, simple, independent.

It enumerates every closed walk the solver may return, on the original
(uncontracted) networkx graph, with nothing but a shortest-distance-home bound, and
ranks them with the same key (`ranking.rank_key` of the hiker's cost,
`costs.walk_cost`, counted here edge by edge). Lollipops follow the solver's
definition: the stem is the shortest path from the trailhead to a junction (a node
of degree other than 2, or one the network was prepared to keep, such as another
trailhead), and the loop at its end uses no stem
segment; an out-and-back is a stem alone. Used to check that the solver's first
pick is optimal; never used to answer a hiker.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Hashable
from dataclasses import dataclass

import networkx as nx

from planner.solver import costs
from planner.solver.ranking import Key, rank_key
from planner.solver.records import Start


class Timeout(Exception):
    pass


@dataclass
class Best:
    key: Key
    length_m: float
    repeated_m: float
    road_m: float
    walks: int  # closed walks within the tolerance


def exhaustive(
    graph: nx.MultiGraph,
    start: Start,
    target_m: float,
    *,
    tolerance: float = 0.10,
    allow_stems: bool = True,
    max_difficulty: int | None = None,
    minimise_road: bool = True,
    time_limit_s: float | None = None,
    keep: Collection[Hashable] = (),
) -> Best | None:
    """The best walk's key from one trailhead, or None when there is none.

    `keep` are the nodes the solver's network was prepared to keep (stems may
    also turn there). Raises Timeout when `time_limit_s` runs out first.
    """
    deadline = None if time_limit_s is None else time.perf_counter() + time_limit_s
    lo, hi = target_m * (1 - tolerance), target_m * (1 + tolerance)
    usable = nx.MultiGraph()
    usable.add_nodes_from(graph.nodes)
    for u, v, k, data in graph.edges(keys=True, data=True):
        rated = data.get("difficulty")
        if max_difficulty is None or rated is None or rated <= max_difficulty:
            usable.add_edge(
                u,
                v,
                key=k,
                length=data["length"],
                road=_road(data),
                weighted=data["length"] * costs.metre_cost(data),
                follow=costs.follow_key(data),
            )
    best: list[Best] = []
    walks = 0

    def consider(
        length: float,
        road: float,
        repeated: float,
        weighted: float,
        turns: int,
        circuit: bool,
    ) -> None:
        nonlocal walks
        if not lo <= length <= hi:
            return
        walks += 1
        if minimise_road:
            cost = costs.walk_cost(
                weighted_m=weighted,
                length_m=length,
                turns=turns,
                repeated_m=repeated,
                target_m=target_m,
                drive_m=start.drive_m,
            )
        else:
            cost = target_m + abs(length - target_m) + costs.REPEATED * repeated
        key = rank_key(cost=cost, out_and_back=not circuit, drive_m=start.drive_m)
        if not best or key < best[0].key:
            best[:] = [Best(key, length, repeated, road, 0)]

    node = start.node
    if node not in usable:
        return None
    for length, road, weighted, turns, _, _ in _closed_trails(
        usable, node, hi, set(), deadline
    ):
        consider(length, road, 0.0, weighted, turns, True)
    if allow_stems:
        # of equally short stems, the one with less road (as the solver does)
        dist, paths = nx.single_source_dijkstra(usable, node, weight=_stem_weight)
        junction = {n for n in graph if graph.degree(n) != 2 or n in keep or n == node}
        for v in dist:
            if v not in junction:
                continue  # a stem turns or meets its loop at a junction
            stem = _path_edges(usable, paths[v])
            for walk in _turns_inside(usable, graph, junction, stem, v, target_m):
                consider(*walk, False)
            if v == node:
                continue
            p = sum(usable.edges[e]["length"] for e in stem)
            if 2 * p > hi:
                continue
            stem_road = sum(usable.edges[e]["road"] for e in stem)
            stem_w = sum(usable.edges[e]["weighted"] for e in stem)
            keys = [usable.edges[e]["follow"] for e in stem]
            stem_turns = sum(costs.changes(a, b) for a, b in zip(keys, keys[1:]))
            consider(2 * p, 2 * stem_road, p, 2 * stem_w, 2 * stem_turns, False)
            closed = {(frozenset(e[:2]), e[2]) for e in stem}
            for length, road, weighted, turns, first, last in _closed_trails(
                usable, v, hi - 2 * p, closed, deadline
            ):
                joins = costs.changes(keys[-1], first) + costs.changes(last, keys[-1])
                consider(
                    2 * p + length,
                    2 * stem_road + road,
                    p,
                    2 * stem_w + weighted,
                    2 * stem_turns + turns + joins,
                    True,
                )
    if not best:
        return None
    best[0].walks = walks
    return best[0]


def _turns_inside(usable, graph, junction, stem, u, target_m):
    """Out-and-backs of exactly `target_m` that turn back partway along a chain
    of segments from junction `u` (the solver's `tasks.turn_inside`): when no
    junction is within 1% of half the length. Yields (length, road, repeated,
    weighted, turns)."""
    half = target_m / 2
    slack = costs.EXACT * half
    p = sum(usable.edges[e]["length"] for e in stem)
    if p >= half - slack:
        return
    d = half - p
    last = (frozenset(stem[-1][:2]), stem[-1][2]) if stem else None
    keys = [usable.edges[e]["follow"] for e in stem]
    stem_w = sum(usable.edges[e]["weighted"] for e in stem)
    stem_road = sum(usable.edges[e]["road"] for e in stem)
    for _, w, k in graph.edges(u, keys=True):
        if (frozenset((u, w)), k) == last:
            continue  # back the way the stem came
        chain, at, nxt, key = [], u, w, k
        while True:
            chain.append((at, nxt, key))
            if nxt in junction:
                break
            at, nxt, key = next(
                (nxt, x, kk)
                for _, x, kk in graph.edges(nxt, keys=True)
                if (frozenset((nxt, x)), kk) != (frozenset((at, nxt)), key)
            )
        if any(not usable.has_edge(a, b, kk) for a, b, kk in chain):
            continue
        total = sum(usable.edges[e]["length"] for e in chain)
        if total - d <= slack:
            continue
        weighted = road = 0.0
        seq = list(keys)
        left = d
        for e in chain:
            data = usable.edges[e]
            walked = min(left, data["length"])
            weighted += walked * data["weighted"] / data["length"]
            road += walked if data["road"] else 0.0
            seq.append(data["follow"])
            left -= walked
            if left <= 0:
                break
        turns = sum(costs.changes(a, b) for a, b in zip(seq, seq[1:]))
        yield (
            2 * half,
            2 * (stem_road + road),
            half,
            2 * (stem_w + weighted),
            2 * turns,
        )


def _road(data: dict) -> float:
    return data["length"] if data.get("connector") else 0.0


def _stem_weight(u: Hashable, v: Hashable, parallel: dict) -> float:
    return min(d["length"] + 1e-7 * d["road"] for d in parallel.values())


def _path_edges(graph: nx.MultiGraph, path: list[Hashable]) -> list[tuple]:
    """The best edge between each pair of nodes along a path."""
    edges = []
    for u, v in zip(path, path[1:]):
        par = graph[u][v]
        key = min(par, key=lambda k: (_stem_weight(u, v, {k: par[k]}), str(k)))
        edges.append((u, v, key))
    return edges


def _closed_trails(
    graph: nx.MultiGraph,
    root: Hashable,
    max_length: float,
    closed: set,
    deadline: float | None,
):
    """(length, road, weighted metres, changes of trail, first and last trail
    followed) of every closed walk from `root` using each edge at most once.

    Each walk is produced once per direction; that does not change the best key.
    """
    home = nx.single_source_dijkstra_path_length(
        graph, root, cutoff=max_length, weight="length"
    )
    used = set(closed)
    walked: list[tuple] = []  # the edge ids on the current walk
    stack = [
        (
            root,
            0.0,
            0.0,
            0.0,
            0,
            None,
            None,
            iter(list(graph.edges(root, keys=True, data=True))),
        )
    ]
    steps = 0
    while stack:
        u, d, r, w, t, first, last, edges = stack[-1]
        edge = next(edges, None)
        if edge is None:
            stack.pop()
            if stack:
                used.discard(walked.pop())
            continue
        _, v, k, data = edge
        eid = (frozenset((u, v)), k)
        if eid in used:
            continue
        nd = d + data["length"]
        if v not in home or nd + home[v] > max_length:
            continue
        nr = r + data["road"]
        nw = w + data["weighted"]
        follow = data["follow"]
        nt = t + (last is not None and costs.changes(last, follow))
        nfirst = follow if first is None else first
        if v == root:
            yield nd, nr, nw, nt, nfirst, follow
        steps += 1
        if (
            deadline is not None
            and steps % 4096 == 0
            and time.perf_counter() > deadline
        ):
            raise Timeout
        used.add(eid)
        walked.append(eid)
        stack.append(
            (
                v,
                nd,
                nr,
                nw,
                nt,
                nfirst,
                follow,
                iter(list(graph.edges(v, keys=True, data=True))),
            )
        )
