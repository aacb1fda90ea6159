"""Figures for chapters 1 and 2: surprisal, the binary entropy curve, and entropy as an average."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes

from .. import entropy, surprisal
from .._docstrings import fill_docs
from ._style import COLORS, annotate, color, finish_ax, get_ax, linestyle, mark

__all__ = [
    "plot_binary_entropy",
    "plot_entropy_bound",
    "plot_running_entropy",
    "plot_surprisal",
]


def plot_surprisal(*, marks: Mapping[str, float] | None = None, ax: Axes | None = None) -> Axes:
    """Surprisal -log p against the probability p, in bits and in nats.

    Parameters
    ----------
    marks : mapping of str to float, optional
        Events to pick out on the bits curve, as ``{label: probability}``.
    %(ax)s

    Examples
    --------
    The surprisal curves with a fair coin marked: one bit, or ln 2 nats.

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_surprisal(marks={"fair coin": 0.5})
    >>> [line.get_label() for line in ax.get_lines()[:2]]
    ['bits: −log₂ p', 'nats: −ln p']
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    p = np.linspace(0.004, 1, 500)
    ax.plot(p, surprisal(p, base=2), color=color(0), label="bits: −log₂ p")
    ax.plot(p, surprisal(p), color=color(1), linestyle=linestyle(1), label="nats: −ln p")
    for label, prob in (marks or {}).items():
        bits = float(surprisal(prob, base=2))
        mark(ax, prob, bits, f"{label}: {bits:.2f} bits", COLORS["black"], (8, 4))
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 8.2)
    return finish_ax(
        ax, xlabel="probability p of the event", ylabel="surprisal −log p (bits or nats)"
    )


def plot_binary_entropy(
    *, base: float = 2, marks: Mapping[str, float] | None = None, ax: Axes | None = None
) -> Axes:
    """The entropy of a coin that lands 1 with probability p, with its maximum at p = 1/2.

    Parameters
    ----------
    base : float, optional
        Base of the logarithm: 2 (the default) for bits, ``np.e`` for nats.
    marks : mapping of str to float, optional
        Coins to pick out on the curve, as ``{label: probability of 1}``.
    %(ax)s

    Examples
    --------
    A 90/10 coin marked on the curve, below the one bit of a fair coin:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_binary_entropy(marks={"90/10 coin": 0.1})
    >>> ax.get_ylabel()
    'entropy H (bits)'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    unit = _unit(base)
    p = np.linspace(0, 1, 401)
    h = entropy(np.stack([p, 1 - p], axis=-1), base=base)
    peak = float(entropy([0.5, 0.5], base=base))
    ax.plot(p, h, color=color(0), label="H(p) = −p log p − (1 − p) log(1 − p)")
    ax.axvline(0.5, color=COLORS["black"], linewidth=0.8, linestyle=":")
    maximum = f"maximum {peak:.3g} {_singular(unit) if peak == 1 else unit} at p = 1/2"
    annotate(ax, maximum, (0.5, peak), (0, 8), ha="center")
    for label, prob in (marks or {}).items():
        value = float(entropy([prob, 1 - prob], base=base))
        mark(ax, prob, value, f"{label}: {value:.3f} {unit}", COLORS["vermillion"], (8, -4))
    ax.set_xlim(0, 1)
    return _finish_entropy(
        ax, unit, top=peak * 1.22, xlabel="p, the probability of outcome 1", loc="lower center"
    )


def plot_entropy_bound(
    entropies: Mapping[int, npt.ArrayLike], *, base: float = 2, ax: Axes | None = None
) -> Axes:
    """Entropies of many distributions over n outcomes, under the ceiling log n.

    Parameters
    ----------
    entropies : mapping of int to array_like
        For each number of outcomes n, the entropies (in units of ``base``) of some
        distributions over n outcomes.
    base : float, optional
        Base of the logarithm the entropies were computed in: 2 (the default) for
        bits, ``np.e`` for nats.
    %(ax)s

    Examples
    --------
    Entropies of a few distributions over 2 and over 4 outcomes, under the uniform ceiling:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_entropy_bound({2: [0.5, 1.0], 4: [1.5, 1.9]})
    >>> ax.get_lines()[-1].get_label()
    'uniform: log₂ n'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    unit = _unit(base)
    ns = np.array(sorted(entropies), dtype=int)
    for k, n in enumerate(ns):
        h = np.asarray(entropies[n], dtype=float)
        ax.plot(
            np.full(h.shape, n),
            h,
            "o",
            color=color(0),
            alpha=0.18,
            markersize=4,
            markeredgewidth=0,
            label="random distributions" if k == 0 else None,
        )
    grid = np.linspace(ns.min(), ns.max(), 200)
    log_label = "log₂ n" if unit == "bits" else "ln n" if unit == "nats" else "log n"
    ax.plot(
        grid,
        np.log(grid) / np.log(base),
        color=color(1),
        linestyle=linestyle(1),
        label=f"uniform: {log_label}",
    )
    ax.set_xticks(ns)
    return _finish_entropy(ax, unit, top=None, xlabel="number of outcomes n", loc="lower right")


