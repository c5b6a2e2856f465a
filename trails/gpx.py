"""Read trails and trailheads out of GPX files, as GPS units and route planners write
them.

Every track segment and every route becomes a `RawWay` of kind "path", named after
its track or route (or the file's own name), keeping elevation where the points have
it. Waypoints become `RawPoint`s when their type, symbol or name says trailhead,
parking, camp, hut or shelter ("Trail Head", "Campground", "Cabane de Susanfe");
the rest are ignored and counted. Timestamps are not used, so files with none or
bogus ones read the same.

A GPX file is untrusted XML. Before gpxpy (which would hand it to the stdlib
parser, and that expands entities) sees it, defusedxml parses it with document type
declarations, entities and external references forbidden: GPX never needs them, and
they are how "billion laughs" bombs and local-file disclosure work. Text in an
encoding other than the one declared is refused rather than read as nonsense, and a
track segment or route over `MAX_LINE_VERTICES` points is refused before gpxpy reads
it.

Source ids hash the coordinates (`trk-…`, `rte-…`, `wpt-…`), so re-importing the
same file, or the same tracks in another order, updates rather than duplicates.
"""

from __future__ import annotations

import codecs
import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLSyntaxError

import defusedxml
import defusedxml.ElementTree
import gpxpy
import gpxpy.gpx

from trails.errors import (
    MAX_BYTES,
    MAX_LINE_VERTICES,
    ParseError,
    Source,
    read_source,
    too_many_vertices,
)
from trails.geojson_properties import place_kind
from trails.network import RawPoint, RawWay

XML_ENCODING = re.compile(rb"""^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)""")


