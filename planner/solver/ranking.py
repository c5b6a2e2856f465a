"""What "best" means, in one place: the ranking key and "materially different".

A loop's key, smaller is better, compared left to right:

1. the share of the walk that repeats trail, in whole percent (a lollipop's stem,
   walked twice; 0 for a loop; 50 for an out-and-back), so that among walks that
   repeat about as much, the one closest to the target wins;
2. band: 0 when the length is within 1% of the target, else 1;
3. in band 0, road metres rounded to `road_quantum_m` (0.5% of the target, at
   least 10 m: a few metres of road should not outweigh closing the length), then
   the length error; in band 1 the length error, then the road;
4. drive distance to the trailhead; then stable tie-breakers.

Alternatives are chosen greedily down that order, skipping any loop that shares
more than half of its own length with a loop already chosen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Protocol

NEAR_FRACTION = 0.01  # "within 1% of the target"
ROAD_QUANTUM_FRACTION = 0.005
MIN_ROAD_QUANTUM_M = 10.0
MAX_SHARED_FRACTION = 0.5

Key = tuple


def road_quantum_m(target_m: float) -> float:
    return max(MIN_ROAD_QUANTUM_M, ROAD_QUANTUM_FRACTION * target_m)


def road_bucket(road_m: float, target_m: float) -> int:
    return math.floor(road_m / road_quantum_m(target_m) + 0.5)


def repeated_percent(repeated_m: float, length_m: float) -> int:
    """Share of a walk's length, in percent, that walks trail a second time."""
    if repeated_m <= 0:
        return 0
    return max(1, math.floor(100 * repeated_m / length_m + 0.5))


def rank_key(
    *,
    target_m: float,
    length_m: float,
    repeated_m: float,
    road_m: float,
    drive_m: float,
    minimise_road: bool = True,
    tie: tuple = (),
) -> Key:
    err = abs(length_m - target_m)
    band = 0 if err <= NEAR_FRACTION * target_m else 1
    road = road_bucket(road_m, target_m) if minimise_road else 0
    repeated = repeated_percent(repeated_m, length_m)
    if band == 0:
        return (repeated, 0, road, err, drive_m, *tie)
    return (repeated, 1, err, road, drive_m, *tie)


class Candidate(Protocol):
    links: frozenset[int]
    distinct_m: float


def shared_m(a: Candidate, b: Candidate, link_m: Sequence[float]) -> float:
    return sum(link_m[i] for i in a.links & b.links)


def is_different(a: Candidate, better: Candidate, link_m: Sequence[float]) -> bool:
    """True when `a` shares at most half of its own length with `better`."""
    return shared_m(a, better, link_m) <= MAX_SHARED_FRACTION * a.distinct_m


def pick_different(
    ranked: Iterable[Candidate], k: int, link_m: Sequence[float]
) -> list[Candidate]:
    """The first `k` candidates, in order, that each differ from all picked before."""
    picks: list[Candidate] = []
    for cand in ranked:
        if all(is_different(cand, p, link_m) for p in picks):
            picks.append(cand)
            if len(picks) == k:
                break
    return picks
