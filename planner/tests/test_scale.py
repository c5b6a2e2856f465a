"""Plans whose range holds more network than a plan should load (issue 12), on
the real Andorra network with the limits made small enough to bite."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from planner import density, plans
from planner.forms import ApiTripForm
from trails.geo import haversine_m
from trails.models import Segment, Trailhead

pytestmark = pytest.mark.django_db

FAR = {"place": "Andorra la Vella", "drive_miles": "60", "hike_miles": "6"}


@pytest.fixture
def fresh(world):
    """No region graph nor density tile kept from another test's data."""
    plans.GRAPHS.clear()
    density.TILE_CACHE.clear()
    yield world
    plans.GRAPHS.clear()
    density.TILE_CACHE.clear()


def api(client, **params):
    return client.get(reverse("planner:api_plan"), params)


def test_the_density_grid_counts_every_walkable_segment(fresh):
    walkable = Segment.objects.walkable()
    box = (
        min(s.min_lon for s in walkable) - 0.01,
        min(s.min_lat for s in walkable) - 0.01,
        max(s.max_lon for s in walkable) + 0.01,
        max(s.max_lat for s in walkable) + 0.01,
    )
    grid = density.Grid(box, version=-1)
    assert grid.segments_in(box) == walkable.count()
    half = (box[0], box[1], (box[0] + box[2]) / 2, box[3])
    assert 0 < grid.segments_in(half) < walkable.count()


def test_a_range_with_too_much_network_plans_around_the_best_trailhead_only(
    fresh, monkeypatch
):
    query = _query(drive="60", hike="6", budget=1.0)
    whole = plans.make_plan(query)
    plans.GRAPHS.clear()
    cache.clear()
    monkeypatch.setattr(plans, "LOAD_SEGMENTS", 1500)
    trimmed = plans.make_plan(query)
    assert trimmed["status"] == "ok"
    assert len(trimmed["loops"]) == 3
    for loop in trimmed["loops"]:
        assert abs(loop["length_m"] - query.hike_m) <= 0.1 * query.hike_m
    # the network loaded is the part near one trailhead, not the whole range
    assert trimmed["stats"]["graph_edges"] < 0.8 * whole["stats"]["graph_edges"]
    starts = [Trailhead.objects.get(id=x["trailhead"]["id"]) for x in trimmed["loops"]]
    apart = max(haversine_m(a.lon, a.lat, b.lon, b.lat) for a in starts for b in starts)
    assert apart <= 2 * 15_000
    assert trimmed["trailheads_in_range"] == whole["trailheads_in_range"]


def test_a_walk_that_needs_more_network_than_the_most_is_refused_plainly(
    client, fresh, monkeypatch
):
    monkeypatch.setattr(plans, "LOAD_SEGMENTS", 100)
    monkeypatch.setattr(plans, "MAX_SEGMENTS", 200)
    response = api(client, **FAR)
    assert response.status_code == 200
    body = response.json()
    assert body["loops"] == []
    assert "more trail than LoopGenie can search at once" in body["message"]


def _query(**fields):
    form = ApiTripForm({"start": "Andorra la Vella", "units": "mi", **fields})
    assert form.is_valid(), form.errors
    return form.trip_query()


def test_a_worker_keeps_no_more_region_graphs_than_its_segment_allowance(fresh):
    version = plans.DataVersion.current()
    west = (1.40, 42.42, 1.55, 42.66)
    east = (1.55, 42.42, 1.79, 42.66)
    graphs = plans._GraphCache(size=4, segments=10**6)
    graphs.get(west, version)
    graphs.get(east, version)
    assert len(graphs.items) == 2
    held = graphs._held()
    small = plans._GraphCache(size=4, segments=held - 1)
    small.get(west, version)
    small.get(east, version)
    # the newest is kept, the oldest dropped to stay within the allowance
    assert [key[0] for key in small.items] == [east]
