"""The order in which the depth-first search tries the ways on from a junction
(`planner/solver/walk.py`): on the ground a hiker prefers while much of the
length is left, by the length alone once the walk is closing it."""

from __future__ import annotations

import math

from planner.graph import EdgeRecord, build_graph
from planner.solver import Start, prepare
from planner.solver.search import Search
from planner.solver.walk import CLOSE_SHARE, Home, Walk

POS = {"a": (0.0, 0.0), "m": (0.01, 0.01), "n": (0.02, 0.0), "x": (0.015, 0.02)}


def edge(sid, u, v, metres, trail, kind="path"):
    return EdgeRecord(
        segment_id=sid,
        start=u,
        end=v,
        length=metres,
        coords=[POS[u], POS[v]],
        trail=trail,
        kind=kind,
    )


def first_choice(d0: float, target: float, blind: bool = False) -> str:
    """Out of trailhead "a" to "m" (or "n": the network is symmetric), and on to
    the other: by 1 km of named trail, or 1.2 km of road. Which does the search
    try first, `d0` metres already walked (`blind`: while no walk has come
    within 1% of the length)?"""
    graph = build_graph(
        ((n, *xy, None) for n, xy in POS.items()),
        [
            edge("am", "a", "m", 1000, "Out"),
            edge("an", "a", "n", 1000, "Out"),
            edge("trail", "m", "n", 1000, "Camí"),
            edge("road1", "m", "x", 600, "Carrer", "road"),
            edge("road2", "x", "n", 600, "Carrer", "road"),
        ],
        {},
    )
    prep = prepare(graph, keep=["a"])
    search = Search(
        prep=prep,
        layer=prep.layer(None),
        starts=[Start("a", "th", "A", 0.0)],
        target=target,
        tolerance=0.10,
        alternatives=1,
        minimise_road=True,
        max_difficulty=None,
        deadline=math.inf,
    )
    root = prep.index["a"]
    home = Home(search.loop_paths, search.layer.loop_adj, root, search.hi, frozenset())
    walk = Walk(search, home, d0, 0.0, False, False, None, blind)
    _, first, there, metres, _, _ = walk.children(root, d0)[0]
    walk.leave_root(first)
    choice = walk.children(there, d0 + metres)[0]
    return "road" if choice[3] > 1100 else "trail"


def test_with_most_of_the_length_ahead_it_tries_the_trail_first():
    # the road closes 3.2 km exactly, the trail 200 m short: the trail first,
    # as a hiker would rather (the length is mended later in the walk)
    assert first_choice(0.0, 3200.0) == "trail"


def test_closing_the_length_it_tries_what_closes_it_first():
    # 2.5 km already walked (a stem): at "m" 3.5 km are walked of 5.7, less
    # than CLOSE_SHARE is left, and only the road closes the length
    assert 2200 / 5700 < CLOSE_SHARE
    assert first_choice(2500.0, 5700.0) == "road"


def test_while_nothing_came_near_the_length_it_tries_what_closes_it_first():
    # the same question as the first test, in a search that has found no walk
    # within 1% yet: the length comes first from the trailhead on
    assert first_choice(0.0, 3200.0, blind=True) == "road"
