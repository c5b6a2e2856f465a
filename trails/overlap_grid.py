"""The grid of the lines `trails/overlap.py` has merged so far: their segments
near other lines, registered in cells a few tolerances wide, so that a point's
nearest place on each earlier line within the tolerance is one cell's look-up;
and which lines pass through each vertex, so that a vertex moved or put in is
moved or put in on every line through it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from trails.geo import LonLat, degrees_for_metres
from trails.network import RawWay, position_key
from trails.snapping import METRES_PER_DEGREE, _project

Segment = tuple[LonLat, LonLat]


@dataclass(eq=False)
class GridSegment:
    way: int
    a: LonLat
    b: LonLat
    s0: float  # metres along its way where it starts, to see detours
    alive: bool = True


@dataclass
class Hit:
    distance_m: float
    segment: GridSegment
    t: float  # where the foot lies on the segment, 0..1
    along_m: float  # metres along the earlier line


class SegmentGrid:
    """The earlier lines' segments by cell, and the lines through each vertex."""

    def __init__(
        self,
        ways: list[RawWay],
        sequence: list[int],
        touching: list[int],
        near: dict[int, set[Segment]],
        tolerance_m: float,
    ):
        self.ways = ways
        self.near = near
        self.tolerance_m = tolerance_m
        # Cells several tolerances wide: a segment is registered in every cell its
        # box (grown by the tolerance) touches, so a look-up reads one cell.
        max_lat = max(abs(lat) for i in sequence for _, lat in ways[i].coords)
        self.grow_lon, self.grow_lat = degrees_for_metres(tolerance_m, max_lat)
        self.cell_lon, self.cell_lat = 4 * self.grow_lon, 4 * self.grow_lat
        self.cells: defaultdict[tuple[int, int], list[GridSegment]] = defaultdict(list)
        self.segments: defaultdict[tuple[int, LonLat, LonLat], list[GridSegment]] = (
            defaultdict(list)
        )
        self.indexed: set[int] = set()
        # Position key -> the ways with a vertex there, once per occurrence, so a
        # closed line counts twice at its start/end: the lines merged and every
        # line touching them.
        self.vertices: defaultdict[str, list[int]] = defaultdict(list)
        for i in sorted({*sequence, *touching}):
            for lon, lat in ways[i].coords:
                self.vertices[position_key(lon, lat)].append(i)
        # For a part of a line being merged with the parts before it: where it
        # starts along the whole line.
        self.offset_m = 0.0

    def _hits(self, p: LonLat, candidates: list[GridSegment]) -> dict[int, Hit]:
        hits: dict[int, Hit] = {}
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
                hits[seg.way] = Hit(d, seg, t, seg.s0 + t * seg_m)
        return hits

    def _index_way(self, i: int) -> None:
        """Index the line's segments near another line (those it was merged onto
        are indexed under that line already)."""
        coords = self.ways[i].coords
        near = self.near.get(i, set())
        s0 = self.offset_m
        for a, b in zip(coords, coords[1:]):
            if (a, b) in near:
                self._add_segment(i, a, b, s0)
            s0 += flat_metres(a, b)
        self.indexed.add(i)

    def _resegment(self, w: int, before: list[Segment], after: list[Segment]) -> None:
        """Line `w`'s segments `before` became `after` (a vertex put in or moved):
        keep the grid and the segments worth sampling up to date."""
        near = self.near.get(w)
        if near is not None and any(ab in near for ab in before):
            near.difference_update(before)
            near.update(after)
        if w not in self.indexed:
            return
        starts = [self._retire(w, a, b) for a, b in before]
        known = [s for s in starts if s is not None]
        if not known:
            return  # not indexed: far from any other line
        if len(known) < len(starts):
            # a moved vertex between a segment near another line and one far
            # from all: each new segment is indexed as the old one it replaces
            for (a, b), s0 in zip(after, starts):
                if s0 is not None:
                    self._add_segment(w, a, b, s0)
            return
        s0 = min(known)
        for a, b in after:
            self._add_segment(w, a, b, s0)
            s0 += flat_metres(a, b)

    def _cell(self, p: LonLat) -> tuple[int, int]:
        return math.floor(p[0] / self.cell_lon), math.floor(p[1] / self.cell_lat)

    def _add_segment(self, way: int, a: LonLat, b: LonLat, s0: float) -> None:
        seg = GridSegment(way, a, b, s0)
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

    def _retire(self, way: int, a: LonLat, b: LonLat) -> float | None:
        """Retire one segment (a, b) of `way`, which its cells skip from now on;
        return where it started along its way (None if it was not indexed)."""
        registered = self.segments.get((way, a, b))
        if not registered:
            return None
        seg = registered.pop()
        seg.alive = False
        return seg.s0


def segment_at(coords: list[LonLat], a: LonLat, b: LonLat) -> int:
    return next(
        n for n in range(len(coords) - 1) if coords[n] == a and coords[n + 1] == b
    )


def flat_length(coords: list[LonLat]) -> float:
    return sum(flat_metres(a, b) for a, b in zip(coords, coords[1:]))


def flat_metres(a: LonLat, b: LonLat) -> float:
    """Flat distance, exact to millimetres over a segment of a trail."""
    kx = math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot((b[0] - a[0]) * kx, b[1] - a[1]) * METRES_PER_DEGREE
