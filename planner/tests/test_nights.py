"""Multi-day trips on the real Andorra network, through the page, the API and
the GPX: nights at real huts and campsites, the longest-day and shelter
options, and beds staff closed for the season."""

from html import unescape

import gpxpy
import pytest
from django.urls import reverse

from trails.geo import haversine_m
from trails.models import Campsite, DataVersion
from trails.network import CAMP_KINDS

pytestmark = pytest.mark.django_db

KIND_NAMES = {label for _, label in Campsite.Kind.choices}  # unnamed beds

# Three days, 30 miles, from Andorra la Vella: one of the demo region's trips.
THREE_DAYS = {
    "lat": "42.50779",
    "lon": "1.52109",
    "drive_miles": "20",
    "hike_miles": "30",
    "days": "3",
}


def api(client, **params):
    return client.get(reverse("planner:api_plan"), params)


def nights(loop):
    return [day["ends_at"] for day in loop["days"][:-1]]


def test_every_night_of_a_three_day_trip_is_at_a_bed_of_the_raw_data(
    client, world, andorra_network
):
    beds = [(p.lon, p.lat) for p in andorra_network.places if p.kind in CAMP_KINDS]

    body = api(client, **THREE_DAYS).json()

    assert body["status"] == "ok" and body["notice"] is None
    for loop in body["loops"]:
        assert len(loop["days"]) == 3
        for night in nights(loop):
            nearest = min(haversine_m(night["lon"], night["lat"], *b) for b in beds)
            assert nearest <= 300
            assert night["type"] == "bed" and night["bed"]["name"] == night["name"]
        miles = [day["miles"] for day in loop["days"]]
        mean = sum(miles) / 3
        assert all(abs(m - mean) <= 0.25 * mean for m in miles)
        assert sum(miles) == pytest.approx(loop["length_miles"], abs=0.05)


def test_a_night_says_what_the_data_says_of_its_bed(client, world):
    body = api(client, **THREE_DAYS).json()

    beds = [night["bed"] for loop in body["loops"] for night in nights(loop)]
    for bed in beds:
        camp = Campsite.objects.get(pk=bed["id"])
        assert bed["kind"] == camp.kind
        assert bed["capacity"] == camp.capacity
        assert bed["website"] == (camp.website or None)
    assert any(bed["capacity"] for bed in beds)


def test_at_most_twelve_miles_a_day_takes_as_many_days_as_it_needs(client, world):
    body = api(
        client, **{**THREE_DAYS, "days": "", "max_day_miles": "12", "hike_miles": "30"}
    ).json()

    assert body["query"]["days"] == 3 and body["query"]["max_day"] == 12
    for loop in body["loops"]:
        assert all(day["miles"] <= 12 for day in loop["days"])


def test_bad_longest_days_and_shelter_answers_are_plain_400s(client, world):
    for params, field, says in (
        ({"max_day_miles": "twelve"}, "max_day_miles", "Enter a number"),
        ({"max_day_miles": "nan"}, "max_day_miles", "Enter a number"),
        ({"max_day_miles": "-3"}, "max_day_miles", "more than 0"),
        ({"max_day_miles": "0.1"}, "max_day_miles", "at least 0.5"),
        ({"max_day_miles": "900"}, "max_day_miles", "at most 250"),
        ({"max_day_miles": "12", "days": "2"}, "days", "at least 3 days"),
        ({"max_day_miles": "1", "days": ""}, "max_day_miles", "up to 14"),
        ({"shelters": "maybe"}, "shelters", "Say yes or no"),
    ):
        response = api(client, **{**THREE_DAYS, **params})
        assert response.status_code == 400, params
        assert says in " ".join(response.json()["errors"][field]), params


def test_the_page_shows_the_same_mistakes_next_to_the_fields(client, world):
    page = client.get(
        reverse("planner:plan"),
        {"start": "Andorra la Vella", "drive": "20", "hike": "30", "days": "2"}
        | {"max_day": "12", "shelters": "perhaps"},
    )

    assert page.status_code == 400  # the trip form again, not a crash
    html = page.content.decode()
    assert "take at least 3 days" in html
    assert "Say yes or no." in html


def test_without_shelters_no_night_is_at_a_shelter(client, world):
    body = api(client, **THREE_DAYS, shelters="false").json()

    assert body["query"]["shelters"] is False
    # a loop within 1% cut into days may rank first, its nights at no bed
    beds = [n["bed"] for loop in body["loops"] for n in nights(loop) if n["bed"]]
    kinds = [bed["kind"] for bed in beds]
    assert kinds and "shelter" not in kinds


