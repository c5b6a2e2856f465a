"""Geometry on the sphere in metres: no Django, no projections.

Lengths are haversine sums over (lon, lat) vertices, which is what a hiker's GPS
reports to within a fraction of a percent at trail scales.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
METRES_PER_MILE = 1609.344
FEET_PER_METRE = 3.28084

LonLat = tuple[float, float]


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance between two points, in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def line_length_m(coords: Sequence[Sequence[float]]) -> float:
    """Length of a polyline of (lon, lat[, ele]) vertices, in metres.

    The haversine formula inlined, with each vertex converted to radians once:
    imports measure every vertex of a region.
    """
    sin, cos, asin, sqrt, rad = math.sin, math.cos, math.asin, math.sqrt, math.radians
    total = 0.0
    lon0, lat0 = rad(coords[0][0]), rad(coords[0][1])
    cos0 = cos(lat0)
    for c in coords[1:]:
        lon1, lat1 = rad(c[0]), rad(c[1])
        cos1 = cos(lat1)
        a = sin((lat1 - lat0) / 2) ** 2 + cos0 * cos1 * sin((lon1 - lon0) / 2) ** 2
        total += asin(min(1.0, sqrt(a)))
        lon0, lat0, cos0 = lon1, lat1, cos1
    return 2 * EARTH_RADIUS_M * total


def part_of_line(
    coords: Sequence[Sequence[float]], start: float, end: float
) -> list[tuple[float, ...]]:
    """The stretch of a polyline between two shares of its length (0 is its first
    vertex, 1 its last), from `start` to `end`: reversed when `end` < `start`.
    The cut ends are interpolated, elevation too when the vertices carry it."""
    lo, hi = sorted((min(max(start, 0.0), 1.0), min(max(end, 0.0), 1.0)))
    at = [0.0]  # metres along the line at each vertex
    for a, b in zip(coords, coords[1:]):
        at.append(at[-1] + haversine_m(a[0], a[1], b[0], b[1]))
    total = at[-1]

    def point(metres: float) -> tuple[float, ...]:
        for i in range(1, len(coords)):
            if at[i] >= metres or i == len(coords) - 1:
                span = at[i] - at[i - 1]
                f = (metres - at[i - 1]) / span if span > 0 else 0.0
                f = min(max(f, 0.0), 1.0)
                a, b = coords[i - 1], coords[i]
                return tuple(x + f * (y - x) for x, y in zip(a, b))
        return tuple(coords[0])

    if total <= 0:
        out = [tuple(coords[0]), tuple(coords[-1])]
    else:
        lo_m, hi_m = lo * total, hi * total
        inside = [tuple(c) for c, m in zip(coords, at) if lo_m < m < hi_m]
        out = [point(lo_m), *inside, point(hi_m)]
    return out[::-1] if end < start else out


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


def box_around(lat: float, lon: float, metres: float) -> tuple[float, ...]:
    """The box (min lon, min lat, max lon, max lat) of `metres` around a point."""
    dlon, dlat = degrees_for_metres(metres, lat)
    return (lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def is_valid_lonlat(lon: float, lat: float) -> bool:
    return (
        isinstance(lon, (int, float))
        and isinstance(lat, (int, float))
        and math.isfinite(lon)
        and math.isfinite(lat)
        and -180.0 <= lon <= 180.0
        and -90.0 <= lat <= 90.0
    )
