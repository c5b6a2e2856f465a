"""Closures follow the ground: plain functions on lines drawn by hand.

A trail runs east along y = 0 through x = 0..6; in the first import it has
junctions at x = 2 and 4, so its segments are 0-2, 2-4 and 4-6. Staff close 2-4.
"""

from trails.closures import Ground, State, decide, pieces


def along(*xs: float) -> list[list[float]]:
    return [[x, 0.0] for x in xs]


CLOSED_BY_STAFF = State(is_open=False, reason="Washed out")


def test_a_closure_follows_its_ground_when_a_new_junction_shifts_the_ids():
    ground = Ground([("Ridge (segment w1/1)", along(2, 3, 4), CLOSED_BY_STAFF)])
    # A side trail joins at x = 1: the segments are now 0-1, 1-2, 2-4, 4-6.
    states = [ground.state(along(*xs), "") for xs in ((0, 1), (1, 2), (2, 3, 4))]
    assert states == [(True, ""), (True, ""), (False, "Washed out")]
    assert ground.state(along(4, 5, 6), "") == (True, "")
    assert ground.unplaced() == []


def test_both_halves_of_a_closed_stretch_a_side_trail_splits_stay_closed():
    ground = Ground([("Ridge (segment w1/1)", along(2, 3, 4), CLOSED_BY_STAFF)])
    assert ground.state(along(4, 3), "") == (False, "Washed out")  # drawn backwards
    assert ground.state(along(2, 3), "") == (False, "Washed out")


def test_a_segment_with_any_closed_ground_is_closed():
    ground = Ground([("Ridge (segment w1/1)", along(2, 3, 4), CLOSED_BY_STAFF)])
    # The junction at x = 4 is gone: 2-6 is one segment, and one closed piece
    # closes it.
    assert ground.state(along(2, 3, 4, 5, 6), "") == (False, "Washed out")


def test_a_closure_whose_ground_is_gone_is_reported_as_not_placed():
    ground = Ground(
        [
            ("Ridge (segment w1/1)", along(2, 3, 4), CLOSED_BY_STAFF),
            # The file's own closure: gone with its ground, nothing to report.
            ("Ridge (segment w1/2)", along(4, 5), State(False, "Snow", "Snow")),
        ]
    )
    ground.state(along(0, 1), "")  # the rerouted trail covers none of it
    (closure,) = ground.unplaced()
    assert (closure.label, closure.reason) == ("Ridge (segment w1/1)", "Washed out")


def test_the_file_s_word_applies_only_when_it_says_something_new():
    # Staff reopened what the file closed: the same file leaves it open.
    reopened = State(is_open=True, reason="", file_reason="Bridge out")
    assert decide(reopened, "Bridge out") == (True, "")
    # A newer file closes it again for a new reason: that applies.
    assert decide(reopened, "Landslide") == (False, "Landslide")
    # Ground nobody remarked on: the file closes and opens it.
    assert decide(State(), "Snow") == (False, "Snow")
    assert decide(State(False, "Snow", "Snow"), "") == (True, "")
    # Staff's own closure outlasts the file's silence, and the file lifting its own.
    assert decide(CLOSED_BY_STAFF, "") == (False, "Washed out")
    assert decide(State(False, "Washed out", "Snow"), "") == (False, "Washed out")


def test_pieces_ignore_elevation_direction_and_repeated_vertices():
    assert pieces([[1, 0, 900], [0, 0, 950], [0, 0]]) == [((0, 0), (1, 0))]
