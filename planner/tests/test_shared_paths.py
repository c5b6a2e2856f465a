"""A cycleway shared with walkers (foot=designated) and a pedestrian street are
footways to a hiker, not roads: a loop takes a shared path over a street of the
same length, and says it walks a footway there."""

import math

import pytest
from django.urls import reverse

from trails.importers import import_file
from trails.tests.features import ORIGIN
from trails.tests.features import metres_at as at

pytestmark = pytest.mark.django_db

LON, LAT = ORIGIN


def diamond(osm_file, east_tags: dict) -> dict:
    """From a car park, a footway 1 km north to a junction, a street bending
    west to it and a way with `east_tags` bending east to it, each 1,166 m:
    the footway and either of the other two make a loop of 2,166 m."""
    nodes = {
        1: at(0, 0, {"amenity": "parking", "name": "Diamond car park"}),
        2: at(0, 1000),
        3: at(-300, 500),
        4: at(300, 500),
        5: at(0, 500),
    }
    ways = [
        {"id": 1, "nodes": [1, 5, 2], "tags": {"highway": "footway"}},
        {"id": 2, "nodes": [1, 3, 2], "tags": {"highway": "residential"}},
        {"id": 3, "nodes": [1, 4, 2], "tags": east_tags},
    ]
    import_file(osm_file(nodes, ways), "diamond")
    return {"lat": f"{LAT - 0.01}", "lon": f"{LON}", "drive_miles": "10"}


def first_loop(client, question: dict, miles: float) -> dict:
    response = client.get(
        reverse("planner:api_plan"), {**question, "hike_miles": f"{miles:.3f}"}
    )
    assert response.status_code == 200
    return response.json()["loops"][0]


LOOP_MI = (1000 + 2 * math.hypot(300, 500)) / 1609.344  # the footway and one more


@pytest.mark.parametrize(
    "east_tags",
    [
        {"highway": "cycleway", "foot": "designated"},
        {"highway": "cycleway", "foot": "yes"},
        {"highway": "pedestrian"},
    ],
)
def test_a_loop_takes_a_path_for_walkers_over_a_street(
    client, osm_file, places, east_tags
):
    loop = first_loop(client, diamond(osm_file, east_tags), LOOP_MI)
    kinds = {s["kind"] for s in loop["segments"]}
    assert kinds == {"footway"}  # the footway and the path for walkers: no road


def test_a_cycleway_that_does_not_say_walkers_may_use_it_stays_a_road(
    client, osm_file, places
):
    loop = first_loop(client, diamond(osm_file, {"highway": "cycleway"}), LOOP_MI)
    # both loops walk a road as far: either is first
    assert sorted(s["kind"] for s in loop["segments"]) == ["footway", "road"]
