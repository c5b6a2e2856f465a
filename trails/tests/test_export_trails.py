"""export_trails, and importing what it wrote: the same network comes back."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from trails.models import Segment, Source, Trail, Trailhead, WalkingRoute
from trails.tests.features import line, point
from trails.tests.snapshots import assert_same_network, network

pytestmark = pytest.mark.django_db

A, B, C = [10.0, 45.0], [10.001, 45.0], [10.002, 45.0]


def close_some(source: Source, n: int) -> None:
    segments = Segment.objects.filter(source=source).order_by("id")[:n]
    Segment.objects.filter(id__in=segments.values("id")).update(
        is_open=False, closed_reason="Washed out"
    )


def test_andorra_comes_back_from_its_export_as_the_same_network(
    andorra_db, command, tmp_path
):
    close_some(andorra_db, 3)
    andorra_db.trails.filter(flag="private").update(flag_override=True)
    out = tmp_path / "andorra.geojson"
    summary = command("export_trails", out, source=andorra_db.name)
    assert "3 closed" in summary
    command("import_trails", out, source="Andorra copy")
    copy = Source.objects.get(name="Andorra copy")
    assert_same_network(network(andorra_db), network(copy))
    assert (copy.segment_count, copy.trailhead_count, copy.km) == (
        andorra_db.segment_count,
        andorra_db.trailhead_count,
        andorra_db.km,
    )
    assert copy.attribution == "© OpenStreetMap contributors"
    assert copy.licence == "ODbL 1.0"


def test_colorado_comes_back_from_its_export_as_the_same_network(
    colorado, command, tmp_path
):
    command(
        "import_trails",
        colorado["trails"],
        source="Colorado",
        trailheads=colorado["trailheads"],
    )
    original = Source.objects.get(name="Colorado")
    close_some(original, 5)
    out = tmp_path / "colorado.geojson"
    command("export_trails", out, source="Colorado")
    report = command("import_trails", out, source="Colorado copy")
    assert "snapped" not in report  # the export's topology is taken as it is
    assert_same_network(
        network(original), network(Source.objects.get(name="Colorado copy"))
    )


def test_a_segment_closed_for_winter_comes_back_closed_not_dropped(
    command, geojson_file, tmp_path
):
    command("import_trails", geojson_file(line([A, B], fid="pass")), source="pass")
    Segment.objects.filter(source__name="pass").update(
        is_open=False, closed_reason="Winter only"
    )
    out = tmp_path / "pass.geojson"
    command("export_trails", out, source="pass")
    command("import_trails", out, source="pass copy")
    copy = Segment.objects.get(source__name="pass copy")
    assert (copy.is_open, copy.closed_reason) == (False, "Winter only")


def test_elevation_and_climb_come_back_too(command, geojson_file, tmp_path):
    hill = line([A + [1000.0], B + [1040.0], C + [1010.0]], fid="hill")
    hut = point(10.002, 45.0001, fid="hut", kind="alpine_hut", name="Hut")
    hut["geometry"]["coordinates"].append(1041.5)
    command("import_trails", geojson_file(hill, hut), source="hills")
    out = tmp_path / "hills.geojson"
    command("export_trails", out, source="hills")
    command("import_trails", out, source="hills copy")
    assert_same_network(
        network(Source.objects.get(name="hills")),
        network(Source.objects.get(name="hills copy")),
    )
    copy = Segment.objects.get(source__name="hills copy")
    assert ([p[2] for p in copy.geometry], copy.ascent_m) == ([1000, 1040, 1010], 40)


def test_reimporting_an_export_into_its_own_source_changes_nothing(
    command, geojson_file, tmp_path
):
    command("import_trails", geojson_file(line([A, B, C]), line([B, [10.001, 45.001]])))
    out = tmp_path / "tiny.geojson"
    command("export_trails", out, source="tiny")
    report = command("import_trails", out, source="tiny")
    assert "segments: 0 created, 0 updated, 3 unchanged, 0 deleted" in report
    assert "trails: 0 created, 0 updated, 2 unchanged, 0 deleted" in report


def test_each_segment_is_a_feature_keyed_by_its_id_naming_its_junctions(
    command, geojson_file, tmp_path
):
    command(
        "import_trails",
        geojson_file(line([A, B, C], fid="ridge", name="Ridge", difficulty="T3")),
        source="tiny",
        attribution="Example Parks",
        licence="CC0",
    )
    Trailhead.objects.create(name="Staff's own", lat=45.0, lon=10.0)
    doc = json.loads(_export(command, tmp_path, source="tiny"))
    assert doc["properties"] == {
        "generator": "LoopGenie export_trails",
        "source": "tiny",
        "attribution": "Example Parks",
        "licence": "CC0",
    }
    (feature,) = doc["features"]
    assert feature["id"] == "ridge/0"
    assert feature["geometry"] == {"type": "LineString", "coordinates": [A, B, C]}
    props = feature["properties"]
    assert (props["trail"], props["name"], props["kind"], props["difficulty"]) == (
        "ridge",
        "Ridge",
        "path",
        3,
    )
    assert props["start_junction"] != props["end_junction"]
    assert "closed_reason" not in props


def test_flags_other_names_and_routes_go_with_each_segment(
    command, geojson_file, tmp_path
):
    gr11 = {"id": "gr11", "name": "Senda Pirenaica", "ref": "GR 11", "network": "nwn"}
    command(
        "import_trails",
        geojson_file(
            line([A, B], fid="track", name="Pista", kind="track", routes=[gr11]),
            line([A, B], fid="bikes", name="Bike park", flag="bike_downhill"),
            line([B, C], fid="lane", name="Private lane", flag="private"),
        ),
        source="tiny",
    )
    Trail.objects.filter(external_id="lane").update(flag_override=True)
    doc = json.loads(_export(command, tmp_path, source="tiny"))
    assert doc["properties"]["routes"] == {
        "gr11": {"name": "Senda Pirenaica", "ref": "GR 11", "network": "nwn"}
    }
    props = {f["id"]: f["properties"] for f in doc["features"]}
    assert set(props) == {"track/0", "lane/0"}  # one segment per piece of ground
    assert (props["track/0"]["other_names"], props["track/0"]["routes"]) == (
        ["Bike park"],
        ["gr11"],
    )
    assert "flag" not in props["track/0"] and "flag_override" not in props["track/0"]
    assert (props["lane/0"]["flag"], props["lane/0"]["flag_override"]) == (
        "private",
        True,
    )
    assert "routes" not in props["lane/0"] and "other_names" not in props["lane/0"]


def test_a_backup_brings_staff_s_override_to_new_trails_never_over_existing_ones(
    command, geojson_file, tmp_path
):
    lane = line([A, B], fid="lane", name="Private lane", flag="private")
    command("import_trails", geojson_file(lane), source="tiny")
    Trail.objects.filter(source__name="tiny").update(flag_override=True)
    out = tmp_path / "tiny.geojson"
    command("export_trails", out, source="tiny")

    command("import_trails", out, source="restored")
    assert Trail.objects.get(source__name="restored").flag_override
    # Into a source whose trail exists, staff there decided otherwise: kept.
    Trail.objects.filter(source__name="tiny").update(flag_override=False)
    command("import_trails", out, source="tiny")
    assert not Trail.objects.get(source__name="tiny").flag_override
    # And a file without an override does not take one away.
    command("import_trails", geojson_file(lane), source="restored")
    assert Trail.objects.get(source__name="restored").flag_override


def test_routes_of_several_sources_keep_their_ids_apart(
    command, geojson_file, tmp_path
):
    for name in ("east", "west"):
        path = geojson_file(line([A, B], fid="same", route="GR 11"), name=f"{name}.gj")
        command("import_trails", path, source=name)
    out = tmp_path / "both.geojson"
    command("export_trails", out, source=["east", "west"])
    command("import_trails", out, source="both")
    routes = WalkingRoute.objects.filter(source__name="both")
    assert routes.count() == 2
    assert all(r.segments.count() == 1 and r.name == "GR 11" for r in routes)


def test_staff_points_without_an_external_id_get_one(command, geojson_file, tmp_path):
    command("import_trails", geojson_file(line([A, B])), source="tiny")
    source = Source.objects.get(name="tiny")
    lot = Trailhead.objects.create(source=source, name="New lot", lat=45.0, lon=10.0)
    doc = json.loads(_export(command, tmp_path, source="tiny"))
    (place,) = [f for f in doc["features"] if f["geometry"]["type"] == "Point"]
    assert place["id"] == f"trailhead-{lot.pk}"
    assert place["properties"] == {"name": "New lot", "kind": "trailhead"}


def test_points_staff_made_go_with_their_junction_s_source_and_come_back_once(
    command, geojson_file, tmp_path
):
    command("import_trails", geojson_file(line([A, B])), source="tiny")
    command("import_trails", geojson_file(line([[11, 46], [11.001, 46]])), source="far")
    on_tiny = Trailhead(name="Staff's lot", lat=B[1], lon=B[0])
    on_tiny.attach_to_network()
    on_tiny.save()
    nowhere = Trailhead.objects.create(name="Staff's far lot", lat=50.0, lon=1.0)

    def places(doc) -> dict:
        return {
            f["id"]: f["properties"].get("junction")
            for f in doc["features"]
            if f["geometry"]["type"] == "Point"
        }

    tiny = json.loads(_export(command, tmp_path, source="tiny"))
    assert places(tiny) == {f"trailhead-{on_tiny.pk}": on_tiny.junction.external_id}
    assert places(json.loads(_export(command, tmp_path, source="far"))) == {}
    everything = places(json.loads(_export(command, tmp_path)))
    assert f"trailhead-{nowhere.pk}" in everything

    out = tmp_path / "tiny.geojson"
    out.write_text(json.dumps(tiny))
    report = command("import_trails", out, source="tiny")
    assert "trailheads: 0 created, 0 updated, 0 unchanged, 0 deleted" in report
    assert Trailhead.objects.filter(name="Staff's lot").count() == 1


def test_exporting_every_source_keeps_their_ids_apart(command, geojson_file, tmp_path):
    sources = []
    for name in ("east", "west"):
        command("import_trails", geojson_file(line([A, B], fid="same")), source=name)
        sources.append(Source.objects.get(name=name))
    out = tmp_path / "both.geojson"
    command("export_trails", out, source=["east", "west"])
    command("import_trails", out, source="both")
    both = Segment.objects.filter(
        source__name="both", external_id__in=[f"{s.pk}:same/0" for s in sources]
    )
    assert both.count() == 2
    assert len({s.start_id for s in both} | {s.end_id for s in both}) == 4


def test_a_dash_writes_the_file_to_standard_output(command, geojson_file):
    command("import_trails", geojson_file(line([A, B])), source="tiny")
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("export_trails", "-", source="tiny", stdout=stdout, stderr=stderr)
    (feature,) = json.loads(stdout.getvalue())["features"]
    assert feature["geometry"]["type"] == "LineString"
    assert "Exported 'tiny': 1 segments" in stderr.getvalue()


def test_an_unknown_source_is_a_command_error_listing_the_sources(command, tmp_path):
    Source.objects.create(name="Andorra")
    with pytest.raises(CommandError, match="no source named 'Nowhere'.*'Andorra'"):
        command("export_trails", tmp_path / "x.geojson", source="Nowhere")
    assert not (tmp_path / "x.geojson").exists()


def test_a_file_that_cannot_be_written_is_a_command_error(command, tmp_path):
    Source.objects.create(name="Andorra")
    missing = tmp_path / "no" / "such" / "folder" / "x.geojson"
    with pytest.raises(CommandError, match="cannot be written"):
        command("export_trails", missing)


def _export(command, tmp_path, **options) -> str:
    out = tmp_path / "export.geojson"
    command("export_trails", out, **options)
    return out.read_text()


def test_andorra_s_huts_come_back_with_their_details_and_staff_s_closure(
    andorra_db, command, tmp_path
):
    from trails.models import Campsite

    huts = Campsite.objects.filter(source=andorra_db)
    juclar = huts.get(name="Refugi de Juclar")
    juclar.closed_reason = "Closed for the winter"
    juclar.staff_fields = ["closed_reason"]
    juclar.save()
    out = tmp_path / "andorra.geojson"

    command("export_trails", out, source=andorra_db.name)
    command("import_trails", out, source="Andorra copy")

    fields = ["name", "kind", "website", "capacity", "fee", "staffed"]
    fields += ["opening_hours", "closed_reason"]
    copies = Campsite.objects.filter(source__name="Andorra copy")
    assert sorted(copies.values_list(*fields)) == sorted(huts.values_list(*fields))
    assert copies.exclude(website="").count() > 30
    assert copies.get(name="Refugi de Juclar").closed_reason == "Closed for the winter"
