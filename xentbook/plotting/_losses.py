"""Figures for chapters 5 and 6: cross-entropy as a training loss, and its pitfalls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.ticker import LogFormatter, LogLocator

from .. import entropy, sigmoid, smooth_labels, surprisal
from .._docstrings import fill_docs
from ._style import COLORS, color, finish_ax, get_ax, linestyle, plot_curves

__all__ = [
    "plot_clipping_effects",
    "plot_decision_boundary",
    "plot_log_loss",
    "plot_naive_vs_stable",
    "plot_smoothing_floor",
    "plot_training_curve",
]

NATS = "loss (nats)"


def plot_log_loss(*, ax: Axes | None = None) -> Axes:
    """The two branches of binary cross-entropy against the predicted probability.

    For a label y = 1 the loss is -log ŷ, for y = 0 it is -log(1 - ŷ): each is 0
    for a confident correct prediction and grows without bound for a confident
    wrong one.

    Parameters
    ----------
    %(ax)s

    Examples
    --------
    The loss of a positive and of a negative example against the predicted probability ŷ:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_log_loss()
    >>> [line.get_label() for line in ax.get_lines()][:2]
    ['y = 1:  −log ŷ', 'y = 0:  −log(1 − ŷ)']
    >>> ax.get_ylabel()
    'loss (nats)'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    y_hat = np.linspace(0.002, 0.998, 499)
    ax.plot(y_hat, surprisal(y_hat), color=color(0), linestyle=linestyle(0), label="y = 1:  −log ŷ")
    ax.plot(
        y_hat,
        surprisal(1 - y_hat),
        color=color(1),
        linestyle=linestyle(1),
        label="y = 0:  −log(1 − ŷ)",
    )
    ax.axhline(np.log(2), color=COLORS["black"], linewidth=0.8, linestyle=":")
    ax.annotate(
        "ŷ = 0.5 costs ln 2 either way",
        (0.5, np.log(2)),
        xytext=(0.5, 2.6),
        ha="center",
        fontsize=9,
        arrowprops={"arrowstyle": "->", "color": COLORS["black"], "lw": 0.8},
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 6.5)
    return finish_ax(ax, xlabel="predicted probability of class 1, ŷ", ylabel=NATS)


def plot_training_curve(
    losses: npt.ArrayLike,
    *,
    floor: float | None = None,
    floor_label: str = "best possible",
    baseline: float | None = None,
    baseline_label: str = "baseline",
    yscale: str = "linear",
    ax: Axes | None = None,
) -> Axes:
    """Mean training cross-entropy after each gradient step.

    Nothing but the curve is drawn unless asked for: each chapter names its own
    reference levels and picks the scale that shows its curve.

    Parameters
    ----------
    losses : array_like
        The loss before training and after each step, in nats.
    floor : float, optional
        A level the loss can approach but not pass (for instance the loss of the
        Bayes-optimal model), drawn as a dotted line.
    floor_label : str, optional
        Legend entry of the floor.
    baseline : float, optional
        The loss of a guess made without training (ln 2 for a coin flip between two
        classes), drawn as a dashed line.
    baseline_label : str, optional
        Legend entry of the baseline.
    yscale : {'linear', 'log'}, optional
        'linear' (the default) starts the loss axis at 0, its least possible value;
        'log' spreads out a curve whose drop is small next to its level, the axis
        spanning only the curve and the lines drawn.
    %(ax)s

    Examples
    --------
    A logistic regression trained for 50 steps, against a coin-flip guess and the loss
    of the true model:

    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> import xentbook as xb
    >>> from xentbook import plotting as xp
    >>> X, y = xb.two_class_data(200, seed=0)
    >>> fit = xb.fit_logistic_regression(X, y, steps=50)
    >>> ax = xp.plot_training_curve(
    ...     fit.losses, floor=0.2, floor_label="true model", baseline=np.log(2)
    ... )
    >>> ax.get_xlabel(), len(ax.get_lines()), float(ax.get_ylim()[0])
    ('gradient step', 3, 0.0)
    >>> plt.close(ax.figure)
    """
    if yscale not in ("linear", "log"):
        raise ValueError(f"`yscale` must be 'linear' or 'log'; got {yscale!r}.")
    ax = get_ax(ax)
    losses = np.asarray(losses, dtype=float)
    ax.plot(np.arange(losses.size), losses, color=color(0), linewidth=2, label="training loss")
    levels = [losses.min(), losses.max()]
    if baseline is not None:
        ax.axhline(
            baseline, color=COLORS["black"], linewidth=0.8, linestyle="--", label=baseline_label
        )
        levels.append(baseline)
    if floor is not None:
        ax.axhline(floor, color=color(2), linewidth=1.2, linestyle=":", label=floor_label)
        levels.append(floor)
    ax.set_xlim(0, losses.size - 1)
    if yscale == "linear":
        ax.set_ylim(0, max(levels) * 1.1)
        return finish_ax(ax, xlabel="gradient step", ylabel="mean cross-entropy (nats)")
    # A tenth of the span in log space on each side, as a linear axis's margin would give.
    low, high = np.log10(min(levels)), np.log10(max(levels))
    pad = 0.1 * (high - low)
    ax.set_yscale("log")
    ax.set_ylim(10 ** (low - pad), 10 ** (high + pad))
    finish_ax(ax, xlabel="gradient step", ylabel="mean cross-entropy (nats)")
    decades = high - low + 2 * pad
    if decades < 1:
        # Within a decade a log axis has at most one labelled tick: label plain numbers
        # (2.5, 3, 3.5) instead, each with a grid line.
        ax.yaxis.set_minor_locator(
            LogLocator(subs=np.arange(1.0, 10.0, 0.5 if decades < 0.5 else 1))
        )
        for set_formatter in (ax.yaxis.set_major_formatter, ax.yaxis.set_minor_formatter):
            set_formatter(LogFormatter(minor_thresholds=(1, 1)))
        ax.grid(True, which="minor", axis="y", color="#dddddd", linewidth=0.6)
    return ax


