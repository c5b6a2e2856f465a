"""The ground checker on hand-drawn walks whose answer you can see, and real tracks.

Walks are drawn in metres (x east, y north) and turned into lon/lat near 45° N, so
"500 m east" is what it says.
"""

from __future__ import annotations

import math
import time

import pytest

from trails.gpx import parse_gpx
from trails.ground import (
    overlapping_pairs,
    repeated_m,
    repeated_stretches,
    walk_length_m,
)

LAT0 = 45.0
M_PER_DEG_LAT = 111_195.0


def drawn(*points: tuple[float, float]) -> list[tuple[float, float]]:
    """(x, y) metres -> (lon, lat) near 45° N."""
    m_per_deg_lon = M_PER_DEG_LAT * math.cos(math.radians(LAT0))
    return [(x / m_per_deg_lon, LAT0 + y / M_PER_DEG_LAT) for x, y in points]


def track(shared_data, name: str) -> list[tuple[float, float]]:
    ways, _, _ = parse_gpx(shared_data / "gpx" / name)
    return ways[0].coords


def test_a_walk_is_as_long_as_its_pieces():
    assert walk_length_m(drawn((0, 0), (300, 0), (300, 400))) == pytest.approx(
        700, rel=0.002
    )


def test_a_square_loop_walks_no_ground_twice():
    square = drawn((0, 0), (500, 0), (500, 500), (0, 500), (0, 0))
    assert repeated_m(square) == 0


def test_an_out_and_back_repeats_its_whole_way_back():
    # Less the turn itself: the first metres back are the walk's own neighbours.
    assert repeated_m(drawn((0, 0), (500, 0), (0, 0))) == pytest.approx(500, abs=15)


def test_the_repeated_stretch_of_an_out_and_back_is_the_way_back():
    [(start, end)] = repeated_stretches(drawn((0, 0), (500, 0), (0, 0)))
    assert start == pytest.approx(500, abs=15)
    assert end == pytest.approx(1000, abs=1)


def test_a_lollipop_repeats_its_stem():
    stem_then_loop = drawn(
        (0, 0), (300, 0), (300, 300), (600, 300), (600, 0), (300, 0), (0, 0)
    )
    assert repeated_m(stem_then_loop) == pytest.approx(300, abs=15)


def test_a_figure_eight_crossing_itself_repeats_nothing():
    eight = drawn((0, 0), (400, 400), (400, 0), (0, 400), (0, 0))
    assert repeated_m(eight) == 0


def test_a_shallow_crossing_is_a_touch_not_a_repeat():
    # Two passes meeting at 30 degrees are within 3 m of each other for ~12 m.
    zigzag = drawn((0, 0), (400, 0), (400, 200), (0, -31))
    assert repeated_m(zigzag) == 0


def test_up_one_way_and_down_another_drawn_beside_it_is_repeated():
    # Two OSM ways on nearly the same nodes: different segments, the same ground.
    twin = drawn((0, 0), (500, 0), (500, 0.5), (0, 0.5))
    assert repeated_m(twin) == pytest.approx(500, abs=15)


def test_up_one_trail_and_down_another_30_m_away_is_not_repeated():
    apart = drawn((0, 0), (500, 0), (500, 30), (0, 30))
    assert repeated_m(apart) == 0


def test_only_the_later_pass_counts():
    # Walked three times: two extra passes.
    thrice = drawn((0, 0), (500, 0), (0, 0), (500, 0))
    assert repeated_m(thrice) == pytest.approx(1000, abs=30)


def test_two_lines_sharing_200_m_overlap_by_200_m():
    a = drawn((0, 0), (300, 0))
    b = drawn((100, 100), (100, 0.3), (300, 0.2), (300, 100))
    [(i, j, shared)] = overlapping_pairs([a, b])
    assert (i, j) == (0, 1)
    assert shared == pytest.approx(200, abs=8)


def test_lines_walked_the_other_way_still_overlap():
    a = drawn((0, 0), (300, 0))
    b = drawn((300, 1), (0, 1))
    [(_, _, shared)] = overlapping_pairs([a, b])
    assert shared == pytest.approx(300, abs=8)


def test_crossing_lines_and_lines_meeting_at_a_junction_do_not_overlap():
    a = drawn((0, 0), (300, 0))
    crossing = drawn((150, -100), (150, 100))
    continuing = drawn((300, 0), (600, 0))
    branching = drawn((300, 0), (500, 150))
    assert overlapping_pairs([a, crossing, continuing, branching]) == []


def test_parallel_lines_30_m_apart_do_not_overlap():
    assert overlapping_pairs([drawn((0, 0), (500, 0)), drawn((0, 30), (500, 30))]) == []


def test_the_lake_angeles_hike_comes_back_the_way_it_went(shared_data):
    # A recorded out-and-back (12.2 km, start and end 19 m apart): the GPS puts the
    # two passes a few metres apart, so it takes a GPS-sized tolerance. Looked at
    # on a plot: the whole way back lies on the way out.
    hike = track(shared_data, "Lake_Angeles.gpx")
    length = walk_length_m(hike)
    assert 0.4 * length < repeated_m(hike, tolerance_m=15) <= 0.5 * length


def test_the_tour_des_dents_du_midi_is_a_loop(shared_data):
    # 47.5 km, closed, and on a plot never back on its own trail.
    tour = track(shared_data, "grp-tour-des-dents-du-midi.gpx")
    assert repeated_m(tour) == 0
    assert repeated_m(tour, tolerance_m=10) < 0.01 * walk_length_m(tour)


def test_the_istrian_route_is_a_loop_with_one_short_spur(shared_data):
    # 6.7 km drawn by hand; at 5.4 km it steps ~45 m off to a point and back.
    route = track(shared_data, "route.gpx")
    [(start, end)] = repeated_stretches(route)
    assert 5300 < start < end < 5450


def test_a_long_walk_is_measured_quickly(shared_data):
    # 2,269 vertices over 47 km: the bench checks every offered walk this way.
    tour = track(shared_data, "grp-tour-des-dents-du-midi.gpx")
    t = time.perf_counter()
    repeated_m(tour)
    assert time.perf_counter() - t < 0.5
