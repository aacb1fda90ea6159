"""Logistic and softmax regression trained from scratch with xentbook's losses.

These are the book's worked example of cross-entropy as a training objective: a
linear model produces logits, xentbook's loss scores them against the labels, and
xentbook's analytic gradient of the loss with respect to the logits, pushed back
through the linear map by the chain rule, drives plain full-batch gradient descent.
Nothing here is meant to compete with a machine-learning library; every step is
short enough to read.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from . import _validation as v
from ._losses.binary import binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_grad
from ._losses.categorical import softmax_cross_entropy, softmax_cross_entropy_grad

__all__ = ["LinearFit", "fit_logistic_regression", "fit_softmax_regression"]


class LinearFit(NamedTuple):
    """The parameters of a trained linear classifier and its training curve.

    A named tuple of three fields. ``weights`` has shape (d,) for logistic regression
    (one logit) and (d, k) for softmax regression (one column per class). ``bias`` is a
    float for logistic regression and an array of shape (k,) for softmax regression.
    ``losses``, of shape (steps + 1,), holds the mean cross-entropy on the training
    data, in nats, before the first step and after every step.

    Examples
    --------
    >>> import xentbook as xb
    >>> X, y = xb.two_class_data(100, seed=1)
    >>> fit = xb.fit_logistic_regression(X, y, steps=20)
    >>> fit.weights.shape, fit.losses.shape
    ((2,), (21,))
    >>> weights, bias, losses = fit  # a named tuple unpacks
    >>> print(f"{losses[0]:.4f} nats before training, {losses[-1]:.4f} after")
    0.6931 nats before training, 0.1481 after
    """

    weights: np.ndarray
    bias: float | np.ndarray
    losses: np.ndarray


def fit_logistic_regression(
    X: npt.ArrayLike, y: npt.ArrayLike, *, lr: float = 0.5, steps: int = 200
) -> LinearFit:
    """Train a two-class logistic regression by gradient descent on the mean log loss.

    Parameters
    ----------
    X : array_like of shape (n, d)
        Features, one row per example.
    y : array_like of shape (n,)
        Labels, 0 or 1 (or probabilities of class 1).
    lr : float, optional
        Learning rate (step size) of gradient descent. Default 0.5.
    steps : int, optional
        Number of full-batch gradient steps. Default 200.

    Returns
    -------
    LinearFit
        ``weights`` of shape (d,), a float ``bias``, and ``losses``: the mean binary
        cross-entropy in nats before training and after each step.

    See Also
    --------
    fit_softmax_regression : the same for ``k`` classes.
    two_class_data : data to try it on.

    Notes
    -----
    The model is :math:`\\hat y_i = \\sigma(z_i)` with logits :math:`z = X w + b`,
    starting from :math:`w = 0, b = 0` (every :math:`\\hat y_i = 1/2`, a loss of
    :math:`\\ln 2`). Each step computes the loss and its gradient with respect to the
    logits with ``xentbook.binary_cross_entropy_with_logits`` and
    ``xentbook.binary_cross_entropy_with_logits_grad``, then applies the chain
    rule through the linear map:

    .. math::

        L = \\frac{1}{n} \\sum_i \\bigl[-y_i \\log \\hat y_i
            - (1 - y_i) \\log (1 - \\hat y_i)\\bigr], \\qquad
        \\frac{\\partial L}{\\partial z_i} = \\frac{\\hat y_i - y_i}{n}, \\qquad
        \\nabla_w L = X^\\top \\frac{\\partial L}{\\partial z}, \\quad
        \\frac{\\partial L}{\\partial b} = \\sum_i \\frac{\\partial L}{\\partial z_i}.

    Examples
    --------
    The loss starts at ln 2 (a coin-flip guess for every example) and falls:

    >>> import xentbook as xb
    >>> X, y = xb.two_class_data(200, seed=0)
    >>> fit = xb.fit_logistic_regression(X, y, lr=0.5, steps=100)
    >>> print(fit.losses[0].round(4), fit.losses[-1] < 0.25)
    0.6931 True
    >>> fit.weights.shape, len(fit.losses)
    ((2,), 101)
    """
    X, y = _check_data(X, y)
    lr, steps = _check_schedule(lr, steps)
    target = y.astype(np.float64)
    w, b, losses = _gradient_descent(
        X,
        np.zeros(X.shape[1]),
        np.zeros(()),
        lambda z: binary_cross_entropy_with_logits(target, z),
        lambda z: binary_cross_entropy_with_logits_grad(target, z),
        lr,
        steps,
    )
    return LinearFit(w, float(b), losses)


def fit_softmax_regression(
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    num_classes: int | None = None,
    lr: float = 0.5,
    steps: int = 200,
    weight: npt.ArrayLike | None = None,
    label_smoothing: float = 0.0,
) -> LinearFit:
    """Train a softmax (multinomial logistic) regression by gradient descent.

    Parameters
    ----------
    X
        As for :func:`fit_logistic_regression`.
    y : array_like of shape (n,)
        Integer class labels in ``range(num_classes)``.
    num_classes : int, optional
        Number of classes; ``y.max() + 1`` when None.
    lr : float, optional
        Learning rate (step size) of gradient descent. Default 0.5.
    steps : int, optional
        Number of full-batch gradient steps. Default 200.
    weight : array_like of shape (num_classes,), optional
        Class weights, passed to ``xentbook.softmax_cross_entropy``.
    label_smoothing : float, optional
        Label smoothing in [0, 1], passed to ``xentbook.softmax_cross_entropy``.

    Returns
    -------
    LinearFit
        ``weights`` of shape (d, num_classes), ``bias`` of shape (num_classes,), and
        ``losses``: the mean cross-entropy in nats before training and after each step.

    See Also
    --------
    fit_logistic_regression : the two-class case with a single logit.
    multiclass_data : data to try it on.

    Notes
    -----
    The logits are :math:`Z = X W + b`, starting from zero (a uniform prediction and
    a loss of :math:`\\ln k` without weights or smoothing). Each step takes the loss
    and :math:`\\partial L / \\partial Z` from
    ``xentbook.softmax_cross_entropy`` and
    ``xentbook.softmax_cross_entropy_grad``, and applies the chain rule:

    .. math::

        \\frac{\\partial L}{\\partial Z_{ic}} = \\frac{q_{ic} - p_{ic}}{n}, \\qquad
        \\nabla_W L = X^\\top \\frac{\\partial L}{\\partial Z}, \\qquad
        \\nabla_b L = \\sum_i \\frac{\\partial L}{\\partial Z_{i\\cdot}},

    where :math:`q_i` is the softmax of row :math:`i` and :math:`p_i` its (one-hot or
    smoothed) target; the first formula is for the unweighted mean.

    Examples
    --------
    Three classes: the loss starts at ln 3 and falls.

    >>> import xentbook as xb
    >>> X, y = xb.multiclass_data(300, 3, seed=0)
    >>> fit = xb.fit_softmax_regression(X, y, steps=100)
    >>> print(fit.losses[0].round(4), fit.losses[-1] < fit.losses[0])
    1.0986 True
    >>> fit.weights.shape, fit.bias.shape
    ((2, 3), (3,))
    """
    X, y = _check_data(X, y)
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"`y` must hold integer class labels; got dtype {y.dtype}.")
    k = int(y.max()) + 1 if num_classes is None else v.check_integer(num_classes, "num_classes", 2)
    y = v.check_labels(y, k, y.shape, "y")
    lr, steps = _check_schedule(lr, steps)
    options = {"weight": weight, "label_smoothing": label_smoothing}
    return LinearFit(
        *_gradient_descent(
            X,
            np.zeros((X.shape[1], k)),
            np.zeros(k),
            lambda Z: softmax_cross_entropy(y, Z, **options),
            lambda Z: softmax_cross_entropy_grad(y, Z, **options),
            lr,
            steps,
        )
    )


def _gradient_descent(X, w, b, loss, grad, lr, steps):
    """Full-batch gradient descent on the logits ``X @ w + b``, updating ``w`` and ``b`` in place.

    ``loss(z)`` and ``grad(z)`` give the loss and its gradient with respect to the
    logits ``z``; the chain rule through the linear map gives those of ``w`` and ``b``.
    Returns ``w``, ``b`` and the losses before training and after each step.
    """
    losses = np.empty(steps + 1)
    for step in range(steps + 1):
        z = X @ w + b
        losses[step] = loss(z)
        if step == steps:
            break
        g = grad(z)
        w -= lr * (X.T @ g)
        b -= lr * g.sum(axis=0)
    return w, b, losses


def _check_data(X, y):
    """``X`` is an (n, d) matrix of finite features and ``y`` holds n labels."""
    X = v.as_float_array(X, "X", np.dtype(np.float64))
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"`X` must be a 2-D array with one row per example; got shape {X.shape}.")
    if not np.isfinite(X).all():
        raise ValueError("`X` must be finite; it holds an infinite entry.")
    y = v.as_array(y, "y")
    if y.shape != (X.shape[0],):
        raise ValueError(
            f"`y` must hold one label per row of `X` (shape {(X.shape[0],)}); got shape {y.shape}."
        )
    return X, y


def _check_schedule(lr, steps):
    """A positive, finite learning rate and a non-negative number of steps."""
    lr = v.check_real(lr, "lr")
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"`lr` must be a finite number > 0; got {lr!r}.")
    return lr, v.check_integer(steps, "steps", minimum=0)
