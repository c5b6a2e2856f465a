"""What keeps the site up on a busy day: rate limits, conditional GET, health."""

import os
import subprocess
import sys
import uuid

import pytest
from django.urls import reverse

from conftest import BASE_DIR
from trails.models import DataVersion

pytestmark = pytest.mark.django_db

API = {"place": "Andorra la Vella", "drive_miles": "20", "hike_miles": "6"}


def fresh_address() -> str:
    """An address no earlier test (or run, with CI's shared Redis) has used."""
    n = uuid.uuid4().int
    return f"10.{n % 250}.{n // 250 % 250}.{n // 62500 % 250}"


@pytest.fixture
def two_per_minute(settings, client):
    # An hour-long window: a test never straddles two windows of the fixed counter.
    settings.PLAN_RATE_LIMIT = (2, 3600)
    client.defaults["REMOTE_ADDR"] = fresh_address()


def new_question(**params) -> dict:
    """A hike length no test has asked before, so no cached plan answers it (the
    cache may be CI's shared Redis, which these tests do not flush)."""
    return {
        **API,
        "hike_miles": f"{5 + uuid.uuid4().int % 10**6 / 10**6:.6f}",
        **params,
    }


def test_a_client_asking_for_too_many_new_plans_gets_a_429_with_retry_after(
    client, world, two_per_minute
):
    url = reverse("planner:api_plan")
    for _ in range(2):
        assert client.get(url, new_question()).status_code == 200
    refused = client.get(url, new_question())
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert "rate" in refused.json()["errors"]
    page = client.get(
        reverse("planner:plan"),
        {"start": "Ordino", "drive": "9", "hike": new_question()["hike_miles"]},
    )
    assert page.status_code == 429
    assert "Too many new plans" in page.content.decode()


def test_plans_already_made_are_still_served_past_the_limit(
    client, world, two_per_minute
):
    url = reverse("planner:api_plan")
    asked = new_question()
    first = client.get(url, asked)
    client.get(url, new_question())
    assert client.get(url, new_question()).status_code == 429
    again = client.get(url, asked)
    assert again.status_code == 200
    assert again.json()["loops"] == first.json()["loops"]


def test_each_client_address_has_its_own_limit(client, world, two_per_minute):
    url = reverse("planner:api_plan")
    for hike in ("5", "6", "7"):
        client.get(url, {**API, "hike_miles": hike})
    assert client.get(url, {**API, "hike_miles": "8"}).status_code == 429
    other = client.get(url, {**API, "hike_miles": "8"}, REMOTE_ADDR=fresh_address())
    assert other.status_code == 200


def test_an_unchanged_plan_is_a_304_with_its_etag(client, world):
    url = reverse("planner:api_plan")
    first = client.get(url, API)
    assert first.status_code == 200 and first["ETag"]
    assert "max-age=60" in first["Cache-Control"]
    again = client.get(url, API, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_an_admin_edit_changes_the_etag(client, world):

    url = reverse("planner:plan")
    params = {"start": "Andorra la Vella", "drive": "20", "hike": "6"}
    before = client.get(url, params)["ETag"]
    DataVersion.bump()
    after = client.get(url, params, HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before


def test_healthz_reports_database_and_cache(client, world):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_healthz_is_503_when_the_cache_is_down(client, dead_cache):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"].startswith("error")
    assert response.json()["database"] == "ok"


def test_plans_are_still_answered_when_the_cache_is_down(client, world, dead_cache):
    response = client.get(reverse("planner:api_plan"), new_question())
    assert response.status_code == 200
    assert response.json()["loops"]
    page = client.get(
        reverse("planner:plan"), {"start": "Encamp", "drive": "9", "hike": "5"}
    )
    assert page.status_code == 200 and '<article class="loop"' in page.content.decode()


def test_healthz_answers_a_load_balancer_probe_over_plain_http(client, world, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["loopgenie.example.org"]
    probe = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert probe.status_code == 200
    assert client.get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400
    assert client.get("/", HTTP_HOST="loopgenie.example.org").status_code == 301


def test_pages_carry_a_content_security_policy(client, world):
    response = client.get(reverse("planner:home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-key-" + "x9Q2" * 10,
        "ALLOWED_HOSTS": "loopgenie.example.org",
        "DJANGO_SETTINGS_MODULE": "loopgenie.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-key-" + "x9Q2" * 10,
    "ALLOWED_HOSTS": "loopgenie.example.org",
    "CACHE_URL": "redis://127.0.0.1:6379/5",
    "DJANGO_SETTINGS_MODULE": "loopgenie.settings",
}
SHOW_CACHES = (
    "import loopgenie.wsgi; from django.conf import settings; print(settings.CACHES)"
)


def start_production(code: str = "import loopgenie.wsgi", **changes):
    """Import the app as gunicorn does, with production's environment changed by
    `changes` (None removes a variable)."""
    env = {k: v for k, v in os.environ.items() if k not in ("ALLOW_LOCAL_CACHE",)}
    env.update(PRODUCTION)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_settings_start_with_what_production_sets():
    result = start_production()
    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = start_production(SECRET_KEY=None)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_settings_refuse_the_example_files_secret_key():
    example = (BASE_DIR / ".env.example").read_text()
    line = next(x for x in example.splitlines() if x.startswith("SECRET_KEY="))
    result = start_production(SECRET_KEY=line.removeprefix("SECRET_KEY="))
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_settings_refuse_to_start_without_a_shared_cache():
    result = start_production(CACHE_URL=None)
    assert result.returncode != 0
    assert "Set CACHE_URL" in result.stderr
    one_process = start_production(CACHE_URL=None, ALLOW_LOCAL_CACHE="1")
    assert one_process.returncode == 0, one_process.stderr


def test_redis_calls_give_up_within_a_quarter_second():
    result = start_production(SHOW_CACHES, CACHE_TIMEOUT=None)  # the default
    assert result.returncode == 0, result.stderr
    for alias in ("'default'", "'ratelimit'"):
        shown = result.stdout.split(alias)[1]
        assert "'socket_timeout': 0.25" in shown
        assert "'socket_connect_timeout': 0.25" in shown
