"""Tests for xentbook._reduction: one reduction for every loss and score, PyTorch's semantics.

On empty input the mean is NaN, the sum is 0 and 'none' gives an empty array, as
``torch.nn.functional.cross_entropy`` and friends do, and no RuntimeWarning escapes
(pyproject.toml turns one into an error).
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import xentbook as xb
from xentbook import _reduction

# Empty arguments for every public function that takes `reduction`: zero examples.
EMPTY = {
    "softmax_cross_entropy": (np.zeros(0, int), np.zeros((0, 3))),
    "softmax_cross_entropy_grad": (np.zeros(0, int), np.zeros((0, 3))),
    "nll_loss": (np.zeros(0, int), np.zeros((0, 3))),
    "binary_cross_entropy": (np.zeros(0), np.zeros(0)),
    "binary_cross_entropy_with_logits": (np.zeros(0), np.zeros(0)),
    "binary_cross_entropy_with_logits_grad": (np.zeros(0), np.zeros(0)),
    "sigmoid_focal_loss": (np.zeros(0), np.zeros(0)),
    "brier_score": (np.zeros(0, int), np.zeros((0, 3))),
    "gaussian_nll": (np.zeros(0), np.zeros(0), np.ones(0)),  # the prediction first, as torch
}
# Gradients are arrays shaped like the logits whatever the reduction.
GRADIENTS = {"softmax_cross_entropy_grad", "binary_cross_entropy_with_logits_grad"}
# Probability targets take the same path through the reduction as index targets.
SOFT = {
    "softmax_cross_entropy": (np.zeros((0, 3)), np.zeros((0, 3))),
    "brier_score": (np.zeros((0, 3)), np.zeros((0, 3))),
}


def test_every_function_with_a_reduction_is_checked_on_empty_input():
    with_reduction = {
        name
        for name in xb.__all__
        if callable(getattr(xb, name))
        and not inspect.isclass(getattr(xb, name))
        and "reduction" in inspect.signature(getattr(xb, name)).parameters
    }
    assert with_reduction == set(EMPTY)


def _quietly(function, args, reduction):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return function(*args, reduction=reduction)


@pytest.mark.parametrize("name", sorted(EMPTY))
@pytest.mark.parametrize("float32", [False, True])
def test_empty_input_follows_pytorch(name, float32):
    function = getattr(xb, name)
    cases = [EMPTY[name]] + ([SOFT[name]] if name in SOFT else [])
    for args in cases:
        if float32:
            args = tuple(a.astype(np.float32) if a.dtype.kind == "f" else a for a in args)
        dtype = np.float32 if float32 else np.float64
        mean, total, each = (_quietly(function, args, r) for r in ("mean", "sum", "none"))
        if name in GRADIENTS:
            for grad in (mean, total, each):
                assert grad.shape == args[1].shape
                assert grad.dtype == dtype
            continue
        assert np.isnan(mean)
        assert total == 0
        assert np.asarray(mean).dtype == dtype
        assert np.asarray(total).dtype == dtype
        assert each.shape == (0,)
        assert each.dtype == dtype


@pytest.mark.parametrize(
    ("reduction", "denominator", "expected"),
    [
        ("sum", None, 6.0),  # 1 + 2 + 3
        ("mean", None, 2.0),  # 6 / 3 values
        ("mean", 4.0, 1.5),  # 6 / the summed weights 4
        ("mean", 0, np.nan),  # nothing to average: NaN, as torch.mean of nothing
    ],
)
def test_reduce_reference(reduction, denominator, expected):
    got = _reduction.reduce(np.array([1.0, 2.0, 3.0]), reduction, np.float64, denominator)
    np.testing.assert_equal(got, expected)


def test_reduce_sums_in_float64_and_returns_the_callers_dtype():
    values = np.full(3, 1e8, dtype=np.float32)
    values[0] = 1.0  # lost in a float32 running sum of 1e8 values, kept in float64
    got = _reduction.reduce(values, "sum", np.float32)
    assert got.dtype == np.float32
    assert got == np.float32(np.float64(1.0) + 2e8)


def test_none_gives_the_values_back_in_the_dtype():
    got = _reduction.reduce([1.0, 2.0], "none", np.float32)
    assert got.dtype == np.float32
    assert got.tolist() == [1.0, 2.0]


def test_unknown_reduction_names_the_argument():
    with pytest.raises(ValueError, match="`reduction` 'avg' is not a reduction"):
        _reduction.check_reduction("avg")
