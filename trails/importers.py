"""Write a parsed network into the database: all or nothing, and safe to re-run.

Rows are keyed on (source, external_id), so importing the same file twice changes
nothing, and importing a newer extract updates what changed and removes what is gone.
Staff decisions survive a re-import. Closures follow the ground they cover, not the
segment ids (`trails/closures.py`): what staff closed stays closed and what they
reopened stays open, while a closure new in the file applies; a closure whose
ground is gone is reported. Fields staff changed in the admin (a trail's name or
difficulty, a trailhead's name or position) are kept as staff set them, and a
trailhead attached to a junction the file no longer has is attached again to the
nearest one and reported. Elevation and climb added from a tile (or typed by staff)
stay as long as the line has not moved, unless the file brings its own. The number
of queries depends on the number of tables, not on the number of features (bulk
operations), save one or two for each trailhead that loses its junction.

Two guards: an import that would delete more than `MAX_SHRINK` of a source's
segments is refused unless `allow_shrink` (a small or wrong file would empty the
source), and imports of one source take turns (`_lock_source`).

`add_elevation` samples SRTM tiles (`trails/dem.py`) into a network already in the
database, with the same guarantees: all or nothing, bulk, and what the data brought
is kept.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import (
    Callable,
    Collection,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import (
    DEFAULT_DB_ALIAS,
    OperationalError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.models import F, JSONField, Q
from django.utils import timezone

from trails.closures import Ground, State
from trails.dem import ElevationModel, Tile, climb
from trails.errors import ParseError
from trails.formats import Parsed, read_network
from trails.geo import bbox, line_length_m
from trails.memory import collector_paused
from trails.models import (
    Campsite,
    DataVersion,
    Junction,
    Segment,
    Source,
    Trail,
    Trailhead,
    WalkingRoute,
    where,
)
from trails.network import (
    CAMP_DETAILS,
    CAMP_KINDS,
    DEFAULT_ATTACH_M,
    ROUTE_FIELDS,
    TRAILHEAD_KINDS,
    Network,
)
from trails.network import Segment as ParsedSegment

BATCH = 2000
# The share of a source's segments an import may delete without `allow_shrink`.
MAX_SHRINK = 0.5
# How export_trails names a point staff made: "trailhead-12", or "3:trailhead-12"
# in an export of several sources.
STAFF_POINT = re.compile(r"(?:\d+:)?(?P<noun>trailhead|campsite)-(?P<pk>\d+)")


class ImportFailed(Exception):
    """An import that changed nothing; the message names the file and the reason."""


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.deleted} deleted"
        )


@dataclass
class ImportReport:
    source: str
    format: str
    summary: dict[str, float | int]
    tables: dict[str, TableCounts] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    flagged: str = ""  # km by reason, e.g. "bike_downhill 27.0 km, private 4.8 km"
    closed: int = 0  # segments closed after the import
    # What staff made that the file moved from under them, for the summary.
    unplaced: list[str] = field(default_factory=list)
    reattached: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        s = self.summary
        out = [
            f"{'Would import' if self.dry_run else 'Imported'} {self.format} into "
            f"source {self.source!r}: {s['trails']} trails, {s['segments']} segments, "
            f"{s['junctions']} junctions, {s['trailheads']} trailheads, "
            f"{s['campsites']} campsites, {s['km']} km.",
            f"Network: {s['components']} connected components; the largest is "
            f"{s['largest_component_km']} km.",
        ]
        out.append(
            f"Waymarked routes: {s['routes']} ({s['route_km']} km of trail); ground "
            f"mapped by several ways, now one segment each: {s['merged_km']} km; "
            f"flagged, left out of planning: {s['flagged_km']} km"
            + (f" ({self.flagged})" if self.flagged else "")
            + "."
        )
        if s["trailheads_unattached"] or s["campsites_unattached"]:
            out.append(
                f"Not attached to the network (too far from any trail): "
                f"{s['trailheads_unattached']} trailheads, "
                f"{s['campsites_unattached']} campsites."
            )
        out += [f"{name}: {counts}" for name, counts in self.tables.items()]
        if self.closed or self.unplaced:
            out.append(
                f"Closed: {self.closed} segments; staff's closures that could not "
                f"be placed: {len(self.unplaced)}."
            )
        out += [
            f"Not placed (its ground is not in the file): {c}" for c in self.unplaced
        ]
        out += [f"Re-attached (its junction is gone): {p}" for p in self.reattached]
        return out + [f"Note: {w}" for w in self.warnings]


def import_file(
    path: str | Path,
    source_name: str | None = None,
    *,
    attribution: str = "",
    licence: str = "",
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
    label: str | None = None,
    allow_shrink: bool = False,
    **options: Any,
) -> ImportReport:
    """Parse `path` and write it as source `source_name` (default: the file name).

    `label` is how messages name the file when its path does not (an upload saved
    to a temporary file); `options` go to `read_network`.
    """
    path = Path(path)
    label = label or str(path)
    longest = Source._meta.get_field("name").max_length
    if source_name and len(source_name) > longest:
        raise ImportFailed(
            f"{label}: the source name is {len(source_name):,} characters long, over "
            f"the limit of {longest}"
        )
    try:
        parsed = read_network(path, progress=progress, **options)
    except ParseError as exc:
        raise ImportFailed(f"{label}: {exc}") from exc
    except OSError as exc:
        raise ImportFailed(f"{label}: cannot be read ({exc.strerror or exc})") from exc
    name = source_name or default_source_name(label)
    try:
        with collector_paused():
            return import_network(
                parsed, name, attribution, licence, dry_run, progress, allow_shrink
            )
    except ImportFailed as exc:
        raise ImportFailed(f"{label}: {exc}") from exc


def default_source_name(label: str) -> str:
    """The source a file goes into when none is named: its name up to the first dot."""
    longest = Source._meta.get_field("name").max_length
    return Path(label).name.split(".")[0][:longest]


def import_network(
    parsed: Parsed,
    source_name: str,
    attribution: str = "",
    licence: str = "",
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
    allow_shrink: bool = False,
) -> ImportReport:
    net = parsed.network
    report = ImportReport(
        source_name,
        parsed.format,
        net.summary(),
        warnings=parsed.warnings,
        dry_run=dry_run,
        flagged=", ".join(f"{k} {v} km" for k, v in net.flagged_km().items()),
    )
    say = progress or (lambda _msg: None)
    attribution = attribution or parsed.metadata.get("attribution", "")
    licence = licence or parsed.metadata.get("licence", "")
    with transaction.atomic():
        say("waiting for any other import of this source")
        source = _lock_source(source_name)
        if not allow_shrink:
            _refuse_a_large_shrink(source, net)
        before = where(source)  # plans there go stale, and where it is now
        if attribution:
            source.attribution = attribution
        if licence:
            source.licence = licence[:200]
        say("writing junctions")
        # Junctions that are gone are deleted last: deleting one first would take
        # the segments that still end there with it (and staff's closures too).
        gone_junctions: list[int] = []
        # Read before anything is written: a trail that is gone takes its
        # segments with it, and a line with a new id may cover their ground.
        ground = _ground(source)
        report.tables["junctions"] = _sync_junctions(source, net, gone_junctions)
        say("writing trails")
        report.tables["trails"] = _sync_trails(source, net)
        say("writing segments")
        report.tables["segments"] = _sync_segments(source, net, ground, report)
        say("writing trailheads and campsites")
        report.tables["trailheads"] = _sync_places(
            source, net, Trailhead, TRAILHEAD_KINDS
        )
        report.tables["campsites"] = _sync_places(source, net, Campsite, CAMP_KINDS)
        say("writing waymarked routes")
        report.tables["routes"] = _sync_routes(source, net)
        _reattach_points(gone_junctions, report)
        _delete(Junction, gone_junctions)
        s = report.summary
        source.format = parsed.format
        source.imported_at = timezone.now()
        source.trail_count = s["trails"]
        source.segment_count = s["segments"]
        source.junction_count = s["junctions"]
        source.trailhead_count = s["trailheads"]
        source.campsite_count = s["campsites"]
        source.km = s["km"]
        source.save()
        DataVersion.bump(before + where(source))
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        _analyze()
    return report


def _analyze() -> None:
    """Fresh statistics for PostgreSQL's planner after a bulk write: on tables
    it has not yet sampled it guesses a handful of rows, and plans a region's
    network with nested loops that take seconds (autovacuum samples them only
    later)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = [
        m._meta.db_table
        for m in (Junction, Segment, Trail, Trailhead, Campsite, WalkingRoute)
    ]
    tables.append(WalkingRoute.segments.through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(f'"{t}"' for t in tables))


