"""A hiker's preferences, each winning on a tiny hand-drawn network.

Every network here offers two loops of the same length from trailhead "a" that
differ in one thing only; the solver must offer the one a hiker would choose
first (planner/solver/costs.py says why, in numbers).
"""

from __future__ import annotations

import pytest

from planner.graph import EdgeRecord, build_graph
from planner.solver import Start, costs, solve

POS = {n: (i * 0.01, (i % 3) * 0.01) for i, n in enumerate("abcdefghijklmnop")}
ROUTES = {
    "local": {
        "id": "local",
        "name": "Volta",
        "ref": "",
        "network": "lwn",
        "label": "Volta",
        "marks": "yellow marks",
    },
    "gr": {
        "id": "gr",
        "name": "Sentier",
        "ref": "GR 1",
        "network": "nwn",
        "label": "GR 1",
        "marks": "red-white marks",
    },
}


def edge(u, v, metres, trail="", kind="path", routes=()):
    return EdgeRecord(
        segment_id=f"{u}{v}",
        start=u,
        end=v,
        length=metres,
        coords=[POS[u], POS[v]],
        trail=trail,
        kind=kind,
        routes=tuple(routes),
    )


def network(*edges):
    nodes = {n for e in edges for n in (e.start, e.end)}
    return build_graph(((n, *POS[n], None) for n in sorted(nodes)), edges, ROUTES)


def square(corners, **attrs):
    """A 4 km square through "a" and three corners, each side 1 km."""
    ring = ["a", *corners, "a"]
    return [edge(u, v, 1000, **attrs) for u, v in zip(ring, ring[1:])]


def best(graph, starts=None, **kwargs):
    starts = starts or [Start("a", "th-a", "A", 0.0)]
    return solve(graph, starts, 4000, alternatives=1, **kwargs).loops[0]


def ground(loop):
    return {s.segment_id for s in loop.steps}


def test_a_waymarked_route_beats_a_named_trail():
    graph = network(
        *square("bcd", trail="Camí", routes=["gr"]),
        *square("efg", trail="Camí"),
    )
    assert ground(best(graph)) == {"ab", "bc", "cd", "da"}


def test_a_named_trail_beats_an_unnamed_path():
    graph = network(*square("bcd"), *square("efg", trail="Camí"))
    assert ground(best(graph)) == {"ae", "ef", "fg", "ga"}


def test_an_unnamed_path_beats_a_named_road():
    graph = network(*square("bcd", trail="Carrer", kind="road"), *square("efg"))
    loop = best(graph)
    assert ground(loop) == {"ae", "ef", "fg", "ga"}
    assert loop.connector_m == 0


def test_a_loop_that_keeps_to_one_trail_beats_one_that_changes_at_every_junction():
    one = square("bcd", trail="Camí")
    many = [
        edge("a", "e", 1000, trail="One"),
        edge("e", "f", 1000, trail="Two"),
        edge("f", "g", 1000, trail="Three"),
        edge("g", "a", 1000, trail="Four"),
    ]
    loop = best(network(*one, *many))
    assert ground(loop) == {"ab", "bc", "cd", "da"}
    assert loop.turns == 0


def test_following_one_route_where_it_shares_ground_with_another_is_no_change():
    # One loop keeps to route GR 1 all the way round; two of its segments carry
    # the name of a local route that runs with it there (an unnamed way takes
    # its first route's name), so a hiker following the GR's marks changes
    # nothing. The other loop leaves the GR for the local route at its far side:
    # one change of trail, by name and by marks.
    gr_all_round = [
        edge("a", "b", 1000, trail="Sentier", routes=["gr"]),
        edge("b", "c", 1000, trail="Volta", routes=["gr", "local"]),
        edge("c", "d", 1000, trail="Volta", routes=["gr", "local"]),
        edge("d", "a", 1000, trail="Sentier", routes=["gr"]),
    ]
    one_change = [
        edge("a", "e", 1000, trail="Sentier", routes=["gr"]),
        edge("e", "f", 1000, trail="Sentier", routes=["gr"]),
        edge("f", "g", 1000, trail="Camí", routes=["local"]),
        edge("g", "a", 1000, trail="Camí", routes=["local"]),
    ]
    assert ground(best(network(*gr_all_round, *one_change))) == {"ab", "bc", "cd", "da"}
    # judged by names alone, the GR loop changes trail twice and loses
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(costs, "FOLLOW_ROUTES", False)
        loop = best(network(*gr_all_round, *one_change))
    assert ground(loop) == {"ae", "ef", "fg", "ga"}


def test_the_nearer_trailhead_wins_between_equal_loops_but_not_over_a_better_one():
    starts = [Start("a", "th-a", "Near", 0.0), Start("e", "th-e", "Far", 16_000.0)]
    twins = network(*square("bcd", trail="Camí"), *square_from("e", "fgh", "Camí"))
    assert best(twins, starts).start.name == "Near"
    # 10 miles more driving is worth less than a loop on trail instead of road
    better = network(
        *square("bcd", trail="Carrer", kind="road"), *square_from("e", "fgh", "Camí")
    )
    assert best(better, starts).start.name == "Far"


def square_from(root, corners, trail):
    ring = [root, *corners, root]
    return [edge(u, v, 1000, trail=trail) for u, v in zip(ring, ring[1:])]


def test_an_out_and_back_is_offered_only_when_no_loop_fits():
    # a 2 km spur from a (an out-and-back of 4 km) and a square of 4.2 km
    spur = [edge("a", "b", 2000, trail="Spur")]
    ring = ["a", "e", "f", "g", "a"]
    loop = [edge(u, v, 1050, trail="Camí") for u, v in zip(ring, ring[1:])]
    result = solve(network(*spur, *loop), [Start("a", "th", "A", 0.0)], 4000)
    assert [w.kind for w in result.loops] == ["loop"]
    alone = solve(network(*spur), [Start("a", "th", "A", 0.0)], 4000)
    assert [w.kind for w in alone.loops] == ["out_and_back"]


def test_alternatives_come_from_another_trailhead_when_it_is_nearly_as_good():
    # from a: two loops on the same trail; from e, a loop as good but unnamed-ish
    starts = [Start("a", "th-a", "A", 0.0), Start("i", "th-i", "I", 0.0)]
    graph = network(
        *square("bcd", trail="Camí"),
        *square_from("a", "efg", "Camí"),
        *square_from("i", "jkl", "Camí"),
    )
    result = solve(graph, starts, 4000, alternatives=2)
    assert {w.start.name for w in result.loops} == {"A", "I"}


@pytest.mark.parametrize("kind", ["road", "path"])
def test_the_cost_it_reports_is_what_it_ranked_by(kind):
    loop = best(network(*square("bcd", trail="X", kind=kind)))
    per_metre = costs.ROAD if kind == "road" else costs.NAMED
    assert loop.cost == pytest.approx(per_metre * 4000)
