"""Read the walkable network out of an OpenStreetMap file (.osm.pbf or .osm XML).

What a hiker can walk: paths, footways that are not sidewalks or crossings, tracks,
bridleways and steps. Minor roads come along as connectors (kind "road"): real
mountain networks join up through them, and the planner walks them only when it must.
Ways without motor traffic that walkers are meant to use are footways, not roads: a
pedestrian street, and a cycleway shared with walkers (foot=designated, yes,
permissive or official: a town's shared foot and cycle path, Norway's "gang- og
sykkelvei", Germany's "Geh- und Radweg"). A cycleway that does not say walkers may
use it stays a road (in some countries, Austria's among them, they may not).
Areas (a square drawn as a closed way) are left out. Ways keep their OSM node ids,
so junctions are exactly the shared nodes.

Ways a hiker should not walk are kept but *flagged* (`way_flag`), so staff see them
and can override the flag per trail; planning leaves flagged ways out. Following
OSM's access conventions (https://wiki.openstreetmap.org/wiki/Key:access), a more
specific key wins over a general one, so `foot=*` decides when it is given:
- `no_foot`: foot=no, private or use_sidepath (walk the sidewalk beside it);
- `private`: access=no, private, or a use class that excludes walkers (agricultural,
  forestry, delivery, customers, military), without foot=yes/designated/permissive;
- `bike_downhill`: a one-way line for bikes (bicycle or mtb designated, an mtb:scale,
  mtb:type=downhill) without a foot permission. One-way does not bind walkers in
  OSM, so a one-way line with bikes on it is a bike-park or downhill line: walking
  it means meeting riders head-on (Skippy Track, Flow, Speed in Andorra);
- `invisible`: trail_visibility=no or horrible: no path on the ground to follow;
- `road_tunnel`: a motor road in a tunnel (tunnel=yes) with neither a foot
  permission nor a sidewalk: a walker shares a dark tube with the traffic, and an
  underground car park's ramps run under the streets a loop already walks.
  Underpasses for walkers (footways, pedestrian streets, cycleways) stay.

Waymarked routes are route relations with route=hiking, foot or walking (type
route or superroute); a super-route is on every way its member routes are on.

Trailheads are `highway=trailhead` nodes and parking areas (nodes, or closed ways by
their centre); campsites, huts and shelters likewise. A file that
holds one of these objects twice under the same id (two extracts joined by hand) is
refused: which copy is right cannot be told.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import osmium
import osmium.filter

from trails import camps
from trails.camps import Tags
from trails.errors import ParseError
from trails.network import ROUTE_KINDS, ROUTE_NETWORKS, RawPoint, RawRoute, RawWay

FOOT_HIGHWAYS = {
    "path": "path",
    "footway": "footway",
    "track": "track",
    "bridleway": "bridleway",
    "steps": "steps",
}
CONNECTOR_HIGHWAYS = {
    "unclassified",
    "residential",
    "service",
    "living_street",
    "pedestrian",
    "cycleway",
    "tertiary",
}
NOT_TRAILS = {"footway": {"sidewalk", "crossing"}}
SAC_SCALE = {
    "hiking": 1,
    "mountain_hiking": 2,
    "demanding_mountain_hiking": 3,
    "alpine_hiking": 4,
    "demanding_alpine_hiking": 5,
    "difficult_alpine_hiking": 6,
}
FOOT_ALLOWED = {"yes", "designated", "permissive", "official"}
FOOT_FORBIDDEN = {"no", "private", "use_sidepath"}
ACCESS_FORBIDDEN = {"no", "private"}
# Use classes that, by OSM's access rules, leave walkers out too.
ACCESS_FOR_OTHERS = {"agricultural", "forestry", "delivery", "customers", "military"}
ONEWAY = {"yes", "1", "true", "-1"}
INVISIBLE = {"no", "horrible"}
MOTOR_ROADS = {"unclassified", "residential", "service", "tertiary"}
SIDEWALKS = {"both", "left", "right", "yes", "separate"}
CAMP_TAGS = {
    ("tourism", "camp_site"): "camp_site",
    ("tourism", "alpine_hut"): "alpine_hut",
    ("tourism", "wilderness_hut"): "wilderness_hut",
    ("amenity", "shelter"): "shelter",
}

WANTED_KEYS = ("highway", "amenity", "tourism", "route")

Progress = Callable[[str], None]


def way_kind(tags: Tags) -> str | None:
    """The trail kind of a way with these tags, or None when hikers can't use it."""
    highway = tags.get("highway")
    if highway in FOOT_HIGHWAYS:
        if tags.get("footway") in NOT_TRAILS.get(highway, ()):
            return None
        kind = FOOT_HIGHWAYS[highway]
    elif highway in CONNECTOR_HIGHWAYS:
        kind = "footway" if _for_walkers(highway, tags) else "road"
    else:
        return None
    if tags.get("area") == "yes":
        return None
    return kind


