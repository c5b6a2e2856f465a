"""GeoJSON features and OSM nodes written by hand, for the import and plan tests."""

from __future__ import annotations

import math

ORIGIN = (10.0, 45.0)  # lon, lat of the drawings made with `metres_at`
M_LAT = 111_195.0  # metres in a degree of latitude


def metres_at(east_m: float, north_m: float, tags=None, origin=ORIGIN):
    """An OSM node (lon, lat, tags) this far east and north of `origin`, as
    `conftest.osm_file` takes them."""
    lon, lat = origin
    m_lon = M_LAT * math.cos(math.radians(lat))
    return (lon + east_m / m_lon, lat + north_m / M_LAT, tags or {})


def line(coords, fid=None, **props) -> dict:
    feature = {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "LineString", "coordinates": coords},
    }
    if fid is not None:
        feature["id"] = fid
    return feature


def point(lon, lat, fid=None, **props) -> dict:
    feature = {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }
    if fid is not None:
        feature["id"] = fid
    return feature
