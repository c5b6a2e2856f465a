"""Which format a file is in, and one entry point that turns any of them into a network.

The format comes from the file's first bytes, not its name, so a GPX file renamed
`.json` is still read as GPX and a text file renamed `.pbf` is refused with a reason.
A separate file of trailheads goes with GeoJSON or GPX trails, in either format.
"""

from __future__ import annotations

import bz2
import gzip
from dataclasses import dataclass, field
from pathlib import Path

from trails.errors import ParseError
from trails.geojson import parse_geojson, parse_geojson_places
from trails.gpx import parse_gpx
from trails.network import DEFAULT_ATTACH_M, Network, RawPoint, RawWay, build_network
from trails.osm import Progress, parse_osm
from trails.snapping import snap_line_ends

FORMATS = ("pbf", "osm", "osm.gz", "osm.bz2", "geojson", "gpx")
SNAP_M = 15.0  # T-junctions in digitised data are off by a few metres
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
        with gzip.open(path, "rb") as fh:
            return _compressed_xml(fh.read(HEAD_BYTES), "osm.gz")
    if head.startswith(b"BZh"):
        with bz2.open(path, "rb") as fh:
            return _compressed_xml(fh.read(HEAD_BYTES), "osm.bz2")
    return _text_format(head)


def _compressed_xml(head: bytes, fmt: str) -> str:
    if _text_format(head) != "osm":
        raise ParseError("a compressed file that is not OpenStreetMap XML")
    return fmt


def _text_format(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise ParseError("the file is empty")
    if text.startswith(b"{"):
        return "geojson"
    if text.startswith(b"<"):
        if b"<osm" in head:
            return "osm"
        if b"<gpx" in head:
            return "gpx"
    raise ParseError(
        "not a supported format (expected OpenStreetMap .osm.pbf or .osm, "
        "GeoJSON or GPX)"
    )


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
    if trailheads and fmt not in ("geojson", "gpx"):
        raise ParseError("--trailheads goes with GeoJSON or GPX files")
    if fmt in ("pbf", "osm", "osm.gz", "osm.bz2"):
        ways, points = parse_osm(path, fmt, progress)
    else:
        ways, points, warnings = _parse_digitised(path, fmt, properties, metadata)
        if trailheads:
            extra, more = _trailhead_points(trailheads)
            points, warnings = _merge_points(points, extra), warnings + more
        if ways and snap_m > 0:
            ways, snapped = snap_line_ends(ways, snap_m)
            if snapped:
                warnings.append(
                    f"{snapped} line ends snapped onto a line within {snap_m:g} m"
                )
    if not ways and not points:
        raise ParseError("the file holds no trails or trailheads")
    network = build_network(ways, points, attach_m)
    return Parsed(network, fmt, warnings, metadata)


def _parse_digitised(
    path: str | Path,
    fmt: str,
    properties: dict[str, str | None],
    metadata: dict[str, str],
) -> tuple[list[RawWay], list[RawPoint], list[str]]:
    if fmt == "gpx":
        return parse_gpx(path)
    return parse_geojson(
        path, metadata=metadata, **{k: v for k, v in properties.items() if v}
    )


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
