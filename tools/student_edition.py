"""The student edition of the book: every chapter and problem set without its solutions.

The instructor edition is the normal build. From the root of a clone::

    python -m tools.student_edition OUT

writes

* ``OUT/notebooks/``: every notebook of the book (chapters and ``problems/``) with its
  solution cells removed. The exercise cells stay; where a removed solution held code, one
  empty code cell (``# Your solution here``) is left for the student to work in. They are
  reader copies (:mod:`tools.reader_copy`): numbers show as values, exercises as Markdown;
* ``OUT/html/``: the book built from a copy of its sources with the same solution cells
  removed, and ``{solution}`` directives and ``{solution-start}``...``{solution-end}``
  blocks cut from every Markdown page and cell;
* ``OUT/xentbook-student.pdf``: that book printed whole, as :mod:`tools.pdf` prints it.

It relies on the book's tagging convention: every cell that is part of a solution (the
Markdown ``{solution}`` cell, or the gated ``{solution-start}``, code and
``{solution-end}`` cells) carries the cell tag ``solution``. References to a removed
solution's label become plain text, so the student build has no dangling links.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tools import _myst
from tools._build import build_env, copy_sources, jupyter_book, project_root
from tools._print import STUDENT_PDF, edition_pdf
from tools.reader_copy import reader_notebook

__all__ = [
    "StrippedBook",
    "main",
    "strip_markdown",
    "strip_notebook",
    "student_edition",
    "student_notebook",
    "student_sources",
    "unlink_labels",
]

SOLUTION_TAG = "solution"
PLACEHOLDER = "# Your solution here"


@dataclass
class StrippedBook:
    """What :func:`student_edition` removed: counts and the labels of removed solutions."""

    notebooks: int = 0
    solution_cells: int = 0
    placeholders: int = 0
    markdown_blocks: int = 0
    labels: set[str] = field(default_factory=set)


def strip_markdown(text: str) -> tuple[str, list[str], int]:
    """Cut every solution directive and gated solution block out of MyST Markdown.

    Parameters
    ----------
    text : str
        MyST Markdown, a page or one notebook cell.

    Returns
    -------
    tuple of (str, list of str, int)
        The text without solutions, the labels of the removed solutions, and the
        number of solutions removed.

    Examples
    --------
    >>> from tools.student_edition import strip_markdown
    >>> page = (
    ...     "Try it.\\n\\n```{solution} ex-1\\n:label: sol-1\\nThe answer is 42.\\n```\\nDone.\\n"
    ... )
    >>> text, labels, count = strip_markdown(page)
    >>> print(text)
    Try it.
    <BLANKLINE>
    Done.
    <BLANKLINE>
    >>> labels, count
    (['sol-1'], 1)
    """
    kept: list[str] = []
    labels: list[str] = []
    removed, last, end = 0, 0, None
    for found in _myst.elements(text):
        if not isinstance(found, _myst.Directive) or found.start < last:
            continue
        if end is None and found.name in ("solution", "solution-start"):
            kept.append(text[last : found.start])
            labels += [found.options["label"]] if "label" in found.options else []
            removed += 1
            last = found.end
            # A gated solution runs on to the end of its {solution-end} block.
            end = "solution-end" if found.name == "solution-start" else None
        elif end == found.name:
            last, end = found.end, None
    if end is None:
        kept.append(text[last:])
    return "".join(kept), labels, removed


def strip_notebook(notebook: dict) -> tuple[dict, StrippedBook]:
    """A copy of a notebook (nbformat 4 JSON) without its solutions.

    Cells tagged ``solution`` are dropped. Each run of consecutive solution cells
    that held code is replaced by one empty code cell with a ``# Your solution here``
    comment. Untagged Markdown cells lose any solution directive they contain.

    Parameters
    ----------
    notebook : dict
        The notebook, as loaded with :func:`json.load`.

    Returns
    -------
    tuple of (dict, StrippedBook)
        The student notebook and what was removed.

    Examples
    --------
    >>> from tools.student_edition import strip_notebook
    >>> nb = {
    ...     "cells": [
    ...         {"cell_type": "markdown", "metadata": {"tags": ["exercise"]}, "source": "Do it."},
    ...         {
    ...             "cell_type": "code",
    ...             "metadata": {"tags": ["solution"]},
    ...             "source": "answer = 42",
    ...             "outputs": [],
    ...             "execution_count": 1,
    ...         },
    ...     ],
    ...     "metadata": {},
    ...     "nbformat": 4,
    ...     "nbformat_minor": 5,
    ... }
    >>> student, removed = strip_notebook(nb)
    >>> [cell["source"] for cell in student["cells"]]
    ['Do it.', '# Your solution here']
    >>> removed.solution_cells, removed.placeholders
    (1, 1)
    """
    report = StrippedBook(notebooks=1)
    cells: list[dict] = []
    run_has_code = False
    in_run = False
    for cell in notebook["cells"]:
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            report.solution_cells += 1
            in_run = True
            run_has_code |= cell["cell_type"] == "code"
            report.labels.update(strip_markdown(_source(cell))[1])
            continue
        if in_run and run_has_code:
            cells.append(_placeholder(len(cells)))
            report.placeholders += 1
        in_run = run_has_code = False
        cell = json.loads(json.dumps(cell))  # a deep copy: the input stays untouched
        if cell["cell_type"] == "markdown":
            text, labels, count = strip_markdown(_source(cell))
            report.labels.update(labels)
            report.markdown_blocks += count
            cell["source"] = text
        cells.append(cell)
    if in_run and run_has_code:
        cells.append(_placeholder(len(cells)))
        report.placeholders += 1
    student = {key: value for key, value in notebook.items() if key != "cells"}
    student["cells"] = cells
    return student, report


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def _placeholder(position: int) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": f"student-work-{position}",
        "metadata": {"tags": ["student-work"]},
        "outputs": [],
        "source": PLACEHOLDER,
    }


def unlink_labels(text: str, labels: set[str]) -> str:
    """Turn ``{ref}`` and ``{numref}`` roles that point at removed labels into plain text.

    Examples
    --------
    >>> from tools.student_edition import unlink_labels
    >>> unlink_labels("See {ref}`the answer <sol-1>` and {ref}`sol-1`.", {"sol-1"})
    'See the answer and the solution.'
    """
    if not labels:
        return text

    def replace(found: _myst.Element) -> str | None:
        if not isinstance(found, _myst.Role) or found.name not in ("ref", "numref"):
            return None
        titled = re.fullmatch(r"(?P<title>.*?)\s*<(?P<label>[^<>]+)>", found.content, flags=re.S)
        label = titled["label"] if titled else found.content
        if label.strip() not in labels:
            return None
        return titled["title"] if titled else "the solution"

    return _myst.rewrite(text, replace)


def student_edition(
    out: Path,
    *,
    source: Path | None = None,
    html: bool = True,
    pdf: bool = True,
    strict: bool = False,
) -> int:
    """Write the student edition: notebooks, and unless switched off, HTML and PDF.

    Parameters
    ----------
    out : Path
        The output folder; its ``notebooks`` and ``html`` subfolders and its
        ``xentbook-student.pdf`` are replaced.
    source : Path, optional
        The project folder holding ``_config.yml``, ``_toc.yml`` and ``book/``. By
        default the current folder if it holds a ``_toc.yml``, else the checkout that
        this module lives in.
    html : bool
        Also build the HTML with ``jupyter-book`` (the slow part).
    pdf : bool
        Also print the whole student book to ``out/xentbook-student.pdf`` (needs Chromium).
    strict : bool
        Build with ``-W -n --keep-going``, failing on any warning, as the tests do.

    Returns
    -------
    int
        0 on success, else the exit code of the failed ``jupyter-book build``.
    """
    root = project_root(source)
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="xentbook-student-") as tmp:
        copy = Path(tmp) / "book-src"
        report = student_sources(root, copy)
        notebooks = out / "notebooks"
        _replace_dir(notebooks)
        for nb in sorted((copy / "book").rglob("*.ipynb")):
            target = notebooks / nb.relative_to(copy / "book")
            target.parent.mkdir(parents=True, exist_ok=True)
            # What a student opens shows values and plain Markdown, not MyST roles.
            reader = reader_notebook(json.loads(nb.read_text(encoding="utf-8")))
            target.write_text(json.dumps(reader, indent=1, ensure_ascii=False) + "\n", "utf-8")
        print(
            f"student notebooks: {report.notebooks} written to {notebooks} "
            f"({report.solution_cells} solution cells removed, {report.placeholders} "
            f"'{PLACEHOLDER}' cells left for the student)"
        )
        code = _build_html(copy, Path(tmp) / "build", out / "html", strict) if html else 0
        if pdf and code == 0:
            pdf_path = edition_pdf(copy, out / STUDENT_PDF, edition=STUDENT_PDF, strict=strict)
            print(f"student pdf: {pdf_path}")
        return code


def student_sources(root: Path, copy: Path) -> StrippedBook:
    """Copy the book's sources from ``root`` to ``copy`` and make them the student edition."""
    copy_sources(root, copy)
    report = _strip_tree(copy / "book")
    _mark_student_title(copy / "_config.yml")
    return report


