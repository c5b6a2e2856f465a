"""The JSON API on the real Andorra network, through the test client."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trails.geo import METRES_PER_MILE, haversine_m, line_length_m
from trails.models import Segment, Trailhead, WalkingRoute

pytestmark = pytest.mark.django_db

TEN_MILES = {"place": "Andorra la Vella", "drive_miles": "20", "hike_miles": "10"}


def api(client, **params):
    return client.get(reverse("planner:api_plan"), params)


def test_a_ten_mile_plan_from_andorra_la_vella_is_a_closed_walk_on_real_segments(
    client, world
):
    body = api(client, **TEN_MILES).json()
    assert body["query"]["place"] == "Andorra la Vella, Andorra"
    assert len(body["loops"]) == 3
    for loop in body["loops"]:
        coords = loop["geometry"]["coordinates"]
        assert coords[0] == coords[-1]
        th = Trailhead.objects.get(id=loop["trailhead"]["id"])
        start = th.junction
        assert haversine_m(start.lon, start.lat, *coords[0]) < 1.0
        ids = [s["segment_id"] for s in loop["segments"]]
        segments = Segment.objects.in_bulk(ids)
        assert len(segments) == len(set(ids))
        assert all(segments[i].is_open for i in ids)
        walked = sum(segments[i].length_m for i in ids) / METRES_PER_MILE
        assert walked == pytest.approx(loop["length_miles"], abs=0.01)
        drawn = line_length_m(coords) / METRES_PER_MILE
        assert drawn == pytest.approx(loop["length_miles"], abs=0.02)
        assert abs(loop["length_miles"] - 10) <= 1.0


def test_the_best_loop_closes_the_length_repeating_no_more_than_an_approach(
    client, world
):
    best = api(client, **TEN_MILES).json()["loops"][0]
    assert best["rank"] == 1
    assert best["length_miles"] == pytest.approx(10, abs=0.1)
    # a car park a few steps off the trail is walked to and back: nothing more
    assert best["kind"] in ("loop", "lollipop")
    assert best["repeated_miles"] <= 0.1


def test_alternatives_are_materially_different(client, world):
    loops = api(client, **TEN_MILES).json()["loops"]
    sets = [{s["segment_id"] for s in loop["segments"]} for loop in loops]
    lengths = [
        {s["segment_id"]: s["miles"] for s in loop["segments"]} for loop in loops
    ]
    for i in range(len(loops)):
        for j in range(i):
            shared = sum(lengths[i][s] for s in sets[i] & sets[j])
            assert shared <= 0.5 * loops[i]["length_miles"] + 0.01


def test_a_day_hike_is_one_day_that_ends_back_at_the_trailhead(client, world):
    loop = api(client, **TEN_MILES).json()["loops"][0]
    (day,) = loop["days"]
    assert day["miles"] == pytest.approx(loop["length_miles"], abs=0.01)
    assert day["ends_at"]["name"] == "Back at the trailhead"
    start = loop["geometry"]["coordinates"][0]
    assert (day["ends_at"]["lon"], day["ends_at"]["lat"]) == pytest.approx(start)


def test_days_split_the_loop_into_stages_that_add_up(client, world):
    body = api(client, **TEN_MILES, days="2").json()
    loop = body["loops"][0]
    assert len(loop["days"]) == 2
    total = sum(day["miles"] for day in loop["days"])
    assert total == pytest.approx(loop["length_miles"], abs=0.02)
    assert all(day["ends_at"]["lat"] for day in loop["days"])


def test_no_trailhead_in_range_names_the_nearest_one(client, world):
    # Toulouse is about 150 km north of Andorra, far beyond a 10-mile drive.
    body = api(
        client, lat="43.6045", lon="1.4440", drive_miles="10", hike_miles="5"
    ).json()
    assert body["loops"] == [] and body["status"] == "no_trailhead"
    near = body["nearest_trailhead"]
    assert near is not None and 80 < near["drive_miles"] < 150
    assert "No trailhead is within 10 miles" in body["message"]
    assert near["name"] in body["message"]


def test_a_length_the_network_cannot_make_is_answered_honestly(client, world):
    body = api(
        client,
        place="Andorra la Vella",
        drive_miles="3",
        hike_miles="240",
        days="8",
        tolerance="2",
        allow_stems="false",
    ).json()
    assert body["loops"] == []
    assert body["status"] == "no_loop"
    assert body["message"]


def test_trailheads_lists_those_in_range_with_their_drive(client, world):
    response = client.get(
        reverse("planner:api_trailheads"),
        {"lat": "42.5078", "lon": "1.5211", "drive_miles": "5"},
    )
    assert response.status_code == 200
    rows = response.json()["trailheads"]
    assert rows and all(row["drive_miles"] <= 5 for row in rows)
    assert [r["drive_miles"] for r in rows] == sorted(r["drive_miles"] for r in rows)
    assert "straight-line" in response.json()["drive_note"]


def test_the_trailheads_in_range_cost_the_same_few_queries_however_many_there_are(
    client, world, django_assert_max_num_queries
):
    # A long drive reaches thousands of trailheads: each one read must not cost
    # a query of its own (a field the plan reads, left out of the one query).
    url = reverse("planner:api_trailheads")
    near = {"lat": "42.5078", "lon": "1.5211", "drive_miles": "2"}
    far = {**near, "drive_miles": "60"}
    assert len(client.get(url, near).json()["trailheads"]) < len(
        client.get(url, far).json()["trailheads"]
    )
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(url, near)
    cache.clear()
    with django_assert_max_num_queries(len(few)):
        client.get(url, far)
    cache.clear()
    with CaptureQueriesContext(connection) as plan_near:
        client.get(reverse("planner:api_plan"), {**near, "hike_miles": "6"})
    cache.clear()
    with django_assert_max_num_queries(len(plan_near) + 2):
        client.get(reverse("planner:api_plan"), {**far, "hike_miles": "6"})


def test_trailheads_refuses_a_plan_parameter_by_its_name(client, world):
    response = client.get(
        reverse("planner:api_trailheads"),
        {"lat": "42.5", "lon": "1.52", "drive_miles": "5", "hike_miles": "10"},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"hike_miles": ["Not used here."]}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"drive_miles": "20", "hike_miles": "10"}, "lat"),
        ({**TEN_MILES, "hike_miles": "-5"}, "hike_miles"),
        ({**TEN_MILES, "hike_miles": "ten"}, "hike_miles"),
        ({**TEN_MILES, "hike_miles": "10000"}, "hike_miles"),
        ({**TEN_MILES, "hike_miles": "nan"}, "hike_miles"),
        ({**TEN_MILES, "drive_miles": "-1"}, "drive_miles"),
        ({**TEN_MILES, "drive_miles": "1e309"}, "drive_miles"),
        ({**TEN_MILES, "days": "15"}, "days"),
        ({**TEN_MILES, "days": "1.5"}, "days"),
        ({**TEN_MILES, "tolerance": "0.7"}, "tolerance"),
        ({**TEN_MILES, "alternatives": "50"}, "alternatives"),
        ({**TEN_MILES, "allow_stems": "maybe"}, "allow_stems"),
        ({"lat": "95", "lon": "1.5", "drive_miles": "20", "hike_miles": "10"}, "lat"),
        ({"lat": "42.5", "lon": "x", "drive_miles": "20", "hike_miles": "10"}, "lon"),
        ({**TEN_MILES, "place": "Atlantis-under-the-sea"}, "place"),
        ({**TEN_MILES, "place": "Springfield"}, "place"),
        ({**TEN_MILES, "place": "x" * 5000}, "place"),
        ({**TEN_MILES, "colour": "red"}, "colour"),
        ({**TEN_MILES, "units": "furlongs"}, "units"),
    ],
)
def test_bad_parameters_get_a_400_naming_the_field(client, world, params, field):
    response = api(client, **params)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors and errors[field]


def test_a_repeated_parameter_is_refused(client, world):
    response = client.get(
        reverse("planner:api_plan") + "?place=Andorra+la+Vella&drive_miles=20"
        "&hike_miles=10&hike_miles=12"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["hike_miles"] == ["Give this only once."]


def test_an_ambiguous_place_lists_the_choices(client, world):
    body = api(client, **{**TEN_MILES, "place": "Springfield"}).json()
    assert any("Illinois" in c for c in body["errors"]["place_choices"])


def test_kilometres_are_used_in_the_query_echo(client, world):
    body = api(client, **TEN_MILES, units="km").json()
    assert body["query"]["units"] == "km"
    assert body["query"]["hike"] == pytest.approx(16.093, abs=0.001)
    assert body["loops"][0]["length_miles"] == pytest.approx(10, abs=0.1)


def test_a_loop_climbs_what_it_descends(client, world, shared_data):
    from django.core.management import call_command

    call_command("add_elevation", str(shared_data / "dem" / "N42E001.hgt.zip"))
    loops = api(client, **{**TEN_MILES, "hike_miles": "10.2"}).json()["loops"]
    for loop in loops:
        if loop["kind"] == "loop":
            assert loop["ascent_ft"] > 500
            # Equal up to the 10 m noise band `climb` ignores at a profile's ends
            # (summing segments instead left 50 m between them).
            assert loop["ascent_ft"] == pytest.approx(loop["descent_ft"], abs=33)


def test_walks_name_the_waymarked_routes_they_follow_and_avoid_flagged_ways(
    client, world
):
    body = api(client, place="Ordino", drive_miles="10", hike_miles="8").json()
    assert body["loops"]
    marked = [loop for loop in body["loops"] if loop["routes"]]
    assert marked, "Ordino's valleys carry the GR 11 and the GRP"
    for loop in marked:
        # each route once (a route's stages name the same marks), by its label
        labels = {_label(r["ref"] or r["name"]) for r in loop["routes"]}
        on = [s for s in loop["segments"] if s["routes"]]
        routes = WalkingRoute.objects.in_bulk({r for s in on for r in s["routes"]})
        assert on and {_label(r.ref or r.name) for r in routes.values()} == labels
        miles = sum(s["miles"] for s in on)
        assert loop["waymarked_miles"] == pytest.approx(miles, abs=0.05)
        assert 0 < loop["waymarked_miles"] <= loop["length_miles"]
        assert len(labels) == len(loop["routes"])
    routes = [r for loop in marked for r in loop["routes"]]
    assert any(r["marks"].endswith(" marks") for r in routes)
    walked = Segment.objects.filter(
        id__in=[s["segment_id"] for loop in body["loops"] for s in loop["segments"]]
    )
    assert not walked.exclude(trail__flag="").exists()


def _label(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def test_each_loop_has_its_cue_sheet(client, world):
    body = api(client, place="Ordino", drive_miles="10", hike_miles="8").json()
    for loop in body["loops"]:
        cues = loop["cues"]
        assert cues[0]["turn"] is None and cues[0]["at_miles"] == 0
        assert all(c["turn"] for c in cues[1:])
        assert sum(c["miles"] for c in cues) == pytest.approx(
            loop["length_miles"], abs=0.01 * len(cues)
        )
        assert sum(c["road_miles"] for c in cues) == pytest.approx(
            loop["road_miles"], abs=0.01 * len(cues)
        )
    marks = {c["marks"] for lp in body["loops"] for c in lp["cues"] if c["marks"]}
    assert marks and all(m.endswith(" marks") for m in marks)
