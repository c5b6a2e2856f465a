"""GET /api/search: the contract, bad input (400, never 500), the cache, the rate
limit and the count of what hikers search for, on the real Andorra network."""

import pytest
from django.urls import reverse

from planner.models import SearchTerm
from planner.tests.test_protection import fresh_address

pytestmark = pytest.mark.django_db


def api(client, **params):
    return client.get(reverse("planner:api_search"), params)


def test_an_answer_lists_typed_results_with_where_they_are_and_where_to_go(
    client, world
):
    response = api(client, q="GR 11", lat="42.55", lon="1.6", limit="3")
    assert response.status_code == 200
    doc = response.json()
    assert doc["query"] == {
        "q": "gr11",
        "lat": 42.55,
        "lon": 1.6,
        "kind": ["route", "trail", "campsite", "trailhead", "place"],
        "limit": 3,
    }
    assert len(doc["results"]) == 3
    first = doc["results"][0]
    assert first["type"] == "route" and first["ref"].replace(" ", "") == "GR11"
    assert first["url"] == f"/routes/{first['id']}/"
    assert first["region"] == world.name
    assert first["length_miles"] > 1 and first["distance_miles"] >= 0
    for hit in doc["results"]:
        assert {"type", "id", "name", "lat", "lon", "url"} <= set(hit)
        assert 42.3 < hit["lat"] < 42.7 and 1.3 < hit["lon"] < 1.8


def test_kind_keeps_only_those_kinds(client, world):
    doc = api(client, q="refugi", kind="campsite,trailhead").json()
    assert doc["results"]
    assert {hit["type"] for hit in doc["results"]} <= {"campsite", "trailhead"}


def test_nothing_found_is_an_empty_list_not_an_error(client, world):
    doc = api(client, q="matterhorn hornlihutte").json()
    assert doc["results"] == []


@pytest.mark.parametrize(
    "params, field",
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "!!! ???"}, "q"),
        ({"q": "x" * 5000}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "cami", "lat": "95", "lon": "1.5"}, "lat"),
        ({"q": "cami", "lat": "nan", "lon": "1.5"}, "lat"),
        ({"q": "cami", "lat": "42.5", "lon": "1e309"}, "lon"),
        ({"q": "cami", "lat": "42.5"}, "lon"),
        ({"q": "cami", "lon": "1.5"}, "lat"),
        ({"q": "cami", "kind": "hut"}, "kind"),
        ({"q": "cami", "kind": "trail,," + "x" * 200}, "kind"),
        ({"q": "cami", "limit": "0"}, "limit"),
        ({"q": "cami", "limit": "51"}, "limit"),
        ({"q": "cami", "limit": "ten"}, "limit"),
        ({"q": "cami", "limt": "5"}, "limt"),
    ],
)
def test_bad_parameters_get_a_400_naming_the_field(client, world, params, field):
    response = api(client, **params)
    assert response.status_code == 400
    assert response.json()["errors"][field]


def test_a_repeated_parameter_is_refused(client, world):
    response = client.get(reverse("planner:api_search") + "?q=cami&q=ral")
    assert response.status_code == 400
    assert response.json()["errors"]["q"] == ["Give this only once."]


@pytest.mark.parametrize(
    "text",
    ["😀 refugi", "cami\u200bral", "ｇｒ１１", "\u202eigufer", "%00", "Ω" * 199, "🏔"],
)
def test_odd_unicode_is_answered_not_failed(client, world, text):
    response = api(client, q=text)
    assert response.status_code in (200, 400)
    assert "results" in response.json() or "errors" in response.json()


def test_the_same_question_is_answered_from_the_cache(
    client, world, django_assert_max_num_queries
):
    assert api(client, q="estany", limit="4").status_code == 200
    # The data version, and the count of the search: no search queries.
    with django_assert_max_num_queries(3):
        again = api(client, q="ESTANY", limit="4")
    assert again.status_code == 200


def test_fresh_searches_are_rate_limited_with_a_retry_after(client, world, settings):
    settings.PLAN_RATE_LIMIT = (0.02, 3600)  # 5 ms of search: one fresh search
    client.defaults["REMOTE_ADDR"] = fresh_address()
    assert api(client, q="juclar pessons").status_code == 200
    refused = api(client, q="sorteny pessons")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["errors"]["rate"]
    assert api(client, q="juclar pessons").status_code == 200  # cached: free


def test_searches_are_counted_by_their_folded_text_only(client, world):
    api(client, q="Refugi de Juclar")
    api(client, q="refugi  de JUCLAR", kind="campsite")
    api(client, q="Zzyzx")
    terms = {t.text: (t.count, t.results) for t in SearchTerm.objects.all()}
    assert terms["refugi de juclar"][0] == 2 and terms["refugi de juclar"][1] > 0
    assert terms["zzyzx"] == (1, 0)
