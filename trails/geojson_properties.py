"""What a GeoJSON feature's properties say, as publishers write them: a line's
name, kind and difficulty (guessed from common property names and words), a
place's kind, the routes and other names of our own export, closures and what
staff made theirs. `trails/geojson_reader.py` reads features with these.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from trails import camps
from trails.network import (
    CAMP_DETAILS,
    PLACE_KINDS,
    ROUTE_FIELDS,
    ROUTE_NETWORKS,
    TRAIL_KINDS,
    RawRoute,
    RawWay,
)

# Property names tried in order (case-insensitive) when the caller names none.
NAME_PROPS = ("name", "primary_na", "trail_name", "trailname", "trl_name", "title")
ID_PROPS = ("id", "objectid", "fid", "trail_id", "trailid", "osm_id", "gid")
KIND_PROPS = ("highway", "kind", "trail_clas", "trail_class", "class", "trail_type")
DIFFICULTY_PROPS = ("difficulty", "sac_scale", "trail_diff", "trail_difficulty")
PLACE_TYPE_PROPS = (
    "type",
    "kind",
    "category",
    "amenity",
    "tourism",
    "highway",
    "feat_type",
    "fac_type",
    "sym",
)

WINTER_ONLY = re.compile(r"\bwinter\b[^;,|]*\bonly\b", re.IGNORECASE)
YES = {"yes", "y", "true", "1", "allowed", "open"}

ROAD_WORDS = re.compile(
    r"\b(\dwd|road|rd|street|jeep|service|residential|unclassified|tertiary|"
    r"secondary|primary|trunk|motorway)\b"
)
ROAD_NAME = re.compile(r"\b(road|rd|street|highway|hwy)\b")
TRACK_WORDS = re.compile(r"double.?track|two.?track|\btrack\b")

# Trail difficulty words of agencies (Easy/Moderate/Difficult, the US Forest
# Service's Easiest/More/Most Difficult) and OSM sac_scale, onto sac_scale's 1..6.
DIFFICULTY_WORDS = {
    "easy": 1,
    "easiest": 1,
    "beginner": 1,
    "hiking": 1,
    "t1": 1,
    "moderate": 2,
    "intermediate": 2,
    "more difficult": 2,
    "mountain hiking": 2,
    "t2": 2,
    "difficult": 3,
    "hard": 3,
    "strenuous": 3,
    "challenging": 3,
    "advanced": 3,
    "most difficult": 3,
    "demanding mountain hiking": 3,
    "t3": 3,
    "very difficult": 4,
    "expert": 4,
    "alpine hiking": 4,
    "t4": 4,
    "demanding alpine hiking": 5,
    "t5": 5,
    "difficult alpine hiking": 6,
    "t6": 6,
}
NO_VALUE = {"", "unknown", "none", "n/a", "na", "null", "-"}

# Which place a type or name describes; first match wins, so "Trailhead Parking"
# is a trailhead and "Wilderness hut" is not an alpine hut.
PLACE_WORDS = (
    ("trailhead", re.compile(r"\btrail\s*head\b")),
    ("parking", re.compile(r"\bparking\b|\bcar\s*park\b|\bparkplatz\b")),
    ("camp_site", re.compile(r"\bcamp(ground|site|ing|_site)?s?\b")),
    ("wilderness_hut", re.compile(r"\bwilderness[_ ]hut\b")),
    (
        "alpine_hut",
        re.compile(r"\bhut\b|\bhütte\b|\bcabane\b|\brefuge\b|\brifugio\b|\bkoča\b"),
    ),
    ("shelter", re.compile(r"\bshelter\b|\blean-to\b|\bbothy\b")),
)

# OSM route=* types that are not walked: a line with one is on no walking route.
OTHER_ROUTE_KINDS = {
    "bicycle",
    "mtb",
    "horse",
    "ski",
    "piste",
    "road",
    "bus",
    "train",
    "tram",
    "ferry",
    "running",
    "canoe",
}


def names_junctions(props: dict[str, Any]) -> bool:
    """Whether a line names the junctions at its ends, as our export writes it."""
    return all(
        isinstance(props.get(key), str) and props[key]
        for key in ("start_junction", "end_junction")
    )


def name_vertices(way: RawWay, props: dict[str, Any]) -> None:
    """Key a line's vertices by name: its ends by their junctions, the vertices in
    between by the line's own id, so they join nothing they did not join before."""
    inner = [f"{way.source_id}@{n}" for n in range(1, len(way.coords) - 1)]
    way.vertex_ids = [props["start_junction"], *inner, props["end_junction"]]
    trail = props.get("trail")
    way.trail_id = str(trail) if isinstance(trail, (str, int)) and trail != "" else None


