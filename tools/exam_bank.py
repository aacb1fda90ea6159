"""The exam bank: questions kept off the public site, in ``instructor/exam_bank/chNN.yml``.

Each file is a YAML list of questions (the format is described in the book's contributing
page)::

    - id: ch04-q2           # chNN-qK, unique across the bank
      chapter: 4
      objective: "4.2"      # the k-th item of chapter 4's "Learning objectives" list
      type: mcq             # short, numeric or mcq
      question: |
        Markdown, $...$ math allowed.
      choices: [...]        # mcq only: two or more
      answer: |
        Markdown: the model answer, with a marking scheme for short questions.
      points: 2
      correct: B            # mcq only: the letter of the correct choice
      value: 0.25           # numeric only: the expected value...
      tolerance: 0.001      # ...and the absolute tolerance a grader accepts

This module reads and checks the bank and writes it as one Markdown page. The instructor pack
(:mod:`tools.instructor_pack`) prints that page to PDF. Nothing here is built into the site.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path

import yaml

from tools._book import chapters
from tools._build import build, print_pdf

__all__ = [
    "LETTERS",
    "TYPES",
    "bank_files",
    "bank_pdf",
    "key_of",
    "load",
    "objectives_of",
    "parse_chapters",
    "plain_roles",
    "run_command",
    "to_markdown",
    "validate",
]

TYPES = ("short", "numeric", "mcq")
BANK = Path("instructor") / "exam_bank"
_FIELDS = {
    "id",
    "chapter",
    "objective",
    "type",
    "question",
    "answer",
    "points",
    "choices",
    "correct",
    "value",
    "tolerance",
}
_MACHINE = {"mcq": {"correct"}, "numeric": {"value", "tolerance"}, "short": set()}
LETTERS = "ABCDEFGHIJ"
# An answer names a choice by its letter, as the paper prints it, never by its position.
_POSITION = re.compile(r"\bthe (?:first|second|third|fourth|fifth|last)(?: choice)?[.:]", re.I)


def bank_files(root: Path) -> list[Path]:
    """The bank's files under ``root``, in chapter order."""
    return sorted((root / BANK).glob("ch*.yml"))


def load(root: Path) -> list[dict]:
    """Every question of the bank under ``root``, each with the file it came from in ``_file``."""
    questions = []
    for path in bank_files(root):
        for question in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            questions.append({**question, "_file": path.name})
    return questions


def validate(questions: list[dict], objectives: dict[int, list[str]]) -> list[str]:
    """Everything wrong with the bank, one message per problem (an empty list when valid).

    Parameters
    ----------
    questions : list of dict
        As returned by :func:`load`.
    objectives : dict of int to list of str
        Each chapter's learning objectives, objective ``N.k`` at ``objectives[N][k - 1]``.

    Examples
    --------
    >>> good = {
    ...     "id": "ch01-q1",
    ...     "chapter": 1,
    ...     "objective": "1.1",
    ...     "type": "short",
    ...     "question": "Why?",
    ...     "answer": "Because.",
    ...     "points": 2,
    ...     "_file": "ch01.yml",
    ... }
    >>> validate([good], {1: ["say why"]})
    []
    >>> validate([{**good, "type": "mcq", "objective": "1.2"}], {1: ["say why"]})
    ['ch01-q1: objective 1.2 is not in chapter 1 (1 objectives)',
     'ch01-q1: an mcq needs `choices`: a list of two or more']
    >>> validate([{**good, "type": "numeric", "answer": "2 bits", "value": 2}], {1: ["say why"]})
    ['ch01-q1: a numeric question needs `tolerance`: a number, 0 or more']
    """
    errors = []
    seen = set()
    for q in questions:
        name = q.get("id", f"a question in {q.get('_file')}")
        missing = {"id", "chapter", "objective", "type", "question", "answer", "points"} - set(q)
        errors += [f"{name}: no `{key}`" for key in sorted(missing)]
        errors += [f"{name}: unknown field `{key}`" for key in sorted(set(q) - _FIELDS - {"_file"})]
        if name in seen:
            errors.append(f"{name}: the id is used twice")
        seen.add(name)
        chapter = q.get("chapter")
        if not isinstance(chapter, int):
            errors.append(f"{name}: `chapter` must be the chapter's number, not {chapter!r}")
        elif not re.fullmatch(rf"ch{chapter:02d}-q\d+", str(name)):
            errors.append(f"{name}: the id must be ch{chapter:02d}-qK for chapter {chapter}")
        elif q.get("_file", f"ch{chapter:02d}.yml") != f"ch{chapter:02d}.yml":
            errors.append(f"{name}: chapter {chapter} belongs in ch{chapter:02d}.yml")
        errors += _objective_errors(name, chapter, q.get("objective"), objectives)
        errors += _type_errors(name, q)
        if not isinstance(q.get("points"), int) or isinstance(q.get("points"), bool):
            errors.append(f"{name}: `points` must be a whole number")
        elif q["points"] < 1:
            errors.append(f"{name}: `points` must be at least 1")
        for key in ("question", "answer"):
            if key in q and not (isinstance(q[key], str) and q[key].strip()):
                errors.append(f"{name}: `{key}` must be non-empty Markdown text")
    return errors


