"""Figures for chapter 4: KL divergence as extra bits, Gibbs' inequality and asymmetry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes

from .. import cross_entropy, entropy, kl_divergence
from .._docstrings import fill_docs
from .._elementwise import neg_p_log_p, neg_p_log_q
from ._style import COLORS, annotate, color, finish_ax, get_ax, linestyle, plot_curves

__all__ = [
    "plot_cross_entropy_vs_kl",
    "plot_extra_bits",
    "plot_kl_asymmetry",
    "plot_kl_terms",
    "plot_log_bound",
    "plot_mode_fits",
]


def plot_extra_bits(
    labels: Sequence[str],
    entropy_bits: float,
    cross_entropy_bits: npt.ArrayLike,
    *,
    measured_bits: npt.ArrayLike | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Stacked bars: the entropy H(P) every code must pay, and the KL excess on top.

    Parameters
    ----------
    labels : sequence of str
        One label per code (for instance the language a letter code was built for).
    entropy_bits : float
        H(P) in bits, shared by every bar.
    cross_entropy_bits : array_like
        H(P, Q) in bits for each code; the part above H(P) is KL(P ‖ Q).
    measured_bits : array_like, optional
        Bits per symbol measured with a real coder, drawn as diamonds.
    %(ax)s

    Examples
    --------
    A source P coded with its own code and with one built for Q, beside the bits measured:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_extra_bits(["P", "Q"], 1.75, [1.75, 2.0], measured_bits=[1.76, 2.01])
    >>> ax.get_ylabel()
    'bits per letter'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    h_pq = np.asarray(cross_entropy_bits, dtype=float)
    x = np.arange(len(labels))
    ax.bar(x, np.full_like(h_pq, entropy_bits), color=COLORS["sky"], label="H(P): unavoidable")
    ax.bar(
        x,
        h_pq - entropy_bits,
        bottom=entropy_bits,
        color=COLORS["vermillion"],
        hatch="//",
        edgecolor="white",
        label="KL(P ‖ Q): extra bits",
    )
    if measured_bits is not None:
        ax.plot(
            x,
            np.asarray(measured_bits, dtype=float),
            "D",
            color=COLORS["black"],
            markersize=6,
            label="measured by the arithmetic coder",
        )
    for xi, h in zip(x, h_pq, strict=True):
        annotate(ax, f"+{h - entropy_bits:.3f}", (xi, h), (0, 9), ha="center", va="bottom")
    ax.set_xticks(x, list(labels))
    ax.set_ylim(0, h_pq.max() * 1.45)
    return finish_ax(
        ax,
        xlabel="letter code built for",
        ylabel="bits per letter",
        legend={"loc": "upper left", "ncols": 2, "fontsize": 9},
    )


def plot_kl_terms(
    symbols: Sequence[str],
    p: npt.ArrayLike,
    q: npt.ArrayLike,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Each symbol's share ``p_i log2(p_i / q_i)`` of KL(P ‖ Q), in bits.

    Positive bars are symbols the code for Q makes longer than ideal; negative bars are
    symbols it makes shorter. Their sum, KL(P ‖ Q), is never negative.

    Parameters
    ----------
    symbols : sequence of str
        Labels of the outcomes.
    p, q : array_like
        The true and the model distribution over ``symbols``; ``q`` must be positive
        wherever ``p`` is.
    %(ax)s

    Examples
    --------
    The uniform code on a dyadic source: one symbol too long, two too short.

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_kl_terms("abcd", [0.5, 0.25, 0.125, 0.125], [0.25] * 4)
    >>> [round(float(bar.get_height()), 3) for bar in ax.patches]
    [0.5, 0.0, -0.125, -0.125]
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax, figsize=(7.0, 3.6))
    pa = np.asarray(p, dtype=float)
    qa = np.asarray(q, dtype=float)
    total = float(kl_divergence(pa, qa, base=2))  # also checks p and q
    # The terms of H(P, Q) minus those of H(P), with 0 · log 0 = 0, in bits.
    terms = (neg_p_log_q(pa, qa) - neg_p_log_p(pa)) / np.log(2)
    x = np.arange(len(symbols))
    longer = terms >= 0
    ax.bar(x[longer], terms[longer], color=COLORS["vermillion"], label="codeword too long")
    ax.bar(
        x[~longer],
        terms[~longer],
        color=COLORS["blue"],
        hatch="..",
        edgecolor="white",
        label="codeword shorter than ideal",
    )
    ax.axhline(0, color=COLORS["black"], linewidth=0.8)
    ax.set_xticks(x, list(symbols))
    ax.plot([], [], " ", label=f"sum of all bars = KL = {total:.3f} bits")
    return finish_ax(ax, xlabel="symbol", ylabel="p · log₂(p / q)  (bits)")


def plot_log_bound(*, ax: Axes | None = None) -> Axes:
    """The inequality ln x ≤ x − 1 behind Gibbs' inequality, touching only at x = 1.

    Parameters
    ----------
    %(ax)s

    Examples
    --------
    The curve ln x under the line x − 1, touching it only at x = 1:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_log_bound()
    >>> ax.get_ylabel()
    'value (nats)'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax, figsize=(5.5, 3.6))
    x = np.linspace(0.05, 3.0, 400)
    ax.plot(x, x - 1, color=color(1), linestyle=linestyle(1), label="x − 1")
    ax.plot(x, np.log(x), color=color(0), label="ln x")
    ax.fill_between(x, np.log(x), x - 1, color=COLORS["orange"], alpha=0.15)
    ax.plot([1], [0], "o", color=COLORS["black"])
    ax.annotate(
        "equal only at x = 1",
        (1, 0),
        xytext=(1.35, -1.6),
        arrowprops={"arrowstyle": "->", "color": COLORS["black"]},
    )
    return finish_ax(
        ax,
        xlabel="x = q / p  (a ratio of probabilities)",
        ylabel="value (nats)",
        legend={"loc": "upper left"},
    )


