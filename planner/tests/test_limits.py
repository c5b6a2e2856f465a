"""Rate limits: what a fresh plan costs, who is counted, and over which window.

A client's allowance is PLAN_RATE_LIMIT plans of the default search budget; a
plan costs its budget. The tests use fresh addresses (a shared Redis keeps
counters across runs) and questions no other test asks.
"""

import time
import uuid

import pytest
from django.test import RequestFactory
from django.urls import reverse

from planner import limits
from planner.solver import DEFAULT_BUDGET_S
from planner.tests.conftest import evict_everything
from planner.tests.test_protection import fresh_address, new_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_default_plans(settings, client):
    # An hour-long window: no test lasts long enough to see the window move.
    settings.PLAN_RATE_LIMIT = (2, 3600)
    client.defaults["REMOTE_ADDR"] = fresh_address()


def fresh_hike() -> str:
    return f"{5 + uuid.uuid4().int % 10**6 / 10**6:.6f}"


def test_five_five_second_api_plans_cannot_all_pass_a_thirty_a_minute_limit(
    client, square, settings
):
    settings.PLAN_RATE_LIMIT = (30, 60)  # 7.5 search seconds a minute
    client.defaults["REMOTE_ADDR"] = fresh_address()
    url = reverse("planner:api_plan")
    question = {"lat": square["lat"], "lon": square["lon"], "drive_miles": "10"}
    answers = [
        client.get(url, {**question, "hike_miles": fresh_hike(), "budget": "5"})
        for _ in range(5)
    ]
    assert [a.status_code for a in answers] == [200, 429, 429, 429, 429]
    assert "rate" in answers[1].json()["errors"]


def test_the_page_and_downloads_search_for_the_default_budget_whatever_they_ask(
    client, world, two_default_plans
):
    # Two default plans fit the allowance; had `budget=5` been used, the first
    # would have spent all of it (and taken five seconds).
    asked = [
        ("planner:plan", {"start": "Encamp", "drive": "9"}),
        ("planner:plan_gpx", {"start": "Ordino", "drive": "9"}),
    ]
    for name, params in asked:
        started = time.monotonic()
        response = client.get(
            reverse(name), {**params, "hike": fresh_hike(), "budget": "5"}
        )
        assert response.status_code == 200
        assert time.monotonic() - started < 2 + DEFAULT_BUDGET_S
    geojson = client.get(
        reverse("planner:plan_geojson"),
        {"start": "Canillo", "drive": "9", "hike": fresh_hike(), "budget": "5"},
    )
    assert geojson.status_code == 429  # the third default plan does not fit


def test_an_api_budget_costs_its_share_of_the_allowance(
    client, world, two_default_plans
):
    url = reverse("planner:api_plan")
    assert client.get(url, new_question(budget="0.25")).status_code == 200
    assert client.get(url, new_question(budget="0.1")).status_code == 200
    assert client.get(url, new_question(budget="0.1")).status_code == 200
    assert client.get(url, new_question(budget="0.1")).status_code == 429


def test_a_refused_plan_is_not_counted(client, world, two_default_plans):
    url = reverse("planner:api_plan")
    assert client.get(url, new_question(budget="0.4")).status_code == 200
    assert client.get(url, new_question(budget="0.2")).status_code == 429
    assert client.get(url, new_question(budget="0.1")).status_code == 200


def test_ipv6_clients_are_counted_by_their_64_block(client, world, two_default_plans):
    block = f"2001:db8:{uuid.uuid4().int % 0xFFFF:x}:{uuid.uuid4().int % 0xFFFF:x}"
    url = reverse("planner:api_plan")
    for host in ("1", "2"):
        answer = client.get(url, new_question(), REMOTE_ADDR=f"{block}::{host}")
        assert answer.status_code == 200
    another_machine = f"{block}:ffff:ffff:ffff:ffff"
    assert (
        client.get(url, new_question(), REMOTE_ADDR=another_machine).status_code == 429
    )
    next_block = f"2001:db8:ffff:{uuid.uuid4().int % 0xFFFF:x}::1"
    assert client.get(url, new_question(), REMOTE_ADDR=next_block).status_code == 200


