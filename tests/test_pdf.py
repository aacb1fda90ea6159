"""Tests for tools.pdf: both editions print whole, typeset, numbered and without leaks.

The PDFs are read back with Debian's poppler-utils (pdftotext, pdfimages, pdftohtml); without
them, or without Chromium, the tests skip with an install hint, unless
XENTBOOK_REQUIRE_BROWSER=1 (CI) turns the skip into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from book_text import ROOT, cell_text, cells, phrases, solution_content, squash

from tools.pdf import INSTRUCTOR_PDF, book_pdf
from tools.student_edition import STUDENT_PDF, student_edition

pytestmark = pytest.mark.build


def _require(*tools: str) -> None:
    missing = [t for t in tools if not shutil.which(t)]
    if not missing:
        return
    message = f"{', '.join(missing)} not found: apt-get install chromium poppler-utils"
    if os.environ.get("XENTBOOK_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (XENTBOOK_REQUIRE_BROWSER=1 makes this a failure.)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    _require("chromium", "pdftotext", "pdfimages", "pdftohtml")
    out = tmp_path_factory.mktemp("pdf")
    instructor = book_pdf(ROOT, out / INSTRUCTOR_PDF, strict=True)
    # The student PDF as the student edition command writes it.
    assert student_edition(out / "student", source=ROOT, html=False, strict=True) == 0
    return {"instructor": instructor, "student": out / "student" / STUDENT_PDF}


def _text(pdf: Path) -> str:
    return subprocess.run(
        # -layout keeps a hyphen that ends a line (plain mode drops it as a hyphenation).
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _bare(text: str) -> str:
    """Text without any whitespace: PDF line breaks fall anywhere, even inside a word."""
    return re.sub(r"\s+", "", text).translate(_STRAIGHT)


_STRAIGHT = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "−": "-"})


# --- what the sources say the PDF must hold ----------------------------------------------


def _chapters() -> list[tuple[int, list[Path]]]:
    """Each numbered chapter's number and its notebooks (the chapter, then its sections)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found = []
    for part in toc["parts"]:
        if not part.get("numbered"):
            continue
        for entry in part["chapters"]:
            files = [entry["file"]] + [s["file"] for s in _sections(entry)]
            notebooks = [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]
            found.append((len(found) + 1, notebooks))
    return found


def _sections(entry: dict) -> list[dict]:
    return [s for child in entry.get("sections", []) for s in [child, *_sections(child)]]


def _plain(text: str, words: int) -> str:
    """The first few plain words of a caption or title (markup and math dropped)."""
    text = re.sub(r"\$[^$]*\$|\{[a-z:-]+\}`[^`]*`|[`*_]", " ", text)
    return _bare(" ".join(re.split(r"\s+", text.strip())[:words]))


def _figures():
    for number, notebooks in _chapters():
        k = 0
        for nb in notebooks:
            for cell in cells(nb):
                figure = cell.get("metadata", {}).get("mystnb", {}).get("figure")
                if figure and figure.get("caption"):
                    k += 1
                    yield f"{number}.{k}", figure["caption"]


_EXERCISE = re.compile(r"^[`:]{3,}\{exercise\}[ \t]*(?P<title>[^\n]*)\n(?P<body>.*)", re.M | re.S)


def _exercises():
    for number, notebooks in _chapters():
        k = 0
        for nb in notebooks:
            for cell in cells(nb):
                match = _EXERCISE.search(cell_text(cell)) if cell["cell_type"] == "markdown" else 0
                if match and ":nonumber:" not in match["body"].split("\n\n")[0]:
                    k += 1
                    yield f"{number}.{k}", match["title"]


_EQUATION = re.compile(r"\$\$\s*\((?P<label>[^)\s]+)\)|\{math\}[^\n]*\n(?::[a-z]+:[^\n]*\n)*")


def _equations():
    for number, notebooks in _chapters():
        k = 0
        for nb in notebooks:
            for cell in cells(nb):
                text = cell_text(cell) if cell["cell_type"] == "markdown" else ""
                for match in _EQUATION.finditer(text):
                    if match["label"] or ":label:" in match[0]:
                        k += 1
                        yield f"({number}.{k})"


