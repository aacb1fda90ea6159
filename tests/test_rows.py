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


# --- The interface: blocks in order, elementwise tiles, a per-row index ------------------------


@pytest.mark.parametrize("threads", [1, 2])
def test_block_results_come_back_in_block_order(monkeypatch, threads):
    monkeypatch.setattr(_rows, "BLOCK_BYTES", 8 * 8)
    monkeypatch.setattr(_rows, "THREAD_BYTES", 1)  # every block may go to another thread
    x = np.random.default_rng(3).normal(size=(40, 6))
    in_order = [x[block.rows].sum() for block in _rows.blocks(x.shape, 1)]
    assert len(in_order) > 2
    with xb.num_threads(threads):
        assert _rows.map_blocks(lambda block, _: x[block.rows].sum(), x, 1) == in_order
        partials = _rows.sum_blocks(lambda block, _: x[block.rows], x, 1)
        filled = _rows.fill_blocks(lambda block, _: -x[block.rows], x, None, np.empty_like(x))
    np.testing.assert_array_equal(partials, in_order)
    np.testing.assert_array_equal(filled, -x)


def test_elementwise_tiles_cover_every_element_once(monkeypatch):
    monkeypatch.setattr(_rows, "BLOCK_BYTES", 8 * 8)
    x = np.zeros((5, 7, 3))
    counts = _rows.sum_blocks(lambda tile, _: np.ones(x[tile.rows].shape), x, None)
    assert len(counts) > 2
    assert counts.sum() == x.size


@pytest.mark.parametrize("ax", [0, 1])
def test_gather_and_scatter_at_a_per_row_index_in_chunks(monkeypatch, ax):
    # Rows of 10 in chunks of 4: each row's index lies in exactly one of its chunks.
    monkeypatch.setattr(_rows, "BLOCK_BYTES", 4 * 8)
    x = np.arange(30.0).reshape(3, 10)
    index = np.array([[0], [5], [9]])
    if ax == 0:
        x, index = x.T.copy(), index.T
    y = x.copy()
    for block in _rows.blocks(x.shape, ax):
        i = index[block.rows]
        assert len(block.chunks) == 3
        found = sum(_rows.at(i, chunk, ax, 10).gather(x[chunk]) for chunk in block.chunks)
        np.testing.assert_array_equal(found, np.take_along_axis(x[block.rows], i, axis=ax))
        for chunk in block.chunks:
            _rows.at(i, chunk, ax, 10).scatter(y[chunk], -1.0)
    expected = x.copy()
    np.put_along_axis(expected, index, -1.0, axis=ax)
    np.testing.assert_array_equal(y, expected)
