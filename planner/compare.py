"""Why this loop: what each alternative is best at, and how it differs from the first.

Reads plan document loops (metres) and says, for each, the qualities in which it
clearly beats every other loop offered ("least road", "most on GR 11", "closest
trailhead", "fewest turns", ...) and, for the second and later, how it differs
from the first (how much of it is the same walk, more or less road, climb, drive,
turns). Numbers stay in metres for the template's filters. No Django here.
"""

from __future__ import annotations

from typing import Any

# (name, how to read it from a loop, lower is better, the least gap that counts,
# what being best at it is called)
QUALITIES = (
    ("road", lambda lp: lp["connector_m"], True, 80.0, "least road"),
    ("twice", lambda lp: lp["repeated_m"], True, 80.0, "least trail walked twice"),
    ("climb", lambda lp: lp["ascent_m"], True, 40.0, "least climb"),
    ("drive", lambda lp: lp["trailhead"]["drive_m"], True, 500.0, "closest trailhead"),
    ("turns", lambda lp: len(lp["cues"]) - 1, True, 1.0, "fewest turns"),
    ("length", lambda lp: abs(lp["error_m"]), True, 80.0, "closest to your length"),
)
ROUTE_GAP_M = 300.0


def why(loops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per loop: `best` (what it is best at, in words) and `versus`
    (how it differs from the first: dicts of `what`, `amount`, `more`)."""
    out = []
    for n, loop in enumerate(loops):
        others = loops[:n] + loops[n + 1 :]
        best = [words for words in _best(loop, others)] if others else []
        versus = _versus(loop, loops[0]) if n else []
        out.append({"best": best, "versus": versus})
    return out


def _best(loop, others) -> list[str]:
    found = []
    route = _top_route(loop)
    if route is not None:
        label, metres = route
        if all(metres - _on(other, label) >= ROUTE_GAP_M for other in others):
            found.append(f"most on {label}")
    for _, read, lower, gap, words in QUALITIES:
        mine = read(loop)
        theirs = [read(other) for other in others]
        if mine is None or any(t is None for t in theirs):
            continue
        if lower and all(t - mine >= gap for t in theirs):
            found.append(words)
    return found


def _top_route(loop) -> tuple[str, float] | None:
    routes = loop.get("routes") or []
    return (routes[0]["label"], routes[0]["length_m"]) if routes else None


def _on(loop, label: str) -> float:
    return sum(r["length_m"] for r in loop.get("routes") or [] if r["label"] == label)


def shared_share(loop, first) -> float:
    """How much of `loop` is ground the first loop walks too (0..1), by segment."""
    theirs = {s["segment_id"] for s in first["segments"]}
    total = sum(s["length_m"] for s in loop["segments"]) or 1.0
    same = sum(s["length_m"] for s in loop["segments"] if s["segment_id"] in theirs)
    return same / total


def _versus(loop, first) -> list[dict[str, Any]]:
    diffs: list[dict[str, Any]] = [
        {"what": "same", "amount": round(shared_share(loop, first) * 100)}
    ]
    if loop["trailhead"]["id"] != first["trailhead"]["id"]:
        diffs.append({"what": "trailhead", "name": loop["trailhead"]["name"]})
    for name, read, _, gap, _ in QUALITIES:
        if name in ("length", "twice"):
            continue
        mine, theirs = read(loop), read(first)
        if mine is None or theirs is None or abs(mine - theirs) < gap:
            continue
        diffs.append(
            {"what": name, "amount": abs(mine - theirs), "more": mine > theirs}
        )
    return diffs
