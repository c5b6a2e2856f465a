"""Cutting a stretch out of a line: where an out-and-back turns along a trail."""

import pytest

from trails.geo import line_length_m, part_of_line

# due east along 42 N, about 83 m between vertices, climbing 100 m each
LINE = [(1.0, 42.0, 100.0), (1.001, 42.0, 200.0), (1.002, 42.0, 300.0)]


def test_a_stretch_of_a_line_ends_where_its_share_of_the_length_is():
    out = part_of_line(LINE, 0.0, 0.75)
    assert out[:2] == [LINE[0], LINE[1]]
    assert out[-1] == pytest.approx((1.0015, 42.0, 250.0))
    assert line_length_m(out) == pytest.approx(0.75 * line_length_m(LINE))


def test_a_stretch_asked_for_backwards_is_walked_backwards():
    back = part_of_line(LINE, 0.75, 0.0)
    assert back == part_of_line(LINE, 0.0, 0.75)[::-1]
    inner = part_of_line(LINE, 0.25, 0.75)
    assert inner[0] == pytest.approx((1.0005, 42.0, 150.0))
    assert inner[1] == LINE[1] and inner[-1] == pytest.approx((1.0015, 42.0, 250.0))
