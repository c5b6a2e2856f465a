"""How a hiker names a waymarked route and recognises its marks. No Django."""

from __future__ import annotations


def route_label(name: str, ref: str) -> str:
    """What a hiker calls a route: its ref when it has one ("GR 11"), else its name."""
    return ref or name


def route_marks(symbol: str, colour: str = "") -> str:
    """The waymarks in words, from osmc:symbol ("red:white:red_bar" -> "red-white
    marks"): the background colour and the foreground's."""
    parts = symbol.split(":")
    if len(parts) >= 2:
        background = parts[1].split("_")[0]
        foreground = parts[2].split("_")[0] if len(parts) > 2 else ""
        colours = [c for c in (foreground, background) if c and c != "none"]
        colours = list(dict.fromkeys(colours))
        if colours:
            return "-".join(colours) + " marks"
    return f"{colour} marks" if colour else ""
