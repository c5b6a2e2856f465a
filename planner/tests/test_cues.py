"""The cue sheet, on walks drawn by hand: legs walked in a compass direction."""

import math

import pytest

from planner.cues import (
    MIN_LINE_M,
    Step,
    bearing,
    problems,
    sheet,
    spelling,
    turn_words,
)

GR11 = {"id": 10, "label": "GR 11", "marks": "red-white marks", "network": "nwn"}
GPR = {"id": 6, "label": "GPR", "marks": "red-orange marks", "network": "rwn"}
M_PER_DEG = 111_195.0


def walk(*legs, eles=None):
    """Steps and coordinates of legs (name, heading in degrees, metres, extras)
    walked one after another from 42.5 N 1.5 E, a point every 10 m."""
    lon, lat = 1.5, 42.5
    coords = [(lon, lat)]
    steps = []
    for name, heading, metres, extra in legs:
        first = len(coords) - 1
        n = max(1, round(metres / 10))
        for _ in range(n):
            d = metres / n
            lat += d * math.cos(math.radians(heading)) / M_PER_DEG
            lon += (
                d
                * math.sin(math.radians(heading))
                / (M_PER_DEG * math.cos(math.radians(lat)))
            )
            coords.append((lon, lat))
        steps.append(
            Step(
                trail=name,
                kind=extra.get("kind", "path"),
                connector=extra.get("kind") == "road",
                length_m=metres,
                first=first,
                routes=extra.get("routes", []),
                other_names=extra.get("other_names", []),
                segment_id=extra.get("segment_id"),
                way=extra.get("way"),
            )
        )
    return steps, coords


def follows(line) -> str:
    return line["route"]["label"] if line["route"] else line["trail"] or line["kind"]


def test_names_compare_without_accents_case_or_punctuation():
    assert spelling("GR-11") == spelling("GR 11") == spelling("gr11")
    assert spelling("Camí Ral") == spelling("cami ral")
    assert spelling("") == ""


def test_bearings_and_turns_read_as_a_hiker_would():
    assert bearing((0, 0), (0, 1)) == pytest.approx(0)
    assert bearing((0, 0), (1, 0)) == pytest.approx(90)
    assert turn_words(5) == "straight"
    assert turn_words(-40) == "slight left"
    assert turn_words(90) == "right"
    assert turn_words(-150) == "sharp left"
    assert turn_words(178) == "back"


def test_one_line_per_route_followed_across_junctions_and_spellings():
    on_gr11 = {"routes": [GR11]}
    steps, coords = walk(
        ("GR11 - Senda Pirenaica", 0, 600, on_gr11),
        ("GR-11", 0, 400, on_gr11),
        ("", 10, 60, {}),  # a junction wiggle off the route's relation
        ("GR 11", 0, 500, on_gr11),
        ("Camí Ral", 90, 800, {"kind": "track"}),
        ("Cami ral", 90, 700, {"kind": "track"}),
    )
    lines = sheet(steps, coords, None)
    assert [follows(line) for line in lines] == ["GR 11", "Camí Ral"]
    assert lines[0]["route"]["marks"] == "red-white marks"
    assert [line["length_m"] for line in lines] == [1560, 1500]
    assert [line["at_m"] for line in lines] == [0, 1560]
    assert [line["turn"] for line in lines] == [None, "right"]
    assert lines[1]["kind"] == "track"


def test_each_change_says_which_way_to_turn():
    steps, coords = walk(
        ("North trail", 0, 500, {}),
        ("West trail", 270, 500, {}),
        ("Bend trail", 300, 500, {}),
        ("Back down", 118, 500, {}),
    )
    lines = sheet(steps, coords, None)
    assert [line["turn"] for line in lines] == [None, "left", "slight right", "back"]


def test_short_pieces_join_a_line_and_no_line_reads_zero():
    steps, coords = walk(
        ("", 0, 40, {"kind": "road"}),  # from the car park to the path
        ("Ridge path", 0, 900, {}),
        ("Cut", 90, 120, {}),
        ("Valley path", 180, 900, {}),
        ("", 180, 30, {"kind": "road"}),
    )
    lines = sheet(steps, coords, None)
    assert [follows(line) for line in lines] == ["Ridge path", "Valley path"]
    assert all(line["length_m"] >= MIN_LINE_M for line in lines)
    assert sum(line["length_m"] for line in lines) == 1990


