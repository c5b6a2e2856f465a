"""The hiker's pages and downloads, end to end through the test client."""

import re

import gpxpy
import pytest
from django.urls import reverse
from django.utils.http import urlencode

from trails.geo import METRES_PER_MILE
from trails.models import Trail

pytestmark = pytest.mark.django_db

TRIP = {"start": "Andorra la Vella", "drive": "20", "hike": "12"}


def page(client, **params):
    return client.get(reverse("planner:plan"), params)


def test_the_home_page_offers_the_trip_form_with_labels(client, world):
    html = client.get(reverse("planner:home")).content.decode()
    for label in ("Start from", "Drive at most", "Hike about", "Days", "Units"):
        assert f">{label}</label>" in html
    assert 'action="/plan"' in html and 'method="get"' in html
    assert "© OpenStreetMap contributors" in html


def test_a_plan_page_shows_the_loop_summary_stages_and_cue_sheet(client, world):
    response = page(client, **TRIP, days="2")
    assert response.status_code == 200
    html = response.content.decode()
    assert "12.0 mi over 2 days from Andorra la Vella, Andorra" in html
    assert html.count('<article class="loop"') == 3
    assert "Naismith" in html and "Cue sheet" in html
    assert html.count('<table class="days">') == 3
    assert html.count('<tr class="day-trailhead">') == 3  # day 2 ends at the car
    assert "straight-line" in html
    assert 'id="map-data"' in html
    assert "© OpenStreetMap contributors" in html


def test_kilometres_are_used_on_the_page_when_picked(client, world):
    html = page(client, start="Andorra la Vella", drive="30", hike="16", units="km")
    html = html.content.decode()
    assert "16.0 km from Andorra la Vella" in html
    assert " mi<" not in html


def test_the_gpx_download_reads_back_with_the_same_length(client, world):
    api = client.get(
        reverse("planner:api_plan"),
        {"place": "Andorra la Vella", "drive_miles": "20", "hike_miles": "12"},
    ).json()
    for n, loop in enumerate(api["loops"], start=1):
        response = client.get(reverse("planner:plan_gpx"), {**TRIP, "loop": n})
        assert response["Content-Type"] == "application/gpx+xml"
        assert "attachment" in response["Content-Disposition"]
        gpx = gpxpy.parse(response.content.decode())
        miles = gpx.length_2d() / METRES_PER_MILE
        assert miles == pytest.approx(loop["length_miles"], abs=0.02)
        assert gpx.waypoints[0].name == loop["trailhead"]["name"]


def test_the_geojson_download_is_a_closed_line(client, world):
    response = client.get(reverse("planner:plan_geojson"), {**TRIP, "loop": "1"})
    data = response.json()
    line = data["features"][0]["geometry"]["coordinates"]
    assert line[0] == line[-1]
    assert data["features"][1]["properties"]["role"] == "trailhead"


def test_a_missing_loop_number_is_a_404_not_a_crash(client, world):
    for loop in ("9", "0", "two"):
        response = client.get(reverse("planner:plan_gpx"), {**TRIP, "loop": loop})
        assert response.status_code == 404


def test_a_loop_number_given_twice_is_a_400_saying_so(client, world):
    query = urlencode([*TRIP.items(), ("loop", "1"), ("loop", "2")])
    response = client.get(f"{reverse('planner:plan_gpx')}?{query}")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["message"] for e in errors["loop"]] == ["Give this only once."]


def test_an_ambiguous_town_lists_links_that_keep_the_rest_of_the_trip(client, world):
    response = page(client, start="Springfield", drive="20", hike="12")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Springfield, Illinois, United States" in html
    assert "drive=20" in html and "hike=12" in html and "lat=" in html


def test_a_new_start_typed_over_the_old_one_without_javascript_is_the_start(
    client, world
):
    html = page(client, **TRIP).content.decode()
    form = html[html.index('<form class="trip-form') :]
    form = form[: form.index("</form>")]
    fields = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)
    )
    assert {"lat", "lon", "start_for"} <= set(fields)
    # the hiker types "Encamp" over "Andorra la Vella, Andorra" and sends the form
    again = page(client, **fields, start="Encamp", drive="20", hike="12")
    assert "12.0 mi from Encamp, Andorra" in again.content.decode()
    # the same form sent as it was keeps the start it had
    same = page(client, **fields, start=fields["start_for"], drive="20", hike="12")
    assert "12.0 mi from Andorra la Vella, Andorra" in same.content.decode()


