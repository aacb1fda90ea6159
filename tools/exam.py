"""Exam papers from the exam bank: a questions-only paper and a separate answer key.

From the root of a clone::

    python -m tools.exam OUT --chapters 1-4 --points 30 --seed 7

writes into ``OUT``

* ``exam-seed7-paper.md`` and ``.pdf``: the questions, numbered, with their points and lettered
  choices, and room to answer; no answers;
* ``exam-seed7-key.md`` and ``.pdf``: the same numbering with each question's key (the correct
  letter, or the value and its tolerance), its objective and the model answer with its marking
  scheme.

The questions are drawn from the chosen chapters so that their points add up to exactly
``--points``, with every chosen chapter represented when the points allow it. The draw depends
only on the bank and the seed: the same seed gives the same paper. Keep both files away from
students until the exam is over.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from tools._build import project_root
from tools.exam_bank import (
    LETTERS,
    bank_parser,
    bank_pdf,
    key_of,
    load,
    objectives_of,
    plain_roles,
    run_command,
    validate,
)

__all__ = ["answer_key", "draw", "main", "paper", "write_exam"]

# Blank lines left for a written answer, per point of a short question.
_LINES_PER_POINT = 3


def draw(questions: list[dict], chapters: list[int], points: int, seed: int) -> list[dict]:
    """Questions from ``chapters`` whose points add up to ``points``, drawn with ``seed``.

    One question of each chapter is drawn first (as many chapters as the total allows), then
    the rest of the total is made up exactly from the remaining questions, in a seeded random
    order.
    The result is in bank order (chapter by chapter).

    Raises
    ------
    ValueError
        If no selection of the chosen chapters' questions adds up to ``points``; the message
        gives the totals that are possible nearby.

    Examples
    --------
    >>> bank = [{"id": f"ch01-q{k}", "chapter": 1, "points": k} for k in (1, 2, 3)]
    >>> [q["id"] for q in draw(bank, [1], 4, seed=0)]
    ['ch01-q1', 'ch01-q3']
    """
    pool = [q for q in questions if q["chapter"] in chapters]
    missing = sorted(set(chapters) - {q["chapter"] for q in pool})
    if missing:
        raise ValueError(f"`--chapters`: the bank has no questions for chapter(s) {missing}")
    rng = random.Random(seed)
    order = rng.sample(pool, len(pool))
    firsts = [next(q for q in order if q["chapter"] == chapter) for chapter in chapters]
    # Represent as many chapters as the total allows: drop representatives from the end.
    for keep in range(len(firsts), -1, -1):
        chosen = firsts[:keep]
        rest = [q for q in order if q not in chosen]
        fill = _subset_with_sum(rest, points - sum(q["points"] for q in chosen))
        if fill is not None:
            break
    else:
        possible = _subset_sums(pool)
        near = sorted(possible, key=lambda total: (abs(total - points), total))[:4]
        raise ValueError(
            f"`--points`: no selection of chapters {chapters}'s questions adds up to {points}; "
            f"try one of {sorted(near)} (at most {max(possible)})"
        )
    picked = {id(q) for q in chosen + fill}
    return [q for q in questions if id(q) in picked]


def _subset_with_sum(items: list[dict], target: int) -> list[dict] | None:
    """The first subset of ``items`` (in their order) whose points add up to ``target``."""
    reach: dict[int, list[dict]] = {0: []}
    for item in items:
        for total, subset in list(reach.items()):
            new = total + item["points"]
            if new <= target and new not in reach:
                reach[new] = [*subset, item]
    return reach.get(target)


def _subset_sums(items: list[dict]) -> set[int]:
    sums = {0}
    for item in items:
        sums |= {total + item["points"] for total in sums}
    return sums - {0}


def _heading(number: int, q: dict) -> str:
    return f"## Question {number} ({q['points']} point{'s' * (q['points'] != 1)})"


def _choices(q: dict) -> list[str]:
    lines = [
        f"- **{letter}.** {choice}" for letter, choice in zip(LETTERS, q["choices"], strict=False)
    ]
    return [*lines, ""]


def paper(questions: list[dict], title: str) -> str:
    """The questions-only paper as Markdown: numbered questions, points, lettered choices."""
    total = sum(q["points"] for q in questions)
    lines = [
        f"# {title}",
        "",
        f"{len(questions)} questions, {total} points. Answer every question. For a multiple-choice "
        "question give one letter; for a numerical question give the number (a calculator is "
        "allowed); for the others, write your answer in the space below the question.",
        "",
    ]
    for number, q in enumerate(questions, 1):
        lines += [_heading(number, q), "", q["question"].strip(), ""]
        if q["type"] == "mcq":
            lines += [*_choices(q), "Your answer (one letter): ______", ""]
        elif q["type"] == "numeric":
            lines += ["Your answer: ____________________", ""]
        else:
            # Empty lines held open by hard breaks; a non-breaking space ends the paragraph,
            # where a last backslash would print as itself.
            space = ["\\"] * (_LINES_PER_POINT * q["points"] - 1) + ["&nbsp;"]
            lines += ["Your answer:", "", *space, ""]
    return plain_roles("\n".join(lines))


def answer_key(questions: list[dict], title: str, objectives: dict[int, list[str]]) -> str:
    """The answer key as Markdown: each question's key, objective and marking scheme."""
    total = sum(q["points"] for q in questions)
    lines = [f"# {title}: answer key", "", f"{len(questions)} questions, {total} points.", ""]
    summary = [
        f"{n}. {key_of(q) or '(marked by the scheme below)'}" for n, q in enumerate(questions, 1)
    ]
    lines += ["**Keys at a glance.**", "", *summary, ""]
    for number, q in enumerate(questions, 1):
        n, k = (int(x) for x in q["objective"].split("."))
        lines += [
            _heading(number, q),
            "",
            f"*{q['id']}, objective {q['objective']}*: {objectives[n][k - 1].rstrip(';.')}.",
            "",
            q["question"].strip(),
            "",
        ]
        lines += _choices(q) if q["type"] == "mcq" else []
        lines += [f"**Key.** {key_of(q)}", ""] if key_of(q) else []
        lines += ["**Model answer and marking.** " + q["answer"].strip(), ""]
    return plain_roles("\n".join(lines))