def _objective_errors(name: str, chapter, objective, objectives: dict) -> list[str]:
    match = re.fullmatch(r"(\d+)\.(\d+)", objective) if isinstance(objective, str) else None
    if not match:
        return [f'{name}: `objective` must be a quoted "N.k", not {objective!r}']
    n, k = int(match[1]), int(match[2])
    if n != chapter:
        return [f"{name}: objective {objective} is not from its chapter {chapter}"]
    listed = objectives.get(n, [])
    if not 1 <= k <= len(listed):
        return [f"{name}: objective {objective} is not in chapter {n} ({len(listed)} objectives)"]
    return []


def _type_errors(name: str, q: dict) -> list[str]:
    kind = q.get("type")
    if kind not in TYPES:
        return [f"{name}: `type` must be one of {', '.join(TYPES)}, not {kind!r}"]
    choices = q.get("choices")
    if kind == "mcq":
        if not (isinstance(choices, list) and len(choices) >= 2):
            return [f"{name}: an mcq needs `choices`: a list of two or more"]
        if len(set(map(str, choices))) != len(choices):
            return [f"{name}: two choices are the same"]
    elif choices is not None:
        return [f"{name}: only an mcq has `choices`"]
    if kind == "numeric" and not re.search(r"\d", str(q.get("answer", ""))):
        return [f"{name}: a numeric answer must give the value (and its tolerance)"]
    return _machine_errors(name, kind, q)


def _machine_errors(name: str, kind: str, q: dict) -> list[str]:
    """The machine-readable answer: a choice's letter, or a value with its tolerance."""
    errors = [
        f"{name}: only {'an mcq' if key == 'correct' else 'a numeric question'} has `{key}`"
        for key in sorted({"correct", "value", "tolerance"} - _MACHINE[kind])
        if key in q
    ]
    correct = q.get("correct")
    if kind == "mcq" and not (isinstance(correct, str) and correct in LETTERS[: len(q["choices"])]):
        errors.append(f"{name}: an mcq needs `correct`: the letter of the right choice")
    if kind == "numeric":
        if not _is_number(q.get("value")):
            errors.append(f"{name}: a numeric question needs `value`: a number")
        if not (_is_number(q.get("tolerance")) and q["tolerance"] >= 0):
            errors.append(f"{name}: a numeric question needs `tolerance`: a number, 0 or more")
    if (
        kind == "mcq"
        and isinstance(correct, str)
        and not re.match(rf"{correct}[.:] ", str(q.get("answer", "")))
    ):
        errors.append(f"{name}: an mcq answer must start with its letter, {correct}")
    if _POSITION.search(str(q.get("answer", ""))):
        errors.append(f"{name}: name the choice by its letter, not its position")
    return errors


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def objectives_of(root: Path) -> dict[int, list[str]]:
    """Each numbered chapter's learning objectives, by chapter number."""
    return {chapter.number: chapter.objectives() for chapter in chapters(root)}


def parse_chapters(text: str) -> list[int]:
    """Chapter numbers from a list such as ``"1-4,7"``.

    Examples
    --------
    >>> parse_chapters("1-3,7")
    [1, 2, 3, 7]
    >>> parse_chapters("2, 2")
    [2]
    """
    numbers = set()
    for part in text.replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise ValueError(f"`--chapters` must look like 1-4,7, not {text!r}")
        numbers.update(range(int(first), int(last or first) + 1))
    return sorted(numbers)


