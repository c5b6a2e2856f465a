"""LoopGenie settings: every knob is an environment variable (see .env.example).

With nothing set, the app runs on a SQLite file with DEBUG off; `make run` turns
DEBUG on for local use. Production sets DATABASE_URL (PostgreSQL), SECRET_KEY,
ALLOWED_HOSTS and CACHE_URL.
"""

from pathlib import Path

import environ
import leaflet
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
# Keys anyone can read in this repository: .env.example's and the one below.
PUBLIC_KEYS = {"change-me", "insecure-local-development-key"}
if not DEBUG and (not SECRET_KEY or SECRET_KEY in PUBLIC_KEYS):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a long random string, not the example's placeholder "
        "(or DEBUG=1 for local use); see .env.example."
    )
SECRET_KEY = SECRET_KEY or "insecure-local-development-key"
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
# Each worker keeps its connection between requests (opening a PostgreSQL
# connection costs more than serving a cached plan) and checks it before reuse, so
# a database restart costs no failed request. `?conn_max_age=0` in DATABASE_URL
# turns this off.
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# Plans, pages and rate-limit counters are shared by every web process through
# Redis. Without it each process counts on its own, so production refuses to start
# unless a one-process deployment says so with ALLOW_LOCAL_CACHE=1.
if not DEBUG and "CACHE_URL" not in env and not env.bool("ALLOW_LOCAL_CACHE", False):
    raise ImproperlyConfigured(
        "Set CACHE_URL to a Redis server shared by every web process (without it "
        "each worker has its own cache and rate limit), or ALLOW_LOCAL_CACHE=1 for "
        "a single web process; see docs/deploy.md."
    )
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://loopgenie"),
    # Rate-limit counters, where evicting cached pages cannot reach them.
    "ratelimit": env.cache_url(
        "RATE_LIMIT_CACHE_URL",
        # Locally, room for every client: a memory cache culls a third of its
        # entries when it holds more than its default 300.
        default=env(
            "CACHE_URL", default="locmemcache://loopgenie-rate-limit?max_entries=100000"
        ),
    ),
}
# A cache that hangs must cost a request a fraction of a second, not seconds
# (planner/caching.py then skips it for a while).
DEFAULT_CACHE_TIMEOUT = 0.25
CACHE_TIMEOUT = env.float("CACHE_TIMEOUT", default=DEFAULT_CACHE_TIMEOUT)
for _cache in CACHES.values():
    if _cache["BACKEND"].endswith("RedisCache"):
        _cache.setdefault("OPTIONS", {})
        _cache["OPTIONS"].setdefault("socket_timeout", CACHE_TIMEOUT)
        _cache["OPTIONS"].setdefault("socket_connect_timeout", CACHE_TIMEOUT)
SECURE = env.bool("SECURE", default=not DEBUG)


def _rate(name: str, default: str, what: str) -> tuple[int, int]:
    text = env(name, default=default)
    try:
        count, seconds = (int(part) for part in text.split("/"))
        assert count > 0 and seconds > 0
    except (ValueError, AssertionError):
        raise ImproperlyConfigured(
            f"{name} must look like {default} ({what} per seconds), not {text!r}."
        ) from None
    return count, seconds


# What one client may ask for per window, "COUNT/SECONDS": fresh plans of the
# default search budget (a bigger API budget costs more of them), and attempts
# at the staff login.
PLAN_RATE_LIMIT = _rate("PLAN_RATE_LIMIT", "30/60", "plans")
LOGIN_RATE_LIMIT = _rate("LOGIN_RATE_LIMIT", "10/600", "attempts")
# How many proxies in front of the app append to X-Forwarded-For (0: none).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Largest upload staff may send through the admin, in MiB. Reading GeoJSON takes
# many times the file's size in memory, so bigger files go through manage.py.
MAX_UPLOAD_MB = env.int("MAX_UPLOAD_MB", default=25)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "trails",
    "planner",
]

MIDDLEWARE = [
    "loopgenie.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "loopgenie.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "loopgenie.urls"
WSGI_APPLICATION = "loopgenie.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Leaflet's own files come from the django-leaflet package. Its app is not installed
# because its admin integration needs GeoDjango (GDAL); we only want the assets.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("leaflet", Path(leaflet.__file__).resolve().parent / "static" / "leaflet"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Request size limits: nothing a user sends may tie up a worker.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Our own scripts and styles only; map tiles from OpenStreetMap. Leaflet styles
# elements through the CSSOM, which style-src does not restrict.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "https://tile.openstreetmap.org"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
