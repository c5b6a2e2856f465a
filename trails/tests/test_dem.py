"""Elevation from SRTM tiles: the real Andorra tile against the spot checks in its
README, small made-up tiles whose right answer is a formula, climb counting, and
bad tiles. No database."""

from __future__ import annotations

import io
import random
import sys
import time
import zipfile
from array import array

import pytest

from trails.dem import VOID, ElevationModel, Tile, climb
from trails.errors import ParseError

SRTM3 = 1201
LAST = SRTM3 - 1

# (place, lon, lat, nearest sample in metres) from ../shared/data/dem/README.md
SPOT_CHECKS = [
    ("Andorra la Vella", 1.5218, 42.5063, 1024),
    ("Sant Julià de Lòria", 1.4912, 42.4637, 911),
    ("Ordino", 1.5331, 42.5562, 1296),
    ("Pas de la Casa", 1.7333, 42.5425, 2106),
    ("Comapedrosa summit", 1.4442, 42.5917, 2899),
]


def hgt(values: array) -> bytes:
    """The big-endian bytes of a grid of int16 samples, as an .hgt file holds them."""
    grid = array("h", values)
    if sys.byteorder == "little":
        grid.byteswap()
    return grid.tobytes()


def plane(row: int, col: int) -> int:
    """A tilted plane: 1 m per sample southwards, 2 m per sample eastwards."""
    return 1000 + row + 2 * col


def plane_grid() -> array:
    return array("h", (plane(r, c) for r in range(SRTM3) for c in range(SRTM3)))


def flat_tile(name: str, metres: int) -> Tile:
    return Tile.from_bytes(hgt(array("h", [metres]) * (SRTM3 * SRTM3)), name)


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def andorra(shared_data) -> Tile:
    return Tile.load(shared_data / "dem" / "N42E001.hgt.zip")


@pytest.fixture(scope="module")
def sloped() -> Tile:
    return Tile.from_bytes(hgt(plane_grid()), "N10E020.hgt")


@pytest.mark.parametrize("place, lon, lat, metres", SPOT_CHECKS)
def test_andorra_spot_checks_match_the_readme(andorra, place, lon, lat, metres):
    assert andorra.nearest(lon, lat) == metres
    # Bilinear blends the four samples around the place: close to the nearest one.
    assert andorra.elevation(lon, lat) == pytest.approx(metres, abs=10)


def test_the_andorra_tile_loads_with_every_void_filled(andorra):
    assert (andorra.lat0, andorra.lon0, andorra.size) == (42, 1, SRTM3)
    assert andorra.voids_filled == 7652  # as the README counts them
    assert VOID not in andorra.samples
    assert (min(andorra.samples), max(andorra.samples)) == (349, 3100)


def test_the_andorra_box_keeps_the_range_the_readme_gives(andorra):
    # 42.40-42.66 N, 1.41-1.79 E: 762-2911 m with its 325 voids filled, so the
    # fill stays within the terrain around it.
    rows = range(round((43 - 42.66) * LAST), round((43 - 42.40) * LAST) + 1)
    cols = range(round(0.41 * LAST), round(0.79 * LAST) + 1)
    box = [andorra.samples[r * SRTM3 + c] for r in rows for c in cols]
    assert (min(box), max(box)) == (762, 2911)


def test_a_hole_in_a_tilted_plane_is_filled_with_the_plane():
    grid = plane_grid()
    hole = [(r, c) for r in range(500, 506) for c in range(700, 709)]
    for r, c in hole:
        grid[r * SRTM3 + c] = VOID
    tile = Tile.from_bytes(hgt(grid), "N10E020.hgt")
    assert tile.voids_filled == len(hole)
    assert [tile.samples[r * SRTM3 + c] for r, c in hole] == [
        plane(r, c) for r, c in hole
    ]


def test_a_void_in_the_corner_of_a_tile_is_filled_from_its_neighbours():
    grid = plane_grid()
    grid[0] = grid[1] = grid[SRTM3] = VOID
    tile = Tile.from_bytes(hgt(grid), "N10E020.hgt")
    assert VOID not in tile.samples
    assert 1000 <= tile.samples[0] <= plane(2, 2)


def test_elevation_is_bilinear_so_a_plane_comes_back_exactly(sloped):
    random.seed(3)
    for _ in range(200):
        x, y = random.random(), random.random()  # degrees east / south of NW corner
        expected = 1000 + y * LAST + 2 * x * LAST
        assert sloped.elevation(20 + x, 11 - y) == pytest.approx(expected, abs=1e-6)
    assert sloped.elevation(20.0, 11.0) == 1000  # the north-west corner sample
    assert sloped.elevation(21.0, 10.0) == plane(LAST, LAST)  # south-east corner


def test_places_outside_the_tile_have_no_elevation(sloped):
    for lon, lat in [(19.9999, 10.5), (21.0001, 10.5), (20.5, 9.9999), (20.5, 11.01)]:
        assert sloped.elevation(lon, lat) is None
        assert sloped.nearest(lon, lat) is None


