"""Tests for tools.exam: seeded papers that add up, and keys that match their papers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools.exam import answer_key, draw, main, paper
from tools.exam_bank import load, objectives_of, parse_chapters

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bank() -> list[dict]:
    return load(ROOT)


@pytest.mark.parametrize(("chapters", "points"), [([1, 2, 3, 4], 25), ([5, 6, 7, 8], 30), ([3], 8)])
def test_a_draw_adds_up_and_covers_every_chapter(bank, chapters, points):
    chosen = draw(bank, chapters, points, seed=3)
    assert sum(q["points"] for q in chosen) == points
    assert {q["chapter"] for q in chosen} == set(chapters)
    assert len({q["id"] for q in chosen}) == len(chosen)


def test_the_same_seed_gives_the_same_paper_and_another_seed_another(bank):
    ids = [[q["id"] for q in draw(bank, [1, 2, 3, 4, 5], 30, seed=s)] for s in (1, 1, 2)]
    assert ids[0] == ids[1]
    assert ids[0] != ids[2]


def test_an_impossible_total_names_the_option_and_nearby_totals(bank):
    with pytest.raises(ValueError, match=r"`--points`.*try one of"):
        draw(bank, [1], 10_000, seed=0)
    with pytest.raises(ValueError, match=r"`--chapters`.*\[99\]"):
        draw(bank, [99], 5, seed=0)


def test_parse_chapters_rejects_nonsense():
    assert parse_chapters("1-2,5") == [1, 2, 5]
    with pytest.raises(ValueError, match="`--chapters`"):
        parse_chapters("one-two")


def test_the_paper_holds_no_answers_and_the_key_holds_them_all(bank):
    chosen = draw(bank, [1, 2, 3, 4, 5, 6, 7, 8], 40, seed=5)
    text = paper(chosen, "Midterm")
    key = answer_key(chosen, "Midterm", objectives_of(ROOT))
    for q in chosen:
        assert q["question"].strip().splitlines()[0] in text
        assert q["answer"].strip().splitlines()[0] not in text
        assert q["answer"].strip().splitlines()[0] in key
    assert "Key." not in text
    headings = re.findall(r"^## Question (\d+) \((\d+) points?\)$", text, re.M)
    assert headings == re.findall(r"^## Question (\d+) \((\d+) points?\)$", key, re.M)
    assert [int(n) for n, _ in headings] == list(range(1, len(chosen) + 1))
    assert sum(int(p) for _, p in headings) == 40


def test_the_key_gives_letters_and_values_at_a_glance(bank):
    chosen = draw(bank, [1, 2, 3, 4, 5, 6, 7, 8], 40, seed=5)
    glance = answer_key(chosen, "Midterm", objectives_of(ROOT)).split("## Question 1 ")[0]
    for number, q in enumerate(chosen, 1):
        if q["type"] == "mcq":
            assert f"{number}. {q['correct']}\n" in glance
        elif q["type"] == "numeric":
            assert f"{number}. {q['value']:g} ± {q['tolerance']:g}\n" in glance


def test_the_command_writes_markdown(tmp_path, capsys):
    assert (
        main([str(tmp_path), "--chapters", "1-2", "--points", "12", "--seed", "4", "--no-pdf"]) == 0
    )
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["exam-seed4-key.md", "exam-seed4-paper.md"]
    assert "exam-seed4-paper.md" in capsys.readouterr().out


@pytest.mark.build
def test_the_command_prints_both_pdfs(tmp_path):
    import subprocess

    assert main([str(tmp_path), "--chapters", "2", "--points", "6", "--seed", "1"]) == 0
    for kind in ("paper", "key"):
        pdf = tmp_path / f"exam-seed1-{kind}.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Question 1" in text
        assert ("Key." in text) == (kind == "key")
