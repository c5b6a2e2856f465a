"""Planning from what a hiker found, on the real Andorra network: `trailhead=`
starts every loop there, `trail=` and `route=` walk some of it in every loop, on
the API and the plan page; bad ids are the hiker's error, never the server's."""

import re

import pytest
from django.db.models import Sum
from django.urls import reverse

from planner import links
from planner.plans import TripQuery, make_plan
from trails.geo import haversine_m
from trails.models import DataVersion, Segment, Trail, Trailhead, WalkingRoute

pytestmark = pytest.mark.django_db

SIX_MILES = {"hike_miles": "6"}


def api(client, **params):
    return client.get(reverse("planner:api_plan"), params)


def sorteny():
    """A car park on the Sorteny valley's trails, where loops are plenty."""
    return Trailhead.objects.get(name__startswith="Portell de Sorteny")


def cami_superior():
    """A named trail of 4.6 km in 29 segments (the longest of the two so named)."""
    return (
        Trail.objects.filter(name="Cami Superior")
        .annotate(m=Sum("segments__length_m"))
        .order_by("-m", "id")
        .first()
    )


def longest_route():
    return (
        WalkingRoute.objects.annotate(m=Sum("segments__length_m"))
        .order_by("-m", "id")
        .first()
    )


def test_a_trailhead_plan_starts_every_loop_at_that_trailhead(client, world):
    th = sorteny()
    body = api(client, trailhead=th.id, **SIX_MILES).json()
    assert body["status"] == "ok"
    assert body["loops"]
    for loop in body["loops"]:
        assert loop["trailhead"]["id"] == th.id
        start = loop["geometry"]["coordinates"][0]
        assert haversine_m(th.junction.lon, th.junction.lat, *start) < 1.0
    assert body["query"]["trailhead"] == th.id


def test_a_trailhead_plan_needs_no_start_or_drive_but_reports_the_drive_from_one(
    client, world
):
    th = sorteny()
    body = api(
        client, trailhead=th.id, place="Andorra la Vella", drive_miles="1", **SIX_MILES
    ).json()
    assert body["loops"]
    assert {loop["trailhead"]["id"] for loop in body["loops"]} == {th.id}
    assert body["loops"][0]["trailhead"]["drive_miles"] > 1


def test_a_trail_plan_walks_some_of_the_trail_in_every_loop(client, world):
    trail = cami_superior()
    body = api(client, trail=trail.id, **SIX_MILES).json()
    assert body["status"] == "ok"
    assert body["loops"]
    for loop in body["loops"]:
        assert any(s["trail_id"] == trail.id for s in loop["segments"])


def test_a_route_plan_walks_some_of_the_route_in_every_loop(client, world):
    route = longest_route()
    body = api(client, route=route.id, **SIX_MILES).json()
    assert body["loops"]
    for loop in body["loops"]:
        assert any(route.id in s["routes"] for s in loop["segments"])


def test_a_trail_plan_from_a_start_keeps_to_trailheads_in_range(client, world):
    start = {"place": "Andorra la Vella", "drive_miles": "20", **SIX_MILES}
    # a trail some loop from there walks: the one the best plain loop walks most
    plain = api(client, **start).json()["loops"][0]["segments"]
    on = {}
    for s in plain:
        if s["trail"]:
            on[s["trail_id"]] = on.get(s["trail_id"], 0) + s["miles"]
    trail_id = max(sorted(on), key=on.get)
    body = api(client, trail=trail_id, **start).json()
    assert body["loops"]
    for loop in body["loops"]:
        assert loop["trailhead"]["drive_miles"] <= 20
        assert any(s["trail_id"] == trail_id for s in loop["segments"])


def test_walking_a_trail_takes_no_less_of_it_than_any_plain_loop_from_that_trailhead(
    client, world
):
    th = sorteny()
    plain = api(client, trailhead=th.id, hike_miles="10").json()["loops"]

    def on_trail(loop, trail):
        return sum(s["miles"] for s in loop["segments"] if s["trail_id"] == trail.pk)

    # of the named trails of a mile or more the plain loops touch, the one they
    # walk the least share of: there is more of it to walk
    touched = {s["trail_id"] for loop in plain for s in loop["segments"]}
    trails = (
        Trail.objects.filter(pk__in=touched)
        .exclude(name="")
        .annotate(m=Sum("segments__length_m"))
        .filter(m__gte=1609)
        .order_by("id")
    )
    trail = min(trails, key=lambda t: max(on_trail(loop, t) for loop in plain) / t.m)

    asked = api(client, trailhead=th.id, trail=trail.pk, hike_miles="10").json()
    assert asked["loops"]
    walked = max(on_trail(loop, trail) for loop in plain)
    # (that it takes more where more fits: test_solver_must_walk.py, by hand)
    assert on_trail(asked["loops"][0], trail) >= walked > 0


