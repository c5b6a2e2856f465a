"""Read trails and trailheads out of GeoJSON, as park agencies and GIS tools write it.

Lines (LineString, and each part of a MultiLineString) become `RawWay`s; Points that
a type or name property calls a trailhead, parking, campground or hut become
`RawPoint`s. Property names differ between publishers, so the common ones are
guessed (`name`, `Primary_Na`, `trail_name`, `Difficulty`, `Trail_Clas`, ...) and
the caller can name others. Everything else is skipped and counted in the warnings,
because a silent skip is how a missing trail goes unnoticed.

Source ids are stable across re-imports of the same file: the feature's id (or an id
property), else a hash of its geometry. An id that several features share (shapefile
exports repeat OBJECTID for pieces of one trail) gets its geometry hash appended, and
a MultiLineString part gets `#<part>`.

Our own export (`trails/exporters.py`) writes one line per segment and names the
junctions at its ends (`start_junction`, `end_junction`), its trail (`trail`) and,
for places, the junction they attach to (`junction`). When every line names its
junctions, the network is rebuilt from those names instead of from positions, so
a re-import makes the same segments, with nothing snapped or merged. A
`closed_reason` property (or `is_open: false`) closes a line; the collection's
top-level `properties` may give the data's `attribution` and `licence`.

A line also says why hikers should not walk it (`flag`, a key of `FLAGS`), whether
staff decided they may anyway (`flag_override: true`), the other names its ground
goes by (`other_names`, a list) and the waymarked routes it is on: `route` (one
name) or `routes` (a list of names, or of objects with `name`, `ref`, `network`,
`colour`, `symbol`, `operator` and optionally `id`). A route is keyed by its id, else
its name, else its ref; a name listed in the collection's top-level `routes` object
(our export: ids mapped to those attributes) is that route's id. A line whose
`route` is an OSM walking-route type (`hiking`, `foot`, `walking`, as overpass
exports of route relations have) is itself the route, named by its own `name` and
`ref`; other OSM route types (`bicycle`, `ski`, ...) are not walking routes.

Only WGS 84 longitude/latitude is accepted: a `crs` member naming anything else, or
coordinates outside the longitude/latitude range, means the file is projected, and
guessing a projection would put the trails in the wrong place. The stdlib json module
reads the file; NaN and Infinity, which it would accept by default, are refused, as are
text that is not UTF-8, nesting too deep to parse, and a line of more than
`MAX_LINE_VERTICES` vertices (see `trails/errors.py`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ijson

from trails import camps
from trails.errors import (
    MAX_BYTES,
    MAX_LINE_VERTICES,
    ParseError,
    Source,
    check_size,
    read_source,
    too_many_vertices,
)
from trails.network import (
    CAMP_DETAILS,
    FLAGS,
    PLACE_KINDS,
    ROUTE_FIELDS,
    ROUTE_KINDS,
    ROUTE_NETWORKS,
    TRAIL_KINDS,
    TRAILHEAD_KINDS,
    RawPoint,
    RawRoute,
    RawWay,
)

# Property names tried in order (case-insensitive) when the caller names none.
NAME_PROPS = ("name", "primary_na", "trail_name", "trailname", "trl_name", "title")
ID_PROPS = ("id", "objectid", "fid", "trail_id", "trailid", "osm_id", "gid")
KIND_PROPS = ("highway", "kind", "trail_clas", "trail_class", "class", "trail_type")
DIFFICULTY_PROPS = ("difficulty", "sac_scale", "trail_diff", "trail_difficulty")
PLACE_TYPE_PROPS = (
    "type",
    "kind",
    "category",
    "amenity",
    "tourism",
    "highway",
    "feat_type",
    "fac_type",
    "sym",
)

# Coordinate systems that are WGS 84 longitude/latitude as GeoJSON means it.
LONLAT_CRS = re.compile(r"(CRS84h?|EPSG:+(4326|4979))$", re.IGNORECASE)

WINTER_ONLY = re.compile(r"\bwinter\b[^;,|]*\bonly\b", re.IGNORECASE)
YES = {"yes", "y", "true", "1", "allowed", "open"}

ROAD_WORDS = re.compile(
    r"\b(\dwd|road|rd|street|jeep|service|residential|unclassified|tertiary|"
    r"secondary|primary|trunk|motorway)\b"
)
ROAD_NAME = re.compile(r"\b(road|rd|street|highway|hwy)\b")
TRACK_WORDS = re.compile(r"double.?track|two.?track|\btrack\b")

# Trail difficulty words of agencies (Easy/Moderate/Difficult, the US Forest
# Service's Easiest/More/Most Difficult) and OSM sac_scale, onto sac_scale's 1..6.
DIFFICULTY_WORDS = {
    "easy": 1,
    "easiest": 1,
    "beginner": 1,
    "hiking": 1,
    "t1": 1,
    "moderate": 2,
    "intermediate": 2,
    "more difficult": 2,
    "mountain hiking": 2,
    "t2": 2,
    "difficult": 3,
    "hard": 3,
    "strenuous": 3,
    "challenging": 3,
    "advanced": 3,
    "most difficult": 3,
    "demanding mountain hiking": 3,
    "t3": 3,
    "very difficult": 4,
    "expert": 4,
    "alpine hiking": 4,
    "t4": 4,
    "demanding alpine hiking": 5,
    "t5": 5,
    "difficult alpine hiking": 6,
    "t6": 6,
}
NO_VALUE = {"", "unknown", "none", "n/a", "na", "null", "-"}

# Which place a type or name describes; first match wins, so "Trailhead Parking"
# is a trailhead and "Wilderness hut" is not an alpine hut.
PLACE_WORDS = (
    ("trailhead", re.compile(r"\btrail\s*head\b")),
    ("parking", re.compile(r"\bparking\b|\bcar\s*park\b|\bparkplatz\b")),
    ("camp_site", re.compile(r"\bcamp(ground|site|ing|_site)?s?\b")),
    ("wilderness_hut", re.compile(r"\bwilderness[_ ]hut\b")),
    (
        "alpine_hut",
        re.compile(r"\bhut\b|\bhütte\b|\bcabane\b|\brefuge\b|\brifugio\b|\bkoča\b"),
    ),
    ("shelter", re.compile(r"\bshelter\b|\blean-to\b|\bbothy\b")),
)

MAX_EXAMPLES = 5
LICENCE_PROPS = ("licence", "license")
# OSM route=* types that are not walked: a line with one is on no walking route.
OTHER_ROUTE_KINDS = {
    "bicycle",
    "mtb",
    "horse",
    "ski",
    "piste",
    "road",
    "bus",
    "train",
    "tram",
    "ferry",
    "running",
    "canoe",
}


def parse_geojson(
    source: Source,
    *,
    name_prop: str | None = None,
    kind_prop: str | None = None,
    difficulty_prop: str | None = None,
    id_prop: str | None = None,
    trailheads: Source | None = None,
    max_bytes: int = MAX_BYTES,
    metadata: dict[str, str] | None = None,
    routes: list[RawRoute] | None = None,
) -> tuple[list[RawWay], list[RawPoint], list[str]]:
    """Ways, points and warnings from a GeoJSON file (path or bytes).

    `*_prop` name the properties that hold a line's name, kind, difficulty and
    stable id when the guesses are wrong. `trailheads` is a second GeoJSON file of
    points; there a point with no type at all is taken to be a trailhead.
    `metadata`, when given, receives the collection's `attribution` and `licence`;
    `routes` receives the waymarked routes the lines are on (`RawWay.routes` holds
    their ids). Raises ParseError with the reason when the file cannot be used.
    """
    reader = _Reader(name_prop, kind_prop, difficulty_prop, id_prop)
    doc = _load(source, max_bytes)
    reader.read(doc)
    if metadata is not None:
        metadata.update(_metadata(doc))
    if routes is not None:
        routes.extend(reader.routes.values())
    if trailheads is not None:
        try:
            reader.read(_load(trailheads, max_bytes), points_only=True)
        except ParseError as exc:
            raise ParseError(f"in the trailheads file: {exc}") from exc
    if not reader.ways and not reader.points:
        raise ParseError(
            "no usable lines or points: the file needs LineString or "
            "MultiLineString features, or trailhead/parking/campground points"
            + (f" ({reader.skipped_summary()})" if reader.skipped else "")
        )
    warnings = reader.finish()
    return reader.ways, reader.points, warnings


def parse_geojson_places(
    source: Source, *, max_bytes: int = MAX_BYTES
) -> tuple[list[RawPoint], list[str]]:
    """Points and warnings from a GeoJSON file of trailheads (and other places);
    a point with no type at all is taken to be a trailhead, lines are skipped."""
    reader = _Reader(None, None, None, None)
    reader.read(_load(source, max_bytes), points_only=True)
    if not reader.points:
        raise ParseError(
            "no trailhead, parking, campground or hut points"
            + (f" ({reader.skipped_summary()})" if reader.skipped else "")
        )
    return reader.points, reader.finish()


def _metadata(doc: dict[str, Any]) -> dict[str, str]:
    props = doc.get("properties")
    if not isinstance(props, dict):
        return {}
    found = {}
    for key, names in (("attribution", ("attribution",)), ("licence", LICENCE_PROPS)):
        value = next((props[n] for n in names if isinstance(props.get(n), str)), "")
        if value.strip():
            found[key] = value.strip()
    return found


# Files larger than this are read feature by feature (ijson) rather than whole:
# `json.loads` of a 117 MB collection took 720 MB before a line was read.
STREAM_BYTES = 32 * 1024 * 1024
HEAD_KEYS = ("type", "crs", "properties")


class _Streamed:
    """A large file's features, read one at a time when iterated."""

    def __init__(self, path: Path):
        self.path = path

    def __iter__(self) -> Iterator[Any]:
        with open(self.path, "rb") as fh:
            try:
                yield from ijson.items(fh, "features.item", use_float=True)
            except (ijson.JSONError, UnicodeDecodeError) as exc:
                raise ParseError(f"not valid JSON ({_first_line(exc)})") from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _large_file(source: Source, max_bytes: int) -> Path | None:
    if isinstance(source, bytes):
        return None
    path = Path(source)
    try:
        size = path.stat().st_size
    except OSError:
        return None  # read_source says why
    if size <= STREAM_BYTES:
        return None
    check_size(size, max_bytes)
    return path


