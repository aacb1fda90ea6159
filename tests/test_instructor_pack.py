"""Tests for tools.instructor_pack: the pack is complete, and the exam bank stays in it.

The leak test searches every file of the public build (pages, ``_sources``, the downloadable
notebooks, the search index) and of the student edition for distinctive phrases of every exam
question and answer, and for the questions' ids; it first shows that the same search finds every
question in the pack itself, so a leak could not slip past it.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from base64 import b64decode
from pathlib import Path

import pytest
from book_text import html_text, phrases, squash

from tools._book import chapters
from tools._build import build
from tools.exam_bank import load
from tools.instructor_pack import PNG_SCALE, figure_cells, instructor_pack
from tools.pdf import INSTRUCTOR_PDF
from tools.student_edition import student_edition

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.build

_STRAIGHT = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def _probes(question: dict) -> set[str]:
    """What a leak of ``question`` would show: its whole text, and its long runs of words.

    Runs of ten or more words are specific to the question; shorter ones ("an event has a
    surprisal of") also occur in the book's own prose.
    """
    texts = [question["question"], question["answer"], *map(str, question.get("choices") or [])]
    found = {squash(question["question"])}
    for text in texts:
        found |= {p for p in phrases(text) if len(p.split()) >= 10}
    return {p.translate(_STRAIGHT) for p in found}


@pytest.fixture(scope="module")
def bank() -> list[dict]:
    questions = load(ROOT)
    assert questions, "no exam bank in instructor/exam_bank/"
    return questions


@pytest.fixture(scope="module")
def pack(book_pdfs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pack")
    # The instructor PDF as `python -m tools.pdf OUT` left it, for the pack to reuse.
    shutil.copyfile(book_pdfs / INSTRUCTOR_PDF, out / INSTRUCTOR_PDF)
    return instructor_pack(out, source=ROOT)


def test_the_pack_holds_bank_book_and_figures(pack):
    for name in ("exam-bank.md", "exam-bank.pdf", INSTRUCTOR_PDF, "figures/index.md"):
        assert (pack / name).stat().st_size > 0, name


def test_the_pack_reuses_the_printed_instructor_pdf(pack, book_pdfs):
    printed = (book_pdfs / INSTRUCTOR_PDF).read_bytes()
    assert (pack / INSTRUCTOR_PDF).read_bytes() == printed


def test_the_search_finds_every_question_in_the_pack(pack, bank):
    # The control for the leak tests below: the same probes do find the bank where it is.
    markdown = squash((pack / "exam-bank.md").read_text(encoding="utf-8")).translate(_STRAIGHT)
    pdf = subprocess.run(
        ["pdftotext", "-layout", str(pack / "exam-bank.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pdf = squash(pdf).translate(_STRAIGHT)
    for question in bank:
        assert question["id"] in markdown
        assert question["id"] in pdf
        for probe in _probes(question):
            assert probe in markdown, f"{question['id']}: {probe}"
    assert "$" not in pdf, "raw TeX in the exam bank PDF"


def test_every_figure_is_exported_from_the_plotting_code(pack):
    figures = pack / "figures"
    index = squash((figures / "index.md").read_text(encoding="utf-8"))
    count = 0
    for chapter in chapters(ROOT):
        for name, cell, _, _ in figure_cells(chapter):
            count += 1
            svg = ET.parse(figures / f"{name}.svg").getroot()
            assert svg.tag.endswith("svg")
            # Matplotlib's vector output: axes, ticks and lines are paths (an image plot may
            # also embed its pixels).
            assert list(svg.iter("{http://www.w3.org/2000/svg}path")), name
            png = (figures / f"{name}.png").read_bytes()
            width = int.from_bytes(png[16:20], "big")
            shown = _book_png_width(cell)
            assert width >= 2 * shown, f"{name}: {width} px wide, the book shows {shown}"
            mystnb = cell["metadata"]["mystnb"]
            assert squash(mystnb["figure"]["caption"]) in index
            assert squash(mystnb["image"]["alt"]) in index
            number = f"Fig. {chapter.number}.{name.rsplit('-', 1)[1]}"
            assert f"{number}: `{name}.svg`" in index
    assert count > 0
    assert len(list(figures.glob("*.svg"))) == count
    assert PNG_SCALE >= 2


def _book_png_width(cell: dict) -> int:
    for out in cell.get("outputs", []):
        data = out.get("data", {}).get("image/png")
        if data:
            raw = b64decode(data if isinstance(data, str) else "".join(data))
            return int.from_bytes(raw[16:20], "big")
    raise AssertionError("a figure cell without a PNG output")


# --- no exam text outside the pack -----------------------------------------------------------


def _files_text(folder: Path) -> dict[str, str]:
    """Every text file under ``folder``: raw (entities decoded) and, for pages, visible text."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix in {".png", ".svg", ".woff", ".woff2", ".ico"}:
            continue
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found[path.relative_to(folder).as_posix()] = squash(html.unescape(raw)).translate(_STRAIGHT)
    for name, text in html_text(folder).items():
        found[f"{name} (text)"] = text
    return found


def _leaks(files: dict[str, str], bank: list[dict]) -> list[str]:
    ids = re.compile(r"\bch\d\d-q\d+\b")
    found = [f"{name}: id {m[0]}" for name, text in files.items() if (m := ids.search(text))]
    for question in bank:
        for probe in _probes(question):
            where = [name for name, text in files.items() if probe in text]
            found += [f"{name}: {question['id']}: {probe}" for name in where]
    return found


@pytest.fixture(scope="module")
def public_site(tmp_path_factory) -> Path:
    return build(ROOT, tmp_path_factory.mktemp("site"), strict=True)


def test_no_exam_text_in_the_public_site(public_site, bank):
    files = _files_text(public_site)
    assert any(name.startswith("_sources/") for name in files)
    assert any(name.startswith("searchindex") for name in files)
    leaks = _leaks(files, bank)
    assert not leaks, f"exam bank text on the public site: {leaks[:5]}"


def test_no_exam_text_in_the_student_edition(tmp_path, bank):
    assert student_edition(tmp_path, source=ROOT, pdf=False) == 0
    leaks = _leaks(_files_text(tmp_path), bank)
    assert not leaks, f"exam bank text in the student edition: {leaks[:5]}"
