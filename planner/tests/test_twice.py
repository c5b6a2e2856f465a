"""The plan's own measure of ground walked twice (`planner/twice.py`) gives the
independent checker's figures (`trails/ground.py`), on real tracks and on walks
drawn to sit at the checker's edges."""

from __future__ import annotations

import pytest

from planner import twice
from trails import ground
from trails.gpx import parse_gpx
from trails.tests.test_ground import drawn

HIKES = [
    "Lake_Angeles.gpx",
    "Mojstrovka.gpx",
    "cerknicko-jezero.gpx",
    "grp-tour-des-dents-du-midi.gpx",
    "korita-zbevnica.gpx",
    "route.gpx",
]


@pytest.mark.parametrize("name", HIKES)
@pytest.mark.parametrize("tolerance_m", [3.0, 10.0])
def test_a_real_hike_repeats_the_same_stretches_by_both_measures(
    shared_data, name, tolerance_m
):
    ways, _, _ = parse_gpx(shared_data / "gpx" / name)
    coords = [c for way in ways for c in way.coords]
    for walk in (coords, coords + coords[::-1][1:]):  # and out and back again
        assert twice.repeated_stretches(walk, tolerance_m) == (
            ground.repeated_stretches(walk, tolerance_m)
        )


@pytest.mark.parametrize("apart_m", [2.9, 3.1])
@pytest.mark.parametrize("beside_m", [14.0, 16.0, 40.0])
def test_down_one_way_and_back_up_another_beside_it_agrees_at_the_edges(
    apart_m, beside_m
):
    # a block walked round: out along y=0, back `apart_m` north of it
    walk = drawn(
        (-200, -100),
        (0, 0),
        (beside_m, 0),
        (beside_m + 30, apart_m / 2),
        (beside_m, apart_m),
        (0, apart_m),
        (-200, 100),
    )
    assert twice.repeated_m(walk) == ground.repeated_m(walk)


def test_a_square_loop_and_a_single_point_repeat_nothing():
    assert twice.repeated_m(drawn((0, 0), (500, 0), (500, 500), (0, 500), (0, 0))) == 0
    assert twice.repeated_m(drawn((0, 0))) == 0
    assert twice.repeated_m(drawn((0, 0), (0, 0))) == 0


@pytest.mark.parametrize("name", HIKES[:3])
def test_a_stretch_walked_back_partway_is_found_where_it_is(shared_data, name):
    # `_worth_a_look` looks at every 4th sample to find where to look: a walk
    # that turns back along a stretch in its middle and goes on elsewhere
    # repeats only there, and every sample of it is still measured
    ways, _, _ = parse_gpx(shared_data / "gpx" / name)
    coords = [c for way in ways for c in way.coords]
    third = len(coords) // 3
    walk = coords[: 2 * third] + coords[third : 2 * third][::-1][1:40]
    found = twice.repeated_stretches(walk, 3.0)
    assert found == ground.repeated_stretches(walk, 3.0)
    assert found  # the stretch walked back is there
