"""A country of trails: the demo region laid out N x N times, imported, planned on.

    .venv/bin/python bench/scale.py [--n 5] [--hikes-only]

1. The demo region (Andorra's OSM extract) is imported into a scratch SQLite
   database and exported as GeoJSON (`export_trails`, as staff would move data).
2. N x N copies of it are laid side by side, `SPACING_DEG` apart (about 40 km of
   open ground between copies), every id prefixed with its copy's, into one
   GeoJSON file (N = 5: some 160,000 segments, 36,000 km).
3. `import_trails` reads that file into a fresh PostgreSQL database
   (`BENCH_PG_URL`, default .../loopgenie_scale) in a child process: seconds
   and peak memory (the child's maximum resident set), and the CPU time the
   child itself used (wall seconds also count PostgreSQL's work, and whatever
   else shares the machine).
4. A second child process plays one worker: from the middle of the middle copy
   it plans a 12-mile hike with a 30-mile drive, 20 miles with 100, and 60 miles
   over 4 days with 300, each first cold (no region graph in memory, plan cache
   empty) and then warm (graph cached, plan not), through `/api/plan` at the
   default budget. Each answer's first walk is re-measured on its geometry
   (`trails/ground.py`): "within 1%" is the measured length against the target;
   for several days, how many of its nights are at a bed.
   The worker's resident memory is read after every plan.

`--hikes-only` reuses the database a previous run imported (step 4 alone);
`--ask DRIVE,HIKE,DAYS` (repeatable) plans those questions instead of the three;
`--import-only` stops after step 3; `--file PATH` keeps the tiled file there and
reuses it when it is already there (tiling N = 5 takes a minute).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEMO = ROOT.parent / "shared" / "data" / "andorra-osm" / "andorra-2021-06-22.osm.pbf"
PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/loopgenie_scale"
)
SPACING_DEG = (0.8, 0.55)  # lon, lat: Andorra is ~0.45 x 0.25 degrees
CENTRE = (1.5211, 42.5078)  # Andorra la Vella, in the first copy
QUESTIONS = [  # drive miles, hike miles, days
    (30, 12, 1),
    (100, 20, 1),
    (300, 60, 4),
]
ID_KEYS = ("trail", "start_junction", "end_junction", "junction")


def tiled(doc: dict, n: int) -> dict:
    """n x n copies of an exported FeatureCollection, ids prefixed per copy."""
    features = []
    routes = {}
    base_routes = doc.get("properties", {}).get("routes", {})
    for i in range(n):
        for j in range(n):
            tag = f"c{i}.{j}:"
            dlon, dlat = i * SPACING_DEG[0], j * SPACING_DEG[1]
            for rid, route in base_routes.items():
                routes[tag + rid] = route
            for feature in doc["features"]:
                f = copy.deepcopy(feature)
                if "id" in f:
                    f["id"] = tag + str(f["id"])
                props = f["properties"]
                for key in ID_KEYS:
                    if props.get(key):
                        props[key] = tag + str(props[key])
                if props.get("routes"):
                    props["routes"] = [tag + r for r in props["routes"]]
                geom = f["geometry"]
                if geom["type"] == "Point":
                    geom["coordinates"] = _moved(geom["coordinates"], dlon, dlat)
                else:
                    geom["coordinates"] = [
                        _moved(c, dlon, dlat) for c in geom["coordinates"]
                    ]
                features.append(f)
    props = {**doc.get("properties", {}), "routes": routes}
    return {"type": "FeatureCollection", "properties": props, "features": features}


def _moved(c: list, dlon: float, dlat: float) -> list:
    return [round(c[0] + dlon, 7), round(c[1] + dlat, 7), *c[2:]]


def export_demo(out: Path) -> None:
    """The demo region imported into scratch SQLite, exported as GeoJSON."""
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(f"sqlite:///{tmp}/demo.sqlite3")
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        subprocess.run(
            [*manage, "import_trails", str(DEMO), "--source", "Andorra", "-v0"],
            env=env,
            check=True,
        )
        subprocess.run(
            [*manage, "export_trails", "--source", "Andorra", str(out), "-v0"],
            env=env,
            check=True,
        )


def _env(db_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DJANGO_SETTINGS_MODULE="loopgenie.settings",
        SECRET_KEY="bench",
        DEBUG="1",
        ALLOW_LOCAL_CACHE="1",
        PLAN_RATE_LIMIT="1000000/60",
    )
    return env


def import_child(path: str) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    t, cpu = time.perf_counter(), time.process_time()
    call_command("import_trails", path, "--source", "Tiles", verbosity=0)
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    from trails.models import Segment, Trailhead

    return {
        "seconds": round(seconds, 1),
        "cpu_s": round(cpu, 1),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "segments": Segment.objects.count(),
        "trailheads": Trailhead.objects.count(),
    }


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def plan_child(n: int, questions: list[tuple[int, int, int]]) -> list[dict]:
    import django

    django.setup()
    import logging

    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from planner import plans
    from trails.geo import METRES_PER_MILE
    from trails.ground import walk_length_m

    call_command("migrate", verbosity=0)  # --hikes-only: a database from before
    settings.ALLOWED_HOSTS.append("testserver")
    logging.getLogger("loopgenie.plans").setLevel(logging.WARNING)
    middle = n // 2
    lon = CENTRE[0] + middle * SPACING_DEG[0]
    lat = CENTRE[1] + middle * SPACING_DEG[1]
    client = Client()
    rows = []
    for drive, hike, days in questions:
        params = {
            "lat": lat,
            "lon": lon,
            "drive_miles": drive,
            "hike_miles": hike,
            "days": days,
        }
        for state in ("cold", "warm"):
            cache.clear()
            if state == "cold":
                plans.GRAPHS.clear()
            t = time.perf_counter()
            response = client.get("/api/plan", params)
            seconds = time.perf_counter() - t
            doc = response.json()
            loops = doc.get("loops", [])
            error = None
            at_bed = None
            if loops:
                length = walk_length_m(loops[0]["geometry"]["coordinates"])
                target = hike * METRES_PER_MILE
                error = (length - target) / target
                nights = loops[0].get("days", [])[:-1]
                at_bed = sum(bool(d["ends_at"]["campsite"]) for d in nights)
            rows.append(
                {
                    "drive": drive,
                    "hike": hike,
                    "days": days,
                    "state": state,
                    "status": response.status_code,
                    "seconds": round(seconds, 2),
                    "walks": len(loops),
                    "error": error,
                    "at_bed": at_bed,
                    "message": doc.get("message"),
                    "rss_mb": round(rss_mb()),
                }
            )
    return rows


def _question(text: str) -> tuple[int, int, int]:
    drive, hike, days = (int(x) for x in text.split(","))
    return drive, hike, days


def run_child(kind: str, arg: str, db_url: str) -> object:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, arg],
        env=_env(db_url),
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(f"{kind} child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5, help="copies per side (5)")
    parser.add_argument("--hikes-only", action="store_true", help="plan only")
    parser.add_argument("--import-only", action="store_true", help="import only")
    parser.add_argument("--file", type=Path, help="where to keep the tiled file")
    parser.add_argument(
        "--ask",
        action="append",
        metavar="DRIVE,HIKE,DAYS",
        help="plan this question instead of the usual three (miles, miles, days); "
        "may be repeated",
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, arg = args.child
        if kind == "import":
            result: object = import_child(arg)
        else:
            n, asked = arg.split(":")
            result = plan_child(int(n), [_question(q) for q in asked.split(";")])
        print(json.dumps(result))
        return

    from import_bench import fresh_pg

    print(f"# {args.n} x {args.n} copies of the demo region, PostgreSQL\n")
    if not args.hikes_only:
        with tempfile.TemporaryDirectory() as tmp:
            big = args.file or Path(tmp) / "tiles.geojson"
            t = time.perf_counter()
            if not big.exists():
                demo = Path(tmp) / "demo.geojson"
                export_demo(demo)
                doc = tiled(json.loads(demo.read_text()), args.n)
                big.write_text(json.dumps(doc))
                del doc
            size_mb = big.stat().st_size / 1e6
            print(f"Tiled file: {size_mb:,.0f} MB ({time.perf_counter() - t:.0f} s)")
            if fresh_pg(PG_URL) is None:
                sys.exit(f"no PostgreSQL server answers at {PG_URL}")
            got = run_child("import", str(big), PG_URL)
        print(
            f"Import: {got['seconds']} s ({got['cpu_s']} s of this process's CPU), "
            f"peak {got['peak_mb']} MB; "
            f"{got['segments']:,} segments, {got['trailheads']:,} trailheads\n"
        )
    if args.import_only:
        return
    asked = ";".join(args.ask or [",".join(map(str, q)) for q in QUESTIONS])
    rows = run_child("plan", f"{args.n}:{asked}", PG_URL)
    header = ["drive mi", "hike mi", "days", "state", "s", "walks"]
    header += ["first walk vs target", "worker MB"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        error = "-" if r["error"] is None else f"{r['error']:+.1%}"
        if r["error"] is not None and r["days"] > 1:
            error += f", {r['at_bed']} of {r['days'] - 1} nights at a bed"
        walks = r["walks"] if r["walks"] else f"0 ({r['message'] or r['status']})"
        print(
            f"| {r['drive']} | {r['hike']} | {r['days']} | {r['state']} | "
            f"{r['seconds']:.2f} | {walks} | {error} | {r['rss_mb']} |"
        )


if __name__ == "__main__":
    main()
