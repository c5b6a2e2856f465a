"""Snapping line ends onto nearby lines, on tiny hand-drawn GeoJSON whose right
answer you can see, and on the real Colorado State Forest network. No database."""

from __future__ import annotations

import json
import math
import time
from collections import Counter

import pytest

from trails.geojson import parse_geojson
from trails.network import RawWay
from trails.snapping import snap_line_ends
from trails.tests.test_geojson import COLORADO_TRAILHEADS
from trails.topology import build_network

LON0, LAT0 = 10.0, 45.0
METRES_PER_DEGREE = 111_195.0


def m(x: float, y: float, z: float | None = None) -> list[float]:
    """A GeoJSON position `x` metres east and `y` metres north of a fixed origin."""
    lon = LON0 + x / (METRES_PER_DEGREE * math.cos(math.radians(LAT0)))
    position = [lon, LAT0 + y / METRES_PER_DEGREE]
    return position if z is None else [*position, z]


def line(*positions, name=""):
    return {
        "type": "Feature",
        "properties": {"name": name},
        "geometry": {"type": "LineString", "coordinates": list(positions)},
    }


def trailhead(x: float, y: float, name: str):
    return {
        "type": "Feature",
        "properties": {"type": "Trailhead", "name": name},
        "geometry": {"type": "Point", "coordinates": m(x, y)},
    }


def network(*features, tolerance_m=15.0, attach_m=50.0):
    """Parse inline GeoJSON, snap, build: what the import does with a file."""
    doc = json.dumps({"type": "FeatureCollection", "features": list(features)})
    ways, points, _ = parse_geojson(doc.encode())
    ways, snapped = snap_line_ends(ways, tolerance_m)
    return build_network(ways, points, attach_m), snapped


def degrees(net) -> list[int]:
    """How many segment ends meet at each junction, sorted."""
    count: Counter[str] = Counter()
    for s in net.segments:
        count.update((s.start, s.end))
    return sorted(count.values())


def test_lines_that_share_a_vertex_meet_at_a_junction():
    net, snapped = network(
        line(m(0, 0), m(100, 0), m(200, 0)), line(m(100, 0), m(100, 100))
    )
    assert snapped == 0
    assert len(net.components()) == 1
    assert degrees(net) == [1, 1, 1, 3]


def test_lines_that_cross_without_a_shared_vertex_stay_apart():
    net, snapped = network(line(m(0, 0), m(200, 0)), line(m(100, -100), m(100, 100)))
    assert snapped == 0
    assert len(net.components()) == 2


def test_a_t_junction_a_few_metres_short_is_snapped_onto_the_line():
    net, snapped = network(line(m(0, 0), m(200, 0)), line(m(100, 5), m(100, 100)))
    assert snapped == 1
    assert len(net.components()) == 1
    assert degrees(net) == [1, 1, 1, 3]  # the long line is split where the T meets it
    junction = next(
        j for j in net.junctions.values() if abs(j.lon - m(100, 0)[0]) < 1e-9
    )
    assert junction.lat == pytest.approx(LAT0, abs=1e-9)  # on the line, not 5 m off


def test_a_line_that_overshoots_a_crossing_without_a_vertex_is_pulled_back_onto_it():
    net, snapped = network(line(m(0, 0), m(200, 0)), line(m(100, -4), m(100, 100)))
    assert snapped == 1
    assert degrees(net) == [1, 1, 1, 3]


def test_a_t_junction_beyond_the_tolerance_is_left_alone():
    net, snapped = network(line(m(0, 0), m(200, 0)), line(m(100, 30), m(100, 100)))
    assert snapped == 0
    assert len(net.components()) == 2
    wide, snapped = network(
        line(m(0, 0), m(200, 0)), line(m(100, 30), m(100, 100)), tolerance_m=40
    )
    assert snapped == 1 and len(wide.components()) == 1


def test_a_trailhead_beyond_the_attach_distance_is_kept_but_reported_unattached():
    net, _ = network(
        line(m(0, 0), m(100, 0), m(200, 0)),
        trailhead(100, 40, "Near"),
        trailhead(100, 500, "Far"),
        attach_m=350,
    )
    places = {p.name: p for p in net.places}
    assert places["Near"].junction is not None
    assert places["Near"].attach_m == pytest.approx(40, abs=0.5)
    assert places["Far"].junction is None
    assert net.summary()["trailheads_unattached"] == 1


def test_an_overshoot_past_a_shared_crossing_is_not_snapped_back_into_a_loop():
    net, snapped = network(
        line(m(0, 0), m(100, 0), m(200, 0)),
        line(m(100, 100), m(100, 0), m(100, -5)),  # 5 m stub beyond the junction
    )
    assert snapped == 0
    assert len(net.segments) == 4
    assert degrees(net) == [1, 1, 1, 1, 4]


