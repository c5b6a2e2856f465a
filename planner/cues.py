"""The cue sheet a hiker walks by: one line per trail or waymarked route followed.

A loop's steps (one per segment) become lines: consecutive steps that follow the
same thing (a waymarked route's marks, else a trail's name, however it is spelt)
are one line; a short piece of something else in the middle of a line (a junction
wiggle, a road crossing) stays in it; a line too short to read ("0.0 mi") joins
the one before it. Each line says which way to turn onto it, from the bearings of
the walk's own geometry either side of the junction, and what it climbs.

A line is labelled by what it is (path, track, road...): "road" only when all of
it is road; road inside a line of another kind is stated with it (`road_m`), so no
line contradicts the summary's "on roads". No Django here.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from trails.dem import climb
from trails.geo import haversine_m

# Turns from one unnamed way onto another that make a line of their own: more
# than a slight bend is a choice at a junction a hiker must be told of.
UNNAMED_TURNS = {f"{how}{side}" for how in ("", "sharp ") for side in ("left", "right")}
GAP_M = 150.0  # something else this short inside a line is not a change to announce
MIN_LINE_M = 160.0  # a line shorter than this (0.1 mi) joins its neighbour
BEARING_M = 30.0  # how far either side of a junction the bearings are taken
TURNS = (  # (largest change in degrees, words), first match wins
    (20.0, "straight"),
    (60.0, "slight {side}"),
    (135.0, "{side}"),
    (165.0, "sharp {side}"),
    (180.0, "back"),
)


@dataclass
class Step:
    """One segment as walked: what it is, how long, where its points are."""

    trail: str
    kind: str
    connector: bool
    length_m: float
    first: int  # index in the walk's coordinates where it starts
    routes: list[dict[str, Any]] = field(default_factory=list)  # best known first
    other_names: list[str] = field(default_factory=list)
    segment_id: Any = None  # the same as the step before: the walk turns back
    way: Any = None  # the trail (mapped way) it is on: unnamed ones told apart
    # keys() once worked out (a sheet asks each step many times); not an init
    # field, so dataclasses.replace() works them out again for the new step
    _keys: list[tuple[str, str]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def keys(self) -> list[tuple[str, str]]:
        """What a hiker following this step could be said to follow, best first."""
        if self._keys is None:
            keys = [("route", spelling(r["label"])) for r in self.routes]
            names = [n for n in (self.trail, *self.other_names) if spelling(n)]
            keys += [("trail", spelling(n)) for n in names]
            if not names:
                keys.append(("unnamed", "road" if self.connector else "way"))
            self._keys = keys
        return self._keys


@functools.lru_cache(maxsize=65_536)
def spelling(name: str) -> str:
    """A name as compared: no accents, case, spaces or punctuation ("GR-11" is
    "GR 11" is "gr11"; "Camí Ral" is "Cami ral"). Kept per name: a sheet asks
    for the same few names tens of thousands of times."""
    plain = unicodedata.normalize("NFKD", name or "")
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def sheet(
    steps: Sequence[Step],
    coords: Sequence[Sequence[float]],
    eles: Sequence[float] | None,
    day_ends_m: Sequence[float] = (),
) -> list[dict[str, Any]]:
    """The cue sheet's lines in walking order (metres), each with its `day`.

    `day_ends_m`: where each day but the last ends, in metres from the start; a
    night falls at a junction, so a day's lines end there and the next day's
    first line says to carry on when it follows the same thing."""
    lines: list[dict[str, Any]] = []
    at = 0.0
    cuts = _cuts(steps, coords)
    for day, (lo, hi) in enumerate(_days(steps, day_ends_m), start=1):
        runs = _runs(steps, lo, hi, cuts)
        runs = _join_same(_fold_short(runs, steps, cuts), steps, cuts)
        for key, a, b in runs:
            end = steps[b].first + 1 if b < len(steps) else len(coords)
            line = _line(key, steps[a:b], at, coords[: max(end, 1)], eles, not lines)
            line["day"] = day
            if lines and lines[-1]["day"] != day and _same(lines[-1], line):
                line["turn"] = "on"
            lines.append(line)
            at += line["length_m"]
    for line in lines:
        line["at_m"] = round(line["at_m"], 1)
        line["length_m"] = round(line["length_m"], 1)
    return lines


def _days(steps: Sequence[Step], day_ends_m: Sequence[float]) -> list[tuple[int, int]]:
    """(first step, end step) of each day: each day ends at the step boundary
    nearest where it was planned to end."""
    bounds, walked, i = [0], 0.0, 0
    for end_m in day_ends_m:
        while i < len(steps) and walked + steps[i].length_m / 2 < end_m:
            walked += steps[i].length_m
            i += 1
        if bounds[-1] < i < len(steps):
            bounds.append(i)
    bounds.append(len(steps))
    return list(zip(bounds, bounds[1:]))


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (a["route"] or {}).get("id") == (b["route"] or {}).get("id") and spelling(
        a["trail"]
    ) == spelling(b["trail"])


def _cuts(steps: Sequence[Step], coords) -> set[int]:
    """Steps where the walk turns (more than a slight bend) from one unnamed way
    onto another: a choice at a junction, so a new line even with no name to
    follow (`UNNAMED_TURNS`)."""
    cuts = set()
    for j in range(1, len(steps)):
        a, b = steps[j - 1], steps[j]
        if a.way is None or a.way == b.way or a.keys()[-1][0] != "unnamed":
            continue
        if b.keys()[-1][0] != "unnamed" or a.trail or b.trail:
            continue
        if _turn(coords, b.first) in UNNAMED_TURNS:
            cuts.add(j)
    return cuts


def _runs(
    steps: Sequence[Step], i: int, stop: int, cuts: Collection[int] = frozenset()
) -> list[tuple[Any, int, int]]:
    """(key, first step, end step) of each stretch from step i to `stop`: each
    follows, of what its first step is on, what goes on furthest."""
    runs = []
    while i < stop:
        best: tuple[Any, int, float] | None = None
        for key in steps[i].keys():
            end, metres = _reach(steps, i, stop, key, cuts)
            if best is None or metres > best[2] + 1e-6:
                best = (key, end, metres)
        assert best is not None, "every step is on something"
        key, end, _ = best
        runs.append((key, i, end))
        i = end
    return runs


def _reach(
    steps: Sequence[Step],
    i: int,
    stop: int,
    key,
    cuts: Collection[int] = frozenset(),
) -> tuple[int, float]:
    """How far from step i one keeps following `key`, across short gaps."""
    end, metres, j = i, 0.0, i
    while j < stop:
        if j > i and _turns_back(steps, j):
            break  # the end of an out-and-back: a turn to announce
        if j > i and j in cuts and key[0] == "unnamed":
            break  # a turn onto another unnamed way: a choice to announce
        if key in steps[j].keys():
            metres += steps[j].length_m
            j += 1
            end = j
            continue
        gap, k = 0.0, j
        while k < stop and key not in steps[k].keys() and gap <= GAP_M:
            gap += steps[k].length_m
            k += 1
        if k == stop or gap > GAP_M:
            break
        metres += gap
        j = k
    return end, metres


def _turns_back(steps: Sequence[Step], j: int) -> bool:
    """Whether step j walks back along the step before it."""
    return (
        0 < j < len(steps)
        and steps[j].segment_id is not None
        and steps[j].segment_id == steps[j - 1].segment_id
    )


def _fold_short(runs, steps, cuts: Collection[int] = frozenset()):
    """Lines too short to read join the line before them (the first one joins
    the next), and neighbours that then follow the same thing become one."""

    before = [0.0]  # metres of the steps before each step
    for s in steps:
        before.append(before[-1] + s.length_m)

    def length(run) -> float:
        return before[run[2]] - before[run[1]]

    runs = list(runs)
    changed = True
    while changed and len(runs) > 1:
        changed = False
        for n, run in enumerate(runs):
            if length(run) >= MIN_LINE_M:
                continue
            if n == 0:
                nxt = runs[1]
                runs[0:2] = [(nxt[0], run[1], nxt[2])]
            else:
                prev = runs[n - 1]
                runs[n - 1 : n + 1] = [(prev[0], prev[1], run[2])]
            changed = True
            break
        merged: list[tuple[Any, int, int]] = []
        for run in runs:
            if (
                merged
                and merged[-1][0] == run[0]
                and not _turns_back(steps, run[1])
                and run[1] not in cuts
            ):
                merged[-1] = (run[0], merged[-1][1], run[2])
                changed = True
            else:
                merged.append(run)
        runs = merged
    return runs


def _join_same(runs, steps, cuts: Collection[int] = frozenset()):
    """Neighbouring lines that name the same route or trail become one: a trail
    that leaves a route's relation, or a route that changes trail, is followed
    on without a change to announce."""

    def names(run) -> set:
        part = steps[run[1] : run[2]]
        route = _route_of(run[0], part)
        trail = spelling(_name_of(run[0], part))
        found = {("trail", trail)} if trail else set()
        if route:
            found.add(("route", spelling(route["label"])))
        return found or {("unnamed",)}  # unnamed road and path: one line, said

    def metres(run) -> float:
        return sum(s.length_m for s in steps[run[1] : run[2]])

    out: list[tuple[Any, int, int]] = []
    for run in runs:
        same = names(out[-1]) & names(run) if out else set()
        if (
            same
            and not _turns_back(steps, run[1])
            and not (run[1] in cuts and same == {("unnamed",)})
        ):
            prev = out[-1]
            key = prev[0] if metres(prev) >= metres(run) else run[0]
            out[-1] = (key, prev[1], run[2])
        else:
            out.append(run)
    return out


def _line(key, part: Sequence[Step], at_m, coords, eles, first) -> dict[str, Any]:
    by_kind: dict[str, float] = {}
    for s in part:
        kind = "road" if s.connector else s.kind
        by_kind[kind] = by_kind.get(kind, 0.0) + s.length_m
    length = sum(by_kind.values())
    road = by_kind.get("road", 0.0)
    kind = (
        "road"
        if road >= length - 0.05
        else max((k for k in by_kind if k != "road"), key=lambda k: by_kind[k])
    )
    route = _route_of(key, part)
    trail = _name_of(key, part)
    lo = part[0].first
    hi = len(coords)  # cut by the caller just past where this part ends
    ascent = descent = None
    if eles:
        ascent, descent = climb(eles[lo:hi])
    return {
        "route": route,
        "trail": trail,
        "kind": kind,
        "road_m": round(road, 1),
        "connector": kind == "road",
        "at_m": at_m,
        "length_m": length,
        "ascent_m": None if ascent is None else round(ascent),
        "descent_m": None if descent is None else round(descent),
        "turn": None if first else _turn(coords, lo),
        "lat": coords[lo][1],
        "lon": coords[lo][0],
    }


def _route_of(key, part: Sequence[Step]) -> dict[str, Any] | None:
    """The route a line follows: the key's route, or the route every step of it
    is on (a named trail that is all one route's marks)."""
    for s in part:
        for r in s.routes:
            if key[0] == "route" and spelling(r["label"]) == key[1]:
                return r
    if key[0] == "route":
        return None
    shared = None
    for s in part:
        labels = {spelling(r["label"]) for r in s.routes}
        shared = labels if shared is None else shared & labels
    if shared:
        for r in part[0].routes:
            if spelling(r["label"]) in shared:
                return r
    return None


def _name_of(key, part: Sequence[Step]) -> str:
    """The trail's name as most of the line spells it ("" when unnamed)."""
    if key[0] == "unnamed":
        return ""
    metres: dict[str, float] = {}
    for s in part:
        if key[0] == "route" and key not in s.keys():
            continue
        for name in (s.trail, *s.other_names):
            if name and (key[0] != "trail" or spelling(name) == key[1]):
                metres[name] = metres.get(name, 0.0) + s.length_m
                break
    return max(metres, key=lambda n: metres[n], default="")


def _point_at(coords, i: int, metres: float, step: int) -> Sequence[float]:
    """The point about `metres` from coords[i] along the walk (step -1: back)."""
    walked, j = 0.0, i
    while 0 <= j + step < len(coords) and walked < metres:
        walked += haversine_m(*coords[j][:2], *coords[j + step][:2])
        j += step
    return coords[j]


def bearing(a: Sequence[float], b: Sequence[float]) -> float:
    """Degrees clockwise from north, walking from a to b (lon, lat)."""
    lat1, lat2 = math.radians(a[1]), math.radians(b[1])
    dlon = math.radians(b[0] - a[0])
    x = math.sin(dlon) * math.cos(lat2)
    y = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(
        dlon
    )
    return math.degrees(math.atan2(x, y)) % 360


def turn_words(change: float) -> str:
    """A change of bearing (degrees, + clockwise) in a hiker's words."""
    side = "right" if change > 0 else "left"
    for limit, words in TURNS:
        if abs(change) <= limit:
            return words.format(side=side)
    return "back"


def _turn(coords, i: int) -> str | None:
    """The turn at coords[i], from the bearings `BEARING_M` either side; further
    out when the walk comes back to the very point within that (a few metres'
    dead end at the junction)."""
    here = coords[i]
    for metres in (BEARING_M, 2 * BEARING_M, 4 * BEARING_M):
        before = _point_at(coords, i, metres, -1)
        after = _point_at(coords, i, metres, 1)
        if before != here and after != here:
            change = (bearing(here, after) - bearing(before, here) + 180) % 360 - 180
            return turn_words(change)
    return None


def problems(loop: dict[str, Any]) -> list[str]:
    """What is wrong with a plan document loop's cue sheet, in words (none: it
    reads right). The benchmark and the tests on real regions ask this."""
    lines = loop["cues"]
    found = []
    if not lines:
        return ["no lines"]
    if abs(sum(c["length_m"] for c in lines) - loop["length_m"]) > 1:
        found.append("the lines do not add up to the loop's length")
    if abs(sum(c["road_m"] for c in lines) - loop["connector_m"]) > 1:
        found.append("the lines' road does not add up to the summary's")
    for n, line in enumerate(lines, start=1):
        name = line["route"]["label"] if line["route"] else line["trail"] or "unnamed"
        if line["length_m"] < MIN_LINE_M - 0.05 and len(lines) > 1:
            found.append(f"line {n} ({name}) is only {line['length_m']:.0f} m")
        if line["kind"] == "road" and line["road_m"] < line["length_m"] - 1:
            found.append(f"line {n} ({name}) says road but is not all road")
        if n > 1 and not line["turn"]:
            found.append(f"line {n} ({name}) has no turn")
        if (
            n > 1
            and line["day"] == lines[n - 2]["day"]
            and line["turn"] != "back"  # the far end of an out-and-back
            and _same_thing(lines[n - 2], line)
        ):
            found.append(f"lines {n - 1} and {n} both follow {name}")
    return found


def _same_thing(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a["route"] and b["route"]:
        if spelling(a["route"]["label"]) == spelling(b["route"]["label"]):
            return True
    elif spelling(a["trail"]) and spelling(a["trail"]) == spelling(b["trail"]):
        return True
    return (
        not a["trail"]
        and not b["trail"]
        and not a["route"]
        and not b["route"]
        and ((a["kind"] == "road") == (b["kind"] == "road"))
        and b["turn"] not in UNNAMED_TURNS  # a turn onto another unnamed way
    )
