"""Figures for chapter 7: models of real text, their code lengths and their surprises."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from .._docstrings import fill_docs
from ._style import COLORS, LINESTYLES, color, finish_ax, get_ax

__all__ = ["plot_code_length_race", "plot_order_curves", "plot_text_surprisal"]


def plot_order_curves(
    orders: npt.ArrayLike,
    in_sample: npt.ArrayLike,
    held_out: npt.ArrayLike,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Bits per character of context models against their order, on seen and unseen text.

    Parameters
    ----------
    orders : array_like
        The model orders (context lengths in bytes).
    in_sample, held_out : array_like
        Bits per character of each model on the text it was fitted on, and on
        held-out text.
    %(ax)s

    Examples
    --------
    Context models of orders 0 to 2 on the text they were fitted to and on unseen text:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_order_curves([0, 1, 2], [4.5, 3.4, 2.5], [4.6, 3.5, 2.7])
    >>> ax.get_ylabel()
    'bits per character'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    k = np.asarray(orders)
    held = np.asarray(held_out, dtype=float)
    ax.plot(k, np.asarray(in_sample, dtype=float), "o-", color=color(0), label="in sample")
    ax.plot(k, held, "s--", color=color(1), label="held out")
    best = int(np.argmin(held))
    ax.annotate(
        f"best held-out order: {k[best]}",
        (k[best], held[best]),
        # Above the held-out curve: below it runs the in-sample curve, which would cross the text.
        xytext=(0, 28),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=9,
        arrowprops={"arrowstyle": "->", "color": COLORS["black"]},
    )
    ax.set_xticks(k)
    ax.set_ylim(bottom=0)
    return finish_ax(ax, xlabel="model order (bytes of context)", ylabel="bits per character")


def plot_code_length_race(
    surprisal_bits: npt.ArrayLike,
    others: Mapping[str, tuple[npt.ArrayLike, npt.ArrayLike]],
    *,
    ax: Axes | None = None,
) -> Axes:
    """The running code length of an adaptive model, beside other compressors' sizes.

    Parameters
    ----------
    surprisal_bits : array_like
        The adaptive model's surprisal of each character, in bits; its running sum
        is the code length of the text so far.
    others : mapping of str to (array_like, array_like)
        For each compressor, the prefix lengths (characters) it was run on and its
        output sizes there, in bits.
    %(ax)s

    Examples
    --------
    An adaptive model's running code length beside zlib's sizes at two points of the text:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_code_length_race([8.0, 4.0, 2.0], {"zlib": ([1, 3], [72, 104])})
    >>> ax.get_ylabel()
    'code length (kilobytes)'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    bits = np.asarray(surprisal_bits, dtype=float)
    t = np.arange(1, bits.size + 1)
    ax.plot(t / 1000, np.cumsum(bits) / 8000, color=COLORS["black"], lw=2, label="adaptive model")
    for i, (name, (lengths, sizes)) in enumerate(others.items()):
        ax.plot(
            np.asarray(lengths) / 1000,
            np.asarray(sizes, dtype=float) / 8000,
            marker="o",
            markersize=3,
            linestyle=LINESTYLES[(i + 1) % len(LINESTYLES)],
            color=color(i),
            label=name,
        )
    return finish_ax(ax, xlabel="characters coded (thousands)", ylabel="code length (kilobytes)")


def plot_text_surprisal(
    text: str,
    surprisal_bits: npt.ArrayLike,
    *,
    width: int = 64,
    vmax: float = 12.0,
    ax: Axes | None = None,
) -> Axes:
    """A passage with each character shaded by its surprisal under a model.

    Parameters
    ----------
    text : str
        The passage, one character per surprisal (line breaks start new rows).
    surprisal_bits : array_like
        The surprisal of each character, in bits.
    width : int, optional
        Characters per row before a long line wraps.
    vmax : float, optional
        Surprisal (bits) that gets the darkest shade; larger values are as dark.
    %(ax)s

    Examples
    --------
    The name Alice under a model that finds its first letter the most surprising:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_text_surprisal("Alice", [9.0, 1.0, 0.5, 0.2, 0.1])
    >>> len(ax.texts)
    5
    >>> plt.close(ax.figure)
    """
    bits = np.asarray(surprisal_bits, dtype=float)
    cells = []
    row = col = 0
    for char, b in zip(text, bits, strict=True):
        if char == "\n":
            row, col = row + 1, 0
            continue
        if col == width:
            row, col = row + 1, 0
        cells.append((row, col, char, b))
        col += 1
    rows = row + 1
    ax = get_ax(ax, figsize=(width * 0.12, rows * 0.26 + 0.6))
    cmap = colormaps["Oranges"]
    for r, c, char, b in cells:
        shade = min(b / vmax, 1.0)
        ax.add_patch(Rectangle((c, r), 1, 1, facecolor=cmap(shade), edgecolor="none"))
        ax.text(
            c + 0.5,
            r + 0.5,
            char,
            ha="center",
            va="center",
            family="monospace",
            fontsize=8,
            color="white" if shade > 0.6 else "black",
        )
    ax.set_xlim(0, width)
    ax.set_ylim(rows, 0)
    ax.set_axis_off()
    bar = ax.figure.colorbar(
        ScalarMappable(norm=Normalize(0, vmax), cmap=cmap),
        ax=ax,
        orientation="horizontal",
        fraction=0.08,
        pad=0.04,
    )
    bar.set_label("surprisal (bits)")
    return ax


fill_docs(globals())
