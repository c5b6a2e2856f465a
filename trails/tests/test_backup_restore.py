"""No data lost: the documented backup and restore, and an import killed midway.

Backup is `export_trails`; restore is `import_trails` of that file into an empty
database (README, "Backup and restore"). On Andorra, with elevation from the tile,
closures staff made and the source's attribution, the restored network must be the
same one: every segment with its trail, ends, geometry, length, climb and closure,
its trail's flag and staff's override of it, its other names and waymarked routes,
every route with its marks, and every trailhead and campsite attached to the same
junction.

An import is one transaction, so a process killed while it writes leaves the rows
of the previous import. That is checked for real: `manage.py import_trails` runs
in its own process against its own database (a SQLite file, and a scratch
PostgreSQL database when the suite runs on PostgreSQL), and gets SIGKILL as soon as
it says it is writing segments. Two imports of one source take turns: the second
waits while the first, stopped (SIGSTOP) as it writes, holds the source.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from conftest import ANDORRA_PBF, BASE_DIR
from trails.models import (
    Junction,
    Segment,
    Source,
    Trail,
    Trailhead,
    WalkingRoute,
)
from trails.tests.features import line, point
from trails.tests.snapshots import assert_same_network, network

pytestmark = pytest.mark.django_db

TABLES = [
    "trails_source",
    "trails_trail",
    "trails_junction",
    "trails_segment",
    "trails_trailhead",
    "trails_campsite",
    "trails_dataversion",
]


def test_an_export_restores_the_same_network_into_an_empty_database(
    andorra_db, command, shared_data, tmp_path
):
    command("add_elevation", shared_data / "dem" / "N42E001.hgt.zip")
    closed = Segment.objects.filter(source=andorra_db).order_by("id")[:5]
    Segment.objects.filter(id__in=list(closed.values_list("id", flat=True))).update(
        is_open=False, closed_reason="Washed out below the bridge"
    )
    overridden = andorra_db.trails.filter(flag="bike_downhill").order_by("id")[:3]
    Trail.objects.filter(id__in=list(overridden.values_list("id", flat=True))).update(
        flag_override=True
    )
    name = andorra_db.name
    before = network(andorra_db)
    walkable = Segment.objects.walkable().filter(source=andorra_db).count()
    assert all(len(p) == 3 for v in before["segments"].values() for p in v[6])
    assert before["junctions"] and all(
        j[2] is not None for j in before["junctions"].values()
    )
    counts = (andorra_db.segment_count, andorra_db.trailhead_count, andorra_db.km)
    backup = tmp_path / "backup.geojson"

    command("export_trails", backup)
    Source.objects.all().delete()
    assert not Segment.objects.exists() and not Junction.objects.exists()
    command("import_trails", backup, source=name)

    restored = Source.objects.get(name=name)
    after = network(restored)
    assert len(after["segments"]) == len(before["segments"]) > 6000
    assert_same_network(before, after)
    assert (restored.segment_count, restored.trailhead_count, restored.km) == counts
    assert restored.attribution == "© OpenStreetMap contributors"
    assert restored.licence == "ODbL 1.0"
    shut = Segment.objects.filter(source=restored, is_open=False)
    assert set(shut.values_list("closed_reason", flat=True)) == {
        "Washed out below the bridge"
    }
    assert shut.count() == 5
    # What the data and staff say about walking it, and the waymarked routes.
    flagged = {v[11] for v in after["segments"].values()}
    assert {"private", "bike_downhill", "no_foot", "invisible"} <= flagged
    assert sum(v[12] for v in after["segments"].values()) >= 3  # staff's overrides
    assert any(v[13] for v in after["segments"].values())  # other names
    assert len(after["routes"]) == 36
    gr11 = WalkingRoute.objects.get(source=restored, name="GR 11 Senda Pirenaica")
    assert (gr11.ref, gr11.network, gr11.symbol, gr11.marks) == (
        "GR 11",
        "nwn",
        "red:white:red_lower:11:black",
        "red-white marks",
    )
    assert gr11.segments.count() == 193
    assert Segment.objects.walkable().filter(source=restored).count() == walkable
    climbs = Segment.objects.filter(source=restored, ascent_m__isnull=False)
    assert climbs.count() == len(after["segments"])  # elevation came back everywhere


# An import killed midway ------------------------------------------------------------


def _manage(database_url: str, *args: str, **popen) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "loopgenie.test_settings",
        "PYTHONUNBUFFERED": "1",  # progress lines arrive as they are written
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **popen,
    )


def _run(database_url: str, *args: str) -> str:
    proc = _manage(database_url, *args)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    return out


def _kill_while_writing_segments(database_url: str) -> str:
    """Import Andorra into the existing source and SIGKILL the process the moment
    it says it is writing segments (junctions and trails are written by then)."""
    proc = _manage(
        database_url,
        "import_trails",
        str(ANDORRA_PBF),
        "--source",
        "Andorra",
        "--allow-shrink",  # it replaces the small source's only segment
    )
    seen = []
    try:
        for text in proc.stdout:
            seen.append(text)
            if "writing segments" in text:
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        proc.kill()
        proc.wait(30)
        proc.stdout.close()
    output = "".join(seen)
    assert proc.returncode == -signal.SIGKILL, output
    assert "writing segments" in output and "Imported" not in output, output
    return output


def _two_imports_take_turns(database_url: str, tmp_path: Path) -> None:
    """Stop one import while it writes, start a second of the same source, and see
    the second wait at the source's lock until the first is let go."""
    newer = tmp_path / "newer.geojson"
    a, b, c = [1.5218, 42.5063], [1.5218, 42.5113], [1.5218, 42.5163]
    features = [line([a, b, c], fid="ridge"), line([c, [1.53, 42.52]], fid="spur")]
    newer.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    args = ("import_trails", str(newer), "--source", "Andorra")
    first = _manage(database_url, *args)
    second = None
    try:
        for text in first.stdout:
            if "writing junctions" in text:
                first.send_signal(signal.SIGSTOP)
                break
        second = _manage(database_url, *args)
        said: list[str] = []
        reader = threading.Thread(target=lambda: said.extend(second.stdout))
        reader.start()
        deadline = time.monotonic() + 60
        while not any("waiting for any other import" in t for t in said):
            assert time.monotonic() < deadline and second.poll() is None, said
            time.sleep(0.05)
        time.sleep(1.5)  # time enough to write, were it not waiting
        assert not any("writing junctions" in t for t in said), said
        first.send_signal(signal.SIGCONT)
        out, _ = first.communicate(timeout=60)
        assert first.returncode == 0, out
        assert "segments: 1 created, 0 updated, 1 unchanged, 0 deleted" in out
        second.wait(60)
        reader.join(60)
        assert second.returncode == 0, said
        # It read what the first wrote: nothing left to do.
        assert "segments: 0 created, 0 updated, 2 unchanged, 0 deleted\n" in said
    finally:
        for proc in (first, second):
            if proc is not None:
                proc.send_signal(signal.SIGCONT)
                proc.kill()
                proc.wait(30)
                proc.stdout.close()


