"""Reading GeoJSON: the Colorado State Forest files, tiny hand-written features, and
every kind of bad file. No database."""

from __future__ import annotations

import json

import pytest

from trails.errors import ParseError
from trails.geojson import parse_geojson, parse_geojson_places
from trails.network import RawRoute

COLORADO_TRAILHEADS = {
    "Forest Service Access",
    "Agnes Creek",
    "American Lakes",
    "Crags",
    "Michigan Ditch",
    "Montgomery Pass",
    "Long Draw (USFS)",
    "Custer Draw",
    "Ruby Jewel",
    "Northfork",
    "Jack Dickens",
    "Medicine Bow",
}


def line(coords, props=None, fid=None, multi=False):
    """A Feature with a LineString (or a MultiLineString of `coords` parts)."""
    geometry = {"type": "MultiLineString" if multi else "LineString"}
    geometry["coordinates"] = coords
    feature = {"type": "Feature", "properties": props or {}, "geometry": geometry}
    if fid is not None:
        feature["id"] = fid
    return feature


def point(lon, lat, props=None):
    return {
        "type": "Feature",
        "properties": props or {},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def collection(*features, **members) -> bytes:
    return json.dumps(
        {"type": "FeatureCollection", "features": list(features), **members}
    ).encode()


A, B, C = [10.0, 45.0], [10.001, 45.0], [10.002, 45.001]


@pytest.fixture(scope="module")
def colorado(shared_data):
    folder = shared_data / "colorado-state-forest"
    return parse_geojson(
        folder / "trails.geojson", trailheads=folder / "rec-symbols.geojson"
    )


def test_colorado_trailheads_parking_and_campgrounds_come_from_the_symbols_file(
    colorado,
):
    _, points, warnings = colorado
    trailheads = [p for p in points if p.kind == "trailhead"]
    assert len(trailheads) == 13  # Montgomery Pass has two
    assert {p.name for p in trailheads} == COLORADO_TRAILHEADS
    assert sum(p.kind == "parking" for p in points) == 10
    assert sum(p.kind == "camp_site" for p in points) == 9
    assert any("Restroom 3" in w and "Overlook 2" in w for w in warnings)


def test_colorado_lines_get_names_kinds_and_difficulty_from_its_shapefile_fields(
    colorado,
):
    ways, _, _ = colorado
    assert 265 <= len(ways) <= 275  # 274 parts, less empty, repeated, winter-only
    first = next(w for w in ways if w.source_id == "14#0")
    assert (first.name, first.kind, first.difficulty) == (
        "American Lakes Cutoff",
        "path",  # Singletrack
        3,  # Difficult
    )
    assert {w.kind for w in ways if w.name == "Ruby Jewel Rd"} == {"road"}  # 2WD, 4WD
    kinds = {w.kind for w in ways}
    assert kinds == {"path", "road", "track"}
    assert {w.difficulty for w in ways} == {1, 2, 3, None}
    assert all(w.elevations is None for w in ways)  # the file is 2-D


def test_winter_only_routes_are_left_out_but_summer_roads_groomed_in_winter_stay(
    colorado,
):
    ways, _, warnings = colorado
    names = {w.name for w in ways}
    assert "Yurt to Yurt Access" not in names  # winter only, nothing in summer
    assert "Grass Creek Yurt Access" not in names
    assert "Bockman Rd" in names  # "Snow (Winter Trail Only)" but SUMMER_M = Yes
    assert any("left out 2 winter-only lines" in w for w in warnings)
    assert any("kept 13 lines marked winter-only" in w for w in warnings)


def test_colorado_source_ids_are_unique_and_the_same_on_every_read(
    colorado, shared_data
):
    ways, points, _ = colorado
    ids = [w.source_id for w in ways]
    assert len(set(ids)) == len(ids)
    assert len({p.source_id for p in points}) == len(points)
    again, _, _ = parse_geojson(shared_data / "colorado-state-forest/trails.geojson")
    assert [w.source_id for w in again] == ids
    # OBJECTID 14 occurs once; 311 is shared by eight pieces of Francisco Loop Rd.
    assert "14#0" in ids
    assert sum(i.startswith("311~g") for i in ids) == 6  # two of the eight are empty


def test_a_county_road_named_as_such_is_a_road(shared_data):
    ways, points, warnings = parse_geojson(
        shared_data / "colorado-state-forest/park-roads.geojson"
    )
    assert [w.kind for w in ways] == ["road", "road"]
    assert ways[0].name == "County Road 41"
    assert points == [] and warnings == []


def test_each_part_of_a_multilinestring_is_a_way_with_the_part_number_in_its_id():
    ways, _, _ = parse_geojson(collection(line([[A, B], [B, C]], fid=7, multi=True)))
    assert [w.source_id for w in ways] == ["7#0", "7#1"]
    assert ways[1].coords == [tuple(B), tuple(C)]


def test_ids_come_from_the_feature_then_id_properties_then_the_geometry():
    ways, _, _ = parse_geojson(
        collection(
            line([A, B], {"OBJECTID": 3}, fid="trail-1"),
            line([B, C], {"OBJECTID": 3.0}),
            line([A, C], {"name": "no id"}),
        )
    )
    assert [w.source_id for w in ways[:2]] == ["trail-1", "3"]
    assert ways[2].source_id.startswith("g") and len(ways[2].source_id) == 13
    again, _, _ = parse_geojson(collection(line([A, C], {"name": "renamed"})))
    assert again[0].source_id == ways[2].source_id  # the geometry decides


def test_an_id_that_several_features_share_is_made_unique_by_geometry():
    ways, _, warnings = parse_geojson(
        collection(
            line([A, B], {"OBJECTID": 5}),
            line([B, C], {"OBJECTID": 5}),
            line([B, C], {"OBJECTID": 5}),  # the very same feature twice
        )
    )
    assert len(ways) == 2
    assert ways[0].source_id != ways[1].source_id
    assert all(w.source_id.startswith("5~g") for w in ways)
    assert any("repeated features (same id and geometry): 1" in w for w in warnings)


def test_property_options_override_the_guesses():
    props = {"name": "Guess", "label": "Chosen", "grade": "T4", "use": "jeep road"}
    props["key"] = "k-1"
    ways, _, _ = parse_geojson(
        collection(line([A, B], props)),
        name_prop="label",
        kind_prop="use",
        difficulty_prop="grade",
        id_prop="key",
    )
    way = ways[0]
    assert (way.name, way.kind, way.difficulty, way.source_id) == (
        "Chosen",
        "road",
        4,
        "k-1",
    )


@pytest.mark.parametrize(
    "value, difficulty",
    [
        ("Easy", 1),
        ("Moderate", 2),
        ("Difficult", 3),
        ("More Difficult", 2),
        ("demanding_alpine_hiking", 5),
        ("T6", 6),
        (4, 4),
        ("Unknown", None),
        (9, None),
    ],
)
def test_difficulty_words_map_onto_the_six_sac_grades(value, difficulty):
    ways, _, _ = parse_geojson(collection(line([A, B], {"Difficulty": value})))
    assert ways[0].difficulty == difficulty


def test_an_unknown_difficulty_word_is_left_empty_and_reported():
    ways, _, warnings = parse_geojson(collection(line([A, B], {"difficulty": "meh"})))
    assert ways[0].difficulty is None
    assert any("difficulty not understood" in w and "meh" in w for w in warnings)


@pytest.mark.parametrize(
    "trail_class, kind",
    [
        ("Singletrack", "path"),
        ("Single Track", "path"),
        ("High 4WD", "road"),
        ("Low 2WD", "road"),
        ("Double-track", "track"),
        ("footway", "footway"),
        ("Hard Multi-use", "path"),
        ("Unknown", "path"),
    ],
)
def test_trail_classes_become_kinds(trail_class, kind):
    ways, _, _ = parse_geojson(collection(line([A, B], {"Trail_Clas": trail_class})))
    assert ways[0].kind == kind


def test_z_coordinates_are_kept_as_elevation():
    ways, _, _ = parse_geojson(
        collection(line([[10.0, 45.0, 1200.5], [10.001, 45.0], [10.002, 45.0, 1210]]))
    )
    assert ways[0].elevations == [1200.5, None, 1210.0]
    assert ways[0].coords[0] == (10.0, 45.0)


def test_z_that_is_zero_everywhere_means_no_elevation():
    ways, _, warnings = parse_geojson(
        collection(line([[10.0, 45.0, 0], [10.001, 45.0, 0]]))
    )
    assert ways[0].elevations is None
    assert any("every z coordinate is 0" in w for w in warnings)


@pytest.mark.parametrize(
    "props, kind",
    [
        ({"Type": "Trailhead", "Name": "North"}, "trailhead"),
        ({"type": "Parking"}, "parking"),
        ({"TYPE": "Campground"}, "camp_site"),
        ({"tourism": "camp_site"}, "camp_site"),
        ({"amenity": "shelter"}, "shelter"),
        ({"tourism": "wilderness_hut"}, "wilderness_hut"),
        ({"kind": "alpine_hut"}, "alpine_hut"),
        ({"name": "Bear Creek Trailhead"}, "trailhead"),
        ({"name": "Refuge de Larribet"}, "alpine_hut"),
    ],
)
def test_points_that_say_what_they_are_become_places(props, kind):
    _, points, _ = parse_geojson(collection(point(10.0, 45.0, props)))
    assert [p.kind for p in points] == [kind]


def test_points_of_other_types_are_ignored_and_counted_even_if_named_like_a_place():
    _, points, warnings = parse_geojson(
        collection(
            line([A, B]),
            point(10.0, 45.0, {"Type": "Restroom", "Name": "Trailhead toilets"}),
            point(10.0, 45.0, {"Name": "Just a name"}),
        )
    )
    assert points == []
    assert any("ignored 2 points" in w and "Restroom 1" in w for w in warnings)


def test_in_a_trailheads_file_a_point_with_no_type_is_a_trailhead():
    ways, points, _ = parse_geojson(
        collection(line([A, B])),
        trailheads=collection(
            point(10.0, 45.0, {"name": "Gate"}),
            point(10.1, 45.0, {"Type": "Restroom"}),
        ),
    )
    assert [(p.name, p.kind) for p in points] == [("Gate", "trailhead")]


def test_other_geometry_types_are_skipped_with_a_warning():
    polygon = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [[A, B, C, A]]},
    }
    ways, _, warnings = parse_geojson(collection(polygon, line([A, B])))
    assert len(ways) == 1
    assert any("Polygon features: 1" in w for w in warnings)


