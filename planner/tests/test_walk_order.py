"""The depth-first search's walk (`planner/solver/walk.py`): the order in which
it tries the ways on from a junction (on the ground a hiker prefers while much
of the length is left, by the length alone once the walk is closing it), and
what a walk it closes is found to cost."""

from __future__ import annotations

import math

import pytest

from planner.graph import EdgeRecord, build_graph
from planner.solver import Start, costs, prepare
from planner.solver.search import Search, Task
from planner.solver.tasks import loop_task
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


def search_on(prep, starts: list[Start], target: float) -> Search:
    """A search for one loop of `target` metres, with no clock."""
    return Search(
        prep=prep,
        layer=prep.layer(None),
        starts=starts,
        target=target,
        tolerance=0.10,
        alternatives=1,
        minimise_road=True,
        max_difficulty=None,
        deadline=math.inf,
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
    search = search_on(prep, [Start("a", "th", "A", 0.0)], target)
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


def camí_and_other():
    """A 4 km loop a-m-n-x-a: 3 km of Camí, and Other from n to x."""
    return build_graph(
        ((n, *xy, None) for n, xy in POS.items()),
        [
            edge("out", "a", "m", 1000, "Camí"),
            edge("on", "m", "n", 1000, "Camí"),
            edge("back", "n", "x", 1000, "Other"),
            edge("home", "x", "a", 1000, "Camí"),
        ],
        {},
    )


def test_a_loop_re_rooted_at_a_nearer_trailhead_counts_its_changes_of_trail_there():
    # A loop from "a" (a long drive): 2 km of Camí out to "n", back 1 km on
    # Other to "x" and 1 km of Camí to "a". Walked from "a" it changes trail
    # twice (at "n" and "x"); the search re-roots it at "n" (no drive), where it
    # changes trail at "n" itself no more: it follows Other, then Camí on round
    # through "a" to "n". Once only, as its cost must say.
    prep = prepare(camí_and_other(), keep=["a", "n"])
    search = search_on(
        prep,
        [Start("a", "far", "Far", 20_000.0), Start("n", "near", "Near", 0.0)],
        4000.0,
    )
    task = Task(0, prep.index["a"], "loop")
    for _ in loop_task(search, task):
        pass
    (loop,) = search.pool
    assert search.starts[loop.start].name == "Near"
    # (4 km of named trail x 1.3 + 150 m for one change) / 4 km x 4 km
    assert loop.cost == pytest.approx(4000 * costs.NAMED + costs.TURN)


@pytest.mark.parametrize("days_walk", [True, False])
def test_an_out_and_back_of_the_length_ends_length_only_order_only_on_a_trip(
    days_walk,
):
    # For a day's walk an out-and-back ranks after every loop, so the near dives
    # keep ordering by length alone until a loop has the length; a trip of
    # several days ends it at any walk of the length, as before.
    prep = prepare(camí_and_other(), keep=["a", "n"])
    search = search_on(prep, [Start("a", "th", "A", 0.0)], 4000.0)
    search.turns_partway = days_walk
    a, n = prep.index["a"], prep.index["n"]
    (lid, fwd) = next((lid, fwd) for lid, v, _, _, fwd in prep.adj[a] if v == n)
    search.offer(0, n, ((lid, fwd),), (), None, 4000.0, 0.0, 2000.0)

    assert search.first_near_s is not None
    assert search.came_near() is not days_walk
