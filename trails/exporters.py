"""Write the network back out as GeoJSON, in a shape `import_trails` reads back as
the same network.

Every segment is its own LineString feature, keyed by its external id, with its
trail's id, name, kind and difficulty, its closure, elevation as z, and the ids of
the junctions at its ends; trailheads and campsites are Points naming the junction
they attach to. Importing the file into an empty database therefore rebuilds the
same segments, lengths and attachments (see `trails/geojson.py`), without snapping
or merging anything by position. The collection's top-level `properties` carry the
source's name, attribution and licence. Trailheads and campsites staff added in the
admin belong to no source: each goes with the source of the junction it attaches
to, and those attached to none go with an export of every source.

What the data says about walking it goes too, each only when there is something to
say: a segment's trail `flag` (a key of `trails.network.FLAGS`), `flag_override:
true` when staff decided hikers may walk it anyway (a backup restores staff's
decisions; an import writes it only on trails it creates, never over an existing
one's), `staff_fields` on segments and points: the fields staff changed in the
admin, which later imports leave as staff set them (restored the same way), the
segment's `other_names` (a list), and `routes`, the ids of the
waymarked routes it is on. The routes themselves are described once, in the
collection's top-level `properties.routes`: an object keyed by those ids, each
value with the route's `name`, `ref`, `network`, `colour`, `symbol` (osmc:symbol)
and `operator` (empty ones left out). A route is only kept on the way back in if
some segment is on it.

One feature per line: a diff of two exports shows what changed, and the file is
written as it is read from the database, never held in memory whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import Q, QuerySet

from trails.models import Campsite, Junction, Segment, Source, Trailhead, WalkingRoute
from trails.network import CAMP_DETAILS, ROUTE_FIELDS

CHUNK = 2000


@dataclass
class ExportReport:
    sources: list[str]
    segments: int = 0
    trailheads: int = 0
    campsites: int = 0
    closed: int = 0
    with_elevation: int = 0
    km: float = 0.0

    def lines(self) -> list[str]:
        return [
            f"Exported {', '.join(map(repr, self.sources)) or 'nothing'}: "
            f"{self.segments:,} segments ({self.km:,.1f} km, {self.closed:,} closed, "
            f"{self.with_elevation:,} with elevation), {self.trailheads:,} "
            f"trailheads and {self.campsites:,} campsites."
        ]


def write_geojson(
    out: IO[str], sources: Sequence[Source], *, everything: bool = False
) -> ExportReport:
    """Write `sources` as one FeatureCollection to the text stream `out`.

    With several sources, ids are prefixed with the source's id so that two
    sources' junctions never merge on the way back in. `everything` says that
    `sources` are all there are, so staff's points on no trail go too.
    """
    report = ExportReport([s.name for s in sources])
    out.write('{"type": "FeatureCollection",\n"properties": ')
    out.write(_dumps(_collection_properties(sources)))
    out.write(',\n"features": [')
    first = True
    for feature in _features(sources, report, everything):
        out.write("\n" if first else ",\n")
        out.write(_dumps(feature))
        first = False
    out.write("\n]}\n")
    report.km = round(report.km / 1000, 1)
    return report


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _collection_properties(sources: Sequence[Source]) -> dict[str, Any]:
    props: dict[str, Any] = {"generator": "LoopGenie export_trails"}
    if len(sources) == 1:
        props["source"] = sources[0].name
    for key in ("attribution", "licence"):
        values = dict.fromkeys(getattr(s, key) for s in sources if getattr(s, key))
        if values:
            props[key] = "; ".join(values)
    routes = {
        _prefix(sources, route["source_id"]) + route.pop("external_id"): {
            key: value for key, value in route.items() if value and key in ROUTE_FIELDS
        }
        for route in WalkingRoute.objects.filter(source__in=sources)
        .order_by("source_id", "id")
        .values("source_id", "external_id", *ROUTE_FIELDS)
    }
    if routes:
        props["routes"] = routes
    return props


def _prefix(sources: Sequence[Source], source_id: int) -> str:
    return f"{source_id}:" if len(sources) > 1 else ""


def _features(
    sources: Sequence[Source], report: ExportReport, everything: bool
) -> Iterator[dict[str, Any]]:
    for source in sources:
        prefix = _prefix(sources, source.pk)
        yield from _segment_features(source, prefix, report)
        for model in (Trailhead, Campsite):
            # Staff's own points have no source: they go with their junction's.
            rows = model.objects.filter(
                Q(source=source) | Q(source=None, junction__source=source)
            )
            yield from _place_features(source, rows, prefix, report)
    if everything:
        for model in (Trailhead, Campsite):
            rows = model.objects.filter(source=None, junction=None)
            yield from _place_features(None, rows, "", report)


def _segment_features(
    source: Source, prefix: str, report: ExportReport
) -> Iterator[dict[str, Any]]:
    junctions = dict(
        Junction.objects.filter(source=source).values_list("id", "external_id")
    )
    routes: dict[int, list[str]] = {}
    links = WalkingRoute.segments.through.objects.filter(segment__source=source)
    for segment, route in links.order_by("walkingroute__external_id").values_list(
        "segment_id", "walkingroute__external_id"
    ):
        routes.setdefault(segment, []).append(prefix + route)
    rows = (
        Segment.objects.filter(source=source)
        .order_by("id")
        .values_list(
            "id",
            "external_id",
            "geometry",
            "length_m",
            "ascent_m",
            "descent_m",
            "is_open",
            "closed_reason",
            "start_id",
            "end_id",
            "trail__external_id",
            "trail__name",
            "trail__kind",
            "trail__difficulty",
            "trail__flag",
            "trail__flag_override",
            "other_names",
            "trail__staff_fields",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        (pk, sid, geometry, length, ascent, descent, is_open, reason) = row[:8]
        start, end, trail, name, kind, difficulty = row[8:14]
        flag, flag_override, other_names, staff_fields = row[14:]
        props: dict[str, Any] = {
            "trail": prefix + trail,
            "name": name,
            "kind": kind,
            "difficulty": difficulty,
            "start_junction": prefix + junctions[start],
            "end_junction": prefix + junctions[end],
            # For people and GIS tools; the importer measures these itself.
            "length_m": length,
            "ascent_m": ascent,
            "descent_m": descent,
        }
        if not is_open:
            props["closed_reason"] = reason or "closed"
            report.closed += 1
        if flag:
            props["flag"] = flag
        if flag_override:
            props["flag_override"] = True
        if other_names:
            props["other_names"] = other_names
        if staff_fields:
            props["staff_fields"] = staff_fields
        if pk in routes:
            props["routes"] = routes[pk]
        report.segments += 1
        report.km += length
        report.with_elevation += any(len(p) > 2 for p in geometry)
        yield {
            "type": "Feature",
            "id": prefix + sid,
            "geometry": {"type": "LineString", "coordinates": geometry},
            "properties": props,
        }


def _place_features(
    source: Source | None,
    rows: QuerySet[Trailhead] | QuerySet[Campsite],
    prefix: str,
    report: ExportReport,
) -> Iterator[dict[str, Any]]:
    model = rows.model
    rows = rows.order_by("id").values_list(
        "id",
        "external_id",
        "name",
        "kind",
        "lon",
        "lat",
        "elevation",
        "staff_fields",
        "junction__source_id",
        "junction__external_id",
    )
    noun = model._meta.model_name
    camp_details = {}
    if model is Campsite:
        # what the data says of each bed, and staff's closure, for a restore
        names = [*CAMP_DETAILS, "closed_reason"]
        for pk, *values in rows.model.objects.filter(
            pk__in=[row[0] for row in rows]
        ).values_list("pk", *names):
            camp_details[pk] = {
                n: v for n, v in zip(names, values) if v is not None and v != ""
            }
    for pk, external_id, name, kind, lon, lat, ele, staff, *junction in rows:
        position = [lon, lat] if ele is None else [lon, lat, ele]
        props: dict[str, Any] = {"name": name, "kind": kind}
        if staff:
            props["staff_fields"] = staff
        # Staff may have moved a point onto another source's trail: that junction
        # is not in this file, so the importer attaches it to the nearest one.
        if source is not None and junction[0] == source.pk:
            props["junction"] = prefix + junction[1]
        if model is Trailhead:
            report.trailheads += 1
        else:
            report.campsites += 1
            props.update(camp_details[pk])
        yield {
            "type": "Feature",
            # Points staff added in the admin have no external id yet.
            "id": prefix + (external_id or f"{noun}-{pk}"),
            "geometry": {"type": "Point", "coordinates": position},
            "properties": props,
        }
