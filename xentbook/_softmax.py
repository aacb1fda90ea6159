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

This module is the one home of the softmax statistics of a block of rows, which the
softmax losses read too: :func:`scan` gives the row maximum ``m`` (at index ``a``),
the tail sum ``s`` and the chunks of the block shifted by ``m`` with their
exponentials (entries tied with an infinite maximum sit at shift 0). Where no ``e^x``
of a block can overflow and no underflow matters, :func:`stats` and
:func:`unshifted` get the same statistics from ``e^x * e^-m`` instead, without the
subtraction broadcast along every row.

float32 and float16 logits give float32 results (float16 is computed in float32);
everything else is computed in float64.

A 0-d input is a single logit, a distribution over one outcome: ``logsumexp(x)``
is ``x``, ``softmax(x)`` is 1 and ``log_softmax(x)`` is 0, as in SciPy and
PyTorch. (Functions that take probability distributions, such as ``entropy``, and
the losses refuse 0-d input instead: a lone probability is not a distribution.)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

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

    def lse(block, buffer):
        row = stats(arr, block, ax, "x", buffer)
        return row.maximum + np.log1p(row.tail)

    rows.fill_blocks(lse, arr, ax, out, buffers=1)
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

    def fill(out, row, parts, ax):
        tail = np.log1p(row.tail)
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

    def fill(out, row, parts, ax):
        for part in parts:
            part.argmax.scatter(part.exp, 1)
            np.divide(part.exp, 1 + row.tail, out=out[part.index])

    return _map_rows(fill, logits, axis)


def _map_rows(fill, logits, axis: int, *, keep_shift: bool = False):
    """An array shaped like ``logits``, written block by block by ``fill``.

    ``fill(out, row, parts, ax)`` gets each block's :class:`RowStats` and parts from
    :func:`scan` and writes the block's entries of ``out``.
    """
    arr, ax, scalar = _one_axis(logits, "logits", axis)
    out = np.empty(arr.shape, dtype=arr.dtype)

    def work(block, buffer):
        fill(out, *scan(arr, block, ax, "logits", buffer, keep_shift=keep_shift), ax)

    rows.map_blocks(work, arr, ax, buffers=1 + keep_shift)
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


# --- The softmax statistics of a block of rows ----------------------------------------------------


class RowStats(NamedTuple):
    """Per-row statistics of a block, each with a length-1 axis."""

    argmax: np.ndarray  # index along the axis of one maximal entry
    maximum: np.ndarray
    tail: np.ndarray  # s, the sum of exp(x - maximum) over every entry but the argmax


class Part(NamedTuple):
    """One chunk of a block, shifted by its rows' maximum."""

    index: tuple  # the chunk's index into the input
    shift: np.ndarray | None  # x - maximum, if it was asked for
    exp: np.ndarray  # exp(x - maximum), with 0 at the argmax
    argmax: rows.Position  # where the argmax sits in this chunk


def scan(
    x: np.ndarray, block: rows.Block, ax: int, name: str, buffer, keep_shift: bool = False
) -> tuple[RowStats, Iterable[Part]]:
    """The softmax statistics of ``block``, and its parts (chunks shifted by the maximum).

    A block read in one chunk is shifted once and its single part comes back
    ready; a block of long rows is read twice for the statistics, and its parts
    are recomputed one at a time as the caller iterates over them. ``buffer`` (one
    thread's scratch of :mod:`xentbook._rows`, with a second buffer if
    ``keep_shift``) holds the shift and its exponentials (written over the shift
    unless ``keep_shift``); each part is valid until the next one is drawn, and the
    caller may overwrite it. Raises the NaN error for ``x``, called ``name``, if the
    block holds NaN (the maximum finds it).
    """
    if len(block.chunks) == 1:
        chunk = x[block.rows]
        argmax = np.argmax(chunk, axis=ax, keepdims=True)
        at_max = rows.at(argmax, block.rows, ax, x.shape[ax])
        maximum = _checked(at_max.gather(chunk), x, name)
        shift, exp = _shift_exp(chunk, maximum, buffer, keep_shift)
        at_max.scatter(exp, 0)
        stats = RowStats(argmax, maximum, exp.sum(axis=ax, keepdims=True))
        return stats, (Part(block.rows, shift, exp, at_max),)
    argmax = maximum = None
    for index in block.chunks:
        chunk = x[index]
        local = np.argmax(chunk, axis=ax, keepdims=True)
        top = _checked(np.take_along_axis(chunk, local, axis=ax), x, name)
        if maximum is None:
            argmax, maximum = local + index[ax].start, top
        else:
            # Strictly greater: the first maximal entry wins, as in np.argmax.
            greater = top > maximum
            argmax = np.where(greater, local + index[ax].start, argmax)
            maximum = np.where(greater, top, maximum)
    tail = sum(
        part.exp.sum(axis=ax, keepdims=True)
        for part in _parts(x, block, ax, argmax, maximum, buffer, False)
    )
    stats = RowStats(argmax, maximum, tail)
    return stats, _parts(x, block, ax, argmax, maximum, buffer, keep_shift)


