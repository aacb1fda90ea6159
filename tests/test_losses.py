"""Tests for xentbook._losses: softmax cross-entropy, NLL, binary cross-entropy, one-hot."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from strategies import binary_problems, class_problems

import xentbook as xb

INF = math.inf
LOG = math.log
# Three classes with model probabilities 0.2, 0.7, 0.1, and a second row 0.5, 0.25, 0.25.
Q = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]])
X = np.log(Q)

# --- Reference tables ---------------------------------------------------------------------------

CROSS_ENTROPY = [
    # (target, logits, options, expected), each expected value derived by hand.
    # The log loss of the correct class: -log 0.7.
    ([1], X[:1], {}, -LOG(0.7)),
    # The mean of two log losses.
    ([1, 0], X, {}, (-LOG(0.7) - LOG(0.5)) / 2),
    ([1, 0], X, {"reduction": "sum"}, -LOG(0.7) - LOG(0.5)),
    # Class weights 1, 2, 3: weighted sum over the summed target weights 2 + 1.
    ([1, 0], X, {"weight": [1.0, 2.0, 3.0]}, (-2 * LOG(0.7) - LOG(0.5)) / 3),
    ([1, 0], X, {"weight": [1.0, 2.0, 3.0], "reduction": "sum"}, -2 * LOG(0.7) - LOG(0.5)),
    # An ignored target drops out of the sum and the count.
    ([1, -100], X, {}, -LOG(0.7)),
    ([-1, 0], X, {"ignore_index": -1}, -LOG(0.5)),
    # Label smoothing 0.1: 0.9 of the log loss plus 0.1/3 of the summed losses of all classes.
    ([1], X[:1], {"label_smoothing": 0.1}, 0.9 * -LOG(0.7) - 0.1 / 3 * LOG(0.2 * 0.7 * 0.1)),
    # Smoothing 1 keeps only the uniform part: the mean of -log q_c.
    ([1], X[:1], {"label_smoothing": 1.0}, -LOG(0.2 * 0.7 * 0.1) / 3),
    # Smoothing with weights: (0.9 w_t l_t + 0.1/3 sum_c w_c l_c) / w_t with w = (1, 2, 3).
    (
        [1],
        X[:1],
        {"label_smoothing": 0.1, "weight": [1.0, 2.0, 3.0]},
        (0.9 * 2 * -LOG(0.7) + 0.1 / 3 * -(LOG(0.2) + 2 * LOG(0.7) + 3 * LOG(0.1))) / 2,
    ),
    # Probability targets: -sum p log q.
    ([[0.5, 0.5, 0.0]], X[:1], {}, -0.5 * LOG(0.2) - 0.5 * LOG(0.7)),
    # ... weighted, and 'mean' divides by the number of examples (1), not by weights.
    ([[0.5, 0.5, 0.0]], X[:1], {"weight": [1.0, 2.0, 3.0]}, -0.5 * LOG(0.2) - LOG(0.7)),
    # No batch dimension: 1-D logits and a scalar target.
    (1, X[0], {}, -LOG(0.7)),
    (1, X[0], {"reduction": "none"}, -LOG(0.7)),
]


@pytest.mark.parametrize(("target", "logits", "options", "expected"), CROSS_ENTROPY)
def test_softmax_cross_entropy_reference(target, logits, options, expected):
    got = xb.softmax_cross_entropy(target, logits, **options)
    assert np.ndim(got) == 0
    assert got == pytest.approx(expected, rel=1e-14)


def test_reduction_none_reference():
    got = xb.softmax_cross_entropy([1, -100], X, reduction="none")
    np.testing.assert_allclose(got, [-LOG(0.7), 0.0], rtol=1e-15)


NLL = [
    # -log q_t, picked from log-probabilities.
    ([1, 0], {"reduction": "none"}, [-LOG(0.7), -LOG(0.5)]),
    ([1, 0], {"weight": [1.0, 2.0, 3.0]}, (-2 * LOG(0.7) - LOG(0.5)) / 3),
    ([255, 0], {"ignore_index": 255}, -LOG(0.5)),
]


@pytest.mark.parametrize(("target", "options", "expected"), NLL)
def test_nll_loss_reference(target, options, expected):
    np.testing.assert_allclose(xb.nll_loss(target, X, **options), expected, rtol=1e-15)


BINARY = [
    # (y, y_hat, expected): -log 0.8 for an event that happens, -log 0.2 for one that does not.
    (1.0, 0.8, -LOG(0.8)),
    (0.0, 0.8, -LOG(0.2)),
    # A soft label: -(0.3 log 0.6 + 0.7 log 0.4).
    (0.3, 0.6, -(0.3 * LOG(0.6) + 0.7 * LOG(0.4))),
    # Certain and right: 0. Certain and wrong: inf (PyTorch clamps to 100).
    (1.0, 1.0, 0.0),
    (0.0, 0.0, 0.0),
    (1.0, 0.0, INF),
    (0.0, 1.0, INF),
]


@pytest.mark.parametrize(("y", "y_hat", "expected"), BINARY)
def test_binary_cross_entropy_reference(y, y_hat, expected):
    assert xb.binary_cross_entropy(y, y_hat) == pytest.approx(expected, rel=1e-15)


BINARY_LOGITS = [
    # (y, logit, options, expected). Logit 0 is a coin flip: log 2 either way.
    (1.0, 0.0, {}, LOG(2)),
    (0.0, 0.0, {}, LOG(2)),
    # Logit log 4 means sigmoid 0.8.
    (1.0, LOG(4), {}, -LOG(0.8)),
    (0.0, LOG(4), {}, -LOG(0.2)),
    # pos_weight 3 triples the positive term only.
    (1.0, 0.0, {"pos_weight": 3.0}, 3 * LOG(2)),
    (0.0, 0.0, {"pos_weight": 3.0}, LOG(2)),
    # weight scales the whole loss.
    (1.0, LOG(4), {"weight": 2.0}, -2 * LOG(0.8)),
    # Infinite logits: 0 when right, inf when wrong, never NaN.
    (1.0, INF, {}, 0.0),
    (0.0, -INF, {}, 0.0),
    (1.0, -INF, {}, INF),
    (0.0, INF, {}, INF),
    (0.5, INF, {}, INF),
]


@pytest.mark.parametrize(("y", "x", "options", "expected"), BINARY_LOGITS)
def test_binary_cross_entropy_with_logits_reference(y, x, options, expected):
    got = xb.binary_cross_entropy_with_logits(y, x, **options)
    assert got == pytest.approx(expected, rel=1e-15)


def test_one_hot_reference():
    np.testing.assert_array_equal(xb.one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(xb.one_hot(1, 2), [0, 1])
    assert xb.one_hot(np.zeros((2, 3), dtype=int), 4).shape == (2, 3, 4)
    assert xb.one_hot([1], 2).dtype == np.float64


# --- Identities ---------------------------------------------------------------------------------


def test_one_hot_probability_target_equals_index_target():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 4)) * 3
    t = rng.integers(0, 4, 6)
    for options in ({}, {"weight": [0.5, 1.0, 2.0, 0.0]}, {"label_smoothing": 0.2}):
        by_index = xb.softmax_cross_entropy(t, x, reduction="none", **options)
        by_prob = xb.softmax_cross_entropy(xb.one_hot(t, 4), x, reduction="none", **options)
        np.testing.assert_allclose(by_prob, by_index, rtol=1e-14)
        np.testing.assert_allclose(
            xb.softmax_cross_entropy_grad(xb.one_hot(t, 4), x, reduction="sum", **options),
            xb.softmax_cross_entropy_grad(t, x, reduction="sum", **options),
            rtol=1e-12,
            atol=1e-16,
        )


def test_softmax_cross_entropy_equals_cross_entropy_of_softmax():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 4))
    p = xb.softmax(rng.normal(size=(5, 4)))
    np.testing.assert_allclose(
        xb.softmax_cross_entropy(p, x, reduction="none"),
        xb.cross_entropy(p, xb.softmax(x)),
        rtol=1e-13,
    )


def test_nll_of_log_softmax_equals_softmax_cross_entropy():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 3, 5))
    t = rng.integers(0, 3, (4, 5))
    np.testing.assert_allclose(
        xb.nll_loss(t, xb.log_softmax(x, axis=1), axis=1, weight=[1.0, 0.5, 2.0]),
        xb.softmax_cross_entropy(t, x, axis=1, weight=[1.0, 0.5, 2.0]),
        rtol=1e-14,
    )


def test_binary_is_two_class_softmax():
    # sigmoid(x) = softmax([0, x])[1], so BCE with logits is a two-class softmax cross-entropy.
    x = np.array([-30.0, -2.0, 0.0, 0.5, 7.0, 40.0])
    y = np.array([1.0, 0.0, 0.3, 1.0, 0.9, 0.0])
    two = np.stack([np.zeros_like(x), x], axis=-1)
    target = np.stack([1 - y, y], axis=-1)
    np.testing.assert_allclose(
        xb.binary_cross_entropy_with_logits(y, x, reduction="none"),
        xb.softmax_cross_entropy(target, two, reduction="none"),
        rtol=1e-14,
    )
    hard = np.array([1, 0, 0, 1, 1, 0])
    np.testing.assert_allclose(
        xb.binary_cross_entropy_with_logits(hard.astype(float), x, reduction="none"),
        xb.softmax_cross_entropy(hard, two, reduction="none"),
        rtol=1e-14,
    )


def test_binary_cross_entropy_of_sigmoid_equals_binary_cross_entropy_with_logits():
    # Logits up to 2 only: beyond, 1 - sigmoid(x) rounds away the digits the logits keep.
    x = np.linspace(-20, 2, 45)
    y = np.linspace(0, 1, 45)
    np.testing.assert_allclose(
        xb.binary_cross_entropy(y, 1 / (1 + np.exp(-x)), reduction="none"),
        xb.binary_cross_entropy_with_logits(y, x, reduction="none"),
        rtol=1e-13,
    )


def test_gradient_is_softmax_minus_one_hot():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 4))
    t = rng.integers(0, 4, 5)
    grad = xb.softmax_cross_entropy_grad(t, x, reduction="sum")
    np.testing.assert_allclose(grad, xb.softmax(x) - xb.one_hot(t, 4), rtol=1e-13, atol=1e-16)
    mean = xb.softmax_cross_entropy_grad(t, x)
    np.testing.assert_allclose(mean, grad / 5, rtol=1e-15)


def test_binary_gradient_is_sigmoid_minus_target():
    x = np.array([-3.0, 0.0, 2.0])
    y = np.array([1.0, 0.5, 0.0])
    grad = xb.binary_cross_entropy_with_logits_grad(y, x, reduction="sum")
    np.testing.assert_allclose(grad, 1 / (1 + np.exp(-x)) - y, rtol=1e-15)


def _numeric_grad(f, x, h=1e-6):
    """Central differences of a scalar function, one coordinate at a time."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


