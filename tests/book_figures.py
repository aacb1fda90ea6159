"""Every figure of the book, drawn in this process by the chapters' own code.

The figures are the figure cells that the instructor pack exports (``figure_cells`` in
``tools/instructor_pack.py``: every chapter's and problem set's cells with a caption, numbered
as on the site). Each notebook runs once, and only the cells its figures need: a backward slice
over the names the cells read and change, so the figure of a cheap cell does not wait for an
expensive computation further up that it does not use.

A cell counts as changing a name when it binds it, stores into it (``x[i] = ...``,
``x.a = ...``), calls a method on it (``rng.random()``) or passes it to a call that may change
it (``np.add.at(counts, ...)``). A name the slice misses makes the figure cell raise a
NameError, so a wrong slice fails loudly instead of drawing another figure.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from tools._book import cells, chapters, source
from tools.instructor_pack import figure_cells

# Calls that only read their arguments: passing a name to them changes nothing.
_READ_ONLY = {
    "float",
    "format",
    "glue",
    "int",
    "isinstance",
    "len",
    "print",
    "repr",
    "round",
    "str",
}


@dataclass(frozen=True)
class BookFigure:
    """One figure: ``fig-NN-k`` (Fig. N.k on the site), its notebook and cell index."""

    name: str
    notebook: Path
    cell: int


def book_figures(root: Path) -> list[BookFigure]:
    """Every figure of the book in ``root``, in site order."""
    return [
        BookFigure(name, notebook, index)
        for chapter in chapters(root)
        for name, _, notebook, index in figure_cells(chapter)
    ]


@dataclass
class _Names:
    read: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    maybe_changed: set[str] = field(default_factory=set)  # unless the name is a module
    stored_into: set[str] = field(default_factory=set)  # x of x[i] = ..., x.a = ...
    imported: set[str] = field(default_factory=set)


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def cell_names(code: str) -> _Names:
    """The names a cell's code reads, binds and may change."""
    names = _Names()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            bound = isinstance(node.ctx, (ast.Store, ast.Del))
            (names.changed if bound else names.read).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                names.changed.add(bound)
                names.imported.add(bound)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.changed.add(node.name)
        elif isinstance(node, (ast.Attribute, ast.Subscript)) and not isinstance(
            node.ctx, ast.Load
        ):
            names.stored_into.add(_root(node))
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute):
                names.maybe_changed.add(_root(node.func.value))
            if not (isinstance(node.func, ast.Name) and node.func.id in _READ_ONLY):
                arguments = [*node.args, *(k.value for k in node.keywords)]
                names.maybe_changed |= {a.id for a in arguments if isinstance(a, ast.Name)}
    names.maybe_changed |= names.stored_into
    names.maybe_changed.discard(None)
    return names


def needed_cells(codes: dict[int, str], targets: set[int]) -> list[int]:
    """The cells (of ``codes``, index to code) that the ``targets`` cells need, in order."""
    names = {index: cell_names(code) for index, code in codes.items()}
    modules = set().union(*(n.imported for n in names.values()))
    wanted: set[str] = set()
    keep = []
    for index in sorted((i for i in codes if i <= max(targets)), reverse=True):
        cell = names[index]
        changes = cell.changed | (cell.maybe_changed - modules)
        # A store into a module (plt.rcParams[...] = ...) changes what every later cell sees.
        if index in targets or cell.stored_into & modules or changes & wanted:
            keep.append(index)
            wanted |= cell.read | cell.maybe_changed
    return keep[::-1]


class FigureDrawer:
    """Draws the book's figures on demand, running each notebook's needed cells once."""

    def __init__(self, figures: list[BookFigure]):
        self.figures = figures
        self.drawn: dict[str, Figure] = {}

    def figure(self, wanted: BookFigure) -> Figure:
        if wanted.name not in self.drawn:
            self._run(wanted.notebook)
        return self.drawn[wanted.name]

    def _run(self, notebook: Path) -> None:
        names = {f.cell: f.name for f in self.figures if f.notebook == notebook}
        codes = {
            index: source(cell)
            for index, cell in enumerate(cells(notebook))
            if cell["cell_type"] == "code"
        }
        namespace: dict = {"__name__": "__main__"}
        here = Path.cwd()
        # The notebooks run from their own folder, as in Jupyter; plt.show would only warn
        # under Agg, and the figure stays open to be checked.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(plt, "show", lambda *args, **kwargs: None)
            os.chdir(notebook.parent)
            try:
                for index in needed_cells(codes, set(names)):
                    if index in names:
                        plt.close("all")
                    exec(compile(codes[index], f"{notebook.name}, cell {index}", "exec"), namespace)
                    if index in names:
                        self.drawn[names[index]] = plt.gcf()
            finally:
                os.chdir(here)
