"""Settings for the test suite: the real settings with a key and no HTTPS redirect.

DATABASE_URL still comes from the environment, so `.ci/run` runs the same suite on
SQLite and on PostgreSQL.
"""

import os
import uuid

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
# `make test` runs without DEBUG and, on SQLite, without Redis: one process.
os.environ.setdefault("ALLOW_LOCAL_CACHE", "1")

from loopgenie.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
WHITENOISE_AUTOREFRESH = True
# Each test session gets its own cache namespace, so a shared Redis (CI runs the
# suite against one) never serves a plan cached by an earlier run's database; the
# rate-limit counters get theirs, so a test can evict every cached page alone.
_session = f"test-{uuid.uuid4().hex[:12]}"
CACHES["default"]["KEY_PREFIX"] = _session  # noqa: F405
CACHES["ratelimit"]["KEY_PREFIX"] = f"{_session}-rate"  # noqa: F405
# The suite asks for many fresh plans from one address; the rate-limit tests set
# their own small limit.
PLAN_RATE_LIMIT = (100_000, 60)
