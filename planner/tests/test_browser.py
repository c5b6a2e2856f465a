"""A hiker's visit in a real browser (Debian's headless Chromium, driven by Playwright).

The app runs as a real server in its own process, on its own SQLite file with the
Andorra extract imported, exactly as `make run` serves it. Map tiles come from the
internet, which this machine cannot reach, so tile requests are answered empty;
everything LoopGenie itself draws is checked. The result page's screenshot is saved
to test-artifacts/plan.png for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import gpxpy
import pytest

from conftest import ANDORRA_PBF, BASE_DIR

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = BASE_DIR / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def running_server(env: dict[str, str]) -> Iterator[str]:
    """The app served by a real server on a free port with `env`, until the block
    ends: yields its URL once it answers."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def server_env(tmp_path_factory, shared_data):
    """The server's environment, its SQLite file ready: Andorra and its heights."""
    tmp = tmp_path_factory.mktemp("browser")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "DEBUG": "1",
        "SECRET_KEY": "browser-test",
    }
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_places", "--min-population", "15000")
    _manage(
        env,
        "import_trails",
        str(ANDORRA_PBF),
        "--source",
        "Andorra",
        "--attribution",
        "© OpenStreetMap contributors",
    )
    _manage(env, "add_elevation", str(shared_data / "dem" / "N42E001.hgt.zip"))
    return env


@pytest.fixture(scope="module")
def server(server_env):
    with running_server(server_env) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    pg.csp_violations = []
    pg.on(
        "console",
        lambda msg: (
            "Content Security Policy" in msg.text and pg.csp_violations.append(msg.text)
        ),
    )
    yield pg
    context.close()


def test_a_hiker_plans_a_loop_switches_alternatives_and_downloads_the_gpx(server, page):
    page.goto(server + "/")
    page.get_by_label("Start from").fill("Andorra la Vella")
    page.get_by_label("Drive at most").fill("20")
    page.get_by_label("Hike about").fill("12")
    page.get_by_role("button", name="Find loops").click()
    page.wait_for_selector("article.loop")

    # The loop is drawn on the map (Leaflet's SVG paths), with its trailhead. The
    # summary is server-rendered, so wait for the script to have drawn.
    page.wait_for_selector("#map path.leaflet-interactive")
    assert page.locator("#map path.leaflet-interactive").count() >= 2
    first = page.locator("article#loop-1")
    assert first.is_visible()
    assert " mi" in first.locator("dd.length").inner_text()
    assert first.locator("table.cues tbody tr").count() >= 2
    # Climb from the elevation tile, and its profile drawn.
    assert " ft / " in first.locator("dl.summary").inner_text()
    assert first.locator("figure.profile polyline").count() == 1

    assert page.csp_violations == []  # the map works under the page's policy

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plan.png"), full_page=True)

    switch = page.locator(".loop-switch button")
    assert switch.count() >= 2
    switch.nth(1).click()
    assert page.locator("#map").get_attribute("data-shown-loop") == "2"
    assert page.locator("article#loop-2").is_visible()
    assert not first.is_visible()

    with page.expect_download() as download:
        page.locator("article#loop-2").get_by_text("Download GPX").click()
    track = gpxpy.parse(Path(download.value.path()).read_text())
    shown = float(page.locator("article#loop-2 dd.length").inner_text().split()[0])
    miles = track.length_2d() / 1609.344
    # The page shows tenths of a mile (up to 0.05 off); gpxpy measures within 0.02.
    assert miles == pytest.approx(shown, abs=0.07)


def test_the_form_shows_messages_next_to_the_fields_in_the_browser(server, page):
    page.goto(server + "/")
    page.get_by_label("Start from").fill("Nowhere-in-particular-ville")
    page.get_by_label("Hike about").fill("-3")
    page.get_by_role("button", name="Find loops").click()
    errors = page.locator(".has-error .error")
    texts = " ".join(errors.all_inner_texts())
    assert "Hike length must be more than 0" in texts
    assert "Nowhere-in-particular-ville" in texts


