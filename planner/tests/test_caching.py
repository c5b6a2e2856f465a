"""The shared cache: one entry per question, none too big, and an outage or a hang
costs a request a fraction of a second, never the rate limit.

`silent_cache` is a real socket that accepts connections and never answers: what a
hung Redis looks like to a client. `stored_bytes` reads Redis's own account of the
session's keys when CACHE_URL is set, the local cache's otherwise.
"""

import itertools
import time
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner import caching
from planner.tests.conftest import stored_bytes
from planner.tests.test_protection import fresh_address, new_question

pytestmark = pytest.mark.django_db


def test_an_entry_over_the_cap_is_not_stored():
    key = f"test:{uuid.uuid4().hex}"
    caching.set(key, b"x" * (caching.MAX_ENTRY_BYTES + 1), 60)
    assert caching.get(key) is None
    caching.set(key, {"small": b"x" * 1000}, 60)
    assert caching.get(key) == {"small": b"x" * 1000}


def test_an_entry_it_cannot_read_is_a_miss_not_an_error():
    from django.core.cache import cache

    key = f"test:{uuid.uuid4().hex}"
    cache.set(key, {"left": "by an older release"}, 60)  # not our pickled bytes
    assert caching.get(key) is None
    cache.set(key, b"\x80\x05cut short", 60)
    assert caching.get(key) is None


def test_after_a_failure_a_hung_cache_is_skipped_not_waited_for(silent_cache):
    started = time.monotonic()
    assert caching.get("anything") is None
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(20):
        caching.set("anything", 1, 60)
        assert caching.get("anything") is None
    assert first < 1.0  # one socket timeout, not redis-py's unbounded wait
    assert time.monotonic() - started < 0.1  # the breaker is open: no waiting


def test_with_a_hung_cache_fresh_plans_answer_in_time_and_the_limit_holds(
    client, world, silent_cache, settings
):
    settings.PLAN_RATE_LIMIT = (3, 3600)
    client.defaults["REMOTE_ADDR"] = fresh_address()
    url = reverse("planner:api_plan")
    statuses = []
    for _ in range(4):
        started = time.monotonic()
        statuses.append(client.get(url, new_question()).status_code)
        assert time.monotonic() - started < 2.0
    assert statuses == [200, 200, 200, 429]
    # The breaker closes after a while; the hung cache is tried again, briefly.
    caching._skip_until.clear()
    started = time.monotonic()
    assert client.get(url, new_question()).status_code == 429
    assert time.monotonic() - started < 2.0


def test_with_the_cache_down_the_limit_counts_in_the_process(
    client, world, dead_cache, settings
):
    settings.PLAN_RATE_LIMIT = (2, 3600)
    client.defaults["REMOTE_ADDR"] = fresh_address()
    url = reverse("planner:api_plan")
    statuses = [client.get(url, new_question()).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def spellings(hike: str) -> list[str]:
    """Fifty query strings asking one question: numbers written other ways, the
    start in other cases, parameters in other orders, unknown ones added."""
    numbers = [hike, f"{hike}0", f"{hike}00", f"+{hike}", f"%20{hike}", f"0{hike}"]
    starts = ["Andorra+la+Vella", "andorra+la+vella", "ANDORRA%20LA%20VELLA"]
    extras = ["", "&utm_source=forum", "&tolerance=10&stems=yes&difficulty="]
    out = []
    for number, start, extra, backwards in itertools.product(
        numbers, starts, extras, (False, True)
    ):
        parts = [f"start={start}", "drive=20", f"hike={number}"]
        if backwards:
            parts = parts[::-1] + ["lat=", "lon=", "units=mi", "days=1"]
        out.append("&".join(parts) + extra)
    assert len(set(out)) == len(out)
    return out[:50]


def test_fifty_spellings_of_one_question_share_one_cached_page(client, world):
    url = reverse("planner:plan")
    hike = f"11.{uuid.uuid4().int % 10**4:04d}"  # a question no one asked yet
    before = stored_bytes()
    first = client.get(f"{url}?{spellings(hike)[0]}")
    assert first.status_code == 200
    one_page = stored_bytes() - before
    for query in spellings(hike)[1:]:
        again = client.get(f"{url}?{query}")
        assert again.status_code == 200 and again["ETag"] == first["ETag"], query
        assert again.content == first.content
    grown = stored_bytes() - before
    assert grown < 2_000_000
    assert grown < one_page * 1.1  # nothing more per spelling
    assert b"utm_source" not in first.content


def test_the_api_shares_one_answer_between_spellings(client, world):
    url = reverse("planner:api_plan")
    question = new_question()
    first = client.get(url, question)
    respelled = {**question, "hike_miles": question["hike_miles"] + "000"}
    again = client.get(url, respelled, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_a_link_asked_again_is_served_without_reading_the_question_again(client, world):
    url = f"{reverse('planner:plan')}?start=Andorra+la+Vella&drive=20&hike=12.7"
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.content == first.content
    # The data version only: no place look-up, no form.
    assert len(queries) == 1, [q["sql"] for q in queries]
