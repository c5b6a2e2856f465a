"""Reading OpenStreetMap files: what is walkable, and the real Andorra extract."""

import math
import re

import osmium
import pytest

from conftest import ANDORRA_PBF
from trails.errors import ParseError
from trails.formats import read_network
from trails.osm import way_flag, way_kind

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


def test_sidewalks_are_left_out_and_private_ways_are_kept_but_flagged(osm_file):
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
    flags = {t.key: t.flag for t in net.trails}
    assert flags == {"w10": "private", "w12": "", "w13": "no_foot"}
    assert {s.trail: s.flag for s in net.segments} == flags


@pytest.mark.parametrize(
    "tags, flag",
    [
        ({"highway": "path"}, ""),
        ({"highway": "path", "foot": "use_sidepath"}, "no_foot"),
        ({"highway": "track", "access": "agricultural"}, "private"),
        ({"highway": "track", "access": "forestry", "foot": "yes"}, ""),
        # Andorra's bike park: Skippy Track, Flow, Speed...
        (
            {"highway": "path", "oneway": "yes", "bicycle": "designated"},
            "bike_downhill",
        ),
        ({"highway": "path", "oneway": "yes", "mtb:scale": "2"}, "bike_downhill"),
        # A one-way bike line that walkers may use is theirs too.
        (
            {
                "highway": "path",
                "oneway": "yes",
                "bicycle": "designated",
                "foot": "yes",
            },
            "",
        ),
        # Two-way with an MTB grade: a shared trail, not a downhill line.
        ({"highway": "path", "mtb:scale": "2"}, ""),
        ({"highway": "path", "trail_visibility": "horrible"}, "invisible"),
        ({"highway": "path", "trail_visibility": "bad"}, ""),
        # Helsinki: an underground car park's ramp runs under Fabianinkatu.
        (
            {"highway": "service", "tunnel": "yes", "layer": "-3"},
            "road_tunnel",
        ),
        ({"highway": "tertiary", "tunnel": "yes", "sidewalk": "both"}, ""),
        ({"highway": "residential", "tunnel": "yes", "foot": "yes"}, ""),
        ({"highway": "footway", "tunnel": "yes"}, ""),
        ({"highway": "pedestrian", "tunnel": "yes"}, ""),
        ({"highway": "service", "tunnel": "building_passage"}, ""),
    ],
)
def test_ways_a_hiker_should_not_walk_are_flagged_with_the_reason(tags, flag):
    assert way_flag(tags) == flag


def test_a_bike_trail_drawn_on_a_track_is_one_segment_walked_as_the_track(osm_file):
    """Andorra's "Commençal Superior" downhill line runs on the nodes of the
    "Cami Superior" track: one piece of ground, which hikers may walk as the track."""
    ways = [
        {
            "id": 10,
            "nodes": [1, 2, 3],
            "tags": {"highway": "track", "name": "Cami Superior"},
        },
        path(
            11,
            [4, 2, 3, 5],
            name="Commençal Superior",
            oneway="yes",
            bicycle="designated",
        ),
    ]
    net = read_network(osm_file(N, ways)).network
    shared = [s for s in net.segments if {s.start, s.end} == {"n2", "n3"}]
    assert len(shared) == 1
    (seg,) = shared
    assert (seg.trail, seg.flag, seg.names) == ("w10", "", ["Commençal Superior"])
    # Where the bike line leaves the track it is its own, flagged ground.
    own = [s for s in net.segments if s.trail == "w11"]
    assert len(own) == 2 and all(s.flag == "bike_downhill" for s in own)
    assert net.summary()["merged_km"] == pytest.approx(seg.length_m / 1000, abs=0.05)


@pytest.mark.parametrize(
    "tags, kind",
    [
        ({"highway": "path"}, "path"),
        ({"highway": "steps"}, "steps"),
        ({"highway": "residential"}, "road"),
        ({"highway": "living_street"}, "road"),
        ({"highway": "cycleway"}, "road"),
        ({"highway": "cycleway", "foot": "no"}, "road"),  # and flagged
        ({"highway": "cycleway", "foot": "designated"}, "footway"),
        ({"highway": "cycleway", "foot": "permissive"}, "footway"),
        ({"highway": "pedestrian"}, "footway"),
        ({"highway": "track", "access": "private", "foot": "permissive"}, "track"),
        ({"highway": "track", "access": "private"}, "track"),  # kept, flagged
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


def route(rel_id, members, **tags):
    """An OSM route relation; members are ("w", id) or ("r", id)."""
    refs = "".join(
        f'<member type="{"way" if t == "w" else "relation"}" ref="{m}" role=""/>'
        for t, m in members
    )
    tags = {"type": "route", "route": "hiking", **tags}
    text = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
    return f'<relation id="{rel_id}" version="1">{refs}{text}</relation>'


def test_waymarked_routes_and_super_routes_are_read_with_their_marks(osm_file):
    f = osm_file(N, [path(10, [1, 2]), path(11, [2, 3]), path(12, [4, 2])])
    relations = [
        route(
            90,
            [("w", 10), ("w", 11)],
            name="GR 11 E1",
            ref="GR 11",
            network="nwn",
            **{"osmc:symbol": "red:white:red_lower:11:black"},
        ),
        route(91, [("r", 90), ("w", 12)], type="superroute", name="Senda Pirenaica"),
        route(92, [("w", 12)], route="bicycle", name="Not for walkers"),
    ]
    f.write_text(f.read_text().replace("</osm>", "".join(relations) + "</osm>"))
    net = read_network(f).network
    routes = {r.source_id: r for r in net.routes}
    assert set(routes) == {"r90", "r91"}
    gr = routes["r90"]
    assert (gr.ref, gr.network, gr.symbol) == (
        "GR 11",
        "nwn",
        "red:white:red_lower:11:black",
    )
    on = {s.trail: s.routes for s in net.segments}
    assert on == {"w10": ["r90", "r91"], "w11": ["r90", "r91"], "w12": ["r91"]}


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


def test_andorra_measures_each_piece_of_ground_once_as_osmium_does(andorra_network):
    """The network's length is osmium's haversine of every distinct pair of
    consecutive nodes of the ways it holds, less the ground read_network merged
    (ways drawn twice without shared nodes): ground two ways share counts once."""
    ways = {seg.trail for seg in andorra_network.segments}
    ways |= {t.key for t in andorra_network.trails}
    pairs = {}
    for way in osmium.FileProcessor(str(ANDORRA_PBF)).with_locations():
        if way.is_way() and f"w{way.id}" in ways:
            nodes = [n for n in way.nodes if n.location.valid()]
            for a, b in zip(nodes, nodes[1:]):
                if a.ref != b.ref:
                    key = (min(a.ref, b.ref), max(a.ref, b.ref))
                    pairs[key] = _haversine(a.location, b.location)
    theirs = sum(pairs.values())
    (warning,) = [w for w in read_network(ANDORRA_PBF).warnings if "merged" in w]
    merged_m = float(re.search(r"merged ([\d,]+) m", warning)[1].replace(",", ""))
    assert merged_m > 4000
    assert andorra_network.length_m == pytest.approx(theirs - merged_m, rel=0.001)


def _haversine(a, b) -> float:
    """Written out here, independent of trails.geo (osmium's Earth radius)."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    )
    return 2 * 6_372_797.56 * math.asin(math.sqrt(h))
