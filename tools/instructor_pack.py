"""The instructor pack: what a lecturer needs beyond the public site, in one folder.

From the root of a clone::

    python -m tools.instructor_pack OUT

writes ``OUT/instructor-pack/`` with

* ``exam-bank.md`` and ``exam-bank.pdf``: every question of ``instructor/exam_bank/`` with its
  chapter, objective, points and model answer (see :mod:`tools.exam_bank`);
* ``xentbook-instructor.pdf``: the whole book with every solution expanded, copied from
  ``OUT/xentbook-instructor.pdf`` as ``python -m tools.pdf OUT`` wrote it (run first if missing);
* ``figures/``: every figure of the book as ``fig-NN-k.svg`` and ``fig-NN-k.png`` (chapter NN,
  figure k, the numbering of the site), and ``figures/index.md`` giving each caption and alt
  text. The figures are drawn afresh by the book's own plotting code: each chapter notebook is
  run in a kernel whose inline backend returns every figure as SVG and PNG.

The pack holds the exam bank: keep it off any public page.
"""

from __future__ import annotations

import argparse
import base64
import shutil
import sys
from pathlib import Path

from tools._book import Chapter, cells, chapters
from tools._build import build_env, project_root
from tools.exam_bank import bank_pdf, load, objectives_of, to_markdown, validate

__all__ = ["PACK", "export_figures", "figure_cells", "instructor_pack", "main"]

PACK = "instructor-pack"
# PNG exports are drawn at this multiple of the resolution of the book's own figure images,
# which the inline backend draws at matplotlib's default of 100 dpi.
PNG_SCALE = 2.5
_BOOK_DPI = 100

# The chapter kernels draw with IPython's inline backend, as the book's own outputs were
# drawn, and return every figure as SVG and PNG (command-line settings of the kernel).
_KERNEL_ARGS = [
    "--InlineBackend.figure_formats=['svg', 'png']",
    "--InlineBackend.print_figure_kwargs={'bbox_inches': 'tight', 'dpi': %r}",
]


def figure_cells(chapter: Chapter) -> list[tuple[str, dict, Path, int]]:
    """The chapter's figure cells in site order: (``fig-NN-k``, cell, notebook, cell index)."""
    found = []
    for notebook in chapter.notebooks:
        for index, cell in enumerate(cells(notebook)):
            if cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption"):
                name = f"fig-{chapter.number:02d}-{len(found) + 1}"
                found.append((name, cell, notebook, index))
    return found


def export_figures(root: Path, out: Path) -> list[dict]:
    """Draw every figure of the book into ``out`` as SVG and PNG; return the index entries."""
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for chapter in chapters(root):
        figures = figure_cells(chapter)
        for notebook in dict.fromkeys(nb for _, _, nb, _ in figures):
            names = {index: name for name, _, nb, index in figures if nb == notebook}
            _draw(notebook, names, out)
        for name, cell, notebook, _ in figures:
            mystnb = cell["metadata"]["mystnb"]
            entries.append(
                {
                    "name": name,
                    "number": f"{chapter.number}.{name.rsplit('-', 1)[1]}",
                    "label": mystnb["figure"].get("name", ""),
                    "caption": " ".join(mystnb["figure"]["caption"].split()),
                    "alt": " ".join(mystnb.get("image", {}).get("alt", "").split()),
                    "notebook": notebook.relative_to(root).as_posix(),
                }
            )
    (out / "index.md").write_text(_figure_index(entries), encoding="utf-8")
    return entries


def _draw(notebook: Path, names: dict[int, str], out: Path) -> None:
    """Run ``notebook`` in a kernel; save the figure of each cell listed in ``names``."""
    import nbformat
    from nbclient import NotebookClient

    run = nbformat.read(notebook, as_version=4)
    for cell in run.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    dpi = PNG_SCALE * _BOOK_DPI
    client = NotebookClient(
        run,
        timeout=600,
        resources={"metadata": {"path": str(notebook.parent)}},
        extra_arguments=[arg % dpi if "%r" in arg else arg for arg in _KERNEL_ARGS],
    )
    # The kernel imports the xentbook of this checkout, as the book build does.
    client.execute(env=build_env())
    for index, name in names.items():
        svg, png = _figure_of(run.cells[index], name)
        (out / f"{name}.svg").write_text(svg, encoding="utf-8")
        (out / f"{name}.png").write_bytes(png)


