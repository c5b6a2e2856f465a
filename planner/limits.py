"""Per-client rate limits: search seconds for plans, attempts at the admin login.

A fresh plan costs its search budget (the solver runs for up to that long), so a
client's allowance is PLAN_RATE_LIMIT plans of the default budget per window,
however it is spent: one 5-second API plan uses what twenty page plans would.
A key-less option that costs its share is simpler to run than API keys, and as
honest. Only fresh work counts: a cached plan costs nothing, so a link shared on
a forum can be served to everyone while one client cannot keep the CPUs busy.

The window slides, approximated by two fixed ones: the previous window counts for
the part of it still inside the last WINDOW seconds, so an allowance cannot be
spent at the end of one window and again at the start of the next. Counters live
in the `ratelimit` cache, which eviction must not reach (docs/deploy.md); while
it is down they live in this process, so each worker then limits on its own:
looser, but still a limit.
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache

from planner import caching
from planner.solver import DEFAULT_BUDGET_S

ALIAS = "ratelimit"
LOCAL = LocMemCache(
    "loopgenie-rate-limit-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}}
)
MILLIS = 1000  # counters are integers: search seconds are counted in milliseconds


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"too many requests; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    """`allowance` units of work per client per `window` seconds."""

    name: str
    allowance: int
    window: int


def plan_limit() -> Limit:
    count, window = settings.PLAN_RATE_LIMIT
    return Limit("plan", round(count * DEFAULT_BUDGET_S * MILLIS), window)


def login_limit() -> Limit:
    count, window = settings.LOGIN_RATE_LIMIT
    return Limit("login", count, window)


def check_plan_rate(request, budget_s: float = DEFAULT_BUDGET_S) -> None:
    """Spend `budget_s` search seconds of this client's allowance; raise
    RateLimited when they do not fit. A budget above the whole allowance costs
    the whole allowance, so a small configured limit still lets it through once
    a window."""
    spend(request, plan_limit(), round(budget_s * MILLIS))


def check_login_rate(request) -> None:
    spend(request, login_limit(), 1)


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


def client_key(address: str) -> str:
    """Who is counted: an IPv4 address, or the /64 block an IPv6 subscriber is
    given (one machine can use any of its 2**64 addresses). Whatever is not an
    address (a proxy chain configured wrong) is one client, so made-up values
    cannot each get an allowance of their own."""
    try:
        ip = ipaddress.ip_address(_without_port(address))
    except ValueError:
        return "not-an-address"
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _without_port(address: str) -> str:
    """Some proxies append "1.2.3.4:5678" or "[2001:db8::1]:5678"."""
    if address.startswith("["):
        return address[1:].split("]")[0]
    if address.count(":") == 1:
        return address.split(":")[0]
    return address


def spend(request, limit: Limit, cost: int) -> None:
    """Count `cost` for this client, or refuse it (and count nothing) when it
    would take the client past its allowance over the last window."""
    cost = min(cost, limit.allowance)
    now = time.time()
    window = int(now // limit.window)
    elapsed = now / limit.window - window  # how far into this window, 0..1
    key = f"rate:{limit.name}:{client_key(client_address(request))}"
    this_key, last_key = f"{key}:{window}", f"{key}:{window - 1}"
    spent, before = _count(this_key, last_key, cost, 2 * limit.window + 5)
    if before * (1 - elapsed) + spent > limit.allowance:
        _count(this_key, last_key, -cost, 2 * limit.window + 5)
        wait = wait_seconds(before, spent - cost, cost, limit.allowance, elapsed)
        # Never more than a window: everything counted is older than that by then
        # (the two-window estimate can take longer to say so).
        raise RateLimited(min(limit.window, max(1, math.ceil(wait * limit.window))))


def wait_seconds(
    before: float, spent: float, cost: float, allowance: float, elapsed: float
) -> float:
    """How long (in windows) until `cost` fits: the previous window's `before`
    fades out as this one goes on, then this one's `spent` does in the next."""
    over = before * (1 - elapsed) + spent + cost - allowance
    if over <= 0:
        return 0.0
    if before and over <= before * (1 - elapsed):
        return over / before
    room = allowance - cost
    return (1 - elapsed) + (max(0.0, 1 - room / spent) if spent else 0.0)


def _count(this_key: str, last_key: str, amount: int, timeout: int) -> tuple[int, int]:
    """Add `amount` to this window's counter; this window's and the last one's
    totals. In this process's memory when the shared counters are unavailable."""
    try:
        with caching.shared(ALIAS) as store:
            return _add(store, this_key, amount, timeout), store.get(last_key, 0)
    except caching.Unavailable:
        return _add(LOCAL, this_key, amount, timeout), LOCAL.get(last_key, 0)


def _add(store: BaseCache, key: str, amount: int, timeout: int) -> int:
    if store.add(key, amount, timeout):
        return amount
    try:
        return store.incr(key, amount)
    except ValueError:  # expired between add and incr
        store.add(key, amount, timeout)
        return amount