@pytest.mark.parametrize(
    ("target", "options"),
    [
        ([2, 0, -100], {}),
        ([2, 0, 1], {"weight": [0.3, 1.0, 2.0], "label_smoothing": 0.2}),
        ([2, -100, 1], {"weight": [0.3, 1.0, 2.0], "label_smoothing": 0.3, "reduction": "sum"}),
        ([[0.2, 0.3, 0.5], [1, 0, 0], [0.1, 0.8, 0.1]], {"weight": [0.3, 1.0, 2.0]}),
        ([[0.2, 0.3, 0.5], [1, 0, 0], [0.1, 0.8, 0.1]], {"label_smoothing": 0.5}),
    ],
)
def test_finite_difference_gradient(target, options):
    x = np.random.default_rng(4).normal(size=(3, 3))
    target = np.asarray(target)

    def loss(z):
        return xb.softmax_cross_entropy(target, z, **options)

    np.testing.assert_allclose(
        xb.softmax_cross_entropy_grad(target, x, **options), _numeric_grad(loss, x), atol=1e-8
    )


def test_finite_difference_gradient_k_dimensional():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 3, 2))
    t = np.array([[0, 2], [1, -100]])

    def loss(z):
        return xb.softmax_cross_entropy(t, z, axis=1, label_smoothing=0.1)

    np.testing.assert_allclose(
        xb.softmax_cross_entropy_grad(t, x, axis=1, label_smoothing=0.1),
        _numeric_grad(loss, x),
        atol=1e-8,
    )