def _stream(path: Path) -> dict[str, Any]:
    """The collection's members other than its features, and its features as a
    stream: members written before the features come from reading up to them;
    any not found there, from a pass of ijson's compiled parser each."""
    head: dict[str, Any] = {}
    try:
        with open(path, "rb") as fh:
            key, builder = None, None
            for prefix, event, value in ijson.parse(fh, use_float=True):
                if prefix == "" and event == "map_key":
                    if key is not None and builder is not None:
                        head[key] = builder.value
                    if value == "features":
                        key = None
                        break
                    key, builder = value, ijson.ObjectBuilder()
                elif prefix == "" and event == "start_map":
                    continue
                elif prefix == "" and event == "end_map":
                    if key is not None and builder is not None:
                        head[key] = builder.value
                    break
                elif prefix == "":
                    raise ParseError("not a GeoJSON FeatureCollection or Feature")
                elif builder is not None and key in HEAD_KEYS:
                    builder.event(event, value)
        for key in HEAD_KEYS:
            if key not in head:
                with open(path, "rb") as fh:
                    found = next(ijson.items(fh, key, use_float=True), None)
                if found is not None:
                    head[key] = found
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        raise ParseError(f"not valid JSON ({_first_line(exc)})") from None
    head = {k: head[k] for k in HEAD_KEYS if k in head}
    if head.get("type") != "FeatureCollection":
        found = head.get("type")
        raise ParseError(f"not a GeoJSON FeatureCollection ({found!r:.60})")
    _check_crs(head)
    head["features"] = _Streamed(path)
    return head


