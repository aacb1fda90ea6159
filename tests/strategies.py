"""Hypothesis strategies shared by the property tests: the one place they are defined."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


@st.composite
def distributions(draw, min_size: int = 1, max_size: int = 12, zeros: bool = True):
    """A float64 probability vector, normalised exactly enough for the validators.

    Built from non-negative weights; with ``zeros`` some outcomes get probability 0.
    """
    n = draw(st.integers(min_size, max_size))
    low = 0.0 if zeros else 1e-3
    w = draw(
        hnp.arrays(np.float64, n, elements=st.floats(low, 1e3, allow_nan=False))
    )
    if w.sum() == 0:
        w[draw(st.integers(0, n - 1))] = 1.0
    return w / w.sum()


@st.composite
def distribution_pairs(draw, min_size: int = 1, max_size: int = 12, zeros: bool = True):
    """Two distributions over the same outcomes: (truth, model)."""
    p = draw(distributions(min_size, max_size, zeros))
    q = draw(distributions(p.size, p.size, zeros))
    return p, q


def logits(shape, low: float = -50.0, high: float = 50.0, dtype=np.float64):
    """Finite logits of a given shape (or shape strategy)."""
    width = 64 if dtype == np.float64 else 32
    return hnp.arrays(dtype, shape, elements=st.floats(low, high, allow_nan=False, width=width))


@st.composite
def logits_and_targets(draw, max_batch: int = 8, max_classes: int = 10):
    """A (batch, classes) logits matrix with integer class targets."""
    n = draw(st.integers(1, max_batch))
    c = draw(st.integers(1, max_classes))
    x = draw(logits((n, c)))
    t = draw(hnp.arrays(np.int64, n, elements=st.integers(0, c - 1)))
    return x, t
