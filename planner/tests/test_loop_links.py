"""Links that keep their trip: a loop's page, GPX and GeoJSON links address the
loop itself (signed), so a saved link gives the same track after a restart and
edits elsewhere, and says so plainly when staff closed a stretch it uses."""

import json
import re

import gpxpy
import pytest
from django.core.cache import caches
from django.urls import reverse

from planner import answers, plans
from trails.geo import haversine_m
from trails.models import DataVersion, Segment

TRIP = {"start": "Andorra la Vella", "drive": "20", "hike": "12"}


def _links(client, trip=TRIP) -> list[dict[str, str]]:
    page = client.get(reverse("planner:plan"), trip).content.decode()
    found = re.findall(r'<a class="button" href="(/loop/[^"]+\.gpx)" download>', page)
    assert len(found) >= 2
    return [
        {
            "gpx": gpx,
            "geojson": gpx.removesuffix(".gpx") + ".geojson",
            "page": gpx.removesuffix(".gpx") + "/",
        }
        for gpx in found
    ]


def _restart():
    """What a server restart forgets: every cache, graph and remembered question."""
    for alias in ("default", "ratelimit"):
        caches[alias].clear()
    plans.GRAPHS.clear()
    answers.SPELLINGS.items.clear()


def _track(response) -> list[tuple[float, float]]:
    assert response.status_code == 200, response.content[:300]
    gpx = gpxpy.parse(response.content)
    return [(p.latitude, p.longitude) for p in gpx.tracks[0].segments[0].points]


def _used(link: str) -> set[int]:
    from planner import links

    return set(links.read(link.split("/")[2].removesuffix(".gpx")).segment_ids)


def test_a_gpx_link_gives_the_same_track_after_a_restart_and_edits_elsewhere(
    client, world
):
    first = _links(client)[0]
    track = _track(client.get(first["gpx"]))
    assert len(track) > 100
    geojson = client.get(first["geojson"]).json()
    used = _used(first["gpx"])
    # Staff close ground the loop does not use, and rename a trail it does not.
    elsewhere = Segment.objects.exclude(id__in=used).filter(is_open=True)[:40]
    Segment.objects.filter(id__in=[s.id for s in elsewhere]).update(
        is_open=False, closed_reason="Test closure"
    )
    DataVersion.bump()
    _restart()

    assert _track(client.get(first["gpx"])) == track
    again = client.get(first["geojson"]).json()
    assert again["features"][0]["geometry"] == geojson["features"][0]["geometry"]
    page = client.get(first["page"]).content.decode()
    assert "A saved loop" in page and first["gpx"] in page


