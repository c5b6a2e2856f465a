"""Folded names (trails/folding.py) follow the names: written by every import, kept
when staff rename in the admin, and filled for rows already there by the migration."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trails.models import Campsite, Trail, Trailhead, WalkingRoute
from trails.tests.features import line, point
from trails.tests.test_staff_edits import trail_form

pytestmark = pytest.mark.django_db

A, B, C = [10.0, 45.0], [10.0, 45.005], [10.0, 45.01]


def folded(model) -> list[tuple[str, str]]:
    """Of source "t": other tests may have Andorra in the database."""
    rows = model.objects.filter(source__name="t").order_by("id")
    return list(rows.values_list("name", "search_name"))


def test_an_import_folds_every_searchable_name(command, geojson_file):
    route = {"id": "gr", "name": "Camí dels Bons Homes", "ref": "GR 107"}
    path = geojson_file(
        line([A, B], fid="w", name="Grüner Weg", routes=[route]),
        point(*A, fid="lot", kind="trailhead", name="Pàrquing d'Incles"),
        point(*C, fid="hut", kind="alpine_hut", name="Refugi de Juclar"),
    )
    command("import_trails", path, source="t")
    assert folded(Trail) == [("Grüner Weg", "gruner weg")]
    assert folded(Trailhead) == [("Pàrquing d'Incles", "parquing d incles")]
    assert folded(Campsite) == [("Refugi de Juclar", "refugi de juclar")]
    routes = WalkingRoute.objects.filter(source__name="t")
    assert list(routes.values_list("search_name", flat=True)) == [
        "gr107 cami dels bons homes"
    ]


def test_a_reimport_folds_a_new_name_and_costs_no_query_per_row(command, geojson_file):
    old = [line([A, B], fid=f"w{n}", name=f"Old {n}") for n in range(5)]
    command("import_trails", geojson_file(*old), source="t")
    new = [line([A, B], fid=f"w{n}", name=f"Nöu number {n}") for n in range(50)]
    with CaptureQueriesContext(connection) as few:
        command("import_trails", geojson_file(*new[:5]), source="t")
    with CaptureQueriesContext(connection) as many:
        command("import_trails", geojson_file(*new), source="t")
    assert len(many) <= len(few) + 2
    trails = Trail.objects.filter(source__name="t")
    assert sorted(trails.values_list("search_name", flat=True))[:2] == [
        "nou number 0",
        "nou number 1",
    ]


def test_a_name_staff_change_in_the_admin_is_folded_and_outlasts_a_reimport(
    staff_client,  # noqa: F811
    command,
    geojson_file,
):
    path = geojson_file(line([A, B], fid="r", name="Ridge"))
    command("import_trails", path, source="t")
    trail = Trail.objects.get(source__name="t")
    url = reverse("admin:trails_trail_change", args=[trail.pk])
    assert (
        staff_client.post(url, trail_form(trail, name="Crête Ouest")).status_code == 302
    )
    command("import_trails", path, source="t")
    assert folded(Trail) == [("Crête Ouest", "crete ouest")]


def test_a_save_of_some_fields_still_folds_the_name(command, geojson_file):
    path = geojson_file(line([A, B]), point(*A, fid="p", kind="parking", name="P"))
    command("import_trails", path, source="t")
    lot = Trailhead.objects.get(source__name="t")
    lot.name = "Aparcament Ràtera"
    lot.save(update_fields=["name"])
    assert folded(Trailhead) == [("Aparcament Ràtera", "aparcament ratera")]


def test_the_migration_folds_the_names_of_rows_imported_before_it(
    command, geojson_file
):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("trails.migrations.0004_search_names")
    route = {"id": "gr", "name": "Senda", "ref": "GR 11"}
    path = geojson_file(
        line([A, B], fid="w", name="Grüner Weg", routes=[route]),
        point(*C, fid="hut", kind="alpine_hut", name="Refugi Ràtera"),
    )
    command("import_trails", path, source="t")
    for model in (Trail, WalkingRoute, Campsite):
        model.objects.filter(source__name="t").update(search_name="")
    migration.fill_search_names(apps, None)
    assert folded(Trail) == [("Grüner Weg", "gruner weg")]
    assert folded(Campsite) == [("Refugi Ràtera", "refugi ratera")]
    assert WalkingRoute.objects.get(source__name="t").search_name == "gr11 senda"
