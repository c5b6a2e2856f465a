"""The depth-first search for closed walks: one `Walk` from a root, pushed and
popped a link at a time, and `circuits`, which drives it.

A walk uses each link once. It is pruned by the shortest way home from each
node (`Home`): a walk that could not close within the longest length that can
still win (`Search.longest`) backtracks. When the walk itself blocks the way
home the bounds count on, the real way is looked for (`Walk.way_home`) or the
bounds are computed again around the walk (`Walk.rebound`).

This is the solver's hot loop (a few hundred thousand pushes a second): the
walk's state is read into local variables in the methods that loop, and
`circuits` binds the walk's methods once (bench/walk_bench.py measures it).
"""

from __future__ import annotations

import random
from collections.abc import Generator
from heapq import heappop, heappush

from planner.solver import costs
from planner.solver.linkgraph import Arc
from planner.solver.paths import INF, Paths, Prev, dijkstra
from planner.solver.ranking import MAX_SHARED_FRACTION
from planner.solver.search import COST_WEIGHT, Hop, Search, Task

SLICE_PUSHES = 128  # DFS steps between returns to the scheduler (~1 ms)
PICKED_WEIGHT = 1.0  # ordering: extra weight per metre shared with a current pick
# shares of the target at which a walk's ways home are computed again around it
REBOUND_AT = (0.4, 0.65, 0.85)
JITTER = 1.0  # restarts add up to this many times a link's length to its score
ASTAR_POPS = 48  # a blocked way home longer to find than this: rebound instead
SMALL_REBOUND_M = 4000.0  # below this, a rebound is quicker in plain Python
# In the last share of the target, children are ordered by length alone (and
# what the hiker asked to walk): a walk that far is closing its length, and a
# hiker's costs there (150 m a change of trail, twice a road's length) would
# outweigh the few metres that decide whether it closes within 1%. Where links
# are short (a city's blocks: 300-400 links in an 8-mile loop) the search
# otherwise closed nothing within 1% in its budget (docs/benchmarks.md). What
# closes is still ranked by the hiker's cost.
CLOSE_SHARE = 0.4

# per node: the previous hop on the shortest way home, from the plain search
# (a list) or the compiled one (`Prev`); and the shortest ways with it
Hops = list[tuple[int, int, bool] | None] | Prev
Bounds = tuple[list[float], Hops]
# a way out of a node: (score, link id, far node, metres, road metres, forward)
Child = tuple[float, int, int, float, float, bool]


class Home:
    """Shortest ways back to a loop's root, as lower bounds for the search.

    A loop leaves the root by its lowest link and so returns by a higher one; the
    bounds for each first link are computed (once, on demand) without the root's
    links up to it, which also makes a first link with no higher one a dead end.
    """

    def __init__(
        self,
        paths: Paths,
        adj: list[list[Arc]],
        root: int,
        max_length: float,
        closed: frozenset,
    ):
        self.paths = paths
        self.adj = adj
        self.root = root
        self.max_length = max_length
        self.closed = closed
        self._after: dict[int, Bounds] = {}

    def after(self, first: int) -> Bounds:
        """(way home, previous hop) per node, once `first` is walked."""
        if first not in self._after:
            blocked = set(self.closed)
            blocked.update(arc[0] for arc in self.adj[self.root] if arc[0] <= first)
            h, prev, _ = self.paths.run(self.root, self.max_length, blocked)
            self._after[first] = (h, prev)
        return self._after[first]


