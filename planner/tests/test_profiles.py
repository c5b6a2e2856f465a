"""Elevation profiles on one scale, with axes in the hiker's units and day splits."""

import re

import pytest
from django.urls import reverse

from planner.profiles import LEFT, RIGHT, H, W, chart, scale
from trails.geo import FEET_PER_METRE, METRES_PER_MILE

FOOT = 1 / FEET_PER_METRE


def loop(length, low, high):
    return {
        "length_m": length,
        "profile": [[0, low], [length / 2, high], [length, low]],
    }


def test_every_loop_is_drawn_on_the_same_round_scale():
    loops = [loop(16000, 1200, 2100), loop(19000, 1500, 2500)]
    s = scale(loops, METRES_PER_MILE, FOOT)
    assert s.length_m == 19000
    assert s.low_m <= 1200 and s.high_m >= 2500
    assert s.x_step_m == pytest.approx(2 * METRES_PER_MILE)  # 11.8 mi: 0, 2 ... 10
    assert s.y_step_m == pytest.approx(1000 * FOOT)  # 4,265 ft of relief
    short, long = chart(loops[0]["profile"], [], s), chart(loops[1]["profile"], [], s)
    # The same distance and height land on the same spot in both charts.
    assert short["ticks_x"] == long["ticks_x"] and short["ticks_y"] == long["ticks_y"]
    assert float(short["points"].split()[-1].split(",")[0]) < W - RIGHT - 50
    assert float(long["points"].split()[-1].split(",")[0]) == W - RIGHT
    assert float(long["points"].split()[0].split(",")[0]) == LEFT


def test_kilometres_and_metres_get_their_own_round_ticks():
    s = scale([loop(23000, 900, 1400)], 1000.0, 1.0)
    assert s.x_step_m == 5000 and s.y_step_m in (100, 200, 250)


def test_day_splits_are_drawn_where_each_day_begins():
    s = scale([loop(30000, 1000, 2000)], 1000.0, 1.0)
    drawn = chart(loop(30000, 1000, 2000)["profile"], [10000, 20000], s)
    assert [d["day"] for d in drawn["days"]] == [2, 3]
    assert drawn["days"][0]["x"] == pytest.approx(LEFT + (W - LEFT - RIGHT) / 3, 0.1)
    assert chart(None, [], s) is None and H > 0


def test_the_page_draws_axes_in_the_hikers_units(client, world, shared_data):
    from django.core.management import call_command

    call_command("add_elevation", str(shared_data / "dem" / "N42E001.hgt.zip"))
    # A length no other test asks for: the heights just added do not change the
    # data version, so a page cached before them would be served without them.
    trip = {"start": "Andorra la Vella", "drive": "20", "hike": "12.7"}
    for units, words in (("mi", "Height in feet"), ("km", "Height in metres")):
        page = client.get(reverse("planner:plan"), {**trip, "units": units})
        html = page.content.decode()
        assert html.count('<svg class="profile-chart"') == 3
        assert words in html
        ticks = re.findall(r'text-anchor="middle">([\d.]+)</text>', html)
        assert ticks[0] == "0" and len(ticks) >= 4 * 3
        scales = set(re.findall(r'data-scale-m="([\d.]+)"', html))
        assert len(scales) == 1  # one scale for every alternative
