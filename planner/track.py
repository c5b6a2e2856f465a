"""A loop's track: its line in walking order, its elevations and profile, and
its climb. No Django.

This is the one place they are worked out. The solver hands back steps (segment
ids, the way each is walked, the part of it when an out-and-back turns partway),
without lines: a region's graph is loaded without them (`planner/regions.py`).
`documents.loop_doc` fetches the lines of the segments a plan walks and asks
here for the track, for a fresh plan and for a loop's own link alike.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from planner.solver import Step
from trails.dem import climb
from trails.geo import haversine_m, part_of_line

Line = Sequence[Sequence[float]]  # (lon, lat) or (lon, lat, ele) points


@dataclass
class Track:
    coords: list[tuple[float, float]]  # (lon, lat), each step from the last's end
    eles: list[float] | None  # per point of `coords`; None unless every line has them
    step_ends: list[int]  # per step: the index in `coords` where it ends
    profile: list[tuple[float, float]] | None  # (metres walked, elevation)
    ascent_m: float | None  # None when the climb of some segment is unknown
    descent_m: float | None


def track_of(
    steps: Sequence[Step], graph: Any, lines: Mapping[Hashable, Line]
) -> Track:
    """The track of these steps over `graph` (the solver's graph format,
    `planner/graph.py`), from `lines`: each segment's stored line by id, from its
    `start` node to its other end."""
    coords: list[tuple[float, float]] = []
    eles: list[float] = []
    have_eles = True
    profile: list[tuple[float, float]] = []
    step_ends: list[int] = []
    walked = 0.0
    for step in steps:
        part, part_eles = _oriented(graph, step, lines[step.segment_id])
        skip = 1 if coords else 0  # each step starts where the last one ended
        coords.extend(part[skip:])
        if part_eles is None:
            have_eles = False
        elif have_eles:
            eles.extend(part_eles[skip:])
            d = walked
            for i, (c, e) in enumerate(zip(part, part_eles)):
                if i:
                    d += haversine_m(*part[i - 1], *c)
                profile.append((d, e))
        walked += step.length_m
        step_ends.append(len(coords) - 1)
    ascent: float | None
    descent: float | None
    if have_eles and eles:
        # Over the whole walk at once: per-segment sums drop small rises at segment
        # ends unevenly, and a loop must climb exactly what it descends.
        ascent, descent = climb(eles)
    else:
        ascent, descent = _summed_climb(steps, graph)
    return Track(
        coords=coords,
        eles=eles if have_eles else None,
        step_ends=step_ends,
        profile=profile if have_eles and profile else None,
        ascent_m=ascent,
        descent_m=descent,
    )


def line_of(
    steps: Sequence[Step], graph: Any, lines: Mapping[Hashable, Line]
) -> list[tuple[float, float]]:
    """The steps' line in walking order, without elevations or climb: what
    `track_of` starts from, for a look at a walk that may not be kept."""
    coords: list[tuple[float, float]] = []
    for step in steps:
        part, _ = _oriented(graph, step, lines[step.segment_id])
        coords.extend(part[1 if coords else 0 :])
    return coords


def _oriented(
    graph: Any, step: Step, line: Line
) -> tuple[list[tuple[float, float]], list[float] | None]:
    """The step's line in walking order, and its elevations where all are known:
    for a step that walks part of its segment (an out-and-back turning partway),
    that part."""
    data = graph.edges[step.from_node, step.far_node, step.segment_id]
    if data["start"] != step.from_node:
        line = line[::-1]
    if step.span_m is not None:
        line = part_of_line(line, *(m / data["length"] for m in step.span_m))
    coords = [(c[0], c[1]) for c in line]
    eles = [c[2] for c in line] if all(len(c) > 2 for c in line) else None
    return coords, eles


def _summed_climb(
    steps: Sequence[Step], graph: Any
) -> tuple[float | None, float | None]:
    """The climb added up from the segments' own, in the direction walked, when
    the lines carry no elevations: None when any segment's is unknown."""
    ascent = descent = 0.0
    for s in steps:
        data = graph.edges[s.from_node, s.far_node, s.segment_id]
        up, down = data.get("ascent"), data.get("descent")
        if up is None or down is None:
            return None, None
        if s.reversed:
            up, down = down, up
        if s.span_m is None:
            ascent, descent = ascent + up, descent + down
        else:  # part of it, out or back: about its share, evenly up and down
            share = s.length_m / data["length"] * (up + down) / 2
            ascent, descent = ascent + share, descent + share
    return ascent, descent
