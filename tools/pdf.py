"""The whole book as PDF, in both editions, and the API reference on its own.

From the root of a clone::

    python -m tools.pdf OUT

writes ``OUT/xentbook-instructor.pdf`` (every solution expanded), ``OUT/xentbook-student.pdf``
(the student edition: no solution text) and ``OUT/xentbook-api.pdf`` (the API reference, which
the two books leave out).

Route: ``jupyter-book build --builder singlehtml`` puts each edition on one page with the
site's own numbering of chapters, figures, equations and exercises (the two builds run side by
side, and each edition is printed as soon as its build is done, the two side by side).
Headless Chromium, driven by playwright, loads that page once MathJax has typeset every
formula and prints it with the stylesheet and script of ``tools/print/``: each chapter on
pages whose header names it, a page number at the foot of every page, every solution open,
code wrapped under its own indentation, wide formulas scaled to the column. The body is
printed once, numbered from 1; its print shows on which page each contents entry starts.
Then the front matter (a title page and the contents with those page numbers, numbered i,
ii, ...) is printed from the same page, and pypdf puts it in front of the body, with page
labels that match the printed numbers and an outline (bookmarks) from the contents entries.
LaTeX (about 2 GB) is not needed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools._build import Printer, build, copy_sources, project_root
from tools._print import (
    API_DOC,
    API_PDF,
    EDITIONS,
    INSTRUCTOR_PDF,
    STUDENT_PDF,
    book_config,
    print_book,
    print_config,
    units,
)
from tools.student_edition import student_sources

__all__ = ["API_PDF", "INSTRUCTOR_PDF", "STUDENT_PDF", "main", "pdfs", "print_book"]


def pdfs(out: Path, *, source: Path | None = None, strict: bool = False) -> list[Path]:
    """Write the instructor and student PDFs and the API reference's PDF into ``out``.

    Parameters
    ----------
    out : Path
        The folder to write into (created if needed).
    source : Path, optional
        The project folder (default: the current folder, else this checkout).
    strict : bool
        Build with ``-W -n --keep-going``, failing on any warning.

    Returns
    -------
    list of Path
        The PDFs written: instructor, API reference, student.

    Raises
    ------
    ValueError
        If a build fails, or a page does not render fully.
    """
    root = project_root(source)
    out = Path(out)
    version = importlib.metadata.version("xentbook")
    with tempfile.TemporaryDirectory(prefix="xentbook-pdf-") as tmp:
        projects = {INSTRUCTOR_PDF: Path(tmp) / "instructor", STUDENT_PDF: Path(tmp) / "student"}
        copy_sources(root, projects[INSTRUCTOR_PDF])
        student_sources(root, projects[STUDENT_PDF])
        # Each edition is built and printed in a thread of its own (with its own browser, as
        # playwright's API is used from one thread): one edition's print overlaps the other's
        # build, and the two books print side by side.
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = [
                pool.submit(_edition, name, project, out, version, strict)
                for name, project in projects.items()
            ]
            return [pdf for job in jobs for pdf in job.result()]


def _edition(name: str, project: Path, out: Path, version: str, strict: bool) -> list[Path]:
    """Build and print one edition; the instructor's page also prints the API reference."""
    print_config(project, version)
    site = build(project, project, builder="singlehtml", strict=strict)
    config = book_config(project)
    found = units(project)
    book = [u for u in found if u["doc"] != API_DOC]
    written = []
    with Printer() as printer:
        tab = printer.open(site / f"{found[0]['doc']}.html")
        lines = [EDITIONS[name], config["author"], f"xentbook {version}"]
        written.append(
            print_book(
                printer,
                tab,
                out / name,
                title=config["title"],
                lines=lines,
                keep=book,
                leave=[API_DOC],
            )
        )
        if name == INSTRUCTOR_PDF:
            # The API reference, from the same page: it was left out of the book.
            api = [u for u in found if u["doc"] == API_DOC]
            lines = [f"The API reference of xentbook {version}", config["author"]]
            written.append(
                print_book(
                    printer,
                    tab,
                    out / API_PDF,
                    title=config["title"],
                    lines=lines,
                    keep=api,
                    leave=[],
                )
            )
    return written


def main(argv: list[str] | None = None) -> int:
    """The command line: ``python -m tools.pdf OUT``."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.pdf",
        description=f"Print the whole book to OUT/{INSTRUCTOR_PDF} (every solution expanded) "
        f"and OUT/{STUDENT_PDF} (no solutions), and its API reference to OUT/{API_PDF}, with "
        "headless Chromium.",
    )
    parser.add_argument("out", type=Path, metavar="OUT", help="output folder")
    parser.add_argument(
        "--source", type=Path, default=None, help="the project folder (default: the current one)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="fail on any warning of the book build"
    )
    args = parser.parse_args(argv)
    try:
        for pdf in pdfs(args.out, source=args.source, strict=args.strict):
            print(f"pdf: {pdf} ({pdf.stat().st_size / 1e6:.1f} MB)")
    except ValueError as exc:
        parser.error(str(exc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
