"""Merging lines drawn twice, on tiny hand-drawn lines whose right answer you can
see, and on the real Colorado State Forest network. No database.

`build_network` makes one segment of a stretch that lines share (the same
consecutive vertex keys), so these tests look at shared vertex keys, junctions and
segments."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from trails.formats import read_network
from trails.geo import LonLat, line_length_m
from trails.geojson import parse_geojson
from trails.ground import overlapping_pairs
from trails.network import RawWay, position_key
from trails.overlap import merge_parallel
from trails.snapping import snap_line_ends
from trails.topology import build_network

LON0, LAT0 = 10.0, 45.0
METRES_PER_DEGREE = 111_195.0


def m(x: float, y: float) -> LonLat:
    """A position `x` metres east and `y` metres north of a fixed origin."""
    kx = METRES_PER_DEGREE * math.cos(math.radians(LAT0))
    return LON0 + x / kx, LAT0 + y / METRES_PER_DEGREE


def xy(p: LonLat) -> tuple[float, float]:
    """Back to metres east and north, rounded to a centimetre."""
    kx = METRES_PER_DEGREE * math.cos(math.radians(LAT0))
    return round((p[0] - LON0) * kx, 2), round((p[1] - LAT0) * METRES_PER_DEGREE, 2)


def keys(way: RawWay) -> list[str]:
    return [position_key(*p) for p in way.coords]


def pairs(way: RawWay) -> set[frozenset[str]]:
    """The consecutive vertex pairs of a line: what the new build_network merges."""
    k = keys(way)
    return {frozenset(ab) for ab in zip(k, k[1:])}


# A trail along the x axis with a vertex every 10 m, and a second drawing of it:
# vertices every 7 m, 1-2 m to either side, as a GPS track of the same path is.
TRAIL = RawWay("trail", [m(x, 0) for x in range(0, 301, 10)])
TWICE = RawWay(
    "twice", [m(x + 3, (1.5, -1.0, 2.0)[n % 3]) for n, x in enumerate(range(0, 295, 7))]
)


def test_a_path_drawn_twice_becomes_one_stretch_of_the_first_lines_vertices():
    (trail, twice), merged = merge_parallel([TRAIL, TWICE])
    assert merged == pytest.approx(300, abs=0.1)
    # The first line is untouched; the second now is the first, vertex for vertex.
    assert trail.coords == TRAIL.coords
    assert twice.coords == trail.coords
    assert pairs(twice) == pairs(trail)
    # One piece of ground: one segment, walked as the first line, the second's
    # name kept on it.
    (segment,) = build_network([trail, twice]).segments
    assert segment.shared == 2 and segment.coords == trail.coords


def test_a_path_drawn_twice_beside_the_far_side_of_a_bend_is_merged():
    # The first look pairs stretches only when some segment of one may run near
    # parallel to some segment of the other: here the trail's one stretch heads
    # east, then 60 degrees north of it, and the second drawing follows only the
    # second leg, 1.5 m to its side.
    turn = math.radians(60)
    ux, uy = math.cos(turn), math.sin(turn)
    bend = RawWay(
        "bend",
        [m(x, 0) for x in range(0, 40, 10)]
        + [m(40 + t * ux, t * uy) for t in range(0, 51, 10)],
    )
    again = RawWay(
        "again",
        [m(40 + t * ux - 1.5 * uy, t * uy + 1.5 * ux) for t in range(3, 48, 7)],
    )
    (trail, twice), merged = merge_parallel([bend, again])
    assert merged > 30
    # Between its ends, the second drawing now runs on the trail's vertices (the
    # trail's own, and where it enters and leaves, two put in on the trail).
    assert set(bend.coords) < set(trail.coords)
    assert set(twice.coords[1:-1]) <= set(trail.coords)


def test_a_line_that_touches_another_for_10_m_is_unchanged():
    brush = RawWay("brush", [m(100, 50), m(140, 3), m(150, 2), m(160, 3), m(200, 50)])
    (_, after), merged = merge_parallel([TRAIL, brush])
    assert merged == 0
    assert after.coords == brush.coords


def test_two_trails_meeting_at_a_shallow_angle_are_not_merged():
    # 10 degrees apart from a shared vertex: within 5 m for 29 m, a junction.
    angle = math.radians(10)
    branch = RawWay(
        "branch", [m(100 + d * math.cos(angle), d * math.sin(angle)) for d in (0, 200)]
    )
    (_, after), merged = merge_parallel([TRAIL, branch])
    assert merged == 0
    assert after.coords == branch.coords


def test_two_parallel_trails_20_m_apart_are_unchanged():
    beside = RawWay("road", [m(x, 20) for x in range(0, 301, 25)])
    ways, merged = merge_parallel([TRAIL, beside])
    assert merged == 0
    assert [w.coords for w in ways] == [TRAIL.coords, beside.coords]


def test_a_line_that_joins_a_trail_for_200_m_enters_and_leaves_at_vertices_on_it():
    trail = RawWay("trail", [m(0, 0), m(500, 0)])
    joiner = RawWay(
        "joiner",
        [m(100, 80), m(150, 2), m(200, 1.5), m(250, 2.5), m(300, 1), m(350, 2)]
        + [m(400, 80)],
    )
    (trail, joiner), merged = merge_parallel([trail, joiner])
    # It comes within 5 m of the trail at x = 148.1 and leaves at 351.9; the
    # stretch starts and ends at the first and last step (of 2.5 m) within that.
    assert len(trail.coords) == 4
    (entry_x, entry_y), (exit_x, exit_y) = xy(trail.coords[1]), xy(trail.coords[2])
    assert entry_y == exit_y == 0
    assert 148.1 <= entry_x < 150 and 350 < exit_x <= 351.9
    assert joiner.coords == [m(100, 80), *trail.coords[1:3], m(400, 80)]
    assert merged == pytest.approx(exit_x - entry_x, abs=0.01)
    net = build_network([trail, joiner])
    junctions = {xy((j.lon, j.lat)) for j in net.junctions.values()}
    ends = {(0, 0), (500, 0), (100, 80), (400, 80)}
    assert junctions == ends | {(entry_x, 0), (exit_x, 0)}


def test_a_crossing_line_does_not_cut_a_stretch_drawn_twice_in_two():
    cross = RawWay("cross", [m(150, -100), m(150, 0), m(150, 100)])
    (trail, cross, twice), merged = merge_parallel([TRAIL, cross, TWICE])
    assert merged == pytest.approx(300, abs=0.1)
    assert twice.coords == trail.coords
    assert cross.coords == [m(150, -100), m(150, 0), m(150, 100)]


def test_a_junction_on_the_second_drawing_moves_onto_the_first_with_it():
    # A side trail ends on the second drawing's vertex at x = 143, 2 m north of
    # the trail: when that vertex goes, the side trail's end goes to the trail.
    side_end = TWICE.coords[20]
    side = RawWay("side", [m(143, 100), side_end])
    (trail, twice, side), merged = merge_parallel([TRAIL, TWICE, side])
    assert twice.coords == trail.coords
    assert side.coords[-1] in trail.coords
    assert xy(side.coords[-1]) == (143, 0)
    net = build_network([trail, twice, side])
    assert len(net.components()) == 1


def test_the_replaced_vertices_take_the_first_lines_elevations():
    trail = RawWay(
        "trail",
        [m(0, 0), m(100, 0), m(200, 0), m(300, 0)],
        elevations=[1000.0, 1100.0, 1200.0, 1300.0],
    )
    joiner = RawWay(
        "joiner",
        [m(150, 100), m(150, 2), m(200, 1), m(250, 2), m(250, 100)],
        elevations=[900.0, 1155.0, 1195.0, 1245.0, 900.0],
    )
    (trail, joiner), _ = merge_parallel([trail, joiner])
    assert [xy(p) for p in joiner.coords] == [
        (150, 100),
        (150, 0),
        (200, 0),
        (250, 0),
        (250, 100),
    ]
    assert joiner.elevations == pytest.approx([900, 1150, 1200, 1250, 900])
    assert len(trail.elevations) == len(trail.coords) == 6
    # A first line without elevations gives none to the vertices it lends.
    (_, bare), _ = merge_parallel(
        [
            RawWay("trail", [m(0, 0), m(300, 0)]),
            RawWay(
                "j",
                [m(150, 100), m(150, 2), m(250, 2), m(250, 100)],
                elevations=[1.0] * 4,
            ),
        ]
    )
    assert [xy(p) for p in bare.coords] == [(150, 100), (150, 0), (250, 0), (250, 100)]
    assert bare.elevations == [1.0, None, None, 1.0]


def osm(way: RawWay, prefix: str) -> RawWay:
    """The line as an OSM way: a node id for every vertex."""
    ids = [f"{prefix}{n}" for n in range(len(way.coords))]
    return RawWay(way.source_id, list(way.coords), vertex_ids=ids)


def real_way(wid: str, kind: str, nodes: list[tuple[str, LonLat]]) -> RawWay:
    """An OSM way from its (node id, position) pairs."""
    ids, coords = zip(*nodes)
    return RawWay(wid, list(coords), kind=kind, vertex_ids=list(ids))


def test_osm_ways_drawn_twice_share_the_earlier_ways_nodes():
    (trail, twice), merged = merge_parallel([osm(TRAIL, "a"), osm(TWICE, "b")])
    assert merged == pytest.approx(300, abs=0.1)
    assert twice.coords == trail.coords
    assert twice.vertex_ids == trail.vertex_ids == [f"a{n}" for n in range(31)]
    net = build_network([trail, twice])
    assert [s.shared for s in net.segments] == [2]


def test_osm_ways_keep_their_node_ids_and_merge_alike_every_time():
    # Two nodes at one position: the copy drops the second, and its id with it.
    doubled = osm(TWICE, "b")
    doubled = replace(
        doubled,
        coords=[doubled.coords[0], *doubled.coords],
        vertex_ids=["b-", *doubled.vertex_ids],
    )
    ways = [osm(TRAIL, "a"), doubled]
    ids_before = [list(w.vertex_ids) for w in ways]
    first, _ = merge_parallel(ways)
    second, _ = merge_parallel(ways)
    assert [w.vertex_ids for w in ways] == ids_before
    assert [w.vertex_ids for w in first] == [w.vertex_ids for w in second]
    assert all(len(w.vertex_ids) == len(w.coords) for w in first)
    # and the result is a network: a second merge of it changes nothing
    again, more = merge_parallel(first)
    assert more == 0
    assert [w.vertex_ids for w in again] == [w.vertex_ids for w in first]
    assert build_network(again).segments


def test_a_new_node_gets_the_same_id_from_either_way_and_on_every_run():
    # The joiner enters and leaves the trail between its nodes: new nodes there,
    # named by the trail's segment and where on it they are.
    trail = RawWay("trail", [m(0, 0), m(500, 0)], vertex_ids=["n7", "n3"])
    joiner = RawWay(
        "joiner",
        [m(100, 80), m(150, 2), m(250, 1), m(350, 2), m(400, 80)],
        vertex_ids=["j1", "j2", "j3", "j4", "j5"],
    )
    (after, merged_joiner), _ = merge_parallel([trail, joiner])
    entry, exit_ = after.vertex_ids[1:3]
    # t runs from n3's end (x = 500): the entry, near x = 148, is at about 0.70.
    # The exit then lies on the segment from n3 to the entry.
    assert entry.startswith("n3|n7@0.70")
    assert exit_.startswith(f"n3|{entry}@0.")
    assert merged_joiner.vertex_ids == ["j1", entry, exit_, "j5"]
    # The same trail drawn the other way round names the same nodes alike.
    backwards = RawWay("trail", [m(500, 0), m(0, 0)], vertex_ids=["n3", "n7"])
    (again, _), _ = merge_parallel([backwards, joiner])
    assert again.vertex_ids[1:3] == [exit_, entry]
    assert merge_parallel([trail, joiner])[0][0].vertex_ids == after.vertex_ids


def test_an_osm_way_that_doubles_back_over_itself_is_merged_with_itself():
    # Out 300 m and back 2 m to one side, with nodes of its own both ways.
    out = [m(x, 0) for x in range(0, 301, 20)]
    back = [m(x + 7, 2) for x in range(290, -1, -20)]
    way = RawWay("out-and-back", out + back, vertex_ids=[str(n) for n in range(31)])
    (after,), merged = merge_parallel([way], itself=True)
    # Far enough from the turn (more than 4 tolerances + 30 m along the line), the
    # way back runs over the way out's own nodes.
    assert merged > 200
    ids = after.vertex_ids
    assert set(ids[16:]) & set(ids[:15])
    net = build_network([after])
    lengths = sorted(round(s.length_m) for s in net.segments)
    assert sum(lengths) < 0.75 * line_length_m(way.coords)


def test_a_line_is_merged_with_itself_only_when_asked():
    # A GPS track out and back is a walk: digitised lines keep both ways.
    there_and_back = RawWay("out-and-back", [m(0, 0), m(300, 0), m(300, 2), m(0, 2)])
    (after,), merged = merge_parallel([there_and_back])
    assert merged == 0
    assert after.coords == there_and_back.coords
    assert merge_parallel([there_and_back], itself=True)[1] > 200


def test_a_switchback_whose_legs_are_further_apart_than_the_tolerance_is_kept():
    # Two legs 4 m apart for 40 m from the turn: a mountain path's hairpin, whose
    # legs come within 3 m of each other only at the turn itself.
    hairpin = RawWay(
        "hairpin", [m(0, 0), m(40, 0), m(42, 2), m(40, 4), m(0, 4), m(-60, 100)]
    )
    (after,), merged = merge_parallel([hairpin], 3.0, 20.0, itself=True)
    assert merged == 0
    assert after.coords == hairpin.coords
    # Likewise 7 m apart with the 5 m tolerance for digitised lines.
    wide = RawWay("wide", [m(0, 0), m(40, 0), m(43, 3.5), m(40, 7), m(0, 7)])
    (after,), merged = merge_parallel([wide], itself=True)
    assert merged == 0
    assert after.coords == wide.coords


def test_a_short_spur_walked_out_and_back_is_merged_with_itself():
    # OSM draws a 19 m spur out and back 1.5 m beside itself (Oslo east, w158001665):
    # shorter than the 20 m a run needs, but a way that turns back on itself is one
    # path walked there and back.
    spur = RawWay(
        "spur",
        [m(0, 0), m(19, 0), m(12, 1.5), m(0, 1.5), m(-40, 30)],
        vertex_ids=["a", "tip", "b", "c", "d"],
    )
    (after,), merged = merge_parallel([spur], 3.0, 20.0, itself=True)
    assert merged > 12
    net = build_network([after])
    assert sum(s.length_m for s in net.segments) == pytest.approx(19 + 50, abs=1)


def test_a_way_that_covers_a_stretch_three_times_is_merged_at_each_turn():
    # Up to 70 m, back to 35 m and up again past 70 m, 0.5 m to one side each time
    # (Krems, w225803417): one stretch of ground under three legs.
    way = RawWay(
        "thrice",
        [m(0, 0), m(35, 0), m(45, 0.2), m(70, 0), m(35, 0), m(110, 0.5), m(300, 0)],
        vertex_ids=["a", "b", "c", "d", "b", "e", "f"],
    )
    (after,), merged = merge_parallel([way], 3.0, 20.0, itself=True)
    assert merged > 60
    net = build_network([after])
    assert sum(s.length_m for s in net.segments) == pytest.approx(300, abs=1)


def test_two_ways_between_the_same_nodes_a_few_metres_apart_are_one_path():
    # A 70 m footway beside another between two of its nodes, straying up to
    # 5.5 m from it (Krems, w85955819 beside w24778514): within the 3 m tolerance
    # only near its ends, and both end on the same two nodes.
    trail = RawWay("trail", [m(-50, 0), m(0, 0), m(70, 0), m(120, 0)])
    trail = osm(trail, "t")
    bubble = RawWay(
        "bubble",
        [m(0, 0), m(30, 5.5), m(50, 4.5), m(62, 2.5), m(70, 0)],
        vertex_ids=["t1", "b1", "b2", "b3", "t2"],
    )
    (_, after), merged = merge_parallel([trail, bubble], 3.0, 20.0, itself=True)
    assert after.vertex_ids == ["t1", "t2"]
    assert merged == pytest.approx(70, abs=0.1)
    # Further apart than two tolerances, it is another path.
    apart = replace(bubble, coords=[m(0, 0), m(30, 7), m(50, 6), m(62, 3), m(70, 0)])
    assert merge_parallel([trail, apart], 3.0, 20.0)[1] == 0


def test_a_corner_cut_between_two_merged_stretches_is_merged_too():
    # The second drawing cuts a corner of the first 4 m wide with one long segment:
    # after its stretches either side merge, what is left of the cut is within the
    # tolerance and merges with a further look (Andorra, w875738402).
    first = RawWay(
        "first",
        [m(-100, 60), m(0, 0), m(1, -3.3), m(19, -15), m(60, -40), m(160, -100)],
        vertex_ids=["p", "q", "r", "s", "t", "u"],
    )
    second = RawWay(
        "second",
        [m(-100, 61), m(-1, 1.5), m(59, -39), m(161, -100)],
        vertex_ids=["v", "w", "x", "y"],
    )
    (one, two), merged = merge_parallel([first, second], 3.0, 20.0, itself=True)
    assert pairs(two) <= pairs(one)


def test_a_junction_moved_between_a_near_and_a_far_segment_of_a_third_way_merges():
    # Real ways (Helsinki, (c) OpenStreetMap contributors, ODbL), cut to the
    # vertices that matter: a footway and a service road's end run beside a
    # street, and moving their shared junction onto the street moved a vertex of
    # the street between a segment near another way and one far from all. The
    # import stopped with a TypeError there.
    ways = [
        real_way(
            "w18378910",
            "footway",
            [
                ("n189440489", (24.9414233, 60.1705674)),
                ("n2039713539", (24.9403236, 60.1705478)),
            ],
        ),
        real_way(
            "w18379209",
            "footway",
            [
                ("n189440934", (24.9414092, 60.1706265)),
                ("n189440935", (24.9411013, 60.1706193)),
            ],
        ),
        real_way(
            "w122595267",
            "road",
            [
                ("n302745631", (24.9411715, 60.1706072)),
                ("n1369465840", (24.9413213, 60.1706126)),
                ("n1369465837", (24.9413546, 60.170604)),
                ("n3166361511", (24.9413854, 60.1705871)),
                ("n270370928", (24.9413977, 60.1705691)),
                ("n1369465822", (24.9414006, 60.1704977)),
            ],
        ),
        real_way(
            "w311381808",
            "road",
            [
                ("n3170187290", (24.9412608, 60.1705421)),
                ("n6138118880", (24.9413142, 60.1705616)),
                ("n666739891", (24.9413305, 60.1705644)),
                ("n3170187292", (24.9413536, 60.1705681)),
                ("n270370928", (24.9413977, 60.1705691)),
                ("n302745609", (24.9414479, 60.1705702)),
                ("n3170187294", (24.9415125, 60.1705716)),
            ],
        ),
    ]
    merged_ways, merged = merge_parallel(ways, 3.5, 12.0, itself=True)
    assert merged > 0
    # each way's vertices moved by at most the tolerance: the same ground
    for before, after in zip(ways, merged_ways):
        assert line_length_m(after.coords) == pytest.approx(
            line_length_m(before.coords), abs=2 * 3.5
        )
    # the street and the footway drawn along it share their stretch
    assert pairs(merged_ways[0]) & pairs(merged_ways[3])


def test_a_way_brought_beside_another_by_a_merge_is_merged_with_it_too():
    # Real ways (Krems, (c) OpenStreetMap contributors, ODbL), cut to the vertices
    # that matter: a footway runs down beside a street, then 3.5-4 m beside the
    # road that goes on from the street's end. Merged onto the street, it leaves
    # it at the street's end and goes straight to its own last vertex: 0-3 m
    # beside that road for 35 m, and a loop down one and up the other walked that
    # ground twice.
    ways = [
        real_way(
            "w24980504",
            "road",
            [
                ("n271438869", (15.6163465, 48.4110729)),
                ("n415560044", (15.6163668, 48.4110233)),
                ("n1699574077", (15.6163773, 48.4109912)),
                ("n1210555903", (15.6164253, 48.410844)),
                ("n860953728", (15.6164194, 48.4106989)),
                ("n271439067", (15.6164195, 48.4106738)),
            ],
        ),
        real_way(
            "w24980505",
            "road",
            [
                ("n271439067", (15.6164195, 48.4106738)),
                ("n805459246", (15.6163991, 48.4103603)),
            ],
        ),
        real_way(
            "w30745491",
            "path",
            [
                ("n1210555822", (15.616229, 48.410684)),
                ("n2494676298", (15.6163746, 48.4107006)),
                ("n860953728", (15.6164194, 48.4106989)),
                ("n2444461353", (15.6168278, 48.4106869)),
            ],
        ),
        real_way(
            "w25536273",
            "footway",
            [
                ("n2494676306", (15.6161261, 48.4110054)),
                ("n2494676308", (15.6162658, 48.4110178)),
                ("n2494676307", (15.6163147, 48.4110081)),
                ("n2494676304", (15.6163391, 48.4109687)),
                ("n2494676300", (15.616377, 48.4108165)),
                ("n2494676299", (15.6163775, 48.4107385)),
                ("n2494676298", (15.6163746, 48.4107006)),
                ("n2494676297", (15.6163735, 48.4106759)),
                ("n2494676296", (15.6163444, 48.4103641)),
            ],
        ),
    ]
    merged_ways, merged = merge_parallel(ways, 3.5, 12.0, itself=True)
    segments = build_network(merged_ways).segments
    shared = overlapping_pairs([s.coords for s in segments], 3.0, 15.0)
    assert merged > 30
    assert not shared, [(segments[i].key, segments[j].key, m) for i, j, m in shared]


def test_lines_crossing_at_a_junction_are_not_merged():
    cross = RawWay("cross", [m(150, -100), m(150, 0), m(150, 100)])
    (trail, after), merged = merge_parallel([TRAIL, cross])
    assert merged == 0
    assert after.coords == cross.coords


def test_merging_leaves_its_input_alone_and_gives_the_same_answer_every_time():
    ways = [TRAIL, TWICE]
    before = [list(w.coords) for w in ways]
    first, _ = merge_parallel(ways)
    second, _ = merge_parallel(ways)
    assert [w.coords for w in ways] == before
    assert [w.coords for w in first] == [w.coords for w in second]


@pytest.fixture(scope="module")
def colorado(shared_data):
    ways, _, _ = parse_geojson(shared_data / "colorado-state-forest/trails.geojson")
    snapped, _ = snap_line_ends(ways, 15.0)
    return snapped


def gps_track(coords: list[LonLat], every_m: float = 8.0) -> list[LonLat]:
    """A GPS track of a line: a vertex every `every_m` metres, 0.5-2 m to either
    side of it."""
    offsets = (1.5, -1.0, 2.0, -0.5)
    track: list[LonLat] = []
    carry = 0.0
    for a, b in zip(coords, coords[1:]):
        kx = math.cos(math.radians(a[1])) * METRES_PER_DEGREE
        dx, dy = (b[0] - a[0]) * kx, (b[1] - a[1]) * METRES_PER_DEGREE
        length = math.hypot(dx, dy)
        s = carry
        while s < length:
            o = offsets[len(track) % len(offsets)]
            x, y = (dx * s - dy * o) / length, (dy * s + dx * o) / length
            track.append((a[0] + x / kx, a[1] + y / METRES_PER_DEGREE))
            s += every_m
        carry = s - length
    return [*track, coords[-1]]


def test_colorado_draws_no_trail_twice_and_goes_through_in_under_two_seconds(
    colorado,
):
    started = time.perf_counter()
    ways, merged = merge_parallel(colorado)
    assert time.perf_counter() - started < 2.0
    # Measured: no two of its lines stay within 5 m of each other for more than
    # 24 m, so nothing merges and every line comes back as it went in.
    assert merged == 0
    assert [w.coords for w in ways] == [w.coords for w in colorado]
    # Within 8 m, a shallow junction (Mendenhall Rd leaving Government Creek Rd)
    # would already be taken for a road drawn twice: why the tolerance is 5 m.
    assert 20 < merge_parallel(colorado, 8.0)[1] < 40


def test_a_gps_track_of_a_colorado_trail_merges_onto_it_and_changes_nothing_else(
    colorado,
):
    blue_lake = next(w for w in colorado if w.name == "Blue Lake")
    track = RawWay("track", gps_track(blue_lake.coords))
    ways, merged = merge_parallel([*colorado, track])
    length = line_length_m(blue_lake.coords)  # 9.9 km
    assert merged == pytest.approx(length, abs=1)
    assert len(ways) == len(colorado) + 1
    # Every other line keeps its geometry; the track loses its wobble and is the
    # trail itself.
    assert [w.coords for w in ways[:-1]] == [w.coords for w in colorado]
    assert ways[-1].coords == blue_lake.coords
    assert line_length_m(track.coords) - length > 400  # the wobble it had


def test_merging_an_osm_region_loads_no_numpy(shared_data):
    # numpy and its arrays of every piece made the demo region's import a quarter
    # larger in memory (issue 9): the first look at which lines run side by side
    # is plain Python. In a fresh process, as an import runs.
    krems = shared_data / "osm-regions" / "krems.osm.gz"
    script = (
        "import sys\n"
        "from trails.formats import read_network\n"
        f"parsed = read_network({str(krems)!r})\n"
        "print(any('drawn twice' in w for w in parsed.warnings))\n"
        "print('numpy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["True", "False"]  # merged, and without numpy


def test_reading_a_geojson_file_merges_a_path_drawn_twice_and_says_so(tmp_path):
    features = [
        {
            "type": "Feature",
            "properties": {"name": way.source_id},
            "geometry": {"type": "LineString", "coordinates": way.coords},
        }
        for way in (TRAIL, TWICE)
    ]
    path = tmp_path / "twice.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    parsed = read_network(path)
    # Snapping runs first and pulls the first line's ends onto the second's (they
    # are 3 m off), so a little less than the whole 300 m is left to merge.
    assert parsed.warnings[-1] == "merged 294 m of lines drawn twice within 5 m"
    segments = parsed.network.segments
    shared = [s for s in segments if s.shared == 2]
    assert sum(s.length_m for s in shared) == pytest.approx(294, abs=2)
    names = {t.key: t.name for t in parsed.network.trails}
    assert all({names[s.trail], *s.names} == {"trail", "twice"} for s in shared)