def _lock_source(name: str) -> Source:
    """The source, locked until the import's transaction ends: a second import of
    it waits here, rather than read rows this one is replacing and write them again.

    A write first, not select_for_update: SQLite ignores FOR UPDATE but takes its
    one write lock at the first write, and a transaction that has read nothing yet
    waits for that lock (up to the connection's timeout) where one that has read
    would be refused at once. On PostgreSQL the UPDATE locks the source's row, and
    a second creator of a new source waits on the unique name.
    """
    try:
        if not Source.objects.filter(name=name).update(name=F("name")):
            Source.objects.get_or_create(name=name)
    except OperationalError as exc:
        raise ImportFailed(
            f"another import is writing to the database ({exc}); try again once it "
            "has finished"
        ) from exc
    return Source.objects.get(name=name)  # as the import before this one left it


def _refuse_a_large_shrink(source: Source, net: Network) -> None:
    existing = set(
        Segment.objects.filter(source=source).values_list("external_id", flat=True)
    )
    gone = len(existing - {s.key for s in net.segments})
    if gone > MAX_SHRINK * len(existing):
        raise ImportFailed(
            f"the import would delete {gone:,} of the {len(existing):,} segments of "
            f"source {source.name!r} ({gone / len(existing):.0%}, over the "
            f"{MAX_SHRINK:.0%} an import may delete unasked); if this is the right "
            "file for this source, import it again allowing it to shrink "
            "(--allow-shrink, or the box on the upload page)"
        )


