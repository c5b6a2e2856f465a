"""The shared cache (Redis in production), used so that losing it costs speed,
not answers: a failed read is a miss, a failed write is skipped, and both are
logged. /healthz reports the outage."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache

log = logging.getLogger("loopgenie.cache")


def get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception as exc:  # a cache outage must not fail the request
        log.warning("cache read failed (%s); computing instead", exc.__class__.__name__)
        return None


def set(key: str, value: Any, timeout: int) -> None:  # noqa: A001
    try:
        cache.set(key, value, timeout)
    except Exception as exc:
        log.warning("cache write failed (%s)", exc.__class__.__name__)


def incr(key: str, timeout: int) -> int | None:
    """Count one more under `key` (created with `timeout`), or None when the
    cache cannot count."""
    try:
        if cache.add(key, 1, timeout):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout)
            return 1
    except Exception as exc:
        log.warning("cache count failed (%s)", exc.__class__.__name__)
        return None
