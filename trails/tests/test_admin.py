"""Staff keep the network right in the admin; nobody else gets in."""

import pytest
from django.urls import reverse

from planner.regions import load_graph
from trails.models import DataVersion, Segment, Trailhead

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        "editor", password="pw-for-tests", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "admin:index",
        "admin:trails_trail_changelist",
        "admin:trails_segment_changelist",
        "admin:trails_trailhead_changelist",
        "admin:trails_source_changelist",
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
