"""The network builder on hand-drawn lines whose topology you can see."""

import pytest

from trails.geo import haversine_m
from trails.network import RawPoint, RawWay, position_key
from trails.topology import build_network

# About 111 m per 0.001 degree of latitude; longitudes here are near the equator.
A, B, C, D = (0.0, 0.0), (0.001, 0.0), (0.001, 0.001), (0.0, 0.001)


def test_lines_that_share_a_vertex_meet_at_a_junction():
    net = build_network([RawWay("a", [A, B, C]), RawWay("b", [B, D])])
    assert len(net.segments) == 3  # "a" is split at B
    degree = {}
    for s in net.segments:
        for j in (s.start, s.end):
            degree[j] = degree.get(j, 0) + 1
    assert sorted(degree.values()) == [1, 1, 1, 3]


def test_lines_that_cross_without_a_shared_vertex_stay_apart():
    net = build_network([RawWay("a", [A, C]), RawWay("b", [B, D])])
    assert len(net.segments) == 2
    assert len(net.components()) == 2


def test_shared_vertex_ids_join_lines_even_when_coordinates_differ_slightly():
    ways = [
        RawWay("a", [A, B], vertex_ids=["n1", "n2"]),
        RawWay("b", [(0.0010000001, 0.0), C], vertex_ids=["n2", "n3"]),
    ]
    assert len(build_network(ways).components()) == 1


def test_a_closed_line_becomes_two_segments_not_a_self_loop():
    net = build_network([RawWay("loop", [A, B, C, D, A])])
    assert len(net.segments) == 2
    assert all(s.start != s.end for s in net.segments)
    assert sum(s.length_m for s in net.segments) == pytest.approx(
        4 * haversine_m(*A, *B), rel=0.01
    )


def test_segment_lengths_are_metres_on_the_sphere():
    north = RawWay("n", [(10.0, 60.0), (10.0, 60.01)])
    east = RawWay("e", [(20.0, 60.0), (20.02, 60.0)])
    net = build_network([north, east])
    lengths = sorted(s.length_m for s in net.segments)
    # 0.01 deg of latitude is ~1112 m; 0.02 deg of longitude at 60N is ~1112 m too.
    assert lengths == pytest.approx([1111.9, 1112.0], abs=2)


def test_a_trailhead_attaches_to_the_nearest_vertex_which_becomes_a_junction():
    net = build_network(
        [RawWay("a", [A, B, C])],
        [RawPoint("th", 0.00101, -0.0001, "Car park", "parking")],
        attach_m=50,
    )
    place = net.places[0]
    assert place.junction is not None
    assert net.junctions[place.junction].lon == B[0]
    assert len(net.segments) == 2  # the line was split where the trailhead attached
    assert 10 < place.attach_m < 20


def test_a_trailhead_beyond_the_tolerance_is_kept_but_not_attached():
    net = build_network(
        [RawWay("a", [A, B])], [RawPoint("far", 0.01, 0.01, "Far", "trailhead")], 100
    )
    assert net.places[0].junction is None
    assert net.summary()["trailheads_unattached"] == 1


def test_summary_counts_components_and_the_largest_one():
    far = [(1.0, 1.0), (1.0, 1.001)]
    net = build_network([RawWay("a", [A, B, C]), RawWay("b", far)])
    s = net.summary()
    assert s["components"] == 2
    assert s["largest_component_km"] == pytest.approx(0.2, abs=0.05)


def test_a_way_of_one_repeated_point_is_skipped():
    net = build_network([RawWay("dot", [A, A]), RawWay("a", [A, B])])
    assert net.skipped_ways == 1
    assert len(net.segments) == 1


def test_lines_that_are_segments_of_one_trail_keep_their_ids_and_are_grouped():
    ways = [
        RawWay("ridge/0", [A, B], vertex_ids=["n1", "n2"], trail_id="ridge"),
        RawWay("ridge/1", [B, C], vertex_ids=["n2", "n3"], trail_id="ridge"),
    ]
    net = build_network(ways)
    assert [t.key for t in net.trails] == ["ridge"]
    assert [(s.key, s.trail, s.start, s.end) for s in net.segments] == [
        ("ridge/0", "ridge", "n1", "n2"),
        ("ridge/1", "ridge", "n2", "n3"),
    ]


def test_a_place_that_names_its_junction_attaches_there_even_if_another_is_nearer():
    ways = [RawWay("a", [A, B, C], vertex_ids=["n1", "n2", "n3"])]
    named = RawPoint("th", 0.00101, 0.0, "Lot", "parking", junction="n1")
    unknown = RawPoint("th2", 0.00101, 0.0, "Lot 2", "parking", junction="n99")
    first, second = build_network(ways, [named, unknown], attach_m=50).places
    assert (first.junction, first.attach_m) == ("n1", pytest.approx(112.3, abs=0.1))
    assert second.junction == "n2"  # a name that is not in the file: the nearest


def test_a_closed_line_gives_closed_segments():
    net = build_network([RawWay("a", [A, B, C], closed_reason="Bridge out")])
    assert {s.closed_reason for s in net.segments} == {"Bridge out"}


def test_a_junction_takes_its_elevation_from_any_line_that_has_one():
    flat = RawWay("flat", [A, B])
    hill = RawWay("hill", [B, C], elevations=[1200.0, 1300.0])
    net = build_network([flat, hill])
    assert net.junctions[position_key(*B)].ele == 1200.0


def test_ground_two_lines_share_is_one_segment_with_junctions_where_they_part():
    # "a" runs A-B-C-D; "b" joins it at B, shares B-C, and leaves at C for E.
    E = (0.002, 0.001)
    net = build_network(
        [
            RawWay("a", [A, B, C, D], name="Track", kind="track"),
            RawWay("b", [(0.002, -0.001), B, C, E], name="Path"),
        ]
    )
    shared = [s for s in net.segments if s.shared == 2]
    assert len(shared) == 1
    (seg,) = shared
    assert {seg.start, seg.end} == {position_key(*B), position_key(*C)}
    # A path is walked before a track; the track's name stays on the ground.
    assert (seg.trail, seg.names) == ("b", ["Track"])
    assert len(net.segments) == 5
    total = sum(
        haversine_m(*p, *q) for p, q in [(A, B), (B, C), (C, D), ((0.002, -0.001), B)]
    ) + haversine_m(*C, *E)
    assert net.length_m == pytest.approx(total)


def test_a_road_owns_shared_ground_only_when_every_line_there_is_a_road():
    ways = [
        RawWay("road", [A, B, C], kind="road", name="Carretera"),
        RawWay("track", [A, B, C], kind="track"),
    ]
    (seg,) = build_network(ways).segments
    assert (seg.trail, seg.names) == ("track", ["Carretera"])


def test_shared_ground_is_flagged_only_when_every_line_over_it_is():
    ways = [
        RawWay("bike", [A, B], kind="path", flag="bike_downhill", routes=["r1"]),
        RawWay("track", [A, B], kind="track", routes=["r2"]),
    ]
    net = build_network(ways)
    (seg,) = net.segments
    assert (seg.trail, seg.flag, seg.routes) == ("track", "", ["r1", "r2"])
    # Every trail stays known (staff can find and override it) even with no
    # ground of its own.
    assert {t.key: t.flag for t in net.trails} == {"bike": "bike_downhill", "track": ""}


def test_a_line_drawn_back_over_itself_gives_its_ground_once():
    net = build_network([RawWay("a", [A, B, C, B, D])])
    assert net.length_m == pytest.approx(
        haversine_m(*A, *B) + haversine_m(*B, *C) + haversine_m(*B, *D)
    )
