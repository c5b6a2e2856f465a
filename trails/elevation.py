"""Elevation from SRTM tiles (`trails/dem.py`) for a network already in the
database: every vertex, junction, trailhead and campsite without one, and each
segment's climb. The `add_elevation` command and the admin's tile upload call
`add_elevation`; all or nothing, bulk, and what the data brought is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import models, transaction

from trails.bulk import BATCH, profile
from trails.dem import ElevationModel, Tile, climb
from trails.errors import ParseError
from trails.importers import ImportFailed
from trails.models import Campsite, DataVersion, Junction, Segment, Source, Trailhead


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
        ascent, descent = climb(profile(line))
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
