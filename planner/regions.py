"""The adapter from database rows to the solver's graph (see planner/graph.py).

One bounding-box query for the walkable segments (closed ones and those on flagged
trails never reach the solver), one for their junctions, two for the waymarked
routes they are on. Geometry and other names are not loaded with the graph: the
solver needs only lengths and what each segment is, and decoding a region's lines
(JSON) was a third of a cold plan's time and they were most of a cached graph's
memory. `load_geometry` fetches them for the few segments a plan's walks use.
"""

from __future__ import annotations

import networkx as nx

from planner.graph import EdgeRecord, best_first, build_graph, route_doc
from trails.models import Junction, Segment, WalkingRoute


def load_graph(
    min_lon: float, min_lat: float, max_lon: float, max_lat: float
) -> nx.MultiGraph:
    """The walkable network whose segments overlap the box."""
    box = (min_lon, min_lat, max_lon, max_lat)
    return graph_of(Segment.objects.walkable().in_bbox(*box), box)


def graph_of(segments, box: tuple | None = None) -> nx.MultiGraph:
    """The graph of these segments (a queryset), with their junctions and routes;
    `box`, when they are a region's, finds their junctions by its index."""
    on_routes, routes = _routes(segments)
    rows = segments.values_list(
        "id",
        "start_id",
        "end_id",
        "length_m",
        "ascent_m",
        "descent_m",
        "trail_id",
        "trail__name",
        "trail__kind",
        "trail__difficulty",
        "source_id",
    )
    edges = [
        EdgeRecord(
            segment_id=sid,
            start=start,
            end=end,
            length=length,
            coords=None,
            ascent=ascent,
            descent=descent,
            trail_id=trail_id,
            trail=name,
            kind=kind,
            difficulty=difficulty,
            routes=on_routes.get(sid, ()),
        )
        for (
            sid,
            start,
            end,
            length,
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
    graph = build_graph(_junctions(box, node_ids), edges, routes)
    # Which sources the region draws on, for their attribution.
    graph.graph["sources"] = sorted({row[-1] for row in rows})
    graph.graph["segments"] = len(edges)  # networkx counts a multigraph's by walking
    return graph


def load_geometry(segment_ids) -> dict[int, tuple[list, list[str]]]:
    """The stored line of each of these segments, and what else its ground is
    called (`other_names`, also left out of the graph), by id."""
    ids = sorted(set(segment_ids))
    lines: dict[int, tuple[list, list[str]]] = {}
    for i in range(0, len(ids), 10_000):  # SQLite caps a query's parameters
        rows = Segment.objects.filter(id__in=ids[i : i + 10_000]).values_list(
            "id", "geometry", "other_names"
        )
        lines.update((sid, (line, names)) for sid, line, names in rows)
    return lines


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


def _junctions(box: tuple[float, float, float, float] | None, node_ids: set[int]):
    """The junctions the segments end at: those in the box (a little wider),
    by its index, then by id the few beyond it (the far ends of long segments).
    A list of 30,000 ids took longer to compile into SQL than to run, and a
    subquery through the segments' trails was planned badly on fresh tables."""
    margin = 0.02
    near = (
        Junction.objects.filter(
            lon__gte=box[0] - margin,
            lat__gte=box[1] - margin,
            lon__lte=box[2] + margin,
            lat__lte=box[3] + margin,
        ).values_list("id", "lon", "lat", "elevation")
        if box is not None
        else []
    )
    found = [row for row in near if row[0] in node_ids]
    missing = sorted(node_ids - {row[0] for row in found})
    for i in range(0, len(missing), 10_000):  # SQLite caps a query's parameters
        found += Junction.objects.filter(id__in=missing[i : i + 10_000]).values_list(
            "id", "lon", "lat", "elevation"
        )
    return found
