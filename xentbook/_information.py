"""Information measures: surprisal, entropy, cross-entropy and KL divergence.

Every function takes the *true* distribution first, as in the book's H(p, q), and
reports its result in nats unless ``base`` says otherwise (``base=2`` gives bits).
All of them share one set of conventions:

.. math::

    0 \\log 0 = 0, \\qquad
    -p \\log q = \\begin{cases}
        0 & p = 0, \\\\
        +\\infty & p > 0,\\ q = 0, \\\\
        -p \\log q & \\text{otherwise.}
    \\end{cases}

float32 and float16 input give float32 output (float16 is computed in float32);
float64, integer and mixed float32/float64 input give float64.
No RuntimeWarning escapes: the zero and infinity cases are handled explicitly.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from . import _rows as rows
from . import _validation as v
from ._docstrings import fill_docs
from ._elementwise import neg_p_log_p, neg_p_log_q

if TYPE_CHECKING:  # numpy.typing costs import time and is only needed by type checkers
    import numpy.typing as npt

__all__ = ["cross_entropy", "entropy", "kl_divergence", "normalize", "surprisal"]


def surprisal(p: npt.ArrayLike, *, base: float | None = None):
    """Surprisal (self-information) of events with probability ``p``.

    Parameters
    ----------
    p : array_like
        Probabilities of individual events, each in [0, 1]. They need not sum to 1:
        the function works elementwise.
    %(base)s

    Returns
    -------
    ndarray or float
        ``-log(p)`` in the chosen unit, with the shape of ``p``.

    See Also
    --------
    entropy : the expected surprisal under a distribution.

    Notes
    -----
    .. math::

        I(p) = -\\log_b p = \\begin{cases}
            +\\infty & p = 0, \\\\
            0 & p = 1, \\\\
            -\\log_b p & 0 < p < 1.
        \\end{cases}

    Rare events carry much information, certain events carry none, and the
    surprisal of two independent events is the sum of their surprisals.

    Examples
    --------
    A fair coin landing heads carries one bit; a one-in-a-million event about 20.

    >>> import xentbook as xb
    >>> print(xb.surprisal(0.5, base=2))
    1.0
    >>> print(xb.surprisal(1e-6, base=2).round(3))
    19.932

    Certainty carries nothing, and an impossible event would be infinitely surprising.

    >>> xb.surprisal([1.0, 0.0])
    array([ 0., inf])
    """
    b = v.check_base(base)
    arr = v.as_probabilities(p, "p")
    with np.errstate(divide="ignore"):
        out = _plus_zero(-np.asarray(_log(arr, b)))
    return out[()]


def entropy(p: npt.ArrayLike, *, axis: int = -1, base: float | None = None):
    """Shannon entropy H(p) of the distributions in ``p``.

    Parameters
    ----------
    p : array_like
        Probability distributions along ``axis``: entries in [0, 1] that sum to 1.
    axis : int, optional
        The outcome axis, reduced away. Default -1.
    %(base)s

    Returns
    -------
    ndarray or float
        The entropy of each distribution, in nats (or in units of ``base``), with
        the shape of ``p`` less ``axis``.

    See Also
    --------
    surprisal : the information of one outcome.
    cross_entropy : the expected surprisal under a different model.

    Notes
    -----
    .. math::

        H(p) = -\\sum_i p_i \\log_b p_i, \\qquad
        -p_i \\log p_i = \\begin{cases}
            0 & p_i = 0, \\\\
            -p_i \\log p_i & p_i > 0.
        \\end{cases}

    H(p) lies between 0 (a certain outcome) and log n (the uniform distribution
    over n outcomes).

    Raises ``ValueError`` where ``p`` is not a distribution; it never renormalises.

    Examples
    --------
    A fair coin carries one bit, a biased one less.

    >>> import xentbook as xb
    >>> print(xb.entropy([0.5, 0.5], base=2))
    1.0
    >>> print(xb.entropy([0.9, 0.1], base=2).round(4))
    0.469

    A fair die, in nats and in bits, one distribution per row.

    >>> xb.entropy([[1 / 6] * 6, [1.0, 0, 0, 0, 0, 0]], base=2).round(4)
    array([2.585, 0.   ])
    """
    b = v.check_base(base)
    arr = v.check_distribution(p, "p", axis)
    return _reduce((neg_p_log_p,), (arr,), axis, b)


def cross_entropy(p: npt.ArrayLike, q: npt.ArrayLike, *, axis: int = -1, base: float | None = None):
    """Cross-entropy H(p, q): the expected surprisal of outcomes from ``p`` under model ``q``.

    Parameters
    ----------
    p : array_like
        The true distributions along ``axis``.
    q : array_like
        The model distributions along ``axis``; broadcast against ``p``.
    axis : int, optional
        The outcome axis, reduced away. Default -1.
    %(base)s

    Returns
    -------
    ndarray or float
        H(p, q) for each pair of distributions, in nats (or in units of ``base``).
        In bits it is the average code length paid when outcomes from ``p`` are
        coded with an ideal code built for ``q``.

    See Also
    --------
    entropy, kl_divergence, softmax_cross_entropy

    Notes
    -----
    .. math::

        H(p, q) = -\\sum_i p_i \\log_b q_i, \\qquad
        -p_i \\log q_i = \\begin{cases}
            0 & p_i = 0, \\\\
            +\\infty & p_i > 0,\\ q_i = 0, \\\\
            -p_i \\log q_i & \\text{otherwise.}
        \\end{cases}

    It splits as H(p, q) = H(p) + KL(p ‖ q), so it is never below H(p) (Gibbs'
    inequality), with equality only when q = p.

    Examples
    --------
    Coding a fair coin with a code built for a 90/10 coin costs more than one bit.

    >>> import xentbook as xb
    >>> print(xb.cross_entropy([0.5, 0.5], [0.9, 0.1], base=2).round(4))
    1.737

    A model that rules out an outcome that does happen pays an infinite price.

    >>> print(xb.cross_entropy([0.5, 0.5], [1.0, 0.0]))
    inf

    A one-hot truth picks out the log loss of the correct class: -log 0.7.

    >>> print(xb.cross_entropy([0, 1, 0], [0.2, 0.7, 0.1]).round(4))
    0.3567
    """
    b = v.check_base(base)
    pa, qa = _distribution_pair(p, q, axis)
    return _reduce((neg_p_log_q,), (pa, qa), axis, b)


def kl_divergence(p: npt.ArrayLike, q: npt.ArrayLike, *, axis: int = -1, base: float | None = None):
    """Kullback-Leibler divergence KL(p ‖ q) of model ``q`` from truth ``p``.

    Parameters
    ----------
    p, q, axis, base
        As for :func:`cross_entropy`.

    Returns
    -------
    ndarray or float
        KL(p ‖ q) for each pair, in nats (or in units of ``base``): the extra cost
        of coding ``p`` with a code built for ``q``. Never negative, and exactly 0
        where ``q`` equals ``p``.

    See Also
    --------
    cross_entropy, entropy

    Notes
    -----
    .. math::

        \\mathrm{KL}(p \\,\\|\\, q) = \\sum_i p_i \\log_b \\frac{p_i}{q_i}, \\qquad
        p_i \\log \\frac{p_i}{q_i} = \\begin{cases}
            0 & p_i = 0, \\\\
            +\\infty & p_i > 0,\\ q_i = 0, \\\\
            p_i \\log \\frac{p_i}{q_i} & \\text{otherwise.}
        \\end{cases}

    It is computed directly, never as H(p, q) - H(p), which would subtract two
    large numbers to get a small one. Each summand is written as the non-negative
    ``p log(p/q) - p + q`` (from ``d = (q - p) / p``, with a series for
    ``d - log1p(d)`` when ``d`` is small), and the sum of ``p - q`` is added at the
    end, so nearly equal distributions keep their relative accuracy (a few ulp,
    where the ``log(q/p)`` form loses every digit). A sum that rounding pushes just
    below zero is returned as 0, as Gibbs' inequality requires. Where q equals p
    every term is exactly 0.

    KL is not symmetric: KL(p ‖ q) and KL(q ‖ p) differ in general.

    Examples
    --------
    The extra bits paid for coding a fair coin with a 90/10 code:

    >>> import xentbook as xb
    >>> p, q = [0.5, 0.5], [0.9, 0.1]
    >>> print(xb.kl_divergence(p, q, base=2).round(4))
    0.737

    That is exactly the gap between cross-entropy and entropy, and it is
    asymmetric:

    >>> print((xb.cross_entropy(p, q, base=2) - xb.entropy(p, base=2)).round(4))
    0.737
    >>> print(xb.kl_divergence(q, p, base=2).round(4))
    0.531
    >>> print(xb.kl_divergence(p, p))
    0.0
    """
    b = v.check_base(base)
    pa, qa = _distribution_pair(p, q, axis)
    return _reduce((_kl_terms, _gap), (pa, qa), axis, b, nonnegative=True)


def normalize(x: npt.ArrayLike, *, axis: int = -1):
    """Scale non-negative weights so that they sum to 1 along ``axis``.

    The one place where xentbook divides by a sum: every other function refuses
    unnormalised input rather than renormalise it silently.

    Parameters
    ----------
    x : array_like
        Non-negative, finite weights (counts, scores, unnormalised probabilities).
    axis : int, optional
        The axis to normalise along. Default -1.

    Returns
    -------
    ndarray
        ``x / x.sum(axis)``, a probability distribution along ``axis``, in the
        floating dtype of ``x`` (float64 for integer counts).

    See Also
    --------
    softmax : normalise logits rather than weights.

    Notes
    -----
    .. math::

        \\hat{x}_i = \\frac{x_i}{\\sum_j x_j}, \\qquad \\text{defined only if } \\sum_j x_j > 0.

    Examples
    --------
    Letter counts become letter frequencies:

    >>> import xentbook as xb
    >>> xb.normalize([3, 1])
    array([0.75, 0.25])
    >>> xb.normalize([[1, 1], [0, 2]])
    array([[0.5, 0.5],
           [0. , 1. ]])
    """
    arr = v.as_float_array(x, "x")
    ax = v.check_axis(axis, arr.ndim)
    if arr.size and arr.min() < 0:
        raise ValueError(
            "`x` must hold non-negative weights to normalise; it has a negative entry."
        )
    if not np.isfinite(arr).all():
        raise ValueError("`x` must be finite to normalise; it holds an infinite entry.")
    with np.errstate(over="ignore"):
        total = arr.sum(axis=ax, keepdims=True)
    if not np.isfinite(total).all():
        # Finite weights whose sum overflows: divide those rows by their maximum first.
        scale = np.where(np.isfinite(total), 1, arr.max(axis=ax, keepdims=True))
        arr = arr / scale
        total = arr.sum(axis=ax, keepdims=True)
    if (total == 0).any():
        raise ValueError(
            f"`x` sums to 0 along axis {axis} somewhere, so it cannot be normalised; "
            "give at least one outcome a positive weight."
        )
    return arr / total


def _distribution_pair(p, q, axis):
    """Validate two distributions and broadcast them in a shared floating dtype."""
    pa = v.as_array(p, "p")
    qa = v.as_array(q, "q")
    dtype = v.float_dtype(pa, qa)
    pa = v.check_distribution(pa, "p", axis, dtype)
    qa = v.check_distribution(qa, "q", axis, dtype)
    if pa.shape[axis] != qa.shape[axis]:
        # Broadcasting a one-outcome q over p's outcomes would break Gibbs' inequality.
        raise ValueError(
            f"`p` with shape {pa.shape} and `q` with shape {qa.shape} must have the same "
            f"number of outcomes along axis {axis}; only the other axes broadcast."
        )
    return v.broadcast_pair(pa, qa, ("p", "q"))


def _kl_terms(p, q):
    """Non-negative summands ``p log(p/q) - p + q`` of KL(p || q) (``q`` where p = 0).

    Written as ``p g`` with ``g = d - log(q/p) >= 0`` and ``d = (q - p) / p``
    (``q - p`` is exact when q is close to p). Near ``d = 0`` the difference would
    cancel, so there ``g`` comes from a series in ``d`` instead.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        t = np.log(np.divide(q, p))
        d = np.subtract(q, p)
        d /= p
        np.subtract(d, t, out=t)
        _near_equal(t, d)
        t *= p
        if not np.isfinite(t).all():
            odd = ~np.isfinite(t)
            t[odd] = _kl_extreme(p[odd], q[odd])
    return t