def _load(source: Source, max_bytes: int) -> dict[str, Any]:
    large = _large_file(source, max_bytes)
    if large is not None:
        return _stream(large)
    data = read_source(source, max_bytes)
    try:
        doc = json.loads(data, parse_constant=_refuse_constant)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(
            "the JSON is nested too deeply (GeoJSON needs a few levels, not thousands)"
        ) from None
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"the text is not UTF-8, which GeoJSON must be (byte "
            f"0x{exc.object[exc.start]:02X} at position {exc.start:,}); save the "
            "file as UTF-8"
        ) from None
    except ValueError as exc:  # JSONDecodeError, bad UTF-8, 10,000-digit numbers
        raise ParseError(f"not valid JSON ({exc})") from None
    found = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
    if found not in ("FeatureCollection", "Feature"):
        raise ParseError(f"not a GeoJSON FeatureCollection or Feature ({found!r:.60})")
    _check_crs(doc)
    return doc


def _refuse_constant(name: str) -> float:
    raise ParseError(f"the JSON holds {name}, which is not a number GeoJSON allows")


def _check_crs(doc: dict[str, Any]) -> None:
    crs = doc.get("crs")
    if crs is None:
        return  # GeoJSON's default, and the only system RFC 7946 allows
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    if isinstance(name, str) and LONLAT_CRS.search(name.strip()):
        return
    raise ParseError(
        f"the file is in the coordinate system {(name or crs)!r:.80}, not WGS 84 "
        "longitude/latitude; reproject it first "
        "(e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson)"
    )


