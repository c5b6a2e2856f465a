"""Ground a plan's walk covers twice, measured on its line, fast enough to run
on every plan.

The solver counts a walk's repeated ground by segment, and the import merges
ways drawn over the same ground into one segment (issue 9), but a walk can still
pass twice over ground that no single pair of ways shares for long: a street
corner drawn as a chain of 4-8 m service-road stubs beside another chain, where
a loop goes down one side and back up the other (Helsinki's 8-mile loops, a
Krems sidewalk block). Only the line shows it.

`repeated_m` here answers exactly what `trails.ground.repeated_m` (the
benchmarks' and tests' independent checker) answers, with numpy and a k-d tree
instead of a Python grid: 5 ms for a 28 km GPX hike against 24 ms, 10 ms for
47 km against 43 (`planner/tests/test_twice.py`'s hikes, timed once by hand).
Looking first at every 4th sample for where a walk comes back near itself
(`_worth_a_look`) halves that again for a loop, which comes back only at its
end: 1.5-2.5 ms a line against 3.6-4.4 on the loops that plans in five regions
measured (docs/benchmarks.md).
The same samples every ~2 m, the same rule (an earlier sample more than the gap
back along the walk, its piece within the tolerance, running parallel or
antiparallel), the same runs. A test holds the two to the same figures on real
walks. No Django here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.spatial import cKDTree

from trails.geo import EARTH_RADIUS_M
from trails.ground import (
    GAP_PER_TOLERANCE,
    MIN_RUN_M,
    PARALLEL_COS,
    SAMPLE_M,
    WALK_GAP_M,
)

Coords = Sequence[Sequence[float]]
LOOK_EVERY = 4  # `_worth_a_look` finds where to look from every 4th sample (8 m)


def repeated_m(
    coords: Coords, tolerance_m: float = 3.0, *, min_run_m: float = MIN_RUN_M
) -> float:
    """Metres of the walk that pass again over ground it already covered: each
    extra pass once (see `trails.ground.repeated_m`)."""
    return sum(
        float(end - start)
        for start, end in repeated_stretches(coords, tolerance_m, min_run_m=min_run_m)
    )


def repeated_stretches(
    coords: Coords, tolerance_m: float = 3.0, *, min_run_m: float = MIN_RUN_M
) -> list[tuple[float, float]]:
    """The (start_m, end_m) stretches along the walk that repeat earlier ground
    (see `trails.ground.repeated_stretches`)."""
    gap_m = max(WALK_GAP_M, GAP_PER_TOLERANCE * tolerance_m)
    xs, ys, ux, uy, along = _samples(np.asarray([c[:2] for c in coords], float))
    n = len(xs)
    if n < 2:
        return []
    step = along[1] - along[0]
    lag = max(1, math.ceil(gap_m / step))
    look = _worth_a_look(xs, ys, float(step), lag, tolerance_m)
    if not len(look):
        return []
    # A piece within the tolerance of a point starts within tolerance + step of it.
    points = np.column_stack((xs[look], ys[look]))
    found = cKDTree(points).query_pairs(tolerance_m + step, output_type="ndarray")
    pairs = look[found] if len(found) else found
    repeated = np.zeros(n, bool)
    if len(pairs):
        earlier, later = pairs.min(axis=1), pairs.max(axis=1)
        keep = later - earlier >= lag
        earlier, later = earlier[keep], later[keep]
        keep = np.abs(ux[later] * ux[earlier] + uy[later] * uy[earlier]) > PARALLEL_COS
        earlier, later = earlier[keep], later[keep]
        near = _piece_dist2(xs, ys, ux, uy, along, later, earlier) <= tolerance_m**2
        repeated[later[near]] = True
    return _runs(repeated, along, float(step), min_run_m)


def _worth_a_look(
    xs: np.ndarray, ys: np.ndarray, step: float, lag: int, tolerance_m: float
) -> np.ndarray:
    """The samples that may repeat earlier ground or start a piece that a later
    sample repeats, found from every k-th sample (`LOOK_EVERY`): of a loop, only
    those around its start and end, where it comes back (half the time of
    looking at every sample).

    None is missed: a sample repeats a piece that starts within tolerance + step
    of it, at least `lag` samples back. The looked-at sample nearest each of the
    two is at most k // 2 samples (as many steps along the walk, no farther as
    the crow flies) from it, so the two looked-at samples are within tolerance +
    (1 + 2 * (k // 2)) steps of each other and at least lag - 2 * (k // 2)
    samples apart; every sample within k // 2 of such a pair is looked at."""
    n = len(xs)
    k = LOOK_EVERY
    half = k // 2
    coarse = np.arange(0, n, k)
    if coarse[-1] != n - 1:
        coarse = np.append(coarse, n - 1)  # so no sample is over k // 2 from one
    found = cKDTree(np.column_stack((xs[coarse], ys[coarse]))).query_pairs(
        tolerance_m + (1 + 2 * half) * step, output_type="ndarray"
    )
    if not len(found):
        return np.empty(0, dtype=np.int64)
    ends = coarse[found]
    ends = ends[np.abs(ends[:, 1] - ends[:, 0]) >= lag - 2 * half].ravel()
    around = (ends[:, None] + np.arange(-half, half + 1)).ravel()
    return np.unique(around[(around >= 0) & (around < n)])


def _runs(
    flags: np.ndarray, along: np.ndarray, step: float, min_run_m: float
) -> list[tuple[float, float]]:
    """Stretches of consecutive flagged samples longer than `min_run_m`, each
    sample standing for the step that ends at it (`trails.ground._runs`)."""
    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    first, past = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    begin = np.maximum(0.0, along[first] - step)
    end = along[past - 1]
    keep = end - begin > min_run_m
    return [
        (round(float(b), 1), round(float(e), 1)) for b, e in zip(begin[keep], end[keep])
    ]


def _samples(lonlat: np.ndarray):
    """Points every ~SAMPLE_M along the line in flat metres around its centre,
    the unit direction to the next, and the haversine distance along the line:
    `trails.ground._samples`, vectorised."""
    if len(lonlat) < 2:
        return (np.empty(0),) * 5
    lon0 = (lonlat[:, 0].min() + lonlat[:, 0].max()) / 2
    lat0 = (lonlat[:, 1].min() + lonlat[:, 1].max()) / 2
    kx = math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(lat0))
    ky = math.radians(1) * EARTH_RADIUS_M
    vx = (lonlat[:, 0] - lon0) * kx
    vy = (lonlat[:, 1] - lat0) * ky
    lon, lat = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    a = (
        np.sin(np.diff(lat) / 2) ** 2
        + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(np.diff(lon) / 2) ** 2
    )
    cum = np.concatenate(([0.0], np.cumsum(np.arcsin(np.minimum(1.0, np.sqrt(a))))))
    cum *= 2 * EARTH_RADIUS_M
    total = float(cum[-1])
    if total <= 0:
        return (np.empty(0),) * 5
    count = max(1, math.ceil(total / SAMPLE_M))
    along = np.minimum(np.arange(count + 1) * (total / count), total)
    xs, ys = np.interp(along, cum, vx), np.interp(along, cum, vy)
    dx, dy = np.diff(xs), np.diff(ys)
    norm = np.hypot(dx, dy)
    moved = norm > 0
    # A sample that did not move keeps the direction before it (0, 0 at the start).
    last = np.maximum.accumulate(np.where(moved, np.arange(len(norm)), -1))
    safe = np.where(moved, norm, 1.0)
    ux = np.where(last >= 0, (dx / safe)[np.maximum(last, 0)], 0.0)
    uy = np.where(last >= 0, (dy / safe)[np.maximum(last, 0)], 0.0)
    # the last sample ends the line: the direction of the piece before it
    ux, uy = np.append(ux, ux[-1]), np.append(uy, uy[-1])
    return xs, ys, ux, uy, along


def _piece_dist2(xs, ys, ux, uy, along, points, pieces) -> np.ndarray:
    """Squared distance from each sample in `points` to the piece from the
    sample in `pieces` to the next one (`trails.ground._piece_dist2`)."""
    qx, qy = xs[points] - xs[pieces], ys[points] - ys[pieces]
    nxt = np.minimum(pieces + 1, len(along) - 1)
    length = np.where(pieces + 1 < len(along), along[nxt] - along[pieces], 0.0)
    length = np.maximum(length, 0.0)
    t = np.clip(qx * ux[pieces] + qy * uy[pieces], 0.0, length)
    ex, ey = qx - t * ux[pieces], qy - t * uy[pieces]
    return ex * ex + ey * ey
