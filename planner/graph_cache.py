"""Which part of the network a plan loads, and the prepared graphs a process keeps.

`regions.py` turns a box of rows into a graph; this module decides the box (the
trailheads' reach, trimmed to the best trailheads when a long drive's range holds
too much network, using `density.py`) and keeps the last few boxes' graphs,
prepared for the solver (`GRAPHS`), keyed by the data version of their ground.
"""

from __future__ import annotations

import gc
import math
import threading
from collections import OrderedDict
from typing import Any

import numpy as np

from planner import density
from planner.regions import load_graph
from planner.solver import Prepared, costs, prepare, warm
from trails.geo import degrees_for_metres, haversine_m
from trails.memory import collector_paused
from trails.models import Campsite, DataVersion, Trailhead

Box = tuple[float, float, float, float]
GRAPH_GRID_DEG = 0.1  # regions snap outward to this grid so nearby plans share one
# A plan whose range holds more network than this loads only the part around the
# best trailheads (`around_best`); one that would still need more is refused.
# Loading and preparing take about 50 us a segment (a cold 100-mile plan over 25
# copies of the demo region: 19,000 segments at 25,000, 1.5-2.0 s, its first walk
# 1.3% short; 6,351 at 12,000, 0.9-1.0 s, within 1%), and the default budget
# searches a dozen trailheads whatever is loaded. Oslo's 10-mile range (16,900
# segments) is trimmed to its best trailheads, with no measurable change to its
# walks (`bench/variants.py oslo-east`, docs/benchmarks.md).
LOAD_SEGMENTS = 12_000
MAX_SEGMENTS = 150_000
CANDIDATES = 500  # the best trailheads considered for a trimmed region
# A worker keeps at most four region graphs and at most this many segments in
# them (about 100 MB per 40,000 segments, lines left in the database), the newest
# always: its memory does not grow with the data.
GRAPH_CACHE_SEGMENTS = 120_000


class TooMuchNetwork(Exception):
    """Even the best trailheads' region holds more network than a plan searches."""


def region_to_load(
    trailheads: list[tuple[Trailhead, float]], hike_m: float
) -> tuple[list[tuple[Trailhead, float]], Box]:
    """The trailheads to plan from and the box that holds their loops: all of
    them, or when their region is too big the best of them (`around_best`).
    Raises TooMuchNetwork when even that is more than `MAX_SEGMENTS`."""
    box = region(trailheads, hike_m)
    grid = density.Grid(box)
    if grid.segments_in(box) > LOAD_SEGMENTS:
        trailheads = around_best(trailheads, hike_m, grid)
        box = region(trailheads, hike_m)
        if grid.segments_in(box) > MAX_SEGMENTS:
            raise TooMuchNetwork(box)
    return trailheads, box


def region(trailheads: list[tuple[Trailhead, float]], hike_m: float) -> Box:
    """The box that holds every loop of this length from these trailheads.

    A loop of length L never strays more than L/2 from its start.
    """
    lons = [th.lon for th, _ in trailheads]
    lats = [th.lat for th, _ in trailheads]
    return _around((min(lons), min(lats), max(lons), max(lats)), hike_m)