def test_finite_difference_gradient_binary():
    x = np.array([-2.0, 0.3, 1.5, 4.0])
    y = np.array([1.0, 0.0, 0.4, 1.0])
    options = {"weight": [1.0, 2.0, 0.5, 1.0], "pos_weight": [3.0, 1.0, 2.0, 0.5]}

    def loss(z):
        return xb.binary_cross_entropy_with_logits(y, z, **options)

    np.testing.assert_allclose(
        xb.binary_cross_entropy_with_logits_grad(y, x, **options), _numeric_grad(loss, x), atol=1e-9
    )


# --- Edge cases ---------------------------------------------------------------------------------


def test_empty_batch():
    x = np.zeros((0, 3))
    assert np.isnan(xb.softmax_cross_entropy(np.zeros(0, dtype=int), x))
    assert xb.softmax_cross_entropy(np.zeros(0, dtype=int), x, reduction="sum") == 0
    assert xb.softmax_cross_entropy(np.zeros(0, dtype=int), x, reduction="none").shape == (0,)
    assert np.isnan(xb.softmax_cross_entropy(np.zeros((0, 3)), x, label_smoothing=0.1))
    assert xb.softmax_cross_entropy_grad(np.zeros(0, dtype=int), x).shape == (0, 3)
    assert np.isnan(xb.binary_cross_entropy_with_logits([], []))
    assert np.isnan(xb.nll_loss(np.zeros(0, dtype=int), x))


