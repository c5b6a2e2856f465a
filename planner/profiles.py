"""Elevation profiles that read: axes in the hiker's units, distance ticks, day
splits, and one scale for every alternative so loops can be compared.

Works in metres and SVG user units; the template formats the tick labels. No
Django here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

W, H = 480, 170  # the SVG's viewBox
LEFT, RIGHT, TOP, BOTTOM = 52, 10, 8, 26  # room for the axes' labels
NICE = (1, 2, 2.5, 5)


@dataclass(frozen=True)
class Scale:
    """What every profile of one plan is drawn against (metres)."""

    length_m: float
    low_m: float
    high_m: float
    x_step_m: float
    y_step_m: float


def _nice(span: float, most: int) -> float:
    """The smallest 1-2-2.5-5 step that cuts `span` into at most `most` parts."""
    if span <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(span / most))
    for factor in (*NICE, 10):
        if span / (factor * power) <= most:
            return factor * power
    return 10 * power


def scale(loops: Sequence[dict[str, Any]], unit_m: float, height_m: float) -> Scale:
    """One scale for all the loops' profiles: the longest loop's length, and
    the lowest and highest point of any, on round numbers of the hiker's units
    (`unit_m`: metres in a mile or km; `height_m`: metres in a foot or metre)."""
    profiles = [lp["profile"] for lp in loops if lp.get("profile")]
    length = max((lp["length_m"] for lp in loops), default=1.0) or 1.0
    eles = [e for p in profiles for _, e in p] or [0.0]
    x_step = _nice(length / unit_m, 7) * unit_m
    y_step = _nice((max(eles) - min(eles)) / height_m or 1.0, 5) * height_m
    low = math.floor(min(eles) / y_step) * y_step
    high = max(math.ceil(max(eles) / y_step) * y_step, low + y_step)
    return Scale(length, low, high, x_step, y_step)


def chart(
    profile: Sequence[Sequence[float]] | None,
    day_ends_m: Sequence[float],
    s: Scale,
) -> dict[str, Any] | None:
    """The profile drawn against the scale: polyline points, ticks, day lines."""
    if not profile or len(profile) < 2:
        return None

    def x(d: float) -> float:
        return LEFT + d / s.length_m * (W - LEFT - RIGHT)

    def y(e: float) -> float:
        return TOP + (s.high_m - e) / (s.high_m - s.low_m) * (H - TOP - BOTTOM)

    ticks_x = []
    d = 0.0
    while d <= s.length_m + 1e-6:
        ticks_x.append({"x": round(x(d), 1), "metres": d})
        d += s.x_step_m
    ticks_y = []
    e = s.low_m
    while e <= s.high_m + 1e-6:
        ticks_y.append({"y": round(y(e), 1), "metres": e})
        e += s.y_step_m
    points = " ".join(f"{x(d):.1f},{y(e):.1f}" for d, e in profile)
    last = profile[-1][0]
    area = f"{x(0):.1f},{y(s.low_m):.1f} {points} {x(last):.1f},{y(s.low_m):.1f}"
    return {
        "points": points,
        "area": area,
        "ticks_x": ticks_x,
        "ticks_y": ticks_y,
        "days": [
            {"x": round(x(m), 1), "day": n}
            for n, m in enumerate(day_ends_m, start=2)
            if 0 < m < s.length_m
        ],
        "plot": {
            "left": LEFT,
            "right": W - RIGHT,
            "top": TOP,
            "bottom": H - BOTTOM,
            "width": W,
            "height": H,
            "y_label_x": LEFT - 5,
            "x_label_y": H - BOTTOM + 16,
            "tick_end": H - BOTTOM + 4,
        },
        "scale_m": s.length_m,
    }
