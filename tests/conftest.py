"""Shared test setup: a headless matplotlib, and peers that CI requires rather than skips."""

from __future__ import annotations

import importlib
import os
import sys

import matplotlib
import pytest
from hypothesis import settings

# Figures are drawn off-screen, the same on every machine.
matplotlib.use("Agg")

# No test is timed (timings go to benchmarks/): hypothesis's per-example deadline would
# fail a property on a busy machine, or beside another pytest worker, for no fault of
# the code.
settings.register_profile("xentbook", deadline=None)
settings.load_profile("xentbook")


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test drew, so that figures never pile up across tests."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")  # only tests that drew imported it
    if pyplot is not None:
        pyplot.close("all")


def require(module: str, env: str = "XENTBOOK_REQUIRE_TORCH"):
    """Import an optional peer, or skip cleanly; where ``env`` is set to 1 (CI), fail instead."""
    if os.environ.get(env) == "1":
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"{module} is not installed; pip install {module}")


def notebook_errors(path, cwd) -> list[str]:
    """Run a notebook top to bottom in ``cwd``, as a reader would; return the errors it raised."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    resources = {"metadata": {"path": cwd}}
    NotebookClient(nb, timeout=300, allow_errors=True, resources=resources).execute()
    return [
        f"{path.name} cell {i}: {out.get('ename')}: {out.get('evalue')}"
        for i, cell in enumerate(nb.cells)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]


def drawn_on_given_ax(call):
    """Call ``call(ax)`` on fresh axes; check that it drew there, returned ``ax``, labelled both."""
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert call(ax) is ax
    assert ax.get_xlabel()
    assert ax.get_ylabel()
    return ax


def require_tools(*tools: str) -> None:
    """Skip unless the command-line tools are installed; where XENTBOOK_REQUIRE_BROWSER=1, fail."""
    import shutil

    missing = [t for t in tools if not shutil.which(t)]
    if not missing:
        return
    message = f"{', '.join(missing)} not found: apt-get install chromium poppler-utils"
    if os.environ.get("XENTBOOK_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (XENTBOOK_REQUIRE_BROWSER=1 makes this a failure.)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def book_pdfs(tmp_path_factory):
    """The folder of `python -m tools.pdf`: the PDFs, printed once per session (it is slow)."""
    from tools.pdf import pdfs

    require_tools("chromium", "pdftotext", "pdfimages", "pdftoppm", "pdftohtml")
    out = tmp_path_factory.mktemp("pdf")
    pdfs(out, strict=True)
    return out