def _kl_extreme(p, q):
    """The summands where ``q / p`` is not finite: p = 0 (q), q = 0 (inf), or an overflow."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = q - p + p * (np.log(p) - np.log(q))
    return np.where(p > 0, np.where(q > 0, t, np.inf), q)


_NEAR = 0.25  # |d| below which g comes from the series
_SLICE = 1 << 15  # the series runs on slices this long, so its temporaries stay small


def _near_equal(t, d):
    """Replace ``t = d - log(1 + d)`` by its series (in place) where ``|d| < _NEAR``.

    ``t`` and ``d`` are fresh ufunc outputs of the same operands, so they are laid out
    alike and contiguously (in C order for C input, Fortran order for Fortran input):
    their memory-order ravels are views that pair the same entries.
    """
    flat_t, flat_d = t.ravel(order="K"), d.ravel(order="K")
    for start in range(0, flat_d.size, _SLICE):
        ds = flat_d[start : start + _SLICE]
        near = np.flatnonzero(np.abs(ds) < _NEAR)
        if near.size:
            flat_t[start + near] = _g_near(ds[near])


def _g_near(d):
    """``d - log1p(d)`` for small ``|d|``, from ``u = d / (2 + d)``, without cancellation.

    With ``log1p(d) = 2 atanh(u)`` and ``d = 2u / (1 - u)``:
    ``g = 2u^2 / (1 - u) - 2u^3 (1/3 + u^2/5 + u^4/7 + ...)``; for ``|d| < 1/4`` the
    ratio ``u^2 < 0.021`` makes eleven terms exact to double precision.
    """
    u = d / (2 + d)
    u2 = u * u
    series = np.zeros_like(u)
    for k in range(10, -1, -1):
        series = series * u2 + d.dtype.type(1 / (2 * k + 3))
    return 2 * u2 / (1 - u) - 2 * u * u2 * series


def _gap(p, q):
    """``p - q``: added to the sum of the terms above, it gives the plain KL sum."""
    return np.subtract(p, q)


def _reduce(summands, arrays, axis, base, nonnegative=False):
    """Sum ``f(*arrays)`` over ``axis`` for each function ``f`` of ``summands``, block by block.

    Each summand function is summed on its own over a row (so that small terms are
    not lost against large ones), and the sums are then added, in the engine's blocks:
    nothing but one block's temporaries is allocated beyond the output, and every
    later step works in place on it. ``nonnegative`` turns a sum that rounding pushed
    below zero into 0.
    """
    ax = v.check_axis(axis, arrays[0].ndim)
    out = np.empty(rows.kept_shape(arrays[0].shape, ax), dtype=arrays[0].dtype)
    rows.sum_rows(summands, arrays, ax, out)
    out += out.dtype.type(0)  # -0.0 becomes 0.0
    if base is not None:
        out /= out.dtype.type(math.log(base))
    if nonnegative:
        np.maximum(out, 0, out=out)
    return np.squeeze(out, ax)[()]


def _plus_zero(x: np.ndarray) -> np.ndarray:
    """``x + 0``, which turns -0.0 into 0.0, in the dtype of ``x``.

    The zero has the dtype of ``x``: NumPy 1.x would promote a 0-d float32 plus a
    Python float to float64.
    """
    return np.asarray(x + x.dtype.type(0))


def _log(x, base):
    if base is None:
        return np.log(x)
    if base == 2:
        return np.log2(x)
    if base == 10:
        return np.log10(x)
    return np.log(x) / x.dtype.type(math.log(base))


fill_docs(globals())
