"""Measure walks and networks on the ground, by position alone: an independent check.

The solver knows which segments a walk uses and counts a segment walked twice as
repeated. That misses the ground a walk covers twice on two *different* segments
(two OSM ways drawn on nearly the same nodes, a track and the path along it), and
it cannot check itself. This module looks only at coordinates:

- a walk (or a line) is resampled every ~2 m along its length;
- the samples go into a flat grid (equirectangular metres around the data's centre,
  good to a fraction of a percent over a region tens of km wide, far finer than the
  metre tolerances used here);
- a sample lies on ground covered elsewhere when a sample of the other pass lies
  within the tolerance and runs roughly parallel or antiparallel to it.

No Django and no numpy: plain Python, fast enough for a 30 km walk (well under
0.2 s) and for a whole region's segments (a few seconds for Andorra).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from trails.geo import EARTH_RADIUS_M, line_length_m

Coords = Sequence[Sequence[float]]  # (lon, lat[, ele]) vertices

SAMPLE_M = 2.0  # resampling step: finer than any tolerance below, cheap to index
# |cos| of the angle between two passes above which they run along the same ground:
# within about 37 degrees. Two trails crossing at a junction (a figure eight) meet
# at a steeper angle and do not count, whichever way each is walked.
PARALLEL_COS = 0.8
# A walk's own neighbouring samples are always within the tolerance of each other;
# another pass must be at least this far back along the walk (and at least
# GAP_PER_TOLERANCE tolerances, so a loose tolerance for GPS tracks does not reach
# the walk's own neighbours). It costs ~half of it at the tip of every out-and-back:
# the turn itself is not counted.
WALK_GAP_M = 25.0
GAP_PER_TOLERANCE = 8.0
# Shorter runs of near samples are touches, not a second walk over the ground: a
# shallow crossing, the legs of a hairpin, a loop closing at its trailhead.
MIN_RUN_M = 15.0


def walk_length_m(coords: Coords) -> float:
    """Haversine length of a polyline of (lon, lat[, ele]) vertices, in metres."""
    if len(coords) < 2:
        return 0.0
    return line_length_m(coords)


def repeated_m(
    coords: Coords,
    tolerance_m: float = 3.0,
    *,
    gap_m: float | None = None,
    min_run_m: float = MIN_RUN_M,
) -> float:
    """Metres of the walk that pass again over ground it already covered.

    Each extra pass counts once: an out-and-back of 1 km reports ~1 km (less about
    half of `gap_m` at the turn), a lollipop its stem, a pure loop or a figure
    eight ~0. See `repeated_stretches` for how.
    """
    return sum(
        end - start
        for start, end in repeated_stretches(
            coords, tolerance_m, gap_m=gap_m, min_run_m=min_run_m
        )
    )


def repeated_stretches(
    coords: Coords,
    tolerance_m: float = 3.0,
    *,
    gap_m: float | None = None,
    min_run_m: float = MIN_RUN_M,
) -> list[tuple[float, float]]:
    """The (start_m, end_m) stretches, along the walk, that repeat earlier ground.

    A sample is repeated when an *earlier* sample, more than `gap_m` back along
    the walk, lies within `tolerance_m` (3 m: two OSM ways drawn on nearly the
    same nodes are well inside it, two trails on either side of a stream well
    outside) of it and runs parallel or antiparallel to it. Only the later of two
    passes counts, so the total is the extra distance walked. Runs of repeated
    samples shorter than `min_run_m` are dropped. `gap_m` defaults to 25 m or 8
    tolerances, whichever is more.
    """
    if gap_m is None:
        gap_m = max(WALK_GAP_M, GAP_PER_TOLERANCE * tolerance_m)
    samples = _samples(coords, _centre(coords))
    xs, ys, ux, uy, along = samples
    n = len(xs)
    if n < 2:
        return []
    step = along[1] - along[0]
    lag = max(1, math.ceil(gap_m / step))
    reach = tolerance_m + step  # a point within tol of a piece is this near its start
    cell = 2 * reach
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    tol2 = tolerance_m * tolerance_m
    repeated = [False] * n
    for i in range(n):
        # Samples enter the grid only once they are `lag` behind: whatever the grid
        # holds is an earlier pass, never the walk's own neighbours.
        k = i - lag
        if k >= 0:
            grid[(int(xs[k] // cell), int(ys[k] // cell))].append(k)
        if not grid:
            continue
        px, py, dx, dy = xs[i], ys[i], ux[i], uy[i]
        if _near_any(grid, px, py, dx, dy, cell, tol2, xs, ys, ux, uy, along):
            repeated[i] = True
    return _runs(repeated, along, step, min_run_m)


def _near_any(grid, px, py, dx, dy, cell, tol2, xs, ys, ux, uy, along) -> bool:
    for key in _quadrant(px, py, cell):
        for j in grid.get(key, ()):
            if abs(dx * ux[j] + dy * uy[j]) <= PARALLEL_COS:
                continue
            if _piece_dist2(px, py, j, xs, ys, ux, uy, along) <= tol2:
                return True
    return False


def overlapping_pairs(
    lines: Sequence[Coords], tolerance_m: float = 2.0, min_m: float = 20.0
) -> list[tuple[int, int, float]]:
    """Pairs of distinct lines that cover the same ground for more than `min_m`.

    Returns (i, j, shared metres) with i < j, sorted. A sample of one line counts
    as shared with another line when that line passes within `tolerance_m` of it,
    running parallel or antiparallel; the shared metres are the smaller of what
    each line has on the other, so a line that doubles back along another counts
    that ground once. Lines that only meet at a junction or cross share a few
    metres at most, far below `min_m`.
    """
    centre = _centre([c for line in lines for c in (line[0], line[-1]) if line])
    reach = tolerance_m + SAMPLE_M
    cell = 2 * reach
    tol2 = tolerance_m * tolerance_m
    xs: list[float] = []
    ys: list[float] = []
    ux: list[float] = []
    uy: list[float] = []
    along: list[float] = []
    owner: list[int] = []
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    mine: dict[tuple[int, int], float] = defaultdict(float)  # metres of i on j
    theirs: dict[tuple[int, int], set[int]] = defaultdict(set)  # samples of j near i
    for i, line in enumerate(lines):
        if len(line) < 2:
            continue
        lx, ly, lux, luy, lalong = _samples(line, centre)
        if len(lx) < 2:
            continue
        step = lalong[1] - lalong[0]
        base = len(xs)
        # Compare with the lines already indexed, then index this one: each pair
        # is met once and a line never meets itself.
        for p in range(len(lx)):
            px, py, dx, dy = lx[p], ly[p], lux[p], luy[p]
            hit: set[int] = set()
            for key in _quadrant(px, py, cell):
                for k in grid.get(key, ()):
                    if abs(dx * ux[k] + dy * uy[k]) <= PARALLEL_COS:
                        continue
                    if _piece_dist2(px, py, k, xs, ys, ux, uy, along) <= tol2:
                        j = owner[k]
                        theirs[(j, i)].add(k)
                        hit.add(j)
            for j in hit:
                mine[(j, i)] += step
        xs += lx
        ys += ly
        ux += lux
        uy += luy
        along += lalong
        owner += [i] * len(lx)
        for k in range(base, len(xs)):
            grid[(int(xs[k] // cell), int(ys[k] // cell))].append(k)
    steps = _steps(owner, along)
    pairs = []
    for (j, i), metres in mine.items():
        shared = min(metres, len(theirs[(j, i)]) * steps[j])
        if shared > min_m:
            pairs.append((j, i, round(shared, 1)))
    return sorted(pairs)


def _steps(owner: list[int], along: list[float]) -> dict[int, float]:
    """Each line's sampling step, from its first two samples."""
    steps: dict[int, float] = {}
    for k in range(1, len(owner)):
        if owner[k] == owner[k - 1] and owner[k] not in steps:
            steps[owner[k]] = along[k] - along[k - 1]
    return steps


