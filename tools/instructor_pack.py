"""The instructor pack: what a lecturer needs beyond the public site, in one folder.

From the root of a clone::

    python -m tools.instructor_pack OUT

writes ``OUT/instructor-pack/`` with

* ``exam-bank.md`` and ``exam-bank.pdf``: every question of ``instructor/exam_bank/`` with its
  chapter, objective, points and model answer (see :mod:`tools.exam_bank`);
* ``xentbook-instructor.pdf``: the whole book with every solution expanded (see :mod:`tools.pdf`);
* ``figures/``: every figure of the book as ``fig-NN-k.svg`` and ``fig-NN-k.png`` (chapter NN,
  figure k, the numbering of the site), and ``figures/index.md`` giving each caption and alt
  text. The figures are drawn afresh by the book's own plotting code: each chapter notebook is
  run in a kernel and every figure cell's figure is saved as it is drawn.

The pack holds the exam bank: keep it off any public page.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from tools._book import Chapter, cells, chapters, source
from tools._build import CHECKOUT, project_root
from tools.exam_bank import load, objectives_of, to_markdown, validate

__all__ = ["PACK", "export_figures", "figure_cells", "instructor_pack", "main"]

PACK = "instructor-pack"
# PNG exports are drawn at this multiple of the resolution of the book's own figure images.
PNG_SCALE = 2.5

# Run first in each chapter's kernel: the checkout's xentbook, as the book build uses, and
# figures that stay open after plt.show so they can be saved.
_SETUP = """\
import sys
sys.path.insert(0, {checkout!r})
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as _xb_plt
_xb_plt.show = lambda *args, **kwargs: None
"""

_SAVE = """\
_xb_fig = _xb_plt.gcf()
_xb_fig.savefig({svg!r}, bbox_inches="tight")
_xb_fig.savefig({png!r}, bbox_inches="tight", dpi={scale} * _xb_plt.rcParams["figure.dpi"])
_xb_plt.close("all")
"""


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
    """Run ``notebook``'s code in a kernel, saving the figure of each cell listed in ``names``."""
    import nbformat
    from nbclient import NotebookClient

    run = nbformat.v4.new_notebook()
    run.cells.append(nbformat.v4.new_code_cell(_SETUP.format(checkout=str(CHECKOUT))))
    for index, cell in enumerate(cells(notebook)):
        if cell["cell_type"] != "code":
            continue
        name = names.get(index)
        if name:
            run.cells.append(nbformat.v4.new_code_cell('_xb_plt.close("all")'))
        run.cells.append(nbformat.v4.new_code_cell(source(cell)))
        if name:
            svg, png = (str((out / f"{name}.{ext}").resolve()) for ext in ("svg", "png"))
            run.cells.append(
                nbformat.v4.new_code_cell(_SAVE.format(svg=svg, png=png, scale=PNG_SCALE))
            )
    resources = {"metadata": {"path": str(notebook.parent)}}
    NotebookClient(run, timeout=600, resources=resources).execute()


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


_BANK_CONFIG = """\
title: "xentbook: exam bank (instructors only)"
author: The xentbook authors
only_build_toc_files: true
execute:
  execute_notebooks: "off"
parse:
  myst_enable_extensions: [amsmath, colon_fence, dollarmath]
sphinx:
  extra_extensions: [sphinx-mathjax-offline]
"""


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
        Include the instructor PDF of the whole book.
    figures : bool
        Include the figures (runs every chapter notebook).

    Raises
    ------
    ValueError
        If the exam bank is missing or fails validation; the message lists every problem.
    """
    from tools.pdf import INSTRUCTOR_PDF, book_pdf

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
    with tempfile.TemporaryDirectory(prefix="xentbook-bank-") as tmp:
        project = Path(tmp)
        (project / "_config.yml").write_text(_BANK_CONFIG, encoding="utf-8")
        (project / "_toc.yml").write_text("format: jb-book\nroot: exam_bank\n", encoding="utf-8")
        (project / "exam_bank.md").write_text(markdown, encoding="utf-8")
        book_pdf(project, pack / "exam-bank.pdf", strict=True)
    print(f"exam bank: {len(questions)} questions in {pack / 'exam-bank.md'} and exam-bank.pdf")
    if book:
        book_pdf(root, pack / INSTRUCTOR_PDF)
        print(f"instructor pdf: {pack / INSTRUCTOR_PDF}")
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
