"""Staff keep the network right in the admin; nobody else gets in."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from planner.regions import load_graph
from trails.models import DataVersion, Segment, Trail, Trailhead, WalkingRoute
from trails.tests.test_staff_edits import trail_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "admin:index",
        "admin:trails_trail_changelist",
        "admin:trails_segment_changelist",
        "admin:trails_trailhead_changelist",
        "admin:trails_source_changelist",
        "admin:trails_walkingroute_changelist",
    ],
)
def test_anonymous_users_and_hikers_are_sent_to_the_login_page(
    client, django_user_model, url
):
    response = client.get(reverse(url))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    hiker = django_user_model.objects.create_user("hiker", password="pw-for-tests")
    client.force_login(hiker)
    response = client.get(reverse(url))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_find_a_trail_by_name_and_see_its_map(staff_client, andorra_db):
    response = staff_client.get(
        reverse("admin:trails_trail_changelist"), {"q": "GR-11"}
    )
    assert response.status_code == 200
    assert "GR-11" in response.content.decode()
    trail = andorra_db.trails.filter(name="GR-11").order_by("id").first()
    page = staff_client.get(
        reverse("admin:trails_trail_change", args=[trail.pk])
    ).content.decode()
    assert 'class="lg-admin-map"' in page and "LineString" in page
    assert "leaflet/leaflet.js" in page


def test_closing_segments_leaves_them_out_of_planning(staff_client, andorra_db):
    seg = Segment.objects.filter(source=andorra_db).order_by("id").first()
    box = (seg.min_lon, seg.min_lat, seg.max_lon, seg.max_lat)
    assert load_graph(*box).has_edge(seg.start_id, seg.end_id, seg.id)
    version = DataVersion.current()
    response = staff_client.post(
        reverse("admin:trails_segment_changelist"),
        {"action": "close_segments", "_selected_action": [seg.pk]},
    )
    assert response.status_code == 302
    seg.refresh_from_db()
    assert not seg.is_open
    assert not load_graph(*box).has_edge(seg.start_id, seg.end_id, seg.id)
    assert DataVersion.current() > version


def test_closing_a_segment_by_hand_needs_a_reason(staff_client, andorra_db):
    seg = Segment.objects.filter(source=andorra_db).order_by("id").first()
    url = reverse("admin:trails_segment_change", args=[seg.pk])
    response = staff_client.post(
        url, {"closed_reason": "", "ascent_m": "", "descent_m": ""}
    )
    assert "Say why the segment is closed" in response.content.decode()
    seg.refresh_from_db()
    assert seg.is_open
    response = staff_client.post(
        url, {"closed_reason": "winter only", "ascent_m": "-5", "descent_m": ""}
    )
    assert "Ascent is metres of climb" in response.content.decode()
    response = staff_client.post(
        url, {"closed_reason": "winter only", "ascent_m": "", "descent_m": ""}
    )
    assert response.status_code == 302
    seg.refresh_from_db()
    assert (seg.is_open, seg.closed_reason) == (False, "winter only")


def test_a_segment_cannot_be_closed_without_a_reason_on_its_trail_s_page_either(
    staff_client, andorra_db
):
    trail = andorra_db.trails.filter(name="GR-11").order_by("id").first()
    segments = list(trail.segments.order_by("id"))
    assert all(s.is_open for s in segments)
    data = trail_form(trail)
    del data["segments-0-is_open"]  # the first one closed, with no reason
    url = reverse("admin:trails_trail_change", args=[trail.pk])
    response = staff_client.post(url, {**data, "segments-0-closed_reason": "  "})
    assert response.status_code == 200
    assert "Say why the segment is closed" in response.content.decode()
    assert trail.segments.filter(is_open=False).count() == 0
    response = staff_client.post(url, {**data, "segments-0-closed_reason": "Snow"})
    assert response.status_code == 302
    closed = trail.segments.get(is_open=False)
    assert (closed.pk, closed.closed_reason) == (segments[0].pk, "Snow")


def test_moving_a_trailhead_reattaches_it_to_the_network(staff_client, andorra_db):
    th = (
        Trailhead.objects.filter(source=andorra_db, junction__isnull=False)
        .order_by("id")
        .first()
    )
    seg = (
        Segment.objects.filter(source=andorra_db)
        .exclude(start=th.junction)
        .exclude(end=th.junction)
        .order_by("-id")
        .first()
    )
    target = seg.start
    url = reverse("admin:trails_trailhead_change", args=[th.pk])
    data = {
        "name": th.name or "Renamed",
        "kind": th.kind,
        "lat": target.lat + 0.0001,
        "lon": target.lon,
        "elevation": "",
    }
    assert staff_client.post(url, data).status_code == 302
    th.refresh_from_db()
    assert th.junction_id is not None
    assert th.attach_m < 30
    assert th.junction.lat == pytest.approx(target.lat, abs=0.0003)


def test_a_trailhead_moved_far_from_every_trail_is_detached_with_a_warning(
    staff_client, andorra_db
):
    th = (
        Trailhead.objects.filter(source=andorra_db, junction__isnull=False)
        .order_by("id")
        .first()
    )
    url = reverse("admin:trails_trailhead_change", args=[th.pk])
    data = {"name": "Moved", "kind": th.kind, "lat": 10.0, "lon": 10.0, "elevation": ""}
    response = staff_client.post(url, data, follow=True)
    assert "not within reach of any open trail" in response.content.decode()
    th.refresh_from_db()
    assert th.junction is None


@pytest.mark.parametrize(
    "lat, lon, message",
    [
        ("95", "1.5", "less than or equal to 90"),
        ("42.5", "-200", "greater than or equal to -180"),
        ("nan", "1.5", "Enter a number"),
        ("42.5", "east", "Enter a number"),
    ],
)
def test_bad_trailhead_coordinates_are_refused_and_change_nothing(
    staff_client, andorra_db, lat, lon, message
):
    th = Trailhead.objects.filter(source=andorra_db).order_by("id").first()
    url = reverse("admin:trails_trailhead_change", args=[th.pk])
    response = staff_client.post(
        url, {"name": "x", "kind": th.kind, "lat": lat, "lon": lon}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    old = (th.lat, th.lon, th.name)
    th.refresh_from_db()
    assert (th.lat, th.lon, th.name) == old


# Flagged trails ---------------------------------------------------------------------


def flagged_trail(source, flag: str) -> Trail:
    return source.trails.filter(flag=flag).order_by("id").first()


def test_the_flag_filter_lists_only_trails_the_data_flags_for_that_reason(
    staff_client, andorra_db
):
    url = reverse("admin:trails_trail_changelist")
    page = staff_client.get(url, {"flag__exact": "bike_downhill"}).content.decode()
    shown = andorra_db.trails.filter(flag="bike_downhill").count()
    assert shown > 0 and f"{shown} trails" in page
    assert "One-way bike or downhill line (bike park)" in page  # the flag column
    assert "Walking not allowed" not in page.split('id="changelist-filter"')[0]


def test_a_flagged_trail_s_page_says_what_the_flag_means_for_planning(
    staff_client, andorra_db
):
    trail = flagged_trail(andorra_db, "private")
    url = reverse("admin:trails_trail_change", args=[trail.pk])
    page = staff_client.get(url).content.decode()
    assert "Private or no access, with no exception for walkers" in page
    assert "Planning leaves this trail out unless" in unescape(page)
    assert 'name="flag_override"' in page  # staff's decision: editable
    assert 'name="flag"' not in page  # the data's say: read-only


def overriding(trail) -> dict:
    """The trail's change form as it stands, with "plan on it anyway" ticked."""
    return {
        "name": trail.name,
        "kind": trail.kind,
        "difficulty": trail.difficulty or "",
        "flag_override": "on",
        "segments-TOTAL_FORMS": "0",
        "segments-INITIAL_FORMS": "0",
    }