def test_all_ignored_mean_is_nan_sum_is_zero():
    t = [-100, -100]
    assert np.isnan(xb.softmax_cross_entropy(t, X))
    assert np.isnan(xb.softmax_cross_entropy(t, X, weight=[1.0, 2.0, 3.0], label_smoothing=0.1))
    assert xb.softmax_cross_entropy(t, X, reduction="sum") == 0
    # PyTorch's gradient here is 0, not NaN: no example asked for anything.
    np.testing.assert_array_equal(xb.softmax_cross_entropy_grad(t, X), np.zeros_like(X))


@pytest.mark.parametrize("ignore_index", [-100, -1, 255, 1])
def test_ignore_index_values(ignore_index):
    # 1 is a real class index: like PyTorch, targets equal to it are ignored too.
    x = np.vstack([X, X[:1]])
    t = np.array([ignore_index, 0, 2])
    got = xb.softmax_cross_entropy(t, x, ignore_index=ignore_index, reduction="none")
    np.testing.assert_allclose(got, [0.0, -LOG(0.5), -LOG(0.1)], rtol=1e-15)
    mean = xb.softmax_cross_entropy(t, x, ignore_index=ignore_index)
    assert mean == pytest.approx((-LOG(0.5) - LOG(0.1)) / 2, rel=1e-15)


def test_zero_weights():
    # A class with weight 0 contributes 0, even where the model gives it probability 0.
    x = np.array([[0.0, -INF, 1.0], [0.0, 0.0, 0.0]])
    got = xb.softmax_cross_entropy([1, 0], x, weight=[1.0, 0.0, 1.0], reduction="none")
    np.testing.assert_allclose(got, [0.0, LOG(3)])
    # All counted weights zero: the mean is 0/0 = NaN, and so is its gradient (as PyTorch).
    assert np.isnan(xb.softmax_cross_entropy([1, 1], x, weight=[1.0, 0.0, 1.0]))
    assert np.isnan(xb.softmax_cross_entropy_grad([1, 1], x, weight=[1.0, 0.0, 1.0])).all()


def test_infinite_logits():
    x = np.array([[INF, 0.0], [0.0, -INF], [-INF, -INF], [INF, INF]])
    got = xb.softmax_cross_entropy([0, 1, 0, 1], x, reduction="none")
    np.testing.assert_allclose(got, [0.0, INF, LOG(2), LOG(2)])
    grad = xb.softmax_cross_entropy_grad([0, 1, 0, 1], x, reduction="sum")
    np.testing.assert_allclose(grad, [[0, 0], [1, -1], [-0.5, 0.5], [0.5, -0.5]])
    # Smoothing puts some target mass on a class the model rules out: infinite loss.
    assert xb.softmax_cross_entropy([0], x[1:2], label_smoothing=0.1) == INF


def test_large_logits():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]])
    got = xb.softmax_cross_entropy([0, 1], x, reduction="none")
    np.testing.assert_allclose(got, [0.0, LOG(2)], rtol=1e-15, atol=1e-300)
    assert xb.softmax_cross_entropy([1], x[:1]) == 2e4
    assert np.isfinite(xb.softmax_cross_entropy_grad([1, 0], x)).all()


