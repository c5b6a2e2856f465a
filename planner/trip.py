"""The hiker's question, validated and in metres: what a plan is the answer to.

No Django: the forms build it, the plan cache keys on it, the solver's adapter
reads it, and the presenters echo it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from planner.solver.answer import DEFAULT_BUDGET_S


@dataclass(frozen=True)
class TripQuery:
    """A validated, normalised trip request (lengths in metres).

    No start (`lat`/`lon` None) when the hiker picked a trailhead, or a trail or
    route to walk: loops then start at that trailhead, or near what they walk.
    """

    lat: float | None
    lon: float | None
    label: str
    drive_m: float
    hike_m: float
    days: int = 1
    tolerance: float = 0.10
    allow_stems: bool = True
    max_difficulty: int | None = None
    alternatives: int = 3
    units: str = "mi"
    budget_s: float = DEFAULT_BUDGET_S
    trailhead_id: int | None = None  # every loop starts there
    trail_id: int | None = None  # every loop walks some of it
    route_id: int | None = None  # every loop walks some of this waymarked route
    max_day_m: float | None = None  # no day longer than this (several days)
    shelters: bool = True  # shelters count as places to sleep

    def cache_key(self, version: int) -> str:
        raw = json.dumps([asdict(self), version], sort_keys=True)
        return "plan:" + hashlib.sha256(raw.encode()).hexdigest()


def describe(query: TripQuery) -> str:
    """The question for the log. The start to two decimals (about a kilometre):
    enough to see where people plan, not where someone lives."""
    where = (
        f"lat={query.lat:.2f} lon={query.lon:.2f} drive_m={query.drive_m:.0f} "
        if query.lat is not None
        else ""
    )
    asked = "".join(
        f"{name}={value} "
        for name, value in (
            ("trailhead", query.trailhead_id),
            ("trail", query.trail_id),
            ("route", query.route_id),
        )
        if value is not None
    )
    return (
        f"{where}{asked}"
        f"hike_m={query.hike_m:.0f} days={query.days} tol={query.tolerance:g} "
        f"stems={query.allow_stems} difficulty={query.max_difficulty}"
        + (f" max_day_m={query.max_day_m:.0f}" if query.max_day_m else "")
        + ("" if query.shelters else " shelters=no")
    )
