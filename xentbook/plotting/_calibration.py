"""Figures for chapter 8: proper scoring rules, calibration and the focal loss."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes

from .. import (
    binary_cross_entropy_with_logits,
    cross_entropy,
    expected_calibration_error,
    reliability_curve,
    sigmoid,
    sigmoid_focal_loss,
)
from .._docstrings import fill_docs
from ._style import COLORS, LINESTYLES, color, finish_ax, get_ax

__all__ = ["plot_expected_scores", "plot_focal_loss", "plot_reliability_diagram"]


def plot_reliability_diagram(
    target: npt.ArrayLike,
    probs: npt.ArrayLike,
    *,
    bins: int = 15,
    label: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Reliability diagram: the accuracy of each confidence bin against its confidence.

    Bars show the accuracy of the examples in each of ``bins`` equal-width
    confidence bins; a dot marks the mean confidence in that bin, and the number
    above each bar is how many examples it holds. A calibrated model has every bar
    up to the diagonal; bars below it are overconfident, bars above it
    underconfident. The legend gives the expected calibration error.

    Parameters
    ----------
    target : array_like of int
        True class of each example.
    probs : array_like
        Predicted distributions along the last axis, shape ``(n, K)``.
    bins : int, optional
        Number of confidence bins over [0, 1]. Default 15.
    label : str, optional
        Name of the model, put before the ECE in the legend.
    %(ax)s

    See Also
    --------
    xentbook.reliability_curve, xentbook.expected_calibration_error

    Examples
    --------
    A model that says 90% for class 0 on ten examples, of which six are class 0: its
    confidence exceeds its accuracy by 0.3.

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> probs = [[0.9, 0.1]] * 10
    >>> ax = xp.plot_reliability_diagram([0] * 6 + [1] * 4, probs, bins=10)
    >>> [round(float(bar.get_height()), 2) for bar in ax.patches]
    [0.6]
    >>> ax.get_legend().get_texts()[0].get_text()
    'accuracy (ECE = 0.300)'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax, figsize=(4.6, 4.2))
    curve = reliability_curve(target, probs, bins=bins)
    ece = expected_calibration_error(target, probs, bins=bins)
    edges = np.linspace(0.0, 1.0, bins + 1)
    width = 1.0 / bins
    filled = curve.count > 0
    name = f"{label}: accuracy" if label else "accuracy"
    bars = ax.bar(
        edges[:-1][filled],
        curve.accuracy[filled],
        width=width,
        align="edge",
        color=color(0),
        alpha=0.75,
        edgecolor="white",
        label=f"{name} (ECE = {ece:.3f})",
    )
    (dots,) = ax.plot(
        curve.confidence[filled],
        curve.confidence[filled],
        "o",
        ms=4,
        color=COLORS["vermillion"],
        label="mean confidence",
    )
    (diagonal,) = ax.plot(
        [0, 1], [0, 1], color=COLORS["black"], lw=0.8, ls=LINESTYLES[1], label="calibrated"
    )
    tops = zip(edges[:-1][filled], curve.accuracy[filled], curve.count[filled], strict=True)
    for left, acc, n in tops:
        ax.text(left + width / 2, acc + 0.01, str(int(n)), ha="center", va="bottom", fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.08)
    ax.set_aspect("equal")
    finish_ax(
        ax,
        xlabel="confidence (largest probability)",
        ylabel="accuracy (fraction right)",
        legend=False,
    )
    ax.legend(handles=[bars, dots, diagonal], frameon=False, loc="upper left", fontsize=9)
    return ax


def plot_expected_scores(p: float, *, ax: Axes | None = None) -> Axes:
    """Expected log loss, Brier score and error rate of reporting q when the truth is p.

    One binary event happens with probability ``p``; a forecaster reports ``q``.
    The figure plots each expected penalty against ``q``: the log loss
    :math:`H(p, q)` (nats) and the two-class Brier score are least exactly at
    ``q = p``, while the error rate of the predicted class is flat on each side
    of 0.5, so it cannot tell an honest ``q`` from any other on the same side.

    Parameters
    ----------
    p : float
        The true probability of the event, in (0, 1).
    %(ax)s

    Examples
    --------
    When the truth is p = 0.7, the expected log loss is least for the honest report q = 0.7:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_expected_scores(0.7)
    >>> log_loss = ax.get_lines()[0]
    >>> q = log_loss.get_xdata()[log_loss.get_ydata().argmin()]
    >>> print(round(float(q), 2))
    0.7
    >>> plt.close(ax.figure)
    """
    if not 0 < p < 1:
        raise ValueError(f"`p` must be a probability strictly between 0 and 1; got {p!r}.")
    ax = get_ax(ax)
    q = np.linspace(0.005, 0.995, 397)
    truth = np.array([p, 1 - p])
    reported = np.stack([q, 1 - q], axis=1)
    log_loss = cross_entropy(truth, reported)
    brier = p * 2 * (1 - q) ** 2 + (1 - p) * 2 * q**2
    error = np.where(q > 0.5, 1 - p, p)
    ax.plot(q, log_loss, color=color(0), ls=LINESTYLES[0], label="log loss H(p, q) (nats)")
    ax.plot(q, brier, color=color(1), ls=LINESTYLES[1], label="Brier score")
    ax.plot(q, error, color=color(2), ls=LINESTYLES[2], label="error rate (1 − accuracy)")
    ax.axvline(p, color=COLORS["black"], lw=0.8, ls=":")
    ax.annotate(f"q = p = {p:g}", (p, 1.7), xytext=(4, 0), textcoords="offset points", fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.9)
    return finish_ax(ax, xlabel="reported probability q", ylabel="expected penalty")


def plot_focal_loss(gammas=(0.0, 0.5, 1.0, 2.0, 5.0), *, ax: Axes | None = None) -> Axes:
    """The focal loss of one positive example against the probability it was given.

    For each focusing parameter γ the curve is :math:`-(1 - p)^{\\gamma}\\log p`
    (no α weighting); γ = 0 is the binary cross-entropy. Larger γ flattens the loss
    of the well-classified examples (p near 1) and keeps that of the hard ones.

    Parameters
    ----------
    gammas : sequence of float, optional
        The values of γ to draw.
    %(ax)s

    Examples
    --------
    Cross-entropy (γ = 0) beside the focal loss with γ = 2, which discounts easy examples:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_focal_loss((0.0, 2.0))
    >>> [line.get_label() for line in ax.get_lines()]
    ['γ = 0 (cross-entropy)', 'γ = 2']
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    logits = np.linspace(-3.0, 6.0, 361)
    p = sigmoid(logits)
    ones = np.ones_like(logits)
    for i, gamma in enumerate(gammas):
        loss = sigmoid_focal_loss(ones, logits, gamma=gamma, alpha=-1, reduction="none")
        name = f"γ = {gamma:g}" + (" (cross-entropy)" if gamma == 0 else "")
        ax.plot(p, loss, color=color(i), ls=LINESTYLES[i % len(LINESTYLES)], label=name)
    ax.axvspan(0.6, 1.0, color=COLORS["sky"], alpha=0.12, lw=0)
    ax.text(0.8, 2.6, "well classified", ha="center", fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, binary_cross_entropy_with_logits(1.0, logits[0]) + 0.1)
    return finish_ax(ax, xlabel="probability of the true class, p", ylabel="loss (nats)")


fill_docs(globals())
