"""Scoring reported probabilities: the Brier score, calibration, and temperature scaling.

The log loss (cross-entropy) lives in :mod:`.categorical`; this module adds the other
measures chapter 8 sets beside it. The truth comes first in every function.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from .. import _reduction
from .. import _validation as v
from .categorical import one_hot, softmax_cross_entropy_grad

__all__ = [
    "ReliabilityCurve",
    "brier_score",
    "expected_calibration_error",
    "fit_temperature",
    "reliability_curve",
]

# Bisection stops once the bracket on 1/T is this narrow relative to its upper end.
_RTOL = 1e-12


class ReliabilityCurve(NamedTuple):
    """Per confidence bin: mean confidence, accuracy and number of examples.

    A named tuple of three arrays of length ``bins``, as returned by
    :func:`reliability_curve`. In a bin that no example falls into, ``confidence``
    and ``accuracy`` are NaN (there is nothing to average) and ``count`` is 0.

    Examples
    --------
    >>> import xentbook as xb
    >>> curve = xb.reliability_curve([0, 1], [[0.9, 0.1], [0.8, 0.2]], bins=2)
    >>> confidence, accuracy, count = curve  # a named tuple unpacks
    >>> count.tolist(), accuracy.tolist()
    ([0, 2], [nan, 0.5])
    """

    confidence: np.ndarray
    accuracy: np.ndarray
    count: np.ndarray


def brier_score(
    target: npt.ArrayLike,
    probs: npt.ArrayLike,
    *,
    axis: int = -1,
    reduction: str = "mean",
):
    """The Brier score: squared distance between the target distribution and ``probs``.

    Parameters
    ----------
    target : array_like
        Either integer class indices, with the shape of ``probs`` without its class
        axis, or class probabilities with the shape of ``probs`` (soft targets).
    probs : array_like
        Predicted probability distributions along ``axis``.
    axis : int, optional
        The class axis of ``probs`` (and of probability targets). Default -1.
    reduction : {'mean', 'sum', 'none'}, optional
        Average over examples (default), add them up, or return one score per example.

    Returns
    -------
    ndarray or float
        The score, in squared probability units (no logarithm, so no nats or bits):
        between 0 (certain and right) and 2 (certain and wrong) per example.
        float32 ``probs`` give float32.

    See Also
    --------
    softmax_cross_entropy : the log loss, the other proper score of the book.
    expected_calibration_error : a measure of calibration alone.

    Notes
    -----
    For a target distribution :math:`p` (one-hot for a class index) and a
    prediction :math:`q` over :math:`K` classes,

    .. math::

        B(p, q) = \\sum_{c=1}^{K} (q_c - p_c)^2 .

    This is Brier's (1950) original, multi-class form; some libraries report the
    two-class score :math:`(q_1 - y)^2`, which is half of it. The Brier score is a
    proper scoring rule: when outcomes are drawn from :math:`p`, the expected score
    of reporting :math:`q` is :math:`\\sum_c p_c(1 - p_c) + \\lVert q - p\\rVert^2`,
    least exactly at :math:`q = p`. Unlike the log loss it stays finite when a
    class that occurs was given probability 0.

    Examples
    --------
    A forecast of 70 % rain: rain scores 0.09 + 0.09, a dry day 0.49 + 0.49.

    >>> import xentbook as xb
    >>> print(xb.brier_score([0, 1], [[0.7, 0.3], [0.7, 0.3]], reduction="none"))
    [0.18 0.98]

    Averaged over days on which it rains 7 times in 10, honesty scores best:

    >>> days = [0] * 7 + [1] * 3
    >>> for q in (0.5, 0.7, 0.9):
    ...     print(q, round(float(xb.brier_score(days, [[q, 1 - q]] * 10)), 3))
    0.5 0.5
    0.7 0.42
    0.9 0.5
    """
    reduction = _reduction.check_reduction(reduction)
    q = v.check_distribution(probs, "probs", axis=axis)
    p = _target_distribution(target, q, axis, "probs")
    q = np.moveaxis(q, v.check_axis(axis, q.ndim), -1)
    diff = q - p.astype(q.dtype, copy=False)
    return _reduction.reduce(np.sum(diff * diff, axis=-1), reduction, q.dtype)


def reliability_curve(
    target: npt.ArrayLike, probs: npt.ArrayLike, *, bins: int = 15
) -> ReliabilityCurve:
    """Mean confidence, accuracy and count in each of ``bins`` equal-width confidence bins.

    Parameters
    ----------
    target : array_like of int
        The true class of each example: ``probs`` without its last axis.
    probs : array_like
        Predicted probability distributions along the last axis, shape ``(..., K)``.
    bins : int, optional
        Number of equal-width bins over [0, 1]. Default 15.

    Returns
    -------
    ReliabilityCurve
        A named tuple ``(confidence, accuracy, count)`` of arrays of length ``bins``:
        the mean confidence (a probability) and the accuracy (a fraction) of the
        examples in each bin, and their number. Empty bins hold NaN and count 0.

    See Also
    --------
    expected_calibration_error : the count-weighted gap, in one number.
    xentbook.plotting.plot_reliability_diagram : the diagram.

    Notes
    -----
    The confidence of an example is its largest probability
    :math:`\\hat p = \\max_c q_c`, and it counts as correct when its predicted class
    :math:`\\arg\\max_c q_c` (the first one in a tie) is the target. Bin
    :math:`m = 1, \\dots, M` holds the confidences in
    :math:`\\bigl(\\tfrac{m-1}{M}, \\tfrac{m}{M}\\bigr]`, the first bin also 0; the
    edges are ``np.linspace(0, 1, bins + 1)``. A model is calibrated when, in every
    bin, the accuracy equals the mean confidence: the reliability diagram plots
    one against the other (Guo et al., 2017).

    Examples
    --------
    Four predictions, two at 90 % (one right) and two at 60 % (both right):

    >>> import xentbook as xb
    >>> probs = [[0.9, 0.1], [0.1, 0.9], [0.6, 0.4], [0.4, 0.6]]
    >>> curve = xb.reliability_curve([0, 0, 0, 1], probs, bins=5)
    >>> curve.count.tolist()
    [0, 0, 2, 0, 2]
    >>> curve.accuracy[[2, 4]].tolist(), curve.confidence[[2, 4]].round(2).tolist()
    ([1.0, 0.5], [0.6, 0.9])
    """
    correct, confidence, bins = _confidences(target, probs, bins)
    index = _bin_index(confidence, bins)
    count = np.bincount(index, minlength=bins)
    conf_sum = np.bincount(index, weights=confidence, minlength=bins)
    hit_sum = np.bincount(index, weights=correct, minlength=bins)
    filled = count > 0
    mean_conf = np.full(bins, np.nan)
    accuracy = np.full(bins, np.nan)
    mean_conf[filled] = conf_sum[filled] / count[filled]
    accuracy[filled] = hit_sum[filled] / count[filled]
    return ReliabilityCurve(mean_conf, accuracy, count)


def expected_calibration_error(target: npt.ArrayLike, probs: npt.ArrayLike, *, bins: int = 15):
    """Expected calibration error: the count-weighted mean gap between accuracy and confidence.

    Parameters
    ----------
    target, probs
        As for :func:`reliability_curve`.
    bins : int, optional
        Number of equal-width confidence bins over [0, 1]. Default 15.

    Returns
    -------
    float
        The ECE, a probability gap in [0, 1] (no unit): 0 for a model whose accuracy
        matches its confidence in every bin.

    See Also
    --------
    reliability_curve, brier_score, fit_temperature

    Notes
    -----
    With :math:`n` examples, :math:`n_m` of them in bin :math:`m` (the bins of
    :func:`reliability_curve`), and :math:`\\mathrm{acc}_m`, :math:`\\mathrm{conf}_m`
    their accuracy and mean confidence (Naeini et al., 2015; Guo et al., 2017),

    .. math::

        \\mathrm{ECE} = \\sum_{m=1}^{M} \\frac{n_m}{n}
            \\bigl|\\mathrm{acc}_m - \\mathrm{conf}_m\\bigr| .

    Empty bins contribute nothing. It is computed as
    :math:`\\sum_m |\\text{hits}_m - \\text{confidences}_m| / n`, sums per bin, so no
    empty bin is ever divided by 0. The ECE is not a proper score: a model that
    always reports its overall accuracy as its confidence has ECE 0 however little
    it knows about each example. It also depends on ``bins``.

    Examples
    --------
    Ten predictions at 90 % confidence of which 6 are right: a gap of 0.3.

    >>> import xentbook as xb
    >>> target = [0] * 6 + [1] * 4
    >>> probs = [[0.9, 0.1]] * 10
    >>> print(round(xb.expected_calibration_error(target, probs), 6))
    0.3
    """
    correct, confidence, bins = _confidences(target, probs, bins)
    index = _bin_index(confidence, bins)
    conf_sum = np.bincount(index, weights=confidence, minlength=bins)
    hit_sum = np.bincount(index, weights=correct, minlength=bins)
    return float(np.abs(hit_sum - conf_sum).sum() / confidence.size)


def fit_temperature(target: npt.ArrayLike, logits: npt.ArrayLike) -> float:
    """The temperature T > 0 that minimises the mean cross-entropy of ``softmax(logits / T)``.

    Parameters
    ----------
    target : array_like
        Integer class indices with the shape of ``logits`` without its last axis,
        or class probabilities with the shape of ``logits``.
    logits : array_like
        Finite logits, classes along the last axis (at least 2 classes).

    Returns
    -------
    float
        The temperature (a positive number, no unit), to a relative accuracy of
        1e-8 or better. T > 1 softens overconfident predictions, T < 1 sharpens
        underconfident ones.

    Raises
    ------
    ValueError
        When no T in (0, inf) minimises the loss: the logits rank the target
        classes so well that the loss keeps falling as T goes to 0 (every target
        class has the largest logit, the case of a model that fits its data
        perfectly), or so badly that T = inf, the uniform prediction, is best.
        Either way the message says which. Also when the minimiser lies so close to
        those limits that 1/T leaves the range [1e-300, 1e300].

    See Also
    --------
    softmax_cross_entropy, expected_calibration_error

    Notes
    -----
    Write :math:`\\beta = 1/T`. The loss
    :math:`L(\\beta) = \\frac1n \\sum_i H\\bigl(p_i, \\operatorname{softmax}(\\beta z_i)\\bigr)`
    is convex in :math:`\\beta` (a convex function of logits that are linear in
    :math:`\\beta`), with derivative

    .. math::

        L'(\\beta) = \\frac1n \\sum_i \\bigl(\\mathbb E_{q_i}[z_i] - \\mathbb E_{p_i}[z_i]\\bigr),
        \\qquad q_i = \\operatorname{softmax}(\\beta z_i),

    computed here as :math:`\\sum_{ic} G_{ic} z_{ic}` from
    :func:`softmax_cross_entropy_grad`'s gradient :math:`G` at the logits
    :math:`\\beta z`. :math:`L'` increases from
    :math:`L'(0) = \\frac1n\\sum_i(\\bar z_i - \\mathbb E_{p_i}[z_i])` (:math:`\\bar z_i`
    the mean logit of row :math:`i`) to
    :math:`L'(\\infty) = \\frac1n\\sum_i(\\max_c z_{ic} - \\mathbb E_{p_i}[z_i]) \\ge 0`.
    A minimiser :math:`\\beta^* \\in (0, \\infty)` exists exactly when
    :math:`L'(0) < 0 < L'(\\infty)`; otherwise the function raises (see Raises).
    The root of :math:`L'` is bracketed by doubling or halving from
    :math:`\\beta = 1`, then bisected until the bracket is narrower than
    :math:`10^{-12}` of :math:`\\beta`, so :math:`T = 1/\\beta^*` is found to that
    relative accuracy up to the rounding of :math:`L'` itself. Dividing logits by a
    positive T never changes their order, so the predicted classes and the accuracy
    stay the same (Guo et al., 2017).

    Examples
    --------
    Ten examples share the logits (2, 0); class 0 is right in 7 of them. The best
    probability for class 0 is then 0.7, so T solves sigmoid(2 / T) = 0.7:

    >>> import numpy as np
    >>> import xentbook as xb
    >>> logits = np.tile([2.0, 0.0], (10, 1))
    >>> target = np.array([0] * 7 + [1] * 3)
    >>> T = xb.fit_temperature(target, logits)
    >>> print(f"{T:.10f} {2 / np.log(7 / 3):.10f}")
    2.3604450023 2.3604450023
    >>> print(xb.softmax(logits[0] / T).round(6))
    [0.7 0.3]
    """
    z = v.as_float_array(logits, "logits", np.dtype(np.float64))
    if z.ndim == 0 or z.shape[-1] < 2:
        raise ValueError(
            f"`logits` must have a class axis (the last) with at least 2 classes; got shape "
            f"{z.shape}. Pass one row of logits per example, shape (n, K)."
        )
    v.check_finite(z, "logits")
    p = _target_distribution(target, z, -1, "logits")
    expected_target = np.sum(p * z, axis=-1)
    slope_at_zero = float(np.mean(z.mean(axis=-1) - expected_target))
    slope_at_inf = float(np.mean(z.max(axis=-1) - expected_target))
    if not slope_at_inf > 0:
        raise ValueError(
            "`logits` put every target's probability on its largest logits, so the loss "
            "falls towards 0 as T -> 0 and no T > 0 minimises it; fit the temperature on "
            "held-out data that the model does not already fit perfectly."
        )
    if not slope_at_zero < 0:
        raise ValueError(
            "`logits` rank the target classes no better than chance on average, so the "
            "uniform prediction (T = inf) scores best; check that targets and logits match."
        )

    def slope(beta: float) -> float:
        return float(np.sum(softmax_cross_entropy_grad(p, beta * z) * z))

    low, high = _bracket(slope)
    while high - low > _RTOL * high:
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        if slope(middle) < 0:
            low = middle
        else:
            high = middle
    return 2.0 / (low + high)


def _bracket(slope) -> tuple[float, float]:
    """``(low, high)`` with slope(low) < 0 <= slope(high), found by doubling or halving from 1."""
    beta = 1.0
    if slope(beta) < 0:
        while slope(2 * beta) < 0:
            beta *= 2
            _check_bracket(beta)
        return beta, 2 * beta
    while slope(beta / 2) >= 0:
        beta /= 2
        _check_bracket(beta)
    return beta / 2, beta


def _check_bracket(beta: float) -> None:
    """Stop a bracket that left the floating-point range: the minimiser is out of reach."""
    if not 1e-300 < beta < 1e300:
        raise ValueError(
            f"`logits` put the best temperature out of floating-point range (1/T = {beta:.3g}); "
            "the loss is flat to rounding error there, so no temperature can be fitted."
        )


def _target_distribution(target, q: np.ndarray, axis: int, other: str) -> np.ndarray:
    """The target as distributions along the last axis, for ``q`` with classes along ``axis``."""
    ax = v.check_axis(axis, q.ndim)
    t = v.as_array(target, "target")
    if t.dtype.kind in "iu":  # integer class indices (timedelta64 is not one)
        shape = q.shape[:ax] + q.shape[ax + 1 :]
        return one_hot(v.check_labels(t, q.shape[ax], shape, "target"), q.shape[ax])
    p = v.check_distribution(t, "target", axis=axis)
    v.check_same_shape(p, q, ("target", other))
    return np.moveaxis(p, ax, -1)


def _confidences(target, probs, bins) -> tuple[np.ndarray, np.ndarray, int]:
    """Flattened (correct, confidence) per example, and the validated number of bins."""
    bins = v.check_integer(bins, "bins", minimum=1)
    q = v.check_distribution(probs, "probs", axis=-1)
    t = v.check_labels(target, q.shape[-1], q.shape[:-1], "target")
    q = q.reshape(-1, q.shape[-1]).astype(np.float64, copy=False)
    if q.shape[0] == 0:
        raise ValueError("`probs` holds no examples; calibration needs at least one.")
    predicted = np.argmax(q, axis=-1)
    correct = (predicted == t.reshape(-1)).astype(np.float64)
    return correct, q[np.arange(q.shape[0]), predicted], bins


def _bin_index(confidence: np.ndarray, bins: int) -> np.ndarray:
    """Index of the bin (m-1)/M < c <= m/M of each confidence, the first bin also holding 0."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.searchsorted(edges, confidence, side="left") - 1
    return np.clip(index, 0, bins - 1).astype(np.intp, copy=False)
