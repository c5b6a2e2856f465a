"""The data version: a counter that moves on every change to the network, stamped
on the tiles the change touches, so caches keyed on the version of a box go
stale only where something changed; and the ground a change touches (`where`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import F

from trails.models.graph import Junction, Segment, Trail, WalkingRoute
from trails.models.points import Campsite, NetworkPoint, Trailhead
from trails.models.sources import Source

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
    def bump(cls, boxes: Iterable[Box] | None = None) -> int:
        """Count a change made inside `boxes` (None: anywhere); the new version."""
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
                return version
            TileVersion.objects.bulk_create(
                [TileVersion(tx=x, ty=y, version=version) for x, y in tiles],
                update_conflicts=True,
                unique_fields=["tx", "ty"],
                update_fields=["version"],
            )
            return version

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
