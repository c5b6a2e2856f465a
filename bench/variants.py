"""Solver settings side by side on real regions: every variant asked the same
questions in one process, interleaved question by question, so all of them see
the same machine (a loaded machine slows them alike).

    .venv/bin/python bench/variants.py andorra,lauf '' \\
        'old:planner.solver.costs.NAMED=1.15,planner.solver.costs.UNNAMED=1.35'

The first argument lists regions (as in regions_bench.py, or NAME=PATH for a file
the project does not ship); each further one is a
variant, `name:module.attribute=value,...` (an empty one is the code as it is).
Values are Python literals. Each variant keeps its own region graphs, as weights
are read when a graph is prepared. Prints regions_bench.py's table per variant,
ours only (no length-only baseline, no cold questions).
"""

from __future__ import annotations

import ast
import importlib
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import regions_bench as rb  # noqa: E402


def parse(spec: str) -> tuple[str, list[tuple[str, str, object]]]:
    name, _, body = spec.partition(":")
    settings = []
    for item in filter(None, body.split(",")):
        key, value = item.split("=", 1)
        module, attr = key.rsplit(".", 1)
        settings.append((module, attr, ast.literal_eval(value)))
    return name or "as is", settings


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    regions = []
    for region in sys.argv[1].split(","):
        # NAME=PATH: a file the project does not ship, as regions_bench's --extra
        name, _, path = region.partition("=")
        if path:
            rb.REGIONS[name] = (str(Path(path).resolve()), None)
        regions.append(name)
    variants = [parse(s) for s in sys.argv[2:]] or [("as is", [])]
    with tempfile.TemporaryDirectory() as tmp:
        rb.setup(tmp)
        from django.test import Client

        from planner import plans

        client = Client()
        rows = []
        for region in regions:
            source = rb.import_region(region)
            table = rb.segment_table(source)
            answers = {name: [] for name, _ in variants}
            caches = {name: type(plans.GRAPHS)() for name, _ in variants}
            for lat, lon in rb.start_points(source, rb.STARTS):
                for hike in rb.HIKES_MI:
                    params = {
                        "lat": lat,
                        "lon": lon,
                        "drive_miles": rb.DRIVE_MI,
                        "days": rb.DAYS,
                        "hike_miles": hike,
                    }
                    for name, settings in variants:
                        saved = []
                        for module, attr, value in settings:
                            m = importlib.import_module(module)
                            saved.append((m, attr, getattr(m, attr)))
                            setattr(m, attr, value)
                        plans.GRAPHS = caches[name]
                        try:
                            answers[name].append(rb.question(client, params, table))
                        finally:
                            for m, attr, value in reversed(saved):
                                setattr(m, attr, value)
            for name, _ in variants:
                rows.append([region, name, *rb.row(answers[name])])
        for line in rb.table_lines(["region", "variant", *rb.COLUMNS], rows):
            print(line)


if __name__ == "__main__":
    main()
