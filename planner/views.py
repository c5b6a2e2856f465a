"""The hiker's pages, the downloads and the JSON API.

Every view has one shape: bind the GET form; if it is valid, plan (from the cache
when the same question was asked against the same data) and render; if not, show the
same form with a message next to each field, or a 400 with the fields for the API.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, replace

from django.core import signing
from django.db.models import Avg
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.views.decorators.http import condition, require_GET

from planner import caching, exports, links, walks
from planner.documents import trailhead_doc
from planner.forms import ApiTripForm, TripForm, change_form, page_params
from planner.limits import RateLimited, check_plan_rate
from planner.places import GEONAMES_ATTRIBUTION
from planner.plans import PLAN_CACHE_SECONDS, cached_plan, compute_plan, version_of
from planner.presenters import api_plan_doc, page_context, trailhead_api_doc
from planner.solver import DEFAULT_BUDGET_S
from planner.starts import ESTIMATOR, trailheads_in_range
from planner.trip import TripQuery, describe
from trails.geo import METRES_PER_MILE
from trails.models import DataVersion, Source, Trail, Trailhead, WalkingRoute

log = logging.getLogger("loopgenie.plans")
PLAN_MAX_AGE = 60  # seconds browsers and proxies may reuse a plan unasked
# A trailhead question costs what a default plan does out of the client's limit:
# it is a query over every trailhead in range, and it is cached the same way.
TRAILHEADS_COST_S = DEFAULT_BUDGET_S


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
    loop: int = 0  # a download's loop, counted from 0
    unknown: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # API names


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


def _asked(request, read) -> Asked:
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


def _answer_key(kind: str, version: int, *question) -> str:
    raw = json.dumps([kind, version, *question], sort_keys=True)
    return "response:" + hashlib.sha256(raw.encode()).hexdigest()


def _asked_plan(form: TripForm, kind: str, *extra) -> Asked:
    if not form.is_valid():
        return Asked(form)
    query = form.trip_query()
    # the data version of what the plan can reach: edits elsewhere keep it
    key = _answer_key(kind, version_of(query), asdict(query), *extra)
    return Asked(form, query, key, f"plan {describe(query)}")


CACHED_HEADERS = ("Content-Type", "Content-Disposition")


def plan_response(read):
    """GET only, with an ETag and a short max-age. `read(request)` binds the form
    and names the answer; an answer already given (to any spelling of the same
    question, against the same data) is served from the shared cache as rendered,
    without planning or rendering again. A client over its rate limit for new
    questions gets a 429 with Retry-After (a page, or JSON for the API)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            asked = _asked(request, read)
            cached = caching.get(asked.key) if asked.key else None
            if cached is not None:
                log.info("%s cache=hit", asked.what)
                response = HttpResponse(cached["content"])
                for name, value in cached["headers"].items():
                    response[name] = value
            else:
                if asked.form is None:  # remembered, but its answer has expired
                    asked = request._lg_asked = read(request)
                try:
                    response = view(request, asked, *args, **kwargs)
                except RateLimited as limited:
                    return _too_many(request, limited)
                if response.status_code == 200 and asked.key:
                    headers = {h: response[h] for h in CACHED_HEADERS if h in response}
                    caching.set(
                        asked.key,
                        {"content": response.content, "headers": headers},
                        PLAN_CACHE_SECONDS,
                    )
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=PLAN_MAX_AGE)
            return response

        def etag(request, *args, **kwargs) -> str | None:
            """Same question, same data: same answer. A 304 costs reading the
            question (a place look-up) and the data version, no cache call."""
            key = _asked(request, read).key
            return key[-32:] if key else None

        return require_GET(condition(etag_func=etag)(wrapped))

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
    the client's rate limit first (RateLimited when it does not fit)."""
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
    centre = Trailhead.objects.filter(junction__isnull=False).aggregate(
        lat=Avg("lat"), lon=Avg("lon")
    )
    if centre["lat"] is None:
        return {}
    return {"center": [centre["lat"], centre["lon"]], "zoom": 10}


@require_GET
def home(request):
    # A search result links here with where to start filled in (?start=&lat=&lon=,
    # or ?trailhead= once the form has it): shown, not yet asked.
    initial = {k: v for k, v in request.GET.items() if k in TripForm.base_fields}
    context = {
        "form": change_form(initial),
        "sources": _sources(),
        "geonames": GEONAMES_ATTRIBUTION,
        "map_data": _home_map(),
    }
    return render(request, "planner/home.html", context)


def _read_page(request) -> Asked:
    return _asked_plan(TripForm(request.GET), "page")


