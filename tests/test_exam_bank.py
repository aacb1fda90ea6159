"""Tests for tools.exam_bank: the bank's schema, and the checks that enforce it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tools._book import chapters
from tools.exam_bank import (
    TYPES,
    bank_files,
    load,
    objectives_of,
    to_markdown,
    validate,
)

ROOT = Path(__file__).resolve().parents[1]

GOOD = {
    "id": "ch01-q1",
    "chapter": 1,
    "objective": "1.2",
    "type": "mcq",
    "question": "Which is right?",
    "choices": ["this one", "that one"],
    "answer": "A: this one.",
    "points": 2,
    "correct": "A",
    "_file": "ch01.yml",
}
NUMERIC = {**GOOD, "type": "numeric", "answer": "2 bits", "value": 2, "tolerance": 0.01}
del NUMERIC["choices"], NUMERIC["correct"]
OBJECTIVES = {1: ["say why", "compute it"], 2: ["define it"]}


# --- the checks, on small banks made to fail -----------------------------------------------


def test_a_good_question_passes():
    assert validate([GOOD], OBJECTIVES) == []


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"objective": "1.3"}, "objective 1.3 is not in chapter 1"),
        ({"objective": "2.1"}, "is not from its chapter 1"),
        ({"objective": 1.2}, "must be a quoted"),
        ({"type": "essay"}, "`type` must be one of"),
        ({"choices": ["only one"]}, "needs `choices`"),
        ({"choices": ["same", "same"]}, "two choices are the same"),
        ({"type": "short"}, "only an mcq has `choices`"),
        ({"points": 0}, "at least 1"),
        ({"points": "2"}, "whole number"),
        ({"question": "  "}, "`question` must be non-empty"),
        ({"id": "ch02-q1"}, "the id must be ch01-qK"),
        ({"_file": "ch02.yml"}, "belongs in ch01.yml"),
        ({"hint": "psst"}, "unknown field `hint`"),
        ({"correct": "C"}, "needs `correct`"),
        ({"correct": 1}, "needs `correct`"),
        ({"value": 1.0}, "only a numeric question has `value`"),
        ({"answer": "The second choice. It is."}, "by its letter"),
        ({"answer": "The third: it is."}, "by its letter"),
        ({"answer": "B: that one."}, "must start with its letter, A"),
    ],
)
def test_each_schema_rule_catches_its_mistake(change, complaint):
    errors = validate([{**GOOD, **change}], OBJECTIVES)
    assert any(complaint in e for e in errors), errors


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"value": "two"}, "needs `value`"),
        ({"tolerance": -0.1}, "needs `tolerance`"),
        ({"tolerance": "1e-05"}, "needs `tolerance`"),  # PyYAML reads 1e-05 as a string
        ({"correct": "A"}, "only an mcq has `correct`"),
    ],
)
def test_each_numeric_rule_catches_its_mistake(change, complaint):
    assert validate([NUMERIC], OBJECTIVES) == []
    errors = validate([{**NUMERIC, **change}], OBJECTIVES)
    assert any(complaint in e for e in errors), errors


def test_a_numeric_answer_needs_a_number():
    question = {**GOOD, "type": "numeric", "answer": "about a bit"}
    del question["choices"]
    assert any("numeric answer" in e for e in validate([question], OBJECTIVES))


def test_missing_fields_and_duplicate_ids():
    errors = validate([GOOD, GOOD, {"id": "ch01-q9", "_file": "ch01.yml"}], OBJECTIVES)
    assert "ch01-q1: the id is used twice" in errors
    assert "ch01-q9: no `answer`" in errors


def test_markdown_groups_by_chapter_and_shows_choices(tmp_path):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    text = to_markdown([GOOD], tmp_path)
    assert "## Chapter 1" in text
    assert "### ch01-q1 (mcq, 2 points)" in text
    assert "- **B.** that one" in text
    assert "**Key.** A" in text
    assert "**Answer.** A: this one." in text
    assert "**Key.** 2 ± 0.01" in to_markdown([NUMERIC], tmp_path)


# --- the real bank --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bank() -> list[dict]:
    questions = load(ROOT)
    assert questions, "no exam bank: instructor/exam_bank/chNN.yml holds it"
    return questions


def test_the_bank_is_valid(bank):
    assert validate(bank, objectives_of(ROOT)) == []


def test_every_chapter_has_four_questions_and_every_type_is_used(bank):
    for chapter in chapters(ROOT):
        mine = [q for q in bank if q["chapter"] == chapter.number]
        assert len(mine) >= 4, f"chapter {chapter.number} has {len(mine)} exam questions"
    assert {q["type"] for q in bank} == set(TYPES)
    assert len(bank) >= 30


def test_the_bank_lives_outside_the_book():
    files = bank_files(ROOT)
    assert files
    assert all("book" not in f.relative_to(ROOT).parts for f in files)
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "instructor" in config["exclude_patterns"]


def test_every_numeric_key_is_the_value_its_model_answer_gives(bank):
    for q in (q for q in bank if q["type"] == "numeric"):
        numbers = [float(n) for n in re.findall(r"(?<![\w.])\d+(?:\.\d+)?", q["answer"])]
        slack = max(q["tolerance"], 5e-4 * abs(q["value"]))
        assert any(abs(n - q["value"]) <= slack for n in numbers), (q["id"], q["value"])