def plot_kl_asymmetry(p: float, *, ax: Axes | None = None) -> Axes:
    """KL(P ‖ Q) and KL(Q ‖ P) in bits for P = Bernoulli(p), as Q = Bernoulli(q) varies.

    Parameters
    ----------
    p : float
        Probability of outcome 1 under the fixed coin P = Bernoulli(p), strictly
        inside (0, 1). P is the truth in the solid curve and the model in the
        dashed one; the dotted line marks q = p, where both are 0.
    %(ax)s

    Examples
    --------
    For P = Bernoulli(0.3), the two directions of KL part as Q moves away from P:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_kl_asymmetry(0.3)
    >>> [line.get_label() for line in ax.get_lines()[:2]]
    ['KL(P ‖ Q): truth first', 'KL(Q ‖ P): swapped']
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    q, P, Q = _coins(p)
    forward = kl_divergence(P, Q, base=2)
    reverse = kl_divergence(Q, P, base=2)
    ax.plot(q, forward, color=color(0), label="KL(P ‖ Q): truth first")
    ax.plot(q, reverse, color=color(1), linestyle=linestyle(1), label="KL(Q ‖ P): swapped")
    ax.axvline(p, color=COLORS["black"], linewidth=0.8, linestyle=":")
    annotate(ax, f"q = p = {p:g}", (p, 2.6), (6, 0), fontsize="medium")
    return _finish_coins(ax, ylabel="divergence (bits)")


def plot_cross_entropy_vs_kl(p: float, *, ax: Axes | None = None) -> Axes:
    """H(P, Q) and KL(P ‖ Q) in bits for Bernoulli P and Q: the same curve, shifted by H(P).

    Parameters
    ----------
    p : float
        Probability of outcome 1 under the fixed truth P, strictly inside (0, 1).
    %(ax)s

    Examples
    --------
    For a fair coin P the two curves are H(P) = 1 bit apart:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_cross_entropy_vs_kl(0.5)
    >>> ax.get_lines()[2].get_label()
    'H(P) = 1.000'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    q, P, Q = _coins(p)
    h = float(entropy(P, base=2))
    ax.plot(q, cross_entropy(P, Q, base=2), color=color(0), label="H(P, Q): cross-entropy")
    ax.plot(
        q, kl_divergence(P, Q, base=2), color=color(2), linestyle=linestyle(1), label="KL(P ‖ Q)"
    )
    ax.axhline(h, color=COLORS["black"], linewidth=0.8, linestyle=":", label=f"H(P) = {h:.3f}")
    ax.annotate(
        "",
        (p, h),
        xytext=(p, 0),
        arrowprops={"arrowstyle": "<->", "color": COLORS["black"]},
    )
    annotate(ax, "gap H(P)\nat every q", (p, h / 2), (6, 0), va="center")
    return _finish_coins(ax, ylabel="bits")


def _coins(p: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A grid of q in (0, 1) that includes p, the coin P = (p, 1 - p) and the coins Q, one a row.

    The grid is dense near both ends, so that curves blowing up there show it.
    """
    edge = np.geomspace(1e-12, 0.01, 120)
    grid = np.concatenate([edge, np.linspace(0.01, 0.99, 500)[1:-1], 1 - edge[::-1]])
    q = np.union1d(grid, [p])
    return q, np.array([p, 1 - p]), np.stack([q, 1 - q], axis=-1)


def _finish_coins(ax: Axes, *, ylabel: str) -> Axes:
    """The shared frame of the two coin figures: q across (0, 1), values up to 3 bits."""
    ax.set_ylim(0, 3)
    ax.set_xlim(0, 1)
    return finish_ax(ax, xlabel="q, the model's probability of outcome 1", ylabel=ylabel)


def plot_mode_fits(
    x: npt.ArrayLike,
    p: npt.ArrayLike,
    fits: Mapping[str, npt.ArrayLike],
    *,
    ax: Axes | None = None,
) -> Axes:
    """A target distribution as bars, with model distributions fitted to it as lines.

    Parameters
    ----------
    x : array_like
        The outcomes (positions on the horizontal axis).
    p : array_like
        The target distribution over ``x``.
    fits : mapping of str to array_like
        Label and distribution of each fitted model.
    %(ax)s

    Examples
    --------
    A target with two modes, and a uniform model spread over it:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_mode_fits([0, 1, 2], [0.5, 0.0, 0.5], {"uniform": [1 / 3] * 3})
    >>> ax.get_ylabel()
    'probability'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    xa = np.asarray(x, dtype=float)
    ax.bar(
        xa,
        np.asarray(p, dtype=float),
        width=(xa[1] - xa[0]) * 0.9,
        color=COLORS["sky"],
        alpha=0.7,
        label="P (bimodal target)",
    )
    plot_curves(ax, xa, fits, first=1)
    return finish_ax(
        ax,
        xlabel="outcome x",
        ylabel="probability",
        legend={"loc": "upper right", "fontsize": 9},
    )


fill_docs(globals())