def test_staff_may_plan_on_a_flagged_trail_and_cached_plans_go_stale(
    staff_client, andorra_db
):
    trail = flagged_trail(andorra_db, "private")
    segment = trail.segments.order_by("id").first()
    assert not Segment.objects.walkable().filter(pk=segment.pk).exists()
    version = DataVersion.current()
    url = reverse("admin:trails_trail_change", args=[trail.pk])
    response = staff_client.post(url, overriding(trail))
    assert response.status_code == 302, response.content.decode()[:2000]
    trail.refresh_from_db()
    assert trail.flag_override and trail.flag == "private"
    assert DataVersion.current() > version
    assert Segment.objects.walkable().filter(pk=segment.pk).exists()
    page = staff_client.get(url).content.decode()
    assert "Staff decided hikers may walk it anyway" in page


def test_there_is_no_flag_to_override_on_a_trail_the_data_does_not_flag(
    staff_client, andorra_db
):
    trail = andorra_db.trails.filter(flag="").order_by("id").first()
    url = reverse("admin:trails_trail_change", args=[trail.pk])
    response = staff_client.post(url, overriding(trail))
    assert "there is nothing to override" in response.content.decode()
    trail.refresh_from_db()
    assert not trail.flag_override


# Segments: other names and routes ---------------------------------------------------


