"""A loop's track (planner/track.py) on tiny hand-drawn networks: its line in
walking order, its elevations and its climb. No database.

Three junctions a, b and c about 1.1 km apart; each segment is
drawn from the first junction named to the second, with its stored line and,
where given, its own climb from that first junction.
"""

from __future__ import annotations

import pytest

from planner.graph import EdgeRecord, build_graph
from planner.solver import Step
from planner.track import track_of

POS = {"a": (0.0, 0.0), "b": (0.01, 0.0), "c": (0.01, 0.01)}  # (lon, lat)


def draw(*segments):
    """segments: (id, from, to, metres, ascent, descent)."""
    edges = [
        EdgeRecord(
            segment_id=sid,
            start=u,
            end=v,
            length=length,
            coords=None,
            ascent=up,
            descent=down,
        )
        for sid, u, v, length, up, down in segments
    ]
    return build_graph(((n, *POS[n], None) for n in POS), edges)


def step(sid, frm, to, length, drawn_from, span=None, toward=None):
    return Step(
        segment_id=sid,
        from_node=frm,
        to_node=to,
        reversed=drawn_from != frm,
        length_m=length if span is None else abs(span[1] - span[0]),
        trail="",
        kind="path",
        connector=False,
        repeated=span is not None,
        span_m=span,
        toward=toward,
    )


TRIANGLE = draw(
    ("ab", "a", "b", 1000, 100.0, 0.0),  # climbs 100 m from a to b
    ("bc", "b", "c", 1000, 0.0, 0.0),
    ("ac", "a", "c", 1400, 0.0, 0.0),
)
# the triangle walked a -> b -> c -> a: the last segment against its drawing
ROUND = [
    step("ab", "a", "b", 1000, "a"),
    step("bc", "b", "c", 1000, "b"),
    step("ac", "c", "a", 1400, "a"),
]
FLAT_LINES = {"ab": [POS["a"], POS["b"]], "bc": [POS["b"], POS["c"]]}
FLAT_LINES["ac"] = [POS["a"], POS["c"]]


def test_the_line_runs_the_way_walked_and_each_step_starts_where_the_last_ended():
    track = track_of(ROUND, TRIANGLE, FLAT_LINES)

    assert track.coords == [POS["a"], POS["b"], POS["c"], POS["a"]]
    assert track.step_ends == [1, 2, 3]


def test_a_step_partway_along_a_segment_draws_only_that_part():
    spur = [
        step("ab", "a", "a", 250, "a", span=(0.0, 500.0), toward="b"),
        step("ab", "a", "a", 250, "a", span=(500.0, 0.0), toward="b"),
    ]

    track = track_of(spur, TRIANGLE, FLAT_LINES)

    half = (POS["a"][0] + POS["b"][0]) / 2, 0.0
    assert track.coords == [POS["a"], pytest.approx(half), POS["a"]]


def test_without_elevations_the_climb_adds_up_the_segments_own_the_way_walked():
    track = track_of(ROUND, TRIANGLE, FLAT_LINES)

    assert (track.ascent_m, track.descent_m) == (100, 0)
    back = [
        step("ac", "a", "c", 1400, "a"),
        step("bc", "c", "b", 1000, "b"),
        step("ab", "b", "a", 1000, "a"),
    ]
    assert track_of(back, TRIANGLE, FLAT_LINES).descent_m == 100
    assert track_of(back, TRIANGLE, FLAT_LINES).eles is None
    assert track_of(back, TRIANGLE, FLAT_LINES).profile is None


def test_part_of_a_segment_walked_out_and_back_climbs_about_its_share_each_way():
    # a quarter of a 100 m climb, out and back: half of 25 m each way, twice
    spur = [
        step("ab", "a", "a", 250, "a", span=(0.0, 250.0), toward="b"),
        step("ab", "a", "a", 250, "a", span=(250.0, 0.0), toward="b"),
    ]

    track = track_of(spur, TRIANGLE, FLAT_LINES)

    assert (track.ascent_m, track.descent_m) == (pytest.approx(25), pytest.approx(25))


def test_the_climb_is_unknown_when_any_segment_s_is():
    unknown = draw(
        ("ab", "a", "b", 1000, 100.0, 0.0),
        ("bc", "b", "c", 1000, None, None),
        ("ac", "a", "c", 1400, 0.0, 0.0),
    )

    track = track_of(ROUND, unknown, FLAT_LINES)

    assert (track.ascent_m, track.descent_m) == (None, None)


def test_with_elevations_on_every_line_the_climb_is_measured_over_the_whole_walk():
    # the lines say a is at 1000 m, b at 1060 m and c at 1000 m, whatever the
    # segments' own climb says (100 m on ab)
    lines = {
        "ab": [(*POS["a"], 1000.0), (*POS["b"], 1060.0)],
        "bc": [(*POS["b"], 1060.0), (*POS["c"], 1000.0)],
        "ac": [(*POS["a"], 1000.0), (*POS["c"], 1000.0)],
    }

    track = track_of(ROUND, TRIANGLE, lines)

    assert (track.ascent_m, track.descent_m) == (60, 60)
    assert track.eles == [1000, 1060, 1000, 1000]
    assert track.profile is not None
    assert [e for _, e in track.profile] == [1000, 1060, 1060, 1000, 1000, 1000]
    # each step's first point sits at the metres walked before it
    assert [d for d, _ in track.profile][::2] == [0, 1000, 2000]
