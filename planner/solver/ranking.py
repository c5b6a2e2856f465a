"""What "best" means, in one place: the ranking key and "materially different".

A walk's key, smaller is better, compared left to right:

1. 1 for an out-and-back (no loop at all), else 0: an out-and-back is offered only
   when no loop or lollipop fits;
2. the walk's hiker cost (`planner/solver/costs.py`): metres weighed by what they
   are (waymarked, named, unnamed, road, walked twice), changes of trail, length
   missed beyond 1% and the drive, normalised to the target length;
3. the drive to the trailhead; then stable tie-breakers.

Alternatives are chosen greedily down that order, skipping any walk that shares
more than half of its own length with a walk already chosen; a walk from a
trailhead already chosen weighs `SAME_TRAILHEAD` more, so that alternatives come
from other trailheads or areas where they are nearly as good.

A walk of several days ranks first by whether it is within 1% of the length,
then by its nights away from a hut, campsite or shelter, then by the key above
(`before_key`, `pick_different`'s `before`): `nights.py` says why the length
comes before the beds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

NEAR_FRACTION = 0.01  # "within 1% of the target"
MAX_SHARED_FRACTION = 0.5

Key = tuple


def rank_key(
    *, cost: float, out_and_back: bool, drive_m: float, tie: tuple = ()
) -> Key:
    return (1 if out_and_back else 0, round(cost, 3), drive_m, *tie)


def before_key(*, missed: bool, bare_nights: int) -> tuple:
    """What ranks a walk of several days before its key: `missed` when it is
    further than 1% from the length asked for, `bare_nights` its nights at no
    bed."""
    return (missed, bare_nights)


class Candidate(Protocol):
    links: frozenset[int]
    distinct_m: float


def shared_m(a: Candidate, b: Candidate, link_m: Sequence[float]) -> float:
    return sum(link_m[i] for i in a.links & b.links)


def is_different(a: Candidate, better: Candidate, link_m: Sequence[float]) -> bool:
    """True when `a` shares at most half of its own length with `better`."""
    return shared_m(a, better, link_m) <= MAX_SHARED_FRACTION * a.distinct_m


C = TypeVar("C", bound=Candidate)


def pick_different(
    ranked: Iterable[C],
    k: int,
    link_m: Sequence[float],
    before: Callable[[C], tuple] | None = None,
) -> list[C]:
    """Up to `k` candidates that each differ from all picked before, best first.

    `ranked` is in key order. A candidate from a trailhead already picked weighs
    `SAME_TRAILHEAD` more; out-and-backs come only when there is no loop at all.
    `before`: what ranks a candidate before its key (`before_key`).
    """
    pool = list(ranked)
    if any(not _out_and_back(c) for c in pool):
        pool = [c for c in pool if not _out_and_back(c)]
    picks: list[C] = []
    while len(picks) < k:
        used = {getattr(p, "start", None) for p in picks}
        best = None
        best_key = None
        for cand in pool:
            if cand in picks or not all(is_different(cand, p, link_m) for p in picks):
                continue
            key = _weighed(cand, used)
            if before is not None:
                key = (*before(cand), *key)
            if best_key is None or key < best_key:
                best, best_key = cand, key
        if best is None:
            break
        picks.append(best)
    return picks


SAME_TRAILHEAD = 0.03  # 3% of the cost: another trailhead's loop nearly as good wins


def _out_and_back(cand: Candidate) -> bool:
    key: tuple = getattr(cand, "key", None) or ()
    return bool(key) and key[0] == 1


def _weighed(cand: Candidate, used: set) -> tuple:
    key = getattr(cand, "key", None)
    if not key:
        return ()
    start = getattr(cand, "start", None)
    factor = 1 + SAME_TRAILHEAD if start in used else 1.0
    return (key[0], key[1] * factor, *key[2:])
