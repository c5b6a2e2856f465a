"""Settings for the test suite: the real settings with a key and no HTTPS redirect.

DATABASE_URL still comes from the environment, so `.ci/run` runs the same suite on
SQLite and on PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")

from loopgenie.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
WHITENOISE_AUTOREFRESH = True
