"""The hiker's units: miles and feet, or kilometres and metres, and walking time.

Plan documents are in metres; every number a hiker reads is converted here, by
the template filters, the forms' messages, the API, the exports and the
presenters' sentences. No Django. (The lengths of the mile and the foot are
`trails.geo`'s, where staff pages read them too.)
"""

from __future__ import annotations

from trails.geo import FEET_PER_METRE, METRES_PER_MILE

# Metres in one unit of length of each unit system hikers can pick.
UNIT_METRES = {"mi": METRES_PER_MILE, "km": 1000.0}
UNIT_NAMES = {"mi": "miles", "km": "kilometres"}  # in a sentence
UNIT_SHORT = {"mi": "mi", "km": "km"}
# Naismith's rule: 5 km/h on the flat, plus an hour for every 600 m of climb.
WALK_KMH = 5.0
CLIMB_M_PER_HOUR = 600.0


def units_or_miles(units: str | None) -> str:
    """`units` when it is one LoopGenie knows, else miles (the default)."""
    return units if units in UNIT_METRES else "mi"


def length_in(metres: float, units: str) -> float:
    """A length in the hiker's unit of distance (miles or km)."""
    return metres / UNIT_METRES[units]


def height_in(metres: float, units: str) -> float:
    """A climb or an elevation in the hiker's unit of height (feet or metres)."""
    return metres if units == "km" else metres * FEET_PER_METRE


def miles(metres: float | None) -> float | None:
    """Metres as miles to the hundredth (the API's lengths)."""
    return None if metres is None else round(metres / METRES_PER_MILE, 2)


def feet(metres: float | None) -> int | None:
    """Metres as whole feet (the API's climbs)."""
    return None if metres is None else round(metres * FEET_PER_METRE)


def distance_text(metres: float, units: str, places: int = 1) -> str:
    """ "12.3 mi" or "19.8 km"."""
    return f"{length_in(metres, units):.{places}f} {UNIT_SHORT[units]}"


def height_text(metres: float, units: str) -> str:
    """ "1,234 ft" or "376 m"."""
    return f"{height_in(metres, units):,.0f} {'m' if units == 'km' else 'ft'}"


def walking_hours(length_m: float, ascent_m: float | None) -> float:
    """Walking time by Naismith's rule; an unknown climb counts as none."""
    return length_m / 1000 / WALK_KMH + (ascent_m or 0) / CLIMB_M_PER_HOUR