def _r(x: float | None, digits: int = 7) -> float | None:
    return None if x is None else round(x, digits)


def _sync(
    model: type[models.Model],
    source: Source,
    wanted: Mapping[str, dict[str, Any]] | Rows,
    fields: Sequence[str],
    keep: Callable[[dict[str, Any], dict[str, Any]], None] | None = None,
    gone: list[int] | None = None,
    also_read: Sequence[str] = (),
) -> TableCounts:
    """Make `model`'s rows of `source` equal `wanted` (source_id -> field values).

    Values not in `fields` are only written when a row is created. `keep(row,
    values)` may take values over from an existing row before they are compared
    (the row has `fields` and `also_read`). Rows no longer wanted are deleted, or
    their ids added to `gone` to delete later. `wanted` may be `Rows`, made one
    at a time as they are written: a country's segments are never all in memory
    as rows and model instances at once.
    """
    counts = TableCounts()
    existing = {
        row["external_id"]: row
        for row in model.objects.filter(source=source).values(
            "id", "external_id", *fields, *also_read
        )
    }
    keys = wanted.keys()
    unwanted = [row["id"] for sid, row in existing.items() if sid not in keys]
    counts.deleted = len(unwanted)
    if gone is None:
        _delete(model, unwanted)
    else:
        gone.extend(unwanted)
    to_create: list[dict[str, Any]] = []
    to_update: list[models.Model] = []
    for source_id, values in wanted.items():
        row = existing.pop(source_id, None)
        if row is None:
            _fold_name(model, fields, values)
            values.update(source_id=source.pk, external_id=source_id)
            to_create.append(values)
            if len(to_create) == BATCH:
                counts.created += _create(model, to_create)
        else:
            if keep:
                keep(row, values)
            _fold_name(model, fields, values)
            if any(row[f] != values[f] for f in fields):
                to_update.append(
                    model(id=row["id"], source=source, external_id=source_id, **values)
                )
                if len(to_update) == BATCH:
                    counts.updated += _update(model, to_update, fields)
            else:
                counts.unchanged += 1
    counts.created += _create(model, to_create)
    counts.updated += _update(model, to_update, fields)
    return counts


