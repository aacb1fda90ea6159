"""Small synthetic classification data sets for the book's worked examples.

Each generator draws Gaussian clusters ("blobs") in the plane from a seeded
``numpy.random.default_rng``, so the same ``seed`` gives the same data on every
machine. The data are meant to be small and easy to look at: two features, so that a
model's decision boundary can be drawn, and classes that overlap a little, so that
even the best classifier has a positive cross-entropy.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import _validation as v

__all__ = ["LinearModel", "multiclass_data", "two_class_data", "two_class_truth"]


def two_class_data(
    n: int, *, seed: int, separation: float = 3.0, spread: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Two overlapping Gaussian clusters in the plane, labelled 0 and 1.

    Parameters
    ----------
    n : int
        Number of examples (at least 2). Half of them (rounded down) belong to class
        1, the rest to class 0, in shuffled order.
    seed : int
        Seed for ``numpy.random.default_rng``; the same seed gives the same data.
    separation : float, optional
        Distance between the two cluster centres, which sit at
        ``(-separation / 2, 0)`` and ``(+separation / 2, 0)`` rotated by 30 degrees.
        Default 3.0.
    spread : float, optional
        Standard deviation of each cluster along every axis. Default 1.0.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
        The features.
    y : ndarray of shape (n,), int64
        The labels, 0 or 1.

    See Also
    --------
    multiclass_data : the same idea with ``k`` classes.

    Notes
    -----
    Each class is an isotropic Gaussian with the same spread, so the Bayes-optimal
    classifier is linear and its class probability is exactly a sigmoid of a linear
    function of the features:

    .. math::

        P(y = 1 \\mid x) = \\sigma(w^\\top x + b), \\qquad
        w = \\frac{\\mu_1 - \\mu_0}{s^2}, \\qquad
        b = \\frac{\\lVert \\mu_0 \\rVert^2 - \\lVert \\mu_1 \\rVert^2}{2 s^2},

    for equal class sizes. Logistic regression is therefore the right model for this
    data, and the clusters' overlap sets a floor on the achievable cross-entropy.

    Examples
    --------
    Eight points, four of each class, the same for every run with seed 0:

    >>> import xentbook as xb
    >>> X, y = xb.two_class_data(8, seed=0)
    >>> X.shape, y.shape
    ((8, 2), (8,))
    >>> print(y.sum())
    4
    >>> X2, y2 = xb.two_class_data(8, seed=0)
    >>> bool((X == X2).all() and (y == y2).all())
    True
    """
    n = v.check_integer(n, "n", minimum=2)
    separation, spread = _check_geometry(separation, spread)
    return _blobs(n, _two_class_centres(separation), spread, seed)


class LinearModel(NamedTuple):
    """A linear classifier's parameters: the logit of ``x`` is ``x @ weights + bias``."""

    weights: np.ndarray
    bias: float

    def logits(self, X) -> np.ndarray:
        """The logits ``X @ weights + bias`` of the examples in the rows of ``X``."""
        return np.asarray(X) @ self.weights + self.bias


def two_class_truth(*, separation: float = 3.0, spread: float = 1.0) -> LinearModel:
    """The true model behind :func:`two_class_data`: its Bayes-optimal logistic regression.

    Parameters
    ----------
    separation, spread : float, optional
        As for :func:`two_class_data` (defaults 3.0 and 1.0).

    Returns
    -------
    LinearModel
        ``weights`` (shape ``(2,)``) and ``bias`` such that
        ``sigmoid(model.logits(X))`` is the true probability of class 1 at ``X``.

    See Also
    --------
    two_class_data, fit_logistic_regression

    Notes
    -----
    With class centres :math:`\\mu_0, \\mu_1` and spread :math:`s`,

    .. math::

        w = \\frac{\\mu_1 - \\mu_0}{s^2}, \\qquad
        b = \\frac{\\lVert \\mu_0 \\rVert^2 - \\lVert \\mu_1 \\rVert^2}{2 s^2} = 0,

    the bias vanishing because the centres sit symmetrically about the origin. No
    model fitted to a sample can beat its expected loss.

    Examples
    --------
    The weights point from centre 0 to centre 1, 30 degrees above the x axis:

    >>> import xentbook as xb
    >>> truth = xb.two_class_truth()
    >>> truth.weights.round(3), truth.bias
    (array([2.598, 1.5  ]), 0.0)

    On the decision boundary, the origin, both classes are equally likely:

    >>> print(xb.sigmoid(truth.logits([[0.0, 0.0]])))
    [0.5]
    """
    separation, spread = _check_geometry(separation, spread)
    mu_0, mu_1 = _two_class_centres(separation)
    weights = (mu_1 - mu_0) / spread**2
    bias = (mu_0 @ mu_0 - mu_1 @ mu_1) / (2 * spread**2)
    return LinearModel(weights, float(bias))


