"""Export trails, closures, elevation, trailheads and campsites as GeoJSON.

    python manage.py export_trails --source Andorra andorra.geojson
    python manage.py export_trails - | gzip > everything.geojson.gz

`import_trails` reads the file back as the same network: importing it into an empty
database makes the same segments, lengths and trailhead attachments.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trails.exporters import write_geojson
from trails.models import Source


class Command(BaseCommand):
    help = "Write one source (or every source) as a GeoJSON FeatureCollection."

    def add_arguments(self, parser):
        parser.add_argument(
            "out", help="The .geojson file to write, or - for standard output."
        )
        parser.add_argument(
            "--source",
            action="append",
            help="Name of a data source to export; repeat it for several (default: "
            "every source). With several, ids are prefixed with the source's id so "
            "that they cannot clash.",
        )

    def handle(self, *args, **opts):
        sources = list(Source.objects.order_by("name"))
        wanted = opts["source"]
        if isinstance(wanted, str):  # call_command(..., source="Andorra")
            wanted = [wanted]
        if wanted:
            found = {s.name: s for s in sources}
            missing = [name for name in wanted if name not in found]
            if missing:
                names = ", ".join(repr(name) for name in found)
                raise CommandError(
                    f"There is no source named {missing[0]!r}; "
                    f"the sources are: {names or 'none yet'}."
                )
            sources = [found[name] for name in dict.fromkeys(wanted)]
        if opts["out"] == "-":
            self.stdout.ending = ""  # write the file as it is, no newline added
            report = write_geojson(self.stdout, sources, everything=not wanted)
            summary = self.stderr  # standard output is the file
        else:
            report = self._write_file(Path(opts["out"]), sources, not wanted)
            summary = self.stdout
        if opts["verbosity"] >= 1:
            for line in report.lines():
                summary.write(self.style.SUCCESS(line))

    def _write_file(self, path: Path, sources, everything: bool):
        """Write beside the target and rename, so a failure leaves no half file."""
        if path.is_dir():
            raise CommandError(f"{path}: is a directory, not a file name.")
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                report = write_geojson(fh, sources, everything=everything)
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise CommandError(f"{path}: cannot be written ({exc.strerror})") from exc
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return report
