"""The answer's loops: a picked walk (`Cand`) made into a `Loop` of steps along
the original edges, with its days and cost. Its line and climb are the
planner's to work out (`planner/track.py`).
"""

from __future__ import annotations

from collections.abc import Hashable

from planner.solver import costs, nights
from planner.solver.linkgraph import OrigEdge
from planner.solver.records import Loop, Stage, Step
from planner.solver.search import Cand, Search


def build_loop(
    search: Search,
    cand: Cand,
    rank: int,
    days: int,
    campsites: dict[Hashable, str],
    max_day_m: float | None = None,
) -> Loop:
    prep = search.prep
    graph = prep.graph
    out = [(lid, fwd, True) for lid, fwd in cand.stem]
    walked: list[tuple[OrigEdge, bool, tuple[float, float] | None]] = [
        (edge, repeated, None)
        for lid, fwd, repeated in out + [(lid, fwd, False) for lid, fwd in cand.circuit]
        for edge in prep.links[lid].walked(fwd)
    ]
    if cand.turn is not None:  # partway along a link and back
        lid, fwd, metres = cand.turn
        there: list[tuple[OrigEdge, bool, tuple[float, float] | None]] = []
        for u, v, k in prep.links[lid].walked(fwd):
            length = graph.edges[u, v, k]["length"]
            if metres < length:
                there.append(((u, v, k), True, (0.0, metres)))
                break
            there.append(((u, v, k), True, None))
            metres -= length
        *whole, (tip, _, (_, metres)) = there  # type: ignore[misc]  # the tip has a span
        walked += there + [(tip, True, (metres, 0.0))]
        walked += [((v, u, k), True, None) for (u, v, k), _, _ in reversed(whole)]
    walked += [
        (edge, True, None)
        for lid, fwd in reversed(cand.stem)
        for edge in prep.links[lid].walked(not fwd)
    ]
    steps: list[Step] = []
    for (u, v, k), repeated, span in walked:
        data = graph.edges[u, v, k]
        share = 1.0 if span is None else abs(span[1] - span[0]) / data["length"]
        steps.append(
            Step(
                segment_id=data.get("segment_id", k),
                from_node=u,
                to_node=v if span is None else u,
                reversed=data.get("start", u) != u,
                length_m=data["length"] * share,
                trail=data.get("trail", ""),
                kind=data.get("kind", "path"),
                connector=bool(data.get("connector")),
                repeated=repeated,
                span_m=span,
                toward=None if span is None else v,
            )
        )
    length = sum(s.length_m for s in steps)
    kind = "out_and_back" if not cand.circuit else "lollipop" if cand.stem else "loop"
    return Loop(
        rank=rank,
        start=search.starts[cand.start],
        kind=kind,
        steps=steps,
        length_m=length,
        error_m=length - search.target,
        repeated_m=cand.repeated,
        connector_m=sum(s.length_m for s in steps if s.connector),
        stages=_stages(steps, days, campsites, max_day_m),
        cost=round(cand.cost, 3),
        turns=sum(
            costs.changes(costs.follow_key(vars(a)), costs.follow_key(vars(b)))
            for a, b in zip(steps, steps[1:])
        ),
    )


def _stages(
    steps: list[Step],
    days: int,
    campsites: dict[Hashable, str],
    max_day_m: float | None = None,
) -> list[Stage]:
    """Split the walk into `days` stages, each ending at a junction, at a
    campsite where one keeps the days even (`nights.cut`)."""
    return nights.cut(steps, days, campsites, max_day_m)


def nights_notice(loops: list[Loop], days: int) -> str | None:
    """Why some nights are at a bare junction, when they are (`nights.ranked`
    says in which order walks come)."""
    at_beds = [all(s.campsite for s in loop.stages[:-1]) for loop in loops]
    if days < 2 or all(at_beds):
        return None
    if not any(at_beds):
        return (
            "No loop in range puts every night at a hut, campsite or shelter with "
            "days of about the same length: nights marked as a junction are not "
            "at one."
        )
    if not at_beds[0]:
        return (
            "The walks nearest the length asked for put some nights at a bare "
            "junction (marked as such); those with every night at a hut, campsite "
            "or shelter are further from it."
        )
    return "Nights marked as a junction are not at a hut, campsite or shelter."
