"""Tests for xentbook.data._synthetic: seeded synthetic classification data and its true model."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xentbook as xb

# --- Reference values ---------------------------------------------------------------------------


def test_two_class_centres_are_as_documented():
    # The docstring: centres at -/+ (separation / 2) (cos 30deg, sin 30deg). With 20000 points
    # per class the sample means are within 4 standard errors (4 / sqrt(20000) = 0.028).
    X, y = xb.two_class_data(40_000, seed=0, separation=3.0)
    direction = np.array([np.cos(np.pi / 6), np.sin(np.pi / 6)])
    np.testing.assert_allclose(X[y == 1].mean(axis=0), 1.5 * direction, atol=0.03)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), -1.5 * direction, atol=0.03)
    np.testing.assert_allclose(X[y == 1].std(axis=0), [1.0, 1.0], atol=0.03)


def test_multiclass_centres_are_as_documented():
    # The docstring: k centres evenly spaced on a circle of `radius`, class 0 on the x axis.
    X, y = xb.multiclass_data(30_000, 3, seed=1, radius=2.0, spread=0.5)
    angles = 2 * np.pi * np.arange(3) / 3
    centres = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    for c in range(3):
        np.testing.assert_allclose(X[y == c].mean(axis=0), centres[c], atol=0.03)


# --- Determinism and shapes ---------------------------------------------------------------------


def test_same_seed_same_data_different_seed_different_data():
    a = xb.two_class_data(50, seed=3)
    b = xb.two_class_data(50, seed=3)
    c = xb.two_class_data(50, seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_dtypes_and_shapes():
    X, y = xb.multiclass_data(10, 4, seed=0)
    assert X.shape == (10, 2)
    assert X.dtype == np.float64
    assert y.shape == (10,)
    assert y.dtype == np.int64


def test_odd_size_puts_the_extra_example_in_class_0():
    _, y = xb.two_class_data(7, seed=0)
    assert np.bincount(y).tolist() == [4, 3]


def test_bayes_optimal_logit_is_linear():
    # The Notes: P(y=1 | x) = sigmoid(w.x + b) with w = (mu1 - mu0) / s^2 and b = 0 for centres
    # symmetric about 0. The true model's loss must beat a visibly worse linear model.
    X, y = xb.two_class_data(2000, seed=2, separation=2.0, spread=1.0)
    truth = xb.two_class_truth(separation=2.0, spread=1.0)
    best = xb.binary_cross_entropy_with_logits(y.astype(float), truth.logits(X))
    worse = xb.binary_cross_entropy_with_logits(y.astype(float), 0.5 * truth.logits(X))
    assert best < worse


def test_two_class_truth_matches_the_empirical_class_means():
    # w = (mu1 - mu0) / s^2: estimate the centres from a large sample (standard error ~0.01).
    X, y = xb.two_class_data(40_000, seed=5, separation=3.0, spread=2.0)
    estimate = (X[y == 1].mean(axis=0) - X[y == 0].mean(axis=0)) / 2.0**2
    truth = xb.two_class_truth(separation=3.0, spread=2.0)
    np.testing.assert_allclose(truth.weights, estimate, atol=0.01)
    assert truth.bias == 0.0


def test_two_class_truth_is_the_bayes_posterior():
    # Bayes' rule for equal priors: P(1 | x) = N(x; mu1) / (N(x; mu0) + N(x; mu1)).
    X, _ = xb.two_class_data(50, seed=6, separation=2.5, spread=1.5)
    mu_0 = -1.25 * np.array([np.cos(np.pi / 6), np.sin(np.pi / 6)])
    density = [np.exp(-((X - mu) ** 2).sum(axis=1) / (2 * 1.5**2)) for mu in (mu_0, -mu_0)]
    posterior = density[1] / (density[0] + density[1])
    truth = xb.two_class_truth(separation=2.5, spread=1.5)
    np.testing.assert_allclose(xb.sigmoid(truth.logits(X)), posterior, rtol=1e-12)


# --- Properties ---------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(k=st.integers(2, 6), extra=st.integers(0, 40), seed=st.integers(0, 2**32 - 1))
def test_classes_are_balanced(k, extra, seed):
    n = k + extra
    X, y = xb.multiclass_data(n, k, seed=seed)
    counts = np.bincount(y, minlength=k)
    assert counts.sum() == n
    assert counts.max() - counts.min() <= 1
    assert np.isfinite(X).all()


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: xb.two_class_data(1, seed=0), r"`n` must be at least 2"),
        (lambda: xb.two_class_data(2.5, seed=0), r"`n` must be an integer"),
        (lambda: xb.two_class_data(10, seed=0, separation=-1), r"`separation` must be"),
        (lambda: xb.two_class_data(10, seed=0, spread=0), r"`spread` must be"),
        (lambda: xb.multiclass_data(10, 1, seed=0), r"`k` must be at least 2"),
        (lambda: xb.multiclass_data(2, 3, seed=0), r"`n` must be at least 3"),
        (lambda: xb.multiclass_data(10, 3, seed=0, radius=np.inf), r"`radius` must be"),
    ],
)
def test_bad_input_raises(call, match):
    with pytest.raises(ValueError, match=match):
        call()