def test_what_staff_made_theirs_stays_theirs_through_a_backup_and_restore(
    andorra_db, command, tmp_path
):
    trail = andorra_db.trails.filter(name="Pista de Sorteny").order_by("id").first()
    trail.name, trail.staff_fields = "Sorteny track (staff)", ["name"]
    trail.save()
    trailhead = Trailhead.objects.filter(source=andorra_db).order_by("id").first()
    trailhead.name, trailhead.staff_fields = "Car park by the bridge", ["name"]
    trailhead.save()
    name, backup = andorra_db.name, tmp_path / "backup.geojson"

    command("export_trails", backup)
    Source.objects.all().delete()
    command("import_trails", backup, source=name)
    # and then the next import of the OpenStreetMap extract itself
    command("import_trails", ANDORRA_PBF, source=name)

    restored = Trail.objects.get(source__name=name, external_id=trail.external_id)
    assert (restored.name, restored.staff_fields) == (trail.name, ["name"])
    point = Trailhead.objects.get(source__name=name, external_id=trailhead.external_id)
    assert (point.name, point.staff_fields) == (trailhead.name, ["name"])


def test_two_imports_of_one_source_take_turns_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'turns.sqlite3'}"
    _previous_import(url, tmp_path)
    _two_imports_take_turns(url, tmp_path)


def test_two_imports_of_one_source_take_turns_on_postgresql(scratch_postgres, tmp_path):
    url, _ = scratch_postgres
    _previous_import(url, tmp_path)
    _two_imports_take_turns(url, tmp_path)


def _previous_import(database_url: str, tmp_path: Path) -> None:
    """A small "Andorra" source that the killed import would replace."""
    trails = tmp_path / "previous.geojson"
    a, b, c = [1.5218, 42.5063], [1.5218, 42.5113], [1.5218, 42.5163]
    features = [
        line([a, b, c], fid="ridge", name="Ridge"),
        point(*a, fid="lot", name="Lot", type="Parking"),
    ]
    trails.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    _run(database_url, "migrate", "--noinput")
    _run(database_url, "import_trails", str(trails), "--source", "Andorra")


def _rows(cursor) -> dict[str, list[tuple]]:
    out = {}
    for table in TABLES:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id")
        out[table] = cursor.fetchall()
    return out


def test_an_import_killed_while_writing_leaves_the_previous_data_on_sqlite(
    tmp_path,
):
    db = tmp_path / "killed.sqlite3"
    url = f"sqlite:///{db}"
    _previous_import(url, tmp_path)
    with sqlite3.connect(db) as conn:
        before = _rows(conn.cursor())
    assert len(before["trails_segment"]) == 1

    _kill_while_writing_segments(url)

    # Killed inside its transaction: the rollback journal is still there, and the
    # next connection rolls the half-written pages back.
    assert Path(f"{db}-journal").exists()
    conn = sqlite3.connect(db)
    try:
        assert _rows(conn.cursor()) == before
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


@pytest.fixture
def scratch_postgres():
    """A PostgreSQL database of its own on the test server, dropped afterwards;
    never the suite's test database."""
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite; .ci/run runs it on PostgreSQL too")
    import psycopg2

    db = settings.DATABASES["default"]
    name = f"loopgenie_killed_{uuid.uuid4().hex[:8]}"
    params = {
        "host": db["HOST"] or "localhost",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"],
    }
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    password = f":{params['password']}" if params["password"] else ""
    url = (
        f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/"
        f"{name}"
    )
    try:
        yield url, lambda: psycopg2.connect(dbname=name, **params)
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_an_import_killed_while_writing_leaves_the_previous_data_on_postgresql(
    scratch_postgres, tmp_path
):
    url, connect = scratch_postgres
    _previous_import(url, tmp_path)
    conn = connect()
    try:
        before = _rows(conn.cursor())
        conn.rollback()
        assert len(before["trails_segment"]) == 1

        _kill_while_writing_segments(url)

        assert _rows(conn.cursor()) == before
    finally:
        conn.close()
