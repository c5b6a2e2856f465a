"""Matching names as people type them, without a database (planner/searchtext.py,
trails/folding.py)."""

import pytest

from planner.searchtext import MIN_QUALITY, edits, quality, read
from trails.folding import fold


def score(typed: str, name: str) -> float:
    return quality(read(typed), fold(name))


@pytest.mark.parametrize(
    "name, key",
    [
        ("Grüner Weg", "gruner weg"),
        ("Camí Ral", "cami ral"),
        ("Sant Julià de Lòria", "sant julia de loria"),
        ("Estany d'Engolasters", "estany d engolasters"),
        ("GR 11", "gr11"),
        ("GR-11", "gr11"),
        ("gr11", "gr11"),
        ("Große Straße", "grosse strasse"),
        ("Sørkedalen", "sorkedalen"),
        ("Coll de l·Ovella", "coll de l ovella"),
        ("  spaces\tand\nlines  ", "spaces and lines"),
        ("bad\x00byte", "bad byte"),
    ],
)
def test_names_fold_to_what_people_type(name, key):
    assert fold(name) == key


def test_case_and_accents_do_not_matter():
    assert score("gruner weg", "Grüner Weg") == 1.0
    assert score("CAMI RAL", "Camí Ral") == 1.0


def test_word_order_does_not_matter():
    assert score("weg gruner", "Grüner Weg") == 1.0


@pytest.mark.parametrize("typed", ["gr11", "GR 11", "GR-11", "Gr 11"])
def test_a_ref_matches_however_it_is_written(typed):
    assert score(typed, "GR 11") == 1.0


@pytest.mark.parametrize(
    "typed, name",
    [
        ("gruenr weg", "Grüner Weg"),  # a swapped pair
        ("refugi juclra", "Refugi de Juclar"),
        ("engolastres", "Estany d'Engolasters"),
        ("sorteni", "Refugi Borda de Sorteny"),
    ],
)
def test_a_small_typo_is_forgiven_in_words_of_four_letters_or_more(typed, name):
    assert score(typed, name) >= MIN_QUALITY


def test_a_word_not_finished_yet_matches_the_start_of_a_name():
    assert score("engol", "Estany d'Engolasters") >= MIN_QUALITY
    assert score("cami r", "Camí Ral") > score("cami r", "Camí de la Serra")


def test_the_name_that_is_just_what_was_typed_beats_a_longer_one():
    assert score("cami ral", "Camí Ral") > score("cami ral", "Camí Ral d'Ordino")


def test_unrelated_names_do_not_match():
    assert score("juclar", "Camí Ral") == 0.0
    # Short words get no typos: "ral" would be a typo for "al", "de", "la"...
    assert score("ral", "camí al pic") < MIN_QUALITY
    assert score("wge", "Weg") == 0.0


def test_what_is_typed_is_cut_to_a_sensible_length():
    typed = read("a " * 10_000)
    assert len(typed.text) <= 100 and len(typed.words) <= 8
    assert read("!!! ???").words == ()


def test_edit_distance_counts_a_swap_as_one_and_gives_up_past_the_limit():
    assert edits("kitten", "sitting", 3) == 3
    assert edits("weg", "wge", 1) == 1
    assert edits("abcdef", "uvwxyz", 1) == 2


def test_the_word_being_typed_matches_from_its_first_letter():
    assert score("camping v", "Càmping Valira") > score("camping v", "Càmping")
    assert score("v camping", "Càmping Valira") < MIN_QUALITY
