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
- `DEFAULT_BUDGET_S` (0.25 s) and `MAX_BUDGET_S` (5 s, for "try harder").

What "best" means (`ranking.py`)
--------------------------------
A closed walk from one trailhead back to it, its length within the tolerance,
ranked by: least trail walked twice (a loop walks none; a lollipop walks its stem
twice); then, among walks within 1% of the target, least connector road (to 0.5% of
the target);
then closest to the target; then shortest drive. Alternatives are the next best
walks that share at most half of their length with every better one picked; they
may start at other trailheads. A loop may cross itself or pass a junction twice
(a figure eight), never walk a trail twice. A lollipop's stem is the shortest path
from the trailhead to the junction where its loop starts; a stem alone, walked
there and back, is an out-and-back. Stems are tried only when `allow_stems`, and
only when loops alone do not fill the answer.

How the search works (`search.py`)
----------------------------------
1. Contract degree-2 chains into links (`network.py`); find the links that lie on
   no cycle (bridges): a loop can never use them. The cycle-bearing part of the
   network each trailhead sits on bounds the longest loop it can have, which is
   how trailheads are chosen: by the network they reach, one per part first, then
   by drive (`solve._tasks`).
2. From each chosen trailhead, a depth-first search grows walks link by link, each
   link at most once. Dijkstra from the trailhead gives h(n), the shortest way home
   from n, and r(n), the least road on any way home. A walk of length d at n is cut
   when d + h(n) exceeds the longest length that could still win, or its road so
   far plus r(n) exceeds the road of the worst loop still in the answer. Children
   are tried in order of |target - (d + len + h(next))| (head out until the
   shortest way home would close the length, then come home) plus a weight on
   road and on links already in the answer, so diverse, road-free loops of the
   right length come first. Each loop is searched once: it must leave the
   trailhead by the lowest-numbered trailhead link it uses.
3. The walks found feed a pool ranked by the key above; the answer is the greedy
   pick of materially different walks from it. Once the answer is full, the
   caps tighten to "must beat the last pick": within 1% of the target, no more
   road than it, and, at equal road, closer to the target.
4. The search runs in restarts (dives) whose step cap doubles each time, so early
   dives give a good loop in milliseconds and later ones search with the tighter
   caps and steer away from the loops already picked. A dive that ends under its
   cap has exhausted the search space: the answer is then provably optimal for
   the first pick (alternatives are best-effort, as a pruned walk might have
   become one after a better first pick displaced another).
5. A scheduler interleaves the trailheads' searches in slices of ~128 steps until
   all are exhausted, the budget runs out, or every pick is already within
   max(0.5 m, 0.01%) of the target on trail alone. Lollipops join when the answer
   is not full after all loop searches ended or 40% of the budget passed.

Time-based cut-offs are the only nondeterminism, and they matter only when the
budget runs out. The budget covers everything, contraction included.
"""

from planner.solver.answer import DEFAULT_BUDGET_S, MAX_BUDGET_S, solve
from planner.solver.network import Prepared, prepare
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
    "prepare",
    "solve",
]
