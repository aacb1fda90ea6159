"""Tests of xentbook._mutual: joint and conditional entropy, mutual information, joint counts."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import scipy.stats
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import independent_tables, joint_tables

import xentbook as xb

# --- reference tables -----------------------------------------------------------------------

# Cover and Thomas, Elements of Information Theory (2nd ed., 2006), Example 2.2.1. Their rows
# are Y and their columns X, so here rows (our X) are their Y and columns (our Y) their X.
COVER_THOMAS = np.array(
    [
        [1 / 8, 1 / 16, 1 / 32, 1 / 32],
        [1 / 16, 1 / 8, 1 / 32, 1 / 32],
        [1 / 16, 1 / 16, 1 / 16, 1 / 16],
        [1 / 4, 0, 0, 0],
    ]
)

# A fair die X and its parity Y (column 0: even, column 1: odd). By hand: H(X, Y) = log2 6,
# H(Y | X) = 0 (the parity is a function of the roll), H(X | Y) = log2 3, I = H(Y) = 1 bit.
DIE = np.zeros((6, 2))
DIE[[1, 3, 5], 0] = DIE[[0, 2, 4], 1] = 1 / 6

# A fair bit sent through a binary symmetric channel that flips it with probability 0.1.
# By hand: I = 1 - H(0.1) bits, with H(0.1) = -0.1 log2 0.1 - 0.9 log2 0.9.
CHANNEL = np.array([[0.45, 0.05], [0.05, 0.45]])
H_01 = -0.1 * math.log2(0.1) - 0.9 * math.log2(0.9)


@pytest.mark.parametrize(
    ("joint", "h_xy", "h_y_given_x", "h_x_given_y", "info"),
    [
        # Cover and Thomas, Example 2.2.1: H(X,Y) = 27/8, H(their X | their Y) = 11/8,
        # H(their Y | their X) = 13/8, I = 3/8 bits.
        (COVER_THOMAS, 27 / 8, 11 / 8, 13 / 8, 3 / 8),
        # By hand: a fair coin and an exact copy of it share one bit.
        ([[0.5, 0.0], [0.0, 0.5]], 1.0, 0.0, 0.0, 1.0),
        # By hand: two independent fair coins, two bits, nothing shared.
        (np.full((2, 2), 0.25), 2.0, 1.0, 1.0, 0.0),
        # By hand: see DIE above.
        (DIE, math.log2(6), 0.0, math.log2(3), 1.0),
        # By hand: see CHANNEL above; H(Y | X) = H(X | Y) = H(0.1), H(X, Y) = 1 + H(0.1).
        (CHANNEL, 1 + H_01, H_01, H_01, 1 - H_01),
        # By hand: one outcome only, no information at all.
        ([[1.0]], 0.0, 0.0, 0.0, 0.0),
    ],
)
def test_reference_tables(joint, h_xy, h_y_given_x, h_x_given_y, info):
    assert xb.joint_entropy(joint, base=2) == pytest.approx(h_xy, rel=1e-15, abs=1e-15)
    assert xb.conditional_entropy(joint, given="x", base=2) == pytest.approx(
        h_y_given_x, rel=1e-15, abs=1e-15
    )
    assert xb.conditional_entropy(joint, given="y", base=2) == pytest.approx(
        h_x_given_y, rel=1e-15, abs=1e-15
    )
    assert xb.mutual_information(joint, base=2) == pytest.approx(info, rel=1e-14, abs=1e-15)


def test_joint_counts_reference():
    # By hand: the pairs (0,1), (0,1), (1,0), (2,1) and (1,1).
    counts = xb.joint_counts([0, 0, 1, 2, 1], [1, 1, 0, 1, 1])
    assert counts.tolist() == [[0, 2], [1, 1], [0, 1]]
    assert counts.dtype == np.int64


# --- identities, each named after its theorem ----------------------------------------------


def _marginals(joint):
    # A row of a rounded table can sum to 1 + 1 ulp; xb.entropy rightly refuses that.
    return np.minimum(joint.sum(axis=1), 1.0), np.minimum(joint.sum(axis=0), 1.0)


@given(joint_tables())
@settings(deadline=None)  # a shared 2-core machine makes timings meaningless
def test_chain_rule(joint):
    """H(X, Y) = H(X) + H(Y | X) = H(Y) + H(X | Y)."""
    px, py = _marginals(joint)
    h_xy = xb.joint_entropy(joint)
    assert xb.entropy(px) + xb.conditional_entropy(joint, given="x") == pytest.approx(
        h_xy, rel=1e-12, abs=1e-12
    )
    assert xb.entropy(py) + xb.conditional_entropy(joint, given="y") == pytest.approx(
        h_xy, rel=1e-12, abs=1e-12
    )


@given(joint_tables())
@settings(deadline=None)  # a shared 2-core machine makes timings meaningless
def test_information_is_entropy_minus_conditional_entropy(joint):
    """I(X; Y) = H(X) - H(X | Y) = H(Y) - H(Y | X)."""
    px, py = _marginals(joint)
    info = xb.mutual_information(joint)
    assert xb.entropy(px) - xb.conditional_entropy(joint, given="y") == pytest.approx(
        info, abs=1e-12
    )
    assert xb.entropy(py) - xb.conditional_entropy(joint, given="x") == pytest.approx(
        info, abs=1e-12
    )


@given(joint_tables())
@settings(deadline=None)  # a shared 2-core machine makes timings meaningless
def test_information_is_kl_from_the_product_of_marginals(joint):
    """I(X; Y) = KL(P_XY ‖ P_X ⊗ P_Y)."""
    px, py = _marginals(joint)
    product = np.outer(px, py)
    assume((product[joint > 0] > 0).all())  # a product that underflows makes this KL infinite
    kl = xb.kl_divergence(joint.ravel(), product.ravel())
    assert xb.mutual_information(joint) == pytest.approx(kl, rel=1e-9, abs=1e-14)


# --- hypothesis properties -------------------------------------------------------------------


@given(joint_tables())
@settings(deadline=None)  # a shared 2-core machine makes timings meaningless
def test_symmetry(joint):
    assert xb.mutual_information(joint.T) == pytest.approx(
        xb.mutual_information(joint), rel=1e-13, abs=1e-16
    )
    assert xb.joint_entropy(joint.T) == pytest.approx(xb.joint_entropy(joint), rel=1e-13)


@given(joint_tables())
@settings(deadline=None)  # a shared 2-core machine makes timings meaningless
def test_information_is_at_most_either_entropy(joint):
    px, py = _marginals(joint)
    info = xb.mutual_information(joint)
    assert 0 <= info <= min(xb.entropy(px), xb.entropy(py)) + 1e-12


@given(joint_tables())
@settings(deadline=None)  # a shared 2-core machine makes timings meaningless
def test_conditioning_reduces_entropy(joint):
    px, py = _marginals(joint)
    assert 0 <= xb.conditional_entropy(joint, given="x") <= xb.entropy(py) + 1e-12
    assert 0 <= xb.conditional_entropy(joint, given="y") <= xb.entropy(px) + 1e-12


@given(independent_tables())
@settings(deadline=None)  # a shared 2-core machine makes timings meaningless
def test_independent_variables_share_nothing(joint):
    # The outer product is rounded, so its own marginals differ from the factors by a few
    # ulp: the information left is of the order of their square.
    assert 0 <= xb.mutual_information(joint) <= 1e-28


def test_independent_dyadic_tables_give_exactly_zero():
    # Products of powers of two are exact, so the marginals are exactly the factors.
    joint = np.outer([0.5, 0.25, 0.25], [0.125, 0.875])
    assert xb.mutual_information(joint) == 0.0


@given(st.lists(joint_tables(max_rows=3, max_cols=3), min_size=1, max_size=4))
@settings(deadline=None)  # a shared 2-core machine makes timings meaningless
def test_a_batch_is_each_table(tables):
    tables = [t for t in tables if t.shape == tables[0].shape]
    batch = np.stack(tables)
    for f in (
        xb.joint_entropy,
        xb.mutual_information,
        lambda j: xb.conditional_entropy(j, given="y"),
    ):
        out = f(batch)
        assert out.shape == (len(tables),)
        # Each table is reduced on its own: the batch gives the same bits.
        assert out.tolist() == [f(t) for t in tables]


@given(joint_tables(max_rows=5, max_cols=5))
@settings(deadline=None)  # a shared 2-core machine makes timings meaningless
def test_memory_layout_does_not_change_a_bit(joint):
    fortran = np.asfortranarray(joint)
    for f in (xb.mutual_information, lambda j: xb.conditional_entropy(j, given="x")):
        assert f(fortran) == f(joint)


@given(joint_tables(), st.sampled_from([2, 10, math.e]))
@settings(deadline=None)  # a shared 2-core machine makes timings meaningless
def test_base_changes_only_the_unit(joint, base):
    for f in (
        xb.joint_entropy,
        xb.mutual_information,
        lambda j, **k: xb.conditional_entropy(j, given="x", **k),
    ):
        assert f(joint, base=base) == pytest.approx(f(joint) / math.log(base), rel=1e-13)


def test_float32_stays_float32():
    joint = CHANNEL.astype(np.float32)
    for f in (
        xb.joint_entropy,
        xb.mutual_information,
        lambda j: xb.conditional_entropy(j, given="x"),
    ):
        out = f(joint)
        assert out.dtype == np.float32
        assert out == pytest.approx(f(CHANNEL), rel=1e-6)


@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=50),
    st.randoms(use_true_random=False),
)
def test_joint_counts_count_every_pair(xs, random):
    ys = [random.randrange(3) for _ in xs]
    counts = xb.joint_counts(np.array(xs, np.int32), np.array(ys, np.int32), shape=(5, 3))
    assert counts.sum() == len(xs)
    for i in range(5):
        for j in range(3):
            assert counts[i, j] == sum(1 for a, b in zip(xs, ys, strict=True) if (a, b) == (i, j))


def test_joint_counts_empty():
    assert xb.joint_counts([], []).shape == (0, 0)
    assert xb.joint_counts(np.array([], int), np.array([], int), shape=(2, 3)).tolist() == [
        [0, 0, 0],
        [0, 0, 0],
    ]


def test_empty_batch_gives_empty_results():
    for f in (
        xb.joint_entropy,
        xb.mutual_information,
        lambda j: xb.conditional_entropy(j, given="x"),
    ):
        assert f(np.zeros((0, 3, 2))).shape == (0,)


# --- accuracy against mpmath, in ulp -------------------------------------------------------


def _exact_information(joint) -> mpmath.mpf:
    """I(X; Y) of the table exactly as given, as sum(p log(p / q) - p + q) over all cells.

    The table sums to 1 only up to rounding; this form is the mutual information of any table
    that sums to exactly 1, and for the rounded one it is what the function promises.
    """
    with mpmath.workdps(80):
        t = [[mpmath.mpf(float(a)) for a in row] for row in joint]
        px = [sum(row) for row in t]
        py = [sum(col) for col in zip(*t, strict=True)]
        return sum(
            (t[i][j] * mpmath.log(t[i][j] / (px[i] * py[j])) if t[i][j] else 0)
            - t[i][j]
            + px[i] * py[j]
            for i in range(len(t))
            for j in range(len(py))
        )


def _ulp_error(value: float, exact) -> float:
    return float(abs(mpmath.mpf(value) - exact) / (abs(exact) * 2.0**-52))


@pytest.mark.parametrize("eps", [1e-2, 1e-5, 1e-8, 1e-11, 1e-14])
def test_nearly_independent_tables_keep_their_digits(eps):
    rng = np.random.default_rng(int(-math.log10(eps)))
    for _ in range(5):
        a, b = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(5))
        joint = np.outer(a, b) * (1 + eps * rng.standard_normal((4, 5)))
        joint /= joint.sum()
        exact = _exact_information(joint)
        assert _ulp_error(xb.mutual_information(joint), exact) <= 8
        naive = xb.entropy(joint.sum(1)) + xb.entropy(joint.sum(0))
        naive -= xb.joint_entropy(joint)
        if eps <= 1e-8:  # the difference of entropies has lost every digit
            assert _ulp_error(naive, exact) > 2**20


def test_tiny_probabilities_whose_products_underflow():
    # p_i q_j underflows to 0 while p_ij does not: the log-domain path.
    joint = np.array([[1e-200, 0.0], [0.0, 1 - 1e-200]])
    with mpmath.workdps(60):
        exact = 1e-200 * mpmath.log(mpmath.mpf(1e200))  # I = -sum p log p here
    assert xb.mutual_information(joint) == pytest.approx(float(exact), rel=1e-14)


@pytest.mark.parametrize("delta", [1e-3, 1e-8, 1e-13])
def test_nearly_deterministic_conditional_entropy_keeps_its_digits(delta):
    # Y copies X except with probability delta: H(Y | X) = H(delta) is tiny.
    joint = np.array([[0.5 * (1 - delta), 0.5 * delta], [0.5 * delta, 0.5 * (1 - delta)]])
    with mpmath.workdps(60):
        t = [[mpmath.mpf(float(a)) for a in row] for row in joint]
        exact = -sum(t[i][j] * mpmath.log(t[i][j] / sum(t[i])) for i in range(2) for j in range(2))
    assert _ulp_error(xb.conditional_entropy(joint, given="x"), exact) <= 8


# --- parity with SciPy and scikit-learn ------------------------------------------------------


@given(joint_tables())
@settings(max_examples=50, deadline=None)
def test_matches_scipy_stats_entropy(joint):
    px, py = _marginals(joint)
    assume((np.outer(px, py)[joint > 0] > 0).all())  # else SciPy's KL is infinite
    assert xb.joint_entropy(joint) == pytest.approx(scipy.stats.entropy(joint.ravel()), rel=1e-12)
    info = scipy.stats.entropy(joint.ravel(), np.outer(px, py).ravel())
    assert xb.mutual_information(joint) == pytest.approx(info, rel=1e-9, abs=1e-13)
    # H(Y | X) = sum_i P(X = i) H(Y | X = i), one SciPy entropy per row.
    rows = [px[i] * scipy.stats.entropy(joint[i]) for i in range(len(px)) if px[i] > 0]
    assert xb.conditional_entropy(joint, given="x") == pytest.approx(sum(rows), abs=1e-12)


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), min_size=1, max_size=80))
@settings(max_examples=50, deadline=None)  # the first call imports scikit-learn
def test_matches_sklearn_mutual_info_score(pairs):
    metrics = pytest.importorskip("sklearn.metrics", reason="pip install scikit-learn")
    x, y = (np.array(v, dtype=np.int32) for v in zip(*pairs, strict=True))
    counts = xb.joint_counts(x, y)
    ours = xb.mutual_information(counts / counts.sum())
    assert ours == pytest.approx(metrics.mutual_info_score(x, y), rel=1e-9, abs=1e-12)
    theirs = metrics.mutual_info_score(None, None, contingency=counts)
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-12)


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("joint", "words"),
    [
        ([0.5, 0.5], "at least 2-D"),
        (0.5, "at least 2-D"),
        ([[0.5, 0.6], [0.0, 0.0]], "sum to 1"),
        ([[1.0, 1.0], [1.0, 1.0]], "counts.sum"),
        ([[0.5, -0.1], [0.3, 0.3]], "negative"),
        ([[0.5, np.nan], [0.25, 0.25]], "NaN"),
        (np.zeros((0, 3)), "no outcomes"),
        (np.zeros((2, 0)), "no outcomes"),
        ([["a", "b"]], "real numbers"),
        ([[0.5, 0.5], [0.5]], "ragged"),
    ],
)
def test_bad_joint_names_the_argument(joint, words):
    for f in (
        xb.joint_entropy,
        xb.mutual_information,
        lambda j: xb.conditional_entropy(j, given="x"),
    ):
        with pytest.raises(ValueError, match="`joint`") as info:
            f(joint)
        assert words in str(info.value)


def test_batch_error_says_which_table():
    batch = np.stack([CHANNEL, 2 * CHANNEL])
    with pytest.raises(ValueError, match=r"`joint`.*index \(1,\)"):
        xb.mutual_information(batch)


def test_bad_given_and_base():
    with pytest.raises(ValueError, match="`given`"):
        xb.conditional_entropy(CHANNEL, given="rows")
    with pytest.raises(TypeError, match="given"):
        xb.conditional_entropy(CHANNEL)  # which way to condition is never implicit
    for f in (xb.joint_entropy, xb.mutual_information):
        with pytest.raises(ValueError, match="`base`"):
            f(CHANNEL, base=1)


@pytest.mark.parametrize(
    ("x", "y", "shape", "name", "words"),
    [
        ([0, 1], [0], None, "x", "pair up"),
        ([[0, 1]], [[0, 1]], None, "x", "1-D"),
        ([0.0, 1.0], [0, 1], None, "x", "integer"),
        ([True, False], [0, 1], None, "x", "integer"),
        ([0, 1], [0, -1], None, "y", "outside"),
        ([0, 3], [0, 1], (3, 2), "x", "outside"),
        ([0, 1], [0, 1], (2,), "shape", "pair"),
        ([0, 1], [0, 1], (2, 0), "shape", "at least 1"),
        ([0, 1], [0, 1], "ab", "shape", "pair"),
    ],
)
def test_bad_samples_name_the_argument(x, y, shape, name, words):
    with pytest.raises(ValueError, match=f"`{name}`") as info:
        xb.joint_counts(x, y, shape=shape)
    assert words in str(info.value)
