"""Plan documents (metres) turned into what each audience reads.

The page gets template context (formatting itself lives in template filters), the
API gets the documented JSON (miles and feet, see docs/api.md), and the map gets a
small JSON island through `json_script`.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from planner import compare, links, profiles
from planner.reasons import words
from planner.solver.records import NoLoop
from planner.starts import WALK_TO_TRAILHEAD_M
from planner.trip import TripQuery
from planner.units import UNIT_METRES, feet, miles
from trails.geo import FEET_PER_METRE

REGION_DRIVE = {"mi": 30, "km": 50}  # a plan from a region's middle reaches its trails


def _query_echo(query: TripQuery) -> dict[str, Any]:
    per_unit = UNIT_METRES[query.units]
    return {
        "lat": query.lat,
        "lon": query.lon,
        "place": query.label,
        "units": query.units,
        "drive": round(query.drive_m / per_unit, 3),
        "hike": round(query.hike_m / per_unit, 3),
        "days": query.days,
        "max_day": (
            None if query.max_day_m is None else round(query.max_day_m / per_unit, 3)
        ),
        "shelters": query.shelters,
        "tolerance": query.tolerance,
        "alternatives": query.alternatives,
        "allow_stems": query.allow_stems,
        "max_difficulty": query.max_difficulty,
        "trailhead": query.trailhead_id,
        "trail": query.trail_id,
        "route": query.route_id,
    }


def message_for(doc: dict[str, Any], query: TripQuery) -> str | None:
    """One plain sentence when the answer is not simply 'here are your loops'."""
    per_unit = UNIT_METRES[query.units]
    unit = "miles" if query.units == "mi" else "km"
    if doc.get("no_loop"):
        return words(NoLoop(**doc["no_loop"]), query.units)
    if doc["status"] == "no_trailhead" and doc["message"]:
        return doc["message"]
    if doc["status"] == "no_trailhead":
        near = doc["nearest_trailhead"]
        if near is None:
            return "There is no trailhead in the database yet."
        if doc.get("regions"):
            return (
                "LoopGenie has no trails near here: the nearest trailhead is about "
                f"{near['drive_m'] / per_unit:,.0f} {unit} away. It knows the "
                "regions below."
            )
        if query.drive_m == 0:
            return (
                "No trailhead is within a walk of "
                f"{WALK_TO_TRAILHEAD_M / per_unit:.1f} {unit} of the start. The "
                f"nearest is {near['name']}, about "
                f"{near['drive_m'] / per_unit:.0f} {unit} away by road."
            )
        return (
            f"No trailhead is within {query.drive_m / per_unit:.0f} {unit} of driving. "
            f"The nearest is {near['name']}, about "
            f"{near['drive_m'] / per_unit:.0f} {unit} away."
        )
    if doc["status"] == "no_loop":
        return doc["message"] or "No loop of that length fits the trails in range."
    if doc["timed_out"] and not _clean(doc["loops"][0], query):
        return (
            "The search ran out of time; these are the best loops it found, "
            "and a better one may exist."
        )
    return None


def _clean(loop: dict[str, Any], query: TripQuery) -> bool:
    """Nothing a longer search could noticeably improve: within 1% of the length,
    no trail walked twice, at most 5% on roads."""
    return (
        abs(loop["error_m"]) <= 0.01 * query.hike_m
        and loop["repeated_m"] == 0
        and loop["connector_m"] <= 0.05 * loop["length_m"]
    )


def api_plan_doc(
    doc: dict[str, Any], query: TripQuery, params: dict | None = None
) -> dict[str, Any]:
    """`params`: the plan page's parameters for the question, for each loop's own
    links (its page, GPX and GeoJSON), which keep the loop whatever changes."""
    loops = []
    reasons = compare.why(doc["loops"])
    for loop, reason in zip(doc["loops"], reasons):
        coords = loop["coords"]
        loops.append(
            {
                "rank": loop["rank"],
                "kind": loop["kind"],
                "best_at": reason["best"],
                "trailhead": trailhead_api_doc(loop["trailhead"]),
                "length_miles": miles(loop["length_m"]),
                "repeated_miles": miles(loop["repeated_m"]),
                "road_miles": miles(loop["connector_m"]),
                "waymarked_miles": miles(loop["waymarked_m"]),
                "routes": [
                    {
                        "id": r["id"],
                        "name": r["name"],
                        "ref": r["ref"],
                        "network": r["network"],
                        "marks": r["marks"],
                        "miles": miles(r["length_m"]),
                    }
                    for r in loop["routes"]
                ],
                "ascent_ft": feet(loop["ascent_m"]),
                "descent_ft": feet(loop["descent_m"]),
                "hours": loop["hours"],
                "days": [_day_api_doc(d) for d in loop["days"]],
                "segments": [
                    {
                        "segment_id": s["segment_id"],
                        "trail": s["trail"],
                        "trail_id": s["trail_id"],
                        "other_names": s["other_names"],
                        "kind": s["kind"],
                        "routes": s["routes"],
                        "miles": miles(s["length_m"]),
                        "turn_miles": miles(s.get("turn_m")),
                    }
                    for s in loop["segments"]
                ],
                "cues": [
                    {
                        "day": c["day"],
                        "at_miles": miles(c["at_m"]),
                        "miles": miles(c["length_m"]),
                        "turn": c["turn"],
                        "route": c["route"]["label"] if c["route"] else None,
                        "marks": c["route"]["marks"] if c["route"] else None,
                        "trail": c["trail"],
                        "kind": c["kind"],
                        "road_miles": miles(c["road_m"]),
                        "ascent_ft": feet(c["ascent_m"]),
                        "descent_ft": feet(c["descent_m"]),
                    }
                    for c in loop["cues"]
                ],
                "geometry": {"type": "LineString", "coordinates": coords},
                "links": _loop_links(loop, query, params),
            }
        )
    return {
        "query": _query_echo(query),
        "loops": loops,
        "message": message_for(doc, query),
        "status": doc["status"],
        "notice": doc.get("notice"),
        "timed_out": doc["timed_out"],
        "closest_miles": [miles(m) for m in doc["closest_lengths_m"]],
        "nearest_trailhead": trailhead_api_doc(doc["nearest_trailhead"]),
        "drive_note": doc["drive_note"],
        "regions": [
            {k: r[k] for k in ("name", "lat", "lon", "trailheads")}
            for r in doc.get("regions", [])
        ],
        "attribution": [a["attribution"] for a in doc["attributions"]],
    }


def _day_api_doc(day: dict[str, Any]) -> dict[str, Any]:
    """A day of a loop as the API shows it (miles and feet)."""
    end = day["end"]
    bed = end["bed"]
    return {
        "day": day["day"],
        "miles": miles(day["length_m"]),
        "ascent_ft": feet(day.get("ascent_m")),
        "descent_ft": feet(day.get("descent_m")),
        "hours": day.get("hours"),
        "ends_at": {
            "type": end["type"],
            "name": end["name"],
            "lat": end["lat"],
            "lon": end["lon"],
            "campsite": end["campsite"],
            "bed": None
            if bed is None
            else {
                key: bed[key]
                for key in (
                    "id",
                    "name",
                    "kind",
                    "lat",
                    "lon",
                    "website",
                    "capacity",
                    "fee",
                    "staffed",
                    "opening_hours",
                )
            },
        },
    }


def _loop_links(loop, query: TripQuery, params: dict | None) -> dict[str, str] | None:
    if params is None:
        return None
    token = links.token(loop, query, params)
    return {
        "page": reverse("planner:loop", args=[token]),
        "gpx": reverse("planner:loop_gpx", args=[token]),
        "geojson": reverse("planner:loop_geojson", args=[token]),
    }


def trailhead_api_doc(th: dict[str, Any] | None) -> dict[str, Any] | None:
    """A plan document's trailhead as the API shows it (miles)."""
    if th is None:
        return None
    return {
        "id": th["id"],
        "name": th["name"],
        "kind": th["kind"],
        "lat": th["lat"],
        "lon": th["lon"],
        "drive_miles": miles(th["drive_m"]),
    }


