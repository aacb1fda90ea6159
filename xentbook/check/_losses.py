"""Self-checks of a classifier's pieces: the binary log loss, softmax and log-softmax."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import xentbook as xb

from .._docstrings import fill_docs
from . import _mistakes as m
from ._runner import SEED, Case, Epsilon, Spec, array, run

__all__ = ["binary_cross_entropy", "log_softmax", "softmax"]


def binary_cross_entropy(fn: Callable) -> bool:
    """Check ``fn(y, y_hat) -> float``, the mean binary cross-entropy (log loss) in nats.

    Parameters
    ----------
    fn : callable
        Your function. It receives the labels ``y`` (each 0.0 or 1.0) and the
        predicted probabilities ``y_hat`` that each label is 1, as 1-D float64 arrays
        of equal length, and returns the mean over the examples of
        ``-(y log y_hat + (1 - y) log(1 - y_hat))``.

    %(check_returns)s

    Examples
    --------
    Choosing the probability given to the observed label avoids ``0 * log 0``; where
    that probability is 0, ``log 0 = -inf`` is the right answer, so its warning is
    switched off:

    >>> import numpy as np
    >>> import xentbook as xb
    >>> def my_bce(y, y_hat):
    ...     with np.errstate(divide="ignore"):
    ...         return np.mean(-np.log(np.where(y == 1, y_hat, 1 - y_hat)))
    >>> xb.check.binary_cross_entropy(my_bce)
    binary_cross_entropy: all 10 cases passed. Well done!
    True

    Summing instead of averaging is spotted:

    >>> xb.check.binary_cross_entropy(lambda y, y_hat: len(y) * my_bce(y, y_hat))
    binary_cross_entropy: case 2 of 10 failed (two examples).
      input:    y = [1, 0], y_hat = [0.8, 0.3]
      expected: 0.289909
      got:      0.579818
      hint: your result is the sum over the examples; this check asks for their mean.
    False
    """
    rng = np.random.default_rng(SEED + 1)
    random_cases = []
    for n in (3, 5, 8):
        y = rng.integers(0, 2, n).astype(np.float64)
        random_cases.append(Case("random labels and predictions", (y, rng.uniform(0.02, 0.98, n))))
    cases = [
        Case("one example", (array(1.0), array(0.8))),
        Case("two examples", (array(1.0, 0.0), array(0.8, 0.3))),
        Case("a coin-flip prediction", (array(0.0, 1.0, 1.0), array(0.5, 0.5, 0.5))),
        Case("confident and right (y_hat of exactly 0 and 1)", (array(1.0, 0.0), array(1.0, 0.0))),
        Case("confident and wrong: an infinite loss", (array(1.0, 0.0), array(0.0, 0.5))),
        Case("a tiny predicted probability", (array(1.0, 1.0), array(1e-12, 0.9))),
        # The loss is about 5e-10: compared to 1e-6 relative, so that an epsilon shows.
        Case("a near-certain prediction", (array(0.0, 1.0), array(1e-15, 1 - 1e-9)), atol=0.0),
        *random_cases,
    ]
    spec = Spec(
        "binary_cross_entropy",
        ("y", "y_hat"),
        lambda y, y_hat: xb.binary_cross_entropy(y, y_hat),
        cases,
        (
            m.infinite,
            m.zero_log_zero,
            m.epsilon,
            m.summed,
            m.bce_one_term,
            m.swapped,
            m.in_bits,
            m.in_log10,
            m.negated,
            m.nearly,
        ),
        no_warning=(
            "take the log of the probability of the observed label only, "
            "np.where(y == 1, y_hat, 1 - y_hat), inside np.errstate(divide='ignore'): there "
            "log 0 = -inf is the right answer, not an accident."
        ),
        zero=(
            "NaN where a prediction is exactly 0 or 1: for a label y = 0 the term y log y_hat "
            "is 0 * log 0 = 0 * -inf, which NumPy makes NaN (and (1 - y) log(1 - y_hat) "
            "likewise for y = 1). Use only the observed label's term: "
            "-log(np.where(y == 1, y_hat, 1 - y_hat))."
        ),
        order="The labels y come first and the predictions y_hat second.",
        math_domain=(
            "math.log(0) raises an error: a prediction of exactly 0 for the observed label "
            "costs +inf, so use np.log, which gives -inf."
        ),
        epsilon=Epsilon(
            lambda args, eps: (
                -np.mean(
                    args[0] * np.log(args[1] + eps) + (1 - args[0]) * np.log(1 - args[1] + eps)
                )
            ),
            "-mean(y log(y_hat + eps) + (1 - y) log(1 - y_hat + eps))",
            "Use only the observed label's term, -log(np.where(y == 1, y_hat, 1 - y_hat)), "
            "and let a prediction of 0 for the observed label cost +inf.",
        ),
    )
    return run(spec, fn)


def softmax(fn: Callable) -> bool:
    """Check ``fn(z) -> array``, the softmax of a 1-D array of logits.

    Parameters
    ----------
    fn : callable
        Your function. It receives the logits ``z`` as a 1-D float64 array and returns
        the probabilities ``exp(z_i) / sum_j exp(z_j)`` as an array of the same length.

    %(check_returns)s

    Examples
    --------
    Subtracting the largest logit first keeps ``exp`` from overflowing:

    >>> import numpy as np
    >>> import xentbook as xb
    >>> def my_softmax(z):
    ...     e = np.exp(z - z.max())
    ...     return e / e.sum()
    >>> xb.check.softmax(my_softmax)
    softmax: all 10 cases passed. Well done!
    True

    The formula typed in directly overflows for large logits:

    >>> xb.check.softmax(lambda z: np.exp(z) / np.exp(z).sum())
    softmax: case 5 of 10 failed (large logits).
      input:    z = [1000, 1001, 1002]
      expected: [0.0900306, 0.244728, 0.665241]
      got:      [nan, nan, nan]
      hint: exp overflowed (exp(710) is already inf in float64). Subtract the largest logit
            before exponentiating: softmax(z) = softmax(z - max(z)).
    False
    """
    spec = Spec(
        "softmax",
        ("z",),
        lambda z: xb.softmax(z),
        _logit_cases(),
        (
            m.overflow,
            m.shifted_by_min,
            m.returned_log,
            m.negated_logits,
            m.not_normalized,
            m.nearly,
        ),
        no_warning=(
            "subtract the largest logit before exponentiating, so that exp never overflows "
            "and the sum is at least 1."
        ),
    )
    return run(spec, fn)


def log_softmax(fn: Callable) -> bool:
    """Check ``fn(z) -> array``, the log-softmax of a 1-D array of logits, in nats.

    Parameters
    ----------
    fn : callable
        Your function. It receives the logits ``z`` as a 1-D float64 array and returns
        ``z_i - log sum_j exp(z_j)`` for every i.

    %(check_returns)s

    Examples
    --------
    The log-sum-exp trick gives exact log-probabilities even far in the tail:

    >>> import numpy as np
    >>> import xentbook as xb
    >>> def my_log_softmax(z):
    ...     shifted = z - z.max()
    ...     return shifted - np.log(np.sum(np.exp(shifted)))
    >>> xb.check.log_softmax(my_log_softmax)
    log_softmax: all 10 cases passed. Well done!
    True

    Taking the log of a softmax loses the tail to underflow:

    >>> def naive(z):
    ...     e = np.exp(z - z.max())
    ...     return np.log(e / e.sum())
    >>> xb.check.log_softmax(naive)
    log_softmax: case 7 of 10 failed (one logit far below the others).
      input:    z = [0, -1000]
      expected: [0, -1000]
      got:      [0, -inf]
      hint: -inf where the exact answer is finite: exp underflowed to 0 before the log. Compute
            z - max(z) - log(sum(exp(z - max(z)))) instead of log(softmax(z)).
    False
    """
    spec = Spec(
        "log_softmax",
        ("z",),
        lambda z: xb.log_softmax(z),
        _logit_cases(),
        (
            m.overflow,
            m.shifted_by_min,
            m.log_underflow,
            m.returned_softmax,
            m.not_normalized_log,
            m.nearly,
        ),
        no_warning=(
            "compute z - max(z) - log(sum(exp(z - max(z)))): exp never overflows, and the "
            "log is taken of a sum that is at least 1, never of 0."
        ),
    )
    return run(spec, fn)


def _logit_cases() -> list[Case]:
    rng = np.random.default_rng(SEED + 4)
    return [
        Case("small logits", (array(1.0, 2.0, 3.0),)),
        Case("equal logits", (array(0.0, 0.0, 0.0, 0.0),)),
        Case("a single logit", (array(3.0),)),
        Case("negative logits", (array(-1.0, -2.0, -0.5),)),
        Case("large logits", (array(1000.0, 1001.0, 1002.0),)),
        Case("very negative logits", (array(-1000.0, -1001.0, -1002.0),)),
        Case("one logit far below the others", (array(0.0, -1000.0),)),
        *(Case("random logits", (rng.normal(0, 5, k),)) for k in (2, 5, 8)),
    ]


fill_docs(globals())