@pytest.mark.parametrize("axis", [1, -1])
def test_k_dimensional_inputs(axis):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(4, 5, 3, 2)) if axis == 1 else rng.normal(size=(4, 3, 2, 5))
    t = rng.integers(0, 5, (4, 3, 2))
    flat = np.moveaxis(x, axis, -1).reshape(-1, 5)
    np.testing.assert_allclose(
        xb.softmax_cross_entropy(t, x, axis=axis, reduction="none"),
        xb.softmax_cross_entropy(t.reshape(-1), flat, reduction="none").reshape(4, 3, 2),
        rtol=1e-15,
    )


def test_non_contiguous_arrays():
    rng = np.random.default_rng(7)
    base = rng.normal(size=(6, 8))
    t = rng.integers(0, 6, 8)
    # The transpose has classes along axis 0 of a C-ordered array: a strided view.
    np.testing.assert_allclose(
        xb.softmax_cross_entropy(t, base.T, reduction="none"),
        xb.softmax_cross_entropy(t, np.ascontiguousarray(base.T), reduction="none"),
        rtol=1e-15,
    )
    np.testing.assert_allclose(
        xb.softmax_cross_entropy(t, base, axis=0), xb.softmax_cross_entropy(t, base.T)
    )
    view = base[::2, ::2]
    np.testing.assert_allclose(
        xb.softmax_cross_entropy_grad([0, 1, 2], view, label_smoothing=0.1),
        xb.softmax_cross_entropy_grad([0, 1, 2], view.copy(), label_smoothing=0.1),
    )


def test_float32_dtype_preservation():
    x = np.random.default_rng(8).normal(size=(4, 3)).astype(np.float32)
    t = np.array([0, 2, 1, 1])
    p = xb.one_hot(t, 3).astype(np.float32)
    for reduction in ("mean", "sum", "none"):
        assert xb.softmax_cross_entropy(t, x, reduction=reduction).dtype == np.float32
        assert xb.softmax_cross_entropy(p, x, reduction=reduction).dtype == np.float32
        assert xb.nll_loss(t, xb.log_softmax(x), reduction=reduction).dtype == np.float32
        y = p[:, 0]
        assert xb.binary_cross_entropy_with_logits(y, x[:, 0], reduction=reduction).dtype == (
            np.float32
        )
        assert xb.binary_cross_entropy(y, np.float32(0.5) + 0 * y, reduction=reduction).dtype == (
            np.float32
        )
    assert xb.softmax_cross_entropy_grad(t, x).dtype == np.float32
    assert xb.binary_cross_entropy_with_logits_grad(p[:, 0], x[:, 0]).dtype == np.float32
    np.testing.assert_allclose(
        xb.softmax_cross_entropy(t, x), xb.softmax_cross_entropy(t, x.astype(float)), rtol=1e-6
    )


def test_weight_and_pos_weight_broadcast_per_class():
    # pos_weight along the last axis, one per class, as in PyTorch's multi-label use.
    y = np.array([[1.0, 0.0], [1.0, 1.0]])
    x = np.zeros((2, 2))
    got = xb.binary_cross_entropy_with_logits(y, x, pos_weight=[2.0, 5.0], reduction="none")
    np.testing.assert_allclose(got, LOG(2) * np.array([[2, 1], [2, 5]]))


# --- Bad input ----------------------------------------------------------------------------------

