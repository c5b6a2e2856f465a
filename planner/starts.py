"""Where a plan's loops may start: trailheads within the drive, a walk of the
start, near a trail or route asked for, or the one trailhead asked for; and,
when there are none, the nearest one and the regions LoopGenie knows.

The drive is an estimate (`drive.py`); what the database is asked (which
trailheads are attached, in a box, within a straight line) lives on the
`Trailhead` queryset.
"""

from __future__ import annotations

from typing import Any

from planner import walks
from planner.documents import trailhead_doc
from planner.drive import StraightLineEstimator
from planner.trip import TripQuery
from trails.models import Trailhead

ESTIMATOR = StraightLineEstimator()
FAR_M = 300_000.0  # a nearest trailhead further than this: outside the data
WALK_TO_TRAILHEAD_M = 2_000.0  # a drive of 0: trailheads this close, on foot
TRAILHEAD_FIELDS = ("id", "name", "kind", "lat", "lon", "junction")


def trailheads_in_range(
    lat: float, lon: float, drive_m: float
) -> list[tuple[Trailhead, float]]:
    """Attached trailheads within the drive estimate, nearest first. No drive
    (0): the trailheads within a short walk of the start, as a drive of 0."""
    if drive_m == 0:
        walk = Trailhead.objects.within(lat, lon, WALK_TO_TRAILHEAD_M)
        return [(th, 0.0) for th, _ in walk]
    radius = ESTIMATOR.search_radius_m(drive_m)
    found = []
    # the fields a plan and its document read: a long drive holds thousands
    rows = Trailhead.objects.attached().around(lat, lon, radius).order_by("id")
    for th in rows.only(*TRAILHEAD_FIELDS):
        drive = ESTIMATOR.drive_m(lat, lon, th.lat, th.lon)
        if drive <= drive_m:
            found.append((th, drive))
    found.sort(key=lambda pair: (pair[1], pair[0].id))
    return found


def reach_m(query: TripQuery) -> float:
    """How far from the start the trailheads of a plan may be, in a straight
    line: the drive's radius, or a walk for no drive."""
    return ESTIMATOR.search_radius_m(query.drive_m) or WALK_TO_TRAILHEAD_M


def walk_of(query: TripQuery) -> walks.Walk | None:
    """The trail or route the question asks every loop to walk some of."""
    kind, pk = (
        ("trail", query.trail_id)
        if query.trail_id is not None
        else ("route", query.route_id)
    )
    thing = walks.find(kind, pk) if pk is not None else None
    return walks.walk_of(thing) if thing is not None else None


def starts_for(
    query: TripQuery, walk: walks.Walk | None
) -> list[tuple[Trailhead, float]]:
    """The trailheads loops may start at, each with its drive: the one asked
    for; else, for a walk, those within a few km of it (and in range of the
    start when there is one); else those in range."""
    if query.trailhead_id is not None:
        th = Trailhead.objects.filter(pk=query.trailhead_id).first()
        if th is None or th.junction_id is None:
            return []  # removed, or moved off the network, since it was asked for
        drive = (
            0.0
            if query.lat is None
            else ESTIMATOR.drive_m(query.lat, query.lon, th.lat, th.lon)
        )
        return [(th, drive)]
    if walk is None:
        return trailheads_in_range(query.lat, query.lon, query.drive_m)
    # A loop of length L strays at most L/2 from its start; one from further
    # than a few km would spend its length getting there and back.
    reach = min(walks.START_NEAR_M, query.hike_m / 2)
    if query.lat is None:
        return [(th, 0.0) for th, _ in walks.trailheads_near(walk, reach)]
    found = trailheads_in_range(query.lat, query.lon, query.drive_m)
    metres = walks.distances_m(
        [th.lon for th, _ in found], [th.lat for th, _ in found], walk.points
    )
    return [pair for pair, m in zip(found, metres) if m <= reach]


def nearest_trailhead(lat: float, lon: float) -> dict[str, Any] | None:
    """The closest attached trailhead anywhere, as a plan document shows it."""
    best = Trailhead.objects.nearest(lat, lon)
    if best is None:
        return None
    return trailhead_doc(best, ESTIMATOR.drive_m(lat, lon, best.lat, best.lon))


def known_regions() -> list[dict[str, Any]]:
    """Each source with trailheads, where they are and how many, biggest first."""
    return Trailhead.objects.regions()
