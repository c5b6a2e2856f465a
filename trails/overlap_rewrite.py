"""Rewriting a stretch: a later line's vertices along a run are replaced by the
earlier line's own, entering and leaving at a junction, a vertex or a new vertex
of the earlier line (see `trails/overlap.py`); and stretches of an OSM way that
stray a little from an earlier way's between two shared nodes.
"""

from __future__ import annotations

import hashlib
import math

from trails.geo import LonLat, haversine_m, line_length_m
from trails.network import position_key
from trails.overlap_grid import Hit, Segment, flat_length, flat_metres, segment_at
from trails.overlap_runs import Run, Sample, StretchFinder
from trails.snapping import MERGE_M, METRES_PER_DEGREE, _fraction, _project

# Looks at a line after a merge: each looks again where the line now enters and
# leaves the stretches merged, which can bring a cut corner within the tolerance.
LOOKS = 4
SHORT_ID = 40  # longer synthetic vertex ids become a hash
# A stretch between two vertices of an earlier line that strays from the earlier
# line's stretch between them by up to this many tolerances (never long enough
# within the tolerance to count as a run) is the same path drawn twice.
BUBBLE_TOLERANCES = 2.0


class Merger(StretchFinder):
    """Merges each line in turn onto the lines before it."""

    def merge(self, i: int) -> float:
        """Merge line `i` onto the lines before it, then make it one of them."""
        merged = 0.0
        self._current = i
        returning = self.returns.get(i)
        self.offset_m = 0.0
        if returning is not None:
            self.offset_m = sum(
                flat_length(self.ways[n].coords) for n in returning.parts
            )
        # Another look after a merge: where the line now enters a stretch, its
        # segment before may have come within the tolerance of the earlier line.
        self.ends: set[Segment] = set()
        for look in range(LOOKS if self.indexed and i in self.later else 0):
            samples = self._samples(i, self.ends if look else self.near.get(i, set()))
            self.ends = set()
            # From the last run back, so the earlier runs' vertex indexes hold.
            metres = 0.0
            for run in reversed(self._runs(samples)):
                metres += self._rewrite(i, run, samples)
            self._drop_repeats(i)
            merged += metres
            if not metres:
                break
        if self.indexed and i in self.later:
            merged += self._bubbles(i)
        self._index_way(i)
        return merged

    # -- rewriting a stretch --------------------------------------------------

    def _rewrite(self, i: int, run: Run, samples: list[Sample]) -> float:
        j = run.way
        first, last = samples[run.first], samples[run.last]
        entry = self._land(i, first.hits[j], junction=True)
        exit_ = self._land(i, last.hits[j], junction=True)
        if entry is None or exit_ is None or entry[0] == exit_[0]:
            return 0.0
        # The earlier line's stretch is about as long as the later line's run; if
        # it is much longer, the two lines are not one path there (a closed line
        # entered across its start, say), and the later line stays as it is.
        stretch = self._stretch(j, entry[0], exit_[0])
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
                if new is not None and new[0] != old:
                    self._relocate(i, old, *new)
        stretch = self._stretch(j, entry[0], exit_[0])  # again: relocating adds some
        if stretch is None:
            return 0.0
        return self._replace(i, start, end, j, stretch)

    def _replace(
        self, i: int, start: int, end: int, j: int, stretch: list[int]
    ) -> float:
        """Replace line `i`'s vertices `start`..`end` with line `j`'s `stretch`;
        return the metres of ground that became shared."""
        way = self.ways[i]
        target = self.ways[j]
        new_coords = [target.coords[n] for n in stretch]
        # Ground the line already covers (a second look re-enters its stretches).
        before = set(zip(way.coords, way.coords[1:]))
        fresh = [
            (a, b) for a, b in zip(new_coords, new_coords[1:]) if (a, b) not in before
        ]
        if not fresh:
            return 0.0  # the same vertices already: one piece of ground
        for lon, lat in way.coords[start : end + 1]:
            self.vertices[position_key(lon, lat)].remove(i)
        for lon, lat in new_coords:
            self.vertices[position_key(lon, lat)].append(i)
        way.coords[start : end + 1] = new_coords
        # The second look: the segments into and out of the stretch, and a few of
        # it, so that a run there is long enough to count.
        stop = start + len(new_coords) - 1
        for lo, hi in ((start - 1, start + 4), (stop - 4, stop + 1)):
            lo, hi = max(0, lo), min(len(way.coords) - 1, hi)
            self.ends.update(zip(way.coords[lo:hi], way.coords[lo + 1 : hi + 1]))
        if way.vertex_ids is not None:
            way.vertex_ids[start : end + 1] = [self._id(j, n) for n in stretch]
        if way.elevations is not None:
            eles = target.elevations
            way.elevations[start : end + 1] = [
                eles[n] if eles is not None else None for n in stretch
            ]
        return sum(line_length_m(ab) for ab in fresh)

    def _bubbles(self, i: int) -> float:
        """Stretches of OSM way `i` between two nodes of an earlier way, with no
        junction between, that stay within BUBBLE_TOLERANCES tolerances of the
        earlier line's stretch between those vertices: replaced by that stretch."""
        if self.ways[i].vertex_ids is None:
            return 0.0  # shared positions may be snapping's work, not one node
        coords = self.ways[i].coords
        vertices = self.vertices
        shared = [
            n for n, p in enumerate(coords) if len(vertices[position_key(*p)]) > 1
        ]
        reach_m = BUBBLE_TOLERANCES * self.tolerance_m
        merged = 0.0
        # From the last back, so the earlier ones' vertex indexes hold.
        for n1, n2 in reversed(list(zip(shared, shared[1:]))):
            coords = self.ways[i].coords
            mine = coords[n1 : n2 + 1]
            ka, kb = position_key(*coords[n1]), position_key(*coords[n2])
            both = set(vertices[ka]) & set(vertices[kb]) & self.indexed
            for j in sorted(both - {i}):
                stretch = self._stretch(j, coords[n1], coords[n2])
                if stretch is None or len(stretch) + len(mine) < 5:
                    continue
                theirs = [self.ways[j].coords[n] for n in stretch]
                if _strays_within(mine, theirs, reach_m) and _strays_within(
                    theirs, mine, reach_m
                ):
                    merged += self._replace(i, n1, n2, j, stretch)
                    break
        return merged

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

    def _id(self, w: int, n: int) -> str:
        """The key build_network gives vertex `n` of line `w`."""
        way = self.ways[w]
        if way.vertex_ids is not None:
            return way.vertex_ids[n]
        return position_key(*way.coords[n])

    def _land(
        self, i: int, hit: Hit, junction: bool = False
    ) -> tuple[LonLat, str] | None:
        """A vertex of the hit line at the hit (see the module docstring) and its
        id, or None if that line has moved away since."""
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
        j = seg.way
        if junction:
            near = self._junction_near(j, foot)
            if near is not None:
                return self.ways[j].coords[near], self._id(j, near)
        seg_m = flat_metres(seg.a, seg.b)
        n = segment_at(self.ways[j].coords, seg.a, seg.b)
        if hit.t * seg_m <= MERGE_M:
            return seg.a, self._id(j, n)
        if (1 - hit.t) * seg_m <= MERGE_M:
            return seg.b, self._id(j, n + 1)
        # The new vertex's id is the same from either end of the segment, so every
        # line over it (and a second import) gets the same one.
        ia, ib = self._id(j, n), self._id(j, n + 1)
        t = hit.t if ia <= ib else 1 - hit.t
        vid = _short(f"{min(ia, ib)}|{max(ia, ib)}@{t:.4f}")
        # Every line with this segment gets the vertex, so that lines merged onto
        # each other before keep sharing their vertex keys. Not the line being
        # merged: its vertex indexes must hold until its stretches are rewritten.
        ka, kb = position_key(*seg.a), position_key(*seg.b)
        ele = self._insert(j, seg.a, seg.b, foot, vid, None)
        for w in sorted(set(self.vertices[ka]) & set(self.vertices[kb])):
            if w not in (j, i):
                coords = self.ways[w].coords
                for m in range(len(coords) - 1):
                    if {coords[m], coords[m + 1]} == {seg.a, seg.b}:
                        self._insert(w, coords[m], coords[m + 1], foot, vid, ele)
                        break
        return foot, vid

    def _junction_near(self, j: int, foot: LonLat) -> int | None:
        """The nearest vertex of line `j` within the tolerance of `foot` that is a
        junction: an end of the line, or a vertex another line passes through."""
        coords = self.ways[j].coords
        best: tuple[float, int] | None = None
        reach_lon, reach_lat = 1.5 * self.grow_lon, 1.5 * self.grow_lat
        for n, (lon, lat) in enumerate(coords):
            if abs(lon - foot[0]) > reach_lon or abs(lat - foot[1]) > reach_lat:
                continue
            if (
                0 < n < len(coords) - 1
                and len(self.vertices[position_key(lon, lat)]) < 2
            ):
                continue
            d = haversine_m(foot[0], foot[1], lon, lat)
            if d <= self.tolerance_m and (best is None or (d, n) < best):
                best = (d, n)
        return best[1] if best else None

    def _insert(
        self, w: int, a: LonLat, b: LonLat, point: LonLat, vid: str, ele: float | None
    ) -> float | None:
        """Put `point` (id `vid`) into line `w` between its consecutive vertices a
        and b; return the elevation it gets (`ele`, else interpolated)."""
        way = self.ways[w]
        coords = way.coords
        n = segment_at(coords, a, b)
        coords.insert(n + 1, point)
        if way.vertex_ids is not None:
            way.vertex_ids.insert(n + 1, vid)
        if way.elevations is not None:
            ea, eb = way.elevations[n], way.elevations[n + 1]
            if ele is None and ea is not None and eb is not None:
                ele = ea + _fraction(a, b, point) * (eb - ea)
            way.elevations.insert(n + 1, ele)
        self.vertices[position_key(*point)].append(w)
        self._resegment(w, [(a, b)], [(a, point), (point, b)])
        return ele

    def _relocate(self, i: int, old: LonLat, new: LonLat, vid: str) -> None:
        """Move the vertex at `old` to `new` (id `vid`) in every other line through
        it, so a junction on a merged stretch stays a junction."""
        key = position_key(*old)
        for w in sorted(set(self.vertices[key]) - {i}):
            way = self.ways[w]
            coords = way.coords
            for n in [n for n, p in enumerate(coords) if p == old]:
                pairs = [(m, m + 1) for m in (n - 1, n) if 0 <= m < len(coords) - 1]
                before = [(coords[a], coords[b]) for a, b in pairs]
                coords[n] = new
                if way.vertex_ids is not None:
                    way.vertex_ids[n] = vid
                self.vertices[key].remove(w)
                self.vertices[position_key(*new)].append(w)
                self._resegment(w, before, [(coords[a], coords[b]) for a, b in pairs])

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
        if way.vertex_ids is not None:
            way.vertex_ids = [way.vertex_ids[n] for n in keep]
        if way.elevations is not None:
            way.elevations = [way.elevations[n] for n in keep]


def _strays_within(line: list[LonLat], other: list[LonLat], reach_m: float) -> bool:
    """Whether every vertex of `line` is within `reach_m` of `other`, and the two
    are about as long."""
    length, other_m = flat_length(line), flat_length(other)
    if abs(length - other_m) > 0.25 * max(length, other_m):
        return False
    kx = math.cos(math.radians(line[0][1])) * METRES_PER_DEGREE
    return all(
        min(_project(p, a, b, kx)[0] for a, b in zip(other, other[1:])) <= reach_m
        for p in line
    )


def _short(vid: str) -> str:
    """A new vertex's id, kept short: ids made from ids made from ids (a vertex
    inserted next to one inserted before) would outgrow the columns."""
    if len(vid) <= SHORT_ID:
        return vid
    return "v" + hashlib.sha1(vid.encode()).hexdigest()[:16]