class Walk:
    """One depth-first search's walk from `home.root`.

    Per node on the walk: the hop that reached it, the metres and road metres
    walked, the metres shared with each pick; per depth, the children still to
    try (`frames`, `at`). `h`/`prev` are the bounds on the way home in force,
    `first` the link the walk left the root by. `cap_len`, `masks` and
    `max_shared` follow the search's picks (`refresh`).
    """

    def __init__(
        self,
        search: Search,
        home: Home,
        d0: float,
        r0: float,
        diversify: bool,
        near: bool,
        seed: int | None,
        blind: bool = False,
    ):
        self.search = search
        self.home = home
        self.adj = home.adj
        self.root = home.root
        self.target = target = search.target
        self.used = bytearray(len(search.prep.links))
        for lid in home.closed:
            self.used[lid] = 1
        self.penalty = search.penalty
        self.link_extra = search.link_extra
        self.heads, self.tails = search.link_head, search.link_tail
        self.turn = COST_WEIGHT * costs.TURN if search.minimise_road else 0.0
        self.jitter = None if seed is None else random.Random(seed).random
        self.diversify = diversify
        self.near = near
        self.version = -1
        self.cap_len = 0.0
        self.masks: list[bytearray] = []
        self.max_shared = INF
        self.h: list[float] = []
        self.prev: Hops = []
        self.first = -1
        self.marks = [d0 + f * (target - d0) for f in REBOUND_AT]
        # ordered by length from here on (from the root when `blind`)
        self.closing = -INF if blind else target * (1 - CLOSE_SHARE)
        self.mark = 0
        self.checkpoints: list[tuple[int, list[float], Hops, int]] = []
        self.nodes = [self.root]
        self.hops: list[Hop] = []
        self.dists = [d0]
        self.roads = [r0]
        self.shared: list[list[float]] = []
        # per hop walked, once asked for (`parts`): weighted metres and changes
        # of trail so far
        self.wsum: list[float] = [0.0]
        self.tsum: list[int] = [0]
        self.work = 0  # steps since the last return to the scheduler
        self.refresh()
        self.frames = [self.children(self.root, d0)]
        self.at = [0]

    def children(self, u: int, d: float) -> list[Child]:
        """The ways on from `u` (`d` metres walked) that can still close in
        time, best first: heading out until the shortest way home would close
        the length, on the ground a hiker prefers, keeping to the trail followed
        (by length alone once `CLOSE_SHARE` of the target is left)."""
        used, h, first, cap_len = self.used, self.h, self.first, self.cap_len
        root, target, jitter = self.root, self.target, self.jitter
        link_extra, penalty, turn = self.link_extra, self.penalty, self.turn
        heads, tails, hops = self.heads, self.tails, self.hops
        if d >= self.closing:
            link_extra, turn = self.search.close_extra, 0.0
        out = []
        if hops:
            last, forward = hops[-1]
            follows = tails[last] if forward else heads[last]
        else:
            follows = None
        for lid, v, ln, rl, fwd in self.adj[u]:
            if used[lid]:
                continue
            if first == -1:
                # leaving the root: bound by the ways home this first link allows
                hv, _ = self.home.after(lid)
                lb = d + ln + hv[v]
            else:
                # each loop is searched once: it leaves the root by its lowest
                # link, so it can only come back (or pass) by higher ones
                if lid < first and (v == root or u == root):
                    continue
                lb = d + ln + h[v]
            if lb > cap_len:
                continue
            score = abs(target - lb) + link_extra[lid]
            enters = heads[lid] if fwd else tails[lid]
            if follows is not None and enters.isdisjoint(follows):
                score += turn
            if penalty[lid]:
                score += PICKED_WEIGHT * ln
            if jitter:
                score += jitter() * JITTER * ln
            out.append((score, lid, v, ln, rl, fwd))
        out.sort()
        return out

    def push(
        self,
        lid: int,
        fwd: bool,
        v: int,
        nd: float,
        nr: float,
        row: list[float],
        fresh: Bounds | None,
    ) -> None:
        """Walk link `lid` to `v` (`nd` metres, `nr` road metres, `row` shared
        with the picks) and list the ways on from there. Past a mark the walk
        itself blocks ways home that the bounds still count on: its whole
        subtree is bounded again without them (`fresh`, if already found)."""
        self.used[lid] = 1
        self.hops.append((lid, fwd))
        self.nodes.append(v)
        self.dists.append(nd)
        self.roads.append(nr)
        self.shared.append(row)
        marks, mark = self.marks, self.mark
        if fresh is not None or (mark < len(marks) and nd >= marks[mark]):
            self.checkpoints.append((len(self.hops), self.h, self.prev, mark))
            while mark < len(marks) and nd >= marks[mark]:
                mark += 1
            self.mark = mark
            self.h, self.prev = fresh or self.rebound(-1, self.cap_len - nd)
        self.frames.append(self.children(v, nd))
        self.at.append(0)

    def pop(self) -> None:
        """Back off the last link walked, and its bounds if it set new ones."""
        self.frames.pop()
        self.at.pop()
        hops = self.hops
        if hops:
            self.used[hops.pop()[0]] = 0
            if len(self.wsum) > len(hops) + 1:
                del self.wsum[-1], self.tsum[-1]
            self.nodes.pop()
            self.dists.pop()
            self.roads.pop()
            self.shared.pop()
            checkpoints = self.checkpoints
            if checkpoints and checkpoints[-1][0] > len(hops):
                _, self.h, self.prev, self.mark = checkpoints.pop()

    def parts(self, lid: int, fwd: bool) -> tuple[float, int]:
        """The weighted metres and changes of trail of the walk so far and link
        `lid` after it, as `Search.walk_cost` counts them for a stemless
        circuit; the sums over the walk are kept, and extended only past the
        last hop they reached, so closing many walks costs little more than
        walking them."""
        search = self.search
        link_w, link_turns, change = (
            search.link_w,
            search.link_turns,
            search.change_between,
        )
        wsum, tsum, hops = self.wsum, self.tsum, self.hops
        k = len(wsum) - 1
        while k < len(hops):
            hop = hops[k]
            wsum.append(wsum[k] + link_w[hop[0]])
            tsum.append(tsum[k] + link_turns[hop[0]] + (k and change(hops[k - 1], hop)))
            k += 1
        last = k and change(hops[k - 1], (lid, fwd))
        return wsum[k] + link_w[lid], tsum[k] + link_turns[lid] + last

    def leave_root(self, lid: int) -> None:
        """Start a new loop out of the root by link `lid`."""
        self.first = lid
        self.h, self.prev = self.home.after(lid)
        self.mark = 0

    def sharing(self, lid: int, ln: float) -> list[float]:
        """Metres shared with each pick once link `lid` is walked."""
        row = self.shared[-1][:]
        for j, mask in enumerate(self.masks):
            if mask[lid]:
                row[j] += ln
        return row

    def home_is_free(self, v: int) -> bool:
        """Whether the shortest way home from `v` takes no link walked."""
        used, root, prev = self.used, self.root, self.prev
        n = v
        if isinstance(prev, list):  # from the plain search
            while n != root:
                u, lid, _ = prev[n]  # type: ignore[misc]
                if used[lid]:
                    return False
                n = u
            return True
        up, via = prev.up, prev.via
        while n != root:
            if used[via[n]]:
                return False
            n = up[n]
        return True

    def way_home(self, v: int, budget: float) -> float | None:
        """A* over unused links, with the unblocked shortest way as heuristic.

        None when it would take more than a few steps to tell.
        """
        used, h, first, root, adj = self.used, self.h, self.first, self.root, self.adj
        best = {v: 0.0}
        heap = [(h[v], 0.0, v)]
        pops = 0
        while heap:
            pops += 1
            if pops > ASTAR_POPS:
                return None
            f, g, u = heappop(heap)
            if u == root:
                return g
            if g > best[u]:
                continue
            for lid, w, ln, _, _ in adj[u]:
                if used[lid] or (lid < first and (w == root or u == root)):
                    continue
                ng = g + ln
                nf = ng + h[w]
                if nf > budget or ng >= best.get(w, INF):
                    continue
                best[w] = ng
                heappush(heap, (nf, ng, w))
        return INF

    def rebound(self, extra: int, radius: float) -> Bounds:
        """Ways home avoiding the walk so far (and link `extra`, if >= 0)."""
        home, root = self.home, self.root
        blocked = set(home.closed)
        blocked.update(x for x, _ in self.hops)
        blocked.update(a[0] for a in self.adj[root] if a[0] < self.first)
        if extra >= 0:
            blocked.add(extra)
        fresh_prev: Hops
        if radius < SMALL_REBOUND_M:
            # a short way home: the plain search settles few junctions
            fresh_h, fresh_prev, order = dijkstra(
                self.adj, root, radius=radius, blocked=blocked
            )
        else:
            fresh_h, fresh_prev, order = home.paths.run(root, radius, blocked)
        self.work += len(order) // 64  # a rebound costs about that many steps
        return fresh_h, fresh_prev

    def refresh(self) -> None:
        """Follow the search's caps and picks, when they changed."""
        search = self.search
        if self.version == search.version:
            return
        self.version = search.version
        cap_len = search.longest()
        if self.near and not search.hint:
            cap_len = min(cap_len, self.target + search.near)
        self.cap_len = cap_len
        self.masks = masks = search.pick_masks
        wide = self.diversify and len(search.picks) < search.alternatives
        self.max_shared = MAX_SHARED_FRACTION * cap_len if wide else INF
        # shared metres with each pick along the current walk, from scratch
        shared = self.shared
        shared[:] = [[0.0] * len(masks)]
        for lid, _ in self.hops:
            row = shared[-1][:]
            for j, mask in enumerate(masks):
                if mask[lid]:
                    row[j] += search.link_m[lid]
            shared.append(row)


