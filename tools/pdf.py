"""The whole book as PDF, in both editions, and the API reference on its own.

From the root of a clone::

    python -m tools.pdf OUT

writes ``OUT/xentbook-instructor.pdf`` (every solution expanded), ``OUT/xentbook-student.pdf``
(the student edition: no solution text) and ``OUT/xentbook-api.pdf`` (the API reference, which
the two books leave out).

Route: ``jupyter-book build --builder singlehtml`` puts each edition on one page with the
site's own numbering of chapters, figures, equations and exercises (the two builds run side by
side). Headless Chromium, driven by playwright, loads that page once MathJax has typeset every
formula and prints it with the stylesheet and script of ``tools/print/``: a title page, a
contents list, each chapter on pages whose header names it, a page number at the foot of
every page, every solution open, code wrapped under its own indentation, wide formulas scaled
to the column. The book is printed twice: the first print shows on which page each contents
entry starts, the second carries those page numbers. The PDF's outline (bookmarks) is then
written from the contents entries with pypdf. LaTeX (about 2 GB) is not needed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from tools._build import Printer, build, copy_sources, project_root
from tools.student_edition import student_sources

__all__ = ["API_PDF", "INSTRUCTOR_PDF", "STUDENT_PDF", "main", "pdfs", "print_book"]

INSTRUCTOR_PDF = "xentbook-instructor.pdf"
STUDENT_PDF = "xentbook-student.pdf"
API_PDF = "xentbook-api.pdf"
# The document of the table of contents that goes into its own PDF.
API_DOC = "book/appendices/api"

_EDITIONS = {
    INSTRUCTOR_PDF: "Instructor edition: every exercise and problem with its solution",
    STUDENT_PDF: "Student edition: the exercises and problems without solutions",
}


def units(project: Path) -> list[dict]:
    """The documents of the table of contents in order, each with its part's caption.

    The root document comes first with no part; a chapter's sections (its problem set) print
    inside the chapter, so they are not units of their own.
    """
    toc = yaml.safe_load((project / "_toc.yml").read_text(encoding="utf-8"))
    found = [{"doc": toc["root"], "part": ""}]
    for part in toc.get("parts", []):
        found += [{"doc": c["file"], "part": part.get("caption", "")} for c in part["chapters"]]
    return found


def print_book(
    printer: Printer,
    tab,
    pdf: Path,
    *,
    title: str,
    lines: list[str],
    keep: list[dict],
    leave: list[str],
) -> Path:
    """Print the single-page book loaded in ``tab`` to ``pdf``, keeping the units in ``keep``.

    Parameters
    ----------
    printer : Printer
        An open :class:`tools._build.Printer`.
    tab : playwright.sync_api.Page
        The page written by jupyter-book's ``singlehtml`` builder, as :meth:`Printer.open`
        loaded it. Units left out stay aside, so the same page can print them next.
    pdf : Path
        The PDF to write.
    title : str
        The title page's heading.
    lines : list of str
        The title page's lines under the heading.
    keep : list of dict
        The units (see :func:`units`) to print, in order.
    leave : list of str
        The documents of the other units, left out.

    Returns
    -------
    Path
        The PDF written.
    """
    options = {"title": title, "lines": lines, "units": keep, "leave": leave}
    entries = tab.evaluate("(options) => xentbookPrint.book(options)", options)
    # The contents hold a placeholder number per entry, as wide as the real one: filling
    # them in moves nothing, so the second print starts every entry on the same page.
    starts = _destinations(printer.pdf(tab, pdf, outline=False))
    tab.evaluate("(pages) => xentbookPrint.fill(pages)", {k: v + 1 for k, v in starts.items()})
    printer.pdf(tab, pdf, outline=False)
    if _destinations(pdf) != starts:
        raise ValueError(f"{pdf.name}: filling in the contents moved the pages")
    _write_outline(pdf, entries, starts)
    return pdf


def _destinations(pdf: Path) -> dict[str, int]:
    """The page index (from 0) of each contents entry ``xb-sN``, from the PDF's named dests.

    Chromium writes every target of an internal link as a named destination in the catalog's
    ``/Dests`` dictionary.
    """
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    dests = reader.trailer["/Root"].get("/Dests")
    if dests is None:
        raise ValueError(f"{pdf.name} has no named destinations: the contents links are lost")
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    found = {}
    for name, dest in dests.get_object().items():
        if name.startswith("/xb-s"):
            found[name[1:]] = pages[dest.get_object()[0].idnum]
    return found


def _write_outline(pdf: Path, entries: list[dict], starts: dict[str, int]) -> None:
    """Give ``pdf`` an outline with the contents' entries, titles and levels."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=pdf)
    parent = None
    for entry in entries:
        page = starts[entry["id"]]
        if entry["level"] == 1:
            parent = writer.add_outline_item(title=entry["title"], page_number=page)
        else:
            writer.add_outline_item(title=entry["title"], page_number=page, parent=parent)
    writer.page_mode = "/UseOutlines"
    with open(pdf, "wb") as out:
        writer.write(out)


def _config(project: Path) -> dict:
    return yaml.safe_load((project / "_config.yml").read_text(encoding="utf-8"))


def _print_config(project: Path, version: str) -> None:
    """Make the copy in ``project`` a print build: no JupyterLite, the wheel named in text.

    A printed book has no use for the site's JupyterLite and wheel (the extension
    ``xentbook_lite`` builds both), and two builds side by side must not build the same wheel.
    """
    config = _config(project)
    sphinx = config["sphinx"]
    sphinx["local_extensions"].pop("xentbook_lite")
    sphinx["config"].pop("xentbook_pyodide_source")
    wheel = f"xentbook-{version}-py3-none-any.whl"
    parse = config.setdefault("parse", {})
    parse["myst_substitutions"] = {**parse.get("myst_substitutions", {}), "xentbook_wheel": wheel}
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    (project / "_config.yml").write_text(text, encoding="utf-8")


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
        for project in projects.values():
            _print_config(project, version)
        # The two builds run side by side.
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = {
                name: pool.submit(build, project, project, builder="singlehtml", strict=strict)
                for name, project in projects.items()
            }
        sites = {name: job.result() for name, job in jobs.items()}
        written = []
        with Printer() as printer:
            for name, project in projects.items():
                config = _config(project)
                found = units(project)
                book = [u for u in found if u["doc"] != API_DOC]
                tab = printer.open(sites[name] / f"{found[0]['doc']}.html")
                lines = [_EDITIONS[name], config["author"], f"xentbook {version}"]
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
                tab.close()
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
