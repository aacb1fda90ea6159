"""Side-by-side speed and memory of xentbook's losses against NumPy, SciPy and PyTorch.

Run from the repository root:

    python benchmarks/bench_losses.py            # best of 5 runs per entry
    python benchmarks/bench_losses.py --repeat 9
    python benchmarks/bench_losses.py --json losses.json

It prints one table measured in one run (and with ``--json PATH`` also writes it
as JSON). Times are the best of ``--repeat`` runs
(wall clock). "floor" is one streaming read of the input (``x.sum()``): no
single-pass algorithm can beat it. Peak extra memory is what a call allocates on
top of its inputs: tracemalloc for NumPy-based code, and for PyTorch the largest
allocation torch.profiler sees (its log_softmax output). The script is not a
test: it asserts nothing, so that slow machines still get their numbers.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import tracemalloc
from functools import partial

import numpy as np
import scipy.special
import scipy.stats
from _bench import best_of, elapsed, parser, write_json

import xentbook as xb

try:
    import torch
except ImportError:  # the table then says n/a
    torch = None

MB = 1e6


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
    seconds = best_of(fn, repeat).seconds
    if kind == "numpy":
        memory = peak_numpy_memory(fn)
    elif kind == "torch":
        memory = peak_torch_memory(fn)
    else:
        memory = None
    return name, seconds, memory


def import_rows(repeat):
    """Best wall time of fresh interpreters importing numpy, and importing xentbook, per setting.

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
                run = elapsed(partial(subprocess.run, cmd, check=True, env=settings[setting]))
                best[setting, module] = min(best[setting, module], run.seconds)
    return [
        {
            "setting": setting,
            "numpy_seconds": best[setting, "numpy"],
            "xentbook_seconds": best[setting, "xentbook"],
            "ratio": best[setting, "xentbook"] / best[setting, "numpy"],
        }
        for setting in settings
    ]


def block(title, size, rows, reference):
    """One block of the table; ratios are to ``reference`` (PyTorch where present)."""
    ref_time = {n: s for n, s, _ in rows}.get(reference)
    return {
        "title": title,
        "input_bytes": size,
        "reference": reference,
        "rows": [
            {
                "implementation": name,
                "seconds": seconds,
                "ratio": seconds / ref_time if ref_time else None,
                "peak_extra_bytes": memory,
                "peak_extra_fraction": None if memory is None else memory / size,
            }
            for name, seconds, memory in rows
        ],
    }


def print_block(b):
    print(f"\n{b['title']}  (input {b['input_bytes'] / MB:.0f} MB)")
    print(f"  {'implementation':<26}{'time':>10}{'ratio':>9}{'peak extra memory':>22}")
    for r in b["rows"]:
        ratio = "n/a" if r["ratio"] is None else f"{r['ratio']:.2f}x"
        memory, fraction = r["peak_extra_bytes"], r["peak_extra_fraction"]
        mem = "-" if memory is None else f"{memory / MB:8.1f} MB ({100 * fraction:5.1f}%)"
        print(f"  {r['implementation']:<26}{r['seconds'] * 1e3:8.1f} ms{ratio:>9}{mem:>22}")


def main():
    cli = parser(__doc__.splitlines()[0])
    cli.add_argument("--repeat", type=int, default=5, help="runs per entry (best is kept)")
    args = cli.parse_args()
    environment = {
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "torch": torch.__version__ if torch else None,
        "torch_threads": torch.get_num_threads() if torch else None,
        "cpus": os.cpu_count(),
        "repeat": args.repeat,
    }
    threads = f" ({torch.get_num_threads()} threads)" if torch else ""
    print(
        f"numpy {np.__version__}, scipy {scipy.__version__}, "
        f"torch {environment['torch'] or 'not installed'}{threads}, "
        f"{os.cpu_count()} CPUs; best of {args.repeat}"
    )

    title, size, rows = cross_entropy_rows(args.repeat)
    blocks = [block(title, size, rows, "torch CPU" if torch else "xentbook")]
    print_block(blocks[-1])
    for title, size, rows in information_rows(args.repeat):
        blocks.append(block(title + " (ratio to scipy)", size, rows, "scipy.stats.entropy"))
        print_block(blocks[-1])

    imports = import_rows(max(args.repeat, 20))
    print("\nimport time (fresh interpreter, best run)")
    for row in imports:
        print(
            f"  {row['setting']:<20} import numpy {row['numpy_seconds'] * 1e3:6.1f} ms, "
            f"import xentbook {row['xentbook_seconds'] * 1e3:6.1f} ms ({row['ratio']:.2f}x numpy)"
        )
    write_json(args.json, {"environment": environment, "blocks": blocks, "imports": imports})


if __name__ == "__main__":
    main()
