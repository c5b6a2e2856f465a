"""Make lines drawn twice over the same ground share their vertices there.

OpenStreetMap ways that follow the same path share node ids. Digitised data (GeoJSON
from a park agency, GPX tracks) rarely does: a GPS track of a trail that a file also
holds as a line runs a metre or three beside it, with vertices of its own, and
`build_network` would see two unconnected parallel edges. `merge_parallel` fixes
that before the network is built:

- every line is walked in steps of half the tolerance, and each step asks which
  earlier line (in input order) is nearest, in a local flat approximation as in
  `trails/snapping.py`;
- where a later line stays within `tolerance_m` of one earlier line for more than
  `min_m` metres, the later line's vertices along that stretch are replaced by the
  earlier line's own (the same floats, so the same position keys), entering and
  leaving at points on the earlier line;
- an entry or exit point becomes a vertex of the earlier line: a junction of that
  line within the tolerance (the two lines most likely part where a third one meets
  them), else a vertex within `MERGE_M`, else a new vertex at the foot of the
  perpendicular, put into every line that shares that segment;
- a vertex of the later line that another line also passes through (a junction,
  often one that snapping made) moves onto the earlier line with the stretch, and so
  does that vertex in the other lines, so no junction comes apart.

Why 5 m: the same path surveyed twice (two GPS tracks, a track and a digitised
line) is typically 1-3 m apart, and a few metres at worst; distinct trails that
run side by side (a path beside a road, two tracks up a valley) are usually 10 m
or more apart. On the Colorado State Forest file, where no trail is drawn twice,
the longest stretch over which two distinct lines stay within 5 m of each other is
24 m (a road leaving another at a shallow angle); within 8 m three such stretches
exceed 30 m, within 15 m twenty-four do. So 5 m and 30 m merge nothing there, and
a shallow junction has to be about 10 degrees or less to be taken for one path.

OpenStreetMap draws the same ground twice too, without shared nodes: a footway
mapped a metre beside a road, a track under a later road, a way that doubles back on
itself. `read_network` merges OSM ways with a tighter tolerance (see
`trails/formats.py`); their vertex ids change with their vertices: a replaced
stretch takes the earlier way's node ids, a moved junction the id of the vertex it
moves to, and a new vertex on a segment an id made of the segment's two ends,
`"{lower id}|{higher id}@{t:.4f}"`, t from the lower id's end, so every way over
that segment gets the same id whichever way it runs, and a second import the same
ids as the first.

With `itself` (OSM ways: a GPS track out and back is a walk, not a map), a line
also merges with itself: where a later stretch of it runs over an earlier one
more than `SELF_GAP_TOLERANCES` tolerances plus `min_m` further along (around the
loop, for a closed line), as an out-and-back drawn with nodes of its own does, or a
thin closed footway whose two sides are one path. Closer than that, only a way that
turns back on itself merges (its legs running opposite ways, more than
`TURN_GAP_TOLERANCES` apart along it, for more than `TURN_MIN_TOLERANCES`): a short
spur mapped out and back is one path, while a switchback's legs, further apart than
the tolerance, touch only at the turn and stay as they are. Such a line is cut at
each of its turns (a way can cover a stretch three times), each part merged onto
the parts before it like any later line, and the parts joined again.

A stretch of an OSM way between two nodes of an earlier way, with no junction
between, that strays up to `BUBBLE_TOLERANCES` tolerances from the earlier way's
stretch between those nodes (and is about as long) is that stretch drawn twice: too
far apart in its middle to make a run, it still joins the same two nodes over the
same ground. (Digitised lines share positions where snapping joined them, which
says less.)

Only lines that `trails/alongside.py` finds running beside another (or themselves)
get the close look, and only their segments near that other line are sampled.

The result: a stretch drawn twice is the same sequence of vertex keys in both lines.
Elevations stay aligned with the vertices (the replaced ones take the earlier
line's), and lines are processed in input order against the geometry as it stands,
so the result is deterministic.
"""

from __future__ import annotations

from dataclasses import replace

from trails.alongside import alongside
from trails.network import RawWay
from trails.overlap_grid import Segment, flat_length, flat_metres
from trails.overlap_rewrite import Merger
from trails.overlap_runs import ReturningPart
from trails.snapping import _copy

DEFAULT_TOLERANCE_M = 5.0
DEFAULT_MIN_M = 30.0
# A line's own stretches merge only this many tolerances plus `min_m` apart along
# it: a tight bend's legs are within the tolerance of each other near the bend.
SELF_GAP_TOLERANCES = 4.0
# ...unless the line turns back on itself, its legs running opposite ways: then
# they merge from this many tolerances apart along it (a point on the way back
# is twice as far from its foot on the way out as from the turn), over more than
# TURN_MIN_TOLERANCES tolerances (in `trails/overlap_runs.py`). A switchback's
# legs further apart than the tolerance are only that close right at the turn,
# and stay as they are.
TURN_GAP_TOLERANCES = 2.0


def merge_parallel(
    ways: list[RawWay],
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    min_m: float = DEFAULT_MIN_M,
    *,
    itself: bool = False,
) -> tuple[list[RawWay], float]:
    """Copies of `ways` where stretches drawn twice share the earlier line's
    vertices, and the metres of ground merged; with `itself`, a line's own later
    stretches too. The input ways are not modified.

    A merge can bring a line closer to a third: a stretch that leaves at a
    junction of the earlier line goes on from there in a straight segment to its
    own next vertex, which may now run beside another way from that junction
    (Krems: a footway 3.5-4 m beside a road, 0-3 m once it left the street it was
    merged onto at the road's end). So the lines the first pass moved, and those
    with a vertex at one of theirs, go through once more, on their own."""
    out, merged = _merge_once(ways, tolerance_m, min_m, itself)
    moved = {
        i
        for i, (a, b) in enumerate(zip(ways, out))
        if a is not b and a.coords != b.coords
    }
    if not moved:
        return out, merged
    again = sorted(moved | set(_touching(out, moved)))
    focus = {n for n, i in enumerate(again) if i in moved}
    twice, more = _merge_once(
        [out[i] for i in again], tolerance_m, min_m, itself, focus
    )
    for i, way in zip(again, twice):
        out[i] = way
    return out, merged + more


