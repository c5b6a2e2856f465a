"""The trail and waymarked route pages on the real Andorra network: what a hiker
sees, the 404s, and the two buttons, which lead to plans that start at the
trailhead or walk the trail."""

import re
from dataclasses import replace
from html import unescape

import pytest
from django.db.models import Sum
from django.http import QueryDict
from django.urls import reverse

from planner.forms import TripForm
from planner.plans import make_plan
from planner.solver import DEFAULT_BUDGET_S
from trails.geo import METRES_PER_MILE
from trails.models import Campsite, Segment, Trail, Trailhead, WalkingRoute

pytestmark = pytest.mark.django_db


def longest(model, **where):
    return (
        model.objects.filter(**where)
        .annotate(m=Sum("segments__length_m"))
        .order_by("-m", "id")
        .first()
    )


def sorteny_track():
    """A track up the Sorteny valley (the longer of those so named), a few steps
    from a car park with plenty of loops."""
    return longest(Trail, name="Pista de Sorteny")


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def button(html: str, text: str) -> str:
    found = re.search(r'<a class="button" href="([^"]+)">' + text + "</a>", html)
    assert found, f"no button {text!r}"
    return unescape(found.group(1))


def plan_for(link: str) -> dict:
    """The plan document a page's link asks for, through the trip form."""
    path, _, query = link.partition("?")
    assert path == reverse("planner:plan")
    form = TripForm(QueryDict(query))
    assert form.is_valid(), form.errors
    # What these tests look at is where the loops go, not how fast they come: a
    # second of search, so a machine busy with other work finds them too.
    return make_plan(replace(form.trip_query(), budget_s=1.0))


def test_a_trail_page_shows_its_length_routes_and_the_data_licence(client, world):
    trail = sorteny_track()
    html = page(client, reverse("planner:trail", args=[trail.pk]))
    assert f"<h1>{trail.name}</h1>" in html
    walkable = Segment.objects.filter(trail=trail).walkable()
    miles = sum(s.length_m for s in walkable) / METRES_PER_MILE
    assert f'<dd class="length">{miles:.1f} mi</dd>' in html
    for route in WalkingRoute.objects.filter(segments__trail=trail).distinct():
        assert reverse("planner:route", args=[route.pk]) in html
    assert "© OpenStreetMap contributors" in html
    assert "ODbL 1.0" in html
    assert 'id="map-data"' in html and "leaflet.js" in html


def test_a_page_speaks_the_hikers_units(client, world):
    trail = sorteny_track()
    html = page(client, reverse("planner:trail", args=[trail.pk]), units="km")
    km = sum(s.length_m for s in Segment.objects.filter(trail=trail).walkable())
    assert f'<dd class="length">{km / 1000:.1f} km</dd>' in html
    assert "hike=15&amp;units=km" in html


def test_the_climb_is_the_segments_ascent_when_every_one_is_known(client, world):
    trail = sorteny_track()
    url = reverse("planner:trail", args=[trail.pk])
    assert "not known" in page(client, url)  # the test extract has no elevation
    Segment.objects.filter(trail=trail).update(ascent_m=100)
    count = Segment.objects.filter(trail=trail).count()
    assert f'<dd class="climb">{count * 100 * 3.28084:,.0f} ft</dd>' in page(
        client, url
    )


def test_a_route_page_lists_the_trails_it_uses_and_the_huts_on_it(client, world):
    route = longest(WalkingRoute)
    html = page(client, reverse("planner:route", args=[route.pk]))
    assert "Waymarked route" in html
    for trail in Trail.objects.filter(segments__routes=route).distinct()[:20]:
        assert reverse("planner:trail", args=[trail.pk]) in html
    ends = set()
    for start, end in Segment.objects.filter(routes=route).values_list(
        "start_id", "end_id"
    ):
        ends |= {start, end}
    on_it = Campsite.objects.filter(junction_id__in=ends).exclude(name="")
    off_it = Campsite.objects.exclude(junction_id__in=ends).exclude(name="")
    assert on_it.exists()
    for camp in on_it:
        assert str(camp) in unescape(html)
    far = [c for c in off_it if str(c) not in unescape(html)]
    assert far, "some hut away from the route is not listed"


