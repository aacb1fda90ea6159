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
tied entry moving to infinity at the same rate. Large arrays are processed in row
blocks that fit in cache, so no full-size temporary is ever built.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from . import _validation as v

if TYPE_CHECKING:  # numpy.typing costs import time and is only needed by type checkers
    import numpy.typing as npt

__all__ = ["log_softmax", "logsumexp", "softmax"]

# Elements per block of rows (512 KiB of float32, 1 MiB of float64): a block and its
# temporaries stay in the L2/L3 caches, and the Python overhead per block stays small.
_BLOCK_ELEMENTS = 1 << 17


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

    See Also
    --------
    log_softmax, softmax, scipy.special.logsumexp

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
    arr = v.to_float_array(x, "x")
    ax = v.check_axis(axis, arr.ndim)
    out = np.empty(_kept_shape(arr.shape, ax), dtype=arr.dtype)
    if arr.shape[ax] == 0:
        out.fill(-np.inf)
    else:
        scratch = _scratch(arr, ax)
        for idx in _blocks(arr.shape, ax):
            _, m, s, _, _ = _row_stats(arr, idx, ax, "x", keep_shift=False, scratch=scratch)
            out[idx] = m + np.log1p(s)
    return np.squeeze(out, ax)[()]


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

    See Also
    --------
    softmax, logsumexp, softmax_cross_entropy

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
    arr = v.to_float_array(logits, "logits")
    ax = v.check_axis(axis, arr.ndim)
    out = np.empty(arr.shape, dtype=arr.dtype)
    for idx in _blocks(arr.shape, ax):
        _, _, s, d, _ = _row_stats(arr, idx, ax, "logits")
        out[idx] = d - np.log1p(s)
    return out


