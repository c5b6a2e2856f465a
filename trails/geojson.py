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

Here are the two entry points; `trails/geojson_files.py` reads the file (whole, or
feature by feature when it is large), `trails/geojson_reader.py` its features and
`trails/geojson_properties.py` what their properties say.
"""

from __future__ import annotations

from typing import Any

from trails.errors import MAX_BYTES, ParseError, Source
from trails.geojson_files import load
from trails.geojson_reader import Reader
from trails.network import RawPoint, RawRoute, RawWay

LICENCE_PROPS = ("licence", "license")


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
    reader = Reader(name_prop, kind_prop, difficulty_prop, id_prop)
    doc = load(source, max_bytes)
    reader.read(doc)
    if metadata is not None:
        metadata.update(_metadata(doc))
    if routes is not None:
        routes.extend(reader.routes.values())
    if trailheads is not None:
        try:
            reader.read(load(trailheads, max_bytes), points_only=True)
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
    reader = Reader(None, None, None, None)
    reader.read(load(source, max_bytes), points_only=True)
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