def bank_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """A command line over the bank: ``OUT``, ``--chapters 1-4,7`` (default: all), ``--source``."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("out", type=Path, metavar="OUT", help="output folder")
    parser.add_argument(
        "--chapters", type=_chapters, default=None, help="only these chapters, e.g. 1-4,7 (all)"
    )
    parser.add_argument("--source", type=Path, default=None, help="the project folder")
    return parser


def _chapters(text: str) -> list[int]:
    try:
        return parse_chapters(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run_command(parser: argparse.ArgumentParser, write) -> int:
    """Run ``write()`` for a command line: print the files it wrote, or its error as usage."""
    try:
        written = write()
    except ValueError as exc:
        parser.error(str(exc))
    for path in written:
        print(path)
    return 0


def key_of(q: dict) -> str:
    """The machine-readable answer as a grader reads it: "C", "0.25 ± 0.001", or ""."""
    if q["type"] == "mcq":
        return q["correct"]
    if q["type"] == "numeric":
        return f"{q['value']:g} ± {q['tolerance']:g}"
    return ""


def to_markdown(questions: list[dict], root: Path) -> str:
    """The bank as one Markdown page (MyST, ``$...$`` math), grouped by chapter."""
    titles = {c.number: c.title for c in chapters(root)}
    objectives = objectives_of(root)
    lines = [
        "# Exam bank",
        "",
        "For instructors only: do not publish. Each question gives its chapter, the learning "
        "objective it assesses, its type and its points, then the model answer.",
        "",
    ]
    for number in sorted({q["chapter"] for q in questions}):
        lines += [f"## Chapter {number}: {titles.get(number, '')}".rstrip(": "), ""]
        for q in (q for q in questions if q["chapter"] == number):
            n, k = (int(x) for x in q["objective"].split("."))
            goal = objectives.get(n, [])[k - 1] if k <= len(objectives.get(n, [])) else ""
            lines += [
                f"### {q['id']} ({q['type']}, {q['points']} point{'s' * (q['points'] != 1)})",
                "",
                f"*Objective {q['objective']}*: {goal}",
                "",
                q["question"].strip(),
                "",
            ]
            for letter, choice in zip("ABCDEFGHIJ", q.get("choices") or [], strict=False):
                lines.append(f"- **{letter}.** {choice}")
            if q.get("choices"):
                lines.append("")
            lines += [f"**Key.** {key_of(q)}", ""] if key_of(q) else []
            lines += ["**Answer.** " + q["answer"].strip(), ""]
    return plain_roles("\n".join(lines))


def plain_roles(markdown: str) -> str:
    """MyST roles as their text: a page of the bank is built without the book's glossary.

    Examples
    --------
    >>> plain_roles("the {term}`cross-entropy` and {term}`bits <bit>`")
    'the cross-entropy and bits'
    """
    return re.sub(r"\{[a-z:-]+\}`([^`<]*?)\s*(?:<[^>]*>)?`", r"\1", markdown)


_PDF_CONFIG = """\
title: {title}
author: The xentbook authors
only_build_toc_files: true
execute:
  execute_notebooks: "off"
parse:
  myst_enable_extensions: [amsmath, colon_fence, dollarmath]
sphinx:
  extra_extensions: [sphinx-mathjax-offline]
"""


def bank_pdf(markdown: str, pdf: Path, *, title: str) -> Path:
    """Print one Markdown page (MyST, ``$...$`` math) to ``pdf`` as a one-page book.

    The page is built strictly, on its own, so nothing of it reaches the site.
    """
    with tempfile.TemporaryDirectory(prefix="xentbook-exam-") as tmp:
        project = Path(tmp)
        config = _PDF_CONFIG.format(title=json.dumps(title))
        (project / "_config.yml").write_text(config, encoding="utf-8")
        (project / "_toc.yml").write_text("format: jb-book\nroot: page\n", encoding="utf-8")
        (project / "page.md").write_text(markdown, encoding="utf-8")
        site = build(project, project, builder="singlehtml", strict=True)
        return print_pdf(site / "page.html", Path(pdf))
