""" "Plan a loop that walks this": `solve(..., must_walk=...)` on tiny networks.

Each network offers loops from trailhead "a" that do and do not walk the trail
asked for (its segments are the `must_walk` set); the loops offered must walk
some of it, and the best must walk as much of it as the length allows, even
against a waymarked route (planner/solver/costs.py, `MUST_WALK`).
"""

from __future__ import annotations

from planner.reasons import words
from planner.solver import Start, solve
from planner.tests.test_solver_preferences import edge, ground, network, square

A = [Start("a", "th-a", "A", 0.0)]


def plan(graph, must, target=4000, **kwargs):
    return solve(
        graph, A, target, must_walk=must, must_walk_name="Camí de la Font", **kwargs
    )


def test_every_loop_offered_walks_some_of_the_trail_asked_for():
    # Three 4 km squares from "a": two on a waymarked route, one on the trail
    # asked for. Without it the route's squares would come first.
    graph = network(
        *square("bcd", trail="GR", routes=["gr"]),
        *square("efg", trail="GR", routes=["gr"]),
        *square("hij", trail="Camí de la Font"),
    )
    must = {"ah", "hi", "ij", "ja"}
    result = plan(graph, must, alternatives=3)
    assert result.loops
    assert all(ground(loop) & must for loop in result.loops)
    assert ground(result.loops[0]) == must


def test_the_best_loop_walks_as_much_of_the_trail_as_the_length_allows():
    # Two 4 km loops share the trail's first kilometre "ab"; only the second
    # also walks "bc" and "cd" of it. Both walk some; the one walking more wins,
    # though the other is all on a waymarked route.
    graph = network(
        edge("a", "b", 1000, trail="Camí de la Font"),
        edge("b", "c", 1000, trail="Camí de la Font"),
        edge("c", "d", 1000, trail="Camí de la Font"),
        edge("d", "a", 1000, trail="Sentier"),
        edge("b", "e", 1000, trail="GR", routes=["gr"]),
        edge("e", "f", 1000, trail="GR", routes=["gr"]),
        edge("f", "a", 1000, trail="GR", routes=["gr"]),
    )
    must = {"ab", "bc", "cd"}
    loops = plan(graph, must, alternatives=1).loops
    assert ground(loops[0]) == {"ab", "bc", "cd", "da"}
    without = solve(graph, A, 4000, alternatives=1).loops
    assert ground(without[0]) == {"ab", "be", "ef", "fa"}


def test_when_no_loop_of_the_length_walks_it_the_reason_names_the_trail():
    # The trail asked for is a 10 km ring reached from "a"; a 4 km loop cannot
    # walk it, the 4 km square at "a" does not.
    ring = ["k", "l", "m", "n", "o", "k"]
    graph = network(
        *square("bcd"),
        edge("a", "k", 500),
        edge("a", "p", 500),
        edge("p", "k", 500),
        *[edge(u, v, 2500, trail="Camí de la Font") for u, v in zip(ring, ring[1:])],
    )
    must = {f"{u}{v}" for u, v in zip(ring, ring[1:])}
    result = plan(graph, must, allow_stems=False)
    assert result.loops == []
    assert said(result).startswith(
        "No loop within ±10% of 4.0 km from A walks any of Camí de la Font"
    )


def test_a_trail_not_on_the_network_is_out_of_reach():
    graph = network(*square("bcd"))
    result = plan(graph, {"zz"})
    assert result.loops == []
    assert said(result) == (
        "No loop within ±10% of 4.0 km from A reaches Camí de la Font."
    )


def test_without_a_must_walk_set_nothing_changes():
    graph = network(*square("bcd", trail="GR", routes=["gr"]), *square("efg"))
    assert ground(solve(graph, A, 4000, alternatives=1).loops[0]) == ground(
        plan(graph, set(), alternatives=1).loops[0]
    )


def said(result) -> str:
    """Why the solver found no loop, as a hiker reads it in km."""
    return words(result.reason, "km")
