"""What a file says of a hut or campsite, read the same way from every format.

OSM tags (https://wiki.openstreetmap.org/wiki/Tag:tourism=alpine_hut and
friends) and GeoJSON properties of the same names: `website` (or
`contact:website`, `url`), `capacity` (beds or pitches: a whole number),
`fee` and `staffed` (yes/no), `opening_hours` (kept as written: "Jun 15-Sep 15").
What is missing or not understood is left out, never guessed. No Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

YES = {"yes", "true", "1", "y"}
NO = {"no", "false", "0", "n"}
# amenity=shelter types no one sleeps in: a bus stop, a picnic roof, a cattle shed
NOT_FOR_SLEEPING = {
    "public_transport",
    "picnic_shelter",
    "field_shelter",
    "sun_shelter",
    "changing_rooms",
}
WEBSITE_KEYS = ("website", "contact:website", "url")
TAG_KEYS = (*WEBSITE_KEYS, "capacity", "fee", "staffed", "opening_hours")
MAX_TEXT = 200


class Tags(Protocol):
    """An object's tags as osmium's `TagList` or a plain dict gives them."""

    def get(self, key: str, default: str | None = None, /) -> str | None: ...

    def __contains__(self, key: str, /) -> bool: ...


def is_bed(tags: Tags) -> bool:
    """Whether a shelter with these tags is a place to sleep (other kinds are)."""
    return str(tags.get("shelter_type") or "").strip().lower() not in NOT_FOR_SLEEPING


def details(tags: Mapping[str, Any]) -> dict[str, Any]:
    """The bed's details these tags or properties give (`Campsite`'s fields)."""
    out: dict[str, Any] = {}
    for key in WEBSITE_KEYS:
        website = _text(tags.get(key))
        if website:
            out["website"] = website.split(";")[0].strip()[:300]
            break
    capacity = _whole(tags.get("capacity"))
    if capacity is not None:
        out["capacity"] = capacity
    for key in ("fee", "staffed"):
        said = _yes_no(tags.get(key))
        if said is not None:
            out[key] = said
    hours = _text(tags.get("opening_hours"))
    if hours:
        out["opening_hours"] = hours[:MAX_TEXT]
    return out


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 100_000 else None
    match = re.fullmatch(r"\s*(\d{1,5})\s*", value) if isinstance(value, str) else None
    return int(match[1]) if match else None


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    said = _text(value).lower()
    return True if said in YES else False if said in NO else None