# --- the tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_math_is_typeset(pdfs, edition):
    text = _text(pdfs[edition])
    raw = re.findall(r".{0,30}(?:\\\(|\\\[|\$|\\(?:frac|log|sum|mathrm|begin)\b).{0,30}", text)
    assert not raw, f"raw TeX in the {edition} PDF: {raw[:5]}"


@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_every_figure_is_embedded(pdfs, edition):
    figures = sum(1 for _ in _figures())
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdfs[edition])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    # Plots are hundreds of pixels each way; thin strips are page decorations.
    plots = [row for row in listing if min(int(row.split()[3]), int(row.split()[4])) >= 150]
    assert figures > 0
    assert len(plots) >= figures, f"{len(plots)} plot images in the PDF, {figures} figures"


@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_chapters_and_sections_are_in_the_outline(pdfs, edition):
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-q", "-stdout", str(pdfs[edition])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    outline = _bare(" ".join(re.findall(r"<item[^>]*>([^<]*)", xml)))
    assert outline, "the PDF has no outline"
    for number, notebooks in _chapters():
        for nb in notebooks:
            for cell in cells(nb):
                if cell["cell_type"] != "markdown":
                    continue
                prose = re.sub(r"^(`{3,}).*?^\1", "", cell_text(cell), flags=re.M | re.S)
                for heading in re.findall(r"^#{1,2} (.+)$", prose, flags=re.M):
                    assert _plain(heading, 6) in outline, f"chapter {number}: {heading}"


@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_figure_exercise_and_equation_numbers_match_the_site(pdfs, edition):
    text = _bare(_text(pdfs[edition]))
    for number, caption in _figures():
        assert f"Fig.{number}{_plain(caption, 4)}" in text, f"Fig. {number}: {caption[:40]}"
    for number, title in _exercises():
        assert f"Exercise{number}({_plain(title, 3)}" in text, f"Exercise {number} {title}"
    for number in _equations():
        assert number in text


@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_code_is_readable_not_clipped(pdfs, edition):
    pdf = pdfs[edition]
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', boxes)[1])
    word = r'<word xMin="([-\d.]+)" yMin="[-\d.]+" xMax="([-\d.]+)"[^>]*>([^<]+)<'
    words = re.findall(word, boxes)
    # Icon-font glyphs (private use area) are decorations, drawn outside on purpose.
    outside = [w for x0, x1, w in words if (float(x0) < 0 or float(x1) > width) and not _icon(w)]
    assert not outside, f"text beyond the page edge: {outside[:10]}"
    # Every line of every code cell the edition shows is there in full, wrapped or not.
    text = _bare(_text(pdf))
    missing = []
    for _, notebooks in _chapters():
        for nb in notebooks:
            for cell in cells(nb):
                tags = cell.get("metadata", {}).get("tags", [])
                if cell["cell_type"] != "code" or (edition == "student" and "solution" in tags):
                    continue
                missing += [
                    line for line in cell_text(cell).splitlines() if _bare(line) not in text
                ]
    assert not missing, f"{len(missing)} code lines missing from the {edition} PDF: {missing[:5]}"


def _icon(word: str) -> bool:
    return all("\ue000" <= c <= "\uf8ff" for c in word)


def test_instructor_pdf_has_every_solution_open(pdfs):
    lines, prose = solution_content()
    text = _bare(_text(pdfs["instructor"]))
    assert lines
    assert prose
    hidden = sorted(s for s in lines if _bare(s) not in text)
    assert not hidden, f"solution code missing from the instructor PDF: {hidden[:5]}"
    # A phrase can be split by a formula's sub- or superscript laid out on its own line.
    found = sum(_bare(s) in text for s in prose)
    assert found >= 0.9 * len(prose), f"only {found} of {len(prose)} solution phrases found"


def test_student_pdf_has_no_solution_text(pdfs):
    lines, prose = solution_content()
    text = _text(pdfs["student"])
    bare = _bare(text)
    leaked = sorted(s for s in lines | prose if _bare(s) in bare)
    assert not leaked, f"the student PDF leaks solution text: {leaked[:5]}"
    assert "Solution to" not in squash(text)
    assert "student edition" in squash(text)
    # And the exercises are still there to be solved.
    exercises = [p for _, title in _exercises() for p in phrases(title)]
    assert all(_bare(p) in bare for p in exercises)
