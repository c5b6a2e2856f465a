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

OpenStreetMap draws the same ground twice too, without shared nodes: a footway
mapped a metre beside a road, a track under a later road, a way that doubles back on
itself. `read_network` merges OSM ways with a tighter tolerance (see
`trails/formats.py`); their vertex ids change with their vertices: a replaced
stretch takes the earlier way's node ids, a moved junction the id of the vertex it
moves to, and a new vertex on a segment an id made of the segment's two ends,
`"{lower id}|{higher id}@{t:.4f}"`, t from the lower id's end, so every way over
that segment gets the same id whichever way it runs, and a second import the same
ids as the first.

With `itself` (OSM ways: a GPS track out and back is a walk, not a map), a line
also merges with itself: where a later stretch of it runs over an earlier one
more than `SELF_GAP_TOLERANCES` tolerances plus `min_m` further along (around the
loop, for a closed line), as an out-and-back drawn with nodes of its own does, or a
thin closed footway whose two sides are one path. Closer than that, only a way that
turns back on itself merges (its legs running opposite ways, more than
`TURN_GAP_TOLERANCES` apart along it, for more than `TURN_MIN_TOLERANCES`): a short
spur mapped out and back is one path, while a switchback's legs, further apart than
the tolerance, touch only at the turn and stay as they are. Such a line is cut at
each of its turns (a way can cover a stretch three times), each part merged onto
the parts before it like any later line, and the parts joined again.

A stretch of an OSM way between two nodes of an earlier way, with no junction
between, that strays up to `BUBBLE_TOLERANCES` tolerances from the earlier way's
stretch between those nodes (and is about as long) is that stretch drawn twice: too
far apart in its middle to make a run, it still joins the same two nodes over the
same ground. (Digitised lines share positions where snapping joined them, which
says less.)

Only lines that `trails/alongside.py` finds running beside another (or themselves)
get the close look, and only their segments near that other line are sampled.