def student_notebook(notebook: dict) -> tuple[dict, StrippedBook]:
    """The one place a book notebook becomes the student's copy.

    Every notebook of the student edition (chapters and problem sets alike, on the site, in
    the PDF and in the download folder) passes through here once.
    """
    return strip_notebook(notebook)


def _strip_tree(book: Path) -> StrippedBook:
    """Strip every notebook and Markdown page under ``book`` in place."""
    total = StrippedBook()
    notebooks = sorted(book.rglob("*.ipynb"))
    pages = sorted(book.rglob("*.md"))
    stripped = {}
    for path in notebooks:
        student, report = student_notebook(json.loads(path.read_text(encoding="utf-8")))
        stripped[path] = student
        _add(total, report)
    texts = {}
    for path in pages:
        text, labels, count = strip_markdown(path.read_text(encoding="utf-8"))
        texts[path] = text
        total.labels.update(labels)
        total.markdown_blocks += count
    # References to removed labels may sit on any page, so unlink after stripping all.
    for path, student in stripped.items():
        for cell in student["cells"]:
            if cell["cell_type"] == "markdown":
                cell["source"] = unlink_labels(_source(cell), total.labels)
        path.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for path, text in texts.items():
        path.write_text(unlink_labels(text, total.labels), encoding="utf-8")
    return total


