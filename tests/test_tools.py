"""Every book tool is one command that runs from the root of a clone."""

from __future__ import annotations

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
