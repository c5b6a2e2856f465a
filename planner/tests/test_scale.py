"""Plans whose range holds more network than a plan should load (issue 12), on
the real Andorra network with the limits made small enough to bite."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from planner import density, graph_cache, plans
from planner.api_forms import ApiTripForm
from trails.geo import haversine_m
from trails.models import DataVersion, Segment, Trailhead

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
    grid = density.Grid(box)
    assert grid.segments_in(box) == walkable.count()
    half = (box[0], box[1], (box[0] + box[2]) / 2, box[3])
    assert 0 < grid.segments_in(half) < walkable.count()


def test_a_range_with_too_much_network_plans_around_the_best_trailhead_only(
    fresh, monkeypatch
):
    query = _query(drive="60", hike="6", budget=3.0)
    whole = plans.make_plan(query)
    plans.GRAPHS.clear()
    cache.clear()
    monkeypatch.setattr(graph_cache, "LOAD_SEGMENTS", 1500)
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
    monkeypatch.setattr(graph_cache, "LOAD_SEGMENTS", 100)
    monkeypatch.setattr(graph_cache, "MAX_SEGMENTS", 200)
    response = api(client, **FAR)
    assert response.status_code == 200
    body = response.json()
    assert body["loops"] == []
    assert "more trail than LoopGenie can search at once" in body["message"]


def test_a_refused_walk_is_said_in_the_length_the_hiker_asked_for(
    client, fresh, monkeypatch
):
    # 6 miles, not "10 km" rounded and then turned into "6.2 mi"
    monkeypatch.setattr(graph_cache, "LOAD_SEGMENTS", 100)
    monkeypatch.setattr(graph_cache, "MAX_SEGMENTS", 200)
    assert api(client, **FAR).json()["message"].startswith("A walk of 6.0 mi ")
    page = client.get(
        reverse("planner:plan"),
        {"start": "Andorra la Vella", "drive": "100", "hike": "10", "units": "km"},
    )
    assert "A walk of 10.0 km reaches more trail" in page.content.decode()


def _query(**fields):
    form = ApiTripForm({"start": "Andorra la Vella", "units": "mi"} | fields)
    assert form.is_valid(), form.errors
    return form.trip_query()


def test_a_worker_keeps_no_more_region_graphs_than_its_segment_allowance(fresh):
    west = (1.40, 42.42, 1.55, 42.66)
    east = (1.55, 42.42, 1.79, 42.66)
    graphs = graph_cache.GraphCache(size=4, segments=10**6)
    graphs.get(west)
    graphs.get(east)
    assert len(graphs.items) == 2
    held = graphs._held()
    small = graph_cache.GraphCache(size=4, segments=held - 1)
    small.get(west)
    small.get(east)
    # the newest is kept, the oldest dropped to stay within the allowance
    assert [key[0] for key in small.items] == [east]


def test_a_staff_edit_leaves_plans_elsewhere_cached_and_makes_its_own_stale(
    admin_client, fresh, square
):
    here = _query(drive="20", hike="5")
    away = _query(start=f"{square['lat']},{square['lon']}", drive="5", hike="0.8")
    assert plans.make_plan(here)["loops"] and plans.make_plan(away)["loops"]
    seg = Segment.objects.filter(source=fresh).order_by("id").first()
    response = admin_client.post(
        reverse("admin:trails_segment_changelist"),
        {"action": "close_segments", "_selected_action": [seg.pk]},
    )
    assert response.status_code == 302
    assert plans.make_plan(away)["stats"]["cache"] == "hit"
    assert plans.make_plan(here)["stats"]["cache"] == "miss"


def test_an_import_changes_the_version_of_its_own_ground_only(fresh, osm_file):
    from trails.importers import import_file

    andorra = (1.4, 42.4, 1.8, 42.7)
    elsewhere = (20.0, 50.0, 20.1, 50.1)
    before = DataVersion.of(andorra), DataVersion.of(elsewhere)
    nodes = {1: (20.05, 50.05, {}), 2: (20.06, 50.05, {})}
    import_file(
        osm_file(nodes, [{"id": 1, "nodes": [1, 2], "tags": {"highway": "path"}}]),
        "far away",
    )
    assert DataVersion.of(andorra) == before[0]
    assert DataVersion.of(elsewhere) > before[1]


def test_a_grid_of_a_box_around_a_pole_stays_small_and_counts_right(fresh):
    grid = density.Grid((-400.0, -30.0, 400.0, 89.99))
    assert grid.count.size <= 2 * density.MAX_CELLS
    walkable = Segment.objects.walkable().count()
    assert grid.segments_in((-180.0, -90.0, 180.0, 90.0)) == walkable


def test_a_plan_with_no_drive_goes_stale_with_the_trailheads_a_walk_away():
    # 1.6 km west of a tile's edge: a trailhead 1.9 km east, a walk from the
    # start, is in the next tile, beyond half of a 0.5-mile walk
    query = plans.TripQuery(lat=42.5, lon=0.98, label="x", drive_m=0.0, hike_m=805.0)
    before = plans.version_of(query)
    DataVersion.bump([(1.003, 42.5, 1.003, 42.5)])
    assert plans.version_of(query) > before


def test_the_garbage_collector_is_back_on_after_a_region_graph_is_built(fresh):
    # Building a graph pauses the collector; a worker left without it would grow
    # until it is killed.
    import gc

    assert gc.isenabled()
    assert plans.make_plan(_query(drive="10", hike="6", budget=0.25))["loops"]
    assert gc.isenabled()
    with pytest.raises(RuntimeError), graph_cache.collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("the database went away")
    assert gc.isenabled()