def test_the_page_works_on_a_phone_sized_screen_with_the_keyboard(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    pg.goto(server + "/")
    pg.get_by_label("Start from").focus()
    pg.keyboard.type("Andorra la Vella")
    pg.keyboard.press("Enter")
    pg.wait_for_selector("article.loop")
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    pg.screenshot(path=str(ARTIFACTS / "plan-phone.png"), full_page=True)
    context.close()


def test_the_smallest_phones_do_not_scroll_sideways(server, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    pg = context.new_page()
    pg.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    for url in ("/", "/plan?start=Andorra+la+Vella&drive=20&hike=30&days=3"):
        pg.goto(server + url)
        assert pg.evaluate("document.documentElement.scrollWidth") <= 320, url
    assert pg.locator("#site-search-q").bounding_box()["width"] > 100
    context.close()


def _trail_id(env: dict, name: str) -> int:
    """The longest trail of that name in the server's database (its own file, not
    the test database)."""
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        (pk,) = db.execute(
            "SELECT t.id FROM trails_trail t JOIN trails_segment s ON s.trail_id = t.id"
            " WHERE t.name = ? GROUP BY t.id ORDER BY SUM(s.length_m) DESC, t.id",
            (name,),
        ).fetchone()
    return pk


def test_a_trail_page_draws_its_map_and_its_buttons_lead_to_plans(
    server, server_env, page
):
    page.goto(f"{server}/trails/{_trail_id(server_env, 'Pista de Sorteny')}/")
    page.wait_for_selector("#map path.leaflet-interactive")
    box = page.locator("#map").bounding_box()
    assert box["width"] > 200 and box["height"] > 200  # a map, not a 0-px strip
    assert page.locator("#map path.leaflet-interactive").count() >= 2
    assert " mi" in page.locator("dd.length").inner_text()
    assert " ft" in page.locator("dd.climb").inner_text()  # heights from the DEM
    assert page.csp_violations == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "trail.png"), full_page=True)

    page.get_by_role("link", name="Plan a loop from here").click()
    page.wait_for_selector("article.loop")
    assert "from Portell de Sorteny" in page.locator("h1").inner_text()
    assert "Every loop starts at" in page.locator(".query-line").inner_text()
    page.wait_for_selector("#map path.leaflet-interactive")

    page.go_back()
    page.get_by_role("link", name="Plan a loop that walks this").click()
    page.wait_for_selector("article.loop")
    assert "walking Pista de Sorteny" in page.locator("h1").inner_text()
    cues = page.locator("article#loop-1 table.cues").inner_text()
    assert "Sorteny" in cues


def test_a_hiker_searches_from_the_header_and_sees_numbered_results_on_a_map(
    server, page
):
    page.goto(server + "/")
    page.get_by_role("search").get_by_role("searchbox").fill("refugi juclar")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.wait_for_selector("#map .result-marker")

    hut = page.get_by_role("link", name="Refugi de Juclar")
    assert hut.is_visible()
    assert page.get_by_role("heading", name="Huts and campsites").is_visible()
    box = page.locator("#map").bounding_box()
    assert box["width"] > 200 and box["height"] > 200
    markers = page.locator("#map .result-marker")
    assert markers.count() == page.locator("li.result").count()
    assert markers.first.inner_text() == "1"
    assert page.csp_violations == []
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

    hut.click()
    page.wait_for_load_state()
    assert page.url.startswith(server + "/?start=Refugi+de+Juclar")


def test_search_results_are_there_without_javascript(server, browser):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(server + "/search?q=GR-11")
    assert pg.get_by_role("heading", name="Waymarked routes").is_visible()
    assert pg.locator("li.result a[href^='/routes/']").first.is_visible()
    context.close()


# --- The plan page a hiker takes on the trail (issue 15) ---------------------------

AXE = BASE_DIR / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PLAN = "/plan?start=Andorra+la+Vella&drive=20&hike=12"
TRIP_DAYS = "/plan?start=Andorra+la+Vella&drive=20&hike=30&days=3"


@pytest.fixture(scope="module")
def axe_js() -> Path:
    """axe-core from npm (`make axe`), installed here when the tests run alone."""
    if not AXE.exists():
        subprocess.run(["make", "axe"], cwd=BASE_DIR, check=True, capture_output=True)
    return AXE


def _context(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, **options)
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    return context


