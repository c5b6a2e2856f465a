"""The network as a graph: junctions are the nodes, segments the edges between
two junctions; trails group the segments a source line was split into, and
waymarked routes the segments they are marked along. Segments carry their
bounding box, indexed, so "everything inside this box" is one query."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from trails.folding import fold
from trails.geo import METRES_PER_MILE
from trails.models.common import LAT_VALIDATORS, LON_VALIDATORS, Searchable, staff_edits
from trails.models.sources import Source
from trails.network import FLAGS
from trails.waymarks import route_label, route_marks


class Trail(Searchable):
    class Kind(models.TextChoices):
        PATH = "path", "Path"
        FOOTWAY = "footway", "Footway"
        TRACK = "track", "Track"
        BRIDLEWAY = "bridleway", "Bridleway"
        STEPS = "steps", "Steps"
        ROAD = "road", "Road connector"

    class Difficulty(models.IntegerChoices):
        HIKING = 1, "T1 hiking"
        MOUNTAIN = 2, "T2 mountain hiking"
        DEMANDING_MOUNTAIN = 3, "T3 demanding mountain hiking"
        ALPINE = 4, "T4 alpine hiking"
        DEMANDING_ALPINE = 5, "T5 demanding alpine hiking"
        DIFFICULT_ALPINE = 6, "T6 difficult alpine hiking"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="trails")
    external_id = models.CharField(max_length=100)
    name = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PATH)
    difficulty = models.PositiveSmallIntegerField(
        choices=Difficulty.choices, null=True, blank=True
    )
    # Set by the import from the data's tags; staff decide with flag_override.
    flag = models.CharField(
        max_length=20,
        blank=True,
        choices=list(FLAGS.items()),
        help_text="Why hikers should not walk it (from the data).",
    )
    flag_override = models.BooleanField(
        default=False,
        verbose_name="plan on it despite the flag",
        help_text="Staff know hikers may walk it; kept across re-imports.",
    )
    staff_fields = staff_edits()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="trail_external_id_unique"
            )
        ]

    def __str__(self) -> str:
        return (
            self.name or f"Unnamed {self.get_kind_display().lower()} {self.external_id}"
        )

    @property
    def is_connector(self) -> bool:
        return self.kind == self.Kind.ROAD


class Junction(models.Model):
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="junctions"
    )
    external_id = models.CharField(max_length=100)
    lat = models.FloatField(validators=LAT_VALIDATORS)
    lon = models.FloatField(validators=LON_VALIDATORS)
    elevation = models.FloatField(null=True, blank=True, help_text="Metres.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="junction_external_id_unique"
            )
        ]
        indexes = [models.Index(fields=["lat", "lon"], name="junction_lat_lon")]

    def __str__(self) -> str:
        return f"Junction {self.pk} ({self.lat:.5f}, {self.lon:.5f})"


class SegmentQuerySet(models.QuerySet):
    def in_bbox(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float):
        """Segments whose bounding box overlaps the box."""
        return self.filter(
            min_lat__lte=max_lat,
            max_lat__gte=min_lat,
            min_lon__lte=max_lon,
            max_lon__gte=min_lon,
        )

    def open(self):
        return self.filter(is_open=True)

    def walkable(self):
        """Open, and not on a flagged trail (unless staff overrode the flag)."""
        return self.open().filter(Q(trail__flag="") | Q(trail__flag_override=True))


class Segment(models.Model):
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="segments"
    )
    external_id = models.CharField(max_length=120)
    trail = models.ForeignKey(Trail, on_delete=models.CASCADE, related_name="segments")
    start = models.ForeignKey(Junction, on_delete=models.CASCADE, related_name="+")
    end = models.ForeignKey(Junction, on_delete=models.CASCADE, related_name="+")
    # [[lon, lat], ...] or [[lon, lat, ele], ...] from start to end.
    geometry = models.JSONField()
    length_m = models.FloatField()
    ascent_m = models.FloatField(null=True, blank=True)
    descent_m = models.FloatField(null=True, blank=True)
    is_open = models.BooleanField(
        default=True, help_text="Closed segments are left out of planning."
    )
    closed_reason = models.CharField(
        max_length=200, blank=True, help_text="For example: washed out, winter only."
    )
    # What the last import's file said ("" for open): a newer file's closure
    # applies when it says something new, and staff's decision stands otherwise
    # (see trails/closures.py).
    file_closed_reason = models.CharField(max_length=200, blank=True, editable=False)
    # The same ground mapped as several ways is one segment; these are the names
    # of the others (a bike trail drawn on a track, a route drawn twice).
    other_names = models.JSONField(default=list, blank=True)
    min_lat = models.FloatField()
    min_lon = models.FloatField()
    max_lat = models.FloatField()
    max_lon = models.FloatField()

    objects = SegmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="segment_external_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(length_m__gte=0), name="segment_length_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["min_lat", "min_lon"], name="segment_bbox_min"),
            models.Index(fields=["max_lat", "max_lon"], name="segment_bbox_max"),
        ]

    def __str__(self) -> str:
        return f"{self.trail} ({self.length_m / 1000:.2f} km)"

    @property
    def miles(self) -> float:
        return self.length_m / METRES_PER_MILE


class WalkingRoute(Searchable):
    """A waymarked walking route (an OSM hiking relation): a hiker can follow its
    marks, so the planner prefers it and the cue sheet names it."""

    class Network(models.TextChoices):
        INTERNATIONAL = "iwn", "International"
        NATIONAL = "nwn", "National"
        REGIONAL = "rwn", "Regional"
        LOCAL = "lwn", "Local"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="routes")
    external_id = models.CharField(max_length=100)
    name = models.CharField(max_length=200, blank=True)
    ref = models.CharField(max_length=200, blank=True)
    network = models.CharField(max_length=3, choices=Network.choices, blank=True)
    colour = models.CharField(max_length=200, blank=True)
    symbol = models.CharField(
        max_length=200, blank=True, help_text="OSM osmc:symbol, e.g. red:white:red_bar"
    )
    operator = models.CharField(max_length=200, blank=True)
    segments = models.ManyToManyField(Segment, related_name="routes", blank=True)

    class Meta:
        ordering = ["network", "ref", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="route_external_id_unique"
            )
        ]

    def __str__(self) -> str:
        return route_label(self.name, self.ref) or f"Route {self.external_id}"

    @staticmethod
    def search_key(values: dict) -> str:
        """Its ref and its name: "GR 11 Senda Pirenaica" -> "gr11 senda pirenaica"."""
        return fold(f"{values.get('ref') or ''} {values.get('name') or ''}")

    @property
    def marks(self) -> str:
        return route_marks(self.symbol, self.colour)
