"""Tests for xentbook._rows, the blocked-row engine: bounded memory, blocking-proof results."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest

import xentbook as xb
from xentbook import _rows

# --- The memory bound ---------------------------------------------------------------------------

# 100 MB of float64 in each shape; the axis is first, middle or last.
N = 12_500_000
CASES = {
    "1-D": ((N,), 0),
    "2-D first": ((2_500, 5_000), 0),
    "2-D last": ((2_500, 5_000), 1),
    "3-D first": ((50, 500, 500), 0),
    "3-D middle": ((50, 500, 500), 1),
    "3-D last": ((50, 500, 500), 2),
}

FUNCTIONS = {
    "entropy": lambda c: xb.entropy(c.p, axis=c.axis),
    "cross_entropy": lambda c: xb.cross_entropy(c.p, c.p, axis=c.axis),
    "kl_divergence": lambda c: xb.kl_divergence(c.p, c.p, axis=c.axis),
    "logsumexp": lambda c: xb.logsumexp(c.x, axis=c.axis),
    "log_softmax": lambda c: xb.log_softmax(c.x, axis=c.axis),
    "softmax": lambda c: xb.softmax(c.x, axis=c.axis),
    "softmax_cross_entropy": lambda c: xb.softmax_cross_entropy(
        c.t, c.x, axis=c.axis, reduction="none"
    ),
    "softmax_cross_entropy, probabilities": lambda c: xb.softmax_cross_entropy(
        c.p, c.x, axis=c.axis, label_smoothing=0.1
    ),
    "softmax_cross_entropy_grad": lambda c: xb.softmax_cross_entropy_grad(c.t, c.x, axis=c.axis),
}


class Inputs:
    """Uniform distributions ``p``, logits ``x`` and class indices ``t`` for one case."""

    def __init__(self, shape, axis):
        self.axis = axis
        self.p = np.full(shape, 1 / shape[axis])
        self.x = np.random.default_rng(0).standard_normal(shape)
        kept = shape[:axis] + shape[axis + 1 :]
        self.t = np.random.default_rng(1).integers(0, shape[axis], size=kept)


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def inputs(request):
    return Inputs(*CASES[request.param])


def peak_extra_bytes(function) -> int:
    """Peak bytes a call allocates beyond the array it returns (NumPy reports to tracemalloc)."""
    tracemalloc.start()
    try:
        result = function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - np.asarray(result).nbytes


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_peak_extra_memory_is_at_most_5_percent_of_the_input(inputs, name):
    assert inputs.x.nbytes >= 100e6
    extra = peak_extra_bytes(lambda: FUNCTIONS[name](inputs))
    assert extra <= 0.05 * inputs.x.nbytes, f"{name}: {extra / 1e6:.1f} MB"


# Two outcomes per row: the output is half the input, so no second one may be allocated.
TWO_OUTCOMES = {"3-D first": ((2, 625, 10_000), 0), "3-D middle": ((625, 2, 10_000), 1)}


@pytest.mark.parametrize("case", list(TWO_OUTCOMES))
def test_information_measures_of_two_outcomes_stay_within_5_percent(case):
    inputs = Inputs(*TWO_OUTCOMES[case])
    for name in ("entropy", "cross_entropy", "kl_divergence"):
        extra = peak_extra_bytes(lambda name=name: FUNCTIONS[name](inputs))
        assert extra <= 0.05 * inputs.p.nbytes, f"{name}: {extra / 1e6:.1f} MB"


# --- Blocking changes nothing -------------------------------------------------------------------


def test_blocks_tile_every_row_once():
    for shape, ax in [((5, 7, 3), 1), ((40,), 0), ((3, 50), 1), ((50, 3), 0), ((2, 0, 3), 2)]:
        seen = np.zeros(shape, dtype=int)
        for block in _rows.blocks(shape, ax):
            for index in block.chunks:
                seen[index] += 1
        assert (seen == 1).all()


@pytest.mark.parametrize(
    ("shape", "axis"), [((40,), 0), ((3, 30), 1), ((30, 2), 0), ((2, 20, 3), 1)]
)
def test_rows_read_in_chunks_match_rows_read_whole(monkeypatch, shape, axis):
    rng = np.random.default_rng(2)
    x = rng.normal(size=shape) * 5
    x[(0,) * x.ndim] = math.inf if x.ndim > 1 else x[0]  # one row with an infinite maximum
    p = xb.softmax(rng.normal(size=shape), axis=axis)
    k = shape[axis]
    kept = shape[:axis] + shape[axis + 1 :]
    t = rng.integers(0, k, size=kept)
    w = rng.uniform(0.5, 2, size=k)
    options = {"axis": axis, "weight": w, "label_smoothing": 0.2}

    def everything():
        return [
            xb.logsumexp(x, axis=axis),
            xb.log_softmax(x, axis=axis),
            xb.softmax(x, axis=axis),
            xb.entropy(p, axis=axis),
            xb.cross_entropy(p, xb.softmax(x[..., ::-1] if axis else x, axis=axis), axis=axis),
            xb.kl_divergence(p, p[::-1], axis=axis),
            xb.softmax_cross_entropy(t, x, reduction="none", **options),
            xb.softmax_cross_entropy(p, x, reduction="none", **options),
            xb.softmax_cross_entropy_grad(t, x, **options),
            xb.softmax_cross_entropy_grad(p, x, **options),
        ]

    whole = everything()
    # Blocks of 8 doubles: every row is longer than a block, so it is read in chunks.
    monkeypatch.setattr(_rows, "BLOCK_BYTES", 8 * 8)
    chunked = everything()
    for a, b in zip(whole, chunked, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-13, atol=1e-15)


def test_chunked_argmax_is_the_first_maximum(monkeypatch):
    # Ties across chunks: the first maximal entry is the one left out of the tail sum,
    # so the uniform row still gives exactly 1 / n.
    monkeypatch.setattr(_rows, "BLOCK_BYTES", 4 * 8)
    np.testing.assert_array_equal(xb.softmax(np.zeros(10)), np.full(10, 0.1))
    np.testing.assert_array_equal(xb.softmax(np.full(10, -math.inf)), np.full(10, 0.1))
    assert xb.logsumexp([0.0] + [-40.0] * 9) == pytest.approx(9 * math.exp(-40), rel=1e-15)


def test_nan_in_a_later_chunk_is_found(monkeypatch):
    monkeypatch.setattr(_rows, "BLOCK_BYTES", 4 * 8)
    x = np.zeros(10)
    x[7] = np.nan
    with pytest.raises(ValueError, match=r"`logits` contains NaN \(first at index 7\)"):
        xb.softmax(x)


def test_unnormalised_row_is_found_in_chunks(monkeypatch):
    monkeypatch.setattr(_rows, "BLOCK_BYTES", 4 * 8)
    p = np.full((2, 10), 0.1)
    p[1, 9] = 0.2
    with pytest.raises(
        ValueError, match=r"`p` must sum to 1 along axis -1 \(it sums to 1\.10*1? at index 1,"
    ):
        xb.entropy(p)


# --- The unshifted route: e^x * e^-m where it is exact, scan elsewhere ---------------------------


def unshifted_cases(dtype) -> dict:
    """Logits, and whether the unshifted route takes them for the loss and the gradient."""
    noise = np.random.default_rng(5).standard_normal((64, 50))
    underflowing = -800.0 + noise
    underflowing[:, 0] = -500.0  # e^x is 0 but the tail, e^-300, is not
    return {
        "ordinary": (noise, True, True),
        "beyond e^x's range": (1000.0 + noise, False, False),
        "negative maxima": (-30.0 + noise, True, False),
        "e^x underflows": (underflowing, False, False),
    }


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", unshifted_cases(np.float64))
def test_unshifted_route_agrees_with_scan(case, dtype, monkeypatch):
    # The route e^x * e^-m is taken only where it is exact, and gives what scan gives.
    x, for_loss, for_grad = unshifted_cases(dtype)[case]
    x = x.astype(dtype)
    block = next(_rows.blocks(x.shape, 1))
    out = np.empty_like(x)
    assert (_rows.unshifted(x, block, 1, out) is not None) == for_loss
    assert (_rows.unshifted(x, block, 1, out, lowest=0) is not None) == for_grad
    stats = _rows.stats(x, block, 1, "logits", _rows.scratch(x))
    shifted, _ = _rows.scan(x, block, 1, "logits", _rows.scratch(x))
    np.testing.assert_array_equal(stats.argmax, shifted.argmax)
    np.testing.assert_allclose(stats.tail, shifted.tail, rtol=8 * np.finfo(dtype).eps)
    t = np.arange(64) % 50
    got = xb.softmax_cross_entropy_grad(t, x, reduction="sum")
    monkeypatch.setattr(_rows, "unshifted", lambda *args, **kwargs: None)
    want = xb.softmax_cross_entropy_grad(t, x, reduction="sum")
    np.testing.assert_allclose(got, want, rtol=8 * np.finfo(dtype).eps, atol=0)


def test_unshifted_route_leaves_nan_to_scan():
    x = np.zeros((4, 5))
    x[2, 3] = np.nan
    block = next(_rows.blocks(x.shape, 1))
    assert _rows.unshifted(x, block, 1, np.empty_like(x)) is None
    with pytest.raises(ValueError, match=r"`logits` contains NaN \(first at index \(2, 3\)\)"):
        xb.softmax_cross_entropy([0, 0, 0, 0], x)
