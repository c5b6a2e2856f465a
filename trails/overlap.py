"""Make lines drawn twice over the same ground share their vertices there.

OpenStreetMap ways that follow the same path share node ids. Digitised data (GeoJSON
from a park agency, GPX tracks) rarely does: a GPS track of a trail that a file also
holds as a line runs a metre or three beside it, with vertices of its own, and
`build_network` would see two unconnected parallel edges. `merge_parallel` fixes
that before the network is built:

- every line is walked in steps of half the tolerance, and each step asks which
  earlier line (in input order) is nearest, in a local flat approximation as in
  `trails/snapping.py`;
- where a later line stays within `tolerance_m` of one earlier line for more than
  `min_m` metres, the later line's vertices along that stretch are replaced by the
  earlier line's own (the same floats, so the same position keys), entering and
  leaving at points on the earlier line;
- an entry or exit point becomes a vertex of the earlier line: a junction of that
  line within the tolerance (the two lines most likely part where a third one meets
  them), else a vertex within `MERGE_M`, else a new vertex at the foot of the
  perpendicular, put into every line that shares that segment;
- a vertex of the later line that another line also passes through (a junction,
  often one that snapping made) moves onto the earlier line with the stretch, and so
  does that vertex in the other lines, so no junction comes apart.

Why 5 m: the same path surveyed twice (two GPS tracks, a track and a digitised
line) is typically 1-3 m apart, and a few metres at worst; distinct trails that
run side by side (a path beside a road, two tracks up a valley) are usually 10 m
or more apart. On the Colorado State Forest file, where no trail is drawn twice,
the longest stretch over which two distinct lines stay within 5 m of each other is
24 m (a road leaving another at a shallow angle); within 8 m three such stretches
exceed 30 m, within 15 m twenty-four do. So 5 m and 30 m merge nothing there, and
a shallow junction has to be about 10 degrees or less to be taken for one path.

The result: a stretch drawn twice is the same sequence of vertex keys in both lines.
A line is never merged with itself (only earlier lines count), ways that carry
vertex ids (OSM) are left alone, elevations stay aligned with the vertices (the
replaced ones take the earlier line's), and lines are processed in input order
against the geometry as it stands, so the result is deterministic.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from trails.geo import LonLat, degrees_for_metres, haversine_m, line_length_m
from trails.network import RawWay, position_key
from trails.snapping import MERGE_M, METRES_PER_DEGREE, _copy, _fraction, _project

DEFAULT_TOLERANCE_M = 5.0
DEFAULT_MIN_M = 30.0
# A line's parallel twin deviates a little at bends: the feet of two steps may sit
# up to this many tolerances apart on the earlier line more than the step itself
# (an inside corner); a larger jump means the earlier line went elsewhere (a spur,
# a loop) and came back, and that detour is not part of the stretch.
JUMP_TOLERANCES = 2.0


@dataclass(eq=False)
class _Segment:
    way: int
    a: LonLat
    b: LonLat
    s0: float  # metres along its way where it starts, to see detours
    alive: bool = True


@dataclass
class _Hit:
    distance_m: float
    segment: _Segment
    t: float  # where the foot lies on the segment, 0..1
    along_m: float  # metres along the earlier line


@dataclass
class _Sample:
    vertex: int  # the segment of the later line it lies on, or the vertex if f == 0
    f: float
    step_m: float  # metres of the later line it stands for
    hits: dict[int, _Hit]  # earlier way -> nearest point within tolerance
    nearest: int | None


@dataclass
class _Run:
    way: int
    first: int  # sample indexes, inclusive
    last: int
    metres: float


def merge_parallel(
    ways: list[RawWay],
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    min_m: float = DEFAULT_MIN_M,
) -> tuple[list[RawWay], float]:
    """Copies of `ways` where stretches drawn twice share the earlier line's
    vertices, and the metres of ground merged. The input ways are not modified."""
    ways = [_copy(w) for w in ways]
    mergeable = [
        i for i, w in enumerate(ways) if w.vertex_ids is None and len(w.coords) >= 2
    ]
    if len(mergeable) < 2 or tolerance_m <= 0:
        return ways, 0.0
    merger = _Merger(ways, mergeable, tolerance_m, min_m)
    merged = sum(merger.merge(i) for i in mergeable)
    return ways, merged


class _Merger:
    def __init__(
        self, ways: list[RawWay], mergeable: list[int], tolerance_m: float, min_m: float
    ):
        self.ways = ways
        self.tolerance_m = tolerance_m
        self.min_m = min_m
        self.step_m = tolerance_m / 2
        # Cells several tolerances wide: a segment is registered in every cell its
        # box (grown by the tolerance) touches, so a look-up reads one cell.
        max_lat = max(abs(lat) for i in mergeable for _, lat in ways[i].coords)
        self.grow_lon, self.grow_lat = degrees_for_metres(tolerance_m, max_lat)
        self.cell_lon, self.cell_lat = 4 * self.grow_lon, 4 * self.grow_lat
        self.cells: defaultdict[tuple[int, int], list[_Segment]] = defaultdict(list)
        self.segments: defaultdict[tuple[int, LonLat, LonLat], list[_Segment]] = (
            defaultdict(list)
        )
        self.indexed: set[int] = set()
        # Position key -> the mergeable ways with a vertex there, once per
        # occurrence, so a closed line counts twice at its start/end.
        self.vertices: defaultdict[str, list[int]] = defaultdict(list)
        for i in mergeable:
            for lon, lat in ways[i].coords:
                self.vertices[position_key(lon, lat)].append(i)

    def merge(self, i: int) -> float:
        """Merge line `i` onto the lines before it, then make it one of them."""
        merged = 0.0
        if self.indexed:
            samples = self._samples(i)
            # From the last run back, so the earlier runs' vertex indexes hold.
            for run in reversed(self._runs(samples)):
                merged += self._rewrite(i, run, samples)
            self._drop_repeats(i)
        self._index_way(i)
        return merged

    # -- finding the stretches ------------------------------------------------

    def _samples(self, i: int) -> list[_Sample]:
        coords = self.ways[i].coords
        samples: list[_Sample] = []
        cell_lon, cell_lat, cells = self.cell_lon, self.cell_lat, self.cells
        floor = math.floor
        last = len(coords) - 2
        for n, (a, b) in enumerate(zip(coords, coords[1:])):
            seg_m = _metres(a, b)
            steps = max(1, math.ceil(seg_m / self.step_m))
            for k in range(steps + 1 if n == last else steps):
                f = k / steps
                p = (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)
                candidates = cells.get((floor(p[0] / cell_lon), floor(p[1] / cell_lat)))
                hits = self._hits(p, candidates) if candidates else {}
                nearest = (
                    min(hits, key=lambda w: (hits[w].distance_m, w)) if hits else None
                )
                if k < steps:
                    samples.append(_Sample(n, f, seg_m / steps, hits, nearest))
                else:  # the line's last vertex
                    samples.append(_Sample(n + 1, 0.0, 0.0, hits, nearest))
        return samples

    def _hits(self, p: LonLat, candidates: list[_Segment]) -> dict[int, _Hit]:
        hits: dict[int, _Hit] = {}
        if not candidates:
            return hits
        kx = math.cos(math.radians(p[1])) * METRES_PER_DEGREE
        for seg in candidates:
            if not seg.alive:
                continue
            d, t = _project(p, seg.a, seg.b, kx)
            if d > self.tolerance_m:
                continue
            best = hits.get(seg.way)
            if best is None or (d, seg.s0) < (best.distance_m, best.segment.s0):
                seg_m = math.hypot(
                    (seg.b[0] - seg.a[0]) * kx,
                    (seg.b[1] - seg.a[1]) * METRES_PER_DEGREE,
                )
                hits[seg.way] = _Hit(d, seg, t, seg.s0 + t * seg_m)
        return hits

    def _runs(self, samples: list[_Sample]) -> list[_Run]:
        """Stretches along one earlier line for more than `min_m` metres."""
        jump_m = self.step_m + JUMP_TOLERANCES * self.tolerance_m
        runs: list[_Run] = []
        for n, sample in enumerate(samples):
            way = sample.nearest
            if way is None:
                continue
            # A line crossing the stretch is nearest for a few steps; the stretch
            # goes on behind that brush if the line stayed near it all along.
            k = len(runs) - 1
            while k >= 0 and runs[k].way != way and runs[k].metres <= self.min_m:
                k -= 1
            run = runs[k] if k >= 0 and runs[k].way == way else None
            if run is not None and self._continues(samples, run.last, n, way, jump_m):
                del runs[k + 1 :]
                run.metres += sum(s.step_m for s in samples[run.last : n])
                run.last = n
            else:
                runs.append(_Run(way, n, n, 0.0))
        return [r for r in runs if r.metres > self.min_m]

    @staticmethod
    def _continues(
        samples: list[_Sample], last: int, n: int, way: int, jump_m: float
    ) -> bool:
        """Whether the line stayed near `way`, without a detour of it, from sample
        `last` to `n`: another line crossing in between takes the nearest place
        for a few steps but does not end the stretch."""
        for k in range(last + 1, n + 1):
            here, before = samples[k].hits.get(way), samples[k - 1].hits[way]
            if here is None or abs(here.along_m - before.along_m) > jump_m:
                return False
        return True

    # -- rewriting a stretch --------------------------------------------------

    def _rewrite(self, i: int, run: _Run, samples: list[_Sample]) -> float:
        j = run.way
        first, last = samples[run.first], samples[run.last]
        entry = self._land(i, first.hits[j], junction=True)
        exit_ = self._land(i, last.hits[j], junction=True)
        if entry is None or exit_ is None or entry == exit_:
            return 0.0
        # The earlier line's stretch is about as long as the later line's run; if
        # it is much longer, the two lines are not one path there (a closed line
        # entered across its start, say), and the later line stays as it is.
        stretch = self._stretch(j, entry, exit_)
        if (
            stretch is None
            or line_length_m([self.ways[j].coords[n] for n in stretch])
            > 1.5 * run.metres + 4 * self.tolerance_m
        ):
            return 0.0
        # The later line's vertices that the stretch replaces.
        start = first.vertex if first.f == 0 else first.vertex + 1
        end = last.vertex  # a vertex on the stretch, or the start of its segment
        way = self.ways[i]
        at_vertex = {s.vertex: s for s in samples[run.first : run.last + 1] if not s.f}
        for n in range(start, end + 1):
            old = way.coords[n]
            if len(self.vertices[position_key(*old)]) > 1:
                new = self._land(i, at_vertex[n].hits[j])
                if new is not None and new != old:
                    self._relocate(i, old, new)
        stretch = self._stretch(j, entry, exit_)  # again: relocating adds vertices
        if stretch is None:
            return 0.0
        target = self.ways[j]
        new_coords = [target.coords[n] for n in stretch]
        for lon, lat in way.coords[start : end + 1]:
            self.vertices[position_key(lon, lat)].remove(i)
        for lon, lat in new_coords:
            self.vertices[position_key(lon, lat)].append(i)
        way.coords[start : end + 1] = new_coords
        if way.elevations is not None:
            eles = target.elevations
            way.elevations[start : end + 1] = [
                eles[n] if eles is not None else None for n in stretch
            ]
        return line_length_m(new_coords)

    def _stretch(self, j: int, entry: LonLat, exit_: LonLat) -> list[int] | None:
        """Indexes of line `j`'s vertices from `entry` to `exit_`, the shorter way
        if a closed line passes either twice."""
        coords = self.ways[j].coords
        starts = [n for n, p in enumerate(coords) if p == entry]
        ends = [n for n, p in enumerate(coords) if p == exit_]
        if not starts or not ends:
            return None
        a, b = min(
            ((a, b) for a in starts for b in ends), key=lambda ab: abs(ab[0] - ab[1])
        )
        return list(range(a, b + 1)) if a <= b else list(range(a, b - 1, -1))

    def _land(self, i: int, hit: _Hit, junction: bool = False) -> LonLat | None:
        """A vertex of the hit line at the hit (see the module docstring), or None
        if that line has moved away since."""
        seg = hit.segment
        foot = (
            seg.a[0] + hit.t * (seg.b[0] - seg.a[0]),
            seg.a[1] + hit.t * (seg.b[1] - seg.a[1]),
        )
        if not seg.alive:  # split by a vertex put in since: find the piece
            fresh = self._hits(foot, self.cells.get(self._cell(foot), [])).get(seg.way)
            if fresh is None:
                return None
            seg = fresh.segment
            foot = (
                seg.a[0] + fresh.t * (seg.b[0] - seg.a[0]),
                seg.a[1] + fresh.t * (seg.b[1] - seg.a[1]),
            )
            hit = fresh
        if junction:
            near = self._junction_near(seg.way, foot)
            if near is not None:
                return near
        seg_m = _metres(seg.a, seg.b)
        if hit.t * seg_m <= MERGE_M:
            return seg.a
        if (1 - hit.t) * seg_m <= MERGE_M:
            return seg.b
        # Every line with this segment gets the vertex, so that lines merged onto
        # each other before keep sharing their vertex keys. Not the line being
        # merged: its vertex indexes must hold until its stretches are rewritten.
        ka, kb = position_key(*seg.a), position_key(*seg.b)
        ele = self._insert(seg.way, seg.a, seg.b, foot, None)
        for w in sorted(set(self.vertices[ka]) & set(self.vertices[kb])):
            if w not in (seg.way, i):
                coords = self.ways[w].coords
                for n in range(len(coords) - 1):
                    if {coords[n], coords[n + 1]} == {seg.a, seg.b}:
                        self._insert(w, coords[n], coords[n + 1], foot, ele)
                        break
        return foot

    def _junction_near(self, j: int, foot: LonLat) -> LonLat | None:
        """The nearest vertex of line `j` within the tolerance of `foot` that is a
        junction: an end of the line, or a vertex another line passes through."""
        coords = self.ways[j].coords
        best: tuple[float, int] | None = None
        for n, (lon, lat) in enumerate(coords):
            if (
                0 < n < len(coords) - 1
                and len(self.vertices[position_key(lon, lat)]) < 2
            ):
                continue
            d = haversine_m(foot[0], foot[1], lon, lat)
            if d <= self.tolerance_m and (best is None or (d, n) < best):
                best = (d, n)
        return coords[best[1]] if best else None

    def _insert(
        self, w: int, a: LonLat, b: LonLat, point: LonLat, ele: float | None
    ) -> float | None:
        """Put `point` into line `w` between its consecutive vertices a and b;
        return the elevation it gets (`ele`, else interpolated)."""
        way = self.ways[w]
        coords = way.coords
        n = next(
            n for n in range(len(coords) - 1) if coords[n] == a and coords[n + 1] == b
        )
        coords.insert(n + 1, point)
        if way.elevations is not None:
            ea, eb = way.elevations[n], way.elevations[n + 1]
            if ele is None and ea is not None and eb is not None:
                ele = ea + _fraction(a, b, point) * (eb - ea)
            way.elevations.insert(n + 1, ele)
        self.vertices[position_key(*point)].append(w)
        if w in self.indexed:
            s0 = self._retire(w, a, b)
            self._add_segment(w, a, point, s0)
            self._add_segment(w, point, b, s0 + _metres(a, point))
        return ele

    def _relocate(self, i: int, old: LonLat, new: LonLat) -> None:
        """Move the vertex at `old` to `new` in every other line through it, so a
        junction on a merged stretch stays a junction."""
        key = position_key(*old)
        for w in sorted(set(self.vertices[key]) - {i}):
            coords = self.ways[w].coords
            for n in [n for n, p in enumerate(coords) if p == old]:
                pairs = [(m, m + 1) for m in (n - 1, n) if 0 <= m < len(coords) - 1]
                starts = [
                    self._retire(w, coords[a], coords[b])
                    for a, b in pairs
                    if w in self.indexed
                ]
                coords[n] = new
                self.vertices[key].remove(w)
                self.vertices[position_key(*new)].append(w)
                for (a, b), s0 in zip(pairs, starts):
                    self._add_segment(w, coords[a], coords[b], s0)

    def _drop_repeats(self, i: int) -> None:
        """Drop a vertex that repeats the one before it (a stretch that enters
        where the line already was)."""
        way = self.ways[i]
        keep = [n for n, p in enumerate(way.coords) if n == 0 or p != way.coords[n - 1]]
        if len(keep) == len(way.coords):
            return
        for n in set(range(len(way.coords))) - set(keep):
            self.vertices[position_key(*way.coords[n])].remove(i)
        way.coords = [way.coords[n] for n in keep]
        if way.elevations is not None:
            way.elevations = [way.elevations[n] for n in keep]

    # -- the grid of earlier lines' segments ----------------------------------

    def _index_way(self, i: int) -> None:
        coords = self.ways[i].coords
        s0 = 0.0
        for a, b in zip(coords, coords[1:]):
            self._add_segment(i, a, b, s0)
            s0 += _metres(a, b)
        self.indexed.add(i)

    def _cell(self, p: LonLat) -> tuple[int, int]:
        return math.floor(p[0] / self.cell_lon), math.floor(p[1] / self.cell_lat)

    def _add_segment(self, way: int, a: LonLat, b: LonLat, s0: float) -> None:
        seg = _Segment(way, a, b, s0)
        self.segments[(way, a, b)].append(seg)
        x0, y0 = self._cell(
            (min(a[0], b[0]) - self.grow_lon, min(a[1], b[1]) - self.grow_lat)
        )
        x1, y1 = self._cell(
            (max(a[0], b[0]) + self.grow_lon, max(a[1], b[1]) + self.grow_lat)
        )
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                self.cells[(x, y)].append(seg)

    def _retire(self, way: int, a: LonLat, b: LonLat) -> float:
        """Retire one segment (a, b) of `way`, which its cells skip from now on;
        return where it started along its way."""
        seg = self.segments[(way, a, b)].pop()
        seg.alive = False
        return seg.s0


def _metres(a: LonLat, b: LonLat) -> float:
    """Flat distance, exact to millimetres over a segment of a trail."""
    kx = math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot((b[0] - a[0]) * kx, b[1] - a[1]) * METRES_PER_DEGREE