BAD_INPUT = [
    # (function, args, options, message pattern)
    (xb.softmax_cross_entropy, ([0], [[np.nan, 1.0]]), {}, r"`logits` contains NaN"),
    (xb.softmax_cross_entropy, ([[np.nan, 1.0]], [[0.0, 1.0]]), {}, r"`target` contains NaN"),
    (
        xb.softmax_cross_entropy,
        ([[-0.1, 1.1]], [[0.0, 1.0]]),
        {},
        r"`target` must not contain negative probabilities",
    ),
    (
        xb.softmax_cross_entropy,
        ([[0.5, 0.6]], [[0.0, 1.0]]),
        {},
        r"`target` must sum to 1 along axis -1 \(it sums to 1\.10*1? at index 0,"
        r".*xentbook\.normalize",
    ),
    (
        xb.softmax_cross_entropy,
        ([0, 1, 2], [[0.0, 1.0, 2.0]]),
        {},
        r"`target` with shape \(3,\) does not fit logits of shape \(1, 3\)",
    ),
    (
        xb.softmax_cross_entropy,
        ([[0.5, 0.5]], [[0.0, 1.0, 2.0]]),
        {},
        r"`target` with shape \(1, 2\) and `logits` with shape \(1, 3\)",
    ),
    (
        xb.softmax_cross_entropy,
        ([0, 3], X),
        {},
        r"`target` holds class index 3 at index 1, outside \[0, 3\)",
    ),
    (
        xb.softmax_cross_entropy,
        ([0, -1], X),
        {},
        r"`target` holds class index -1 .* not the ignore_index -100",
    ),
    (
        xb.softmax_cross_entropy,
        ([0, 1], X),
        {"weight": [1.0, 2.0]},
        r"`weight` must be a 1-D array with one weight per class \(3\); got shape \(2,\)",
    ),
    (
        xb.softmax_cross_entropy,
        ([0, 1], X),
        {"weight": [1.0, INF, 1.0]},
        r"`weight` must be finite",
    ),
    (
        xb.softmax_cross_entropy,
        ([0, 1], X),
        {"reduction": "avg"},
        r"`reduction` 'avg' is not a reduction; choose one of 'mean', 'sum', 'none'",
    ),
    (
        xb.softmax_cross_entropy,
        ([0, 1], X),
        {"label_smoothing": 1.5},
        r"`label_smoothing` must lie in \[0, 1\]",
    ),
    (
        xb.softmax_cross_entropy,
        ([0, 1], X),
        {"label_smoothing": -0.1},
        r"`label_smoothing` must lie in \[0, 1\]",
    ),
    (xb.softmax_cross_entropy, ([0, 1], X), {"ignore_index": 1.5}, r"`ignore_index` must be an"),
    (xb.softmax_cross_entropy, ([], np.zeros((0, 0))), {}, r"`logits` has no classes"),
    (xb.softmax_cross_entropy_grad, ([0, 5], X), {}, r"`target` holds class index 5"),
    (xb.nll_loss, ([0, 1], -X), {}, r"`log_probs` must hold log-probabilities, at most 0"),
    (xb.nll_loss, ([0, 1], [[np.nan, 0, 0], [0, 0, 0]]), {}, r"`log_probs` contains NaN"),
    (xb.nll_loss, ([0.0, 1.0], X), {}, r"`target` must hold integer class indices"),
    (
        xb.binary_cross_entropy,
        ([1.0], [1.5]),
        {},
        r"`y_hat` must not contain probabilities greater than 1",
    ),
    (xb.binary_cross_entropy, ([-1.0], [0.5]), {}, r"`y` must not contain negative"),
    (xb.binary_cross_entropy, ([1.0], [np.nan]), {}, r"`y_hat` contains NaN"),
    (
        xb.binary_cross_entropy,
        ([1.0, 0.0], [0.5, 0.5, 0.5]),
        {},
        r"`y` with shape \(2,\) and `y_hat` with shape \(3,\) must have the same shape",
    ),
    (
        xb.binary_cross_entropy,
        ([1.0, 0.0], [0.5, 0.5]),
        {"weight": [1.0, 2.0, 3.0]},
        r"`weight` with shape \(3,\) does not broadcast to `y` with shape \(2,\)",
    ),
    (
        xb.binary_cross_entropy_with_logits,
        ([1.0, 0.0], [[0.5], [0.5]]),
        {},
        r"`y` with shape \(2,\) and `logits` with shape \(2, 1\)",
    ),
    (
        xb.binary_cross_entropy_with_logits,
        ([1.0, 0.0], [0.5, 0.5]),
        {"pos_weight": [[1.0], [2.0]]},
        r"`pos_weight` with shape \(2, 1\) does not broadcast",
    ),
    (xb.binary_cross_entropy_with_logits, ([1.2], [0.5]), {}, r"`y` must not contain prob"),
    (xb.binary_cross_entropy_with_logits, ([1.0], [np.nan]), {}, r"`logits` contains NaN"),
    (
        xb.binary_cross_entropy_with_logits_grad,
        ([1.0], [0.0]),
        {"reduction": "total"},
        r"`reduction` 'total' is not a reduction; choose one of",
    ),
    (xb.one_hot, ([0, 3], 3), {}, r"`indices` holds class index 3 at index 1, outside \[0, 3\)"),
    (xb.one_hot, ([0, -1], 3), {}, r"`indices` holds class index -1"),
    (xb.one_hot, ([0.0], 3), {}, r"`indices` must hold integer class indices"),
    (xb.one_hot, ([0], 0), {}, r"`num_classes` must be at least 1"),
]