@dataclass
class _Line:
    base_id: str
    multi: bool  # a MultiLineString: its parts get "#<part>"
    parts: list[tuple[int, list[tuple[float, float]], list[float | None] | None]]
    props: dict[str, Any]


@dataclass
class _Reader:
    name_prop: str | None
    kind_prop: str | None
    difficulty_prop: str | None
    id_prop: str | None
    ways: list[RawWay] = field(default_factory=list)
    points: list[RawPoint] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    ignored_places: Counter[str] = field(default_factory=Counter)
    unknown_difficulty: Counter[str] = field(default_factory=Counter)
    winter_only: Counter[str] = field(default_factory=Counter)
    point_ids: set[str] = field(default_factory=set)
    routes: dict[str, RawRoute] = field(default_factory=dict)  # by id
    described: set[str] = field(default_factory=set)  # routes given attributes
    winter_marked_summer_used: int = 0
    z_values: int = 0
    z_nonzero: int = 0

    def read(self, doc: dict[str, Any], points_only: bool = False) -> None:
        if not points_only:
            self._read_route_table(doc)
        lines: list[_Line] = []
        for n, feature in _features(doc):
            try:
                self._read_feature(feature, lines, points_only)
            except ParseError as exc:
                raise ParseError(f"feature {n}: {exc}") from None
        self._add_ways(lines)

    def _read_feature(
        self, feature: dict[str, Any], lines: list[_Line], points_only: bool
    ) -> None:
        geometry = feature.get("geometry")
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            raise ParseError("properties is not an object")
        if geometry is None:
            self.skipped["features without geometry"] += 1
            return
        if not isinstance(geometry, dict):
            raise ParseError("geometry is not an object")
        gtype, coords = geometry.get("type"), geometry.get("coordinates")
        if gtype == "Point":
            lon, lat, ele = self._position(coords)
            self._add_point(feature, props, lon, lat, ele, points_only)
            return
        if gtype not in ("LineString", "MultiLineString"):
            what = gtype if isinstance(gtype, str) else "untyped"
            self.skipped[f"{what} features"] += 1
            return
        if points_only:
            self.skipped["lines in the trailheads file"] += 1
            return
        if not isinstance(coords, list):
            raise ParseError(f"{gtype} coordinates are not an array")
        raw_parts = [coords] if gtype == "LineString" else coords
        parts = []
        for i, part in enumerate(raw_parts):
            if not isinstance(part, list):
                raise ParseError(f"{gtype} coordinates are not arrays of positions")
            if len(part) > MAX_LINE_VERTICES:
                raise too_many_vertices(len(part))
            if len(part) < 2:
                if part:
                    self._position(part[0])  # a bad position is still refused
                self.skipped["line parts of fewer than two points"] += 1
                continue
            plain = _plain_positions(part)
            if plain is not None:
                parts.append((i, plain, None))
                continue
            positions = [self._position(p) for p in part]
            elevations = [ele for _, _, ele in positions]
            parts.append(
                (
                    i,
                    [(lon, lat) for lon, lat, _ in positions],
                    elevations if any(e is not None for e in elevations) else None,
                )
            )
        if not parts:
            self.skipped["lines with no coordinates"] += 1
            return
        # Our own export was filtered when it was first imported; there a
        # closure reading "winter only" is a closure, not a ski route to drop.
        if not _names_junctions(props) and self._winter_only(props):
            return
        base_id = self._id(feature, props) or _geometry_hash(p[1] for p in parts)
        lines.append(_Line(base_id, gtype == "MultiLineString", parts, props))

    def _position(self, value: Any) -> tuple[float, float, float | None]:
        if not isinstance(value, list) or len(value) < 2:
            raise ParseError(f"a position must be [longitude, latitude]: {value!r:.60}")
        numbers = value[:3]
        for x in numbers:
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                raise ParseError(f"a coordinate is not a number: {x!r:.40}")
            if not math.isfinite(x):
                raise ParseError(f"a coordinate is not a finite number: {x!r}")
        lon, lat = float(numbers[0]), float(numbers[1])
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise ParseError(
                f"the position [{lon:g}, {lat:g}] is outside longitude/latitude "
                "range, so the file looks projected (in metres or feet); reproject it "
                "to WGS 84 (e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson)"
            )
        ele = float(numbers[2]) if len(numbers) > 2 else None
        if ele is not None:
            self.z_values += 1
            self.z_nonzero += ele != 0.0
        return lon, lat, ele

    def _winter_only(self, props: dict[str, Any]) -> bool:
        """Whether a line is a winter-only route (ski, snowshoe) to leave out.

        Some agencies mark a summer road "Snow (Winter Trail Only)" because it is
        groomed in winter; a SUMMER_* property that says "Yes" keeps it.
        """
        said = next(
            (v for v in props.values() if isinstance(v, str) and WINTER_ONLY.search(v)),
            None,
        )
        if said is None:
            return False
        if any(
            "summer" in str(key).lower() and str(value).strip().lower() in YES
            for key, value in props.items()
        ):
            self.winter_marked_summer_used += 1
            return False
        self.winter_only[said] += 1
        return True

    def _add_ways(self, lines: list[_Line]) -> None:
        # Ids that several features share are made unique by their geometry, so
        # the result does not depend on feature order; exact repeats are dropped.
        counts = Counter(line.base_id for line in lines)
        seen: set[str] = set()
        by_junction = bool(lines) and all(
            not line.multi and _names_junctions(line.props) for line in lines
        )
        lines.reverse()
        while lines:  # in file order, each line's properties freed once read
            line = lines.pop()
            base = line.base_id
            if counts[base] > 1:
                base = f"{base}~{_geometry_hash(p[1] for p in line.parts)}"
            if base in seen:
                self.skipped["repeated features (same id and geometry)"] += 1
                continue
            seen.add(base)
            name = self._text(line.props, self.name_prop, NAME_PROPS)
            kind = _kind(self._text(line.props, self.kind_prop, KIND_PROPS), name)
            difficulty = self._difficulty(line.props)
            closed_reason = _closed_reason(line.props)
            flag = line.props.get("flag")
            for i, coords, elevations in line.parts:
                way = RawWay(
                    source_id=f"{base}#{i}" if line.multi else base,
                    coords=coords,
                    name=name,
                    kind=kind,
                    difficulty=difficulty,
                    elevations=elevations,
                    closed_reason=closed_reason,
                    flag=flag if isinstance(flag, str) and flag in FLAGS else "",
                    flag_override=line.props.get("flag_override") is True,
                    staff_fields=_staff_fields(line.props, TRAIL_STAFF_FIELDS),
                    routes=self._route_ids(line.props, name),
                    also_names=_texts(line.props.get("other_names")),
                )
                if by_junction:
                    _name_vertices(way, line.props)
                self.ways.append(way)

    def _read_route_table(self, doc: dict[str, Any]) -> None:
        """The routes the collection describes by id (our export's `routes`)."""
        props = doc.get("properties")
        table = props.get("routes") if isinstance(props, dict) else None
        if not isinstance(table, dict):
            return
        for key, value in table.items():
            if isinstance(value, dict) and str(key).strip():
                self._describe(str(key).strip(), value)

    def _describe(self, key: str, value: dict[str, Any]) -> None:
        """The first description of a route wins over later ones, and over a
        route known so far only by its name."""
        if key not in self.described:
            self.routes[key] = _route(key, value)
            self.described.add(key)

    def _route_ids(self, props: dict[str, Any], name: str) -> list[str]:
        """The ids of the routes a line is on, describing routes met the first time."""
        value = props.get("routes", props.get("route"))
        if isinstance(value, str):
            kind = value.strip().lower()
            if kind in OTHER_ROUTE_KINDS:
                return []
            if kind in ROUTE_KINDS:  # the line is a route relation itself
                value = {f: props.get(f) for f in ROUTE_FIELDS}
                value["name"] = name or value["name"]
                value["symbol"] = props.get("osmc:symbol", value["symbol"])
            value = [value]
        if value is None:
            return []
        if not isinstance(value, list):
            self.skipped["route properties that are not text or a list"] += 1
            return []
        ids = []
        for item in value:
            if isinstance(item, dict):
                key = next(
                    (
                        str(item[k]).strip()
                        for k in ("id", "name", "ref")
                        if isinstance(item.get(k), (str, int)) and str(item[k]).strip()
                    ),
                    "",
                )
                if key:
                    self._describe(key, item)
            elif isinstance(item, str) and item.strip():
                key = item.strip()
                self.routes.setdefault(key, RawRoute(key, name=key))
            else:
                key = ""
            if key:
                ids.append(key)
            else:
                self.skipped["routes with no name, ref or id"] += 1
        return list(dict.fromkeys(ids))

    def _add_point(
        self,
        feature: dict[str, Any],
        props: dict[str, Any],
        lon: float,
        lat: float,
        ele: float | None,
        from_trailheads_file: bool,
    ) -> None:
        name = self._text(props, self.name_prop, NAME_PROPS)
        typed = _lookup(props, None, PLACE_TYPE_PROPS, lambda v: isinstance(v, str))
        if typed is not None and typed.strip():
            kind = place_kind(typed)
        else:
            kind = place_kind(name) or ("trailhead" if from_trailheads_file else None)
        if kind is None:
            self.ignored_places[(typed or "").strip() or "untyped"] += 1
            return
        base = self._id(feature, props) or _geometry_hash([[(lon, lat)]], name, kind)
        source_id, n = base, 1
        while source_id in self.point_ids:
            n += 1
            source_id = f"{base}~{n}"
        self.point_ids.add(source_id)
        junction = props.get("junction")
        junction = junction if isinstance(junction, str) and junction else None
        self.points.append(
            RawPoint(
                source_id,
                lon,
                lat,
                name,
                kind,
                ele,
                junction,
                _staff_fields(props, POINT_STAFF_FIELDS),
                {} if kind in TRAILHEAD_KINDS else _camp_details(props),
            )
        )

    def _id(self, feature: dict[str, Any], props: dict[str, Any]) -> str | None:
        if self.id_prop:
            value = props.get(self.id_prop)
        elif feature.get("id") is not None:
            value = feature["id"]
        else:
            value = _lookup(props, None, ID_PROPS, lambda v: v is not None)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip() if value is not None else ""
        return text or None

    def _text(
        self, props: dict[str, Any], chosen: str | None, guesses: tuple[str, ...]
    ) -> str:
        value = _lookup(props, chosen, guesses, lambda v: isinstance(v, str) and v)
        return value.strip() if isinstance(value, str) else ""

    def _difficulty(self, props: dict[str, Any]) -> int | None:
        value = _lookup(props, self.difficulty_prop, DIFFICULTY_PROPS, _present)
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return int(value) if value in range(1, 7) else None
        words = " ".join(str(value).lower().replace("_", " ").replace("-", " ").split())
        if words in NO_VALUE:
            return None
        if words.isdigit() and 1 <= int(words) <= 6:
            return int(words)
        if words not in DIFFICULTY_WORDS:
            self.unknown_difficulty[str(value)] += 1
        return DIFFICULTY_WORDS.get(words)

    def skipped_summary(self) -> str:
        return ", ".join(f"{what}: {n}" for what, n in sorted(self.skipped.items()))

    def finish(self) -> list[str]:
        """Settle file-wide questions and say what was left out."""
        notes = []
        if self.skipped:
            notes.append(f"skipped {self.skipped_summary()}")
        if self.winter_only:
            notes.append(
                f"left out {sum(self.winter_only.values())} winter-only lines "
                f"({_examples(self.winter_only)})"
            )
        if self.winter_marked_summer_used:
            notes.append(
                f"kept {self.winter_marked_summer_used} lines marked winter-only that "
                "a SUMMER_* property says are used in summer"
            )
        if self.ignored_places:
            notes.append(
                f"ignored {sum(self.ignored_places.values())} points that are not "
                "trailheads, parking, campgrounds or huts "
                f"({_examples(self.ignored_places)})"
            )
        if self.unknown_difficulty:
            notes.append(
                "difficulty not understood, left empty: "
                f"{_examples(self.unknown_difficulty)}"
            )
        if self.z_values and not self.z_nonzero:
            # Shapefile exports write z = 0 for "no elevation"; a real trail is not
            # at exactly 0 m at every vertex.
            self._drop_elevations()
            notes.append("every z coordinate is 0: taken as no elevation")
        return notes

    def _drop_elevations(self) -> None:
        for way in self.ways:
            way.elevations = None
        for point in self.points:
            point.ele = None


