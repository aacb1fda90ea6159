"""Information between two variables: joint and conditional entropy, mutual information.

Every function takes a *joint distribution* ``joint``: a table whose entry ``[i, j]`` is
P(X = i, Y = j), rows for X and columns for Y. A stack of tables works too; the last two
axes are the table. Results are in nats unless ``base`` says otherwise.

Mutual information is computed as a sum of non-negative terms, with the marginals and their
products carried to about twice the working precision, so that nearly independent tables
keep their relative accuracy (the naive H(X) + H(Y) - H(X, Y) loses every digit there).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from . import _validation as v
from ._docstrings import fill_docs
from ._information import entropy

if TYPE_CHECKING:  # numpy.typing costs import time and is only needed by type checkers
    import numpy.typing as npt

__all__ = ["conditional_entropy", "joint_counts", "joint_entropy", "mutual_information"]

_GIVEN = ("x", "y")


def joint_entropy(joint: npt.ArrayLike, *, base: float | None = None):
    """Joint entropy H(X, Y) of a joint distribution.

    Parameters
    ----------
    joint : array_like
        The joint distribution, as for :func:`mutual_information`.
    %(base)s

    Returns
    -------
    ndarray or float
        H(X, Y) of each table, in nats (or in units of ``base``), with the shape of
        ``joint`` less its last two axes.

    See Also
    --------
    entropy : H of one variable; H(X, Y) is the entropy of the flattened table.
    conditional_entropy, mutual_information

    Notes
    -----
    .. math::

        H(X, Y) = -\\sum_{i, j} p_{ij} \\log_b p_{ij}, \\qquad 0 \\log 0 = 0.

    It is the entropy of the pair treated as one variable, so it lies between
    max(H(X), H(Y)) and H(X) + H(Y), with the upper end reached only by independent
    variables.

    Raises ``ValueError`` where ``joint`` is not a joint distribution; it never
    renormalises.

    Examples
    --------
    Two fair coins tossed independently carry two bits; a coin and a copy of it, one.

    >>> import numpy as np
    >>> import xentbook as xb
    >>> print(xb.joint_entropy(np.full((2, 2), 0.25), base=2))
    2.0
    >>> print(xb.joint_entropy([[0.5, 0.0], [0.0, 0.5]], base=2))
    1.0
    """
    b = v.check_base(base)
    p = _check_joint(joint)
    return entropy(p.reshape(*p.shape[:-2], p.shape[-2] * p.shape[-1]), base=b)


def conditional_entropy(joint: npt.ArrayLike, *, given: str, base: float | None = None):
    """Conditional entropy of one variable of a joint distribution given the other.

    Parameters
    ----------
    joint : array_like
        The joint distribution, as for :func:`mutual_information`.
    given : {'x', 'y'}
        The variable that is known: ``given='x'`` (the rows) returns H(Y | X),
        ``given='y'`` (the columns) returns H(X | Y). There is no default, so that every
        call says which way it conditions.
    %(base)s

    Returns
    -------
    ndarray or float
        H(Y | X) or H(X | Y) of each table, in nats (or in units of ``base``), with the
        shape of ``joint`` less its last two axes.

    See Also
    --------
    joint_entropy, mutual_information

    Notes
    -----
    With the marginal :math:`p_i = \\sum_j p_{ij}` of X,

    .. math::

        H(Y \\mid X) = \\sum_i p_i\\, H(Y \\mid X = i)
        = -\\sum_{i, j} p_{ij} \\log_b \\frac{p_{ij}}{p_i},

    where terms with :math:`p_{ij} = 0` are 0 (and rows with :math:`p_i = 0` contribute
    nothing). It is computed from these non-negative terms, not as the difference
    H(X, Y) - H(X), so a nearly deterministic Y keeps its relative accuracy. The chain
    rule H(X, Y) = H(X) + H(Y | X) holds, and 0 <= H(Y | X) <= H(Y).

    Examples
    --------
    Knowing the first of two independent fair coins leaves one bit about the second; a
    copy leaves nothing.

    >>> import numpy as np
    >>> import xentbook as xb
    >>> print(xb.conditional_entropy(np.full((2, 2), 0.25), given="x", base=2))
    1.0
    >>> print(xb.conditional_entropy([[0.5, 0.0], [0.0, 0.5]], given="x", base=2))
    0.0

    The direction matters. X is a fair die roll, Y says whether it is even: Y is known
    once X is, but X keeps log2 3 bits when only Y is known.

    >>> die = np.zeros((6, 2))
    >>> die[[1, 3, 5], 0] = die[[0, 2, 4], 1] = 1 / 6
    >>> print(xb.conditional_entropy(die, given="x", base=2))
    0.0
    >>> print(xb.conditional_entropy(die, given="y", base=2).round(4))
    1.585
    """
    axis = _GIVEN.index(v.check_choice(given, _GIVEN, "given", "is not a variable"))
    b = v.check_base(base)
    p = _check_joint(joint)
    if axis == 1:
        p = np.swapaxes(p, -1, -2)
    hi, lo = _marginal(p, -1)  # P(X = i), to about twice the working precision
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = p / hi[..., None]  # P(Y = j | X = i) <= 1
        # log(p_ij / p_i) = log1p((p_ij - p_i) / p_i) keeps its digits where the ratio is near 1.
        near = np.log1p(((p - hi[..., None]) - lo[..., None]) / hi[..., None])
    log_ratio = np.where(ratio > 0.5, near, np.log(np.where(ratio > 0, ratio, 1)))
    terms = np.where(p > 0, -(p * log_ratio), 0)
    return _total(terms, b, p.dtype)


def mutual_information(joint: npt.ArrayLike, *, base: float | None = None):
    """Mutual information I(X; Y) of a joint distribution.

    Parameters
    ----------
    joint : array_like
        The joint distribution, ``joint[..., i, j] = P(X = i, Y = j)``: entries in [0, 1]
        that sum to 1 over the last two axes (rows for X, columns for Y). Leading axes
        hold a batch of tables.
    %(base)s

    Returns
    -------
    ndarray or float
        I(X; Y) of each table, in nats (or in units of ``base``), with the shape of
        ``joint`` less its last two axes. Never negative; 0 exactly where the table is
        the outer product of its marginals.

    See Also
    --------
    kl_divergence : I(X; Y) is KL(joint ‖ product of the marginals).
    conditional_entropy, joint_entropy, joint_counts

    Notes
    -----
    With the marginals :math:`p_i = \\sum_j p_{ij}` and :math:`q_j = \\sum_i p_{ij}`,

    .. math::

        I(X; Y) = \\mathrm{KL}\\bigl(P_{XY} \\,\\|\\, P_X \\otimes P_Y\\bigr)
        = \\sum_{i, j} p_{ij} \\log_b \\frac{p_{ij}}{p_i q_j}
        = H(X) - H(X \\mid Y) = H(Y) - H(Y \\mid X),

    with :math:`0 \\log (0 / r) = 0`. A cell with :math:`p_i q_j = 0` has
    :math:`p_{ij} = 0`, so I(X; Y) is always finite, and it is symmetric in X and Y.

    Since both distributions sum to 1, each summand can be replaced by the non-negative
    :math:`p_{ij}\\,g(d_{ij})`, with :math:`d_{ij} = (p_i q_j - p_{ij}) / p_{ij}` and
    :math:`g(d) = d - \\log(1 + d) \\ge 0` (cells with :math:`p_{ij} = 0` contribute
    :math:`p_i q_j`). The marginals are summed with error-free transformations and
    multiplied exactly, so :math:`d` is accurate even when it is tiny, and :math:`g` comes
    from a series there: nearly independent tables keep their relative accuracy, where
    H(X) + H(Y) - H(X, Y) would subtract numbers that agree in every digit. float32 input
    is computed in float64 and returned as float32.

    Examples
    --------
    A fair coin and an exact copy share one bit; independent coins share nothing.

    >>> import numpy as np
    >>> import xentbook as xb
    >>> print(xb.mutual_information([[0.5, 0.0], [0.0, 0.5]], base=2))
    1.0
    >>> print(xb.mutual_information(np.outer([0.3, 0.7], [0.5, 0.5])))
    0.0

    A copy sent through a channel that flips it 10% of the time keeps 1 - H(0.1) bits.

    >>> noisy = np.array([[0.45, 0.05], [0.05, 0.45]])
    >>> print(xb.mutual_information(noisy, base=2).round(4))
    0.531
    >>> print((1 - xb.entropy([0.9, 0.1], base=2)).round(4))
    0.531

    It is the KL divergence from the product of the marginals, and it stays accurate
    near independence, where the difference of entropies returns rounding noise.

    >>> nearly = np.outer([0.5, 0.5], [0.5, 0.5]) + np.array([[1, -1], [-1, 1]]) * 1e-9
    >>> print(f"{xb.mutual_information(nearly):.6e}")
    8.000000e-18
    >>> h = xb.entropy(nearly.sum(axis=1)) + xb.entropy(nearly.sum(axis=0))
    >>> print(abs(h - xb.joint_entropy(nearly)) < 1e-15)
    True
    """
    b = v.check_base(base)
    p = _check_joint(joint)
    dtype = p.dtype
    p = p.astype(np.float64, copy=False)
    px_hi, px_lo = _marginal(p, -1)
    py_hi, py_lo = _marginal(p, -2)
    q_hi, q_lo = _product(
        px_hi[..., :, None], px_lo[..., :, None], py_hi[..., None, :], py_lo[..., None, :]
    )
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d = ((q_hi - p) + q_lo) / p
    terms = np.where(p > 0, p * _g(np.where(p > 0, d, 0)), q_hi)
    if not np.isfinite(terms).all():
        terms = _log_domain(terms, p, px_hi[..., :, None], py_hi[..., None, :], q_hi)
    return _total(terms, b, dtype)


def _log_domain(terms, p, px, py, q):
    """``p log(p / q) - p + q`` from logs, where a product of marginals underflowed (d = -1)."""
    odd = ~np.isfinite(terms)
    px, py = np.broadcast_to(px, p.shape), np.broadcast_to(py, p.shape)
    with np.errstate(divide="ignore"):
        logs = np.log(p[odd]) - np.log(px[odd]) - np.log(py[odd])
    terms[odd] = p[odd] * logs - p[odd] + q[odd]
    return terms


def joint_counts(x: npt.ArrayLike, y: npt.ArrayLike, *, shape: tuple[int, int] | None = None):
    """Count paired samples into a joint table: ``counts[i, j]`` = #{t : x_t = i, y_t = j}.

    Parameters
    ----------
    x, y : array_like of int
        Paired samples as class indices counted from 0, one pair per position: ``x[t]``
        and ``y[t]`` were observed together. Both 1-D and of the same length; any
        integer dtype (int32 included).
    shape : tuple of two int, optional
        The number of classes of X and of Y, ``(m, n)``. By default the largest index
        seen plus one; pass it so that classes that happen not to occur still get their
        row or column of zeros.

    Returns
    -------
    ndarray of int64, shape (m, n)
        The contingency table: rows for X, columns for Y. Divide by its total,
        ``counts / counts.sum()``, for the empirical joint distribution. With no samples
        and no ``shape`` it has shape (0, 0).

    See Also
    --------
    mutual_information : takes the normalised table.

    Notes
    -----
    The empirical joint distribution :math:`\\hat p_{ij} = n_{ij} / n` gives the
    *plug-in* estimates of the measures above. They are biased: the plug-in mutual
    information of independent samples is positive, about
    :math:`(m - 1)(n - 1) / (2 n)` nats for large n.

    Examples
    --------
    The weather and an umbrella on six days:

    >>> import xentbook as xb
    >>> rain = [1, 1, 0, 0, 0, 1]
    >>> umbrella = [1, 1, 0, 0, 1, 1]
    >>> counts = xb.joint_counts(rain, umbrella)
    >>> counts
    array([[2, 1],
           [0, 3]])
    >>> print(xb.mutual_information(counts / counts.sum(), base=2).round(4))
    0.4591

    A class that never occurs still gets its row when ``shape`` says it exists.

    >>> xb.joint_counts([0, 1], [1, 1], shape=(3, 2))
    array([[0, 1],
           [0, 1],
           [0, 0]])
    """
    xa, ya = v.as_array(x, "x"), v.as_array(y, "y")
    for arr, name in ((xa, "x"), (ya, "y")):
        if arr.ndim != 1:
            raise ValueError(
                f"`{name}` must be a 1-D array of class indices, one per sample; "
                f"got shape {arr.shape}."
            )
        if arr.dtype.kind not in "iu" and arr.size:
            raise ValueError(
                f"`{name}` must hold integer class indices; got dtype {arr.dtype}. "
                "Map labels to 0, 1, 2, ... first (for example with np.unique(..., "
                "return_inverse=True))."
            )
    if xa.shape != ya.shape:
        raise ValueError(
            f"`x` with {xa.size} samples and `y` with {ya.size} must pair up: give one `y` per `x`."
        )
    if shape is None:
        if xa.size == 0:
            return np.zeros((0, 0), dtype=np.int64)
        # The minimum too, so that a negative index fails the range check below.
        m, n = (int(max(a.max(), a.min(), 0)) + 1 for a in (xa, ya))
    else:
        m, n = _check_shape(shape)
    # An empty list arrives as float64; with no samples its dtype says nothing.
    xi = v.check_class_indices(xa.astype(np.intp, copy=False) if not xa.size else xa, m, name="x")
    yi = v.check_class_indices(ya.astype(np.intp, copy=False) if not ya.size else ya, n, name="y")
    flat = np.bincount(xi * n + yi, minlength=m * n)  # intp: no int32 overflow
    return flat.astype(np.int64, copy=False).reshape(m, n)


def _check_shape(shape) -> tuple[int, int]:
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__len__") or len(shape) != 2:
        raise ValueError(
            f"`shape` must be a pair (m, n): the number of classes of X and of Y; got {shape!r}."
        )
    return tuple(v.check_integer(s, "shape", minimum=1) for s in shape)


def _check_joint(joint) -> np.ndarray:
    """``joint`` as a float array of joint distributions over its last two axes."""
    src = v.as_array(joint, "joint")
    p = v.as_probabilities(src, "joint")
    if p.ndim < 2:
        raise ValueError(
            f"`joint` must be a table with rows for X and columns for Y (at least 2-D); got "
            f"shape {p.shape}. For the entropy of one variable use xentbook.entropy."
        )
    m, n = p.shape[-2:]
    if m == 0 or n == 0:
        raise ValueError(
            f"`joint` with shape {p.shape} has no outcomes for X or for Y; a joint "
            "distribution needs at least one of each."
        )
    own = src.dtype if np.issubdtype(src.dtype, np.floating) else np.dtype(np.float64)
    tolerance = v.sum_tolerance(own, m * n)
    sums = p.sum(axis=(-2, -1), dtype=np.float64)
    bad = np.abs(sums - 1.0) > tolerance
    if bad.any():
        where = () if sums.ndim == 0 else tuple(int(i) for i in np.argwhere(bad)[0])
        loc = "" if sums.ndim == 0 else f" for the table at index {where}"
        raise ValueError(
            f"`joint` must sum to 1 over its last two axes (it sums to {float(sums[where])!r}"
            f"{loc}, more than {tolerance:.3g} away from 1 for its dtype {own}); for a table "
            "of counts pass counts / counts.sum(axis=(-2, -1), keepdims=True)."
        )
    return p


def _two_sum(a, b):
    """``a + b`` as ``s + e`` exactly, with ``s`` the rounded sum (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


_SPLIT = 134217729.0  # 2**27 + 1: splits a float64 into two halves of 26 bits


def _two_product(a, b):
    """``a * b`` as ``p + e`` exactly, with ``p`` the rounded product (Dekker)."""
    p = a * b
    a_hi = _SPLIT * a - (_SPLIT * a - a)
    b_hi = _SPLIT * b - (_SPLIT * b - b)
    a_lo, b_lo = a - a_hi, b - b_hi
    return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _marginal(p: np.ndarray, axis: int):
    """The sum of ``p`` over ``axis`` as ``hi + lo``, as if summed in twice the precision.

    The entries are added one slice at a time, in a fixed order, so the result does not
    depend on the memory layout of ``p``.
    """
    p = np.moveaxis(p, axis, -1)
    hi = np.zeros(p.shape[:-1], dtype=p.dtype)
    lo = np.zeros_like(hi)
    for k in range(p.shape[-1]):
        hi, err = _two_sum(hi, p[..., k])
        lo += err
    return _two_sum(hi, lo)


def _product(a_hi, a_lo, b_hi, b_lo):
    """``(a_hi + a_lo)(b_hi + b_lo)`` as ``hi + lo``, to about twice the precision."""
    hi, lo = _two_product(a_hi, b_hi)
    return hi, lo + (a_hi * b_lo + a_lo * b_hi)


_SERIES = 0.25  # |d| below which g(d) comes from its series


def _g(d: np.ndarray) -> np.ndarray:
    """``g(d) = d - log1p(d) >= 0``, accurate for small ``|d|`` too.

    With ``u = d / (2 + d)``: ``log1p(d) = 2 atanh(u)`` and ``d = 2u / (1 - u)``, so
    ``g = 2u^2 / (1 - u) - 2u^3 (1/3 + u^2/5 + u^4/7 + ...)`` with no cancellation; for
    ``|d| < 1/4`` the ratio ``u^2 < 0.012`` makes eleven terms of the series enough.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        direct = d - np.log1p(d)
    small = np.where(np.abs(d) < _SERIES, d, 0)
    u = small / (2 + small)
    u2 = u * u
    tail = np.zeros_like(u)
    for k in range(10, -1, -1):
        tail = tail * u2 + 1 / (2 * k + 3)
    series = 2 * u2 / (1 - u) - 2 * u * u2 * tail
    return np.where(np.abs(d) < _SERIES, series, direct)


def _total(terms: np.ndarray, base: float | None, dtype: np.dtype):
    """Sum the non-negative ``terms`` over the last two axes, in units of ``base``."""
    flat = np.ascontiguousarray(terms).reshape(*terms.shape[:-2], terms.shape[-2] * terms.shape[-1])
    out = flat.sum(axis=-1)
    if base is not None:
        out = out / math.log(base)
    out = np.maximum(out, 0) + 0.0  # -0.0 becomes 0.0
    return out.astype(v.float_dtype(np.empty(0, dtype)), copy=False)[()]


fill_docs(globals())
