"""Resolving a typed start against real GeoNames rows, and seeding them.

The table holds a small real subset (every Springfield, Walden, Andorran town...),
loaded once per session through the same `load_places` as the command, so no test
waits for 235k rows.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from planner.models import Place
from planner.place_lookup import load_places, resolve
from planner.placenames import Kind, read_geonames

# Resolving names


def test_andorra_la_vella_resolves_to_the_capital(places):
    found = resolve("Andorra la Vella")
    assert found.kind is Kind.PLACE and found.found
    assert found.label == "Andorra la Vella, Andorra"
    assert (found.lat, found.lon) == pytest.approx((42.50779, 1.52109), abs=1e-5)


def test_springfield_lists_the_largest_first_labelled_by_state_and_country(places):
    found = resolve("Springfield")
    assert found.kind is Kind.AMBIGUOUS and not found.found
    populations = [choice.population for choice in found.choices]
    assert len(populations) == 10 and populations == sorted(populations, reverse=True)
    labels = [choice.label for choice in found.choices]
    assert labels[:3] == [
        "Springfield, Missouri, United States",
        "Springfield, Massachusetts, United States",
        "Springfield, Illinois, United States",
    ]
    assert "24 places are called “Springfield”" in found.message


@pytest.mark.parametrize(
    "typed", ["Springfield, IL", "springfield, illinois", "Springfield, IL, USA"]
)
def test_a_state_picks_one_springfield(places, typed):
    found = resolve(typed)
    assert found.kind is Kind.PLACE
    assert found.label == "Springfield, Illinois, United States"
    assert (found.lat, found.lon) == pytest.approx((39.80172, -89.64371), abs=1e-5)


def test_each_listed_label_resolves_back_to_its_place(places):
    for choice in resolve("Springfield, United States").choices:
        found = resolve(choice.label)
        assert found.kind is Kind.PLACE, choice.label
        assert (found.lat, found.lon) == (choice.lat, choice.lon)


def test_walden_co_is_walden_colorado(places):
    found = resolve("walden, co")
    assert found.kind is Kind.PLACE
    assert found.label == "Walden, Colorado, United States"
    assert (found.lat, found.lon) == pytest.approx((40.73164, -106.28364), abs=1e-5)


@pytest.mark.parametrize(
    "typed", ["Sant Julia de Loria", "SANT JULIÀ DE LÒRIA", "sant-julia-de-loria"]
)
def test_a_name_typed_without_accents_matches(places, typed):
    found = resolve(typed)
    assert (found.kind, found.label) == (Kind.PLACE, "Sant Julià de Lòria, Andorra")


def test_coordinates_resolve_without_touching_the_database(
    places, django_assert_num_queries
):
    with django_assert_num_queries(0):
        found = resolve("40.7°N, 105.9°W")
    assert (found.kind, found.lat, found.lon) == (Kind.COORDINATES, 40.7, -105.9)


def test_resolving_a_name_takes_one_query(places, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert resolve("Springfield, Illinois, United States").kind is Kind.PLACE


def test_an_unknown_place_is_not_found_with_a_message(places):
    found = resolve("Xyzzyville")
    assert found.kind is Kind.NOT_FOUND and not found.found
    assert found.message.startswith("No place called “Xyzzyville” was found.")
    assert found.choices == ()


def test_a_misspelt_name_suggests_places_that_begin_alike(places):
    found = resolve("Andora la Vella")
    assert found.kind is Kind.NOT_FOUND
    assert "Did you mean" in found.message
    labels = [choice.label for choice in found.choices]
    assert labels[0] == "Andorra la Vella, Andorra"
    assert "Andora, Italy" in labels


def test_a_name_without_its_article_suggests_the_place(places):
    found = resolve("Escaldes")
    assert found.kind is Kind.NOT_FOUND
    assert [choice.label for choice in found.choices] == ["les Escaldes, Andorra"]


def test_a_state_without_that_name_lists_where_the_name_is(places):
    found = resolve("Walden, Texas")
    assert found.kind is Kind.NOT_FOUND
    assert "Walden, Colorado, United States" in [c.label for c in found.choices]


@pytest.mark.parametrize(
    "typed",
    [
        "x" * 10_000,
        "\x00",
        "Spring\x00field",
        "\ud800\udfff",
        "\x1b[31mWalden",
        "spring%",
        "_pringfield",
        "'; DROP TABLE planner_place; --",
        "🏔️",
        ", , ,",
    ],
)
def test_odd_input_is_answered_without_an_error(places, typed):
    found = resolve(typed)
    assert not found.found
    assert found.message
    assert Place.objects.count() == len(places)


def test_control_characters_inside_a_name_are_ignored(places):
    found = resolve("Walden\x00, CO\n")
    assert found.label == "Walden, Colorado, United States"


@pytest.mark.parametrize(
    "typed, says",
    [
        ("95, 10", "Latitude must be between -90 and 90"),
        ("nan, 3", "ordinary numbers"),
        ("10, 200", "Longitude must be between -180 and 180"),
        ("42N 1N", "one latitude (N or S) and one longitude (E or W)"),
    ],
)
def test_bad_coordinates_are_rejected_with_a_message(places, typed, says):
    found = resolve(typed)
    assert found.kind is Kind.INVALID
    assert says in found.message


def test_name_and_prefix_lookups_use_the_index(places):
    """No look-up scans the table: the plan searches the search_name index."""
    lookups = [
        Place.objects.named(["springfield", "walden"]),
        Place.objects.starting_with("spring").largest_first()[:10],
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a tiny table would be scanned anyway
            cursor.execute("SET LOCAL enable_seqscan = off")
    for queryset in lookups:
        plan = queryset.explain()
        assert "planner_place_search_name" in plan, plan
        assert "Seq Scan" not in plan and "SCAN planner_place" not in plan, plan


def test_a_prefix_lookup_finds_exactly_the_names_that_start_with_it(places):
    names = set(Place.objects.starting_with("spring").values_list("name", flat=True))
    assert names == {"Springfield"}
    assert not Place.objects.starting_with("spring%").exists()
    walden_or_not = Place.objects.starting_with("walden")
    assert walden_or_not.count() == sum(p["name"] == "Walden" for p in places)


# Seeding


def test_loading_the_same_places_again_changes_nothing(places):
    ids = set(Place.objects.values_list("id", flat=True))
    report = load_places(places)
    assert report.skipped and report.created == 0
    assert set(Place.objects.values_list("id", flat=True)) == ids


def test_forcing_a_load_replaces_every_row(places):
    report = load_places(places, force=True)
    assert (report.created, report.deleted) == (len(places), len(places))
    assert Place.objects.count() == len(places)


def test_a_failed_load_leaves_the_table_as_it_was(places):
    ids = set(Place.objects.values_list("id", flat=True))
    clash = {**places[0], "name": "Duplicate"}
    with pytest.raises(IntegrityError):
        load_places([*places, clash], force=True)
    assert set(Place.objects.values_list("id", flat=True)) == ids
    assert not Place.objects.filter(name="Duplicate").exists()


def test_the_number_of_queries_does_not_grow_with_the_places(places):
    counts = []
    for some in (places[:3], places):
        with CaptureQueriesContext(connection) as queries:
            load_places(some, force=True)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_dry_run_writes_nothing(places):
    report = load_places(places[:3], dry_run=True)
    assert report.dry_run and report.created == 3
    assert Place.objects.count() == len(places)


def test_the_command_loads_once_then_does_nothing(places):
    big = list(read_geonames(5_000_000))
    first, second = [], []
    for out in (first, second):
        stdout = io.StringIO()
        call_command("load_places", min_population=5_000_000, stdout=stdout)
        out.append(stdout.getvalue())
        out.append(set(Place.objects.values_list("id", flat=True)))
    assert f"Loaded {len(big)} places" in first[0]
    assert Place.objects.count() == len(big) and 40 < len(big) < 100
    assert "already loaded" in second[0]
    assert second[1] == first[1]  # the same rows: nothing deleted or recreated
    assert Place.objects.filter(population__lt=5_000_000).count() == 0


def test_the_command_refuses_a_negative_population(places):
    with pytest.raises(CommandError, match="--min-population"):
        call_command("load_places", min_population=-1)
