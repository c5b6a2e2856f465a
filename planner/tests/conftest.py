"""`world`: the real Andorra network and the GeoNames subset, for view tests.
`square`: a lone square of paths far from Andorra, where solving is quick.

`dead_cache` and `silent_cache`: the shared cache (both aliases) pointed at a port
where nothing listens, or at a real socket that accepts connections and never
answers (a Redis server that hangs), with production's socket timeouts.
`stored_bytes`: how much this test session has in the plan and page cache.
"""

import socket
import threading

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches

REDIS = "django.core.cache.backends.redis.RedisCache"


@pytest.fixture
def world(andorra_db, places):
    return andorra_db


@pytest.fixture
def square(osm_file, places):
    """A lone square of paths (about 1.33 km round) with a car park at one corner,
    far from Andorra: the only loop there is the square itself."""
    from trails.importers import import_file

    lon, lat, d = 10.0, 45.0, 0.003
    nodes = {
        1: (lon, lat, {"amenity": "parking", "name": "Square car park"}),
        2: (lon + d * 1.414, lat, {}),
        3: (lon + d * 1.414, lat + d, {}),
        4: (lon, lat + d, {}),
    }
    way = {"id": 1, "nodes": [1, 2, 3, 4, 1], "tags": {"highway": "path"}}
    import_file(osm_file(nodes, [way]), "square")
    return {"lat": f"{lat - 0.01}", "lon": f"{lon}"}


def _redis_at(settings, url: str) -> None:
    # Production's timeout, whatever the suite runs with: these caches hang or
    # are down on purpose, and what a request then costs is the point.
    timeout = django_settings.DEFAULT_CACHE_TIMEOUT
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    settings.CACHES = {
        alias: {"BACKEND": REDIS, "LOCATION": url, "OPTIONS": options}
        for alias in ("default", "ratelimit")
    }


@pytest.fixture
def dead_cache(settings):
    _redis_at(settings, "redis://127.0.0.1:1/0")


@pytest.fixture
def silent_cache(settings):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held = []

    def accept_and_say_nothing():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:  # closed at teardown
                return

    threading.Thread(target=accept_and_say_nothing, daemon=True).start()
    _redis_at(settings, f"redis://127.0.0.1:{server.getsockname()[1]}/5")
    yield
    server.close()
    for connection in held:
        connection.close()


def stored_bytes(alias: str = "default") -> int:
    """The bytes this session's keys take in the cache `alias`: Redis's own
    account of each key when CACHE_URL is set, the pickled values otherwise."""
    cache = caches[alias]
    if cache.__class__.__name__ == "RedisCache":
        client = cache._cache.get_client(write=False)
        keys = client.scan_iter(match=f"{cache.key_prefix}:*", count=1000)
        return sum(client.memory_usage(key) or 0 for key in keys)
    return sum(len(value) for value in cache._cache.values())


def evict_everything(alias: str = "default") -> None:
    """What an eviction policy under memory pressure may do to this session's
    cached plans and pages (without touching other users of a shared Redis)."""
    cache = caches[alias]
    if cache.__class__.__name__ == "RedisCache":
        client = cache._cache.get_client(write=True)
        for key in list(client.scan_iter(match=f"{cache.key_prefix}:*")):
            client.delete(key)
    else:
        cache.clear()
