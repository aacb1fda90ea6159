"""Autograded problem sets: one otter-grader assignment per problem set with coding problems.

From the root of a clone::

    python -m tools.assignments OUT

writes, for every problem set ``NN_problems`` that has an autogradable problem,

* ``OUT/NN_problems/master/``: the otter "master" notebook (otter assign's format: an
  ``ASSIGNMENT CONFIG`` cell, then per problem ``BEGIN QUESTION``, the solution, ``BEGIN
  TESTS``) with ``requirements.txt`` and the ``xentbook`` wheel;
* ``OUT/NN_problems/student/``: what ``otter assign`` hands out: the student notebook, the
  public tests (``tests/``) and the wheel;
* ``OUT/NN_problems/autograder/``: the reference-solution notebook and
  ``NN_problems-autograder_*.zip``, the autograder that Gradescope accepts (it holds the hidden
  tests, and installs ``xentbook`` from the wheel inside the zip, not from the network).

Grade a submission locally, without Docker, with
``otter run -a OUT/NN_problems/autograder/NN_problems-autograder_*.zip submission.ipynb``.

**Which problems.** A problem is picked up from its tags (``kind-computational``) and is
autograded when its reference solution (the first code cell tagged ``solution``) contains a
self-check: the "Test: run unchanged" code of the problem's starter, or a call of a checker on
the student's function (``xb.check.cross_entropy(my_cross_entropy)``, or a checker the problem
set defines). Every computational problem of the book has one. Where a problem also asks for an
experiment or for prose (8.5 fits a temperature and then discusses the split it was fitted on,
8.8 derives the formula that its function computes), the function is autograded and the rest
stays in the problem's marking scheme, marked by hand: the solution's code after the
self-check is not part of the assignment.

**Tests of a problem** (worth 2 points):

* public, 1 point: the self-check, silenced, must pass. Where it is an ``xb.check`` call its
  printed report (the failing input and the specific hint) becomes the failure message;
* hidden, 1 point: the self-check run again on fresh data (each seed in it moved by 1000),
  with every answer function also computed by the reference solution on the same inputs and
  compared, and every answer variable compared with the reference value.

**JupyterLite.** otter's client (``otter.Notebook``, ``grader.check``) cannot be imported in the
site's JupyterLite: otter-grader needs pandas, ipywidgets, ipylab, jupytext, python-on-whales
and more, and the site's offline Pyodide carries only numpy and matplotlib. So the student
notebooks have no otter cell: after each answer cell comes the problem's own self-check, a
plain cell (``xb.check`` or asserts) that runs in JupyterLite, Jupyter and otter alike; the
same code is the public otter test (its file is also in ``student/tests/``).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from tools._book import cells, chapters, source, tags
from tools._build import project_root
from tools.student_edition import SOLUTION_TAG

__all__ = [
    "Problem",
    "build",
    "hidden_test",
    "main",
    "master_notebook",
    "problems",
    "public_test",
    "setup_code",
    "solution_cell",
]

AUTOGRADER_DIR = "/autograder/source/files"  # where Gradescope unpacks the zip's files/
# A self-check call on the student's function: xb.check.entropy(f) or a set's own check_ece(f).
_CHECK_CALL = re.compile(r"^(?:xb\.check\.\w+|check_\w+)\((?P<name>\w+)\)$")
_SEED = re.compile(r"(default_rng\(|seed=)(\d+)")
_STARTER = re.compile(r"^```python\n(?P<code>.*?)^```", re.M | re.S)
_TEST_MARK = "# Test: run unchanged"


@dataclass
class Problem:
    """One autogradable problem: its label, prompt, answer and self-check."""

    label: str
    title: str
    prompt: str  # the exercise's Markdown, without the MyST fence
    answer: str  # the reference solution's code up to the self-check
    check: str  # the self-check code, run unchanged by the student
    names: list[str]  # what the answer must define: functions and variables
    starter: str  # the starter code given in the exercise (may be empty)

    @property
    def question(self) -> str:
        """The otter question name: the label with underscores (a valid file stem)."""
        return self.label.replace("-", "_")


def problems(notebook: Path) -> list[Problem]:
    """The autogradable problems of a problem set, in order (see the module's docstring)."""
    found = []
    notebook_cells = cells(notebook)
    for i, cell in enumerate(notebook_cells):
        if "kind-computational" not in tags(cell):
            continue
        solution = next(
            (source(c) for c in _solution_run(notebook_cells, i + 1) if c["cell_type"] == "code"),
            "",
        )
        problem = _problem(source(cell), solution)
        if problem is not None:
            found.append(problem)
    return found


def _solution_run(notebook_cells: list[dict], start: int) -> list[dict]:
    run = []
    for cell in notebook_cells[start:]:
        if SOLUTION_TAG not in tags(cell):
            break
        run.append(cell)
    return run


def _problem(exercise: str, solution: str) -> Problem | None:
    label = re.search(r"^:label:\s*(\S+)", exercise, flags=re.M)[1]
    title = re.search(r"\{exercise\}\s*(.+)$", exercise, flags=re.M)[1].strip()
    starter_match = _STARTER.search(exercise)
    starter = starter_match["code"] if starter_match else ""
    statements = ast.parse(solution).body
    segments = [ast.get_source_segment(solution, s) for s in statements]
    span = _check_span(starter, statements, segments)
    if span is None:
        return None
    first, last = span
    answer = "\n\n".join(segments[:first])
    names = _defined(statements[:first], starter)
    check = "\n".join(segments[first : last + 1])
    if _TEST_MARK in starter:
        # Keep the starter's own test text (comments included), as the student sees it.
        check = starter[starter.index(_TEST_MARK) :].strip()
    prompt = _prompt(exercise, title, label)
    return Problem(label, title, prompt, answer, check, names, starter.split(_TEST_MARK)[0].strip())


def _check_span(starter: str, statements: list, segments: list[str]) -> tuple[int, int] | None:
    """Indices of the first and last statement of the solution's self-check, or None."""
    if _TEST_MARK in starter:
        test = ast.parse(starter[starter.index(_TEST_MARK) :]).body
        first_text, last_text = ast.unparse(test[0]), ast.unparse(test[-1])
        unparsed = [ast.unparse(s) for s in statements]
        if first_text in unparsed and last_text in unparsed:
            first = unparsed.index(first_text)
            return first, first + unparsed[first:].index(last_text)
    for n, segment in enumerate(segments):
        if _CHECK_CALL.match(segment):
            return n, n
    return None


def _defined(statements: list, starter: str) -> list[str]:
    """Names the student writes: the starter's stub functions (every function if there is no
    starter) and the variables the starter does not give."""
    stubs = {s.name for s in ast.parse(starter).body if isinstance(s, ast.FunctionDef)}
    names = []
    for statement in statements:
        if isinstance(statement, ast.FunctionDef) and (statement.name in stubs or not starter):
            names.append(statement.name)
        elif isinstance(statement, ast.Assign) and ast.unparse(statement) not in _given(starter):
            names += [t.id for t in statement.targets if isinstance(t, ast.Name)]
    return names


def _given(starter: str) -> set[str]:
    """The statements of the starter code, unparsed (so layout does not matter)."""
    return {ast.unparse(s) for s in ast.parse(starter).body} if starter else set()


def _prompt(exercise: str, title: str, label: str) -> str:
    """The exercise as plain Markdown: its title as a heading, without MyST fences."""
    body = re.sub(r"^`{3,}\{exercise\}.*\n", "", exercise, flags=re.M)
    body = re.sub(r"^:label:.*\n", "", body, flags=re.M)
    body = re.sub(r"\n`{4,}\s*$", "", body.rstrip())
    number = re.sub(r"^prob-0*(\d+)-(\d+)$", r"\1.\2", label)
    return f"### Problem {number}: {title}\n\n{body.strip()}\n"


def solution_cell(problem: Problem) -> str:
    """The answer with otter's solution markers: a given statement stays, the rest is hidden.

    A function the student writes keeps its ``def`` line (the student sees the signature and
    ``...``); each run of statements the starter does not give becomes one ``...``.

    Examples
    --------
    >>> from tools.assignments import Problem, solution_cell
    >>> answer = "def double(x):\\n    return 2 * x"
    >>> problem = Problem("prob-01-9", "Double", "", answer, "", ["double"], "")
    >>> print(solution_cell(problem))
    def double(x):
        # BEGIN SOLUTION
        return 2 * x
        # END SOLUTION
    """
    given = _given(problem.starter)
    groups: list[tuple[str, list[str]]] = []  # (kind, texts): "given", "hidden" or "def"
    for statement in ast.parse(problem.answer).body:
        text = ast.get_source_segment(problem.answer, statement)
        if ast.unparse(statement) in given:
            kind = "given"
        elif isinstance(statement, ast.FunctionDef) and statement.name in problem.names:
            head, _, body = text.partition(":\n")
            text = f"{head}:\n    # BEGIN SOLUTION\n{body.rstrip()}\n    # END SOLUTION"
            kind = "def"
        else:
            kind = "hidden"
        if groups and groups[-1][0] == kind != "def":
            groups[-1][1].append(text)
        else:
            groups.append((kind, [text]))
    parts = [
        f"# BEGIN SOLUTION\n{chr(10).join(texts)}\n# END SOLUTION"
        if kind == "hidden"
        else "\n".join(texts)
        for kind, texts in groups
    ]
    return "\n\n\n".join(parts)


def public_test(problem: Problem) -> str:
    """The otter public test: the self-check, its printing captured, must pass."""
    return (
        "import contextlib, io\n"
        "_report = io.StringIO()\n"
        "with contextlib.redirect_stdout(_report):\n"
        f"{textwrap.indent(_as_statement(problem.check), '    ')}\n"
        "assert _passed is not False, _report.getvalue()\n"
    )


def _as_statement(check: str) -> str:
    """The self-check, with a checker's True/False result kept in ``_passed``."""
    if _CHECK_CALL.match(check.strip()):
        return f"_passed = {check.strip()}"
    return f"_passed = None\n{check}"


def hidden_test(problem: Problem, setup: str) -> str:
    """The hidden test: the self-check on fresh seeds, each answer compared with the reference."""
    shifted = _SEED.sub(lambda m: f"{m[1]}{int(m[2]) + 1000}", problem.check)
    reference = f"{setup}\n\n{problem.answer}"
    return (
        "# HIDDEN\n"
        "import contextlib, copy, io\n"
        "import numpy as np\n"
        "_reference = {}\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    exec({reference!r}, _reference)\n"
        "def _same(mine, theirs):\n"
        "    if isinstance(theirs, tuple):\n"
        "        return len(mine) == len(theirs) and all(map(_same, mine, theirs))\n"
        "    return bool(np.allclose(mine, theirs, rtol=1e-7, atol=1e-12, equal_nan=True))\n"
        "def _compared(name, mine):\n"
        "    def call(*args, **kwargs):\n"
        "        theirs = _reference[name](*copy.deepcopy(args), **copy.deepcopy(kwargs))\n"
        "        got = mine(*args, **kwargs)\n"
        "        assert _same(got, theirs), f'{name} differs from the reference'\n"
        "        return got\n"
        "    return call\n"
        f"_names = {problem.names!r}\n"
        "_yours = {n: globals()[n] for n in _names}\n"
        "for _n in _names:\n"
        "    if callable(_yours[_n]):\n"
        "        globals()[_n] = _compared(_n, _yours[_n])\n"
        "    else:\n"
        "        assert _same(_yours[_n], _reference[_n]), f'{_n} differs from the reference'\n"
        "try:\n"
        "    _report = io.StringIO()\n"
        "    with contextlib.redirect_stdout(_report):\n"
        f"{textwrap.indent(_as_statement(shifted), '        ')}\n"
        "    assert _passed is not False, _report.getvalue()\n"
        "finally:\n"
        "    globals().update(_yours)\n"
    )


def setup_code(notebook: Path) -> str:
    """The set's shared code (imports, checkers): its untagged code cells, without glue."""
    parts = []
    for cell in cells(notebook):
        if cell["cell_type"] == "code" and not tags(cell):
            lines = source(cell).splitlines()
            parts.append("\n".join(line for line in lines if "myst_nb" not in line))
    return "\n\n\n".join(parts).strip()


def _cell(kind: str, text: str) -> dict:
    cell = {"cell_type": kind, "metadata": {}, "source": text}
    if kind == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


def master_notebook(name: str, title: str, setup: str, found: list[Problem], wheel: str) -> dict:
    """The otter assign master notebook of one problem set (nbformat 4 JSON)."""
    config = {
        "name": name,
        "requirements": "requirements.txt",
        "files": [wheel],
        "init_cell": False,
        "check_all_cell": False,
        "export_cell": False,
        "run_tests": False,
        "solutions_pdf": False,
        "generate": True,
        "tests": {"files": True},
    }
    nb_cells = [
        _cell("raw", "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)),
        _cell(
            "markdown",
            f"# {title}: autograded problems\n\nWrite each answer in its cell, then run the "
            "self-check below it: it must pass without an error. Your notebook is graded by "
            "the same checks and by hidden ones. What a problem asks beyond its function (an "
            "experiment, an explanation) is marked by hand: answer it in cells of your own "
            "after the self-check.",
        ),
        _cell("code", setup),
    ]
    for problem in found:
        question = {"name": problem.question, "points": [1, 1], "check_cell": False}
        nb_cells += [
            _cell("raw", "# BEGIN QUESTION\n" + yaml.safe_dump(question, sort_keys=False)),
            _cell("markdown", problem.prompt),
            _cell("raw", "# BEGIN SOLUTION"),
            _cell("code", solution_cell(problem)),
            _cell("raw", "# END SOLUTION"),
            _cell("raw", "# BEGIN TESTS"),
            _cell("code", public_test(problem)),
            _cell("code", hidden_test(problem, setup)),
            _cell("raw", "# END TESTS"),
            _cell("raw", "# END QUESTION"),
            _cell("code", problem.check),
        ]
    return {
        "cells": nb_cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def build(out: Path, root: Path) -> dict[str, list[Problem]]:
    """Write every problem set's assignment into ``out``; return the problems of each set."""
    built = {}
    with tempfile.TemporaryDirectory() as tmp:
        wheel = _wheel(root, Path(tmp))
        for chapter in chapters(root):
            for notebook in chapter.problem_sets:
                found = problems(notebook)
                if found:
                    _assign(out / notebook.stem, notebook, found, wheel, chapter.title)
                    built[notebook.stem] = found
    return built


def _wheel(root: Path, into: Path) -> Path:
    """Build the xentbook wheel offline (no build isolation, no index)."""
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    cmd += ["--no-index", "-q", "-w", str(into), str(root)]
    # setuptools reuses build/lib (a removed module would ship again), and the book build
    # would read a left-over build/ folder as pages.
    shutil.rmtree(root / "build", ignore_errors=True)
    subprocess.run(cmd, check=True, cwd=root)
    shutil.rmtree(root / "build", ignore_errors=True)
    return next(into.glob("xentbook-*.whl"))


def _assign(folder: Path, notebook: Path, found: list[Problem], wheel: Path, title: str) -> None:
    master = folder / "master"
    if folder.exists():
        shutil.rmtree(folder)
    master.mkdir(parents=True)
    shutil.copy(wheel, master / wheel.name)
    (master / "requirements.txt").write_text(f"{AUTOGRADER_DIR}/{wheel.name}\n", encoding="utf-8")
    nb = master_notebook(notebook.stem, title, setup_code(notebook), found, wheel.name)
    path = master / f"{notebook.stem}.ipynb"
    path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "otter", "assign", "-v", "--no-pdfs", path.name, str(folder)]
    proc = subprocess.run(cmd, cwd=master, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"otter assign failed for {notebook.name}:\n{proc.stdout}{proc.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.assignments", description=__doc__)
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--source", type=Path, help="the book's project folder")
    args = parser.parse_args(argv)
    built = build(args.out.resolve(), project_root(args.source))
    for name, found in built.items():
        print(f"{name}: {', '.join(p.label for p in found)}")
    print(f"{sum(map(len, built.values()))} problems autograded in {len(built)} assignments")
    return 0


if __name__ == "__main__":
    sys.exit(main())
