"""The adapter from database rows to the solver's graph (see planner/graph.py).

One bounding-box query for the walkable segments (closed ones and those on flagged
trails never reach the solver), one for their junctions, two for the waymarked
routes they are on. Geometry is loaded with the rows because the solver returns
coordinates in walking order.
"""

from __future__ import annotations

import networkx as nx

from planner.graph import EdgeRecord, best_first, build_graph, route_doc
from trails.models import Junction, Segment, WalkingRoute


def load_graph(
    min_lon: float, min_lat: float, max_lon: float, max_lat: float
) -> nx.MultiGraph:
    """The walkable network whose segments overlap the box."""
    return graph_of(
        Segment.objects.walkable().in_bbox(min_lon, min_lat, max_lon, max_lat)
    )


def graph_of(segments) -> nx.MultiGraph:
    """The graph of these segments (a queryset), with their junctions and routes."""
    on_routes, routes = _routes(segments)
    rows = segments.values_list(
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
        "other_names",
        "source_id",
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
            routes=on_routes.get(sid, ()),
            other_names=tuple(other_names),
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
            other_names,
            _source,
        ) in rows
    ]
    node_ids = {e.start for e in edges} | {e.end for e in edges}
    graph = build_graph(_junctions(node_ids), edges, routes)
    # Which sources the region draws on, for their attribution.
    graph.graph["sources"] = sorted({row[-1] for row in rows})
    return graph


def _routes(segments) -> tuple[dict[int, tuple[int, ...]], dict[int, dict]]:
    """Which waymarked routes each segment is on (best known first), and the routes."""
    links = WalkingRoute.segments.through.objects.filter(segment__in=segments)
    on: dict[int, list[int]] = {}
    for segment_id, route_id in links.values_list("segment_id", "walkingroute_id"):
        on.setdefault(segment_id, []).append(route_id)
    ids = {r for rs in on.values() for r in rs}
    routes = {
        r["id"]: route_doc(
            r["id"], r["name"], r["ref"], r["network"], r["symbol"], r["colour"]
        )
        for r in WalkingRoute.objects.filter(id__in=ids).values(
            "id", "name", "ref", "network", "symbol", "colour"
        )
    }
    return {s: best_first(rs, routes) for s, rs in on.items()}, routes


def _junctions(node_ids: set[int]):
    # Chunked: SQLite caps the number of parameters in one query.
    ids = sorted(node_ids)
    for i in range(0, len(ids), 10_000):
        yield from Junction.objects.filter(id__in=ids[i : i + 10_000]).values_list(
            "id", "lon", "lat", "elevation"
        )