def parse_gpx(
    source: Source,
    *,
    untyped_waypoints: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> tuple[list[RawWay], list[RawPoint], list[str]]:
    """Ways, points and warnings from a GPX file (path or bytes).

    `untyped_waypoints` is the place kind for waypoints that say nothing about what
    they are; give "trailhead" when the file is a list of trailheads. Raises
    ParseError with the reason when the file cannot be used.
    """
    data = read_source(source, max_bytes)
    text = _decode(data)
    _check_line_sizes(_refuse_unsafe_xml(data))
    try:
        gpx = gpxpy.parse(text)
    except gpxpy.gpx.GPXException as exc:
        raise ParseError(f"not a readable GPX file ({exc})") from None

    warnings: list[str] = []
    ways = _ways(gpx, warnings)
    points = _points(gpx.waypoints, untyped_waypoints, warnings)
    if not ways and not points:
        raise ParseError(
            "no tracks or routes of two or more points, and no waypoints that are "
            "trailheads, parking, camps or huts"
        )
    return ways, points, warnings


def _refuse_unsafe_xml(data: bytes) -> Element:
    try:
        root = defusedxml.ElementTree.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DTDForbidden:
        raise ParseError(
            "the XML has a document type declaration (<!DOCTYPE>), which GPX never "
            "needs; it is refused because it can hide entity bombs and external "
            "entities"
        ) from None
    except defusedxml.EntitiesForbidden:
        raise ParseError(
            "the XML declares entities, which is refused (entity expansion bomb)"
        ) from None
    except defusedxml.ExternalReferenceForbidden:
        raise ParseError(
            "the XML refers to an external entity, which is refused"
        ) from None
    except XMLSyntaxError as exc:
        raise ParseError(f"not well-formed XML ({exc})") from None
    except LookupError as exc:  # expat meeting an encoding Python does not know
        raise ParseError(f"unknown text encoding ({exc})") from None
    tag = _local(root)
    if tag != "gpx":
        raise ParseError(f"not a GPX file: the root element is <{tag:.40}>, not <gpx>")
    return root


def _local(element: Element) -> str:
    return str(element.tag).rsplit("}", 1)[-1]


def _check_line_sizes(root: Element) -> None:
    """Refuse a track segment or route over the vertex limit before gpxpy, which
    is slow per point, reads it."""
    for element in root.iter():
        if len(element) > MAX_LINE_VERTICES and _local(element) in ("trkseg", "rte"):
            count = sum(_local(child) in ("trkpt", "rtept") for child in element)
            if count > MAX_LINE_VERTICES:
                raise too_many_vertices(count)


def _decode(data: bytes) -> str:
    """Text for gpxpy, which would decode bytes as UTF-8 whatever the file says.

    A file whose bytes are not in the encoding it declares (or, declaring none,
    not in UTF-8) is refused, and so is one that declares a legacy encoding but is
    UTF-8: read as declared, every accent would turn into two wrong letters.
    """
    declared = None
    if data.startswith(codecs.BOM_UTF8):
        encoding, data = "utf-8", data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        match = XML_ENCODING.match(data)
        declared = match.group(1).decode("ascii") if match else None
        encoding = declared or "utf-8"
    try:
        text = data.decode(encoding)
    except LookupError:
        raise ParseError(f"unknown text encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        said = "its XML declaration names" if declared else "XML assumes"
        raise ParseError(
            f"the text is not {encoding.upper()}, the encoding {said} (byte "
            f"0x{exc.object[exc.start]:02X} at position {exc.start:,}); save the "
            "file as UTF-8, or declare the encoding it is in"
        ) from None
    if declared and not codecs.lookup(declared).name.startswith("utf"):
        _refuse_misdeclared_utf8(data, declared)
    return text


def _refuse_misdeclared_utf8(data: bytes, declared: str) -> None:
    if data.isascii():
        return
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # not UTF-8: the declaration may well be right
    word = re.search(r"\w*[^\x00-\x7f]\w*", utf8)
    right = word.group(0)[:30] if word else ""
    wrong = right.encode("utf-8").decode(declared, "replace")
    raise ParseError(
        f"the XML declaration says {declared}, but the text is UTF-8: it would read "
        f"{wrong!r} for {right!r}; change the declaration to UTF-8"
    )


def _ways(gpx: gpxpy.gpx.GPX, warnings: list[str]) -> list[RawWay]:
    ways: list[RawWay] = []
    ids: set[str] = set()
    short = 0
    lines: list[tuple[str, str, str, Sequence[Any]]] = []
    for t, track in enumerate(gpx.tracks, 1):
        for s, segment in enumerate(track.segments, 1):
            where = f"track {t}" + (f" segment {s}" if len(track.segments) > 1 else "")
            lines.append(("trk", where, track.name or gpx.name or "", segment.points))
    for r, route in enumerate(gpx.routes, 1):
        lines.append(("rte", f"route {r}", route.name or gpx.name or "", route.points))
    for prefix, where, name, gpx_points in lines:
        coords = [_lonlat(p, f"{where} point {n}") for n, p in enumerate(gpx_points, 1)]
        if len(coords) < 2:
            short += 1
            continue
        elevations = [_elevation(p) for p in gpx_points]
        ways.append(
            RawWay(
                source_id=_unique(f"{prefix}-{_hash(coords)}", ids),
                coords=coords,
                name=name.strip(),
                kind="path",
                elevations=elevations
                if any(e is not None for e in elevations)
                else None,
            )
        )
    if short:
        warnings.append(f"skipped {short} tracks or routes of fewer than two points")
    return ways


def _points(
    waypoints: Iterable[gpxpy.gpx.GPXWaypoint],
    untyped: str | None,
    warnings: list[str],
) -> list[RawPoint]:
    points: list[RawPoint] = []
    ids: set[str] = set()
    ignored = 0
    for n, wpt in enumerate(waypoints, 1):
        lon, lat = _lonlat(wpt, f"waypoint {n}")
        name = (wpt.name or "").strip()
        # In GPX the type is free text and the symbol an icon name ("Flag, Blue"),
        # so any of them may be the one that says what the place is.
        said = (wpt.type, wpt.symbol, name)
        kind = next((k for k in map(place_kind, filter(None, said)) if k), untyped)
        if kind is None:
            ignored += 1
            continue
        source_id = _unique(f"wpt-{_hash([(lon, lat)], name)}", ids)
        points.append(RawPoint(source_id, lon, lat, name, kind, _elevation(wpt)))
    if ignored:
        warnings.append(
            f"ignored {ignored} waypoints that are not trailheads, parking, camps "
            "or huts"
        )
    return points


def _lonlat(point: Any, where: str) -> tuple[float, float]:
    lon, lat = point.longitude, point.latitude
    if not (
        math.isfinite(lon)
        and math.isfinite(lat)
        and -180 <= lon <= 180
        and -90 <= lat <= 90
    ):
        raise ParseError(f"{where}: lat={lat}, lon={lon} is not a place on Earth")
    return float(lon), float(lat)


def _elevation(point: Any) -> float | None:
    ele = point.elevation
    return float(ele) if ele is not None and math.isfinite(ele) else None


def _hash(coords: Iterable[tuple[float, float]], *extra: str) -> str:
    # Rounded to ~1 cm so that rewriting the numbers with other digits keeps the id.
    digest = hashlib.sha1()
    for lon, lat in coords:
        digest.update(f"{lon:.7f},{lat:.7f};".encode())
    for text in extra:
        digest.update(text.encode())
    return digest.hexdigest()[:12]


def _unique(source_id: str, ids: set[str]) -> str:
    """The id, or with "~2", "~3"... if a repeated track or waypoint already has it."""
    candidate, n = source_id, 1
    while candidate in ids:
        n += 1
        candidate = f"{source_id}~{n}"
    ids.add(candidate)
    return candidate
