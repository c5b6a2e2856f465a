"""The loop solver: the best loops of a wanted length from nearby trailheads.

Plain Python on networkx, no Django. The database adapter builds the graph with
`planner.graph` and turns the result into template context.

Public API
----------
- `solve(graph, starts, target_m, *, tolerance=0.10, days=1, alternatives=3,
  allow_stems=True, max_difficulty=None, campsites=None, budget_s=None,
  minimise_road=True, must_walk=(), must_walk_name=..., max_day_m=None)
  -> SolveResult`
- Several days (`days` > 1): the loop is a chain of days from bed to bed, the
  nodes of `campsites` (name by node), each day within 25% of the mean and at
  most `max_day_m` (`nights.py`); when fewer chains close within 1% of the
  length than the alternatives asked for, the plain loop is searched too and
  cut into days (`nights.cut`), and the walks rank by the length first (within
  1%), then by their nights at no bed, then by cost (`nights.py` says why);
  `SolveResult.notice` says when some nights are at a bare junction.
  `Stage.last_step` is the index of each day's last step. The chains of beds
  take at most 70% of the budget; when none closes within 1%, the plain loop
  search gets the whole budget after them (so such an answer can take up to
  1.7 times the budget).
- `must_walk`: segment ids of a trail or route the hiker asked to walk ("plan a
  loop that walks this"): walks that take none of it are not offered, a metre on
  it costs `costs.MUST_WALK`, the trees bend toward it, and only trailheads that
  can reach it within half the length are searched, nearest to it first.
- `prepare(graph, keep=()) -> Prepared`: the contracted network; pass it to
  `solve` instead of the graph to reuse it across queries (keep the trailheads).
  `warm(prepared)` builds what every plan on it uses, outside any plan's budget.
- `Start(node, trailhead_id, name, drive_m)`; results: `SolveResult`, `Loop`,
  `Step`, `Stage` (dataclasses; `dataclasses.asdict` makes them JSON-ready).
- `loop_reach_m(prepared, node, radius_m)`: metres of cycle-bearing trail within
  walking reach of a node, to rank trailheads by the network they reach.
- `reference.exhaustive(...)`: a slow brute force for tests and benchmarks.
- `costs`: the hiker's cost of a walk, and why each weight.
- `DEFAULT_BUDGET_S` (0.25 s) and `MAX_BUDGET_S` (5 s, for "try harder").

What "best" means (`costs.py`, `ranking.py`)
--------------------------------------------
A closed walk from one trailhead back to it, its length within the tolerance,
ranked by a hiker's cost: each metre weighed by what it is (waymarked route 1.0,
named trail 1.3, unnamed path or track 1.6, road 3.0, walked a second time 6.0
more), 150 m per change of trail followed, a quarter of the target plus 8 per metre
for a length outside 1% of the target (within 1% counts as exact), and 0.05 per
metre of drive; normalised to the target length. `costs.py` says why each weight.
Out-and-backs rank after every loop and are offered only when no loop fits; one
turns back where the length is walked, partway along a trail when no junction is
at half the length (`Step.span_m`), so it is exact wherever a trail reaches that
far (one day only: nights fall at junctions).
Alternatives are the next best walks that share at most half of their length with
every better one picked, a walk from a trailhead already picked weighing 3% more,
so that alternatives come from other trailheads where they are nearly as good. A
loop may cross itself or pass a junction twice (a figure eight, even through its
trailhead), never walk a trail twice. A lollipop's stem is the shortest path (least
road among equals) from the trailhead to the junction where its loop starts. A
trailhead off the loop-bearing network (a car park at the end of a spur) reaches it
by a short approach, walked there and back (at most 10% of the target and 1.5 km).
Stems are tried only with `allow_stems`. With `minimise_road=False` walks are
ranked by length alone (a baseline for the benchmarks).

How the search works
--------------------
`answer.py` runs the phases below within the budget; `search.py` holds what they
share (the pool, the picks, the caps); `walk.py` is the depth-first search,
`tasks.py` the searches the scheduler interleaves; `build.py` makes the answer's
loops and `no_loop.py` the reason when there is none.

1. Contract degree-2 chains into links (`linkgraph.py`) and find the links on no
   cycle (bridges): a loop never uses them, only a stem can. A loop of length L
   stays within L/2 of its trailhead on cycle-bearing trail, so for every
   trailhead in range at once (compiled shortest paths, `paths.py`, kept per
   network) the trail within that reach is measured (`reach.py`); those with
   too little are left out, the others ranked by what that trail is worth to a
   hiker less the approach and the drive, and the best twelve that are not
   next to a better one are searched (`trailheads.choose`): across the whole drive
   radius, not nearest first.
   Before the depth-first search, each gets loops made of two cheapest ways
   (`trees.py`, `tree_phase.py`): out along the cheapest way to a junction about
   half the length away, one per direction, and back along the cheapest way that
   avoids it.
2. From each trailhead, a depth-first search grows walks link by link, each link
   at most once. A lower bound h(n) on the way home (Dijkstra from the trailhead)
   cuts a walk of length d at n when d + h(n) exceeds the longest length that
   could still win (a walk's cost is only known once it closes, so the window is
   the only cut). The bound is kept honest as the walk blocks its own ways home:
   each first link gets its own Dijkstra (a loop leaves by its lowest trailhead
   link and returns by a higher one, which also searches each loop once); when
   the way home a node counts on is blocked, a small A* finds the real one; and
   at 40, 65 and 85% of the target, or when the A* would be long, the subtree
   gets a fresh Dijkstra that avoids the walk so far (compiled for big
   networks, plain Python when the way home is short).
3. Children are tried in order of |target - (d + len + h(next))|: head out until
   the shortest way home would close the length, then come home; plus what the
   link costs a hiker beyond its length, 150 m for a change of trail, and a
   metre per metre already in a picked loop. In the last 40% of the target the
   walk is closing its length: the hiker's terms are left out of the order (not
   of the ranking), or on short city links they outweigh the few metres that
   decide whether it closes within 1% (`walk.CLOSE_SHARE`). While no walk
   has come within 1% at all, near dives (step 5) order by length alone.
4. Closed walks feed a pool ranked by the key above, in which no walk shares
   more than half of itself with a better one; the answer is the greedy pick of
   materially different walks from it.
5. The search restarts ("dives") with a step cap that doubles each time. At each
   cap a near dive keeps only walks that can end within 1% of the target (a walk
   that drifted long backtracks early, to where its length can be mended), then
   a wide dive covers the whole tolerance, looking only for walks unlike the
   picks while the answer is short of alternatives. Restarts after the first
   shake the order of children with seeded noise, to try other ways out. A
   plain wide dive that ends under its cap has exhausted the space: the first
   pick is then provably optimal (alternatives stay best-effort).
6. A scheduler interleaves the trailheads' searches in slices of about 128 steps
   until all are exhausted, the budget runs out, or every pick is as good as a
   hiker could tell (within 3% of the cost of an exact loop all on a marked route
   with no turn). Lollipops join when loops
   alone have not filled the answer after 6000 steps or when their search ended:
   stems to the junctions nearest the trailhead first, four at a time, each with
   a loop search as above; out-and-backs closest to the target are offered too.
   With nothing in range and time left, a last search finds the shortest loop
   that is too long, so the reason can name the closest lengths on both sides.

Deterministic: no unseeded randomness, stable orderings, work counted in steps;
the time-based cut-offs are the budget, which covers everything (contraction
included, when given a bare graph) and is checked between slices, and the share
of it (30%) the tree loops may take. Garbage
collection is paused during a solve: a full collection over a big network can
stall a slice for tens of milliseconds.
"""

from planner.solver.answer import DEFAULT_BUDGET_S, MAX_BUDGET_S, solve, warm
from planner.solver.linkgraph import Prepared, prepare
from planner.solver.reach import loop_reach_m
from planner.solver.records import Loop, SolveResult, Stage, Start, Step

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
    "warm",
]