def _serious(pg, axe_js: Path) -> list[str]:
    pg.add_script_tag(path=str(axe_js))
    found = pg.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']}))"
        ".violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return found


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_serious_or_critical_violation(server, browser, axe_js, viewport):
    # axe is injected as a script, which the page's own policy rightly forbids.
    context = _context(browser, viewport, bypass_csp=True)
    pg = context.new_page()
    for path in ("/", PLAN, TRIP_DAYS, "/search?q=GR-11", "/plan?hike=5&days=14"):
        pg.goto(server + path)
        if "/plan" in path and "days=14" not in path:
            pg.wait_for_selector("#map path.leaflet-interactive")
        assert _serious(pg, axe_js) == [], path
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_cue_sheet_reads_as_turns_and_fits_the_screen(server, browser, viewport):
    context = _context(browser, viewport)
    pg = context.new_page()
    pg.goto(server + TRIP_DAYS)
    pg.wait_for_selector("#map path.leaflet-interactive")
    sheet = pg.locator("article#loop-1 table.cues")
    text = sheet.inner_text()
    assert "Start on" in text and "Night at" in text and "Day 3:" in text
    assert "Turn left onto" in text or "Turn right onto" in text
    assert "↑" in text  # the climb of each line, from the elevation tile
    # No distance wraps ("mi" on a line of its own), and nothing is wider than
    # the screen.
    lines_per_cell = pg.evaluate(
        """() => [...document.querySelectorAll(
            '#loop-1 .cues td.num:not(.climb), #loop-1 .cues .climb .nowrap')
          ].map(td => {
            const r = document.createRange(); r.selectNodeContents(td);
            return new Set([...r.getClientRects()].filter(x => x.height > 1)
                .map(x => Math.round(x.top))).size;
        })"""
    )
    assert lines_per_cell and max(lines_per_cell) == 1
    assert pg.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    pg.screenshot(path=str(ARTIFACTS / f"cues-{viewport['width']}.png"), full_page=True)
    context.close()


