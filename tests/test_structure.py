"""Tests for the structure: the import graphs of xentbook/ and of tools/ have no cycle.

The graph is read from the source with ``ast`` (no module is imported), so a circle
fails here even where Python's import order happens to hide it. A module that names
its package (``from . import name``) depends on the submodule ``name`` if there is one,
otherwise on the package's ``__init__``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "xentbook"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module of ``package`` and the modules of ``package`` it imports."""
    paths = {module_name(p): p for p in package.rglob("*.py")}
    graph = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")
                base = base[: len(base) - node.level + 1] if node.level else []
                origin = ".".join([*base, *([node.module] if node.module else [])])
                for alias in node.names:
                    sub = f"{origin}.{alias.name}"
                    targets.add(sub if sub in paths else origin)
        graph[name] = {t for t in targets if t in paths and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of modules (first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_import_graph_of_xentbook_has_no_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_import_graph_of_the_book_tooling_has_no_cycle():
    graph = import_graph(ROOT / "tools")
    assert "tools._print" in graph["tools.pdf"], "the graph must see the tools' imports"
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_cycle_finder_finds_a_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("engine", ["xentbook._rows", "xentbook._threads"])
def test_engine_imports_nothing_above_it(engine):
    # The engine may use the errors module (the bottom of the package) and nothing else.
    assert import_graph()[engine] <= {"xentbook._errors", "xentbook._threads"}


def test_the_graph_sees_relative_imports():
    graph = import_graph()
    assert "xentbook._rows" in graph["xentbook._validation"]
    assert "xentbook._threads" in graph["xentbook._rows"]