def _centre(coords: Coords) -> tuple[float, float]:
    lons = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    if not lons:
        return 0.0, 0.0
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2


def _samples(
    coords: Coords, centre: tuple[float, float]
) -> tuple[list[float], list[float], list[float], list[float], list[float]]:
    """Points every ~SAMPLE_M along the line, in flat metres around `centre`.

    Returns x, y, the unit direction towards the next sample, and the distance along
    the line (haversine metres, so stretches read as the walk's own distances).
    """
    lon0, lat0 = centre
    kx = math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(lat0))
    ky = math.radians(1) * EARTH_RADIUS_M
    vx = [(c[0] - lon0) * kx for c in coords]
    vy = [(c[1] - lat0) * ky for c in coords]
    # Distance along the line at each vertex; flat pieces scaled to haversine.
    cum = [0.0]
    for a in range(1, len(coords)):
        cum.append(cum[-1] + line_length_m((coords[a - 1], coords[a])))
    total = cum[-1]
    if total <= 0:
        return [], [], [], [], []
    count = max(1, math.ceil(total / SAMPLE_M))
    step = total / count
    xs, ys, along = [], [], []
    a = 0
    for s in range(count + 1):
        d = min(s * step, total)
        while a < len(cum) - 2 and cum[a + 1] < d:
            a += 1
        piece = cum[a + 1] - cum[a]
        t = (d - cum[a]) / piece if piece > 0 else 0.0
        xs.append(vx[a] + (vx[a + 1] - vx[a]) * t)
        ys.append(vy[a] + (vy[a + 1] - vy[a]) * t)
        along.append(d)
    ux, uy = [], []
    for s in range(len(xs) - 1):
        dx, dy = xs[s + 1] - xs[s], ys[s + 1] - ys[s]
        norm = math.hypot(dx, dy)
        if norm > 0:
            ux.append(dx / norm)
            uy.append(dy / norm)
        else:
            ux.append(ux[-1] if ux else 0.0)
            uy.append(uy[-1] if uy else 0.0)
    # The last sample ends the line: it takes the direction of the piece before it
    # and a piece of no length.
    ux.append(ux[-1])
    uy.append(uy[-1])
    return xs, ys, ux, uy, along