The result: a stretch drawn twice is the same sequence of vertex keys in both lines.
Elevations stay aligned with the vertices (the replaced ones take the earlier
line's), and lines are processed in input order against the geometry as it stands,
so the result is deterministic.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, replace

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
# A line's own stretches merge only this many tolerances plus `min_m` apart along
# it: a tight bend's legs are within the tolerance of each other near the bend.
SELF_GAP_TOLERANCES = 4.0
# ...unless the line turns back on itself, its legs running opposite ways: then
# they merge from this many tolerances apart along it (a point on the way back
# is twice as far from its foot on the way out as from the turn), over more than
# TURN_MIN_TOLERANCES tolerances. A switchback's legs further apart than the
# tolerance are only that close right at the turn, and stay as they are.
TURN_GAP_TOLERANCES = 2.0
TURN_MIN_TOLERANCES = 3.0
# Looks at a line after a merge: each looks again where the line now enters and
# leaves the stretches merged, which can bring a cut corner within the tolerance.
LOOKS = 4
SHORT_ID = 40  # longer synthetic vertex ids become a hash
# A stretch between two vertices of an earlier line that strays from the earlier
# line's stretch between them by up to this many tolerances (never long enough
# within the tolerance to count as a run) is the same path drawn twice.
BUBBLE_TOLERANCES = 2.0

Segment = tuple[LonLat, LonLat]


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
    along_m: float = 0.0  # metres along the whole line (a part: from its start)


# A gap in the samples (segments far from any other line): it ends every stretch.
_GAP = _Sample(-1, 0.0, 0.0, {}, None)


@dataclass
class _Return:
    """A later part of a line cut at its turns to merge it with itself."""

    parts: tuple[int, ...]  # the way indexes of the parts before it, in order
    loop_m: float | None  # the whole line's length, if it ends where it starts


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
    *,
    itself: bool = False,
) -> tuple[list[RawWay], float]:
    """Copies of `ways` where stretches drawn twice share the earlier line's
    vertices, and the metres of ground merged; with `itself`, a line's own later
    stretches too. The input ways are not modified."""
    ways = list(ways)
    usable = [i for i, w in enumerate(ways) if len(w.coords) >= 2]
    if not usable or tolerance_m <= 0:
        return ways, 0.0
    gap_m = SELF_GAP_TOLERANCES * tolerance_m + min_m
    turn_gap_m = TURN_GAP_TOLERANCES * tolerance_m
    # numpy (some 20 MB) only when there are lines to compare: not in a web
    # process that never imports, nor for a file of our own export
    from trails.alongside import alongside

    found = alongside(
        [ways[i].coords for i in usable],
        tolerance_m,
        min_m,
        gap_m,
        turn_gap_m,
    )
    if not itself:
        found.returns.clear()
    if not found.pairs and not found.returns:
        return ways, 0.0
    involved = {usable[i] for pair in found.pairs for i in pair}
    later = {usable[b] for _, b in found.pairs}
    near: dict[int, set[Segment]] = {}
    for i, ns in found.near.items():
        coords = ways[usable[i]].coords
        # Two segments either side too: the close look samples from where the line
        # comes within the tolerance, and across a segment the lines already share.
        wider = {m for n in ns for m in range(n - 2, n + 3) if 0 <= m < len(coords) - 1}
        near[usable[i]] = {(coords[n], coords[n + 1]) for n in wider}
    # Lines that come back over themselves: cut at their turns, the later parts
    # appended.
    parts: dict[int, list[int]] = {}
    returns: dict[int, _Return] = {}
    for i, cuts_m in sorted(found.returns.items()):
        k = usable[i]
        whole = _copy(ways[k])
        cuts = sorted({n for n in (_cut_at(whole, m) for m in cuts_m) if n})
        if not cuts:
            continue
        loop_m = _length(whole.coords) if whole.coords[0] == whole.coords[-1] else None
        pieces = _split(whole, cuts)
        ways[k] = pieces[0]
        parts[k] = [k]
        for piece in pieces[1:]:
            ways.append(piece)
            returns[len(ways) - 1] = _Return(tuple(parts[k]), loop_m)
            parts[k].append(len(ways) - 1)
            near[len(ways) - 1] = near.get(k, set())
            later.add(len(ways) - 1)
        involved |= set(parts[k])
    # Copies of every line the merge may change: those merged and those touching.
    for i in sorted(involved - set(returns) - set(parts)):
        ways[i] = _copy(ways[i])
    touching = _touching(ways, involved)
    for i in touching:
        ways[i] = _copy(ways[i])
    # Input order, with a line's later parts straight after its first.
    sequence = [n for k in sorted(involved - set(returns)) for n in parts.get(k, [k])]
    merger = _Merger(
        ways,
        sequence,
        touching,
        later,
        near,
        returns,
        tolerance_m,
        min_m,
        gap_m,
        turn_gap_m,
    )
    merged = sum(merger.merge(i) for i in sequence)
    for k, ns in parts.items():
        for n in ns[1:]:
            ways[k] = _join(ways[k], ways[n])
    return ways[: len(ways) - len(returns)], merged


def _touching(ways: list[RawWay], involved: set[int]) -> list[int]:
    """Lines other than `involved` with a vertex at one of theirs: merging may move
    or add vertices of those too. (By exact position: shared vertices are shared
    nodes in OSM, and snapped or merged ones in digitised data.)"""
    at = {p for i in involved for p in ways[i].coords}
    return [
        i
        for i, w in enumerate(ways)
        if i not in involved and not at.isdisjoint(w.coords)
    ]


def _cut_at(way: RawWay, along_m: float) -> int | None:
    """The inner vertex nearest `along_m` metres along the line."""
    coords = way.coords
    if len(coords) < 3:
        return None
    best, s = None, 0.0
    for n in range(1, len(coords) - 1):
        s += _metres(coords[n - 1], coords[n])
        if best is None or abs(s - along_m) < best[0]:
            best = (abs(s - along_m), n)
    return best[1] if best else None


def _split(way: RawWay, cuts: list[int]) -> list[RawWay]:
    """The line cut at inner vertexes `cuts` (ascending), each cut vertex ending
    one part and starting the next."""

    def part(a: int, b: int) -> RawWay:
        return replace(
            way,
            coords=way.coords[a:b],
            vertex_ids=way.vertex_ids[a:b] if way.vertex_ids is not None else None,
            elevations=way.elevations[a:b] if way.elevations is not None else None,
        )

    ends = [0, *cuts, len(way.coords) - 1]
    return [part(a, b + 1) for a, b in zip(ends, ends[1:])]