@dataclass
class Rows:
    """Rows to write, keyed by source id, each made when it is written."""

    keys: Callable[[], Collection[str]]
    items: Callable[[], Iterable[tuple[str, dict[str, Any]]]]


def _create(model: type[models.Model], rows: list[dict[str, Any]]) -> int:
    """Insert `rows` (field values by attribute name) and empty the list; how many
    there were. On PostgreSQL with COPY: the ORM's bulk_create spends more time
    making model instances and their SQL than the server takes to store them."""
    n = len(rows)
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        _copy(model, rows)
    else:
        model.objects.bulk_create(
            [model(**values) for values in rows], batch_size=BATCH
        )
    rows.clear()
    return n


def _copy(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """`COPY` rows into `model`'s table: what bulk_create would insert, the same
    values in the text format (a field a row leaves out takes its default)."""
    columns = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = [(f.attname, f.get_default()) for f in columns]
    json_fields = {f.attname: f.encoder for f in columns if isinstance(f, JSONField)}
    by_name = {f.attname: f for f in columns}
    conn = connections[DEFAULT_DB_ALIAS]  # not the proxy: it looks it up per use
    buffer = io.StringIO()
    for values in rows:
        line = []
        for name, default in defaults:
            value = values.get(name, default)
            if name in json_fields:
                text = json.dumps(value, cls=json_fields[name]).translate(ESCAPES)
            elif value is None:
                text = "\\N"
            elif value is True or value is False:
                text = "t" if value else "f"
            elif type(value) is float:
                text = repr(value)  # as psycopg2 writes a float
            elif type(value) is int:
                text = str(value)
            elif type(value) is str:
                text = value.translate(ESCAPES)
            else:  # an enum's default, a date: as the ORM would write it
                text = str(by_name[name].get_db_prep_save(value, conn))
                text = text.translate(ESCAPES)
            line.append(text)
        buffer.write("\t".join(line))
        buffer.write("\n")
    buffer.seek(0)
    names = ", ".join(conn.ops.quote_name(f.column) for f in columns)
    table = conn.ops.quote_name(model._meta.db_table)
    with conn.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)


# What COPY's text format escapes in a value.
ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _update(
    model: type[models.Model], rows: list[models.Model], fields: Sequence[str]
) -> int:
    n = len(rows)
    if rows:
        model.objects.bulk_update(rows, fields, batch_size=BATCH)
        rows.clear()
    return n


def _fold_name(model: type[models.Model], fields: Sequence[str], values: dict) -> None:
    """Bulk writes skip save(), so the folded name is set here, from the name the
    row will have (staff's, when they renamed it)."""
    if "search_name" in fields:
        values["search_name"] = model.search_key(values)


def _delete(model: type[models.Model], ids: list[int]) -> None:
    for chunk in _chunks(ids, BATCH):
        model.objects.filter(id__in=chunk).delete()


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _ids(model: type[models.Model], source: Source) -> dict[str, int]:
    return dict(model.objects.filter(source=source).values_list("external_id", "id"))


