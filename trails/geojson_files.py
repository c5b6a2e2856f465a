"""Read a GeoJSON file into a document: whole with the stdlib json module, or,
when it is large, its features as a stream (ijson), so a country's export is never
all in memory at once.

NaN and Infinity, which json would accept by default, are refused, as are text
that is not UTF-8, nesting too deep to parse, and a `crs` member naming anything
but WGS 84 longitude/latitude. `trails/geojson_reader.py` reads the features.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson

from trails.errors import ParseError, Source, check_size, read_source

# Coordinate systems that are WGS 84 longitude/latitude as GeoJSON means it.
LONLAT_CRS = re.compile(r"(CRS84h?|EPSG:+(4326|4979))$", re.IGNORECASE)

# Files larger than this are read feature by feature (ijson) rather than whole:
# `json.loads` of a 117 MB collection took 720 MB before a line was read.
STREAM_BYTES = 32 * 1024 * 1024
HEAD_KEYS = ("type", "crs", "properties")


class Streamed:
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
    head["features"] = Streamed(path)
    return head


def load(source: Source, max_bytes: int) -> dict[str, Any]:
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
