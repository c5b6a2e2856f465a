"""Pushes per second of the solver's depth-first search, on a fixed workload.

    .venv/bin/python bench/walk_bench.py              # 4 trailheads per region
    .venv/bin/python bench/walk_bench.py --repeat 5   # best of 5 runs
    .venv/bin/python bench/walk_bench.py --all        # and the five osm-regions

The solver is time-budgeted, so its own benchmark (`solver_bench.py`) measures
what a budget buys; this one measures the hot loop itself on work that does not
depend on time. For the trailheads `solver_bench.py` picks in Andorra and
Colorado, and targets of 5, 10 and 25 miles, one loop task (`tasks.loop_task`:
restarted dives of `walk.circuits`, with their offers and picks) runs until it
has made --pushes pushes or exhausted its space. The same pushes every run, so
pushes per second compares two versions of the search directly. Seconds are
the process's CPU time, so other work on a shared machine counts less (run
both versions interleaved all the same). Prints Markdown.
"""

from __future__ import annotations

import argparse
import gc
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.solver_bench import DATA, REGIONS, choose_trailheads  # noqa: E402
from planner.graph import graph_from_network  # noqa: E402
from planner.solver import Start, prepare  # noqa: E402
from planner.solver.search import Search, Task  # noqa: E402
from planner.solver.tasks import loop_task  # noqa: E402
from trails.formats import read_network  # noqa: E402
from trails.geo import METRES_PER_MILE  # noqa: E402

MILES = (5, 10, 25)
# `--all`: the five more regions of ../shared/data/osm-regions as well
MORE = {
    name: (DATA / "osm-regions" / file, None)
    for name, file in (
        ("beatty", "beatty.osm"),
        ("krems", "krems.osm.gz"),
        ("lauf", "lauf-200115.osm.pbf"),
        ("north-bayreuth", "north-bayreuth.osm.gz"),
        ("oslo-east", "oslo-east-filtered.osm.pbf"),
    )
}


def workload(prepared, start: Start, target: float, pushes: int) -> tuple[int, float]:
    """One loop task's pushes (at most `pushes`) and the seconds they took."""
    search = Search(
        prep=prepared,
        layer=prepared.layer(None),
        starts=[start],
        target=target,
        tolerance=0.10,
        alternatives=3,
        minimise_road=True,
        max_difficulty=None,
        deadline=math.inf,
    )
    task = Task(0, prepared.index[start.node], "loop")
    gen = loop_task(search, task)
    next(gen)  # the task's set-up, outside the timing
    t0 = time.process_time()
    for _ in gen:
        if task.pushes >= pushes:
            break
    return task.pushes, time.process_time() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pushes", type=int, default=100_000, help="pushes per question at most"
    )
    parser.add_argument(
        "--trailheads", type=int, default=4, help="trailheads per region"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per question; the fastest counts"
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="the osm-regions too (Andorra and Colorado only by default)",
    )
    args = parser.parse_args()
    regions = {**REGIONS, **(MORE if args.all else {})}
    print("| region | questions | pushes | seconds | pushes/s |")
    print("|---|---:|---:|---:|---:|")
    all_pushes, all_s = 0, 0.0
    for name, (path, trailheads) in regions.items():
        network = read_network(path, trailheads=trailheads).network
        keep = [p.junction for p in network.places if p.junction]
        prepared = prepare(graph_from_network(network), keep=keep)
        prepared.layer(None)
        questions = [
            (Start(place.junction, place.key, place.name, 0.0), miles)
            for place, _ in choose_trailheads(network, prepared, args.trailheads)
            for miles in MILES
        ]
        region_pushes, region_s = 0, 0.0
        gc.disable()  # as `solve` does
        try:
            for start, miles in questions:
                runs = [
                    workload(prepared, start, miles * METRES_PER_MILE, args.pushes)
                    for _ in range(args.repeat)
                ]
                region_pushes += runs[0][0]
                region_s += min(seconds for _, seconds in runs)
        finally:
            gc.enable()
        all_pushes += region_pushes
        all_s += region_s
        print(
            f"| {name} | {len(questions)} | {region_pushes} | {region_s:.2f} "
            f"| {region_pushes / region_s:,.0f} |",
            flush=True,
        )
    print(f"| all | | {all_pushes} | {all_s:.2f} | {all_pushes / all_s:,.0f} |")


if __name__ == "__main__":
    main()
