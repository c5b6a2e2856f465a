"""GeoJSON through the import_trails command, into a real database: the Colorado
State Forest network, tiny hand-drawn cases, closures, and every kind of bad file."""

import json

import pytest
from django.core.management import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trails.models import (
    Campsite,
    DataVersion,
    Segment,
    Source,
    Trail,
    Trailhead,
    WalkingRoute,
)
from trails.network import components
from trails.tests.features import line, point
from trails.tests.test_geojson import COLORADO_TRAILHEADS

pytestmark = pytest.mark.django_db

# Near 45 N a thousandth of a degree is about 79 m of longitude, 111 m of latitude.
A, B, C = [10.0, 45.0], [10.001, 45.0], [10.002, 45.0]


def network_of(source_name: str) -> list[tuple[int, float]]:
    """(junctions, metres) of each connected component, largest first."""
    rows = Segment.objects.filter(source__name=source_name)
    return components(rows.values_list("start_id", "end_id", "length_m"))


def test_colorado_imports_as_a_few_large_components_with_its_trailheads_attached(
    command, colorado
):
    out = command(
        "import_trails",
        colorado["trails"],
        source="Colorado",
        trailheads=colorado["trailheads"],
    )
    trailheads = Trailhead.objects.filter(source__name="Colorado", kind="trailhead")
    assert trailheads.count() == 13  # Montgomery Pass has two
    assert {t.name for t in trailheads} == COLORADO_TRAILHEADS
    assert all(t.junction_id and t.attach_m <= 350 for t in trailheads)
    parts = network_of("Colorado")
    assert len(parts) <= 6
    assert parts[0][1] > 400_000  # of about 490 km
    assert f"Network: {len(parts)} connected components" in out
    assert "line ends snapped onto a line within 15 m" in out
    assert Trail.objects.filter(source__name="Colorado", kind="road").exists()


def test_importing_colorado_twice_changes_nothing(command, colorado, snapshot):
    args = (colorado["trails"],)
    options = {"source": "Colorado", "trailheads": colorado["trailheads"]}
    command("import_trails", *args, **options)
    before = snapshot()
    out = command("import_trails", *args, **options, force=True)  # in full
    after = snapshot()
    assert "segments: 0 created, 0 updated" in out
    del before["DataVersion"], after["DataVersion"], before["Source"], after["Source"]
    assert after == before


@pytest.mark.parametrize(
    "lines, segments, parts",
    [
        pytest.param([[A, B, C], [B, [10.001, 45.001]]], 3, 1, id="shared vertex"),
        pytest.param(
            [[A, C], [[10.001, 44.999], [10.001, 45.001]]], 2, 2, id="crossing"
        ),
        pytest.param(
            [[A, C], [[10.001, 45.00005], [10.001, 45.001]]],
            3,
            1,
            id="T-junction 6 m short, within the tolerance",
        ),
        pytest.param(
            [[A, C], [[10.001, 45.0003], [10.001, 45.001]]],
            2,
            2,
            id="T-junction 33 m short, beyond the tolerance",
        ),
    ],
)
def test_hand_drawn_lines_become_the_network_you_can_see(
    command, geojson_file, lines, segments, parts
):
    path = geojson_file(*(line(coords, fid=f"l{n}") for n, coords in enumerate(lines)))
    command("import_trails", path, source="tiny")
    assert Segment.objects.filter(source__name="tiny").count() == segments
    assert len(network_of("tiny")) == parts


def test_text_is_stored_as_the_file_writes_it_backslashes_and_all(
    command, geojson_file
):
    # PostgreSQL imports write rows with COPY, whose text format escapes these.
    odd = 'C:\\trails\\N "quoted" \\N \\t it\'s Ærøskøbing 山道 🥾'
    path = geojson_file(
        line(
            [A, B],
            fid="l\\1",
            name=odd,
            other_names=[odd + " too"],
            routes=[odd],
            closed_reason="washed out \\ rebuilt",
        ),
        point(10.0, 45.0, fid="t\\1", kind="trailhead", name=odd),
        point(10.001, 45.0, fid="c\\1", kind="camp_site", name=odd, website=odd),
    )
    command("import_trails", path, source="odd")
    segment = Segment.objects.get(source__name="odd")
    assert segment.trail.name == odd and segment.trail.external_id == "l\\1"
    assert segment.other_names == [odd + " too"]
    assert segment.closed_reason == "washed out \\ rebuilt"
    assert list(segment.routes.values_list("name", flat=True)) == [odd]
    trailhead = Trailhead.objects.get(source__name="odd")
    assert (trailhead.name, trailhead.external_id) == (odd, "t\\1")
    camp = Campsite.objects.get(source__name="odd")
    assert (camp.name, camp.website) == (odd, odd)


def test_a_trailhead_beyond_the_attach_distance_is_reported_not_attached(
    command, geojson_file
):
    near = point(10.001, 45.0005, fid="near", kind="trailhead", name="Near")
    far = point(10.001, 45.005, fid="far", kind="trailhead", name="Far")  # 500 m
    out = command("import_trails", geojson_file(line([A, B, C]), near, far))
    assert Trailhead.objects.get(name="Near").junction is not None
    assert Trailhead.objects.get(name="Far").junction is None
    assert "Not attached to the network (too far from any trail): 1 trailheads" in out