def _join(first: RawWay, second: RawWay) -> RawWay:
    skip = 1 if first.coords[-1] == second.coords[0] else 0

    def both(a: list | None, b: list | None) -> list | None:
        return None if a is None or b is None else a + b[skip:]

    return replace(
        first,
        coords=first.coords + second.coords[skip:],
        vertex_ids=both(first.vertex_ids, second.vertex_ids),
        elevations=both(first.elevations, second.elevations),
    )


class _Merger:
    def __init__(
        self,
        ways: list[RawWay],
        sequence: list[int],
        touching: list[int],
        later: set[int],
        near: dict[int, set[Segment]],
        returns: dict[int, _Return],
        tolerance_m: float,
        min_m: float,
        gap_m: float,
        turn_gap_m: float,
    ):
        self.ways = ways
        self.later = later
        self.near = near
        self.returns = returns
        self.tolerance_m = tolerance_m
        self.min_m = min_m
        self.gap_m = gap_m
        self.turn_gap_m = turn_gap_m
        self.turn_min_m = TURN_MIN_TOLERANCES * tolerance_m
        self.step_m = tolerance_m / 2
        # Cells several tolerances wide: a segment is registered in every cell its
        # box (grown by the tolerance) touches, so a look-up reads one cell.
        max_lat = max(abs(lat) for i in sequence for _, lat in ways[i].coords)
        self.grow_lon, self.grow_lat = degrees_for_metres(tolerance_m, max_lat)
        self.cell_lon, self.cell_lat = 4 * self.grow_lon, 4 * self.grow_lat
        self.cells: defaultdict[tuple[int, int], list[_Segment]] = defaultdict(list)
        self.segments: defaultdict[tuple[int, LonLat, LonLat], list[_Segment]] = (
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
        self._current = -1  # the line being merged

    def merge(self, i: int) -> float:
        """Merge line `i` onto the lines before it, then make it one of them."""
        merged = 0.0
        self._current = i
        returning = self.returns.get(i)
        self.offset_m = 0.0
        if returning is not None:
            self.offset_m = sum(_length(self.ways[n].coords) for n in returning.parts)
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

    # -- finding the stretches ------------------------------------------------

    def _samples(self, i: int, near: set[Segment]) -> list[_Sample]:
        """Samples every half tolerance along the segments `near` of line `i`, with
        a gap wherever segments are left out."""
        coords = self.ways[i].coords
        returning = self.returns.get(i)
        samples: list[_Sample] = []
        cell_lon, cell_lat, cells = self.cell_lon, self.cell_lat, self.cells
        floor = math.floor
        last = len(coords) - 2
        along = self.offset_m
        for n, (a, b) in enumerate(zip(coords, coords[1:])):
            if (a, b) not in near:
                if samples and samples[-1] is not _GAP:
                    samples.append(_GAP)
                if returning is not None:  # only a part needs where it is along
                    along += _metres(a, b)
                continue
            seg_m = _metres(a, b)
            steps = max(1, math.ceil(seg_m / self.step_m))
            for k in range(steps + 1 if n == last else steps):
                f = k / steps
                p = (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)
                candidates = cells.get((floor(p[0] / cell_lon), floor(p[1] / cell_lat)))
                hits = self._hits(p, candidates) if candidates else {}
                s = along + f * seg_m
                if returning is not None and hits:
                    self._only_far_back(hits, returning, s, a, b)
                nearest = (
                    min(hits, key=lambda w: (hits[w].distance_m, w)) if hits else None
                )
                if k < steps:
                    samples.append(_Sample(n, f, seg_m / steps, hits, nearest, s))
                else:  # the line's last vertex
                    samples.append(_Sample(n + 1, 0.0, 0.0, hits, nearest, s))
            along += seg_m
        return samples

    def _only_far_back(
        self,
        hits: dict[int, _Hit],
        returning: _Return,
        along_m: float,
        a: LonLat,
        b: LonLat,
    ) -> None:
        """Drop a hit on the line's own earlier parts unless it is more than the
        gap back along the line (around the loop for a closed line), or more than
        the turn's gap on a leg running the opposite way."""
        for w in returning.parts:
            hit = hits.get(w)
            if hit is None:
                continue
            apart = self._apart(returning, along_m, hit)
            if apart > self.gap_m:
                continue
            if apart > self.turn_gap_m:
                seg = hit.segment
                kx = math.cos(math.radians(a[1])) ** 2
                cos = (b[0] - a[0]) * (seg.b[0] - seg.a[0]) * kx + (b[1] - a[1]) * (
                    seg.b[1] - seg.a[1]
                )
                if cos < 0:
                    continue
            del hits[w]

    @staticmethod
    def _apart(returning: _Return, along_m: float, hit: _Hit) -> float:
        apart = abs(along_m - hit.along_m)
        if returning.loop_m is not None:
            apart = min(apart, returning.loop_m - apart)
        return apart

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
        return [r for r in runs if r.metres > self._min_for(r, samples)]

    def _min_for(self, run: _Run, samples: list[_Sample]) -> float:
        """A run needs more than `min_m`, or less on the line's own way back from
        a turn (see TURN_MIN_TOLERANCES)."""
        returning = self.returns.get(self._current)
        if returning is None or run.way not in returning.parts:
            return self.min_m
        first = samples[run.first]
        apart = self._apart(returning, first.along_m, first.hits[run.way])
        return self.turn_min_m if apart <= self.gap_m else self.min_m

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
        self, i: int, hit: _Hit, junction: bool = False
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
        seg_m = _metres(seg.a, seg.b)
        n = _segment_at(self.ways[j].coords, seg.a, seg.b)
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
        n = _segment_at(coords, a, b)
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

    # -- the grid of earlier lines' segments ----------------------------------

    def _index_way(self, i: int) -> None:
        """Index the line's segments near another line (those it was merged onto
        are indexed under that line already)."""
        coords = self.ways[i].coords
        near = self.near.get(i, set())
        s0 = self.offset_m
        for a, b in zip(coords, coords[1:]):
            if (a, b) in near:
                self._add_segment(i, a, b, s0)
            s0 += _metres(a, b)
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
        s0 = None
        for a, b in before:
            starts = self._retire(w, a, b)
            s0 = starts if s0 is None else min(s0, starts)
        if s0 is None:
            return  # not indexed: far from any other line
        for a, b in after:
            self._add_segment(w, a, b, s0)
            s0 += _metres(a, b)

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

    def _retire(self, way: int, a: LonLat, b: LonLat) -> float | None:
        """Retire one segment (a, b) of `way`, which its cells skip from now on;
        return where it started along its way (None if it was not indexed)."""
        registered = self.segments.get((way, a, b))
        if not registered:
            return None
        seg = registered.pop()
        seg.alive = False
        return seg.s0


def _segment_at(coords: list[LonLat], a: LonLat, b: LonLat) -> int:
    return next(
        n for n in range(len(coords) - 1) if coords[n] == a and coords[n + 1] == b
    )


def _strays_within(line: list[LonLat], other: list[LonLat], reach_m: float) -> bool:
    """Whether every vertex of `line` is within `reach_m` of `other`, and the two
    are about as long."""
    length, other_m = _length(line), _length(other)
    if abs(length - other_m) > 0.25 * max(length, other_m):
        return False
    kx = math.cos(math.radians(line[0][1])) * METRES_PER_DEGREE
    return all(
        min(_project(p, a, b, kx)[0] for a, b in zip(other, other[1:])) <= reach_m
        for p in line
    )


def _length(coords: list[LonLat]) -> float:
    return sum(_metres(a, b) for a, b in zip(coords, coords[1:]))


def _metres(a: LonLat, b: LonLat) -> float:
    """Flat distance, exact to millimetres over a segment of a trail."""
    kx = math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot((b[0] - a[0]) * kx, b[1] - a[1]) * METRES_PER_DEGREE


def _short(vid: str) -> str:
    """A new vertex's id, kept short: ids made from ids made from ids (a vertex
    inserted next to one inserted before) would outgrow the columns."""
    if len(vid) <= SHORT_ID:
        return vid
    return "v" + hashlib.sha1(vid.encode()).hexdigest()[:16]
