"""Finding the stretches where a line stays near one earlier line: samples every
half tolerance along it, each with the nearest place on every earlier line within
the tolerance, and the runs of samples near one line for more than `min_m`
(see `trails/overlap.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from trails.geo import LonLat
from trails.network import RawWay
from trails.overlap_grid import Hit, Segment, SegmentGrid, flat_metres

# A line's parallel twin deviates a little at bends: the feet of two steps may sit
# up to this many tolerances apart on the earlier line more than the step itself
# (an inside corner); a larger jump means the earlier line went elsewhere (a spur,
# a loop) and came back, and that detour is not part of the stretch.
JUMP_TOLERANCES = 2.0
# A line's own way back from a turn merges over more than this many tolerances
# (see TURN_GAP_TOLERANCES in trails/overlap.py).
TURN_MIN_TOLERANCES = 3.0


@dataclass(slots=True)
class Sample:
    vertex: int  # the segment of the later line it lies on, or the vertex if f == 0
    f: float
    step_m: float  # metres of the later line it stands for
    hits: dict[int, Hit]  # earlier way -> nearest point within tolerance
    nearest: int | None
    along_m: float = 0.0  # metres along the whole line (a part: from its start)


# A gap in the samples (segments far from any other line): it ends every stretch.
GAP = Sample(-1, 0.0, 0.0, {}, None)


@dataclass
class ReturningPart:
    """A later part of a line cut at its turns to merge it with itself."""

    parts: tuple[int, ...]  # the way indexes of the parts before it, in order
    loop_m: float | None  # the whole line's length, if it ends where it starts


@dataclass
class Run:
    way: int
    first: int  # sample indexes, inclusive
    last: int
    metres: float


class StretchFinder(SegmentGrid):
    """Where the line being merged runs beside an earlier one."""

    def __init__(
        self,
        ways: list[RawWay],
        sequence: list[int],
        touching: list[int],
        later: set[int],
        near: dict[int, set[Segment]],
        returns: dict[int, ReturningPart],
        tolerance_m: float,
        min_m: float,
        gap_m: float,
        turn_gap_m: float,
    ):
        super().__init__(ways, sequence, touching, near, tolerance_m)
        self.later = later
        self.returns = returns
        self.min_m = min_m
        self.gap_m = gap_m
        self.turn_gap_m = turn_gap_m
        self.turn_min_m = TURN_MIN_TOLERANCES * tolerance_m
        self.step_m = tolerance_m / 2
        self._current = -1  # the line being merged

    def _samples(self, i: int, near: set[Segment]) -> list[Sample]:
        """Samples every half tolerance along the segments `near` of line `i`, with
        a gap wherever segments are left out."""
        coords = self.ways[i].coords
        returning = self.returns.get(i)
        samples: list[Sample] = []
        cell_lon, cell_lat, cells = self.cell_lon, self.cell_lat, self.cells
        floor = math.floor
        last = len(coords) - 2
        along = self.offset_m
        for n, (a, b) in enumerate(zip(coords, coords[1:])):
            if (a, b) not in near:
                if samples and samples[-1] is not GAP:
                    samples.append(GAP)
                if returning is not None:  # only a part needs where it is along
                    along += flat_metres(a, b)
                continue
            seg_m = flat_metres(a, b)
            steps = max(1, math.ceil(seg_m / self.step_m))
            (lon, lat), dlon, dlat = a, b[0] - a[0], b[1] - a[1]
            for k in range(steps + 1 if n == last else steps):
                f = k / steps
                p = (lon + dlon * f, lat + dlat * f)
                candidates = cells.get((floor(p[0] / cell_lon), floor(p[1] / cell_lat)))
                hits = self._hits(p, candidates) if candidates else {}
                s = along + f * seg_m
                if returning is not None and hits:
                    self._only_far_back(hits, returning, s, a, b)
                if len(hits) > 1:
                    nearest = min(hits, key=lambda w: (hits[w].distance_m, w))
                else:  # most samples are near one line or none
                    nearest = next(iter(hits), None)
                if k < steps:
                    samples.append(Sample(n, f, seg_m / steps, hits, nearest, s))
                else:  # the line's last vertex
                    samples.append(Sample(n + 1, 0.0, 0.0, hits, nearest, s))
            along += seg_m
        return samples

    def _only_far_back(
        self,
        hits: dict[int, Hit],
        returning: ReturningPart,
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
    def _apart(returning: ReturningPart, along_m: float, hit: Hit) -> float:
        apart = abs(along_m - hit.along_m)
        if returning.loop_m is not None:
            apart = min(apart, returning.loop_m - apart)
        return apart

    def _runs(self, samples: list[Sample]) -> list[Run]:
        """Stretches along one earlier line for more than `min_m` metres."""
        jump_m = self.step_m + JUMP_TOLERANCES * self.tolerance_m
        runs: list[Run] = []
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
                runs.append(Run(way, n, n, 0.0))
        return [r for r in runs if r.metres > self._min_for(r, samples)]

    def _min_for(self, run: Run, samples: list[Sample]) -> float:
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
        samples: list[Sample], last: int, n: int, way: int, jump_m: float
    ) -> bool:
        """Whether the line stayed near `way`, without a detour of it, from sample
        `last` to `n`: another line crossing in between takes the nearest place
        for a few steps but does not end the stretch."""
        for k in range(last + 1, n + 1):
            here, before = samples[k].hits.get(way), samples[k - 1].hits[way]
            if here is None or abs(here.along_m - before.along_m) > jump_m:
                return False
        return True
