"""Tests for xentbook._softmax: logsumexp, log_softmax and softmax."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import logits

import xentbook as xb
from xentbook import _rows, _softmax

INF = math.inf

# --- Reference tables ---------------------------------------------------------------------------

LOGSUMEXP = [
    # log(1 + 2 + 3) = log 6, by hand.
    ([0.0, math.log(2), math.log(3)], math.log(6)),
    # Two equal logits: log 2 above the logit, however large it is (no overflow).
    ([0.0, 0.0], math.log(2)),
    ([1000.0, 1000.0], 1000 + math.log(2)),
    ([-1000.0, -1000.0], -1000 + math.log(2)),
    # One logit: the logit itself.
    ([3.5], 3.5),
    # log(e^0 + e^-40) = log1p(e^-40) = e^-40 - e^-80/2, by series (e^-80/2 is below one ulp).
    ([0.0, -40.0], math.exp(-40)),
    # exp(-inf) = 0 adds nothing; a single +inf makes the sum infinite; no entries: log 0.
    ([1.0, -INF], 1.0),
    ([1.0, INF], INF),
    ([-INF, -INF], -INF),
    ([], -INF),
]

SOFTMAX = [
    # Weights 1, 2, 3 over their sum 6, by hand.
    ([0.0, math.log(2), math.log(3)], [1 / 6, 2 / 6, 3 / 6]),
    # Equal logits: uniform.
    ([7.0, 7.0, 7.0, 7.0], [0.25] * 4),
    # e / (1 + e) and 1 / (1 + e): the logistic function of the difference 1.
    ([1.0, 0.0], [math.e / (1 + math.e), 1 / (1 + math.e)]),
    # The documented infinity conventions: ties at an infinite maximum share the mass.
    ([INF, 3.0], [1.0, 0.0]),
    ([INF, 3.0, INF], [0.5, 0.0, 0.5]),
    ([-INF, -INF], [0.5, 0.5]),
    ([2.0, -INF], [1.0, 0.0]),
]


@pytest.mark.parametrize(("x", "expected"), LOGSUMEXP)
def test_logsumexp_reference(x, expected):
    assert xb.logsumexp(x) == pytest.approx(expected, rel=1e-15, abs=0)


@pytest.mark.parametrize(("x", "expected"), SOFTMAX)
def test_softmax_reference(x, expected):
    np.testing.assert_allclose(xb.softmax(x), expected, rtol=1e-15, atol=0)
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(xb.log_softmax(x), np.log(expected), rtol=1e-15, atol=0)


def test_log_softmax_reference():
    # log(0.2), log(0.7), log(0.1) are recovered from the logits log(2), log(7), log(1).
    got = xb.log_softmax(np.log([2.0, 7.0, 1.0]))
    np.testing.assert_allclose(got, np.log([0.2, 0.7, 0.1]), rtol=1e-15)


def test_log_softmax_keeps_tiny_log_probabilities():
    # log sigma_0 = -log1p(e^-50) = -e^-50 (to 1e-22 relative): 1 + e^-50 rounds to 1.
    assert xb.log_softmax([0.0, -50.0])[0] == pytest.approx(-math.exp(-50), rel=1e-15)


# --- Identities ---------------------------------------------------------------------------------


def test_log_softmax_translation_invariance():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 6))
    for shift in (-700.0, -1.5, 3.0, 1e4):
        np.testing.assert_allclose(xb.log_softmax(x + shift), xb.log_softmax(x), atol=1e-11)
        np.testing.assert_allclose(xb.softmax(x + shift), xb.softmax(x), atol=1e-12)


def test_logsumexp_translation_equivariance():
    x = np.array([0.5, -1.0, 2.0])
    assert xb.logsumexp(x + 10) == pytest.approx(xb.logsumexp(x) + 10, rel=1e-15)


def test_log_softmax_is_logits_minus_logsumexp():
    x = np.random.default_rng(1).normal(size=(3, 5))
    expected = x - xb.logsumexp(x)[:, None]
    np.testing.assert_allclose(xb.log_softmax(x), expected, rtol=1e-14, atol=1e-15)


def test_softmax_is_exp_of_log_softmax():
    x = np.random.default_rng(2).normal(size=(3, 5))
    np.testing.assert_allclose(xb.softmax(x), np.exp(xb.log_softmax(x)), rtol=1e-14)


def test_logsumexp_lies_between_max_and_max_plus_log_n():
    # max(x) <= LSE(x) <= max(x) + log n: the softmax sharpens toward the max.
    x = np.random.default_rng(3).normal(size=(10, 7)) * 5
    lse = xb.logsumexp(x)
    assert np.all(x.max(axis=1) <= lse)
    assert np.all(lse <= x.max(axis=1) + math.log(7) + 1e-12)


# --- Axes, shapes, dtypes, blocks ---------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2])
def test_axis_matches_moving_the_class_axis_last(axis):
    x = np.random.default_rng(4).normal(size=(3, 4, 5))
    moved = np.moveaxis(x, axis, -1)
    np.testing.assert_allclose(
        xb.log_softmax(x, axis=axis), np.moveaxis(xb.log_softmax(moved), -1, axis), rtol=1e-15
    )
    np.testing.assert_allclose(xb.logsumexp(x, axis=axis), xb.logsumexp(moved), rtol=1e-15)


@pytest.mark.parametrize(("shape", "axis"), [((50, 7), -1), ((6, 7, 5, 4), 1), ((3, 9), 0)])
def test_many_blocks_match_one_block(monkeypatch, shape, axis):
    x = np.random.default_rng(5).normal(size=shape)
    whole = (xb.logsumexp(x, axis=axis), xb.log_softmax(x, axis=axis), xb.softmax(x, axis=axis))
    # Blocks of 8 doubles force row blocks, and for axis 1 a walk over the leading axis.
    monkeypatch.setattr(_rows, "BLOCK_BYTES", 8 * 8)
    blocked = (xb.logsumexp(x, axis=axis), xb.log_softmax(x, axis=axis), xb.softmax(x, axis=axis))
    for a, b in zip(whole, blocked, strict=True):
        np.testing.assert_array_equal(a, b)


def test_non_contiguous_views():
    base = np.random.default_rng(6).normal(size=(8, 10))
    for view in (base.T, base[::2, ::3], base[:, ::-1]):
        expected = np.log(np.exp(view) / np.exp(view).sum(axis=-1, keepdims=True))
        np.testing.assert_allclose(xb.log_softmax(view), expected, rtol=1e-13)


def test_float32_stays_float32():
    x = np.random.default_rng(7).normal(size=(4, 3)).astype(np.float32)
    assert xb.softmax(x).dtype == np.float32
    assert xb.log_softmax(x).dtype == np.float32
    assert xb.logsumexp(x).dtype == np.float32
    np.testing.assert_allclose(xb.softmax(x), xb.softmax(x.astype(np.float64)), rtol=1e-6)


def test_integer_logits_become_float64():
    assert xb.softmax([1, 2, 3]).dtype == np.float64


def test_large_logits_do_not_overflow():
    np.testing.assert_allclose(xb.softmax([1e4, 1e4 - math.log(3)]), [0.75, 0.25], rtol=1e-12)
    np.testing.assert_allclose(xb.softmax([-1e4, -1e4]), [0.5, 0.5])


def test_empty_inputs():
    assert xb.softmax(np.zeros((0, 3))).shape == (0, 3)
    assert xb.softmax(np.zeros((2, 0))).shape == (2, 0)
    np.testing.assert_array_equal(xb.logsumexp(np.zeros((2, 0))), [-INF, -INF])


def test_infinite_rows_mixed_with_finite_rows():
    x = np.array([[1.0, 2.0], [INF, 0.0], [-INF, -INF], [0.0, -INF]])
    np.testing.assert_allclose(
        xb.softmax(x), [[1 / (1 + math.e), math.e / (1 + math.e)], [1, 0], [0.5, 0.5], [1, 0]]
    )
    np.testing.assert_array_equal(xb.logsumexp(x)[1:], [INF, -INF, 0.0])


# --- Bad input ----------------------------------------------------------------------------------


def test_nan_is_refused_with_its_position():
    with pytest.raises(ValueError, match=r"`logits` contains NaN \(first at index \(1, 0\)\)"):
        xb.softmax([[1.0, 2.0], [np.nan, 0.0]])
    with pytest.raises(ValueError, match="`x` contains NaN"):
        xb.logsumexp([0.0, np.nan])


def test_bad_axis_and_dtype():
    with pytest.raises(ValueError, match=r"`axis`=2 is out of range"):
        xb.softmax([[1.0, 2.0]], axis=2)
    with pytest.raises(ValueError, match="`axis`=-1 needs an array with at least one dimension"):
        xb.softmax_cross_entropy(0, 1.0)
    with pytest.raises(ValueError, match="`logits` must hold real numbers"):
        xb.softmax(["a", "b"])


# --- Properties ---------------------------------------------------------------------------------


@given(logits(st.tuples(st.integers(1, 5), st.integers(1, 8)), -700.0, 700.0))
def test_softmax_rows_are_distributions(x):
    p = xb.softmax(x)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-13)
    assert np.all(xb.log_softmax(x) <= 0)


@given(logits(st.integers(1, 8)), st.floats(-100, 100))
def test_translation_invariance_property(x, shift):
    np.testing.assert_allclose(xb.softmax(x + shift), xb.softmax(x), atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_huge_logits_of_both_signs_give_exact_values_without_warnings(dtype):
    # x_1 - x_0 overflows to -inf: exp gives exactly 0, the log-probability -inf.
    big = np.finfo(dtype).max / 1.05
    x = np.array([big, -big], dtype=dtype)
    assert xb.softmax(x).tolist() == [1.0, 0.0]
    assert xb.log_softmax(x).tolist() == [0.0, -np.inf]
    assert xb.logsumexp(x) == big
    assert xb.softmax(x[::-1], axis=0).tolist() == [0.0, 1.0]


def test_a_single_logit_is_a_distribution_over_one_outcome():
    # As scipy.special.logsumexp(2.5) and torch.softmax(torch.tensor(2.5), 0).
    assert xb.logsumexp(2.5) == 2.5
    assert xb.softmax(2.5) == 1.0
    assert xb.log_softmax(2.5) == 0.0
    assert np.shape(xb.softmax(2.5)) == np.shape(xb.log_softmax(2.5)) == ()
    assert xb.logsumexp(np.float32(-np.inf)) == -np.inf
    assert xb.softmax(np.float32(3.0), axis=0).dtype == np.float32
    with pytest.raises(ValueError, match="`axis`=1"):
        xb.softmax(2.5, axis=1)
    with pytest.raises(ValueError, match="`x` contains NaN"):
        xb.logsumexp(np.nan)


# --- The unshifted route: e^x * e^-m where it is exact, scan elsewhere ---------------------------


def unshifted_cases(dtype) -> dict:
    """Logits, and whether the unshifted route takes them for the loss and the gradient."""
    noise = np.random.default_rng(5).standard_normal((64, 50))
    underflowing = -800.0 + noise
    underflowing[:, 0] = -500.0  # e^x is 0 but the tail, e^-300, is not
    return {
        "ordinary": (noise, True, True),
        "beyond e^x's range": (1000.0 + noise, False, False),
        "negative maxima": (-30.0 + noise, True, False),
        "e^x underflows": (underflowing, False, False),
    }


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", unshifted_cases(np.float64))
def test_unshifted_route_agrees_with_scan(case, dtype, monkeypatch):
    # The route e^x * e^-m is taken only where it is exact, and gives what scan gives.
    x, for_loss, for_grad = unshifted_cases(dtype)[case]
    x = x.astype(dtype)
    block = next(_rows.blocks(x.shape, 1))
    out = np.empty_like(x)
    assert (_softmax.unshifted(x, block, 1, out) is not None) == for_loss
    assert (_softmax.unshifted(x, block, 1, out, lowest=0) is not None) == for_grad
    stats = _softmax.stats(x, block, 1, "logits", _rows.scratch(x))
    shifted, _ = _softmax.scan(x, block, 1, "logits", _rows.scratch(x))
    np.testing.assert_array_equal(stats.argmax, shifted.argmax)
    np.testing.assert_allclose(stats.tail, shifted.tail, rtol=8 * np.finfo(dtype).eps)
    t = np.arange(64) % 50
    got = xb.softmax_cross_entropy_grad(t, x, reduction="sum")
    monkeypatch.setattr(_softmax, "unshifted", lambda *args, **kwargs: None)
    want = xb.softmax_cross_entropy_grad(t, x, reduction="sum")
    np.testing.assert_allclose(got, want, rtol=8 * np.finfo(dtype).eps, atol=0)


def test_unshifted_route_leaves_nan_to_scan():
    x = np.zeros((4, 5))
    x[2, 3] = np.nan
    block = next(_rows.blocks(x.shape, 1))
    assert _softmax.unshifted(x, block, 1, np.empty_like(x)) is None
    with pytest.raises(ValueError, match=r"`logits` contains NaN \(first at index \(2, 3\)\)"):
        xb.softmax_cross_entropy([0, 0, 0, 0], x)
