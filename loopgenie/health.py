"""`/healthz` for load balancers: is the database there, is the cache there."""

import time

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    key = "healthz"
    value = str(time.time())
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    return "ok"


@never_cache
def healthz(request):
    checks, healthy = {}, True
    for name, check in (("database", _database), ("cache", _cache)):
        try:
            checks[name] = check()
        except Exception as exc:  # any failure is an unhealthy answer, not a 500
            checks[name] = f"error: {exc.__class__.__name__}"
            healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )
