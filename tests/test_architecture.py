"""The shape of the code, checked: no UI framework in core/, no import cycle between core packages, no overgrown
module, one pinned dependency set."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "core"
MAX_LINES = 800


def _modules() -> dict[str, Path]:
    """Every module of core, by dotted name."""
    out = {}
    for path in CORE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function (a lazy import is still a dependency)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def _unit(module: str) -> str:
    """The package a module belongs to for the cycle check: ``core.drugs.pipeline`` -> ``core.drugs``; a top-level
    module of core (``core.labels``) is its own unit."""
    parts = module.split(".")
    return ".".join(parts[:2])


def package_graph() -> dict[str, set[str]]:
    """Unit -> the other core units it imports."""
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        src = _unit(name)
        graph[src]
        for imported in _imports(path):
            if imported in modules and _unit(imported) != src:
                graph[src].add(_unit(imported))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_planted_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_core_packages():
    graph = package_graph()
    assert {"core.tasks", "core.drugs", "core.synth", "core.knowledge", "core.lexicon"} <= set(graph)
    assert cycles(graph) == []


def test_bottom_layers_import_nothing_above_them():
    graph = package_graph()
    assert graph["core.knowledge"] <= {"core.labels", "core.config", "core.spans"}
    assert graph["core.lexicon"] <= {"core.knowledge", "core.labels", "core.config", "core.spans"}
    # the command line and batch runs (core.batch: the CLI's batch command, Ray's workers) drive the tasks
    assert "core.tasks" not in set().union(*(deps for unit, deps in graph.items()
                                             if unit not in ("core.cli", "core.batch")))


def test_core_never_imports_the_ui_framework():
    offenders = [str(p.relative_to(ROOT)) for p in CORE.rglob("*") if p.is_file() and p.suffix != ".pyc"
                 and "streamlit" in p.read_text(encoding="utf-8", errors="replace").lower()]
    assert offenders == []


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_core_module_is_over_800_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_pyproject_pins_what_requirements_pin():
    import tomllib

    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s#]+)", line)
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for dep in project["dependencies"]:
        name, version = dep.split("==")
        assert pins.get(name.lower().replace("_", "-")) == version, dep
    assert project["scripts"]["notelens"] == "core.cli:main"


def test_serving_a_note_never_loads_the_synthesizer():
    """Inference reads the lexicon and the knowledge base; the training synthesizer stays out of the serving path."""
    import subprocess
    import sys

    code = ("import sys; from core.drugs.normalize import normalize; "
            "from core.conditions.normalize import normalize as cn; "
            "import core.drugs.pipeline, core.conditions.pipeline, core.treatments.suggest, core.triage.pipeline; "
            "assert normalize('Lasix').drugbank_id and cn('HLD').code == 'E78.5'; "
            "print(sorted(m for m in sys.modules if m.startswith('core.synth')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "[]"
