"""How far a hiker drives to a trailhead: an estimate behind a small interface.

Today the estimate is the straight line times a road factor, said plainly on the
page. A road-routing engine can replace it later by implementing `DriveEstimator`;
nothing else in the planner knows how the number is made. No Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from trails.geo import haversine_m

DEFAULT_ROAD_FACTOR = 1.3


@runtime_checkable
class DriveEstimator(Protocol):
    def drive_m(self, lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        """Driving distance in metres from (lat1, lon1) to (lat2, lon2)."""
        ...

    def search_radius_m(self, drive_m: float) -> float:
        """A straight-line radius holding every point within `drive_m` of driving.

        Roads are never shorter than the straight line, so `drive_m` itself is
        always safe; an estimator that knows more can search a smaller circle.
        """
        ...

    def describe(self) -> str:
        """One plain sentence for the page saying how drive distances are made."""
        ...


@dataclass(frozen=True)
class StraightLineEstimator:
    """Great-circle distance times `road_factor`, the usual allowance for roads
    that wind (1.2 to 1.4 in most studies of road networks)."""

    road_factor: float = DEFAULT_ROAD_FACTOR

    def __post_init__(self) -> None:
        if not (math.isfinite(self.road_factor) and self.road_factor >= 1):
            raise ValueError(
                f"road_factor must be a number of at least 1, not {self.road_factor}"
            )

    def drive_m(self, lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        return haversine_m(lon1, lat1, lon2, lat2) * self.road_factor

    def search_radius_m(self, drive_m: float) -> float:
        return _checked(drive_m) / self.road_factor

    def describe(self) -> str:
        return (
            "Drive distances are estimates: straight-line distance "
            f"× {self.road_factor:g} for winding roads."
        )


def search_radius_m(drive_m: float, estimator: DriveEstimator) -> float:
    """The straight-line radius to search for trailheads within `drive_m` of
    driving: drive_m / 1.3 for the default estimator."""
    return estimator.search_radius_m(_checked(drive_m))


def _checked(drive_m: float) -> float:
    if not (math.isfinite(drive_m) and drive_m >= 0):
        raise ValueError(f"a drive distance must be 0 or more metres, not {drive_m}")
    return drive_m