def test_a_bed_closed_for_the_season_is_left_out(client, world):
    first = api(client, **THREE_DAYS).json()
    used = {n["bed"]["id"] for loop in first["loops"] for n in nights(loop) if n["bed"]}
    assert used

    Campsite.objects.filter(pk__in=used).update(closed_reason="Closed for winter")
    DataVersion.bump()
    again = api(client, **THREE_DAYS).json()

    after = {
        n["bed"]["id"] for loop in again["loops"] for n in nights(loop) if n["bed"]
    }
    assert again["loops"] and not used & after


def test_the_gpx_has_a_waypoint_for_each_night_at_its_bed(client, world):
    params = {"lat": "42.50779", "lon": "1.52109", "drive": "20", "hike": "30"}
    # the first walk that sleeps at beds (a loop within 1% cut into days, its
    # nights at none, may rank before it)
    plan = api(client, **THREE_DAYS).json()
    rank = next(
        i
        for i, loop in enumerate(plan["loops"], start=1)
        if all(n["bed"] for n in nights(loop))
    )

    response = client.get(
        reverse("planner:plan_gpx"), {**params, "days": "3"} | {"loop": str(rank)}
    )

    waypoints = gpxpy.parse(response.content).waypoints[1:]  # after the trailhead
    assert [w.name.split(":")[0] for w in waypoints] == ["Night 1", "Night 2"]
    for waypoint in waypoints:
        bed = Campsite.objects.get(lat=waypoint.latitude, lon=waypoint.longitude)
        named = bed.name or bed.get_kind_display()
        assert waypoint.name.endswith(f": {named}")
        assert waypoint.type == bed.get_kind_display()
        assert "End of day" in waypoint.description


def test_the_page_has_a_day_by_day_table_naming_each_bed(client, world):
    html = client.get(
        reverse("planner:plan"),
        {"lat": "42.50779", "lon": "1.52109", "drive": "20", "hike": "30", "days": "3"},
    ).content.decode()

    # a walk that sleeps at beds (a loop within 1% cut into days, its nights at
    # none, may rank before it)
    tables = [t[: t.index("</table>")] for t in html.split('<table class="days">')[1:]]
    rows = next(
        rows
        for rows in (t.split('<tr class="day-')[1:] for t in tables)
        if [row.split('"')[0] for row in rows] == ["bed", "bed", "trailhead"]
    )
    for row in rows[:2]:
        name = unescape(row.split("<strong>")[1].split("</strong>")[0])
        assert Campsite.objects.filter(name=name).exists() or name in KIND_NAMES


@pytest.fixture
def wide_square(osm_file, places):
    """A lone square of paths 10.6 km round (two days of 5.3 km, the shortest
    days LoopGenie plans are 5 km) with a car park at one corner and no bed."""
    from trails.importers import import_file

    lon, lat, dlon, dlat = 11.0, 46.0, 0.0343, 0.0238
    nodes = {
        1: (lon, lat, {"amenity": "parking", "name": "Wide car park"}),
        2: (lon + dlon, lat, {}),
        3: (lon + dlon, lat + dlat, {}),
        4: (lon, lat + dlat, {}),
    }
    way = {"id": 1, "nodes": [1, 2, 3, 4, 1], "tags": {"highway": "path"}}
    import_file(osm_file(nodes, [way]), "wide square")
    return {"lat": f"{lat - 0.01}", "lon": f"{lon}"}


def test_nights_with_no_bed_are_marked_as_junctions_and_the_page_says_so(
    client, wide_square
):
    trip = {**wide_square, "hike": "6.6", "days": "2", "drive": "5"}

    body = api(
        client, **{**wide_square, "hike_miles": "6.6", "days": "2", "drive_miles": "5"}
    ).json()
    html = client.get(reverse("planner:plan"), trip).content.decode()
    gpx = gpxpy.parse(
        client.get(reverse("planner:plan_gpx"), {**trip, "loop": "1"}).content
    )

    [night] = nights(body["loops"][0])
    assert night["type"] == "junction" and night["bed"] is None
    assert body["notice"].startswith("No loop in range puts every night at a hut")
    assert body["notice"] in html
    assert "No bed here" in html
    assert gpx.waypoints[1].type == "Junction (no bed)"