def closed_reason_of(props: dict[str, Any]) -> str:
    reason = props.get("closed_reason")
    if isinstance(reason, str) and reason.strip():
        return reason.strip()
    return "closed" if props.get("is_open") is False else ""


def described_route(key: str, value: dict[str, Any]) -> RawRoute:
    """A route described by an object's text attributes (unknown networks dropped:
    only OSM's iwn, nwn, rwn and lwn say how far a route reaches)."""
    text = {f: value[f].strip() for f in ROUTE_FIELDS if isinstance(value.get(f), str)}
    if text.get("network") not in ROUTE_NETWORKS:
        text.pop("network", None)
    return RawRoute(key, **text)


# What staff may have made theirs in the admin (trails/admin/), as our export
# writes it: a restored backup keeps it theirs.
TRAIL_STAFF_FIELDS = ("name", "kind", "difficulty")
POINT_STAFF_FIELDS = (
    "name",
    "kind",
    "lat",
    "lon",
    "elevation",
    *CAMP_DETAILS,
    "closed_reason",
)


def camp_details(props: dict[str, Any]) -> dict[str, Any]:
    """A campground's details, and staff's closure when the file is an export."""
    found = camps.details(props)
    reason = props.get("closed_reason")
    if isinstance(reason, str) and reason.strip():
        found["closed_reason"] = reason.strip()[:200]
    return found


def staff_fields_of(props: dict[str, Any], allowed: tuple[str, ...]) -> list[str]:
    said = props.get("staff_fields")
    if not isinstance(said, list):
        return []
    return sorted({f for f in said if isinstance(f, str) and f in allowed})


def texts(value: Any) -> list[str]:
    """The non-empty strings of a list (anything else: none)."""
    if not isinstance(value, list):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


def present(value: Any) -> bool:
    return value is not None and value != ""


def lookup(
    props: dict[str, Any],
    chosen: str | None,
    guesses: tuple[str, ...],
    ok: Callable[[Any], Any],
) -> Any:
    """The named property, else the first guessed one (any case) whose value is ok."""
    if chosen:
        return props.get(chosen)
    lowered = {k.lower(): v for k, v in props.items() if isinstance(k, str)}
    for key in guesses:
        value = lowered.get(key)
        if ok(value):
            return value
    return None


def trail_kind(value: str, name: str) -> str:
    """A trail kind from a class such as "Singletrack", "High 4WD" or "track".

    With no class at all, a name such as "County Road 41" still says it is a road.
    """
    words = value.strip().lower()
    if not words:
        return "road" if ROAD_NAME.search(name.lower()) else "path"
    if words in TRAIL_KINDS:
        return words
    if "single" in words:
        return "path"
    if ROAD_WORDS.search(words):
        return "road"
    if TRACK_WORDS.search(words):
        return "track"
    if "stairs" in words or "steps" in words:
        return "steps"
    return "path"


def place_kind(text: str) -> str | None:
    """The place kind ("trailhead", "camp_site", ...) a type or name describes."""
    words = text.strip().lower()
    if words in PLACE_KINDS:  # our own export, OSM tag values
        return words
    for kind, pattern in PLACE_WORDS:
        if pattern.search(words):
            return kind
    return None
