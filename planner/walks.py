"""What a hiker found and wants to walk: a trail or a waymarked route.

Its walkable segments (what "plan a loop that walks this" hands the solver as
`must_walk`), the points of its line, and the trailheads and huts near it. The
trail and route pages and the planner both read it from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Sum

from trails.geo import degrees_for_metres
from trails.models import Campsite, Segment, Trail, Trailhead, WalkingRoute
from trails.network import DEFAULT_ATTACH_M

EARTH_M = 6_371_000.0
NEAR_M = 300.0  # a hut or trailhead this near the line is "on it"
# Without a start, loops that walk a trail start at trailheads this near it.
START_NEAR_M = 3000.0
GRID_DEG = 0.001  # the line's points thinned to one per ~100 m cell


@dataclass(frozen=True)
class Walk:
    kind: str  # "trail" or "route"
    id: int
    name: str
    segment_ids: frozenset[int]  # open and not flagged: what a loop may walk
    points: tuple[tuple[float, float], ...]  # (lon, lat) along those segments
    junctions: frozenset[int]  # their ends, where trailheads and huts attach


def find(kind: str, pk: int) -> Trail | WalkingRoute | None:
    model = Trail if kind == "trail" else WalkingRoute
    return model.objects.filter(pk=pk).first()


def segments(thing: Trail | WalkingRoute):
    """Every segment of a trail or a route, walkable or not."""
    if isinstance(thing, Trail):
        return Segment.objects.filter(trail=thing)
    return Segment.objects.filter(routes=thing)


def walk_of(thing: Trail | WalkingRoute, everything: bool = False) -> Walk:
    """Its walkable segments; `everything`: closed and flagged ones too (a page
    shows where a closed trail is)."""
    rows = segments(thing) if everything else segments(thing).walkable()
    rows = list(rows.values_list("id", "geometry", "start_id", "end_id"))
    cells = {
        (round(p[0] / GRID_DEG), round(p[1] / GRID_DEG))
        for _, line, _, _ in rows
        for p in line
    }
    return Walk(
        kind="trail" if isinstance(thing, Trail) else "route",
        id=thing.pk,
        name=str(thing),
        segment_ids=frozenset(row[0] for row in rows),
        points=tuple(sorted((x * GRID_DEG, y * GRID_DEG) for x, y in cells)),
        junctions=frozenset(j for row in rows for j in row[2:]),
    )


def distances_m(
    lons: list[float], lats: list[float], points: tuple[tuple[float, float], ...]
) -> np.ndarray:
    """Per (lon, lat): metres to the nearest of `points` (flat-earth, fine for the
    few kilometres it is asked about), inf when there are no points."""
    if not points or not lons:
        return np.full(len(lons), math.inf)
    line = np.radians(np.array(points))
    out = np.empty(len(lons))
    for at in range(0, len(lons), 256):  # bounded memory on a long route
        lon = np.radians(np.array(lons[at : at + 256]))[:, None]
        lat = np.radians(np.array(lats[at : at + 256]))[:, None]
        dx = (line[None, :, 0] - lon) * np.cos(lat)
        dy = line[None, :, 1] - lat
        out[at : at + 256] = np.sqrt(dx * dx + dy * dy).min(axis=1) * EARTH_M
    return out


def _box(points, metres: float) -> tuple[float, float, float, float]:
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    dlon, dlat = degrees_for_metres(metres, max(map(abs, lats)))
    return (min(lons) - dlon, min(lats) - dlat, max(lons) + dlon, max(lats) + dlat)


def near(model, walk: Walk, metres: float) -> list[tuple]:
    """Attached trailheads or campsites within `metres` of the walk's line or
    attached to one of its junctions, nearest first, each with its distance."""
    if not walk.points:
        return []
    rows = list(
        model.objects.in_bbox(*_box(walk.points, max(metres, DEFAULT_ATTACH_M)))
        .filter(junction__isnull=False)
        .order_by("id")
    )
    found = distances_m([r.lon for r in rows], [r.lat for r in rows], walk.points)
    pairs = [
        (r, float(d))
        for r, d in zip(rows, found)
        if d <= metres or r.junction_id in walk.junctions
    ]
    pairs.sort(key=lambda pair: (pair[1], pair[0].id))
    return pairs


def trailheads_near(
    walk: Walk, metres: float = NEAR_M
) -> list[tuple[Trailhead, float]]:
    return near(Trailhead, walk, metres)


def campsites_near(walk: Walk, metres: float = NEAR_M) -> list[tuple[Campsite, float]]:
    return near(Campsite, walk, metres)


@dataclass
class Page:
    """What a trail's or a waymarked route's page shows (metres)."""

    thing: Trail | WalkingRoute
    kind: str  # "trail" or "route"
    length_m: float  # walkable segments summed
    ascent_m: float | None  # None unless every walkable segment's is known
    closed: list[str]  # why some or all of it is not planned on
    related: list[tuple[Any, float]]  # routes it belongs to, or trails it uses
    trailheads: list[tuple[Trailhead, float]]
    campsites: list[tuple[Campsite, float]]
    start_at: Trailhead | None  # the nearest trailhead, for "plan a loop from here"
    lines: list[list[list[float]]]  # [[lon, lat], ...] per segment, for the map


def page(thing: Trail | WalkingRoute) -> Page:
    rows = list(segments(thing).select_related("trail"))
    walkable = set(segments(thing).walkable().values_list("id", flat=True))
    on = [s for s in rows if s.id in walkable]
    climbs = [s.ascent_m for s in on]
    everything = walk_of(thing, everything=True)
    trailheads = trailheads_near(everything)
    nearest = trailheads or near(Trailhead, everything, START_NEAR_M)
    return Page(
        thing=thing,
        kind=everything.kind,
        length_m=sum(s.length_m for s in on),
        ascent_m=sum(climbs) if climbs and None not in climbs else None,
        closed=_closed(thing, rows, walkable),
        related=_related(thing),
        trailheads=trailheads,
        campsites=campsites_near(everything),
        start_at=nearest[0][0] if nearest else None,
        lines=[[[round(p[0], 6), round(p[1], 6)] for p in s.geometry] for s in rows],
    )


def _closed(thing, rows: list[Segment], walkable: set[int]) -> list[str]:
    """Plain sentences on what of it LoopGenie will not plan on, and why."""
    notes = []
    if isinstance(thing, Trail) and thing.flag and not thing.flag_override:
        notes.append(
            f"This trail is flagged in the data ({thing.get_flag_display().lower()}): "
            "LoopGenie does not plan loops on it."
        )
    flagged = {
        str(s.trail)
        for s in rows
        if s.is_open and s.id not in walkable and s.trail_id != thing.pk
    }
    if flagged:
        notes.append(
            "Flagged in the data, and left out of plans: " + ", ".join(sorted(flagged))
        )
    shut = [s for s in rows if not s.is_open]
    if shut:
        metres = sum(s.length_m for s in shut)
        reasons = sorted({s.closed_reason for s in shut if s.closed_reason})
        why = f" ({'; '.join(reasons)})" if reasons else ""
        every = "All of it is" if len(shut) == len(rows) else "Part of it is"
        notes.append(f"{every} closed{why}: {metres / 1000:.1f} km left out of plans.")
    return notes


def _related(thing: Trail | WalkingRoute) -> list[tuple[Any, float]]:
    """For a trail, the routes it belongs to; for a route, the trails it uses;
    each with the metres they share, most first."""
    # Filtered before annotated: the sum covers only the segments they share.
    if isinstance(thing, Trail):
        rows = WalkingRoute.objects.filter(segments__trail=thing)
    else:
        rows = Trail.objects.filter(segments__routes=thing)
    rows = rows.annotate(m=Sum("segments__length_m"))
    return sorted(((r, r.m or 0.0) for r in rows), key=lambda p: (-p[1], p[0].pk))
