"""The drive-distance estimate: straight line times a road factor, said plainly."""

import math

import pytest

from planner.drive import DriveEstimator, StraightLineEstimator, search_radius_m

# One degree of latitude along a meridian on the mean-radius sphere.
ONE_DEGREE_M = math.radians(1) * 6_371_008.8

ANDORRA_LA_VELLA = (42.50779, 1.52109)
SANT_JULIA = (42.46372, 1.49129)


def test_the_estimate_is_the_straight_line_times_the_road_factor():
    estimator = StraightLineEstimator()
    assert estimator.drive_m(40.0, -105.0, 41.0, -105.0) == pytest.approx(
        ONE_DEGREE_M * 1.3
    )


def test_the_estimate_takes_latitude_before_longitude():
    # 1 degree of longitude at 60°N is half a degree of arc: the order matters.
    estimator = StraightLineEstimator(road_factor=1.0)
    assert estimator.drive_m(60.0, 10.0, 60.0, 11.0) == pytest.approx(
        ONE_DEGREE_M / 2, rel=1e-3
    )


def test_the_estimate_is_symmetric_and_zero_at_the_start():
    estimator = StraightLineEstimator()
    there = estimator.drive_m(*ANDORRA_LA_VELLA, *SANT_JULIA)
    back = estimator.drive_m(*SANT_JULIA, *ANDORRA_LA_VELLA)
    assert there == pytest.approx(back)
    assert 6_000 < there < 8_000  # 5.5 km apart as the crow flies
    assert estimator.drive_m(*ANDORRA_LA_VELLA, *ANDORRA_LA_VELLA) == 0


def test_the_page_is_told_how_the_estimate_is_made():
    assert StraightLineEstimator().describe() == (
        "Drive distances are estimates: straight-line distance × 1.3 for winding roads."
    )
    assert "× 1.45 " in StraightLineEstimator(road_factor=1.45).describe()


@pytest.mark.parametrize("factor", [0.9, 0, -1, math.nan, math.inf])
def test_a_road_factor_below_one_or_not_a_number_is_refused(factor):
    with pytest.raises(ValueError, match="road_factor"):
        StraightLineEstimator(road_factor=factor)


def test_the_search_radius_reaches_exactly_as_far_as_the_drive():
    estimator = StraightLineEstimator()
    radius = search_radius_m(26_000, estimator)
    assert radius == pytest.approx(20_000)
    assert estimator.search_radius_m(26_000) == radius
    # A point on the edge of the search circle is exactly the drive away.
    lat = 40.0 + math.degrees(radius / 6_371_008.8)
    assert estimator.drive_m(40.0, -105.0, lat, -105.0) == pytest.approx(26_000)


def test_a_road_router_can_stand_in_for_the_straight_line():
    class Router:
        """The shape a road-routing engine would have."""

        def drive_m(self, lat1, lon1, lat2, lon2):
            return 0.0

        def search_radius_m(self, drive_m):
            return drive_m

        def describe(self):
            return "Drive distances come from the road network."

    assert isinstance(Router(), DriveEstimator)
    assert isinstance(StraightLineEstimator(), DriveEstimator)
    assert search_radius_m(5000, Router()) == 5000


@pytest.mark.parametrize("drive", [-1, math.nan, math.inf])
def test_a_drive_that_is_not_a_distance_is_refused(drive):
    with pytest.raises(ValueError, match="drive distance"):
        search_radius_m(drive, StraightLineEstimator())
