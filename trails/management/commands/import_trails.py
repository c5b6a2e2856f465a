"""Import a trail network from an OpenStreetMap, GeoJSON or GPX file.

    python manage.py import_trails data/andorra.osm.pbf --source Andorra \\
        --attribution "© OpenStreetMap contributors"

The import is one transaction: it either writes the whole file or nothing. Running it
again with the same file changes nothing (and when nothing else changed the data
since, it is recognised without reading the file: "Unchanged", unless --force); with
a newer file it updates the source, keeping what staff changed (closures, names,
trailhead positions). A file that would delete more than half of the source's
segments is refused unless --allow-shrink.
"""

from django.core.management.base import BaseCommand, CommandError

from trails.importers import ImportFailed, import_file
from trails.network import DEFAULT_ATTACH_M


class Command(BaseCommand):
    help = "Import trails, junctions, trailheads and campsites from a file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="An .osm.pbf, .osm, .geojson or .gpx file.")
        parser.add_argument(
            "--source",
            help="Name of the data source to import into (default: the file name). "
            "Re-importing into the same source updates it in place.",
        )
        parser.add_argument(
            "--attribution",
            default="",
            help="Credit shown wherever this data is displayed, e.g. "
            "'© OpenStreetMap contributors'.",
        )
        parser.add_argument(
            "--licence", default="", help="Licence name, e.g. ODbL 1.0."
        )
        parser.add_argument(
            "--trailheads",
            help="A GeoJSON or GPX file of trailhead, parking and campsite points "
            "to go with a GeoJSON or GPX trail file.",
        )
        parser.add_argument(
            "--attach-m",
            type=float,
            default=DEFAULT_ATTACH_M,
            help="How far (metres) a trailhead or campsite may be from a trail to be "
            f"attached to it (default {DEFAULT_ATTACH_M:g}).",
        )
        for prop in ("name", "kind", "difficulty", "id"):
            parser.add_argument(
                f"--{prop}-property",
                dest=f"{prop}_prop",
                help=f"GeoJSON property holding each line's {prop}, when it is not "
                "one of the usual names.",
            )
        parser.add_argument(
            "--allow-shrink",
            action="store_true",
            help="Import even if it deletes more than half of the source's segments "
            "(refused otherwise: a small or wrong file would empty the source).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Import even when the file is the one last imported and nothing "
            "changed since (otherwise recognised, and skipped).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check the file and report what would change; write nothing.",
        )

    def handle(self, *args, **opts):
        if not 0 < opts["attach_m"] <= 5000:
            raise CommandError("--attach-m must be between 0 and 5000 metres.")

        def progress(message: str) -> None:
            if opts["verbosity"] >= 1:
                self.stdout.write(f"  … {message}")

        try:
            report = import_file(
                opts["path"],
                opts["source"],
                attribution=opts["attribution"],
                licence=opts["licence"],
                dry_run=opts["dry_run"],
                allow_shrink=opts["allow_shrink"],
                force=opts["force"],
                progress=progress,
                trailheads=opts["trailheads"],
                attach_m=opts["attach_m"],
                name_prop=opts["name_prop"],
                kind_prop=opts["kind_prop"],
                difficulty_prop=opts["difficulty_prop"],
                id_prop=opts["id_prop"],
            )
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        if opts["verbosity"] >= 1:
            first, *rest = report.lines()
            self.stdout.write(self.style.SUCCESS(first))
            for line in rest:
                self.stdout.write(line)
