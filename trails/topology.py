"""Build a routable trail network from parsed lines and points.

Every file format is parsed into `RawWay` lines and `RawPoint` places (see
`trails/osm.py` and friends; the types are in `trails/network.py`); `build_network`
then makes the topology, the same way for all of them:

- a vertex is a *junction* where a line ends, where lines meet, cross or part (its
  distinct neighbours are not exactly two), where the set of lines running over it
  changes, where a line turns back over its own ground, or where a trailhead or
  campsite attaches;
- every line is split at its junctions into *segments*, each an edge between two
  junctions with its own geometry and length in metres;
- one segment per piece of ground: where lines share consecutive vertices (OSM
  often maps a bike trail on the nodes of a track, or a marked route twice), the
  shared stretch becomes one segment. It belongs to the most walkable of the lines
  (`_walkability`: one not flagged, a foot kind over a road, named, waymarked),
  carries the other lines' names, the union of their routes, and is flagged only
  when every line over it is;
- a closed line that would become a segment from a junction back to itself is split
  once more at its middle vertex, so the graph has no self-loops;
- places attach to the nearest vertex of any line within a tolerance, which turns
  that vertex into a junction; places farther away are kept but left unattached.
  A place that names its vertex (our own export does) attaches there.

A line can also be one segment of a larger trail (`RawWay.trail_id`, again our
export): it then keeps its own id as the segment's, and the lines of a trail are
grouped under it, so exporting and re-importing a network gives the same rows.

Shared vertices are known by identity (OSM node ids) when the format has them and by
position (rounded to about a centimetre) when it does not, so two lines crossing
without a shared vertex (a bridge over a path) stay unconnected, as they should.
No Django here: this module is tested on plain data.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import chain, islice

from trails.geo import LonLat, degrees_for_metres, haversine_m, line_length_m
from trails.network import (
    DEFAULT_ATTACH_M,
    KIND_ORDER,
    Junction,
    Network,
    Place,
    RawPoint,
    RawRoute,
    RawWay,
    Segment,
    Trail,
    position_key,
)


def _vertex_keys(way: RawWay) -> list[str]:
    if way.vertex_ids is not None:
        return way.vertex_ids  # read only, like the way itself
    return [position_key(lon, lat) for lon, lat in way.coords]


def _dedupe(keys: list[str]) -> tuple[list[str], Sequence[int]]:
    """Drop consecutive repeats of a vertex; return kept keys and their indexes.

    Most lines repeat none: they keep their own list of keys and a range, rather
    than two more lists of every vertex of a country."""
    if all(a != b for a, b in zip(keys, islice(keys, 1, None))):
        return keys, range(len(keys))
    kept_keys: list[str] = []
    kept_idx: list[int] = []
    for i, key in enumerate(keys):
        if kept_keys and kept_keys[-1] == key:
            continue
        kept_keys.append(key)
        kept_idx.append(i)
    return kept_keys, kept_idx


class _VertexIndex:
    """A grid of line vertices, for 'nearest vertex within r metres' look-ups."""

    def __init__(self, radius_m: float, lat: float):
        self.dlon, self.dlat = degrees_for_metres(max(radius_m, 1.0), lat)
        self.cells: defaultdict[tuple[int, int], list[tuple[str, float, float]]] = (
            defaultdict(list)
        )

    def _cell(self, lon: float, lat: float) -> tuple[int, int]:
        return math.floor(lon / self.dlon), math.floor(lat / self.dlat)

    def add(self, key: str, lon: float, lat: float) -> None:
        self.cells[self._cell(lon, lat)].append((key, lon, lat))

    def nearest(
        self, lon: float, lat: float, radius_m: float
    ) -> tuple[str, float] | None:
        # Rank candidates by a flat-earth distance (exact enough at this scale and
        # cheap), then measure only the winner on the sphere.
        kx = math.cos(math.radians(lat))
        cx, cy = self._cell(lon, lat)
        # The least (d2, key): the nearest, the lowest key among equals.
        best_d2, best_key, best_at = math.inf, None, (0.0, 0.0)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for key, vlon, vlat in self.cells.get((cx + dx, cy + dy), ()):
                    d2 = ((vlon - lon) * kx) ** 2 + (vlat - lat) ** 2
                    if (
                        best_key is None
                        or d2 < best_d2
                        or (d2 == best_d2 and key < best_key)
                    ):
                        best_d2, best_key, best_at = d2, key, (vlon, vlat)
        if best_key is None:
            return None
        d = haversine_m(lon, lat, *best_at)
        return (best_key, d) if d <= radius_m else None


Edge = tuple[str, str]  # a pair of consecutive vertex keys, in sorted order
# A line with its vertex keys (no consecutive repeats) and their indexes in it.
Prepared = tuple[RawWay, list[str], Sequence[int]]


def build_network(
    ways: Iterable[RawWay],
    points: Iterable[RawPoint] = (),
    attach_m: float = DEFAULT_ATTACH_M,
    routes: Iterable[RawRoute] = (),
) -> Network:
    """Split `ways` at their junctions and attach `points`; see the module docstring."""
    prepared: list[Prepared] = []
    skipped = 0
    for way in ways:
        keys, idx = _dedupe(_vertex_keys(way))
        if len(keys) < 2:
            skipped += 1
            continue
        prepared.append((way, keys, idx))

    shared, carriers, neighbours = _shared_ground(prepared)

    # A vertex on one line once is a junction at the line's ends only; elsewhere
    # where the ground branches (or ends).
    junction_keys: set[str] = {k for k, near in neighbours.items() if len(near) != 2}
    # lines that walk some of their own ground twice (out and back along it)
    twice = [_walks_twice(keys) for _, keys, _ in prepared]
    for n, ((_, keys, _), back) in enumerate(zip(prepared, twice)):
        junction_keys.add(keys[0])
        junction_keys.add(keys[-1])
        if not back and _alone_inside(keys, shared):
            continue
        on = [_carried(carriers, n, _edge(a, b)) for a, b in zip(keys, keys[1:])]
        alone = all(c == [n] for c in on)
        if alone and not back:
            continue  # a line alone on all its ground, never back over it
        # Where the lines over the ground change, one line joins or leaves another;
        # where a line turns back over its own ground, that ground is one segment.
        for i in range(1, len(keys) - 1):
            if keys[i - 1] == keys[i + 1] or on[i - 1] != on[i]:
                junction_keys.add(keys[i])

    places = _attach_points(prepared, list(points), attach_m, junction_keys, shared)

    net = Network(places=places, skipped_ways=skipped)
    _add_lines(net, prepared, junction_keys, carriers, twice)
    net.routes = _routes(prepared, routes)
    return net


def _shared_ground(
    prepared: list[Prepared],
) -> tuple[set[str], dict[Edge, list[int]], dict[str, set[str]]]:
    """The vertices on more than one line (or twice on one), the lines over each
    piece of ground between two of them, and their distinct neighbours."""
    # Which lines run over each piece of ground (a pair of consecutive vertices).
    # Only ground whose two vertices are both on more than one line (or twice on
    # one) can have several: a country has millions of pieces, and holding each
    # in a dict would make this the peak of an import's memory.
    uses = Counter(chain.from_iterable(keys for _, keys, _ in prepared))
    shared = {k for k, count in uses.items() if count > 1}
    del uses

    carriers: dict[Edge, list[int]] = {}
    neighbours: dict[str, set[str]] = {}  # of the vertices on several lines
    for n, (_, keys, _) in enumerate(prepared):
        pairs = (
            ((keys[0], keys[1]), (keys[-2], keys[-1]))
            if _alone_inside(keys, shared)
            else zip(keys, keys[1:])
        )
        for a, b in pairs:
            shared_a, shared_b = a in shared, b in shared
            if shared_a:
                neighbours.setdefault(a, set()).add(b)
            if shared_b:
                neighbours.setdefault(b, set()).add(a)
            if shared_a and shared_b:
                on = carriers.setdefault(_edge(a, b), [])
                if not on or on[-1] != n:
                    on.append(n)
    return shared, carriers, neighbours


def _carried(carriers: dict[Edge, list[int]], line: int, e: Edge) -> list[int]:
    """The lines over a piece of ground: the line itself when it is alone there."""
    return carriers.get(e) or [line]


def _alone_inside(keys: list[str], shared: set[str]) -> bool:
    # most lines: only their ends are on other lines
    return shared.isdisjoint(islice(keys, 1, len(keys) - 1))


def _add_lines(
    net: Network,
    prepared: list[Prepared],
    junction_keys: set[str],
    carriers: dict[Edge, list[int]],
    twice: list[bool],
) -> None:
    """Each line's trail, and its pieces between junctions as segments: one per
    piece of ground, owned by the most walkable line over it."""

    emitted: set[Edge] = set()  # shared ground, and ground a line walks twice
    trail_keys: set[str] = set()
    for n, (way, keys, idx) in enumerate(prepared):
        trail_key = way.trail_id or way.source_id
        if trail_key not in trail_keys:
            trail_keys.add(trail_key)
            net.trails.append(
                Trail(
                    trail_key,
                    way.name,
                    way.kind,
                    way.difficulty,
                    way.flag,
                    way.flag_override,
                    way.staff_fields,
                )
            )
        pieces = _pieces(keys, junction_keys)
        for p, (a, b) in enumerate(pieces):
            first = _edge(keys[a], keys[a + 1])
            on = _carried(carriers, n, first)
            owner = (
                min(on, key=lambda m: _walkability(prepared[m][0]))
                if len(on) > 1
                else n
            )
            if owner != n or first in emitted:
                continue  # another line (or this one, earlier) has this ground
            if twice[n] or len(on) > 1:
                emitted.update(_edge(*keys[i : i + 2]) for i in range(a, b))
            if len(pieces) == 1 and len(way.coords) == b + 1 - a:
                # the whole line, every vertex kept (a country's export): its
                # own lists, which nothing changes once the network is built
                coords, elevations = way.coords, way.elevations or None
            else:
                coords = [way.coords[idx[i]] for i in range(a, b + 1)]
                elevations = (
                    [way.elevations[idx[i]] for i in range(a, b + 1)]
                    if way.elevations
                    else None
                )
            for i in (a, b):
                _add_junction(net, keys[i], way, idx[i])
            # A line that is one segment of a trail already has the segment's id.
            whole = way.trail_id is not None and len(pieces) == 1
            others = [prepared[m][0] for m in on if m != n]
            net.segments.append(
                Segment(
                    key=way.source_id if whole else f"{way.source_id}/{p}",
                    trail=trail_key,
                    start=keys[a],
                    end=keys[b],
                    coords=coords,
                    length_m=line_length_m(coords),
                    elevations=elevations,
                    closed_reason=way.closed_reason,
                    flag=way.flag,
                    names=_other_names(way, others),
                    routes=sorted({r for w in (way, *others) for r in w.routes}),
                    shared=len(on),
                )
            )


def _edge(a: str, b: str) -> Edge:
    return (a, b) if a < b else (b, a)


def _walks_twice(keys: list[str]) -> bool:
    """Whether a line goes over some piece of its own ground twice."""
    if len(set(keys)) == len(keys) or len(keys) < 3:
        return False
    line = [_edge(a, b) for a, b in zip(keys, keys[1:])]
    return len(set(line)) < len(line)


def _walkability(way: RawWay) -> tuple:
    """Sort key of the line a shared stretch is walked as: best first."""
    return (
        bool(way.flag),
        KIND_ORDER.get(way.kind, len(KIND_ORDER)),
        not way.name,
        not way.routes,
        way.source_id,
    )


def _other_names(way: RawWay, others: list[RawWay]) -> list[str]:
    names = dict.fromkeys(way.also_names)
    for other in others:
        names.update(dict.fromkeys([other.name, *other.also_names]))
    names.pop("", None)
    names.pop(way.name, None)
    return list(names)


def _routes(prepared: list[Prepared], routes: Iterable[RawRoute]) -> list[RawRoute]:
    """The routes some line is on: as described, or named by their id alone."""
    described = {r.source_id: r for r in routes}
    used = dict.fromkeys(r for way, _, _ in prepared for r in way.routes)
    return [described.get(key) or RawRoute(key, name=key) for key in used]


def _add_junction(net: Network, key: str, way: RawWay, i: int) -> None:
    ele = way.elevations[i] if way.elevations else None
    junction = net.junctions.get(key)
    if junction is None:
        lon, lat = way.coords[i]
        net.junctions[key] = Junction(key, lon, lat, ele)
    elif junction.ele is None:  # the first line to reach it had no elevation
        junction.ele = ele


def _pieces(keys: list[str], junction_keys: set[str]) -> list[tuple[int, int]]:
    """Index ranges of a way between consecutive junctions, with no self-loops."""
    cuts = [i for i, k in enumerate(keys) if k in junction_keys]
    pieces: list[tuple[int, int]] = []
    for a, b in zip(cuts, cuts[1:]):
        if keys[a] == keys[b]:
            if b - a < 2:
                continue  # a degenerate out-and-back of one vertex
            mid = (a + b) // 2
            pieces += [(a, mid), (mid, b)]
        else:
            pieces.append((a, b))
    return pieces


def _attach_points(
    prepared: list[Prepared],
    points: list[RawPoint],
    attach_m: float,
    junction_keys: set[str],
    shared: set[str],
) -> list[Place]:
    if not points:
        return []
    index = _VertexIndex(attach_m, points[0].lat)
    # Only a vertex in a cell next to some point's can be its nearest, and only
    # the vertices points name need their position kept: a country's millions of
    # other vertices need no entry anywhere.
    near = {
        (cx + dx, cy + dy)
        for cx, cy in {index._cell(p.lon, p.lat) for p in points}
        for dx in (-1, 0, 1)
        for dy in (-1, 0, 1)
    }
    named = {p.junction for p in points if p.junction is not None}
    positions: dict[str, LonLat] = {}
    seen: set[str] = set()  # vertices on several lines: the first line's place
    floor, dlon, dlat = math.floor, index.dlon, index.dlat  # index._cell, inlined
    for way, keys, idx in prepared:
        coords = way.coords
        for key, i in zip(keys, idx):
            if key in shared:
                if key in seen:
                    continue
                seen.add(key)
            lon, lat = coords[i]
            if key in named:
                positions[key] = (lon, lat)
            if (floor(lon / dlon), floor(lat / dlat)) in near:
                index.add(key, lon, lat)
    del seen
    places = []
    for p in points:
        place = Place(p.source_id, p.name, p.kind, p.lon, p.lat, p.ele)
        place.staff_fields = p.staff_fields
        place.details = p.details
        hit = _named_vertex(p, positions) or index.nearest(p.lon, p.lat, attach_m)
        if hit:
            place.junction, place.attach_m = hit[0], round(hit[1], 1)
            junction_keys.add(hit[0])
        places.append(place)
    return places


def _named_vertex(
    p: RawPoint, positions: dict[str, LonLat]
) -> tuple[str, float] | None:
    """The vertex a point names as its junction (our export does), at any distance:
    whoever attached it there (an import or staff) already decided."""
    if p.junction is None or p.junction not in positions:
        return None
    lon, lat = positions[p.junction]
    return p.junction, haversine_m(p.lon, p.lat, lon, lat)
