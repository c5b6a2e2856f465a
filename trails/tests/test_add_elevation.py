"""add_elevation: the Andorra SRTM tile on the Andorra network, small networks
whose right answer you can see, and tiles that are refused."""

import io
import math
import zipfile

import pytest
from django.core.management import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from trails.dem import ElevationModel, Tile
from trails.models import DataVersion, Junction, Segment, Source, Trailhead
from trails.tests.features import line, point

pytestmark = pytest.mark.django_db

# Near Andorra la Vella, on the valley floor, and 0.01 degrees (about 1.1 km) north.
VALLEY = [1.5218, 42.5063]
UP = [1.5218, 42.5163]


@pytest.fixture(scope="module")
def tile_path(shared_data):
    return shared_data / "dem" / "N42E001.hgt.zip"


@pytest.fixture(scope="module")
def andorra_tile(tile_path) -> ElevationModel:
    return ElevationModel([Tile.load(tile_path)])


@pytest.fixture(scope="module")
def andorra_elevated(andorra_db, django_db_blocker, tile_path):
    """The Andorra network with elevation added once for this module, and the
    summary add_elevation printed; rolled back when the module is done."""
    from django.core.management import call_command

    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "add_elevation", str(tile_path), source=andorra_db.name, stdout=out
        )
        yield out.getvalue()
        transaction.set_rollback(True)


def nearest_junction(source: Source, lon: float, lat: float) -> Junction:
    k = math.cos(math.radians(lat))
    return min(
        Junction.objects.filter(source=source),
        key=lambda j: ((j.lon - lon) * k) ** 2 + (j.lat - lat) ** 2,
    )


def test_the_junction_at_andorra_la_vella_is_where_the_readme_puts_the_town(
    andorra_db, andorra_elevated, andorra_tile
):
    junction = nearest_junction(andorra_db, *VALLEY)
    assert abs(junction.lat - VALLEY[1]) < 0.0005  # within about 50 m
    # The README's nearest sample there is 1024 m; bilinear blends its neighbours.
    assert junction.elevation == pytest.approx(1024, abs=10)
    assert junction.elevation == andorra_tile.elevation(junction.lon, junction.lat)


def test_a_steep_stretch_of_the_gr11_above_encamp_climbs_about_400_m(
    andorra_db, andorra_elevated
):
    # GR11 stage Encamp - Arinsal: 1.39 km from about 1550 m up to 1955 m.
    segment = Segment.objects.get(source=andorra_db, external_id="w122383901/0")
    start, end = segment.geometry[0][2], segment.geometry[-1][2]
    assert 1500 < start < 1600 and 1900 < end < 2000
    assert end - start <= segment.ascent_m < 450
    assert segment.descent_m < 20


def test_every_vertex_and_junction_of_andorra_gets_an_elevation(
    andorra_db, andorra_elevated
):
    segments = Segment.objects.filter(source=andorra_db)
    assert not segments.filter(ascent_m__isnull=True).exists()
    assert all(len(p) == 3 for s in segments.iterator() for p in s.geometry)
    assert not Junction.objects.filter(source=andorra_db, elevation=None).exists()
    summary = andorra_elevated
    n = segments.count()
    assert f"{n:,} of {n:,} segments" in summary
    assert "0 points are outside the tiles" in summary
    total = sum(segments.values_list("ascent_m", flat=True))
    assert 80_000 < total < 150_000  # about 108 km of climb in 1,458 km of trail
    assert f"Climb: {total:,.0f} m up" in summary


def import_lines(command, geojson_file, *features, source="tiny") -> Source:
    command("import_trails", geojson_file(*features), source=source)
    return Source.objects.get(name=source)


def test_elevation_already_in_the_data_is_kept_and_only_gaps_are_sampled(
    command, geojson_file, tile_path, andorra_tile
):
    middle = [1.5218, 42.5113]
    import_lines(command, geojson_file, line([VALLEY + [999.0], middle, UP + [1500.0]]))
    out = command("add_elevation", tile_path, source="tiny")
    segment = Segment.objects.get(source__name="tiny")
    sampled = andorra_tile.elevation(*middle)
    assert segment.geometry == [VALLEY + [999.0], middle + [sampled], UP + [1500.0]]
    assert 999 < sampled < 1500  # so the climb is the file's 999 m to 1500 m
    assert (segment.ascent_m, segment.descent_m) == (501, 0)
    assert "1 of 1 segments, 1 points sampled" in out
    assert "Kept 2 points that already had elevation" in out


def test_overwrite_samples_every_point(command, geojson_file, tile_path, andorra_tile):
    import_lines(command, geojson_file, line([VALLEY + [0.0], UP + [0.5]]))
    command("add_elevation", tile_path, source="tiny", overwrite=True)
    segment = Segment.objects.get(source__name="tiny")
    assert [p[2] for p in segment.geometry] == [
        andorra_tile.elevation(*VALLEY),
        andorra_tile.elevation(*UP),
    ]


def test_climb_is_the_rise_the_tile_shows(
    command, geojson_file, tile_path, andorra_tile
):
    steps = [[1.5218, 42.5063 + i * 0.001] for i in range(11)]
    import_lines(command, geojson_file, line(steps))
    command("add_elevation", tile_path, source="tiny")
    segment = Segment.objects.get(source__name="tiny")
    profile = [andorra_tile.elevation(*p) for p in steps]
    assert [p[2] for p in segment.geometry] == profile
    assert segment.ascent_m >= max(profile) - profile[0] - 10