def test_a_separate_trailheads_file_may_be_gpx(command, geojson_file, tmp_path):
    gpx = tmp_path / "trailheads.gpx"
    gpx.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        'xmlns="http://www.topografix.com/GPX/1/1">'
        '<wpt lat="45.0002" lon="10.001"><name>Lower lot</name></wpt></gpx>'
    )
    command("import_trails", geojson_file(line([A, B, C])), trailheads=gpx)
    lot = Trailhead.objects.get(name="Lower lot")
    assert lot.kind == "trailhead" and lot.junction is not None


def test_property_options_name_what_the_guesses_miss(command, geojson_file):
    path = geojson_file(
        line([A, B], TRL_LABEL="Ridge Trail", GRADE="Difficult", KEY="r-7"),
        line([B, C], TRL_LABEL="Forest Road", SURFACE_CLS="jeep road", KEY="r-8"),
    )
    command(
        "import_trails",
        path,
        source="tiny",
        name_prop="TRL_LABEL",
        difficulty_prop="GRADE",
        id_prop="KEY",
        kind_prop="SURFACE_CLS",
    )
    trails = Trail.objects.filter(source__name="tiny")
    assert set(trails.values_list("external_id", "name", "kind", "difficulty")) == {
        ("r-7", "Ridge Trail", "path", 3),
        ("r-8", "Forest Road", "road", None),
    }


def test_a_line_the_file_closes_is_imported_closed(command, geojson_file):
    path = geojson_file(
        line([A, B], fid="a", closed_reason="Bridge out"),
        line([B, C], fid="b", is_open=False),
        line([C, [10.003, 45.0]], fid="c"),
    )
    command("import_trails", path, source="tiny")
    closures = Segment.objects.filter(source__name="tiny").order_by("external_id")
    assert list(closures.values_list("is_open", "closed_reason")) == [
        (False, "Bridge out"),
        (False, "closed"),
        (True, ""),
    ]


def test_a_reimport_neither_reopens_nor_closes_segments_staff_decided_on(
    command, geojson_file
):
    command("import_trails", geojson_file(line([A, B], fid="a")), source="tiny")
    segment = Segment.objects.get(source__name="tiny")
    Segment.objects.filter(pk=segment.pk).update(is_open=False, closed_reason="Snow")
    command("import_trails", geojson_file(line([A, B], fid="a")), source="tiny")
    segment.refresh_from_db()
    assert (segment.is_open, segment.closed_reason) == (False, "Snow")
    closed = geojson_file(line([A, B], fid="a", closed_reason="Old closure"))
    command("import_trails", closed, source="tiny")
    Segment.objects.filter(pk=segment.pk).update(is_open=True, closed_reason="")
    command("import_trails", closed, source="tiny")  # the file says nothing new
    segment.refresh_from_db()
    assert segment.is_open


def test_a_closure_new_in_the_file_applies_and_one_it_lifts_is_lifted(
    command, geojson_file
):
    command("import_trails", geojson_file(line([A, B], fid="a")), source="tiny")
    closed = geojson_file(line([A, B], fid="a", closed_reason="Bridge out"))
    command("import_trails", closed, source="tiny")
    segment = Segment.objects.get(source__name="tiny")
    assert (segment.is_open, segment.closed_reason) == (False, "Bridge out")
    command("import_trails", geojson_file(line([A, B], fid="a")), source="tiny")
    segment.refresh_from_db()
    assert (segment.is_open, segment.closed_reason) == (True, "")


def test_a_closure_staff_gave_their_own_reason_outlasts_the_file_s(
    command, geojson_file
):
    closed = geojson_file(line([A, B], fid="a", closed_reason="Bridge out"))
    command("import_trails", closed, source="tiny")
    tiny = Segment.objects.filter(source__name="tiny")
    tiny.update(closed_reason="Bridge out, and a landslide below it")
    command("import_trails", geojson_file(line([A, B], fid="a")), source="tiny")
    assert list(tiny.values_list("is_open", "closed_reason")) == [
        (False, "Bridge out, and a landslide below it")
    ]


def test_attribution_and_licence_come_from_the_file_unless_given(command, geojson_file):
    about = {"attribution": "Trails © Example Parks", "licence": "CC-BY 4.0"}
    path = geojson_file(line([A, B]), properties=about)
    command("import_trails", path, source="parks")
    parks = Source.objects.get(name="parks")
    assert (parks.attribution, parks.licence) == ("Trails © Example Parks", "CC-BY 4.0")
    command("import_trails", path, source="parks", attribution="Staff's own credit")
    parks.refresh_from_db()
    assert parks.attribution == "Staff's own credit"


def test_lines_with_z_keep_their_elevation_and_climb(command, geojson_file):
    path = geojson_file(line([A + [1000], B + [1050], C + [1020]]))
    command("import_trails", path, source="tiny")
    segment = Segment.objects.get(source__name="tiny")
    assert [p[2] for p in segment.geometry] == [1000, 1050, 1020]
    assert (segment.ascent_m, segment.descent_m) == (50, 30)