def _merge_once(
    ways: list[RawWay],
    tolerance_m: float,
    min_m: float,
    itself: bool,
    focus: set[int] | None = None,
) -> tuple[list[RawWay], float]:
    """One pass of `merge_parallel`; with `focus` (indexes of `ways`), only pairs
    with a line in it are looked at."""
    ways = list(ways)
    usable = [i for i, w in enumerate(ways) if len(w.coords) >= 2]
    if not usable or tolerance_m <= 0:
        return ways, 0.0
    gap_m = SELF_GAP_TOLERANCES * tolerance_m + min_m
    turn_gap_m = TURN_GAP_TOLERANCES * tolerance_m
    found = alongside(
        [ways[i].coords for i in usable],
        tolerance_m,
        min_m,
        gap_m,
        turn_gap_m,
        None if focus is None else {n for n, i in enumerate(usable) if i in focus},
    )
    if not itself:
        found.returns.clear()
    if not found.pairs and not found.returns:
        return ways, 0.0
    involved = {usable[i] for pair in found.pairs for i in pair}
    later = {usable[b] for _, b in found.pairs}
    near: dict[int, set[Segment]] = {}
    for i, ns in found.near.items():
        coords = ways[usable[i]].coords
        # Two segments either side too: the close look samples from where the line
        # comes within the tolerance, and across a segment the lines already share.
        wider = {m for n in ns for m in range(n - 2, n + 3) if 0 <= m < len(coords) - 1}
        near[usable[i]] = {(coords[n], coords[n + 1]) for n in wider}
    # Lines that come back over themselves: cut at their turns, the later parts
    # appended.
    parts: dict[int, list[int]] = {}
    returns: dict[int, ReturningPart] = {}
    for i, cuts_m in sorted(found.returns.items()):
        k = usable[i]
        whole = _copy(ways[k])
        cuts = sorted({n for n in (_cut_at(whole, m) for m in cuts_m) if n})
        if not cuts:
            continue
        loop_m = (
            flat_length(whole.coords) if whole.coords[0] == whole.coords[-1] else None
        )
        pieces = _split(whole, cuts)
        ways[k] = pieces[0]
        parts[k] = [k]
        for piece in pieces[1:]:
            ways.append(piece)
            returns[len(ways) - 1] = ReturningPart(tuple(parts[k]), loop_m)
            parts[k].append(len(ways) - 1)
            near[len(ways) - 1] = near.get(k, set())
            later.add(len(ways) - 1)
        involved |= set(parts[k])
    # Copies of every line the merge may change: those merged and those touching.
    for i in sorted(involved - set(returns) - set(parts)):
        ways[i] = _copy(ways[i])
    touching = _touching(ways, involved)
    for i in touching:
        ways[i] = _copy(ways[i])
    # Input order, with a line's later parts straight after its first.
    sequence = [n for k in sorted(involved - set(returns)) for n in parts.get(k, [k])]
    merger = Merger(
        ways,
        sequence,
        touching,
        later,
        near,
        returns,
        tolerance_m,
        min_m,
        gap_m,
        turn_gap_m,
    )
    merged = sum(merger.merge(i) for i in sequence)
    for k, ns in parts.items():
        for n in ns[1:]:
            ways[k] = _join(ways[k], ways[n])
    return ways[: len(ways) - len(returns)], merged


def _touching(ways: list[RawWay], involved: set[int]) -> list[int]:
    """Lines other than `involved` with a vertex at one of theirs: merging may move
    or add vertices of those too. (By exact position: shared vertices are shared
    nodes in OSM, and snapped or merged ones in digitised data.)"""
    at = {p for i in involved for p in ways[i].coords}
    return [
        i
        for i, w in enumerate(ways)
        if i not in involved and not at.isdisjoint(w.coords)
    ]


def _cut_at(way: RawWay, along_m: float) -> int | None:
    """The inner vertex nearest `along_m` metres along the line."""
    coords = way.coords
    if len(coords) < 3:
        return None
    best, s = None, 0.0
    for n in range(1, len(coords) - 1):
        s += flat_metres(coords[n - 1], coords[n])
        if best is None or abs(s - along_m) < best[0]:
            best = (abs(s - along_m), n)
    return best[1] if best else None


def _split(way: RawWay, cuts: list[int]) -> list[RawWay]:
    """The line cut at inner vertexes `cuts` (ascending), each cut vertex ending
    one part and starting the next."""

    def part(a: int, b: int) -> RawWay:
        return replace(
            way,
            coords=way.coords[a:b],
            vertex_ids=way.vertex_ids[a:b] if way.vertex_ids is not None else None,
            elevations=way.elevations[a:b] if way.elevations is not None else None,
        )

    ends = [0, *cuts, len(way.coords) - 1]
    return [part(a, b + 1) for a, b in zip(ends, ends[1:])]


def _join(first: RawWay, second: RawWay) -> RawWay:
    skip = 1 if first.coords[-1] == second.coords[0] else 0

    def both(a: list | None, b: list | None) -> list | None:
        return None if a is None or b is None else a + b[skip:]

    return replace(
        first,
        coords=first.coords + second.coords[skip:],
        vertex_ids=both(first.vertex_ids, second.vertex_ids),
        elevations=both(first.elevations, second.elevations),
    )
