"""Reading GPX: the six real hikes in ../shared/data/gpx, tiny hand-written files, and
XML that is refused before gpxpy sees it. No database."""

from __future__ import annotations

import pytest

from trails.errors import ParseError
from trails.geo import line_length_m
from trails.gpx import parse_gpx

# file: (ways, track or route points, km, elevation kept, places), the figures
# measured with gpxpy in the data README. cerknicko-jezero and korita-zbevnica each
# have one track of a single point, which is no line.
REAL_FILES = {
    "Lake_Angeles.gpx": (1, 245, 12.23, True, []),
    "Mojstrovka.gpx": (1, 184, 2.70, True, []),
    "cerknicko-jezero.gpx": (7, 296, 4.58, True, []),
    "korita-zbevnica.gpx": (3, 871, 14.91, True, []),
    "route.gpx": (1, 55, 6.69, False, []),
    "grp-tour-des-dents-du-midi.gpx": (
        1,
        2269,
        47.50,
        True,
        [("Cabane de Susanfe", "alpine_hut"), ("Cabane d'Anthème", "alpine_hut")],
    ),
}


def gpx(body: str, head: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + head
        + '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        + body
        + "</gpx>"
    ).encode()


TRACK = (
    "<trk><name>Ridge</name><trkseg>"
    '<trkpt lat="46.0" lon="7.0"><ele>1500</ele></trkpt>'
    '<trkpt lat="46.001" lon="7.0"><ele>1520</ele></trkpt>'
    "</trkseg></trk>"
)


@pytest.mark.parametrize("filename", sorted(REAL_FILES))
def test_each_real_gpx_file_reads_with_its_length_points_and_elevation(
    shared_data, filename
):
    n_ways, n_points, km, has_elevation, places = REAL_FILES[filename]
    ways, points, _ = parse_gpx(shared_data / "gpx" / filename)
    assert len(ways) == n_ways
    assert sum(len(w.coords) for w in ways) == n_points
    total_km = sum(line_length_m(w.coords) for w in ways) / 1000
    assert total_km == pytest.approx(km, rel=0.01)
    assert all((w.elevations is not None) == has_elevation for w in ways)
    assert all(w.kind == "path" for w in ways)
    assert [(p.name, p.kind) for p in points] == places


def test_elevation_is_kept_point_by_point(shared_data):
    (way,), _, _ = parse_gpx(shared_data / "gpx" / "Mojstrovka.gpx")
    assert len(way.elevations) == len(way.coords)
    assert all(isinstance(e, float) for e in way.elevations)
    assert 1500 < min(way.elevations) < max(way.elevations) < 2500  # Julian Alps


def test_the_route_only_file_becomes_one_way_named_and_id_d_as_a_route(shared_data):
    (way,), points, warnings = parse_gpx(shared_data / "gpx" / "route.gpx")
    assert way.source_id.startswith("rte-")
    assert points == [] and warnings == []


def test_tracks_are_named_and_short_ones_are_reported(shared_data):
    ways, _, warnings = parse_gpx(shared_data / "gpx" / "cerknicko-jezero.gpx")
    assert "ACTIVE LOG #2" in {w.name for w in ways}
    assert "skipped 1 tracks or routes of fewer than two points" in warnings
    assert "ignored 7 waypoints" in " ".join(warnings)


def test_source_ids_are_stable_and_unique(shared_data):
    path = shared_data / "gpx" / "korita-zbevnica.gpx"
    first, _, _ = parse_gpx(path)
    again, _, _ = parse_gpx(path.read_bytes())
    ids = [w.source_id for w in first]
    assert ids == [w.source_id for w in again]
    assert len(set(ids)) == len(ids) and all(i.startswith("trk-") for i in ids)


def test_a_track_repeated_in_a_file_gets_a_second_id():
    ways, _, _ = parse_gpx(gpx(TRACK + TRACK))
    assert ways[1].source_id == ways[0].source_id + "~2"


