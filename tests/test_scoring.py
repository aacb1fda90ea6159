"""Tests for the Brier score, reliability curve, ECE and temperature scaling."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import distribution_pairs, labelled_predictions

import xentbook as xb

# ---------------------------------------------------------------- references written here


def brier_reference(target, probs):
    """Brier (1950): sum over classes of (q_c - [c == t])^2, one example at a time."""
    return [
        sum((q_c - (1.0 if c == t else 0.0)) ** 2 for c, q_c in enumerate(row))
        for t, row in zip(target, probs, strict=True)
    ]


def ece_reference(target, probs, bins):
    """Guo et al. (2017), eq. (3), by brute force: loop over the bins (a, b] of [0, 1]."""
    conf = [max(row) for row in probs]
    hit = [float(list(row).index(max(row)) == t) for t, row in zip(target, probs, strict=True)]
    n, total = len(conf), 0.0
    for m in range(bins):
        low, high = m / bins, (m + 1) / bins
        members = [i for i, c in enumerate(conf) if low < c <= high or (m == 0 and c == 0)]
        if members:
            acc = sum(hit[i] for i in members) / len(members)
            mean_conf = sum(conf[i] for i in members) / len(members)
            total += len(members) / n * abs(acc - mean_conf)
    return total


def mean_nll(target, logits, T):
    """Mean -log softmax(logits / T)[target], written out with a stable logsumexp."""
    z = np.asarray(logits, dtype=np.float64) / T
    m = z.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))[:, 0]
    return float(np.mean(lse - z[np.arange(len(z)), target]))


# ---------------------------------------------------------------- Brier score

# Hand-computed: (0.7-1)^2 + 0.3^2 = 0.18; 0.7^2 + (0.3-1)^2 = 0.98; three-class example
# (0.2^2 + 0.5^2 + 0.3^2 with the truth on class 2: 0.04 + 0.25 + 0.49) = 0.78.
BRIER_TABLE = [
    (0, [0.7, 0.3], 0.18),
    (1, [0.7, 0.3], 0.98),
    (2, [0.2, 0.5, 0.3], 0.78),
    (0, [1.0, 0.0], 0.0),
    (1, [1.0, 0.0], 2.0),
]


@pytest.mark.parametrize(("target", "probs", "expected"), BRIER_TABLE)
def test_brier_reference_table(target, probs, expected):
    assert xb.brier_score(target, probs) == pytest.approx(expected, abs=1e-15)


@given(labelled_predictions())
def test_brier_matches_reference(case):
    target, probs = case
    expected = brier_reference(target, probs)
    np.testing.assert_allclose(
        xb.brier_score(target, probs, reduction="none"), expected, atol=1e-14
    )
    assert xb.brier_score(target, probs) == pytest.approx(np.mean(expected), abs=1e-14)
    assert xb.brier_score(target, probs, reduction="sum") == pytest.approx(sum(expected), abs=1e-13)


def test_brier_of_one_hot_target_equals_index_target():
    probs = np.array([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]])
    target = np.array([1, 2], dtype=np.int32)
    assert xb.brier_score(xb.one_hot(target, 3), probs) == xb.brier_score(target, probs)


def test_brier_class_axis_anywhere():
    rng = np.random.default_rng(0)
    probs = xb.softmax(rng.normal(size=(4, 3, 5)), axis=1)
    target = rng.integers(0, 3, size=(4, 5))
    moved = np.moveaxis(probs, 1, -1)
    np.testing.assert_allclose(
        xb.brier_score(target, probs, axis=1, reduction="none"),
        xb.brier_score(target, moved, reduction="none"),
        rtol=1e-15,
    )


@given(distribution_pairs(min_size=2, max_size=6))
def test_brier_is_proper_expected_score_decomposition(pair):
    # E_{c~p} B(onehot(c), q) = sum_c p_c (1 - p_c) + ||q - p||^2 (Brier 1950; Murphy 1973).
    p, q = pair
    k = p.size
    expected = sum(p[c] * xb.brier_score(c, q) for c in range(k))
    assert expected == pytest.approx(np.sum(p * (1 - p)) + np.sum((q - p) ** 2), abs=1e-12)
    assert xb.brier_score(p, q) == pytest.approx(np.sum((q - p) ** 2), abs=1e-12)


def test_brier_float32_stays_float32():
    out = xb.brier_score([0], np.array([[0.25, 0.75]], dtype=np.float32))
    assert out.dtype == np.float32


# ---------------------------------------------------------------- reliability curve and ECE


@settings(max_examples=60)
@given(labelled_predictions(), st.integers(1, 20))
def test_ece_matches_brute_force(case, bins):
    target, probs = case
    ece = xb.expected_calibration_error(target, probs, bins=bins)
    assert ece == pytest.approx(ece_reference(target, probs, bins), abs=1e-12)


@settings(max_examples=60)
@given(labelled_predictions(), st.integers(1, 20))
def test_ece_is_count_weighted_gap_of_the_curve(case, bins):
    target, probs = case
    conf, acc, count = xb.reliability_curve(target, probs, bins=bins)
    filled = count > 0
    assert count.sum() == len(target)
    assert np.isnan(conf[~filled]).all()
    assert np.isnan(acc[~filled]).all()
    weighted = np.sum(count[filled] / count.sum() * np.abs(acc[filled] - conf[filled]))
    assert xb.expected_calibration_error(target, probs, bins=bins) == pytest.approx(
        weighted, abs=1e-12
    )


def test_all_confidences_in_one_bin():
    # Every confidence lies in (0.8, 0.9] of 10 bins; 3 of 5 right, mean confidence 0.86:
    # ECE = |0.6 - 0.86| = 0.26.
    conf = [0.82, 0.85, 0.86, 0.88, 0.89]
    probs = [[c, 1 - c] for c in conf]
    target = [0, 0, 0, 1, 1]
    curve = xb.reliability_curve(target, probs, bins=10)
    assert curve.count.tolist() == [0] * 8 + [5, 0]
    assert curve.accuracy[8] == pytest.approx(0.6)
    assert curve.confidence[8] == pytest.approx(0.86)
    assert xb.expected_calibration_error(target, probs, bins=10) == pytest.approx(0.26)
    # With a single bin the ECE is |accuracy - mean confidence| over everything.
    assert xb.expected_calibration_error(target, probs, bins=1) == pytest.approx(0.26)


def test_bin_edges_belong_to_the_lower_bin():
    # 0.5 lies on the edge between the two bins of bins=2 and belongs to (0, 0.5].
    curve = xb.reliability_curve([0, 0], [[0.5, 0.5], [1.0, 0.0]], bins=2)
    assert curve.count.tolist() == [1, 1]


def test_perfectly_calibrated_has_zero_ece():
    # Per bin: 0.75 confidence with 3 of 4 right, 1.0 confidence all right.
    probs = [[0.75, 0.25]] * 4 + [[1.0, 0.0]] * 2
    target = [0, 0, 0, 1, 0, 0]
    assert xb.expected_calibration_error(target, probs) == pytest.approx(0.0, abs=1e-15)


def test_curve_accepts_int32_targets_and_batches():
    probs = xb.softmax(np.random.default_rng(1).normal(size=(2, 3, 4)))
    target = np.zeros((2, 3), dtype=np.int32)
    flat = xb.reliability_curve(target.reshape(-1), probs.reshape(-1, 4))
    batched = xb.reliability_curve(target, probs)
    for a, b in zip(flat, batched, strict=True):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- temperature


@pytest.mark.parametrize(("k", "n"), [(7, 10), (3, 4), (9, 10), (2, 3), (501, 1000)])
def test_temperature_closed_form(k, n):
    # n rows of logits (a, 0), k labelled 0: the best probability is k/n, so
    # sigmoid(a / T) = k / n, T = a / log(k / (n - k)).
    a = 2.0
    logits = np.tile([a, 0.0], (n, 1))
    target = np.array([0] * k + [1] * (n - k))
    expected = a / math.log(k / (n - k))
    assert xb.fit_temperature(target, logits) == pytest.approx(expected, rel=1e-8)


def test_temperature_of_soft_targets_closed_form():
    # One row (3, 0) with target (0.9, 0.1): sigmoid(3 / T) = 0.9, T = 3 / log 9.
    temperature = xb.fit_temperature([[0.9, 0.1]], [[3.0, 0.0]])
    assert temperature == pytest.approx(3 / math.log(9), rel=1e-8)


def test_temperature_is_a_minimum_brute_force():
    rng = np.random.default_rng(3)
    n, k = 200, 5
    target = rng.integers(0, k, size=n)
    logits = rng.normal(size=(n, k)) + 4.0 * np.eye(k)[target]  # informative, not separable
    logits[rng.random(n) < 0.3] *= -1  # and sometimes confidently wrong
    T = xb.fit_temperature(target, logits)
    grid = np.geomspace(0.01, 100, 4001)
    best_on_grid = grid[np.argmin([mean_nll(target, logits, t) for t in grid])]
    step = grid[1] / grid[0]
    assert best_on_grid / step <= T <= best_on_grid * step
    for factor in (1 - 1e-6, 1 + 1e-6, 0.5, 2.0):
        assert mean_nll(target, logits, T) <= mean_nll(target, logits, T * factor)
    # Stationarity: the central difference in T vanishes to the accuracy of the loss.
    h = 1e-5 * T
    slope = (mean_nll(target, logits, T + h) - mean_nll(target, logits, T - h)) / (2 * h)
    assert abs(slope) < 1e-7


def test_temperature_when_one_example_is_barely_wrong():
    # Only the last example is misclassified, by a logit gap of 1e-3: the best T is tiny but
    # positive, and the answer must still be a stationary point.
    logits = np.array([[10.0, 0.0], [0.0, 10.0], [0.0, 1e-3]])
    target = np.array([0, 1, 0])
    T = xb.fit_temperature(target, logits)
    assert 0 < T < 1
    h = 1e-6 * T
    slope = (mean_nll(target, logits, T + h) - mean_nll(target, logits, T - h)) / (2 * h)
    assert abs(slope) < 1e-6


def test_temperature_keeps_the_argmax():
    rng = np.random.default_rng(4)
    logits = rng.normal(scale=5, size=(50, 4))
    target = rng.integers(0, 4, size=50)
    target[:40] = logits[:40].argmax(axis=1)
    T = xb.fit_temperature(target, logits)
    np.testing.assert_array_equal((logits / T).argmax(axis=1), logits.argmax(axis=1))


def test_temperature_of_perfectly_separated_logits_raises():
    logits = np.array([[3.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"`logits`.*T -> 0"):
        xb.fit_temperature([0, 1], logits)


def test_temperature_of_uninformative_logits_raises():
    logits = np.array([[3.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"`logits`.*T = inf"):
        xb.fit_temperature([1, 0], logits)


# ---------------------------------------------------------------- bad input

BAD_INPUT = [
    (xb.brier_score, ([0], [[0.5, 0.6]]), {}, "`probs` must sum to 1"),
    (xb.brier_score, ([0], [[1.5, -0.5]]), {}, "`probs` must not contain negative"),
    (xb.brier_score, ([2], [[0.5, 0.5]]), {}, "`target` holds class index 2"),
    (xb.brier_score, ([[0.5, 0.6]], [[0.5, 0.5]]), {}, "`target` must sum to 1"),
    (xb.brier_score, ([0], [[0.5, 0.5]]), {"reduction": "avg"}, "`reduction`"),
    (xb.brier_score, ([0, 1], [[0.5, 0.5]]), {}, "`target` with shape"),
    (xb.reliability_curve, ([0], [[0.5, 0.6]]), {}, "`probs` must sum to 1"),
    (xb.reliability_curve, ([0], [[0.5, 0.5]]), {"bins": 0}, "`bins` must be at least 1"),
    (xb.reliability_curve, ([0], [[0.5, 0.5]]), {"bins": 2.5}, "`bins` must be an integer"),
    (xb.reliability_curve, ([0.0], [[0.5, 0.5]]), {}, "`target` must hold integer"),
    (xb.expected_calibration_error, ([0], [[0.5, 0.6]]), {}, "`probs` must sum to 1"),
    (xb.expected_calibration_error, ([0], [[0.5, 0.5]]), {"bins": -3}, "`bins`"),
    (xb.expected_calibration_error, ([0], [[np.nan, 0.5]]), {}, "`probs` contains NaN"),
    (xb.expected_calibration_error, (np.zeros(0, int), np.zeros((0, 2))), {}, "no examples"),
    (xb.fit_temperature, ([0, 1], [2.0, -1.0]), {}, "`target` with shape"),
    (xb.fit_temperature, (0, 2.0), {}, "`logits` must have a class axis"),
    (xb.fit_temperature, ([0, 0], [[1.0], [2.0]]), {}, "at least 2 classes"),
    (xb.fit_temperature, ([0], [[np.inf, 0.0]]), {}, "`logits` must be finite"),
    (xb.fit_temperature, ([3], [[1.0, 0.0]]), {}, "`target` holds class index 3"),
]


@pytest.mark.parametrize(("func", "args", "kwargs", "message"), BAD_INPUT)
def test_bad_input(func, args, kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        func(*args, **kwargs)