def _keep_elevation(row: dict[str, Any], values: dict[str, Any]) -> None:
    """A point the file gives no elevation keeps the one a tile (or staff) gave it,
    as long as it has not moved."""
    if values["elevation"] is None and (row["lat"], row["lon"]) == (
        values["lat"],
        values["lon"],
    ):
        values["elevation"] = row["elevation"]


def _keep_line_elevation(row: dict[str, Any], values: dict[str, Any]) -> None:
    """The same for a line: vertices the file gives no elevation keep theirs, and a
    line with none at all keeps its climb too (a tile's, or what staff entered)."""
    old, new = row["geometry"], values["geometry"]
    if len(old) != len(new) or any(o[:2] != n[:2] for o, n in zip(old, new)):
        return  # the line moved: elevation from before would be wrong
    if all(len(n) == 2 for n in new):
        values.update(
            geometry=old, ascent_m=row["ascent_m"], descent_m=row["descent_m"]
        )
    elif any(len(n) == 2 and len(o) > 2 for o, n in zip(old, new)):
        merged = [n if len(n) > 2 else o for o, n in zip(old, new)]
        values["geometry"] = merged
        values["ascent_m"], values["descent_m"] = climb(_profile(merged))


def _profile(geometry: list[list[float]]) -> list[float | None]:
    return [point[2] if len(point) > 2 else None for point in geometry]


def _keep_staff_fields(row: dict[str, Any], values: dict[str, Any]) -> None:
    """What staff changed in the admin wins over the file."""
    for name in row["staff_fields"]:
        if name in values:
            values[name] = row[name]


def _sync_junctions(source: Source, net: Network, gone: list[int]) -> TableCounts:
    wanted = {
        j.key: {"lat": _r(j.lat), "lon": _r(j.lon), "elevation": _r(j.ele, 1)}
        for j in net.junctions.values()
    }
    fields = ["lat", "lon", "elevation"]
    return _sync(Junction, source, wanted, fields, keep=_keep_elevation, gone=gone)


def _sync_trails(source: Source, net: Network) -> TableCounts:
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
    return _sync(
        Trail,
        source,
        wanted,
        fields,
        keep=_keep_staff_fields,
        also_read=["staff_fields"],
    )


def _sync_segments(
    source: Source, net: Network, ground: Ground, report: ImportReport
) -> TableCounts:
    junction_ids = _ids(Junction, source)
    trail_ids = _ids(Trail, source)

    def rows() -> Iterator[tuple[str, dict[str, Any]]]:
        for s in net.segments:
            yield s.key, _segment_row(s, junction_ids, trail_ids, ground, report)

    fields = ["trail_id", "start_id", "end_id", "length_m", "geometry", "other_names"]
    fields += ["ascent_m", "descent_m", "min_lon", "min_lat", "max_lon", "max_lat"]
    fields += ["is_open", "closed_reason", "file_closed_reason"]
    wanted = Rows(lambda: {s.key for s in net.segments}, rows)
    counts = _sync(Segment, source, wanted, fields, keep=_keep_line_elevation)
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
        ascent, descent = climb(_profile(geometry))
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


def _ground(source: Source) -> Ground:
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


def _sync_places(
    source: Source,
    net: Network,
    model: type[Trailhead | Campsite],
    kinds: tuple[str, ...],
) -> TableCounts:
    junction_ids = _ids(Junction, source)
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
        _keep_staff_fields(row, values)
        if {"lat", "lon"} & set(row["staff_fields"]):
            # Staff moved it, and the admin attached it where they put it.
            for name in ("lat", "lon", "elevation", "junction_id", "attach_m"):
                values[name] = row[name]
        _keep_elevation(row, values)

    return _sync(model, source, wanted, fields, keep=keep, also_read=["staff_fields"])


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


def _reattach_points(gone_junctions: list[int], report: ImportReport) -> None:
    """Trailheads and campsites the file does not place (staff added or moved
    them, or another source's) whose junction is about to go: attach each to the
    nearest junction left, rather than let the delete detach it unnoticed."""
    for model in (Trailhead, Campsite):
        for chunk in _chunks(gone_junctions, BATCH):
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


