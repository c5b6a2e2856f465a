"""Per-client rate limit on solver work.

Only plans that need the solver count: a cached plan costs nothing, so a link
shared on a forum can be served to everyone while one client cannot keep the CPUs
busy with fresh questions. A fixed window counter in the shared cache (Redis in
production), keyed by client address.
"""

from __future__ import annotations

import time

from django.conf import settings

from planner import caching


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"too many plans; retry after {retry_after} s")
        self.retry_after = retry_after


def client_address(request) -> str:
    """The client's address; behind N trusted proxies, the Nth from the right of
    X-Forwarded-For (a client can prepend anything it likes, not append)."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops][:64]
    return request.META.get("REMOTE_ADDR", "unknown")[:64]


def check_plan_rate(request) -> None:
    """Count one fresh plan for this client; raise RateLimited past the limit."""
    limit, window = settings.PLAN_RATE_LIMIT
    now = int(time.time())
    start = now - now % window
    key = f"rate:plan:{client_address(request)}:{start}"
    count = caching.incr(key, window + 5)
    # Without a cache to count in, let plans through: the solver's budget still
    # bounds each one, and /healthz reports the outage.
    if count is not None and count > limit:
        raise RateLimited(max(1, start + window - now))
