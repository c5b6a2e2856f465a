"""Finding routes, trails, huts, trailheads and places by name.

The database fetches candidates that share a piece of a typed word with their
folded name (`search_name`, see trails/folding.py): on PostgreSQL through a
trigram index, ordered by pg_trgm's word similarity; on SQLite by scanning one
region's few thousand names, ordered by how many pieces they share. Places
(GeoNames, hundreds of thousands of rows) are fetched by their indexed key
instead. `planner/searchtext.py` then scores every candidate the same way on
both databases, and the order is: match quality, then how much walking there
is, then distance from where the hiker is.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, Max, Min, Q, Sum, Value, When
from django.urls import reverse
from django.utils.http import urlencode

from planner import placenames, searchtext
from planner.models import Place
from planner.searchtext import MIN_QUALITY, Typed
from trails.folding import fold
from trails.geo import haversine_m
from trails.models import Campsite, Trail, Trailhead, WalkingRoute

KINDS = ("route", "trail", "campsite", "trailhead", "place")
CANDIDATES = 200  # per kind, before scoring
MAX_FRAGMENTS = 24  # pieces a query filters on; more only slow the filter down
PLACE_PREFIX = 4  # letters of the first word that fetch places by their key
QUALITY_STEP = 5  # qualities within a fifth are a tie, settled by length


@dataclass(frozen=True)
class SearchQuery:
    text: str
    lat: float | None = None
    lon: float | None = None
    kinds: tuple[str, ...] = KINDS
    limit: int = 10


@dataclass
class Hit:
    type: str
    id: int
    name: str
    lat: float
    lon: float
    quality: float
    region: str
    kind: str  # what it is in words: "Alpine hut", "Parking", "Path"
    url: str
    length_m: float | None = None
    distance_m: float | None = None
    extra: dict = field(default_factory=dict)

    def rank(self) -> tuple:
        return (
            -int(self.quality * QUALITY_STEP),
            -(self.length_m or 0.0),
            self.distance_m or 0.0,
            -self.extra.get("population", 0),  # of two Santa Colomas, the larger
            self.name,
            self.id,
        )


def search(query: SearchQuery) -> list[Hit]:
    typed = searchtext.read(query.text)
    if not typed.words:
        return []
    hits = [hit for kind in query.kinds for hit in FINDERS[kind](typed)]
    if query.lat is not None and query.lon is not None:
        for hit in hits:
            hit.distance_m = round(haversine_m(query.lon, query.lat, hit.lon, hit.lat))
    hits.sort(key=Hit.rank)
    return hits[: query.limit]


# Candidates ---------------------------------------------------------------------


def candidates(queryset, typed: Typed):
    """Rows whose folded name shares a piece of a typed word, best first."""
    pieces = typed.fragments[:MAX_FRAGMENTS]
    shares = functools.reduce(
        operator.or_, (Q(search_name__contains=p) for p in pieces)
    )
    queryset = queryset.filter(shares)
    if connection.vendor == "postgresql":
        similarity = TrigramWordSimilarity(Value(typed.text), "search_name")
        return queryset.annotate(similarity=similarity).order_by("-similarity", "id")
    shared = functools.reduce(
        operator.add,
        (Case(When(search_name__contains=p, then=1), default=0) for p in pieces),
    )
    return queryset.annotate(shared=shared).order_by("-shared", "id")


def _scored(rows, typed: Typed, *parts: str) -> dict[int, tuple[dict, float]]:
    """The rows good enough to show, by id, with their quality: that of the
    whole folded name, or of one of its `parts` alone (a route's ref)."""
    found = {}
    for row in rows:
        score = max(
            searchtext.quality(typed, text)
            for text in (row["search_name"], *(fold(row[p]) for p in parts))
        )
        if score >= MIN_QUALITY:
            found[row["id"]] = (row, score)
    return found


def _along(queryset, ids, through: str, walkable: Q):
    """Walking length and the middle of the box around it, per id."""
    return {
        row["id"]: row
        for row in queryset.filter(id__in=ids)
        .annotate(
            length=Sum(f"{through}length_m", filter=walkable),
            south=Min(f"{through}min_lat"),
            west=Min(f"{through}min_lon"),
            north=Max(f"{through}max_lat"),
            east=Max(f"{through}max_lon"),
        )
        .values("id", "length", "south", "west", "north", "east")
    }


def find_routes(typed: Typed) -> list[Hit]:
    rows = candidates(WalkingRoute.objects, typed).values(
        "id", "search_name", "name", "ref", "network", "source__name"
    )[:CANDIDATES]
    found = _scored(rows, typed, "ref", "name")
    shape = _along(WalkingRoute.objects, found, "segments__", Q(segments__is_open=True))
    hits = []
    for pk, (row, score) in found.items():
        where = shape[pk]
        if not where["length"]:
            continue
        route = WalkingRoute(name=row["name"], ref=row["ref"], network=row["network"])
        hits.append(
            Hit(
                "route",
                pk,
                str(route),
                (where["south"] + where["north"]) / 2,
                (where["west"] + where["east"]) / 2,
                score,
                row["source__name"],
                f"{route.get_network_display() or 'Waymarked'} route".capitalize(),
                reverse("planner:route", args=[pk]),
                length_m=where["length"],
                extra={"ref": row["ref"]},
            )
        )
    return hits


def find_trails(typed: Typed) -> list[Hit]:
    named = Trail.objects.exclude(kind=Trail.Kind.ROAD)
    rows = candidates(named, typed).values(
        "id", "search_name", "name", "kind", "source__name"
    )[:CANDIDATES]
    found = _scored(rows, typed)
    walkable = Q(segments__is_open=True) & (Q(flag="") | Q(flag_override=True))
    shape = _along(Trail.objects, found, "segments__", walkable)
    hits = []
    for pk, (row, score) in found.items():
        where = shape[pk]
        if not where["length"]:
            continue  # closed or flagged: nothing a hiker may walk
        hits.append(
            Hit(
                "trail",
                pk,
                row["name"],
                (where["south"] + where["north"]) / 2,
                (where["west"] + where["east"]) / 2,
                score,
                row["source__name"],
                Trail.Kind(row["kind"]).label,
                reverse("planner:trail", args=[pk]),
                length_m=where["length"],
            )
        )
    return _one_per_name(hits)


def _one_per_name(hits: list[Hit]) -> list[Hit]:
    """OSM maps one path as many ways under one name, each a trail here: a hiker
    looking for "Camí Ral" wants it once, not as twelve pieces. The longest piece
    stands for them, and says how many there are."""
    longest: dict[tuple[str, str], Hit] = {}
    pieces: dict[tuple[str, str], int] = {}
    for hit in hits:
        key = (hit.region, fold(hit.name))
        pieces[key] = pieces.get(key, 0) + 1
        if key not in longest or hit.length_m > longest[key].length_m:
            longest[key] = hit
    for key, hit in longest.items():
        hit.extra["pieces"] = pieces[key]
    return list(longest.values())


def _points(model, typed: Typed, type_: str, url: Callable[[dict], str], queryset):
    rows = candidates(queryset, typed).values(
        "id", "search_name", "name", "kind", "lat", "lon", "source__name"
    )[:CANDIDATES]
    kinds = dict(model.Kind.choices)
    return [
        Hit(
            type_,
            pk,
            row["name"],
            row["lat"],
            row["lon"],
            score,
            row["source__name"] or "",
            kinds.get(row["kind"], row["kind"]),
            url(row),
        )
        for pk, (row, score) in _scored(rows, typed).items()
    ]


def _trip_form(**params) -> str:
    return f"{reverse('planner:home')}?{urlencode(params)}"


def find_campsites(typed: Typed) -> list[Hit]:
    def url(row):
        return _trip_form(
            start=row["name"], lat=f"{row['lat']:.5f}", lon=f"{row['lon']:.5f}"
        )

    return _points(Campsite, typed, "campsite", url, Campsite.objects)


def find_trailheads(typed: Typed) -> list[Hit]:
    # A trailhead no trail reaches cannot start a loop.
    attached = Trailhead.objects.attached()
    return _points(
        Trailhead,
        typed,
        "trailhead",
        lambda row: _trip_form(trailhead=row["id"]),
        attached,
    )


def find_places(typed: Typed) -> list[Hit]:
    """Places by their indexed key: the whole text, names that begin with it, or
    with the first word's beginning (GeoNames is too big to scan; a typo in the
    first letters is not forgiven)."""
    key = placenames.normalise(placenames.clean_text(typed.raw or typed.text))
    first = typed.words[0][:PLACE_PREFIX]
    places = Place.objects.largest_first()
    rows = list(Place.objects.named([key]))
    if len(key) >= 3:
        rows += places.starting_with(key)[:CANDIDATES]
    if len(first) >= 3 and first != key:
        rows += places.starting_with(first)[:CANDIDATES]
    hits = {}
    for place in rows:
        score = searchtext.quality(typed, fold(place.name))
        if score < MIN_QUALITY or place.pk in hits:
            continue
        region = place.admin1_name or place.country_name or place.country_code
        hits[place.pk] = Hit(
            "place",
            place.pk,
            place.name,
            place.lat,
            place.lon,
            score,
            region,
            "Place",
            _trip_form(start=place.label),
            extra={"population": place.population},
        )
    return list(hits.values())


FINDERS: dict[str, Callable[[Typed], list[Hit]]] = {
    "route": find_routes,
    "trail": find_trails,
    "campsite": find_campsites,
    "trailhead": find_trailheads,
    "place": find_places,
}