def test_a_line_is_labelled_road_only_when_all_of_it_is_road():
    road = {"kind": "road"}
    steps, coords = walk(
        ("Carretera", 0, 700, road),
        ("GR 11", 90, 300, {"routes": [GR11], "kind": "road"}),
        ("GR 11", 90, 900, {"routes": [GR11]}),
    )
    lines = sheet(steps, coords, None)
    assert [(follows(line), line["kind"]) for line in lines] == [
        ("Carretera", "road"),
        ("GR 11", "path"),
    ]
    assert lines[1]["road_m"] == 300  # said with the line, not hidden in it
    assert lines[0]["road_m"] == 700


def test_a_route_over_several_trails_is_one_line_named_for_its_marks():
    steps, coords = walk(
        ("Camí A", 0, 400, {"routes": [GPR, GR11]}),
        ("Camí B", 0, 400, {"routes": [GR11]}),
        ("Camí C", 0, 400, {"routes": [GR11]}),
    )
    lines = sheet(steps, coords, None)
    assert [follows(line) for line in lines] == ["GR 11"]


def test_the_climb_of_each_line_comes_from_its_own_elevations():
    steps, coords = walk(("Up", 0, 1000, {}), ("Down", 90, 1000, {}))
    eles = [1000 + min(i, 100) * 3 - max(0, i - 100) * 2 for i in range(len(coords))]
    lines = sheet(steps, coords, eles)
    assert (lines[0]["ascent_m"], lines[0]["descent_m"]) == (300, 0)
    assert (lines[1]["ascent_m"], lines[1]["descent_m"]) == (0, 200)


def test_days_split_at_the_night_and_the_next_day_carries_on():
    steps, coords = walk(
        ("Long trail", 0, 3000, {}),
        ("Long trail", 0, 3000, {}),
        ("Other trail", 90, 2000, {}),
    )
    lines = sheet(steps, coords, None, day_ends_m=[3000])
    assert [(line["day"], follows(line), line["length_m"]) for line in lines] == [
        (1, "Long trail", 3000),
        (2, "Long trail", 3000),
        (2, "Other trail", 2000),
    ]
    assert lines[1]["turn"] == "on"


def test_unnamed_road_and_unnamed_path_in_a_row_are_one_line_that_says_its_road():
    steps, coords = walk(
        ("Named", 0, 800, {}),
        ("", 90, 400, {"kind": "road"}),
        ("", 90, 600, {"kind": "track"}),
        ("Other", 180, 800, {}),
    )
    lines = sheet(steps, coords, None)
    assert [(follows(line), line["kind"], line["road_m"]) for line in lines] == [
        ("Named", "path", 0),
        ("track", "track", 400),
        ("Other", "path", 0),
    ]


def test_the_far_end_of_an_out_and_back_says_to_turn_back():
    steps, coords = walk(
        ("Valley path", 0, 900, {"segment_id": 1}),
        ("Spur", 90, 600, {"segment_id": 2}),
        ("Spur", 270, 600, {"segment_id": 2}),
        ("Valley path", 180, 900, {"segment_id": 1}),
    )
    lines = sheet(steps, coords, None)
    assert [(follows(line), line["turn"]) for line in lines] == [
        ("Valley path", None),
        ("Spur", "right"),
        ("Spur", "back"),
        ("Valley path", "left"),
    ]
    loop = {"cues": [{**line, "day": 1} for line in lines], "length_m": 3000.0}
    assert problems({**loop, "connector_m": 0.0}) == []


def test_a_turn_from_one_unnamed_path_onto_another_is_a_line_of_its_own():
    # three unnamed paths: on north, straight on north, then right to the east
    steps, coords = walk(
        ("", 0, 800, {"way": 1}),
        ("", 0, 700, {"way": 2}),
        ("", 90, 900, {"way": 3}),
    )
    lines = sheet(steps, coords, None)
    assert [round(line["length_m"]) for line in lines] == [1500, 900]
    assert lines[1]["turn"] == "right" and lines[1]["trail"] == ""
    assert problems({"cues": lines, "length_m": 2400, "connector_m": 0}) == []
    # the same bend on one mapped way (a hairpin of one path) is no junction
    steps, coords = walk(("", 0, 800, {"way": 1}), ("", 90, 900, {"way": 1}))
    assert len(sheet(steps, coords, None)) == 1
