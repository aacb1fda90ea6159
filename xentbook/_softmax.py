"""The softmax family: logsumexp, log_softmax and softmax, stable for any logits.

Each function works along one axis (the class axis, last by default) and shifts
by the row maximum, so no logit is too large or too small. The shared trick is to
split the normaliser at the maximum ``m``:

.. math::

    \\sum_j e^{x_j} = e^{m} \\Bigl(1 + s\\Bigr), \\qquad
    s = \\sum_{j \\ne a} e^{x_j - m},

where ``a`` is one index of the maximum. Then ``log1p(s)`` is exact to a few ulp
even when ``s`` is far below machine epsilon, which is what keeps tiny losses
(confident, correct predictions) accurate. Infinite logits follow one rule: the
entries equal to an infinite row maximum share the probability equally (a row of
``-inf`` is uniform, one ``+inf`` takes all the mass), which is the limit of every
tied entry moving to infinity at the same rate. Large arrays are processed in the
bounded blocks of :mod:`xentbook._rows`, so no full-size temporary is ever built.

float32 and float16 logits give float32 results (float16 is computed in float32);
everything else is computed in float64.

A 0-d input is a single logit, a distribution over one outcome: ``logsumexp(x)``
is ``x``, ``softmax(x)`` is 1 and ``log_softmax(x)`` is 0, as in SciPy and
PyTorch. (Functions that take probability distributions, such as ``entropy``, and
the losses refuse 0-d input instead: a lone probability is not a distribution.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import _rows as rows
from . import _validation as v

if TYPE_CHECKING:  # numpy.typing costs import time and is only needed by type checkers
    import numpy.typing as npt

__all__ = ["log_softmax", "logsumexp", "softmax"]


def logsumexp(x: npt.ArrayLike, *, axis: int = -1):
    """The log of the sum of exponentials, ``log(sum(exp(x)))``, without overflow.

    Parameters
    ----------
    x : array_like
        Real numbers (logits, log-probabilities, log-weights); ``-inf`` and ``+inf``
        are allowed, NaN is not.
    axis : int, optional
        The axis to reduce. Default -1.

    Returns
    -------
    ndarray or float
        ``log(sum(exp(x)))`` along ``axis``, with ``axis`` removed. In nats when
        ``x`` holds log-probabilities in nats.

    See Also
    --------
    log_softmax, softmax, scipy.special.logsumexp

    Notes
    -----
    With ``m`` the row maximum at index ``a`` and ``s`` the sum of
    ``exp(x_j - m)`` over the other entries,

    .. math::

        \\operatorname{LSE}(x) = \\begin{cases}
            -\\infty & \\text{every } x_j = -\\infty \\text{ (or no entries)}, \\\\
            +\\infty & \\text{some } x_j = +\\infty, \\\\
            m + \\operatorname{log1p}(s) & \\text{otherwise.}
        \\end{cases}

    Unlike the usual ``m + log(sum(exp(x - m)))`` the result keeps full relative
    accuracy when ``m = 0`` and the other entries are very negative.

    Examples
    --------
    The log-partition function of three logits; a huge shift does not overflow.

    >>> import numpy as np
    >>> import xentbook as xb
    >>> print(xb.logsumexp([0.0, np.log(2), np.log(3)]).round(6))
    1.791759
    >>> print(xb.logsumexp([1000.0, 1000.0]).round(6))
    1000.693147

    log(e^0 + e^-40) is 0 + 4.248e-18: too small to see in 1 + e^-40, not in log1p.

    >>> print(xb.logsumexp([0.0, -40.0]))
    4.248354255291589e-18
    """
    arr, ax, scalar = _one_axis(x, "x", axis)
    out = np.full(rows.kept_shape(arr.shape, ax), -np.inf, dtype=arr.dtype)

    def work(block, buffer):
        stats = rows.stats(arr, block, ax, "x", buffer)
        out[block.rows] = stats.maximum + np.log1p(stats.tail)

    rows.run(work, arr.shape, ax, lambda: rows.scratch(arr), arr.itemsize)
    return (out.reshape(()) if scalar else np.squeeze(out, ax))[()]


def log_softmax(logits: npt.ArrayLike, *, axis: int = -1):
    """Log-probabilities of the softmax distribution of ``logits``.

    Parameters
    ----------
    logits : array_like
        Unnormalised log-probabilities; ``-inf`` and ``+inf`` are allowed, NaN is not.
    axis : int, optional
        The class axis. Default -1.

    Returns
    -------
    ndarray
        ``log softmax(logits)`` in nats, with the shape of ``logits``: every entry
        is at most 0 and ``exp`` of each row sums to 1.

    See Also
    --------
    softmax, logsumexp, softmax_cross_entropy

    Notes
    -----
    With ``m`` the row maximum and ``s`` as in :func:`logsumexp`,

    .. math::

        \\log \\sigma(x)_i = \\begin{cases}
            (x_i - m) - \\operatorname{log1p}(s) & m \\text{ finite}, \\\\
            -\\log k & m = \\pm\\infty,\\ x_i = m, \\\\
            -\\infty & m = +\\infty,\\ x_i < m,
        \\end{cases}

    where ``k`` counts the entries equal to an infinite maximum: a row of ``-inf``
    gives the uniform ``-log n``, a single ``+inf`` gives 0 there and ``-inf``
    elsewhere. (PyTorch and SciPy return NaN for such rows.) Adding a constant to
    every logit of a row leaves the result unchanged.

    Examples
    --------
    Log-probabilities of three classes, and of the same logits shifted by 100:

    >>> import xentbook as xb
    >>> xb.log_softmax([2.0, 1.0, 0.1]).round(4)
    array([-0.417, -1.417, -2.317])
    >>> xb.log_softmax([102.0, 101.0, 100.1]).round(4)
    array([-0.417, -1.417, -2.317])

    A logit of ``-inf`` rules its class out:

    >>> xb.log_softmax([0.0, float("-inf")])
    array([  0., -inf])
    """

    def fill(out, stats, parts, ax):
        tail = np.log1p(stats.tail)
        for part in parts:
            np.subtract(part.shift, tail, out=out[part.index])

    return _map_rows(fill, logits, axis, keep_shift=True)


def softmax(logits: npt.ArrayLike, *, axis: int = -1):
    """The softmax distribution: ``exp(logits)`` normalised along ``axis``.

    Parameters
    ----------
    logits, axis
        As for :func:`log_softmax`.

    Returns
    -------
    ndarray
        Probabilities with the shape of ``logits``, each row summing to 1.

    See Also
    --------
    log_softmax, logsumexp, normalize

    Notes
    -----
    With ``m`` the row maximum and ``s`` as in :func:`logsumexp`,

    .. math::

        \\sigma(x)_i = \\begin{cases}
            e^{x_i - m} / (1 + s) & m \\text{ finite}, \\\\
            1 / k & m = \\pm\\infty,\\ x_i = m, \\\\
            0 & m = +\\infty,\\ x_i < m,
        \\end{cases}

    where ``k`` counts the entries equal to an infinite maximum: a row of ``-inf``
    is uniform, a single ``+inf`` takes all the mass. (PyTorch and SciPy return
    NaN for such rows.)

    Examples
    --------
    Logits 2, 1, 0.1 become probabilities; a common shift changes nothing.

    >>> import xentbook as xb
    >>> xb.softmax([2.0, 1.0, 0.1]).round(3)
    array([0.659, 0.242, 0.099])
    >>> xb.softmax([1002.0, 1001.0, 1000.1]).round(3)
    array([0.659, 0.242, 0.099])

    An infinite logit wins outright; a row with no finite logit is uniform.

    >>> xb.softmax([[float("inf"), 3.0], [float("-inf"), float("-inf")]])
    array([[1. , 0. ],
           [0.5, 0.5]])
    """

    def fill(out, stats, parts, ax):
        for part in parts:
            rows.place(part.exp, part.argmax, 1, ax)
            np.divide(part.exp, 1 + stats.tail, out=out[part.index])

    return _map_rows(fill, logits, axis)


def _map_rows(fill, logits, axis: int, *, keep_shift: bool = False):
    """An array shaped like ``logits``, written block by block by ``fill``.

    ``fill(out, stats, parts, ax)`` gets each block's row statistics and parts from
    :func:`xentbook._rows.scan` and writes the block's entries of ``out``.
    """
    arr, ax, scalar = _one_axis(logits, "logits", axis)
    out = np.empty(arr.shape, dtype=arr.dtype)

    def work(block, buffer):
        stats, parts = rows.scan(arr, block, ax, "logits", buffer, keep_shift=keep_shift)
        fill(out, stats, parts, ax)

    rows.run(work, arr.shape, ax, lambda: rows.scratch(arr, keep_shift=keep_shift), arr.itemsize)
    return out.reshape(()) if scalar else out


def _one_axis(x, name: str, axis: int):
    """``x`` as a float array, its reduced axis, and whether ``x`` was 0-d.

    A 0-d input is one logit: a distribution over a single outcome, so it is
    treated as a 1-D array of length 1 (``axis`` must then be 0 or -1).
    """
    arr = v.to_float_array(x, name)
    if arr.ndim == 0:
        return arr.reshape(1), v.check_axis(axis, 1), True
    return arr, v.check_axis(axis, arr.ndim), False
