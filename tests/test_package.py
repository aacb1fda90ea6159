"""Tests for the package surface: the flat API, and what `import xentbook` loads."""

from __future__ import annotations

import subprocess
import sys

import pytest

import xentbook as xb


def _modules_after_import() -> set[str]:
    code = "import sys, xentbook; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_import_xentbook_does_not_import_matplotlib():
    modules = _modules_after_import()
    assert not any(m == "matplotlib" or m.startswith("matplotlib.") for m in modules)


def test_rarely_used_modules_load_on_first_use():
    modules = _modules_after_import()
    for lazy in ("xentbook.check", "xentbook._coding", "xentbook.data", "xentbook._models"):
        assert lazy not in modules
    assert "xentbook._losses" in modules


def test_every_public_name_resolves():
    for name in xb.__all__:
        assert getattr(xb, name) is not None, name
    assert sorted(xb.__all__) == xb.__all__
    assert set(xb.__all__) <= set(dir(xb))


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_function"):
        xb.no_such_function  # noqa: B018