def test_a_segment_s_page_shows_its_other_names_and_links_its_routes(
    staff_client, andorra_db
):
    segment = (
        Segment.objects.filter(source=andorra_db, routes__isnull=False)
        .exclude(other_names=[])
        .order_by("id")
        .first()
    )
    assert segment.other_names and segment.routes.exists()
    page = staff_client.get(
        reverse("admin:trails_segment_change", args=[segment.pk])
    ).content.decode()
    for name in segment.other_names:
        assert name in unescape(page)
    for route in segment.routes.all():
        link = reverse("admin:trails_walkingroute_change", args=[route.pk])
        assert f'<a href="{link}">{route}</a>' in unescape(page)
    assert 'name="other_names"' not in page


# Waymarked routes -------------------------------------------------------------------


def gr11(source) -> WalkingRoute:
    return WalkingRoute.objects.get(source=source, name="GR 11 Senda Pirenaica")


def test_staff_see_the_waymarked_routes_with_their_marks_and_length(
    staff_client, andorra_db
):
    page = staff_client.get(reverse("admin:trails_walkingroute_changelist"))
    text = page.content.decode()
    route = gr11(andorra_db)
    km = sum(route.segments.values_list("length_m", flat=True)) / 1000
    row = next(r for r in text.split("<tr") if "GR 11 Senda Pirenaica<" in r)
    assert "GR 11" in row and "National" in row and "red-white marks" in row
    assert f"{km:.1f}" in row and f">{route.segments.count()}<" in row
    assert "Add walking route" not in text  # routes come from imports


def test_a_route_s_page_draws_its_segments_on_a_map_and_edits_nothing(
    staff_client, andorra_db
):
    route = gr11(andorra_db)
    page = staff_client.get(
        reverse("admin:trails_walkingroute_change", args=[route.pk])
    ).content.decode()
    (data,) = re.findall(r'class="lg-admin-map" data-geojson="([^"]*)"', page)
    features = json.loads(unescape(data))["features"]
    assert {f["properties"]["segment"] for f in features} == set(
        route.segments.values_list("id", flat=True)
    )
    assert all(f["geometry"]["type"] == "LineString" for f in features)
    assert "leaflet/leaflet.js" in page and "trails/admin_map.js" in page
    assert "red-white marks" in page and "red:white:red_lower:11:black" in page
    assert 'name="_save"' not in page and 'name="ref"' not in page  # view only
    url = reverse("admin:trails_walkingroute_add")
    assert staff_client.get(url).status_code == 403


@pytest.mark.parametrize(
    "q, found, not_found",
    [
        ("GR 11", "GR 11 Senda Pirenaica", "HRP"),
        # Django's search matches words in any case, not spellings: "gr11" finds
        # the routes written GR11, not those written GR 11.
        ("gr11", "GR11 - Senda Pirenaica", "GR 11 Senda Pirenaica<"),
        ("Senda Pirenaica", "GR11 - Senda Pirenaica", "GR 7<"),
    ],
)
def test_staff_find_a_route_by_its_ref_or_name(
    staff_client, andorra_db, q, found, not_found
):
    page = staff_client.get(reverse("admin:trails_walkingroute_changelist"), {"q": q})
    text = page.content.decode()
    assert found in text and not_found not in text


def test_the_network_filter_lists_only_that_network_s_routes(staff_client, andorra_db):
    url = reverse("admin:trails_walkingroute_changelist")
    text = staff_client.get(url, {"network__exact": "nwn"}).content.decode()
    n = WalkingRoute.objects.filter(source=andorra_db, network="nwn").count()
    assert n > 0 and f"{n} walking routes" in text
