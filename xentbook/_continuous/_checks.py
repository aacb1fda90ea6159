"""Input checks shared by the continuous measures and the regression fit."""

from __future__ import annotations

import math

import numpy as np

from .. import _validation as v

# The constant of a Gaussian log-density: log sqrt(2 pi).
HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def first_index(mask: np.ndarray):
    """The index of the first True entry of ``mask``: an int in 1-D, a tuple otherwise."""
    where = tuple(int(i) for i in np.argwhere(mask)[0])
    return where[0] if len(where) == 1 else where


def finite(x, name: str, dtype: np.dtype, what: str) -> np.ndarray:
    """``x`` as a float64 array without NaN or infinity (converted through ``dtype``)."""
    arr = v.as_float_array(x, name, dtype)
    if arr.size and not np.isfinite(arr).all():
        where = first_index(~np.isfinite(arr))
        raise ValueError(f"`{name}` must be finite (found {arr[where]} at index {where}); {what}")
    return arr.astype(np.float64, copy=False)


def positive(x, name: str, dtype: np.dtype) -> np.ndarray:
    """``x`` as a float64 array of finite, strictly positive numbers."""
    arr = finite(x, name, dtype, "a standard deviation is a positive number.")
    if arr.size and not (arr > 0).all():
        where = first_index(~(arr > 0))
        raise ValueError(
            f"`{name}` must be positive (found {arr[where]} at index {where}); "
            "a standard deviation of 0 or less describes no density."
        )
    return arr