def test_the_model_picks_the_tile_that_covers_each_place():
    model = ElevationModel(
        [
            flat_tile("N10E020.hgt", 100),
            flat_tile("N10E021.hgt", 200),
            flat_tile("N11E020.hgt", 300),
        ]
    )
    coords = [(20.5, 10.5), (21.5, 10.5), (20.5, 11.5), (21.5, 11.5), (30.0, 10.0)]
    assert model.sample_line(coords) == [100, 200, 300, None, None]
    # On a whole degree with no tile to the north, the tile to the south has it.
    assert model.elevation(20.5, 12.0) == 300
    assert model.elevation(22.0, 10.5) == 200


def test_a_tile_is_found_by_the_name_of_its_zip_member_when_uploaded_unnamed():
    data = zipped({"S10W070.hgt": hgt(array("h", [5]) * (SRTM3 * SRTM3))})
    tile = Tile.from_bytes(data, "upload-4f2a.bin")
    assert (tile.lat0, tile.lon0) == (-10, -70)
    assert ElevationModel([tile]).elevation(-69.5, -9.5) == 5


def test_sampling_a_hundred_thousand_points_takes_under_two_seconds(andorra):
    random.seed(1)
    coords = [
        (1.41 + 0.38 * random.random(), 42.40 + 0.26 * random.random())
        for _ in range(100_000)
    ]
    model = ElevationModel([andorra])
    started = time.perf_counter()
    profile = model.sample_line(coords)
    assert time.perf_counter() - started < 2.0
    assert all(762 <= e <= 2911 for e in profile)


def test_a_steep_line_climbs_what_the_grid_says(andorra):
    # Andorra la Vella (1024 m) straight up to Comapedrosa (2899 m at the grid).
    start, end = (1.5218, 42.5063), (1.4442, 42.5917)
    steps = 400  # ~30 m apart, a few per grid cell
    coords = [
        (
            start[0] + (end[0] - start[0]) * k / steps,
            start[1] + (end[1] - start[1]) * k / steps,
        )
        for k in range(steps + 1)
    ]
    profile = ElevationModel([andorra]).sample_line(coords)
    ascent, descent = climb(profile)
    net = profile[-1] - profile[0]
    assert net == pytest.approx(2899 - 1024, abs=20)
    assert ascent >= net  # ridges and valleys on the way add to it
    assert ascent - descent == pytest.approx(net, abs=10)
    assert ascent < 2 * net


def test_climb_ignores_noise_of_three_metres_either_way():
    random.seed(7)
    noisy_flat = [1000 + random.uniform(-3, 3) for _ in range(500)]
    assert climb(noisy_flat) == (0.0, 0.0)
    assert climb([1000, 1003, 997, 1003, 997, 1003]) == (0.0, 0.0)
    # With no dead band the same noise would add up to metres of phantom climb.
    assert climb(noisy_flat, threshold_m=0)[0] > 100


def test_climb_counts_a_real_300_m_climb_in_full():
    ramp = [1000 + k for k in range(301)]
    assert climb(ramp) == (300.0, 0.0)
    random.seed(8)
    noisy = [e + random.uniform(-3, 3) for e in ramp]
    ascent, descent = climb(noisy)
    assert ascent == pytest.approx(300, abs=6) and descent == 0


def test_climb_counts_both_ways_and_skips_missing_samples():
    profile = [1000, None, 1150, 1300, None, 1200, 1100, None]
    assert climb(profile) == (300.0, 200.0)
    assert climb([]) == climb([None, None]) == (0.0, 0.0)


def test_climb_ignores_a_bump_inside_the_band_but_counts_one_beyond_it():
    assert climb([1000, 1008, 1000]) == (0.0, 0.0)
    assert climb([1000, 1020, 1000]) == (20.0, 20.0)


def test_bad_tiles_raise_a_parse_error_naming_the_reason(tmp_path):
    good = hgt(array("h", [1]) * (SRTM3 * SRTM3))
    all_void = hgt(array("h", [VOID]) * (SRTM3 * SRTM3))
    cases = [
        (good[:-2], "N42E001.hgt", "2,884,800 bytes is not SRTM"),
        (good, "tile.hgt", "does not give its corner"),
        (good, "N95E001.hgt", "not a place on Earth"),
        (all_void, "N42E001.hgt", "every sample is a void"),
        (zipped({"a.hgt": good, "b.hgt": good}), "N42E001.hgt.zip", "holds 2 .hgt"),
        (zipped({"readme.txt": b"hi"}), "N42E001.hgt.zip", "holds 0 .hgt"),
        (zipped({"N42E001.hgt": good[:100]}), "N42E001.hgt.zip", "not an SRTM size"),
        (b"PK\x03\x04 not really a zip", "N42E001.hgt.zip", "not a readable ZIP"),
    ]
    for data, name, reason in cases:
        with pytest.raises(ParseError) as caught:
            Tile.from_bytes(data, name)
        assert reason in str(caught.value), name
    with pytest.raises(ParseError, match="cannot be read"):
        Tile.load(tmp_path / "N42E001.hgt")


def test_a_file_too_big_to_be_a_tile_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "N42E001.hgt"
    with open(path, "wb") as fh:
        fh.truncate(30_000_000)  # sparse: costs no disk
    with pytest.raises(ParseError, match="over the limit"):
        Tile.load(path)
