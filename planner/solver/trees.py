"""Loops built from pairs of shortest-path trees: good loops in milliseconds.

The depth-first search (`search.py`) is exact and thorough, but on a dense network
(a city's footways, a forest-track grid) a long loop is a needle in a haystack of
walks it grows link by link. A loop a hiker would choose is mostly the cheapest
way out and a different cheapest way back, so this module builds those directly,
with compiled shortest paths (scipy's csgraph) and numpy:

1. Take two of the root's links, `a` and `b`. Tree A holds the cheapest ways
   from the root to every junction that leave by `a` (the root's other links are
   closed), tree B those that leave by `b`, by the hiker's cost of each link
   (`costs.py`: waymarked before named before unnamed before road, with the
   changes of trail inside a link).
2. Every junction v reached by both closes a walk: out to v along tree A, back
   along tree B. Its length and cost are sums known per junction, so all of them
   are measured at once; those within the length window are ranked by cost per
   metre, and the best few whose two halves share no link are loops.
3. Rounds take other pairs of the root's links and shake the link costs with
   seeded noise, for other trees and so other loops (deterministic: fixed seeds).

A loop found here is only as good as two cheapest paths make it; the depth-first
search then looks for better ones, and closes lengths the trees miss. No Django.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from planner.solver import costs
from planner.solver.cheapest import (
    LinkArrays,
    Tree,
    backwards,
    nodes_along,
    on,
    path,
    tree,
)
from planner.solver.cheapest import link_arrays as link_arrays  # re-exported

NOISE = 0.35  # spread of the shaken link costs (log-normal sigma)
PER_ROUND = 4  # loops offered per round, best cost per metre first
FAR = (0.3, 0.5)  # ways out end this far from the root, in shares of the length
TARGETS = 4  # ways out per round (one more on odd rounds)
# Two cheapest ways out to a junction and back are rarely longer together than
# this many times the farthest the root reaches: a network more compact than that
# is left to `via_loops` at once.
COMPACT = 2.5
VIA_FAR = (0.22, 0.36)  # a via loop turns first this far away, in shares of length
VIA_PER_ROUND = 2  # first turns per round of via loops
VIA_TRIES = 12  # second turns tried per first, best cost per metre first
# Fewer junctions than this within reach, and the depth-first search goes through
# the network in its budget (Colorado's 233 or a desert town's 239 in all): three
# legs and detours would only take its time.
VIA_MIN_JUNCTIONS = 400
STRETCH_TRIES = 2  # via loops too short tried for stretching, longest first
STRETCHES = 3  # detours a via loop may take to come to length
STRETCH_LINKS = 3  # of a loop's links, the longest this many are tried for a detour


@dataclass
class TreeLoop:
    hops: list[tuple[int, bool]]  # (link id, walked forward), from the root
    length: float
    cost: float  # sum of link costs (no turns between links)


def tree_loops(
    arrays: LinkArrays,
    root: int,
    lo: float,
    hi: float,
    round_: int,
    closed: frozenset[int] = frozenset(),
    count: int = PER_ROUND,
    near: tuple[float, float] | None = None,
    toward: np.ndarray | None = None,
) -> list[TreeLoop]:
    """Up to `count` loops through `root` of length in [lo, hi].

    Tree A is the cheapest way from the root to everywhere. Its ways to a few
    junctions about half the length away, the cheapest per metre in each of eight
    directions, are the ways out. For each, tree B is the cheapest way from the
    root that uses none of that way's links; a walk out along the way to any
    junction w on it and back along tree B's way to w is a loop, and all of them
    are measured at once. Round 0 uses plain costs; later rounds shake them.
    Links in `closed` are not used. With `near` (target, metres), loops that
    close within that many metres of the target come first, where there are any.
    With `toward` (a mask of junctions: the ends of a trail the hiker asked to
    walk), the ways out go to those junctions, so the loops walk toward and,
    as it costs less (`costs.MUST_WALK`), along it.
    """
    usable, weight = _links(arrays, closed, round_)
    # a loop of length L never leaves the disc of radius L/2 (costs >= metres)
    limit = costs.ROAD * hi / 2 + 1.0
    tree_a = tree(arrays, weight, usable, root, limit)
    reached = tree_a.metres[np.isfinite(tree_a.metres)]
    if COMPACT * reached.max() < lo:
        return []  # out and back by two cheapest ways cannot come to length
    # on a small network a long loop winds about: turn back nearer
    nearest = min(FAR[0] * hi, 0.7 * float(reached.max()))
    within = tree_a.metres <= FAR[1] * hi
    if toward is not None:
        # the farthest first: a way out along the trail walks more of it
        far = np.flatnonzero(toward & within & (tree_a.metres >= 1.0))
    else:
        far = np.flatnonzero((tree_a.metres >= max(nearest, 1.0)) & within)
    if not len(far):
        return []
    targets = _by_direction(arrays, tree_a, root, far, round_ * 17)
    out: list[TreeLoop] = []
    seen: set[frozenset[int]] = set()
    for v in targets[: TARGETS + round_ % 2]:
        there = path(arrays, tree_a, root, v)
        on_way = on(arrays, there)
        tree_b = tree(arrays, weight, usable & ~on_way, root, limit)
        nodes = nodes_along(arrays, there, root)  # junctions along the way out
        along = np.array([tree_a.metres[w] for w in nodes])
        total = along + tree_b.metres[nodes]
        cost = tree_a.cost[nodes] + tree_b.cost[nodes]
        ok = np.flatnonzero((total >= lo) & (total <= hi))
        if near is not None:
            close = ok[np.abs(total[ok] - near[0]) <= near[1]]
            ok = close if len(close) else ok
        for k in ok[np.argsort(cost[ok] / total[ok], kind="stable")][:2].tolist():
            back = path(arrays, tree_b, root, nodes[k])
            hops = there[: k + 1] + backwards(back)
            key = frozenset(lid for lid, _ in hops)
            if key in seen or len(key) < len(hops):
                continue
            seen.add(key)
            out.append(TreeLoop(hops, float(total[k]), float(cost[k])))
    out.sort(key=lambda loop: loop.cost / loop.length)
    return out[:count]


def via_loops(
    arrays: LinkArrays,
    root: int,
    lo: float,
    hi: float,
    round_: int,
    closed: frozenset[int] = frozenset(),
    count: int = PER_ROUND,
    near: tuple[float, float] | None = None,
    min_junctions: int = VIA_MIN_JUNCTIONS,
    until: float | None = None,
) -> list[TreeLoop]:
    """Up to `count` loops through `root` of length in [lo, hi] that turn at two
    junctions, for networks too compact for `tree_loops` (a long walk in a town's
    woods must wind about: two cheapest ways cannot make it); none when the root
    reaches fewer than `min_junctions`.

    Out along the cheapest way to a junction u about a third of the length away
    (the cheapest per metre in one of eight directions), across along the
    cheapest way from u that avoids the way out to some junction w, and home
    along the cheapest way from w that avoids the way out too. All w are
    measured at once; the best few whose three legs share no link are loops.
    Rounds turn the directions and shake the costs, as in `tree_loops`. Past
    `until` (a `time.perf_counter()`) no more turns or detours are tried.
    """
    usable, weight = _links(arrays, closed, round_)
    limit = costs.ROAD * hi / 2 + 1.0
    tree_a = tree(arrays, weight, usable, root, limit)
    if np.isfinite(tree_a.metres).sum() < min_junctions:
        return []
    far = np.flatnonzero(
        (tree_a.metres >= VIA_FAR[0] * hi) & (tree_a.metres <= VIA_FAR[1] * hi)
    )
    if not len(far):
        return []
    turns = _by_direction(arrays, tree_a, root, far, round_ * 29)
    # a different pair of directions each round
    turns = turns[round_ % len(turns) :: max(1, len(turns) // VIA_PER_ROUND)]
    goal = near[0] if near is not None else (lo + hi) / 2
    out: list[TreeLoop] = []
    seen: set[frozenset[int]] = set()
    for u in turns[:VIA_PER_ROUND]:
        if _late(until):
            break
        there = path(arrays, tree_a, root, u)
        on_way = on(arrays, there)
        across = tree(arrays, weight, usable & ~on_way, u, limit)
        home = tree(arrays, weight, usable & ~on_way, root, limit)
        total = tree_a.metres[u] + across.metres + home.metres
        cost = tree_a.cost[u] + across.cost + home.cost
        # where both ways arrive by one link they share their ends: the walk
        # turns where they meet, another w
        apart = across.into != home.into
        finite = apart & np.isfinite(total)
        ok = np.flatnonzero(finite & (total >= lo) & (total <= hi))
        if near is not None:
            close = ok[np.abs(total[ok] - goal) <= near[1]]
            ok = close if len(close) else ok
        if len(ok):
            order = ok[np.argsort(cost[ok] / total[ok], kind="stable")][:VIA_TRIES]
        else:  # too compact for three legs: the longest, stretched by detours
            below = np.flatnonzero(finite & (total < lo))
            order = below[np.argsort(-total[below], kind="stable")][:STRETCH_TRIES]
        for w in order.tolist():
            leg2 = path(arrays, across, u, w)
            leg3 = path(arrays, home, root, w)
            hops = there + leg2 + backwards(leg3)
            key = frozenset(lid for lid, _ in hops)
            if len(key) < len(hops) or key in seen:
                continue
            loop = TreeLoop(hops, float(total[w]), float(cost[w]))
            near_m = near[1] if near is not None else hi - lo
            for _ in range(STRETCHES):
                if abs(loop.length - goal) <= near_m or _late(until):
                    break
                longer = _stretch(arrays, weight, usable, loop, hi, goal, near_m)
                if longer is None:
                    break
                loop = longer
            if not lo <= loop.length <= hi:
                continue
            seen.add(key)
            out.append(loop)
            break
    out.sort(key=lambda loop: loop.cost / loop.length)
    return out[:count]


def _late(until: float | None) -> bool:
    return until is not None and time.perf_counter() >= until


def _stretch(
    arrays: LinkArrays,
    weight: np.ndarray,
    usable: np.ndarray,
    loop: TreeLoop,
    hi: float,
    goal: float,
    near_m: float,
) -> TreeLoop | None:
    """`loop` with one of its links (of its `STRETCH_LINKS` longest) replaced by a
    detour over links it does not use, the one that brings its length nearest
    `goal` (the cheapest per metre of those within `near_m` of it); None when no
    detour brings it nearer without passing `hi` (a loop still short of `lo` may
    take another). Out to a junction x by
    the cheapest way from one end of the link and back by the cheapest way to
    the other, all x measured at once."""
    ks = arrays.pos[[lid for lid, _ in loop.hops]]
    use = usable & ~on(arrays, loop.hops)
    best: tuple | None = None
    for i in np.argsort(-arrays.length[ks], kind="stable")[:STRETCH_LINKS].tolist():
        k, fwd = int(ks[i]), loop.hops[i][1]
        s, t = (arrays.a[k], arrays.b[k]) if fwd else (arrays.b[k], arrays.a[k])
        rest = loop.length - float(arrays.length[k])
        limit = costs.ROAD * max(hi - rest, 0.0) + 1.0
        out_s = tree(arrays, weight, use, int(s), limit)
        out_t = tree(arrays, weight, use, int(t), limit)
        total = rest + out_s.metres + out_t.metres
        ok = np.flatnonzero(
            (out_s.into != out_t.into) & np.isfinite(total) & (total <= hi)
        )
        if not len(ok):
            continue
        miss = np.abs(total[ok] - goal)
        cost = out_s.cost[ok] + out_t.cost[ok]
        close = miss <= near_m
        pick = (
            ok[close][np.argmin(cost[close] / total[ok][close])]
            if close.any()
            else ok[np.argmin(miss)]
        )
        if best is None or abs(total[pick] - goal) < best[0]:
            best = (
                abs(float(total[pick]) - goal),
                i,
                k,
                out_s,
                out_t,
                int(s),
                int(t),
                int(pick),
            )
        if best[0] <= near_m:
            break
    if best is None or best[0] >= abs(loop.length - goal):
        return None
    _, i, k, out_s, out_t, s, t, x = best
    there = path(arrays, out_s, s, x)
    back = path(arrays, out_t, t, x)
    if {lid for lid, _ in there} & {lid for lid, _ in back}:
        return None
    hops = loop.hops[:i] + there + backwards(back) + loop.hops[i + 1 :]
    length = loop.length - float(arrays.length[k]) + out_s.metres[x] + out_t.metres[x]
    cost = loop.cost - float(arrays.cost[k]) + out_s.cost[x] + out_t.cost[x]
    return TreeLoop(hops, float(length), float(cost))


def _links(
    arrays: LinkArrays, closed: frozenset[int], round_: int
) -> tuple[np.ndarray, np.ndarray]:
    """The links a round may use (none of `closed`, none from a junction to
    itself) and their weights: plain in round 0, shaken by seeded noise after."""
    usable = arrays.a != arrays.b
    if closed:
        usable &= ~np.isin(arrays.ids, np.fromiter(closed, dtype=np.int64))
    weight = arrays.cost
    if round_:
        rng = np.random.default_rng(round_)
        weight = weight * rng.lognormal(0.0, NOISE, size=len(weight))
    return usable, weight


def _by_direction(
    arrays: LinkArrays, tree: Tree, root: int, far: np.ndarray, turn: float
) -> list[int]:
    """Of the junctions `far`, the cheapest per metre along `tree` in each of
    eight sectors of bearing from the root (the sectors turned by `turn` degrees)."""
    east = (arrays.lon[far] - arrays.lon[root]) * np.cos(np.radians(arrays.lat[root]))
    north = arrays.lat[far] - arrays.lat[root]
    bearing = np.nan_to_num(np.degrees(np.arctan2(east, north)) + 360 + turn)
    sector = np.floor((bearing % 360) / 45).astype(np.int64)
    rate = tree.cost[far] / tree.metres[far]
    return [
        int(far[sector == k][np.argmin(rate[sector == k])]) for k in np.unique(sector)
    ]