def _figure_of(cell, name: str) -> tuple[str, bytes]:
    """The SVG and PNG of the (last) figure a cell displayed."""
    for output in reversed(cell.get("outputs", [])):
        data = output.get("data", {})
        if "image/svg+xml" in data and "image/png" in data:
            return data["image/svg+xml"], base64.b64decode(data["image/png"])
    raise ValueError(f"{name}: its cell displayed no figure")


def _figure_index(entries: list[dict]) -> str:
    lines = [
        "# Figures of xentbook",
        "",
        "Each figure as `fig-NN-k.svg` (vector) and `fig-NN-k.png`, where NN-k is its number on "
        "the site (Fig. N.k), drawn by the book's plotting code.",
        "",
    ]
    for e in entries:
        lines += [
            f"## Fig. {e['number']}: `{e['name']}.svg`, `{e['name']}.png`",
            "",
            f"- Source: `{e['notebook']}` (`{e['label']}`)",
            f"- Caption: {e['caption']}",
            f"- Alt text: {e['alt']}",
            "",
        ]
    return "\n".join(lines)


def instructor_pack(
    out: Path, *, source: Path | None = None, book: bool = True, figures: bool = True
) -> Path:
    """Write ``out/instructor-pack``; return its path.

    Parameters
    ----------
    out : Path
        The folder to write ``instructor-pack/`` into (an existing pack is replaced).
    source : Path, optional
        The project folder (default: the current folder, else this checkout).
    book : bool
        Include the instructor PDF of the whole book: ``out/xentbook-instructor.pdf`` as
        ``python -m tools.pdf out`` wrote it, printed first (with the other PDFs) if missing.
    figures : bool
        Include the figures (runs every chapter notebook).

    Raises
    ------
    ValueError
        If the exam bank is missing or fails validation; the message lists every problem.
    """
    from tools.pdf import INSTRUCTOR_PDF, pdfs

    root = project_root(source)
    questions = load(root)
    if not questions:
        raise ValueError(f"no exam bank found in {root / 'instructor' / 'exam_bank'}")
    errors = validate(questions, objectives_of(root))
    if errors:
        raise ValueError("the exam bank is not valid:\n" + "\n".join(errors))
    pack = Path(out) / PACK
    if pack.exists():
        shutil.rmtree(pack)
    pack.mkdir(parents=True)
    markdown = to_markdown(questions, root)
    (pack / "exam-bank.md").write_text(markdown, encoding="utf-8")
    bank_pdf(markdown, pack / "exam-bank.pdf", title="xentbook: exam bank (instructors only)")
    print(f"exam bank: {len(questions)} questions in {pack / 'exam-bank.md'} and exam-bank.pdf")
    if book:
        printed = Path(out) / INSTRUCTOR_PDF
        if not printed.exists():
            pdfs(out, source=root)
        shutil.copyfile(printed, pack / INSTRUCTOR_PDF)
        print(f"instructor pdf: {pack / INSTRUCTOR_PDF} (from {printed})")
    if figures:
        entries = export_figures(root, pack / "figures")
        print(f"figures: {len(entries)} as SVG and PNG in {pack / 'figures'} (index.md)")
    return pack


def main(argv: list[str] | None = None) -> int:
    """The command line: ``python -m tools.instructor_pack OUT``."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.instructor_pack",
        description=f"Write OUT/{PACK}/: the exam bank (Markdown and PDF), the instructor PDF "
        "and every figure as SVG and PNG with an index of captions and alt text.",
    )
    parser.add_argument("out", type=Path, metavar="OUT", help="output folder")
    parser.add_argument("--source", type=Path, default=None, help="the project folder")
    parser.add_argument("--no-book", action="store_true", help="leave out the instructor PDF")
    parser.add_argument("--no-figures", action="store_true", help="leave out the figures")
    args = parser.parse_args(argv)
    try:
        instructor_pack(
            args.out, source=args.source, book=not args.no_book, figures=not args.no_figures
        )
    except ValueError as exc:
        parser.error(str(exc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
