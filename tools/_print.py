"""Printing a built book: a title page, a contents list with page numbers, bookmarks.

The machinery :mod:`tools.pdf` and :mod:`tools.student_edition` share (see
:mod:`tools.pdf` for the route): the pages of a ``singlehtml`` build are printed by
:class:`tools._build.Printer` with the stylesheet and script of ``tools/print/``: the body
once, then the front matter with the page numbers the body's print gave; pypdf joins the two
and writes the outline.
"""

from __future__ import annotations

import importlib.metadata
import tempfile
from pathlib import Path

import yaml

from tools._build import Printer, build

__all__ = [
    "API_DOC",
    "API_PDF",
    "EDITIONS",
    "INSTRUCTOR_PDF",
    "STUDENT_PDF",
    "book_config",
    "edition_pdf",
    "print_book",
    "print_config",
    "units",
]

INSTRUCTOR_PDF = "xentbook-instructor.pdf"
STUDENT_PDF = "xentbook-student.pdf"
API_PDF = "xentbook-api.pdf"
# The document of the table of contents that goes into its own PDF.
API_DOC = "book/appendices/api"

EDITIONS = {
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

    The body is printed once, its pages numbered from 1; then the front matter (title page and
    contents, numbered in roman numerals) is printed with the page each entry starts on, and
    the two are joined with the contents as bookmarks.

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
    pdf = Path(pdf)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    options = {"title": title, "lines": lines, "units": keep, "leave": leave}
    entries = tab.evaluate("(options) => xentbookPrint.book(options)", options)
    with tempfile.TemporaryDirectory(prefix="xentbook-print-") as tmp:
        body = printer.pdf(tab, Path(tmp) / "body.pdf", outline=False)
        starts = _destinations(body)
        tab.evaluate("(pages) => xentbookPrint.front(pages)", {k: v + 1 for k, v in starts.items()})
        front = printer.pdf(tab, Path(tmp) / "front.pdf", outline=False)
        _join(front, body, pdf, entries, starts)
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


def _join(front: Path, body: Path, pdf: Path, entries: list[dict], starts: dict[str, int]) -> None:
    """Write ``pdf``: the pages of ``front`` then those of ``body``, with labels and bookmarks.

    The body keeps its named destinations, which its own links and the contents' links (named
    after the entries) lead to. The page labels are the printed numbers (roman for the front
    matter), so a reader's "go to page 12" finds the page that reads 12. The outline holds the
    contents' entries, titles and levels.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=body)
    matter = PdfReader(front).pages
    for index, page in enumerate(matter):
        writer.insert_page(page, index)
    writer.set_page_label(0, len(matter) - 1, style="/r")
    writer.set_page_label(len(matter), len(writer.pages) - 1, style="/D")
    parent = None
    for entry in entries:
        page = len(matter) + starts[entry["id"]]
        if entry["level"] == 1:
            parent = writer.add_outline_item(title=entry["title"], page_number=page)
        else:
            writer.add_outline_item(title=entry["title"], page_number=page, parent=parent)
    writer.page_mode = "/UseOutlines"
    with open(pdf, "wb") as out:
        writer.write(out)


def book_config(project: Path) -> dict:
    return yaml.safe_load((project / "_config.yml").read_text(encoding="utf-8"))


def print_config(project: Path, version: str) -> None:
    """Make the copy in ``project`` a print build: no JupyterLite, the wheel named in text.

    A printed book has no use for the site's JupyterLite and wheel (the extension
    ``xentbook_lite`` builds both), and two builds side by side must not build the same wheel.
    """
    config = book_config(project)
    sphinx = config["sphinx"]
    sphinx["local_extensions"].pop("xentbook_lite")
    sphinx["config"].pop("xentbook_pyodide_source")
    wheel = f"xentbook-{version}-py3-none-any.whl"
    parse = config.setdefault("parse", {})
    parse["myst_substitutions"] = {**parse.get("myst_substitutions", {}), "xentbook_wheel": wheel}
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    (project / "_config.yml").write_text(text, encoding="utf-8")


def edition_pdf(project: Path, pdf: Path, *, edition: str, strict: bool = False) -> Path:
    """Build the book in ``project`` on one page and print it, less its API reference, to ``pdf``.

    ``edition`` is :data:`INSTRUCTOR_PDF` or :data:`STUDENT_PDF`: it names the edition on the
    title page. The copy in ``project`` becomes a print build (see :func:`print_config`).
    """
    version = importlib.metadata.version("xentbook")
    print_config(project, version)
    site = build(project, project, builder="singlehtml", strict=strict)
    config = book_config(project)
    found = units(project)
    with Printer() as printer:
        tab = printer.open(site / f"{found[0]['doc']}.html")
        lines = [EDITIONS[edition], config["author"], f"xentbook {version}"]
        book = [u for u in found if u["doc"] != API_DOC]
        return print_book(
            printer, tab, Path(pdf), title=config["title"], lines=lines, keep=book, leave=[API_DOC]
        )