@pytest.mark.parametrize(
    "waypoint, kind",
    [
        ("<name>North Fork</name><sym>Trail Head</sym>", "trailhead"),
        ("<name>Lot 3</name><sym>Parking Area</sym>", "parking"),
        ("<name>Lakeside</name><type>Campground</type>", "camp_site"),
        ("<name>Bivouac shelter</name>", "shelter"),
        ("<name>Refuge du Goûter</name>", "alpine_hut"),
        ("<name>Summit</name><sym>Flag, Blue</sym>", None),
    ],
)
def test_waypoints_that_say_trailhead_parking_camp_or_hut_become_places(waypoint, kind):
    wpt = f'<wpt lat="46.0" lon="7.0"><ele>1500</ele>{waypoint}</wpt>'
    _, points, _ = parse_gpx(gpx(wpt + TRACK))
    assert [p.kind for p in points] == ([kind] if kind else [])
    if kind:
        assert points[0].ele == 1500.0


def test_in_a_file_of_trailheads_every_waypoint_is_at_least_a_trailhead():
    wpts = '<wpt lat="46.0" lon="7.0"><name>Gate</name></wpt>'
    wpts += '<wpt lat="46.1" lon="7.0"><name>Upper camp</name></wpt>'
    ways, points, _ = parse_gpx(gpx(wpts), untyped_waypoints="trailhead")
    assert ways == []
    assert [(p.name, p.kind) for p in points] == [
        ("Gate", "trailhead"),
        ("Upper camp", "camp_site"),
    ]


def test_a_file_in_latin_1_reads_its_accents():
    data = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        '<gpx version="1.0"><trk><name>Côte</name><trkseg>'
        '<trkpt lat="46.0" lon="7.0"/><trkpt lat="46.001" lon="7.0"/>'
        "</trkseg></trk></gpx>"
    ).encode("latin-1")
    (way,), _, _ = parse_gpx(data)
    assert way.name == "Côte"


BILLION_LAUGHS = """<!DOCTYPE gpx [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
"""
EXTERNAL_ENTITY = """<!DOCTYPE gpx [
  <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
"""


@pytest.mark.parametrize(
    "data",
    [
        gpx("<trk><name>&lol3;</name></trk>", head=BILLION_LAUGHS),
        gpx("<trk><name>&secret;</name></trk>", head=EXTERNAL_ENTITY),
        gpx(TRACK, head='<!DOCTYPE gpx SYSTEM "http://example.com/gpx.dtd">\n'),
    ],
    ids=["entity bomb", "external entity", "external dtd"],
)
def test_xml_with_a_doctype_entities_or_external_references_is_refused(data):
    with pytest.raises(ParseError, match="document type declaration"):
        parse_gpx(data)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "the file is empty"),
        (b"<gpx><trk>", "not well-formed XML"),
        (b"not xml at all", "not well-formed XML"),
        (b'<kml xmlns="http://www.opengis.net/kml/2.2"/>', "root element is <kml>"),
        (gpx(""), "no tracks or routes"),
        (gpx('<wpt lat="46" lon="7"><name>Summit</name></wpt>'), "no tracks or routes"),
        (
            gpx('<trk><trkseg><trkpt lat="95" lon="7"/></trkseg></trk>' + TRACK),
            "track 1 point 1: lat=95.0, lon=7.0 is not a place on Earth",
        ),
        (gpx('<wpt lat="abc" lon="7"/>' + TRACK), "not a readable GPX file"),
        (gpx('<wpt lat="nan" lon="7"/>' + TRACK), "not a place on Earth"),
        (
            b'<?xml version="1.0" encoding="klingon"?><gpx/>',
            "unknown text encoding",
        ),
    ],
)
def test_bad_files_raise_a_parse_error_naming_the_reason(data, reason):
    with pytest.raises(ParseError) as caught:
        parse_gpx(data)
    assert reason in str(caught.value)


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.gpx"
    path.write_bytes(gpx(TRACK))
    with pytest.raises(ParseError, match="over the limit"):
        parse_gpx(path, max_bytes=100)
