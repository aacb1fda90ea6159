"""The whole book as PDF, in both editions.

From the root of a clone::

    python -m tools.pdf OUT

writes ``OUT/xentbook-instructor.pdf`` (every solution expanded) and
``OUT/xentbook-student.pdf`` (the student edition: no solution text).

Route: ``jupyter-book build --builder singlehtml`` puts the whole book on one page with the
site's own numbering of chapters, figures, equations and exercises; headless Chromium then
prints that page, served from http://127.0.0.1, once MathJax has typeset every formula. A
print stylesheet opens every solution dropdown and wraps long code lines and outputs, and
Chromium writes the chapters and sections as the PDF's outline. It needs only Debian's
``chromium`` package, which the browser tests use already; LaTeX (about 2 GB) is not needed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

from tools._build import build, print_pdf, project_root
from tools.student_edition import STUDENT_PDF, student_sources

__all__ = ["INSTRUCTOR_PDF", "STUDENT_PDF", "book_pdf", "main", "pdfs"]

INSTRUCTOR_PDF = "xentbook-instructor.pdf"


def book_pdf(project: Path, pdf: Path, *, strict: bool = False) -> Path:
    """Print the book whose sources are in ``project`` to the file ``pdf``.

    Parameters
    ----------
    project : Path
        A project folder with ``_config.yml``, ``_toc.yml`` and ``book/``.
    pdf : Path
        The PDF to write (its folder is created).
    strict : bool
        Build with ``-W -n --keep-going``, failing on any warning.

    Returns
    -------
    Path
        The PDF written.
    """
    root_page = yaml.safe_load((project / "_toc.yml").read_text(encoding="utf-8"))["root"]
    with tempfile.TemporaryDirectory(prefix="xentbook-pdf-") as tmp:
        site = build(project, Path(tmp), builder="singlehtml", strict=strict)
        return print_pdf(site / f"{root_page}.html", Path(pdf))


def pdfs(out: Path, *, source: Path | None = None, strict: bool = False) -> list[Path]:
    """Write both editions' PDFs into ``out``; return their paths (instructor first)."""
    root = project_root(source)
    out = Path(out)
    written = [book_pdf(root, out / INSTRUCTOR_PDF, strict=strict)]
    with tempfile.TemporaryDirectory(prefix="xentbook-student-pdf-") as tmp:
        copy = Path(tmp) / "book-src"
        student_sources(root, copy)
        written.append(book_pdf(copy, out / STUDENT_PDF, strict=strict))
    return written


def main(argv: list[str] | None = None) -> int:
    """The command line: ``python -m tools.pdf OUT``."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.pdf",
        description=f"Print the whole book to OUT/{INSTRUCTOR_PDF} (every solution expanded) "
        f"and OUT/{STUDENT_PDF} (no solutions), with headless Chromium.",
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
