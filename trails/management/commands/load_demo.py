"""Load the bundled demo region (Andorra, OpenStreetMap, with SRTM elevation) unless
it is already loaded.

`make run` calls this on every start; only the first start imports anything. A
database loaded before elevation came along gets its elevation on the next start.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from trails.models import Segment, Source

DEMO_DIR = Path(settings.BASE_DIR) / "data" / "demo"
DEMO_SOURCE = "Andorra (OpenStreetMap)"
DEMO_FILE = DEMO_DIR / "andorra-2021-06-22.osm.pbf"
DEMO_TILE = DEMO_DIR / "N42E001.hgt.zip"
ATTRIBUTION = "© OpenStreetMap contributors"


class Command(BaseCommand):
    help = "Import the bundled Andorra demo region into an empty database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Import even if it is already loaded."
        )

    def handle(self, *args, **opts):
        loaded = Source.objects.filter(name=DEMO_SOURCE, segment_count__gt=0).exists()
        if loaded and not opts["force"]:
            self.stdout.write(f"Demo region {DEMO_SOURCE!r} is already loaded.")
        else:
            call_command(
                "import_trails",
                str(DEMO_FILE),
                source=DEMO_SOURCE,
                attribution=ATTRIBUTION,
                licence="ODbL 1.0",
                force=opts["force"],
                verbosity=opts["verbosity"],
                stdout=self.stdout,
            )
        climbs = Segment.objects.filter(
            source__name=DEMO_SOURCE, ascent_m__isnull=False
        )
        if not climbs.exists():
            call_command(
                "add_elevation",
                str(DEMO_TILE),
                source=DEMO_SOURCE,
                verbosity=opts["verbosity"],
                stdout=self.stdout,
            )