def test_trailheads_on_or_near_the_trail_are_listed_and_far_ones_are_not(client, world):
    html = unescape(page(client, reverse("planner:trail", args=[sorteny_track().pk])))
    listed = html.split("<h2>Trailheads</h2>")[1].split("<h2>")[0]
    assert "Portell de Sorteny" in listed  # a car park a few steps off it
    south = Trailhead.objects.exclude(name="").order_by("lat", "id").first()
    assert str(south) not in listed


def test_unknown_trails_and_routes_are_404s(client, world):
    for url in ("/trails/999999/", "/routes/999999/", "/trails/0/"):
        assert client.get(url).status_code == 404
    assert client.get("/trails/abc/").status_code == 404


def test_a_flagged_trail_says_so_and_offers_no_plan_that_walks_it(client, world):
    flagged = Trail.objects.exclude(flag="").exclude(kind=Trail.Kind.ROAD)
    trail = flagged.filter(flag_override=False).order_by("id").first()
    html = page(client, reverse("planner:trail", args=[trail.pk]))
    assert "flagged in the data" in html
    assert "does not plan loops on it" in html
    assert "Plan a loop that walks this" not in html


def test_a_closed_part_is_said_with_its_reason(client, world):
    trail = sorteny_track()
    first = Segment.objects.filter(trail=trail).order_by("id").first()
    first.is_open, first.closed_reason = False, "washed out"
    first.save()
    html = page(client, reverse("planner:trail", args=[trail.pk]))
    assert "Part of it is closed (washed out)" in html


def test_plan_a_loop_from_here_starts_every_loop_at_the_nearest_trailhead(
    client, world
):
    html = page(client, reverse("planner:trail", args=[sorteny_track().pk]))
    link = button(html, "Plan a loop from here")
    th = Trailhead.objects.get(pk=QueryDict(link.partition("?")[2])["trailhead"])
    assert th.name.startswith("Portell de Sorteny")
    doc = plan_for(link)
    assert doc["loops"]
    assert {loop["trailhead"]["id"] for loop in doc["loops"]} == {th.pk}
    assert client.get(link).status_code == 200


def test_plan_a_loop_that_walks_this_walks_some_of_the_trail_in_every_loop(
    client, world
):
    trail = sorteny_track()
    html = page(client, reverse("planner:trail", args=[trail.pk]))
    doc = plan_for(button(html, "Plan a loop that walks this"))
    assert doc["loops"]
    for loop in doc["loops"]:
        assert any(s["trail_id"] == trail.pk for s in loop["segments"])


def test_a_route_pages_button_plans_loops_that_walk_the_route(client, world):
    route = longest(WalkingRoute)
    html = page(client, reverse("planner:route", args=[route.pk]))
    doc = plan_for(button(html, "Plan a loop that walks this"))
    assert doc["loops"]
    for loop in doc["loops"]:
        assert any(route.pk in s["routes"] for s in loop["segments"])


def test_a_plan_that_must_walk_a_trail_searches_twice_as_long_as_a_plain_one(
    client, world
):
    # its walks must touch the trail, so fewer of those found count: at the
    # plain 0.25 s the Sorteny plan found none once the machine was busy
    html = page(client, reverse("planner:trail", args=[sorteny_track().pk]))
    budgets = []
    for text in ("Plan a loop that walks this", "Plan a loop from here"):
        form = TripForm(QueryDict(button(html, text).partition("?")[2]))
        assert form.is_valid(), form.errors
        budgets.append(form.trip_query().budget_s)
    assert budgets == [2 * DEFAULT_BUDGET_S, DEFAULT_BUDGET_S]