def write_exam(
    out: Path,
    *,
    chapters: list[int] | None,
    points: int,
    seed: int,
    title: str = "xentbook examination",
    pdf: bool = True,
    source: Path | None = None,
) -> list[Path]:
    """Write the paper and the key (Markdown, and PDF unless ``pdf`` is false); return them.

    ``chapters`` None draws from every chapter of the book.
    """
    root = project_root(source)
    questions = load(root)
    objectives = objectives_of(root)
    errors = validate(questions, objectives)
    if errors:
        raise ValueError("the exam bank is not valid:\n" + "\n".join(errors))
    chosen = draw(questions, chapters or sorted(objectives), points, seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, text in (
        ("paper", paper(chosen, title)),
        ("key", answer_key(chosen, title, objectives)),
    ):
        markdown = out / f"exam-seed{seed}-{kind}.md"
        markdown.write_text(text, encoding="utf-8")
        written.append(markdown)
        if pdf:
            written.append(bank_pdf(text, markdown.with_suffix(".pdf"), title=title))
    return written


def main(argv: list[str] | None = None) -> int:
    """The command line: ``python -m tools.exam OUT --chapters 1-4 --points 30 --seed 7``."""
    parser = bank_parser(
        "python -m tools.exam",
        "Draw an exam from the exam bank: a questions-only paper and a separate answer key, as "
        "Markdown and PDF. The same seed gives the same paper.",
    )
    parser.add_argument("--points", type=int, default=30, help="total points of the paper")
    parser.add_argument("--seed", type=int, default=0, help="the draw's seed")
    parser.add_argument("--title", default="xentbook examination", help="the paper's title")
    parser.add_argument("--no-pdf", action="store_true", help="write the Markdown only")
    args = parser.parse_args(argv)
    return run_command(
        parser,
        lambda: write_exam(
            args.out,
            chapters=args.chapters,
            points=args.points,
            seed=args.seed,
            title=args.title,
            pdf=not args.no_pdf,
            source=args.source,
        ),
    )


if __name__ == "__main__":
    sys.exit(main())
