"""Reading a typed start without a database: spelling, coordinates, qualifiers.

The places here are hand-made, so the right answer can be seen; the real GeoNames
rows are exercised through the database in test_place_lookup.py.
"""

import math
from dataclasses import dataclass

import pytest

from planner.placenames import (
    MAX_CHOICES,
    MAX_INPUT_CHARS,
    CoordinateError,
    Kind,
    NameQuery,
    Reading,
    check_lat_lon,
    clean_text,
    decide,
    format_coordinates,
    name_query,
    normalise,
    parse_coordinates,
    prefix_end,
    prepare,
    read_coordinates,
    read_geonames,
)


@dataclass
class P:
    """A place as deciding sees it."""

    name: str
    country_code: str = "US"
    country_name: str = "United States"
    admin1_code: str = ""
    admin1_name: str = ""
    lat: float = 0.0
    lon: float = 0.0
    population: int = 0

    @property
    def search_name(self) -> str:
        return normalise(self.name)


US = ("US", "United States")
SPRINGFIELDS = [
    P("Springfield", *US, "IL", "Illinois", lat=39.8, lon=-89.6, population=114394),
    P("Springfield", *US, "MO", "Missouri", lat=37.2, lon=-93.3, population=170188),
    P("Springfield", *US, "CO", "Colorado", lat=37.4, lon=-102.6, population=1396),
    P("Springfield", "AU", "Australia", "04", lat=-34.98, lon=138.63, population=6705),
    P("Springfield", "AU", "Australia", "05", lat=-27.65, lon=152.92, population=518),
]


def resolve_among(text, places):
    """What resolve() answers when the database holds `places`."""
    step = prepare(text)
    if not isinstance(step, NameQuery):
        return step
    return decide(step, [p for p in places if p.search_name in step.keys])


# Spelling


@pytest.mark.parametrize(
    "typed, key",
    [
        ("Sant Julià de Lòria", "sant julia de loria"),
        ("  SANT   JULIA de loria ", "sant julia de loria"),
        ("Tromsø", "tromso"),
        ("Łódź", "lodz"),
        ("Straße", "strasse"),
        ("St. Louis", "st louis"),
        ("Winston-Salem", "winston salem"),
        ("l’Aldosa", "l'aldosa"),
        ("Church End ,Eversholt", "church end, eversholt"),
        ("Walden\x00\t,\u200bCO", "walden, co"),
    ],
)
def test_names_are_matched_without_accents_case_or_stray_punctuation(typed, key):
    assert normalise(typed) == key


def test_control_characters_become_spaces():
    assert clean_text("Wal\x00den\x1b[31m \ud800 CO\n") == "Wal den [31m CO"


# Coordinates


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("42.5, 1.52", (42.5, 1.52)),
        ("42.5 1.52", (42.5, 1.52)),
        ("42.5,1.52", (42.5, 1.52)),
        ("  -33.87 ; 151.21 ", (-33.87, 151.21)),
        ("42.5N 1.52E", (42.5, 1.52)),
        ("42.5n1.52e", (42.5, 1.52)),
        ("40.7°N, 105.9°W", (40.7, -105.9)),
        ("40.7° N 105.9° W", (40.7, -105.9)),
        ("S 33.87, E 151.21", (-33.87, 151.21)),
        ("105.9W 40.7N", (40.7, -105.9)),
        ("+90, -180", (90.0, -180.0)),
        (".5, 3.", (0.5, 3.0)),
    ],
)
def test_coordinates_are_read_in_the_usual_forms(typed, expected):
    assert parse_coordinates(typed) == pytest.approx(expected)


