"""Figures for the book: every function takes an optional matplotlib ``ax`` and returns it.

This is the only part of xentbook that imports matplotlib. All figures share one
colour-blind-safe style (:mod:`xentbook.plotting._style`) and label their axes with
units. Each chapter's figures live in their own private module, re-exported here.
"""

from ._style import COLORS, LINESTYLES, color, finish_ax, get_ax  # noqa: F401
