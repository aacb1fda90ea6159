"""Parity of gaussian_nll and kl_normal with PyTorch, and of the entropies with SciPy.

Without torch the PyTorch cases skip, unless XENTBOOK_REQUIRE_TORCH=1 (as in CI), where
they fail instead.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.stats
from conftest import require
from hypothesis import given
from strategies import gaussian_problems, normal_pairs

import xentbook as xb

_TORCH = require("torch")


@pytest.fixture(scope="module")
def torch():
    return _TORCH


# (input shape, var shape): every shape rule of torch.nn.functional.gaussian_nll_loss.
SHAPES = [
    ((5, 3), (5, 3)),  # heteroscedastic: one variance per prediction
    ((5, 3), (5,)),  # one variance per row, the last axis dropped
    ((5, 3), (5, 1)),  # the last axis of length 1
    ((4, 3, 2), (4, 1, 2)),  # another axis of length 1
    ((6,), (6,)),
    ((6,), ()),  # a scalar tensor for 1-D input
]


@pytest.mark.parametrize(
    ("shapes", "full", "reduction"),
    list(itertools.product(SHAPES, [False, True], ["mean", "sum", "none"])),
)
def test_gaussian_nll_matches_torch(torch, shapes, full, reduction):
    input_shape, var_shape = shapes
    rng = np.random.default_rng(0)
    mu, y = rng.normal(size=input_shape), rng.normal(size=input_shape)
    var = rng.uniform(0.1, 3.0, size=var_shape)
    ours = xb.gaussian_nll(mu, y, var, full=full, reduction=reduction)
    theirs = torch.nn.functional.gaussian_nll_loss(
        torch.tensor(mu), torch.tensor(y), torch.tensor(var), full=full, reduction=reduction
    )
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12, atol=1e-15)


def test_variance_is_shaped_against_input_not_target(torch):
    # torch checks var against input's shape, then broadcasts with target: one row of
    # component means and variances scored against a column of observations (a mixture).
    mu, var = np.array([1.0, 2.0, 4.0]), np.array([0.5, 1.0, 2.0])
    y = np.linspace(0, 5, 6)[:, None]
    theirs = torch.nn.functional.gaussian_nll_loss(
        torch.tensor(mu), torch.tensor(y), torch.tensor(var), reduction="none"
    )
    ours = xb.gaussian_nll(mu, y, var, reduction="none")
    assert ours.shape == (6, 3)
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12)


def test_python_float_variance_matches_torch(torch):
    mu, y = np.linspace(-1, 1, 6), np.linspace(0, 2, 6)
    theirs = torch.nn.functional.gaussian_nll_loss(torch.tensor(mu), torch.tensor(y), 0.7)
    assert xb.gaussian_nll(mu, y, 0.7) == pytest.approx(theirs.item(), rel=1e-12)


@pytest.mark.parametrize("var", [0.0, 1e-9, 1e-6, 1e-3])
@pytest.mark.parametrize("eps", [1e-6, 1e-2])
def test_the_clamp_matches_torch(torch, var, eps):
    mu, y = np.array([0.0, 1e-4]), np.array([1e-4, 0.0])
    v = np.full(2, var)
    theirs = torch.nn.functional.gaussian_nll_loss(
        torch.tensor(mu), torch.tensor(y), torch.tensor(v), eps=eps, reduction="none"
    )
    np.testing.assert_allclose(xb.gaussian_nll(mu, y, v, eps=eps, reduction="none"), theirs)


def test_where_torch_clamps_eps_zero_is_exact(torch):
    # A variance of 1e-9 (sigma ~ 3e-5, e.g. kilograms measured to 0.03 g): torch's default
    # clamp changes the loss by 3.5 nats per element; eps=0 gives the true density.
    mu, y, var = np.zeros(3), np.array([0.0, 1e-5, -2e-5]), np.full(3, 1e-9)
    clamped = torch.nn.functional.gaussian_nll_loss(
        torch.tensor(mu), torch.tensor(y), torch.tensor(var), full=True, reduction="none"
    ).numpy()
    exact = xb.gaussian_nll(mu, y, var, full=True, eps=0, reduction="none")
    density = np.exp(-((y - mu) ** 2) / (2 * var)) / np.sqrt(2 * np.pi * var)
    np.testing.assert_allclose(exact, -np.log(density), rtol=1e-13)
    assert np.all(clamped - exact > 3)


def test_empty_input_matches_torch(torch):
    empty = torch.zeros(0, dtype=torch.float64)
    for reduction in ("mean", "sum"):
        theirs = torch.nn.functional.gaussian_nll_loss(empty, empty, empty, reduction=reduction)
        ours = xb.gaussian_nll(np.zeros(0), np.zeros(0), np.zeros(0), reduction=reduction)
        np.testing.assert_array_equal(ours, theirs.numpy())


def test_float32_matches_torch(torch):
    rng = np.random.default_rng(1)
    mu, y = rng.normal(size=(8, 2)).astype(np.float32), rng.normal(size=(8, 2)).astype(np.float32)
    var = rng.uniform(0.5, 2, size=(8, 2)).astype(np.float32)
    ours = xb.gaussian_nll(mu, y, var, reduction="none")
    theirs = torch.nn.functional.gaussian_nll_loss(
        torch.tensor(mu), torch.tensor(y), torch.tensor(var), reduction="none"
    )
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-5, atol=1e-6)


@given(gaussian_problems())
def test_gaussian_nll_matches_torch_on_random_problems(problem):
    torch = _TORCH
    mu, y, var = problem
    theirs = torch.nn.functional.gaussian_nll_loss(
        torch.tensor(mu), torch.tensor(y), torch.tensor(var), reduction="none"
    )
    np.testing.assert_allclose(
        xb.gaussian_nll(mu, y, var, reduction="none"), theirs.numpy(), rtol=1e-12, atol=1e-12
    )


def _torch_kl(torch, mp, sp, mq, sq):
    normal = torch.distributions.Normal
    p, q = normal(torch.tensor(mp), torch.tensor(sp)), normal(torch.tensor(mq), torch.tensor(sq))
    return torch.distributions.kl_divergence(p, q).numpy()


@given(normal_pairs())
def test_kl_normal_matches_torch(pair):
    # Away from equality the two formulas agree; near it torch's r^2 - 1 - log r^2 cancels
    # (see test_continuous.py's ulp tests), so compare with an absolute tolerance too.
    ours = xb.kl_normal(*pair)
    np.testing.assert_allclose(ours, _torch_kl(_TORCH, *pair), rtol=1e-9, atol=1e-12)


def test_torch_loses_the_digits_that_kl_normal_keeps(torch):
    # sigma_p = 1 + 2^-40: the exact KL is about 2^-80 / 1 (relative error of ours: a few ulp).
    sp = 1 + 2.0**-40
    ours = xb.kl_normal(0.0, sp, 0.0, 1.0)
    theirs = float(_torch_kl(torch, 0.0, sp, 0.0, 1.0))
    assert ours == pytest.approx(2.0**-80 * (1 - 2.0**-40 / 3), rel=1e-12)
    assert abs(theirs - ours) > 1e-3 * ours


@pytest.mark.parametrize("sigma", [1e-3, 0.1, 1.0, 2.5, 700.0])
def test_normal_entropy_matches_scipy(sigma):
    expected = scipy.stats.norm(loc=3.0, scale=sigma).entropy()
    assert xb.normal_entropy(sigma) == pytest.approx(expected, rel=1e-14, abs=1e-15)
    bits = scipy.stats.norm(scale=sigma).entropy() / np.log(2)
    assert xb.normal_entropy(sigma, base=2) == pytest.approx(bits, rel=1e-14, abs=1e-15)


@pytest.mark.parametrize("sigma", [0.05, 1.0, 400.0])
def test_histogram_estimate_agrees_with_scipy_and_the_truth(sigma):
    # 200 000 normal draws: the histogram estimate with bins of sigma/20 and SciPy's
    # spacing estimate both land within 0.01 nats of 1/2 ln(2 pi e sigma^2).
    x = np.random.default_rng(5).normal(scale=sigma, size=200_000)
    ours = xb.differential_entropy_histogram(x, sigma / 20)
    theirs = scipy.stats.differential_entropy(x)
    truth = xb.normal_entropy(sigma)
    assert ours == pytest.approx(truth, abs=0.01)
    assert ours == pytest.approx(theirs, abs=0.01)


def test_histogram_estimate_on_penguin_masses_is_close_to_scipy():
    # On the 342 weighed penguins (grams) the two estimators differ by their biases, but
    # by less than 0.1 nats for bins of 200 g.
    mass = xb.penguins(missing="mask").body_mass_g.compressed()
    ours = xb.differential_entropy_histogram(mass, 200.0)
    assert ours == pytest.approx(scipy.stats.differential_entropy(mass), abs=0.1)
