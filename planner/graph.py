"""The solver's input: a networkx MultiGraph of the trail network.

Nodes are junction ids with `lon`, `lat`, `ele` (metres or None).
Edges are keyed by segment id and carry:

- `segment_id`, `length` (metres), `start` (the node where `coords` begins),
  `coords` (list of (lon, lat) or (lon, lat, ele) from `start` to the other end,
  kept as stored: copying every vertex of a region is most of a cold load);
- `ascent`, `descent`: metres climbed walking from `start` to the other end, or None;
- `trail` (name, may be ""), `trail_id`, `kind` (path, footway, track, bridleway,
  steps or road), `connector` (True for roads that hikers walk only when they must),
  `difficulty` (1..6 or None).

Parallel edges occur (two trails between the same junctions); self-loops do not,
because the network builder splits closed lines. No Django import: the database
adapter in `planner/plans.py` and the benchmarks both build graphs through here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import networkx as nx

from trails.network import CONNECTOR_KINDS, Network


@dataclass(frozen=True)
class EdgeRecord:
    segment_id: Hashable
    start: Hashable
    end: Hashable
    length: float
    coords: list[tuple[float, float]]
    trail: str = ""
    trail_id: Hashable | None = None
    kind: str = "path"
    difficulty: int | None = None
    ascent: float | None = None
    descent: float | None = None


def build_graph(
    nodes: Iterable[tuple[Hashable, float, float, float | None]],
    edges: Iterable[EdgeRecord],
) -> nx.MultiGraph:
    graph = nx.MultiGraph()
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
        )
    return graph


def graph_from_network(network: Network) -> nx.MultiGraph:
    """A graph straight from a parsed file, for tests and benchmarks (no database)."""
    trails = {t.key: t for t in network.trails}
    return build_graph(
        ((j.key, j.lon, j.lat, j.ele) for j in network.junctions.values()),
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
            )
            for s in network.segments
        ),
    )