def _for_walkers(highway: str, tags: Tags) -> bool:
    """Whether a way of the connector highways carries no motor traffic and is
    meant for walkers (the module docstring says which)."""
    if highway == "pedestrian":
        return True
    return highway == "cycleway" and tags.get("foot") in FOOT_ALLOWED


def way_flag(tags: Tags) -> str:
    """Why hikers should not walk a way with these tags ("" when they may); the
    module docstring gives the rules."""
    foot = tags.get("foot")
    if foot in FOOT_FORBIDDEN:
        return "no_foot"
    if foot in FOOT_ALLOWED:
        allowed = True
    else:
        allowed = False
        access = tags.get("access")
        if access in ACCESS_FORBIDDEN or access in ACCESS_FOR_OTHERS:
            return "private"
    bikes = (
        tags.get("bicycle") == "designated"
        or tags.get("mtb") == "designated"
        or "mtb:scale" in tags
        or tags.get("mtb:type") == "downhill"
    )
    if bikes and tags.get("oneway") in ONEWAY and not allowed:
        return "bike_downhill"
    if tags.get("trail_visibility") in INVISIBLE:
        return "invisible"
    if (
        tags.get("highway") in MOTOR_ROADS
        and tags.get("tunnel") == "yes"
        and not allowed
        and tags.get("sidewalk") not in SIDEWALKS
    ):
        return "road_tunnel"
    return ""


def place_kind(tags: Tags) -> str | None:
    if tags.get("highway") == "trailhead":
        return "trailhead"
    if tags.get("amenity") == "parking":
        if tags.get("access") in ACCESS_FORBIDDEN:
            return None
        return "parking"
    for (key, value), kind in CAMP_TAGS.items():
        if tags.get(key) == value:
            if kind == "shelter" and not camps.is_bed(tags):
                return None  # a bus stop or a picnic roof: no bed
            return kind
    return None


def _details(kind: str, tags: osmium.osm.TagList) -> dict:
    """A hut's or campsite's website, capacity, fee... (`trails/camps.py`)."""
    if kind not in CAMP_TAGS.values():
        return {}
    return camps.details({k: tags.get(k) for k in camps.TAG_KEYS if k in tags})


def _name(tags: Tags) -> str:
    return tags.get("name") or tags.get("ref") or ""