def test_points_outside_every_tile_stay_without_elevation_and_are_counted(
    command, geojson_file, tile_path
):
    import_lines(
        command,
        geojson_file,
        line([VALLEY, UP], fid="in"),
        line([[10.0, 45.0], [10.001, 45.0]], fid="out"),
        point(10.0, 45.0001, kind="trailhead", name="Far lot"),
    )
    out = command("add_elevation", tile_path, source="tiny")
    inside, outside = Segment.objects.filter(source__name="tiny").order_by(
        "external_id"
    )
    assert inside.ascent_m is not None and outside.ascent_m is None
    assert outside.geometry == [[10.0, 45.0], [10.001, 45.0]]
    assert Trailhead.objects.get(name="Far lot").elevation is None
    assert "2 points are outside the tiles" in out
    assert "3 outside the tiles" in out  # two junctions and the trailhead


def test_a_dry_run_reports_and_changes_nothing(
    command, geojson_file, tile_path, snapshot
):
    import_lines(command, geojson_file, line([VALLEY, UP]))
    before = snapshot()
    out = command("add_elevation", tile_path, source="tiny", dry_run=True)
    assert out.startswith("  … loading 1 tile\n")
    assert "Would add elevation from 1 tile (N42E001) to 'tiny'" in out
    assert snapshot() == before


def test_adding_elevation_moves_the_data_version(command, geojson_file, tile_path):
    import_lines(command, geojson_file, line([VALLEY, UP]))
    version = DataVersion.current()
    command("add_elevation", tile_path, source="tiny")
    assert DataVersion.current() > version


def test_the_number_of_queries_does_not_grow_with_the_network(
    command, geojson_file, tile_path
):
    DataVersion.bump()  # the very first bump creates its row: not a per-row cost
    import_lines(command, geojson_file, line([VALLEY, UP]), source="one")
    many = [line([[1.5 + i / 1000, 42.5], [1.5 + i / 1000, 42.51]]) for i in range(30)]
    import_lines(command, geojson_file, *many, source="thirty")
    counts = []
    for name in ("one", "thirty"):
        with CaptureQueriesContext(connection) as ctx:
            command("add_elevation", tile_path, source=name)
        counts.append(len(ctx))
    assert Segment.objects.filter(source__name="thirty", ascent_m__gte=0).count() == 30
    assert counts[0] == counts[1]


def test_a_reimport_without_elevation_keeps_the_tiles_until_a_line_moves(
    command, geojson_file, tile_path
):
    path = geojson_file(line([VALLEY, UP], fid="a"))
    command("import_trails", path, source="tiny")
    command("add_elevation", tile_path, source="tiny")
    elevated = Segment.objects.get(source__name="tiny")
    out = command("import_trails", path, source="tiny")
    assert "segments: 0 created, 0 updated, 1 unchanged" in out
    assert "junctions: 0 created, 0 updated, 2 unchanged" in out
    moved = geojson_file(
        line([VALLEY, [1.5228, 42.5163]], fid="a"), name="moved.geojson"
    )
    command("import_trails", moved, source="tiny")
    segment = Segment.objects.get(pk=elevated.pk)
    assert segment.ascent_m is None
    assert all(len(p) == 2 for p in segment.geometry)


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("N42E001.hgt", b"\x00\x01" * 1000, "a tile of 2,000 bytes is not SRTM"),
        ("N42E001.hgt.zip", zip_of({"N42E001.hgt": b"\x00" * 10}), "not an SRTM size"),
        ("N42E001.hgt.zip", b"PK\x03\x04 broken", "not a readable ZIP"),
        ("elevation.hgt", b"\x00" * 2_884_802, "does not give its corner"),
        ("N42E001.hgt", None, "cannot be read"),
    ],
    ids=["wrong size", "wrong size zipped", "broken zip", "no corner", "missing"],
)
def test_a_bad_tile_gets_a_command_error_and_changes_nothing(
    command, geojson_file, tmp_path, snapshot, name, content, reason
):
    import_lines(command, geojson_file, line([VALLEY, UP]))
    before = snapshot()
    bad = tmp_path / name
    if content is not None:
        bad.write_bytes(content)
    with pytest.raises(CommandError, match=reason) as error:
        command("add_elevation", bad)
    assert str(error.value).startswith(f"{bad}: ")
    assert snapshot() == before


def test_an_unknown_source_is_a_command_error(command, tile_path):
    with pytest.raises(CommandError, match="there is no source named 'Nowhere'"):
        command("add_elevation", tile_path, source="Nowhere")


def test_load_demo_adds_the_tile_after_importing_and_only_once(
    command, osm_file, monkeypatch
):
    nodes = {1: (1.5218, 42.5063, {}), 2: (1.5218, 42.5163, {})}
    way = {"id": 1, "nodes": [1, 2], "tags": {"highway": "path"}}
    monkeypatch.setattr(
        "trails.management.commands.load_demo.DEMO_FILE", osm_file(nodes, [way])
    )
    out = command("load_demo")
    assert "Imported osm" in out and "Added elevation from 1 tile (N42E001)" in out
    demo = Segment.objects.get(source__name="Andorra (OpenStreetMap)")
    assert demo.ascent_m > 100
    out = command("load_demo")
    assert "already loaded" in out and "Added elevation" not in out
    # A database loaded before elevation came along gets it on the next start.
    Segment.objects.filter(pk=demo.pk).update(ascent_m=None)
    assert "Added elevation" in command("load_demo")
