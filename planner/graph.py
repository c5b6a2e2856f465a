"""The solver's input: a networkx MultiGraph of the trail network.

Nodes are junction ids with `lon`, `lat`, `ele` (metres or None).
Edges are keyed by segment id and carry:

- `segment_id`, `length` (metres), `start` (the node where `coords` begins),
  `coords` (list of (lon, lat) or (lon, lat, ele) from `start` to the other end,
  kept as stored), or None: graphs loaded from the database leave the lines out
  (`planner.regions.load_geometry` fetches a plan's own);
- `ascent`, `descent`: metres climbed walking from `start` to the other end, or None;
- `trail` (name, may be ""), `trail_id`, `kind` (path, footway, track, bridleway,
  steps or road), `connector` (True for roads that hikers walk only when they must),
  `difficulty` (1..6 or None);
- `routes`: ids of the waymarked routes on it, best known first (international
  before local), each described in `graph.graph["routes"]` (`route_doc`);
- `other_names`: what else the same ground is called (ways mapped on it twice).

Parallel edges occur (two trails between the same junctions); self-loops do not,
because the network builder splits closed lines. No Django import: the database
adapter in `planner/regions.py` and the benchmarks both build graphs through here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import networkx as nx

from trails.network import CONNECTOR_KINDS, Network
from trails.waymarks import route_label, route_marks


@dataclass(frozen=True)
class EdgeRecord:
    segment_id: Hashable
    start: Hashable
    end: Hashable
    length: float
    coords: list[tuple[float, float]] | None
    trail: str = ""
    trail_id: Hashable | None = None
    kind: str = "path"
    difficulty: int | None = None
    ascent: float | None = None
    descent: float | None = None
    routes: tuple[Hashable, ...] = ()
    other_names: tuple[str, ...] = ()


# International, national, regional, local: the bigger network a route belongs
# to, the better it is marked and the more a hiker recognises it.
NETWORK_RANK = {"iwn": 0, "nwn": 1, "rwn": 2, "lwn": 3}


def route_doc(
    route_id: Hashable, name: str, ref: str, network: str, symbol: str, colour: str
) -> dict:
    """A waymarked route as plans show it: label ("GR 11") and marks in words."""
    return {
        "id": route_id,
        "name": name,
        "ref": ref,
        "network": network,
        "label": route_label(name, ref) or "Waymarked route",
        "marks": route_marks(symbol, colour),
    }


def best_first(route_ids: Iterable[Hashable], routes: dict) -> tuple:
    """Route ids ordered as a cue sheet names them: the biggest network first."""
    return tuple(
        sorted(
            route_ids,
            key=lambda r: (
                NETWORK_RANK.get(routes[r]["network"], 4),
                routes[r]["label"],
                str(r),
            ),
        )
    )


def build_graph(
    nodes: Iterable[tuple[Hashable, float, float, float | None]],
    edges: Iterable[EdgeRecord],
    routes: dict | None = None,
) -> nx.MultiGraph:
    graph = nx.MultiGraph(routes=routes or {})
    for node_id, lon, lat, ele in nodes:
        graph.add_node(node_id, lon=lon, lat=lat, ele=ele)
    for e in edges:
        graph.add_edge(
            e.start,
            e.end,
            key=e.segment_id,
            segment_id=e.segment_id,
            start=e.start,
            length=e.length,
            coords=e.coords,
            ascent=e.ascent,
            descent=e.descent,
            trail=e.trail,
            trail_id=e.trail_id,
            kind=e.kind,
            connector=e.kind in CONNECTOR_KINDS,
            difficulty=e.difficulty,
            routes=e.routes,
            other_names=e.other_names,
        )
    return graph


def graph_from_network(network: Network, flagged: bool = False) -> nx.MultiGraph:
    """A graph straight from a parsed file, for tests and benchmarks (no database);
    flagged ground is left out, as planning does, unless `flagged`."""
    trails = {t.key: t for t in network.trails}
    routes = {
        r.source_id: route_doc(
            r.source_id, r.name, r.ref, r.network, r.symbol, r.colour
        )
        for r in network.routes
    }
    segments = [s for s in network.segments if flagged or not s.flag]
    used = {s.start for s in segments} | {s.end for s in segments}
    return build_graph(
        (
            (j.key, j.lon, j.lat, j.ele)
            for j in network.junctions.values()
            if j.key in used
        ),
        (
            EdgeRecord(
                segment_id=s.key,
                start=s.start,
                end=s.end,
                length=s.length_m,
                coords=s.coords,
                trail=trails[s.trail].name,
                trail_id=s.trail,
                kind=trails[s.trail].kind,
                difficulty=trails[s.trail].difficulty,
                routes=best_first(s.routes, routes),
                other_names=tuple(s.names),
            )
            for s in segments
        ),
        routes,
    )
