"""Answers kept as rendered: a question read once, its answer named, served again.

A plan page, download or API answer depends only on the question (every spelling
of it normalised to one `TripQuery`) and the data it can reach. `Asked` is a
request's question read once: the bound form and the key of its answer (the kind
of answer, the question and the data version). `cached_answer` serves an answer
already given from the shared cache without planning or rendering again, keeps
each new 200, and gives each an ETag and a short max-age. Whether a new answer
may be computed at all (the rate limit) is the view's business, not this one's.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_GET

from planner import caching
from planner.forms import TripForm
from planner.plans import PLAN_CACHE_SECONDS, version_of
from planner.trip import TripQuery, describe
from trails.models import DataVersion

log = logging.getLogger("loopgenie.plans")
PLAN_MAX_AGE = 60  # seconds browsers and proxies may reuse a plan unasked
CACHED_HEADERS = ("Content-Type", "Content-Disposition")


@dataclass
class Asked:
    """A request's question, read once: the bound form and, when it is valid, the
    key of its answer (the kind of answer, the normalised question and the data
    version). Every spelling of one question has one key, so one cached answer,
    and nothing of the raw query string reaches the answer or the log."""

    form: TripForm | None  # None: a remembered spelling, not read again
    query: TripQuery | None = None
    key: str | None = None
    what: str = ""  # the question for the log, its start to about a kilometre


class _Spellings:
    """The last query strings this process has read, and the answer each asked for.

    Reading a question (binding the form, looking the place up) costs more than
    serving its cached answer, so a link asked again is served without reading
    it. Per process and bounded: a new spelling costs one reading, as before.
    """

    def __init__(self, size: int = 2048, longest: int = 512):
        self.size, self.longest = size, longest
        self.items: OrderedDict[tuple, Asked] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, spelling: tuple) -> Asked | None:
        with self.lock:
            known = self.items.get(spelling)
            if known is not None:
                self.items.move_to_end(spelling)
            return known

    def remember(self, spelling: tuple, asked: Asked) -> None:
        if asked.key is None or len(spelling[1]) > self.longest:
            return
        with self.lock:
            self.items[spelling] = Asked(None, key=asked.key, what=asked.what)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


SPELLINGS = _Spellings()


def asked_of(request, read) -> Asked:
    """The request's question: remembered by its spelling (path, query string,
    data version) when this process has read it before, else read now."""
    if not hasattr(request, "_lg_asked"):
        query_string = request.META.get("QUERY_STRING", "")
        spelling = (request.path, query_string, DataVersion.current())
        known = SPELLINGS.get(spelling)
        if known is None:
            known = read(request)
            SPELLINGS.remember(spelling, known)
        request._lg_asked = known
    return request._lg_asked


def answer_key(kind: str, version: int, *question) -> str:
    raw = json.dumps([kind, version, *question], sort_keys=True)
    return "response:" + hashlib.sha256(raw.encode()).hexdigest()


def asked_plan(form: TripForm, kind: str, *extra) -> Asked:
    """A plan's question from a bound form: no key when it is not valid."""
    if not form.is_valid():
        return Asked(form)
    query = form.trip_query()
    # the data version of what the plan can reach: edits elsewhere keep it
    key = answer_key(kind, version_of(query), asdict(query), *extra)
    return Asked(form, query, key, f"plan {describe(query)}")


def cached_answer(read):
    """GET only, with an ETag and a short max-age. `read(request)` binds the form
    and names the answer (an `Asked`), which the view receives; an answer already
    given (to any spelling of the same question, against the same data) is
    served from the shared cache as rendered, and a new 200 is kept there."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            asked = asked_of(request, read)
            response = _kept(asked)
            if response is None:
                if asked.form is None:  # remembered, but its answer has expired
                    asked = request._lg_asked = read(request)
                response = view(request, asked, *args, **kwargs)
                _keep(asked, response)
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=PLAN_MAX_AGE)
            return response

        def etag(request, *args, **kwargs) -> str | None:
            """Same question, same data: same answer. A 304 costs reading the
            question (a place look-up) and the data version, no cache call."""
            key = asked_of(request, read).key
            return key[-32:] if key else None

        return require_GET(condition(etag_func=etag)(wrapped))

    return decorator


def _kept(asked: Asked) -> HttpResponse | None:
    cached = caching.get(asked.key) if asked.key else None
    if cached is None:
        return None
    log.info("%s cache=hit", asked.what)
    response = HttpResponse(cached["content"])
    for name, value in cached["headers"].items():
        response[name] = value
    return response


def _keep(asked: Asked, response: HttpResponse) -> None:
    if response.status_code == 200 and asked.key:
        headers = {h: response[h] for h in CACHED_HEADERS if h in response}
        caching.set(
            asked.key,
            {"content": response.content, "headers": headers},
            PLAN_CACHE_SECONDS,
        )
