"""Huts, campsites and shelters: what the files say of them comes in, the
places no one sleeps in stay out, and staff's closures outlast re-imports."""

import pytest

from trails.models import Campsite
from trails.tests.features import line, point
from trails.tests.test_import_trails import N, chain, run

pytestmark = pytest.mark.django_db


def test_a_hut_node_brings_its_website_capacity_fee_and_warden(osm_file):
    nodes = dict(N)
    nodes[41] = (
        1.5041,
        42.5002,
        {
            "tourism": "alpine_hut",
            "name": "Refugi de l'Illa",
            "website": "http://visitandorra.com/illa",
            "capacity": "50",
            "fee": "yes",
            "staffed": "yes",
            "opening_hours": "Jun 15-Sep 15",
        },
    )
    run(osm_file(nodes, [chain(1, 1, 6)]), source="tiny")

    hut = Campsite.objects.get(source__name="tiny", name="Refugi de l'Illa")
    assert hut.kind == "alpine_hut" and hut.junction is not None
    assert hut.website == "http://visitandorra.com/illa"
    assert (hut.capacity, hut.fee, hut.staffed) == (50, True, True)
    assert hut.opening_hours == "Jun 15-Sep 15"


def test_a_campsite_drawn_as_an_area_is_imported_at_its_centre(osm_file):
    nodes = dict(N)
    corners = {50: (1.5030, 42.5010), 51: (1.5040, 42.5010), 52: (1.5040, 42.5020)}
    corners[53] = (1.5030, 42.5020)
    nodes.update({k: (lon, lat, {}) for k, (lon, lat) in corners.items()})
    area = {
        "id": 9,
        "nodes": [50, 51, 52, 53, 50],
        "tags": {"tourism": "camp_site", "name": "Càmping Casal", "fee": "no"},
    }
    run(osm_file(nodes, [chain(1, 1, 6), area]), source="tiny")

    camp = Campsite.objects.get(source__name="tiny", name="Càmping Casal")
    assert (camp.lon, camp.lat) == pytest.approx((1.5035, 42.5015))
    assert camp.fee is False and camp.capacity is None and camp.website == ""


def test_bus_stops_and_picnic_roofs_are_not_places_to_sleep(osm_file):
    nodes = dict(N)
    nodes[40] = (1.5021, 42.5001, {"amenity": "shelter", "name": "Bus"})
    nodes[40][2]["shelter_type"] = "public_transport"
    nodes[41] = (1.5031, 42.5001, {"amenity": "shelter", "name": "Picnic"})
    nodes[41][2]["shelter_type"] = "picnic_shelter"
    nodes[42] = (1.5041, 42.5001, {"amenity": "shelter", "name": "Cabana"})
    nodes[42][2]["shelter_type"] = "basic_hut"
    run(osm_file(nodes, [chain(1, 1, 6)]), source="tiny")

    tiny = Campsite.objects.filter(source__name="tiny")
    assert list(tiny.values_list("name", flat=True)) == ["Cabana"]


def test_nonsense_capacities_and_answers_are_left_out(osm_file):
    nodes = dict(N)
    nodes[41] = (1.5041, 42.5002, {"tourism": "wilderness_hut", "name": "Cabana"})
    nodes[41][2].update(capacity="about ten", fee="sometimes", staffed="")
    run(osm_file(nodes, [chain(1, 1, 6)]), source="tiny")

    hut = Campsite.objects.get(source__name="tiny", name="Cabana")
    assert (hut.capacity, hut.fee, hut.staffed) == (None, None, None)


def test_a_geojson_campground_brings_its_details(command, geojson_file):
    trail = line([[10.0, 45.0], [10.002, 45.0], [10.004, 45.0]], fid="t")
    camp = point(
        10.002,
        45.0003,
        fid="c",
        Name="Ranger Lakes",
        Type="Campground",
        website="https://cpw.state.co.us",
        capacity=30,
        fee="yes",
    )
    command("import_trails", geojson_file(trail, camp), source="co")

    found = Campsite.objects.get(source__name="co", name="Ranger Lakes")
    assert found.kind == "camp_site" and found.junction is not None
    assert (found.website, found.capacity, found.fee) == (
        "https://cpw.state.co.us",
        30,
        True,
    )


def test_a_closure_staff_set_outlasts_a_reimport_and_leaves_planning(osm_file):
    nodes = dict(N)
    nodes[41] = (1.5041, 42.5002, {"tourism": "camp_site", "name": "Camping"})
    path = osm_file(nodes, [chain(1, 1, 6)])
    run(path, source="tiny")
    camp = Campsite.objects.get(source__name="tiny", name="Camping")
    assert list(Campsite.objects.filter(source__name="tiny").beds()) == [camp]

    camp.closed_reason = "Closed for the season"
    camp.staff_fields = ["closed_reason"]
    camp.save()
    run(path, source="tiny")

    camp.refresh_from_db()
    assert camp.closed_reason == "Closed for the season"
    assert not Campsite.objects.filter(source__name="tiny").beds().exists()


def test_shelters_count_as_beds_only_when_the_hiker_says_so(osm_file):
    nodes = dict(N)
    nodes[40] = (1.5021, 42.5001, {"amenity": "shelter", "name": "Cabana"})
    nodes[41] = (1.5041, 42.5002, {"tourism": "wilderness_hut", "name": "Refugi"})
    run(osm_file(nodes, [chain(1, 1, 6)]), source="tiny")

    tiny = Campsite.objects.filter(source__name="tiny")
    assert list(tiny.beds(shelters=False).values_list("name", flat=True)) == ["Refugi"]
    assert tiny.beds().count() == 2


def test_staff_close_a_hut_for_the_season_in_the_admin(client, django_user_model):
    from django.urls import reverse

    staff = django_user_model.objects.create_user(
        "warden", password="pw-for-tests", is_staff=True, is_superuser=True
    )
    client.force_login(staff)
    hut = Campsite.objects.create(name="Refugi X", kind="alpine_hut", lat=42.5, lon=1.5)
    url = reverse("admin:trails_campsite_change", args=[hut.pk])
    form = {
        "name": "Refugi X",
        "kind": "alpine_hut",
        "lat": "42.5",
        "lon": "1.5",
        "capacity": "40",
        "staffed": "true",
        "fee": "unknown",
        "closed_reason": "Closed until June",
    }

    response = client.post(url, form)

    assert response.status_code == 302
    hut.refresh_from_db()
    assert (hut.capacity, hut.staffed, hut.closed_reason) == (
        40,
        True,
        "Closed until June",
    )
    assert {"capacity", "staffed", "closed_reason"} <= set(hut.staff_fields)
    closed = client.get(reverse("admin:trails_campsite_changelist"), {"closed": "yes"})
    assert "Refugi X" in closed.content.decode()
    still_open = client.get(
        reverse("admin:trails_campsite_changelist"), {"closed": "no"}
    )
    assert "Refugi X" not in still_open.content.decode()
