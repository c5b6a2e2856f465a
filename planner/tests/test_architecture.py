"""The rules docs/architecture.md states, checked: the pure modules (the solver,
the parsers, geometry, units, the cue sheet) import no Django, even indirectly,
and the trails app imports nothing from the planner."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PURE = [
    "planner.solver",
    "planner.graph",
    "planner.cues",
    "planner.downloads",
    "planner.profiles",
    "planner.compare",
    "planner.placenames",
    "planner.searchtext",
    "planner.track",
    "planner.drive",
    "planner.trip",
    "planner.units",
    "planner.reasons",
    "trails.formats",
    "trails.osm",
    "trails.geojson",
    "trails.geojson_files",
    "trails.geojson_reader",
    "trails.geojson_properties",
    "trails.gpx",
    "trails.network",
    "trails.topology",
    "trails.overlap",
    "trails.overlap_grid",
    "trails.overlap_runs",
    "trails.overlap_rewrite",
    "trails.alongside",
    "trails.snapping",
    "trails.closures",
    "trails.camps",
    "trails.ground",
    "trails.geo",
    "trails.dem",
    "trails.folding",
    "trails.waymarks",
]


def test_the_pure_modules_import_no_django_even_indirectly():
    script = (
        "import importlib, sys\n"
        f"for name in {PURE!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert out.stdout.strip() == "[]"


def test_the_trails_app_imports_nothing_from_the_planner():
    found = []
    for path in sorted((ROOT / "trails").rglob("*.py")):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            found += [
                f"{path.relative_to(ROOT)}: {n}"
                for n in names
                if n.split(".")[0] == "planner"
            ]
    assert found == []