def _two_class_centres(separation: float) -> np.ndarray:
    """The two class centres, ``separation`` apart on a line 30 degrees above the x axis."""
    angle = np.pi / 6
    direction = np.array([np.cos(angle), np.sin(angle)])
    return np.stack([-direction, direction]) * (separation / 2)


def multiclass_data(
    n: int, k: int, *, seed: int, radius: float = 2.5, spread: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """``k`` overlapping Gaussian clusters in the plane, labelled 0 to ``k - 1``.

    Parameters
    ----------
    n : int
        Number of examples (at least ``k``). The classes are as equal in size as
        ``n`` allows, in shuffled order.
    k : int
        Number of classes (at least 2).
    seed : int
        Seed for ``numpy.random.default_rng``; the same seed gives the same data.
    radius : float, optional
        The cluster centres sit evenly spaced on a circle of this radius around the
        origin, class 0 on the positive x axis. Default 2.5.
    spread : float, optional
        As for :func:`two_class_data`. Default 1.0.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
        The features.
    y : ndarray of shape (n,), int64
        The labels, in ``range(k)``.

    See Also
    --------
    two_class_data : the two-class case.

    Notes
    -----
    With equal spreads the Bayes-optimal class probabilities are a softmax of
    linear functions of the features, so softmax (multinomial logistic) regression
    is the right model:

    .. math::

        P(y = c \\mid x) = \\operatorname{softmax}(W x + b)_c, \\qquad
        W_c = \\frac{\\mu_c}{s^2}, \\qquad
        b_c = -\\frac{\\lVert \\mu_c \\rVert^2}{2 s^2}.

    Examples
    --------
    Three classes of two examples each:

    >>> import xentbook as xb
    >>> X, y = xb.multiclass_data(6, 3, seed=1)
    >>> X.shape
    (6, 2)
    >>> sorted(y.tolist())
    [0, 0, 1, 1, 2, 2]
    """
    k = v.check_integer(k, "k", minimum=2)
    n = v.check_integer(n, "n", minimum=k)
    radius, spread = _check_geometry(radius, spread, names=("radius", "spread"))
    angles = 2 * np.pi * np.arange(k) / k
    centres = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return _blobs(n, centres, spread, seed)


def _check_geometry(distance, spread, names=("separation", "spread")):
    """Both numbers are finite, the first non-negative and the spread positive."""
    distance, spread = v.check_real(distance, names[0]), v.check_real(spread, names[1])
    if not (np.isfinite(distance) and distance >= 0):
        raise ValueError(f"`{names[0]}` must be a finite number >= 0; got {distance!r}.")
    if not (np.isfinite(spread) and spread > 0):
        raise ValueError(f"`{names[1]}` must be a finite number > 0; got {spread!r}.")
    return distance, spread


def _blobs(n, centres, spread, seed):
    """``n`` points split evenly over Gaussian clusters at ``centres``, shuffled."""
    rng = np.random.default_rng(v.check_seed(seed))
    k = len(centres)
    # Class c gets the examples c, c + k, c + 2k, ...: sizes differ by at most one.
    y = np.arange(n, dtype=np.int64) % k
    rng.shuffle(y)
    X = centres[y] + spread * rng.standard_normal((n, 2))
    return X, y