def test_the_number_of_queries_does_not_grow_with_the_number_of_lines(
    command, geojson_file
):
    DataVersion.bump()  # the very first bump creates its row: not a per-row cost
    few = geojson_file(line([A, B], fid="x"), name="few.geojson")
    many = geojson_file(
        *(line([[10, 45 + i / 1000], [10.001, 45 + i / 1000]]) for i in range(40)),
        name="many.geojson",
    )
    counts = []
    for path, name in ((few, "few"), (many, "many")):
        with CaptureQueriesContext(connection) as ctx:
            command("import_trails", path, source=name)
        counts.append(len(ctx))
    assert Segment.objects.filter(source__name="many").count() == 40
    assert counts[0] == counts[1]


def bad_files():
    """(name, content, reason): each one a file the import must refuse."""
    fc = {"type": "FeatureCollection"}
    a_line = line([A, B])
    yield "malformed", b'{"type": "FeatureCollection", "features": [', "not valid JSON"
    yield "blank", b"   \n", "the file is empty"
    yield "no features", {**fc, "features": []}, "no usable lines or points"
    yield (
        "polygons only",
        {
            **fc,
            "features": [
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Polygon", "coordinates": [[A, B, C, A]]},
                }
            ],
        },
        "Polygon features: 1",
    )
    yield (
        "out of range",
        {
            **fc,
            "features": [line([A, [200.0, 45.0]])],
        },
        r"\[200, 45\] is outside longitude/latitude range",
    )
    nan = json.dumps({**fc, "features": [line([A, [float("nan"), 45.0]])]})
    yield "NaN", nan.encode(), "NaN, which is not a number"
    yield (
        "text coordinates",
        {
            **fc,
            "features": [line([A, ["10.1", "45"]])],
        },
        "a coordinate is not a number",
    )
    yield (
        "projected",
        {
            **fc,
            "crs": {"type": "name", "properties": {"name": "EPSG:26913"}},
            "features": [a_line],
        },
        "coordinate system 'EPSG:26913', not WGS 84",
    )
    yield (
        "projected without saying so",
        {
            **fc,
            "features": [line([[451_000.0, 4_480_000.0], [451_100.0, 4_480_050.0]])],
        },
        "looks projected",
    )
    yield "not GeoJSON", {"type": "Topology", "objects": {}}, "not a GeoJSON"


@pytest.mark.parametrize("name, content, reason", list(bad_files()))
def test_a_bad_geojson_file_gets_a_command_error_and_changes_nothing(
    command, geojson_file, tmp_path, snapshot, name, content, reason
):
    command("import_trails", geojson_file(line([A, B, C])), source="tiny")
    before = snapshot()
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(
        content if isinstance(content, bytes) else json.dumps(content).encode()
    )
    with pytest.raises(CommandError, match=reason) as error:
        command("import_trails", bad, source="tiny")
    assert str(error.value).startswith(f"{bad}: ")
    assert snapshot() == before


def test_a_bad_trailheads_file_is_named_in_the_error(
    command, geojson_file, tmp_path, snapshot
):
    before = snapshot()
    trailheads = tmp_path / "trailheads.geojson"
    trailheads.write_text('{"type": "FeatureCollection", "features": [{')
    trails = geojson_file(line([A, B]))
    with pytest.raises(CommandError, match="not valid JSON") as error:
        command("import_trails", trails, trailheads=trailheads)
    assert f"{trails}: in the trailheads file trailheads.geojson: " in str(error.value)
    assert snapshot() == before


def test_routes_a_file_names_become_waymarked_routes_on_their_segments(
    command, geojson_file
):
    gr11 = {"name": "Senda Pirenaica", "ref": "GR 11", "network": "nwn"}
    path = geojson_file(
        line([A, B], fid="a", route="GR 11"),
        line([B, C], fid="b", routes=[gr11 | {"id": "GR 11"}, "HRP"]),
        line([C, [10.003, 45.0]], fid="c"),
    )
    report = command("import_trails", path, source="tiny")
    assert "Waymarked routes: 2" in report
    routes = WalkingRoute.objects.filter(source__name="tiny").order_by("external_id")
    assert [
        (
            r.external_id,
            r.name,
            r.ref,
            r.network,
            sorted(r.segments.values_list("external_id", flat=True)),
        )
        for r in routes
    ] == [
        ("GR 11", "Senda Pirenaica", "GR 11", "nwn", ["a/0", "b/0"]),
        ("HRP", "HRP", "", "", ["b/0"]),
    ]


def test_a_flagged_line_is_left_out_of_planning(command, geojson_file):
    path = geojson_file(
        line([A, B], fid="a", flag="bike_downhill"), line([B, C], fid="b")
    )
    command("import_trails", path, source="tiny")
    trail = Trail.objects.get(source__name="tiny", external_id="a")
    assert (trail.flag, trail.flag_override) == ("bike_downhill", False)
    walkable = Segment.objects.walkable().filter(source__name="tiny")
    assert list(walkable.values_list("external_id", flat=True)) == ["b/0"]