def test_an_end_is_not_snapped_onto_the_part_of_its_own_line_that_leads_to_it():
    # A tight hook: the end is 10 m from the line's own first segment.
    net, snapped = network(line(m(0, 0), m(100, 0), m(100, 10), m(90, 10)))
    assert snapped == 0
    assert len(net.segments) == 1


def test_an_end_that_comes_back_to_its_own_line_far_away_closes_a_lollipop():
    stick_and_loop = line(
        m(0, -100), m(0, 0), m(100, 0), m(100, 100), m(0, 100), m(0, 6)
    )
    net, snapped = network(stick_and_loop)
    assert snapped == 1
    assert len(net.components()) == 1
    # The stick's far end; the loop's middle (where it is split in two, so the
    # graph has no self-loop); the knot where stick and loop meet.
    assert degrees(net) == [1, 2, 3]


def test_two_facing_ends_meet_once_instead_of_swapping_places():
    ways, _, _ = parse_geojson(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [line(m(0, 0), m(100, 0)), line(m(104, 0), m(200, 0))],
            }
        ).encode()
    )
    snapped_ways, snapped = snap_line_ends(ways)
    assert snapped == 1
    assert snapped_ways[0].coords[-1] == snapped_ways[1].coords[0]
    assert len(build_network(snapped_ways).components()) == 1


def test_the_new_vertex_and_the_moved_end_get_the_elevation_of_the_line_they_join():
    ways, _, _ = parse_geojson(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    line(m(0, 0, 1000), m(200, 0, 1100)),
                    line(m(100, 5, 900), m(100, 100, 950)),
                ],
            }
        ).encode()
    )
    (main, branch), _ = snap_line_ends(ways)
    assert len(main.coords) == 3
    assert main.elevations[1] == pytest.approx(1050, abs=0.5)
    assert branch.elevations == [main.elevations[1], 950]
    assert branch.coords[0] == main.coords[1]


def test_snapping_leaves_its_input_alone_and_gives_the_same_answer_every_time():
    ways = [
        RawWay("a", [tuple(m(0, 0)), tuple(m(200, 0))]),
        RawWay("b", [tuple(m(100, 5)), tuple(m(100, 100))]),
    ]
    before = [list(w.coords) for w in ways]
    first, _ = snap_line_ends(ways)
    second, _ = snap_line_ends(ways)
    assert [w.coords for w in ways] == before
    assert [w.coords for w in first] == [w.coords for w in second]
    assert first[0].coords != before[0]


def test_ways_with_vertex_ids_are_not_snapped():
    ways = [
        RawWay("a", [tuple(m(0, 0)), tuple(m(200, 0))], vertex_ids=["1", "2"]),
        RawWay("b", [tuple(m(100, 5)), tuple(m(100, 100))], vertex_ids=["3", "4"]),
    ]
    snapped_ways, snapped = snap_line_ends(ways)
    assert snapped == 0
    assert [w.coords for w in snapped_ways] == [w.coords for w in ways]


@pytest.fixture(scope="module")
def colorado(shared_data):
    folder = shared_data / "colorado-state-forest"
    return parse_geojson(
        folder / "trails.geojson", trailheads=folder / "rec-symbols.geojson"
    )


def test_colorado_snaps_in_well_under_two_seconds(colorado):
    ways, _, _ = colorado
    started = time.perf_counter()
    _, snapped = snap_line_ends(ways, 15.0)
    assert time.perf_counter() - started < 2.0
    # The README counts 23 loose ends within 15 m of a line; many are overshoots
    # already joined a few metres back, which are rightly left alone.
    assert 10 <= snapped <= 23


def test_colorado_becomes_a_few_large_components_with_every_trailhead_attached(
    colorado,
):
    ways, points, _ = colorado
    unsnapped = build_network(ways, points, attach_m=350).summary()
    snapped_ways, _ = snap_line_ends(ways, 15.0)
    net = build_network(snapped_ways, points, attach_m=350)
    summary = net.summary()
    # The README: splitting at shared vertices alone gives 10 components, the
    # largest 406.1 km of 492.3 km. Snapping must do at least as well.
    assert summary["components"] < unsnapped["components"]
    assert summary["components"] <= 6
    assert summary["largest_component_km"] >= 406.1
    trailheads = [p for p in net.places if p.kind == "trailhead"]
    assert {p.name for p in trailheads} == COLORADO_TRAILHEADS
    assert all(p.junction is not None for p in trailheads)
    assert max(p.attach_m for p in trailheads) < 350