def test_client_keys_read_addresses_as_the_network_sees_them():
    assert limits.client_key("203.0.113.9") == "203.0.113.9"
    assert limits.client_key("::ffff:203.0.113.9") == "203.0.113.9"
    assert limits.client_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert limits.client_key("203.0.113.9:51234") == "203.0.113.9"
    assert limits.client_key("[2001:db8:1:2::9]:443") == "2001:db8:1:2::/64"
    # Made-up values share one allowance instead of getting one each.
    assert limits.client_key("<script>") == limits.client_key("x" * 64)


def test_the_window_slides_so_an_allowance_is_not_spent_twice_at_its_edge():
    limit = limits.Limit(f"test-{uuid.uuid4().hex}", allowance=2, window=1)
    request = RequestFactory().get("/", REMOTE_ADDR=fresh_address())
    while not 0.75 < time.time() % 1 < 0.85:  # late in a one-second window
        time.sleep(0.01)
    limits.spend(request, limit, 1)
    limits.spend(request, limit, 1)
    time.sleep(1.05 - time.time() % 1)  # just into the next window
    with pytest.raises(limits.RateLimited) as refused:
        limits.spend(request, limit, 1)  # a fixed window would have let it in
    assert refused.value.retry_after == 1


def test_the_limit_survives_the_eviction_of_every_cached_page(
    client, world, two_default_plans
):
    url = reverse("planner:api_plan")
    for _ in range(2):
        assert client.get(url, new_question()).status_code == 200
    evict_everything("default")
    assert client.get(url, new_question()).status_code == 429


def test_trailhead_lookups_are_limited_and_cached(client, world, two_default_plans):
    url = reverse("planner:api_trailheads")
    asked = [
        {"lat": "42.5", "lon": f"1.{n}{uuid.uuid4().int % 10**5:05d}"} for n in range(3)
    ]
    first = client.get(url, {**asked[0], "drive_miles": "5"})
    assert first.status_code == 200
    assert client.get(url, {**asked[1], "drive_miles": "5"}).status_code == 200
    assert client.get(url, {**asked[2], "drive_miles": "5"}).status_code == 429
    again = client.get(url, {**asked[0], "drive_miles": "5.0"})
    assert again.status_code == 200 and again.content == first.content


def test_a_download_of_a_plan_already_made_is_served_over_the_limit(
    client, world, two_default_plans
):
    # The download's file is new, its plan is not: no search, so no refusal.
    trip = {"start": "Encamp", "drive": "9", "hike": fresh_hike()}
    page = reverse("planner:plan")
    assert client.get(page, trip).status_code == 200
    assert client.get(page, {**trip, "hike": fresh_hike()}).status_code == 200
    assert client.get(page, {**trip, "hike": fresh_hike()}).status_code == 429
    gpx = client.get(reverse("planner:plan_gpx"), {**trip, "loop": "1"})
    assert gpx.status_code == 200 and gpx["Content-Type"] == "application/gpx+xml"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "ranger", password="correct horse battery", is_staff=True
    )


def test_the_admin_login_refuses_a_client_after_its_attempts(client, staff, settings):
    settings.LOGIN_RATE_LIMIT = (3, 600)
    client.defaults["REMOTE_ADDR"] = fresh_address()
    login = reverse("admin:login")
    for guess in ("password", "hunter2", "letmein"):
        wrong = client.post(login, {"username": "ranger", "password": guess})
        assert wrong.status_code == 200  # the form again, with its error
    right = {"username": "ranger", "password": "correct horse battery"}
    refused = client.post(login, right)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "_auth_user_id" not in client.session
    elsewhere = client.post(login, right, REMOTE_ADDR=fresh_address())
    assert elsewhere.status_code == 302


def test_the_counters_of_many_clients_are_all_kept():
    # A memory cache culls a third of its entries past 300 by default: counters
    # must not go that way when there is no Redis.
    limit = limits.Limit(f"test-{uuid.uuid4().hex}", allowance=1, window=3600)
    first = RequestFactory().get("/", REMOTE_ADDR="198.51.100.1")
    limits.spend(first, limit, 1)
    for n in range(400):
        address = f"198.18.{n // 250}.{n % 250}"
        limits.spend(RequestFactory().get("/", REMOTE_ADDR=address), limit, 1)
    with pytest.raises(limits.RateLimited):
        limits.spend(first, limit, 1)
