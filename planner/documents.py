"""Plan documents: a solved loop, a trailhead, a bed, as plain dicts in metres.

A plan document is the one thing the page, the JSON API, the GPX and GeoJSON
downloads and a loop's own link all render from, and what the plan cache keeps.
Here each loop the solver returns gets its track (its line from
`regions.load_geometry`, elevations, profile and climb, all from `track.py`),
its cue sheet, its days and beds; `presenters.py` turns them into what each
audience reads.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict
from typing import Any

from planner import cues
from planner.solver import Loop, Stage
from planner.track import Track, track_of
from planner.trip import TripQuery
from planner.units import walking_hours
from trails.dem import climb
from trails.models import Campsite, Trailhead

PROFILE_POINTS = 160
COORD_DIGITS = 6  # a plan's points, to 0.1 m: what hikers and checkers measure


def plan_doc(query: TripQuery, drive_note: str) -> dict[str, Any]:
    """A plan document with no loops yet: every key every audience reads."""
    return {
        "query": asdict(query),
        "status": "ok",
        "message": None,  # why there is no loop, when it needs no numbers
        "no_loop": None,  # else why, as a `NoLoop` (metres), for presenters to word
        "loops": [],
        "trailheads_in_range": 0,
        "nearest_trailhead": None,
        "closest_lengths_m": [],
        "timed_out": False,
        "drive_note": drive_note,
        "attributions": [],
        "stats": {"cache": "miss"},
        "from_trailhead": None,  # the trailhead asked for
        "walks": None,  # the trail or route asked for: type, id, name
        "notice": None,  # several days: why some nights are not at a bed
        "regions": [],  # far from every trail: the regions LoopGenie knows
    }


def trailhead_doc(th: Trailhead, drive_m: float) -> dict[str, Any]:
    """A trailhead in a plan document (metres), for every audience to render."""
    return {
        "id": th.id,
        "name": th.name or th.get_kind_display(),
        "kind": th.kind,
        "lat": th.lat,
        "lon": th.lon,
        "drive_m": round(drive_m, 1),
    }


BED_ORDER = ("alpine_hut", "wilderness_hut", "camp_site", "shelter")


def beds_in(box: tuple, shelters: bool) -> dict[Any, dict[str, Any]]:
    """The places to sleep in the box by junction, as a plan shows them: open
    (staff left out those closed for the season), shelters when they count.
    Of two at one junction, a hut before a campsite before a shelter."""
    order = {kind: i for i, kind in enumerate(BED_ORDER)}
    rows = sorted(
        Campsite.objects.in_bbox(*box).beds(shelters),
        key=lambda c: (order.get(c.kind, len(order)), c.pk),
    )
    beds: dict[Any, dict[str, Any]] = {}
    for camp in rows:
        beds.setdefault(camp.junction_id, bed_doc(camp))
    return beds


def bed_doc(camp: Campsite) -> dict[str, Any]:
    """A place to sleep in a plan document: what the data says of it."""
    return {
        "id": camp.pk,
        "name": camp.name or camp.get_kind_display(),
        "kind": camp.kind,
        "kind_name": camp.get_kind_display(),
        "lat": camp.lat,
        "lon": camp.lon,
        "website": camp.website or None,
        "capacity": camp.capacity,
        "fee": camp.fee,
        "staffed": camp.staffed,
        "opening_hours": camp.opening_hours or None,
    }


def loop_doc(
    loop: Loop,
    graph,
    trailheads: dict[int, Trailhead],
    lines: dict,
    beds: dict | None = None,
) -> dict[str, Any]:
    th = trailheads[loop.start.trailhead_id]
    track = track_of(
        loop.steps, graph, {s.segment_id: lines[s.segment_id][0] for s in loop.steps}
    )
    cue_steps: list[cues.Step] = []
    segments = []
    routes = graph.graph.get("routes", {})
    on_route: dict[Any, float] = {}
    for i, step in enumerate(loop.steps):
        edge = graph.edges[step.from_node, step.far_node, step.segment_id]
        route_ids = edge.get("routes", ())
        for r in route_ids:
            on_route[r] = on_route.get(r, 0.0) + step.length_m
        segments.append(
            {
                "segment_id": step.segment_id,
                "trail": step.trail,
                "trail_id": edge.get("trail_id"),
                "other_names": list(lines[step.segment_id][1]),
                "kind": step.kind,
                "length_m": round(step.length_m, 1),
                "repeated": step.repeated,
                "routes": list(route_ids),
                # an out-and-back turning partway along this segment: how far
                # along it the walk turns back (on the step out), else None
                "turn_m": (
                    round(step.span_m[1], 1)
                    if step.span_m is not None and step.span_m[0] == 0
                    else None
                ),
            }
        )
        cue_steps.append(
            cues.Step(
                trail=step.trail,
                kind=step.kind,
                connector=step.connector,
                length_m=step.length_m,
                first=track.step_ends[i - 1] if i else 0,
                routes=[routes[r] for r in route_ids],
                other_names=list(lines[step.segment_id][1]),
                segment_id=step.segment_id,
                way=edge.get("trail_id"),
            )
        )
    ascent, descent = track.ascent_m, track.descent_m
    hours = walking_hours(loop.length_m, ascent)
    days = _days(loop, graph, beds or {}, track)
    nights = list(itertools.accumulate(d["length_m"] for d in days))[:-1]
    return {
        "rank": loop.rank,
        "kind": loop.kind,
        "trailhead": {
            **trailhead_doc(th, loop.start.drive_m),
            "name": th.name or _unnamed_trailhead(th, loop),
        },
        "length_m": round(loop.length_m, 1),
        "error_m": round(loop.error_m, 1),
        "repeated_m": round(loop.repeated_m, 1),
        "connector_m": round(loop.connector_m, 1),
        "waymarked_m": round(sum(s["length_m"] for s in segments if s["routes"]), 1),
        # Each route the walk follows, longest stretch first.
        "routes": _followed(routes, on_route),
        "ascent_m": None if ascent is None else round(ascent),
        "descent_m": None if descent is None else round(descent),
        "hours": round(hours, 2),
        "days": days,
        "segments": segments,
        "cues": cues.sheet(cue_steps, track.coords, track.eles, nights),
        "coords": [
            [round(x, COORD_DIGITS), round(y, COORD_DIGITS)] for x, y in track.coords
        ],
        "eles": None if track.eles is None else [round(e, 1) for e in track.eles],
        "profile": None if track.profile is None else _thin(track.profile),
    }


def _followed(routes: dict, on_route: dict) -> list[dict[str, Any]]:
    """The waymarked routes a walk follows, longest stretch first, each once: a
    route and its stages, or two relations of one route ("GR 11", "GR11"),
    name the same marks on the ground."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for r, metres in sorted(on_route.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        label = "".join(ch for ch in routes[r]["label"].lower() if ch.isalnum())
        if label in seen:
            continue
        seen.add(label)
        out.append({**routes[r], "length_m": round(metres, 1)})
    return out


