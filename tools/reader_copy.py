"""Reader copies of the book's notebooks: what the site shows, in Markdown any Jupyter renders.

The chapters' sources are written in MyST for Jupyter Book: numbers in the prose are
``{glue:text}`` roles, exercises and solutions are sphinx-exercise directives, and terms,
citations and cross-references are roles. Outside the built site (a downloaded notebook,
JupyterLite, the student edition) none of that is rendered, and ``myst_nb`` is not installed.
:func:`reader_notebook` makes the copy a reader opens:

- every glued number is written into the text, formatted as myst-nb formats it, and the
  ``glue`` calls, their import and their hidden records leave the code, which then needs only
  ``xentbook``, NumPy and matplotlib;
- exercises and figures carry the site's numbers ("Exercise 5.3", "Fig. 5.1"): chapters are
  numbered in ``_toc.yml`` order, and exercises and figures are counted per chapter, problem
  sets included, as Sphinx counts them;
- cross-references read as on the site ("Fig. 5.1", "Exercise 5.3", a section's title);
- citations read as the site's ``bibtex_reference_style`` writes them, formatted by
  sphinxcontrib-bibtex itself, with the references listed at the end of the notebook;
- display equations are unnumbered, as on the site;
- solutions are folded: their prose in a ``<details>`` block, their code cells collapsed.

MyST is parsed by :mod:`tools._myst`, the build's own parser. Code cells stay in place, so
the copy runs top to bottom and its outputs still match the book's.
"""

from __future__ import annotations

import ast
import copy
import importlib
import re
import sys
from ast import literal_eval
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pybtex.plugin
import yaml
from pybtex.database import parse_file
from pybtex.richtext import BaseMultipartText, BaseText, Text
from sphinxcontrib.bibtex.plugin import find_plugin
from sphinxcontrib.bibtex.style.referencing import format_references
from sphinxcontrib.bibtex.style.template import SphinxReferenceInfo, SphinxReferenceText

from tools import _book, _myst

__all__ = ["BookIndex", "book_index", "reader_notebook"]

GLUE_PREFIX = "application/papermill.record/"
_NUMPY_SCALAR = re.compile(r"^np\.\w+\((.*)\)$")
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_ADMONITIONS = {"admonition", "attention", "caution", "danger", "error", "hint", "important"}
_ADMONITIONS |= {"note", "tip", "warning"}
FOLDED = {"jupyter": {"source_hidden": True, "outputs_hidden": True}}


@dataclass
class BookIndex:
    """What the site numbers and names, by label: the text a reference to it shows.

    ``exercises`` maps an exercise's label to its number and title, ``figures`` a figure's
    name to its number, ``sections`` a ``(label)=`` target to the heading after it, and
    ``docs`` a notebook's name (``05_loss``) to its title.
    """

    exercises: dict[str, tuple[str, str]] = field(default_factory=dict)
    figures: dict[str, str] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)
    docs: dict[str, str] = field(default_factory=dict)


def reader_notebook(nb: dict, *, root: Path | None = None) -> dict:
    """Return the reader copy of notebook ``nb`` (nbformat 4, as a dict) of the book in ``root``.

    Parameters
    ----------
    nb : dict
        A notebook of the book, as loaded with :func:`json.load`; it is not changed.
    root : Path, optional
        The project folder (``_config.yml``, ``_toc.yml``, ``book/``) whose numbering,
        labels and bibliography the copy uses; by default the clone holding this module.

    Returns
    -------
    dict
        The reader copy.

    Raises
    ------
    ValueError
        When the notebook uses MyST the copy cannot render: a glue role that names no value
        glued in the notebook, a ``glue`` call that displays, an unknown role or directive, a
        reference to an unknown label.
    """
    reader = copy.deepcopy(nb)
    render = _Renderer(book_index(root or _myst.ROOT), _glue_values(reader), root or _myst.ROOT)
    cells: list[dict] = []
    for cell in reader["cells"]:
        if cell["cell_type"] == "code":
            _drop_glue(cell)
            if render.gate is not None:
                cell["metadata"] = {**cell.get("metadata", {}), **FOLDED}
            cells.append(cell)
            cells += render.caption(cell)
        elif cell["cell_type"] == "markdown":
            text = render.cell(_book.source(cell))
            if text.strip():
                cell["source"] = text
                cells.append(cell)
        else:
            cells.append(cell)
    cells += render.references()
    reader["cells"] = cells
    return reader


def book_index(root: Path) -> BookIndex:
    """Number the exercises and figures of the book in ``root`` as its site does.

    Computed once per state of the sources: a long-running build sees an edited chapter.
    """
    sources = [root / "_toc.yml", *sorted((root / "book").rglob("*.ipynb"))]
    sources += sorted((root / "book").rglob("*.md"))
    return _book_index(root, tuple(p.stat().st_mtime_ns for p in sources))


