"""Self-checks for students: test your own implementation against xentbook.

Each check takes *your* function, runs it on ordinary cases, edge cases (zeros,
one-hot distributions, extreme values) and seeded random cases, and compares every
answer with xentbook's own implementation. It returns True when all cases pass and
False at the first failing case, after printing which input failed, the expected and
the actual value, and a hint about the likely mistake (a result in bits instead of
nats, swapped arguments, a missing minus sign, ``0 * log 0`` giving NaN, overflow in
``exp``, an epsilon inside the log...). Exceptions raised by your function are caught
and reported, never re-raised. A RuntimeWarning from your function (``divide by zero
encountered in log``...) fails the check even when the answer is right: the book's
exercises ask for code that handles zeros and extremes without one.

The calling conventions, all in nats, and all 1-D except the logits of
:func:`fit_temperature`:

============================  =============================================================
check                         your function
============================  =============================================================
:func:`surprisal`             ``fn(p) -> float``: ``p`` is a Python float in [0, 1]
:func:`entropy`               ``fn(p) -> float``: ``p`` a 1-D distribution
:func:`cross_entropy`         ``fn(p, q) -> float``: truth ``p`` first, model ``q`` second
:func:`kl_divergence`         ``fn(p, q) -> float``: KL(p ‖ q)
:func:`binary_cross_entropy`  ``fn(y, y_hat) -> float``: the mean over examples of the
                              log loss of labels ``y`` (0 or 1) under probabilities
                              ``y_hat`` of the label 1
:func:`softmax`               ``fn(z) -> array``: probabilities from a 1-D array of logits
:func:`log_softmax`           ``fn(z) -> array``: log-probabilities from logits
:func:`fit_temperature`       ``fn(target, logits) -> float``: the temperature T that
                              minimises the mean log loss of ``softmax(logits / T)``, for
                              class indices ``target`` and (n, K) ``logits``
:func:`histogram_entropy`     ``fn(x, width) -> float``: the entropy of the samples ``x``
                              in bins of ``width``, plus ``ln(width)``
============================  =============================================================

Arrays are passed as fresh NumPy float64 arrays, the class indices of
:func:`fit_temperature` as integers (your function may change them).
Answers are compared with a relative tolerance of 1e-6 (absolute 1e-9, except for the
few cases whose exact answer is itself tiny, which are compared relatively only, so that
an epsilon added inside the log shows), so any sound way of computing the sum passes;
``+inf`` must be returned where the exact answer is infinite. The conventions are the
book's: ``0 * log 0 = 0``, and a model that gives probability 0 to an outcome that
happens pays ``+inf``.
"""

from ._calibration import fit_temperature
from ._continuous import histogram_entropy
from ._distributions import cross_entropy, entropy, kl_divergence, surprisal
from ._losses import binary_cross_entropy, log_softmax, softmax

__all__ = [
    "binary_cross_entropy",
    "cross_entropy",
    "entropy",
    "fit_temperature",
    "histogram_entropy",
    "kl_divergence",
    "log_softmax",
    "softmax",
    "surprisal",
]
