"""The one reduction every loss and score shares: ``'mean'``, ``'sum'`` or ``'none'``.

The semantics are PyTorch's, empty input included: the mean of nothing is NaN, the
sum of nothing is 0, and ``'none'`` gives the (empty) values back. Sums run in
float64 and the result has the dtype the caller computes in; no RuntimeWarning is
raised on the way.
"""

from __future__ import annotations

import numpy as np

from . import _validation as v

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction: str) -> str:
    """``reduction`` is one of 'mean', 'sum' or 'none'."""
    return v.check_choice(reduction, REDUCTIONS, "reduction", "is not a reduction")


def reduce(values, reduction: str, dtype: np.dtype, denominator=None):
    """``values`` reduced by ``reduction``, as a ``dtype`` scalar (an array for 'none').

    ``values`` are the per-example values, or partial sums of them (per block of rows)
    when ``denominator`` is given. ``denominator`` is what 'mean' divides the sum by:
    the number of values by default, the summed weights of a weighted loss. A zero
    denominator (nothing to average) gives NaN, as in PyTorch.
    """
    dtype = np.dtype(dtype)
    if reduction == "none":
        return np.asarray(values, dtype=dtype)[()]
    total = np.sum(values, dtype=np.float64)
    if reduction == "mean":
        count = np.size(values) if denominator is None else denominator
        total = total / count if count != 0 else np.nan
    return dtype.type(total)