def test_when_no_loop_walks_the_trail_it_says_so_by_name(client, world):
    # Sorteny is in the north; a 2-mile loop from it cannot reach the GR 7 in
    # the south.
    far = Trail.objects.filter(name__startswith="GR 7").order_by("id").first()
    body = api(client, trailhead=sorteny().id, trail=far.id, hike_miles="2").json()
    assert body["loops"] == []
    assert body["status"] == "no_loop"
    said = f"No loop within ±10% of 2.0 mi from {sorteny().name} "
    assert body["message"].startswith(said)  # in the hiker's units
    assert body["message"].endswith(f"{far.name}.")


def test_each_api_segment_carries_its_trail_id_and_routes(client, world):
    body = api(client, trailhead=sorteny().id, **SIX_MILES).json()
    segment = body["loops"][0]["segments"][0]
    row = Segment.objects.get(id=segment["segment_id"])
    assert segment["trail_id"] == row.trail_id
    assert set(segment["routes"]) == set(row.routes.values_list("id", flat=True))


def test_bad_ids_are_a_400_with_errors_never_a_500(client, world):
    trail, route = cami_superior(), longest_route()
    cases = [
        ({"trailhead": "999999"}, "trailhead"),
        ({"trailhead": "abc"}, "trailhead"),
        ({"trailhead": "-1"}, "trailhead"),
        ({"trailhead": "99999999999999999999999"}, "trailhead"),
        ({"trail": "999999"}, "trail"),
        ({"trail": "1.5"}, "trail"),
        ({"route": "x"}, "route"),
        ({"trail": str(trail.id), "route": str(route.id)}, "route"),
    ]
    for params, field in cases:
        response = api(client, **params, **SIX_MILES)
        assert response.status_code == 400, params
        errors = response.json()["errors"]
        assert field in errors, (params, errors)
        assert "lat" not in errors and "drive_miles" not in errors, (params, errors)


def test_a_start_without_a_drive_still_needs_the_drive(client, world):
    response = api(
        client, trail=cami_superior().id, place="Andorra la Vella", **SIX_MILES
    )
    assert response.status_code == 400
    assert "drive_miles" in response.json()["errors"]


def test_nothing_asked_still_needs_a_start_and_a_drive(client, world):
    response = api(client, **SIX_MILES)
    assert response.status_code == 400
    assert {"lat", "drive_miles"} <= set(response.json()["errors"])


def test_the_plan_page_plans_from_a_trailhead_and_says_so(client, world):
    th = sorteny()
    response = client.get(reverse("planner:plan"), {"trailhead": th.id, "hike": "6"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"from {th.name}" in page
    assert "Every loop starts at" in page
    # the downloads keep the loop, and the question to ask again
    tokens = re.findall(r'href="/loop/([^"/]+)\.gpx"', page)
    assert tokens
    for token in tokens:
        kept = links.read(token)
        assert kept.trailhead_id == th.id
        assert kept.question["trailhead"] == str(th.id)


def test_the_plan_page_shows_a_bad_id_next_to_the_form(client, world):
    response = client.get(reverse("planner:plan"), {"trail": "999999", "hike": "6"})
    assert response.status_code == 400
    assert "No trail with this id." in response.content.decode()


def test_other_trails_or_routes_are_other_questions(client, world):
    th = sorteny()
    plain = api(client, trailhead=th.id, **SIX_MILES).json()
    walking = api(client, trailhead=th.id, route=longest_route().id, **SIX_MILES)
    assert walking.json()["query"]["route"] == longest_route().id
    assert plain["query"]["route"] is None


def test_a_flagged_trail_plans_nothing_and_says_why(client, world):
    flagged = Trail.objects.exclude(flag="").filter(flag_override=False)
    trail = flagged.order_by("id").first()
    body = api(client, trail=trail.id, **SIX_MILES).json()
    assert body["status"] == "no_loop"
    assert body["message"] == (
        f"{trail} is closed or flagged in the data: LoopGenie plans no loops on it."
    )


def test_a_trailhead_gone_since_it_was_asked_for_is_said_not_a_500(world):
    th = sorteny()
    query = TripQuery(
        lat=None, lon=None, label="", drive_m=0, hike_m=9656, trailhead_id=th.id
    )
    Trailhead.objects.filter(pk=th.pk).update(junction=None)
    DataVersion.bump()
    doc = make_plan(query)
    assert doc["status"] == "no_trailhead"
    assert doc["message"] == "That trailhead is no longer on the trail network."


def test_the_plan_page_links_back_to_the_trail_it_walks(client, world):
    trail = cami_superior()
    response = client.get(reverse("planner:plan"), {"trail": trail.id, "hike": "6"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"walking {trail.name}" in page
    assert f'href="{reverse("planner:trail", args=[trail.id])}"' in page
