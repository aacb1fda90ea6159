"""Tests for tools.student_edition: solutions are cut cleanly and none reaches the students."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import nbformat
import pytest
from book_text import (
    BOOK,
    ROOT,
    cell_text,
    cells,
    html_text,
    instructor_notebooks,
    outputs,
    phrases,
    solution_content,
    squash,
)
from conftest import notebook_errors

from tools.student_edition import (
    PLACEHOLDER,
    main,
    strip_markdown,
    strip_notebook,
    student_edition,
    unlink_labels,
)

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


def test_help_runs_from_a_clone_without_matplotlib():
    code = (
        "import sys, runpy\n"
        "sys.argv = ['student_edition', '--help']\n"
        "try:\n"
        "    runpy.run_module('tools.student_edition', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert 'matplotlib' not in sys.modules, 'the tool must not import matplotlib'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "OUT/notebooks/" in proc.stdout


def test_wrong_source_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main([str(tmp_path / "out"), "--source", str(tmp_path)])
    assert "is not the book's project folder" in capsys.readouterr().err


# --- the whole student edition ----------------------------------------------------------


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    code = student_edition(out, source=ROOT, pdf=False, strict=True)
    return code, out


@pytest.mark.build
def test_student_edition_builds_cleanly(edition):
    code, out = edition
    assert code == 0, "the student edition's strict build failed (see the captured stderr)"
    assert (out / "html" / "index.html").exists()


@pytest.mark.build
def test_student_notebooks_are_valid_and_keep_the_exercises(edition):
    _, out = edition
    for original in instructor_notebooks():
        student = out / "notebooks" / original.relative_to(BOOK)
        assert student.exists(), f"{student.name} is missing from the student edition"
        nb = nbformat.read(student, as_version=4)
        nbformat.validate(nb)
        tags = [c.metadata.get("tags", []) for c in nb.cells]
        assert not any("solution" in t for t in tags)
        exercises = [c for c in cells(original) if "exercise" in c["metadata"].get("tags", [])]
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
    lines, phrases = solution_content()
    for nb in sorted((out / "notebooks").rglob("*.ipynb")):
        text = squash(" ".join(cell_text(c) + " " + outputs(c) for c in cells(nb)))
        for marker in ("{solution}", "{solution-start}", "{solution-end}"):
            assert marker not in text, f"{nb.name} still holds {marker}"
        leaked = sorted(s for s in lines | phrases if s in text)
        assert not leaked, f"{nb.name} leaks solution text: {leaked[:5]}"


@pytest.mark.build
def test_no_solution_leaks_into_the_html(edition):
    _, out = edition
    lines, phrases = solution_content()
    pages = html_text(out / "html")
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
    pages = html_text(out / "html")
    all_text = " ".join(pages.values())
    for nb in instructor_notebooks():
        for cell in cells(nb):
            if "exercise" in cell["metadata"].get("tags", []):
                label = re.search(r":label:\s*(\S+)", cell_text(cell))
                assert label, f"an exercise in {nb.name} has no label"
                assert any(label[1] in (out / "html" / p).read_text() for p in pages)
                for phrase in phrases(cell_text(cell)):
                    assert phrase in all_text, f"exercise text missing: {phrase}"