def plot_decision_boundary(
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    weights: npt.ArrayLike,
    bias: float,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Two-class data with a logistic regression's probability contours.

    Parameters
    ----------
    X : array_like of shape (n, 2)
        Features.
    y : array_like of shape (n,)
        Labels 0 or 1.
    weights : array_like of shape (2,)
        The model's weights; its logit is ``X @ weights + bias``.
    bias : float
        The model's bias.
    %(ax)s

    Examples
    --------
    A logistic regression fitted to two-class data, drawn with its probability contours:

    >>> import matplotlib.pyplot as plt
    >>> import xentbook as xb
    >>> from xentbook import plotting as xp
    >>> X, y = xb.two_class_data(200, seed=0)
    >>> fit = xb.fit_logistic_regression(X, y, steps=100)
    >>> ax = xp.plot_decision_boundary(X, y, fit.weights, fit.bias)
    >>> ax.get_xlabel() != ""
    True
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax, figsize=(5.6, 4.6))
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    pad = 0.5
    (x0, y0), (x1, y1) = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    z = np.stack([gx, gy], axis=-1) @ np.asarray(weights, dtype=float) + bias
    prob = sigmoid(z)
    ax.contourf(
        gx, gy, prob, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.25, vmin=0, vmax=1
    )
    lines = ax.contour(
        gx,
        gy,
        prob,
        levels=[0.1, 0.5, 0.9],
        colors=COLORS["black"],
        linestyles=[":", "-", ":"],
        linewidths=[1, 1.6, 1],
    )
    ax.clabel(lines, fmt={0.1: "ŷ = 0.1", 0.5: "ŷ = 0.5", 0.9: "ŷ = 0.9"}, fontsize=8)
    for label, marker, c in ((0, "o", COLORS["blue"]), (1, "^", COLORS["vermillion"])):
        pts = X[y == label]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=18,
            marker=marker,
            color=c,
            edgecolor="white",
            linewidth=0.4,
            label=f"class {label}",
        )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    # A framed legend: the shaded contours run beneath it.
    framed = {"frameon": True, "framealpha": 0.9, "edgecolor": "none", "loc": "lower right"}
    return finish_ax(
        ax,
        xlabel="feature 1 (arbitrary units)",
        ylabel="feature 2 (arbitrary units)",
        legend=framed,
    )


