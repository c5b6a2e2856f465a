"""GPX through the import_trails command, into a real database: the six real hikes
in ../shared/data/gpx, trailhead waypoints, partial elevation, and hostile XML."""

import pytest
from django.core.management import CommandError

from trails.models import Campsite, Junction, Segment, Source, Trailhead
from trails.tests.test_gpx import REAL_FILES

pytestmark = pytest.mark.django_db


def gpx(body: str, head: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + head
        + '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        + body
        + "</gpx>"
    )


def track(*points: str, name: str = "Ridge") -> str:
    return f"<trk><name>{name}</name><trkseg>{''.join(points)}</trkseg></trk>"


def trkpt(lat: float, lon: float, ele: float | None = None) -> str:
    inner = f"<ele>{ele}</ele>" if ele is not None else ""
    return f'<trkpt lat="{lat}" lon="{lon}">{inner}</trkpt>'


# Where a file's tracks walk the same ground twice (within 5 m for over 30 m), the
# network holds that ground once: Lake Cerknica's 8 tracks are 4.58 km, 0.62 km of
# which retrace another track.
GROUND_KM = {"cerknicko-jezero.gpx": 4.0}


@pytest.mark.parametrize("filename", sorted(REAL_FILES))
def test_each_real_gpx_file_imports_with_its_length_and_elevation(
    command, shared_data, filename
):
    ways, _, km, has_elevation, places = REAL_FILES[filename]
    out = command("import_trails", shared_data / "gpx" / filename, source="hike")
    hike = Source.objects.get(name="hike")
    segments = Segment.objects.filter(source=hike)
    assert hike.format == "gpx"
    assert segments.count() >= ways
    assert hike.km == pytest.approx(GROUND_KM.get(filename, km), rel=0.01)
    with_climb = segments.filter(ascent_m__isnull=False)
    assert with_climb.count() == (segments.count() if has_elevation else 0)
    assert Campsite.objects.filter(source=hike).count() == len(places)
    assert f"Imported gpx into source 'hike': {ways} trails" in out


def test_the_loop_of_the_dents_du_midi_climbs_what_its_track_says(command, shared_data):
    tour = shared_data / "gpx" / "grp-tour-des-dents-du-midi.gpx"
    command("import_trails", tour, source="tour")
    segments = Segment.objects.filter(source__name="tour")
    ascent = sum(segments.values_list("ascent_m", flat=True))
    # gpxpy measures +2,971 m point by point; a 5 m dead band smooths a little.
    assert 2600 < ascent < 3000
    assert Campsite.objects.filter(name="Cabane de Susanfe").get().junction


def test_waypoints_in_a_gpx_trailheads_file_are_trailheads(command, tmp_path):
    trails = tmp_path / "trails.gpx"
    trails.write_text(gpx(track(trkpt(46.0, 7.0), trkpt(46.001, 7.0))))
    trailheads = tmp_path / "trailheads.gpx"
    trailheads.write_text(gpx('<wpt lat="46.0001" lon="7.0"><name>Lot</name></wpt>'))
    command("import_trails", trails, trailheads=trailheads, source="alps")
    lot = Trailhead.objects.get(source__name="alps")
    assert (lot.name, lot.kind) == ("Lot", "trailhead")
    assert lot.junction is not None


def test_a_track_with_elevation_at_some_points_only_keeps_what_it_has(
    command, tmp_path
):
    path = tmp_path / "patchy.gpx"
    path.write_text(
        gpx(track(trkpt(46.0, 7.0, 1500), trkpt(46.001, 7.0), trkpt(46.002, 7.0, 1560)))
    )
    command("import_trails", path, source="patchy")
    segment = Segment.objects.get(source__name="patchy")
    assert segment.geometry == [
        [7.0, 46.0, 1500.0],
        [7.0, 46.001],
        [7.0, 46.002, 1560.0],
    ]
    assert (segment.ascent_m, segment.descent_m) == (60.0, 0.0)
    junctions = Junction.objects.filter(source__name="patchy")
    assert sorted(junctions.values_list("elevation", flat=True)) == [1500.0, 1560.0]


BOMB = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">'
        if n > 1
        else '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        for n in range(1, 10)
    )
    + "]>"
)


@pytest.mark.parametrize(
    "content, reason",
    [
        (gpx("<trk><name>&lol9;</name></trk>", BOMB), "document type declaration"),
        (
            gpx(
                "<trk><name>&xxe;</name></trk>",
                '<!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
            ),
            "document type declaration",
        ),
        (gpx("<trk><name>unclosed</trk>"), "not well-formed XML"),
        (gpx(""), "no tracks or routes"),
        (
            gpx(track(trkpt(46.0, 7.0), trkpt(95.0, 7.0))),
            "is not a place on Earth",
        ),
    ],
    ids=["entity bomb", "external entity", "broken XML", "empty", "bad latitude"],
)
def test_a_bad_gpx_file_gets_a_command_error_and_changes_nothing(
    command, tmp_path, snapshot, content, reason
):
    good = tmp_path / "good.gpx"
    good.write_text(gpx(track(trkpt(46.0, 7.0), trkpt(46.001, 7.0))))
    command("import_trails", good, source="alps")
    before = snapshot()
    bad = tmp_path / "bad.gpx"
    bad.write_text(content)
    with pytest.raises(CommandError, match=reason) as error:
        command("import_trails", bad, source="alps")
    assert str(error.value).startswith(f"{bad}: ")
    assert snapshot() == before
