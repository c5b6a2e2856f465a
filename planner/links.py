"""Links that keep their trip: a loop addressed by itself, not by its question.

A plan's question, solved again, may give another loop once anything in the data
changes (an admin save elsewhere, a new import). A loop's page, GPX and GeoJSON
links therefore carry the loop: its trailhead, its segments in walking order and
where each night falls, compact and signed with Django's signing (so nobody can
make the site draw a walk it never planned). Followed later, the loop is drawn
again from those segments as they are now: the same track as long as its ground
is there and open. When staff closed a stretch it uses, or a segment is gone, the
link says so and offers the question again (carried in the link too).
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.urls import reverse
from django.utils.http import urlencode

from planner.documents import loop_doc
from planner.regions import graph_of, load_geometry
from planner.solver import Loop, Stage, Start, Step
from planner.starts import ESTIMATOR
from planner.trip import TripQuery
from trails.models import Campsite, Segment, Source, Trailhead

SALT = "planner.links.loop"
KINDS = ("loop", "lollipop", "out_and_back")


class Gone(Exception):
    """The loop cannot be drawn again; `message` says why, for a hiker."""

    def __init__(self, message: str, question_url: str | None):
        super().__init__(message)
        self.message = message
        self.question_url = question_url


@dataclass(frozen=True)
class Kept:
    trailhead_id: int
    segment_ids: list[int]
    nights: list[int]  # step indices after which each night falls
    kind: str
    rank: int
    drive_m: float
    hike_m: float
    question: dict[str, str]  # the plan page's parameters
    # an out-and-back that turns back partway along a segment: the index of the
    # step out to the turn, and the metres walked along it
    turn: tuple[int, float] | None = None


def token(loop: dict[str, Any], query: TripQuery, params: dict) -> str:
    """The signed, compressed address of one loop of a plan document."""
    ids = [s["segment_id"] for s in loop["segments"]]
    ends = list(itertools.accumulate(s["length_m"] for s in loop["segments"]))
    nights, walked = [], 0.0
    for day in loop["days"][:-1]:  # each night at the step end nearest the day's
        walked += day["length_m"]
        nights.append(min(range(len(ends)), key=lambda i: abs(ends[i] - walked)))
    data = {
        "t": loop["trailhead"]["id"],
        # Deltas: neighbouring segments have neighbouring ids, so they compress.
        "s": [b - a for a, b in zip([0, *ids], ids)],
        "n": nights,
        "k": KINDS.index(loop["kind"]),
        "r": loop["rank"],
        "d": round(loop["trailhead"]["drive_m"]),
        "h": round(query.hike_m),
        "q": {k: v for k, v in params.items() if v not in ("", None)},
    }
    turns = [i for i, seg in enumerate(loop["segments"]) if seg.get("turn_m")]
    if turns:
        data["u"] = [turns[0], loop["segments"][turns[0]]["turn_m"]]
    # No timestamp (`signing.dumps` adds one): one loop, one link, for good.
    return signing.Signer(salt=SALT).sign_object(data, compress=True)


def read(value: str) -> Kept:
    """The loop a token addresses; `signing.BadSignature` when it was not ours."""
    data = signing.Signer(salt=SALT).unsign_object(value)
    try:
        ids, total = [], 0
        for delta in data["s"]:
            total += int(delta)
            ids.append(total)
        return Kept(
            trailhead_id=int(data["t"]),
            segment_ids=ids,
            nights=[int(n) for n in data["n"]],
            kind=KINDS[int(data["k"])],
            rank=int(data["r"]),
            drive_m=float(data["d"]),
            hike_m=float(data["h"]),
            question={str(k): str(v) for k, v in dict(data["q"]).items()},
            turn=(int(data["u"][0]), float(data["u"][1])) if "u" in data else None,
        )
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise signing.BadSignature("not a loop") from error


def question_url(kept: Kept) -> str:
    return f"{reverse('planner:plan')}?{urlencode(kept.question)}"


def plan_of(kept: Kept, units: str) -> tuple[dict[str, Any], TripQuery]:
    """A plan document holding the kept loop, drawn from the segments as they are
    now, and a question to render it with. Raises `Gone` when it cannot be."""
    again = question_url(kept)
    segments = Segment.objects.filter(id__in=set(kept.segment_ids))
    walkable = segments.walkable()
    graph = graph_of(walkable)
    have = {k for _, _, k in graph.edges(keys=True)}
    missing = [i for i in kept.segment_ids if i not in have]
    if missing:
        closed = (
            segments.filter(id__in=missing)
            .select_related("trail")
            .order_by("is_open")  # a closure first: it says why
            .first()
        )
        if closed is None:
            raise Gone(
                "This loop uses trail that is no longer in LoopGenie's data.", again
            )
        name = closed.trail.name or "A stretch"
        if closed.is_open:  # open, but its trail is flagged: not for walkers
            raise Gone(f"{name} on this loop is no longer planned on.", again)
        why = f" ({closed.closed_reason})" if closed.closed_reason else ""
        raise Gone(
            f"{name} on this loop is closed{why}: LoopGenie no longer plans it.",
            again,
        )
    th = Trailhead.objects.filter(pk=kept.trailhead_id).first()
    if th is None or th.junction_id is None or th.junction_id not in graph:
        raise Gone("This loop's trailhead is no longer on the trail network.", again)
    steps = _steps(graph, th.junction_id, kept.segment_ids, kept.turn)
    if steps is None:
        raise Gone("This loop's trails no longer join up.", again)
    loop = _loop(kept, th, steps)
    query = TripQuery(
        lat=None,
        lon=None,
        label="",
        drive_m=kept.drive_m,
        hike_m=kept.hike_m,
        days=len(loop.stages) or 1,
        units=units,
        trailhead_id=th.id,
    )
    doc = {
        "query": None,
        "status": "ok",
        "message": None,
        "loops": [loop_doc(loop, graph, {th.id: th}, load_geometry(have))],
        "trailheads_in_range": 1,
        "nearest_trailhead": None,
        "closest_lengths_m": [],
        "timed_out": False,
        "drive_note": ESTIMATOR.describe(),
        "attributions": Source.objects.credits(graph.graph.get("sources", [])),
        "stats": {"cache": "kept"},
        "from_trailhead": None,
        "walks": None,
    }
    return doc, query


def _steps(
    graph, start, ids: list[int], turn: tuple[int, float] | None = None
) -> list[Step] | None:
    """The segments walked in order from `start`, or None when they do not join.
    With `turn` (step index, metres), that step and the next walk part of their
    segment, out and back (`Step.span_m`)."""
    by_id = {k: (u, v, data) for u, v, k, data in graph.edges(keys=True, data=True)}
    at, steps = start, []
    for i, sid in enumerate(ids):
        u, v, data = by_id[sid]
        if at not in (u, v):
            return None
        to = v if at == u else u
        span = None
        if turn is not None and i in (turn[0], turn[0] + 1):
            metres = min(max(turn[1], 0.0), data["length"])
            span = (0.0, metres) if i == turn[0] else (metres, 0.0)
        steps.append(
            Step(
                segment_id=sid,
                from_node=at,
                to_node=to if span is None else at,
                reversed=data["start"] != at,
                length_m=data["length"] if span is None else abs(span[1] - span[0]),
                trail=data.get("trail", ""),
                kind=data.get("kind", "path"),
                connector=bool(data.get("connector")),
                repeated=ids.count(sid) > 1 or span is not None,
                span_m=span,
                toward=None if span is None else to,
            )
        )
        at = steps[-1].to_node
    return steps if at == start else None


def _loop(kept: Kept, th: Trailhead, steps: list[Step]) -> Loop:
    length = sum(s.length_m for s in steps)
    counts = Counter(s.segment_id for s in steps if s.span_m is None)
    lengths = {s.segment_id: s.length_m for s in steps}
    camps = dict(
        Campsite.objects.filter(
            junction_id__in=[steps[n].to_node for n in kept.nights if n < len(steps)]
        ).values_list("junction_id", "name")
    )
    stages, prev, walked = [], 0.0, 0.0
    for day, n in enumerate([*kept.nights, len(steps) - 1], start=1):
        if n >= len(steps):
            break
        walked = sum(s.length_m for s in steps[: n + 1])
        node = steps[n].to_node
        camp = (camps[node] or "Campsite") if node in camps else None
        stages.append(Stage(day, walked - prev, node, camp))
        prev = walked
    return Loop(
        rank=kept.rank,
        start=Start(th.junction_id, th.id, th.name, kept.drive_m),
        kind=kept.kind,
        steps=steps,
        length_m=length,
        error_m=length - kept.hike_m,
        repeated_m=sum((c - 1) * lengths[s] for s, c in counts.items())
        + sum(s.length_m for s in steps if s.span_m is not None) / 2,
        connector_m=sum(s.length_m for s in steps if s.connector),
        stages=stages if len(stages) > 1 else [],
    )
