"""The adapter from database rows to the solver's graph (see planner/graph.py).

One bounding-box query for the open segments (closed ones never reach the solver),
one for their junctions. Geometry is loaded with the rows because the solver returns
coordinates in walking order.
"""

from __future__ import annotations

import networkx as nx

from planner.graph import EdgeRecord, build_graph
from trails.models import Junction, Segment


def load_graph(
    min_lon: float, min_lat: float, max_lon: float, max_lat: float
) -> nx.MultiGraph:
    """The open network whose segments overlap the box."""
    rows = (
        Segment.objects.open()
        .in_bbox(min_lon, min_lat, max_lon, max_lat)
        .values_list(
            "id",
            "start_id",
            "end_id",
            "length_m",
            "geometry",
            "ascent_m",
            "descent_m",
            "trail_id",
            "trail__name",
            "trail__kind",
            "trail__difficulty",
            "source_id",
        )
    )
    edges = [
        EdgeRecord(
            segment_id=sid,
            start=start,
            end=end,
            length=length,
            coords=geometry,
            ascent=ascent,
            descent=descent,
            trail_id=trail_id,
            trail=name,
            kind=kind,
            difficulty=difficulty,
        )
        for (
            sid,
            start,
            end,
            length,
            geometry,
            ascent,
            descent,
            trail_id,
            name,
            kind,
            difficulty,
            _source,
        ) in rows
    ]
    node_ids = {e.start for e in edges} | {e.end for e in edges}
    graph = build_graph(_junctions(node_ids), edges)
    # Which sources the region draws on, for their attribution.
    graph.graph["sources"] = sorted({row[-1] for row in rows})
    return graph


def _junctions(node_ids: set[int]):
    # Chunked: SQLite caps the number of parameters in one query.
    ids = sorted(node_ids)
    for i in range(0, len(ids), 10_000):
        yield from Junction.objects.filter(id__in=ids[i : i + 10_000]).values_list(
            "id", "lon", "lat", "elevation"
        )
