"""Loops from shortest-path trees (planner/solver/trees.py) on a hand-drawn grid.

A grid of town blocks is the compact network where a long loop must wind about:
two cheapest ways out and back cannot make it, three legs and a detour can.
"""

from __future__ import annotations

import time

import pytest

from planner.graph import EdgeRecord, build_graph
from planner.solver import prepare
from planner.solver.trees import link_arrays, tree_loops, via_loops

SIDE = 6  # junctions along each side
BLOCK_M = 500.0
DEG = BLOCK_M / 111_000  # a block in degrees, near enough at the equator


def grid():
    def node(i, j):
        return f"{i},{j}"

    edges = []
    for i in range(SIDE):
        for j in range(SIDE):
            for di, dj in ((1, 0), (0, 1)):
                if i + di < SIDE and j + dj < SIDE:
                    u, v = node(i, j), node(i + di, j + dj)
                    edges.append(
                        EdgeRecord(
                            segment_id=f"{u}-{v}",
                            start=u,
                            end=v,
                            length=BLOCK_M,
                            coords=[
                                (i * DEG, j * DEG),
                                ((i + di) * DEG, (j + dj) * DEG),
                            ],
                            trail="",
                            kind="path",
                        )
                    )
    nodes = [
        (node(i, j), i * DEG, j * DEG, None) for i in range(SIDE) for j in range(SIDE)
    ]
    return build_graph(nodes, edges, {})


@pytest.fixture(scope="module")
def corner():
    prep = prepare(grid(), keep=["0,0"])  # a corner: kept as a trailhead
    return link_arrays(prep, prep.layer(None)), prep.index["0,0"]


def walk_of(arrays, root, loop) -> float:
    """The loop's metres, checked to be a closed walk from `root` that uses no
    link twice."""
    ids = [lid for lid, _ in loop.hops]
    assert len(set(ids)) == len(ids), "a link walked twice"
    at, metres = root, 0.0
    for lid, forward in loop.hops:
        k = arrays.pos[lid]
        a, b = int(arrays.a[k]), int(arrays.b[k])
        start, end = (a, b) if forward else (b, a)
        assert start == at, "the walk jumps"
        at, metres = end, metres + float(arrays.length[k])
    assert at == root, "the walk does not come home"
    return metres


def test_a_long_loop_in_a_grid_needs_more_than_two_cheapest_ways(corner):
    arrays, root = corner
    assert tree_loops(arrays, root, 14_400, 17_600, 0) == []


def test_via_loops_turn_at_two_junctions_and_take_detours_to_come_to_length(corner):
    arrays, root = corner
    loops = via_loops(
        arrays, root, 14_400, 17_600, 0, near=(16_000, 160), min_junctions=0
    )
    assert loops
    for loop in loops:
        metres = walk_of(arrays, root, loop)
        assert loop.length == pytest.approx(metres)
        assert 14_400 <= metres <= 17_600


def test_via_loops_leave_a_small_network_to_the_depth_first_search(corner):
    arrays, root = corner
    assert via_loops(arrays, root, 14_400, 17_600, 0, near=(16_000, 160)) == []


def test_via_loops_past_their_time_limit_try_no_more_turns(corner):
    arrays, root = corner
    ask = dict(near=(16_000, 160), min_junctions=0)
    assert via_loops(
        arrays, root, 14_400, 17_600, 0, until=time.perf_counter() + 60, **ask
    )
    assert (
        via_loops(arrays, root, 14_400, 17_600, 0, until=time.perf_counter(), **ask)
        == []
    )