def _sync_routes(source: Source, net: Network) -> TableCounts:
    """The source's waymarked routes, and which segments each is on: links are
    added and removed as the file says, two bulk queries whatever the size."""
    fields = list(ROUTE_FIELDS)
    wanted = {r.source_id: {f: getattr(r, f)[:200] for f in fields} for r in net.routes}
    fields.append("search_name")
    counts = _sync(WalkingRoute, source, wanted, fields)
    route_ids = _ids(WalkingRoute, source)
    segment_ids = _ids(Segment, source)
    want = {(route_ids[r], segment_ids[s.key]) for s in net.segments for r in s.routes}
    Link = WalkingRoute.segments.through
    links = Link.objects.filter(walkingroute__source=source)
    have = dict(
        ((route, segment), pk)
        for pk, route, segment in links.values_list(
            "id", "walkingroute_id", "segment_id"
        )
    )
    _delete(Link, [pk for pair, pk in have.items() if pair not in want])
    new = [
        {"walkingroute_id": r, "segment_id": s} for r, s in want if (r, s) not in have
    ]
    for chunk in _chunks(new, BATCH):
        _create(Link, chunk)
    return counts


@dataclass
class ElevationReport:
    tiles: list[str]
    sources: list[str]
    segments: int = 0
    segments_sampled: int = 0
    points_sampled: int = 0
    points_kept: int = 0
    points_outside: int = 0
    junctions_sampled: int = 0
    places_sampled: int = 0
    outside: int = 0  # junctions and places no tile covers
    segments_updated: int = 0
    ascent_m: float = 0.0
    descent_m: float = 0.0
    segments_with_climb: int = 0
    dry_run: bool = False

    def lines(self) -> list[str]:
        where = ", ".join(repr(s) for s in self.sources) or "no sources"
        out = [
            f"{'Would add' if self.dry_run else 'Added'} elevation from "
            f"{len(self.tiles)} {'tile' if len(self.tiles) == 1 else 'tiles'} "
            f"({', '.join(self.tiles)}) to {where}: "
            f"{self.segments_sampled:,} of {self.segments:,} segments, "
            f"{self.points_sampled:,} points sampled.",
            f"Kept {self.points_kept:,} points that already had elevation; "
            f"{self.points_outside:,} points are outside the tiles.",
            f"Junctions: {self.junctions_sampled:,} sampled; trailheads and "
            f"campsites: {self.places_sampled:,} sampled; {self.outside:,} "
            "outside the tiles.",
            f"Climb: {self.ascent_m:,.0f} m up and {self.descent_m:,.0f} m down over "
            f"{self.segments_with_climb:,} segments "
            f"({self.segments_updated:,} updated).",
        ]
        return out


def load_tiles(
    paths: Sequence[str | Path], labels: Sequence[str] | None = None
) -> ElevationModel:
    """The elevation model of some `.hgt`/`.hgt.zip` files; `labels` name them
    (in messages, and for their corner) when the paths do not."""
    tiles = []
    for n, path in enumerate(paths):
        label = labels[n] if labels else str(path)
        try:
            tiles.append(Tile.load(path, name=Path(label).name))
        except ParseError as exc:
            raise ImportFailed(f"{label}: {exc}") from exc
        except OSError as exc:
            raise ImportFailed(
                f"{label}: cannot be read ({exc.strerror or exc})"
            ) from exc
    return ElevationModel(tiles)


