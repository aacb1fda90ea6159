"""Figures for chapter 3: code lengths, the Morse analogy, measured bits and smoothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes

from .._docstrings import fill_docs
from ._style import COLORS, annotate, color, finish_ax, get_ax, linestyle

__all__ = [
    "plot_bits_convergence",
    "plot_code_lengths",
    "plot_morse_vs_surprisal",
    "plot_smoothing_cost",
]

_MARKERS = ["o", "s", "^", "D"]


def plot_code_lengths(
    symbols: Sequence[str],
    ideal_bits: npt.ArrayLike,
    lengths: Mapping[str, npt.ArrayLike],
    *,
    ax: Axes | None = None,
) -> Axes:
    """Ideal code lengths ``-log2 q`` as bars, with the whole-bit lengths of real codes on top.

    Parameters
    ----------
    symbols : sequence of str
        Labels of the outcomes, in the order to draw them.
    ideal_bits : array_like
        The ideal length ``-log2 q_i`` of each symbol, in bits.
    lengths : mapping of str to array_like
        Name and codeword lengths (bits) of each real code, drawn as markers.
    %(ax)s

    Examples
    --------
    A Shannon code's whole-bit lengths on top of the ideal lengths of three letters:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_code_lengths("abc", [1.0, 1.74, 2.32], {"Shannon": [1, 2, 3]})
    >>> ax.get_ylabel()
    'codeword length (bits)'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax, figsize=(7.0, 3.8))
    x = np.arange(len(symbols))
    ideal = np.asarray(ideal_bits, dtype=float)
    ax.bar(x, ideal, color=COLORS["sky"], width=0.75, label="ideal length −log₂ q")
    offsets = np.linspace(-0.18, 0.18, len(lengths)) if len(lengths) > 1 else [0.0]
    for i, ((name, ell), dx) in enumerate(zip(lengths.items(), offsets, strict=True)):
        ax.plot(
            x + dx,
            np.asarray(ell, dtype=float),
            _MARKERS[i % len(_MARKERS)],
            color=color(i + 1) if i else COLORS["black"],
            markersize=5,
            linestyle="none",
            label=name,
        )
    ax.set_xticks(x, list(symbols))
    top = max(float(ideal.max()), *(float(np.max(v)) for v in lengths.values()))
    ax.set_ylim(0, top * 1.25)
    return finish_ax(
        ax,
        xlabel="symbol (most probable first)",
        ylabel="codeword length (bits)",
        legend={"loc": "upper left", "ncols": len(lengths) + 1, "fontsize": 9},
    )


