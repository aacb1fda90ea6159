"""Tests for tools.pdf: both editions print whole, typeset, numbered and without leaks.

The PDFs are printed once per test session (the ``book_pdfs`` fixture of conftest.py) and read
back with Debian's poppler-utils (pdftotext, pdfimages, pdftoppm, pdftohtml) and pypdf; without
poppler-utils or Chromium the tests skip with an install hint, unless
XENTBOOK_REQUIRE_BROWSER=1 (CI) turns the skip into a failure.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml
from book_text import ROOT, cell_text, cells, phrases, solution_content, squash
from pypdf import PdfReader

from tools.pdf import API_PDF, INSTRUCTOR_PDF, STUDENT_PDF

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def pdfs(book_pdfs) -> dict[str, Path]:
    return {
        "instructor": book_pdfs / INSTRUCTOR_PDF,
        "student": book_pdfs / STUDENT_PDF,
        "api": book_pdfs / API_PDF,
    }


def _text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        # -layout keeps a hyphen that ends a line (plain mode drops it as a hyphenation).
        ["pdftotext", "-layout", "-enc", "UTF-8", *pages, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext ends every page with a form feed)."""
    return _text(pdf).split("\f")[:-1]


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


def _outline(pdf: Path) -> list[tuple[str, int, list]]:
    """The PDF's bookmarks: (title, page from 1, children) at the top level."""
    reader = PdfReader(pdf)

    def walk(items):
        found = []
        for item in items:
            if isinstance(item, list):
                found[-1][2].extend(walk(item))
            else:
                found.append((item.title, reader.get_destination_page_number(item) + 1, []))
        return found

    return walk(reader.outline)


def _headings(notebook: Path, levels: str) -> list[str]:
    found = []
    for cell in cells(notebook):
        if cell["cell_type"] == "markdown":
            prose = re.sub(r"^(`{3,}).*?^\1", "", cell_text(cell), flags=re.M | re.S)
            found += re.findall(rf"^#{{{levels}}} (.+)$", prose, flags=re.M)
    return found


@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_bookmarks_are_the_chapter_and_section_titles(pdfs, edition):
    outline = {
        _bare(title).split(".", 1)[0]: (title, kids) for title, _, kids in _outline(pdfs[edition])
    }
    assert outline, "the PDF has no outline"
    for number, notebooks in _chapters():
        title, kids = outline[str(number)]
        (chapter,) = _headings(notebooks[0], "1")
        assert _bare(title) == f"{number}." + _plain(chapter, 99), title
        # The chapter's sections, then each problem set's title, numbered as on the site.
        sections = _headings(notebooks[0], "2") + [_headings(nb, "1")[0] for nb in notebooks[1:]]
        assert len(kids) == len(sections), [k[0] for k in kids]
        for k, (section, (kid, _, _)) in enumerate(zip(sections, kids, strict=True), start=1):
            assert _bare(kid).startswith(f"{number}.{k}."), kid
            # A heading's formula is in the bookmark as its glyphs: the words around it are
            # there, in order, each once (not doubled).
            words = [_plain(piece, 99) for piece in re.split(r"\$[^$]*\$", section)]
            at = 0
            for piece in filter(None, words):
                assert _bare(kid).count(piece) == 1, (kid, section)
                assert _bare(kid).find(piece) >= at, (kid, section)
                at = _bare(kid).find(piece) + len(piece)


def test_the_api_reference_is_a_pdf_of_its_own(pdfs):
    api = [title for title, _, _ in _outline(pdfs["api"])]
    assert api[0] == "API reference"
    assert "xentbook.cross_entropy" in _text(pdfs["api"])
    for edition in ("instructor", "student"):
        assert "API reference" not in [title for title, _, _ in _outline(pdfs[edition])]


