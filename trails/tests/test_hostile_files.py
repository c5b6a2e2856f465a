"""A corpus of hostile files for every import path: each is refused with a message
naming the file and the reason, and the database is left exactly as it was.

The files are built here, in a temporary folder, from a few bytes of intent each:
a cut-short or corrupted OpenStreetMap extract, XML entity bombs and external
entities, nesting deeper than any parser's stack, NaN and infinite coordinates,
text in another encoding than declared, lines with no length, repeated ids, a
million-point line, and broken elevation tiles. The import goes into the source that
is already there, so a partial write would show in the snapshot.

A few hostile things are not refused but made safe (text the database cannot hold,
ids longer than its columns, impossible elevations): those files import, and what
they wrote exports and imports again.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import re
import struct
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ANDORRA_PBF
from trails.errors import MAX_LINE_VERTICES, ParseError
from trails.formats import read_network
from trails.models import Junction, Segment, Source, Trail, Trailhead
from trails.tests.features import line, point

pytestmark = pytest.mark.django_db

A, B, C = [1.5218, 42.5063], [1.5218, 42.5113], [1.5218, 42.5163]  # Andorra
SRTM3_BYTES = 1201 * 1201 * 2
SANE_SECONDS = 30  # the slowest here, the million-point line, takes about two


# Builders: each returns the bytes of one file -----------------------------------


def collection(*features, encoding: str = "utf-8", **members) -> bytes:
    doc = {"type": "FeatureCollection", "features": list(features), **members}
    return json.dumps(doc, ensure_ascii=False).encode(encoding, "surrogatepass")


def raw_collection(coordinates: str) -> bytes:
    """A one-line collection with its coordinates written as raw JSON text."""
    return (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"name": "Ridge"}, "geometry": {"type": "LineString", '
        f'"coordinates": {coordinates}}}}}]}}'
    ).encode()


def million_point_line() -> bytes:
    positions = ",".join(
        f"[{1.5 + i * 1e-7:.7f},{42.5 + (i % 2) * 1e-6:.7f}]" for i in range(10**6)
    )
    return raw_collection(f"[{positions}]")


def osm(body: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<osm version="0.6">{body}</osm>'
    ).encode()


OSM_NODES = "".join(
    f'<node id="{n}" version="1" lat="{lat}" lon="{lon}"/>'
    for n, (lon, lat) in enumerate([A, B, C], start=1)
)


def osm_way(way_id: int, *nodes: int) -> str:
    refs = "".join(f'<nd ref="{n}"/>' for n in nodes)
    return f'<way id="{way_id}" version="1">{refs}<tag k="highway" v="path"/></way>'


def laughs(root: str) -> str:
    """The "billion laughs": nine levels of ten, 10^9 "lol"s from a few hundred
    bytes."""
    levels = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    return f'<!DOCTYPE {root} [<!ENTITY l0 "lol">{levels}]>'


def external(root: str) -> str:
    return f'<!DOCTYPE {root} [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


GPX_OPEN = '<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'


def gpx(
    body: str,
    declaration: str = '<?xml version="1.0" encoding="UTF-8"?>',
    doctype: str = "",
    encoding: str = "utf-8",
) -> bytes:
    return f"{declaration}{doctype}{GPX_OPEN}{body}</gpx>".encode(encoding)


def track(points, name: str = "Ridge") -> str:
    pts = "".join(f'<trkpt lat="{lat}" lon="{lon}"/>' for lon, lat in points)
    return f"<trk><name>{name}</name><trkseg>{pts}</trkseg></trk>"


def long_track() -> bytes:
    n = MAX_LINE_VERTICES + 1
    return gpx(track([(1.5 + i * 1e-6, 42.5) for i in range(n)]))


def pbf_blob_header(datasize: int) -> bytes:
    """A PBF file's first BlobHeader, claiming a blob of `datasize` bytes."""
    header = b"\x0a\x09OSMHeader\x18" + _varint(datasize)
    return struct.pack(">I", len(header)) + header


def _varint(n: int) -> bytes:
    out = b""
    while n > 0x7F:
        out += bytes([(n & 0x7F) | 0x80])
        n >>= 7
    return out + bytes([n])


def andorra_pbf() -> bytes:
    return ANDORRA_PBF.read_bytes()


