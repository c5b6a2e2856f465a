"""Search by name against the database (planner/search.py), on whichever database
the suite runs on: SQLite by default, PostgreSQL (pg_trgm) in CI.

`hills`: a hand-drawn region far from Andorra, where the right order can be seen:
- "Grüner Weg", 1.1 km north from A, on the waymarked route GR 11 (Senda Pirenaica);
- "Grüner Weg Spur", 80 m east from A;
- "Ridge North" (1.1 km) and "Ridge South" (80 m): one word of two each;
- "Camí Ral", twice: two pieces of one path, as OSM maps it;
- huts "Refugi Nord" (north) and "Refugi Sud" (south);
- a trailhead "Aparcament Camí Ral".
"""

import json

import pytest
from django.db import connection

from planner.search import SearchQuery, search
from trails.importers import import_file
from trails.tests.features import line, point

pytestmark = pytest.mark.django_db

A, B, C = [20.0, 45.0], [20.0, 45.01], [20.001, 45.0]
D, E = [20.01, 45.01], [20.02, 45.01]
NORTH, SOUTH = (45.02, 20.0), (44.99, 20.0)


@pytest.fixture
def hills(db, tmp_path):
    gr11 = {"id": "gr11", "name": "Senda Pirenaica", "ref": "GR 11", "network": "nwn"}
    features = [
        line([A, B], fid="weg", name="Grüner Weg", routes=[gr11]),
        line([A, C], fid="spur", name="Grüner Weg Spur"),
        line([B, [20.0, 45.02]], fid="rn", name="Ridge North"),
        line([C, [20.002, 45.0]], fid="rs", name="Ridge South"),
        line([B, D], fid="ral1", name="Camí Ral"),
        line([D, E], fid="ral2", name="Camí Ral"),
        point(NORTH[1], NORTH[0], fid="n", kind="alpine_hut", name="Refugi Nord"),
        point(SOUTH[1], SOUTH[0], fid="s", kind="alpine_hut", name="Refugi Sud"),
        point(*D, fid="lot", kind="trailhead", name="Aparcament Camí Ral"),
    ]
    path = tmp_path / "hills.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    import_file(path, "Hills")


def found(text: str, region: str | None = "Hills", **options) -> list[tuple]:
    """What a search finds in `region` (other tests may have Andorra loaded)."""
    hits = search(SearchQuery(text, **{"limit": 50, **options}))
    return [(h.type, h.name) for h in hits if region is None or h.region == region]


def test_case_and_accents_do_not_matter(hills):
    assert found("gruner weg")[0] == ("trail", "Grüner Weg")
    assert found("GRÜNER WEG")[0] == ("trail", "Grüner Weg")
    assert found("cami ral", kinds=("trail",)) == [("trail", "Camí Ral")]


def test_word_order_and_a_small_typo_are_forgiven(hills):
    assert found("weg gruner")[0] == ("trail", "Grüner Weg")
    assert found("gruenr weg")[0] == ("trail", "Grüner Weg")


@pytest.mark.parametrize("typed", ["gr11", "GR 11", "GR-11", "senda pirenaica"])
def test_a_waymarked_route_is_found_by_its_ref_or_its_name(hills, typed):
    assert found(typed)[0] == ("route", "GR 11")


def test_more_walking_comes_first_among_equal_matches(hills):
    assert found("ridge", kinds=("trail",)) == [
        ("trail", "Ridge North"),
        ("trail", "Ridge South"),
    ]


def test_nearer_comes_first_among_equal_matches_without_length(hills):
    huts = ("campsite",)
    assert found("refugi", kinds=huts, lat=NORTH[0], lon=NORTH[1])[0][1] == (
        "Refugi Nord"
    )
    assert found("refugi", kinds=huts, lat=SOUTH[0], lon=SOUTH[1])[0][1] == (
        "Refugi Sud"
    )


def test_pieces_of_one_path_are_one_result_with_their_count(hills):
    [hit] = [
        h
        for h in search(SearchQuery("cami ral", kinds=("trail",)))
        if h.region == "Hills"
    ]
    assert hit.extra["pieces"] == 2
    assert hit.url == f"/trails/{hit.id}/"


def test_each_kind_links_where_a_hiker_goes_next(hills):
    route = search(SearchQuery("senda pirenaica", kinds=("route",)))[0]
    assert route.url == f"/routes/{route.id}/"
    lot = search(SearchQuery("aparcament", kinds=("trailhead",)))[0]
    assert lot.url == f"/?trailhead={lot.id}"
    hut = search(SearchQuery("refugi nord", kinds=("campsite",)))[0]
    assert hut.url.startswith("/?start=Refugi+Nord&lat=45.02000&lon=20.00000")


def test_results_carry_their_region_length_and_position(hills):
    hit = search(SearchQuery("gruner weg"))[0]
    assert hit.name == "Grüner Weg" and hit.region == "Hills"
    assert hit.length_m == pytest.approx(1112, rel=0.01)
    assert (hit.lat, hit.lon) == pytest.approx((45.005, 20.0))


def test_nothing_is_found_for_a_name_that_is_not_there(hills):
    assert found("matterhorn") == []


def test_a_flagged_or_closed_trail_is_not_offered(hills):
    from trails.models import Segment

    Segment.objects.filter(trail__name="Ridge South").update(is_open=False)
    assert found("ridge", kinds=("trail",)) == [("trail", "Ridge North")]


def test_places_are_found_by_their_name_and_lead_to_the_trip_form(places):
    hit = search(SearchQuery("andorra la vella", kinds=("place",)))[0]
    assert (hit.type, hit.name) == ("place", "Andorra la Vella")
    assert hit.url.startswith("/?start=Andorra+la+Vella")
    assert found("sant julia de loria", None, kinds=("place",))[0] == (
        "place",
        "Sant Julià de Lòria",
    )


def test_the_real_network_finds_its_routes_huts_and_trails(world):
    assert found("gr11", world.name)[0][0] == "route"
    assert ("campsite", "Refugi de Juclar") in found("refugi juclar", None)[:5]
    assert ("trail", "Camí Ral") in found("cami ral", None)[:5]


def test_postgresql_uses_trigram_indexes_on_the_folded_names(db):
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_search_trgm'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        f"trails_{t}_search_trgm"
        for t in ("trail", "walkingroute", "trailhead", "campsite")
    }


def test_a_place_is_found_as_its_name_is_being_typed(places):
    for text, name in [
        ("la mass", "la Massana"),
        ("l'aldosa", "l'Aldosa"),
        ("sant julia de l", "Sant Julià de Lòria"),
    ]:
        assert ("place", name) in found(text, None, kinds=("place",))[:5], text
