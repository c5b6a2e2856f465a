"""Which format a file is in, and one entry point that turns any of them into a network.

The format comes from the file's first bytes, not its name, so a GPX file renamed
`.json` is still read as GPX and a text file renamed `.pbf` is refused with a reason.
A separate file of trailheads goes with GeoJSON or GPX trails, in either format.

Whatever the format, what a parser hands over is then made safe for the database
(no control characters or broken Unicode in text, ids that fit their columns,
elevations a trail can have), and a file whose lines all have no length is refused:
importing it would empty the source.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import hashlib
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trails.errors import ParseError
from trails.geojson import parse_geojson, parse_geojson_places
from trails.gpx import parse_gpx
from trails.memory import collector_paused
from trails.network import (
    DEFAULT_ATTACH_M,
    ROUTE_FIELDS,
    Network,
    RawPoint,
    RawRoute,
    RawWay,
)
from trails.osm import Progress, read_osm
from trails.overlap import merge_parallel
from trails.snapping import snap_line_ends
from trails.topology import build_network

FORMATS = ("pbf", "osm", "osm.gz", "osm.bz2", "geojson", "gpx")
# Ids go into columns of 100 characters, and a segment adds "/<n>" to its line's.
MAX_ID = 80
MAX_METADATA = 1000  # characters of attribution or licence a file may bring
# Metres: below the Dead Sea shore or above Everest is not a trail's elevation.
ELEVATION_RANGE_M = (-500.0, 9000.0)
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
SURROGATE = re.compile(r"[\ud800-\udfff]")
XML_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
XML_START_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")
SNAP_M = 15.0  # T-junctions in digitised data are off by a few metres
OVERLAP_M = 5.0  # a path drawn twice is a few metres off; see trails/overlap.py
# OSM is drawn more precisely than a GPS track: a footway 2 m from a road is the
# same ground for a hiker, one 8 m away is not. Checked on Oslo's dense city paths.
# A little over the 3 m at which trails/ground.py calls two passes the same ground:
# the close look samples every half tolerance, the checker measures to the line.
OSM_OVERLAP_M = 3.5
# Shorter than trails/ground.py's 15 m runs of a stretch walked twice: a run is
# measured a little shorter here (the close look's steps, the shared junction), and
# at 15 m two ways leaving an Andorran junction side by side for 16 m stayed apart,
# so a loop up one and down the other walked that ground twice.
OSM_OVERLAP_MIN_M = 12.0
HEAD_BYTES = 65_536


@dataclass
class Parsed:
    network: Network
    format: str
    warnings: list[str] = field(default_factory=list)
    # What the file says about itself (a GeoJSON export's attribution, licence).
    metadata: dict[str, str] = field(default_factory=dict)


def detect_format(path: str | Path) -> str:
    path = Path(path)
    if not path.exists():
        raise ParseError("the file does not exist")
    if not path.is_file():
        raise ParseError("it is not a file")
    with open(path, "rb") as fh:
        # Enough for the root element to show even after a long <!DOCTYPE>.
        head = fh.read(HEAD_BYTES)
    if not head:
        raise ParseError("the file is empty")
    if head[4:64].find(b"OSMHeader") >= 0:
        return "pbf"
    if head.startswith(b"\x1f\x8b"):
        return _compressed_xml(gzip.open, path, "gzip", "osm.gz")
    if head.startswith(b"BZh"):
        return _compressed_xml(bz2.open, path, "bzip2", "osm.bz2")
    return _text_format(head)


def _compressed_xml(open_: Callable[..., Any], path: Path, what: str, fmt: str) -> str:
    try:
        with open_(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        raise ParseError(f"a broken {what} file ({exc})") from None
    if _text_format(head) != "osm":
        raise ParseError("a compressed file that is not OpenStreetMap XML")
    return fmt


def _text_format(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", "replace").encode()
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise ParseError("the file is empty")
    if text.startswith(b"{"):
        return "geojson"
    if text.startswith(b"<"):
        root, prolog = _root_element(text)
        if root == b"osm":
            _refuse_doctype(prolog)
            return "osm"
        if root == b"gpx":
            return "gpx"
    raise ParseError(
        "not a supported format (expected OpenStreetMap .osm.pbf or .osm, "
        "GeoJSON or GPX)"
    )


def _root_element(text: bytes) -> tuple[bytes | None, bytes]:
    """The root element's local name, and what comes before it (the prolog).

    Not the first "<osm" anywhere: a GPX file from OsmAnd has <osmand:...> elements.
    """
    uncommented = XML_COMMENT.sub(b"", text)
    match = XML_START_TAG.search(uncommented)
    if match is None:
        return None, uncommented
    return match.group(1).rsplit(b":", 1)[-1], uncommented[: match.start()]


def _refuse_doctype(prolog: bytes) -> None:
    """OpenStreetMap XML never has a document type declaration; one is how entity
    bombs and external entities get in. (libosmium refuses entities too, but only
    once it meets one, with a less useful message.)"""
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise ParseError(
            "the XML has a document type declaration (<!DOCTYPE>), which "
            "OpenStreetMap XML never has; it is refused because it can hide entity "
            "bombs and external entities"
        )


@collector_paused()
def read_network(
    path: str | Path,
    *,
    trailheads: str | Path | None = None,
    attach_m: float = DEFAULT_ATTACH_M,
    snap_m: float = SNAP_M,
    progress: Progress | None = None,
    **properties: str | None,
) -> Parsed:
    """Parse any supported file (plus an optional file of trailhead points).

    `properties` names GeoJSON properties that are not guessable (name_prop,
    kind_prop, difficulty_prop, id_prop). Raises ParseError naming the reason.
    """
    fmt = detect_format(path)
    warnings: list[str] = []
    metadata: dict[str, str] = {}
    routes: list[RawRoute] = []
    if trailheads and fmt not in ("geojson", "gpx"):
        raise ParseError("--trailheads goes with GeoJSON or GPX files")
    if fmt in ("pbf", "osm", "osm.gz", "osm.bz2"):
        ways, points, routes = read_osm(path, fmt, progress)
        if ways:
            ways, merged_m = merge_parallel(
                ways, OSM_OVERLAP_M, OSM_OVERLAP_MIN_M, itself=True
            )
            if merged_m >= 1:
                warnings.append(
                    f"merged {merged_m:,.0f} m of ways drawn twice within "
                    f"{OSM_OVERLAP_M:g} m"
                )
    else:
        ways, points, warnings = _parse_digitised(
            path, fmt, properties, metadata, routes
        )
        if trailheads:
            extra, more = _trailhead_points(trailheads)
            points, warnings = _merge_points(points, extra), warnings + more
        if ways and snap_m > 0:
            ways, snapped = snap_line_ends(ways, snap_m)
            if snapped:
                warnings.append(
                    f"{snapped} line ends snapped onto a line within {snap_m:g} m"
                )
        if ways:
            # Lines with vertex ids are our own export: a network already.
            plain = [n for n, way in enumerate(ways) if way.vertex_ids is None]
            merged, merged_m = merge_parallel([ways[n] for n in plain], OVERLAP_M)
            for n, way in zip(plain, merged):
                ways[n] = way
            if merged_m >= 1:
                warnings.append(
                    f"merged {merged_m:,.0f} m of lines drawn twice within "
                    f"{OVERLAP_M:g} m"
                )
    if not ways and not points:
        raise ParseError("the file holds no trails or trailheads")
    _make_safe(ways, points, metadata, warnings, ids=fmt in ("geojson", "gpx"))
    _make_routes_safe(routes)
    network = build_network(ways, points, attach_m, routes)
    if ways and not network.segments:
        # Importing an empty network would delete the source's trails.
        raise ParseError(
            f"none of its {len(ways):,} lines has any length: every vertex of each "
            "is the same point"
        )
    if network.skipped_ways:
        warnings.append(
            f"skipped {network.skipped_ways:,} lines of no length (every vertex at "
            "one point)"
        )
    return Parsed(network, fmt, warnings, metadata)


def _make_safe(
    ways: list[RawWay],
    points: list[RawPoint],
    metadata: dict[str, str],
    warnings: list[str],
    ids: bool,
) -> None:
    """Make what a file says fit the database, in place.

    Text loses control characters (PostgreSQL refuses NUL) and unpaired surrogates
    (no database can encode them); ids over the columns' length, or with such
    characters, become a readable prefix and a hash of the whole, so that distinct
    ids stay distinct and the same file gives the same ids again. Elevations
    outside what land on Earth has (a file in feet, or junk) are dropped: an
    elevation of 1e308 would make the climb infinite. `ids` is False for OSM,
    whose ids are numbers.
    """
    dropped = 0
    for way in ways:
        way.name = safe_text(way.name)
        way.also_names = [safe_text(n) for n in way.also_names]
        if ids:
            way.routes = [fit_id(safe_text(r)) for r in way.routes]
        way.closed_reason = safe_text(way.closed_reason)
        if ids:
            way.source_id = fit_id(way.source_id)
            if way.trail_id is not None:
                way.trail_id = fit_id(way.trail_id)
            if way.vertex_ids is not None:
                way.vertex_ids = [fit_id(v) for v in way.vertex_ids]
        if way.elevations:
            kept = [e if _plausible(e) else None for e in way.elevations]
            dropped += sum(e != k for e, k in zip(way.elevations, kept))
            way.elevations = kept if any(e is not None for e in kept) else None
    for point in points:
        point.name = safe_text(point.name)
        if ids:
            point.source_id = fit_id(point.source_id)
            if point.junction is not None:
                point.junction = fit_id(point.junction)
        if point.ele is not None and not _plausible(point.ele):
            point.ele = None
            dropped += 1
    for key, value in metadata.items():
        metadata[key] = safe_text(value)[:MAX_METADATA]
    if dropped:
        low, high = ELEVATION_RANGE_M
        warnings.append(
            f"ignored {dropped:,} elevations outside {low:,.0f} to {high:,.0f} m "
            "(not metres above sea level)"
        )


def _make_routes_safe(routes: list[RawRoute]) -> None:
    for route in routes:
        # As _make_safe fits the ids in RawWay.routes (OSM's r<n> fit already).
        route.source_id = fit_id(safe_text(route.source_id))
        for name in ROUTE_FIELDS:
            setattr(route, name, safe_text(getattr(route, name))[:200])


def safe_text(text: str) -> str:
    """Text without control characters or unpaired surrogates."""
    if text.isprintable():
        return text
    return SURROGATE.sub("\ufffd", CONTROL.sub(" ", text)).strip()


def fit_id(value: str) -> str:
    """An id that fits the columns and holds only printable text."""
    if len(value) <= MAX_ID and value.isprintable():
        return value
    digest = hashlib.sha1(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{safe_text(value)[: MAX_ID - 13]}~{digest}"


def _plausible(elevation: float | None) -> bool:
    low, high = ELEVATION_RANGE_M
    return elevation is None or low <= elevation <= high


def _parse_digitised(
    path: str | Path,
    fmt: str,
    properties: dict[str, str | None],
    metadata: dict[str, str],
    routes: list[RawRoute],
) -> tuple[list[RawWay], list[RawPoint], list[str]]:
    if fmt == "gpx":
        return parse_gpx(path)
    named: dict[str, Any] = {k: v for k, v in properties.items() if v}
    return parse_geojson(path, metadata=metadata, routes=routes, **named)


def _trailhead_points(path: str | Path) -> tuple[list[RawPoint], list[str]]:
    """The places in a separate file of trailheads, GeoJSON or GPX; there a point
    that does not say what it is, is a trailhead."""
    try:
        fmt = detect_format(path)
        if fmt == "gpx":
            ways, points, warnings = parse_gpx(path, untyped_waypoints="trailhead")
            if ways:
                warnings.append(f"ignored {len(ways)} tracks in the trailheads file")
            return points, warnings
        if fmt == "geojson":
            return parse_geojson_places(path)
        raise ParseError("a trailheads file is GeoJSON or GPX")
    except ParseError as exc:
        raise ParseError(f"in the trailheads file {Path(path).name}: {exc}") from exc


def _merge_points(points: list[RawPoint], extra: list[RawPoint]) -> list[RawPoint]:
    """Both files' points, with ids that two files happen to share made unique."""
    ids = {p.source_id for p in points}
    for p in extra:
        base, n = p.source_id, 1
        while p.source_id in ids:
            n += 1
            p.source_id = f"{base}~{n}"
        ids.add(p.source_id)
    return points + extra
