"""The book's elementwise conventions, each implemented once.

- ``0 · ∞ = 0``: a term whose coefficient is 0 contributes 0, whatever it multiplies
  (:func:`times`); so ``-p log p`` and ``-p log q`` vanish where ``p = 0``.
- The logistic sigmoid, evaluated without overflow for any finite or infinite logit.
- The label-smoothed target ``(1 - ε) y + ε / K``.

Every other module (and every chapter) calls these instead of restating them.
"""

from __future__ import annotations

import numpy as np

from . import _validation as v


def times(coefficient, value, out=None):
    """``coefficient * value``, but exactly 0 where the coefficient is 0 (even for inf).

    The rule ``0 · ∞ = 0`` of every loss and information measure: a term that does not
    count (probability 0, weight 0) contributes 0, not NaN. The result has the dtype
    NumPy gives ``coefficient * value``; with ``out`` (an array of the broadcast shape)
    it is written there, with no full-size temporary.
    """
    with np.errstate(invalid="ignore"):
        product = np.multiply(coefficient, value, out=out)
    if out is None:
        return np.where(np.equal(coefficient, 0), product.dtype.type(0), product)
    np.copyto(out, 0, where=np.equal(coefficient, 0))
    return out


def neg_p_log_q(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``-p log q`` elementwise, with ``0 · log 0 = 0`` (and ``0 · log q = 0`` for any q).

    ``p`` and ``q`` are validated, broadcastable float arrays; where ``p > 0`` and
    ``q = 0`` the term is ``+inf``, the true cost of an impossible outcome.
    """
    with np.errstate(divide="ignore"):
        log_q = np.log(q)
    if isinstance(log_q, np.ndarray) and log_q.shape == np.broadcast(p, q).shape:
        # In place: the only temporary of the size of q is its log.
        return times(p, np.negative(log_q, out=log_q), out=log_q)
    return times(p, -log_q)


def neg_p_log_p(p: np.ndarray) -> np.ndarray:
    """``-p log p`` elementwise, with ``0 · log 0 = 0``: the entropy's terms."""
    return neg_p_log_q(p, p)


def sigmoid(x):
    """The logistic sigmoid ``1 / (1 + exp(-x))``, without overflow.

    Parameters
    ----------
    x : array_like
        Logits (log-odds), any shape; ``±inf`` are allowed.

    Returns
    -------
    ndarray or float
        Probabilities in [0, 1], the shape of ``x``; float32 and float16 input give
        float32, everything else is computed in float64.

    See Also
    --------
    softmax : The sigmoid is the softmax of the two logits ``(0, x)``.
    binary_cross_entropy_with_logits : The log loss of a sigmoid, from its logit.

    Notes
    -----
    .. math::

        \\sigma(x) = \\frac{1}{1 + e^{-x}} = \\frac{e^{x}}{1 + e^{x}}.

    The first form is used for ``x >= 0`` and the second for ``x < 0``, so
    ``exp`` only ever sees a non-positive argument and never overflows:
    ``sigmoid(-inf) = 0`` and ``sigmoid(inf) = 1``. For very negative ``x`` the
    result keeps full relative accuracy (``sigmoid(-700)`` is about ``1e-304``,
    not 0).

    Examples
    --------
    A logit of 0 is even odds; log-odds of ±log 3 are probabilities 3/4 and 1/4:

    >>> import numpy as np
    >>> import xentbook as xb
    >>> xb.sigmoid([0.0, np.log(3), -np.log(3)])
    array([0.5 , 0.75, 0.25])

    Huge logits saturate without a warning:

    >>> xb.sigmoid([-1000.0, 1000.0])
    array([0., 1.])
    """
    arr = v.as_float_array(x, "x")
    e = np.exp(-np.abs(arr))  # in (0, 1]: never overflows
    one = arr.dtype.type(1)
    out = np.where(arr >= 0, one / (one + e), e / (one + e))
    return out[()]


def smooth_labels(target, num_classes: int, label_smoothing: float):
    """Label-smoothed targets: ``(1 - ε) y + ε / K`` for each example.

    Parameters
    ----------
    target : array_like
        Either integer class indices in ``[0, num_classes)``, or class
        probabilities whose last axis has length ``num_classes`` and sums to 1.
    num_classes : int
        ``K``, the number of classes (at least 1).
    label_smoothing : float
        ``ε`` in [0, 1]: the probability mass moved to the uniform distribution.

    Returns
    -------
    ndarray
        Probability distributions along the last axis: shape
        ``target.shape + (K,)`` for class indices, ``target.shape`` for
        probabilities. float32 probabilities stay float32; otherwise float64.

    See Also
    --------
    softmax_cross_entropy : Takes ``label_smoothing`` directly.
    one_hot : The targets before smoothing.

    Notes
    -----
    .. math::

        \\tilde y_c = (1 - \\varepsilon)\\, y_c + \\frac{\\varepsilon}{K},

    where ``y`` is the one-hot vector of a class index, or the given
    distribution. The result is a mixture of two distributions, so it sums to 1
    and has no zero entry when ``ε > 0``: the model is never asked for certainty.
    ``ε = 0`` returns ``y`` unchanged and ``ε = 1`` the uniform distribution.
    This is the target PyTorch's ``cross_entropy(..., label_smoothing=ε)`` uses.

    Examples
    --------
    With three classes and ε = 0.3, the true class keeps 0.7 + 0.1 and the
    others get 0.1 each:

    >>> import xentbook as xb
    >>> xb.smooth_labels([2], 3, 0.3)
    array([[0.1, 0.1, 0.8]])

    A soft target is mixed in the same way:

    >>> xb.smooth_labels([0.5, 0.5, 0.0], 3, 0.3)
    array([0.45, 0.45, 0.1 ])
    """
    num_classes = v.check_integer(num_classes, "num_classes", minimum=1)
    eps = v.check_label_smoothing(label_smoothing)
    t = v.as_array(target, "target")
    if np.issubdtype(t.dtype, np.integer):
        t = v.check_class_indices(t, num_classes)
        y = np.zeros((*t.shape, num_classes))
        np.put_along_axis(y, t[..., None], 1.0, axis=-1)
    else:
        y = v.check_distribution(t, "target", axis=-1)
        if y.shape[-1] != num_classes:
            raise ValueError(
                f"`target` has {y.shape[-1]} classes along its last axis but "
                f"`num_classes` is {num_classes}; pass class probabilities of length "
                "num_classes, or integer class indices."
            )
    return smooth(y, eps, num_classes)


def smooth(y: np.ndarray, eps: float, num_classes: int) -> np.ndarray:
    """``(1 - eps) y + eps / K`` for a validated distribution ``y`` over ``K = num_classes``.

    ``y`` may be any slice of the distributions (the class axis anywhere, even cut in
    chunks): the formula is elementwise once ``K`` is known.
    """
    if eps == 0:
        return y
    dt = y.dtype.type
    out = y * dt(1 - eps)
    out += dt(eps / num_classes)
    return out
