"""A plan measures its loops on their lines: ground walked twice on ways the
import could not merge is reported, through the API, as a hiker's GPS would
count it."""

import pytest
from django.urls import reverse

from trails.geo import METRES_PER_MILE
from trails.ground import repeated_m
from trails.importers import import_file
from trails.tests.features import ORIGIN
from trails.tests.features import metres_at as at

pytestmark = pytest.mark.django_db

LON, LAT = ORIGIN


@pytest.fixture
def block(osm_file, places):
    """From a car park, a footway 400 m south and back up a service road drawn
    2.5 m east of it, each mapped as ways of 8-10 m (as city blocks often
    are): no two ways run beside each other far enough to be merged as one
    piece of ground, so the only loop there walks its ground twice on two sets
    of segments."""
    nodes = {1: at(0, 0, {"amenity": "parking", "name": "Block car park"})}
    down = [1] + [100 + i for i in range(1, 41)]  # every 10 m down the footway
    for i in range(1, 41):
        nodes[100 + i] = at(0, -10 * i)
    up = [down[-1]] + [200 + i for i in range(50)] + [1]  # every 8 m up the road
    for i in range(50):
        nodes[200 + i] = at(2.5, -400 + 8 * i + 4)
    ways = [
        {"id": n, "nodes": pair, "tags": {"highway": kind}}
        for n, (pair, kind) in enumerate(
            [([a, b], "footway") for a, b in zip(down, down[1:])]
            + [([a, b], "service") for a, b in zip(up, up[1:])],
            start=1,
        )
    ]
    import_file(osm_file(nodes, ways), "block")
    return {"lat": f"{LAT - 0.01}", "lon": f"{LON}"}


def test_a_loop_over_ground_walked_twice_on_other_ways_says_so(client, block):
    response = client.get(
        reverse("planner:api_plan"),
        {**block, "drive_miles": "10", "hike_miles": "0.5"},
    )

    [loop] = response.json()["loops"]
    assert loop["kind"] == "loop"
    on_the_ground = repeated_m(loop["geometry"]["coordinates"])
    assert on_the_ground > 300
    assert loop["repeated_miles"] * METRES_PER_MILE == pytest.approx(
        on_the_ground, abs=0.01 * METRES_PER_MILE
    )
