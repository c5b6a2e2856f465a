"""The small world the tests live in.

- `shared_data`: the real networks in ../shared/data (Andorra OSM, Colorado GeoJSON,
  GPX hikes, the SRTM tile). Tests fail loudly when it is missing: they are the
  point of the suite, not an optional extra.
- `andorra_network`: the Andorra extract parsed once per session (no database).
- `andorra_db`: the same extract imported into the test database once per session;
  every test still runs in its own rolled-back transaction.
- `places`: a small real subset of GeoNames (every Springfield, Walden, Andorran
  town, Fort Collins...) in the place table, loaded once per session through the
  same `load_places` as the command.
- `osm_file`: writes a tiny hand-made .osm XML file from a list of ways.
- `forget_what_a_test_changed` (every database test): a test that changed the
  data leaves no cached plan, page, region graph or density tile behind. Its
  transaction is rolled back, so the data versions go back to what they were,
  and the next test to change the data would find the first one's caches under
  the very same versions.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent
SHARED_DATA = Path(
    os.environ.get("LOOPGENIE_SHARED_DATA", BASE_DIR.parent / "shared" / "data")
)
ANDORRA_PBF = SHARED_DATA / "andorra-osm" / "andorra-2021-06-22.osm.pbf"
ANDORRA_SOURCE = "Andorra test"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    assert SHARED_DATA.is_dir(), f"real test data missing at {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture(scope="session")
def andorra_network(shared_data):
    from trails.formats import read_network

    return read_network(ANDORRA_PBF).network


@pytest.fixture(scope="session")
def andorra_db(django_db_setup, django_db_blocker, shared_data):
    """The Andorra source in the test database, imported once for the session."""
    from trails.importers import import_file
    from trails.models import Source

    with django_db_blocker.unblock():
        if not Source.objects.filter(name=ANDORRA_SOURCE).exists():
            import_file(
                ANDORRA_PBF,
                ANDORRA_SOURCE,
                attribution="© OpenStreetMap contributors",
                licence="ODbL 1.0",
            )
        yield Source.objects.get(name=ANDORRA_SOURCE)
        Source.objects.filter(name=ANDORRA_SOURCE).delete()


SUBSET_NAMES = {"Springfield", "Walden", "Fort Collins", "Andora", "Andorinha"}


def in_subset(place) -> bool:
    return place["name"] in SUBSET_NAMES or place["country_code"] == "AD"


@pytest.fixture(scope="session")
def subset():
    """The real GeoNames rows for the test places, read once (about 2 s)."""
    from planner.placenames import read_geonames

    return list(read_geonames(keep=in_subset))


@pytest.fixture(scope="session")
def places_db(django_db_setup, django_db_blocker, subset):
    """The subset in the test database for the session; each test rolls back."""
    from planner.models import Place
    from planner.place_lookup import load_places

    with django_db_blocker.unblock():
        load_places(subset)
        yield subset
        Place.objects.all().delete()


@pytest.fixture
def places(places_db, db):
    return places_db


def _osm_xml(nodes: dict[int, tuple[float, float, dict]], ways: list[dict]) -> str:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6">']
    for nid, (lon, lat, tags) in nodes.items():
        tag_xml = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        parts.append(
            f'<node id="{nid}" version="1" lat="{lat}" lon="{lon}">{tag_xml}</node>'
        )
    for way in ways:
        refs = "".join(f'<nd ref="{n}"/>' for n in way["nodes"])
        tag_xml = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in way["tags"].items())
        parts.append(f'<way id="{way["id"]}" version="1">{refs}{tag_xml}</way>')
    parts.append("</osm>")
    return "\n".join(parts)


@pytest.fixture
def staff_client(client, django_user_model):
    """A client logged in as staff (a superuser), for the admin's pages."""
    user = django_user_model.objects.create_user(
        "editor", password="pw-for-tests", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


@pytest.fixture
def osm_file(tmp_path):
    """Write a tiny .osm file: osm_file(nodes={id: (lon, lat, tags)}, ways=[...])."""

    def write(nodes, ways, name="tiny.osm") -> Path:
        path = tmp_path / name
        path.write_text(_osm_xml(nodes, ways))
        return path

    return write


@pytest.fixture(autouse=True)
def forget_what_a_test_changed(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or marker.kwargs.get("transaction"):
        yield  # no database, or one emptied after the test anyway
        return
    request.getfixturevalue("db")  # so this ends before its rollback does
    from trails.models import DataVersion

    before = DataVersion.current()
    yield
    if DataVersion.current() != before:
        from django.core.cache import caches

        from planner import density, graph_cache

        graph_cache.GRAPHS.clear()
        density.TILE_CACHE.clear()
        for alias in ("default", "ratelimit"):
            caches[alias].clear()
