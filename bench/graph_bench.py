"""How long a worker takes to build a region's graph for the solver (load from
the database, contract, warm: what a cold plan pays before its search), with the
garbage collector paused as `GraphCache.get` does and, side by side, left on.

    .venv/bin/python bench/graph_bench.py [--regions oslo-east,andorra] [--runs 8]

Imports each region (as `regions_bench.py` does) into a scratch SQLite database
and builds the graph of its whole box `--runs` times each way, interleaved, so
both see the same machine. Prints the median and the fastest build, in seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import regions_bench as rb  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", default="oslo-east,lauf,andorra")
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rb.setup(tmp)
        from django.db.models import Max, Min

        from planner import graph_cache
        from trails.models import Segment

        paused = graph_cache.collector_paused
        print("| region | segments | collector on: median / fastest s | paused |")
        print("|---|---|---|---|")
        for name in args.regions.split(","):
            source = rb.import_region(name)
            edges = Segment.objects.filter(source=source).aggregate(
                a=Min("min_lon"), b=Min("min_lat"), c=Max("max_lon"), d=Max("max_lat")
            )
            box = (edges["a"], edges["b"], edges["c"], edges["d"])
            times: dict[str, list[float]] = {"on": [], "paused": []}
            for _ in range(args.runs):
                for mode in times:
                    graph_cache.collector_paused = (
                        paused if mode == "paused" else contextlib.nullcontext
                    )
                    cache = graph_cache.GraphCache()
                    t0 = time.perf_counter()
                    prepared, graph = cache.get(box)
                    times[mode].append(time.perf_counter() - t0)
                    cache.clear()
            graph_cache.collector_paused = paused
            cells = [
                f"{statistics.median(v):.3f} / {min(v):.3f}" for v in times.values()
            ]
            print(f"| {name} | {graph.graph['segments']:,} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
