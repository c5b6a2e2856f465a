"""What the plan says of itself: "the search ran out of time" only when a better
walk is likely (the solver's `better_likely`), not whenever the budget ended."""

from planner.plans import TripQuery
from planner.presenters import message_for

QUERY = TripQuery(lat=42.5, lon=1.5, label="Encamp", drive_m=16_093, hike_m=16_093.44)
ROADY = {"error_m": 800.0, "repeated_m": 0.0, "connector_m": 3000.0, "length_m": 16_900}


def doc(**answer):
    return {"status": "ok", "loops": [ROADY], "timed_out": True, **answer}


def test_a_search_cut_short_while_still_improving_says_a_better_walk_may_exist():
    assert "ran out of time" in message_for(doc(better_likely=True), QUERY)


def test_a_search_cut_short_long_after_its_last_improvement_says_nothing():
    assert message_for(doc(better_likely=False), QUERY) is None


def test_a_clean_loop_needs_no_warning_either_way():
    clean = {"error_m": 10.0, "repeated_m": 0.0, "connector_m": 0.0, "length_m": 16_100}
    answer = {**doc(better_likely=True), "loops": [clean]}
    assert message_for(answer, QUERY) is None
