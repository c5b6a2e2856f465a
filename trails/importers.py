"""Write a parsed network into the database: all or nothing, and safe to re-run.

Rows are keyed on (source, external_id), so importing the same file twice changes
nothing, and importing a newer extract updates what changed and removes what is gone.
Staff decisions survive a re-import: a closed segment stays closed, and climb added
from an elevation tile is kept unless the file brings its own. The number of queries
depends on the number of tables, not on the number of features (bulk operations).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from trails.errors import ParseError
from trails.formats import Parsed, read_network
from trails.geo import bbox
from trails.models import (
    Campsite,
    DataVersion,
    Junction,
    Segment,
    Source,
    Trail,
    Trailhead,
)
from trails.network import CAMP_KINDS, TRAILHEAD_KINDS, Network

BATCH = 2000


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
        if s["trailheads_unattached"] or s["campsites_unattached"]:
            out.append(
                f"Not attached to the network (too far from any trail): "
                f"{s['trailheads_unattached']} trailheads, "
                f"{s['campsites_unattached']} campsites."
            )
        out += [f"{name}: {counts}" for name, counts in self.tables.items()]
        return out + [f"Note: {w}" for w in self.warnings]


def import_file(
    path: str | Path,
    source_name: str | None = None,
    *,
    attribution: str = "",
    licence: str = "",
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
    **options: Any,
) -> ImportReport:
    """Parse `path` and write it as source `source_name` (default: the file name)."""
    path = Path(path)
    try:
        parsed = read_network(path, progress=progress, **options)
    except ParseError as exc:
        raise ImportFailed(f"{path}: {exc}") from exc
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    name = source_name or path.name.split(".")[0]
    return import_network(parsed, name, attribution, licence, dry_run, progress)


def import_network(
    parsed: Parsed,
    source_name: str,
    attribution: str = "",
    licence: str = "",
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    net = parsed.network
    report = ImportReport(
        source_name,
        parsed.format,
        net.summary(),
        warnings=parsed.warnings,
        dry_run=dry_run,
    )
    say = progress or (lambda _msg: None)
    with transaction.atomic():
        source, _ = Source.objects.get_or_create(name=source_name)
        if attribution:
            source.attribution = attribution
        if licence:
            source.licence = licence
        say("writing junctions")
        report.tables["junctions"] = _sync_junctions(source, net)
        say("writing trails")
        report.tables["trails"] = _sync_trails(source, net)
        say("writing segments")
        report.tables["segments"] = _sync_segments(source, net)
        say("writing trailheads and campsites")
        report.tables["trailheads"] = _sync_places(
            source, net, Trailhead, TRAILHEAD_KINDS
        )
        report.tables["campsites"] = _sync_places(source, net, Campsite, CAMP_KINDS)
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
        DataVersion.bump()
        if dry_run:
            transaction.set_rollback(True)
    return report


def _r(x: float | None, digits: int = 7) -> float | None:
    return None if x is None else round(x, digits)


def _sync(
    model: type[models.Model],
    source: Source,
    wanted: dict[str, dict[str, Any]],
    fields: Sequence[str],
) -> TableCounts:
    """Make `model`'s rows of `source` equal `wanted` (source_id -> field values)."""
    counts = TableCounts()
    existing = {
        row["external_id"]: row
        for row in model.objects.filter(source=source).values(
            "id", "external_id", *fields
        )
    }
    to_create, to_update = [], []
    for source_id, values in wanted.items():
        row = existing.get(source_id)
        if row is None:
            to_create.append(model(source=source, external_id=source_id, **values))
        elif any(row[f] != values[f] for f in fields if f in values):
            to_update.append(
                model(id=row["id"], source=source, external_id=source_id, **values)
            )
        else:
            counts.unchanged += 1
    gone = [row["id"] for sid, row in existing.items() if sid not in wanted]
    if gone:
        counts.deleted = len(gone)
        for chunk in _chunks(gone, BATCH):
            model.objects.filter(id__in=chunk).delete()
    model.objects.bulk_create(to_create, batch_size=BATCH)
    counts.created = len(to_create)
    if to_update:
        changed = [f for f in fields if f in next(iter(wanted.values()))]
        model.objects.bulk_update(to_update, changed, batch_size=BATCH)
        counts.updated = len(to_update)
    return counts


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _ids(model: type[models.Model], source: Source) -> dict[str, int]:
    return dict(model.objects.filter(source=source).values_list("external_id", "id"))


def _sync_junctions(source: Source, net: Network) -> TableCounts:
    wanted = {
        j.key: {"lat": _r(j.lat), "lon": _r(j.lon), "elevation": _r(j.ele, 1)}
        for j in net.junctions.values()
    }
    if not any(j.ele is not None for j in net.junctions.values()):
        for values in wanted.values():  # keep elevation added from a tile
            del values["elevation"]
    return _sync(Junction, source, wanted, ["lat", "lon", "elevation"])


def _sync_trails(source: Source, net: Network) -> TableCounts:
    wanted = {
        t.key: {"name": t.name[:300], "kind": t.kind, "difficulty": t.difficulty}
        for t in net.trails
    }
    return _sync(Trail, source, wanted, ["name", "kind", "difficulty"])


def _sync_segments(source: Source, net: Network) -> TableCounts:
    junction_ids = _ids(Junction, source)
    trail_ids = _ids(Trail, source)
    wanted: dict[str, dict[str, Any]] = {}
    has_elevation = any(s.elevations for s in net.segments)
    for s in net.segments:
        geometry = [[_r(lon), _r(lat)] for lon, lat in s.coords]
        values: dict[str, Any] = {
            "trail_id": trail_ids[s.trail],
            "start_id": junction_ids[s.start],
            "end_id": junction_ids[s.end],
            "length_m": round(s.length_m, 2),
        }
        if s.elevations and all(e is not None for e in s.elevations):
            from trails.dem import climb

            for point, ele in zip(geometry, s.elevations):
                point.append(round(ele, 1))
            ascent, descent = climb(s.elevations)
            values["ascent_m"], values["descent_m"] = (
                round(ascent, 1),
                round(descent, 1),
            )
        elif has_elevation:
            values["ascent_m"] = values["descent_m"] = None
        values["geometry"] = geometry
        lon0, lat0, lon1, lat1 = bbox(s.coords)
        values.update(
            min_lon=_r(lon0), min_lat=_r(lat0), max_lon=_r(lon1), max_lat=_r(lat1)
        )
        wanted[s.key] = values
    fields = ["trail_id", "start_id", "end_id", "length_m", "geometry"]
    fields += ["min_lon", "min_lat", "max_lon", "max_lat"]
    if has_elevation:
        fields += ["ascent_m", "descent_m"]
    return _sync(Segment, source, wanted, fields)


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
        }
        for p in net.places
        if p.kind in kinds
    }
    fields = ["name", "kind", "lat", "lon", "elevation", "junction_id", "attach_m"]
    return _sync(model, source, wanted, fields)
