"""Multi-day loops that sleep at beds (`planner/solver/nights.py`), on tiny
hand-drawn networks whose right answer can be seen. No database."""

from __future__ import annotations

import pytest

from planner.solver import solve
from planner.tests.test_solver import at, draw

# A ring of six 5 km trails: a 30 km loop from its trailhead at a.
RING = [
    ("a", "b", 5000),
    ("b", "c", 5000),
    ("c", "d", 5000),
    ("d", "e", 5000),
    ("e", "f", 5000),
    ("f", "a", 5000),
]
# Another 30 km ring from a, on roads: worse to walk than RING.
ROAD_RING = [
    ("a", "g", 5000, "road"),
    ("g", "h", 5000, "road"),
    ("h", "i", 5000, "road"),
    ("i", "j", 5000, "road"),
    ("j", "l", 5000, "road"),
    ("l", "a", 5000, "road"),
]


def test_a_three_day_loop_sleeps_at_the_two_huts_a_day_apart():
    beds = {"b": "Too near", "c": "Refugi de Sorteny", "e": "Càmping Valira"}

    result = solve(draw(*RING), [at("a")], 30000, days=3, campsites=beds)

    [loop] = result.loops  # either way round
    assert {s.campsite for s in loop.stages[:2]} == {
        "Refugi de Sorteny",
        "Càmping Valira",
    }
    assert loop.stages[2].end_node == "a"
    assert [s.length_m for s in loop.stages] == [10000, 10000, 10000]
    assert result.notice is None


def test_each_day_ends_on_the_last_step_it_walks():
    beds = {"c": "Refugi de Sorteny", "e": "Càmping Valira"}

    loop = solve(draw(*RING), [at("a")], 30000, days=3, campsites=beds).loops[0]

    for stage in loop.stages:
        assert loop.steps[stage.last_step].to_node == stage.end_node
    assert loop.stages[-1].last_step == len(loop.steps) - 1


def test_a_hut_up_a_spur_is_walked_to_and_back_and_counts_as_walked_twice():
    square = [("a", "b", 5000), ("b", "c", 5000), ("c", "d", 5000), ("d", "a", 5000)]
    spur = ("c", "h", 400)

    result = solve(
        draw(*square, spur), [at("a")], 20800, days=2, campsites={"h": "Hut"}
    )

    [loop] = result.loops
    assert [s.end_node for s in loop.stages] == ["h", "a"]
    assert [s.length_m for s in loop.stages] == [10400, 10400]
    assert loop.repeated_m == pytest.approx(400)
    assert [s.to_node for s in loop.steps if s.repeated] == ["h", "c"]


def test_a_longest_day_rules_out_beds_that_would_make_a_day_too_long():
    # beds 8 km out one way and 8 km out the other: a 20 km trip sleeps 8 + 12;
    # k is a bare junction half way
    ring = [("a", "b", 8000), ("b", "k", 2000), ("k", "c", 2000), ("c", "a", 8000)]
    beds = {"b": "Hut B", "c": "Hut C"}

    free = solve(draw(*ring), [at("a")], 20000, days=2, campsites=beds)
    capped = solve(
        draw(*ring), [at("a")], 20000, days=2, campsites=beds, max_day_m=11000
    )

    assert free.loops[0].stages[0].campsite in ("Hut B", "Hut C")
    assert free.notice is None
    assert [s.length_m for s in capped.loops[0].stages] == [10000, 10000]
    assert capped.loops[0].stages[0].end_node == "k"
    assert "junction" in capped.notice


def test_without_beds_a_day_apart_it_says_some_nights_are_not_at_one():
    beds = {"b": "Too early"}

    result = solve(draw(*RING), [at("a")], 30000, days=3, campsites=beds)

    assert [round(s.length_m) for s in result.loops[0].stages] == [10000] * 3
    assert result.notice.startswith("No loop in range puts every night at a hut")


def test_a_day_hike_has_no_notice_about_nights():
    result = solve(draw(*RING), [at("a")], 30000, campsites={"c": "Hut"})

    assert result.loops[0].stages == []
    assert result.notice is None


def test_nights_at_beds_beat_a_nicer_loop_that_passes_none():
    # two 30 km rings from a: trail with no bed, road with a hut every 10 km
    beds = {"h": "Hut H", "j": "Hut J"}

    day_hike = solve(draw(*RING, *ROAD_RING), [at("a")], 30000)
    trip = solve(draw(*RING, *ROAD_RING), [at("a")], 30000, days=3, campsites=beds)

    assert {s.kind for s in day_hike.loops[0].steps} == {"path"}
    assert [s.campsite for s in trip.loops[0].stages] == ["Hut H", "Hut J", None]


