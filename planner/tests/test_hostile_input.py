"""Hostile input on the hiker's side: any query string is answered, never a crash,
and names are text wherever they are shown.

Hypothesis builds query strings from a valid trip on the real Andorra network (so
many examples reach the solver) with any parameter replaced, repeated, or joined by
unknown ones: numbers huge, negative, NaN and infinite, text in any script, empty
values, broken percent-escapes. Every answer must be 200, 400, 404 (a download's
loop number) or 429, and every refusal of the API must say why in `errors`. The
search budget is kept small so each solve is short. The plan and response caches
stay on, as in production: they cannot hide a crash, because only an answer that
was computed without one is ever cached, and the examples rarely repeat a question.
(Clearing the cache would flush a Redis shared with other processes.)

Then trails and trailheads are renamed to script tags, and every place a name is
shown is checked: the plan page, the map's tooltips (in a real browser), the API,
the GPX and GeoJSON downloads and the staff admin.
"""

from __future__ import annotations

import json
import mimetypes
import re
from urllib.parse import quote, urlsplit

import gpxpy
import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trails.models import Campsite, DataVersion, Segment, Trail, Trailhead

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

PAGE_TRIP = {"start": "Andorra la Vella", "drive": "20", "hike": "6", "budget": "0.05"}
PAGE_COORDS = {"lat": "42.5078", "lon": "1.5211", "drive": "15", "hike": "5"}
API_TRIP = {
    "place": "Andorra la Vella",
    "drive_miles": "20",
    "hike_miles": "6",
    "budget": "0.05",
}
API_COORDS = {"lat": "42.5078", "lon": "1.5211", "drive_miles": "15", "hike_miles": "5"}
NEAR_COORDS = {"lat": "42.5078", "lon": "1.5211", "drive_miles": "5"}
NEAR_PLACE = {"place": "Encamp", "drive_miles": "10"}
PAGE_NAMES = [
    "start",
    "lat",
    "lon",
    "drive",
    "hike",
    "units",
    "days",
    "tolerance",
    "stems",
    "difficulty",
    "alternatives",
    "budget",
]
API_NAMES = [
    "place",
    "lat",
    "lon",
    "drive_miles",
    "hike_miles",
    "days",
    "tolerance",
    "alternatives",
    "allow_stems",
    "max_difficulty",
    "units",
    "budget",
]

