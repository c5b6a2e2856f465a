"""The small map previews on the admin's change pages: GeoJSON features in a
data- attribute that `trails/admin_map.js` draws with Leaflet."""

from __future__ import annotations

import json

from django import forms
from django.db.models import QuerySet
from django.utils.html import format_html

MAP_MEDIA = forms.Media(
    css={"all": ["leaflet/leaflet.css", "trails/admin_map.css"]},
    js=["leaflet/leaflet.js", "trails/admin_map.js"],
)


def map_preview(features: dict) -> str:
    """A small map the admin's script draws; the data travels in a data- attribute."""
    return format_html(
        '<div class="lg-admin-map" data-geojson="{}"></div>', json.dumps(features)
    )


def line_feature(coords: list, **props) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [c[:2] for c in coords]},
        "properties": props,
    }


def segments_map(segments: QuerySet) -> str:
    """A map of some segments (a trail's, a route's), each marked open or closed."""
    return map_preview(
        {
            "type": "FeatureCollection",
            "features": [
                line_feature(s.geometry, open=s.is_open, segment=s.pk)
                for s in segments.order_by("id").only("id", "geometry", "is_open")
            ],
        }
    )


def point_feature(lon: float, lat: float, **props) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }
