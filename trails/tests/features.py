"""GeoJSON features written by hand, for the import tests."""

from __future__ import annotations


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
