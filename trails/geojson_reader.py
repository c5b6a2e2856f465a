"""Read a GeoJSON document's features into `RawWay` lines and `RawPoint`
places, counting everything skipped for the warnings; `trails/geojson.py` says
what is read and how.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from trails.errors import MAX_LINE_VERTICES, ParseError, too_many_vertices
from trails.geojson_files import Streamed
from trails.geojson_properties import (
    DIFFICULTY_PROPS,
    DIFFICULTY_WORDS,
    ID_PROPS,
    KIND_PROPS,
    NAME_PROPS,
    NO_VALUE,
    OTHER_ROUTE_KINDS,
    PLACE_TYPE_PROPS,
    POINT_STAFF_FIELDS,
    TRAIL_STAFF_FIELDS,
    WINTER_ONLY,
    YES,
    camp_details,
    closed_reason_of,
    described_route,
    lookup,
    name_vertices,
    names_junctions,
    place_kind,
    present,
    staff_fields_of,
    texts,
    trail_kind,
)
from trails.network import (
    FLAGS,
    ROUTE_FIELDS,
    ROUTE_KINDS,
    TRAILHEAD_KINDS,
    RawPoint,
    RawRoute,
    RawWay,
)

MAX_EXAMPLES = 5


@dataclass
class _Line:
    base_id: str
    multi: bool  # a MultiLineString: its parts get "#<part>"
    parts: list[tuple[int, list[tuple[float, float]], list[float | None] | None]]
    props: dict[str, Any]


@dataclass
class Reader:
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
        if not names_junctions(props) and self._winter_only(props):
            return
        base_id = self._id(feature, props) or geometry_hash(p[1] for p in parts)
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
            not line.multi and names_junctions(line.props) for line in lines
        )
        lines.reverse()
        while lines:  # in file order, each line's properties freed once read
            line = lines.pop()
            base = line.base_id
            if counts[base] > 1:
                base = f"{base}~{geometry_hash(p[1] for p in line.parts)}"
            if base in seen:
                self.skipped["repeated features (same id and geometry)"] += 1
                continue
            seen.add(base)
            name = self._text(line.props, self.name_prop, NAME_PROPS)
            kind = trail_kind(self._text(line.props, self.kind_prop, KIND_PROPS), name)
            difficulty = self._difficulty(line.props)
            closed_reason = closed_reason_of(line.props)
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
                    staff_fields=staff_fields_of(line.props, TRAIL_STAFF_FIELDS),
                    routes=self._route_ids(line.props, name),
                    also_names=texts(line.props.get("other_names")),
                )
                if by_junction:
                    name_vertices(way, line.props)
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
            self.routes[key] = described_route(key, value)
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
        typed = lookup(props, None, PLACE_TYPE_PROPS, lambda v: isinstance(v, str))
        if typed is not None and typed.strip():
            kind = place_kind(typed)
        else:
            kind = place_kind(name) or ("trailhead" if from_trailheads_file else None)
        if kind is None:
            self.ignored_places[(typed or "").strip() or "untyped"] += 1
            return
        base = self._id(feature, props) or geometry_hash([[(lon, lat)]], name, kind)
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
                staff_fields_of(props, POINT_STAFF_FIELDS),
                {} if kind in TRAILHEAD_KINDS else camp_details(props),
            )
        )

    def _id(self, feature: dict[str, Any], props: dict[str, Any]) -> str | None:
        if self.id_prop:
            value = props.get(self.id_prop)
        elif feature.get("id") is not None:
            value = feature["id"]
        else:
            value = lookup(props, None, ID_PROPS, lambda v: v is not None)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip() if value is not None else ""
        return text or None

    def _text(
        self, props: dict[str, Any], chosen: str | None, guesses: tuple[str, ...]
    ) -> str:
        value = lookup(props, chosen, guesses, lambda v: isinstance(v, str) and v)
        return value.strip() if isinstance(value, str) else ""

    def _difficulty(self, props: dict[str, Any]) -> int | None:
        value = lookup(props, self.difficulty_prop, DIFFICULTY_PROPS, present)
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
    if not isinstance(features, list | Streamed):
        raise ParseError("the FeatureCollection has no features array")
    for n, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type", "Feature") != "Feature":
            raise ParseError(f"feature {n} is not a GeoJSON Feature")
        yield n, feature


def _plain_positions(part: list[Any]) -> list[tuple[float, float]] | None:
    """A line's [lon, lat] positions as `Reader._position` reads them, when all
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


def geometry_hash(parts: Iterable[list[tuple[float, float]]], *extra: str) -> str:
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