def softmax(logits: npt.ArrayLike, *, axis: int = -1):
    """The softmax distribution: ``exp(logits)`` normalised along ``axis``.

    Parameters
    ----------
    logits : array_like
        Unnormalised log-probabilities; ``-inf`` and ``+inf`` are allowed, NaN is not.
    axis : int, optional
        The class axis. Default -1.

    Returns
    -------
    ndarray
        Probabilities with the shape of ``logits``, each row summing to 1.

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

    See Also
    --------
    log_softmax, logsumexp, normalize

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
    arr = v.to_float_array(logits, "logits")
    ax = v.check_axis(axis, arr.ndim)
    out = np.empty(arr.shape, dtype=arr.dtype)
    for idx in _blocks(arr.shape, ax):
        out[idx] = _softmax_block(arr, idx, ax, "logits")[0]
    return out


def _kept_shape(shape: tuple, ax: int) -> tuple:
    """``shape`` with the class axis reduced to length 1 (``keepdims=True``)."""
    return (*shape[:ax], 1, *shape[ax + 1 :])


def _split(shape: tuple, ax: int):
    """How ``_blocks`` tiles ``shape``: (split axis, rows per block, elements per row, fixed axes).

    The split runs along the first non-class axis whose trailing block (all later
    axes, the class axis in full) fits in ``_BLOCK_ELEMENTS``; the axes before it
    are walked one index at a time.
    """
    batch = [j for j in range(len(shape)) if j != ax]
    for k in batch:
        trailing = shape[ax] * math.prod(shape[j] for j in batch if j > k)
        if trailing <= _BLOCK_ELEMENTS:
            break
    return k, max(1, _BLOCK_ELEMENTS // trailing), trailing, [j for j in batch if j < k]


def _blocks(shape: tuple, ax: int):
    """Index tuples tiling an array of ``shape`` into blocks of whole rows along ``ax``.

    Each block holds about ``_BLOCK_ELEMENTS`` elements, and every index keeps all
    dimensions, so ``ax`` stays valid within a block.
    """
    if shape[ax] == 0:
        return
    if len(shape) == 1:
        yield (slice(None),)
        return
    k, step, _, fixed = _split(shape, ax)
    for outer in np.ndindex(*(shape[j] for j in fixed)):
        idx = [slice(None)] * len(shape)
        for j, i in zip(fixed, outer, strict=True):
            idx[j] = slice(i, i + 1)
        for start in range(0, shape[k], step):
            idx[k] = slice(start, start + step)
            yield tuple(idx)


def _scratch(arr: np.ndarray, ax: int) -> np.ndarray:
    """A flat buffer that holds any block of ``arr``, reused block after block."""
    if arr.ndim == 1:
        return np.empty(arr.size, dtype=arr.dtype)
    _, step, trailing, _ = _split(arr.shape, ax)
    return np.empty(min(arr.size, step * trailing), dtype=arr.dtype)


def _pick(block: np.ndarray, index: np.ndarray, ax: int, flat=None) -> np.ndarray:
    """``take_along_axis(block, index, ax)`` for one index per row, by flat indexing if possible.

    ``flat`` may pass in ``_flat(block, index, ax)`` when the caller has it already.
    """
    flat = _flat(block, index, ax) if flat is None else flat
    if flat is False:
        return np.take_along_axis(block, index, axis=ax)
    return block.reshape(-1)[flat].reshape(index.shape)


def _place(block: np.ndarray, index: np.ndarray, values, ax: int, flat=None) -> None:
    """``put_along_axis(block, index, values, ax)`` for one index per row (``flat`` as in _pick)."""
    flat = _flat(block, index, ax) if flat is None else flat
    if flat is False:
        np.put_along_axis(block, index, values, axis=ax)
    else:
        block.reshape(-1)[flat] = np.reshape(values, -1)


def _flat(block: np.ndarray, index: np.ndarray, ax: int):
    """Flat positions of the per-row ``index``, or False unless ``block`` is C-contiguous
    with ``ax`` last (then fancy indexing on the flat view beats take_along_axis)."""
    if ax != block.ndim - 1 or not block.flags.c_contiguous:
        return False
    return index.reshape(-1) + np.arange(0, block.size, block.shape[-1])


def _row_stats(arr, idx, ax, name, keep_shift=True, scratch=None):
    """Per-row ``a`` (argmax), ``m`` (max), ``s`` (tail sum), ``d = x - m`` and ``e = exp(d)``.

    Computed for the block ``arr[idx]``; ``a``, ``m`` and ``s`` keep a length-1
    class axis, and ``e`` is 0 at ``a``. With ``keep_shift=False`` the shift is
    overwritten by its exponentials, and ``d`` is None. ``scratch`` (see
    ``_scratch``) spares allocating the shift. Raises the NaN error for ``arr`` if
    the block holds NaN (the maximum finds it).
    """
    block = arr[idx]
    a = np.argmax(block, axis=ax, keepdims=True)
    flat = _flat(block, a, ax)
    m = _pick(block, a, ax, flat)
    out = None if scratch is None else scratch[: block.size].reshape(block.shape)
    if np.isfinite(m).all():
        d = np.subtract(block, m, out=out)
    else:
        if np.isnan(m).any():
            v.raise_nan(arr, name)
        # inf - inf: entries tied with an infinite maximum sit at shift 0.
        with np.errstate(invalid="ignore"):
            d = np.where(block == m, 0, block - m)
    e = np.exp(d, out=None if keep_shift else d)
    # e is C-contiguous whenever the block is; otherwise its own layout decides.
    _place(e, a, 0, ax, None if flat is False else flat)
    s = e.sum(axis=ax, keepdims=True)
    return a, m, s, (d if keep_shift else None), e


def _softmax_block(arr: np.ndarray, idx: tuple, ax: int, name: str):
    """Softmax of one block, plus its argmax and tail sum (for the loss gradients)."""
    a, _, s, _, e = _row_stats(arr, idx, ax, name, keep_shift=False)
    _place(e, a, 1, ax)
    e /= 1 + s
    return e, a, s