def plot_naive_vs_stable(
    margins: npt.ArrayLike,
    curves: Mapping[str, npt.ArrayLike],
    *,
    ax: Axes | None = None,
) -> Axes:
    """Loss against logit margin on a log scale, marking where a method returns 0 or nan.

    A correctly classified example whose correct logit exceeds the others by a
    margin m has a tiny, positive loss of about e^(-m). A naive computation rounds
    it to exactly 0 (every digit lost) or returns nan; those points cannot sit on a
    log axis, so they are drawn as markers along the bottom edge.

    Parameters
    ----------
    margins : array_like
        Logit margins, the x values.
    curves : mapping of str to array_like
        One array of losses (nats) per method, in drawing order; the first is drawn
        as a solid reference line.
    %(ax)s

    Examples
    --------
    The naive loss rounds to 0 beyond a margin of about 37 nats; xentbook's does not:

    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> import xentbook as xb
    >>> from xentbook import plotting as xp
    >>> m = np.linspace(0, 60, 61)
    >>> logits = np.stack([m, np.zeros_like(m), np.zeros_like(m)], axis=1)
    >>> stable = xb.softmax_cross_entropy(np.zeros(61, dtype=int), logits, reduction="none")
    >>> naive = -np.log(np.exp(m) / (np.exp(m) + 2))
    >>> ax = xp.plot_naive_vs_stable(m, {"xentbook": stable, "naive": naive})
    >>> ax.get_yscale()
    'log'
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax, figsize=(6.4, 4.2))
    m = np.asarray(margins, dtype=float)
    values = {name: np.asarray(c, dtype=float) for name, c in curves.items()}
    positive = np.concatenate([c[np.isfinite(c) & (c > 0)] for c in values.values()])
    failures = sum(int((c == 0).any()) + int(np.isnan(c).any()) for c in values.values())
    # Room below the curves for one row of markers per failure, but never below the
    # subnormal range, where a log axis has nothing left to show.
    high, top_row = 1.0, 0.04 + 0.07 * max(failures - 1, 0)
    low = max((np.log10(positive.min()) - 1 - top_row * high) / (1 - top_row) - 1, -320.0)
    ax.set_yscale("log")
    row = 0
    for i, (name, c) in enumerate(values.items()):
        ok = np.isfinite(c) & (c > 0)
        ax.plot(
            m[ok],
            c[ok],
            color=color(i),
            linestyle=linestyle(i),
            linewidth=2.4 - 0.5 * i,
            label=name,
        )
        for mask, marker, what in ((c == 0, "v", "returns exactly 0"), (np.isnan(c), "X", "nan")):
            if mask.any():
                # Each failure gets its own row of markers near the bottom edge.
                height = 10.0 ** (low + (high - low) * (0.04 + 0.07 * row))
                row += 1
                step = max(1, mask.sum() // 30)
                ax.plot(
                    m[mask][::step],
                    np.full(m[mask][::step].size, height),
                    marker,
                    color=color(i),
                    markersize=5,
                    linestyle="none",
                    label=f"{name}: {what}",
                )
    ax.set_ylim(10.0**low, 10.0**high)
    ax.set_xlim(m.min(), m.max())
    return finish_ax(
        ax,
        xlabel="logit margin of the correct class, m",
        ylabel=NATS,
        legend={"loc": "upper right", "fontsize": 8.5},
    )


def plot_clipping_effects(
    y_hat: npt.ArrayLike,
    curves: Mapping[str, npt.ArrayLike],
    *,
    ax: Axes | None = None,
) -> Axes:
    """Binary cross-entropy of a positive example (y = 1) against ŷ, as several tools compute it.

    Parameters
    ----------
    y_hat : array_like
        Predicted probabilities of class 1, spanning many orders of magnitude; drawn
        on a log axis.
    curves : mapping of str to array_like
        The loss in nats for each way of computing it; the first is the exact one.
    %(ax)s

    Examples
    --------
    The exact loss -log ŷ against the same loss with ŷ clipped at 1e-7:

    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from xentbook import plotting as xp
    >>> y_hat = np.logspace(-12, 0, 121)
    >>> curves = {"exact": -np.log(y_hat), "clipped at 1e-7": -np.log(np.clip(y_hat, 1e-7, 1))}
    >>> ax = xp.plot_clipping_effects(y_hat, curves)
    >>> ax.get_xscale(), len(ax.get_lines())
    ('log', 2)
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    x = np.asarray(y_hat, dtype=float)
    plot_curves(ax, x, curves, linewidth=2.6, taper=0.5)
    ax.set_xscale("log")
    ax.set_xlim(x.min(), x.max())
    # At most about seven decade ticks, evenly spaced, ending at 10^0.
    lo = int(np.floor(np.log10(x.min())))
    step = max(1, int(np.ceil(-lo / 6)))
    ax.set_xticks(10.0 ** np.arange(0, lo - 1, -step)[::-1])
    ax.set_ylim(bottom=0)
    return finish_ax(
        ax,
        xlabel="predicted probability of the true class, ŷ (log scale)",
        ylabel=NATS,
        legend={"loc": "upper right"},
    )


def plot_smoothing_floor(
    num_classes: Sequence[int] = (2, 10, 1000),
    *,
    ax: Axes | None = None,
) -> Axes:
    """The least achievable loss under label smoothing ε, for several class counts.

    A smoothed target puts 1 - ε + ε/K on the true class and ε/K on each other
    class. No prediction can score below that target's entropy, so the loss floor
    rises from 0 (at ε = 0) to ln K (at ε = 1).

    Parameters
    ----------
    num_classes : sequence of int
        Class counts K, one curve each.
    %(ax)s

    Examples
    --------
    The loss floor for 2 and for 10 classes:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_smoothing_floor((2, 10))
    >>> len(ax.get_lines()) >= 2
    True
    >>> plt.close(ax.figure)
    """
    ax = get_ax(ax)
    eps = np.linspace(0, 1, 201)
    for i, k in enumerate(num_classes):
        # The smoothed targets themselves, one row per ε; their entropy is the floor.
        floor = entropy([smooth_labels(0, k, e) for e in eps])
        ax.plot(eps, floor, color=color(i), linestyle=linestyle(i), linewidth=2, label=f"K = {k}")
        ax.plot(1, np.log(k), "o", color=color(i), markersize=4)
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    return finish_ax(ax, xlabel="label smoothing ε", ylabel="least achievable loss (nats)")


fill_docs(globals())
