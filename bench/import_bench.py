"""Import time and peak memory for an OSM extract, beside what pyosmium alone needs.

    .venv/bin/python bench/import_bench.py [FILE.osm.pbf] [--repeat 3]

Each measurement runs in a fresh process (so peak memory is that step's own), on a
fresh database: SQLite in a temporary file, and PostgreSQL in a scratch database
(`BENCH_PG_URL`, default postgres://postgres@127.0.0.1:5432/loopgenie_bench) when a
server answers. Rows: the floor (pyosmium reading every way with node locations),
our parse (floor plus building the network), a first import, a re-import of the
same file (nothing changes, and the import recognises the file: no parse), and the
same re-import forced (the full parse and sync, what a re-import cost before it was
recognised; on an older tree, whose `import_file` has no `force`, the plain
re-import again). Times are medians over --repeat runs.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = (
    ROOT.parent / "shared" / "data" / "andorra-osm" / "andorra-2021-06-22.osm.pbf"
)
PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/loopgenie_bench"
)


def child(step: str, path: str) -> dict:
    """Run one step in this process and report seconds (wall and this process's
    CPU: the database server's work on PostgreSQL is not in it), peak MB and
    queries."""
    sys.path.insert(0, str(ROOT))
    if step == "floor":
        import osmium

        class Touch(osmium.SimpleHandler):
            def way(self, w):
                for n in w.nodes:
                    n.location.lon  # noqa: B018 - make osmium resolve it

        t, c = time.perf_counter(), time.process_time()
        Touch().apply_file(path, locations=True, idx="flex_mem")
        seconds, queries = time.perf_counter() - t, 0
    elif step == "parse":
        from trails.formats import read_network

        t, c = time.perf_counter(), time.process_time()
        read_network(path)
        seconds, queries = time.perf_counter() - t, 0
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loopgenie.settings")
        os.environ.setdefault("SECRET_KEY", "bench")
        os.environ.setdefault("ALLOW_LOCAL_CACHE", "1")  # one process
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from trails.importers import import_file

        call_command("migrate", verbosity=0)
        options = {}
        if step == "reimport-forced":
            # An older tree's import_file has no force: it re-imports in full.
            if "force" in inspect.signature(import_file).parameters:
                options["force"] = True
        if step != "import":
            import_file(path, "bench")
        t, c = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as ctx:
            import_file(path, "bench", **options)
        seconds, queries = time.perf_counter() - t, len(ctx)
    cpu_s = time.process_time() - c
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu_s": cpu_s, "peak_mb": peak_mb, "queries": queries}


def run_child(step: str, path: Path, db_url: str | None) -> dict:
    env = dict(os.environ)
    if db_url:
        env["DATABASE_URL"] = db_url
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_pg(url: str = PG_URL) -> str | None:
    """An empty database at `url` (dropped and created); None when no server
    answers there."""
    import psycopg2

    base, _, name = url.rpartition("/")
    try:
        conn = psycopg2.connect(f"{base}/postgres")
    except psycopg2.OperationalError:
        return None
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return url


def measure(step: str, path: Path, db: str, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        if db == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                runs.append(run_child(step, path, f"sqlite:///{tmp}/bench.sqlite3"))
        elif db == "postgresql":
            url = fresh_pg()
            if url is None:
                return {}
            runs.append(run_child(step, path, url))
        else:
            runs.append(run_child(step, path, None))
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "peak_mb": max(r["peak_mb"] for r in runs),
        "queries": runs[-1]["queries"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--child", nargs=2, metavar=("STEP", "FILE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    path = Path(args.file)
    print(
        f"file: {path.name} ({path.stat().st_size / 1e6:.1f} MB), "
        f"median of {args.repeat}, {os.cpu_count()} cores"
    )
    floor = measure("floor", path, "-", args.repeat)
    rows = [
        ("pyosmium read (floor)", "-", floor),
        ("parse + build network", "-", measure("parse", path, "-", args.repeat)),
    ]
    for db in ("sqlite", "postgresql"):
        for step, label in (
            ("import", "first import"),
            ("reimport", "re-import, unchanged"),
            ("reimport-forced", "re-import, forced"),
        ):
            result = measure(step, path, db, args.repeat)
            if result:
                rows.append((label, db, result))
            else:
                print(f"(no PostgreSQL at {PG_URL}; skipped)")
    print(
        f"{'step':<24} {'database':<11} {'seconds':>8} {'x floor':>8} "
        f"{'cpu s':>8} {'peak MB':>8} {'queries':>8}"
    )
    for label, db, r in rows:
        print(
            f"{label:<24} {db:<11} {r['seconds']:>8.2f} "
            f"{r['seconds'] / floor['seconds']:>8.1f} {r['cpu_s']:>8.2f} "
            f"{r['peak_mb']:>8.0f} {r['queries'] or '-':>8}"
        )


if __name__ == "__main__":
    main()
