"""Tests for xentbook._threads: the thread limit, and results that do not depend on threads."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import xentbook as xb
from xentbook import _rows, _threads


@pytest.fixture
def many_blocks(monkeypatch):
    """Small inputs cut into many blocks (long rows in chunks), every block worth a thread,
    and 16 CPUs, so that 16 threads really run on small test inputs."""
    monkeypatch.setattr(_rows, "BLOCK_BYTES", 64 * 8)
    monkeypatch.setattr(_rows, "THREAD_BYTES", 1)
    monkeypatch.setattr(_threads, "available_cpus", lambda: 16)


def _inputs(dtype, shape):
    rng = np.random.default_rng(7)
    x = (3 * rng.standard_normal(shape)).astype(dtype)
    p = rng.dirichlet(np.ones(shape[-1]), size=shape[:-1]).astype(dtype)
    q = rng.dirichlet(np.ones(shape[-1]), size=shape[:-1]).astype(dtype)
    t = rng.integers(0, shape[-1], size=shape[:-1]).astype(np.int32)
    w = rng.uniform(0.5, 2, size=shape[-1]).astype(dtype)
    y = rng.uniform(0, 1, size=shape).astype(dtype)
    return x, p, q, t, w, y


def _calls(dtype, shape, reduction):
    """Every reducing function and loss, as a name and a call."""
    x, p, q, t, w, y = _inputs(dtype, shape)
    r = {"reduction": reduction}
    calls = {
        "softmax_cross_entropy": lambda: xb.softmax_cross_entropy(t, x, **r),
        "softmax_cross_entropy, weights, ignored, smoothing": lambda: xb.softmax_cross_entropy(
            np.where(t % 5 == 0, -100, t), x, weight=w, label_smoothing=0.1, **r
        ),
        "softmax_cross_entropy, probabilities": lambda: xb.softmax_cross_entropy(
            p, x, weight=w, label_smoothing=0.1, **r
        ),
        "softmax_cross_entropy_grad": lambda: xb.softmax_cross_entropy_grad(t, x, **r),
        "softmax_cross_entropy_grad, probabilities": lambda: xb.softmax_cross_entropy_grad(
            p, x, weight=w, label_smoothing=0.1, **r
        ),
        "nll_loss": lambda: xb.nll_loss(t, xb.log_softmax(x), **r),
        "binary_cross_entropy": lambda: xb.binary_cross_entropy(y, xb.sigmoid(x), **r),
        "binary_cross_entropy_with_logits": lambda: xb.binary_cross_entropy_with_logits(y, x, **r),
        "binary_cross_entropy_with_logits_grad": lambda: xb.binary_cross_entropy_with_logits_grad(
            y, x, **r
        ),
    }
    if reduction == "none":
        calls |= {
            "entropy": lambda: xb.entropy(p),
            "cross_entropy": lambda: xb.cross_entropy(p, q),
            "kl_divergence": lambda: xb.kl_divergence(p, q),
            "logsumexp": lambda: xb.logsumexp(x),
            "log_softmax": lambda: xb.log_softmax(x),
            "softmax": lambda: xb.softmax(x),
        }
    return calls


@pytest.mark.parametrize("shape", [(300, 50), (12, 200)], ids=["rows in one chunk", "chunked"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_results_are_bitwise_identical_for_1_2_and_16_threads(many_blocks, dtype, shape, reduction):
    for name, call in _calls(dtype, shape, reduction).items():
        results = []
        for n in (1, 2, 16):
            with xb.num_threads(n):
                results.append(np.asarray(call()))
        for result in results[1:]:
            assert result.dtype == results[0].dtype, name
            assert result.tobytes() == results[0].tobytes(), name


def test_blocks_really_run_on_several_threads(many_blocks):
    seen = set()
    barrier = threading.Barrier(2, timeout=10)

    def task(i, _):
        if i < 2:
            barrier.wait()  # passes only if two threads run tasks at once
        seen.add(threading.get_ident())
        return i

    with xb.num_threads(2):
        assert _threads.ordered_map(task, 10, 2, lambda: None) == list(range(10))
    assert len(seen) == 2


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_every_reducing_function_and_loss_runs_on_the_pool(many_blocks, monkeypatch, reduction):
    # Each one hands the pool a pass over its whole input, with more than one participant.
    passes = []
    ordered_map = _threads.ordered_map

    def recording(task, count, participants, state):
        passes.append((count, participants))
        return ordered_map(task, count, participants, state)

    monkeypatch.setattr(_threads, "ordered_map", recording)
    x = _inputs(np.float64, (300, 50))[0]
    for name, call in _calls(np.float64, (300, 50), reduction).items():
        passes.clear()
        with xb.num_threads(4):
            call()
        # 300 x 50 in blocks of 64 doubles: one row per block, 300 blocks (or more).
        assert any(count >= x.size // 64 and n == 4 for count, n in passes), (name, passes)


def test_each_thread_gets_its_own_scratch(many_blocks):
    owners = {}

    def state():
        return {"thread": threading.get_ident()}

    def task(i, s):
        assert s["thread"] == threading.get_ident()
        owners[i] = id(s)

    _threads.ordered_map(task, 50, 4, state)
    assert len(owners) == 50


def test_the_first_error_in_block_order_is_raised(many_blocks):
    x = np.zeros((300, 50))
    x[250, 3] = np.nan
    with xb.num_threads(16), pytest.raises(ValueError, match="`x`"):
        xb.logsumexp(x)

    def task(i, _):
        if i in (3, 7):
            raise ValueError(f"block {i}")

    with pytest.raises(ValueError, match="block 3"):
        _threads.ordered_map(task, 20, 4, lambda: None)


def test_concurrent_calls_from_user_threads_are_correct(many_blocks):
    rng = np.random.default_rng(3)
    cases = [(rng.integers(0, 40, 200), 3 * rng.standard_normal((200, 40))) for _ in range(8)]
    with xb.num_threads(1):
        expected = [xb.softmax_cross_entropy_grad(t, x) for t, x in cases]
    with xb.num_threads(4), ThreadPoolExecutor(max_workers=8) as users:
        for _ in range(3):
            got = list(users.map(lambda c: xb.softmax_cross_entropy_grad(*c), cases))
            for g, e in zip(got, expected, strict=True):
                assert g.tobytes() == e.tobytes()


def test_calls_from_inside_a_block_do_not_deadlock(many_blocks):
    x = np.random.default_rng(4).standard_normal((100, 30))
    expected = xb.logsumexp(x)

    def task(i, _):
        # A block's work that itself calls xentbook: it runs on its own thread.
        return xb.logsumexp(x + i)

    with xb.num_threads(2):
        results = _threads.ordered_map(task, 6, 2, lambda: None)
    for i, result in enumerate(results):
        assert np.allclose(result, expected + i)


def test_calls_from_a_saturated_user_pool_do_not_deadlock(many_blocks):
    x = np.random.default_rng(5).standard_normal((100, 30))
    expected = xb.softmax(x)
    with xb.num_threads(16), ThreadPoolExecutor(max_workers=32) as users:
        for result in users.map(lambda _: xb.softmax(x), range(64)):
            assert result.tobytes() == expected.tobytes()


# --- The limit ------------------------------------------------------------------------------------


def test_default_is_the_cpus_this_process_may_use(monkeypatch):
    monkeypatch.delenv(_threads.ENVIRONMENT_VARIABLE, raising=False)
    assert xb.get_num_threads() == _threads.available_cpus()


def test_environment_variable_limits_the_threads(monkeypatch, many_blocks):
    monkeypatch.setenv(_threads.ENVIRONMENT_VARIABLE, "3")
    assert xb.get_num_threads() == 3
    monkeypatch.setenv(_threads.ENVIRONMENT_VARIABLE, "64")
    assert xb.get_num_threads() == 16  # never more than the CPUs
    with xb.num_threads(1):
        assert xb.get_num_threads() == 1  # the setter wins over the environment


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5"])
def test_bad_environment_variable_is_an_error_naming_it(monkeypatch, value):
    monkeypatch.setenv(_threads.ENVIRONMENT_VARIABLE, value)
    with pytest.raises(ValueError, match="`XENTBOOK_NUM_THREADS` must be a positive integer"):
        xb.get_num_threads()


@pytest.mark.parametrize("n", [0, -1, 2.0, True])
def test_bad_limit_is_an_error_naming_it(n):
    with pytest.raises(ValueError, match="`n`"):
        xb.num_threads(n)


def test_num_threads_is_a_setter_and_a_context_manager(many_blocks):
    before = xb.get_num_threads()
    with xb.num_threads(2):
        assert xb.get_num_threads() == 2
        with xb.num_threads(5):
            assert xb.get_num_threads() == 5
        assert xb.get_num_threads() == 2
    assert xb.get_num_threads() == before
    setting = xb.num_threads(3)
    try:
        assert xb.get_num_threads() == 3
    finally:
        setting.__exit__(None, None, None)
    assert xb.get_num_threads() == before


def test_one_thread_starts_no_thread(many_blocks, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a thread was asked for")

    monkeypatch.setattr(_threads, "_submit", refuse)
    x = np.random.default_rng(6).standard_normal((300, 50))
    with xb.num_threads(1):
        xb.softmax_cross_entropy(np.zeros(300, dtype=int), x)


def test_small_inputs_stay_on_the_calling_thread(monkeypatch):
    monkeypatch.setattr(_threads, "_submit", lambda *a: pytest.fail("a thread was asked for"))
    xb.softmax(np.zeros((10, 10)))


# --- Where threads are unavailable (Pyodide) ------------------------------------------------------


def test_emscripten_runs_on_one_thread(many_blocks, monkeypatch):
    x = np.random.default_rng(8).standard_normal((300, 50))
    expected = xb.log_softmax(x)
    monkeypatch.setattr(sys, "platform", "emscripten")
    assert xb.get_num_threads() == 1
    with xb.num_threads(8):
        assert xb.get_num_threads() == 1
        assert xb.log_softmax(x).tobytes() == expected.tobytes()


def test_threads_that_cannot_start_fall_back_to_the_calling_thread(many_blocks, monkeypatch):
    x = np.random.default_rng(9).standard_normal((300, 50))
    expected = xb.softmax(x)

    def cannot_start(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(_threads, "_pool", None)
    monkeypatch.setattr(threading.Thread, "start", cannot_start)
    with xb.num_threads(4):
        assert xb.softmax(x).tobytes() == expected.tobytes()


# --- Memory: every thread's scratch counts towards the engine's 5% bound ------------------------


def test_peak_extra_memory_with_threads_is_at_most_5_percent(monkeypatch):
    import tracemalloc

    monkeypatch.setattr(_threads, "available_cpus", lambda: 16)
    used = []
    ordered_map = _threads.ordered_map
    monkeypatch.setattr(_threads, "ordered_map", lambda *a: used.append(a[2]) or ordered_map(*a))
    rng = np.random.default_rng(10)
    # 200 MB: threads join only with 80 blocks (80 MiB) of input each.
    x = rng.standard_normal((50_000, 1000), dtype=np.float32)
    t = rng.integers(0, 1000, 50_000)
    p = np.full_like(x, 1 / 1000)
    calls = {
        "softmax_cross_entropy": lambda: xb.softmax_cross_entropy(t, x, reduction="none"),
        "probabilities": lambda: xb.softmax_cross_entropy(p, x, label_smoothing=0.1),
        "grad": lambda: xb.softmax_cross_entropy_grad(t, x),
        "log_softmax": lambda: xb.log_softmax(x),
    }
    for name, call in calls.items():
        tracemalloc.start()
        try:
            result = call()
            extra = tracemalloc.get_traced_memory()[1] - np.asarray(result).nbytes
        finally:
            tracemalloc.stop()
        assert extra <= 0.05 * x.nbytes, f"{name}: {extra / 1e6:.1f} MB"
    assert min(used) >= 2  # the bound held with threads really running
