"""Side-by-side speed and memory of xentbook's losses against NumPy, SciPy and PyTorch.

Run from the repository root:

    python benchmarks/bench_losses.py            # median of 9 interleaved rounds
    python benchmarks/bench_losses.py --repeat 15
    python benchmarks/bench_losses.py --best     # fastest round instead of the median
    python benchmarks/bench_losses.py --json losses.json

It prints one table measured in one run (and with ``--json PATH`` also writes it
as JSON), with the load average before and after. Each round runs every entry of
a case once, in turn, and an entry's time is its median over the rounds (with
``--best``, its fastest round), so that drift in the machine's load hits every
entry alike. xentbook runs on one thread
and on every thread it may use; torch on one thread and at its default (the
reference of the ratios). "floor" is one streaming read of the input
(``x.sum()``): no single-pass algorithm can beat it. Peak extra memory is what a
call allocates on top of its inputs: tracemalloc for NumPy-based code, and for
PyTorch the largest allocation torch.profiler sees (its log_softmax output). The
script is not a test: it asserts nothing, so that slow machines still get their
numbers."""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import tracemalloc
from functools import partial

import numpy as np
import scipy.special
import scipy.stats
from _bench import elapsed, parser, write_json

import xentbook as xb

try:
    import torch
except ImportError:  # the table then says n/a
    torch = None

MB = 1e6
TORCH = "torch, default threads"


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


def with_threads(n, fn):
    """``fn`` run with xentbook limited to ``n`` threads."""

    def call():
        with xb.num_threads(n):
            return fn()

    return call


def with_torch_threads(n, fn):
    """``fn`` run with torch limited to ``n`` threads (its default put back afterwards)."""

    def call():
        default = torch.get_num_threads()
        torch.set_num_threads(n)
        try:
            return fn()
        finally:
            torch.set_num_threads(default)

    return call


def xentbook_entries(fn):
    """xentbook on one thread and on every thread it may use."""
    return [
        ("xentbook, 1 thread", with_threads(1, fn), "numpy"),
        (f"xentbook, {xb.get_num_threads()} threads", fn, "numpy"),
    ]


def torch_entries(fn):
    """torch on one thread and at its default thread count (the reference)."""
    if torch is None:
        return []
    return [
        ("torch, 1 thread", with_torch_threads(1, fn), "torch"),
        (TORCH, fn, "torch"),
    ]


def cross_entropy_blocks(repeat, keep):
    """The cross-entropy cases: f32 and f64 index targets, soft targets, and the gradient."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((100_000, 1000), dtype=np.float32)
    t = rng.integers(0, 1000, 100_000)
    x64 = x.astype(np.float64)
    w = rng.uniform(0.5, 2.0, 1000).astype(np.float32)
    p = rng.random((100_000, 1000), dtype=np.float32)
    p /= p.sum(axis=1, keepdims=True)
    if torch is not None:
        xt, tt, x64t = torch.from_numpy(x), torch.from_numpy(t), torch.from_numpy(x64)
        pt, wt = torch.from_numpy(p), torch.from_numpy(w)
        ce = torch.nn.functional.cross_entropy
    cases = []

    entries = xentbook_entries(lambda: xb.softmax_cross_entropy(t, x))
    entries += torch_entries(lambda: ce(xt, tt))
    entries += [
        ("naive numpy", lambda: naive_cross_entropy(t, x), "numpy"),
        ("scipy log_softmax", lambda: scipy_cross_entropy(t, x), "numpy"),
        ("floor: x.sum()", lambda: x.sum(), None),
    ]
    cases.append(("softmax_cross_entropy float32 100000x1000, index targets, mean", x, entries))

    entries = xentbook_entries(lambda: xb.softmax_cross_entropy(t, x64))
    entries += torch_entries(lambda: ce(x64t, tt))
    entries += [("floor: x.sum()", lambda: x64.sum(), None)]
    cases.append(("softmax_cross_entropy float64 100000x1000, index targets, mean", x64, entries))

    entries = xentbook_entries(
        lambda: xb.softmax_cross_entropy(p, x, weight=w, label_smoothing=0.1)
    )
    entries += torch_entries(lambda: ce(xt, pt, weight=wt, label_smoothing=0.1))
    entries += [("floor: x.sum() + p.sum()", lambda: x.sum() + p.sum(), None)]
    title = "softmax_cross_entropy float32 100000x1000, probability targets, weights, smoothing 0.1"
    cases.append((title, x, entries))

    def torch_forward_backward():
        leaf = xt.detach().requires_grad_()
        ce(leaf, tt).backward()
        return leaf.grad

    entries = xentbook_entries(lambda: xb.softmax_cross_entropy_grad(t, x))
    entries += torch_entries(torch_forward_backward) if torch is not None else []
    entries += [("floor: x.sum()", lambda: x.sum(), None)]
    cases.append(("softmax_cross_entropy_grad float32 100000x1000 (torch: autograd)", x, entries))

    reference = TORCH if torch is not None else "xentbook, 1 thread"
    return [
        block(title, data.nbytes, measure_interleaved(entries, repeat, keep), reference)
        for title, data, entries in cases
    ]


def information_rows(repeat, keep):
    rng = np.random.default_rng(1)
    p = rng.random((2000, 20_000))
    p /= p.sum(axis=1, keepdims=True)
    q = rng.random((2000, 20_000))
    q /= q.sum(axis=1, keepdims=True)
    entropy = [
        *xentbook_entries(lambda: xb.entropy(p)),
        ("naive numpy", lambda: naive_entropy(p), "numpy"),
        ("scipy.stats.entropy", lambda: scipy.stats.entropy(p, axis=1), "numpy"),
        ("floor: p.sum()", lambda: p.sum(), None),
    ]
    kl = [
        *xentbook_entries(lambda: xb.kl_divergence(p, q)),
        ("naive numpy", lambda: naive_kl(p, q), "numpy"),
        ("scipy.stats.entropy", lambda: scipy.stats.entropy(p, q, axis=1), "numpy"),
        ("floor: p.sum() + q.sum()", lambda: p.sum() + q.sum(), None),
    ]
    return [
        ("entropy float64 2000x20000", p.nbytes, measure_interleaved(entropy, repeat, keep)),
        ("kl_divergence float64 2000x20000", 2 * p.nbytes, measure_interleaved(kl, repeat, keep)),
    ]


def measure_interleaved(entries, repeat, keep):
    """``keep`` (the median, or ``min``) of each entry's times over ``repeat`` rounds that
    run every entry once in turn, so that drift in the machine's load hits every entry
    alike; then each one's memory."""
    for _, fn, _ in entries:
        fn()  # warm-up
    times = [[] for _ in entries]
    for _ in range(repeat):
        for seconds, (_, fn, _) in zip(times, entries, strict=True):
            seconds.append(elapsed(fn).seconds)
    return [
        (name, keep(seconds), peak_memory(fn, kind))
        for seconds, (name, fn, kind) in zip(times, entries, strict=True)
    ]


