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
