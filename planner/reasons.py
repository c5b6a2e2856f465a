"""Why there is no loop, in words a hiker reads, in the hiker's units.

The solver and the planner say why as data (`NoLoop`, lengths in metres); this
is the one place that words it, for the page, the API and any other audience.
Besides the solver's kinds, the planner has two of its own: "walk_far" (no
trailhead, `start` "in range" or none, within `target_m` of the `walk` asked
for) and "too_much_network" (a walk of `target_m` reaches more network than a
plan may load). No Django.
"""

from __future__ import annotations

from planner.solver.records import NoLoop
from planner.units import distance_text

UNSURE = " (the search ran out of time: try harder)"


def words(why: NoLoop, units: str) -> str:
    """One or two plain sentences: why no loop, and what was closest."""

    def far(metres: float) -> str:
        return distance_text(metres, units)

    within = f"within ±{why.tolerance:.0%} of {far(why.target_m)}"
    found = " and ".join(far(m) for m in why.closest_m)
    plural = "are" if len(why.closest_m) == 2 else "is"
    unsure = UNSURE if why.unsure else ""
    kind = why.kind
    if kind == "no_trailhead":
        return "No trailhead in range."
    if kind == "off_network":
        return "None of the trailheads in range is on the trail network."
    if kind == "walk_unreached":
        return f"No loop {within} from {why.start} reaches {why.walk}."
    if kind == "walk_missed":
        said = f"No loop {within} from {why.start} walks any of {why.walk}"
        if not found:
            return f"{said}{unsure}."
        return f"{said}: the closest that do {plural} {found}{unsure}."
    if kind == "walk_far":
        return (
            f"No trailhead {why.start + ' ' if why.start else ''}"
            f"is within {far(why.target_m)} of {why.walk}."
        )
    if kind == "stems_needed":
        return (
            "No loop starts at the trailheads in range: their trails only go "
            "out and back (allow out-and-back routes to see those)."
        )
    if kind == "nothing_to_walk":
        return "The trailheads in range reach no trail to walk."
    if kind == "out_and_back_only":
        return (
            "The trails from the trailheads in range only go out and back, and "
            f"none there and back is {within}: the closest {plural} {found}{unsure}."
        )
    if kind == "too_small":
        longest = (
            f"the longest loop from {why.start} is {far(why.reach_m)}"
            if why.reach_is_loop
            else f"the trails in loops from {why.start} add up to {far(why.reach_m)}"
        )
        return f"No trailhead in range reaches a network that long: {longest}."
    if kind == "too_much_network":
        return (
            f"A walk of {far(why.target_m)} reaches more trail than LoopGenie can "
            "search at once; try a shorter walk or more days with a shorter total."
        )
    if not found:  # "missed"
        return f"No loop {within} was found{unsure}."
    return f"No loop {within}: the closest {plural} {found}{unsure}."
