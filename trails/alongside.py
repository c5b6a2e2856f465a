"""Which lines may run over the same ground: a quick first look, all lines at once.

`trails/overlap.py` looks closely at a line (a sample every half tolerance, the
nearest earlier line to each) to merge what is drawn twice. That is far too slow to
do for every line of an OSM region, where almost no line runs beside another, so
this module finds the few that might:

- every line is cut, in a flat projection around the data's centre (metres, good
  to a fraction of a percent over a region tens of km wide), into stretches of
  consecutive segments, at most `CHUNK_M` long, that turn too little for the
  line to come back beside itself within one (`_straight`);
- the stretches go into a grid of `CELL_M` cells, a band of columns at a time:
  each into every cell its box, grown by half the tolerance, touches, so two
  stretches within the tolerance of each other share a cell; a pair is looked
  at in the first cell the two share, and two stretches of one line only if the
  line turns enough between them; nor two whose headings (each stretch's least
  and greatest) keep every segment of one more than 45 degrees off parallel
  to every segment of the other;
- of two such stretches, only segments whose boxes meet and that run within
  `PARALLEL_COS` of parallel (or antiparallel) are compared, which drops the
  crossings at junctions that make most of the pairs in a town; they are cut
  into pieces of at most `PIECE_M`, and each pair of pieces counts with the
  metres of each piece beside the other, within the tolerance;
- two lines are a candidate when each has more than `NEAR_SHARE` of `min_m` beside
  the other; a line is a candidate with itself when two of its stretches more than
  `gap_m` apart along it (around the loop, for a closed line) run beside each other,
  or, running opposite ways, more than `turn_gap_m` apart: a way that turns back on
  itself (the close look may merge less than `min_m` there). Such a line is
  cut at every turn (the middle of each cluster of its own opposite pairs), else
  once between its earlier and its later stretch.

Lines that share a segment (the same two vertices) already share that ground, and
their pieces there do not count. The answer is generous on purpose: the close look
decides.

Plain Python, not numpy: only the few segments that run side by side are cut into
pieces, so nothing holds every piece of a region at once (numpy's arrays of them,
and numpy itself, made a region's import a quarter larger in memory).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from statistics import median

from trails.geo import EARTH_RADIUS_M

LonLat = tuple[float, float]
PIECE_M = 20.0
# |cos| of the angle between two pieces above which they may be one path drawn
# twice: within 45 degrees. A GPS track's wobble stays well inside it.
PARALLEL_COS = 0.7
# Two headings further than this from a multiple of pi apart are not within
# PARALLEL_COS of parallel (0.01 radians more, for the running heading's rounding).
NOT_PARALLEL = math.acos(PARALLEL_COS) + 0.01
NEAR_SHARE = 0.75
# Two segments of one line more than this far apart may run opposite ways
# (cos < -PARALLEL_COS is more than 134.4 degrees).
OPPOSITE = math.radians(134)
# A stretch's length at most, and the grid's cells: on the demo region a stretch
# is four segments on average (the mountain paths turn), and cells from 40 to
# 120 m and stretches from 40 to 150 m take within 5% of the same time.
CHUNK_M = 100.0
CELL_M = 80.0
BAND_CELLS = 32  # 2.6 km: a band's cells are all that is in memory at once


@dataclass
class Alongside:
    pairs: set[tuple[int, int]]  # (a, b), a < b: lines that may share ground
    # A line that may come back over its own ground: where to cut it (metres along
    # it, ascending) so that no part runs over its own ground.
    returns: dict[int, list[float]]
    # For each line in some pair (or returning): its segments (n: from vertex n to
    # n + 1) near the other line, the only ones worth a close look.
    near: dict[int, list[int]]


def alongside(
    lines: Sequence[Sequence[LonLat]],
    tolerance_m: float,
    min_m: float,
    gap_m: float,
    turn_gap_m: float | None = None,
    focus: set[int] | None = None,
) -> Alongside:
    """Lines (by index) that may run within `tolerance_m` of each other, or of
    themselves, for more than `min_m`; see the module docstring. With `focus`,
    only pairs with a line in it (the others were looked at before)."""
    found = Alongside(set(), {}, {})
    turn_gap_m = gap_m if turn_gap_m is None else turn_gap_m
    if sum(len(c) for c in lines) < 2:
        return found
    straight = _straight(tolerance_m, gap_m)
    # Boxes grown by half the tolerance meet when their stretches come within it.
    stretches = _Stretches(straight, gap_m, tolerance_m / 2 + 1e-6)
    segments = _Segments(lines, stretches)
    if focus is not None:
        stretches.keep_near(focus)
    beside = _Beside()
    on = stretches.way
    for one, other in _stretch_pairs(segments, stretches, straight):
        if focus is not None and on[one] not in focus and on[other] not in focus:
            continue
        for a, b in _segment_pairs(segments, stretches, one, other, straight):
            beside.add(segments, a, b, tolerance_m, gap_m, turn_gap_m)
    for (lo, hi), sums in beside.by_lines.items():
        if min(sums.hi_m, sums.lo_m) <= NEAR_SHARE * min_m:
            continue
        for w, n in sums.segments:
            found.near.setdefault(w, []).append(n)
        if lo != hi:
            found.pairs.add((lo, hi))
            continue
        loop_m = segments.total[lo] if segments.closed[lo] else None
        cuts = _cuts(sums.own, loop_m)
        if cuts:
            found.returns[lo] = cuts
    for w, ns in found.near.items():
        found.near[w] = sorted(set(ns))
    return found


def _cuts(own: list[tuple[float, float, bool]], loop_m: float | None) -> list[float]:
    """Where to cut a line whose pieces at `earlier` run beside its pieces at
    `later` (metres along it; `own` holds (earlier, later, opposite)): at each
    turn, the middle of a cluster of pairs running opposite ways; else once
    between the two stretches."""
    middles = sorted(
        (earlier + later) / 2
        for earlier, later, opposite in own
        # across a closed line's start: that is a cut already
        if opposite and (loop_m is None or later - earlier <= loop_m / 2)
    )
    if middles:
        turns = [[middles[0]]]
        for before, after in zip(middles, middles[1:]):
            if after - before > PIECE_M:
                turns.append([])
            turns[-1].append(after)
        return [median(t) for t in turns]
    last_earlier = max(earlier for earlier, _, _ in own)
    first_later = min(later for _, later, _ in own)
    if last_earlier >= first_later:
        return []
    return [(last_earlier + first_later) / 2]


class _Segments:
    """Every line's node-to-node segments in flat metres, by the index of their
    first vertex among all the lines' vertices (one after another), and the
    lines cut into `stretches`."""

    def __init__(self, lines: Sequence[Sequence[LonLat]], stretches: _Stretches):
        self.lines = lines
        lon_min = lat_min = math.inf
        lon_max = lat_max = -math.inf
        for coords in lines:
            if coords:
                lons, lats = zip(*coords)
                lon_min, lon_max = min(lon_min, *lons), max(lon_max, *lons)
                lat_min, lat_max = min(lat_min, *lats), max(lat_max, *lats)
        lon0, lat0 = (lon_min + lon_max) / 2, (lat_min + lat_max) / 2
        ky = math.radians(1) * EARTH_RADIUS_M
        kx = ky * math.cos(math.radians(lat0))
        self.x, self.y = array("d"), array("d")
        # A segment's length and where it starts along its line (a line's last
        # vertex starts none: length 0), and its heading in radians, counted on
        # from the line's first so that a line turning round goes past pi
        # rather than jump back.
        self.length, self.along = array("d"), array("d")
        self.heading = array("d")
        self.way = array("i")
        self.first: list[int] = []
        self.total: list[float] = []
        self.closed: list[bool] = []
        hypot, atan2, pi, tau = math.hypot, math.atan2, math.pi, math.tau
        for w, coords in enumerate(lines):
            self.first.append(len(self.x))
            if not coords:
                self.total.append(0.0)
                self.closed.append(False)
                continue
            lons, lats = zip(*coords)
            xs = [(lon - lon0) * kx for lon in lons]
            ys = [(lat - lat0) * ky for lat in lats]
            dxs = [b - a for a, b in zip(xs, xs[1:])]
            dys = [b - a for a, b in zip(ys, ys[1:])]
            ms = list(map(hypot, dxs, dys))
            bearings = list(map(atan2, dys, dxs))
            turns = [(b - a + pi) % tau - pi for a, b in zip(bearings, bearings[1:])]
            along = list(accumulate(ms, initial=0.0))
            heading = list(accumulate(turns, initial=bearings[0] if ms else 0.0))
            if ms:
                stretches.cut(w, self.first[w], xs, ys, along, heading)
            # fromlist: extend takes each item through the iterator protocol,
            # a tenth of the time here
            self.x.fromlist(xs)
            self.y.fromlist(ys)
            ms.append(0.0)  # the last vertex
            heading.append(0.0)
            self.length.fromlist(ms)
            self.along.fromlist(along)
            self.heading.fromlist(heading)
            self.way.fromlist([w] * len(coords))
            self.total.append(along[-1])
            self.closed.append(coords[0] == coords[-1])

    def direction(self, v: int) -> tuple[float, float]:
        """Segment v's unit vector."""
        m = self.length[v]
        return (self.x[v + 1] - self.x[v]) / m, (self.y[v + 1] - self.y[v]) / m

    def lonlat(self, v: int) -> LonLat:
        w = self.way[v]
        return self.lines[w][v - self.first[w]]

    def same_ends(self, a: int, b: int) -> bool:
        """Whether segments a and b join the same two vertices, either way round."""
        a0, a1, b0, b1 = (
            self.lonlat(a),
            self.lonlat(a + 1),
            self.lonlat(b),
            self.lonlat(b + 1),
        )
        return (a0 == b0 and a1 == b1) or (a0 == b1 and a1 == b0)