def _features(doc: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    if doc["type"] == "Feature":
        yield 0, doc
        return
    features = doc.get("features")
    if not isinstance(features, list | _Streamed):
        raise ParseError("the FeatureCollection has no features array")
    for n, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type", "Feature") != "Feature":
            raise ParseError(f"feature {n} is not a GeoJSON Feature")
        yield n, feature


def _plain_positions(part: list[Any]) -> list[tuple[float, float]] | None:
    """A line's [lon, lat] positions as `_Reader._position` reads them, when all
    are two floats in range (most files, and every vertex of a country's export):
    a check per line, not a call per vertex. None: read them one by one."""
    if not all(type(p) is list and len(p) == 2 for p in part):
        return None
    lons = [p[0] for p in part]
    lats = [p[1] for p in part]
    if not all(type(x) is float for x in lons) or not all(
        type(x) is float for x in lats
    ):
        return None
    if not math.isfinite(sum(lons) + sum(lats)):
        return None
    if min(lons) < -180.0 or max(lons) > 180.0 or min(lats) < -90.0:
        return None
    if max(lats) > 90.0:
        return None
    return list(zip(lons, lats))


def _names_junctions(props: dict[str, Any]) -> bool:
    """Whether a line names the junctions at its ends, as our export writes it."""
    return all(
        isinstance(props.get(key), str) and props[key]
        for key in ("start_junction", "end_junction")
    )


def _name_vertices(way: RawWay, props: dict[str, Any]) -> None:
    """Key a line's vertices by name: its ends by their junctions, the vertices in
    between by the line's own id, so they join nothing they did not join before."""
    inner = [f"{way.source_id}@{n}" for n in range(1, len(way.coords) - 1)]
    way.vertex_ids = [props["start_junction"], *inner, props["end_junction"]]
    trail = props.get("trail")
    way.trail_id = str(trail) if isinstance(trail, (str, int)) and trail != "" else None


def _closed_reason(props: dict[str, Any]) -> str:
    reason = props.get("closed_reason")
    if isinstance(reason, str) and reason.strip():
        return reason.strip()
    return "closed" if props.get("is_open") is False else ""


def _route(key: str, value: dict[str, Any]) -> RawRoute:
    """A route described by an object's text attributes (unknown networks dropped:
    only OSM's iwn, nwn, rwn and lwn say how far a route reaches)."""
    text = {f: value[f].strip() for f in ROUTE_FIELDS if isinstance(value.get(f), str)}
    if text.get("network") not in ROUTE_NETWORKS:
        text.pop("network", None)
    return RawRoute(key, **text)


# What staff may have made theirs in the admin (trails/admin.py), as our export
# writes it: a restored backup keeps it theirs.
TRAIL_STAFF_FIELDS = ("name", "kind", "difficulty")
POINT_STAFF_FIELDS = (
    "name",
    "kind",
    "lat",
    "lon",
    "elevation",
    *CAMP_DETAILS,
    "closed_reason",
)


def _camp_details(props: dict[str, Any]) -> dict[str, Any]:
    """A campground's details, and staff's closure when the file is an export."""
    found = camps.details(props)
    reason = props.get("closed_reason")
    if isinstance(reason, str) and reason.strip():
        found["closed_reason"] = reason.strip()[:200]
    return found


def _staff_fields(props: dict[str, Any], allowed: tuple[str, ...]) -> list[str]:
    said = props.get("staff_fields")
    if not isinstance(said, list):
        return []
    return sorted({f for f in said if isinstance(f, str) and f in allowed})


def _texts(value: Any) -> list[str]:
    """The non-empty strings of a list (anything else: none)."""
    if not isinstance(value, list):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


def _present(value: Any) -> bool:
    return value is not None and value != ""


def _lookup(
    props: dict[str, Any],
    chosen: str | None,
    guesses: tuple[str, ...],
    ok: Callable[[Any], Any],
) -> Any:
    """The named property, else the first guessed one (any case) whose value is ok."""
    if chosen:
        return props.get(chosen)
    lowered = {k.lower(): v for k, v in props.items() if isinstance(k, str)}
    for key in guesses:
        value = lowered.get(key)
        if ok(value):
            return value
    return None


def _kind(value: str, name: str) -> str:
    """A trail kind from a class such as "Singletrack", "High 4WD" or "track".

    With no class at all, a name such as "County Road 41" still says it is a road.
    """
    words = value.strip().lower()
    if not words:
        return "road" if ROAD_NAME.search(name.lower()) else "path"
    if words in TRAIL_KINDS:
        return words
    if "single" in words:
        return "path"
    if ROAD_WORDS.search(words):
        return "road"
    if TRACK_WORDS.search(words):
        return "track"
    if "stairs" in words or "steps" in words:
        return "steps"
    return "path"


def place_kind(text: str) -> str | None:
    """The place kind ("trailhead", "camp_site", ...) a type or name describes."""
    words = text.strip().lower()
    if words in PLACE_KINDS:  # our own export, OSM tag values
        return words
    for kind, pattern in PLACE_WORDS:
        if pattern.search(words):
            return kind
    return None


def _geometry_hash(parts: Iterable[list[tuple[float, float]]], *extra: str) -> str:
    """A short stable id from coordinates rounded to ~1 cm, so reformatting the
    numbers (15 digits or 17) does not change it."""
    digest = hashlib.sha1()
    for part in parts:
        for lon, lat in part:
            digest.update(f"{lon:.7f},{lat:.7f};".encode())
        digest.update(b"|")
    for text in extra:
        digest.update(text.encode())
    return "g" + digest.hexdigest()[:12]


def _examples(counts: Counter[str]) -> str:
    shown = ", ".join(f"{what:.60} {n}" for what, n in counts.most_common(MAX_EXAMPLES))
    more = len(counts) - MAX_EXAMPLES
    return shown + (f" and {more} more" if more > 0 else "")