def _around(box: Box, hike_m: float) -> Box:
    """`box` widened by half the walk (and 500 m), snapped out to the graph grid."""
    lat = max(abs(box[1]), abs(box[3]))
    dlon, dlat = degrees_for_metres(hike_m / 2 + 500, lat)
    g = GRAPH_GRID_DEG

    def down(x: float) -> float:
        return round((x // g) * g, 6)

    def up(x: float) -> float:
        return round(-((-x) // g) * g, 6)

    return (
        down(box[0] - dlon),
        down(box[1] - dlat),
        up(box[2] + dlon),
        up(box[3] + dlat),
    )


def around_best(
    trailheads: list[tuple[Trailhead, float]], hike_m: float, grid: density.Grid
) -> list[tuple[Trailhead, float]]:
    """The best trailheads in range whose network fits, for plans whose whole
    range is too much network to load.

    Each trailhead's worth is the trail within a loop's radius of it (from the
    density grid), capped at three times the length asked for (more than that
    does not make a better loop), less the drive's cost. The best one and its
    neighbours within a quarter of the length (3 to 15 km) are searched; then,
    in order of worth, each of the best `CANDIDATES` joins when the region
    around all chosen so far still holds at most `LOAD_SEGMENTS` segments, so
    the solver has as many good trailheads to choose between as fit."""
    lons = np.array([th.lon for th, _ in trailheads])
    lats = np.array([th.lat for th, _ in trailheads])
    drive = np.array([d for _, d in trailheads])
    radius = min(max(hike_m / (2 * math.pi), 1000.0), 8000.0)
    worth = np.minimum(grid.worth_near(lons, lats, radius), 3 * hike_m)
    order = np.argsort(-(worth - costs.DRIVE * drive), kind="stable")[:CANDIDATES]
    first = int(order[0])
    reach = min(max(hike_m / 4, 3000.0), 15_000.0)
    near = [
        i
        for i in range(len(trailheads))
        if haversine_m(lons[first], lats[first], lons[i], lats[i]) <= reach
    ]
    chosen = set(near)
    box = (lons[near].min(), lats[near].min(), lons[near].max(), lats[near].max())
    for i in order.tolist():
        if i in chosen:
            continue
        wider = (
            min(box[0], lons[i]),
            min(box[1], lats[i]),
            max(box[2], lons[i]),
            max(box[3], lats[i]),
        )
        if grid.segments_in(_around(wider, hike_m)) <= LOAD_SEGMENTS:
            box = wider
            chosen.add(i)
    return [trailheads[i] for i in sorted(chosen)]  # nearest first, as given


def _contains(outer: tuple, inner: tuple) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and outer[2] >= inner[2]
        and outer[3] >= inner[3]
    )


class GraphCache:
    """The last few regions' graphs, prepared for the solver, per process: at
    most `size` of them and `segments` segments in all, the newest always kept.

    Keyed by region and the data version of that region (`DataVersion.of`): an
    edit makes the graphs that cover its ground stale, and only those. A cached
    region that contains the one asked for serves it (its network is a
    superset), so nearby questions with other lengths share one graph.

    The graphs are half a million long-lived objects; Python's full garbage
    collection walking them took 0.2 s, landing in the middle of solves. They are
    moved out of the collector's sight (`gc.freeze`) once loaded, and brought back
    for one collection when an entry is dropped, so nothing cyclic leaks.
    """

    def __init__(self, size: int = 4, segments: int = GRAPH_CACHE_SEGMENTS):
        self.size = size
        self.segments = segments
        self.items: OrderedDict[tuple, tuple[Prepared, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def _find(self, box: tuple) -> tuple[Prepared, Any] | None:
        with self.lock:
            around = [key for key in reversed(self.items) if _contains(key[0], box)]
        for key in around:
            fresh = DataVersion.of(key[0]) == key[1]
            with self.lock:
                entry = self.items.get(key)
                if entry is not None and fresh:
                    self.items.move_to_end(key)
                    return entry
                if entry is not None:
                    del self.items[key]  # its ground changed since it was loaded
        return None

    def get(self, box: tuple) -> tuple[Prepared, Any]:
        found = self._find(box)
        if found is not None:
            return found
        # read before loading: an edit made while loading leaves this one stale
        version = DataVersion.of(box)
        # no collection while the graph's objects are made, as in an import:
        # Oslo's 16,500 segments 0.86 -> 0.50 s (bench/graph_bench.py)
        with collector_paused():
            graph = load_graph(*box)
            keep = set(
                Trailhead.objects.in_bbox(*box)
                .attached()
                .values_list("junction_id", flat=True)
            ) | set(
                Campsite.objects.in_bbox(*box)
                .filter(junction__isnull=False)
                .values_list("junction_id", flat=True)
            )
            prepared = prepare(graph, keep=[n for n in keep if n in graph])
            warm(prepared)  # outside the solver's budget, once per cached region
        entry = (prepared, graph)
        with self.lock:
            self.items[(box, version)] = entry
            evicted = False
            while len(self.items) > 1 and (
                len(self.items) > self.size or self._held() > self.segments
            ):
                self.items.popitem(last=False)
                evicted = True
            if evicted:
                gc.unfreeze()
                gc.collect()
            gc.freeze()
        return entry

    def _held(self) -> int:
        return sum(g.graph.get("segments", 0) for _, g in self.items.values())

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            gc.unfreeze()


GRAPHS = GraphCache()