def corrupted_pbf() -> bytes:
    data = andorra_pbf()
    return data[:5000] + bytes(b ^ 0xFF for b in data[5000:6000]) + data[6000:]


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def damaged_zip() -> bytes:
    samples = (bytes(range(256)) * (SRTM3_BYTES // 256 + 1))[:SRTM3_BYTES]
    data = zip_of({"N42E001.hgt": samples})
    middle = len(data) // 2
    return data[:middle] + b"\xff" * 64 + data[middle + 64 :]


def encrypted_zip() -> bytes:
    data = bytearray(zip_of({"N42E001.hgt": bytes(SRTM3_BYTES)}))
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.index(signature) + flags] |= 1  # "encrypted"
    return bytes(data)


@dataclass
class Hostile:
    id: str
    filename: str
    content: bytes | Callable[[], bytes]
    reason: str  # a regular expression the message must match

    def write(self, folder: Path) -> Path:
        path = folder / self.filename
        content = self.content() if callable(self.content) else self.content
        path.write_bytes(content)
        return path


TRAIL_FILES = [
    # OpenStreetMap PBF
    Hostile(
        "truncated PBF",
        "andorra.osm.pbf",
        lambda: andorra_pbf()[:300_000],
        "not a readable OpenStreetMap file .*the file ends early",
    ),
    Hostile(
        "PBF with a wrong magic",
        "andorra.osm.pbf",
        lambda: b"\x00\x00\x00\x0eNotOSMAtAll!!" + andorra_pbf()[18:],
        "not a supported format",
    ),
    Hostile(
        "PBF claiming a 2 GB blob",
        "huge.osm.pbf",
        pbf_blob_header(2**31) + bytes(100),
        "not a readable OpenStreetMap file .*invalid blob size",
    ),
    Hostile(
        "PBF with corrupted data",
        "flipped.osm.pbf",
        corrupted_pbf,
        "not a readable OpenStreetMap file",
    ),
    # OpenStreetMap XML
    Hostile(
        "OSM XML billion laughs",
        "bomb.osm",
        osm(OSM_NODES + osm_way(1, 1, 2), laughs("osm")),
        r"document type declaration \(<!DOCTYPE>\), which OpenStreetMap XML never",
    ),
    Hostile(
        "OSM XML external entity",
        "xxe.osm",
        osm(
            '<node id="1" version="1" lat="42.5" lon="1.5">'
            '<tag k="highway" v="trailhead"/><tag k="name" v="&secret;"/></node>',
            external("osm"),
        ),
        "document type declaration",
    ),
    Hostile(
        "OSM XML external DTD",
        "dtd.osm",
        osm(OSM_NODES, '<!DOCTYPE osm SYSTEM "http://example.invalid/osm.dtd">'),
        "document type declaration",
    ),
    Hostile(
        "OSM XML nested 100,000 deep",
        "deep.osm",
        osm("<a>" * 100_000 + "</a>" * 100_000),
        "not a readable OpenStreetMap file .*nested too deep",
    ),
    Hostile(
        "OSM XML NaN coordinates",
        "nan.osm",
        osm('<node id="1" version="1" lat="NaN" lon="1.5"/>' + osm_way(1, 1, 2)),
        "wrong format for coordinate: 'NaN'",
    ),
    Hostile(
        "OSM XML duplicate way ids",
        "twice.osm",
        osm(OSM_NODES + osm_way(7, 1, 2) + osm_way(7, 2, 3)),
        "way 7 is in the file twice; an OpenStreetMap file holds each object once",
    ),
    Hostile(
        "OSM XML duplicate trailhead ids",
        "twice-nodes.osm",
        osm(
            OSM_NODES
            + osm_way(1, 1, 2)
            + '<node id="9" version="1" lat="42.5" lon="1.5">'
            '<tag k="highway" v="trailhead"/></node>' * 2
        ),
        "node 9 is in the file twice",
    ),
    Hostile(
        "OSM XML zero-length way",
        "dot.osm",
        osm(OSM_NODES + osm_way(1, 1, 1, 1)),
        "none of its 1 lines has any length",
    ),
    Hostile(
        "gzip cut short",
        "cut.osm.gz",
        lambda: gzip.compress(osm(OSM_NODES * 200))[:40],
        "a broken gzip file",
    ),
    Hostile(
        "bzip2 garbage",
        "noise.osm.bz2",
        b"BZh9" + b"\xff" * 200,
        "a broken bzip2 file",
    ),
    Hostile(
        "bzip2 of a GPX file",
        "track.osm.bz2",
        lambda: bz2.compress(gpx(track([A, B]))),
        "a compressed file that is not OpenStreetMap XML",
    ),
    # GeoJSON
    # Refused, not imported: one segment of a million vertices would be carried
    # whole by every plan through it. The refusal comes once the JSON is read
    # (about a second and 250 MB here), before anything is built from it.
    Hostile(
        "GeoJSON million-point line",
        "million.geojson",
        million_point_line,
        "feature 0: a line has 1,000,000 vertices, over the limit of 100,000; "
        "simplify it",
    ),
    Hostile(
        "GeoJSON nested 100,000 deep",
        "deep.geojson",
        raw_collection("[" * 100_000 + "]" * 100_000),
        "the JSON is nested too deeply",
    ),
    Hostile(
        "GeoJSON NaN literal",
        "nan.geojson",
        raw_collection(f"[{A}, [NaN, 42.5]]"),
        "the JSON holds NaN, which is not a number GeoJSON allows",
    ),
    Hostile(
        "GeoJSON Infinity literal",
        "infinity.geojson",
        raw_collection(f"[{A}, [1.5, -Infinity]]"),
        "the JSON holds -Infinity",
    ),
    Hostile(
        "GeoJSON number too big for a float",
        "overflow.geojson",
        raw_collection(f"[{A}, [1e999, 42.5]]"),
        "a coordinate is not a finite number: inf",
    ),
    Hostile(
        "GeoJSON in Latin-1",
        "latin1.geojson",
        collection(line([A, B], name="Café"), encoding="latin-1"),
        r"the text is not UTF-8, which GeoJSON must be \(byte 0xE9 at position",
    ),
    Hostile(
        "GeoJSON zero-length lines",
        "dots.geojson",
        collection(line([A, A, A], fid="x"), line([B, B], fid="y")),
        "none of its 2 lines has any length",
    ),
    Hostile(
        "GeoJSON empty FeatureCollection",
        "empty.geojson",
        collection(),
        "no usable lines or points",
    ),
    Hostile(
        "GeoJSON that is a list",
        "list.geojson",
        b"[[[[[[]]]]]]",
        "not a supported format",
    ),
    # GPX
    Hostile(
        "GPX billion laughs",
        "bomb.gpx",
        gpx(track([A, B], name="&l9;"), doctype=laughs("gpx")),
        "document type declaration",
    ),
    Hostile(
        "GPX external entity",
        "xxe.gpx",
        gpx(track([A, B], name="&secret;"), doctype=external("gpx")),
        "document type declaration",
    ),
    Hostile(
        "GPX declaring UTF-8 in Latin-1",
        "latin1.gpx",
        gpx(track([A, B], name="Café"), encoding="latin-1"),
        "the text is not UTF-8, the encoding its XML declaration names "
        r"\(byte 0xE9 at position",
    ),
    Hostile(
        "GPX declaring Latin-1 in UTF-8",
        "utf8.gpx",
        gpx(
            track([A, B], name="Refugi de Sorteny"),
            declaration='<?xml version="1.0" encoding="ISO-8859-1"?>',
        ).replace(b"Sorteny", "Sortény".encode()),
        "the XML declaration says ISO-8859-1, but the text is UTF-8: it would "
        "read 'SortÃ©ny' for 'Sortény'",
    ),
    Hostile(
        "GPX NaN coordinates",
        "nan.gpx",
        gpx(track([A, (float("nan"), 42.5)])),
        "track 1 point 2: lat=42.5, lon=nan is not a place on Earth",
    ),
    Hostile(
        "GPX infinite coordinates",
        "inf.gpx",
        gpx(track([A, (1.5, "1e999")])),
        "lat=inf, lon=1.5 is not a place on Earth",
    ),
    Hostile(
        "GPX track over the vertex limit",
        "long.gpx",
        long_track,
        "a line has 100,001 vertices, over the limit of 100,000",
    ),
    Hostile(
        "GPX zero-length track",
        "dot.gpx",
        gpx(track([A, A, A])),
        "none of its 1 lines has any length",
    ),
    Hostile(
        "GPX nested 100,000 deep",
        "deep.gpx",
        gpx("<a>" * 100_000 + "</a>" * 100_000),
        "no tracks or routes of two or more points",
    ),
]

TILES = [
    Hostile("empty tile", "N42E001.hgt", b"", "the file is empty"),
    Hostile(
        "tile of the wrong size",
        "N42E001.hgt",
        b"\x01\x02" * 1000,
        "a tile of 2,000 bytes is not SRTM",
    ),
    Hostile(
        "tile one byte short",
        "N42E001.hgt",
        bytes(SRTM3_BYTES - 1),
        "a tile of 2,884,801 bytes is not SRTM",
    ),
    Hostile(
        "tile with no elevation at all",
        "N42E001.hgt",
        b"\x80\x00" * (SRTM3_BYTES // 2),
        "the tile holds no elevation at all",
    ),
    Hostile("damaged ZIP", "N42E001.hgt.zip", damaged_zip, "not a readable ZIP"),
    Hostile("encrypted ZIP", "N42E001.hgt.zip", encrypted_zip, "the ZIP is encrypted"),
    Hostile(
        "ZIP of two tiles",
        "N42E001.hgt.zip",
        lambda: zip_of({"a/N42E001.hgt": b"", "b/N42E001.hgt": b""}),
        "the ZIP holds 2 .hgt files; expected exactly one",
    ),
    Hostile(
        "ZIP member of the wrong size",
        "N42E001.hgt.zip",
        lambda: zip_of({"N42E001.hgt": bytes(10)}),
        "N42E001.hgt is 10 bytes, not an SRTM size",
    ),
    Hostile(
        "tile named for no corner",
        "elevation.hgt",
        bytes(SRTM3_BYTES),
        "does not give its corner",
    ),
]


@pytest.fixture
def world(command, geojson_file):
    """A source named "tiny" that every hostile import goes into."""
    path = geojson_file(
        line([A, B, C], fid="ridge", name="Ridge"),
        point(*A, fid="lot", name="Lot", type="Parking"),
    )
    command("import_trails", path, source="tiny")
    return Source.objects.get(name="tiny")


@pytest.mark.parametrize("hostile", TRAIL_FILES, ids=lambda h: h.id)
def test_a_hostile_trail_file_is_refused_by_name_and_changes_nothing(
    command, world, snapshot, tmp_path, hostile
):
    path = hostile.write(tmp_path)
    before = snapshot()
    started = time.monotonic()
    with pytest.raises(CommandError, match=hostile.reason) as error:
        command("import_trails", path, source="tiny")
    assert time.monotonic() - started < SANE_SECONDS
    assert str(error.value).startswith(f"{path}: ")
    assert snapshot() == before


@pytest.mark.parametrize("hostile", TILES, ids=lambda h: h.id)
def test_a_hostile_tile_is_refused_by_name_and_changes_nothing(
    command, world, snapshot, tmp_path, hostile
):
    path = hostile.write(tmp_path)
    before = snapshot()
    with pytest.raises(CommandError, match=hostile.reason) as error:
        command("add_elevation", path, source="tiny")
    assert str(error.value).startswith(f"{path}: ")
    assert snapshot() == before


def test_a_hostile_trailheads_file_is_refused_by_name_and_changes_nothing(
    command, world, snapshot, tmp_path, geojson_file
):
    trails = geojson_file(line([A, B, C], fid="ridge", name="Ridge"))
    trailheads = tmp_path / "lots.gpx"
    trailheads.write_bytes(gpx('<wpt lat="42.5" lon="1.5"/>', doctype=laughs("gpx")))
    before = snapshot()
    with pytest.raises(CommandError, match="document type declaration") as error:
        command("import_trails", trails, trailheads=trailheads, source="tiny")
    assert str(error.value).startswith(f"{trails}: in the trailheads file lots.gpx: ")
    assert snapshot() == before


def test_a_source_name_longer_than_the_column_is_refused(command, world, snapshot):
    before = snapshot()
    with pytest.raises(CommandError, match="the source name is 201 characters long"):
        command("import_trails", ANDORRA_PBF, source="x" * 201)
    assert snapshot() == before


# Upload through the admin -----------------------------------------------------------


UPLOAD_URL = reverse("admin:trails_source_upload")


CORPUS = {hostile.id: hostile for hostile in TRAIL_FILES + TILES}


@pytest.mark.parametrize(
    "filename, hostile",
    [
        ("bomb.osm", CORPUS["OSM XML billion laughs"]),
        ("<img src=x onerror=alert(1)>.gpx", CORPUS["GPX declaring UTF-8 in Latin-1"]),
        ("N42E001.hgt.zip", CORPUS["encrypted ZIP"]),
    ],
    ids=["OSM XML billion laughs", "GPX with a script for a name", "encrypted ZIP"],
)
def test_a_hostile_upload_shows_the_reason_and_changes_nothing(
    staff_client, world, snapshot, tmp_path, filename, hostile
):
    content = hostile.write(tmp_path).read_bytes()
    before = snapshot()
    upload = SimpleUploadedFile(filename, content)
    response = staff_client.post(UPLOAD_URL, {"file": upload, "source": "tiny"})
    assert response.status_code == 200
    (message,) = [str(m) for m in response.context["messages"]]
    assert message.startswith(f"{filename}: ")
    assert re.search(hostile.reason, message)
    html = response.content.decode()
    assert "<img src=x" not in html  # the file's name is shown as text
    assert snapshot() == before


def unpacking_past(megabytes: int, pack: Callable[[bytes], bytes]) -> bytes:
    """OpenStreetMap XML that packs to almost nothing: a comment of spaces."""
    padding = b"<!--" + b" " * (megabytes * 1024 * 1024) + b"-->"
    return pack(osm(OSM_NODES + osm_way(1, 1, 2) + padding.decode()))


@pytest.mark.parametrize(
    "filename, pack",
    [("bomb.osm.gz", gzip.compress), ("bomb.osm.bz2", bz2.compress)],
    ids=["gzip", "bzip2"],
)
def test_an_upload_that_unpacks_past_the_cap_is_refused_before_it_is_read(
    staff_client, world, snapshot, settings, monkeypatch, filename, pack
):
    settings.MAX_UPLOAD_MB = 1  # so the cap is 20 MB unpacked

    def must_not_run(*args, **kwargs):
        raise AssertionError("a bomb reached the importer")

    monkeypatch.setattr("trails.uploads.import_file", must_not_run)
    content = unpacking_past(21, pack)
    assert len(content) < 100_000
    before = snapshot()
    upload = SimpleUploadedFile(filename, content)
    response = staff_client.post(UPLOAD_URL, {"file": upload, "source": "tiny"})
    (message,) = [str(m) for m in response.context["messages"]]
    assert message == (
        f"{filename}: unpacked, it is over the limit of 20 MB (20 times the upload "
        "limit). Import it on the server with manage.py import_trails instead."
    )
    assert snapshot() == before


def test_a_packed_upload_under_the_cap_imports(staff_client, world, settings):
    settings.MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("small.osm.gz", unpacking_past(19, gzip.compress))
    response = staff_client.post(UPLOAD_URL, {"file": upload, "source": "packed"})
    assert response.status_code == 302
    assert Segment.objects.filter(source__name="packed").count() == 1


def test_a_tiny_upload_under_a_big_source_s_name_does_not_wipe_it(
    staff_client, andorra_db, snapshot
):
    before = snapshot()
    upload = SimpleUploadedFile("tiny.geojson", collection(line([A, B])))
    response = staff_client.post(UPLOAD_URL, {"file": upload, "source": andorra_db})
    (message,) = [str(m) for m in response.context["messages"]]
    assert re.match(
        r"tiny.geojson: the import would delete 6,\d{3} of the 6,\d{3} ", message
    )
    assert snapshot() == before


# Hostile but harmless: made safe and imported ---------------------------------------


def test_text_and_ids_the_database_cannot_hold_are_made_safe(
    command, geojson_file, tmp_path
):
    long_id = "trail-" + "x" * 500
    path = tmp_path / "odd.geojson"
    path.write_bytes(
        collection(
            line([A, B], fid=long_id, name="Nul\x00byte", closed_reason="bad\x00"),
            line([B, C], fid=long_id + "!", name="Lone \ud800 surrogate"),
            line(
                [C, [1.5228, 42.5163]],
                fid="z",
                name="tab\tand\nnewline",
            ),
            point(*A, fid="p" * 300, name="Lot\x00", type="Parking"),
        )
    )
    command("import_trails", path, source="odd")
    names = set(Trail.objects.filter(source__name="odd").values_list("name", flat=True))
    assert names == {"Nul byte", "Lone \ufffd surrogate", "tab and newline"}
    ids = [
        *Trail.objects.values_list("external_id", flat=True),
        *Segment.objects.values_list("external_id", flat=True),
        *Junction.objects.values_list("external_id", flat=True),
        *Trailhead.objects.values_list("external_id", flat=True),
    ]
    assert max(map(len, ids)) <= 100
    assert Trail.objects.filter(source__name="odd").count() == 3  # none merged
    assert Trailhead.objects.get(source__name="odd").name == "Lot"
    # Importing the same file again (in full: forced) finds the same rows.
    out = command("import_trails", path, source="odd", force=True)
    assert "segments: 0 created, 0 updated, 3 unchanged, 0 deleted" in out


def test_elevations_no_trail_has_are_dropped_so_climb_stays_finite(command, tmp_path):
    path = tmp_path / "sky.geojson"
    path.write_bytes(
        collection(line([[*A, 1e308], [*B, 1200.0], [*C, -1e308]], fid="sky"))
    )
    out = command("import_trails", path, source="sky")
    assert "ignored 2 elevations outside -500 to 9,000 m" in out
    segment = Segment.objects.get(source__name="sky")
    assert [p[2:] for p in segment.geometry] == [[], [1200.0], []]
    assert (segment.ascent_m, segment.descent_m) == (0.0, 0.0)
    exported = tmp_path / "sky-export.geojson"
    command("export_trails", exported, source="sky")
    json.loads(exported.read_text(), parse_constant=pytest.fail)  # no Infinity
    command("import_trails", exported, source="sky copy")


def test_features_sharing_an_id_are_kept_apart_not_merged_or_refused(
    command, geojson_file
):
    path = geojson_file(
        line([A, B], fid=1, name="North"),
        line([B, C], fid=1, name="South"),
        line([B, C], fid=1, name="South"),  # an exact repeat
    )
    out = command("import_trails", path, source="twins")
    assert "repeated features (same id and geometry): 1" in out
    names = Trail.objects.filter(source__name="twins").values_list("name", flat=True)
    assert sorted(names) == ["North", "South"]


def test_a_gpx_file_from_osmand_is_read_as_gpx_not_as_openstreetmap(tmp_path):
    path = tmp_path / "osmand.gpx"
    path.write_bytes(
        gpx(
            '<metadata><extensions><osmand:color xmlns:osmand="https://osmand.net">'
            "#a71de1</osmand:color></extensions></metadata>" + track([A, B, C])
        )
    )
    parsed = read_network(path)
    assert parsed.format == "gpx"
    assert len(parsed.network.segments) == 1


# Anything shaped like GeoJSON ---------------------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)
POSITION = st.lists(st.floats(-200, 200) | SCALARS, max_size=4) | JSONISH
GEOMETRY = (
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Point", "LineString", "MultiLineString"])
            | JSONISH,
            "coordinates": POSITION
            | st.lists(POSITION, max_size=5)
            | st.lists(st.lists(POSITION, max_size=4), max_size=3),
        }
    )
    | JSONISH
)
PROPERTY_NAMES = st.sampled_from(
    ["name", "id", "kind", "difficulty", "type", "closed_reason", "is_open"]
    + ["start_junction", "end_junction", "trail", "junction", "attribution"]
)
FEATURE = st.fixed_dictionaries(
    {
        "type": st.just("Feature") | JSONISH,
        "geometry": GEOMETRY,
        "properties": st.dictionaries(PROPERTY_NAMES, JSONISH, max_size=5) | JSONISH,
    },
    optional={"id": JSONISH},
)
DOCUMENT = st.fixed_dictionaries(
    {"type": st.just("FeatureCollection"), "features": st.lists(FEATURE, max_size=5)},
    optional={"crs": JSONISH, "properties": JSONISH},
)


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(document=DOCUMENT)
def test_any_document_shaped_like_geojson_gives_a_network_or_a_reason(
    tmp_path, document
):
    path = tmp_path / "any.geojson"
    path.write_text(json.dumps(document))
    try:
        parsed = read_network(path)
    except ParseError as exc:
        assert str(exc)
    else:
        assert parsed.network.segments or parsed.network.places
