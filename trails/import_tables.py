"""What an import writes to each table: junctions, trails, segments, trailheads
and campsites, waymarked routes and their links, through `trails/bulk.py`.

What staff decided survives: their closures follow the ground they cover
(`trails/closures.py`), the fields they changed are kept, a point they made is
not copied in from an export, and a point whose junction is gone is attached
again to the nearest one (`reattach_points`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from trails.bulk import (
    BATCH,
    Rows,
    TableCounts,
    chunks,
    create_rows,
    delete_rows,
    keep_elevation,
    keep_line_elevation,
    keep_staff_fields,
    profile,
    row_ids,
    sync_rows,
)
from trails.closures import Ground, State
from trails.dem import climb
from trails.geo import bbox, line_length_m
from trails.models import (
    Campsite,
    Junction,
    Segment,
    Source,
    Trail,
    Trailhead,
    WalkingRoute,
)
from trails.network import CAMP_DETAILS, DEFAULT_ATTACH_M, ROUTE_FIELDS, Network
from trails.network import Segment as ParsedSegment

if TYPE_CHECKING:
    from trails.importers import ImportReport

# How export_trails names a point staff made: "trailhead-12", or "3:trailhead-12"
# in an export of several sources.
STAFF_POINT = re.compile(r"(?:\d+:)?(?P<noun>trailhead|campsite)-(?P<pk>\d+)")


def _r(x: float | None, digits: int = 7) -> float | None:
    return None if x is None else round(x, digits)


def sync_junctions(source: Source, net: Network, gone: list[int]) -> TableCounts:
    wanted = {
        j.key: {"lat": _r(j.lat), "lon": _r(j.lon), "elevation": _r(j.ele, 1)}
        for j in net.junctions.values()
    }
    fields = ["lat", "lon", "elevation"]
    return sync_rows(Junction, source, wanted, fields, keep=keep_elevation, gone=gone)


def sync_trails(source: Source, net: Network) -> TableCounts:
    # flag_override and staff_fields are staff's: written only when a trail is
    # created (a restored backup brings them), never over an existing trail's, so
    # they survive re-imports.
    wanted = {
        t.key: {
            "name": t.name[:300],
            "kind": t.kind,
            "difficulty": t.difficulty,
            "flag": t.flag,
            "flag_override": t.flag_override,
            "staff_fields": t.staff_fields,
        }
        for t in net.trails
    }
    fields = ["name", "kind", "difficulty", "flag", "search_name"]
    return sync_rows(
        Trail,
        source,
        wanted,
        fields,
        keep=keep_staff_fields,
        also_read=["staff_fields"],
    )


def sync_segments(
    source: Source, net: Network, ground: Ground, report: ImportReport
) -> TableCounts:
    junction_ids = row_ids(Junction, source)
    trail_ids = row_ids(Trail, source)

    def rows() -> Iterator[tuple[str, dict[str, Any]]]:
        for s in net.segments:
            yield s.key, _segment_row(s, junction_ids, trail_ids, ground, report)

    fields = ["trail_id", "start_id", "end_id", "length_m", "geometry", "other_names"]
    fields += ["ascent_m", "descent_m", "min_lon", "min_lat", "max_lon", "max_lat"]
    fields += ["is_open", "closed_reason", "file_closed_reason"]
    wanted = Rows(lambda: {s.key for s in net.segments}, rows)
    counts = sync_rows(Segment, source, wanted, fields, keep=keep_line_elevation)
    report.unplaced = [f"{c.label}, closed: {c.reason}" for c in ground.unplaced()]
    return counts


def _segment_row(
    s: ParsedSegment,
    junction_ids: dict[str, int],
    trail_ids: dict[str, int],
    ground: Ground,
    report: ImportReport,
) -> dict[str, Any]:
    geometry = [[round(lon, 7), round(lat, 7)] for lon, lat in s.coords]  # as _r
    ascent = descent = None
    if s.elevations and any(e is not None for e in s.elevations):
        # Vertices without elevation (a GPS without a fix, a line joined on
        # from one without) stay [lon, lat]; climb counts the rest.
        for point, ele in zip(geometry, s.elevations):
            if ele is not None:
                point.append(round(ele, 1))
        ascent, descent = climb(profile(geometry))
    lon0, lat0, lon1, lat1 = bbox(s.coords)
    reason = s.closed_reason[:200]
    is_open, closed_reason = ground.state(geometry, reason)
    report.closed += not is_open
    return {
        "trail_id": trail_ids[s.trail],
        "start_id": junction_ids[s.start],
        "end_id": junction_ids[s.end],
        # Measured on the stored (rounded) vertices, so that an export read
        # back in measures the same to the centimetre.
        "length_m": round(line_length_m(geometry), 2),
        "geometry": geometry,
        "ascent_m": ascent,
        "descent_m": descent,
        "min_lon": _r(lon0),
        "min_lat": _r(lat0),
        "max_lon": _r(lon1),
        "max_lat": _r(lat1),
        "is_open": is_open,
        "closed_reason": closed_reason,
        "file_closed_reason": reason,
        "other_names": [name[:300] for name in s.names],
    }


def ground_of(source: Source) -> Ground:
    """The source's ground that is closed, or that the file closed: open ground
    nobody remarked on is most of it, and needs no memory."""
    rows = (
        Segment.objects.filter(source=source)
        .filter(Q(is_open=False) | ~Q(file_closed_reason=""))
        .values_list(
            "external_id",
            "trail__name",
            "geometry",
            "is_open",
            "closed_reason",
            "file_closed_reason",
        )
    )
    return Ground(
        (f"{name or 'unnamed trail'} (segment {sid})", geometry, State(*state))
        for sid, name, geometry, *state in rows
    )


def sync_places(
    source: Source,
    net: Network,
    model: type[Trailhead | Campsite],
    kinds: tuple[str, ...],
) -> TableCounts:
    junction_ids = row_ids(Junction, source)
    wanted = {
        p.key: {
            "name": p.name[:300],
            "kind": p.kind,
            "lat": _r(p.lat),
            "lon": _r(p.lon),
            "elevation": _r(p.ele, 1),
            "junction_id": junction_ids.get(p.junction) if p.junction else None,
            "attach_m": p.attach_m,
            "staff_fields": p.staff_fields,
        }
        for p in net.places
        if p.kind in kinds
    }
    for key in _staff_points(model, wanted):
        del wanted[key]  # our export of a point staff made, which is still here
    fields = ["name", "kind", "lat", "lon", "elevation", "junction_id", "attach_m"]
    if model is Campsite:
        # what the file says of each bed; staff's closure only from an export
        camp_fields = [*CAMP_DETAILS, "closed_reason"]
        empty = {"website": "", "opening_hours": "", "closed_reason": ""}
        details = {p.key: p.details for p in net.places if p.key in wanted}
        for key, values in wanted.items():
            for name in camp_fields:
                values[name] = details[key].get(name, empty.get(name))
        fields += camp_fields
    fields.append("search_name")

    def keep(row: dict[str, Any], values: dict[str, Any]) -> None:
        keep_staff_fields(row, values)
        if {"lat", "lon"} & set(row["staff_fields"]):
            # Staff moved it, and the admin attached it where they put it.
            for name in ("lat", "lon", "elevation", "junction_id", "attach_m"):
                values[name] = row[name]
        keep_elevation(row, values)

    return sync_rows(
        model, source, wanted, fields, keep=keep, also_read=["staff_fields"]
    )


def _staff_points(model: type[Trailhead | Campsite], wanted: dict) -> list[str]:
    """The keys of `wanted` that name a point staff made (no source, no id of its
    own: `export_trails` calls it "trailhead-<pk>") that is still in the database.
    Re-importing an export must not copy it into the source."""
    noun = model._meta.model_name
    named = {}
    for key in wanted:
        match = STAFF_POINT.fullmatch(key)
        if match and match["noun"] == noun:
            named[int(match["pk"])] = key
    if not named:
        return []
    made = model.objects.filter(source=None, external_id="", pk__in=named)
    return [named[pk] for pk in made.values_list("pk", flat=True)]


def reattach_points(gone_junctions: list[int], report: ImportReport) -> None:
    """Trailheads and campsites the file does not place (staff added or moved
    them, or another source's) whose junction is about to go: attach each to the
    nearest junction left, rather than let the delete detach it unnoticed."""
    for model in (Trailhead, Campsite):
        for chunk in chunks(gone_junctions, BATCH):
            for point in model.objects.filter(junction_id__in=chunk):
                point.attach_to_network(DEFAULT_ATTACH_M)
                point.save(update_fields=["junction", "attach_m"])
                where = (
                    f"now {point.attach_m:g} m from junction {point.junction_id}"
                    if point.junction
                    else "no open trail within reach: not attached"
                )
                report.reattached.append(
                    f"{point.get_kind_display().lower()} {point}, {where}"
                )


def sync_routes(source: Source, net: Network) -> TableCounts:
    """The source's waymarked routes, and which segments each is on: links are
    added and removed as the file says, two bulk queries whatever the size."""
    fields = list(ROUTE_FIELDS)
    wanted = {r.source_id: {f: getattr(r, f)[:200] for f in fields} for r in net.routes}
    fields.append("search_name")
    counts = sync_rows(WalkingRoute, source, wanted, fields)
    route_ids = row_ids(WalkingRoute, source)
    segment_ids = row_ids(Segment, source)
    want = {(route_ids[r], segment_ids[s.key]) for s in net.segments for r in s.routes}
    Link = WalkingRoute.segments.through
    links = Link.objects.filter(walkingroute__source=source)
    have = dict(
        ((route, segment), pk)
        for pk, route, segment in links.values_list(
            "id", "walkingroute_id", "segment_id"
        )
    )
    delete_rows(Link, [pk for pair, pk in have.items() if pair not in want])
    new = [
        {"walkingroute_id": r, "segment_id": s} for r, s in want if (r, s) not in have
    ]
    for chunk in chunks(new, BATCH):
        create_rows(Link, chunk)
    return counts
