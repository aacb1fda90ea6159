"""Tests for xentbook._models: logistic and softmax regression by gradient descent."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.optimize
from conftest import require

import xentbook as xb


@pytest.fixture(scope="module")
def two_class():
    return xb.two_class_data(120, seed=0)


@pytest.fixture(scope="module")
def three_class():
    return xb.multiclass_data(150, 3, seed=0)


# --- Identities ---------------------------------------------------------------------------------


def test_zero_model_loss_is_log_2(two_class):
    # w = 0, b = 0 predicts 1/2 for every example: a loss of ln 2 exactly.
    fit = xb.fit_logistic_regression(*two_class, steps=0)
    assert fit.losses.tolist() == [pytest.approx(math.log(2), rel=1e-15)]


def test_zero_model_loss_is_log_k(three_class):
    # Zero logits give the uniform distribution over k classes: a loss of ln k.
    fit = xb.fit_softmax_regression(*three_class, steps=0)
    assert fit.losses[0] == pytest.approx(math.log(3), rel=1e-15)


def test_first_step_is_the_gradient_formula(two_class):
    # From zero, sigmoid = 1/2, so dL/dz = (1/2 - y) / n and w1 = -lr X^T (1/2 - y) / n.
    X, y = two_class
    fit = xb.fit_logistic_regression(X, y, lr=0.3, steps=1)
    g = (0.5 - y) / len(y)
    np.testing.assert_allclose(fit.weights, -0.3 * (X.T @ g), rtol=1e-13)
    assert fit.bias == pytest.approx(-0.3 * g.sum(), rel=1e-13, abs=1e-15)


def test_two_class_softmax_is_logistic_regression(two_class):
    # With two classes, the softmax logit difference z1 - z0 follows gradient descent on the
    # logistic loss with twice the learning rate (each column moves by -/+ lr X^T g).
    X, y = two_class
    soft = xb.fit_softmax_regression(X, y, lr=0.2, steps=30)
    logistic = xb.fit_logistic_regression(X, y, lr=0.4, steps=30)
    np.testing.assert_allclose(
        soft.weights[:, 1] - soft.weights[:, 0], logistic.weights, rtol=1e-10
    )
    np.testing.assert_allclose(soft.losses, logistic.losses, rtol=1e-12)


def test_loss_decreases_monotonically_for_a_small_step(two_class):
    # The logistic loss is convex with a Lipschitz gradient of constant at most
    # lambda_max([X 1]^T [X 1]) / (4n); below that step size every step lowers the loss.
    X, y = two_class
    A = np.column_stack([X, np.ones(len(X))])
    lipschitz = np.linalg.eigvalsh(A.T @ A).max() / (4 * len(X))
    fit = xb.fit_logistic_regression(X, y, lr=1 / lipschitz, steps=200)
    assert (np.diff(fit.losses) <= 1e-15).all()


def test_gradient_descent_reaches_the_scipy_minimum(two_class):
    # Reference: the same mean log loss minimised with scipy's BFGS.
    X, y = two_class

    def loss(theta):
        return xb.binary_cross_entropy_with_logits(y.astype(float), X @ theta[:2] + theta[2])

    best = scipy.optimize.minimize(loss, np.zeros(3), method="BFGS", options={"gtol": 1e-10})
    fit = xb.fit_logistic_regression(X, y, lr=2.0, steps=3000)
    assert fit.losses[-1] == pytest.approx(best.fun, rel=1e-7)
    np.testing.assert_allclose(np.r_[fit.weights, fit.bias], best.x, rtol=1e-3)


def test_label_smoothing_keeps_the_loss_above_the_target_entropy(three_class):
    # Gibbs: H(P_eps, Q) >= H(P_eps) for every Q, so the training loss never drops below it.
    X, y = three_class
    eps = 0.2
    floor = xb.entropy((1 - eps) * xb.one_hot(0, 3) + eps / 3)
    fit = xb.fit_softmax_regression(X, y, steps=300, lr=1.0, label_smoothing=eps)
    assert fit.losses.min() >= floor
    assert fit.losses[-1] < fit.losses[0]


def test_class_weights_are_passed_through(three_class):
    X, y = three_class
    w = np.array([1.0, 1.0, 4.0])
    fit = xb.fit_softmax_regression(X, y, steps=5, weight=w)
    z = X @ fit.weights + fit.bias
    assert fit.losses[-1] == pytest.approx(xb.softmax_cross_entropy(y, z, weight=w), rel=1e-14)


def test_num_classes_beyond_the_labels(three_class):
    X, y = three_class
    fit = xb.fit_softmax_regression(X, y, num_classes=5, steps=1)
    assert fit.weights.shape == (2, 5)
    assert fit.losses[0] == pytest.approx(math.log(5), rel=1e-15)


# --- Parity with autograd -----------------------------------------------------------------------


def test_one_softmax_step_matches_torch_autograd(three_class):
    torch = require("torch")
    X, y = three_class
    fit = xb.fit_softmax_regression(X, y, lr=0.5, steps=1, label_smoothing=0.1)
    W = torch.zeros((2, 3), dtype=torch.float64, requires_grad=True)
    b = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    logits = torch.from_numpy(X) @ W + b
    torch.nn.functional.cross_entropy(logits, torch.from_numpy(y), label_smoothing=0.1).backward()
    np.testing.assert_allclose(fit.weights, -0.5 * W.grad.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fit.bias, -0.5 * b.grad.numpy(), rtol=1e-12, atol=1e-15)


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"X": np.zeros(5), "y": np.zeros(5)}, r"`X` must be a 2-D array"),
        ({"X": np.zeros((5, 2)), "y": np.zeros(4)}, r"`y` must hold one label per row"),
        ({"X": np.full((2, 2), np.inf), "y": np.zeros(2)}, r"`X` must be finite"),
        ({"X": np.full((2, 2), np.nan), "y": np.zeros(2)}, r"`X` contains NaN"),
        ({"X": np.zeros((2, 2)), "y": np.zeros(2), "lr": 0}, r"`lr` must be a finite number > 0"),
        ({"X": np.zeros((2, 2)), "y": np.zeros(2), "steps": -1}, r"`steps` must be at least 0"),
    ],
)
def test_bad_input_raises(kwargs, match):
    with pytest.raises(ValueError, match=match):
        xb.fit_logistic_regression(**kwargs)


def test_softmax_regression_needs_integer_labels():
    with pytest.raises(ValueError, match=r"`y` must hold integer class labels"):
        xb.fit_softmax_regression(np.zeros((2, 2)), np.array([0.0, 1.0]))