def test_a_loop_link_says_when_staff_closed_a_stretch_it_uses_and_offers_the_question(
    client, world
):
    first = _links(client)[0]
    used = sorted(_used(first["gpx"]))
    closed = Segment.objects.select_related("trail").get(id=used[len(used) // 2])
    closed.is_open = False
    closed.closed_reason = "Bridge washed out"
    closed.save()
    DataVersion.bump()
    _restart()
    for link in (first["gpx"], first["geojson"], first["page"]):
        response = client.get(link)
        assert response.status_code == 410
        text = response.content.decode()
        assert "closed (Bridge washed out)" in text
        again = re.search(r'class="button" href="([^"]+)">Plan this trip again', text)
        assert again and "hike=12" in again.group(1).replace("&amp;", "&")
    assert client.get(again.group(1).replace("&amp;", "&")).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["x", "eyJ0IjoxfQ:1abc:bad", "a" * 3000, "..%2F", "eJyLjgUAARUAuQ:sig"],
)
def test_a_link_loopgenie_did_not_make_is_refused_plainly(client, world, token):
    for name in ("loop", "loop_gpx", "loop_geojson"):
        response = client.get(reverse(f"planner:{name}", args=[token]))
        assert response.status_code == 404
        assert "not a loop link LoopGenie made" in response.content.decode()


def test_a_tampered_loop_is_refused(client, world):
    from django.core import signing

    from planner import links

    link = _links(client)[0]["gpx"]
    token = link.split("/")[2].removesuffix(".gpx")
    signer = signing.Signer(salt=links.SALT)
    data = signer.unsign_object(token)
    data["s"] = data["s"][:-3]  # cut the walk short, keep the old signature
    forged = signer.sign_object(data, compress=True).split(":")[0]
    forged += ":" + token.split(":")[1]
    response = client.get(reverse("planner:loop_gpx", args=[forged]))
    assert response.status_code == 404


def test_the_saved_loop_page_shows_the_same_loop_and_cue_sheet(client, world):
    first = _links(client)[0]
    plan_page = client.get(reverse("planner:plan"), TRIP).content.decode()
    saved = client.get(first["page"]).content.decode()

    def sheet(page):
        start = page.index('<table class="cues">')
        return page[start : page.index("</table>", start)]

    assert sheet(saved) == sheet(plan_page)
    data = json.loads(
        re.search(r'id="map-data" type="application/json">(.*?)</script>', saved).group(
            1
        )
    )
    assert len(data["loops"]) == 1


def test_the_api_gives_each_loop_its_own_links(client, world):
    body = client.get(
        "/api/plan",
        {
            "place": "Andorra la Vella",
            "drive_miles": "20",
            "hike_miles": "12",
            "units": "km",
        },
    ).json()
    loop = body["loops"][0]
    gpx = client.get(loop["links"]["gpx"])
    track = gpxpy.parse(gpx.content).tracks[0].segments[0].points
    assert [round(p.longitude, 6) for p in track[:5]] == [
        c[0] for c in loop["geometry"]["coordinates"][:5]
    ]
    page = client.get(loop["links"]["page"]).content.decode()
    assert " km" in page  # the units the question was asked in


def test_a_loop_whose_segment_is_gone_says_so(client, world):
    first = _links(client)[0]
    used = sorted(_used(first["gpx"]))
    Segment.objects.filter(id=used[0]).delete()
    DataVersion.bump()
    _restart()
    response = client.get(first["gpx"])
    assert response.status_code == 410
    assert "no longer in LoopGenie&#x27;s data" in response.content.decode()


@pytest.fixture
def spur(osm_file, places):
    """One path of 4 km due north from a car park, far from Andorra, with no
    junction along it: the only walk there is out and back along it."""
    from trails.importers import import_file

    lon, lat = 10.0, 45.0
    nodes = {1: (lon, lat, {"amenity": "parking", "name": "Spur car park"})}
    nodes |= {i: (lon, lat + 0.009 * (i - 1), {}) for i in range(2, 6)}
    way = {
        "id": 1,
        "nodes": [1, 2, 3, 4, 5],
        "tags": {"highway": "path", "name": "Spur"},
    }
    import_file(osm_file(nodes, [way]), "spur")
    return {"lat": f"{lat - 0.01}", "lon": f"{lon}", "drive": "10", "units": "mi"}


def test_an_out_and_back_turns_back_where_the_length_is_walked_and_its_link_keeps_it(
    client, spur
):
    api = {"lat": spur["lat"], "lon": spur["lon"], "drive_miles": 10, "hike_miles": 3}
    body = client.get(reverse("planner:api_plan"), api).json()
    [walk] = body["loops"]
    assert walk["kind"] == "out_and_back" and walk["length_miles"] == 3.0
    out, back = walk["segments"]
    assert out["segment_id"] == back["segment_id"]
    assert out["turn_miles"] == 1.5 and back["turn_miles"] is None
    # on the ground: the track goes 1.5 miles up the path and comes back
    page = client.get(reverse("planner:plan"), {**spur, "hike": "3"}).content.decode()
    assert "Turn back onto" in page and "Spur" in page
    [gpx] = re.findall(r'<a class="button" href="(/loop/[^"]+\.gpx)" download>', page)
    _restart()
    track = _track(client.get(gpx))
    start = track[0]
    far = max(haversine_m(start[1], start[0], p[1], p[0]) for p in track)
    assert far == pytest.approx(1.5 * 1609.344, abs=25)
    assert haversine_m(start[1], start[0], track[-1][1], track[-1][0]) < 1
    assert (
        "Spur car park" in client.get(gpx.removesuffix(".gpx") + "/").content.decode()
    )
