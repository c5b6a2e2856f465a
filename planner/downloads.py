"""A planned loop as a file: GPX for phones and GPS units, GeoJSON for GIS tools.

GPX: one track in walking order (with elevation when known) and waypoints for the
trailhead and each day's end. Names are written as text by gpxpy, which escapes
them, so a trail called "<script>" stays a name.
"""

from __future__ import annotations

import json
from typing import Any

import gpxpy.gpx

from planner.trip import TripQuery
from planner.units import distance_text as distance
from planner.units import height_text as height


def _description(loop: dict[str, Any], query: TripQuery) -> str:
    parts = [
        f"{distance(loop['length_m'], query.units)} {loop['kind'].replace('_', ' ')} "
        f"from {loop['trailhead']['name']}"
    ]
    if loop["ascent_m"] is not None:
        parts.append(f"{height(loop['ascent_m'], query.units)} climb")
    if len(loop["days"]) > 1:
        parts.append(
            "days: "
            + ", ".join(distance(d["length_m"], query.units) for d in loop["days"])
        )
    if loop["routes"]:
        parts.append(
            "follows "
            + ", ".join(
                f"{r['label']}{' (' + r['marks'] + ')' if r['marks'] else ''} "
                f"for {distance(r['length_m'], query.units)}"
                for r in loop["routes"]
            )
        )
    return "; ".join(parts) + ". Planned with LoopGenie."


def gpx(doc: dict[str, Any], loop: dict[str, Any], query: TripQuery) -> str:
    out = gpxpy.gpx.GPX()
    out.creator = "LoopGenie"
    out.name = f"LoopGenie loop {loop['rank']}: {loop['trailhead']['name']}"
    out.description = _description(loop, query)
    attributions = "; ".join(a["attribution"] for a in doc["attributions"])
    if attributions:
        out.copyright_author = attributions
    track = gpxpy.gpx.GPXTrack(name=out.name, description=out.description)
    segment = gpxpy.gpx.GPXTrackSegment()
    eles = loop.get("eles") or [None] * len(loop["coords"])
    for (lon, lat), ele in zip(loop["coords"], eles):
        segment.points.append(gpxpy.gpx.GPXTrackPoint(lat, lon, elevation=ele))
    track.segments.append(segment)
    out.tracks.append(track)
    th = loop["trailhead"]
    out.waypoints.append(
        gpxpy.gpx.GPXWaypoint(th["lat"], th["lon"], name=th["name"], type="Trailhead")
    )
    for day in loop["days"][:-1]:
        end = day["end"]
        bed = end["bed"]
        # at the bed itself (a hut off the trail), its details in words
        lat, lon = (bed["lat"], bed["lon"]) if bed else (end["lat"], end["lon"])
        out.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                lat,
                lon,
                name=f"Night {day['day']}: {end['name']}",
                description=_night(day, query),
                symbol="Campground" if bed else "Flag, Red",
                type=bed["kind_name"] if bed else "Junction (no bed)",
            )
        )
    return out.to_xml()


def _night(day: dict[str, Any], query: TripQuery) -> str:
    """A night's waypoint description: the day that ends there, and the bed."""
    parts = [f"End of day {day['day']}: {distance(day['length_m'], query.units)}"]
    if day.get("ascent_m") is not None:
        parts.append(f"{height(day['ascent_m'], query.units)} climb")
    bed = day["end"]["bed"]
    if bed is None:
        parts.append("no hut, campsite or shelter here")
        return "; ".join(parts) + "."
    parts.append(bed["kind_name"].lower())
    if bed["capacity"]:
        parts.append(f"{bed['capacity']} places")
    if bed["staffed"] is not None:
        parts.append("staffed" if bed["staffed"] else "not staffed")
    if bed["fee"] is not None:
        parts.append("fee" if bed["fee"] else "free")
    if bed["opening_hours"]:
        parts.append(f"open {bed['opening_hours']}")
    if bed["website"]:
        parts.append(bed["website"])
    return "; ".join(parts) + "."


def geojson(doc: dict[str, Any], loop: dict[str, Any], query: TripQuery) -> str:
    coords = loop["coords"]
    if loop.get("eles"):
        coords = [[x, y, e] for (x, y), e in zip(coords, loop["eles"])]
    th = loop["trailhead"]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": coords},
            "properties": {
                "name": f"LoopGenie loop {loop['rank']}",
                "description": _description(loop, query),
                "length_m": loop["length_m"],
                "repeated_m": loop["repeated_m"],
                "ascent_m": loop["ascent_m"],
                "descent_m": loop["descent_m"],
                "attribution": [a["attribution"] for a in doc["attributions"]],
            },
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [th["lon"], th["lat"]]},
            "properties": {"name": th["name"], "role": "trailhead"},
        },
    ]
    for day in loop["days"][:-1]:
        end = day["end"]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [end["lon"], end["lat"]]},
                "properties": {
                    "name": end["name"],
                    "role": f"end of day {day['day']}",
                    "bed": end["bed"],
                },
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features})