def page_context(doc: dict[str, Any], query: TripQuery, params) -> dict[str, Any]:
    base = {k: v for k, v in params.items() if k != "loop"}
    units = query.units
    per_unit = UNIT_METRES[query.units]
    loops = []
    reasons = compare.why(doc["loops"])
    shared = profiles.scale(
        doc["loops"], per_unit, 1 / FEET_PER_METRE if query.units == "mi" else 1.0
    )
    for i, loop in enumerate(doc["loops"], start=1):
        token = links.token(loop, query, base)
        loops.append(
            {
                **loop,
                "index": i,
                "url": reverse("planner:loop", args=[token]),
                "gpx_url": reverse("planner:loop_gpx", args=[token]),
                "geojson_url": reverse("planner:loop_geojson", args=[token]),
                "chart": profiles.chart(
                    loop["profile"],
                    list(itertools.accumulate(d["length_m"] for d in loop["days"]))[
                        :-1
                    ],
                    shared,
                ),
                "profile_range": _profile_range(loop["profile"]),
                "cue_days": cue_days(loop),
                "why": reasons[i - 1],
            }
        )
    closest = [
        {
            "length_m": m,
            "url": f"{reverse('planner:plan')}?"
            + urlencode({**base, "hike": f"{m / per_unit:.1f}"}),
        }
        for m in doc["closest_lengths_m"]
    ]
    longer_drive = None
    near = doc["nearest_trailhead"]
    regions = [
        {
            **r,
            "url": f"{reverse('planner:plan')}?"
            + urlencode(
                {
                    **base,
                    "start": r["name"],
                    "lat": r["lat"],
                    "lon": r["lon"],
                    "drive": max(float(base.get("drive") or 0), REGION_DRIVE[units]),
                }
            ),
        }
        for r in doc.get("regions", [])
    ]
    if near is not None and not regions:
        value = math.ceil(near["drive_m"] / per_unit) + 1
        longer_drive = {
            "value": value,
            "url": f"{reverse('planner:plan')}?" + urlencode({**base, "drive": value}),
        }
    map_data = {
        "start": (
            None
            if query.lat is None
            else {"lat": query.lat, "lon": query.lon, "label": query.label}
        ),
        "loops": [
            {
                "index": loop["index"],
                "length_m": loop["length_m"],
                "coords": loop["coords"],
                "trailhead": loop["trailhead"],
                "stages": [
                    {
                        "lat": d["end"]["lat"],
                        "lon": d["end"]["lon"],
                        "name": d["end"]["name"],
                        "bed": d["end"]["bed"] is not None,
                    }
                    for d in loop["days"][:-1]
                ],
            }
            for loop in loops
        ],
    }
    return {
        "doc": doc,
        "query": query,
        "units": query.units,
        "loops": loops,
        "closest": closest,
        "longer_drive": longer_drive,
        "message": message_for(doc, query),
        "notice": doc.get("notice"),
        "map_data": map_data,
        "sources": doc["attributions"],
        "walk_reach_m": WALK_TO_TRAILHEAD_M,
        "regions": regions,
    }


def cue_days(loop: dict[str, Any]) -> list[dict[str, Any]]:
    """The cue sheet's lines under each day, with where the day ends."""
    out, end = [], 0.0
    for day in loop["days"]:
        end += day["length_m"]
        lines = [c for c in loop["cues"] if c.get("day", 1) == day["day"]]
        out.append({**day, "end_m": end, "lines": lines})
    return out


def _profile_range(profile: list[list[float]] | None) -> dict[str, float] | None:
    if not profile:
        return None
    return {"low": min(e for _, e in profile), "high": max(e for _, e in profile)}
