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

Re-running the last import is cheap: a source remembers a digest of the file and
options it was last imported from (`trails/import_digest.py`) and the data version
that import left. When both still hold, the import would change nothing (the data
version moves on every change to the network, by anyone, anywhere), so the file
is not even parsed, unless `force`.

The rows are written by `trails/import_tables.py` through `trails/bulk.py`;
`trails/elevation.py` adds elevation from SRTM tiles with the same guarantees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from trails.bulk import TableCounts, delete_rows
from trails.errors import ParseError
from trails.formats import Parsed, read_network
from trails.import_digest import import_digest
from trails.import_tables import (
    ground_of,
    reattach_points,
    sync_junctions,
    sync_places,
    sync_routes,
    sync_segments,
    sync_trails,
)
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
from trails.network import CAMP_KINDS, TRAILHEAD_KINDS, Network

# The share of a source's segments an import may delete without `allow_shrink`.
MAX_SHRINK = 0.5


# What an import's summary counts, and the Source field that keeps each for the
# admin and for the report of a re-run that has nothing to do.
SOURCE_COUNTS = {
    "trails": "trail_count",
    "segments": "segment_count",
    "junctions": "junction_count",
    "trailheads": "trailhead_count",
    "campsites": "campsite_count",
    "km": "km",
}


class ImportFailed(Exception):
    """An import that changed nothing; the message names the file and the reason."""


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
    unchanged: ClassVar[bool] = False  # True: recognised as done already, see below

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


@dataclass
class UnchangedReport(ImportReport):
    """An import that was not run: its file is the one the source was last
    imported from, with the same options, and nothing has changed since. The
    figures are the source's, as that import counted them."""

    label: str = ""
    imported_at: datetime | None = None
    unchanged: ClassVar[bool] = True

    def lines(self) -> list[str]:
        s = self.summary
        when = "its last import"
        if self.imported_at:
            when = f"{timezone.localtime(self.imported_at):%Y-%m-%d %H:%M %Z}"
        return [
            f"Unchanged: {self.label} is the file imported into source "
            f"{self.source!r} on {when}, and no trail data has changed since; "
            "nothing was written (import_trails --force imports it again).",
            f"Source {self.source!r} holds {s['trails']} trails, {s['segments']} "
            f"segments, {s['junctions']} junctions, {s['trailheads']} trailheads, "
            f"{s['campsites']} campsites, {s['km']} km.",
        ]


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
    force: bool = False,
    **options: Any,
) -> ImportReport:
    """Parse `path` and write it as source `source_name` (default: the file name).

    `label` is how messages name the file when its path does not (an upload saved
    to a temporary file); `options` go to `read_network`. The file the source was
    last imported from, with the same options, into data nobody has changed since,
    is not read again unless `force`: the report says it is unchanged.
    """
    path = Path(path)
    label = label or str(path)
    longest = Source._meta.get_field("name").max_length
    if source_name and len(source_name) > longest:
        raise ImportFailed(
            f"{label}: the source name is {len(source_name):,} characters long, over "
            f"the limit of {longest}"
        )
    name = source_name or default_source_name(label)
    digest = None
    if not dry_run:  # a dry run reports what the file holds, and records nothing
        digest = import_digest(path, options, attribution, licence, allow_shrink)
        if digest and not force and (done := _done_already(name, digest, label)):
            return done
    try:
        parsed = read_network(path, progress=progress, **options)
    except ParseError as exc:
        raise ImportFailed(f"{label}: {exc}") from exc
    except OSError as exc:
        raise ImportFailed(f"{label}: cannot be read ({exc.strerror or exc})") from exc
    try:
        with collector_paused():
            return import_network(
                parsed,
                name,
                attribution,
                licence,
                dry_run,
                progress,
                allow_shrink,
                digest=digest,
            )
    except ImportFailed as exc:
        raise ImportFailed(f"{label}: {exc}") from exc


def default_source_name(label: str) -> str:
    """The source a file goes into when none is named: its name up to the first dot."""
    longest = Source._meta.get_field("name").max_length
    return Path(label).name.split(".")[0][:longest]


def _done_already(name: str, digest: str, label: str) -> UnchangedReport | None:
    """The report of an import with nothing to do: `digest` is what the last
    import into source `name` read, and the data version is the one it left.

    Safe because every change to the network stamps the data version on the
    tiles it touches (`DataVersion.bump`): any other import, staff edit or
    closure, elevation added, on the source's ground moves the version there,
    and the next import of this file is a full one. A change elsewhere (another
    region's nightly import) leaves it be; a change whose place is not known
    counts everywhere. Reads, no lock: a change committed meanwhile moves the
    version (and another import of this source, the digest too).
    """
    source = Source.objects.filter(name=name, import_digest=digest).first()
    if source is None or source.imported_version != _version_of(source):
        return None
    summary = {key: getattr(source, field) for key, field in SOURCE_COUNTS.items()}
    return UnchangedReport(
        name, source.format, summary, label=label, imported_at=source.imported_at
    )


def _version_of(source: Source) -> int:
    """The data version of the source's ground: its latest change there (the
    import's own stamp, if nothing came after it); the version of all the data
    when the source has no ground."""
    boxes = where(source)
    if not boxes:
        return DataVersion.current()
    return max(DataVersion.of(box) for box in boxes)


def import_network(
    parsed: Parsed,
    source_name: str,
    attribution: str = "",
    licence: str = "",
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
    allow_shrink: bool = False,
    *,
    digest: str | None = None,
) -> ImportReport:
    """Write `parsed` as source `source_name`. `digest` is that of the file it
    was read from (`import_file`); without one, the next import of any file into
    this source is a full one."""
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
        ground = ground_of(source)
        report.tables["junctions"] = sync_junctions(source, net, gone_junctions)
        say("writing trails")
        report.tables["trails"] = sync_trails(source, net)
        say("writing segments")
        report.tables["segments"] = sync_segments(source, net, ground, report)
        say("writing trailheads and campsites")
        report.tables["trailheads"] = sync_places(
            source, net, Trailhead, TRAILHEAD_KINDS
        )
        report.tables["campsites"] = sync_places(source, net, Campsite, CAMP_KINDS)
        say("writing waymarked routes")
        report.tables["routes"] = sync_routes(source, net)
        reattach_points(gone_junctions, report)
        delete_rows(Junction, gone_junctions)
        s = report.summary
        source.format = parsed.format
        source.imported_at = timezone.now()
        for key, field in SOURCE_COUNTS.items():
            setattr(source, field, s[key])
        source.save()
        version = DataVersion.bump(before + where(source))
        if dry_run:
            transaction.set_rollback(True)
        else:  # what lets a re-run of this very import know it has nothing to do
            Source.objects.filter(pk=source.pk).update(
                import_digest=digest or "", imported_version=version
            )
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