def test_a_single_feature_is_a_file_too():
    doc = json.dumps(line([A, B], {"name": "Solo"})).encode()
    ways, _, _ = parse_geojson(doc)
    assert ways[0].name == "Solo"


@pytest.mark.parametrize(
    "name", ["urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326"]
)
def test_a_crs_naming_wgs84_longitude_latitude_is_accepted(name):
    crs = {"type": "name", "properties": {"name": name}}
    ways, _, _ = parse_geojson(collection(line([A, B]), crs=crs))
    assert len(ways) == 1


def deep(n: int) -> bytes:
    return b'{"type": "FeatureCollection", "features": ' + b"[" * n + b"]" * n + b"}"


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "the file is empty"),
        (b"  \n ", "the file is empty"),
        (b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"[1, 2]", "not a GeoJSON FeatureCollection or Feature"),
        (b'{"type": "LineString", "coordinates": [[0, 0], [1, 1]]}', "'LineString'"),
        (b'{"type": "FeatureCollection"}', "has no features array"),
        (b'{"type": "FeatureCollection", "features": [3]}', "not a GeoJSON Feature"),
        (collection(), "no usable lines or points"),
        (
            collection(
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Polygon", "coordinates": [[A, B, C, A]]},
                }
            ),
            "Polygon features: 1",
        ),
        (collection(line([[10, 45], [10, 95]])), "outside longitude/latitude range"),
        (collection(line([[500000, 4500000], [500100, 4500000]])), "looks projected"),
        (collection(line([[10, 45], ["10", 45]])), "not a number"),
        (collection(line([[10, 45], [True, 45]])), "not a number"),
        (collection(line([[10, 45], [10]])), "[longitude, latitude]"),
        (collection(line([[10, 45], [10, 45, None]])), "not a number"),
        (collection(line("nope")), "coordinates are not an array"),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", '
            b'"properties": {}, "geometry": {"type": "LineString", '
            b'"coordinates": [[10, 45], [NaN, 45]]}}]}',
            "NaN",
        ),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", '
            b'"properties": {}, "geometry": {"type": "LineString", '
            b'"coordinates": [[10, 45], [1e999, 45]]}}]}',
            "not a finite number",
        ),
        (
            collection(
                line([A, B]),
                crs={"type": "name", "properties": {"name": "EPSG:26913"}},
            ),
            "EPSG:26913",
        ),
        (
            collection(line([A, B]), crs={"type": "link", "properties": {}}),
            "not WGS 84",
        ),
        (deep(100_000), "nested too deeply"),
    ],
)
def test_bad_files_raise_a_parse_error_naming_the_reason(content, reason):
    with pytest.raises(ParseError) as caught:
        parse_geojson(content)
    assert reason in str(caught.value)


