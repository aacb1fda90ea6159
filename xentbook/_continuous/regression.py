"""A straight line with Gaussian noise, fitted by maximum likelihood: least squares and beyond."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from .. import _validation as v
from ._checks import HALF_LOG_2PI, finite

__all__ = ["GaussianRegression", "fit_gaussian_regression"]


class GaussianRegression(NamedTuple):
    """A straight line with Gaussian noise whose variance may differ between groups.

    The model of :func:`fit_gaussian_regression`: :math:`y \\sim \\mathcal N(a + b x,
    \\sigma_g^2)` for an observation in group :math:`g`. ``intercept`` is :math:`a`,
    ``slope`` :math:`b`, ``sigma`` the array of :math:`\\sigma_g` (one entry when there are
    no groups), ``nll`` the mean negative log-likelihood of the training data in nats (the
    full density, constant included) and ``iterations`` the number of alternating steps.

    Examples
    --------
    >>> import xentbook as xb
    >>> fit = xb.fit_gaussian_regression([0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 2.0, 4.0])
    >>> print(round(fit.intercept, 6), round(fit.slope, 6), fit.sigma.round(6))
    0.9 0.9 [0.41833]
    """

    intercept: float
    slope: float
    sigma: np.ndarray
    nll: float
    iterations: int


def fit_gaussian_regression(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    groups: npt.ArrayLike | None = None,
    max_iterations: int = 200,
) -> GaussianRegression:
    """Fit a line with Gaussian noise by maximum likelihood, with one noise level per group.

    Parameters
    ----------
    x : array_like of shape (n,)
        The input of each observation, finite.
    y : array_like of shape (n,)
        The observed value, finite.
    groups : array_like of int, shape (n,), optional
        The group of each observation, integers from 0 (each group used at least 3 times).
        Each group gets its own standard deviation; the line is shared. Default None: one
        standard deviation for all, which is ordinary least squares.
    max_iterations : int, optional
        At most this many alternating steps (see Notes). Default 200.

    Returns
    -------
    GaussianRegression
        ``intercept``, ``slope``, ``sigma`` (one per group, in the unit of ``y``), the
        mean training ``nll`` in nats per observation and the ``iterations`` taken.

    See Also
    --------
    gaussian_nll : the loss this fit minimises.

    Notes
    -----
    The model is :math:`y_i \\sim \\mathcal N(a + b x_i, \\sigma_{g_i}^2)`, and the fit
    minimises the mean negative log-likelihood

    .. math::

        L = \\frac1n \\sum_i \\Bigl[\\frac{(y_i - a - b x_i)^2}{2 \\sigma_{g_i}^2}
            + \\log \\sigma_{g_i} + \\tfrac12 \\log 2\\pi\\Bigr].

    For fixed :math:`\\sigma` the best line is the weighted least-squares line with
    weights :math:`1/\\sigma_{g_i}^2`; for a fixed line the best :math:`\\sigma_g^2` is the
    mean squared residual of group :math:`g`. Both steps are closed-form and neither
    raises :math:`L`; they alternate, from equal weights, until the standard deviations
    change by less than :math:`10^{-12}` relative. With one group the first step is
    already the answer: ordinary least squares, with :math:`\\sigma^2` the mean squared
    residual, and :math:`L = \\tfrac12 \\log(2 \\pi e \\sigma^2)`. Every sum is
    exactly rounded (``math.fsum``), so the fit is the same to the last bit on every
    machine. A group whose residuals are all 0 makes the likelihood unbounded: a
    ``ValueError``.

    Examples
    --------
    Two groups on one line, the second four times as noisy. Least squares treats every
    point alike; the grouped fit learns both noise levels and trusts the quiet group more:

    >>> import numpy as np
    >>> import xentbook as xb
    >>> rng = np.random.default_rng(1)
    >>> x = np.linspace(0, 1, 200)
    >>> g = np.arange(200) % 2
    >>> y = 2 + 3 * x + np.where(g == 0, 0.1, 0.4) * rng.normal(size=200)
    >>> plain = xb.fit_gaussian_regression(x, y)
    >>> grouped = xb.fit_gaussian_regression(x, y, groups=g)
    >>> print(plain.sigma.round(2), grouped.sigma.round(2))
    [0.26] [0.09 0.36]
    >>> print(round(plain.nll, 3), round(grouped.nll, 3))
    0.089 -0.269
    """
    xs = finite(x, "x", np.dtype(np.float64), "an input must be a number.")
    ys = finite(y, "y", np.dtype(np.float64), "an observation must be a number.")
    if xs.ndim != 1 or xs.shape != ys.shape or xs.size < 2:
        raise ValueError(
            f"`x` and `y` must be 1-D arrays of the same length, at least 2; got shapes "
            f"{xs.shape} and {ys.shape}."
        )
    if groups is None:
        g = np.zeros(xs.size, dtype=np.intp)
    else:
        g = v.check_class_indices(groups, xs.size + 1, name="groups")
        if g.shape != xs.shape:
            raise ValueError(f"`groups` must have the shape of `x`, {xs.shape}; got {g.shape}.")
    sizes = np.bincount(g)
    if len(sizes) > 1 and (sizes < 3).any():
        # A line through both points of a group of two makes its noise, and the NLL, vanish.
        k = int(np.flatnonzero(sizes < 3)[0])
        raise ValueError(
            f"`groups` has {sizes[k]} observation(s) in group {k}; every group from 0 to "
            f"{len(sizes) - 1} needs at least 3, or the likelihood has no maximum."
        )
    max_iterations = v.check_integer(max_iterations, "max_iterations", minimum=1)
    sigma = np.ones(len(sizes))
    iteration = 0
    while iteration < max_iterations:
        iteration += 1
        a, b = _weighted_line(xs, ys, 1 / sigma[g] ** 2)
        residual = ys - (a + b * xs)
        new = np.sqrt([math.fsum(residual[g == k] ** 2) / sizes[k] for k in range(len(sizes))])
        if not (new > 0).all():
            which = "`y`" if groups is None else f"Group {int(np.argmin(new))} of `groups`"
            raise ValueError(
                f"{which} lies exactly on a line; its noise level is 0 and the likelihood has "
                "no maximum. Drop the group or add its measurement error."
            )
        done = np.all(np.abs(new - sigma) <= 1e-12 * new) or len(sizes) == 1
        sigma = new
        if done:
            break
    nll = math.fsum(sizes * (0.5 + HALF_LOG_2PI + np.log(sigma))) / xs.size
    return GaussianRegression(a, b, sigma, nll, iteration)


def _weighted_line(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Intercept and slope of the weighted least-squares line, from centred, exact sums."""
    total = math.fsum(w)
    x_mean, y_mean = math.fsum(w * x) / total, math.fsum(w * y) / total
    dx, dy = x - x_mean, y - y_mean
    spread = math.fsum(w * dx * dx)
    if spread == 0:
        raise ValueError("`x` takes a single value; a line through it has no slope.")
    slope = math.fsum(w * dx * dy) / spread
    return y_mean - slope * x_mean, slope