def test_a_keyboard_alone_switches_loops_and_never_scrolls_the_map(server, browser):
    context = _context(browser, DESKTOP)
    pg = context.new_page()
    pg.goto(server + PLAN)
    pg.wait_for_selector("#map path.leaflet-interactive")
    seen, rings = [], []
    for _ in range(60):
        pg.keyboard.press("Tab")
        focused = pg.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                return [e.tagName, e.className || '', e.textContent.trim().slice(0, 30),
                        s.outlineStyle, s.outlineWidth]; }"""
        )
        seen.append(focused)
        if focused[0] in ("A", "BUTTON", "INPUT", "SELECT", "SUMMARY"):
            rings.append(focused[3] != "none" and focused[4] != "0px")
        if focused[2].startswith("Loop 2"):
            pg.keyboard.press("Enter")
            break
    assert any(s[2].startswith("Loop 2") for s in seen), seen
    assert all(rings)  # every stop shows where the focus is
    assert pg.locator("#map").get_attribute("data-shown-loop") == "2"
    assert pg.locator("article#loop-2").is_visible()
    for _ in range(10):  # on through the map's own controls
        pg.keyboard.press("Tab")
    assert pg.evaluate("[map.scrollTop, map.scrollLeft]") == [0, 0]
    # The direction arrows are drawn for the eye and hidden from screen readers.
    arrows = pg.locator("#map .lg-arrow span")
    assert arrows.count() > 0
    assert (
        arrows.count() == pg.locator('#map .lg-arrow span[aria-hidden="true"]').count()
    )
    context.close()


def test_the_start_field_is_described_by_its_help_and_its_error(server, page):
    page.goto(server + "/plan?start=&drive=20&hike=12")
    start = page.get_by_label("Start from")
    ids = start.get_attribute("aria-describedby").split()
    assert ids and all(page.locator(f"#{i}").count() == 1 for i in ids)
    assert "Say where you start" in " ".join(
        page.locator(f"#{i}").inner_text() for i in ids
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_saved_loop_link_opens_the_same_loop(server, browser, viewport):
    context = _context(browser, viewport)
    pg = context.new_page()
    pg.goto(server + PLAN)
    cues = pg.locator("article#loop-1 table.cues").inner_text()
    pg.locator("article#loop-1").get_by_role("link", name="Link to this loop").click()
    pg.wait_for_selector("#map path.leaflet-interactive")
    assert "A saved loop" in pg.locator(".query-line").inner_text()
    assert pg.locator("article#loop-1 table.cues").inner_text() == cues
    with pg.expect_download() as download:
        pg.get_by_text("Download GPX").click()
    assert gpxpy.parse(Path(download.value.path()).read_text()).tracks
    context.close()


def test_a_trip_a_hiker_cannot_walk_gets_the_nearest_one_in_the_browser(server, page):
    page.goto(server + "/")
    page.get_by_label("Start from").fill("Andorra la Vella")
    page.get_by_label("Hike about").fill("5")
    page.get_by_label("Days").fill("14")
    page.get_by_role("button", name="Find loops").click()
    texts = " ".join(page.locator(".has-error .error").all_inner_texts())
    assert "Try 5 miles over 1 day, or 43.5 miles over 14 days." in texts
    assert page.locator("article.loop").count() == 0


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_on_paper_the_map_profile_and_cue_sheet_are_there_and_the_form_is_not(
    server, browser, viewport
):
    context = _context(browser, viewport)
    pg = context.new_page()
    pg.goto(server + PLAN)
    pg.wait_for_selector("#map path.leaflet-interactive")
    pg.emulate_media(media="print")
    for shown in ("#map", "article#loop-1 figure.profile", "article#loop-1 table.cues"):
        assert pg.locator(shown).is_visible(), shown
    for hidden in (".change-trip", ".loop-switch", ".site-search", ".downloads"):
        assert not pg.locator(hidden).first.is_visible(), hidden
    pg.pdf(path=str(ARTIFACTS / "plan.pdf")) if viewport is DESKTOP else None
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_profile_reads_and_hovering_it_marks_the_map(server, browser, viewport):
    context = _context(browser, viewport)
    pg = context.new_page()
    pg.goto(server + TRIP_DAYS)
    pg.wait_for_selector("#map path.leaflet-interactive")
    chart = pg.locator("article#loop-1 svg.profile-chart")
    labels = chart.locator("text").all_text_contents()
    assert "0" in labels and "Day 2" in labels and "Day 3" in labels
    assert (
        "Height in feet against distance in miles"
        in pg.locator("article#loop-1 figure.profile figcaption").inner_text()
    )
    offered = pg.locator("article.loop").count()
    assert offered >= 2
    scales = {
        pg.locator(f"article#loop-{n} svg.profile-chart").get_attribute("data-scale-m")
        for n in range(1, offered + 1)
    }
    assert len(scales) == 1  # the alternatives can be compared by eye
    markers = pg.locator("#map path").count()
    chart.hover()  # its middle, scrolled into view
    assert int(pg.locator("#map").get_attribute("data-hover-at")) > 0
    assert pg.locator("#map path").count() == markers + 1  # the marker on the map
    pg.locator("article#loop-1 h2").hover()
    assert pg.locator("#map").get_attribute("data-hover-at") is None
    assert pg.locator("#map path").count() == markers
    context.close()


def test_a_gpx_link_gives_the_same_track_after_a_real_restart_and_an_edit(server_env):
    def fetch(url: str) -> bytes:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read()

    path = server_env["DATABASE_URL"].removeprefix("sqlite:///")
    with running_server(server_env) as url:
        page = fetch(url + PLAN).decode()
        link = re.search(r'href="(/loop/[^"]+\.gpx)"', page).group(1)
        before = fetch(url + link)
    # Staff rename a trail the loop does not walk, and the data version moves on.
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE trails_trail SET name = name || ' (renamed)' WHERE id = "
            "(SELECT MAX(id) FROM trails_trail)"
        )
        db.execute("UPDATE trails_dataversion SET version = version + 1")
    try:
        with running_server(server_env) as url:
            after = fetch(url + link)
    finally:
        with sqlite3.connect(path) as db:
            db.execute(
                "UPDATE trails_trail SET name = REPLACE(name, ' (renamed)', '') "
                "WHERE id = (SELECT MAX(id) FROM trails_trail)"
            )
    track = [
        (p.latitude, p.longitude)
        for p in gpxpy.parse(before.decode()).tracks[0].segments[0].points
    ]
    assert len(track) > 100
    assert [
        (p.latitude, p.longitude)
        for p in gpxpy.parse(after.decode()).tracks[0].segments[0].points
    ] == track