def test_errors_in_a_feature_say_which_feature():
    with pytest.raises(ParseError, match="feature 1: "):
        parse_geojson(collection(line([A, B]), line([[10, 45], [10, 91]])))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.geojson"
    path.write_bytes(collection(line([A, B])))
    with pytest.raises(ParseError, match="over the limit"):
        parse_geojson(path, max_bytes=50)
    with pytest.raises(ParseError, match="over the limit"):
        parse_geojson(path.read_bytes(), max_bytes=50)


def test_a_bad_trailheads_file_is_named_in_the_error():
    with pytest.raises(ParseError, match="in the trailheads file: not valid JSON"):
        parse_geojson(collection(line([A, B])), trailheads=b"{oops")


def test_a_missing_file_is_a_parse_error(tmp_path):
    with pytest.raises(ParseError, match="cannot be read"):
        parse_geojson(tmp_path / "nowhere.geojson")


def test_lines_and_places_written_in_our_own_terms_read_back_unchanged():
    # The shape an export writes: ids, kind and difficulty as the network has
    # them, elevation as z.
    path = line([[10.0, 45.0, 1200.0], [10.001, 45.0, 1210.5]], fid="w1")
    path["properties"] = {"name": "Camí", "kind": "footway", "difficulty": 4}
    hut = point(10.001, 45.0, {"name": "Refugi", "kind": "alpine_hut"})
    hut["id"] = "n5"
    hut["geometry"]["coordinates"].append(1210.5)
    ways, points, warnings = parse_geojson(collection(path, hut))
    (way,), (place,) = ways, points
    assert (way.source_id, way.name, way.kind, way.difficulty) == (
        "w1",
        "Camí",
        "footway",
        4,
    )
    assert way.coords == [(10.0, 45.0), (10.001, 45.0)]
    assert way.elevations == [1200.0, 1210.5]
    assert (place.source_id, place.name, place.kind, place.ele) == (
        "n5",
        "Refugi",
        "alpine_hut",
        1210.5,
    )
    assert warnings == []


