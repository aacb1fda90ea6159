"""Tests for xentbook._elementwise: the sigmoid, smoothed targets and 0 · log 0."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import xentbook as xb
from xentbook._elementwise import neg_p_log_p, neg_p_log_q

# --- Reference tables ---------------------------------------------------------------------------

SIGMOID = [
    # Even odds: 1 / (1 + e^0) = 1/2.
    (0.0, 0.5),
    # Odds 3:1 and 1:3, by hand: 3 / (1 + 3) and 1 / (1 + 3).
    (math.log(3), 0.75),
    (-math.log(3), 0.25),
    # e^-700 / (1 + e^-700) = e^-700 to double precision (e^-1400 is far below one ulp).
    (-700.0, math.exp(-700)),
    # The limits.
    (-math.inf, 0.0),
    (math.inf, 1.0),
]


@pytest.mark.parametrize(("x", "expected"), SIGMOID)
def test_sigmoid_reference_values(x, expected):
    assert xb.sigmoid(x) == pytest.approx(expected, rel=1e-15, abs=0)


SMOOTH_LABELS = [
    # (1 - 0.3) one-hot + 0.3 / 3, by hand.
    (([2], 3, 0.3), [[0.1, 0.1, 0.8]]),
    # epsilon = 0: the one-hot target; epsilon = 1: uniform.
    (([0, 1], 2, 0.0), [[1.0, 0.0], [0.0, 1.0]]),
    (([1], 4, 1.0), [[0.25, 0.25, 0.25, 0.25]]),
    # A soft target: 0.7 * (0.5, 0.5, 0) + 0.1.
    (([0.5, 0.5, 0.0], 3, 0.3), [0.45, 0.45, 0.1]),
]


@pytest.mark.parametrize(("args", "expected"), SMOOTH_LABELS)
def test_smooth_labels_reference_values(args, expected):
    np.testing.assert_allclose(xb.smooth_labels(*args), expected, rtol=1e-15)


def test_zero_log_zero_is_zero():
    p = np.array([0.0, 0.5, 0.5])
    np.testing.assert_array_equal(neg_p_log_p(p), [0.0, 0.5 * math.log(2), 0.5 * math.log(2)])
    np.testing.assert_array_equal(neg_p_log_q(p, np.array([0.0, 1.0, 0.0])), [0.0, 0.0, math.inf])


# --- Identities ---------------------------------------------------------------------------------


@given(st.floats(-700, 700))
def test_sigmoid_is_the_softmax_of_zero_and_x(x):
    assert xb.sigmoid(x) == pytest.approx(xb.softmax([0.0, x])[1], rel=1e-14, abs=1e-300)


@given(st.floats(-700, 700))
def test_sigmoid_symmetry(x):
    # sigma(-x) = 1 - sigma(x).
    assert xb.sigmoid(-x) + xb.sigmoid(x) == pytest.approx(1.0, rel=1e-15)


@given(st.integers(1, 6), st.floats(0, 1))
def test_smoothed_labels_are_distributions(k, eps):
    y = xb.smooth_labels(np.arange(k), k, eps)
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-14)
    assert (y >= 0).all()


# --- Dtypes and warnings ------------------------------------------------------------------------


def test_float32_stays_float32():
    x = np.array([-1e4, -3.0, 0.0, 3.0, 1e4], dtype=np.float32)
    assert xb.sigmoid(x).dtype == np.float32
    soft = np.array([0.25, 0.75], dtype=np.float32)
    assert xb.smooth_labels(soft, 2, 0.1).dtype == np.float32


def test_infinite_and_huge_logits_give_no_warning():
    # pytest turns RuntimeWarning into an error, so this fails on any overflow warning.
    x = np.array([-np.inf, -1e308, -1000.0, 1000.0, 1e308, np.inf])
    np.testing.assert_array_equal(xb.sigmoid(x), [0.0, 0.0, 0.0, 1.0, 1.0, 1.0])


# --- Bad input ----------------------------------------------------------------------------------

BAD_INPUT = [
    (xb.sigmoid, ([0.0, np.nan],), r"`x` contains NaN \(first at index 1\)"),
    (xb.sigmoid, (["a"],), r"`x` must hold real numbers"),
    (xb.smooth_labels, ([3], 3, 0.1), r"`target` holds class index 3 at index 0, outside \[0, 3\)"),
    (xb.smooth_labels, ([-4], 3, 0.1), r"`target` holds class index -4"),
    (xb.smooth_labels, ([0], 3, 1.5), r"`label_smoothing` must lie in \[0, 1\]"),
    (xb.smooth_labels, ([0], 0, 0.1), r"`num_classes` must be at least 1"),
    (xb.smooth_labels, ([0.5, 0.5], 3, 0.1), r"`target` has 2 classes .* `num_classes` is 3"),
    (xb.smooth_labels, ([0.5, 0.6], 2, 0.1), r"`target` must sum to 1"),
]


@pytest.mark.parametrize(("function", "args", "message"), BAD_INPUT)
def test_bad_input(function, args, message):
    with pytest.raises(ValueError, match=message):
        function(*args)
