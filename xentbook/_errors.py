"""The errors every layer raises, from the engine up: the bottom of the package.

Every failure is a ``ValueError`` (a ``TypeError`` for a wrong Python type) whose
message names the argument in backticks, says what was wrong and how to fix it.
This module imports nothing of xentbook, so that the engine (:mod:`xentbook._rows`,
:mod:`xentbook._threads`) and the checks above it can all raise the same errors.
"""

from __future__ import annotations

import operator

import numpy as np


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong Python type (a bool for an axis, a string for a number).

    A TypeError by the house rule, and a ValueError too, so that code catching the
    ValueError every other check raises keeps working.
    """


def raise_nan(arr: np.ndarray, name: str):
    """Raise the error ``as_float_array`` gives for an ``arr`` known to contain NaN."""
    where = first_index(np.isnan(arr))
    raise ValueError(
        f"`{name}` contains NaN (first at index {where}); a probability or logit must be a number."
    )


def check_integer(value, name: str, minimum: int | None = None) -> int:
    """``value`` is a Python or NumPy integer (at least ``minimum`` if given)."""
    if isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"`{name}` must be an integer, not a bool; got {value!r}.")
    try:
        value = operator.index(value)
    except TypeError:
        raise ArgumentTypeError(f"`{name}` must be an integer; got {value!r}.") from None
    if minimum is not None and value < minimum:
        raise ValueError(f"`{name}` must be at least {minimum}; got {value}.")
    return value


def first_index(mask: np.ndarray):
    """The index of the first True entry, as an int for 1-D arrays and a tuple otherwise."""
    if mask.ndim == 0:
        return ()
    flat = int(np.flatnonzero(mask)[0])
    if mask.ndim == 1:
        return flat
    return tuple(int(i) for i in np.unravel_index(flat, mask.shape))