def _add(total: StrippedBook, report: StrippedBook) -> None:
    total.notebooks += report.notebooks
    total.solution_cells += report.solution_cells
    total.placeholders += report.placeholders
    total.markdown_blocks += report.markdown_blocks
    total.labels |= report.labels


def _mark_student_title(config: Path) -> None:
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["title"] = f"{settings['title']} (student edition)"
    config.write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True), "utf-8")


def _replace_dir(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


def _build_html(copy: Path, build: Path, target: Path, strict: bool) -> int:
    cmd = [jupyter_book(), "build", str(copy), "--path-output", str(build)]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=build_env())
    built = build / "_build" / "html"
    if built.exists():
        # With --keep-going a build that warned still wrote every page: keep them to look at.
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(built, target)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-8000:] + proc.stderr[-8000:])
        print(f"student html: jupyter-book build failed (exit {proc.returncode})", file=sys.stderr)
        return proc.returncode
    print(f"student html: built into {target} (open {target / 'index.html'})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """The command line: ``python -m tools.student_edition OUT``."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.student_edition",
        description="Write the student edition of the book: OUT/notebooks/ (every notebook "
        "without its solution cells; an empty '# Your solution here' cell replaces each code "
        "solution), OUT/html/ (the book built without solutions) and OUT/xentbook-student.pdf. "
        "The instructor edition is the normal build (jupyter-book build .).",
    )
    parser.add_argument("out", type=Path, metavar="OUT", help="output folder")
    parser.add_argument(
        "--source",
        type=Path,
        default=None,
        help="the project folder with _config.yml, _toc.yml and book/ "
        "(default: the current folder)",
    )
    parser.add_argument(
        "--no-html",
        action="store_true",
        help="write the notebooks only; skip the HTML build and the PDF",
    )
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="build with -W -n --keep-going and fail on any warning",
    )
    args = parser.parse_args(argv)
    try:
        return student_edition(
            args.out,
            source=args.source,
            html=not args.no_html,
            pdf=not (args.no_html or args.no_pdf),
            strict=args.strict,
        )
    except ValueError as exc:
        parser.error(str(exc))


if __name__ == "__main__":
    sys.exit(main())
