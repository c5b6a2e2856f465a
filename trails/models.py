"""The trail network as a graph stored relationally.

Junctions are the nodes, segments the edges between two junctions; trails group the
segments a source line was split into. Trailheads and campsites are points attached
to a junction. Every imported row is keyed on (source, external_id), so re-importing a
file updates rows in place. Segments carry their bounding box, and points their
position, with indexes so that "everything inside this box" is one indexed query on
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q

from trails.folding import fold
from trails.geo import METRES_PER_MILE, box_around, degrees_for_metres, haversine_m
from trails.network import DEFAULT_ATTACH_M, FLAGS
from trails.waymarks import route_label, route_marks

LAT_VALIDATORS = [MinValueValidator(-90.0), MaxValueValidator(90.0)]
LON_VALIDATORS = [MinValueValidator(-180.0), MaxValueValidator(180.0)]


def staff_edits() -> models.JSONField:
    """The names of the fields staff changed in the admin: re-imports leave those
    as staff set them (a renamed trail, a trailhead moved to the real car park)."""
    return models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Fields staff changed; imports keep them as staff set them.",
    )


def search_name() -> models.CharField:
    """The name folded for search (trails/folding.py). Written on save and by the
    importers' bulk writes, through the model's `search_key`, never by hand."""
    return models.CharField(max_length=300, blank=True, default="", editable=False)


class Searchable(models.Model):
    """A named thing hikers search for: its folded name follows its name."""

    search_name = search_name()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.search_name = self.search_key(vars(self))
        fields = kwargs.get("update_fields")
        if fields and "search_name" not in fields:
            kwargs["update_fields"] = [*fields, "search_name"]
        super().save(*args, **kwargs)

    @staticmethod
    def search_key(values: dict) -> str:
        return fold(values.get("name") or "")


class SourceQuerySet(models.QuerySet):
    def credits(self, ids) -> list[dict]:
        """The name, attribution and licence of each of these sources that asks
        to be credited, for the pages and files drawn from them."""
        return list(
            self.filter(id__in=ids)
            .exclude(attribution="")
            .values("name", "attribution", "licence")
        )


class Source(models.Model):
    name = models.CharField(max_length=200, unique=True)
    attribution = models.TextField(
        blank=True, help_text="Shown wherever this data is displayed."
    )
    licence = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=20, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    trail_count = models.PositiveIntegerField(default=0)
    segment_count = models.PositiveIntegerField(default=0)
    junction_count = models.PositiveIntegerField(default=0)
    trailhead_count = models.PositiveIntegerField(default=0)
    campsite_count = models.PositiveIntegerField(default=0)
    km = models.FloatField(default=0)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Changes are stamped on tiles of this many degrees (about 110 x 80 km in the
# Alps): plans and graphs are keyed on the stamps of the tiles they cover, so an
# edit in one region leaves every other region's cached plans and graphs alone.
VERSION_TILE_DEG = 1.0
# A change spread over more tiles than this is stamped everywhere at once.
MAX_STAMPED_TILES = 5000

Box = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat


def tiles_of(box: Box) -> tuple[int, int, int, int]:
    """The range of version tiles a box touches: x0, y0, x1, y1 (inclusive)."""
    g = VERSION_TILE_DEG
    return (
        math.floor(max(box[0], -180.0) / g),
        math.floor(max(box[1], -90.0) / g),
        math.floor(min(box[2], 180.0) / g),
        math.floor(min(box[3], 90.0) / g),
    )


class DataVersion(models.Model):
    """One row whose counter moves on every change to the network.

    `version` counts every change. Each change is also stamped where it
    happened: on the tiles its extent touches (`TileVersion`), or, for a change
    whose extent is not known, `everywhere`. The version of a box (`of`) is the
    latest stamp on it: plans and cached graphs are keyed on that, so an edit
    makes the plans and graphs of its own region stale at once, and only those.
    """

    version = models.PositiveBigIntegerField(default=0)
    everywhere = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"data version {self.version}"

    @classmethod
    def current(cls) -> int:
        row = cls.objects.filter(pk=1).values_list("version", flat=True).first()
        return row or 0

    @classmethod
    def bump(cls, boxes: Iterable[Box] | None = None) -> None:
        """Count a change made inside `boxes` (None: anywhere)."""
        with transaction.atomic():
            updated = cls.objects.filter(pk=1).update(version=F("version") + 1)
            if not updated:
                cls.objects.get_or_create(pk=1, defaults={"version": 1})
            version = cls.current()
            tiles: set[tuple[int, int]] = set()
            for box in [] if boxes is None else boxes:
                x0, y0, x1, y1 = tiles_of(box)
                if (x1 - x0 + 1) * (y1 - y0 + 1) + len(tiles) > MAX_STAMPED_TILES:
                    boxes = None
                    break
                tiles.update(
                    (x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)
                )
            if boxes is None:
                cls.objects.filter(pk=1).update(everywhere=version)
                return
            TileVersion.objects.bulk_create(
                [TileVersion(tx=x, ty=y, version=version) for x, y in tiles],
                update_conflicts=True,
                unique_fields=["tx", "ty"],
                update_fields=["version"],
            )

    @classmethod
    def of(cls, box: Box) -> int:
        """The version of the data inside `box`: its latest change."""
        return max(cls.tiles(box).values(), default=0)

    @classmethod
    def tiles(cls, box: Box) -> dict[tuple[int, int], int]:
        """The version of each tile the box touches (one query for the stamps)."""
        x0, y0, x1, y1 = tiles_of(box)
        everywhere = (
            cls.objects.filter(pk=1).values_list("everywhere", flat=True).first() or 0
        )
        found = {
            (x, y): max(v, everywhere)
            for x, y, v in TileVersion.objects.filter(
                tx__gte=x0, tx__lte=x1, ty__gte=y0, ty__lte=y1
            ).values_list("tx", "ty", "version")
        }
        return {
            (x, y): found.get((x, y), everywhere)
            for x in range(x0, x1 + 1)
            for y in range(y0, y1 + 1)
        }


class TileVersion(models.Model):
    """The data version of the latest change inside one tile (`VERSION_TILE_DEG`)."""

    tx = models.IntegerField()
    ty = models.IntegerField()
    version = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tx", "ty"], name="tile_version_unique")
        ]

    def __str__(self) -> str:
        return f"tile {self.tx},{self.ty}: version {self.version}"


def extent(segments=None, points=()) -> Box | None:
    """The box around these segments (a queryset) and points (querysets of
    things with lat and lon); None when there is nothing."""
    boxes = [] if segments is None else [_box_of(segments, "min_", "max_")]
    boxes += [_box_of(qs, "", "") for qs in points]
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _box_of(rows, low: str, high: str) -> Box | None:
    """The box of a queryset by its `{low}lon`/`{low}lat` and `{high}lon`/
    `{high}lat` fields; None when it is empty."""
    b = rows.aggregate(
        a=models.Min(f"{low}lon"),
        b=models.Min(f"{low}lat"),
        c=models.Max(f"{high}lon"),
        d=models.Max(f"{high}lat"),
    )
    return None if b["a"] is None else (b["a"], b["b"], b["c"], b["d"])


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


class PointQuerySet(models.QuerySet):
    def in_bbox(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float):
        return self.filter(
            lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon
        )


class NetworkPoint(Searchable):
    """A place hikers start or sleep at, attached to the nearest junction."""

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    external_id = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=300, blank=True)
    lat = models.FloatField(validators=LAT_VALIDATORS)
    lon = models.FloatField(validators=LON_VALIDATORS)
    elevation = models.FloatField(null=True, blank=True, help_text="Metres.")
    junction = models.ForeignKey(
        Junction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attach_m = models.FloatField(
        null=True, blank=True, help_text="Distance to the junction it attaches to."
    )
    staff_fields = staff_edits()

    objects = PointQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} {self.pk}"

    def attach_to_network(self, max_m: float = DEFAULT_ATTACH_M) -> None:
        """Attach to the nearest junction on an open segment within `max_m`.

        Staff move points in the admin; this keeps them on the network (or marks
        them unattached when they were moved away from every trail).
        """
        dlon, dlat = degrees_for_metres(max_m, self.lat)
        box = (self.lon - dlon, self.lat - dlat, self.lon + dlon, self.lat + dlat)
        segments = Segment.objects.open().in_bbox(*box)
        ids = set(segments.values_list("start_id", flat=True))
        ids |= set(segments.values_list("end_id", flat=True))
        best = None
        for j in Junction.objects.filter(id__in=ids).only("id", "lat", "lon"):
            d = haversine_m(self.lon, self.lat, j.lon, j.lat)
            if d <= max_m and (best is None or (d, j.id) < (best[0], best[1].id)):
                best = (d, j)
        self.junction = best[1] if best else None
        self.attach_m = round(best[0], 1) if best else None


class TrailheadQuerySet(PointQuerySet):
    def attached(self):
        """On the network: loops can start there."""
        return self.filter(junction__isnull=False)

    def around(self, lat: float, lon: float, metres: float):
        """Those in the box of `metres` around a point (the circle and more)."""
        return self.in_bbox(*box_around(lat, lon, metres))

    def within(self, lat: float, lon: float, metres: float) -> list:
        """Attached trailheads at most `metres` from a point in a straight line,
        each with that distance, nearest first."""
        found = [
            (th, haversine_m(lon, lat, th.lon, th.lat))
            for th in self.attached().around(lat, lon, metres).order_by("id")
        ]
        found = [(th, m) for th, m in found if m <= metres]
        found.sort(key=lambda pair: (pair[1], pair[0].id))
        return found

    def nearest(self, lat: float, lon: float) -> Trailhead | None:
        """The closest attached trailhead anywhere, searching outward in growing
        boxes (the first one holding any is searched whole)."""
        radius = 50_000.0
        while radius < 25_000_000:
            rows = self.attached().around(lat, lon, radius)
            best = min(
                rows.only("id", "name", "kind", "lat", "lon")[:5000],
                key=lambda th: haversine_m(lon, lat, th.lon, th.lat),
                default=None,
            )
            if best is not None:
                return best
            radius *= 4
        return None

    def regions(self) -> list[dict]:
        """Each source with attached trailheads: its name, where its trailheads
        are (their middle) and how many, biggest first."""
        rows = (
            self.attached()
            .values("source__name")
            .annotate(
                lat=models.Avg("lat"),
                lon=models.Avg("lon"),
                trailheads=models.Count("id"),
            )
            .order_by("-trailheads", "source__name")
        )
        return [
            {
                "name": r["source__name"],
                "lat": round(r["lat"], 5),
                "lon": round(r["lon"], 5),
                "trailheads": r["trailheads"],
            }
            for r in rows
        ]


class Trailhead(NetworkPoint):
    class Kind(models.TextChoices):
        TRAILHEAD = "trailhead", "Trailhead"
        PARKING = "parking", "Parking"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TRAILHEAD)

    objects = TrailheadQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="trailhead_external_id_unique",
            )
        ]
        indexes = [models.Index(fields=["lat", "lon"], name="trailhead_lat_lon")]


class CampsiteQuerySet(PointQuerySet):
    def beds(self, shelters: bool = True):
        """Where a hiker may plan to sleep: attached to the network, not closed
        by staff, and a shelter only when `shelters` count."""
        beds = self.filter(junction__isnull=False, closed_reason="")
        return beds if shelters else beds.exclude(kind=Campsite.Kind.SHELTER)


class Campsite(NetworkPoint):
    class Kind(models.TextChoices):
        CAMP_SITE = "camp_site", "Campsite"
        ALPINE_HUT = "alpine_hut", "Alpine hut"
        WILDERNESS_HUT = "wilderness_hut", "Wilderness hut"
        SHELTER = "shelter", "Shelter"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CAMP_SITE)
    # What the data says of it (OSM's website, capacity, fee, staffed and
    # opening_hours tags; the same GeoJSON properties), shown with each night.
    website = models.CharField(max_length=300, blank=True)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Beds or pitches."
    )
    fee = models.BooleanField(null=True, blank=True, help_text="Whether it charges.")
    staffed = models.BooleanField(
        null=True, blank=True, help_text="Whether a warden is there in season."
    )
    opening_hours = models.CharField(max_length=200, blank=True)
    closed_reason = models.CharField(
        max_length=200,
        blank=True,
        help_text="Closed for the season…: left out of planning while set.",
    )

    objects = CampsiteQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="campsite_external_id_unique",
            )
        ]
        indexes = [models.Index(fields=["lat", "lon"], name="campsite_lat_lon")]


def where(obj) -> list[Box] | None:
    """The ground a staff change to `obj` touches, for `DataVersion.bump`: its
    box, none when it has no ground, None when that is not known (a change to
    anything else counts everywhere)."""
    if isinstance(obj, Segment):
        return [(obj.min_lon, obj.min_lat, obj.max_lon, obj.max_lat)]
    if isinstance(obj, Junction | NetworkPoint):
        return [(obj.lon, obj.lat, obj.lon, obj.lat)]
    if isinstance(obj, Trail | WalkingRoute):
        box = extent(obj.segments.all())
    elif isinstance(obj, Source):
        box = extent(
            obj.segments.all(),
            [Trailhead.objects.filter(source=obj), Campsite.objects.filter(source=obj)],
        )
    else:
        return None
    return [] if box is None else [box]