@pytest.mark.parametrize(("function", "args", "options", "message"), BAD_INPUT)
def test_bad_input(function, args, options, message):
    with pytest.raises(ValueError, match=message):
        function(*args, **options)


# --- Properties ---------------------------------------------------------------------------------


@given(class_problems())
def test_loss_is_non_negative_and_reductions_agree(problem):
    t, x, axis = problem
    rows = xb.softmax_cross_entropy(t, x, axis=axis, reduction="none")
    assert np.all(rows >= 0)
    assert np.shape(rows) == np.shape(t)
    total = xb.softmax_cross_entropy(t, x, axis=axis, reduction="sum")
    np.testing.assert_allclose(total, np.sum(rows), rtol=1e-12)
    counted = np.sum(np.asarray(t) != -100)
    if counted:
        mean = xb.softmax_cross_entropy(t, x, axis=axis)
        np.testing.assert_allclose(mean, total / counted, rtol=1e-12)


@given(class_problems())
def test_gradient_rows_sum_to_zero(problem):
    # Softmax outputs always sum to 1, so moving every logit together changes nothing.
    t, x, axis = problem
    grad = xb.softmax_cross_entropy_grad(t, x, axis=axis, reduction="sum", label_smoothing=0.1)
    np.testing.assert_allclose(grad.sum(axis=axis), 0, atol=1e-12)


@given(binary_problems())
def test_binary_loss_is_at_least_binary_entropy(problem):
    # Gibbs' inequality for two outcomes: H(y, sigmoid(x)) >= H(y).
    y, x = problem
    loss = xb.binary_cross_entropy_with_logits(y, x, reduction="none")
    h = xb.entropy(np.stack([y, 1 - y], axis=-1))
    assert np.all(loss >= h - 1e-12 * (1 + h))


def test_huge_logits_of_both_signs_give_exact_losses_without_warnings():
    x = np.array([[1.7e308, -1.7e308]])
    # Class 0 costs log1p(0) = 0; class 1 costs 3.4e308, which rounds to inf.
    assert xb.softmax_cross_entropy([0, 1], np.vstack([x, x]), reduction="none").tolist() == [
        0.0,
        np.inf,
    ]
    assert xb.softmax_cross_entropy_grad([0], x).tolist() == [[0.0, 0.0]]
    assert xb.softmax_cross_entropy_grad([1], x).tolist() == [[1.0, -1.0]]
    assert xb.softmax_cross_entropy([[1.0, 0.0]], x) == 0.0
    assert xb.softmax_cross_entropy_grad([[0.5, 0.5]], x).tolist() == [[0.5, -0.5]]


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_low_precision_probability_targets_with_float64_logits(dtype):
    # 1/3 rounded to float32 (or float16) sums to 1 only within that dtype's rounding.
    target = np.full(3, 1 / 3, dtype=dtype)
    loss = xb.softmax_cross_entropy(target, np.zeros(3))
    assert loss == pytest.approx(np.log(3) * 3 * float(target[0]), rel=1e-12)


@pytest.mark.parametrize("dtype", [np.int32, np.int16, np.uint8, np.uint32])
def test_narrow_integer_class_indices_give_the_same_results(dtype):
    # Pyodide's and some Windows builds' default integer is 32-bit: nothing may assume int64.
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 4))
    wide = np.array([0, 3, 1, 2, 255 if dtype is np.uint8 else 3])
    narrow = wide.astype(dtype)
    ignore = np.asarray(255 if dtype is np.uint8 else 3, dtype=dtype)[()]
    for call in (
        lambda t: xb.softmax_cross_entropy(t, x, ignore_index=int(ignore), reduction="none"),
        lambda t: xb.softmax_cross_entropy(t, x, ignore_index=ignore, label_smoothing=0.1),
        lambda t: xb.softmax_cross_entropy_grad(t, x, ignore_index=int(ignore)),
        lambda t: xb.nll_loss(t, xb.log_softmax(x), ignore_index=int(ignore), reduction="none"),
        lambda t: xb.one_hot(t[:4], 4),
        lambda t: xb.smooth_labels(t[:4], 4, 0.1),
    ):
        np.testing.assert_array_equal(call(narrow), call(wide))
    message = narrow[:4] % 3
    q = [0.5, 0.25, 0.25]
    bits = xb.arithmetic_encode(message, q)
    assert bits == xb.arithmetic_encode(message.tolist(), q)
    assert xb.arithmetic_decode(bits, q, 4) == message.tolist()