def circuits(
    search: Search,
    task: Task,
    home: Home,
    d0: float,
    r0: float,
    repeated: float,
    stem: tuple[Hop, ...],
    cap: int,
    diversify: bool,
    near: bool,
    seed: int | None = None,
    blind: bool = False,
) -> Generator[None, None, bool]:
    """Depth-first search for closed walks from `home.root` using each link once.

    `d0`/`r0` are the metres (and road metres) already walked on the stem, which
    count towards the length. Returns True when the search space was exhausted,
    False when it stopped at `cap` steps (the caller restarts with a larger cap
    and by then better caps and picks). With `diversify`, walks that already
    share more than half of the longest possible loop with a pick are cut;
    with `near`, walks that cannot end within 1% of the target. With a `seed`,
    the order of children is shaken by a little seeded noise, so restarts
    explore other ways out instead of the same first branches. With `blind`,
    children are ordered by length alone from the root, not only once the walk
    is closing its length (`CLOSE_SHARE`).
    """
    walk = Walk(search, home, d0, r0, diversify, near, seed, blind)
    root = walk.root
    frames, at, hops, nodes = walk.frames, walk.at, walk.hops, walk.nodes
    dists, roads = walk.dists, walk.roads
    push, pop, sharing, refresh = walk.push, walk.pop, walk.sharing, walk.refresh
    pushes = counted = 0
    while frames:
        frame = frames[-1]
        i = at[-1]
        if i == len(frame):
            pop()
            continue
        at[-1] = i + 1
        _, lid, v, ln, rl, fwd = frame[i]
        if not hops:
            walk.leave_root(lid)
        nd = dists[-1] + ln
        nr = roads[-1] + rl
        # the caps may have tightened since this frame was built
        cap_len = walk.cap_len
        if nd + walk.h[v] > cap_len:
            continue
        row = walk.shared[-1]
        if walk.masks:
            row = sharing(lid, ln)
            if max(row) > walk.max_shared:
                continue
        fresh = None
        if v != root and not walk.home_is_free(v):
            # our own walk blocks the shortest way home: find the real one
            walk.used[lid] = 1
            way = walk.way_home(v, cap_len - nd)
            if way is None:  # far round: bound the whole subtree again
                fresh = walk.rebound(lid, cap_len - nd)
                way = fresh[0][v]
            walk.used[lid] = 0
            if nd + way > cap_len:
                continue
        if v == root:
            search.offer(
                task.start,
                root,
                stem,
                hops + [(lid, fwd)],
                nodes + [v],
                nd,
                nr,
                repeated,
                parts=None if stem else walk.parts(lid, fwd),
            )
            refresh()
            # the picks may have changed: count this link against the new ones
            row = sharing(lid, ln)
        push(lid, fwd, v, nd, nr, row, fresh)
        pushes += 1
        walk.work += 1
        if walk.work >= SLICE_PUSHES:
            task.pushes += pushes - counted
            counted = pushes
            walk.work = 0
            yield
            refresh()
        if pushes >= cap:
            task.pushes += pushes - counted
            return False
    task.pushes += pushes - counted
    return True
