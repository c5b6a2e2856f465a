"""What a hiker would choose, in numbers: the cost of a walk, in metres.

A walk's cost is its length with each metre weighed by what it is, plus a
penalty for each change of trail, plus what repeats and what misses the length.
Only ratios matter; a metre of waymarked trail is the unit. Why these weights:

- `WAYMARKED` 1.0: a marked route (GR 11, a local loop) is the easiest ground to
  follow and usually the best-kept; hikers seek them out.
- `NAMED` 1.3: a named trail is on the signposts and the maps hikers carry, but
  not marked along its length: 3 km of it are worth 4 km of a marked route.
- `UNNAMED` 1.6: an unnamed path or track is walkable but unsigned: a maze of
  links is what makes a route hard to follow. 2 km of it are worth avoiding with
  a 0.5 km detour onto a named trail, or a 1.2 km one onto a marked route.
  (1.15 and 1.35 before: the walks' share on marked routes went up with these,
  and no fewer came within 1% of the length (docs/benchmarks.md); with 1.5 and
  2.0, lengths began to be given up for marks.)
- `ROAD` 3.0: walking on a road (a minor road used as a connector) is what hikers
  dislike most short of walking back the way they came; a road is taken only when
  it saves twice its length of unmarked trail.
- `REPEATED` 6.0 more for each metre walked a second time (a lollipop's stem, an
  out-and-back): ground walked twice is much worse than road; a loop 2.5% short
  beats an exact lollipop whose stem is more than a tenth of the walk (walked
  twice: a fifth of it on ground already seen).
- `TURN` 150 m per change of trail: a loop that follows few trails is easy to
  describe and to walk; a loop that changes trail at every junction is not, even
  if each piece is fine. 150 m keeps a 10-mile loop's changes to a handful when
  the network offers it. What a hiker follows on a segment (`follow_key`) is its
  trail's name (else its kind of way) and every waymarked route on it: walking
  on changes trail only when the next segment shares none of them (`changes`).
  So a hiker on the red-marked route does not change trail where it runs along
  another route whose name the shared segment happens to carry.
- Length: within `EXACT` (1%) of the target counts as exact and costs nothing
  extra; beyond it, `MISS` (half the target: the length is the entry ticket, so a
  walk that misses it must be much better to be preferred, a loop on named trail
  against an exact one more than a quarter on road) plus `ERROR` per metre: a
  hiker who asked for 12 miles notices 13. (A quarter before: with a half, more
  walks come within 1%, Krems 69 of 74 -> 72 of 73, Lauf 75 of 85 -> 80 of 84,
  with the same foot and waymarked shares: docs/benchmarks.md.)
- `MUST_WALK` 0.5 per metre of the trail or route the hiker asked to walk
  ("plan a loop that walks this"): they came for it, so it is worth twice a
  waymarked metre elsewhere. A loop then takes as much of it as the length allows
  and gives up a little elsewhere for it: 4 km more of it pays for 1 km of road
  in place of waymarked trail. Loops that walk none of it are not offered.
- `TWICE_ON_LINE` 0.5 of the target for a loop whose line passes again over
  ground it walked on other segments (ways drawn side by side that the import
  could not merge, found once the search is done: `answer._walked_once`): as
  bad as missing the length, so an exact loop that does not ranks first, and a
  loop a little off the length but clean no lower than one that does. Its
  metres count as repeated too, so they are reported.
- Drive: `DRIVE` per metre of driving, a soft cost: 10 miles more driving (16 km)
  weighs like 800 m of walking, enough to prefer the nearer of two equal loops,
  not enough to prefer a worse loop that is closer.

The walk's cost is normalised to the target length (cost per metre walked times
the target), so that within the 1% window a shorter loop is not cheaper just for
being shorter. No Django here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

WAYMARKED = 1.0
NAMED = 1.3
UNNAMED = 1.6
ROAD = 3.0
REPEATED = 6.0
TURN = 150.0
EXACT = 0.01
MISS = 0.5
ERROR = 8.0
DRIVE = 0.05
TWICE_ON_LINE = MISS
MUST_WALK = 0.5
# what a metre adds to a trailhead's worth (`goodness`); a waymarked metre is 1
GOOD_NAMED = 0.6
GOOD_UNNAMED = 0.3
FOLLOW_ROUTES = True  # a route shared by two segments is followed across them
_KEYS: dict[tuple, frozenset[str]] = {}  # one frozenset per distinct key
MAX_KEYS = 100_000  # about 20 MB of them at most


def metre_cost(edge: Mapping[str, Any]) -> float:
    """What one metre of this graph edge costs (see the module docstring)."""
    if edge.get("connector"):
        return ROAD
    if edge.get("routes"):
        return WAYMARKED
    if edge.get("trail"):
        return NAMED
    return UNNAMED


def goodness(edge: Mapping[str, Any]) -> float:
    """How much a metre of this edge makes a trailhead worth searching from:
    waymarked 1, named 0.6, unnamed foot way 0.3, road 0."""
    if edge.get("connector"):
        return 0.0
    if edge.get("routes"):
        return 1.0
    return GOOD_NAMED if edge.get("trail") else GOOD_UNNAMED


def follow_key(edge: Mapping[str, Any]) -> frozenset[str]:
    """What a hiker follows on this edge: the trail's name, else its kind of way,
    and with `FOLLOW_ROUTES` each waymarked route on it."""
    name = edge.get("trail") or f"({edge.get('kind', 'path')})"
    routes = edge.get("routes") if FOLLOW_ROUTES else None
    key = (name, *(f"route {r}" for r in routes)) if routes else (name,)
    found = _KEYS.get(key)
    if found is None:
        if len(_KEYS) >= MAX_KEYS:
            _KEYS.clear()  # a worker's memory does not grow with the data it sees
        found = _KEYS[key] = frozenset(key)
    return found


def changes(before: frozenset[str], after: frozenset[str]) -> bool:
    """Whether walking on from a segment followed as `before` onto one followed as
    `after` changes trail: they share no name and no route."""
    return before.isdisjoint(after)


def walk_cost(
    *,
    weighted_m: float,
    length_m: float,
    turns: int,
    repeated_m: float,
    target_m: float,
    drive_m: float,
) -> float:
    """The cost of a whole walk: `weighted_m` is the sum of metres x metre_cost,
    `repeated_m` the metres walked a second time (already in `weighted_m` once)."""
    per_metre = (weighted_m + REPEATED * repeated_m + TURN * turns) / length_m
    error = abs(length_m - target_m) - EXACT * target_m
    missed = MISS * target_m + ERROR * error if error > 0 else 0.0
    return per_metre * target_m + missed + DRIVE * drive_m