def _unnamed_trailhead(th: Trailhead, loop: Loop) -> str:
    """A name a hiker can find: the first named trail the loop takes from it."""
    kind = th.get_kind_display()
    for step in loop.steps:
        if step.trail:
            return f"{kind} by {step.trail}"
    return f"{kind} at {th.lat:.4f}, {th.lon:.4f}"


def _days(
    loop: Loop,
    graph,
    beds: dict[Any, dict[str, Any]],
    track: Track,
) -> list[dict[str, Any]]:
    """One entry per day: its length, climb, descent and walking time, and where
    it ends (a bed with what the data says of it, a bare junction, or back at
    the trailhead). A day hike is one day that ends back at the trailhead."""
    last = len(loop.steps) - 1
    stages = loop.stages or [Stage(1, loop.length_m, loop.start.node, None, last)]
    out = []
    first = 0  # index in the line where the day starts
    for stage in stages:
        end = track.step_ends[stage.last_step if stage.last_step is not None else last]
        if track.eles:
            ascent, descent = climb(track.eles[first : end + 1])
        else:
            ascent = descent = None
        first = end
        j = graph.nodes[stage.end_node]
        home = stage.end_node == loop.start.node and stage is stages[-1]
        bed = None if home else beds.get(stage.end_node)
        name = (
            bed["name"]
            if bed
            else "Back at the trailhead"
            if home
            else f"Junction ({j['lat']:.5f}, {j['lon']:.5f})"
        )
        hours = walking_hours(stage.length_m, ascent)
        out.append(
            {
                "day": stage.day,
                "length_m": round(stage.length_m, 1),
                "ascent_m": None if ascent is None else round(ascent),
                "descent_m": None if descent is None else round(descent),
                "hours": round(hours, 2),
                "end": {
                    "name": name,
                    # "bed" (a hut, campsite or shelter), "junction" (none
                    # there) or "trailhead" (the last day's end)
                    "type": "bed" if bed else "trailhead" if home else "junction",
                    "campsite": bed is not None,
                    "bed": bed,
                    "lat": j["lat"],
                    "lon": j["lon"],
                },
            }
        )
    return out


def _thin(profile: list[tuple[float, float]]) -> list[list[float]]:
    """At most PROFILE_POINTS points, evenly spread, for a small chart."""
    if len(profile) <= PROFILE_POINTS:
        return [[round(d, 1), round(e, 1)] for d, e in profile]
    step = (len(profile) - 1) / (PROFILE_POINTS - 1)
    picks = [profile[round(i * step)] for i in range(PROFILE_POINTS)]
    return [[round(d, 1), round(e, 1)] for d, e in picks]