def _roman(number: int) -> str:
    """``number`` in lower-case roman numerals (below 40 is all a front matter needs)."""
    assert 0 < number < 40
    units = ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"]
    return "x" * (number // 10) + units[number % 10]


def _front_length(pdf: Path) -> int:
    """The pages of the front matter (title page and contents): those before the first entry."""
    return _outline(pdf)[0][1] - 1


@pytest.mark.parametrize("edition", ["instructor", "student", "api"])
def test_every_page_is_numbered(pdfs, edition):
    # The front matter in roman numerals from its title page on, the body from 1, as in books;
    # the PDF's page labels are the printed numbers, so a viewer's page box agrees.
    pdf = pdfs[edition]
    pages = _pages(pdf)
    front = _front_length(pdf)
    assert len(pages) > front >= 2
    printed = [_roman(n) for n in range(1, front + 1)]
    printed += [str(n) for n in range(1, len(pages) - front + 1)]
    for number, (text, label) in enumerate(zip(pages, printed, strict=True), start=1):
        assert text.split()[-1] == label, f"page {number} ends with {text.split()[-3:]}"
    assert PdfReader(pdf).page_labels == printed


@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_contents_give_the_page_each_chapter_starts_on(pdfs, edition):
    pages = _pages(pdfs[edition])
    # The contents run from page 2 to the end of the front matter; the body's pages are
    # numbered from 1 after it.
    front = _front_length(pdfs[edition])
    contents = "\n".join(pages[1:front])
    assert contents.split()[0] == "Contents"
    for number, notebooks in _chapters():
        (chapter,) = _headings(notebooks[0], "1")
        line = next(
            ln
            for ln in contents.splitlines()
            if _bare(ln).startswith(f"{number}.{_plain(chapter, 3)}")
        )
        start = front + int(line.split()[-1])
        # The chapter's heading is on that page, under the running header that names it...
        assert _bare(pages[start - 1]).count(f"{number}." + _plain(chapter, 99)) == 2
        # ...and the page before belongs to the chapter before.
        assert f"{number}." + _plain(chapter, 99) not in _bare(pages[start - 2])


@pytest.mark.parametrize("edition", ["instructor", "student", "api"])
def test_contents_links_lead_to_the_pages_they_name(pdfs, edition):
    # The front matter is printed apart from the body: its links must still reach the body.
    pdf = pdfs[edition]
    reader = PdfReader(pdf)
    front = _front_length(pdf)
    contents = "\n".join(_pages(pdf)[1:front]).splitlines()
    named = [int(ln.split()[-1]) for ln in contents if re.search(r"\S\s{2,}\d+$", ln)]
    dests = reader.named_destinations
    reached = [
        reader.page_labels[reader.get_destination_page_number(dests[link["/Dest"]])]
        for page in reader.pages[1:front]
        for link in (a.get_object() for a in page.get("/Annots", []))
    ]
    assert named
    assert reached == [str(n) for n in named]


@pytest.mark.parametrize("edition", ["instructor", "student", "api"])
def test_no_page_is_blank(pdfs, edition):
    pdf = pdfs[edition]
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    with_images = {int(row.split()[0]) for row in listing}
    headers = {_bare(title) for title, _, _ in _outline(pdf)}
    for number, text in enumerate(_pages(pdf), start=1):
        # Beyond the running header (a chapter's title) and the page number (the last word).
        lines = text.strip().splitlines()
        body = lines[1:] if lines and _bare(lines[0]) in headers else lines
        words = " ".join(body).split()[:-1]
        assert words or number in with_images, f"page {number} of the {edition} PDF is blank"


# The backgrounds of code and output frames (the theme's), as pdftoppm renders
# it in grey at 72 dpi (244; an exercise box's background is 242), and the least height of an
# empty frame's padding there (a box's border is thinner).
_FRAME_GREY = range(243, 246)
_FRAME_ROWS = 5


def _gray_pages(pdf: Path, folder: Path) -> list[np.ndarray]:
    subprocess.run(["pdftoppm", "-gray", "-r", "72", str(pdf), str(folder / "p")], check=True)
    images = []
    for path in sorted(folder.glob("p-*.pgm")):
        raw = path.read_bytes()
        header = raw.split(b"\n", 3)
        width, height = map(int, header[1].split())
        images.append(np.frombuffer(header[3][-width * height :], np.uint8).reshape(height, width))
    return images


def _empty_frame_at_foot(image: np.ndarray) -> bool:
    """Whether the lowest thing on the page body is a code frame with no text in it."""
    height = image.shape[0]
    body = image[int(0.06 * height) : int(0.945 * height), 50:-50]  # no header, no page number
    inked = np.flatnonzero((body < 252).any(axis=1))
    if not len(inked):
        return False
    rows = body[: inked[-1] + 1]
    frame = np.isin(rows, _FRAME_GREY).mean(axis=1) > 0.6
    if not frame[-1]:
        return False
    top = len(frame) - np.argmin(frame[::-1]) if not frame.all() else 0
    return len(frame) - top >= _FRAME_ROWS and not (rows[top:] < 160).any()


@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_no_page_ends_in_an_empty_code_frame(pdfs, edition, tmp_path):
    pages = _gray_pages(pdfs[edition], tmp_path)
    assert len(pages) == len(_pages(pdfs[edition]))
    empty = [number for number, image in enumerate(pages, start=1) if _empty_frame_at_foot(image)]
    assert not empty, f"pages ending in an empty code frame: {empty}"


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


def test_the_print_mathjax_stands_in_for_the_site_script():
    # Printing serves tools/print/mathjax.js in place of the site's script of this name: it
    # must exist, and the print must load the parts the site loads first.
    from tools._build import PRINT_MATHJAX, SITE_MATHJAX

    site = (ROOT / "book" / "_static" / SITE_MATHJAX).read_text(encoding="utf-8")
    load = re.compile(r"load: (\[[^\]]*\])")
    assert load.search(site)[1] == load.search(PRINT_MATHJAX.read_text(encoding="utf-8"))[1]


def test_the_empty_frame_check_finds_one():
    # A page whose body ends in a code frame's padding, and the same frame with a line of code.
    page = np.full((842, 595), 255, np.uint8)
    page[100:110, 60:500] = 0  # a line of text
    page[700:780, 45:550] = 244  # a frame reaching the foot of the body
    assert _empty_frame_at_foot(page)
    page[740:746, 60:300:4] = 30  # sparse, as glyphs are
    assert not _empty_frame_at_foot(page)
