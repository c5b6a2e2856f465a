"""The import_trails command against a real database."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import ANDORRA_PBF
from trails.models import (
    Campsite,
    DataVersion,
    Junction,
    Segment,
    Source,
    Trail,
    Trailhead,
)

pytestmark = pytest.mark.django_db

N = {i: (1.50 + i * 0.001, 42.50 + (i % 2) * 0.001, {}) for i in range(1, 30)}


def chain(way_id, first, count, **tags):
    """A path along `count` consecutive nodes starting at `first`."""
    nodes = list(range(first, first + count))
    return {"id": way_id, "nodes": nodes, "tags": {"highway": "path", **tags}}


def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command("import_trails", *map(str, args), stdout=out, **kwargs)
    return out.getvalue()


def table_snapshot():
    return [
        sorted(model.objects.values_list("id", flat=True))
        for model in (Source, Trail, Junction, Segment, Trailhead, Campsite)
    ] + [sorted(Segment.objects.values_list("id", "length_m", "is_open"))]


def test_the_andorra_extract_imports_with_plausible_counts(andorra_db):
    segments = Segment.objects.filter(source=andorra_db)
    assert 6000 < segments.count() < 8000
    assert 1300 < sum(segments.values_list("length_m", flat=True)) / 1000 < 1500
    assert (
        Trailhead.objects.filter(source=andorra_db, junction__isnull=False).count()
        > 200
    )
    assert Campsite.objects.filter(source=andorra_db).count() > 30
    assert Trail.objects.filter(source=andorra_db, name="GR-11").exists()
    assert andorra_db.attribution == "© OpenStreetMap contributors"


def test_the_summary_names_components_and_the_largest_one(osm_file):
    out = run(osm_file(N, [chain(1, 1, 3), chain(2, 10, 3)]), source="tiny")
    assert "2 trails, 2 segments, 4 junctions" in out
    assert "Network: 2 connected components; the largest is" in out
    assert Source.objects.get(name="tiny").segment_count == 2


def test_running_it_twice_leaves_the_same_rows(osm_file):
    f = osm_file(N, [chain(1, 1, 5), chain(2, 3, 6)])
    run(f, source="tiny")
    before = table_snapshot()
    out = run(f, source="tiny", force=True)  # in full: test_reimport.py has the rest
    assert table_snapshot() == before
    # The two ways share nodes 3-5: that ground is one segment.
    assert "segments: 0 created, 0 updated, 3 unchanged, 0 deleted" in out


def test_a_newer_file_updates_changed_rows_and_removes_missing_ones(osm_file):
    run(osm_file(N, [chain(1, 1, 5), chain(2, 10, 3, name="Old")]), source="tiny")
    out = run(osm_file(N, [chain(1, 1, 5), chain(3, 20, 3)], "v2.osm"), source="tiny")
    assert set(
        Trail.objects.filter(source__name="tiny").values_list("external_id", flat=True)
    ) == {"w1", "w3"}
    assert "trails: 1 created, 0 updated, 1 unchanged, 1 deleted" in out


def test_a_segment_closed_by_staff_stays_closed_after_a_reimport(osm_file):
    f = osm_file(N, [chain(1, 1, 5)])
    run(f, source="tiny")
    tiny = Segment.objects.filter(source__name="tiny")
    tiny.update(is_open=False, closed_reason="washed out")
    run(f, source="tiny")
    assert list(tiny.values_list("is_open", "closed_reason")) == [(False, "washed out")]


def test_a_closed_segment_stays_closed_when_its_end_junction_goes_away(osm_file):
    run(osm_file(N, [chain(1, 1, 5)]), source="tiny")
    tiny = Segment.objects.filter(source__name="tiny")
    tiny.update(is_open=False, closed_reason="washed out")
    run(osm_file(N, [chain(1, 1, 4)], "shorter.osm"), source="tiny")
    assert list(tiny.values_list("external_id", "is_open")) == [("w1/0", False)]
    assert not Junction.objects.filter(source__name="tiny", external_id="n5").exists()


def test_a_file_that_would_delete_most_of_a_source_is_refused_unless_allowed(
    osm_file,
):
    run(osm_file(N, [chain(n, n * 3, 3) for n in range(1, 8)]), source="tiny")
    before = table_snapshot()
    small = osm_file(N, [chain(1, 3, 3), chain(2, 6, 3), chain(3, 9, 3)], "small.osm")
    for dry_run in (True, False):
        with pytest.raises(CommandError) as err:
            run(small, source="tiny", dry_run=dry_run)
        assert str(err.value) == (
            f"{small}: the import would delete 4 of the 7 segments of source 'tiny' "
            "(57%, over the 50% an import may delete unasked); if this is the right "
            "file for this source, import it again allowing it to shrink "
            "(--allow-shrink, or the box on the upload page)"
        )
        assert table_snapshot() == before
    run(small, source="tiny", allow_shrink=True)
    assert Segment.objects.filter(source__name="tiny").count() == 3


def test_a_file_that_deletes_half_a_source_goes_through(osm_file):
    run(osm_file(N, [chain(n, n * 3, 3) for n in range(1, 5)]), source="tiny")
    run(osm_file(N, [chain(1, 3, 3), chain(2, 6, 3)], "half.osm"), source="tiny")
    assert Segment.objects.filter(source__name="tiny").count() == 2


def test_dry_run_reports_but_writes_nothing(osm_file):
    out = run(osm_file(N, [chain(1, 1, 5)]), source="tiny", dry_run=True)
    assert out.count("Would import osm") == 1
    assert "segments: 1 created" in out
    assert not Source.objects.filter(name="tiny").exists()
    assert not Segment.objects.filter(source__name="tiny").exists()


@pytest.mark.parametrize(
    "content, reason",
    [
        (None, "does not exist"),
        (b"", "the file is empty"),
        (b"PK\x03\x04 a zip file", "not a supported format"),
        (b"<html><body>not osm</body></html>", "not a supported format"),
        (b'<?xml version="1.0"?><osm version="0.6"><node id="1"', "not a readable"),
    ],
)
def test_bad_files_get_a_command_error_and_change_nothing(
    tmp_path, osm_file, content, reason
):
    run(osm_file(N, [chain(1, 1, 5)]), source="tiny")
    before = table_snapshot()
    bad = tmp_path / "bad.osm"
    if content is not None:
        bad.write_bytes(content)
    with pytest.raises(CommandError, match=reason) as err:
        run(bad, source="tiny")
    assert str(bad) in str(err.value)
    assert table_snapshot() == before


def test_a_truncated_pbf_changes_nothing(tmp_path, andorra_db):
    before = table_snapshot()
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(ANDORRA_PBF.read_bytes()[:900_000])
    with pytest.raises(CommandError, match="cut.osm.pbf: not a readable OpenStreetMap"):
        run(cut, source=andorra_db.name)
    assert table_snapshot() == before


def test_a_failure_while_writing_rolls_the_whole_import_back(osm_file, monkeypatch):
    run(osm_file(N, [chain(1, 1, 5)]), source="tiny")
    before = table_snapshot()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("trails.importers.sync_places", broken)
    with pytest.raises(RuntimeError):
        run(osm_file(N, [chain(1, 1, 5), chain(2, 10, 8)], "v2.osm"), source="tiny")
    assert table_snapshot() == before


def test_the_number_of_queries_does_not_grow_with_the_number_of_features(osm_file):
    DataVersion.bump()  # the very first bump creates its row: not a per-row cost
    small = osm_file(N, [chain(1, 1, 3)], "small.osm")
    big = osm_file(N, [chain(i, i, 2) for i in range(1, 28)], "big.osm")
    counts = []
    for f, name in ((small, "a"), (big, "b")):
        with CaptureQueriesContext(connection) as ctx:
            run(f, source=name)
        counts.append(len(ctx))
    assert Segment.objects.filter(source__name="b").count() == 27
    assert counts[0] == counts[1]


def test_trailheads_and_campsites_attach_to_the_network(osm_file):
    nodes = dict(N)
    nodes[40] = (1.5021, 42.5001, {"amenity": "parking", "name": "Car park"})
    nodes[41] = (1.5041, 42.5002, {"tourism": "wilderness_hut", "name": "Refugi"})
    nodes[42] = (1.70, 42.70, {"highway": "trailhead", "name": "Far away"})
    out = run(osm_file(nodes, [chain(1, 1, 6)]), source="tiny")
    car_park = Trailhead.objects.get(name="Car park")
    assert car_park.kind == "parking" and car_park.junction is not None
    assert Campsite.objects.get(name="Refugi").junction is not None
    assert Trailhead.objects.get(name="Far away").junction is None
    assert "Not attached to the network (too far from any trail): 1 trailheads" in out


def test_segments_in_a_bounding_box_are_one_query(andorra_db):
    box = (1.50, 42.49, 1.53, 42.52)  # around Andorra la Vella
    with CaptureQueriesContext(connection) as ctx:
        found = list(Segment.objects.in_bbox(*box).values_list("id", flat=True))
    assert len(ctx) == 1
    assert 100 < len(found) < Segment.objects.filter(source=andorra_db).count() / 2
    outside = Segment.objects.exclude(id__in=found).filter(source=andorra_db)
    for seg in outside[:500]:
        lons = [c[0] for c in seg.geometry]
        lats = [c[1] for c in seg.geometry]
        assert (
            max(lons) < box[0]
            or min(lons) > box[2]
            or max(lats) < box[1]
            or min(lats) > box[3]
        )
