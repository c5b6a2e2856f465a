"""The loop solver: the best loops of a wanted length from nearby trailheads.

Plain Python on networkx, no Django. The database adapter builds the graph with
`planner.graph` and turns the result into template context.

Public API
----------
- `solve(graph, starts, target_m, *, tolerance=0.10, days=1, alternatives=3,
  allow_stems=True, max_difficulty=None, campsites=None, budget_s=None,
  minimise_road=True) -> SolveResult`
- `prepare(graph, keep=()) -> Prepared`: the contracted network; pass it to
  `solve` instead of the graph to reuse it across queries (keep the trailheads).
- `Start(node, trailhead_id, name, drive_m)`; results: `SolveResult`, `Loop`,
  `Step`, `Stage` (dataclasses; `dataclasses.asdict` makes them JSON-ready).
- `loop_reach_m(prepared, node, radius_m)`: metres of cycle-bearing trail within
  walking reach of a node, to rank trailheads by the network they reach.
- `reference.exhaustive(...)`: a slow brute force for tests and benchmarks.
- `DEFAULT_BUDGET_S` (0.25 s) and `MAX_BUDGET_S` (5 s, for "try harder").

What "best" means (`ranking.py`)
--------------------------------
A closed walk from one trailhead back to it, its length within the tolerance,
ranked by: the least share of it on trail walked twice (none for a loop; a
lollipop walks its stem twice; an out-and-back is half repeated); then, among
walks within 1% of the target, the least connector road (to 0.5% of the target);
then the closest to the target; then the shortest drive. Alternatives are the
next best walks that share at most half of their length with every better one
picked; they may start at other trailheads. A loop may cross itself or pass a
junction twice (a figure eight, even through its trailhead), never walk a trail
twice. A lollipop's stem is the shortest path (least road among equals) from
the trailhead to the junction where its loop starts. Stems are tried only with
`allow_stems`, and only when loops alone do not fill the answer.

How the search works (`search.py`)
----------------------------------
1. Contract degree-2 chains into links (`network.py`) and find the links on no
   cycle (bridges): a loop never uses them, only a stem can. A loop of length L
   stays within L/2 of its trailhead on cycle-bearing trail, so trailheads with
   less of that within reach are left out; the rest are taken one per part of
   the network first, then by drive (`answer._tasks`): by the network they reach,
   not only by nearness.
2. From each trailhead, a depth-first search grows walks link by link, each link
   at most once. A lower bound h(n) on the way home (Dijkstra from the trailhead)
   cuts a walk of length d at n when d + h(n) exceeds the longest length that
   could still win; r(n), the least road home, cuts it when its road cannot beat
   the picks. The bound is kept honest as the walk blocks its own ways home:
   each first link gets its own Dijkstra (a loop leaves by its lowest trailhead
   link and returns by a higher one, which also searches each loop once); when
   the way home a node counts on is blocked, a small A* finds the real one; and
   at 30, 50, 65, 80 and 90% of the target, or when the A* would be long, the
   subtree gets a fresh Dijkstra that avoids the walk so far.
3. Children are tried in order of |target - (d + len + h(next))|: head out until
   the shortest way home would close the length, then come home; plus half a
   metre per metre of road, and a metre per metre already in a picked loop.
4. Closed walks feed a pool ranked by the key above, in which no walk shares
   more than half of itself with a better one; the answer is the greedy pick of
   materially different walks from it. Once the answer is full, a walk must beat
   the last pick: be within 1% of the target, have no more road, and at equal
   road be closer. A walk already sharing over half of the longest it could be
   with a pick it can no longer beat is cut too.
5. The search restarts ("dives") with a step cap that doubles each time. At each
   cap a near dive keeps only walks that can end within 1% of the target (a walk
   that drifted long backtracks early, to where its length can be mended), then
   a wide dive covers the whole tolerance, looking only for walks unlike the
   picks while the answer is short of alternatives. Restarts after the first
   shake the order of children with seeded noise, to try other ways out. A
   plain wide dive that ends under its cap has exhausted the space: the first
   pick is then provably optimal (alternatives stay best-effort: a walk cut for
   not beating the last pick could have become one after a better first pick
   displaced another).
6. A scheduler interleaves the trailheads' searches in slices of about 128 steps
   until all are exhausted, the budget runs out, or every pick is within
   max(0.5 m, 0.01%) of the target on trail alone. Lollipops join when loops
   alone have not filled the answer after 6000 steps or when their search ended:
   stems to the junctions nearest the trailhead first, four at a time, each with
   a loop search as above; out-and-backs closest to the target are offered too.
   With nothing in range and time left, a last search finds the shortest loop
   that is too long, so the reason can name the closest lengths on both sides.

Deterministic: no unseeded randomness, stable orderings, work counted in steps;
the only time-based cut-off is the budget, which covers everything (contraction
included, when given a bare graph) and is checked between slices. Garbage
collection is paused during a solve: a full collection over a big network can
stall a slice for tens of milliseconds.
"""

from planner.solver.answer import DEFAULT_BUDGET_S, MAX_BUDGET_S, solve
from planner.solver.network import Prepared, loop_reach_m, prepare
from planner.solver.result import Loop, SolveResult, Stage, Start, Step

__all__ = [
    "DEFAULT_BUDGET_S",
    "MAX_BUDGET_S",
    "Loop",
    "Prepared",
    "SolveResult",
    "Stage",
    "Start",
    "Step",
    "loop_reach_m",
    "prepare",
    "solve",
]
