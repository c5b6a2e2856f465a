"""The search page and /api/search.

Both bind the same form, ask `planner/search.py` (through the shared cache: the
same question against the same data is answered once), count the search for the
admin, and render. A fresh search costs a fiftieth of what a default plan costs
out of the client's rate limit (it is a few indexed queries, not a solver run),
so a hiker can type freely while a script cannot keep the database busy.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from planner import caching
from planner.limits import RateLimited, check_plan_rate
from planner.models import SearchTerm
from planner.place_lookup import GEONAMES_ATTRIBUTION
from planner.search import Hit, SearchQuery, search
from planner.search_forms import MAX_LIMIT, SearchForm
from planner.solver import DEFAULT_BUDGET_S
from planner.units import miles
from trails.models import DataVersion, Source

SEARCH_COST_S = DEFAULT_BUDGET_S / 50
SEARCH_CACHE_SECONDS = 600
SEARCH_MAX_AGE = 60
PER_KIND = 10  # results of each kind on the page
HEADINGS = {
    "route": "Waymarked routes",
    "trail": "Trails",
    "campsite": "Huts and campsites",
    "trailhead": "Trailheads",
    "place": "Places",
}


def found(request, query: SearchQuery) -> list[Hit]:
    """The hits for `query`, from the cache when it was asked before; counted."""
    raw = json.dumps(["search", DataVersion.current(), asdict(query)], sort_keys=True)
    key = "search:" + hashlib.sha256(raw.encode()).hexdigest()
    hits = caching.get(key)
    if hits is None:
        check_plan_rate(request, SEARCH_COST_S)
        hits = search(query)
        caching.set(key, hits, SEARCH_CACHE_SECONDS)
    SearchTerm.count_one(query.text, len(hits), timezone.localdate())
    return hits


def _too_many(limited: RateLimited, response):
    response["Retry-After"] = str(limited.retry_after)
    patch_cache_control(response, no_store=True)
    return response


def _rate_message(limited: RateLimited) -> str:
    return (
        "You have searched a lot in a short time. Please wait "
        f"{limited.retry_after} seconds and try again."
    )


@require_GET
def search_page(request):
    form = SearchForm(request.GET or None)
    context = {
        "form": form,
        "groups": [],
        "map_data": {},
        "sources": _sources(),
        "geonames": GEONAMES_ATTRIBUTION,
    }
    if not request.GET:
        return render(request, "planner/search.html", context)
    if not form.is_valid():
        return render(request, "planner/search.html", context, status=400)
    try:
        hits = found(request, form.search_query(limit=MAX_LIMIT))
    except RateLimited as limited:
        context["rate_message"] = _rate_message(limited)
        page = render(request, "planner/search.html", context, status=429)
        return _too_many(limited, page)
    context.update(_grouped(hits), searched=True)
    response = render(request, "planner/search.html", context)
    patch_cache_control(response, public=True, max_age=SEARCH_MAX_AGE)
    return response


def _grouped(hits: list[Hit]) -> dict:
    """Hits by kind, numbered down the page; the map shows the same numbers."""
    groups, points, number = [], [], 0
    for kind, heading in HEADINGS.items():
        shown = [hit for hit in hits if hit.type == kind][:PER_KIND]
        if not shown:
            continue
        rows = []
        for hit in shown:
            number += 1
            rows.append({"n": number, "hit": hit})
            points.append(
                {"n": number, "lat": hit.lat, "lon": hit.lon, "name": hit.name}
            )
        groups.append({"kind": kind, "heading": heading, "rows": rows})
    return {"groups": groups, "map_data": {"points": points}, "count": number}


def _sources():
    return Source.objects.filter(segment_count__gt=0).exclude(attribution="")


@require_GET
def api_search(request):
    form = SearchForm(request.GET, strict=True)
    if not form.is_valid():
        return JsonResponse({"errors": form.api_errors()}, status=400)
    query = form.search_query()
    try:
        hits = found(request, query)
    except RateLimited as limited:
        body = {"errors": {"rate": [_rate_message(limited)]}}
        return _too_many(limited, JsonResponse(body, status=429))
    response = JsonResponse(
        {
            "query": {
                "q": query.text,
                "lat": query.lat,
                "lon": query.lon,
                "kind": list(query.kinds),
                "limit": query.limit,
            },
            "results": [api_hit(hit) for hit in hits],
        }
    )
    patch_cache_control(response, public=True, max_age=SEARCH_MAX_AGE)
    return response


def api_hit(hit: Hit) -> dict:
    doc = {
        "type": hit.type,
        "id": hit.id,
        "name": hit.name,
        "lat": round(hit.lat, 6),
        "lon": round(hit.lon, 6),
        "url": hit.url,
        "kind": hit.kind,
        "region": hit.region,
        "quality": hit.quality,
        "length_miles": miles(hit.length_m),
        "distance_miles": miles(hit.distance_m),
    }
    return doc | hit.extra
