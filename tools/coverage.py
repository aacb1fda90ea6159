"""How many problems and exam questions assess each learning objective.

From the root of a clone::

    python -m tools.coverage          # rewrite the table in book/instructor_guide.md
    python -m tools.coverage --check  # only compare; exit 1 if the table is out of date

The counts come from the tags: a problem (a cell tagged ``exercise`` in a chapter's problem
set, ``book/problems/NN_problems.ipynb``) assesses objective ``N.k`` when it is tagged
``objective-N.k``; an exam question when its ``objective:`` is ``"N.k"``. The table sits between
two marker comments in the guide, so the guide stays plain Markdown and the build runs no code.
Both commands also print the problems per chapter and difficulty and the exam questions per
chapter.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from tools._book import cells, chapters, tags
from tools._build import project_root
from tools.exam_bank import load

__all__ = ["GUIDE", "counts", "main", "render", "update"]

GUIDE = Path("book") / "instructor_guide.md"
START = "<!-- objective-coverage: written by `python -m tools.coverage`; do not edit -->"
END = "<!-- end of objective-coverage -->"


def problems(root: Path) -> list[tuple[int, list[str]]]:
    """Each problem of every problem set: its chapter and its cell tags."""
    return [
        (chapter.number, tags(cell))
        for chapter in chapters(root)
        for notebook in chapter.problem_sets
        for cell in cells(notebook)
        if "exercise" in tags(cell)
    ]


def counts(root: Path) -> dict[str, tuple[str, int, int]]:
    """Objective ``N.k`` -> (its text, problems assessing it, exam questions assessing it)."""
    assessed = Counter(
        t.removeprefix("objective-")
        for _, cell_tags in problems(root)
        for t in cell_tags
        if t.startswith("objective-")
    )
    asked = Counter(str(q.get("objective")) for q in load(root))
    return {
        f"{c.number}.{k}": (text, assessed[f"{c.number}.{k}"], asked[f"{c.number}.{k}"])
        for c in chapters(root)
        for k, text in enumerate(c.objectives(), start=1)
    }


def render(root: Path) -> str:
    """The coverage table, between its two marker comments.

    Each objective appears with its wording, copied from the chapter's list (the one place it
    is written), so the table reads on its own.
    """
    header = "| Objective | Chapter | Students can … | Problems | Exam questions |"
    rows = [START, "", header, "| --- | --- | --- | --- | --- |"]
    pages = {
        c.number: c.notebook.relative_to(root / GUIDE.parent).with_suffix("").as_posix()
        for c in chapters(root)
    }
    for key, (text, n_problems, n_questions) in counts(root).items():
        chapter = int(key.split(".")[0])
        link = f"{{doc}}`{chapter} <{pages[chapter]}>`"
        goal = text.rstrip(";.").replace("|", "\\|")
        rows.append(f"| {key} | {link} | {goal} | {n_problems} | {n_questions} |")
    return "\n".join([*rows, "", END])


def update(root: Path, check: bool = False) -> bool:
    """Write (or with ``check`` only compare) the table in the guide; True if it was current."""
    guide = root / GUIDE
    text = guide.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), flags=re.S)
    if not pattern.search(text):
        raise ValueError(f"{guide} has no coverage table: add the two lines {START} and {END}")
    new = pattern.sub(lambda _: render(root), text)
    if not check and new != text:
        guide.write_text(new, encoding="utf-8")
    return new == text


def summary(root: Path) -> str:
    """Problems per chapter and difficulty, exam questions per chapter, uncovered objectives."""
    difficulty = Counter(
        (number, t) for number, cell_tags in problems(root) for t in cell_tags if "difficulty" in t
    )
    questions = Counter(q.get("chapter") for q in load(root))
    lines = []
    for c in chapters(root):
        levels = ", ".join(
            f"★{'★' * (d - 1)} {difficulty[c.number, f'difficulty-{d}']}" for d in (1, 2, 3)
        )
        lines.append(f"chapter {c.number}: problems {levels}; exam questions {questions[c.number]}")
    zero = [key for key, (_, p, q) in counts(root).items() if p + q == 0]
    lines.append(f"objectives assessed by nothing: {', '.join(zero) or 'none'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """The command line: ``python -m tools.coverage [--check]``."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.coverage",
        description=f"Write the per-objective count of problems and exam questions into {GUIDE}.",
    )
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if stale")
    parser.add_argument("--source", type=Path, default=None, help="the project folder")
    args = parser.parse_args(argv)
    try:
        root = project_root(args.source)
        current = update(root, check=args.check)
    except ValueError as exc:
        parser.error(str(exc))
    print(summary(root))
    if args.check and not current:
        print(f"{GUIDE} is out of date: run python -m tools.coverage", file=sys.stderr)
        return 1
    print(f"{GUIDE}: {'up to date' if current else 'table rewritten'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
