"""Which lines may run over the same ground: a quick first look, all lines at once.

`trails/overlap.py` looks closely at a line (a sample every half tolerance, the
nearest earlier line to each) to merge what is drawn twice. That is far too slow to
do for every line of an OSM region, where almost no line runs beside another, so
this module finds the few that might, with numpy:

- every line's node-to-node segments are cut into pieces of at most `PIECE_M`, in a
  flat projection around the data's centre (metres, good to a fraction of a percent
  over a region tens of km wide);
- the pieces go into a grid of cells `tolerance + PIECE_M` wide by their middles, so
  two pieces within the tolerance of each other sit in the same or neighbouring
  cells; pairs are formed within each cell and with four of its neighbours;
- a pair counts only if its pieces run within `PARALLEL_COS` of parallel (or
  antiparallel), which drops the crossings at junctions that make most of the pairs
  in a town, and only with the metres of each piece beside the other, within the
  tolerance;
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
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trails.geo import EARTH_RADIUS_M

LonLat = tuple[float, float]
PIECE_M = 20.0
# |cos| of the angle between two pieces above which they may be one path drawn
# twice: within 45 degrees. A GPS track's wobble stays well inside it.
PARALLEL_COS = 0.7
NEAR_SHARE = 0.75
_NEIGHBOURS = ((1, -1), (1, 0), (1, 1), (0, 1))


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
) -> Alongside:
    """Lines (by index) that may run within `tolerance_m` of each other, or of
    themselves, for more than `min_m`; see the module docstring."""
    found = Alongside(set(), {}, {})
    turn_gap_m = gap_m if turn_gap_m is None else turn_gap_m
    counts = np.fromiter((len(c) for c in lines), np.int64, len(lines))
    if counts.sum() < 2:
        return found
    pieces = _pieces(lines, counts, tolerance_m)
    if pieces is None:
        return found

    def worth_a_look(pieces: _Pieces, p: np.ndarray, q: np.ndarray) -> np.ndarray:
        # Most pairs are a line's own neighbouring pieces: drop them as they come.
        way, along, total = pieces.way, pieces.along, pieces.total
        cos = pieces.ux[p] * pieces.ux[q] + pieces.uy[p] * pieces.uy[q]
        apart = np.abs(along[p] - along[q])
        apart = np.where(pieces.closed[p], np.minimum(apart, total[p] - apart), apart)
        return (way[p] != way[q]) | (apart > gap_m) | ((cos < 0) & (apart > turn_gap_m))

    pieces, p, q = _pairs_of_neighbours(pieces, tolerance_m + PIECE_M, worth_a_look)
    way, along, total = pieces.way, pieces.along, pieces.total
    cos = pieces.ux[p] * pieces.ux[q] + pieces.uy[p] * pieces.uy[q]
    q_by_p = _chunked(_beside, pieces, p, q, tolerance_m)  # q's metres beside p
    p_by_q = _chunked(_beside, pieces, q, p, tolerance_m)
    hit = (q_by_p > 0) | (p_by_q > 0)
    hit[hit] = ~_same_ends(pieces.lonlat, pieces.seg[p[hit]], pieces.seg[q[hit]])
    p, q, q_by_p, p_by_q, cos = p[hit], q[hit], q_by_p[hit], p_by_q[hit], cos[hit]
    lo = np.minimum(way[p], way[q])
    hi = np.maximum(way[p], way[q])
    # Metres of the higher line beside the lower, and of the lower beside the higher.
    hi_m = np.where(way[q] == hi, q_by_p, p_by_q)
    lo_m = np.where(way[q] == hi, p_by_q, q_by_p)
    n = len(lines)
    key = lo.astype(np.int64) * n + hi
    keys, inverse = np.unique(key, return_inverse=True)
    near = np.minimum(
        np.bincount(inverse, hi_m, len(keys)), np.bincount(inverse, lo_m, len(keys))
    )
    good = near > NEAR_SHARE * min_m
    chosen = good[inverse]
    ws = np.concatenate((way[p[chosen]], way[q[chosen]]))
    ns = np.concatenate((pieces.seg_n[p[chosen]], pieces.seg_n[q[chosen]]))
    for w, s in np.unique(np.stack((ws, ns), axis=1), axis=0).tolist():
        found.near.setdefault(w, []).append(s)
    for k in keys[good].tolist():
        a, b = divmod(k, n)
        if a != b:
            found.pairs.add((a, b))
            continue
        mine = (way[p] == a) & (way[q] == a)
        cuts = _cuts(
            np.minimum(along[p[mine]], along[q[mine]]),
            np.maximum(along[p[mine]], along[q[mine]]),
            cos[mine] < 0,
            float(total[p[mine][0]]) if pieces.closed[p[mine][0]] else None,
        )
        if cuts:
            found.returns[a] = cuts
    return found


def _cuts(
    earlier: np.ndarray, later: np.ndarray, opposite: np.ndarray, loop_m: float | None
) -> list[float]:
    """Where to cut a line whose pieces at `earlier` run beside its pieces at
    `later` (metres along it): at each turn, the middle of a cluster of pairs
    running opposite ways; else once between the two stretches."""
    if loop_m is not None:  # across a closed line's start: that is a cut already
        opposite = opposite & (later - earlier <= loop_m / 2)
    if opposite.any():
        middles = np.sort((earlier[opposite] + later[opposite]) / 2)
        turns = np.split(middles, np.flatnonzero(np.diff(middles) > PIECE_M) + 1)
        return [float(np.median(t)) for t in turns]
    if earlier.max() >= later.min():
        return []
    return [float(earlier.max() + later.min()) / 2]


@dataclass
class _Pieces:
    lonlat: np.ndarray  # every line's vertices, one after another
    x0: np.ndarray  # start, flat metres
    y0: np.ndarray
    ux: np.ndarray  # unit direction
    uy: np.ndarray
    length: np.ndarray
    way: np.ndarray
    along: np.ndarray  # metres along its line where its middle is
    total: np.ndarray  # its line's length
    closed: np.ndarray  # its line ends where it starts
    seg: np.ndarray  # the segment it is on: from vertex seg to seg + 1
    seg_n: np.ndarray  # the same, counted from its line's first vertex


def _pieces(
    lines: Sequence[Sequence[LonLat]], counts: np.ndarray, tolerance_m: float
) -> _Pieces | None:
    lonlat = np.fromiter(
        itertools.chain.from_iterable(itertools.chain.from_iterable(lines)),
        np.float64,
        2 * int(counts.sum()),
    ).reshape(-1, 2)
    lon, lat = lonlat[:, 0], lonlat[:, 1]
    lon0 = (lon.min() + lon.max()) / 2
    lat0 = (lat.min() + lat.max()) / 2
    ky = np.radians(1) * EARTH_RADIUS_M
    kx = ky * np.cos(np.radians(lat0))
    x, y = (lon - lon0) * kx, (lat - lat0) * ky
    vertex_way = np.repeat(np.arange(len(lines)), counts)
    # Segment k runs from vertex k to k + 1 of the same line.
    dx, dy = np.diff(x), np.diff(y)
    seg_m = np.hypot(dx, dy)
    inside = vertex_way[1:] == vertex_way[:-1]
    seg_m = np.where(inside, seg_m, 0.0)
    cum = np.concatenate(([0.0], np.cumsum(seg_m)))
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    last = first + counts - 1
    start_m = cum[first]
    totals = cum[last] - start_m
    ok = inside & (seg_m > 0)
    k = np.flatnonzero(ok)
    if not len(k):
        return None
    # Single precision and 32-bit indexes: millimetres over a region a hundred km
    # wide, and half the memory of a country's pieces. Each segment's figures are
    # narrowed before they are spread over its pieces, which outnumber them.
    f32, i32 = np.float32, np.int32
    w = vertex_way[k].astype(i32)
    seg_m, cum_k = seg_m[k].astype(f32), (cum[k] - start_m[vertex_way[k]]).astype(f32)
    x_k, y_k, dx_k, dy_k = (v[k].astype(f32) for v in (x, y, dx, dy))
    n = np.maximum(1, np.ceil(seg_m / PIECE_M)).astype(i32)
    s = np.repeat(np.arange(len(k), dtype=i32), n)
    f = (np.arange(len(s), dtype=i32) - np.repeat(np.cumsum(n) - n, n)) / n[s]
    f = f.astype(f32)
    piece_m = seg_m[s] / n[s]
    way = w[s]
    closed = (lon[first] == lon[last]) & (lat[first] == lat[last])
    return _Pieces(
        lonlat=lonlat,
        x0=x_k[s] + dx_k[s] * f,
        y0=y_k[s] + dy_k[s] * f,
        ux=(dx_k / seg_m)[s],
        uy=(dy_k / seg_m)[s],
        length=piece_m,
        way=way,
        along=cum_k[s] + seg_m[s] * f + piece_m / 2,
        total=totals.astype(f32)[way],
        closed=closed[way],
        seg=k.astype(i32)[s],
        seg_n=(k - first[vertex_way[k]]).astype(i32)[s],
    )


def _pairs_of_neighbours(
    pieces: _Pieces, cell_m: float, wanted
) -> tuple[_Pieces, np.ndarray, np.ndarray]:
    """The pieces sorted by cell (in place), and every pair of them whose middles
    are in the same or neighbouring cells, that run roughly parallel and that
    `wanted(pieces, p, q)` keeps (kept block by block, so the pairs at a town's
    crossings, or along each line, never all sit in memory at once)."""
    mx = pieces.x0 + pieces.ux * pieces.length / 2
    my = pieces.y0 + pieces.uy * pieces.length / 2
    cx = np.floor(mx / cell_m).astype(np.int64)
    cy = np.floor(my / cell_m).astype(np.int64)
    cx -= cx.min() - 1
    cy -= cy.min() - 1
    width = int(cy.max()) + 2
    cell = cx * width + cy
    order = np.argsort(cell)
    sorted_cells = cell[order]
    starts = np.flatnonzero(
        np.concatenate(([True], sorted_cells[1:] != sorted_cells[:-1]))
    )
    ids = sorted_cells[starts]
    sizes = np.diff(np.append(starts, len(cell)))
    del mx, my, cx, cy, cell, sorted_cells
    for name, value in vars(pieces).items():  # in place: one field's copy at a time
        if name != "lonlat":
            setattr(pieces, name, value[order])
    del order
    ux, uy = pieces.ux, pieces.uy

    def parallel(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keep = np.abs(ux[a] * ux[b] + uy[a] * uy[b]) > PARALLEL_COS
        return a[keep], b[keep]

    ps, qs = [], []
    blocks = [(starts, sizes, starts, sizes, True)]
    for ox, oy in _NEIGHBOURS:
        target = ids + ox * width + oy
        at = np.searchsorted(ids, target)
        at = np.minimum(at, len(ids) - 1)
        there = ids[at] == target
        blocks.append(
            (starts[there], sizes[there], starts[at[there]], sizes[at[there]], False)
        )
    for sa, na, sb, nb, same in blocks:
        # a few thousand cells at a time: their pairs' arrays stay small
        bounds = np.searchsorted(
            np.cumsum(na * nb),
            np.arange(1, 1 + int((na * nb).sum()) // CHUNK + 1) * CHUNK,
        )
        for lo, hi in zip(
            np.concatenate(([0], bounds)), np.concatenate((bounds, [len(na)]))
        ):
            if hi <= lo:
                continue
            a, b = _cross(sa[lo:hi], na[lo:hi], sb[lo:hi], nb[lo:hi])
            if same:
                mask = a < b
                a, b = a[mask], b[mask]
            a, b = parallel(a, b)
            keep = wanted(pieces, a, b)
            ps.append(a[keep].astype(np.int32))
            qs.append(b[keep].astype(np.int32))
    return pieces, np.concatenate(ps), np.concatenate(qs)


CHUNK = 32_768  # pairs measured at once: bounds the temporary arrays' memory


def _chunked(measure, pieces: _Pieces, p, q, tolerance_m: float) -> np.ndarray:
    """`measure` over the pairs a chunk at a time."""
    if len(p) <= CHUNK:
        return measure(pieces, p, q, tolerance_m)
    return np.concatenate(
        [
            measure(pieces, p[i : i + CHUNK], q[i : i + CHUNK], tolerance_m)
            for i in range(0, len(p), CHUNK)
        ]
    )


def _cross(
    starts_a: np.ndarray, sizes_a: np.ndarray, starts_b: np.ndarray, sizes_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with i in run k of a and j in run k of b, for every k."""
    sizes = sizes_a * sizes_b
    group = np.repeat(np.arange(len(sizes)), sizes)
    offset = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    width = sizes_b[group]
    return starts_a[group] + offset // width, starts_b[group] + offset % width


