"""Elevation from SRTM `.hgt` tiles, and the climb of a profile.

An `.hgt` file (or a ZIP holding one) is a headerless square grid of big-endian
signed 16-bit metres covering one degree: 1201 x 1201 samples for SRTM3 (3 arc
seconds), 3601 x 3601 for SRTM1. Row 0 is the northern edge and column 0 the
western; the outer rows and columns repeat the neighbouring tiles'. The file name
gives the south-west corner: N42E001 covers 42..43 N, 1..2 E; S10W070 covers
10..9 S, 70..69 W.

Unfinished SRTM has voids (-32768) on steep slopes, right where trails climb. They
are filled when the tile loads, from the nearest real samples in the eight grid
directions weighted by inverse distance: a plane across a small hole, not a cliff.

Elevation is bilinear between the four surrounding samples, so profiles are
smooth. `climb` then counts ascent and descent with a dead band, so that the grid's
few metres of noise along a flat trail do not add up to phantom climb.

Pure Python with `array`: a tile loads in well under a second and sampling is a
few microseconds a point.
"""

from __future__ import annotations

import io
import math
import os
import re
import sys
import zipfile
import zlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from trails.errors import ParseError, read_source

VOID = -32768
VOID_BYTES = b"\x80\x00"  # -32768, big-endian
SIZES = {1201 * 1201 * 2: 1201, 3601 * 3601 * 2: 3601}
TILE_NAME = re.compile(r"([NS])(\d{2})([EW])(\d{3})", re.IGNORECASE)
# Directions to look for real samples around a void, and their step lengths.
DIRECTIONS = tuple(
    (dr, dc, math.hypot(dr, dc))
    for dr in (-1, 0, 1)
    for dc in (-1, 0, 1)
    if (dr, dc) != (0, 0)
)
FILL_REACH = 100  # samples; a void farther than this from data waits a pass


@dataclass
class Tile:
    """One degree square of elevation samples; `lat0`, `lon0` the SW corner."""

    lat0: int
    lon0: int
    size: int  # samples per side
    samples: array[int]  # row-major int16, row 0 north
    voids_filled: int = 0

    @classmethod
    def load(cls, path: str | os.PathLike[str], name: str | None = None) -> Tile:
        """Read a `.hgt` or `.hgt.zip` file. `name` stands in for the file name
        when the path does not carry it (an upload saved to a temporary file)."""
        path = Path(path)
        # No SRTM tile, zipped or not, is bigger than an SRTM1 grid plus a header.
        data = read_source(path, max(SIZES) + 65_536)
        return cls.from_bytes(data, name or path.name)

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> Tile:
        # "PK" would be a first sample of 20,555 m: it can only be a ZIP.
        if data.startswith(b"PK"):
            data, member = _unzip(data)
            if not TILE_NAME.search(name):
                name = member
        lat0, lon0 = tile_corner(name)
        size = SIZES.get(len(data))
        if size is None:
            raise ParseError(
                f"a tile of {len(data):,} bytes is not SRTM: expected 2,884,802 "
                "(1201 x 1201 samples) or 25,934,402 (3601 x 3601)"
            )
        samples = array("h")
        samples.frombytes(data)
        if sys.byteorder == "little":
            samples.byteswap()
        filled = _fill_voids(samples, size, _void_indexes(data))
        return cls(lat0, lon0, size, samples, filled)

    def elevation(self, lon: float, lat: float) -> float | None:
        """Bilinear elevation in metres, or None outside the tile."""
        last = self.size - 1
        x = (lon - self.lon0) * last
        y = (self.lat0 + 1 - lat) * last
        if not (0.0 <= x <= last and 0.0 <= y <= last):
            return None
        col, row = min(int(x), last - 1), min(int(y), last - 1)
        fx, fy = x - col, y - row
        i = row * self.size + col
        s = self.samples
        north = s[i] + (s[i + 1] - s[i]) * fx
        south = s[i + self.size] + (s[i + self.size + 1] - s[i + self.size]) * fx
        return north + (south - north) * fy

    def nearest(self, lon: float, lat: float) -> int | None:
        """The sample nearest to a place (as the SRTM documentation reads it)."""
        if not (0 <= lon - self.lon0 <= 1 and 0 <= lat - self.lat0 <= 1):
            return None
        last = self.size - 1
        col = round((lon - self.lon0) * last)
        row = round((self.lat0 + 1 - lat) * last)
        return self.samples[row * self.size + col]


class ElevationModel:
    """Elevation anywhere the given tiles cover, picking the tile by position."""

    def __init__(self, tiles: Iterable[Tile]):
        self.tiles = {(t.lat0, t.lon0): t for t in tiles}

    @classmethod
    def load(cls, paths: Iterable[str | os.PathLike[str]]) -> ElevationModel:
        return cls(Tile.load(p) for p in paths)

    def tile_at(self, lon: float, lat: float) -> Tile | None:
        lat0, lon0 = math.floor(lat), math.floor(lon)
        tile = self.tiles.get((lat0, lon0))
        if tile is None and (lat == lat0 or lon == lon0):
            # On a whole degree the neighbour to the south or west holds the same
            # edge samples, and may be the tile that was given.
            for key in ((lat0 - 1, lon0), (lat0, lon0 - 1), (lat0 - 1, lon0 - 1)):
                tile = self.tiles.get(key)
                if tile is not None and tile.elevation(lon, lat) is not None:
                    return tile
            return None
        return tile

    def elevation(self, lon: float, lat: float) -> float | None:
        """Bilinear elevation to 0.1 m, or None where no tile covers the place."""
        tile = self.tile_at(lon, lat)
        return round(tile.elevation(lon, lat), 1) if tile else None

    def sample_line(self, coords: Iterable[Sequence[float]]) -> list[float | None]:
        """Elevation at each (lon, lat[, ...]) vertex; None where no tile covers it."""
        out: list[float | None] = []
        tile: Tile | None = None
        for c in coords:
            lon, lat = c[0], c[1]
            value = tile.elevation(lon, lat) if tile else None
            if value is None:  # left the current tile (or had none yet)
                tile = self.tile_at(lon, lat)
                value = tile.elevation(lon, lat) if tile else None
            out.append(None if value is None else round(value, 1))
        return out


