"""Importing a source's file again when nothing has changed: recognised without
reading the file, and nothing is written. Anything that changes the data (a staff
edit, another import) or the import's inputs (the file, its options, the code)
makes the next import a full one.

The world: `tiny`, a small OSM file of one path along five nodes, imported once
into the source "tiny".
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trails.formats import read_network
from trails.importers import import_file, import_network
from trails.models import DataVersion, Segment, Source, Trailhead
from trails.tests.features import line, point

pytestmark = pytest.mark.django_db

NODES = {i: (1.50 + i * 0.001, 42.50 + (i % 2) * 0.001, {}) for i in range(1, 10)}


def path_along(first: int, last: int, way_id: int = 1) -> dict:
    nodes = list(range(first, last + 1))
    return {"id": way_id, "nodes": nodes, "tags": {"highway": "path"}}


@pytest.fixture
def tiny(osm_file):
    path = osm_file(NODES, [path_along(1, 5)])
    assert not import_file(path, "tiny").unchanged
    return path


def in_full(report) -> bool:
    """The import parsed the file and synced the source's rows."""
    return not report.unchanged and report.lines()[0].startswith("Imported osm")


def writes(ctx: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]


def test_the_same_file_again_writes_nothing_and_is_not_even_parsed(tiny, monkeypatch):
    def must_not_parse(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr("trails.importers.read_network", must_not_parse)
    with CaptureQueriesContext(connection) as ctx:
        report = import_file(tiny, "tiny")
    assert report.unchanged
    first, counts = report.lines()
    assert first.startswith(
        f"Unchanged: {tiny} is the file imported into source 'tiny' on "
    )
    assert first.endswith(
        "and no trail data has changed since; nothing was written "
        "(import_trails --force imports it again)."
    )
    assert counts == (
        "Source 'tiny' holds 1 trails, 1 segments, 2 junctions, 0 trailheads, "
        f"0 campsites, {Source.objects.get(name='tiny').km} km."
    )
    assert writes(ctx) == []


def test_a_segment_staff_deleted_comes_back_with_the_next_import(tiny, staff_client):
    segment = Segment.objects.get(source__name="tiny")
    url = reverse("admin:trails_segment_delete", args=[segment.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert not Segment.objects.filter(source__name="tiny").exists()
    report = import_file(tiny, "tiny")
    assert in_full(report)
    assert "segments: 1 created, 0 updated, 0 unchanged, 0 deleted" in report.lines()
    assert Segment.objects.filter(source__name="tiny").count() == 1


def test_a_change_on_the_source_s_ground_makes_the_next_import_a_full_one(
    tiny, osm_file
):
    beside = osm_file(NODES, [path_along(6, 9)], "beside.osm")
    import_file(beside, "beside")  # another source on the same ground
    assert in_full(import_file(tiny, "tiny"))
    assert import_file(tiny, "tiny").unchanged  # and then it is recognised again
    DataVersion.bump([(1.5, 42.5, 1.5, 42.5)])  # a staff edit there
    assert in_full(import_file(tiny, "tiny"))
    DataVersion.bump(None)  # a change whose place is not known
    assert in_full(import_file(tiny, "tiny"))


def test_a_change_elsewhere_leaves_the_import_recognised(tiny, osm_file):
    far = {i: (10.0 + i * 0.001, 45.0, {}) for i in range(1, 4)}
    import_file(osm_file(far, [path_along(1, 3)], "far.osm"), "far")
    DataVersion.bump([(10.0, 45.0, 10.0, 45.0)])  # an edit there
    assert import_file(tiny, "tiny").unchanged


def test_other_options_or_another_file_import_in_full(tiny, osm_file):
    for options in (
        {"attribution": "© Someone"},
        {"licence": "CC0 1.0"},
        {"attach_m": 50.0},
        {"allow_shrink": True},
    ):
        assert in_full(import_file(tiny, "tiny", **options)), options
        assert in_full(import_file(tiny, "tiny")), options  # as the fixture did
    assert in_full(import_file(tiny, "other"))  # the same file, another source
    longer = osm_file(NODES, [path_along(1, 6)])  # the same name, new content
    assert longer == tiny
    report = import_file(longer, "tiny")
    assert in_full(report)
    assert "segments: 0 created, 1 updated, 0 unchanged, 0 deleted" in report.lines()


def test_the_options_as_the_command_names_them_are_the_same_import(tiny, command):
    out = command("import_trails", tiny, source="tiny")  # names every default
    assert out.startswith(f"Unchanged: {tiny} is the file imported")


def test_a_real_network_with_its_trailheads_file_again_is_recognised(command, colorado):
    args = (colorado["trails"],)
    options = {"source": "Colorado", "trailheads": colorado["trailheads"]}
    command("import_trails", *args, **options)
    out = command("import_trails", *args, **options)
    assert out.startswith(f"Unchanged: {colorado['trails']} is the file imported")


def test_a_changed_trailheads_file_imports_in_full(command, geojson_file):
    a, b = [10.0, 45.0], [10.0, 45.005]
    trails = geojson_file(line([a, b], fid="ridge"), name="trails.geojson")
    lots = geojson_file(point(*a, name="Lot", type="Parking"), name="lots.geojson")
    command("import_trails", trails, source="t", trailheads=lots)
    assert command("import_trails", trails, source="t", trailheads=lots).startswith(
        "Unchanged"
    )
    geojson_file(point(*a, name="Upper lot", type="Parking"), name="lots.geojson")
    out = command("import_trails", trails, source="t", trailheads=lots)
    assert "Imported geojson into source 't'" in out
    assert Trailhead.objects.get(source__name="t").name == "Upper lot"


def test_force_imports_it_in_full_and_then_it_is_recognised_again(tiny):
    report = import_file(tiny, "tiny", force=True)
    assert in_full(report)
    assert "segments: 0 created, 0 updated, 1 unchanged, 0 deleted" in report.lines()
    assert import_file(tiny, "tiny").unchanged


def test_the_command_s_force_flag_imports_in_full(tiny, command):
    out = command("import_trails", tiny, source="tiny", force=True)
    assert "Unchanged" not in out
    assert "Imported osm into source 'tiny'" in out


def test_a_dry_run_is_never_skipped_and_records_nothing(tiny, osm_file):
    source = Source.objects.get(name="tiny")
    report = import_file(tiny, "tiny", dry_run=True)
    assert not report.unchanged and report.lines()[0].startswith("Would import")
    longer = osm_file(NODES, [path_along(1, 6)], "longer.osm")
    import_file(longer, "tiny", dry_run=True)
    after = Source.objects.get(name="tiny")
    assert (after.import_digest, after.imported_version) == (
        source.import_digest,
        source.imported_version,
    )
    assert import_file(tiny, "tiny").unchanged
    assert in_full(import_file(longer, "tiny"))


def test_a_failed_import_records_nothing(tiny, osm_file, monkeypatch):
    longer = osm_file(NODES, [path_along(1, 6)], "longer.osm")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr("trails.importers.sync_places", broken)
        with pytest.raises(RuntimeError):
            import_file(longer, "tiny")
    assert import_file(tiny, "tiny").unchanged  # still the last import
    assert in_full(import_file(longer, "tiny"))


def test_new_import_code_imports_in_full(tiny, monkeypatch):
    monkeypatch.setattr("trails.import_digest._CODE_VERSION", "a newer importer")
    assert in_full(import_file(tiny, "tiny"))


def test_a_network_written_without_its_file_is_never_taken_for_it(tiny):
    import_network(read_network(tiny), "tiny")
    assert Source.objects.get(name="tiny").import_digest == ""
    assert in_full(import_file(tiny, "tiny"))


def test_a_file_that_cannot_be_read_is_still_refused_by_the_parse(tmp_path):
    from trails.importers import ImportFailed

    with pytest.raises(ImportFailed, match="missing.osm: the file does not exist"):
        import_file(tmp_path / "missing.osm", "tiny")