def add_elevation(
    model: ElevationModel,
    source_name: str | None = None,
    *,
    overwrite: bool = False,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ElevationReport:
    """Sample the tiles at every vertex, junction, trailhead and campsite of a
    source (default: all sources) that has no elevation yet, and work out each
    segment's climb. Elevation the data brought (GPX, GeoJSON z) is kept unless
    `overwrite`. All or nothing, and bulk: the number of queries does not depend
    on the number of rows."""
    say = progress or (lambda _msg: None)
    sources = Source.objects.all()
    if source_name is not None:
        sources = sources.filter(name=source_name)
        if not sources.exists():
            raise ImportFailed(f"there is no source named {source_name!r}")
    report = ElevationReport(
        tiles=sorted(_tile_name(t) for t in model.tiles.values()),
        sources=list(sources.values_list("name", flat=True)),
        dry_run=dry_run,
    )
    with transaction.atomic():
        say("sampling segments")
        _elevate_segments(model, sources, overwrite, report)
        say("sampling junctions, trailheads and campsites")
        for point_model in (Junction, Trailhead, Campsite):
            sampled = _elevate_points(model, point_model, sources, overwrite, report)
            if point_model is Junction:
                report.junctions_sampled += sampled
            else:
                report.places_sampled += sampled
        climbs = Segment.objects.filter(source__in=sources, ascent_m__isnull=False)
        totals = climbs.aggregate(
            up=models.Sum("ascent_m"),
            down=models.Sum("descent_m"),
            n=models.Count("id"),
        )
        report.ascent_m = totals["up"] or 0.0
        report.descent_m = totals["down"] or 0.0
        report.segments_with_climb = totals["n"]
        if report.segments_updated or report.junctions_sampled or report.places_sampled:
            DataVersion.bump(
                (t.lon0, t.lat0, t.lon0 + 0.999999, t.lat0 + 0.999999)
                for t in model.tiles.values()
            )
        if dry_run:
            transaction.set_rollback(True)
    return report


def _tile_name(tile: Tile) -> str:
    ns, ew = "N" if tile.lat0 >= 0 else "S", "E" if tile.lon0 >= 0 else "W"
    return f"{ns}{abs(tile.lat0):02d}{ew}{abs(tile.lon0):03d}"


def _elevate_segments(
    model: ElevationModel,
    sources: models.QuerySet,
    overwrite: bool,
    report: ElevationReport,
) -> None:
    rows = Segment.objects.filter(source__in=sources).values_list("id", "geometry")
    to_update = []
    for pk, geometry in rows:
        report.segments += 1
        wanted = [i for i, p in enumerate(geometry) if overwrite or len(p) < 3]
        report.points_kept += len(geometry) - len(wanted)
        if not wanted:
            continue
        values = model.sample_line([geometry[i] for i in wanted])
        line = list(geometry)
        sampled = 0
        for i, ele in zip(wanted, values):
            if ele is not None:
                line[i] = [line[i][0], line[i][1], ele]
                sampled += 1
        report.points_outside += len(wanted) - sampled
        if not sampled:
            continue
        report.segments_sampled += 1
        report.points_sampled += sampled
        ascent, descent = climb(_profile(line))
        to_update.append(
            Segment(id=pk, geometry=line, ascent_m=ascent, descent_m=descent)
        )
    fields = ["geometry", "ascent_m", "descent_m"]
    Segment.objects.bulk_update(to_update, fields, batch_size=BATCH)
    report.segments_updated = len(to_update)


def _elevate_points(
    model: ElevationModel,
    point_model: type[Junction | Trailhead | Campsite],
    sources: models.QuerySet,
    overwrite: bool,
    report: ElevationReport,
) -> int:
    rows = point_model.objects.filter(source__in=sources)
    if not overwrite:
        rows = rows.filter(elevation__isnull=True)
    to_update = []
    for pk, lon, lat in rows.values_list("id", "lon", "lat"):
        ele = model.elevation(lon, lat)
        if ele is None:
            report.outside += 1
        else:
            to_update.append(point_model(id=pk, elevation=ele))
    point_model.objects.bulk_update(to_update, ["elevation"], batch_size=BATCH)
    return len(to_update)
