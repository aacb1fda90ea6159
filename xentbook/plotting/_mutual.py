"""Figures for chapter 9: the information between two variables, and how far it reaches."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes

from .._docstrings import fill_docs
from .._mutual import conditional_entropy, joint_entropy, mutual_information
from ._style import COLORS, annotate, finish_ax, get_ax, plot_curves

__all__ = [
    "plot_entropy_bars",
    "plot_information_by_distance",
    "plot_order_bounds",
    "plot_pixel_information",
]


def plot_entropy_bars(
    joint: npt.ArrayLike, *, names: tuple[str, str] = ("X", "Y"), ax: Axes | None = None
) -> Axes:
    """The entropies of a joint distribution as aligned bars, in bits: the chain rule made visible.

    The top bar is H(X, Y), cut into H(X | Y), I(X; Y) and H(Y | X). Below it H(X) starts
    at 0 and H(Y) ends at H(X, Y); they overlap exactly by I(X; Y). Read along a row,
    H(X) followed by the last piece of the top bar, H(Y | X), fills H(X, Y): the chain rule
    H(X, Y) = H(X) + H(Y | X).

    Parameters
    ----------
    joint : array_like
        A joint distribution, ``joint[i, j] = P(X = i, Y = j)`` (see ``xb.mutual_information``).
    names : tuple of two str, optional
        The names of the row and the column variable, used in the labels.
    %(ax)s

    Examples
    --------
    A fair bit sent through a channel that flips it 10% of the time, and what comes out:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_entropy_bars([[0.45, 0.05], [0.05, 0.45]])
    >>> ax.get_xlabel()
    'bits'
    >>> plt.close(ax.figure)
    """
    x, y = names
    h_xy = float(joint_entropy(joint, base=2))
    h_x_y = float(conditional_entropy(joint, given="y", base=2))
    h_y_x = float(conditional_entropy(joint, given="x", base=2))
    info = float(mutual_information(joint, base=2))
    ax = get_ax(ax, figsize=(7.0, 3.2))
    pieces = {
        f"H({x} | {y})": (0.0, h_x_y, COLORS["sky"]),
        f"I({x}; {y})": (h_x_y, info, COLORS["green"]),
        f"H({y} | {x})": (h_x_y + info, h_y_x, COLORS["orange"]),
    }
    rows = {
        f"H({x}, {y})": list(pieces.items()),
        f"H({x})": [(f"H({x})", (0.0, h_x_y + info, COLORS["blue"]))],
        f"H({y})": [(f"H({y})", (h_x_y, info + h_y_x, COLORS["vermillion"]))],
    }
    for row, bars in enumerate(rows.values()):
        for label, (left, width, colour) in bars:
            ax.barh(row, width, left=left, height=0.6, color=colour, edgecolor="white")
            # White type on the two dark bars, black on the light ones, for contrast.
            ink = "white" if colour in (COLORS["blue"], COLORS["vermillion"]) else "black"
            text = f"{label}\n{width:.2f}"
            if width < 0.15 * h_xy:  # too narrow to hold its label: write it above the bar
                annotate(ax, text, (left + width / 2, row - 0.3), (0, 2), ha="center", va="bottom")
            else:
                centre = (left + width / 2, row)
                annotate(ax, text, centre, (0, 0), ha="center", va="center", color=ink)
    # The edges of I(X; Y), from the top bar down (not through a label written above it).
    edges = [h_x_y, h_x_y + info]
    ax.vlines(edges, -0.3, len(rows) - 0.5, color=COLORS["black"], linestyle=":", linewidth=1)
    ax.set_yticks(range(len(rows)), list(rows))
    ax.set_ylim(len(rows) - 0.5, -1.0)  # top row first, with room above it for a label
    ax.set_xlim(0, h_xy * 1.02)
    return finish_ax(ax, xlabel="bits", ylabel="entropy", legend=False)


def plot_information_by_distance(
    distances: npt.ArrayLike,
    information: npt.ArrayLike,
    *,
    baseline: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Mutual information between two symbols of a sequence against their distance (log axes).

    Parameters
    ----------
    distances : array_like
        The distances d between the two positions, t and t + d.
    information : array_like
        I(X_t; X_{t+d}) at each distance, in bits.
    baseline : float, optional
        The same estimate for a shuffled text, where the true value is 0: the bias of the
        plug-in estimate, drawn as a dashed line.
    %(ax)s

    Examples
    --------
    Information that fades with distance, above the bias measured on a shuffled text:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_information_by_distance([1, 10, 100], [0.9, 0.1, 0.03], baseline=0.02)
    >>> ax.get_xscale(), ax.get_yscale()
    ('log', 'log')
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    d = np.asarray(distances, dtype=float)
    info = np.asarray(information, dtype=float)
    ax.plot(d, info, "o-", color=COLORS["blue"], markersize=4, label="measured")
    if baseline is not None:
        ax.axhline(
            baseline, color=COLORS["orange"], linestyle="--", label="shuffled text (the bias)"
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    return finish_ax(
        ax,
        xlabel="distance d between the two characters (log scale)",
        ylabel=r"$I(X_t;\, X_{t+d})$ (bits)",
        legend={"loc": "upper right"},
    )


def plot_pixel_information(
    information: npt.ArrayLike, *, unit: str = "bits", ax: Axes | None = None
) -> Axes:
    """The information each pixel carries about the label, drawn as an image.

    The pixel with the most information is outlined.

    Parameters
    ----------
    information : array_like, shape (rows, columns)
        I(pixel; label) of each pixel, in ``unit``, laid out as the image.
    unit : str, optional
        The unit of ``information``, shown on the colour bar. Default 'bits'.
    %(ax)s

    Examples
    --------
    An 8 × 8 grid of made-up values, the largest in the bottom right corner:

    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_pixel_information(np.arange(64.0).reshape(8, 8) / 64)
    >>> ax.get_images()[0].get_array().shape
    (8, 8)
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax, figsize=(4.6, 3.8))
    info = np.asarray(information, dtype=float)
    image = ax.imshow(info, cmap="viridis", vmin=0, origin="upper")
    bar = ax.figure.colorbar(image, ax=ax)
    bar.set_label(f"I(pixel; label) ({unit})")
    row, col = np.unravel_index(int(np.argmax(info)), info.shape)
    ax.plot(col, row, "s", markersize=15, markerfacecolor="none", color="black", markeredgewidth=2)
    ax.set_xticks(range(info.shape[1]))
    ax.set_yticks(range(info.shape[0]))
    ax = finish_ax(ax, xlabel="pixel column", ylabel="pixel row", legend=False)
    ax.grid(False)
    return ax


def plot_order_bounds(
    orders: npt.ArrayLike, curves: Mapping[str, npt.ArrayLike], *, ax: Axes | None = None
) -> Axes:
    """Estimates of the conditional entropy H(X_t | k previous symbols) against k, in bits.

    Parameters
    ----------
    orders : array_like
        The context lengths k.
    curves : mapping of str to array_like
        Name and value (bits per character) of each estimate, one value per order: for
        example the held-out cross-entropy of an order-k model (an upper bound) and the
        plug-in conditional entropy of the counts (biased low).
    %(ax)s

    Examples
    --------
    A held-out estimate of the conditional entropy, falling as the context grows:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_order_bounds([0, 1, 2], {"held out": [4.6, 3.5, 2.7]})
    >>> ax.get_ylabel()
    'bits per character'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    k = np.asarray(orders)
    plot_curves(ax, k, curves, taper=0.3)
    for line in ax.get_lines():
        line.set_marker("o")
        line.set_markersize(4)
    ax.set_xticks(k)
    ax.set_ylim(bottom=0)
    return finish_ax(
        ax,
        xlabel="context length k (characters)",
        ylabel="bits per character",
        legend={"loc": "lower left"},
    )


fill_docs(globals())
