"""Every book tool is one command that runs from the root of a clone, and what the tools give
readers runs with the README's install."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("module", "promise"),
    [
        ("tools.student_edition", "OUT/notebooks/"),
        ("tools.pdf", "xentbook-instructor.pdf"),
        ("tools.instructor_pack", "instructor-pack/"),
        ("tools.coverage", "--check"),
    ],
)
def test_each_tool_is_a_command(module, promise):
    proc = subprocess.run(
        [sys.executable, "-m", module, "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    assert f"python -m {module}" in proc.stdout
    assert promise in " ".join(proc.stdout.split())


def test_the_readme_documents_every_tool():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [p for p in (ROOT / "tools").glob("*.py") if "\ndef main(" in p.read_text()]
    assert len(commands) >= 4
    for tool in commands:
        assert f"python -m tools.{tool.stem}" in readme, tool.name


@pytest.fixture(scope="module")
def readme_venv(tmp_path_factory):
    """A fresh venv holding exactly what the README installs next to a downloaded notebook."""
    tmp = tmp_path_factory.mktemp("readme-venv")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = re.search(r"^pip install xentbook-\*\.whl .*$", readme, flags=re.M)
    assert line, "the README no longer says how to install for a downloaded notebook"
    wheels = tmp / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
    )
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    wheel = [str(w) for w in wheels.glob("xentbook-*.whl")]
    install = line[0].split()[2:]  # what follows `pip install`, the wheel's glob expanded
    install = [a for arg in install for a in (wheel if arg == "xentbook-*.whl" else [arg])]
    subprocess.run([str(python), "-m", "pip", "install", "-q", *install], check=True, cwd=tmp)
    return python


@pytest.mark.build
@pytest.mark.parametrize("notebook", ["05_loss.ipynb", "problems/05_problems.ipynb"])
def test_reader_and_student_copies_run_with_the_readme_install(readme_venv, tmp_path, notebook):
    # What the download button serves (a reader copy) and what a student gets (a reader copy of
    # the notebook without its solutions), run top to bottom where myst_nb is not installed.
    from tools.reader_copy import reader_notebook
    from tools.student_edition import student_notebook

    source = json.loads((ROOT / "book" / notebook).read_text(encoding="utf-8"))
    copies = {
        "download.ipynb": reader_notebook(source),
        "student.ipynb": reader_notebook(student_notebook(source)[0]),
    }
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run = [str(readme_venv), "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute"]
    for name, copy in copies.items():
        (tmp_path / name).write_text(json.dumps(copy), encoding="utf-8")
        proc = subprocess.run(
            [*run, "--output", f"ran-{name}", name],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, f"{notebook} ({name}):\n{proc.stderr[-3000:]}"
    probe = "import importlib.util as u; print(u.find_spec('myst_nb') is None)"
    found = subprocess.run([str(readme_venv), "-c", probe], capture_output=True, text=True)
    assert found.stdout.strip() == "True", "the venv must not hold the book's build machinery"


def test_myst_rewrite_changes_only_the_myst():
    from tools import _myst

    text = (
        "Use `{term}`x`` to write {term}`a\n  term`.\n\n"
        "1. A list item:\n\n   ```{exercise} Title\n   :label: ex-1\n   Body.\n   ```\n"
    )
    found = _myst.elements(text)
    roles = [e for e in found if isinstance(e, _myst.Role)]
    assert [(r.name, r.content.split()) for r in roles] == [("term", ["a", "term"])]
    exercise = next(e for e in found if isinstance(e, _myst.Directive))
    assert (exercise.argument, exercise.options, exercise.body) == (
        "Title",
        {"label": "ex-1"},
        "Body.",
    )

    def render(element):
        if isinstance(element, _myst.Role):
            return " ".join(element.content.upper().split())
        if isinstance(element, _myst.Directive):
            return f"**{element.argument}**\n\n{element.body}"
        return None

    assert _myst.rewrite(text, render) == (
        "Use `{term}`x`` to write A TERM.\n\n1. A list item:\n\n   **Title**\n\n   Body.\n"
    )
