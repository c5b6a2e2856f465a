"""Load benchmark: gunicorn with the production settings on PostgreSQL and Redis,
the Andorra demo region, driven by wrk from a second process on loopback.

    .venv/bin/python bench/load/run.py                 # about 2.5 minutes
    .venv/bin/python bench/load/run.py --duration 10   # shorter runs

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) and Redis on
127.0.0.1:6379; installs Debian's wrk when it is missing. Steps:

1. a fresh database `loopgenie_load` (dropped and created; LOAD_DATABASE), migrated,
   with the GeoNames places (population >= 1000), the demo region and its
   elevation, and collectstatic; Redis database 2 (LOAD_REDIS_DB) flushed;
2. gunicorn with gunicorn.conf.py (its default workers) on a free loopback port,
   DEBUG off, SECURE on: every request carries `X-Forwarded-Proto: https`, as it
   would behind the TLS-terminating proxy;
3. with the default PLAN_RATE_LIMIT, one client asking for fresh plans too fast
   (the API ones with budget=5): counts of 200 and 429 (with Retry-After);
4. with the rate limit out of the way (PLAN_RATE_LIMIT=1000000/60), after warming
   the shared plan pages and each worker's region graph, one wrk run per kind for
   --duration seconds: cached plan pages, fresh plans (API and page), a mix
   (7 cached : 2 static : 1 fresh) and static files;
5. a table of requests/s, p50/p99 latency and errors per kind, worker timeouts and
   restarts from gunicorn's log, and the goals; then gunicorn is stopped and the
   database dropped and Redis database 2 flushed (unless --keep).

Connections: the machine has 2 cores and gunicorn runs 3 sync workers, each serving
one request at a time. Cached pages and static files use 4 connections (one queued
request per moment, so no worker waits for wrk; more only lengthen the queue and
take CPU from the server); fresh plans use 3, one per worker: the solver budget is
wall-clock time, so 3 solves at once still end within it, while a 4th connection
waits a whole solve in the queue. wrk runs one thread: it shares the 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from planner.budgets import default_budget  # noqa: E402  (pure module, no Django)

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
# Worktrees that run the benchmark side by side name their own (LOAD_DATABASE,
# LOAD_REDIS_DB), so one run never drops another's database.
DB_NAME = os.environ.get("LOAD_DATABASE", "loopgenie_load")
REDIS_DB = int(os.environ.get("LOAD_REDIS_DB", "2"))
# The rate-limit check asks the API for 5-second searches (half its questions; the
# page's half always searches for the default budget): the limit counts search
# seconds, so one such plan takes two thirds of a minute's allowance.
RATE_CHECK_BUDGET = "5"
FRESH_DAYS = (1, 2, 3)  # the trip lengths common.lua asks (`1 + floor(n / 7) % 3`)
HOST = "127.0.0.1"

# Shared plan pages, as the trip form writes them (the same few links, many readers).
CACHED_PATHS = [
    "/plan?lat=&lon=&start=Andorra+la+Vella&drive=20&hike=12&units=mi&days=1"
    "&tolerance=10&stems=yes&difficulty=",
    "/plan?lat=&lon=&start=Ordino&drive=15&hike=8&units=mi&days=1"
    "&tolerance=10&stems=yes&difficulty=",
    "/plan?lat=&lon=&start=Canillo&drive=20&hike=20&units=mi&days=2"
    "&tolerance=10&stems=yes&difficulty=",
    "/plan?lat=&lon=&start=Encamp&drive=15&hike=20&units=km&days=1"
    "&tolerance=10&stems=no&difficulty=3",
]
# What a plan page loads from /static/ (hashed names come from the manifest).
STATIC_FILES = [
    "loopgenie.css",
    "leaflet/leaflet.css",
    "leaflet/leaflet.js",
    "planner/map.js",
]

# Question numbers for fresh plans (common.lua): each phase its own range, so no
# phase asks a question another phase has answered (questions repeat from n = 9000).
SALT = {"ratelimit": 8000, "warm": 6000, "fresh": 0, "mix": 3000}
# wrk stops with requests in flight; let the workers finish them (a fresh plan
# takes the solver's budget) before the next kind starts.
SETTLE_S = 1.5
# A fresh plan spending this long before its search loaded a region graph (or ran
# a full garbage collection): the log line cannot tell which.
SLOW_SETUP_S = 0.2


@dataclass
class Run:
    kind: str
    script: str
    connections: int
    result: dict = field(default_factory=dict)
    log: dict = field(default_factory=dict)
    loadavg: float = 0.0  # the machine's 1-minute load average as the run started

    @property
    def rps(self) -> float:
        return self.result["requests"] / (self.result["duration_us"] / 1e6)

    @property
    def errors(self) -> tuple[int, int, int]:
        r = self.result
        return r["status"], r["connect"] + r["read"] + r["write"], r["timeout"]


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    say("installing Debian's wrk")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env
    )


def app_env(rate_limit: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "loopgenie.settings",
        "DEBUG": "0",
        "SECRET_KEY": "load-benchmark-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://postgres@{HOST}:5432/{DB_NAME}",
        "CACHE_URL": f"redis://{HOST}:6379/{REDIS_DB}",
        "LOG_LEVEL": "INFO",
    }
    # Production defaults, whatever the calling shell or .env says.
    for name in (
        "SECURE",
        "SECURE_SSL_REDIRECT",
        "TRUSTED_PROXY_COUNT",
        "WEB_CONCURRENCY",
        "GUNICORN_THREADS",
        "GUNICORN_TIMEOUT",
        "GUNICORN_MAX_REQUESTS",
        "GUNICORN_ACCESS_LOG",
        "FORWARDED_ALLOW_IPS",
        "PLAN_RATE_LIMIT",
        "PORT",
    ):
        env.pop(name, None)
    if rate_limit:
        env["PLAN_RATE_LIMIT"] = rate_limit
    return env


def flush_redis() -> None:
    import redis

    try:
        redis.Redis(host=HOST, port=6379, db=REDIS_DB).flushdb()
    except redis.ConnectionError as error:
        sys.exit(f"Redis on {HOST}:6379 is needed: {error}")


def recreate_database(create: bool = True) -> None:
    import psycopg2

    try:
        conn = psycopg2.connect(PG_ADMIN)
    except psycopg2.OperationalError as error:
        sys.exit(
            f"PostgreSQL on {HOST}:5432 (user postgres, trust auth) is needed: {error}"
        )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        if create:
            cursor.execute(f"CREATE DATABASE {DB_NAME}")
    conn.close()


def manage(*args: str, logdir: Path) -> None:
    name = args[0]
    with open(logdir / f"{name}.log", "w") as out:
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=app_env(None),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed; see {logdir / (name + '.log')}")


def set_up(logdir: Path) -> None:
    say(f"fresh database {DB_NAME}, Redis db {REDIS_DB} flushed")
    recreate_database()
    flush_redis()
    for args in (
        ("migrate", "--noinput"),
        ("load_places", "--min-population", "1000"),
        ("load_demo",),
        ("collectstatic", "--noinput"),
    ):
        t = time.monotonic()
        manage(*args, logdir=logdir)
        say(f"manage.py {' '.join(args)}: {time.monotonic() - t:.1f} s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"http://{HOST}:{port}{path}", headers={"X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Gunicorn:
    """gunicorn with gunicorn.conf.py, bound to loopback, logging to a file."""

    def __init__(self, logdir: Path, name: str, rate_limit: str | None):
        self.port = free_port()
        self.log_path = logdir / f"gunicorn-{name}.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "loopgenie.wsgi",
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"{HOST}:{self.port}",
                "--control-socket",
                str(logdir / f"gunicorn-{name}.ctl"),
            ],
            cwd=ROOT,
            env=app_env(rate_limit),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited; see {self.log_path}")
            try:
                status, body = get(self.port, "/healthz", timeout=5)
                if status == 200:
                    say(f"gunicorn on {HOST}:{self.port}: /healthz {body.decode()}")
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        sys.exit(f"gunicorn did not answer /healthz within 60 s; see {self.log_path}")

    def text(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def wrk(
    port: int, script: str, connections: int, seconds: float, env: dict[str, str]
) -> dict:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        script,
        f"http://{HOST}:{port}",
    ]
    done = subprocess.run(
        command,
        cwd=HERE,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    for line in done.stdout.splitlines():
        if line.startswith("LOADJSON "):
            return json.loads(line.removeprefix("LOADJSON "))
    sys.exit(f"wrk gave no summary:\n{done.stdout}\n{done.stderr}")


def log_counts(text: str) -> dict:
    """What gunicorn's log says about workers and fresh plans."""
    misses = [
        (float(m.group(1)), float(m.group(2)))
        for m in re.finditer(r"cache=miss .*?solve_s=([\d.]+) total_s=([\d.]+)", text)
    ]
    return {
        "timeouts": text.count("WORKER TIMEOUT"),
        "boots": text.count("Booting worker"),
        "recycled": text.count("Autorestarting worker"),
        "died": len(re.findall(r"Worker \(pid:\d+\) (?:exited|was sent)", text)),
        "solved": len(misses),
        "slow_setup": sum(1 for s, t in misses if t - s > SLOW_SETUP_S),
        "solve_s": [s for s, _ in misses],
    }


