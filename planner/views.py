"""The hiker's pages, the downloads and the JSON API.

Every view has one shape: bind the GET form; if it is valid, plan (from the cache
when the same question was asked against the same data) and render; if not, show the
same form with a message next to each field, or a 400 with the fields for the API.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from django.core import signing
from django.db.models import Avg
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from planner import downloads, links, walks
from planner.answers import (
    PLAN_MAX_AGE,
    Asked,
    answer_key,
    asked_plan,
    cached_answer,
)
from planner.api_forms import ApiPlanForm, ApiTrailheadsForm
from planner.documents import trailhead_doc
from planner.forms import (
    DownloadForm,
    TripForm,
    WalkPageForm,
    change_form,
    page_params,
    prefilled,
)
from planner.limits import RateLimited, check_plan_rate
from planner.place_lookup import GEONAMES_ATTRIBUTION
from planner.plans import cached_plan, compute_plan, version_of
from planner.presenters import api_plan_doc, page_context, trailhead_api_doc
from planner.solver import DEFAULT_BUDGET_S
from planner.starts import ESTIMATOR, trailheads_in_range
from planner.trip import TripQuery
from planner.units import UNIT_METRES
from trails.models import DataVersion, Source, Trail, Trailhead, WalkingRoute

# A trailhead question costs what a default plan does out of the client's limit:
# it is a query over every trailhead in range, and it is cached the same way.
TRAILHEADS_COST_S = DEFAULT_BUDGET_S


def refused_when_limited(view):
    """A client over its rate limit for new plans gets a 429 with Retry-After
    (a page, or JSON for the API), which no cache keeps."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except RateLimited as limited:
            return _too_many(request, limited)

    return wrapped


def plan_view(read):
    """A view answering a plan's question: read once, cached as rendered, and
    refused past the rate limit (only a new answer can be)."""

    def decorator(view):
        return cached_answer(read)(refused_when_limited(view))

    return decorator


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


def _planned(request, query: TripQuery):
    """The plan, from the cache when it is there; a new one is paid for out of
    the client's rate limit first (RateLimited, a 429, when it does not fit)."""
    version = version_of(query)
    plan = cached_plan(query, version)
    if plan is None:
        check_plan_rate(request, query.budget_s)
        plan = compute_plan(query, version)
    return plan


def _sources():
    return Source.objects.filter(segment_count__gt=0).exclude(attribution="")


def _home_map() -> dict:
    """Centre the home map on the trailheads LoopGenie knows."""
    centre = Trailhead.objects.attached().aggregate(lat=Avg("lat"), lon=Avg("lon"))
    if centre["lat"] is None:
        return {}
    return {"center": [centre["lat"], centre["lon"]], "zoom": 10}


@require_GET
def home(request):
    # A search result links here with where to start filled in (?start=&lat=&lon=,
    # or ?trailhead= once the form has it): shown, not yet asked.
    context = {
        "form": prefilled(request.GET),
        "sources": _sources(),
        "geonames": GEONAMES_ATTRIBUTION,
        "map_data": _home_map(),
    }
    return render(request, "planner/home.html", context)


def _read_page(request) -> Asked:
    return asked_plan(TripForm(request.GET), "page")


@plan_view(_read_page)
def plan(request, asked: Asked):
    form = asked.form
    if asked.query is None:
        context = {
            "form": form,
            "sources": _sources(),
            "geonames": GEONAMES_ATTRIBUTION,
            "choice_links": _choice_links(form),
            "map_data": _home_map(),
        }
        return render(request, "planner/home.html", context, status=400)
    doc = _planned(request, asked.query)
    # Built from the question, not the query string: every spelling of it shares
    # this page, so the page must not show one spelling's leftovers.
    params = page_params(form)
    context = page_context(doc, asked.query, params)
    context.update(form=change_form(params), geonames=GEONAMES_ATTRIBUTION)
    return render(request, "planner/plan.html", context)


def _choice_links(form: TripForm) -> list[dict]:
    """One link per candidate place, keeping the rest of the question."""
    links = []
    params = {k: v for k, v in form.data.items() if k not in ("lat", "lon", "start")}
    for choice in form.place_choices:
        query = {**params, "start": choice.label, "lat": choice.lat, "lon": choice.lon}
        links.append(
            {
                "label": choice.label,
                "url": f"{reverse('planner:plan')}?{urlencode(query)}",
            }
        )
    return links


def _read_download(kind: str):
    def read(request) -> Asked:
        form = DownloadForm(request.GET)
        if not form.is_valid():
            return Asked(form)
        loop = form.cleaned_data["loop"]
        return asked_plan(form, kind, -1 if loop is None else loop - 1)

    return read


def _download(request, asked: Asked, render_file, content_type: str, extension: str):
    if asked.query is None:
        return JsonResponse({"errors": asked.form.errors.get_json_data()}, status=400)
    query = asked.query
    doc = _planned(request, query)
    loop = asked.form.cleaned_data["loop"]
    if loop is None or not 1 <= loop <= len(doc["loops"]):
        return JsonResponse(
            {"errors": {"loop": [{"message": "No such loop in this plan."}]}},
            status=404,
        )
    body = render_file(doc, doc["loops"][loop - 1], query)
    response = HttpResponse(body, content_type=content_type)
    name = f"loopgenie-{query.hike_m / 1000:.0f}km-loop{loop}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@plan_view(_read_download("gpx"))
def plan_gpx(request, asked: Asked):
    return _download(request, asked, downloads.gpx, "application/gpx+xml", "gpx")


