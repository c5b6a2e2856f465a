"""The shared cache (Redis in production), used so that losing it costs speed,
not answers: a failed read is a miss, a failed write is skipped, and both are
logged. /healthz reports the outage.

A cache that hangs is worse than one that is down: every call would wait for its
socket timeout (0.25 s, set in settings). So after one failure the cache is
skipped for BREAKER_SECONDS: a request pays for an outage once at most, and most
requests not at all. The breaker belongs to the cache connection it guards (one
per alias, per process and thread, as Django keeps them).

Values are pickled here, so that one too big to be worth keeping (a 250-mile plan
with five alternatives) is known before it is sent, and skipped: no single entry
can take a large share of the cache's memory.
"""

from __future__ import annotations

import logging
import pickle
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

log = logging.getLogger("loopgenie.cache")

BREAKER_SECONDS = 5.0
MAX_ENTRY_BYTES = 1_000_000  # a plan page is 100-160 KB; its plan about as much

_skip_until: weakref.WeakKeyDictionary[BaseCache, float] = weakref.WeakKeyDictionary()


class Unavailable(Exception):
    """The shared cache failed just now, or failed recently and is being skipped."""


@contextmanager
def shared(alias: str = "default") -> Iterator[BaseCache]:
    """The cache `alias` for a few calls; any failure in them opens the breaker
    and comes out as Unavailable."""
    backend = caches[alias]
    if time.monotonic() < _skip_until.get(backend, 0.0):
        raise Unavailable(f"cache {alias!r} skipped after a recent failure")
    try:
        yield backend
    except Exception as exc:  # a cache outage must not fail the request
        _skip_until[backend] = time.monotonic() + BREAKER_SECONDS
        log.warning(
            "cache %s failed (%s); skipping it for %g s",
            alias,
            exc.__class__.__name__,
            BREAKER_SECONDS,
        )
        raise Unavailable(str(exc)) from exc


def get(key: str) -> Any:
    try:
        with shared() as cache:
            blob = cache.get(key)
    except Unavailable:
        return None
    if blob is None:
        return None
    try:
        return pickle.loads(blob)
    except Exception as exc:  # an entry from another release, or cut short: a miss
        log.warning("cache entry %s unreadable (%s)", key[:40], exc.__class__.__name__)
        return None


def set(key: str, value: Any, timeout: int) -> None:  # noqa: A001
    blob = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    if len(blob) > MAX_ENTRY_BYTES:
        log.info("not caching %s: %d bytes is over the cap", key[:40], len(blob))
        return
    try:
        with shared() as cache:
            cache.set(key, blob, timeout)
    except Unavailable:
        pass
