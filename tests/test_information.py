"""Tests for xentbook._information: surprisal, entropy, cross-entropy, KL divergence, normalize."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st
from strategies import distribution_pairs, distributions

import xentbook as xb

LOG2_3 = math.log2(3)

# --- Reference tables ---------------------------------------------------------------------------

ENTROPY_BITS = [
    # Fair coin: one bit, by definition of the bit.
    ([0.5, 0.5], 1.0),
    # Fair die: log2 6.
    ([1 / 6] * 6, math.log2(6)),
    # Cover & Thomas (2006), Example 2.1.2: (1/2, 1/4, 1/8, 1/8) has entropy 7/4 bits.
    ([0.5, 0.25, 0.125, 0.125], 1.75),
    # Binary entropy h(0.9) = -0.9 log2 0.9 - 0.1 log2 0.1, evaluated with mpmath at 50 digits.
    ([0.9, 0.1], 0.46899559358928122),
    # A certain outcome carries no information; the 0 log 0 = 0 convention.
    ([1.0, 0.0, 0.0], 0.0),
]

KL_BITS = [
    # Cover & Thomas (2006), Example 2.3.1 with r = 1/2, s = 1/4:
    # D(p||q) = 1 - (1/2) log2 3 and D(q||p) = (3/4) log2 3 - 1.
    ([0.5, 0.5], [0.75, 0.25], 1 - 0.5 * LOG2_3),
    ([0.75, 0.25], [0.5, 0.5], 0.75 * LOG2_3 - 1),
    # Fair coin coded for a 90/10 coin: 0.5 log2(0.5/0.9) + 0.5 log2(0.5/0.1), by hand.
    ([0.5, 0.5], [0.9, 0.1], 0.5 * math.log2(0.5 / 0.9) + 0.5 * math.log2(5)),
    # Identical distributions: exactly 0.
    ([0.2, 0.3, 0.5], [0.2, 0.3, 0.5], 0.0),
]


@pytest.mark.parametrize(("p", "expected"), ENTROPY_BITS)
def test_entropy_reference_values(p, expected):
    assert xb.entropy(p, base=2) == pytest.approx(expected, rel=1e-15, abs=0)


@pytest.mark.parametrize(("p", "q", "expected"), KL_BITS)
def test_kl_divergence_reference_values(p, q, expected):
    assert xb.kl_divergence(p, q, base=2) == pytest.approx(expected, rel=1e-14, abs=0)


@pytest.mark.parametrize(
    ("p", "expected_bits"),
    [
        (0.5, 1.0),  # a fair coin toss: one bit, by definition
        (0.25, 2.0),  # two fair coin tosses
        (1 / 1024, 10.0),  # 2**-10
        (1.0, 0.0),  # certainty carries nothing
        (0.0, math.inf),  # an impossible event: infinitely surprising
    ],
)
def test_surprisal_reference_values(p, expected_bits):
    assert xb.surprisal(p, base=2) == expected_bits


def test_cross_entropy_reference_value():
    # One-hot truth: H(p, q) = -ln q_k, the log loss; -ln 0.7 from math.log.
    assert xb.cross_entropy([0, 1, 0], [0.2, 0.7, 0.1]) == pytest.approx(-math.log(0.7), rel=1e-15)


# --- Theorems and identities ---------------------------------------------------------------------


@given(distribution_pairs())
def test_gibbs_inequality(pq):
    p, q = pq
    assert xb.kl_divergence(p, q) >= 0
    assert xb.cross_entropy(p, q) >= xb.entropy(p) - 1e-12


@given(distribution_pairs(zeros=False))
def test_cross_entropy_decomposes_into_entropy_plus_kl(pq):
    p, q = pq
    h, ce, kl = xb.entropy(p), xb.cross_entropy(p, q), xb.kl_divergence(p, q)
    assert ce == pytest.approx(h + kl, rel=1e-12, abs=1e-12)


@given(distributions())
def test_kl_of_a_distribution_with_itself_is_exactly_zero(p):
    assert xb.kl_divergence(p, p) == 0.0
    assert xb.cross_entropy(p, p) == pytest.approx(xb.entropy(p), rel=1e-14, abs=1e-15)


@given(distributions(min_size=2))
def test_entropy_is_maximised_by_the_uniform_distribution(p):
    assert 0 <= xb.entropy(p) <= math.log(p.size) * (1 + 1e-14)


@given(distributions(max_size=6), distributions(max_size=6))
def test_entropy_is_additive_for_independent_variables(p, q):
    joint = np.outer(p, q).ravel()
    assert xb.entropy(joint) == pytest.approx(xb.entropy(p) + xb.entropy(q), rel=1e-12, abs=1e-12)


@given(st.floats(1e-150, 1.0), st.floats(1e-150, 1.0))
def test_surprisal_of_independent_events_adds(a, b):
    assert xb.surprisal(a * b) == pytest.approx(xb.surprisal(a) + xb.surprisal(b), rel=1e-12)


@given(distribution_pairs(), st.sampled_from([2, 10, math.e, 3.5]))
def test_change_of_base_divides_by_log_of_base(pq, base):
    p, q = pq
    for nats, in_base in [
        (xb.entropy(p), xb.entropy(p, base=base)),
        (xb.cross_entropy(p, q), xb.cross_entropy(p, q, base=base)),
        (xb.kl_divergence(p, q), xb.kl_divergence(p, q, base=base)),
    ]:
        assert in_base == pytest.approx(nats / math.log(base), rel=1e-13, abs=1e-15)


# --- Conventions at zero and infinity ------------------------------------------------------------


def test_zero_log_zero_is_zero():
    assert xb.entropy([0.0, 1.0]) == 0.0
    assert xb.cross_entropy([0.0, 1.0], [0.0, 1.0]) == 0.0
    assert xb.kl_divergence([0.0, 1.0], [0.5, 0.5]) == pytest.approx(math.log(2))


def test_outcome_the_model_rules_out_costs_infinity():
    assert xb.cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert xb.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf


def test_results_are_never_negative_zero():
    assert math.copysign(1, xb.entropy([1.0, 0.0])) == 1
    assert math.copysign(1, xb.surprisal(1.0)) == 1


def test_extreme_ratios_do_not_overflow():
    # p / q overflows for a subnormal q; the log-ratio is still finite and exact enough.
    q_small = 1e-320
    expected = -math.log(q_small)  # KL([1, 0] || [q, 1 - q]) = -log q
    kl = xb.kl_divergence([1.0, 0.0], [q_small, 1 - q_small])
    assert kl == pytest.approx(expected, rel=1e-15)


# --- Shapes, axes, dtypes ------------------------------------------------------------------------


def test_reduces_only_the_outcome_axis_and_broadcasts():
    p = np.array([0.5, 0.25, 0.25])
    q = np.array([[0.5, 0.25, 0.25], [1 / 3, 1 / 3, 1 / 3], [0.8, 0.1, 0.1], [0.1, 0.1, 0.8]])
    out = xb.cross_entropy(p, q)
    assert out.shape == (4,)
    np.testing.assert_allclose(out, [xb.cross_entropy(p, row) for row in q], rtol=1e-15)


def test_axis_selects_the_outcome_axis():
    p = np.array([[0.5, 0.9], [0.5, 0.1]])
    np.testing.assert_allclose(xb.entropy(p, axis=0), xb.entropy(p.T), rtol=1e-15)
    assert xb.entropy(np.ones((2, 3, 4)) / 4).shape == (2, 3)


def test_non_contiguous_input():
    rng = np.random.default_rng(0)
    p = xb.normalize(rng.random((7, 5)), axis=0)
    q = xb.normalize(rng.random((7, 5)), axis=0)
    np.testing.assert_allclose(
        xb.kl_divergence(p, q, axis=0),
        xb.kl_divergence(np.ascontiguousarray(p.T), np.ascontiguousarray(q.T)),
        rtol=1e-15,
    )


def test_large_batches_are_reduced_blockwise():
    rng = np.random.default_rng(1)
    p = xb.normalize(rng.random((300, 1000)))
    q = xb.normalize(rng.random((300, 1000)))
    expected = np.array([-np.sum(p[i] * np.log(q[i])) for i in range(300)])
    np.testing.assert_allclose(xb.cross_entropy(p, q), expected, rtol=1e-13)


@pytest.mark.parametrize("f", [xb.entropy, xb.surprisal])
def test_float32_stays_float32(f):
    assert f(np.array([0.25, 0.75], dtype=np.float32)).dtype == np.float32
    assert f(np.array([0.25, 0.75])).dtype == np.float64


def test_pair_dtype_is_float32_only_when_both_are():
    p32 = np.array([0.25, 0.75], dtype=np.float32)
    assert xb.cross_entropy(p32, p32).dtype == np.float32
    assert xb.kl_divergence(p32, [0.5, 0.5]).dtype == np.float64


def test_integer_probabilities_become_float64():
    assert xb.entropy([0, 1]).dtype == np.float64


# --- Parity with SciPy ---------------------------------------------------------------------------


@given(distribution_pairs(zeros=False))
def test_matches_scipy_stats_entropy(pq):
    p, q = pq
    assert xb.entropy(p, base=2) == pytest.approx(scipy.stats.entropy(p, base=2), rel=1e-12)
    assert xb.kl_divergence(p, q) == pytest.approx(scipy.stats.entropy(p, q), rel=1e-9, abs=1e-12)


def test_matches_scipy_entr_elementwise():
    p = np.array([0.0, 1e-300, 0.3, 0.5, 1.0])
    np.testing.assert_allclose(p * xb.surprisal(np.where(p > 0, p, 1)), scipy.special.entr(p))


# --- normalize -----------------------------------------------------------------------------------


def test_normalize_makes_a_distribution_that_the_measures_accept():
    counts = np.array([[3, 1, 0], [2, 2, 4]])
    p = xb.normalize(counts)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)
    assert xb.entropy(p).shape == (2,)


def test_normalize_keeps_float32():
    assert xb.normalize(np.ones(3, dtype=np.float32)).dtype == np.float32


# --- Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: xb.entropy([0.5, np.nan, 0.5]), r"`p` contains NaN"),
        (lambda: xb.entropy([1.2, -0.2]), r"`p` must not contain negative probabilities"),
        (lambda: xb.entropy([0.3, 0.4]), r"`p` must sum to 1 along axis -1 \(it sums to 0\.70*1?,"),
        (lambda: xb.entropy([0.3, 0.4]), r"xentbook\.normalize\(p\)"),
        (lambda: xb.surprisal([1.5]), r"`p` must not contain probabilities greater than 1"),
        (lambda: xb.cross_entropy([0.5, 0.5], [0.2, 0.2, 0.6]), r"`p` with shape \(2,\) and `q` "),
        (lambda: xb.cross_entropy([0.5, 0.5], [0.2, 0.7]), r"`q` must sum to 1"),
        (
            lambda: xb.kl_divergence([1.0], [1.0], base=1),
            r"`base` must be finite and greater than 1",
        ),
        (lambda: xb.entropy([1.0], base=0), r"`base` must be finite and greater than 1"),
        (lambda: xb.entropy([1.0], base=-2), r"`base` must be finite and greater than 1"),
        (lambda: xb.entropy([1.0], axis=1), r"`axis`=1 is out of range"),
        (lambda: xb.entropy(1.0), r"`p` is a single number, not a distribution"),
        (lambda: xb.entropy(np.ones((2, 0))), r"`p` has no outcomes"),
        (lambda: xb.entropy(["a", "b"]), r"`p` must hold real numbers"),
        (lambda: xb.normalize([1, -1]), r"`x` must hold non-negative weights"),
        (lambda: xb.normalize([0, 0]), r"`x` sums to 0"),
        (lambda: xb.normalize([1, np.inf]), r"`x` must be finite"),
    ],
)
def test_bad_input_raises_a_value_error_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_sum_error_points_at_the_offending_row():
    with pytest.raises(ValueError, match=r"it sums to 0\.9 at index 1"):
        xb.entropy([[0.5, 0.5], [0.5, 0.4]])


def test_float32_tolerance_accepts_a_float32_softmax_output():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(64, 1000)).astype(np.float32)
    q = np.exp(z - z.max(axis=1, keepdims=True))
    q /= q.sum(axis=1, keepdims=True)
    assert xb.entropy(q).dtype == np.float32


@pytest.mark.parametrize("function", [xb.cross_entropy, xb.kl_divergence])
def test_outcome_axes_must_have_equal_length(function):
    # Broadcasting q = [1.0] over two outcomes gave 0.0, below H(p) = log 2.
    with pytest.raises(ValueError, match=r"`p` with shape \(2,\) and `q` with shape \(1,\)"):
        function([0.5, 0.5], [1.0])
    # The other axes still broadcast.
    got = function([[0.5, 0.5], [1.0, 0.0]], [0.5, 0.5])
    assert got.shape == (2,)


def test_normalize_weights_whose_sum_overflows():
    # 1e308 + 1e308 overflows; the weights are equal, so each gets half (exactly).
    assert xb.normalize([1e308, 1e308]).tolist() == [0.5, 0.5]
    assert xb.normalize([[1e308, 1e308, 0.0], [3.0, 1.0, 0.0]]).tolist() == [
        [0.5, 0.5, 0.0],
        [0.75, 0.25, 0.0],
    ]


@pytest.mark.parametrize("function", [xb.entropy, xb.surprisal])
@pytest.mark.parametrize("base", [0.5, 0.999, 1, 0, -2, float("inf")])
def test_bases_not_above_one_are_refused(function, base):
    # base=0.5 gave KL = 0.0 where H(p, q) - H(p) = -0.737: the clamp ran after the unit change.
    with pytest.raises(ValueError, match="`base` must be finite and greater than 1"):
        function([0.5, 0.5], base=base)


@pytest.mark.parametrize("base", ["2", True, [2]])
def test_base_of_the_wrong_type_is_a_type_error(base):
    with pytest.raises(TypeError, match="`base`"):
        xb.kl_divergence([0.5, 0.5], [0.9, 0.1], base=base)


def test_correctly_rounded_low_precision_distributions_are_accepted():
    third = np.full(3, 1 / 3, dtype=np.float32)  # sums to 1 + 3e-8 in float64
    # Mixed precision: the float32 q gets float32's tolerance, not float64's.
    assert xb.cross_entropy(xb.one_hot(0, 3), third) == -np.log(np.float64(third[0]))
    assert xb.kl_divergence(np.full(3, 1 / 3), third) >= 0
    # 49 float16 entries of 1/49 sum to 0.99965.
    h = xb.entropy(np.full(49, 1 / 49, dtype=np.float16))
    assert h.dtype == np.float32
    assert h == pytest.approx(np.log(49), rel=1e-3)


def test_unnormalised_message_does_not_contradict_itself():
    # A float64 sum within 2e-8 of 1 must print enough digits to show it is not 1.
    with pytest.raises(ValueError, match=r"sums to 1\.00000001999\d*, more than 1\.49e-08 away"):
        xb.entropy([0.5, 0.50000002])


@pytest.mark.parametrize(
    ("shape", "axis"),
    [((2, 300, 40), 0), ((300, 2, 40), 1), ((300, 40, 2), 2), ((300, 1000), 1), ((1000, 300), 0)],
)
@pytest.mark.parametrize("name", ["entropy", "cross_entropy", "kl_divergence"])
def test_c_and_fortran_layouts_give_the_same_bits(shape, axis, name):
    # Nearly equal p and q put KL's terms on its series branch, which must reach the
    # output whatever the layout of the chunks it is written into; long rows are summed
    # in one order whatever the layout.
    rng = np.random.default_rng(3)
    p = xb.normalize(rng.uniform(0.1, 1, size=shape), axis=axis)
    q = xb.normalize(p * rng.uniform(0.99, 1.01, size=shape), axis=axis)
    f = getattr(xb, name)
    args = (p,) if name == "entropy" else (p, q)
    c = f(*args, axis=axis)
    fortran = f(*(np.asfortranarray(a) for a in args), axis=axis)
    np.testing.assert_array_equal(fortran, c)