@plan_view(_read_download("geojson"))
def plan_geojson(request, asked: Asked):
    return _download(
        request, asked, downloads.geojson, "application/geo+json", "geojson"
    )


def _kept(request, token: str):
    """The plan document of a loop link, or the response that says why not."""
    try:
        kept = links.read(token)
    except signing.BadSignature:
        context = {"message": "This is not a loop link LoopGenie made.", "again": None}
        return None, None, render(request, "planner/gone.html", context, status=404)
    units = kept.question.get("units")
    try:
        doc, query = links.plan_of(kept, units if units in ("mi", "km") else "mi")
    except links.Gone as gone:
        context = {"message": gone.message, "again": gone.question_url}
        return None, None, render(request, "planner/gone.html", context, status=410)
    return kept, (doc, query), None


@require_GET
def loop_page(request, token: str):
    """One loop, from its link: the same walk as when it was planned, while its
    ground is there and open."""
    kept, planned, refused = _kept(request, token)
    if refused:
        return refused
    doc, query = planned
    context = page_context(doc, query, kept.question)
    context.update(
        kept=True,
        again=links.question_url(kept),
        form=change_form(kept.question),
        geonames=GEONAMES_ATTRIBUTION,
    )
    response = render(request, "planner/plan.html", context)
    patch_cache_control(response, public=True, max_age=PLAN_MAX_AGE)
    return response


def _kept_file(request, token, render_file, content_type: str, extension: str):
    kept, planned, refused = _kept(request, token)
    if refused:
        return refused
    doc, query = planned
    body = render_file(doc, doc["loops"][0], query)
    response = HttpResponse(body, content_type=content_type)
    name = f"loopgenie-{kept.hike_m / 1000:.0f}km-loop{kept.rank}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    patch_cache_control(response, public=True, max_age=PLAN_MAX_AGE)
    return response


@require_GET
def loop_gpx(request, token: str):
    return _kept_file(request, token, downloads.gpx, "application/gpx+xml", "gpx")


@require_GET
def loop_geojson(request, token: str):
    return _kept_file(
        request, token, downloads.geojson, "application/geo+json", "geojson"
    )


def _read_api_plan(request) -> Asked:
    form = ApiPlanForm(request.GET)
    return asked_plan(form, "api", form.echo_units)


@plan_view(_read_api_plan)
def api_plan(request, asked: Asked):
    form = asked.form
    if asked.query is None:
        return JsonResponse({"errors": form.api_errors()}, status=400)
    doc = _planned(request, asked.query)
    params = {**page_params(form), "units": form.echo_units}
    return JsonResponse(
        api_plan_doc(doc, replace(asked.query, units=form.echo_units), params)
    )


def _read_trailheads(request) -> Asked:
    form = ApiTrailheadsForm(request.GET)
    if not form.is_valid():
        return Asked(form)
    lat, lon, drive = form.where()
    drive_m = drive * UNIT_METRES["mi"]
    what = f"trailheads lat={lat:.2f} lon={lon:.2f} drive_m={drive_m:.0f}"
    key = answer_key("trailheads", DataVersion.current(), lat, lon, drive)
    return Asked(form, key=key, what=what)


@plan_view(_read_trailheads)
def api_trailheads(request, asked: Asked):
    if asked.key is None:
        return JsonResponse({"errors": asked.form.api_errors()}, status=400)
    check_plan_rate(request, TRAILHEADS_COST_S)
    d = asked.form.cleaned_data
    lat, lon, drive = d["start_lat"], d["start_lon"], d["drive"]
    found = trailheads_in_range(lat, lon, drive * UNIT_METRES["mi"])
    return JsonResponse(
        {
            "query": {"lat": lat, "lon": lon, "drive_miles": drive},
            "drive_note": ESTIMATOR.describe(),
            "trailheads": [
                trailhead_api_doc(trailhead_doc(th, drive_m)) for th, drive_m in found
            ],
        }
    )


# Hike lengths the trail and route pages' buttons ask for, in the hiker's units.
WALK_PAGE_HIKE = {"mi": "10", "km": "15"}


@require_GET
def trail(request, pk: int):
    return _walk_page(request, get_object_or_404(Trail, pk=pk))


@require_GET
def route(request, pk: int):
    return _walk_page(request, get_object_or_404(WalkingRoute, pk=pk))


def _walk_page(request, thing):
    """A trail's or a route's page: its map, length, climb, what it shares, the
    trailheads and huts on it, and two ways to plan from it."""
    units = WalkPageForm(request.GET).units_or_miles()
    found = walks.page(thing)
    plan = reverse("planner:plan")
    hike = {"hike": WALK_PAGE_HIKE[units], "units": units}
    from_here = walks_this = None
    if found.start_at is not None:
        from_here = f"{plan}?{urlencode({'trailhead': found.start_at.pk, **hike})}"
    if found.length_m:
        walks_this = f"{plan}?{urlencode({found.kind: thing.pk, **hike})}"
    map_data = {
        "lines": found.lines,
        "points": [
            {"lat": p.lat, "lon": p.lon, "name": str(p), "kind": kind}
            for kind, pairs in (
                ("trailhead", found.trailheads),
                ("campsite", found.campsites),
            )
            for p, _ in pairs
        ],
    }
    context = {
        "page": found,
        "units": units,
        "from_here": from_here,
        "walks_this": walks_this,
        "map_data": map_data,
        "sources": [thing.source],
    }
    return render(request, "planner/walk.html", context)