def rate_limit_check(logdir: Path) -> dict:
    """One client, one connection, fresh plans as fast as it can: default limit."""
    flush_redis()
    server = Gunicorn(logdir, "ratelimit", rate_limit=None)
    try:
        # The limit is a fixed window on the clock (30 per minute by default): start
        # early in a window so the run does not straddle two.
        second = time.time() % 60
        if second > 48:
            say(f"waiting {60 - second:.0f} s for the next rate-limit window")
            time.sleep(60 - second + 0.5)
        result = wrk(
            server.port,
            "ratelimit.lua",
            1,
            8,
            {
                "LOAD_SALT": str(SALT["ratelimit"]),
                "LOAD_BUDGET": RATE_CHECK_BUDGET,
                "LOAD_ONE_REGION": "1",
            },
        )
    finally:
        server.stop()
    result["log"] = log_counts(server.text())
    return result


def static_paths() -> list[str]:
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
    return [f"/static/{manifest['paths'][name]}" for name in STATIC_FILES]


def load_runs(logdir: Path, seconds: float) -> tuple[list[Run], dict]:
    flush_redis()
    server = Gunicorn(logdir, "load", rate_limit="1000000/60")
    base_env = {
        "LOAD_CACHED_PATHS": " ".join(CACHED_PATHS),
        "LOAD_STATIC_PATHS": " ".join(static_paths()),
    }
    runs = [
        Run("cached plan pages", "cached.lua", 4),
        Run("fresh plans (API + page)", "fresh.lua", 3),
        Run("mix 7:2:1", "mix.lua", 4),
        Run("static files", "static.lua", 4),
    ]
    try:
        for path in CACHED_PATHS:
            for _ in range(2):  # the second answer comes from the response cache
                status, _ = get(server.port, path)
                if status != 200:
                    sys.exit(f"warming {path} gave {status}; see {server.log_path}")
        say("shared plan pages answered; warming each worker's region graphs")
        wrk(
            server.port, "fresh.lua", 3, 8, {**base_env, "LOAD_SALT": str(SALT["warm"])}
        )
        time.sleep(SETTLE_S)
        for run in runs:
            before = len(server.text())
            run.loadavg = os.getloadavg()[0]
            salt = SALT["mix"] if run.script == "mix.lua" else SALT["fresh"]
            run.result = wrk(
                server.port,
                run.script,
                run.connections,
                seconds,
                {**base_env, "LOAD_SALT": str(salt)},
            )
            time.sleep(SETTLE_S)  # lines of requests still in flight belong here
            run.log = log_counts(server.text()[before:])
            say(f"{run.kind}: {run.rps:.0f} requests/s")
    finally:
        server.stop()
    return runs, log_counts(server.text())