def test_lines_that_name_their_junctions_are_joined_by_name_not_position():
    # Two segments of one trail as our export writes them; the second one's first
    # vertex is a centimetre off, and its middle vertex sits on the first line.
    first = line([A, B], {"trail": "t", "start_junction": "n1", "end_junction": "n2"})
    second = line(
        [[10.0010001, 45.0], A, C],
        {"trail": "t", "start_junction": "n2", "end_junction": "n3"},
    )
    first["id"], second["id"] = "t/0", "t/1"
    ways, _, _ = parse_geojson(collection(first, second))
    assert [(w.source_id, w.trail_id, w.vertex_ids) for w in ways] == [
        ("t/0", "t", ["n1", "n2"]),
        ("t/1", "t", ["n2", "t/1@1", "n3"]),
    ]


def test_junction_names_count_only_when_every_line_has_them():
    named = line([A, B], {"start_junction": "n1", "end_junction": "n2"})
    ways, _, _ = parse_geojson(collection(named, line([B, C])))
    assert all(w.vertex_ids is None and w.trail_id is None for w in ways)


@pytest.mark.parametrize(
    "props, reason",
    [
        ({"closed_reason": " Washed out "}, "Washed out"),
        ({"is_open": False}, "closed"),
        ({"is_open": True}, ""),
        ({"closed_reason": ""}, ""),
    ],
)
def test_a_closed_reason_or_is_open_false_closes_a_line(props, reason):
    (way,), _, _ = parse_geojson(collection(line([A, B], props)))
    assert way.closed_reason == reason


