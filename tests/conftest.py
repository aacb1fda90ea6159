"""Shared test setup: a headless matplotlib, and peers that CI requires rather than skips."""

from __future__ import annotations

import importlib
import os

import matplotlib
import pytest

# Figures are drawn off-screen, the same on every machine.
matplotlib.use("Agg")


def require(module: str, env: str = "XENTBOOK_REQUIRE_TORCH"):
    """Import an optional peer, or skip cleanly; where ``env`` is set to 1 (CI), fail instead."""
    if os.environ.get(env) == "1":
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"{module} is not installed; pip install {module}")