ODD_NUMBERS = [
    "NaN",
    "nan",
    "-nan",
    "Infinity",
    "-inf",
    "1e309",
    "-1e309",
    "1e-400",
    "-0",
    "0",
    "0x10",
    "1_000",
    "١٢",  # Arabic-Indic digits: Python's float() reads them
    "12.5.3",
    " 12 ",
    "+5",
    "½",
    "9" * 5000,
    "-" + "9" * 400,
    "0." + "0" * 400 + "1",
]
ODD_TEXT = [
    "",
    " ",
    "\x00",
    "\t\n",
    "x" * 5000,
    "Andorra la Vella",
    "Springfield",
    "les Escaldes",
    "42.5, 1.52",
    "nan, nan",
    "inf, -inf",
    "90, 180",
    "-90, -180",
    "1e400, 5",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "true",
    "false",
    "yes",
    "km",
    "mi",
    "T3",
    "١٢٣",
    "🥾🏔️",
    "Ωμέγα",
    "\u202eevil",
]
NUMBERS = (
    st.integers(min_value=-(10**30), max_value=10**30).map(str)
    | st.floats(allow_nan=True, allow_infinity=True).map(repr)
    | st.floats(min_value=-100, max_value=300).map(lambda x: f"{x:.6g}")
    | st.sampled_from(ODD_NUMBERS)
)
TEXT = st.sampled_from(ODD_TEXT) | st.text(
    alphabet=st.characters(codec="utf-8"), max_size=40
)
VALUES = NUMBERS | TEXT
# Bytes a browser or a script may send that are not percent-encoded UTF-8 at all.
RAW_PIECES = ["%FF%FE", "%", "%E0%A4", "=", "&&", "name=%00", "a=b=c", "%25%32%35"]


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _short_budget(params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A valid budget longer than a tenth of a second becomes 0.05 s: a search that
    may take 5 s per example would make the test minutes long and prove nothing
    more. Invalid budgets stay, to be refused."""
    out = []
    for name, value in params:
        number = _number(value) if name == "budget" else None
        if number is not None and 0.1 < number <= 5:
            value = "0.05"
        out.append((name, value))
    return out


# Good values too, so that many examples get past the form and reach the solver.
GOOD = {
    "start": ["Andorra la Vella", "Encamp", "42.51, 1.52", "Springfield"],
    "place": ["Andorra la Vella", "Encamp", "42.51, 1.52", "Springfield"],
    "lat": ["42.5", "42.55", "42.4"],
    "lon": ["1.5", "1.6", "1.45"],
    "drive": ["5", "20", "60", "500"],
    "drive_miles": ["5", "20", "60", "500"],
    "hike": ["0.5", "3", "12", "40", "250"],
    "hike_miles": ["0.5", "3", "12", "40", "250"],
    "units": ["mi", "km"],
    "days": ["1", "2", "3", "14"],
    "tolerance": ["2", "5", "10", "20", "0.05"],
    "stems": ["yes", "no"],
    "allow_stems": ["true", "false", "0", "1"],
    "difficulty": ["", "1", "3", "6"],
    "max_difficulty": ["1", "3", "6"],
    "alternatives": ["1", "3", "5"],
    "budget": ["0.05", "0.08"],
    "loop": ["1", "2", "3", "0", "4"],
}


def values(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from(GOOD.get(name, ["1"])) | VALUES


def some(strategy, max_size: int):
    """Often none at all: a query with one bad part says more than one with five."""
    return st.just([]) | st.lists(strategy, min_size=1, max_size=max_size)


@st.composite
def query_strings(draw, trips: list[dict], names: list[str], extra=()) -> str:
    names = names + list(extra)
    params = dict(draw(st.sampled_from(trips)))
    for name in draw(some(st.sampled_from(names), 3)):
        params[name] = draw(values(name))
    for name in draw(some(st.sampled_from(names), 2)):
        params.pop(name, None)
    pairs = list(params.items())
    for name in draw(some(st.sampled_from(names), 2)):
        pairs.append((name, draw(values(name))))  # the same key twice
    unknown = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=12)
    pairs += draw(some(st.tuples(unknown, VALUES), 2))
    pairs = draw(st.permutations(_short_budget(pairs)))
    parts = [f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs]
    parts += draw(some(st.sampled_from(RAW_PIECES), 2))
    return "&".join(draw(st.permutations(parts)))


def get(client, name: str, query: str):
    return client.get(f"{reverse(name)}?{query}")


def strict_json(body: bytes):
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(body, parse_constant=refuse)


@pytest.fixture
def world(andorra_db, places):
    return andorra_db


@HYPOTHESIS
@given(query=query_strings([PAGE_TRIP, PAGE_COORDS], PAGE_NAMES))
def test_any_query_string_on_the_plan_page_gets_a_page_never_a_crash(
    client, world, query
):
    response = get(client, "planner:plan", query)
    assert response.status_code in (200, 400, 429), query
    if response.status_code == 200:
        assert b'class="loop' in response.content or b"<p" in response.content


@HYPOTHESIS
@given(
    query=query_strings([PAGE_TRIP, PAGE_COORDS], PAGE_NAMES, ["loop"]),
    download=st.sampled_from(["planner:plan_gpx", "planner:plan_geojson"]),
)
def test_any_query_string_on_the_downloads_gets_a_file_or_a_reason(
    client, world, query, download
):
    response = get(client, download, query)
    assert response.status_code in (200, 400, 404, 429), query
    if response.status_code == 200 and download == "planner:plan_gpx":
        track = gpxpy.parse(response.content.decode())
        assert track.tracks[0].segments[0].points
    elif response.status_code == 200:
        assert strict_json(response.content)["features"]
    elif response.status_code in (400, 404):
        assert strict_json(response.content)["errors"]


@HYPOTHESIS
@given(query=query_strings([API_TRIP, API_COORDS], API_NAMES))
def test_any_query_string_on_the_plan_api_gets_json_with_errors_when_refused(
    client, world, query
):
    response = get(client, "planner:api_plan", query)
    assert response.status_code in (200, 400, 429), query
    body = strict_json(response.content)
    if response.status_code == 400:
        assert isinstance(body["errors"], dict) and body["errors"], body
        assert all(isinstance(v, list) and v for v in body["errors"].values())
    elif response.status_code == 200:
        assert body["status"] in ("ok", "no_trailhead", "no_loop")


@HYPOTHESIS
@given(query=query_strings([NEAR_COORDS, NEAR_PLACE], API_NAMES))
def test_any_query_string_on_the_trailheads_api_gets_json_with_errors_when_refused(
    client, world, query
):
    response = get(client, "planner:api_trailheads", query)
    assert response.status_code in (200, 400, 429), query
    body = strict_json(response.content)
    if response.status_code == 400:
        assert isinstance(body["errors"], dict) and body["errors"], body
    elif response.status_code == 200:
        assert isinstance(body["trailheads"], list)


# One question, any spelling; any client address --------------------------------

# Ways to write 12 that the form reads as 12, and parameters it ignores.
TWELVE = ["12", "12.0", "12.00", "+12", "012", " 12", "12 ", "1.2e1", "12.000000"]
IGNORED = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)


@st.composite
def spellings_of_one_page(draw) -> str:
    start = draw(
        st.sampled_from(["Andorra la Vella", "andorra la vella", "ANDORRA LA VELLA"])
    )
    pairs = [("start", start), ("drive", "20"), ("hike", draw(st.sampled_from(TWELVE)))]
    pairs += draw(
        st.lists(
            st.sampled_from(
                [
                    ("lat", ""),
                    ("lon", ""),
                    ("units", "mi"),
                    ("days", "1"),
                    ("tolerance", "10"),
                    ("stems", "yes"),
                    ("difficulty", ""),
                    ("budget", "5"),
                ]
            ),
            unique=True,
        )
    )
    names = [n for n, _ in pairs]
    pairs += [
        (name, value)
        for name, value in draw(st.lists(st.tuples(IGNORED, VALUES), max_size=3))
        if name not in PAGE_NAMES + names + ["loop"]
    ]
    pairs = draw(st.permutations(pairs))
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


@HYPOTHESIS
@given(query=spellings_of_one_page())
def test_every_spelling_of_one_question_gets_the_one_cached_page(client, world, query):
    plain = get(client, "planner:plan", "start=Andorra+la+Vella&drive=20&hike=12")
    response = get(client, "planner:plan", query)
    assert response.status_code == 200, query
    assert response["ETag"] == plain["ETag"], query
    assert response.content == plain.content


ADDRESSES = (
    st.ip_addresses().map(str)
    | st.sampled_from(["", "unknown", "::ffff:10.0.0.1", "fe80::1%eth0", "1.2.3.4:80"])
    | st.text(max_size=80)
)


@HYPOTHESIS
@given(
    forwarded=st.lists(ADDRESSES, max_size=4).map(", ".join) | st.text(max_size=200),
    remote=ADDRESSES,
)
def test_any_client_address_is_counted_never_a_crash(
    client, world, settings, forwarded, remote
):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get(
        reverse("planner:api_trailheads"),
        {**NEAR_COORDS, "lon": f"1.5{abs(hash((forwarded, remote))) % 10**6:06d}"},
        HTTP_X_FORWARDED_FOR=forwarded,
        REMOTE_ADDR=remote,
    )
    assert response.status_code in (200, 429)


# Names are text --------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror="window.__xss=1">'
HOSTILE = (SCRIPT, IMG)
TRIP = {"start": "Andorra la Vella", "drive": "20", "hike": "8", "budget": "0.2"}


@pytest.fixture
def hostile_names(world):
    """Every Andorra trail, trailhead and campsite named like an attack, in turns."""
    for model in (Trail, Trailhead, Campsite):
        ids = list(model.objects.filter(source=world).values_list("id", flat=True))
        for n, name in enumerate(HOSTILE):
            model.objects.filter(id__in=ids[n :: len(HOSTILE)]).update(name=name)
    DataVersion.bump()  # plans and pages cached before the renaming are stale
    return world


def assert_escaped(html: str) -> None:
    for name in HOSTILE:
        assert name not in html
    assert "<img src=x" not in html and "<script>alert" not in html


def test_names_with_script_tags_are_text_on_the_plan_page(client, hostile_names):
    where = {"start": IMG + SCRIPT, "lat": "42.5078", "lon": "1.5211"}
    response = client.get(reverse("planner:plan"), {**TRIP, **where})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="loop' in html
    assert_escaped(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
    # The map's data travels as JSON in a script element that no name can close.
    island = re.search(r'id="map-data" type="application/json">(.*?)</script>', html)
    assert "<" not in island.group(1)
    data = json.loads(island.group(1))
    assert data["start"]["label"] == IMG + SCRIPT
    assert data["loops"][0]["trailhead"]["name"] in HOSTILE


def test_names_with_script_tags_are_data_in_the_api_and_downloads(
    client, hostile_names
):
    api = client.get(
        reverse("planner:api_plan"),
        {
            "place": "Andorra la Vella",
            "drive_miles": "20",
            "hike_miles": "8",
            "budget": "0.2",
        },
    )
    assert api["Content-Type"] == "application/json"
    assert api["X-Content-Type-Options"] == "nosniff"
    names = {loop["trailhead"]["name"] for loop in api.json()["loops"]}
    assert names <= set(HOSTILE)  # the name itself, as data, not rewritten

    gpx = client.get(reverse("planner:plan_gpx"), {**TRIP, "loop": "1"})
    xml = gpx.content.decode()
    assert_escaped(xml)
    parsed = gpxpy.parse(xml)
    assert parsed.waypoints[0].name in HOSTILE  # escaped in the file, intact read
    assert gpx["Content-Disposition"].startswith("attachment;")

    geojson = client.get(reverse("planner:plan_geojson"), {**TRIP, "loop": "1"})
    assert geojson["Content-Type"] == "application/geo+json"
    assert geojson["Content-Disposition"].startswith("attachment;")
    features = strict_json(geojson.content)["features"]
    assert features[1]["properties"]["name"] in HOSTILE


def test_names_with_script_tags_are_text_in_the_admin(staff_client, hostile_names):
    world = hostile_names
    trail = Trail.objects.filter(source=world, name=IMG).first()
    trailhead = Trailhead.objects.filter(source=world, name=SCRIPT).first()
    segment = Segment.objects.filter(trail=trail).first()
    campsite = Campsite.objects.filter(source=world, name=IMG).first()
    pages = [
        reverse("admin:trails_trail_changelist") + "?q=img",
        reverse("admin:trails_trail_change", args=[trail.pk]),
        reverse("admin:trails_segment_changelist") + "?q=img",
        reverse("admin:trails_segment_change", args=[segment.pk]),
        reverse("admin:trails_trailhead_changelist") + "?q=script",
        reverse("admin:trails_trailhead_change", args=[trailhead.pk]),
        reverse("admin:trails_campsite_changelist"),
        reverse("admin:trails_campsite_change", args=[campsite.pk]),
    ]
    for url in pages:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_escaped(html)
        assert "&lt;script&gt;" in html or "&lt;img" in html or "&amp;lt;" in html, url


# The map, in a real browser ---------------------------------------------------------

ORIGIN = "http://loopgenie.test"


def test_names_with_script_tags_are_text_in_the_map_tooltips(client, hostile_names):
    """Leaflet puts a string tooltip in as HTML: the plan page's map must hand it
    text. The page is the test client's; the browser gets it, and the static files,
    through Playwright's request routing, so no server is needed."""
    from playwright.sync_api import sync_playwright

    from planner.tests.test_browser import CHROMIUM, CHROMIUM_FLAGS

    query = "?" + "&".join(f"{k}={quote(v)}" for k, v in TRIP.items())
    html = client.get(reverse("planner:plan") + query).content

    def serve(route):
        path = urlsplit(route.request.url).path
        if path == reverse("planner:plan"):
            return route.fulfill(body=html, content_type="text/html; charset=utf-8")
        found = path.startswith("/static/") and finders.find(path[len("/static/") :])
        if not found:
            return route.fulfill(status=404, body="")
        kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
        with open(found, "rb") as fh:
            return route.fulfill(body=fh.read(), content_type=kind)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.route("https://tile.openstreetmap.org/**", lambda r: r.abort())
            page.route(ORIGIN + "/**", serve)
            page.goto(ORIGIN + reverse("planner:plan") + query)
            page.wait_for_selector("#map path.leaflet-interactive")
            page.locator('#map path[stroke="#1d6b45"]').first.hover(force=True)
            tooltip = page.locator(".leaflet-tooltip").last
            tooltip.wait_for()
            page.wait_for_timeout(200)  # an injected <img src=x> fails to load at once
            assert page.evaluate("window.__xss") is None
            assert tooltip.locator("img, script").count() == 0
            shown = tooltip.inner_text()
            assert shown.removeprefix("Trailhead: ") in HOSTILE
        finally:
            browser.close()