def test_loops_only_leaves_out_a_hut_up_a_spur():
    square = [("a", "b", 5000), ("b", "c", 5000), ("c", "d", 5000), ("d", "a", 5000)]
    spur = ("c", "h", 400)
    beds = {"h": "Hut"}

    result = solve(
        draw(*square, spur), [at("a")], 20800, days=2, campsites=beds, allow_stems=False
    )

    assert result.loops[0].repeated_m == 0
    assert result.loops[0].stages[0].campsite is None and result.notice


def test_with_a_bed_too_few_one_night_is_at_a_junction_and_the_other_at_the_bed():
    # the trail ring has no bed; the road ring has one hut, 10 km out
    result = solve(
        draw(*RING, *ROAD_RING), [at("a")], 30000, days=3, campsites={"h": "Hut H"}
    )

    loop = result.loops[0]
    assert sorted(str(s.campsite) for s in loop.stages[:2]) == ["Hut H", "None"]
    assert [s.length_m for s in loop.stages] == [10000, 10000, 10000]
    assert result.notice.startswith("No loop in range puts every night at a hut")


# A 20 km ring of paths from a, with no bed, and a hut at h on a 21.6 km ring.
RING_20 = [("a", "b", 5000), ("b", "c", 5000), ("c", "d", 5000), ("d", "a", 5000)]
HUT_RING = [("a", "g", 5400), ("g", "h", 5400), ("h", "i", 5400), ("i", "a", 5400)]
OTHER_RING_20 = [("a", "e", 5000), ("e", "f", 5000), ("f", "j", 5000), ("j", "a", 5000)]


def test_a_two_day_trip_takes_the_ways_to_its_hut_that_keep_it_on_the_length():
    # Two ways out to the hut and two back: a waymarked 10.35 km and a path of
    # 10 km each time. Both days on the waymarked ways walk 20.7 km for 20.
    ways = [
        ("a", "p", 5175, "path", {"routes": ["r1"]}),
        ("p", "h", 5175, "path", {"routes": ["r1"]}),
        ("a", "r", 5175, "path", {"routes": ["r2"]}),
        ("r", "h", 5175, "path", {"routes": ["r2"]}),
        ("a", "q", 5000),
        ("q", "h", 5000),
        ("a", "s", 5000),
        ("s", "h", 5000),
    ]
    # the turning junctions of the ways stay junctions
    spurs = [("p", "i", 100), ("q", "j", 100), ("r", "k", 100), ("s", "l", 100)]

    result = solve(
        draw(*ways, *spurs), [at("a")], 20000, days=2, campsites={"h": "Hut"}
    )

    loop = result.loops[0]
    assert loop.length_m == pytest.approx(20000)
    assert [s.campsite for s in loop.stages] == ["Hut", None]
    assert [s.length_m for s in loop.stages] == [10000, 10000]
    assert result.notice is None


def test_a_loop_on_the_length_comes_before_a_trip_to_a_hut_that_misses_it():
    result = solve(
        draw(*RING_20, *HUT_RING), [at("a")], 20000, days=2, campsites={"h": "Hut"}
    )

    first, second = result.loops
    assert first.length_m == pytest.approx(20000)
    assert [s.end_node for s in first.stages] == ["c", "a"]
    assert second.length_m == pytest.approx(21600)
    assert [s.campsite for s in second.stages] == ["Hut", None]
    assert [loop.rank for loop in result.loops] == [1, 2]
    assert result.notice.startswith("The walks nearest the length asked for put")


def test_a_trip_with_every_night_at_a_bed_keeps_a_place_among_the_walks_offered():
    # two 20 km rings with no bed would fill both places

    result = solve(
        draw(*RING_20, *OTHER_RING_20, *HUT_RING),
        [at("a")],
        20000,
        days=2,
        campsites={"h": "Hut"},
        alternatives=2,
    )

    first, second = result.loops
    assert first.length_m == pytest.approx(20000)
    assert first.stages[0].campsite is None
    assert second.stages[0].campsite == "Hut"


def test_after_a_trip_on_the_length_a_loop_with_a_night_at_a_junction_can_follow():
    # the hut is half way round the first ring; the other ring has no bed

    result = solve(
        draw(*RING_20, *OTHER_RING_20), [at("a")], 20000, days=2, campsites={"c": "Hut"}
    )

    first, second = result.loops
    assert [s.campsite for s in first.stages] == ["Hut", None]
    assert second.length_m == pytest.approx(20000)
    assert second.stages[0].campsite is None
    assert result.notice == (
        "Nights marked as a junction are not at a hut, campsite or shelter."
    )