def climb(
    elevations: Iterable[float | None], threshold_m: float = 5.0
) -> tuple[float, float]:
    """Total (ascent, descent) in metres of a profile, ignoring None samples.

    `threshold_m` is the noise to ignore: wiggles within +-threshold_m of a level
    (swings of up to twice that) never count. Once the profile has come back more
    than that from a high or low point, the point is a real turning point and the
    whole rise or fall from the previous one counts, so real climbs are not cut
    short by the threshold.
    """
    values = [e for e in elevations if e is not None]
    if not values:
        return 0.0, 0.0
    band = 2 * threshold_m
    ascent = descent = 0.0
    low = high = values[0]
    direction = 0  # 0 until the first swing beyond the band says which way
    pivot = extreme = values[0]
    for e in values[1:]:
        if direction == 0:
            low, high = min(low, e), max(high, e)
            if e - low > band:
                direction, pivot, extreme = 1, low, e
            elif high - e > band:
                direction, pivot, extreme = -1, high, e
        elif direction == 1:
            if e > extreme:
                extreme = e
            elif extreme - e > band:
                ascent += extreme - pivot
                direction, pivot, extreme = -1, extreme, e
        elif e < extreme:
            extreme = e
        elif e - extreme > band:
            descent += pivot - extreme
            direction, pivot, extreme = 1, extreme, e
    if direction == 1:
        ascent += extreme - pivot
    elif direction == -1:
        descent += pivot - extreme
    return round(ascent, 1), round(descent, 1)


def tile_corner(name: str) -> tuple[int, int]:
    """(lat, lon) of the south-west corner that an SRTM file name gives."""
    match = TILE_NAME.search(Path(name).name)
    if not match:
        raise ParseError(
            f"the tile name {Path(name).name!r} does not give its corner; SRTM tiles "
            "are named like N42E001.hgt or S10W070.hgt.zip"
        )
    ns, lat, ew, lon = match.groups()
    lat0 = int(lat) * (1 if ns.upper() == "N" else -1)
    lon0 = int(lon) * (1 if ew.upper() == "E" else -1)
    if not (-90 <= lat0 <= 89 and -180 <= lon0 <= 179):
        raise ParseError(f"the tile name {match.group(0)!r} is not a place on Earth")
    return lat0, lon0


def _unzip(data: bytes) -> tuple[bytes, str]:
    """The one .hgt member of a ZIP; its size is checked before it is inflated."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if m.filename.lower().endswith(".hgt")]
        if len(members) != 1:
            raise ParseError(
                f"the ZIP holds {len(members)} .hgt files; expected exactly one"
            )
        member = members[0]
        if member.file_size not in SIZES:
            raise ParseError(
                f"{member.filename:.80} is {member.file_size:,} bytes, not an SRTM "
                "size (2,884,802 or 25,934,402)"
            )
        with archive.open(member) as fh:
            # Trust the inflated length, not the header's claim.
            content = fh.read(member.file_size + 1)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        zlib.error,
    ) as exc:
        raise ParseError(f"not a readable ZIP file ({exc})") from None
    except RuntimeError:  # zipfile's word for "encrypted"
        raise ParseError("the ZIP is encrypted; unzip it first") from None
    except NotImplementedError:
        raise ParseError("the ZIP is compressed in a way Python cannot read") from None
    return content, member.filename


def _void_indexes(data: bytes) -> list[int]:
    """Sample indexes holding -32768, found by a fast byte search."""
    found = []
    at = data.find(VOID_BYTES)
    while at >= 0:
        if at % 2 == 0:
            found.append(at // 2)
            at = data.find(VOID_BYTES, at + 2)
        else:
            at = data.find(VOID_BYTES, at + 1)
    return found


def _fill_voids(samples: array[int], size: int, voids: list[int]) -> int:
    """Fill voids in place from the nearest real samples; return how many.

    Each pass fills every void that sees data within FILL_REACH in some direction,
    using only values known before the pass, so the result does not depend on the
    order; holes wider than that close from their edges over several passes.
    """
    if len(voids) == size * size:
        raise ParseError("the tile holds no elevation at all (every sample is a void)")
    missing = set(voids)
    remaining = voids
    while remaining:
        filled: dict[int, int] = {}
        for i in remaining:
            row, col = divmod(i, size)
            total = weight = 0.0
            for dr, dc, step in DIRECTIONS:
                r, c = row + dr, col + dc
                distance = step
                while 0 <= r < size and 0 <= c < size and distance <= FILL_REACH:
                    j = r * size + c
                    if j not in missing:
                        total += samples[j] / distance
                        weight += 1 / distance
                        break
                    r, c, distance = r + dr, c + dc, distance + step
            if weight:
                filled[i] = round(total / weight)
        if not filled:  # cannot happen while any sample is real; never spin
            raise ParseError("the tile's voids cannot be filled")
        for i, value in filled.items():
            samples[i] = value
            missing.discard(i)
        remaining = [i for i in remaining if i in missing]
    return len(voids)
