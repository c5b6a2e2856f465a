"""The trail network as the readers give it and as it is built.

The readers (`trails/osm.py`, `trails/geojson.py`, `trails/gpx.py`) give `RawWay`
lines, `RawPoint` places and `RawRoute` waymarked routes; `trails/topology.py`
builds them into a `Network` of trails, junctions, segments and places. Here are
those types, the kinds of trail and place, and the flags that leave a line out of
planning. No Django here: this module is tested on plain data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from trails.geo import LonLat

# Trail kinds. Connectors are roads that join trails up; the planner walks them
# only when it must.
FOOT_KINDS = ("path", "footway", "track", "bridleway", "steps")
CONNECTOR_KINDS = ("road",)
TRAIL_KINDS = FOOT_KINDS + CONNECTOR_KINDS

TRAILHEAD_KINDS = ("trailhead", "parking")
CAMP_KINDS = ("camp_site", "alpine_hut", "wilderness_hut", "shelter")
PLACE_KINDS = TRAILHEAD_KINDS + CAMP_KINDS
# What a file may say of a hut or campsite (Campsite's fields of the same names).
CAMP_DETAILS = ("website", "capacity", "fee", "staffed", "opening_hours")

DEFAULT_ATTACH_M = 350.0

# Why a line is left out of planning (see trails/osm.py for the tags behind each).
FLAGS = {
    "no_foot": "Walking not allowed (foot=no, private or use_sidepath)",
    "private": "Private or no access, with no exception for walkers",
    "bike_downhill": "One-way bike or downhill line (bike park)",
    "invisible": "No trail visible on the ground",
    "road_tunnel": "Road tunnel without a sidewalk or foot permission",
}
# Waymarked walking routes: OSM route=* values, and network=* values kept.
ROUTE_KINDS = {"hiking", "foot", "walking"}
ROUTE_NETWORKS = {"iwn", "nwn", "rwn", "lwn"}  # international .. local
# Most walkable first: what a stretch that several lines share is walked as.
KIND_ORDER = {
    kind: n
    for n, kind in enumerate(("path", "footway", "steps", "bridleway", "track", "road"))
}


@dataclass(slots=True)
class RawWay:
    """One line as a file describes it, before it is split at junctions."""

    source_id: str
    coords: list[LonLat]
    name: str = ""
    kind: str = "path"
    difficulty: int | None = None  # 1 (easy) .. 6, following OSM sac_scale
    vertex_ids: list[str] | None = None  # stable vertex identities, e.g. OSM nodes
    elevations: list[float | None] | None = None  # metres, aligned with coords
    # Set when a file stores a trail as several lines, one per segment (our own
    # export): the lines are grouped into this trail and keep their own ids.
    trail_id: str | None = None
    closed_reason: str = ""  # non-empty: the line is closed (washed out, ...)
    # Non-empty: why hikers should not walk it (a key of FLAGS); planning leaves
    # it out unless staff override it.
    flag: str = ""
    # Staff decided hikers may walk it despite the flag (our export writes it);
    # the importer sets it only on trails it creates.
    flag_override: bool = False
    # Fields staff changed (our export writes them): the importer sets them only
    # on trails it creates, as it does flag_override, so a restore keeps them.
    staff_fields: list[str] = field(default_factory=list)
    routes: list[str] = field(default_factory=list)  # RawRoute.source_id it is on
    # Other names the same ground goes by (our export writes them).
    also_names: list[str] = field(default_factory=list)


# What a route says about itself beyond its id (RawRoute's fields, the model's).
ROUTE_FIELDS = ("name", "ref", "network", "colour", "symbol", "operator")


@dataclass
class RawRoute:
    """A waymarked walking route: an OSM route relation, or a GeoJSON `route`."""

    source_id: str
    name: str = ""
    ref: str = ""
    network: str = ""  # iwn, nwn, rwn or lwn: international .. local
    colour: str = ""
    symbol: str = ""  # osmc:symbol, e.g. "red:white:red_bar"
    operator: str = ""


@dataclass
class RawPoint:
    source_id: str
    lon: float
    lat: float
    name: str = ""
    kind: str = "trailhead"
    ele: float | None = None
    junction: str | None = None  # the vertex it attaches to, when the file says
    staff_fields: list[str] = field(default_factory=list)  # as RawWay's
    # a bed's details (`CAMP_DETAILS`), where the file gives them
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Trail:
    key: str
    name: str
    kind: str
    difficulty: int | None
    flag: str = ""
    flag_override: bool = False
    staff_fields: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Junction:
    key: str
    lon: float
    lat: float
    ele: float | None = None


@dataclass(slots=True)
class Segment:
    key: str
    trail: str  # Trail.key
    start: str  # Junction.key at coords[0]
    end: str  # Junction.key at coords[-1]
    coords: list[LonLat]
    length_m: float
    elevations: list[float | None] | None = None
    closed_reason: str = ""
    flag: str = ""  # the owning line's: set only when every line here is flagged
    names: list[str] = field(default_factory=list)  # other lines' names
    routes: list[str] = field(default_factory=list)  # RawRoute.source_id, sorted
    shared: int = 1  # how many lines run over this ground


@dataclass(slots=True)
class Place:
    key: str
    name: str
    kind: str
    lon: float
    lat: float
    ele: float | None = None
    junction: str | None = None
    attach_m: float | None = None
    staff_fields: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Network:
    trails: list[Trail] = field(default_factory=list)
    junctions: dict[str, Junction] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    routes: list[RawRoute] = field(default_factory=list)
    skipped_ways: int = 0

    @property
    def length_m(self) -> float:
        return sum(s.length_m for s in self.segments)

    def components(self) -> list[tuple[int, float]]:
        """(junction count, metres) of each connected component, largest first."""
        return components((s.start, s.end, s.length_m) for s in self.segments)

    def summary(self) -> dict[str, float | int]:
        comps = self.components()
        trailheads = [p for p in self.places if p.kind in TRAILHEAD_KINDS]
        camps = [p for p in self.places if p.kind in CAMP_KINDS]
        return {
            "trails": len(self.trails),
            "segments": len(self.segments),
            "junctions": len(self.junctions),
            "trailheads": len(trailheads),
            "trailheads_unattached": sum(1 for p in trailheads if not p.junction),
            "campsites": len(camps),
            "campsites_unattached": sum(1 for p in camps if not p.junction),
            "km": round(self.length_m / 1000, 1),
            "components": len(comps),
            "largest_component_km": round(comps[0][1] / 1000, 1) if comps else 0.0,
            "routes": len(self.routes),
            "route_km": _km(s for s in self.segments if s.routes),
            "merged_km": _km(s for s in self.segments if s.shared > 1),
            "flagged_km": _km(s for s in self.segments if s.flag),
        }

    def flagged_km(self) -> dict[str, float]:
        """Kilometres of flagged ground by reason."""
        by: defaultdict[str, float] = defaultdict(float)
        for s in self.segments:
            if s.flag:
                by[s.flag] += s.length_m
        return {flag: round(m / 1000, 1) for flag, m in sorted(by.items())}


def _km(segments: Iterable[Segment]) -> float:
    return round(sum(s.length_m for s in segments) / 1000, 1)


def components(edges: Iterable[tuple[str, str, float]]) -> list[tuple[int, float]]:
    """Connected components of an edge list, as (node count, total length)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    edge_list = list(edges)
    for a, b, _ in edge_list:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    nodes: Counter[str] = Counter(find(x) for x in list(parent))
    length: defaultdict[str, float] = defaultdict(float)
    for a, _, metres in edge_list:
        length[find(a)] += metres
    return sorted(
        ((nodes[root], length[root]) for root in nodes), key=lambda c: (-c[1], -c[0])
    )


def position_key(lon: float, lat: float) -> str:
    return f"p{lon:.7f},{lat:.7f}"
