"""Join digitised lines whose ends stop just short of, or just past, another line.

OpenStreetMap ways share node ids, so their junctions are exact. GIS-digitised data
(GeoJSON from a park agency, GPX tracks) shares vertices only by position, and a
trail that meets another in a T is usually drawn to end a few metres away from it,
or on it but without a vertex there. `build_network` would leave such a trail as a
dead end. `snap_line_ends` fixes that before the network is built:

- a line end that already shares its position with another vertex (of another line,
  or of its own line, as a closed loop does) is a junction and stays where it is;
- any other end within `tolerance_m` of a line moves onto the nearest point of that
  line: a vertex, or the foot of the perpendicular on a segment, measured in a local
  flat approximation that is exact to millimetres at these distances;
- the target line gets a vertex at exactly that point (the same floats), so both
  lines share a vertex by position and `build_network` makes a junction there.

An end is never snapped onto the stretch of its own line that leads to it (the
segments up to where the line first leaves the tolerance circle), nor onto a line
that this stretch already meets: a trail that crosses another and overshoots by a
few metres is already joined at the crossing, and snapping its stub back would make
a tiny loop. Ways that carry vertex ids (OSM) are left alone: their topology is
exact. Ends are processed in input order, start before end, against the geometry
as it stands, so the result is deterministic and two facing ends meet once, not
swap places.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace
from itertools import islice

from trails.geo import LonLat, degrees_for_metres, haversine_m
from trails.network import RawWay, position_key

DEFAULT_TOLERANCE_M = 15.0
# A foot this close to an existing vertex reuses the vertex rather than adding a
# sliver segment of a few centimetres.
MERGE_M = 0.5
METRES_PER_DEGREE = 111_195.0
APART = 2e-7  # degrees: twice a position key's last decimal


@dataclass(eq=False)
class _Segment:
    way: int
    a: LonLat
    b: LonLat
    alive: bool = True


@dataclass
class _Hit:
    distance_m: float
    segment: _Segment
    point: LonLat
    new_vertex: bool  # False when the point is one of the segment's vertices


def snap_line_ends(
    ways: list[RawWay], tolerance_m: float = DEFAULT_TOLERANCE_M
) -> tuple[list[RawWay], int]:
    """`ways` with dangling ends snapped onto nearby lines, and how many ends
    moved. The input ways are not modified: lines that can move are copies."""
    # Lines with vertex ids are never snapped (nor looked at): they need no copy,
    # and a country's export is all such lines.
    ways = [w if w.vertex_ids is not None else _copy(w) for w in ways]
    snappable = [
        i for i, w in enumerate(ways) if w.vertex_ids is None and len(w.coords) >= 2
    ]
    if not snappable or tolerance_m <= 0:
        return ways, 0
    snapper = _Snapper(ways, snappable, tolerance_m)
    snapped = 0
    for i in snappable:
        for at_start in (True, False):
            snapped += snapper.snap_end(i, at_start)
    return ways, snapped


def _copy(way: RawWay) -> RawWay:
    """A copy whose lists can change, without repeated consecutive vertices (by
    position: build_network drops them anyway) so that every vertex is a point a
    line passes through once."""
    coords = way.coords
    # Two positions further apart than `APART` in longitude or latitude never
    # have the same key (7 decimals): only the rare close pair is formatted.
    pairs = enumerate(zip(coords, islice(coords, 1, None)), 1)
    keep = [0] if coords else []
    keep += [
        n
        for n, (a, b) in pairs
        if abs(b[0] - a[0]) > APART
        or abs(b[1] - a[1]) > APART
        or position_key(*a) != position_key(*b)
    ]
    ids, elevations = way.vertex_ids, way.elevations
    if len(keep) == len(coords):  # most lines
        return replace(
            way,
            coords=list(coords),
            vertex_ids=list(ids) if ids is not None else None,
            elevations=list(elevations) if elevations else None,
        )
    return replace(
        way,
        coords=[coords[n] for n in keep],
        vertex_ids=[ids[n] for n in keep] if ids is not None else None,
        elevations=[elevations[n] for n in keep] if elevations else None,
    )


class _Snapper:
    def __init__(self, ways: list[RawWay], snappable: list[int], tolerance_m: float):
        self.ways = ways
        self.tolerance_m = tolerance_m
        # Size grid cells for the highest latitude, where a metre spans the most
        # longitude, so that a cell is at least `tolerance_m` wide everywhere.
        max_lat = max(abs(lat) for i in snappable for _, lat in ways[i].coords)
        self.cell_lon, self.cell_lat = degrees_for_metres(tolerance_m, max_lat)
        self.cells: defaultdict[tuple[int, int], list[_Segment]] = defaultdict(list)
        self.segments: defaultdict[tuple[int, LonLat, LonLat], list[_Segment]] = (
            defaultdict(list)
        )
        # Position key -> the ways with a vertex there, once per occurrence, so a
        # closed line counts twice at its start/end.
        self.vertices: defaultdict[str, list[int]] = defaultdict(list)
        for i in snappable:
            coords = ways[i].coords
            for lon, lat in coords:
                self.vertices[position_key(lon, lat)].append(i)
            for a, b in zip(coords, coords[1:], strict=False):
                self._add_segment(i, a, b)

    def snap_end(self, i: int, at_start: bool) -> bool:
        coords = self.ways[i].coords
        end = coords[0] if at_start else coords[-1]
        if len(self.vertices[position_key(*end)]) > 1:
            return False  # already a junction
        own_stretch, near_keys = self._own_stretch(i, at_start)
        met = {w for key in near_keys for w in self.vertices[key] if w != i}
        hit = self._nearest(end, i, own_stretch, met)
        if hit is None:
            return False
        self._move_end(i, at_start, hit)
        return True

    def _own_stretch(
        self, i: int, at_start: bool
    ) -> tuple[set[tuple[LonLat, LonLat]], set[str]]:
        """The segments that lead to an end, up to and including the first one that
        leaves the tolerance circle, and the vertex keys inside the circle."""
        coords = self.ways[i].coords
        order = range(len(coords)) if at_start else range(len(coords) - 1, -1, -1)
        end = coords[order[0]]
        segments: set[tuple[LonLat, LonLat]] = set()
        keys: set[str] = set()
        previous = order[0]
        for n in order[1:]:
            lo, hi = min(previous, n), max(previous, n)
            segments.add((coords[lo], coords[hi]))
            lon, lat = coords[n]
            if haversine_m(end[0], end[1], lon, lat) > self.tolerance_m:
                break
            keys.add(position_key(lon, lat))
            previous = n
        return segments, keys

    def _nearest(
        self,
        end: LonLat,
        i: int,
        own_stretch: set[tuple[LonLat, LonLat]],
        met: set[int],
    ) -> _Hit | None:
        cx, cy = self._cell(end)
        kx = math.cos(math.radians(end[1])) * METRES_PER_DEGREE
        best: tuple[float, int, LonLat, LonLat] | None = None
        hit = None
        seen: set[int] = set()
        # Segments are registered at samples half a cell apart, so the nearest
        # point of one within tolerance can sit up to two cells away.
        for dx in range(-2, 3):
            for dy in range(-2, 3):
                for seg in self.cells.get((cx + dx, cy + dy), ()):
                    if not seg.alive or id(seg) in seen or seg.way in met:
                        continue
                    seen.add(id(seg))
                    if seg.way == i and (seg.a, seg.b) in own_stretch:
                        continue
                    d, t = _project(end, seg.a, seg.b, kx)
                    rank = (d, seg.way, seg.a, seg.b)
                    if d <= self.tolerance_m and (best is None or rank < best):
                        best = rank
                        hit = _foot(seg, t, d, kx)
        return hit

    def _move_end(self, i: int, at_start: bool, hit: _Hit) -> None:
        way = self.ways[i]
        point = hit.point
        ele = None
        target = self.ways[hit.segment.way]
        if hit.new_vertex:
            ele = self._insert_vertex(hit.segment, point)
        elif target.elevations is not None:
            ele = target.elevations[target.coords.index(point)]
        n = 0 if at_start else len(way.coords) - 1
        old = way.coords[n]
        neighbour = way.coords[1] if at_start else way.coords[-2]
        self._replace_segment(i, *((old, neighbour) if at_start else (neighbour, old)))
        self.vertices[position_key(*old)].remove(i)
        way.coords[n] = point
        self.vertices[position_key(*point)].append(i)
        if at_start:
            self._add_segment(i, point, neighbour)
        else:
            self._add_segment(i, neighbour, point)
        if way.elevations is not None and ele is not None:
            way.elevations[n] = ele

    def _insert_vertex(self, seg: _Segment, point: LonLat) -> float | None:
        """Put `point` into the segment's line; return its interpolated elevation."""
        way = self.ways[seg.way]
        coords = way.coords
        j = next(
            j
            for j in range(len(coords) - 1)
            if coords[j] == seg.a and coords[j + 1] == seg.b
        )
        coords.insert(j + 1, point)
        ele = None
        if way.elevations is not None:
            ea, eb = way.elevations[j], way.elevations[j + 1]
            if ea is not None and eb is not None:
                t = _fraction(seg.a, seg.b, point)
                ele = ea + t * (eb - ea)
            way.elevations.insert(j + 1, ele)
        self._replace_segment(seg.way, seg.a, seg.b)
        self._add_segment(seg.way, seg.a, point)
        self._add_segment(seg.way, point, seg.b)
        self.vertices[position_key(*point)].append(seg.way)
        return ele

    def _cell(self, p: LonLat) -> tuple[int, int]:
        return math.floor(p[0] / self.cell_lon), math.floor(p[1] / self.cell_lat)

    def _add_segment(self, way: int, a: LonLat, b: LonLat) -> None:
        seg = _Segment(way, a, b)
        self.segments[(way, a, b)].append(seg)
        steps = math.ceil(
            2 * max(abs(b[0] - a[0]) / self.cell_lon, abs(b[1] - a[1]) / self.cell_lat)
        )
        cells = {self._cell(a)}
        for k in range(1, steps + 1):
            f = k / steps
            cells.add(self._cell((a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)))
        for cell in cells:
            self.cells[cell].append(seg)

    def _replace_segment(self, way: int, a: LonLat, b: LonLat) -> None:
        """Retire one segment (a, b) of `way`; its cells skip it from now on."""
        seg = self.segments[(way, a, b)].pop()
        seg.alive = False


