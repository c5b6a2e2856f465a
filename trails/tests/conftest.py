"""Fixtures for the import, export, elevation and upload tests (see also the root
conftest.py: `shared_data`, `andorra_db`, `osm_file`).

- `command`: runs a management command and returns what it printed.
- `snapshot`: every row of every trails table, to show that a failed import
  changed nothing at all.
- `colorado`: the Colorado State Forest trail and trailhead files (licence unclear:
  read from ../shared/data in tests, never copied into the repository).
- `geojson_file`: writes a small GeoJSON FeatureCollection to a file.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import models
from django.db.models import F, TextField
from django.db.models.functions import Cast

from trails.models import (
    Campsite,
    DataVersion,
    Junction,
    Segment,
    Source,
    Trail,
    Trailhead,
)


@pytest.fixture
def command():
    def run(name: str, *args, **options) -> str:
        out = io.StringIO()
        call_command(name, *map(str, args), stdout=out, stderr=out, **options)
        return out.getvalue()

    return run


@pytest.fixture
def snapshot():
    def rows(model) -> list[tuple]:
        # JSON read as its text: the same comparison without decoding every
        # geometry of the session's Andorra network.
        columns = {
            f.attname: Cast(f.attname, TextField())
            if isinstance(f, models.JSONField)
            else F(f.attname)
            for f in model._meta.concrete_fields
        }
        return list(model.objects.order_by("pk").values_list(*columns.values()))

    def take() -> dict[str, list]:
        tables = (Source, Trail, Junction, Segment, Trailhead, Campsite, DataVersion)
        return {model.__name__: rows(model) for model in tables}

    return take


@pytest.fixture(scope="session")
def colorado(shared_data) -> dict[str, Path]:
    folder = shared_data / "colorado-state-forest"
    return {
        "trails": folder / "trails.geojson",
        "trailheads": folder / "rec-symbols.geojson",
    }


@pytest.fixture
def geojson_file(tmp_path):
    """geojson_file(*features, name="x.geojson", **top_level_members) -> Path."""

    def write(*features, name="tiny.geojson", **members) -> Path:
        path = tmp_path / name
        doc = {"type": "FeatureCollection", "features": list(features), **members}
        path.write_text(json.dumps(doc))
        return path

    return write