class Unshifted(NamedTuple):
    """A block's exponentials taken without the shift: ``exp * scale`` is ``e^(x - m)``."""

    stats: RowStats
    exp: np.ndarray  # e^x, with 0 at the argmax
    scale: np.ndarray  # e^-m per row, with a length-1 axis
    argmax: rows.Position


def unshifted(x, block: rows.Block, ax: int, out: np.ndarray, lowest=None):
    """The softmax statistics of ``block`` from ``e^x`` itself, written into ``out``.

    ``e^(x - m)`` needs a subtraction broadcast along every row, which costs NumPy as
    much as the exponential; ``e^x * e^-m`` needs none. It is as accurate (the
    argument of each exponential is exact) wherever no ``e^x`` overflows and the
    tail is far above the underflow threshold. Returns None for a block outside
    that range (or holding NaN, or with a row maximum below ``lowest``), and
    :func:`scan` then does it. The block must be read in one chunk; ``out`` takes its
    shape.
    """
    chunk = x[block.rows]
    argmax = chunk.argmax(axis=ax, keepdims=True)
    at_max = rows.at(argmax, block.rows, ax, x.shape[ax])
    maximum = at_max.gather(chunk)
    highest, floor = _range(x.dtype, x.shape[ax])
    lowest = -highest if lowest is None else lowest
    # NaN fails both comparisons: scan then raises the error that names it.
    if maximum.size and not (maximum.min() >= lowest and maximum.max() <= highest):
        return None
    exp = np.exp(chunk, out=out)
    at_max.scatter(exp, 0)
    total = exp.sum(axis=ax, keepdims=True)
    if not (total > floor).all():
        return None
    scale = np.exp(-maximum)
    return Unshifted(RowStats(argmax, maximum, total * scale), exp, scale, at_max)


@functools.cache
def _range(dtype: np.dtype, width: int) -> tuple[float, float]:
    """Where :func:`unshifted` applies to rows of ``width`` entries of ``dtype``.

    The highest row maximum keeps every ``e^x``, their sum and ``e^-m`` finite. Entries
    whose ``e^x`` underflows change a row's total by at most ``width * tiny``: less than
    an eighth of the last bit of a total above the floor returned here.
    """
    info = np.finfo(dtype)
    highest = math.log(info.max) - math.log(width) - 1
    return highest, width * float(info.tiny) * 2.0 ** (info.nmant + 3)


def stats(x: np.ndarray, block: rows.Block, ax: int, name: str, buffer) -> RowStats:
    """The :class:`RowStats` of ``block``, by :func:`unshifted` where it applies."""
    if len(block.chunks) == 1:
        fast = unshifted(x, block, ax, _shaped(buffer[0], x[block.rows].shape))
        if fast is not None:
            return fast.stats
    return scan(x, block, ax, name, buffer)[0]


def _shaped(flat: np.ndarray, shape: tuple) -> np.ndarray:
    return flat[: math.prod(shape)].reshape(shape)


def _parts(x, block, ax, argmax, maximum, buffer, keep_shift) -> Iterator[Part]:
    for index in block.chunks:
        at_max = rows.at(argmax, index, ax, x.shape[ax])
        shift, exp = _shift_exp(x[index], maximum, buffer, keep_shift)
        at_max.scatter(exp, 0)
        yield Part(index, shift, exp, at_max)


def _checked(maximum: np.ndarray, x: np.ndarray, name: str) -> np.ndarray:
    if np.isnan(maximum).any():
        v.raise_nan(x, name)
    return maximum


def _shift_exp(chunk, maximum, buffer, keep_shift):
    """``chunk - maximum`` and its exponentials, in ``buffer`` (the shift kept if asked)."""
    shaped = [_shaped(b, chunk.shape) for b in buffer]
    # A shift below -max_float (huge logits of both signs) is -inf: its exponential is 0.
    if np.isfinite(maximum).all():
        with np.errstate(over="ignore"):
            shift = np.subtract(chunk, maximum, out=shaped[0])
    else:
        # inf - inf: entries tied with an infinite maximum sit at shift 0.
        with np.errstate(invalid="ignore", over="ignore"):
            shift = np.where(chunk == maximum, 0, chunk - maximum)
    # A kept shift needs the second buffer for its exponentials (without one, a new array).
    second = shaped[1] if len(shaped) > 1 else None
    exp = np.exp(shift, out=second if keep_shift else shift)
    return (shift if keep_shift else None), exp