@cache
def _book_index(root: Path, stamp: tuple[int, ...]) -> BookIndex:
    # `stamp` (the sources' modification times) is read only by the cache, as part of its key.
    index = BookIndex()
    for chapter in _book.chapters(root):
        exercises = figures = 0
        for path in chapter.notebooks:
            for cell in _book.cells(path):
                text = _book.source(cell)
                if cell["cell_type"] == "code":
                    name = _figure(cell).get("name")
                    if name:
                        figures += 1
                        index.figures[name] = f"Fig. {chapter.number}.{figures}"
                    continue
                for found in _myst.directives(text, "exercise"):
                    if "label" not in found.options:
                        raise ValueError(f"{path.name}: every exercise needs a `:label:`")
                    number = "Exercise"
                    if "nonumber" not in found.options:
                        exercises += 1
                        number = f"Exercise {chapter.number}.{exercises}"
                    index.exercises[found.options["label"]] = (number, found.argument)
    toc_files = [root / p for p in _toc_files(root)]
    for path in toc_files:
        elements = _page_elements(path)
        headings = [e for e in elements if isinstance(e, _myst.Heading)]
        if headings:
            index.docs[path.stem] = headings[0].text
        for target in (e for e in elements if isinstance(e, _myst.Target)):
            after = [h for h in headings if h.start >= target.end]
            if after:
                index.sections[target.label] = after[0].text
    return index


def _toc_files(root: Path) -> list[str]:
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))

    def walk(entries: list[dict]) -> list[str]:
        return [x for e in entries for x in [e["file"], *walk(e.get("sections", []))]]

    files = [toc["root"], *walk(c for p in toc.get("parts", []) for c in p["chapters"])]
    return [f"{f}.ipynb" if (root / f"{f}.ipynb").exists() else f"{f}.md" for f in files]


def _page_elements(path: Path) -> list[_myst.Element]:
    if path.suffix == ".md":
        return _myst.elements(path.read_text(encoding="utf-8"))
    cells = [c for c in _book.cells(path) if c["cell_type"] == "markdown"]
    # One text, so a target at the end of a cell names the heading that opens the next.
    return _myst.elements("\n\n".join(_book.source(c) for c in cells))


def _figure(cell: dict) -> dict:
    return cell.get("metadata", {}).get("mystnb", {}).get("figure", {})


