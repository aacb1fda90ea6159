"""Tests for tools.coverage and the instructor guide's plans: every number in them adds up.

The plans' totals are recomputed from their tables; the objective-coverage table must be what
``python -m tools.coverage`` writes from the problems' and exam questions' tags, and no
objective may be assessed by nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools._book import chapters
from tools.coverage import GUIDE, counts, render, update

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / GUIDE).read_text(encoding="utf-8")


def minutes(text: str) -> int:
    """Minutes in a length such as "90 min", "2 h", "2 h 30 min" or "2 × 50 min"."""
    match = re.fullmatch(
        r"\s*(?:(?P<times>\d+) × )?(?:(?P<h>\d+) h)?\s*(?:(?P<min>\d+) min)?\s*", text
    )
    assert match, f"not a length: {text!r}"
    assert match["h"] or match["min"], f"not a length: {text!r}"
    each = 60 * int(match["h"] or 0) + int(match["min"] or 0)
    return int(match["times"] or 1) * each


_LENGTH = r"(\d+ h(?: \d+ min)?|\d+ min)"


def _length(total: int) -> str:
    hours, rest = divmod(total, 60)
    return " ".join(filter(None, [f"{hours} h" if hours else "", f"{rest} min" if rest else ""]))


def test_minutes_reads_every_form():
    assert [minutes(t) for t in ("90 min", "2 h", "2 h 30 min", "2 × 50 min")] == [
        90,
        120,
        150,
        100,
    ]
    assert _length(285) == "4 h 45 min"


def _rows(section: str) -> list[list[str]]:
    rows = [line.strip().strip("|").split("|") for line in section.splitlines() if line[:1] == "|"]
    return [[c.strip() for c in row] for row in rows[2:]]


def _plans() -> dict[str, str]:
    body = TEXT.split("## Four plans", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^### (.+?)\n(.*?)(?=^### |\Z)", body, flags=re.M | re.S))


def test_there_are_four_plans():
    assert set(_plans()) == {
        "A one-week machine-learning unit",
        "A three-week information-theory unit",
        "A twelve-week module",
        "Self-study",
    }


@pytest.mark.parametrize("plan", ["A twelve-week module", "Self-study"])
def test_the_whole_course_plans_cover_every_chapter(plan):
    covered = {int(n) for n in re.findall(r"\{doc\}`Chapter (\d+) <", _plans()[plan])}
    assert covered == {c.number for c in chapters(ROOT)}


@pytest.mark.parametrize("plan", sorted(_plans()))
def test_each_plan_states_the_total_of_its_table(plan):
    section = _plans()[plan]
    total = sum(minutes(row[1]) for row in _rows(section))
    # Every length the prose states as the plan's total ("5 h in class", "Total ...: 5 h").
    stated = re.findall(rf"Total[^:\n]*: {_LENGTH}", section)
    stated += re.findall(rf"{_LENGTH} in class", section)
    assert stated, f"{plan}: no stated total"
    for claim in stated:
        assert minutes(claim) == total, f"{plan}: says {claim}, the table sums to {_length(total)}"


def test_the_one_week_unit_is_two_lectures_and_a_lab():
    lengths = [minutes(row[1]) for row in _rows(_plans()["A one-week machine-learning unit"])]
    assert sorted(lengths) == [90, 90, 120]


def test_chapter_times_in_the_overview_add_up():
    table = TEXT.split("## The course at a glance", 1)[1].split("\n## ", 1)[0]
    times = {}
    for row in _rows(table):
        number = re.search(r"`(\d+)\.", row[0])
        times[int(number[1])] = minutes(row[1])
    claims = re.findall(rf"chapters (\d+) to (\d+) take {_LENGTH}", table)
    assert claims
    for first, last, claim in claims:
        total = sum(times[n] for n in range(int(first), int(last) + 1))
        assert minutes(claim) == total, f"chapters {first}-{last}: {claim} vs {_length(total)}"


def _labels() -> set[str]:
    found = set()
    for path in (ROOT / "book").rglob("*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            found |= set(re.findall(r":label:\s*(\S+)", "".join(cell["source"])))
    return found


def test_plans_refer_to_exercises_and_problems_that_exist():
    refs = set(re.findall(r"\{ref\}`(?:[^`<]*<)?((?:ex|prob)-\d\d-\d+)>?`", TEXT))
    assert refs
    missing = sorted(refs - _labels())
    assert not missing, f"the guide refers to labels no notebook defines: {missing}"


# --- objective coverage --------------------------------------------------------------------


def test_the_coverage_table_is_up_to_date():
    assert render(ROOT) in TEXT, "run `python -m tools.coverage` to rewrite the guide's table"
    assert update(ROOT, check=True)


def test_every_chapter_lists_its_objectives():
    for chapter in chapters(ROOT):
        assert len(chapter.objectives()) >= 3, chapter.notebook.name


def test_every_objective_is_assessed():
    unassessed = [
        key for key, (_, problems, questions) in counts(ROOT).items() if problems + questions == 0
    ]
    assert not unassessed, f"objectives no problem or exam question assesses: {unassessed}"


def test_problem_sets_follow_the_convention():
    for chapter in chapters(ROOT):
        problems = [
            cell
            for notebook in chapter.problem_sets
            for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
            if "exercise" in cell.get("metadata", {}).get("tags", [])
        ]
        assert len(problems) >= 6, f"chapter {chapter.number}: {len(problems)} problems"
        tags = [cell["metadata"]["tags"] for cell in problems]
        kinds = [next((t for t in ts if t.startswith("kind-")), None) for ts in tags]
        assert kinds.count("kind-exam") >= 2, f"chapter {chapter.number}"
        assert kinds.count("kind-computational") >= 2, f"chapter {chapter.number}"
        levels = {t for ts in tags for t in ts if t.startswith("difficulty-")}
        assert levels == {"difficulty-1", "difficulty-2", "difficulty-3"}
        for cell, ts in zip(problems, tags, strict=True):
            label = re.search(r":label:\s*(prob-\d\d-\d+)", "".join(cell["source"]))
            assert label, f"a problem of chapter {chapter.number} has no prob-NN-k label"
            assert label[1].startswith(f"prob-{chapter.number:02d}-"), label[1]
            assert any(t.startswith("objective-") for t in ts), label[1]


_KIND_WORDS = {
    "kind-practice": "practice",
    "kind-exam": "exam-style",
    "kind-computational": "computational",
}
_KIND_LINE = re.compile(
    r"^\*(?P<stars>★{1,3}) · (?P<kind>practice|exam-style|computational) · "
    r"objectives? (?P<objectives>\d+\.\d+(?:, \d+\.\d+)*)\*$",
    re.M,
)


def test_problem_sets_share_one_style():
    """Every set reads alike: its title, and under each title a line that agrees with its tags."""
    for chapter in chapters(ROOT):
        for notebook in chapter.problem_sets:
            nb = json.loads(notebook.read_text(encoding="utf-8"))
            head = "".join(nb["cells"][0]["source"])
            assert head.startswith(f"(problems-{chapter.number:02d})=\n# Problems: "), notebook.name
            for cell in nb["cells"]:
                tags = cell.get("metadata", {}).get("tags", [])
                if "exercise" not in tags:
                    continue
                text = "".join(cell["source"])
                title = text.splitlines()[0]
                assert "★" not in title, f"{notebook.name}: stars belong in the kind line: {title}"
                line = _KIND_LINE.search(text)
                assert line, f"{notebook.name}: no kind line under {title}"
                assert f"difficulty-{len(line['stars'])}" in tags, title
                kind = next(t for t in tags if t.startswith("kind-"))
                assert _KIND_WORDS[kind] == line["kind"], title
                listed = {f"objective-{o}" for o in line["objectives"].split(", ")}
                assert listed == {t for t in tags if t.startswith("objective-")}, title


def test_every_chapter_bullets_its_objectives():
    for chapter in chapters(ROOT):
        text = next(
            "".join(cell["source"])
            for cell in json.loads(chapter.notebook.read_text(encoding="utf-8"))["cells"]
            if "Learning objectives" in "".join(cell["source"])
        )
        block = text.split("Learning objectives", 1)[1].split("\n:::", 1)[0]
        assert not re.search(r"^\d+[.)] ", block, flags=re.M), chapter.notebook.name
        assert re.search(r"^- ", block, flags=re.M), chapter.notebook.name
