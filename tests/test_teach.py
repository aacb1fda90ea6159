"""Tests for xentbook.teach: solutions are cut cleanly, and none leaks into the student edition."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import notebook_errors

from xentbook.teach import (
    PLACEHOLDER,
    main,
    strip_markdown,
    strip_notebook,
    student_edition,
    unlink_labels,
)

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


# --- Markdown ---------------------------------------------------------------------------


def test_strip_markdown_removes_a_solution_with_nested_code():
    page = (
        "Intro.\n\n"
        "````{solution} ex-1\n:label: sol-1\n:class: dropdown\n\n"
        "Like this:\n\n```python\nprint(42)\n```\n\nand done.\n````\n\n"
        "Outro.\n"
    )
    text, labels, count = strip_markdown(page)
    assert text == "Intro.\n\n\nOutro.\n"
    assert labels == ["sol-1"]
    assert count == 1


def test_strip_markdown_removes_gated_blocks_and_colon_fences():
    page = (
        "```{exercise} Sum\n:label: ex-2\nAdd.\n```\n"
        "```{solution-start} ex-2\n:class: dropdown\n```\n"
        "Secret reasoning.\n\n```python\nsecret = 1 + 1\n```\n"
        "```{solution-end}\n```\n"
        ":::{solution} ex-3\nColon secret.\n:::\n"
        "After.\n"
    )
    text, labels, count = strip_markdown(page)
    assert "secret" not in text.lower()
    assert "solution" not in text
    assert text.startswith("```{exercise} Sum\n:label: ex-2\nAdd.\n```\n")
    assert text.endswith("After.\n")
    assert (labels, count) == ([], 2)


def test_strip_markdown_leaves_other_text_alone():
    page = "A {exercise}-free page mentioning the word solution.\n```python\nx = 1\n```\n"
    assert strip_markdown(page) == (page, [], 0)


def test_unlink_labels():
    text = "See {ref}`sol-1`, {numref}`Figure {number} <sol-1>` and {ref}`ex-1`."
    assert unlink_labels(text, {"sol-1"}) == "See the solution, Figure {number} and {ref}`ex-1`."


# --- notebooks --------------------------------------------------------------------------


def _cell(kind: str, source: str, *tags: str) -> dict:
    cell = {
        "cell_type": kind,
        "id": f"c{abs(hash(source)) % 10**8}",
        "metadata": {"tags": list(tags)} if tags else {},
        "source": source,
    }
    if kind == "code":
        cell |= {"outputs": [], "execution_count": None}
    return cell


def _notebook(*cells: dict) -> dict:
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_strip_notebook_leaves_one_work_cell_per_code_solution():
    nb = _notebook(
        _cell("markdown", "```{exercise} A\n:label: ex-a\n```", "exercise"),
        _cell("markdown", "```{solution-start} ex-a\n```", "solution"),
        _cell("code", "answer_a = 1", "solution"),
        _cell("code", "check(answer_a)", "solution"),
        _cell("markdown", "```{solution-end}\n```", "solution"),
        _cell("markdown", "```{exercise} B\n:label: ex-b\n```", "exercise"),
        _cell("markdown", "```{solution} ex-b\n:label: sol-b\nProse only.\n```", "solution"),
        _cell("markdown", "Key takeaways."),
    )
    before = json.dumps(nb)
    student, report = strip_notebook(nb)
    sources = [c["source"] for c in student["cells"]]
    assert sources == [
        "```{exercise} A\n:label: ex-a\n```",
        PLACEHOLDER,
        "```{exercise} B\n:label: ex-b\n```",
        "Key takeaways.",
    ]
    assert (report.solution_cells, report.placeholders, report.labels) == (5, 1, {"sol-b"})
    assert json.dumps(nb) == before, "the input notebook must not change"


def test_strip_notebook_placeholder_at_the_end_and_untagged_directives():
    nb = _notebook(
        _cell("markdown", "Text\n```{solution} ex-c\nhidden\n```\n"),
        _cell("code", "final_answer = 2", "solution"),
    )
    student, report = strip_notebook(nb)
    assert [c["source"] for c in student["cells"]] == ["Text\n", PLACEHOLDER]
    assert report.markdown_blocks == 1
    nbformat.validate(nbformat.from_dict(student))


# --- the command line -------------------------------------------------------------------


def test_help_runs_without_matplotlib():
    code = (
        "import sys, xentbook.teach as t\n"
        "assert 'matplotlib' not in sys.modules, 'teach must not import matplotlib'\n"
        "t.main(['--help'])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "student-edition" in proc.stdout


def test_wrong_source_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["student-edition", str(tmp_path / "out"), "--source", str(tmp_path)])
    assert "is not the book's project folder" in capsys.readouterr().err


# --- the whole student edition ----------------------------------------------------------


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    code = student_edition(out, source=ROOT, strict=True)
    return code, out


def _instructor_notebooks() -> list[Path]:
    return sorted(p for p in BOOK.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _outputs(cell: dict) -> str:
    parts = []
    for out in cell.get("outputs", []):
        text = out.get("text") or out.get("data", {}).get("text/plain", "")
        parts.append(text if isinstance(text, str) else "".join(text))
    return "".join(parts)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _phrases(text: str) -> set[str]:
    """Runs of six or more plain words: they survive the trip from MyST to HTML unchanged."""
    plain = re.sub(r"\$[^$]*\$|\{[a-z:-]+\}`[^`]*`|`[^`]*`|[*_]", " ", text)
    found = set()
    for line in plain.splitlines():
        for run in re.findall(r"(?:[A-Za-z][A-Za-z'-]*,? ){5,}[A-Za-z][A-Za-z'-]*", line):
            found.add(_squash(run))
    return found


def _solution_content() -> tuple[set[str], set[str]]:
    """Distinctive code/output lines and prose phrases of every solution cell in the book."""
    public = []
    secret_cells = []
    for nb in _instructor_notebooks():
        for cell in _cells(nb):
            is_secret = "solution" in cell.get("metadata", {}).get("tags", [])
            (secret_cells if is_secret else public).append(cell)
    # Text that is public anyway: the other cells, the Markdown pages, and the package's
    # docstrings and messages (the API appendix shows them, self-check output included).
    elsewhere = [p.read_text(encoding="utf-8") for p in BOOK.rglob("*.md")]
    elsewhere += [p.read_text(encoding="utf-8") for p in (ROOT / "xentbook").rglob("*.py")]
    public_text = _squash(" ".join([_text(c) + " " + _outputs(c) for c in public] + elsewhere))
    lines, phrases = set(), set()
    for cell in secret_cells:
        if cell["cell_type"] == "code":
            for line in (_text(cell) + "\n" + _outputs(cell)).splitlines():
                line = _squash(line)
                if len(line) >= 20 and line not in public_text:
                    lines.add(line)
        else:
            phrases |= {p for p in _phrases(_text(cell)) if p not in public_text}
    return lines, phrases


def _html_text(folder: Path) -> dict[str, str]:
    """Each page's visible text, with Sphinx's curly quotes made straight again."""
    pages = {}
    for page in sorted(folder.rglob("*.html")):
        if "_static" in page.parts:
            continue
        raw = page.read_text(encoding="utf-8")
        raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
        # Inline tags (code highlighting, links) vanish; block tags separate words.
        raw = re.sub(r"</?(?:span|a|em|strong|code|sup|sub)\b[^>]*>", "", raw)
        text = html.unescape(re.sub(r"<[^>]+>", " ", raw)).translate(_STRAIGHT)
        pages[page.relative_to(folder).as_posix()] = _squash(text)
    return pages


_STRAIGHT = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


@pytest.mark.build
def test_student_edition_builds_cleanly(edition):
    code, out = edition
    assert code == 0, "the student edition's strict build failed (see the captured stderr)"
    assert (out / "html" / "index.html").exists()


@pytest.mark.build
def test_student_notebooks_are_valid_and_keep_the_exercises(edition):
    _, out = edition
    for original in _instructor_notebooks():
        student = out / "notebooks" / original.relative_to(BOOK)
        assert student.exists(), f"{student.name} is missing from the student edition"
        nb = nbformat.read(student, as_version=4)
        nbformat.validate(nb)
        tags = [c.metadata.get("tags", []) for c in nb.cells]
        assert not any("solution" in t for t in tags)
        exercises = [c for c in _cells(original) if "exercise" in c["metadata"].get("tags", [])]
        assert sum("exercise" in t for t in tags) == len(exercises)


@pytest.mark.build
def test_student_notebooks_run_top_to_bottom(edition, tmp_path):
    # A student's "Run all" must not trip over a name only a removed solution defined.
    _, out = edition
    errors = []
    for nb in sorted((out / "notebooks").rglob("*.ipynb")):
        errors += notebook_errors(nb, tmp_path)
    assert not errors, "\n".join(errors)


@pytest.mark.build
def test_no_solution_leaks_into_the_notebooks(edition):
    _, out = edition
    lines, phrases = _solution_content()
    for nb in sorted((out / "notebooks").rglob("*.ipynb")):
        text = _squash(" ".join(_text(c) + " " + _outputs(c) for c in _cells(nb)))
        for marker in ("{solution}", "{solution-start}", "{solution-end}"):
            assert marker not in text, f"{nb.name} still holds {marker}"
        leaked = sorted(s for s in lines | phrases if s in text)
        assert not leaked, f"{nb.name} leaks solution text: {leaked[:5]}"


@pytest.mark.build
def test_no_solution_leaks_into_the_html(edition):
    _, out = edition
    lines, phrases = _solution_content()
    pages = _html_text(out / "html")
    for name, text in pages.items():
        leaked = sorted(s for s in lines | phrases if s in text)
        assert not leaked, f"{name} leaks solution text: {leaked[:5]}"
    for page in (out / "html").rglob("*.html"):
        raw = page.read_text(encoding="utf-8")
        # What sphinx-exercise renders for a solution, directive or gated block alike.
        assert 'class="solution' not in raw, page.name
        assert "Solution to" not in raw, page.name
    for source in (out / "html" / "_sources").rglob("*.ipynb"):
        assert '"solution"' not in source.read_text(encoding="utf-8"), source.name


@pytest.mark.build
def test_exercises_are_still_in_the_html(edition):
    # The leak test above is only meaningful if book prose reaches the text it searches.
    _, out = edition
    pages = _html_text(out / "html")
    all_text = " ".join(pages.values())
    for nb in _instructor_notebooks():
        for cell in _cells(nb):
            if "exercise" in cell["metadata"].get("tags", []):
                label = re.search(r":label:\s*(\S+)", _text(cell))
                assert label, f"an exercise in {nb.name} has no label"
                assert any(label[1] in (out / "html" / p).read_text() for p in pages)
                for phrase in _phrases(_text(cell)):
                    assert phrase in all_text, f"exercise text missing: {phrase}"
