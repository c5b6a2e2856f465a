"""Distances, climb and time in the hiker's units (miles/feet or km/metres)."""

from django import template

from planner.units import (
    distance_text,
    height_in,
    height_text,
    length_in,
    units_or_miles,
)

register = template.Library()


@register.filter
def distance(metres, units="mi"):
    if metres is None:
        return "–"
    return distance_text(metres, units_or_miles(units))


@register.filter
def height(metres, units="mi"):
    if metres is None:
        return "unknown"
    return height_text(metres, units_or_miles(units))


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


@register.filter
def versus(diff, units="mi"):
    """One way an alternative differs from the first loop (planner/compare.py)."""
    what = diff["what"]
    if what == "same":
        if diff["amount"] == 0:
            return "none of it the same walk"
        return f"{diff['amount']}% the same walk"
    if what == "trailhead":
        return f"starts at {diff['name']}"
    more = diff.get("more")
    if what == "road":
        return f"{distance(diff['amount'], units)} {'more' if more else 'less'} road"
    if what == "climb":
        return f"{height(diff['amount'], units)} {'more' if more else 'less'} climb"
    if what == "drive":
        words = "longer" if more else "shorter"
        return f"a {distance(diff['amount'], units)} {words} drive"
    if what == "turns":
        n = round(diff["amount"])
        return f"{n} {'more' if more else 'fewer'} turn{'s' if n != 1 else ''}"
    return ""


@register.filter
def axis_distance(metres, units="mi"):
    """A distance tick's label: the number alone ("2.5"), in the hiker's unit."""
    return f"{round(length_in(metres, units_or_miles(units)), 2):g}"


@register.filter
def axis_height(metres, units="mi"):
    """A height tick's label: the number alone ("1,500"), in feet or metres."""
    return f"{round(height_in(metres, units_or_miles(units))):,}"