def plot_morse_vs_surprisal(
    symbols: Sequence[str],
    surprisal_bits: npt.ArrayLike,
    morse_units: npt.ArrayLike,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Each letter's Morse duration against its surprisal in English, letters as markers.

    Parameters
    ----------
    symbols : sequence of str
        The letters.
    surprisal_bits : array_like
        Surprisal ``-log2 p`` of each letter in English text, in bits.
    morse_units : array_like
        Duration of each letter's Morse codeword, in dot units.
    %(ax)s

    Examples
    --------
    The letters E and T: the commoner E has the shorter Morse code.

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_morse_vs_surprisal("et", [3.3, 4.2], [1, 3])
    >>> [t.get_text() for t in ax.texts]
    ['E', 'T']
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    s = np.asarray(surprisal_bits, dtype=float)
    d = np.asarray(morse_units, dtype=float)
    slope, intercept = np.polyfit(s, d, 1)
    grid = np.linspace(s.min() - 0.3, s.max() + 0.3, 50)
    ax.plot(
        grid,
        slope * grid + intercept,
        color=COLORS["orange"],
        linestyle=linestyle(1),
        label="least-squares line",
    )
    ax.plot(s, d, "o", color=COLORS["blue"], markersize=4, label="one letter")
    for sym, xi, yi, offset in zip(symbols, s, d, _label_offsets(s, d), strict=True):
        annotate(ax, sym.upper(), (xi, yi), offset, ha="center", va="center", fontweight="bold")
    ax.set_ylim(min(0.0, d.min() - 1), d.max() + 1.5)
    return finish_ax(
        ax,
        xlabel="surprisal of the letter in English (bits)",
        ylabel="Morse duration (dot units)",
        legend={"loc": "upper left"},
    )


def _label_offsets(x: np.ndarray, y: np.ndarray, crowded: float = 0.3) -> list[tuple[int, int]]:
    """Label offsets in points: above each point, alternating below where neighbours crowd it."""
    offsets = [(0, 8)] * len(x)
    for level in np.unique(y):
        row = sorted(np.flatnonzero(y == level), key=lambda i: x[i])
        for k in range(1, len(row)):
            if x[row[k]] - x[row[k - 1]] < crowded and offsets[row[k - 1]] == (0, 8):
                offsets[row[k]] = (0, -9)
    return offsets


def plot_bits_convergence(
    n: npt.ArrayLike,
    running_bits: Mapping[str, npt.ArrayLike],
    references: Mapping[str, float],
    *,
    measured: Mapping[str, tuple[npt.ArrayLike, npt.ArrayLike]] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Bits per symbol against message length (log axis), settling on the cross-entropy.

    Parameters
    ----------
    n : array_like
        Message lengths (the x values of the running curves).
    running_bits : mapping of str to array_like
        Label and bits per symbol of each running curve, e.g. ``-log2 Q(x_1..x_n) / n``.
    references : mapping of str to float
        Label and value (bits per symbol) of each horizontal reference line, such as
        H(P) and H(P, Q).
    measured : mapping of str to (array_like, array_like), optional
        Label, message lengths and bits per symbol measured with a real coder, as markers.
    %(ax)s

    Examples
    --------
    An ideal code's bits per symbol settling on the entropy, 1.75 bits, as the message grows:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_bits_convergence([1, 10, 100], {"ideal": [2.0, 1.8, 1.76]}, {"H(P)": 1.75})
    >>> ax.get_xscale()
    'log'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    na = np.asarray(n, dtype=float)
    for i, (label, bits) in enumerate(running_bits.items()):
        ax.plot(na, np.asarray(bits, dtype=float), color=color(2 * i), linewidth=1.2, label=label)
    _reference_lines(ax, references)
    for i, (label, (mn, mb)) in enumerate((measured or {}).items()):
        ax.plot(
            np.asarray(mn, dtype=float),
            np.asarray(mb, dtype=float),
            "D",
            color=color(2 * i + 1),
            markersize=6,
            label=label,
        )
    ax.set_xscale("log")
    return finish_ax(
        ax,
        xlabel="message length n (letters, log scale)",
        ylabel="bits per letter",
        legend={"loc": "upper right", "fontsize": 9},
    )


def plot_smoothing_cost(
    pseudo_counts: npt.ArrayLike,
    cost_bits: npt.ArrayLike,
    references: Mapping[str, float],
    *,
    ax: Axes | None = None,
) -> Axes:
    """Cross-entropy of a smoothed model against the amount of smoothing (log axis).

    Parameters
    ----------
    pseudo_counts : array_like
        The amount of smoothing: the count added to every symbol, positive.
    cost_bits : array_like
        H(P, Q) of the smoothed model at each pseudo-count, in bits per symbol.
    references : mapping of str to float
        Label and value of horizontal reference lines (bits per symbol).
    %(ax)s

    Examples
    --------
    Cross-entropy at three amounts of smoothing, with the best one marked:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_smoothing_cost([0.1, 1, 10], [4.4, 4.2, 4.3], {"H(P)": 4.1})
    >>> ax.get_lines()[1].get_label()
    'best: 1 per letter'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    a = np.asarray(pseudo_counts, dtype=float)
    c = np.asarray(cost_bits, dtype=float)
    ax.plot(a, c, color=color(0), linewidth=1.8, label="H(P, Q) of the smoothed model")
    best = int(np.argmin(c))
    ax.plot(
        a[best], c[best], "o", color=COLORS["vermillion"], label=f"best: {a[best]:.2g} per letter"
    )
    _reference_lines(ax, references)
    ax.set_xscale("log")
    # The legend goes below the axes: the curve can climb into any corner of the plot.
    below = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.2), "ncols": 2, "fontsize": 9}
    return finish_ax(
        ax,
        xlabel="pseudo-count added to every letter (log scale)",
        ylabel="bits per letter",
        legend=below,
    )


def _reference_lines(ax: Axes, references: Mapping[str, float]) -> None:
    """Thin black horizontal lines at labelled levels, told apart by their dashes."""
    for i, (label, value) in enumerate(references.items()):
        ax.axhline(
            value, color=COLORS["black"], linewidth=0.9, linestyle=linestyle(i + 1), label=label
        )


fill_docs(globals())