def _beside(
    pieces: _Pieces, p: np.ndarray, q: np.ndarray, tolerance_m: float
) -> np.ndarray:
    """Metres of each piece q within the tolerance of the line through piece p, and
    beside p rather than beyond its ends."""
    ux, uy = pieces.ux[p], pieces.uy[p]
    ax, ay = pieces.x0[p], pieces.y0[p]
    bx, by = pieces.x0[q] - ax, pieces.y0[q] - ay
    lq = pieces.length[q]
    ex, ey = bx + pieces.ux[q] * lq, by + pieces.uy[q] * lq
    lo = np.zeros(len(p))
    hi = np.ones(len(p))
    for p0, p1, low, high in (
        (bx * uy - by * ux, ex * uy - ey * ux, -tolerance_m, tolerance_m),
        (bx * ux + by * uy, ex * ux + ey * uy, 0.0, pieces.length[p]),
    ):
        span = p1 - p0
        flat = span == 0
        safe = np.where(flat, 1.0, span)
        t0, t1 = (low - p0) / safe, (high - p0) / safe
        t0, t1 = np.minimum(t0, t1), np.maximum(t0, t1)
        inside = (p0 >= low) & (p0 <= high)
        lo = np.maximum(lo, np.where(flat, np.where(inside, 0.0, 1.0), t0))
        hi = np.minimum(hi, np.where(flat, np.where(inside, 1.0, 0.0), t1))
    return np.clip(hi - lo, 0.0, None) * lq


def _same_ends(lonlat: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether segments a and b (vertex indexes of their starts) join the same two
    vertices, either way round."""
    a0, a1, b0, b1 = lonlat[a], lonlat[a + 1], lonlat[b], lonlat[b + 1]
    same = (a0 == b0).all(axis=1) & (a1 == b1).all(axis=1)
    return same | ((a0 == b1).all(axis=1) & (a1 == b0).all(axis=1))
