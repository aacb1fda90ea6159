"""The one style every figure in the book shares.

Colours are the Okabe-Ito palette, which stays distinguishable under the common
forms of colour blindness; line styles differ too, so figures also read in grey.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

__all__ = ["COLORS", "LINESTYLES", "color", "finish_ax", "get_ax"]

# Okabe & Ito (2008), "Color Universal Design".
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
CYCLE = ["blue", "orange", "green", "vermillion", "sky", "purple", "black"]
LINESTYLES = ["-", "--", "-.", ":"]


def get_ax(ax: Axes | None = None, figsize: tuple[float, float] = (6.0, 3.8)) -> Axes:
    """Return ``ax``, or a fresh axes of the book's default size when it is None."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def finish_ax(ax: Axes, *, xlabel: str, ylabel: str, title: str | None = None, legend: bool = True):
    """Label the axes (with units) and apply the shared look."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False)
    return ax


def color(i: int) -> str:
    """The i-th colour of the shared cycle."""
    return COLORS[CYCLE[i % len(CYCLE)]]
