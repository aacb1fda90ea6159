"""Arguments that are not numbers, or not one array, get an error that names them."""

from __future__ import annotations

import numpy as np
import pytest

import xentbook as xb

SECONDS = np.array([1, 0], dtype="m8[s]")
DAYS = np.array(["2020-01-01", "2020-01-02"], dtype="M8[D]")
RAGGED = [[1.0], [0.5, 0.5]]
LOGITS = np.array([[1.0, 2.0]])


NOT_NUMBERS = "must hold"
NOT_ONE_ARRAY = "must be one rectangular array"
TIME = np.array([0], dtype="m8")


@pytest.mark.parametrize(
    ("call", "name", "problem"),
    [
        # NumPy counts timedelta64 as an integer type; it used to pass as probabilities.
        (lambda: xb.entropy(SECONDS), "p", NOT_NUMBERS),
        (lambda: xb.cross_entropy([1, 0], SECONDS), "q", NOT_NUMBERS),
        (lambda: xb.surprisal(DAYS), "p", NOT_NUMBERS),
        (lambda: xb.softmax(SECONDS), "logits", NOT_NUMBERS),
        (lambda: xb.softmax_cross_entropy(TIME, LOGITS), "target", NOT_NUMBERS),
        (lambda: xb.nll_loss(TIME, -LOGITS), "target", NOT_NUMBERS),
        (lambda: xb.one_hot(TIME, 2), "indices", NOT_NUMBERS),
        (lambda: xb.smooth_labels(TIME, 2, 0.1), "target", NOT_NUMBERS),
        (lambda: xb.entropy(RAGGED), "p", NOT_ONE_ARRAY),
        (lambda: xb.kl_divergence([1.0, 0.0], RAGGED), "q", NOT_ONE_ARRAY),
        (lambda: xb.softmax(RAGGED), "logits", NOT_ONE_ARRAY),
        (lambda: xb.logsumexp(RAGGED), "x", NOT_ONE_ARRAY),
        (lambda: xb.softmax_cross_entropy([[0], [1, 0]], LOGITS), "target", NOT_ONE_ARRAY),
        (lambda: xb.binary_cross_entropy(RAGGED, [0.5]), "y", NOT_ONE_ARRAY),
        (lambda: xb.normalize(RAGGED), "x", NOT_ONE_ARRAY),
    ],
)
def test_arrays_that_are_not_numbers_name_the_argument(call, name, problem):
    with pytest.raises(ValueError, match=f"`{name}` {problem}"):
        call()


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: xb.entropy([1.0], axis=True), "axis"),
        (lambda: xb.softmax([1.0], axis=np.True_), "axis"),
        (lambda: xb.softmax_cross_entropy([0], LOGITS, label_smoothing=True), "label_smoothing"),
        (lambda: xb.softmax_cross_entropy([0], LOGITS, label_smoothing="0.1"), "label_smoothing"),
        (lambda: xb.softmax_cross_entropy([0], LOGITS, ignore_index=True), "ignore_index"),
        (lambda: xb.one_hot([0], True), "num_classes"),
        (lambda: xb.entropy([1.0], base="2"), "base"),
        (lambda: xb.entropy([1.0], axis=1.0), "axis"),
    ],
)
def test_wrong_python_types_are_type_errors(call, name):
    # Bools used to pass as 1 for axis and label_smoothing; base="2" as 2.
    with pytest.raises(TypeError, match=f"`{name}` must be"):
        call()
    with pytest.raises(
        ValueError, match=f"`{name}`"
    ):  # still a ValueError for code that catches those
        call()


HALF = np.array([0.5, 0.5], dtype=np.float16)
SINGLE = HALF.astype(np.float32)
DOUBLE = HALF.astype(np.float64)


@pytest.mark.parametrize(
    ("call", "dtype"),
    [
        (lambda: xb.entropy(HALF), np.float32),
        (lambda: xb.surprisal(HALF), np.float32),
        (lambda: xb.cross_entropy(HALF, SINGLE), np.float32),
        (lambda: xb.cross_entropy(SINGLE, DOUBLE), np.float64),
        (lambda: xb.softmax(HALF), np.float32),
        (lambda: xb.logsumexp(HALF), np.float32),
        (lambda: xb.sigmoid(HALF), np.float32),
        (lambda: xb.normalize(HALF), np.float32),
        (lambda: xb.softmax_cross_entropy(np.int16(0), HALF), np.float32),
        (lambda: xb.softmax_cross_entropy(SINGLE, DOUBLE), np.float64),
        (lambda: xb.binary_cross_entropy_with_logits(HALF, HALF), np.float32),
        (lambda: xb.entropy([0, 1]), np.float64),
    ],
)
def test_float16_in_gives_float32_out_and_mixed_precision_gives_float64(call, dtype):
    # The rule the module docstrings state (xentbook._validation.float_dtype).
    assert np.asarray(call()).dtype == dtype
