"""Where the walkable trail is, before any network is loaded: a grid of counts.

A plan with a long drive has thousands of trailheads in range, and the network
around all of them is a country's (160,000 segments for a 100-mile drive over 25
copies of the demo region: 7 s to load, and no budget left to search). A loop of
length L never strays more than L/2 from its trailhead, so a plan needs only the
network around the few trailheads it will search. This module says which those
are, from the database alone:

- The data is cut into cells of `CELL_DEG` (about 1 km) by each segment's south-west
  corner. Per cell: how many walkable segments start there and their worth to a
  hiker (metres x the solver's `costs.goodness` by kind: named trail 0.6, unnamed
  path or track 0.3, road 0; routes are left to the solver).
- Cells are kept per tile of `TILE_DEG`, per process and data version (`TILES`
  tiles at most); the tiles a plan needs that are not known are counted in one
  grouped query, so a plan in a region whose tiles are known costs none.
- `segments_in(box)` estimates how many segments a region graph would load;
  `worth_near(...)` scores trailheads by the trail within a radius (a square
  window over a summed-area table, all trailheads at once).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

import numpy as np
from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Floor

from planner.solver import costs
from trails.models import VERSION_TILE_DEG, DataVersion, Segment

CELL_DEG = 0.01
TILE_DEG = VERSION_TILE_DEG  # each tile is counted again when its data changes
TILES = 4096
MAX_CELLS = 2_000_000  # 16 MB per raster
NAMED = costs.goodness({"trail": "a name"})
UNNAMED = costs.goodness({})


class _Tiles:
    """(cell x, cell y, segments, worth) arrays per tile and data version."""

    def __init__(self, size: int = TILES):
        self.size = size
        self.items: OrderedDict[tuple[int, int, int], tuple[np.ndarray, ...]] = (
            OrderedDict()
        )
        self.lock = threading.Lock()

    def get(self, versions: dict[tuple[int, int], int]) -> list[tuple[np.ndarray, ...]]:
        """The cells of these tiles, each at its data version; those not known
        are counted in one query."""
        with self.lock:
            known = {t: self.items.get((*t, v)) for t, v in versions.items()}
            for t, cells in known.items():
                if cells is not None:
                    self.items.move_to_end((*t, versions[t]))
        missing = [t for t, cells in known.items() if cells is None]
        if missing:
            counted = _count_tiles(missing)
            with self.lock:
                for t in missing:
                    self.items[(*t, versions[t])] = known[t] = counted[t]
                while len(self.items) > self.size:
                    self.items.popitem(last=False)
        return list(known.values())

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


TILE_CACHE = _Tiles()


def _count_tiles(tiles: list[tuple[int, int]]) -> dict[tuple[int, int], tuple]:
    """Cells of these tiles, from one grouped query over the box that holds them."""
    xs = [tx for tx, _ in tiles]
    ys = [ty for _, ty in tiles]
    metres = F("length_m")
    rows = (
        Segment.objects.walkable()
        .filter(
            min_lon__gte=min(xs) * TILE_DEG,
            min_lon__lt=(max(xs) + 1) * TILE_DEG,
            min_lat__gte=min(ys) * TILE_DEG,
            min_lat__lt=(max(ys) + 1) * TILE_DEG,
        )
        .annotate(cx=Floor(F("min_lon") / CELL_DEG), cy=Floor(F("min_lat") / CELL_DEG))
        .values("cx", "cy")
        .annotate(
            n=Count("id"),
            worth=Sum(
                Case(
                    When(trail__kind="road", then=Value(0.0)),
                    When(~Q(trail__name=""), then=metres * NAMED),
                    default=metres * UNNAMED,
                    output_field=FloatField(),
                )
            ),
        )
        .values_list("cx", "cy", "n", "worth")
    )
    table = np.array(list(rows), dtype=float).reshape(-1, 4)
    cx, cy = table[:, 0].astype(np.int64), table[:, 1].astype(np.int64)
    per_tile = round(TILE_DEG / CELL_DEG)
    tx, ty = np.floor_divide(cx, per_tile), np.floor_divide(cy, per_tile)
    order = np.lexsort((ty, tx))
    cx, cy, table, tx, ty = cx[order], cy[order], table[order], tx[order], ty[order]
    starts = np.flatnonzero(np.r_[True, (tx[1:] != tx[:-1]) | (ty[1:] != ty[:-1])])
    ends = np.r_[starts[1:], len(tx)]
    empty = (cx[:0], cy[:0], table[:0, 2], table[:0, 3])
    out = dict.fromkeys(tiles, empty)  # tiles with no trail share one empty entry
    for a, b in zip(starts.tolist(), ends.tolist()) if len(tx) else ():
        t = (int(tx[a]), int(ty[a]))
        if t in out:
            out[t] = (cx[a:b], cy[a:b], table[a:b, 2], table[a:b, 3])
    return out


class Grid:
    """The cells of one box: segments and worth per cell, as rasters (summed-area
    tables). A box of more than `MAX_CELLS` cells (a long drive near a pole) is
    rastered in coarser cells, so its memory stays bounded."""

    def __init__(self, box: tuple[float, float, float, float]):
        min_lon, min_lat, max_lon, max_lat = _clamped(box)
        cells = ((max_lon - min_lon) / CELL_DEG + 1) * (
            (max_lat - min_lat) / CELL_DEG + 1
        )
        self.scale = max(1, math.ceil(math.sqrt(cells / MAX_CELLS)))
        self.cell = CELL_DEG * self.scale
        self.x0 = math.floor(min_lon / self.cell)
        self.y0 = math.floor(min_lat / self.cell)
        width = math.floor(max_lon / self.cell) - self.x0 + 1
        height = math.floor(max_lat / self.cell) - self.y0 + 1
        count = np.zeros((height, width))
        worth = np.zeros((height, width))
        tiles = DataVersion.tiles((min_lon, min_lat, max_lon, max_lat))
        for cx, cy, n, w in TILE_CACHE.get(tiles):
            i = np.floor_divide(cy, self.scale) - self.y0
            j = np.floor_divide(cx, self.scale) - self.x0
            inside = (i >= 0) & (i < height) & (j >= 0) & (j < width)
            np.add.at(count, (i[inside], j[inside]), n[inside])
            np.add.at(worth, (i[inside], j[inside]), w[inside])
        # summed-area tables, one row and column of zeros in front
        self.count = np.pad(count.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
        self.worth = np.pad(worth.cumsum(0).cumsum(1), ((1, 0), (1, 0)))

    def _window(self, table, lon, lat, dlon, dlat):
        h, w = table.shape[0] - 1, table.shape[1] - 1
        lo_x = np.clip(np.floor((lon - dlon) / self.cell) - self.x0, 0, w).astype(int)
        hi_x = np.clip(np.floor((lon + dlon) / self.cell) - self.x0 + 1, 0, w)
        lo_y = np.clip(np.floor((lat - dlat) / self.cell) - self.y0, 0, h).astype(int)
        hi_y = np.clip(np.floor((lat + dlat) / self.cell) - self.y0 + 1, 0, h)
        hi_x, hi_y = hi_x.astype(int), hi_y.astype(int)
        return (
            table[hi_y, hi_x]
            - table[lo_y, hi_x]
            - table[hi_y, lo_x]
            + table[lo_y, lo_x]
        )

    def segments_in(self, box: tuple[float, float, float, float]) -> int:
        """About how many walkable segments a region graph of `box` loads."""
        min_lon, min_lat, max_lon, max_lat = box
        lon = np.array([(min_lon + max_lon) / 2])
        lat = np.array([(min_lat + max_lat) / 2])
        got = self._window(
            self.count, lon, lat, (max_lon - min_lon) / 2, (max_lat - min_lat) / 2
        )
        return int(got[0])

    def worth_near(
        self, lons: np.ndarray, lats: np.ndarray, radius_m: float
    ) -> np.ndarray:
        """Per point: the worth of the trail within about `radius_m` (a square)."""
        dlat = radius_m / 111_320.0
        dlon = dlat / np.maximum(np.cos(np.radians(lats)), 0.01)
        return self._window(self.worth, lons, lats, dlon, dlat)


def _clamped(box: tuple[float, float, float, float]) -> tuple[float, ...]:
    return (
        max(box[0], -180.0),
        max(box[1], -90.0),
        min(box[2], 180.0),
        min(box[3], 90.0),
    )