@plan_response(_read_page)
def plan(request, asked: Asked):
    form = asked.form
    if asked.query is None:
        context = {
            "form": form,
            "sources": _sources(),
            "geonames": GEONAMES_ATTRIBUTION,
            "choice_links": _choice_links(request, form),
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


def _read_download(kind: str):
    def read(request) -> Asked:
        try:
            loop = int(request.GET.get("loop", "1")) - 1
        except ValueError:
            loop = -1
        asked = _asked_plan(TripForm(request.GET), kind, loop)
        asked.loop = loop
        return asked

    return read


def _download(request, asked: Asked, render_file, content_type: str, extension: str):
    if asked.query is None:
        return JsonResponse({"errors": asked.form.errors.get_json_data()}, status=400)
    query = asked.query
    doc = _planned(request, query)
    if not 0 <= asked.loop < len(doc["loops"]):
        return JsonResponse(
            {"errors": {"loop": [{"message": "No such loop in this plan."}]}},
            status=404,
        )
    body = render_file(doc, doc["loops"][asked.loop], query)
    response = HttpResponse(body, content_type=content_type)
    name = f"loopgenie-{query.hike_m / 1000:.0f}km-loop{asked.loop + 1}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@plan_response(_read_download("gpx"))
def plan_gpx(request, asked: Asked):
    return _download(request, asked, exports.gpx, "application/gpx+xml", "gpx")


@plan_response(_read_download("geojson"))
def plan_geojson(request, asked: Asked):
    return _download(request, asked, exports.geojson, "application/geo+json", "geojson")


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
    return _kept_file(request, token, exports.gpx, "application/gpx+xml", "gpx")


@require_GET
def loop_geojson(request, token: str):
    return _kept_file(
        request, token, exports.geojson, "application/geo+json", "geojson"
    )


API_FIELDS = {
    "lat": "lat",
    "lon": "lon",
    "place": "start",
    "drive_miles": "drive",
    "hike_miles": "hike",
    "days": "days",
    "max_day_miles": "max_day",
    "shelters": "shelters",
    "tolerance": "tolerance",
    "alternatives": "alternatives",
    "allow_stems": "stems",
    "max_difficulty": "difficulty",
    "units": "units",
    "budget": "budget",
    "trailhead": "trailhead",
    "trail": "trail",
    "route": "route",
}
FORM_TO_API = {v: k for k, v in API_FIELDS.items()}


def _api_form(request) -> tuple[ApiTripForm, dict[str, list[str]]]:
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
    if "shelters" in data:
        bound.setlist("shelters", [_yes_no(v) for v in data.getlist("shelters")])
    # API lengths are always miles (the names say so); `units` only picks how the
    # query is echoed back.
    units = data.getlist("units")
    if units and units[-1] not in ("mi", "km"):
        errors["units"] = ["Use mi or km."]
    bound.setlist("units", ["mi"])
    form = ApiTripForm(bound)
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


def _read_api_plan(request) -> Asked:
    form, unknown = _api_form(request)
    if unknown:
        return Asked(form, unknown=unknown)
    return _asked_plan(form, "api", form.echo_units)


@plan_response(_read_api_plan)
def api_plan(request, asked: Asked):
    form = asked.form
    if asked.query is None:
        return _api_errors(form, asked.unknown)
    doc = _planned(request, asked.query)
    params = {**page_params(form), "units": form.echo_units}
    return JsonResponse(
        api_plan_doc(doc, replace(asked.query, units=form.echo_units), params)
    )


def _read_trailheads(request) -> Asked:
    form, unknown = _api_form(request)
    form.fields["hike"].required = False
    for name in (
        "hike",
        "days",
        "max_day",
        "shelters",
        "tolerance",
        "alternatives",
        "stems",
        "difficulty",
        "trailhead",
        "trail",
        "route",
    ):
        if name in form.data:
            unknown.setdefault(FORM_TO_API[name], []).append("Not used here.")
    if not form.is_valid() or unknown:
        return Asked(form, unknown=unknown)
    d = form.cleaned_data
    where = (round(d["start_lat"], 6), round(d["start_lon"], 6), d["drive"])
    what = (
        f"trailheads lat={where[0]:.2f} lon={where[1]:.2f} "
        f"drive_m={where[2] * METRES_PER_MILE:.0f}"
    )
    return Asked(
        form, key=_answer_key("trailheads", DataVersion.current(), *where), what=what
    )


@plan_response(_read_trailheads)
def api_trailheads(request, asked: Asked):
    if asked.key is None:
        return _api_errors(asked.form, asked.unknown)
    check_plan_rate(request, TRAILHEADS_COST_S)
    lat, lon = (
        asked.form.cleaned_data["start_lat"],
        asked.form.cleaned_data["start_lon"],
    )
    drive = asked.form.cleaned_data["drive"]
    found = trailheads_in_range(lat, lon, drive * METRES_PER_MILE)
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
    units = request.GET.get("units")
    units = units if units in WALK_PAGE_HIKE else "mi"
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