@pytest.mark.parametrize(
    "typed, says",
    [
        (
            "95, 10",
            "Latitude must be between -90 and 90, not 95 (latitude comes first)",
        ),
        ("-90.5 0", "between -90 and 90"),
        ("10, 200", "Longitude must be between -180 and 180, not 200"),
        ("nan, 3", "ordinary numbers"),
        ("3, -inf", "ordinary numbers"),
        ("infinity 3", "ordinary numbers"),
        ("42.5N 1.52", "one latitude (N or S) and one longitude (E or W)"),
        ("42.5N 1.52N", "one latitude (N or S) and one longitude (E or W)"),
        ("-42.5S 1.52E", "either a sign or a hemisphere letter"),
        ("N42.5N 1.52E", "two hemisphere letters"),
        ("95", "decimal degrees"),
        ("40°42'N 105°54'W", "decimal degrees"),
        ("1, 2, 3", "decimal degrees"),
    ],
)
def test_bad_coordinates_are_rejected_with_a_reason(typed, says):
    with pytest.raises(
        CoordinateError, match=says.replace("(", r"\(").replace(")", r"\)")
    ):
        read_coordinates(typed)
    assert parse_coordinates(typed) is None


@pytest.mark.parametrize(
    "name", ["Andorra la Vella", "100 Mile House", "28 May", "Sant Julià de Lòria", ""]
)
def test_place_names_are_not_taken_for_coordinates(name):
    assert read_coordinates(name) is None


def test_a_point_on_earth_passes_the_check_and_others_do_not():
    check_lat_lon(-90, 180)
    for lat, lon in [(90.01, 0), (0, -180.01), (math.nan, 0), (0, math.inf)]:
        with pytest.raises(CoordinateError):
            check_lat_lon(lat, lon)


def test_coordinates_are_labelled_with_at_most_five_decimals():
    assert format_coordinates(42.5, 1.52) == "42.5, 1.52"
    assert format_coordinates(40.731641234, -106.0) == "40.73164, -106"
    assert format_coordinates(-0.000001, 0.0) == "0, 0"


# What needs no database


def test_typed_coordinates_resolve_without_a_lookup():
    found = prepare("40.7°N, 105.9°W")
    assert found.kind is Kind.COORDINATES and found.found
    assert (found.lat, found.lon, found.label) == (40.7, -105.9, "40.7, -105.9")


def test_bad_coordinates_resolve_to_a_message():
    found = prepare("95, 10")
    assert found.kind is Kind.INVALID and not found.found
    assert "latitude comes first" in found.message


def test_text_longer_than_the_limit_is_refused_and_the_limit_itself_is_not():
    assert prepare("x" * (MAX_INPUT_CHARS + 1)).kind is Kind.INVALID
    assert "200 characters" in prepare("x" * 10_000).message
    assert isinstance(prepare("x" * MAX_INPUT_CHARS), NameQuery)


@pytest.mark.parametrize("typed", ["", "   ", "\x00\x01", ",,", " - . "])
def test_text_with_no_name_in_it_asks_for_a_place(typed):
    found = prepare(typed)
    assert found.kind is Kind.INVALID
    assert "town or city" in found.message


def test_a_name_is_read_whole_first_then_with_up_to_two_qualifiers():
    query = name_query("Springfield, Illinois, United States")
    assert query.readings == (
        Reading("springfield, illinois, united states"),
        Reading("springfield, illinois", ("united states",)),
        Reading("springfield", ("illinois", "united states")),
    )
    assert query.name == "springfield"
    assert "les springfield" in query.article_keys


# Deciding among places


def test_a_name_held_by_one_place_resolves_to_it():
    found = resolve_among("walden", [P("Walden", admin1_name="Colorado", lat=40.7)])
    assert found.kind is Kind.PLACE
    assert (found.label, found.lat) == ("Walden, Colorado, United States", 40.7)


def test_a_shared_name_lists_the_places_largest_first_even_when_one_is_far_bigger():
    found = resolve_among("Springfield", SPRINGFIELDS)
    assert found.kind is Kind.AMBIGUOUS and not found.found
    assert [c.population for c in found.choices] == [170188, 114394, 6705, 1396, 518]
    assert found.choices[0].label == "Springfield, Missouri, United States"
    assert "5 places are called “Springfield”" in found.message
    assert "like “Springfield, Missouri”" in found.message


