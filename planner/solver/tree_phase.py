"""The tree phase: before the depth-first search, loops made of two cheapest
ways from each searched trailhead (`trees.py`) seed the pool, so the search
starts with good picks and tight caps.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from planner.solver.cheapest import link_arrays
from planner.solver.search import Search, Task
from planner.solver.trees import tree_loops, via_loops

VIA_SHARE = 0.5  # of the budget, for loops with two turns while none is found
VIA_CALL_SHARE = 0.15  # of the budget, for one trailhead's round of them at most


def seed_pool(search: Search, tasks: list[Task], until: float, rounds: int) -> None:
    """Seed the pool with loops from shortest-path trees (`trees.py`), a round
    per task at a time, until `until` or `rounds` rounds. A task whose plain
    round gave nothing (a compact network, where a long loop must wind about and
    two cheapest ways cannot make it) gets loops that turn at two junctions
    (`via_loops`) instead: once straight after the plain round, for as long as
    `VIA_SHARE` of the budget while nothing at all is found (a dense network,
    where the depth-first search would not find one either), then a round each
    if some loop came within `search.near` of the length."""
    arrays = link_arrays(search.prep, search.layer)
    if search.must_saving:
        # the cheapest ways bend toward what the hiker asked to walk
        cost = arrays.cost.copy()
        for lid, saving in search.must_saving.items():
            if arrays.pos[lid] >= 0:
                cost[arrays.pos[lid]] -= saving
        arrays = replace(arrays, cost=cost)
        toward = np.zeros(arrays.n, dtype=bool)
        for lid in search.must_m:
            toward[[search.prep.links[lid].a, search.prep.links[lid].b]] = True
    else:
        toward = None
    via: set[int] = set()
    until_empty = search.t0 + VIA_SHARE * (search.deadline - search.t0)
    budget = search.deadline - search.t0

    def offer(make, task: Task, seed: int) -> bool:
        stem, metres, road = task.approach
        aim: dict = {}
        if make is via_loops:
            aim["until"] = time.perf_counter() + VIA_CALL_SHARE * budget
        elif toward is not None:
            aim["toward"] = toward
        loops = make(
            arrays,
            task.node,
            search.lo - 2 * metres,
            search.hi - 2 * metres,
            seed,
            closed=frozenset(lid for lid, _ in stem),
            near=(search.target - 2 * metres, search.near),
            **aim,
        )
        for loop in loops:
            search.offer_hops(task, stem, loop.hops, 2 * metres, 2 * road, metres)
        return bool(loops)

    def over(empty_may_run: bool = False) -> bool:
        now = time.perf_counter()
        if empty_may_run and not search.pool:
            return now >= until_empty or search.out_of_time()
        return now >= until or search.out_of_time()

    for k, task in enumerate(tasks):
        if over():
            return
        if not offer(tree_loops, task, 0):
            via.add(k)
    for k in sorted(via):
        if over(empty_may_run=True):
            return
        offer(via_loops, tasks[k], 0)
    if not search.came_near():
        return  # none came to length: the depth-first search closes lengths better
    for round_ in range(1, rounds):
        for k, task in enumerate(tasks):
            if over():
                return
            seed = round_ * 1_000_003 + task.start
            offer(via_loops if k in via else tree_loops, task, seed)
