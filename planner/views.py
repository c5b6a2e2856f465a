"""The hiker's pages, the downloads and the JSON API.

Every view has one shape: bind the GET form; if it is valid, plan (from the cache
when the same question was asked against the same data) and render; if not, show the
same form with a message next to each field, or a 400 with the fields for the API.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import replace

from django.db.models import Avg
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.views.decorators.http import condition, require_GET

from planner import caching, exports
from planner.forms import TripForm
from planner.limits import RateLimited, check_plan_rate
from planner.places import GEONAMES_ATTRIBUTION
from planner.plans import (
    ESTIMATOR,
    PLAN_CACHE_SECONDS,
    make_plan,
    trailhead_doc,
    trailheads_in_range,
)
from planner.presenters import api_plan_doc, page_context, trailhead_api_doc
from trails.geo import METRES_PER_MILE
from trails.models import DataVersion, Source, Trailhead

log = logging.getLogger("loopgenie.plans")
PLAN_MAX_AGE = 60  # seconds browsers and proxies may reuse a plan unasked


def _question_key(request) -> str:
    """The question (path and query string) and the data version it was answered
    against: the same key means the same answer. Computed once per request."""
    if not hasattr(request, "_lg_question"):
        raw = f"{request.path}?{request.META.get('QUERY_STRING', '')}"
        version = DataVersion.current()
        request._lg_question = hashlib.sha256(f"{raw}|{version}".encode()).hexdigest()
    return request._lg_question


def _plan_etag(request, *args, **kwargs) -> str:
    """Same question, same data: same answer. A 304 costs one small query."""
    return _question_key(request)[:32]


CACHED_HEADERS = ("Content-Type", "Content-Disposition")


def plan_response(view):
    """GET only, with an ETag and a short max-age. A question already answered
    against the same data is served from the shared cache as rendered, without
    planning or rendering again; a client over its rate limit for new questions
    gets a 429 with Retry-After (a page, or JSON for the API)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        key = f"response:{_question_key(request)}"
        cached = caching.get(key)
        if cached is not None:
            log.info("plan %s cache=hit", request.get_full_path()[:300])
            response = HttpResponse(cached["content"])
            for name, value in cached["headers"].items():
                response[name] = value
        else:
            try:
                response = view(request, *args, **kwargs)
            except RateLimited as limited:
                return _too_many(request, limited)
            if response.status_code == 200:
                headers = {h: response[h] for h in CACHED_HEADERS if h in response}
                caching.set(
                    key,
                    {"content": response.content, "headers": headers},
                    PLAN_CACHE_SECONDS,
                )
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=PLAN_MAX_AGE)
        return response

    return require_GET(condition(etag_func=_plan_etag)(wrapped))


def _too_many(request, limited: RateLimited):
    message = (
        "You have asked for many new plans in a short time. Please wait "
        f"{limited.retry_after} seconds and try again."
    )
    if request.path.startswith("/api/"):
        response = JsonResponse({"errors": {"rate": [message]}}, status=429)
    else:
        response = render(request, "planner/429.html", {"message": message}, status=429)
    response["Retry-After"] = str(limited.retry_after)
    patch_cache_control(response, no_store=True)
    return response


def _planned(request, query):
    return make_plan(query, before_solving=lambda: check_plan_rate(request))


def _sources():
    return Source.objects.filter(segment_count__gt=0).exclude(attribution="")


def _home_map() -> dict:
    """Centre the home map on the trailheads LoopGenie knows."""
    centre = Trailhead.objects.filter(junction__isnull=False).aggregate(
        lat=Avg("lat"), lon=Avg("lon")
    )
    if centre["lat"] is None:
        return {}
    return {"center": [centre["lat"], centre["lon"]], "zoom": 10}


@require_GET
def home(request):
    context = {
        "form": TripForm(),
        "sources": _sources(),
        "geonames": GEONAMES_ATTRIBUTION,
        "map_data": _home_map(),
    }
    return render(request, "planner/home.html", context)


@plan_response
def plan(request):
    form = TripForm(request.GET)
    if not form.is_valid():
        context = {
            "form": form,
            "sources": _sources(),
            "geonames": GEONAMES_ATTRIBUTION,
            "choice_links": _choice_links(request, form),
            "map_data": _home_map(),
        }
        return render(request, "planner/home.html", context, status=400)
    query = form.trip_query()
    doc = _planned(request, query)
    context = page_context(doc, query, request.GET)
    context.update(form=form, geonames=GEONAMES_ATTRIBUTION)
    return render(request, "planner/plan.html", context)


def _choice_links(request, form: TripForm) -> list[dict]:
    """One link per candidate place, keeping the rest of the question."""
    links = []
    params = {k: v for k, v in request.GET.items() if k not in ("lat", "lon", "start")}
    for choice in form.place_choices:
        query = {**params, "start": choice.label, "lat": choice.lat, "lon": choice.lon}
        links.append(
            {
                "label": choice.label,
                "url": f"{reverse('planner:plan')}?{urlencode(query)}",
            }
        )
    return links