def test_a_long_list_is_cut_to_the_largest_places():
    many = [P("Greenville", lat=i, population=i * 10) for i in range(25)]
    found = resolve_among("Greenville", many)
    assert len(found.choices) == MAX_CHOICES
    assert found.choices[0].population == 240
    assert f"the {MAX_CHOICES} largest are listed" in found.message


def test_places_that_would_read_the_same_get_their_coordinates_added():
    labels = [c.label for c in resolve_among("Springfield", SPRINGFIELDS).choices]
    assert "Springfield, Australia (-34.98, 138.63)" in labels
    assert "Springfield, Australia (-27.65, 152.92)" in labels
    assert "Springfield, Colorado, United States" in labels


@pytest.mark.parametrize(
    "typed",
    [
        "Springfield, IL",
        "springfield, illinois",
        "Springfield,Illinois,United States",
        "Springfield, IL, USA",
        "Springfield, Illinois, US",
    ],
)
def test_a_state_picks_one_place(typed):
    found = resolve_among(typed, SPRINGFIELDS)
    assert found.kind is Kind.PLACE
    assert found.label == "Springfield, Illinois, United States"


def test_a_country_narrows_the_list_without_choosing():
    found = resolve_among("Springfield, Australia", SPRINGFIELDS)
    assert found.kind is Kind.AMBIGUOUS
    assert [c.population for c in found.choices] == [6705, 518]
    assert found.message.endswith("Pick one.")


def test_a_qualifier_that_matches_none_lists_where_the_name_exists():
    found = resolve_among("Springfield, Texas", SPRINGFIELDS)
    assert found.kind is Kind.NOT_FOUND
    assert "No Springfield is in “texas”" in found.message
    assert len(found.choices) == len(SPRINGFIELDS)


def test_a_name_containing_a_comma_is_matched_whole_before_qualifiers():
    places = [
        P("Church End, Eversholt", "GB", "United Kingdom", lat=51.98),
        P("Church End", "GB", "United Kingdom", lat=52.0),
        P("Church End", "GB", "United Kingdom", lat=53.0),
    ]
    found = resolve_among("Church End, Eversholt", places)
    assert (found.kind, found.lat) == (Kind.PLACE, 51.98)


def test_an_unknown_name_is_not_found_with_a_hint():
    found = resolve_among("Xyzzy", SPRINGFIELDS)
    assert found.kind is Kind.NOT_FOUND and found.choices == ()
    assert "No place called “Xyzzy” was found" in found.message
    assert "42.51, 1.52" in found.message


# Ranges for prefix look-ups


def test_a_prefix_range_holds_exactly_the_names_that_start_with_it():
    names = ["sprinf", "spring", "spring valley", "springfield", "sprinh", "sprint"]
    inside = [n for n in names if "spring" <= n < prefix_end("spring")]
    assert inside == ["spring", "spring valley", "springfield"]
    assert prefix_end("a\ud7ff") == "a\ue000"


# GeoNames


def test_geonames_places_carry_state_and_country_names():
    big = {p["name"]: p for p in read_geonames(min_population=100_000)}
    fort_collins = big["Fort Collins"]
    assert fort_collins["admin1_name"] == "Colorado"
    assert fort_collins["country_name"] == "United States"
    assert fort_collins["search_name"] == "fort collins"
    assert fort_collins["lat"] == pytest.approx(40.58526, abs=1e-4)
    assert all(p["population"] >= 100_000 for p in big.values())
    assert big["Toulouse"]["admin1_name"] == ""  # only US states have names


def test_geonames_can_be_narrowed_for_tests():
    andorra = list(read_geonames(10_000, keep=lambda p: p["country_code"] == "AD"))
    assert {p["name"] for p in andorra} == {
        "Andorra la Vella",
        "les Escaldes",
        "Encamp",
    }
    assert all(p["country_name"] == "Andorra" for p in andorra)
