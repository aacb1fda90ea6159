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
    w = draw(hnp.arrays(np.float64, n, elements=st.floats(low, 1e3, allow_nan=False)))
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


@st.composite
def class_problems(draw, max_classes: int = 6):
    """(target, logits, axis): class-index targets for logits of 1 to 3 dimensions.

    The class axis is drawn anywhere; about a fifth of the targets are ignore_index -100.
    """
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    axis = draw(st.integers(-ndim, ndim - 1))
    c = draw(st.integers(1, max_classes))
    shape = (*shape[: axis % ndim], c, *shape[axis % ndim + 1 :])
    x = draw(logits(shape))
    t_shape = shape[: axis % ndim] + shape[axis % ndim + 1 :]
    t = draw(hnp.arrays(np.int64, t_shape, elements=st.integers(0, c - 1)))
    ignored = draw(hnp.arrays(np.bool_, t_shape, elements=st.sampled_from([False] * 4 + [True])))
    t = np.where(ignored, -100, t)
    return t, x, axis


@st.composite
def binary_problems(draw, max_size: int = 10):
    """(y, logits): soft or hard binary targets in [0, 1] and finite logits of one shape."""
    n = draw(st.integers(1, max_size))
    hard = st.sampled_from([0.0, 1.0])
    y = draw(hnp.arrays(np.float64, n, elements=st.one_of(hard, st.floats(0.0, 1.0))))
    x = draw(logits(n, -40.0, 40.0))
    return y, x


@st.composite
def models_and_messages(draw, min_size: int = 1, max_size: int = 27, max_length: int = 40):
    """A model q (some outcomes may have probability 0) and a message of symbol indices.

    The message uses only symbols that q can code (q > 0); it may be empty.
    """
    q = draw(distributions(min_size, max_size, zeros=True))
    support = np.flatnonzero(q > 0).tolist()
    message = draw(st.lists(st.sampled_from(support), max_size=max_length))
    return q, message


@st.composite
def symbol_labels(draw, n: int):
    """``n`` distinct hashable labels of mixed kinds: ints, letters, strings, tuples."""
    label = st.one_of(
        st.integers(-5, 100),
        st.characters(categories=("L",)),
        st.text(alphabet="abcxyz", min_size=2, max_size=4),
        st.tuples(st.integers(0, 3), st.integers(0, 3)),
    )
    return draw(st.lists(label, min_size=n, max_size=n, unique=True))


@st.composite
def labelled_predictions(draw, max_batch: int = 30, max_classes: int = 6):
    """(target, probs): class indices and an (n, K) matrix of predicted distributions.

    Rows come from softmax of finite logits, so they sum to 1 to rounding and may hold
    ties and confidences anywhere in [1/K, 1].
    """
    n = draw(st.integers(1, max_batch))
    k = draw(st.integers(1, max_classes))
    x = draw(logits((n, k), -20.0, 20.0))
    t = draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    shifted = np.exp(x - x.max(axis=1, keepdims=True))
    return t, shifted / shifted.sum(axis=1, keepdims=True)


@st.composite
def joint_tables(draw, max_rows: int = 6, max_cols: int = 6, zeros: bool = True):
    """A float64 joint distribution of two variables: an (m, n) table summing to 1."""
    m = draw(st.integers(1, max_rows))
    n = draw(st.integers(1, max_cols))
    return draw(distributions(m * n, m * n, zeros)).reshape(m, n)


@st.composite
def independent_tables(draw, max_rows: int = 6, max_cols: int = 6):
    """The outer product of two distributions: the joint table of independent variables."""
    a = draw(distributions(1, max_rows))
    b = draw(distributions(1, max_cols))
    return np.outer(a, b)


def scales(low: float = 1e-3, high: float = 1e3):
    """A positive standard deviation, over six orders of magnitude."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def locations(bound: float = 1e3):
    """A finite mean or observation."""
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False)


@st.composite
def normal_pairs(draw, max_size: int = 6):
    """(mu_p, sigma_p, mu_q, sigma_q): two normal distributions per entry, as 1-D arrays."""
    n = draw(st.integers(1, max_size))
    mu = hnp.arrays(np.float64, n, elements=locations())
    sigma = hnp.arrays(np.float64, n, elements=scales())
    return draw(mu), draw(sigma), draw(mu), draw(sigma)


@st.composite
def gaussian_problems(draw, max_batch: int = 5, max_dim: int = 4):
    """(input, target, var): a (batch, dim) prediction, its targets and positive variances."""
    shape = (draw(st.integers(1, max_batch)), draw(st.integers(1, max_dim)))
    mu = draw(hnp.arrays(np.float64, shape, elements=locations(100.0)))
    y = draw(hnp.arrays(np.float64, shape, elements=locations(100.0)))
    var = draw(hnp.arrays(np.float64, shape, elements=scales(1e-4, 1e4)))
    return mu, y, var
