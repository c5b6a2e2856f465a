"""Why a solve found no loop, as data (`NoLoop`) for the planner to put in
words, and the closest lengths it saw.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner.solver.records import NoLoop, Start
from planner.solver.search import Search

NEAR_MISS = 0.5  # after a timed-out search, closest only from half the length up


def _must_reason(
    search: Search, on_network: list[Start], exhaustive: bool, name: str
) -> NoLoop:
    """Why no loop walks what the hiker asked for: the lengths of the closest
    loops that do, when some were seen (the others were never offered)."""
    start = (
        on_network[0].name or "the trailhead"
        if len(on_network) == 1
        else "the trailheads in range"
    )
    asked: dict[str, Any] = dict(
        target_m=search.target, tolerance=search.tolerance, start=start
    )
    if not search.must_m:  # none of it on the network within the length's reach
        return NoLoop("walk_unreached", walk=name, **asked)
    below, above = search.longest_below, search.shortest_above
    found = tuple(c[0] for c in (below, above) if c is not None)
    return NoLoop(
        "walk_missed", closest_m=found, unsure=not exhaustive, walk=name, **asked
    )


def near_misses(search: Search, exhaustive: bool, pairs: bool = False):
    """The longest walk found below the window and the shortest above it. After
    a search that ran out of time, each only when it is worth telling a hiker
    (half to twice the length asked for): it may have seen nothing but a 100 m
    walk, which says nothing of what is there."""
    below, above = search.longest_below, search.shortest_above
    if not exhaustive:
        if below is not None and below[0] < NEAR_MISS * search.target:
            below = None
        if above is not None and above[0] > search.target / NEAR_MISS:
            above = None
    if pairs:
        return below, above
    return [c for c in (below, above) if c is not None]


def reason(
    search: Search,
    starts: Sequence[Start],
    on_network: list[Start],
    exhaustive: bool,
    allow_stems: bool,
    must_walk_name: str,
) -> NoLoop:
    """Why nothing was found, as data for the planner to put in words."""
    if not starts:
        return NoLoop("no_trailhead")
    if not on_network:
        return NoLoop("off_network")
    if search.must_walk:
        return _must_reason(search, on_network, exhaustive, must_walk_name)
    layer, index = search.layer, search.prep.index
    reach, widest = 0.0, 0
    for i, s in enumerate(on_network):
        part = layer.cycle_part[index[s.node]]
        if part != -1 and layer.cycle_part_m[part] > reach:
            reach, widest = layer.cycle_part_m[part], i
    below, above = near_misses(search, exhaustive, pairs=True)
    found = tuple(c[0] for c in (below, above) if c is not None)
    asked: dict[str, Any] = dict(
        target_m=search.target,
        tolerance=search.tolerance,
        closest_m=found,
        unsure=not exhaustive,
    )

    def name(i: int) -> str:
        return on_network[i].name or "the trailhead"

    if reach == 0.0:
        if not allow_stems:
            return NoLoop("stems_needed", **asked)
        if not found:
            return NoLoop("nothing_to_walk", **asked)
        return NoLoop("out_and_back_only", **asked)
    if reach < search.lo and not above:
        loop = search.longest_loop
        if loop and exhaustive:
            return NoLoop(
                "too_small",
                start=name(loop[1]),
                reach_m=loop[0],
                reach_is_loop=True,
                **asked,
            )
        return NoLoop("too_small", start=name(widest), reach_m=reach, **asked)
    return NoLoop("missed", **asked)
