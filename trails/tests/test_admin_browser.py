"""The staff admin's maps in a real browser (headless Chromium, driven by Playwright).

The admin runs as a real server in its own process, on its own SQLite file with the
Andorra extract imported, and a staff member signs in through the login form. Map
tiles come from the internet, which this machine cannot reach, so tile requests are
refused; what matters is that each map has room on the page and Leaflet drew the
lines in it. (The maps were once 0 px wide while every HTML test passed: Django's
admin puts a read-only value in a flex item that shrinks to its content, and a map
has none until Leaflet draws.)
"""

from __future__ import annotations

import os

import pytest

from conftest import ANDORRA_PBF
from planner.tests.test_browser import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    _manage,
    running_server,
)

PASSWORD = "pw-for-browser-tests"


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory, shared_data):
    """The URL of a running server with Andorra imported and a staff member."""
    tmp = tmp_path_factory.mktemp("admin-browser")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "DEBUG": "1",
        "SECRET_KEY": "browser-test",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    _manage(env, "migrate", "--noinput")
    _manage(env, "import_trails", str(ANDORRA_PBF), "--source", "Andorra")
    _manage(
        env,
        "createsuperuser",
        "--noinput",
        "--username",
        "editor",
        "--email",
        "editor@example.org",
    )
    with running_server(env) as url:
        yield url


@pytest.fixture(scope="module")
def staff_page(admin_server):
    """A browser page signed in to the admin."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        page.goto(admin_server + "/admin/login/")
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_selector("#site-name")
        yield page
        browser.close()


def _open_first(page, server: str, changelist: str, query: str = "") -> None:
    page.goto(f"{server}/admin/trails/{changelist}/{query}")
    page.locator("#result_list tbody tr th a").first.click()
    # Attached, not visible: a segment of a few metres is a dot at the map's zoom.
    page.wait_for_selector(".lg-admin-map path.leaflet-interactive", state="attached")


def _assert_map_is_drawn_with_room(page) -> None:
    box = page.locator(".lg-admin-map").bounding_box()
    assert box is not None
    assert box["width"] >= 300 and box["height"] >= 200, box
    assert page.locator(".lg-admin-map path.leaflet-interactive").count() >= 1
    drawn = page.locator(".lg-admin-map .leaflet-overlay-pane svg").bounding_box()
    assert drawn is not None and drawn["width"] > 0 and drawn["height"] > 0


def test_a_route_s_page_draws_the_route_on_a_map_with_room_to_see_it(
    admin_server, staff_page
):
    _open_first(staff_page, admin_server, "walkingroute", "?q=Senda+Pirenaica")
    assert staff_page.get_by_text("red-white marks").is_visible()
    _assert_map_is_drawn_with_room(staff_page)
    # Every segment of the route is a line on the map.
    data = staff_page.locator(".lg-admin-map").get_attribute("data-geojson")
    assert staff_page.locator(".lg-admin-map path.leaflet-interactive").count() == (
        data.count('"LineString"')
    )


@pytest.mark.parametrize("changelist", ["trail", "segment"])
def test_the_trail_and_segment_maps_have_room_too(admin_server, staff_page, changelist):
    _open_first(staff_page, admin_server, changelist, "?q=GR-11")
    _assert_map_is_drawn_with_room(staff_page)
