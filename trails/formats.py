"""Which format a file is in, and one entry point that turns any of them into a network.

The format comes from the file's first bytes, not its name, so a GPX file renamed
`.json` is still read as GPX and a text file renamed `.pbf` is refused with a reason.
"""

from __future__ import annotations

import bz2
import gzip
from dataclasses import dataclass, field
from pathlib import Path

from trails.errors import ParseError
from trails.network import DEFAULT_ATTACH_M, Network, RawPoint, RawWay, build_network
from trails.osm import Progress, parse_osm

FORMATS = ("pbf", "osm", "osm.gz", "osm.bz2", "geojson", "gpx")
SNAP_M = 15.0  # T-junctions in digitised data are off by a few metres


@dataclass
class Parsed:
    network: Network
    format: str
    warnings: list[str] = field(default_factory=list)


def detect_format(path: str | Path) -> str:
    path = Path(path)
    if not path.exists():
        raise ParseError("the file does not exist")
    if not path.is_file():
        raise ParseError("it is not a file")
    with open(path, "rb") as fh:
        head = fh.read(512)
    if not head:
        raise ParseError("the file is empty")
    if head[4:64].find(b"OSMHeader") >= 0:
        return "pbf"
    if head.startswith(b"\x1f\x8b"):
        return _compressed_xml(gzip.open(path, "rb").read(512), "osm.gz")
    if head.startswith(b"BZh"):
        return _compressed_xml(bz2.open(path, "rb").read(512), "osm.bz2")
    return _text_format(head)


def _compressed_xml(head: bytes, fmt: str) -> str:
    if _text_format(head) != "osm":
        raise ParseError("a compressed file that is not OpenStreetMap XML")
    return fmt


def _text_format(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
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
    if fmt in ("pbf", "osm", "osm.gz", "osm.bz2"):
        ways, points = parse_osm(path, fmt, progress)
    else:
        ways, points, warnings = _parse_digitised(path, fmt, trailheads, properties)
        if ways and snap_m > 0:
            from trails.snapping import snap_line_ends

            ways, snapped = snap_line_ends(ways, snap_m)
            if snapped:
                warnings.append(
                    f"{snapped} line ends snapped onto a line within {snap_m:g} m"
                )
    if trailheads and fmt not in ("geojson", "gpx"):
        raise ParseError("--trailheads goes with GeoJSON or GPX files")
    if not ways and not points:
        raise ParseError("the file holds no trails or trailheads")
    network = build_network(ways, points, attach_m)
    return Parsed(network, fmt, warnings)


def _parse_digitised(
    path: str | Path,
    fmt: str,
    trailheads: str | Path | None,
    properties: dict[str, str | None],
) -> tuple[list[RawWay], list[RawPoint], list[str]]:
    if fmt == "gpx":
        from trails.gpx import parse_gpx

        ways, points, warnings = parse_gpx(path)
        if trailheads:
            _, extra, more = parse_gpx(trailheads)
            points, warnings = points + extra, warnings + more
        return ways, points, warnings
    from trails.geojson import parse_geojson

    return parse_geojson(
        path,
        trailheads=trailheads,
        **{k: v for k, v in properties.items() if v},
    )