def ms(us: float) -> str:
    return f"{us / 1000:.0f}" if us >= 10_000 else f"{us / 1000:.1f}"


def report(runs: list[Run], whole: dict, limited: dict, seconds: float) -> None:
    print()
    print(
        "| kind | connections | requests | requests/s | p50 ms | p99 ms | max ms "
        "| errors: non-2xx/3xx, socket, timeouts | worker timeouts | workers "
        "recycled | load avg |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        r = run.result
        status, sockets, timeouts = run.errors
        print(
            f"| {run.kind} | {run.connections} | {r['requests']} | {run.rps:.0f} "
            f"| {ms(r['p50_us'])} | {ms(r['p99_us'])} | {ms(r['max_us'])} "
            f"| {status}, {sockets}, {timeouts} | {run.log['timeouts']} "
            f"| {run.log['recycled']} | {run.loadavg:.1f} |"
        )
    print()
    for run in runs:
        if run.log["solved"]:
            solves = run.log["solve_s"]
            print(
                f"- {run.kind}: {run.log['solved']} plans solved; search to "
                f"finished plan (solve_s) p50 {statistics.median(solves):.3f} s, "
                f"max {max(solves):.3f} s; {run.log['slow_setup']} spent over "
                f"{SLOW_SETUP_S} s before the search (a region graph load or a full "
                "garbage collection)"
            )
    print(
        f"- gunicorn ({seconds:g} s per kind, plus warming): {whole['timeouts']} "
        f"worker timeouts; {whole['boots']} worker boots ({whole['recycled']} "
        f"recycled after max_requests, {whole['died']} died)"
    )
    print(
        f"- rate limit (default {rate_limit_default()}), one client, one connection,"
        f" fresh questions (API with budget={RATE_CHECK_BUDGET}, pages at the "
        f"default): {limited['answered']} answers in "
        f"{limited['duration_us'] / 1e6:.1f} s: "
        f"{limited['ok']} x 200, {limited['limited']} x 429 "
        f"({limited['retry_after']} with Retry-After), {limited['other']} other; "
        f"{limited['log']['timeouts']} worker timeouts"
    )

    cached, fresh = runs[0], runs[1]
    # the longest default budget among the fresh questions: common.lua asks
    # trips of 1 to 3 days, and a 3-day plan searches half as long again
    budget_ms = max(default_budget(days) for days in FRESH_DAYS) * 1000 + 300
    errors = sum(sum(run.errors) for run in runs)
    goals = [
        ("zero errors", errors == 0, f"{errors} errors"),
        (
            "zero worker timeouts",
            whole["timeouts"] + limited["log"]["timeouts"] == 0,
            f"{whole['timeouts'] + limited['log']['timeouts']} timeouts",
        ),
        (
            "cached plan pages >= 500 requests/s",
            cached.rps >= 500,
            f"{cached.rps:.0f} requests/s",
        ),
        (
            f"fresh plans p99 <= {budget_ms:.0f} ms (longest budget asked + 300 ms)",
            fresh.result["p99_us"] / 1000 <= budget_ms,
            f"p99 {ms(fresh.result['p99_us'])} ms",
        ),
        (
            "429 with Retry-After past the limit",
            limited["limited"] > 0 and limited["retry_after"] == limited["limited"],
            f"{limited['limited']} x 429",
        ),
    ]
    print()
    for name, met, figure in goals:
        print(f"- {name}: {'met' if met else 'MISSED'} ({figure})")


def rate_limit_default() -> str:
    text = (ROOT / "loopgenie" / "settings.py").read_text()
    found = re.search(r'"PLAN_RATE_LIMIT", (?:default=)?"([^"]+)"', text)
    return found.group(1) if found else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--duration",
        type=float,
        default=20,
        help="seconds per kind of load (default 20)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database, the Redis db and the logs afterwards",
    )
    args = parser.parse_args()
    if not 1 <= args.duration <= 120:
        parser.error("--duration must be between 1 and 120 seconds")
    ensure_wrk()
    started = time.monotonic()
    logdir = Path(tempfile.mkdtemp(prefix="loopgenie-load-"))
    try:
        set_up(logdir)
        say("rate limit check (default PLAN_RATE_LIMIT)")
        limited = rate_limit_check(logdir)
        say("load runs (PLAN_RATE_LIMIT=1000000/60)")
        runs, whole = load_runs(logdir, args.duration)
        report(runs, whole, limited, args.duration)
        print(f"\n{os.cpu_count()} cores; whole run {time.monotonic() - started:.0f} s")
    finally:
        if args.keep:
            print(f"kept: database {DB_NAME}, Redis db {REDIS_DB}, logs in {logdir}")
        else:
            recreate_database(create=False)
            flush_redis()
            shutil.rmtree(logdir, ignore_errors=True)


if __name__ == "__main__":
    main()
