"""Distances, climb and time in the hiker's units (miles/feet or km/metres)."""

from django import template

from trails.geo import FEET_PER_METRE, METRES_PER_MILE

register = template.Library()


@register.filter
def distance(metres, units="mi"):
    if metres is None:
        return "–"
    if units == "km":
        return f"{metres / 1000:.1f} km"
    return f"{metres / METRES_PER_MILE:.1f} mi"


@register.filter
def height(metres, units="mi"):
    if metres is None:
        return "unknown"
    if units == "km":
        return f"{metres:,.0f} m"
    return f"{metres * FEET_PER_METRE:,.0f} ft"


@register.filter
def duration(hours):
    if hours is None:
        return "–"
    whole = int(hours)
    minutes = round((hours - whole) * 60)
    if minutes == 60:
        whole, minutes = whole + 1, 0
    return f"{whole} h {minutes:02d} min" if whole else f"{minutes} min"


@register.filter
def percent(fraction):
    return f"{fraction * 100:.0f}%"


TURN_WORDS = {
    None: "Start on",
    "on": "Carry on along",
    "straight": "Straight on to",
    "back": "Turn back onto",
}


@register.filter
def turn(direction):
    """A cue's turn ("slight left") as the words that start its line."""
    if direction in TURN_WORDS:
        return TURN_WORDS[direction]
    if direction.startswith("slight "):
        return f"Bear {direction.removeprefix('slight ')} onto"
    return f"Turn {direction} onto"
