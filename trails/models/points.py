"""Trailheads and campsites: points hikers start or sleep at, attached to the
nearest junction, with the database's questions about them on querysets (within
a distance, the nearest, the regions they make, the beds to plan on)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from trails.geo import box_around, degrees_for_metres, haversine_m
from trails.models.common import LAT_VALIDATORS, LON_VALIDATORS, Searchable, staff_edits
from trails.models.graph import Junction, Segment
from trails.models.sources import Source
from trails.network import DEFAULT_ATTACH_M


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