def test_a_place_may_name_the_junction_it_attaches_to():
    lot = point(10.0, 45.0, {"kind": "parking", "junction": "n1"})
    _, (place,), _ = parse_geojson(collection(line([A, B]), lot))
    assert place.junction == "n1"


def test_the_collection_may_say_whose_data_it_is():
    about: dict[str, str] = {}
    props = {"attribution": "© Example Parks", "license": "CC0", "source": "x"}
    parse_geojson(collection(line([A, B]), properties=props), metadata=about)
    assert about == {"attribution": "© Example Parks", "licence": "CC0"}


def test_a_file_of_places_reads_its_points_and_skips_its_lines():
    points, warnings = parse_geojson_places(
        collection(point(10.0, 45.0, {"name": "Lot"}), line([A, B]))
    )
    assert [(p.name, p.kind) for p in points] == [("Lot", "trailhead")]
    assert warnings == ["skipped lines in the trailheads file: 1"]
    with pytest.raises(ParseError, match="no trailhead, parking, campground"):
        parse_geojson_places(collection(line([A, B])))


def test_a_line_names_its_routes_in_a_route_or_routes_property():
    routes: list = []
    ways, _, _ = parse_geojson(
        collection(
            line([A, B], {"route": "GR 11"}),
            line([B, C], {"routes": ["GR 11", " HRP "]}),
            line(
                [C, [10.003, 45.0]],
                {
                    "routes": [
                        {
                            "name": "Camí dels Bons Homes",
                            "ref": "GR 107",
                            "network": "nwn",
                            "symbol": "red:white:red_bar",
                            "operator": "FEEC",
                        },
                        {"ref": "CM", "network": "local"},
                    ]
                },
            ),
        ),
        routes=routes,
    )
    assert [w.routes for w in ways] == [
        ["GR 11"],
        ["GR 11", "HRP"],
        ["Camí dels Bons Homes", "CM"],
    ]
    assert routes == [
        RawRoute("GR 11", name="GR 11"),
        RawRoute("HRP", name="HRP"),
        RawRoute(
            "Camí dels Bons Homes",
            name="Camí dels Bons Homes",
            ref="GR 107",
            network="nwn",
            symbol="red:white:red_bar",
            operator="FEEC",
        ),
        RawRoute("CM", ref="CM"),  # "local" is not an OSM network value
    ]


def test_a_hiking_route_relation_exported_as_a_line_is_its_own_route():
    gr11 = {
        "type": "route",
        "route": "hiking",
        "name": "GR 11 Senda Pirenaica",
        "ref": "GR 11",
        "network": "nwn",
        "osmc:symbol": "red:white:red_lower:11:black",
    }
    bike = {"type": "route", "route": "bicycle", "name": "Volta"}
    routes: list = []
    ways, _, _ = parse_geojson(
        collection(line([A, B], gr11), line([B, C], bike)), routes=routes
    )
    assert [w.routes for w in ways] == [["GR 11 Senda Pirenaica"], []]
    (route,) = routes
    assert (route.ref, route.network, route.symbol) == (
        "GR 11",
        "nwn",
        "red:white:red_lower:11:black",
    )


