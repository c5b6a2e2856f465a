"""Benchmark the loop solver on the real Andorra and Colorado networks.

    .venv/bin/python bench/solver_bench.py            # the full run (~8 minutes)
    .venv/bin/python bench/solver_bench.py --quick    # 3 trailheads per region

For a grid of trailheads x targets (2, 5, 10, 15, 25 and 40 miles) it runs, on the
same queries and in the same process:

- `ours`: `planner.solver.solve` with its defaults (road minimised, 3 alternatives);
- `length-only`: the same search ranking by length alone (`minimise_road=False`);
- `naive`: networkx `simple_cycles` on the network within reach, keeping cycles
  through the trailhead, best by the same ranking, cut off after --naive-cap s;
- `exhaustive`: the reference enumeration of every walk the solver may return,
  cut off after --reference-cap s; where it finishes it gives the optimum.

Trailheads are chosen by the network they reach (the metres of loop-bearing trail
within 5 km of them), then spread at least 2 km apart; not by nearness to a town.
A query is feasible when any method found a walk within ±10%. Prints Markdown.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.graph import graph_from_network  # noqa: E402
from planner.solver import (  # noqa: E402
    DEFAULT_BUDGET_S,
    Start,
    costs,  # noqa: E402
    prepare,
    solve,
)
from planner.solver.paths import dijkstra  # noqa: E402
from planner.solver.ranking import NEAR_FRACTION, rank_key  # noqa: E402
from planner.solver.reference import Timeout, exhaustive  # noqa: E402
from trails.formats import read_network  # noqa: E402
from trails.geo import METRES_PER_MILE, haversine_m  # noqa: E402

DATA = Path(os.environ.get("LOOPGENIE_SHARED_DATA", ROOT.parent / "shared" / "data"))
REGIONS = {
    "Andorra (OSM)": (DATA / "andorra-osm" / "andorra-2021-06-22.osm.pbf", None),
    "Colorado State Forest (GeoJSON)": (
        DATA / "colorado-state-forest" / "trails.geojson",
        DATA / "colorado-state-forest" / "rec-symbols.geojson",
    ),
}
# (name, lon, lat, radius m) for "from a town" queries; drive = 1.3 x straight line
TOWNS = {
    "Andorra (OSM)": [
        ("Andorra la Vella", 1.52109, 42.50779, 5000.0),
        ("Canillo", 1.5976, 42.5676, 5000.0),
        ("Ordino", 1.5332, 42.5556, 5000.0),
    ],
    "Colorado State Forest (GeoJSON)": [("Walden", -106.28364, 40.73164, 60000.0)],
}
DETOUR = 1.3
MILES = (2, 5, 10, 15, 25, 40)
TOLERANCE = 0.10
REACH_RADIUS_M = 5000.0
SPACING_M = 2000.0
METHODS = ("ours", "length-only", "naive", "exhaustive")


@dataclass
class Run:
    """One method on one query."""

    found: bool = False  # a walk within the tolerance
    error: float = math.nan  # |length - target| / target
    repeated: float = 0.0  # repeated metres / length
    road: float = math.nan  # connector metres / length
    first_near_s: float | None = None
    total_s: float = 0.0
    finished: bool = True  # ran to completion (not cut off)
    key: tuple | None = None
    simple: bool = False  # found a walk that repeats no trail


@dataclass
class Query:
    trailhead: str
    miles: int
    runs: dict[str, Run] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return any(r.found for r in self.runs.values())

    @property
    def loop_exists(self) -> bool:
        return any(r.simple for r in self.runs.values())


def choose_trailheads(network, prepared, count: int) -> list:
    """The `count` trailheads reaching the most loop-bearing trail, spread out."""
    layer = prepared.layer(None)
    scored = []
    for place in network.places:
        if place.kind not in ("trailhead", "parking") or not place.junction:
            continue
        if place.junction not in prepared.index:
            continue  # only on flagged ways, which planning leaves out
        node = prepared.index[place.junction]
        reach = 0.0
        if layer.cycle_part[node] != -1:
            _, _, order = dijkstra(layer.loop_adj, node, radius=REACH_RADIUS_M)
            for u in order:
                reach += sum(arc[2] for arc in layer.loop_adj[u] if arc[4])
        scored.append((-reach, place.key, place))
    chosen: list = []
    for minus_reach, _, place in sorted(scored, key=lambda s: s[:2]):
        if all(
            haversine_m(place.lon, place.lat, c.lon, c.lat) >= SPACING_M
            for c, _ in chosen
        ):
            chosen.append((place, -minus_reach))
        if len(chosen) == count:
            break
    return chosen


def run_ours(prepared, start: Start, target: float, minimise_road: bool) -> Run:
    t0 = time.perf_counter()
    result = solve(prepared, [start], target, minimise_road=minimise_road)
    run = Run(total_s=time.perf_counter() - t0, finished=result.stats["exhaustive"])
    run.first_near_s = result.stats["first_near_s"]
    if result.loops:
        loop = result.loops[0]
        run.found = True
        run.error = abs(loop.error_m) / target
        run.repeated = loop.repeated_m / loop.length_m
        run.road = loop.connector_m / loop.length_m
        run.key = rank_key(
            cost=loop.cost, out_and_back=loop.kind == "out_and_back", drive_m=0.0
        )
        run.simple = any(x.repeated_m == 0 for x in result.loops)
    return run


def run_naive(graph, start: Start, target: float, cap_s: float) -> Run:
    """What one might write first: every simple cycle near the trailhead."""
    t0 = time.perf_counter()
    lo, hi = target * (1 - TOLERANCE), target * (1 + TOLERANCE)
    near = nx.single_source_dijkstra_path_length(
        graph, start.node, cutoff=hi / 2, weight="length"
    )
    sub = graph.subgraph(near)
    run = Run(finished=True)
    best = None
    for cycle in nx.simple_cycles(sub):
        if time.perf_counter() - t0 > cap_s:
            run.finished = False
            break
        if start.node not in cycle:
            continue
        length, road, weighted, turns = _cycle_length(sub, cycle)
        if not lo <= length <= hi:
            continue
        cost = costs.walk_cost(
            weighted_m=weighted,
            length_m=length,
            turns=turns,
            repeated_m=0.0,
            target_m=target,
            drive_m=0.0,
        )
        key = rank_key(cost=cost, out_and_back=False, drive_m=0.0)
        if run.first_near_s is None and abs(length - target) <= NEAR_FRACTION * target:
            run.first_near_s = time.perf_counter() - t0
        if best is None or key < best[0]:
            best = (key, length, road)
    run.total_s = time.perf_counter() - t0
    if best:
        run.found = run.simple = True
        run.key = best[0]
        run.error = abs(best[1] - target) / target
        run.road = best[2] / best[1]
    return run


def _cycle_length(graph, cycle: list) -> tuple[float, float, float, int]:
    """Length, road, weighted metres and changes of trail of a cycle."""
    if len(cycle) == 2:  # two parallel segments
        edges = sorted(graph[cycle[0]][cycle[1]].values(), key=lambda d: d["length"])[
            :2
        ]
    else:
        edges = [
            min(graph[u][v].values(), key=lambda d: d["length"])
            for u, v in zip(cycle, cycle[1:] + cycle[:1])
        ]
    length = sum(d["length"] for d in edges)
    weighted = sum(d["length"] * costs.metre_cost(d) for d in edges)
    keys = [costs.follow_key(d) for d in edges]
    turns = sum(costs.changes(a, b) for a, b in zip(keys, keys[1:]))
    road = sum(d["length"] for d in edges if d.get("connector"))
    return length, road, weighted, turns


def run_reference(graph, start: Start, target: float, cap_s: float, keep) -> Run:
    t0 = time.perf_counter()
    try:
        best = exhaustive(
            graph, start, target, tolerance=TOLERANCE, time_limit_s=cap_s, keep=keep
        )
    except Timeout:
        return Run(finished=False, total_s=time.perf_counter() - t0)
    run = Run(total_s=time.perf_counter() - t0)
    if best:
        run.found = True
        run.key = best.key
        run.error = abs(best.length_m - target) / target
        run.repeated = best.repeated_m / best.length_m
        run.road = best.road_m / best.length_m
        run.simple = best.repeated_m == 0
    return run


def same_rank(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and abs(a[1] - b[1]) <= 2e-3


def pct(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    values = sorted(values)
    return values[min(len(values) - 1, math.ceil(q * len(values)) - 1)]


def fmt_pct(x: float, digits: int = 1) -> str:
    return "–" if math.isnan(x) else f"{100 * x:.{digits}f}%"


def fmt_ms(x: float) -> str:
    return "–" if math.isnan(x) else f"{1000 * x:.0f}"


def table(queries: list[Query]) -> list[str]:
    feasible = [q for q in queries if q.feasible]
    with_loop = [q for q in queries if q.loop_exists]
    near = [
        q
        for q in feasible
        if any(r.found and r.error <= NEAR_FRACTION for r in q.runs.values())
    ]
    lines = [
        f"{len(queries)} queries, {len(feasible)} feasible (a walk within "
        f"±{TOLERANCE:.0%} found by some method), {len(near)} with a walk within 1% "
        f"known, {len(with_loop)} with a loop (no repeated trail) known.",
        "",
        "| method | solved (of feasible) | error p50 / p95 | error p95 where 1% "
        "is known | repeated trail (share; median fraction) | repeated where a "
        "loop exists | road share p50 | first within 1% p50 / p95 ms | solve p50 / "
        "p95 / max ms | finished |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for method in METHODS:
        runs = [q.runs[method] for q in queries]
        solved = [q.runs[method] for q in feasible if q.runs[method].found]
        errors = [r.error for r in solved]
        near_errors = [
            q.runs[method].error if q.runs[method].found else 1.0 for q in near
        ]
        repeats = [r.repeated for r in solved if r.repeated > 0]
        needless = sum(
            1 for q in with_loop if q.runs[method].found and q.runs[method].repeated > 0
        )
        firsts = [r.first_near_s for r in runs if r.first_near_s is not None]
        times = [r.total_s for r in runs]
        lines.append(
            f"| {method} | {len(solved)}/{len(feasible)} "
            f"| {fmt_pct(pct(errors, 0.5), 3)} / {fmt_pct(pct(errors, 0.95), 3)} "
            f"| {fmt_pct(pct(near_errors, 0.95), 3)} "
            f"| {fmt_pct(len(repeats) / len(solved) if solved else math.nan, 0)}; "
            f"{fmt_pct(statistics.median(repeats) if repeats else math.nan, 0)} "
            f"| {needless}/{len(with_loop)} "
            f"| {fmt_pct(pct([r.road for r in solved], 0.5), 1)} "
            f"| {fmt_ms(pct(firsts, 0.5))} / {fmt_ms(pct(firsts, 0.95))} "
            f"| {fmt_ms(pct(times, 0.5))} / {fmt_ms(pct(times, 0.95))} / "
            f"{fmt_ms(max(times))} "
            f"| {sum(r.finished for r in runs)}/{len(runs)} |"
        )
    return lines


def optimality(queries: list[Query]) -> str:
    done = [q for q in queries if q.runs["exhaustive"].finished]
    agree = 0
    misses = []
    for q in done:
        ref, ours = q.runs["exhaustive"], q.runs["ours"]
        if (ref.key is None and ours.key is None) or (
            ref.key is not None
            and ours.key is not None
            and same_rank(ours.key, ref.key)
        ):
            agree += 1
        else:
            misses.append(f"{q.trailhead} {q.miles} mi")
    text = (
        f"Optimality: the exhaustive reference finished {len(done)} of "
        f"{len(queries)} queries; ours ranks its first loop the same as the "
        f"optimum on {agree} of them."
    )
    if misses:
        text += " Differs on: " + ", ".join(misses) + "."
    return text


def by_target(queries: list[Query]) -> list[str]:
    lines = [
        "| miles | feasible | ours solved | ours error p50 | ours road p50 "
        "| length-only road p50 | ours solve p95 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for miles in MILES:
        qs = [q for q in queries if q.miles == miles]
        feasible = [q for q in qs if q.feasible]
        ours = [q.runs["ours"] for q in feasible if q.runs["ours"].found]
        plain = [q.runs["length-only"] for q in feasible if q.runs["length-only"].found]
        lines.append(
            f"| {miles} | {len(feasible)}/{len(qs)} | {len(ours)} "
            f"| {fmt_pct(pct([r.error for r in ours], 0.5), 3)} "
            f"| {fmt_pct(pct([r.road for r in ours], 0.5))} "
            f"| {fmt_pct(pct([r.road for r in plain], 0.5))} "
            f"| {fmt_ms(pct([q.runs['ours'].total_s for q in qs], 0.95))} |"
        )
    return lines


def bench_region(name: str, paths, args) -> list[Query]:
    path, trailheads = paths
    t0 = time.perf_counter()
    network = read_network(path, trailheads=trailheads).network
    parse_s = time.perf_counter() - t0
    graph = graph_from_network(network)
    t0 = time.perf_counter()
    keep = [p.junction for p in network.places if p.junction]
    prepared = prepare(graph, keep=keep)
    keep_set = set(keep)
    prepared.layer(None)
    prepare_s = time.perf_counter() - t0
    chosen = choose_trailheads(network, prepared, args.trailheads)
    print(f"\n## {name}\n")
    print(
        f"{graph.number_of_nodes()} junctions, {graph.number_of_edges()} segments, "
        f"{network.length_m / 1000:.0f} km; contracted to {len(prepared.nodes)} "
        f"nodes / {len(prepared.links)} links in {1000 * prepare_s:.0f} ms "
        f"(parse {parse_s:.1f} s, done once per region). Trailheads (loop-bearing "
        "trail within 5 km): "
        + ", ".join(f"{p.name or p.key} ({reach / 1000:.0f} km)" for p, reach in chosen)
        + ".\n",
        flush=True,
    )
    queries = []
    for place, _ in chosen:
        start = Start(place.junction, place.key, place.name, 0.0)
        for miles in MILES:
            target = miles * METRES_PER_MILE
            q = Query(place.name or place.key, miles)
            q.runs["ours"] = run_ours(prepared, start, target, True)
            q.runs["length-only"] = run_ours(prepared, start, target, False)
            q.runs["naive"] = run_naive(graph, start, target, args.naive_cap)
            q.runs["exhaustive"] = run_reference(
                graph, start, target, args.reference_cap, keep_set
            )
            queries.append(q)
            if args.verbose:
                print(
                    f"{q.trailhead[:20]:20} {miles:3} "
                    + " ".join(
                        f"{m}={fmt_pct(r.error, 3)}/rep{fmt_pct(r.repeated, 0)}"
                        f"/road{fmt_pct(r.road, 0)}/{fmt_ms(r.total_s)}ms"
                        f"{'' if r.finished else '*'}"
                        for m, r in q.runs.items()
                    ),
                    file=sys.stderr,
                )
            else:
                print(".", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print("\n".join(table(queries)))
    print()
    print("\n".join(by_target(queries)))
    print()
    print(optimality(queries))
    print()
    print("\n".join(from_towns(name, network, prepared)))
    return queries


def from_towns(region: str, network, prepared) -> list[str]:
    """Trailheads near a town: the nearest three only, or all in range."""
    lines = [
        "From a town: solved (a walk within ±10%) / simple loops, with the three "
        "nearest trailheads only vs every trailhead in range (the solver picks "
        "by reach):",
        "",
        "| town | trailheads in range | nearest 3: solved / loops | all: solved / "
        "loops | all: solve p95 ms |",
        "|---|---|---|---|---|",
    ]
    for town, lon, lat, radius in TOWNS.get(region, []):
        starts = sorted(
            (
                Start(
                    p.junction,
                    p.key,
                    p.name,
                    DETOUR * haversine_m(lon, lat, p.lon, p.lat),
                )
                for p in network.places
                if p.kind in ("trailhead", "parking")
                and p.junction
                and haversine_m(lon, lat, p.lon, p.lat) <= radius
            ),
            key=lambda s: (s.drive_m, str(s.trailhead_id)),
        )
        tally = {"near": [0, 0], "all": [0, 0]}
        times = []
        for miles in MILES:
            target = miles * METRES_PER_MILE
            for label, group in (("near", starts[:3]), ("all", starts)):
                t0 = time.perf_counter()
                result = solve(prepared, group, target)
                if label == "all":
                    times.append(time.perf_counter() - t0)
                if result.loops:
                    tally[label][0] += 1
                    tally[label][1] += result.loops[0].repeated_m == 0
        lines.append(
            f"| {town} | {len(starts)} | {tally['near'][0]}/{len(MILES)} / "
            f"{tally['near'][1]} | {tally['all'][0]}/{len(MILES)} / "
            f"{tally['all'][1]} | {fmt_ms(pct(times, 0.95))} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trailheads", type=int, default=8, help="per region")
    parser.add_argument("--quick", action="store_true", help="3 trailheads per region")
    parser.add_argument(
        "--verbose", action="store_true", help="one line per query on stderr"
    )
    parser.add_argument(
        "--naive-cap", type=float, default=1.0, help="seconds per naive query"
    )
    parser.add_argument(
        "--reference-cap", type=float, default=2.0, help="seconds per reference query"
    )
    args = parser.parse_args()
    if args.quick:
        args.trailheads = 3
    started = time.perf_counter()
    print("# Loop solver benchmark\n")
    print(
        f"`{' '.join(['bench/solver_bench.py', *sys.argv[1:]])}` on "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}; solver budget "
        f"{DEFAULT_BUDGET_S} s (default), naive cap {args.naive_cap} s, reference "
        f"cap {args.reference_cap} s; targets {', '.join(map(str, MILES))} miles, "
        f"±{TOLERANCE:.0%}. Errors, repeated and road are of the first loop."
    )
    for name, paths in REGIONS.items():
        bench_region(name, paths, args)
    print(f"\nWhole run: {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
