"""Figures for chapter 10: bins and densities, Gaussian models and the KL between them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes

from .. import entropy, kl_normal
from .._docstrings import fill_docs
from ._style import COLORS, LINESTYLES, annotate, color, finish_ax, get_ax, linestyle, plot_curves

__all__ = [
    "plot_bin_entropy",
    "plot_density_models",
    "plot_normal_kl",
    "plot_regression_lines",
]

# Each penguin species keeps its colour in every figure of chapter 10, whatever the order
# in which a figure lists it.
_SPECIES_COLORS = {
    "Adelie": COLORS["blue"],
    "Chinstrap": COLORS["orange"],
    "Gentoo": COLORS["green"],
}


def _bin_entropy(samples: np.ndarray, width: float) -> float:
    """Entropy in bits of ``samples`` quantised to bins of ``width`` starting at 0."""
    counts = np.unique(np.floor(samples / width), return_counts=True)[1]
    return float(entropy(counts / counts.sum(), base=2))


def plot_bin_entropy(
    samples: npt.ArrayLike,
    bin_widths: npt.ArrayLike,
    h: float,
    *,
    unit: str = "g",
    ax: Axes | None = None,
) -> Axes:
    """Entropy of quantised samples against the bin width, beside :math:`h - \\log_2 \\Delta`.

    The samples are cut into bins of width :math:`\\Delta` (edges at multiples of
    :math:`\\Delta`) for each width in ``bin_widths``, and the entropy of the bin
    frequencies, in bits, is drawn against :math:`\\Delta` on a logarithmic axis. The
    dashed line is :math:`h - \\log_2 \\Delta` for the differential entropy ``h``: each
    halving of the bins adds one bit, as long as the bins are wide compared with the
    resolution of the data and narrow compared with the detail of the density.

    Parameters
    ----------
    samples : array_like
        Observations of a continuous variable, in ``unit``.
    bin_widths : array_like
        The bin widths to try, positive, in ``unit``.
    h : float
        Differential entropy in bits for the unit ``unit`` (an estimate or a model's).
    unit : str, optional
        The unit of the samples, for the axis label. Default ``'g'``.
    %(ax)s

    See Also
    --------
    xentbook.differential_entropy_histogram, xentbook.entropy

    Examples
    --------
    Normal samples with a standard deviation of 100 g: each halving of the bins adds one bit.

    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from xentbook import plotting as xp
    >>> x = np.random.default_rng(0).normal(scale=100.0, size=5000)
    >>> ax = xp.plot_bin_entropy(x, [50.0, 25.0, 12.5], h=8.69, unit="g")
    >>> steps = np.diff(ax.get_lines()[0].get_ydata())
    >>> print(steps.round(1))
    [1. 1.]
    >>> plt.close(ax.figure)
    """
    x = np.asarray(samples, dtype=float).ravel()
    widths = np.sort(np.asarray(bin_widths, dtype=float))[::-1]
    ax = get_ax(ax)
    bins = [_bin_entropy(x, w) for w in widths]
    ax.plot(widths, bins, "o-", color=color(0), label="entropy of the bins")
    ax.plot(
        widths,
        h - np.log2(widths),
        color=color(1),
        linestyle=LINESTYLES[1],
        label=f"$h - \\log_2 \\Delta$, $h$ = {h:.2f} bits",
    )
    ax.axhline(np.log2(x.size), color=COLORS["black"], lw=0.8, ls=LINESTYLES[3])
    annotate(
        ax, f"$\\log_2 n$: {x.size} samples", (widths[0], np.log2(x.size)), (0, -12), fontsize=8
    )
    ax.set_xscale("log", base=2)
    ax.invert_xaxis()
    return finish_ax(
        ax, xlabel=f"bin width $\\Delta$ ({unit}, halving to the right)", ylabel="entropy (bits)"
    )


def plot_density_models(
    samples: npt.ArrayLike,
    grid: npt.ArrayLike,
    densities: Mapping[str, npt.ArrayLike],
    *,
    bin_width: float,
    unit: str = "g",
    quantity: str = "value",
    ax: Axes | None = None,
) -> Axes:
    """A histogram of the samples as a density, with model densities drawn over it.

    Parameters
    ----------
    samples : array_like
        The observations, in ``unit``.
    grid : array_like
        Points where the model densities are given.
    densities : mapping of str to array_like
        Name of each model -> its density at ``grid``, per ``unit``.
    bin_width : float
        Width of the histogram's bins, in ``unit``.
    unit : str, optional
        The unit of the samples, for the labels. Default ``'g'``.
    quantity : str, optional
        What the samples measure, for the horizontal axis. Default ``'value'``.
    %(ax)s

    See Also
    --------
    xentbook.gaussian_nll

    Examples
    --------
    Standard normal samples under the standard normal density:

    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from xentbook import plotting as xp
    >>> x = np.random.default_rng(0).normal(size=500)
    >>> grid = np.linspace(-4, 4, 81)
    >>> normal = np.exp(-(grid**2) / 2) / np.sqrt(2 * np.pi)
    >>> ax = xp.plot_density_models(x, grid, {"N(0, 1)": normal}, bin_width=0.5, unit="m")
    >>> [line.get_label() for line in ax.get_lines()]
    ['N(0, 1)']
    >>> plt.close(ax.figure)
    """
    x = np.asarray(samples, dtype=float).ravel()
    ax = get_ax(ax)
    start = np.floor(x.min() / bin_width) * bin_width
    edges = np.arange(start, x.max() + bin_width, bin_width)
    ax.hist(
        x,
        bins=edges,
        density=True,
        color=COLORS["sky"],
        alpha=0.5,
        edgecolor="white",
        label=f"histogram, {bin_width:g} {unit} bins",
    )
    plot_curves(ax, np.asarray(grid, dtype=float), densities)
    return _finish_densities(ax, quantity, unit)


def plot_regression_lines(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    lines: Mapping[str, tuple[float, float]],
    *,
    groups: npt.ArrayLike | None = None,
    group_names: Sequence[str] = (),
    sigma: npt.ArrayLike | None = None,
    xlabel: str,
    ylabel: str,
    ax: Axes | None = None,
) -> Axes:
    """Data as points (one marker per group) with straight lines and optional noise bands.

    Parameters
    ----------
    x, y : array_like
        The data.
    lines : mapping of str to (float, float)
        Name -> (intercept, slope) of each line, drawn over the range of ``x``; a later
        line is drawn thinner, so lines that coincide stay visible.
    groups : array_like of int, optional
        Group of each point, from 0; each group gets its own colour and marker.
    group_names : sequence of str, optional
        Name of each group, for the legend. A group named after a penguin species
        (Adelie, Chinstrap, Gentoo) takes that species' colour in every figure of
        chapter 10.
    sigma : array_like, optional
        Noise standard deviation of each group (or one for all): a band of
        :math:`\\pm 2\\sigma` around the first line over each group's range of ``x``.
    xlabel, ylabel : str
        Axis labels, with units.
    %(ax)s

    See Also
    --------
    xentbook.fit_gaussian_regression

    Examples
    --------
    Four points and the least-squares line through them:

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_regression_lines(
    ...     [0, 1, 2, 3],
    ...     [0.1, 0.9, 2.2, 2.8],
    ...     {"least squares": (0.1, 0.93)},
    ...     xlabel="x (m)",
    ...     ylabel="y (kg)",
    ... )
    >>> ax.get_lines()[0].get_label()
    'least squares'
    >>> plt.close(ax.figure)
    """
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    g = np.zeros(xs.size, dtype=int) if groups is None else np.asarray(groups)
    ax = get_ax(ax, figsize=(6.0, 4.2))
    span = np.array([xs.min(), xs.max()])
    for i, (name, (a, b)) in enumerate(lines.items()):
        shade = COLORS[("black", "vermillion", "purple")[i % 3]]
        ax.plot(span, a + b * span, color=shade, ls=linestyle(i), lw=2.2 - 0.6 * i, label=name)
    markers = "os^Dv"
    a, b = next(iter(lines.values()))
    noise = None if sigma is None else np.broadcast_to(np.asarray(sigma, float), (g.max() + 1,))
    for k in range(g.max() + 1):
        inside = g == k
        label = group_names[k] if k < len(group_names) else None
        shade = _series_color(label, k)
        ax.scatter(
            xs[inside], ys[inside], s=12, marker=markers[k % 5], color=shade, alpha=0.6, label=label
        )
        if noise is not None:
            t = np.array([xs[inside].min(), xs[inside].max()])
            band = 2 * noise[k]
            ax.fill_between(t, a + b * t - band, a + b * t + band, color=shade, alpha=0.15)
    return finish_ax(ax, xlabel=xlabel, ylabel=ylabel, legend={"loc": "upper left", "fontsize": 8})


def plot_normal_kl(
    normals: Mapping[str, tuple[float, float]],
    *,
    unit: str = "g",
    quantity: str = "value",
    ax: Axes | None = None,
) -> Axes:
    """Two normal densities and the KL divergence between them in both directions, in bits.

    Parameters
    ----------
    normals : mapping of str to (float, float)
        Exactly two entries: name -> (mean, standard deviation), in ``unit``. The first
        is P, the second Q. An entry named after a penguin species (Adelie, Chinstrap,
        Gentoo) takes that species' colour in every figure of chapter 10.
    unit : str, optional
        The unit of the means and deviations, for the labels. Default ``'g'``.
    quantity : str, optional
        What the variable measures, for the horizontal axis. Default ``'value'``.
    %(ax)s

    See Also
    --------
    xentbook.kl_normal

    Examples
    --------
    Two normals of different widths: modelling the wider with the narrower costs more.

    >>> import matplotlib.pyplot as plt
    >>> from xentbook import plotting as xp
    >>> ax = xp.plot_normal_kl({"P": (0.0, 1.0), "Q": (1.0, 2.0)}, unit="m")
    >>> ax.get_title()
    'KL(P ‖ Q) = 0.64 bits, KL(Q ‖ P) = 1.89 bits'
    >>> plt.close(ax.figure)
    """
    if len(normals) != 2:
        raise ValueError(f"`normals` must hold exactly two distributions; got {len(normals)}.")
    (name_p, (mu_p, s_p)), (name_q, (mu_q, s_q)) = normals.items()
    ax = get_ax(ax)
    low, high = min(mu_p - 4 * s_p, mu_q - 4 * s_q), max(mu_p + 4 * s_p, mu_q + 4 * s_q)
    grid = np.linspace(low, high, 400)
    for i, (name, (mu, s)) in enumerate(normals.items()):
        density = np.exp(-0.5 * ((grid - mu) / s) ** 2) / (s * np.sqrt(2 * np.pi))
        shade = _series_color(name, i)
        ax.plot(grid, density, color=shade, ls=linestyle(i), lw=2, label=name)
        ax.fill_between(grid, density, color=shade, alpha=0.15)
    forward = float(kl_normal(mu_p, s_p, mu_q, s_q, base=2))
    backward = float(kl_normal(mu_q, s_q, mu_p, s_p, base=2))
    title = f"KL({name_p} ‖ {name_q}) = {forward:.2f} bits, "
    ax.set_title(title + f"KL({name_q} ‖ {name_p}) = {backward:.2f} bits", fontsize=9)
    return _finish_densities(ax, quantity, unit)


def _finish_densities(ax: Axes, quantity: str, unit: str) -> Axes:
    """The shared frame of the density figures: the quantity across, density per unit up."""
    return finish_ax(ax, xlabel=f"{quantity} ({unit})", ylabel=f"density (per {unit})")


def _series_color(name: str | None, i: int) -> str:
    """The colour of the penguin species ``name``, or else the ``i``-th colour of the cycle."""
    return _SPECIES_COLORS.get(name, color(i))


fill_docs(globals())