def peak_memory(fn, kind):
    if kind == "numpy":
        return peak_numpy_memory(fn)
    if kind == "torch":
        return peak_torch_memory(fn)
    return None


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


def speedups(blocks):
    """Time on one thread over time on every thread, for each xentbook block."""
    result = {}
    for b in blocks:
        rows = {r["implementation"]: r["seconds"] for r in b["rows"]}
        many = rows.get(f"xentbook, {xb.get_num_threads()} threads")
        if many and "xentbook, 1 thread" in rows:
            result[b["title"]] = rows["xentbook, 1 thread"] / many
    return result


def main():
    cli = parser(__doc__.splitlines()[0])
    cli.add_argument("--repeat", type=int, default=9, help="interleaved rounds (median kept)")
    cli.add_argument(
        "--best",
        action="store_true",
        help="keep each entry's fastest round instead of the median (on a shared machine, "
        "other load only ever adds time)",
    )
    args = cli.parse_args()
    keep, kept = (min, "fastest") if args.best else (statistics.median, "median")
    environment = {
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "torch": torch.__version__ if torch else None,
        "torch_threads": torch.get_num_threads() if torch else None,
        "xentbook_threads": xb.get_num_threads(),
        "cpus": os.cpu_count(),
        "repeat": args.repeat,
        "statistic": kept,
        "load_average_before": os.getloadavg(),
    }
    threads = f" ({torch.get_num_threads()} threads)" if torch else ""
    print(
        f"numpy {np.__version__}, scipy {scipy.__version__}, "
        f"torch {environment['torch'] or 'not installed'}{threads}, "
        f"xentbook {xb.get_num_threads()} threads, {os.cpu_count()} CPUs; "
        f"{kept} of {args.repeat} interleaved rounds"
    )
    print("load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))

    blocks = cross_entropy_blocks(args.repeat, keep)
    for b in blocks:
        print_block(b)
    for title, size, rows in information_rows(args.repeat, keep):
        blocks.append(block(title + " (ratio to scipy)", size, rows, "scipy.stats.entropy"))
        print_block(blocks[-1])
    gains = speedups(blocks)
    print(f"\nspeed-up of {xb.get_num_threads()} threads over 1 thread")
    for title, gain in gains.items():
        print(f"  {gain:5.2f}x  {title}")

    imports = import_rows(max(args.repeat, 20))
    print("\nimport time (fresh interpreter, best run)")
    for row in imports:
        print(
            f"  {row['setting']:<20} import numpy {row['numpy_seconds'] * 1e3:6.1f} ms, "
            f"import xentbook {row['xentbook_seconds'] * 1e3:6.1f} ms ({row['ratio']:.2f}x numpy)"
        )
    environment["load_average_after"] = os.getloadavg()
    print("load average (1, 5, 15 min) after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    write_json(
        args.json,
        {"environment": environment, "blocks": blocks, "speedups": gains, "imports": imports},
    )


if __name__ == "__main__":
    main()