class _Stretches:
    """Each line cut into stretches of consecutive segments, at most `CHUNK_M`
    long (or one longer segment), along which no two pieces can run beside each
    other: its heading stays within `OPPOSITE`, and within `straight` unless it
    is at most `gap_m` long (see `_straight`). Each stretch has its box, grown
    by `grow`."""

    def __init__(self, straight: float, gap_m: float, grow: float):
        self.straight, self.gap_m, self.grow = straight, gap_m, grow
        self.first, self.last = array("i"), array("i")  # its segments
        self.way = array("i")
        self.x0, self.x1 = array("d"), array("d")
        self.y0, self.y1 = array("d"), array("d")
        # The least and greatest heading of its segments (see _Segments).
        self.low, self.high = array("d"), array("d")

    def cut(
        self,
        w: int,
        offset: int,
        xs: list[float],
        ys: list[float],
        along: list[float],
        heading: list[float],
    ) -> None:
        """Cut line w (its first vertex `offset` among all lines' vertices)."""
        straight, gap_m = self.straight, self.gap_m
        start, low, high, s0 = 0, heading[0], heading[0], 0.0
        for n in range(1, len(xs) - 1):
            t = heading[n]
            low_was, high_was = low, high  # the stretch's, if it ends before n
            if t < low:
                low = t
            elif t > high:
                high = t
            metres = along[n + 1] - s0
            if (
                metres > CHUNK_M
                or high - low >= OPPOSITE
                or (high - low >= straight and metres > gap_m)
            ):
                self._add(w, offset, start, n - 1, xs, ys, low_was, high_was)
                start, low, high, s0 = n, t, t, along[n]
        self._add(w, offset, start, len(xs) - 2, xs, ys, low, high)

    def _add(
        self,
        w: int,
        offset: int,
        first: int,
        last: int,
        xs: list,
        ys: list,
        low: float,
        high: float,
    ) -> None:
        grow = self.grow
        self.first.append(offset + first)
        self.last.append(offset + last)
        self.way.append(w)
        xs, ys = xs[first : last + 2], ys[first : last + 2]
        self.x0.append(min(xs) - grow)
        self.x1.append(max(xs) + grow)
        self.y0.append(min(ys) - grow)
        self.y1.append(max(ys) + grow)
        self.low.append(low)
        self.high.append(high)

    def keep_near(self, focus: set[int]) -> None:
        """Keep only the stretches of lines in `focus` and those sharing a grid
        cell with one of them."""
        near = set()
        for k, w in enumerate(self.way):
            if w in focus:
                near.update(self._cells(k))
        kept = [
            k
            for k, w in enumerate(self.way)
            if w in focus or not near.isdisjoint(self._cells(k))
        ]
        for name in ("first", "last", "way", "x0", "x1", "y0", "y1", "low", "high"):
            values = getattr(self, name)
            setattr(self, name, array(values.typecode, [values[k] for k in kept]))

    def _cells(self, k: int) -> Iterator[tuple[int, int]]:
        c0, c1 = int(self.x0[k] // CELL_M), int(self.x1[k] // CELL_M)
        r0, r1 = int(self.y0[k] // CELL_M), int(self.y1[k] // CELL_M)
        return ((c, r) for c in range(c0, c1 + 1) for r in range(r0, r1 + 1))


class _Grid:
    """The stretches in cells of `CELL_M`: each in every cell its box touches, so
    two stretches within the tolerance of each other share a cell. The cells
    are made a band of `BAND_CELLS` columns at a time, so that a region's cells
    are never all in memory at once."""

    def __init__(self, stretches: _Stretches):
        x_low, y_low = min(stretches.x0), min(stretches.y0)
        self.rows = int((max(stretches.y1) - y_low) / CELL_M) + 1
        # Each stretch's box in cells: columns col0..col1, rows row0..row1.
        self.col0 = array("i", [int((v - x_low) / CELL_M) for v in stretches.x0])
        self.col1 = array("i", [int((v - x_low) / CELL_M) for v in stretches.x1])
        self.row0 = array("i", [int((v - y_low) / CELL_M) for v in stretches.y0])
        self.row1 = array("i", [int((v - y_low) / CELL_M) for v in stretches.y1])
        # Stretches by their first column, to make the cells band by band.
        self.by_column = sorted(range(len(self.col0)), key=self.col0.__getitem__)

    def bands(self) -> Iterator[dict[int, list[int]]]:
        """The cells (by column * rows + row: the stretches in them), a band of
        columns at a time."""
        col0, col1, row0, row1 = self.col0, self.col1, self.row0, self.row1
        rows, by_column = self.rows, self.by_column
        waiting: list[int] = []  # stretches reaching into later bands
        at, last = 0, -1
        while at < len(by_column) or waiting:
            if waiting:
                first = last + 1
            else:
                first = col0[by_column[at]]
                first -= first % BAND_CELLS
            last = first + BAND_CELLS - 1
            todo, waiting = waiting, []
            while at < len(by_column) and col0[by_column[at]] <= last:
                todo.append(by_column[at])
                at += 1
            todo.sort()  # so that each cell holds its stretches in order
            cells: dict[int, list[int]] = {}
            for k in todo:
                c0, c1 = col0[k], col1[k]
                if c1 > last:
                    waiting.append(k)
                    c1 = last
                if c0 < first:
                    c0 = first
                for c in range(c0, c1 + 1):
                    for key in range(c * rows + row0[k], c * rows + row1[k] + 1):
                        cell = cells.get(key)
                        if cell is None:
                            cells[key] = [k]
                        else:
                            cell.append(k)
            yield cells


def _stretch_pairs(
    segments: _Segments, stretches: _Stretches, straight: float
) -> Iterator[tuple[int, int]]:
    """Every pair of stretches (a < b) whose boxes meet, once; of one line's
    stretches, only two between which it turns by `straight` or more."""
    grid = _Grid(stretches)
    rows, col0, row0 = grid.rows, grid.col0, grid.row0
    x0, x1, y0, y1 = stretches.x0, stretches.x1, stretches.y0, stretches.y1
    way, first, last = stretches.way, stretches.first, stretches.last
    low, high = stretches.low, stretches.high
    heading = segments.heading
    floor, pi = math.floor, math.pi
    for cells in grid.bands():
        for key, cell in cells.items():
            if len(cell) < 2:
                continue
            if way[cell[0]] == way[cell[-1]]:  # one line's stretches only
                a, b = cell[0], cell[-1]
                if b == a + 1:  # two in a row (most cells)
                    turn = max(high[a], high[b]) - min(low[a], low[b])
                else:
                    bearings = heading[first[a] : last[b] + 1]
                    turn = max(bearings) - min(bearings)
                if turn < straight:
                    continue
            c, r = divmod(key, rows)
            for i, a in enumerate(cell):
                ax0, ax1, ay0, ay1, ca, ra, la, ha = (
                    x0[a],
                    x1[a],
                    y0[a],
                    y1[a],
                    col0[a],
                    row0[a],
                    low[a],
                    high[a],
                )
                for b in cell[i + 1 :]:
                    if x0[b] > ax1 or ax0 > x1[b] or y0[b] > ay1 or ay0 > y1[b]:
                        continue
                    cb, rb = col0[b], row0[b]
                    if (ca if ca > cb else cb) != c or (ra if ra > rb else rb) != r:
                        continue  # they meet in an earlier cell too
                    # No segment of one runs near parallel to one of the other
                    # when the headings' differences, from the least to the
                    # greatest, stay clear of every multiple of pi.
                    apart = low[b] - ha
                    gap = (floor((apart - NOT_PARALLEL) / pi) + 1) * pi - NOT_PARALLEL
                    if high[b] - la <= gap:
                        continue
                    if way[a] == way[b]:
                        if b == a + 1:
                            turn = max(ha, high[b]) - min(la, low[b])
                        else:
                            bearings = heading[first[a] : last[b] + 1]
                            turn = max(bearings) - min(bearings)
                        if turn < straight:
                            continue
                    yield a, b


def _segment_pairs(
    segments: _Segments, stretches: _Stretches, one: int, other: int, straight: float
) -> Iterator[tuple[int, int]]:
    """The pairs of segments, one from each stretch, whose boxes meet and that run
    within `PARALLEL_COS` of parallel; of one line, only two between which it
    turns by `straight` or more."""
    x, y, length, heading = segments.x, segments.y, segments.length, segments.heading
    grow = stretches.grow
    ox0, ox1 = stretches.x0[other], stretches.x1[other]
    oy0, oy1 = stretches.y0[other], stretches.y1[other]
    sx0, sx1 = stretches.x0[one], stretches.x1[one]
    sy0, sy1 = stretches.y0[one], stretches.y1[one]
    one_line = stretches.way[one] == stretches.way[other]
    boxes = []
    for b in range(stretches.first[other], stretches.last[other] + 1):
        xa, xb, ya, yb = x[b], x[b + 1], y[b], y[b + 1]
        if (xa if xa < xb else xb) - grow > sx1 or (xb if xa < xb else xa) + grow < sx0:
            continue
        if (ya if ya < yb else yb) - grow > sy1 or (yb if ya < yb else ya) + grow < sy0:
            continue
        if xa != xb or ya != yb:
            boxes.append(
                (
                    b,
                    (xa if xa < xb else xb) - grow,
                    (xb if xa < xb else xa) + grow,
                    (ya if ya < yb else yb) - grow,
                    (yb if ya < yb else ya) + grow,
                    (xb - xa) / length[b],
                    (yb - ya) / length[b],
                )
            )
    if not boxes:
        return
    for a in range(stretches.first[one], stretches.last[one] + 1):
        xa, xb, ya, yb = x[a], x[a + 1], y[a], y[a + 1]
        ax0, ax1 = (xa if xa < xb else xb) - grow, (xb if xa < xb else xa) + grow
        ay0, ay1 = (ya if ya < yb else yb) - grow, (yb if ya < yb else ya) + grow
        if (xa == xb and ya == yb) or ox0 > ax1 or ax0 > ox1 or oy0 > ay1 or ay0 > oy1:
            continue
        uxa, uya = (xb - xa) / length[a], (yb - ya) / length[a]
        for b, bx0, bx1, by0, by1, uxb, uyb in boxes:
            if bx0 > ax1 or ax0 > bx1 or by0 > ay1 or ay0 > by1:
                continue
            if abs(uxa * uxb + uya * uyb) <= PARALLEL_COS:
                continue
            if one_line:
                bearings = heading[a : b + 1]
                if max(bearings) - min(bearings) < straight:
                    continue
            yield a, b


def _straight(tolerance_m: float, gap_m: float) -> float:
    """A line whose heading stays within this many radians between two of its
    segments cannot come back beside itself between them: two of its pieces
    beside each other have middles within `near` of each other, while a line
    keeping within that arc moves on by at least cos(half the arc) times the
    distance along it, and pieces count only more than `gap_m` apart along it.
    (Pieces running opposite ways are more than 134 degrees apart: always
    looked at.)"""
    near = PIECE_M / 2 + math.hypot(PIECE_M / 2, tolerance_m)
    if near >= gap_m:
        return 0.0
    return min(math.radians(134), 0.99 * 2 * math.acos(near / gap_m))


@dataclass
class _Sums:
    """What two lines (lo <= hi) have beside each other."""

    hi_m: float = 0.0  # metres of the higher line beside the lower
    lo_m: float = 0.0  # and of the lower beside the higher
    segments: set[tuple[int, int]] = field(default_factory=set)  # (line, n)
    # A line with itself: (earlier, later, opposite) for each pair of its pieces
    own: list[tuple[float, float, bool]] = field(default_factory=list)


class _Beside:
    """The metres each line has beside each other line, pair of pieces by pair."""

    def __init__(self) -> None:
        self.by_lines: dict[tuple[int, int], _Sums] = {}

    def add(
        self,
        segments: _Segments,
        a: int,
        b: int,
        tolerance_m: float,
        gap_m: float,
        turn_gap_m: float,
    ) -> None:
        """Count the pieces of segments a and b (parallel, maybe within the
        tolerance) that run beside each other."""
        way, x, y = segments.way, segments.x, segments.y
        wa, wb = way[a], way[b]
        (uxa, uya), (uxb, uyb) = segments.direction(a), segments.direction(b)
        cos = uxa * uxb + uya * uyb
        la, lb = segments.length[a], segments.length[b]
        sa, sb = segments.along[a], segments.along[b]
        if wa == wb:
            # Most pairs are a line's own neighbouring segments: no two of their
            # pieces are far enough apart along it to count.
            reach = max(sa + la, sb + lb) - min(sa, sb)
            if reach <= (turn_gap_m if cos < 0 else gap_m) and reach <= gap_m:
                return
            total = segments.total[wa]
            closed = segments.closed[wa]
        xa0, ya0, xb0, yb0 = x[a], y[a], x[b], y[b]
        # No piece of one beside the other if the whole segments are not.
        if not (
            _beside(xa0, ya0, uxa, uya, la, xb0, yb0, uxb, uyb, lb, tolerance_m)
            or _beside(xb0, yb0, uxb, uyb, lb, xa0, ya0, uxa, uya, la, tolerance_m)
        ):
            return
        hits = []
        na, nb = max(1, math.ceil(la / PIECE_M)), max(1, math.ceil(lb / PIECE_M))
        pa, pb = la / na, lb / nb
        dxa, dya, dxb, dyb = (
            x[a + 1] - xa0,
            y[a + 1] - ya0,
            x[b + 1] - xb0,
            y[b + 1] - yb0,
        )
        for i in range(na):
            fa = i / na
            xa, ya = xa0 + dxa * fa, ya0 + dya * fa
            at_a = sa + la * fa + pa / 2
            for j in range(nb):
                fb = j / nb
                at_b = sb + lb * fb + pb / 2
                if wa == wb:
                    apart = abs(at_a - at_b)
                    if closed:
                        apart = min(apart, total - apart)
                    if not (apart > gap_m or (cos < 0 and apart > turn_gap_m)):
                        continue
                xb, yb = xb0 + dxb * fb, yb0 + dyb * fb
                b_by_a = _beside(
                    xa, ya, uxa, uya, pa, xb, yb, uxb, uyb, pb, tolerance_m
                )
                a_by_b = _beside(
                    xb, yb, uxb, uyb, pb, xa, ya, uxa, uya, pa, tolerance_m
                )
                if b_by_a > 0 or a_by_b > 0:
                    hits.append((at_a, at_b, b_by_a, a_by_b))
        if not hits or segments.same_ends(a, b):
            return
        lo, hi = min(wa, wb), max(wa, wb)
        sums = self.by_lines.get((lo, hi))
        if sums is None:
            sums = self.by_lines[(lo, hi)] = _Sums()
        sums.segments.add((wa, a - segments.first[wa]))
        sums.segments.add((wb, b - segments.first[wb]))
        for at_a, at_b, b_by_a, a_by_b in hits:
            if wb == hi:
                sums.hi_m += b_by_a
                sums.lo_m += a_by_b
            else:
                sums.hi_m += a_by_b
                sums.lo_m += b_by_a
            if wa == wb:
                sums.own.append((min(at_a, at_b), max(at_a, at_b), cos < 0))


def _beside(
    px: float,
    py: float,
    ux: float,
    uy: float,
    length_p: float,
    qx: float,
    qy: float,
    qux: float,
    quy: float,
    length_q: float,
    tolerance_m: float,
) -> float:
    """Metres of piece q (from (qx, qy), direction (qux, quy)) within the tolerance
    of the line through piece p (from (px, py), direction (ux, uy)), and beside p
    rather than beyond its ends."""
    bx, by = qx - px, qy - py
    ex, ey = bx + qux * length_q, by + quy * length_q
    across0, across1 = bx * uy - by * ux, ex * uy - ey * ux
    if across0 > tolerance_m < across1 or across0 < -tolerance_m > across1:
        return 0.0
    along0, along1 = bx * ux + by * uy, ex * ux + ey * uy
    if along0 > length_p < along1 or along0 < 0.0 > along1:
        return 0.0
    lo, hi = 0.0, 1.0
    for p0, p1, low, high in (
        (across0, across1, -tolerance_m, tolerance_m),
        (along0, along1, 0.0, length_p),
    ):
        span = p1 - p0
        if span == 0:
            if not low <= p0 <= high:
                return 0.0
            continue
        t0, t1 = (low - p0) / span, (high - p0) / span
        if t0 > t1:
            t0, t1 = t1, t0
        lo, hi = max(lo, t0), min(hi, t1)
    return max(hi - lo, 0.0) * length_q