def test_a_form_shown_again_keeps_the_defaults_the_question_left_out(client, world):
    html = page(client, start="Springfield", drive="20", hike="12").content.decode()

    def selected(name):
        options = re.search(rf'<select name="{name}".*?</select>', html, re.S)[0]
        return re.findall(r'<option value="([^"]*)"[^>]*selected', options)

    assert selected("tolerance") == ["10"]  # not the first choice, ±2%
    assert selected("units") == ["mi"] and selected("stems") == ["yes"]
    assert re.search(r'<input type="number" name="days" value="1"', html)
    # what the question did say is shown as it said it
    assert re.search(r'<input type="number" name="hike" value="12"', html)
    kept = page(client, start="Springfield", drive="20", hike="12", tolerance="20")
    assert 'value="20" selected' in kept.content.decode()


def test_no_loop_of_that_length_offers_the_closest_length_as_a_link(client, square):
    response = page(client, **square, drive="10", hike="3", stems="no")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="notice"' in html and "<article" not in html
    notice = html.split('class="notice"')[1].split("</p>")[0]
    assert " mi" in notice and " km" not in notice  # the hiker asked in miles
    assert "Closest lengths that do exist" in html
    assert "0.8 mi</a>" in html  # the square, offered as a link
    follow = page(client, **square, drive="10", hike="0.83", stems="no")
    assert "Square car park" in follow.content.decode()
    assert follow.content.decode().count('<article class="loop"') == 1


@pytest.mark.parametrize(
    "params, message",
    [
        ({**TRIP, "hike": "-3"}, "Hike length must be more than 0 miles."),
        ({**TRIP, "hike": "10000"}, "Hike length can be at most 250 miles."),
        ({**TRIP, "hike": "twelve"}, "Enter a number, like 12 or 12.5."),
        ({**TRIP, "drive": "-1"}, "A drive cannot be negative: 0 means you start"),
        ({**TRIP, "days": "30"}, "less than or equal to 14"),
        ({**TRIP, "start": ""}, "Say where you start"),
        ({**TRIP, "start": "Atlantis-under-the-sea"}, "No place called"),
        ({**TRIP, "start": "95, 10"}, "atitude"),
        ({**TRIP, "start": "y" * 300}, "at most 200 characters"),
        ({**TRIP, "units": "furlongs"}, "Select a valid choice"),
    ],
)
def test_bad_input_shows_a_message_next_to_the_field(client, world, params, message):
    response = page(client, **params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="error" role="alert"' in html


def test_a_trail_name_with_a_script_tag_is_shown_as_text(client, world):
    Trail.objects.filter(source=world, name="GR-11").update(
        name="<script>alert(1)</script>"
    )
    html = page(client, start="Andorra la Vella", drive="30", hike="20").content
    assert b"<script>alert(1)</script>" not in html


def test_the_same_plan_twice_is_served_from_the_cache(client, world, caplog):
    trip = {**TRIP, "hike": "12.3"}  # a question no other test asks
    with caplog.at_level("INFO", logger="loopgenie.plans"):
        first = page(client, **trip)
        again = page(client, **trip)
    lines = [r.message for r in caplog.records if r.message.startswith("plan ")]
    assert len(lines) == 2
    assert "cache=miss" in lines[0] and "solve_s=" in lines[0] and "nodes=" in lines[0]
    assert lines[1].endswith("cache=hit") and "hike_m=19795" in lines[1]
    assert again.content == first.content


def test_an_edit_to_the_data_is_shown_at_once_not_a_cached_page(client, world):
    from trails.models import DataVersion

    trip = {**TRIP, "hike": "12.4"}
    assert "Edited credit line" not in page(client, **trip).content.decode()
    world.attribution = "Edited credit line"  # shown on every plan of the region
    world.save()
    DataVersion.bump()  # what every admin save does
    assert "Edited credit line" in page(client, **trip).content.decode()


def test_the_gpx_description_uses_the_hikers_units(client, world):
    for units, unit in (("mi", " mi "), ("km", " km ")):
        params = {**TRIP, "hike": "19.3" if units == "km" else "12", "units": units}
        gpx = gpxpy.parse(
            client.get(reverse("planner:plan_gpx"), {**params, "loop": "1"}).content
        )
        assert unit in gpx.description
        assert "Planned with LoopGenie" in gpx.description


def test_the_cue_sheet_and_gpx_say_which_marks_to_follow(client, world):
    trip = {"start": "Ordino", "drive": "10", "hike": "8"}
    page = client.get(reverse("planner:plan"), trip).content.decode()
    cues = page[page.index('<table class="cues">') :]
    assert '<strong class="route">' in cues
    assert re.search(r' <span class="marks">\([a-z-]+ marks\)</span>', cues)
    described = [
        gpxpy.parse(
            client.get(reverse("planner:plan_gpx"), {**trip, "loop": n}).content
        ).description
        for n in (1, 2, 3)
    ]
    assert any("follows " in d and " marks)" in d for d in described)
