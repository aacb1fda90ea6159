"""The one style every figure in the book shares.

Colours are the Okabe-Ito palette, which stays distinguishable under the common
forms of colour blindness; line styles differ too, so figures also read in grey.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes

# Re-exported by xentbook.plotting. The helpers below them (linestyle, plot_curves,
# annotate, mark) serve the figure modules and are not public.
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
    """Return ``ax``, or a fresh axes of the book's default size when it is None.

    Every plotting function starts with this, so it draws into the reader's own
    axes (a subplot of a larger figure, say) or into a figure of its own.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Axes to draw into.
    figsize : tuple of float, optional
        Size in inches of the new figure, used only when ``ax`` is None.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> fig, (left, right) = plt.subplots(1, 2)
    >>> xp.get_ax(left) is left
    True
    >>> new = xp.get_ax()
    >>> new.figure is fig
    False
    >>> plt.close("all")
    """
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def finish_ax(
    ax: Axes,
    *,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    legend: bool | Mapping[str, Any] = True,
) -> Axes:
    """Label the axes (with units), apply the shared look and draw the legend.

    Every plotting function ends with ``return finish_ax(...)``: this is the one
    place where a figure's legend is made.

    Parameters
    ----------
    ax : matplotlib Axes
        The axes to finish.
    xlabel, ylabel : str
        Axis labels; the book's convention is to name the unit, as in "entropy (bits)".
    title : str, optional
        A title, if the figure's caption does not already say it all.
    legend : bool or mapping, optional
        True (the default) draws a frameless legend wherever matplotlib finds room;
        a mapping draws it with these options of ``Axes.legend`` instead (such as
        ``loc``, ``ncols`` or ``fontsize``; ``frameon=True`` brings the frame back);
        False draws none. Nothing is drawn when no artist has a label.

    Returns
    -------
    matplotlib Axes
        ``ax`` itself.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.get_ax()
    >>> _ = ax.plot([0, 1], [1, 0], color=xp.color(0), label="a line")
    >>> ax = xp.finish_ax(ax, xlabel="p", ylabel="surprisal (bits)", legend={"loc": "upper right"})
    >>> ax.get_ylabel(), ax.get_legend() is not None
    ('surprisal (bits)', True)
    >>> plt.close(ax.figure)
    """
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if legend is not False and ax.get_legend_handles_labels()[0]:
        options = {} if legend is True else dict(legend)
        ax.legend(**{"frameon": False, **options})
    return ax


def color(i: int) -> str:
    """The i-th colour of the shared colour-blind-safe cycle, repeating after seven.

    Parameters
    ----------
    i : int
        Position in the cycle: 0 for the first series of a figure, 1 for the second...

    Returns
    -------
    str
        A hex colour.

    Examples
    --------
    >>> from xentbook import plotting as xp
    >>> xp.color(0), xp.color(1), xp.color(7) == xp.color(0)
    ('#0072B2', '#E69F00', True)
    """
    return COLORS[CYCLE[i % len(CYCLE)]]


def linestyle(i: int) -> str:
    """The i-th of the shared line styles, repeating after four: the partner of ``color(i)``."""
    return LINESTYLES[i % len(LINESTYLES)]


def plot_curves(
    ax: Axes,
    x: np.ndarray,
    curves: Mapping[str, npt.ArrayLike],
    *,
    first: int = 0,
    linewidth: float = 2.0,
    taper: float = 0.0,
):
    """One labelled line per named curve over ``x``, in the house colours from ``first``.

    Each later curve is drawn ``taper`` points thinner, so that a curve lying on an
    earlier one leaves the earlier one visible at its edges.
    """
    for i, (label, y) in enumerate(curves.items()):
        ax.plot(
            x,
            np.asarray(y, dtype=float),
            color=color(first + i),
            linestyle=linestyle(first + i),
            linewidth=linewidth - taper * i,
            label=label,
        )


def annotate(ax: Axes, text: str, xy: tuple[float, float], offset: tuple[float, float], **options):
    """Write ``text`` ``offset`` points away from the data point ``xy``, in the book's small type.

    ``options`` go to ``Axes.annotate`` (alignment, weight; ``fontsize`` overrides 9).
    """
    options = {"fontsize": 9, **options}
    return ax.annotate(text, xy, xytext=offset, textcoords="offset points", **options)


def mark(ax: Axes, x: float, y: float, text: str, dot_color: str, offset: tuple[float, float]):
    """A dot at the data point ``(x, y)``, labelled with ``text`` ``offset`` points away."""
    ax.plot([x], [y], "o", color=dot_color, markersize=5)
    annotate(ax, text, (x, y), offset)