def test_route_ids_take_their_description_from_the_collection_s_route_table():
    table = {"r1": {"name": "Senda Pirenaica", "ref": "GR 11", "colour": "red"}}
    routes: list = []
    (way,), _, _ = parse_geojson(
        collection(line([A, B], {"routes": ["r1"]}), properties={"routes": table}),
        routes=routes,
    )
    assert way.routes == ["r1"]
    assert routes == [RawRoute("r1", name="Senda Pirenaica", ref="GR 11", colour="red")]


def test_route_values_that_name_nothing_are_skipped_and_counted():
    (way,), _, warnings = parse_geojson(
        collection(line([A, B], {"routes": ["", 7, {"network": "iwn"}, "HRP"]}))
    )
    assert way.routes == ["HRP"]
    assert warnings == ["skipped routes with no name, ref or id: 3"]


def test_a_line_says_why_hikers_should_not_walk_it_and_what_else_it_is_called():
    props = {
        "flag": "private",
        "flag_override": True,
        "other_names": ["Pista de Ràmio", "", 3],
    }
    ways, _, _ = parse_geojson(
        collection(line([A, B], props), line([B, C], {"flag": "closed-ish"}))
    )
    assert [(w.flag, w.flag_override, w.also_names) for w in ways] == [
        ("private", True, ["Pista de Ràmio"]),
        ("", False, []),  # not a flag LoopGenie knows: no flag
    ]


# -- very large files are read feature by feature -------------------------------


@pytest.fixture
def streamed(monkeypatch):
    """Every file counts as large: read as a stream, not whole."""
    from trails import geojson_files

    monkeypatch.setattr(geojson_files, "STREAM_BYTES", 16)


def _file(tmp_path, data: bytes):
    path = tmp_path / "big.geojson"
    path.write_bytes(data)
    return path


def test_a_large_file_read_as_a_stream_gives_what_the_whole_file_gives(
    shared_data, monkeypatch
):
    from trails import geojson_files

    folder = shared_data / "colorado-state-forest"
    whole = parse_geojson(folder / "trails.geojson")
    monkeypatch.setattr(geojson_files, "STREAM_BYTES", 16)
    streamed = parse_geojson(folder / "trails.geojson")
    assert [(w.source_id, w.coords, w.name) for w in streamed[0]] == [
        (w.source_id, w.coords, w.name) for w in whole[0]
    ]
    assert streamed[2] == whole[2]


def test_a_streamed_file_keeps_its_routes_and_attribution_after_the_features(
    tmp_path, streamed
):
    features = [line([A, B], {"routes": ["r1"]}, fid="w1")]
    members = {
        "properties": {
            "attribution": "Someone",
            "routes": {"r1": {"name": "Red loop", "ref": "R1"}},
        }
    }
    # the collection's members written after its features, as some tools do
    data = json.dumps({"type": "FeatureCollection", "features": features, **members})
    metadata, routes = {}, []
    ways, _, _ = parse_geojson(
        _file(tmp_path, data.encode()), metadata=metadata, routes=routes
    )
    assert metadata == {"attribution": "Someone"}
    assert [r.name for r in routes] == ["Red loop"]
    assert ways[0].routes


@pytest.mark.parametrize(
    "data, said",
    [
        (b'{"type": "FeatureCollection", "features": [{"a": NaN}]}', "not valid JSON"),
        (b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
        (b'{"type": "Topology", "features": []}', "not a GeoJSON FeatureCollection"),
        (b"[1, 2, 3]", "not a GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": [7]}', "is not a GeoJSON Feature"),
        (
            b'{"type": "FeatureCollection", "crs": {"type": "name", "properties": '
            b'{"name": "EPSG:2056"}}, "features": []}',
            "coordinate system",
        ),
        (b'\xff\xfe{"type": "FeatureCollection"}', "not valid JSON"),
    ],
)
def test_a_bad_large_file_is_refused_with_the_reason(tmp_path, streamed, data, said):
    with pytest.raises(ParseError, match=said):
        parse_geojson(_file(tmp_path, data))