def plot_running_entropy(
    surprisals: npt.ArrayLike,
    entropy_value: float,
    *,
    base: float = 2,
    ax: Axes | None = None,
) -> Axes:
    """Running averages of sampled surprisals settling on the entropy.

    Parameters
    ----------
    surprisals : array_like
        Surprisals of successive draws: one run as a 1-D array, or several runs as
        the rows of a 2-D array.
    entropy_value : float
        The entropy H the averages should approach, in the same unit.
    base : float, optional
        Base of the logarithm the surprisals were computed in: 2 (the default) for
        bits, ``np.e`` for nats. It only names the unit on the axis and in the legend.
    %(ax)s

    Examples
    --------
    Two runs of sampled surprisals settling towards the entropy, 1.75 bits:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_running_entropy([[1, 2, 3, 3], [1, 1, 2, 1]], 1.75)
    >>> len(ax.get_lines())
    3
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    unit = _unit(base)
    runs = np.atleast_2d(np.asarray(surprisals, dtype=float))
    n = np.arange(1, runs.shape[1] + 1)
    means = np.cumsum(runs, axis=1) / n
    for k, run in enumerate(means):
        label = f"run {k + 1}" if len(means) > 1 else "running average"
        ax.plot(n, run, color=color(k), linewidth=1.1, alpha=0.9, label=label)
    ax.axhline(
        entropy_value,
        color=COLORS["black"],
        linewidth=1.2,
        linestyle=linestyle(1),
        label=f"H = {entropy_value:.3g} {unit}",
    )
    ax.set_xscale("log")
    ax.set_xlim(1, n[-1])
    return finish_ax(
        ax,
        xlabel="number of draws n",
        ylabel=f"average surprisal ({unit})",
        legend={"loc": "upper right", "ncols": 2, "fontsize": 9},
    )


def _finish_entropy(ax: Axes, unit: str, *, top: float | None, xlabel: str, loc: str) -> Axes:
    """The shared frame of the two entropy figures: entropy in ``unit`` from 0 up to ``top``."""
    ax.set_ylim(0, top)
    return finish_ax(ax, xlabel=xlabel, ylabel=f"entropy H ({unit})", legend={"loc": loc})


def _unit(base: float) -> str:
    """The name of the unit of information for a logarithm ``base``."""
    if base == 2:
        return "bits"
    if np.isclose(base, np.e):
        return "nats"
    return f"base-{base:g} units"


def _singular(unit: str) -> str:
    """'bit' for 'bits', 'nat' for 'nats': for labels that show exactly one unit."""
    return unit[:-1] if unit in ("bits", "nats") else unit


fill_docs(globals())
