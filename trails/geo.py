"""Geometry on the sphere in metres: no Django, no projections.

Lengths are haversine sums over (lon, lat) vertices, which is what a hiker's GPS
reports to within a fraction of a percent at trail scales.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
METRES_PER_MILE = 1609.344

LonLat = tuple[float, float]


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance between two points, in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def line_length_m(coords: Sequence[Sequence[float]]) -> float:
    """Length of a polyline of (lon, lat[, ele]) vertices, in metres."""
    return sum(haversine_m(a[0], a[1], b[0], b[1]) for a, b in zip(coords, coords[1:]))


def bbox(coords: Iterable[Sequence[float]]) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of some vertices."""
    lons, lats = zip(*((c[0], c[1]) for c in coords))
    return min(lons), min(lats), max(lons), max(lats)


def degrees_for_metres(metres: float, lat: float) -> tuple[float, float]:
    """How many degrees of (lon, lat) span `metres` at latitude `lat`.

    Used to size search boxes; the longitude span grows towards the poles.
    """
    dlat = metres / 111_195.0
    coslat = max(math.cos(math.radians(lat)), 0.01)
    return dlat / coslat, dlat


def is_valid_lonlat(lon: float, lat: float) -> bool:
    return (
        isinstance(lon, (int, float))
        and isinstance(lat, (int, float))
        and math.isfinite(lon)
        and math.isfinite(lat)
        and -180.0 <= lon <= 180.0
        and -90.0 <= lat <= 90.0
    )