class _Renderer:
    """Renders a notebook's Markdown cells in order; a gated solution spans cells."""

    def __init__(self, index: BookIndex, values: dict[str, str], root: Path):
        self.index, self.values, self.root = index, values, root
        self.gate: str | None = None  # the summary of the open gated solution
        self.opened = False  # a gated solution has started and shown nothing yet
        self.cited: list[str] = []

    def cell(self, text: str) -> str:
        """One Markdown cell; the parts inside a gated solution are folded."""
        parts: list[tuple[str | None, str]] = []
        last = 0
        gates = [e for e in _myst.elements(text) if isinstance(e, _myst.Directive)]
        for found in (e for e in gates if e.name in ("solution-start", "solution-end")):
            parts.append((self.gate, text[last : found.start]))
            last = found.end
            self.gate = self._solution_title(found) if found.name == "solution-start" else None
            self.opened = found.name == "solution-start"
        parts.append((self.gate, text[last:]))
        out = []
        for gate, part in parts:
            body = self.markdown(part).strip("\n")
            if gate is None:
                out.append(body)
            elif self.opened:  # the first part of a solution: folded under its title
                out.append(_details(gate, body or "Its code follows in the folded cells."))
                self.opened = False
            elif body:
                out.append(_details(f"{gate}, continued", body))
        return "\n\n".join(p for p in out if p)

    def markdown(self, text: str) -> str:
        """MyST Markdown as plain Markdown."""
        return _myst.rewrite(text, self._element)

    def caption(self, cell: dict) -> list[dict]:
        """The caption cell a figure's code cell is followed by, numbered as on the site."""
        figure = _figure(cell)
        if not figure:
            return []
        number = self.index.figures[figure["name"]]
        text = f"**{number}** {self.markdown(figure.get('caption', ''))}".strip()
        cell_id = f"caption-{figure['name']}"
        return [{"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text}]

    def references(self) -> list[dict]:
        """A References cell listing every work the notebook cites, as the site lists them."""
        if not self.cited:
            return []
        entries = _bibliography(self.root)
        style = _entry_style(self.root)
        works = list(style.sort(entries.entries[key] for key in dict.fromkeys(self.cited)))
        markdown = pybtex.plugin.find_plugin("pybtex.backends", "markdown")()
        items = [
            "- " + " ".join(entry.text.render(markdown).split())
            for entry in style.format_entries(works)
        ]
        text = "## References\n\n" + "\n".join(items)
        return [{"cell_type": "markdown", "id": "references", "metadata": {}, "source": text}]

    def _element(self, element: _myst.Element) -> str | None:
        if isinstance(element, _myst.Role):
            return self._role(element)
        if isinstance(element, _myst.Target):
            return ""
        if isinstance(element, _myst.Math):
            if element.label:
                raise ValueError(
                    f"equation `{element.label}`: reader copies show no equation numbers; "
                    "teach tools/reader_copy.py the site's equation numbering first"
                )
            return f"\\begin{{equation*}}\n{element.content.strip()}\n\\end{{equation*}}"
        if isinstance(element, _myst.Directive):
            return self._directive(element)
        return None

    def _directive(self, found: _myst.Directive) -> str:
        body = self.markdown(found.body).strip("\n")
        if found.name == "solution":
            return _details(self._solution_title(found), body)
        if found.name == "exercise":
            # A heading, not a quote: JupyterLab cannot typeset display math in a quote.
            number = self._exercise(found.options.get("label", ""))[0]
            title = found.argument
            heading = f"#### {number}" + (f" ({self.markdown(title)})" if title else "")
            return f"{heading}\n\n{body}"
        elif found.name == "admonition":
            heading = f"**{self.markdown(found.argument)}**"
        elif found.name in _ADMONITIONS:
            heading = f"**{found.name.capitalize()}**"
        else:
            raise ValueError(
                f"directive `{{{found.name}}}` is not known to reader copies; say in "
                "tools/reader_copy.py how a reader sees it (and in tools/_myst.py how to parse it)"
            )
        return "\n".join(f"> {line}".rstrip() for line in [heading, "", *body.split("\n")])

    def _solution_title(self, found: _myst.Directive) -> str:
        number, title = self._exercise(found.argument)
        return f"Solution to {number}" + (f" ({self.markdown(title)})" if title else "")

    def _exercise(self, label: str) -> tuple[str, str]:
        if label not in self.index.exercises:
            raise ValueError(f"no exercise is labelled `{label}` in the book")
        return self.index.exercises[label]

    def _role(self, role: _myst.Role) -> str:
        name, content = role.name, role.content
        if name in ("glue", "glue:text", "glue:any", "glue:md"):
            return _format_glue(content, self.values)
        if name == "math":
            return f"${content}$"
        if name in ("cite", "cite:p"):
            return self._cite(content)
        explicit = _EXPLICIT.match(content)
        if name == "term":
            return explicit["text"] if explicit else content
        if name in ("ref", "numref", "doc"):
            target = explicit["target"] if explicit else content
            shown = self._reference(name, target.strip())
            if not explicit:
                return shown
            return explicit["text"].replace("{number}", shown.rpartition(" ")[2])
        raise ValueError(f"role `{{{name}}}` is not known to tools/reader_copy.py")

    def _reference(self, name: str, target: str) -> str:
        index = self.index
        if name == "doc":
            stem = target.rsplit("/", 1)[-1]
            if stem in index.docs:
                return index.docs[stem]
        elif target in index.exercises:
            return index.exercises[target][0]
        elif target in index.figures:
            return index.figures[target]
        elif name == "ref" and target in index.sections:
            return index.sections[target]
        raise ValueError(f"{{{name}}}`{target}` points at nothing the book numbers or names")

    def _cite(self, content: str) -> str:
        keys = [k.strip() for k in content.split(",")]
        entries = _bibliography(self.root).entries
        unknown = [k for k in keys if k not in entries]
        if unknown:
            raise ValueError(f"citation keys {unknown} are not in book/references.bib")
        self.cited += keys
        style = _entry_style(self.root)
        works = list(style.sort(entries[k] for k in keys))
        info = SphinxReferenceInfo(None, "", "", "", None, "", "")
        cited = [(work, None, info) for work in works]
        text = format_references(_reference_style(self.root), "p", cited)
        return _unlinked(text).render(pybtex.plugin.find_plugin("pybtex.backends", "markdown")())


def _unlinked(text: BaseText) -> BaseText:
    """``text`` with sphinxcontrib-bibtex's links (which render only to docutils) made plain."""
    if isinstance(text, SphinxReferenceText):
        return Text(*map(_unlinked, text.parts))
    if isinstance(text, BaseMultipartText):
        return text._create_similar(map(_unlinked, text.parts))
    return text


def _details(summary: str, body: str) -> str:
    # The blank lines let JupyterLab render the body as Markdown inside the HTML block.
    return f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>"


@cache
def _sphinx_config(root: Path) -> dict:
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    return {**config.get("sphinx", {}).get("config", {}), "bibfiles": config["bibtex_bibfiles"]}


@cache
def _bibliography(root: Path):
    files = [root / f for f in _sphinx_config(root)["bibfiles"]]
    data = parse_file(files[0])
    for more in files[1:]:
        data.add_entries(parse_file(more).entries.items())
    return data


def _entry_style(root: Path):
    name = _sphinx_config(root).get("bibtex_default_style", "alpha")
    return pybtex.plugin.find_plugin("pybtex.style.formatting", name)()


def _reference_style(root: Path):
    name = _sphinx_config(root).get("bibtex_reference_style", "label")
    _import_local_extensions(root)
    return find_plugin("sphinxcontrib.bibtex.style.referencing", name)()


@cache
def _import_local_extensions(root: Path) -> None:
    """Import the book's local Sphinx extensions as the build does, for the styles they add."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    for name, folder in config.get("sphinx", {}).get("local_extensions", {}).items():
        path = str((root / folder).resolve())
        if path not in sys.path:
            sys.path.append(path)
        importlib.import_module(name)  # inside the build, Sphinx has imported it already


def _glue_values(nb: dict) -> dict[str, str]:
    """The text/plain value of every ``glue(name, ...)`` output, by name."""
    values = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is None:
                continue
            data = {k.removeprefix(GLUE_PREFIX): v for k, v in output.get("data", {}).items()}
            if "text/plain" in data:
                plain = data["text/plain"]
                values[name] = "".join(plain) if isinstance(plain, list) else plain
    return values


def _format_glue(content: str, values: dict[str, str]) -> str:
    # `key:format_spec`, as myst-nb reads it: the spec, when present, ends in its type letter.
    key, _, spec = content.rpartition(":") if ":" in content else (content, "", "")
    if "::" in content or key not in values:
        raise ValueError(
            f"glue role `{content}` names no value glued in this notebook; glue it here "
            "(reader copies only resolve a notebook's own glue outputs)"
        )
    # NumPy 2 writes scalars as `np.float64(0.5)`: the number is the literal inside.
    plain = _NUMPY_SCALAR.sub(r"\1", values[key].strip())
    try:
        value = literal_eval(plain)
    except (SyntaxError, ValueError):
        value = values[key]
    if not spec:
        return str(value)
    kind = spec[-1]
    if kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    elif kind == "s":
        value = str(value)
    return format(value, spec)


def _drop_glue(cell: dict) -> None:
    """Take ``glue`` out of a code cell: its import, its calls and the records they left.

    The values are in the copy's text already. A statement that only glued goes, and so does
    a loop or branch left with nothing else to do.
    """
    text = _book.source(cell)
    if "glue" not in text:
        return
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    dropped: set[int] = set()
    for statement in tree.body:
        _mark_glue(statement, dropped)
    kept = "".join(line for i, line in enumerate(lines, 1) if i not in dropped)
    cell["source"] = kept.strip()
    cell["outputs"] = [
        out for out in cell.get("outputs", []) if "scrapbook" not in out.get("metadata", {})
    ]


def _mark_glue(statement: ast.stmt, dropped: set[int]) -> bool:
    """Add the lines of ``statement`` to ``dropped`` if it only glues; say whether it did."""
    if _only_glue(statement):
        dropped.update(range(statement.lineno, statement.end_lineno + 1))
        return True
    blocks = [getattr(statement, name, []) for name in ("body", "orelse", "finalbody")]
    blocks = [b for b in blocks if isinstance(b, list) and b]
    if not blocks or isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
        return False
    # Every statement is visited (no short cut), so nested glue calls are all marked.
    marked = [[_mark_glue(s, dropped) for s in block] for block in blocks]
    emptied = [all(block) for block in marked]
    if all(emptied) and isinstance(statement, (ast.For, ast.While, ast.If, ast.With)):
        dropped.update(range(statement.lineno, statement.end_lineno + 1))
        return True
    if any(emptied):
        raise ValueError(f"line {statement.lineno}: a block that only glues must go whole")
    return False


def _only_glue(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.ImportFrom) and statement.module == "myst_nb":
        if [a.name for a in statement.names] != ["glue"]:
            raise ValueError("reader copies can drop only `from myst_nb import glue`")
        return True
    call = statement.value if isinstance(statement, ast.Expr) else None
    if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "glue"):
        return False
    shown = [k.value for k in call.keywords if k.arg == "display"]
    if not (shown and isinstance(shown[0], ast.Constant) and shown[0].value is False):
        raise ValueError(
            f"line {statement.lineno}: `glue(...)` without `display=False` shows its value "
            "in the book; reader copies drop glue calls, so glue with display=False and show "
            "the value with print or display"
        )
    return True