class _Reader(osmium.SimpleHandler):
    def __init__(self, progress: Progress | None):
        super().__init__()
        self.ways: list[RawWay] = []
        self.points: list[RawPoint] = []
        self.relations: dict[int, tuple[RawRoute, list[int], list[int]]] = {}
        self.progress = progress
        self.seen = 0
        self.ids: set[str] = set()
        self.repeated: list[str] = []

    def _first_time(self, source_id: str) -> bool:
        """Whether this is the first object with this id; repeats are noted."""
        if source_id in self.ids:
            self.repeated.append(source_id)
            return False
        self.ids.add(source_id)
        return True

    def node(self, n: osmium.osm.Node) -> None:
        tags = n.tags
        kind = place_kind(tags)
        if kind and n.location.valid() and self._first_time(f"n{n.id}"):
            ele = _float(tags.get("ele"))
            self.points.append(
                RawPoint(
                    f"n{n.id}",
                    n.location.lon,
                    n.location.lat,
                    _name(tags),
                    kind,
                    ele,
                    details=_details(kind, tags),
                )
            )

    def way(self, w: osmium.osm.Way) -> None:
        self.seen += 1
        if self.progress and self.seen % 5000 == 0:
            self.progress(f"{self.seen} ways read")
        tags = w.tags
        kind = way_kind(tags)
        if kind:
            coords, ids = [], []
            for ref in w.nodes:
                if ref.location.valid():  # extracts cut ways at their border
                    coords.append((ref.location.lon, ref.location.lat))
                    ids.append(f"n{ref.ref}")
            if len(coords) >= 2 and self._first_time(f"w{w.id}"):
                self.ways.append(
                    RawWay(
                        source_id=f"w{w.id}",
                        coords=coords,
                        name=_name(tags),
                        kind=kind,
                        difficulty=SAC_SCALE.get(tags.get("sac_scale") or ""),
                        vertex_ids=ids,
                        flag=way_flag(tags),
                    )
                )
            return
        place = place_kind(tags)
        if place and w.is_closed():
            centre = _centre(w)
            if centre and self._first_time(f"w{w.id}"):
                self.points.append(
                    RawPoint(
                        f"w{w.id}",
                        *centre,
                        _name(tags),
                        place,
                        _float(tags.get("ele")),
                        details=_details(place, tags),
                    )
                )

    def relation(self, r: osmium.osm.Relation) -> None:
        tags = r.tags
        if tags.get("type") not in ("route", "superroute"):
            return
        if tags.get("route") not in ROUTE_KINDS:
            return
        network = tags.get("network", "")
        route = RawRoute(
            source_id=f"r{r.id}",
            name=tags.get("name") or "",
            ref=tags.get("ref") or "",
            network=network if network in ROUTE_NETWORKS else "",
            colour=tags.get("colour") or "",
            symbol=tags.get("osmc:symbol") or "",
            operator=tags.get("operator") or "",
        )
        ways = [m.ref for m in r.members if m.type == "w"]
        children = [m.ref for m in r.members if m.type == "r"]
        self.relations[r.id] = (route, ways, children)

    def routes(self) -> tuple[list[RawRoute], dict[int, list[str]]]:
        """The routes, and the routes each way is on (super-routes included)."""
        on: dict[int, list[str]] = {}
        for rid, (route, _, _) in self.relations.items():
            for way_id in self._ways_of(rid, set()):
                on.setdefault(way_id, []).append(route.source_id)
        return [route for route, _, _ in self.relations.values()], on

    def _ways_of(self, rid: int, seen: set[int]) -> list[int]:
        # A relation that (through others) contains itself is walked once.
        seen.add(rid)
        _, ways, children = self.relations[rid]
        out = list(ways)
        for child in children:
            if child in self.relations and child not in seen:
                out += self._ways_of(child, seen)
        return out


def _centre(w: osmium.osm.Way) -> tuple[float, float] | None:
    """Mean of a closed way's distinct vertices: inside for the small convex
    polygons that parking lots and campsites are."""
    pts = [(n.location.lon, n.location.lat) for n in w.nodes if n.location.valid()]
    pts = pts[:-1]  # closed: the last vertex repeats the first
    if not pts:
        return None
    return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)


def _float(text: str | None) -> float | None:
    try:
        value = float((text or "").replace("m", "").strip())
    except ValueError:
        return None
    return value if -500 < value < 9000 else None


def parse_osm(
    path: str | Path, fmt: str = "pbf", progress: Progress | None = None
) -> tuple[list[RawWay], list[RawPoint]]:
    """Parse an OSM file; `fmt` is osmium's format name ("pbf", "osm", "osm.gz")."""
    ways, points, _ = read_osm(path, fmt, progress)
    return ways, points


def read_osm(
    path: str | Path, fmt: str = "pbf", progress: Progress | None = None
) -> tuple[list[RawWay], list[RawPoint], list[RawRoute]]:
    """Ways, places and the waymarked walking routes of an OSM file."""
    reader = _Reader(progress)
    try:
        reader.apply_file(
            osmium.io.File(str(path), fmt),
            locations=True,
            idx="flex_mem",
            # Dropped in C++ after node locations are stored: most nodes carry no
            # tags we read, and a Python call for each costs more than the read.
            filters=[osmium.filter.KeyFilter(*WANTED_KEYS)],
        )
    except (RuntimeError, ValueError, osmium.InvalidLocationError) as exc:
        hint = "; the file ends early: download it again" if "EOF" in str(exc) else ""
        raise ParseError(f"not a readable OpenStreetMap file ({exc}{hint})") from exc
    if reader.repeated:
        first, more = reader.repeated[0], len(reader.repeated) - 1
        kind = "node" if first[0] == "n" else "way"
        raise ParseError(
            f"{kind} {first[1:]} is in the file twice"
            + (f" (and {more:,} more ids repeat)" if more else "")
            + "; an OpenStreetMap file holds each object once: merge extracts "
            "with osmium merge rather than joining the files"
        )
    routes, on = reader.routes()
    names = {r.source_id: r.name or r.ref for r in routes}
    used: set[str] = set()
    for way in reader.ways:
        way.routes = list(dict.fromkeys(on.get(int(way.source_id[1:]), ())))
        used.update(way.routes)
        if not way.name:
            way.name = next((names[r] for r in way.routes if names[r]), "")
    return reader.ways, reader.points, [r for r in routes if r.source_id in used]
