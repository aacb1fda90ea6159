"""Side-by-side speed and memory of xentbook's losses against NumPy, SciPy and PyTorch.

Run from the repository root:

    python benchmarks/bench_losses.py            # best of 5 runs per entry
    python benchmarks/bench_losses.py --repeat 9

It prints one table measured in one run. Times are the best of ``--repeat`` runs
(wall clock). "floor" is one streaming read of the input (``x.sum()``): no
single-pass algorithm can beat it. Peak extra memory is what a call allocates on
top of its inputs: tracemalloc for NumPy-based code, and for PyTorch the largest
allocation torch.profiler sees (its log_softmax output). The script is not a
test: it asserts nothing, so that slow machines still get their numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc

import numpy as np
import scipy.special
import scipy.stats

import xentbook as xb

try:
    import torch
except ImportError:  # the table then says n/a
    torch = None

MB = 1e6


def best_time(fn, repeat):
    """Best wall-clock time of ``repeat`` calls, after one warm-up call."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def peak_numpy_memory(fn):
    """Peak bytes allocated through NumPy (and Python) during one call."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@contextlib.contextmanager
def quiet_stderr():
    """Silence the profiler's start/stop lines, which the C++ side writes to fd 2."""
    saved = os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def peak_torch_memory(fn):
    """The largest CPU allocation any operator makes during one call (torch.profiler)."""
    from torch.profiler import ProfilerActivity, profile

    with quiet_stderr(), profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        fn()
    return max((e.cpu_memory_usage for e in prof.events()), default=0)


def naive_cross_entropy(t, x):
    """The textbook version: materialise the full log-softmax, then pick the targets."""
    m = x.max(axis=1, keepdims=True)
    log_p = x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(t)), t].mean()


def scipy_cross_entropy(t, x):
    return -scipy.special.log_softmax(x, axis=1)[np.arange(len(t)), t].mean()


def naive_entropy(p):
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.where(p > 0, p * np.log(p), 0).sum(axis=1)


def naive_kl(p, q):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p > 0, p * np.log(p / q), 0).sum(axis=1)


def cross_entropy_rows(repeat):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((100_000, 1000), dtype=np.float32)
    t = rng.integers(0, 1000, 100_000)
    size = x.nbytes
    entries = [
        ("xentbook", lambda: xb.softmax_cross_entropy(t, x), "numpy"),
        ("naive numpy", lambda: naive_cross_entropy(t, x), "numpy"),
        ("scipy log_softmax", lambda: scipy_cross_entropy(t, x), "numpy"),
    ]
    if torch is not None:
        xt, tt = torch.from_numpy(x), torch.from_numpy(t)
        entries.append(("torch CPU", lambda: torch.nn.functional.cross_entropy(xt, tt), "torch"))
    entries.append(("floor: x.sum()", lambda: x.sum(), None))
    return (
        "softmax_cross_entropy float32 100000x1000, index targets, mean",
        size,
        [measure(name, fn, kind, repeat) for name, fn, kind in entries],
    )


def information_rows(repeat):
    rng = np.random.default_rng(1)
    p = rng.random((2000, 20_000))
    p /= p.sum(axis=1, keepdims=True)
    q = rng.random((2000, 20_000))
    q /= q.sum(axis=1, keepdims=True)
    entropy = [
        ("xentbook", lambda: xb.entropy(p), "numpy"),
        ("naive numpy", lambda: naive_entropy(p), "numpy"),
        ("scipy.stats.entropy", lambda: scipy.stats.entropy(p, axis=1), "numpy"),
        ("floor: p.sum()", lambda: p.sum(), None),
    ]
    kl = [
        ("xentbook", lambda: xb.kl_divergence(p, q), "numpy"),
        ("naive numpy", lambda: naive_kl(p, q), "numpy"),
        ("scipy.stats.entropy", lambda: scipy.stats.entropy(p, q, axis=1), "numpy"),
        ("floor: p.sum() + q.sum()", lambda: p.sum() + q.sum(), None),
    ]
    return [
        ("entropy float64 2000x20000", p.nbytes, [measure(*e, repeat) for e in entropy]),
        ("kl_divergence float64 2000x20000", 2 * p.nbytes, [measure(*e, repeat) for e in kl]),
    ]


def measure(name, fn, kind, repeat):
    seconds = best_time(fn, repeat)
    if kind == "numpy":
        memory = peak_numpy_memory(fn)
    elif kind == "torch":
        memory = peak_torch_memory(fn)
    else:
        memory = None
    return name, seconds, memory


def import_rows(repeat):
    """Best wall time of fresh interpreters importing numpy, and importing xentbook.

    The two alternate, so that load from other processes hits both alike. Two
    settings: the environment as it is, and with a bytecode cache in a temporary
    directory (an environment with PYTHONDONTWRITEBYTECODE=1 recompiles every
    xentbook module on each import, while numpy's installed bytecode is cached).
    """
    with tempfile.TemporaryDirectory() as cache:
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = cache
        settings = {"as configured": dict(os.environ), "with bytecode cache": cached}
        best = {(s, m): float("inf") for s in settings for m in ("numpy", "xentbook")}
        for _ in range(repeat):
            for setting, module in best:
                cmd = [sys.executable, "-c", f"import {module}"]
                start = time.perf_counter()
                subprocess.run(cmd, check=True, env=settings[setting])
                seconds = time.perf_counter() - start
                best[setting, module] = min(best[setting, module], seconds)
    return best


def print_table(title, size, rows, reference):
    """One block of the table; ratios are to ``reference`` (PyTorch where present)."""
    ref_time = {n: s for n, s, _ in rows}.get(reference)
    print(f"\n{title}  (input {size / MB:.0f} MB)")
    print(f"  {'implementation':<26}{'time':>10}{'ratio':>9}{'peak extra memory':>22}")
    for name, seconds, memory in rows:
        ratio = f"{seconds / ref_time:.2f}x" if ref_time else "n/a"
        mem = "-" if memory is None else f"{memory / MB:8.1f} MB ({100 * memory / size:5.1f}%)"
        print(f"  {name:<26}{seconds * 1e3:8.1f} ms{ratio:>9}{mem:>22}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per entry (best is kept)")
    args = parser.parse_args()
    print(
        f"numpy {np.__version__}, scipy {scipy.__version__}, "
        f"torch {torch.__version__ if torch else 'not installed'}"
        f"{f' ({torch.get_num_threads()} threads)' if torch else ''}, "
        f"{os.cpu_count()} CPUs; best of {args.repeat}"
    )

    title, size, rows = cross_entropy_rows(args.repeat)
    print_table(title, size, rows, "torch CPU" if torch else "xentbook")
    for title, size, rows in information_rows(args.repeat):
        print_table(title + " (ratio to scipy)", size, rows, "scipy.stats.entropy")

    best = import_rows(max(args.repeat, 20))
    print("\nimport time (fresh interpreter, best run)")
    for setting in ("as configured", "with bytecode cache"):
        numpy_s, xentbook_s = best[setting, "numpy"], best[setting, "xentbook"]
        print(
            f"  {setting:<20} import numpy {numpy_s * 1e3:6.1f} ms, "
            f"import xentbook {xentbook_s * 1e3:6.1f} ms ({xentbook_s / numpy_s:.2f}x numpy)"
        )


if __name__ == "__main__":
    main()
