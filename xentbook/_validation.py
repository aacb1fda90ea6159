"""Input checks shared by every public function.

Every failure is a ``ValueError`` whose message names the argument in backticks,
says what was wrong, and says how to fix it. Nothing here renormalises, clips or
otherwise repairs input: a caller either gets exactly what it passed, converted to
a floating dtype, or an error.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from . import _rows
from ._errors import ArgumentTypeError, check_integer, first_index, raise_nan

if TYPE_CHECKING:  # numpy.typing costs import time and is only needed by type checkers
    import numpy.typing as npt


def as_array(x, name: str) -> np.ndarray:
    """``np.asarray(x)``, or an error naming ``name`` when ``x`` is not one array (ragged lists)."""
    try:
        return np.asarray(x)
    except ValueError:
        raise ValueError(
            f"`{name}` must be one rectangular array; nested lists of unequal lengths "
            "(a ragged array) cannot be read as one. Pad or split them."
        ) from None


def float_dtype(*arrays: np.ndarray) -> np.dtype:
    """The floating dtype results are computed in.

    float32 when every array is float32 or float16 (float16 is computed in float32,
    since float16 has too few digits for logs and sums); float64 otherwise: float64,
    integer and bool arrays, and any mix of float32 with float64.
    """
    dtypes = [a.dtype for a in arrays]
    if dtypes and all(d in (np.float32, np.float16) for d in dtypes):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def as_float_array(x: npt.ArrayLike, name: str, dtype: np.dtype | None = None) -> np.ndarray:
    """Convert ``x`` to a floating array that holds no NaN."""
    arr = to_float_array(x, name, dtype)
    # One reduction instead of a full-size boolean temporary: min propagates NaN.
    if arr.size and np.isnan(arr.min()):
        raise_nan(arr, name)
    return arr


def check_axis(axis: int, ndim: int, name: str = "axis") -> int:
    """Normalise ``axis`` to a non-negative index into an array of ``ndim`` dimensions."""
    axis = check_integer(axis, name)
    if ndim == 0:
        raise ValueError(
            f"`{name}`={axis} needs an array with at least one dimension; got a scalar. "
            "Pass the whole distribution as a 1-D array."
        )
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"`{name}`={axis} is out of range for an array with {ndim} dimension(s); "
            f"use a value in [{-ndim}, {ndim - 1}]."
        )
    return axis % ndim


def as_probabilities(x: npt.ArrayLike, name: str, dtype: np.dtype | None = None) -> np.ndarray:
    """Convert ``x`` to a floating array of probabilities: no NaN, every entry in [0, 1]."""
    p = to_float_array(x, name, dtype)
    if p.size == 0:
        return p
    # Two reductions (min also propagates NaN); the full-size masks are built only to
    # report an error.
    low = p.min()
    if np.isnan(low):
        raise_nan(p, name)
    if low < 0:
        where = first_index(p < 0)
        raise ValueError(
            f"`{name}` must not contain negative probabilities "
            f"(found {p[where]:.6g} at index {where})."
        )
    if p.max() > 1:
        where = first_index(p > 1)
        raise ValueError(
            f"`{name}` must not contain probabilities greater than 1 "
            f"(found {p[where]:.6g} at index {where}); did you pass logits? "
            "Pass logits to a function that takes them (softmax_cross_entropy, "
            "binary_cross_entropy_with_logits), or convert them with xentbook.softmax."
        )
    return p


def sum_tolerance(dtype: np.dtype, n: int) -> float:
    """How far from 1 a sum of ``n`` rounded probabilities may fall.

    The square root of machine epsilon (about 1.5e-8 in float64, 3.5e-4 in float32)
    leaves room for the rounding of any realistic computation that produced the
    distribution, yet catches every genuinely unnormalised input.
    """
    eps = np.finfo(dtype).eps
    return float(max(math.sqrt(eps), 4 * n * eps))


def check_distribution(p: npt.ArrayLike, name: str, axis: int = -1, dtype=None) -> np.ndarray:
    """``p`` holds probability distributions along ``axis``: entries in [0, 1] summing to 1.

    The tolerance on the sums comes from ``p``'s own dtype (float64 for integers),
    not from the dtype it is computed in: a correctly rounded float32 distribution
    passes even next to float64 arrays.
    """
    src = as_array(p, name)
    arr = as_probabilities(src, name, dtype)
    if arr.ndim == 0:
        raise ValueError(
            f"`{name}` is a single number, not a distribution; pass the whole distribution "
            f"as a 1-D array (for a probability p of one event, [p, 1 - p])."
        )
    ax = check_axis(axis, arr.ndim)
    n = arr.shape[ax]
    if n == 0:
        raise ValueError(
            f"`{name}` has no outcomes along axis {axis}; a distribution needs at least one."
        )
    own = src.dtype if np.issubdtype(src.dtype, np.floating) else np.dtype(np.float64)
    tolerance = sum_tolerance(own, n)
    if all(_sums_to_one(arr, block, ax, tolerance) for block in _rows.blocks(arr.shape, ax)):
        return arr
    # Sum in float64 so that the check itself does not add float32 rounding.
    sums = arr.sum(axis=ax, dtype=np.float64)
    bad = np.abs(sums - 1.0) > tolerance
    if bad.any():
        where = first_index(bad)
        loc = "" if sums.ndim == 0 else f" at index {where}"
        total = sums[where] if sums.ndim else sums
        raise ValueError(
            f"`{name}` must sum to 1 along axis {axis} (it sums to {float(total)!r}{loc}, "
            f"more than {tolerance:.3g} away from 1 for its dtype {own}); "
            f"use xentbook.normalize({name}) if it holds unnormalised weights."
        )
    return arr


def _sums_to_one(arr: np.ndarray, block, ax: int, tolerance: float) -> bool:
    """Whether every row of ``block`` sums to 1 (in float64), without a full-size temporary."""
    sums = sum(arr[index].sum(axis=ax, dtype=np.float64, keepdims=True) for index in block.chunks)
    return bool((np.abs(sums - 1.0) <= tolerance).all())


def broadcast_pair(a: np.ndarray, b: np.ndarray, names: tuple[str, str]) -> tuple[np.ndarray, ...]:
    """Broadcast two arrays, or say which shapes failed to broadcast."""
    try:
        return tuple(np.broadcast_arrays(a, b))
    except ValueError:
        raise ValueError(
            f"`{names[0]}` with shape {a.shape} and `{names[1]}` with shape {b.shape} "
            "do not broadcast together; they need equal sizes (or 1) in each trailing dimension."
        ) from None


def check_base(base: float | None) -> float | None:
    """``base`` is None (nats) or a finite real number greater than 1.

    Bases in (0, 1) are refused: they make every entropy negative and turn Gibbs'
    inequality around, so no unit of information is measured in them.
    """
    if base is None:
        return None
    if isinstance(base, (bool, np.bool_)) or not isinstance(base, (int, float, np.number)):
        raise ArgumentTypeError(
            f"`base` must be a real number such as 2 or e, or None; got {base!r}."
        )
    value = float(base)
    if not (value > 1 and math.isfinite(value)):
        raise ValueError(
            f"`base` must be finite and greater than 1 (got {base!r}); "
            "use base=2 for bits or base=None for nats."
        )
    return value


def check_choice(value, choices, name: str, why: str, key=None):
    """``key`` (``value`` itself by default) is one of ``choices``; return ``key``.

    ``value`` is what the caller passed, shown in the error; ``key`` is its normal form
    (lower case, without a suffix) that is looked up.
    """
    key = value if key is None else key
    if key not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"`{name}` {value!r} {why}; choose one of {options}.")
    return key


def check_label_smoothing(label_smoothing: float) -> float:
    """``label_smoothing`` is a number in [0, 1]."""
    if isinstance(label_smoothing, (bool, np.bool_)) or not isinstance(
        label_smoothing, (int, float, np.integer, np.floating)
    ):
        raise ArgumentTypeError(
            f"`label_smoothing` must be a number in [0, 1]; got {label_smoothing!r}."
        )
    value = float(label_smoothing)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"`label_smoothing` must lie in [0, 1]; got {label_smoothing!r}.")
    return value


def check_weight(weight: npt.ArrayLike | None, num_classes: int, dtype: np.dtype):
    """``weight`` is None or a 1-D array of one finite weight per class."""
    if weight is None:
        return None
    w = as_float_array(weight, "weight", dtype)
    if w.ndim != 1 or w.shape[0] != num_classes:
        raise ValueError(
            f"`weight` must be a 1-D array with one weight per class ({num_classes}); "
            f"got shape {w.shape}."
        )
    if not np.isfinite(w).all():
        raise ValueError("`weight` must be finite.")
    return w


def check_class_indices(
    target: npt.ArrayLike, num_classes: int, ignore_index: int | None = None, name: str = "target"
) -> np.ndarray:
    """``target`` holds class indices in [0, num_classes) (or ``ignore_index``, if given)."""
    t = as_array(target, name)
    if t.dtype.kind not in "iu":  # timedelta64 counts as an integer type in NumPy
        raise ValueError(f"`{name}` must hold integer class indices; got dtype {t.dtype}.")
    # Two reductions suffice in the usual case; the masks are built only for an error.
    if t.size and (t.min() < 0 or t.max() >= num_classes):
        bad = (t < 0) | (t >= num_classes)
        if ignore_index is not None:
            bad &= t != ignore_index
        if bad.any():
            where = first_index(bad)
            allowed = "" if ignore_index is None else f" and not the ignore_index {ignore_index}"
            raise ValueError(
                f"`{name}` holds class index {t[where]} at index {where}, outside "
                f"[0, {num_classes}){allowed}; class indices count from 0."
            )
    return t.astype(np.intp, copy=False)


def to_float_array(x: npt.ArrayLike, name: str, dtype: np.dtype | None = None) -> np.ndarray:
    """Like ``as_float_array``, but leave the NaN scan to the caller.

    For logits that the caller reduces row by row with a maximum anyway: the maximum
    propagates NaN, so the caller finds NaN for free and reports it with ``raise_nan``.
    """
    arr = as_array(x, name)
    # Kinds f, i, u, b: floats, integers and bools; not timedelta64, datetime64,
    # complex, strings or objects.
    if arr.dtype.kind not in "fiub":
        raise ValueError(f"`{name}` must hold real numbers; got an array of dtype {arr.dtype}.")
    if dtype is None:
        dtype = float_dtype(arr)
    return arr.astype(dtype, copy=False)


def check_same_shape(a: np.ndarray, b: np.ndarray, names: tuple[str, str]) -> None:
    """``a`` and ``b`` have exactly the same shape: no broadcasting of truth against prediction."""
    if a.shape != b.shape:
        raise ValueError(
            f"`{names[0]}` with shape {a.shape} and `{names[1]}` with shape {b.shape} "
            "must have the same shape: one target per prediction."
        )


def check_broadcasts_to(a: np.ndarray, shape: tuple, name: str, other: str) -> np.ndarray:
    """``a`` broadcasts to ``shape`` (the shape of ``other``) without enlarging it."""
    try:
        if np.broadcast_shapes(a.shape, shape) == tuple(shape):
            return a
    except ValueError:
        pass
    raise ValueError(
        f"`{name}` with shape {a.shape} does not broadcast to `{other}` with shape {tuple(shape)}; "
        "it needs equal sizes (or 1) in each trailing dimension and no extra dimensions."
    )


def check_finite(arr: np.ndarray, name: str) -> np.ndarray:
    """``arr`` (already a float array without NaN) holds no infinite entry."""
    if arr.size and not np.isfinite(arr).all():
        where = first_index(~np.isfinite(arr))
        raise ValueError(
            f"`{name}` must be finite (found {arr[where]} at index {where}); "
            "an infinite logit has no temperature to fit."
        )
    return arr


def check_real(value, name: str, low: float | None = None, high: float | None = None) -> float:
    """``value`` is a real number, within [low, high] where those are given."""
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise TypeError(f"`{name}` must be a real number; got {value!r}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be a real number; got {value!r}.") from None
    if (
        math.isnan(number)
        or (low is not None and number < low)
        or (high is not None and number > high)
    ):
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise ValueError(f"`{name}` must be a number in [{lo}, {hi}]; got {value!r}.")
    return number


def check_labels(target: npt.ArrayLike, num_classes: int, shape: tuple, name: str) -> np.ndarray:
    """``target`` holds one class index in [0, num_classes) per example of ``shape``."""
    t = as_array(target, name)
    if t.dtype.kind not in "iu":  # not np.integer: timedelta64 counts as one there
        raise ValueError(f"`{name}` must hold integer class indices; got dtype {t.dtype}.")
    if t.shape != tuple(shape):
        raise ValueError(
            f"`{name}` with shape {t.shape} must hold one class index per example, shape "
            f"{tuple(shape)}; the predictions need a class axis (last) that the target lacks."
        )
    return check_class_indices(t, num_classes, name=name)


def common_float_dtype(*arrays: npt.ArrayLike) -> np.dtype:
    """``float_dtype`` of the floating inputs only: integer targets say nothing about it."""
    floats = [a for a in map(_quiet_array, arrays) if np.issubdtype(a.dtype, np.floating)]
    return float_dtype(*floats)


def _quiet_array(x) -> np.ndarray:
    """``np.asarray(x)``, or an empty object array for ragged input (reported by its own check)."""
    try:
        return np.asarray(x)
    except ValueError:
        return np.empty(0, dtype=object)


def check_num_classes(x: np.ndarray, ax: int, name: str) -> int:
    """The length of the class axis ``ax`` of ``x``, which must be at least 1."""
    if x.shape[ax] == 0:
        raise ValueError(
            f"`{name}` has no classes along axis {ax} (shape {x.shape}); "
            "a classifier needs at least one class."
        )
    return x.shape[ax]


def check_elementwise_weight(weight, name: str, shape: tuple, dtype: np.dtype):
    """``weight`` is None or a finite array that broadcasts to ``shape`` (the shape of ``y``)."""
    if weight is None:
        return None
    w = check_broadcasts_to(as_float_array(weight, name, dtype), shape, name, "y")
    if not np.isfinite(w).all():
        raise ValueError(f"`{name}` must be finite.")
    return w


def check_index_target_shape(target: npt.ArrayLike, shape: tuple, ax: int) -> None:
    """Class-index targets have the shape of the logits without the class axis ``ax``."""
    tgt = as_array(target, "target")
    expected = shape[:ax] + shape[ax + 1 :]
    if tgt.shape != expected:
        raise ValueError(
            f"`target` with shape {tgt.shape} does not fit logits of shape {shape}: "
            f"class indices need the logits' shape without the class axis {ax}, {expected}. "
            "(Integer targets are class indices; pass floats for class probabilities.)"
        )


def check_seed(seed, name: str = "seed") -> int | None:
    """``seed`` for ``np.random.default_rng``: an integer >= 0, or None for fresh entropy."""
    if seed is None:
        return None
    return check_integer(seed, name, minimum=0)


def check_flag(value, name: str) -> bool:
    """``value`` is True or False: a truthy string such as ``'no'`` must not pass as True."""
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"`{name}` must be True or False; got {value!r}.")
    return bool(value)
