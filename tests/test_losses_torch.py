"""Parity of xentbook's losses with PyTorch (values and autograd gradients) and SciPy.

PyTorch puts the class axis at dimension 1; xentbook takes it as ``axis``. Each case
moves the axis for torch and compares in float64 to rtol 1e-12. Without torch these
tests skip, unless XENTBOOK_REQUIRE_TORCH=1 (as in CI), where they fail instead.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.special
from conftest import require

import xentbook as xb

RTOL = 1e-12
ATOL = 1e-15  # for gradient entries that are rounding noise around 0


# One module-level skip (with the install hint) rather than one per case.
_TORCH = require("torch")


@pytest.fixture(scope="module")
def torch():
    return _TORCH


def to_torch(torch, a, axis=None, grad=False):
    """A float64/int64 tensor, with ``axis`` moved to dimension 1 for PyTorch."""
    a = np.asarray(a)
    if axis is not None and a.ndim > 1:
        a = np.moveaxis(a, axis, 1)
    t = torch.tensor(a.copy(order="C"))  # ascontiguousarray would make 0-d arrays 1-d
    return t.requires_grad_() if grad else t


def from_torch(t, axis=None):
    a = t.detach().numpy()
    return np.moveaxis(a, 1, axis) if axis is not None and a.ndim > 1 else a


# (name, logits shape, class axis)
LAYOUTS = [
    ("batch", (6, 5), -1),
    ("no-batch", (5,), -1),
    ("k-dim-axis-1", (3, 5, 2, 2), 1),
    ("k-dim-last", (3, 2, 2, 5), -1),
    ("empty", (0, 5), -1),
]
WEIGHTS = ["none", "positive", "with-zeros"]
IGNORED = ["none", "some", "all"]
SMOOTHING = [0.0, 0.1, 1.0]
REDUCTIONS = ["mean", "sum", "none"]

INDEX_GRID = list(itertools.product(LAYOUTS, WEIGHTS, IGNORED, SMOOTHING, REDUCTIONS))
PROB_GRID = list(itertools.product(LAYOUTS, WEIGHTS, SMOOTHING, REDUCTIONS))


def make_case(layout, weight, seed):
    _, shape, axis = layout
    rng = np.random.default_rng([seed, WEIGHTS.index(weight)])
    x = rng.normal(size=shape) * 3
    c = shape[axis]
    w = {
        "none": None,
        "positive": rng.uniform(0.1, 2.0, c),
        "with-zeros": np.where(np.arange(c) % 2 == 0, 0.0, rng.uniform(0.1, 2.0, c)),
    }[weight]
    return rng, x, axis, c, w


def compare_with_torch(torch, target, x, axis, w, ignore_index, ls, reduction, prob):
    kwargs = {"axis": axis, "weight": w, "label_smoothing": ls, "reduction": reduction}
    if not prob:
        kwargs["ignore_index"] = ignore_index
    ours = xb.softmax_cross_entropy(target, x, **kwargs)
    grad = xb.softmax_cross_entropy_grad(target, x, **kwargs)

    xt = to_torch(torch, x, axis, grad=True)
    tt = to_torch(torch, target, axis if prob else None)
    ref = torch.nn.functional.cross_entropy(
        xt,
        tt,
        weight=None if w is None else torch.tensor(w),
        ignore_index=ignore_index,
        label_smoothing=ls,
        reduction=reduction,
    )
    ref.sum().backward()
    assert np.shape(ours) == tuple(ref.shape)
    np.testing.assert_allclose(ours, from_torch(ref), rtol=RTOL, atol=0)
    np.testing.assert_allclose(grad, from_torch(xt.grad, axis), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(
    ("layout", "weight", "ignored", "ls", "reduction"),
    INDEX_GRID,
    ids=["-".join(map(str, (lay[0], *rest))) for lay, *rest in INDEX_GRID],
)
def test_cross_entropy_index_targets(torch, layout, weight, ignored, ls, reduction):
    rng, x, axis, c, w = make_case(layout, weight, seed=1)
    t_shape = np.delete(np.array(x.shape), axis % x.ndim)
    t = rng.integers(0, c, tuple(t_shape))
    if ignored == "some":
        t = np.where(rng.random(t.shape) < 0.4, -100, t)
    elif ignored == "all":
        t = np.full(t.shape, -100)
    compare_with_torch(torch, t, x, axis, w, -100, ls, reduction, prob=False)


@pytest.mark.parametrize(
    ("layout", "weight", "ls", "reduction"),
    PROB_GRID,
    ids=["-".join(map(str, (lay[0], *rest))) for lay, *rest in PROB_GRID],
)
def test_cross_entropy_probability_targets(torch, layout, weight, ls, reduction):
    rng, x, axis, _, w = make_case(layout, weight, seed=3)
    p = xb.softmax(rng.normal(size=x.shape) * 2, axis=axis)
    compare_with_torch(torch, p, x, axis, w, -100, ls, reduction, prob=True)


@pytest.mark.parametrize("ignore_index", [-1, 255, 2])
@pytest.mark.parametrize("ls", [0.0, 0.3])
def test_cross_entropy_other_ignore_index(torch, ignore_index, ls):
    rng = np.random.default_rng(11)
    x = rng.normal(size=(8, 4))
    t = rng.integers(0, 4, 8)
    t[::3] = ignore_index
    w = rng.uniform(0.5, 1.5, 4)
    for reduction in REDUCTIONS:
        compare_with_torch(torch, t, x, -1, w, ignore_index, ls, reduction, prob=False)


def test_cross_entropy_large_logits(torch):
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [3.0, 1e4, -1e4]])
    compare_with_torch(torch, np.array([0, 1, 0]), x, -1, None, -100, 0.1, "none", prob=False)


def test_cross_entropy_non_contiguous(torch):
    base = np.random.default_rng(12).normal(size=(10, 12))
    x = base.T[::2]  # (6, 10), strided in both axes
    t = np.arange(6) % 10
    compare_with_torch(torch, t, x, -1, None, -100, 0.1, "mean", prob=False)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_float32(torch, reduction):
    rng = np.random.default_rng(13)
    x = rng.normal(size=(64, 10)).astype(np.float32) * 4
    t = rng.integers(0, 10, 64)
    w = rng.uniform(0.5, 2, 10).astype(np.float32)
    ours = xb.softmax_cross_entropy(t, x, weight=w, label_smoothing=0.1, reduction=reduction)
    xt = torch.tensor(x, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(
        xt, torch.tensor(t), weight=torch.tensor(w), label_smoothing=0.1, reduction=reduction
    )
    ref.sum().backward()
    assert np.asarray(ours).dtype == np.float32
    np.testing.assert_allclose(ours, ref.detach().numpy(), rtol=2e-6)
    grad = xb.softmax_cross_entropy_grad(t, x, weight=w, label_smoothing=0.1, reduction=reduction)
    assert grad.dtype == np.float32
    np.testing.assert_allclose(grad, xt.grad.numpy(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize(
    ("layout", "weight", "ignored", "reduction"),
    [(lay, w, ig, red) for lay, w, ig, ls, red in INDEX_GRID if ls == 0.0],
    ids=[
        "-".join(map(str, (lay[0], w, ig, red))) for lay, w, ig, ls, red in INDEX_GRID if ls == 0.0
    ],
)
def test_nll_loss(torch, layout, weight, ignored, reduction):
    rng, x, axis, c, w = make_case(layout, weight, seed=21)
    lp = xb.log_softmax(x, axis=axis)
    t = rng.integers(0, c, tuple(np.delete(np.array(x.shape), axis % x.ndim)))
    if ignored != "none":
        t = np.where(rng.random(t.shape) < (0.4 if ignored == "some" else 2), -100, t)
    ours = xb.nll_loss(t, lp, axis=axis, weight=w, reduction=reduction)
    ref = torch.nn.functional.nll_loss(
        to_torch(torch, lp, axis),
        to_torch(torch, t),
        weight=None if w is None else torch.tensor(w),
        reduction=reduction,
    )
    np.testing.assert_allclose(ours, ref.numpy(), rtol=RTOL, atol=0)


@pytest.mark.parametrize("weight", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy(torch, weight, reduction):
    rng = np.random.default_rng(31)
    y = np.concatenate([rng.integers(0, 2, 6).astype(float), rng.random(6)]).reshape(3, 4)
    y_hat = rng.uniform(0.01, 0.99, (3, 4))
    w = rng.uniform(0.2, 2.0, 4) if weight else None
    ours = xb.binary_cross_entropy(y, y_hat, weight=w, reduction=reduction)
    ref = torch.nn.functional.binary_cross_entropy(
        torch.tensor(y_hat),
        torch.tensor(y),
        weight=None if w is None else torch.tensor(w),
        reduction=reduction,
    )
    np.testing.assert_allclose(ours, ref.numpy(), rtol=RTOL)


def test_binary_cross_entropy_does_not_clamp(torch):
    # PyTorch clamps log(0) to -100, so a certain, wrong prediction costs it 100 nats.
    ref = torch.nn.functional.binary_cross_entropy(
        torch.tensor([0.0, 1.0], dtype=torch.float64),
        torch.tensor([1.0, 0.0], dtype=torch.float64),
        reduction="none",
    )
    np.testing.assert_array_equal(ref.numpy(), [100.0, 100.0])
    ours = xb.binary_cross_entropy([1.0, 0.0], [0.0, 1.0], reduction="none")
    np.testing.assert_array_equal(ours, [np.inf, np.inf])


@pytest.mark.parametrize(("weight", "pos_weight"), list(itertools.product([False, True], repeat=2)))
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits(torch, weight, pos_weight, reduction):
    rng = np.random.default_rng(41)
    y = np.concatenate([rng.integers(0, 2, 9).astype(float), rng.random(6)]).reshape(5, 3)
    x = rng.normal(size=(5, 3)) * 5
    x[0] = [-40.0, 0.0, 40.0]
    w = rng.uniform(0.2, 2.0, (5, 1)) if weight else None
    pw = rng.uniform(0.5, 3.0, 3) if pos_weight else None
    kwargs = {"weight": w, "pos_weight": pw, "reduction": reduction}
    ours = xb.binary_cross_entropy_with_logits(y, x, **kwargs)
    grad = xb.binary_cross_entropy_with_logits_grad(y, x, **kwargs)
    xt = torch.tensor(x, requires_grad=True)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(
        xt,
        torch.tensor(y),
        weight=None if w is None else torch.tensor(w),
        pos_weight=None if pw is None else torch.tensor(pw),
        reduction=reduction,
    )
    ref.sum().backward()
    np.testing.assert_allclose(ours, ref.detach().numpy(), rtol=RTOL)
    np.testing.assert_allclose(grad, xt.grad.numpy(), rtol=RTOL, atol=ATOL)


def test_binary_cross_entropy_with_logits_infinite_logits(torch):
    # PyTorch gives NaN for infinite logits; xentbook gives the limits 0 and inf.
    x = np.array([np.inf, -np.inf, np.inf, -np.inf])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    ref = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.tensor(x), torch.tensor(y), reduction="none"
    )
    assert np.isnan(ref.numpy()).any()
    ours = xb.binary_cross_entropy_with_logits(y, x, reduction="none")
    np.testing.assert_array_equal(ours, [0.0, 0.0, np.inf, np.inf])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_family_matches_torch(torch, axis):
    x = np.random.default_rng(51).normal(size=(4, 5, 6)) * 10
    xt = torch.tensor(x)
    np.testing.assert_allclose(
        xb.log_softmax(x, axis=axis), torch.log_softmax(xt, axis).numpy(), rtol=RTOL, atol=ATOL
    )
    np.testing.assert_allclose(
        xb.softmax(x, axis=axis), torch.softmax(xt, axis).numpy(), rtol=1e-13
    )
    np.testing.assert_allclose(
        xb.logsumexp(x, axis=axis), torch.logsumexp(xt, axis).numpy(), rtol=RTOL
    )


# --- SciPy --------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_family_matches_scipy(axis):
    rng = np.random.default_rng(61)
    x = rng.normal(size=(7, 9, 3)) * 20
    x[0, 0, 0] = -np.inf
    np.testing.assert_allclose(
        xb.logsumexp(x, axis=axis), scipy.special.logsumexp(x, axis=axis), rtol=RTOL
    )
    np.testing.assert_allclose(
        xb.log_softmax(x, axis=axis), scipy.special.log_softmax(x, axis=axis), rtol=RTOL, atol=ATOL
    )
    np.testing.assert_allclose(
        xb.softmax(x, axis=axis), scipy.special.softmax(x, axis=axis), rtol=1e-13, atol=1e-300
    )


def test_softmax_cross_entropy_matches_scipy_log_softmax():
    rng = np.random.default_rng(62)
    x = rng.normal(size=(20, 7)) * 5
    t = rng.integers(0, 7, 20)
    naive = -scipy.special.log_softmax(x, axis=-1)[np.arange(20), t]
    np.testing.assert_allclose(xb.softmax_cross_entropy(t, x, reduction="none"), naive, rtol=1e-12)