def _piece_dist2(px, py, k, xs, ys, ux, uy, along) -> float:
    """Squared distance from (px, py) to the piece from sample k to the next one.

    The piece, not the sample: two lines 2.9 m apart would otherwise drift in and
    out of a 3 m tolerance with the 2 m sampling.
    """
    qx, qy = px - xs[k], py - ys[k]
    # The last sample of a line has a piece of no length (the next sample, if any,
    # starts another line).
    length = along[k + 1] - along[k] if k + 1 < len(along) else 0.0
    length = length if length > 0 else 0.0
    t = qx * ux[k] + qy * uy[k]
    t = 0.0 if t < 0 else (length if t > length else t)
    ex, ey = qx - t * ux[k], qy - t * uy[k]
    return ex * ex + ey * ey


def _quadrant(px: float, py: float, cell: float) -> tuple[tuple[int, int], ...]:
    """The four cells a disc of radius cell/2 around the point can touch."""
    fx, fy = px / cell, py / cell
    cx, cy = int(fx // 1), int(fy // 1)
    nx = cx - 1 if fx - cx < 0.5 else cx + 1
    ny = cy - 1 if fy - cy < 0.5 else cy + 1
    return (cx, cy), (nx, cy), (cx, ny), (nx, ny)


def _runs(
    flags: list[bool], along: list[float], step: float, min_run_m: float
) -> list[tuple[float, float]]:
    """Stretches of consecutive flagged samples longer than `min_run_m`; each sample
    stands for the step of walk that ends at it."""
    stretches = []
    start = None
    for i, flag in enumerate(flags + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            begin = max(0.0, along[start] - step)
            end = along[i - 1]
            if end - begin > min_run_m:
                stretches.append((round(begin, 1), round(end, 1)))
            start = None
    return stretches
