"""Add elevation from SRTM tiles to the network, and work out every segment's climb.

    python manage.py add_elevation data/demo/N42E001.hgt.zip --source Andorra

Samples the tiles (`.hgt` or `.hgt.zip`, named for their south-west corner, like
N42E001) bilinearly at every junction, trailhead, campsite and vertex that has no
elevation yet; elevation the data brought (GPX, GeoJSON z) is kept. Then computes
each segment's ascent and descent, ignoring a few metres of grid noise. One
transaction: it changes everything or nothing.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from trails.elevation import add_elevation, load_tiles
from trails.importers import ImportFailed


class Command(BaseCommand):
    help = "Sample elevation tiles at every point of the network and compute climb."

    def add_arguments(self, parser):
        parser.add_argument(
            "tiles",
            nargs="+",
            metavar="TILE",
            help="SRTM .hgt or .hgt.zip files, named like N42E001.hgt.zip.",
        )
        parser.add_argument(
            "--source",
            help="Name of the data source to add elevation to (default: every source).",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Sample every point, replacing elevation already stored (from the "
            "file or an earlier tile), e.g. when a finer tile becomes available.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Sample and report what would change; write nothing.",
        )

    def handle(self, *args, **opts):
        started = time.monotonic()

        def progress(message: str) -> None:
            if opts["verbosity"] >= 1:
                self.stdout.write(f"  … {message}")

        try:
            n = len(opts["tiles"])
            progress(f"loading {n} {'tile' if n == 1 else 'tiles'}")
            model = load_tiles(opts["tiles"])
            report = add_elevation(
                model,
                opts["source"],
                overwrite=opts["overwrite"],
                dry_run=opts["dry_run"],
                progress=progress,
            )
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        if opts["verbosity"] >= 1:
            first, *rest = report.lines()
            self.stdout.write(self.style.SUCCESS(first))
            for line in rest:
                self.stdout.write(line)
            self.stdout.write(f"Took {time.monotonic() - started:.1f} s.")
