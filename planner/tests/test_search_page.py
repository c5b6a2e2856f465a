"""/search as a page that works without JavaScript, the search box on every page,
and what staff see of the searches in the admin."""

import pytest
from django.urls import reverse

from planner.models import SearchTerm

pytestmark = pytest.mark.django_db


def page(client, **params):
    return client.get(reverse("planner:search"), params)


def test_results_are_grouped_by_kind_with_region_length_and_links(client, world):
    response = page(client, q="refugi")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>Huts and campsites</h2>" in html
    assert "Refugi de Juclar" in html
    assert world.name in html
    groups = response.context["groups"]
    numbers = [row["n"] for group in groups for row in group["rows"]]
    assert numbers == list(range(1, len(numbers) + 1))
    points = response.context["map_data"]["points"]
    assert [p["n"] for p in points] == numbers
    assert 'id="map-data"' in html and 'id="map"' in html


def test_routes_and_trails_show_their_length_and_link_to_their_pages(client, world):
    html = page(client, q="gr11").content.decode()
    assert "<h2>Waymarked routes</h2>" in html
    assert 'href="/routes/' in html and " km (" in html


def test_an_empty_box_shows_the_form_alone(client, world):
    response = page(client)
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert not response.context["groups"]


def test_bad_input_is_the_same_page_with_a_message(client, world):
    for params in ({"q": "!!!"}, {"q": "x" * 500}, {"q": "cami", "lat": "north"}):
        response = page(client, **params)
        assert response.status_code == 400
        assert 'class="error"' in response.content.decode()


def test_nothing_found_says_so(client, world):
    html = page(client, q="matterhorn").content.decode()
    assert "Nothing found for" in html and 'id="map"' not in html


def test_every_page_has_the_search_box(client, world):
    for url in (reverse("planner:home"), reverse("planner:search")):
        html = client.get(url).content.decode()
        assert (
            'role="search"' in html and f'action="{reverse("planner:search")}"' in html
        )


def test_the_admin_shows_top_searches_and_those_that_found_nothing(admin_client, world):
    for text in ("refugi", "refugi", "refugi", "zzyzx", "gr11"):
        page(admin_client, q=text)
    response = admin_client.get(reverse("admin:planner_searchterm_changelist"))
    assert response.status_code == 200
    top = [row["text"] for row in response.context["top_searches"]]
    assert top[0] == "refugi" and {"gr11", "zzyzx"} <= set(top)
    assert [row["text"] for row in response.context["found_nothing"]] == ["zzyzx"]
    html = response.content.decode()
    assert "Most frequent searches, last 30 days" in html
    assert "Searches that found nothing" in html


def test_searches_older_than_30_days_are_left_out_of_the_admin_s_lists(
    admin_client, db
):
    import datetime

    from django.utils import timezone

    old = timezone.localdate() - datetime.timedelta(days=45)
    SearchTerm.objects.create(day=old, text="old news", count=99, results=0)
    response = admin_client.get(reverse("admin:planner_searchterm_changelist"))
    assert not response.context["top_searches"]
    assert not response.context["found_nothing"]


def test_anonymous_visitors_cannot_read_the_searches(client, db):
    response = client.get(reverse("admin:planner_searchterm_changelist"))
    assert response.status_code == 302


def test_a_hut_or_place_result_opens_the_trip_form_with_its_start_filled_in(
    client, world
):
    response = page(client, q="refugi de juclar")
    [huts] = [g for g in response.context["groups"] if g["kind"] == "campsite"]
    hut = huts["rows"][0]["hit"]
    form = client.get(hut.url).context["form"]
    assert form.initial["start"] == "Refugi de Juclar"
    assert float(form.initial["lat"]) == pytest.approx(hut.lat, abs=1e-5)
    html = client.get(hut.url).content.decode()
    assert 'value="Refugi de Juclar"' in html
