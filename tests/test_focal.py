"""Tests for the sigmoid focal loss (Lin et al., 2017)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from hypothesis import given
from hypothesis import strategies as st
from strategies import binary_problems

import xentbook as xb


def focal_reference(y, x, gamma, alpha):
    """torchvision.ops.sigmoid_focal_loss's formula, elementwise, in float64."""
    p = 1 / (1 + np.exp(-x))
    ce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    p_t = p * y + (1 - p) * (1 - y)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * y + (1 - alpha) * (1 - y)) * loss
    return loss


GAMMAS = [0.0, 0.5, 1.0, 2.0, 5.0]
ALPHAS = [-1.0, 0.0, 0.25, 0.5, 1.0]


@pytest.mark.parametrize("gamma", GAMMAS)
@pytest.mark.parametrize("alpha", ALPHAS)
def test_matches_formula_in_float64(gamma, alpha):
    # Moderate logits, where the formula's direct log(p) is accurate too.
    rng = np.random.default_rng(0)
    x = rng.normal(scale=4, size=(6, 5))
    y = (rng.random((6, 5)) < 0.4).astype(np.float64)
    y[0] = rng.random(5)  # soft targets as well
    expected = focal_reference(y, x, gamma, alpha)
    got = xb.sigmoid_focal_loss(y, x, gamma=gamma, alpha=alpha, reduction="none")
    # The formula's 1 - p cancels for easy examples (about 1e-14 relative at p = 0.99),
    # and gamma = 5 multiplies that by 5: 1e-10 leaves room, and still fails any slip.
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-300)
    assert xb.sigmoid_focal_loss(y, x, gamma=gamma, alpha=alpha) == pytest.approx(
        expected.mean(), rel=1e-12
    )
    assert xb.sigmoid_focal_loss(y, x, gamma=gamma, alpha=alpha, reduction="sum") == pytest.approx(
        expected.sum(), rel=1e-12
    )


@given(binary_problems(), st.sampled_from([0.0, 1e-3]))
def test_gamma_zero_without_alpha_is_binary_cross_entropy(case, gamma_zero):
    y, x = case
    bce = xb.binary_cross_entropy_with_logits(y, x, reduction="none")
    focal = xb.sigmoid_focal_loss(y, x, gamma=0.0, alpha=-1, reduction="none")
    np.testing.assert_array_equal(focal, bce)
    assert xb.sigmoid_focal_loss(y, x, gamma=gamma_zero, alpha=-1) <= (
        xb.binary_cross_entropy_with_logits(y, x) * (1 + 1e-15)
    )


@given(binary_problems())
def test_focal_loss_never_exceeds_cross_entropy(case):
    # (1 - p_t)^gamma <= 1 and alpha_t <= 1, so FL <= BCE elementwise.
    y, x = case
    bce = xb.binary_cross_entropy_with_logits(y, x, reduction="none")
    for gamma, alpha in [(2.0, 0.25), (1.0, -1), (0.5, 0.9)]:
        focal = xb.sigmoid_focal_loss(y, x, gamma=gamma, alpha=alpha, reduction="none")
        assert np.all(focal <= bce * (1 + 1e-12))
        assert np.all(focal >= 0)


def test_large_logits_keep_relative_accuracy():
    # An easy positive at logit 40: BCE = e^-40, (1 - p)^2 = e^-80, so FL ~ e^-120,
    # where 1 - sigmoid(40) would round to 0 in float64.
    got = xb.sigmoid_focal_loss(1.0, 40.0, alpha=-1, reduction="none")
    assert got == pytest.approx(np.exp(-120.0), rel=1e-12)


def test_infinite_logits():
    out = xb.sigmoid_focal_loss([1.0, 0.0, 1.0], [np.inf, -np.inf, -np.inf], reduction="none")
    assert out.tolist() == [0.0, 0.0, np.inf]


def test_float32_stays_float32():
    x = np.array([0.5, -2.0], dtype=np.float32)
    y = np.array([1.0, 0.0], dtype=np.float32)
    assert xb.sigmoid_focal_loss(y, x, reduction="none").dtype == np.float32
    assert xb.sigmoid_focal_loss(y, x).dtype == np.float32


def test_matches_torch_formula():
    torch = require("torch")
    rng = np.random.default_rng(1)
    x = rng.normal(scale=3, size=(4, 7))
    y = (rng.random((4, 7)) < 0.3).astype(np.float64)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    # torchvision.ops.sigmoid_focal_loss, written with torch's own operations.
    p = torch.sigmoid(xt)
    ce = torch.nn.functional.binary_cross_entropy_with_logits(xt, yt, reduction="none")
    p_t = p * yt + (1 - p) * (1 - yt)
    loss = ce * (1 - p_t) ** 2.0
    loss = (0.25 * yt + 0.75 * (1 - yt)) * loss
    got = xb.sigmoid_focal_loss(y, x, gamma=2.0, alpha=0.25, reduction="none")
    np.testing.assert_allclose(got, loss.numpy(), rtol=1e-10)


BAD_INPUT = [
    ({"gamma": -0.5}, ValueError, r"`gamma` must be a number in \[0, inf\]"),
    ({"gamma": "two"}, TypeError, "`gamma` must be a real number"),
    ({"alpha": 1.5}, ValueError, r"`alpha` must be in \[0, 1\]"),
    ({"alpha": -0.5}, ValueError, r"`alpha` must be in \[0, 1\]"),
    ({"alpha": float("nan")}, ValueError, "`alpha`"),
    ({"reduction": "batchmean"}, ValueError, "`reduction`"),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), BAD_INPUT)
def test_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        xb.sigmoid_focal_loss([1.0, 0.0], [0.5, -0.5], **kwargs)


def test_bad_target_is_reported_by_name():
    with pytest.raises(ValueError, match=r"`y`|`target`"):
        xb.sigmoid_focal_loss([1.5, 0.0], [0.5, -0.5])
