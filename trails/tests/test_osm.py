"""Reading OpenStreetMap files: what is walkable, and the real Andorra extract."""

from collections import defaultdict

import osmium
import pytest

from conftest import ANDORRA_PBF
from trails.errors import ParseError
from trails.formats import read_network
from trails.osm import way_kind

N = {
    1: (1.500, 42.500, {}),
    2: (1.501, 42.500, {}),
    3: (1.502, 42.500, {}),
    4: (1.501, 42.501, {}),
    5: (1.501, 42.499, {}),
    6: (1.5005, 42.5005, {}),
    7: (1.5015, 42.4995, {}),
}


def path(way_id, nodes, **tags):
    return {"id": way_id, "nodes": nodes, "tags": {"highway": "path", **tags}}


def test_ways_sharing_a_node_meet_at_a_junction(osm_file):
    net = read_network(osm_file(N, [path(10, [1, 2, 3]), path(11, [4, 2, 5])])).network
    assert len(net.segments) == 4
    assert "n2" in net.junctions
    assert len(net.components()) == 1


def test_ways_crossing_without_a_shared_node_do_not_connect(osm_file):
    # 6-7 crosses 1-2-3's line near node 2 but shares no node with it (a bridge).
    net = read_network(osm_file(N, [path(10, [1, 2, 3]), path(11, [6, 7])])).network
    assert len(net.components()) == 2
    assert len(net.segments) == 2


def test_a_parking_lot_drawn_as_a_closed_way_becomes_a_parking_trailhead(osm_file):
    nodes = dict(N)
    nodes.update(
        {
            20: (1.5010, 42.5002, {}),
            21: (1.5012, 42.5002, {}),
            22: (1.5012, 42.5004, {}),
            23: (1.5010, 42.5004, {}),
        }
    )
    lot = {
        "id": 30,
        "nodes": [20, 21, 22, 23, 20],
        "tags": {"amenity": "parking", "name": "P1"},
    }
    net = read_network(osm_file(nodes, [path(10, [1, 2, 3]), lot])).network
    (place,) = net.places
    assert (place.kind, place.name) == ("parking", "P1")
    assert place.lon == pytest.approx(1.5011) and place.lat == pytest.approx(42.5003)
    assert place.junction == "n2"


def test_private_ways_and_sidewalks_are_left_out_but_foot_yes_lets_hikers_in(osm_file):
    ways = [
        path(10, [1, 2], access="private"),
        {
            "id": 11,
            "nodes": [2, 3],
            "tags": {"highway": "footway", "footway": "sidewalk"},
        },
        path(12, [4, 2], access="no", foot="yes"),
        path(13, [2, 5], foot="no"),
    ]
    net = read_network(osm_file(N, ways)).network
    assert [t.key for t in net.trails] == ["w12"]


@pytest.mark.parametrize(
    "tags, kind",
    [
        ({"highway": "path"}, "path"),
        ({"highway": "steps"}, "steps"),
        ({"highway": "residential"}, "road"),
        ({"highway": "track", "access": "private", "foot": "permissive"}, "track"),
        ({"highway": "primary"}, None),
        ({"highway": "footway", "footway": "crossing"}, None),
        ({"highway": "pedestrian", "area": "yes"}, None),
        ({"building": "yes"}, None),
    ],
)
def test_way_kind_follows_the_tags(tags, kind):
    assert way_kind(tags) == kind


def test_names_come_from_name_then_ref_then_hiking_route(osm_file, tmp_path):
    ways = [
        path(10, [1, 2], name="Camí Ral"),
        path(11, [2, 3], ref="GR 11"),
        path(12, [4, 2]),
    ]
    f = osm_file(N, ways)
    text = f.read_text().replace(
        "</osm>",
        '<relation id="90" version="1"><member type="way" ref="12" role=""/>'
        '<tag k="type" v="route"/><tag k="route" v="hiking"/>'
        '<tag k="name" v="Haute Randonnée"/></relation></osm>',
    )
    f.write_text(text)
    names = {t.key: t.name for t in read_network(f).network.trails}
    assert names == {"w10": "Camí Ral", "w11": "GR 11", "w12": "Haute Randonnée"}


def test_sac_scale_becomes_difficulty(osm_file):
    net = read_network(
        osm_file(N, [path(10, [1, 2], sac_scale="alpine_hiking")])
    ).network
    assert net.trails[0].difficulty == 4


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty"),
        (b"hello, this is text", "not a supported format"),
        (b"\x00\x00\x00\x0e\nOSMHeader\x18\x00\x10\x00garbage", "not a readable"),
    ],
)
def test_files_that_are_not_osm_are_refused_with_a_reason(tmp_path, content, reason):
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(content)
    with pytest.raises(ParseError, match=reason):
        read_network(bad)


def test_a_truncated_pbf_is_refused(tmp_path, shared_data):
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(ANDORRA_PBF.read_bytes()[:400_000])
    with pytest.raises(ParseError, match="not a readable OpenStreetMap file"):
        read_network(cut)


def test_andorra_is_one_large_network_not_dozens_of_islands(andorra_network):
    s = andorra_network.summary()
    # The data README measures 1,467 km and a largest component of 1,189 km for
    # the foot network plus minor roads; sidewalks and private ways are left out here.
    assert 1300 < s["km"] < 1500
    assert s["largest_component_km"] > 1000
    assert s["largest_component_km"] > 0.75 * s["km"]
    assert s["trailheads"] > 200 and s["trailheads_unattached"] < 5
    assert s["campsites"] > 30


def test_andorra_segment_lengths_agree_with_an_independent_haversine(andorra_network):
    """Each way's segments add up to osmium's own haversine length of the way."""
    ours = defaultdict(float)
    for seg in andorra_network.segments:
        ours[seg.trail] += seg.length_m
    theirs = {}
    for way in osmium.FileProcessor(str(ANDORRA_PBF)).with_locations():
        if way.is_way() and f"w{way.id}" in ours:
            theirs[f"w{way.id}"] = osmium.geom.haversine_distance(way.nodes)
    assert len(theirs) == len(ours)
    worst = max(abs(ours[k] - theirs[k]) / max(theirs[k], 1.0) for k in theirs)
    assert worst < 0.002