def _download(request, render_file, content_type: str, extension: str):
    form = TripForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    query = form.trip_query()
    doc = _planned(request, query)
    try:
        index = int(request.GET.get("loop", "1")) - 1
    except ValueError:
        index = -1
    if not 0 <= index < len(doc["loops"]):
        return JsonResponse(
            {"errors": {"loop": [{"message": "No such loop in this plan."}]}},
            status=404,
        )
    body = render_file(doc, doc["loops"][index], query)
    response = HttpResponse(body, content_type=content_type)
    name = f"loopgenie-{query.hike_m / 1000:.0f}km-loop{index + 1}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@plan_response
def plan_gpx(request):
    return _download(request, exports.gpx, "application/gpx+xml", "gpx")


@plan_response
def plan_geojson(request):
    return _download(request, exports.geojson, "application/geo+json", "geojson")


API_FIELDS = {
    "lat": "lat",
    "lon": "lon",
    "place": "start",
    "drive_miles": "drive",
    "hike_miles": "hike",
    "days": "days",
    "tolerance": "tolerance",
    "alternatives": "alternatives",
    "allow_stems": "stems",
    "max_difficulty": "difficulty",
    "units": "units",
    "budget": "budget",
}
FORM_TO_API = {v: k for k, v in API_FIELDS.items()}


def _api_form(request) -> tuple[TripForm, dict[str, list[str]]]:
    """The trip form bound from API parameter names; unknown names are errors."""
    data = request.GET.copy()
    errors: dict[str, list[str]] = {}
    for name in list(data):
        if name not in API_FIELDS:
            errors[name] = ["Unknown parameter."]
    bound = type(data)(mutable=True)
    for api_name, form_name in API_FIELDS.items():
        if api_name in data:
            bound.setlist(form_name, data.getlist(api_name))
    if "tolerance" in data:
        bound.setlist("tolerance", [_percent(v) for v in data.getlist("tolerance")])
    if "allow_stems" in data:
        bound.setlist("stems", [_yes_no(v) for v in data.getlist("allow_stems")])
    # API lengths are always miles (the names say so); `units` only picks how the
    # query is echoed back.
    units = data.getlist("units")
    if units and units[-1] not in ("mi", "km"):
        errors["units"] = ["Use mi or km."]
    bound.setlist("units", ["mi"])
    form = TripForm(bound)
    form.echo_units = units[-1] if units and units[-1] in ("mi", "km") else "mi"
    return form, errors


def _percent(value: str) -> str:
    """Tolerance as a fraction (0.1) or a percent (10) -> the form's percent."""
    try:
        number = float(value)
    except ValueError:
        return value
    return f"{number * 100:g}" if 0 < number < 1 else f"{number:g}"


def _yes_no(value: str) -> str:
    return {"true": "yes", "1": "yes", "yes": "yes", "false": "no", "0": "no"}.get(
        value.lower(), value
    )


def _api_errors(form: TripForm, extra: dict[str, list[str]]) -> JsonResponse:
    errors = dict(extra)
    for field, messages in form.errors.items():
        name = FORM_TO_API.get(field, field)
        if field == "start":
            name = "place" if form.data.get("start") else "lat"
        errors.setdefault(name, []).extend(messages)
        if field == "start" and form.place_choices:
            errors["place_choices"] = [
                f"{c.label} ({c.lat:.5f}, {c.lon:.5f})" for c in form.place_choices
            ]
    return JsonResponse({"errors": errors}, status=400)


@plan_response
def api_plan(request):
    form, extra = _api_form(request)
    if not form.is_valid() or extra:
        return _api_errors(form, extra)
    query = form.trip_query()
    doc = _planned(request, query)
    return JsonResponse(api_plan_doc(doc, replace(query, units=form.echo_units)))


@require_GET
def api_trailheads(request):
    form, extra = _api_form(request)
    form.fields["hike"].required = False
    for name in ("hike", "days", "tolerance", "alternatives", "stems", "difficulty"):
        if name in form.data:
            extra.setdefault(FORM_TO_API[name], []).append("Not used here.")
    if not form.is_valid() or extra:
        return _api_errors(form, extra)
    d = form.cleaned_data
    drive_m = d["drive"] * METRES_PER_MILE
    found = trailheads_in_range(d["start_lat"], d["start_lon"], drive_m)
    return JsonResponse(
        {
            "query": {
                "lat": d["start_lat"],
                "lon": d["start_lon"],
                "drive_miles": d["drive"],
            },
            "drive_note": ESTIMATOR.describe(),
            "trailheads": [
                trailhead_api_doc(trailhead_doc(th, drive)) for th, drive in found
            ],
        }
    )