def _project(p: LonLat, a: LonLat, b: LonLat, kx: float) -> tuple[float, float]:
    """Distance in metres from p to segment ab, and where its foot lies (0..1)."""
    ax, ay = (a[0] - p[0]) * kx, (a[1] - p[1]) * METRES_PER_DEGREE
    bx, by = (b[0] - p[0]) * kx, (b[1] - p[1]) * METRES_PER_DEGREE
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else min(1.0, max(0.0, -(ax * dx + ay * dy) / length2))
    return math.hypot(ax + t * dx, ay + t * dy), t


def _foot(seg: _Segment, t: float, distance_m: float, kx: float) -> _Hit:
    a, b = seg.a, seg.b
    seg_m = math.hypot((b[0] - a[0]) * kx, (b[1] - a[1]) * METRES_PER_DEGREE)
    if t * seg_m <= MERGE_M:
        return _Hit(distance_m, seg, a, new_vertex=False)
    if (1 - t) * seg_m <= MERGE_M:
        return _Hit(distance_m, seg, b, new_vertex=False)
    point = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
    return _Hit(distance_m, seg, point, new_vertex=True)


def _fraction(a: LonLat, b: LonLat, p: LonLat) -> float:
    whole = haversine_m(a[0], a[1], b[0], b[1])
    return haversine_m(a[0], a[1], p[0], p[1]) / whole if whole else 0.0
