"""Where a second thread starts to pay: xentbook on 1 and 2 threads, by input size.

Run from the repository root:

    python benchmarks/bench_threshold.py
    python benchmarks/bench_threshold.py --json threshold.json

For float32 logits of 1000 classes and growing numbers of rows, it times
``softmax_cross_entropy`` (index targets, mean) and ``logsumexp`` with the engine's
size threshold switched off, on one thread and on two, as medians over interleaved
rounds, and prints the ratio. Where the ratio drops below 1, threads pay for
themselves; the engine's threshold (``THREAD_BYTES`` in ``xentbook/_rows.py``)
must lie at or above that size. It asserts nothing.
"""

from __future__ import annotations

import os
import statistics
from functools import partial

import numpy as np
from _bench import elapsed, parser, write_json

import xentbook as xb
from xentbook import _rows


def on_threads(fn, n):
    """``fn`` run with xentbook limited to ``n`` threads."""

    def call():
        with xb.num_threads(n):
            return fn()

    return call


def main():
    cli = parser(__doc__.splitlines()[0])
    cli.add_argument("--repeat", type=int, default=15, help="interleaved rounds (median kept)")
    args = cli.parse_args()
    _rows.THREAD_BYTES = 1  # every block may go to a thread: the cost is what we measure
    rng = np.random.default_rng(0)
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(
        f"  {'elements':>10}{'blocks':>8}{'function':>24}"
        f"{'1 thread':>12}{'2 threads':>12}{'ratio':>8}"
    )
    rows = []
    for n_rows in (64, 128, 256, 512, 1024, 4096, 16384):
        x = rng.standard_normal((n_rows, 1000), dtype=np.float32)
        t = rng.integers(0, 1000, n_rows)
        for name, fn in {
            "softmax_cross_entropy": partial(xb.softmax_cross_entropy, t, x),
            "logsumexp": partial(xb.logsumexp, x),
        }.items():
            calls = [on_threads(fn, 1), on_threads(fn, 2)]
            for call in calls:
                call()  # warm-up
            times = [[], []]
            for _ in range(args.repeat):
                for seconds, call in zip(times, calls, strict=True):
                    seconds.append(elapsed(call).seconds)
            one, two = (statistics.median(s) for s in times)
            blocks = len(list(_rows.blocks(x.shape, 1, x.itemsize)))
            rows.append(
                {
                    "elements": x.size,
                    "blocks": blocks,
                    "function": name,
                    "one_thread": one,
                    "two_threads": two,
                    "ratio": two / one,
                }
            )
            print(
                f"  {x.size:>10}{blocks:>8}{name:>24}{one * 1e3:9.2f} ms{two * 1e3:9.2f} ms"
                f"{two / one:7.2f}x"
            )
    write_json(args.json, {"load_average": os.getloadavg(), "rows": rows})


if __name__ == "__main__":
    main()
