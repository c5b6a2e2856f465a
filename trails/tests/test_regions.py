"""Every real region in ../shared/data, parsed into a network (no database), measured.

- every segment is as long as it says, by a haversine written here (not the one the
  network builder uses);
- no two segments cover the same ground: OSM draws a path and a track on the same
  nodes as two ways, and a network that keeps both offers "different" trails that
  are one. `overlapping_pairs` finds them by position, whatever their ids.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from trails.formats import read_network
from trails.ground import overlapping_pairs

# (id, file, trailheads file) under the shared data folder.
REGIONS = [
    ("andorra", "andorra-osm/andorra-2021-06-22.osm.pbf", None),
    (
        "colorado-state-forest",
        "colorado-state-forest/trails.geojson",
        "colorado-state-forest/rec-symbols.geojson",
    ),
    ("beatty", "osm-regions/beatty.osm", None),
    ("krems", "osm-regions/krems.osm.gz", None),
    ("lauf", "osm-regions/lauf-200115.osm.pbf", None),
    ("north-bayreuth", "osm-regions/north-bayreuth.osm.gz", None),
    ("oslo-east", "osm-regions/oslo-east-filtered.osm.pbf", None),
]
IDS = [name for name, _, _ in REGIONS]
LENGTH_TOLERANCE = 0.005
OVERLAP_TOLERANCE_M = 2.0
OVERLAP_MIN_M = 20.0


def haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Metres on a sphere of the mean Earth radius: the textbook formula."""
    r = 6_371_008.8
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * r * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def networks(shared_data: Path):
    """Each region parsed once for the module, on first use."""
    parsed: dict = {}

    def get(name: str):
        if name not in parsed:
            _, path, trailheads = next(r for r in REGIONS if r[0] == name)
            parsed[name] = read_network(
                shared_data / path,
                trailheads=shared_data / trailheads if trailheads else None,
            ).network
        return parsed[name]

    return get


@pytest.mark.parametrize("region", IDS)
def test_every_segment_is_as_long_as_it_says(networks, region):
    network = networks(region)
    assert network.segments
    wrong = []
    for s in network.segments:
        measured = sum(
            haversine(a[0], a[1], b[0], b[1]) for a, b in zip(s.coords, s.coords[1:])
        )
        if abs(s.length_m - measured) > LENGTH_TOLERANCE * measured + 0.01:
            wrong.append((s.key, s.length_m, round(measured, 2)))
    assert not wrong, f"{len(wrong)} segments misstate their length: {wrong[:5]}"


@pytest.mark.parametrize("region", IDS)
def test_no_two_segments_cover_the_same_ground(networks, region):
    segments = networks(region).segments
    pairs = overlapping_pairs(
        [s.coords for s in segments], OVERLAP_TOLERANCE_M, OVERLAP_MIN_M
    )
    worst = sorted(pairs, key=lambda p: -p[2])[:5]
    shown = [(segments[i].key, segments[j].key, metres) for i, j, metres in worst]
    assert not pairs, (
        f"{len(pairs)} pairs of segments share {sum(p[2] for p in pairs):,.0f} m "
        f"of ground; the longest: {shown}"
    )
