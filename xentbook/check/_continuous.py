"""Self-check of the histogram estimate of a differential entropy."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

import xentbook as xb

from . import _mistakes as m
from ._runner import SEED, Case, Spec, array, run

__all__ = ["histogram_entropy"]


def histogram_entropy(fn: Callable) -> bool:
    """Check ``fn(x, width) -> float``, the histogram estimate of a differential entropy.

    Parameters
    ----------
    fn : callable
        Your function. It receives the samples ``x`` (a 1-D float64 array) and the bin
        width ``width`` (a positive float), and returns, in nats, the entropy of the
        samples cut into the bins ``[k * width, (k + 1) * width)`` (every integer ``k``),
        plus ``ln(width)``.

    Returns
    -------
    bool
        True if every case matches :func:`xentbook.differential_entropy_histogram`,
        otherwise False. Feedback is printed either way.

    See Also
    --------
    xentbook.differential_entropy_histogram : the estimate itself, with a choice of origin.

    Notes
    -----
    With :math:`n_k` of the :math:`n` samples in bin :math:`k` the estimate is
    :math:`-\\sum_k \\frac{n_k}{n} \\ln \\frac{n_k}{n} + \\ln \\Delta`, summed over the
    bins that hold a sample (an empty bin counts 0, as :math:`0 \\ln 0 = 0`). The cases
    include negative samples, samples on a bin edge and empty bins between full ones.

    Examples
    --------
    >>> import numpy as np
    >>> import xentbook as xb
    >>> def my_histogram_entropy(x, width):
    ...     counts = np.unique(np.floor(x / width), return_counts=True)[1]
    ...     p = counts / counts.sum()
    ...     return -np.sum(p * np.log(p)) + np.log(width)
    >>> xb.check.histogram_entropy(my_histogram_entropy)
    histogram_entropy: all 9 cases passed. Well done!
    True

    ``astype(int)`` rounds towards zero, so the bins on both sides of 0 merge:

    >>> def truncating(x, width):
    ...     counts = np.unique((x / width).astype(int), return_counts=True)[1]
    ...     p = counts / counts.sum()
    ...     return -np.sum(p * np.log(p)) + np.log(width)
    >>> xb.check.histogram_entropy(truncating)
    histogram_entropy: case 3 of 9 failed (negative samples: [-1, 0) and [0, 1) are two bins).
      input:    x = [-0.5, -0.2, 0.3, 0.6], width = 1
      expected: 0.693147
      got:      0
      hint: your bins round towards zero (int() or astype(int)), so the bins just below and
            just above 0 are one: use np.floor(x / width), which rounds down.
    False
    """
    spec = Spec(
        "histogram_entropy",
        ("x", "width"),
        lambda x, width: xb.differential_entropy_histogram(x, width),
        _histogram_cases(),
        (
            _empty_bins,
            _truncated,
            _centred,
            _from_smallest,
            _without_width,
            _width_subtracted,
            m.in_bits,
            m.in_log10,
            m.nearly,
        ),
        no_warning=(
            "count only the bins that hold a sample (np.unique returns just those), so that "
            "the log never sees a zero probability."
        ),
        zero=(
            "NaN: an empty bin gave 0 * log 0. Count only the bins that hold a sample: "
            "np.unique(np.floor(x / width), return_counts=True) returns just those."
        ),
        arguments=(
            "the arguments are the samples `x` (a 1-D float array) and the bin `width` (a "
            "float), in that order."
        ),
    )
    return run(spec, fn)


def _histogram_cases() -> list[Case]:
    rng = np.random.default_rng(SEED + 6)
    return [
        Case("two samples in each of two bins", (array(0.1, 0.2, 1.1, 1.3), 1.0)),
        Case("a single sample: one bin, estimate ln(width)", (array(3.7), 0.5)),
        Case(
            "negative samples: [-1, 0) and [0, 1) are two bins",
            (array(-0.5, -0.2, 0.3, 0.6), 1.0),
        ),
        Case("samples on bin edges belong to the bin above", (array(0.0, 1.0, 1.0, 2.0), 1.0)),
        Case("empty bins between full ones", (array(0.1, 0.9, 0.95, 2.3), 0.25)),
        Case("masses recorded to 25 g, bins of 100 g", (25.0 * rng.integers(120, 260, 60), 100.0)),
        Case("a standard normal, bins of 0.5", (rng.normal(size=80), 0.5)),
        Case("far from 0: 10^6 plus a normal", (1e6 + rng.normal(scale=3.0, size=50), 2.0)),
        Case("a narrow uniform, bins of 0.001", (rng.uniform(0.0, 0.01, size=40), 0.001)),
    ]


def _bins_entropy(bins: np.ndarray, width: float) -> float:
    """The estimate for samples already labelled with their bin."""
    counts = np.unique(bins, return_counts=True)[1]
    return float(xb.entropy(counts / counts.sum()) + math.log(width))


def _empty_bins(spec, args, expected, actual):
    if np.isnan(actual).any():
        return spec.zero
    return None


_truncated = m.matches(
    lambda spec, args, expected: _bins_entropy(np.trunc(args[0] / args[1]), args[1]),
    "your bins round towards zero (int() or astype(int)), so the bins just below and just "
    "above 0 are one: use np.floor(x / width), which rounds down.",
)
_centred = m.matches(
    lambda spec, args, expected: _bins_entropy(np.round(args[0] / args[1]), args[1]),
    "your bins are centred on the multiples of the width (np.round); the bins asked for start "
    "at them, [k width, (k + 1) width): use np.floor(x / width).",
)
_from_smallest = m.matches(
    lambda spec, args, expected: _bins_entropy(
        np.floor((args[0] - args[0].min()) / args[1]), args[1]
    ),
    "your bins start at the smallest sample (as np.histogram's do); the bins asked for start "
    "at the multiples of the width: use np.floor(x / width).",
)
_without_width = m.matches(
    lambda spec, args, expected: expected - math.log(args[1]),
    "you returned the entropy of the bins alone: add ln(width), the log of the bin width, to "
    "turn it into an estimate of the density's entropy.",
)
_width_subtracted = m.matches(
    lambda spec, args, expected: expected - 2 * math.log(args[1]),
    "ln(width) has the wrong sign: the estimate is the entropy of the bins PLUS ln(width) "
    "(narrower bins hold more bits, and the sum stays put).",
)
