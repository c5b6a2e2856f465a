"""Trips a hiker cannot walk are refused with the nearest one they can; a drive of
0 plans from trailheads within a walk; far from the data, the page names the
regions LoopGenie knows."""

import html
import re

import pytest
from django.urls import reverse

from trails.models import Segment, Trailhead


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    "params, field_says",
    [
        (
            {"hike": "5", "days": "14"},
            "5 miles over 14 days is 0.4 miles a day; LoopGenie plans days of at "
            "least 3.1 miles (5 km). Try 5 miles over 1 day, or 43.5 miles over 14 "
            "days.",
        ),
        (
            {"hike": "60", "days": "1"},
            "60 miles in 1 day is 60 miles a day, more than 10 hours' walking by "
            "Naismith's rule (5 km/h on the flat, before any climb): LoopGenie's "
            "longest day is 31.1 miles. Try 60 miles over 2 days, or 31.1 miles in "
            "1 day.",
        ),
        (
            {"hike": "20", "days": "14", "units": "km"},
            "20 kilometres over 14 days is 1.4 kilometres a day; LoopGenie plans "
            "days of at least 5 kilometres (5 km). Try 20 kilometres over 4 days",
        ),
        (
            {"hike": "250", "days": "2"},
            "LoopGenie's longest day is 31.1 miles. Try 250 miles over 9 days, or "
            "62.1 miles in 2 days.",
        ),
    ],
)
def test_days_a_hiker_cannot_walk_get_the_nearest_trip_that_fits(
    client, world, params, field_says
):
    counts = Segment.objects.count(), Trailhead.objects.count()
    trip = {"start": "Andorra la Vella", "drive": "20", **params}
    response = client.get(reverse("planner:plan"), trip)
    assert response.status_code == 400
    text = _text(response)
    assert field_says in text
    assert "0.0 mi" not in text and '<article class="loop"' not in text
    assert (Segment.objects.count(), Trailhead.objects.count()) == counts


def test_the_api_refuses_them_the_same_way(client, world):
    base = {"place": "Andorra la Vella", "drive_miles": "20"}
    short = client.get("/api/plan", {**base, "hike_miles": "5", "days": "14"})
    assert short.status_code == 400
    assert "at least 3.1 miles" in short.json()["errors"]["days"][0]
    long = client.get("/api/plan", {**base, "hike_miles": "60"})
    assert long.status_code == 400
    assert "Try 60 miles over 2 days" in long.json()["errors"]["hike_miles"][0]


def test_a_drive_of_0_plans_from_trailheads_within_a_walk(client, world):
    th = Trailhead.objects.filter(junction__isnull=False, name__icontains="").first()
    near = {"lat": f"{th.lat + 0.005:.5f}", "lon": f"{th.lon:.5f}"}  # 560 m north
    response = client.get(reverse("planner:plan"), {**near, "drive": "0", "hike": "6"})
    assert response.status_code == 200
    text = _text(response)
    assert "Trailheads within a walk of 1.2 mi from the start:" in text
    assert text.count('<article class="loop"') >= 1
    assert "about 0.0 mi to" in text  # the drive to the trailhead: none


def test_a_drive_of_0_far_from_trailheads_says_so(client, world):
    # Pic de Coma Pedrosa's summit: trails, but no trailhead within 2 km.
    response = client.get(
        reverse("planner:plan"),
        {"lat": "42.5919", "lon": "1.4443", "drive": "0", "hike": "6"},
    )
    assert response.status_code == 200
    assert "No trailhead is within a walk of 1.2 miles of the start." in _text(response)


def test_far_from_the_data_the_page_names_the_regions_it_knows(client, world):
    paris = {"lat": "48.8566", "lon": "2.3522", "start": "Paris", "drive": "30"}
    response = client.get(reverse("planner:plan"), {**paris, "hike": "10"})
    text = _text(response)
    assert "LoopGenie has no trails near here" in text
    assert "Plan again with a drive of up to" not in text
    region = text[text.index('<ul class="regions">') :]
    link = re.search(r'<a href="([^"]+)">Andorra test</a>', region).group(1)
    assert "Andorra test" in region
    follow = client.get(link)
    assert follow.status_code == 200
    assert '<article class="loop"' in _text(follow)
    api = client.get(
        "/api/plan",
        {"lat": "48.8566", "lon": "2.3522", "drive_miles": "30", "hike_miles": "10"},
    ).json()
    assert [r["name"] for r in api["regions"]] == ["Andorra test"]


@pytest.mark.parametrize(
    "days, budget", [(1, 0.25), (2, 0.25), (3, 0.375), (4, 0.5), (9, 0.5)]
)
def test_a_trip_of_several_days_searches_longer_unless_the_api_says_how_long(
    days, budget
):
    from planner.api_forms import ApiTripForm
    from planner.forms import TripForm

    trip = {
        "start": "42.5,1.5",
        "drive": "20",
        "hike": str(8 * days),
        "days": str(days),
    }
    page = TripForm(trip)
    assert page.is_valid(), page.errors
    assert page.trip_query().budget_s == pytest.approx(budget)
    asked = ApiTripForm({**trip, "budget": "2"})
    assert asked.is_valid(), asked.errors
    assert asked.trip_query().budget_s == 2.0
