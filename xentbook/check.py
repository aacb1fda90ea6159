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

The calling conventions, all 1-D and all in nats:

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
============================  =============================================================

Arrays are passed as fresh 1-D NumPy float64 arrays (your function may change them).
Answers are compared with a relative tolerance of 1e-6 (absolute 1e-9, except for the
few cases whose exact answer is itself tiny, which are compared relatively only, so that
an epsilon added inside the log shows), so any sound way of computing the sum passes;
``+inf`` must be returned where the exact answer is infinite. The conventions are the
book's: ``0 * log 0 = 0``, and a model that gives probability 0 to an outcome that
happens pays ``+inf``.
"""

from __future__ import annotations

import math
import textwrap
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

import xentbook as xb

from ._docstrings import fill_docs

__all__ = [
    "binary_cross_entropy",
    "cross_entropy",
    "entropy",
    "kl_divergence",
    "log_softmax",
    "softmax",
    "surprisal",
]

_RTOL = 1e-6
_ATOL = 1e-9
_SEED = 20240601
_LN2 = math.log(2)
_LN10 = math.log(10)
_ZERO_TERMS = (
    "NaN where a zero probability occurs: np.log(0) is -inf and 0 * -inf is NaN. "
    "By convention 0 * log 0 = 0: leave the zero terms out of the sum."
)


@dataclass(frozen=True)
class _Case:
    """One input: a short description, the arguments passed to the student's function and
    the absolute tolerance (0 where the answer is tiny and must be right to ``_RTOL``)."""

    label: str
    args: tuple
    atol: float = _ATOL


@dataclass(frozen=True)
class _Epsilon:
    """The answer of the formula with a small ``eps`` inside the log, and how to do without."""

    value: Callable  # value(args, eps) -> float
    formula: str
    fix: str


@dataclass(frozen=True)
class _Spec:
    """What one check needs: names, reference, cases, mistake detectors and the wording
    of the hints that depend on the function checked."""

    name: str
    arg_names: tuple[str, ...]
    reference: Callable
    cases: list[_Case]
    detectors: Sequence[Callable]  # detector(spec, args, expected, actual) -> hint or None
    no_warning: str  # how to compute this function without a RuntimeWarning
    zero: str = ""  # why 0 * log 0 gave NaN here, and the fix
    order: str = ""  # the order of the arguments, for the swapped-arguments hint
    terms: str = ""  # the summed terms, for the mean-instead-of-sum hint
    math_domain: str = (
        "math.log(0) raises an error where np.log(0) gives -inf: use np.log, or handle "
        "zero probabilities explicitly (a term p_i log p_i with p_i = 0 counts 0, and "
        "-log 0 = +inf)."
    )
    epsilon: _Epsilon | None = None


def surprisal(fn: Callable) -> bool:
    """Check ``fn(p) -> float``, the surprisal -log p of one event, in nats.

    Parameters
    ----------
    fn : callable
        Your function. It receives one probability as a Python float in [0, 1].

    %(check_returns)s

    Examples
    --------
    An impossible event is treated first, so that the log never sees 0:

    >>> import math
    >>> import numpy as np
    >>> import xentbook as xb
    >>> def my_surprisal(p):
    ...     return math.inf if p == 0 else -math.log(p)
    >>> xb.check.surprisal(my_surprisal)
    surprisal: all 10 cases passed. Well done!
    True

    ``-np.log(p)`` gives the right numbers, but NumPy warns at ``p = 0``:

    >>> xb.check.surprisal(lambda p: -np.log(p))
    surprisal: case 6 of 10 failed (an impossible event, infinitely surprising).
      input:    p = 0
      expected: inf
      got:      inf
      warning:  RuntimeWarning: divide by zero encountered in log
      hint: the answer is right, but your function made NumPy warn (divide by zero encountered
            in log); a warning is how a silent bug shows itself, so write code that raises none:
            treat p = 0 first and return math.inf, so that the log never sees 0.
    False

    A result in bits is spotted:

    >>> xb.check.surprisal(lambda p: -np.log2(p))
    surprisal: case 1 of 10 failed (a fair coin).
      input:    p = 0.5
      expected: 0.693147
      got:      1
      hint: your result is in bits (it is the expected value divided by ln 2); this check asks
            for nats: use the natural logarithm, np.log.
    False
    """
    rng = np.random.default_rng(_SEED)
    cases = [
        _Case("a fair coin", (0.5,)),
        _Case("one face of a die", (1 / 6,)),
        _Case("a near-certain event", (0.999,)),
        _Case("a certain event, which carries no information", (1.0,)),
        _Case("a one-in-a-billion event", (1e-9,)),
        _Case("an impossible event, infinitely surprising", (0.0,)),
        _Case("a one-in-10^20 event", (1e-20,)),
        *(_Case("a random probability", (float(x),)) for x in rng.uniform(0.01, 1, 3)),
    ]
    spec = _Spec(
        "surprisal",
        ("p",),
        lambda p: xb.surprisal(p),
        cases,
        (_infinite, _epsilon, _in_bits, _in_log10, _negated, _nearly),
        no_warning="treat p = 0 first and return math.inf, so that the log never sees 0.",
        math_domain=(
            "math.log(0) raises an error: treat p = 0 first and return math.inf "
            "(-log 0 = +inf, an impossible event is infinitely surprising)."
        ),
        epsilon=_Epsilon(
            lambda args, eps: -math.log(args[0] + eps),
            "-log(p + eps)",
            "Return -log p exactly, and math.inf for p = 0.",
        ),
    )
    return _run(spec, fn)


def entropy(fn: Callable) -> bool:
    """Check ``fn(p) -> float``, the Shannon entropy H(p) of a 1-D distribution, in nats.

    Parameters
    ----------
    fn : callable
        Your function. It receives one distribution as a 1-D float64 array.

    %(check_returns)s

    Examples
    --------
    A sound implementation handles the zero terms explicitly:

    >>> import numpy as np
    >>> import xentbook as xb
    >>> def my_entropy(p):
    ...     nz = p[p > 0]
    ...     return -np.sum(nz * np.log(nz))
    >>> xb.check.entropy(my_entropy)
    entropy: all 10 cases passed. Well done!
    True

    The textbook formula, typed in directly, stumbles over a zero probability:

    >>> xb.check.entropy(lambda p: -np.sum(p * np.log(p)))
    entropy: case 3 of 10 failed (a distribution with a zero).
      input:    p = [0.5, 0.5, 0]
      expected: 0.693147
      got:      nan
      hint: NaN where a zero probability occurs: np.log(0) is -inf and 0 * -inf is NaN. By
            convention 0 * log 0 = 0: leave the zero terms out of the sum.
    False
    """
    cases = [
        _Case("a fair coin", (_arr(0.5, 0.5),)),
        _Case("a biased coin", (_arr(0.9, 0.1),)),
        _Case("a distribution with a zero", (_arr(0.5, 0.5, 0.0),)),
        _Case("a one-hot (certain) distribution", (_arr(0.0, 1.0, 0.0),)),
        _Case("a single outcome", (_arr(1.0),)),
        _Case("a fair die", (np.full(6, 1 / 6),)),
        # H is about 3e-11 here: compared to 1e-6 relative, so that an epsilon shows.
        _Case("a tiny probability", (_arr(1 - 1e-12, 1e-12),), atol=0.0),
        *(_Case("a random distribution", (p,)) for p in _random_distributions(3)),
    ]
    spec = _Spec(
        "entropy",
        ("p",),
        lambda p: xb.entropy(p),
        cases,
        (_zero_log_zero, _epsilon, _averaged, _in_bits, _in_log10, _negated, _nearly),
        no_warning="keep only the outcomes with p_i > 0 (p[p > 0]) before taking the log.",
        zero=_ZERO_TERMS,
        terms="-p_i log p_i",
        epsilon=_Epsilon(
            lambda args, eps: -np.sum(args[0] * np.log(args[0] + eps)),
            "-sum p_i log(p_i + eps)",
            "Leave the zero terms out of the sum instead: 0 * log 0 = 0 needs no epsilon.",
        ),
    )
    return _run(spec, fn)


def cross_entropy(fn: Callable) -> bool:
    """Check ``fn(p, q) -> float``, the cross-entropy H(p, q) in nats.

    Parameters
    ----------
    fn : callable
        Your function. It receives the true distribution ``p`` and the model ``q``,
        in that order, as 1-D float64 arrays.

    %(check_returns)s

    Examples
    --------
    >>> import numpy as np
    >>> import xentbook as xb
    >>> def my_cross_entropy(p, q):
    ...     keep = p > 0
    ...     if np.any(q[keep] == 0):
    ...         return np.inf
    ...     return -np.sum(p[keep] * np.log(q[keep]))
    >>> xb.check.cross_entropy(my_cross_entropy)
    cross_entropy: all 11 cases passed. Well done!
    True

    Swapping truth and model is caught:

    >>> xb.check.cross_entropy(lambda p, q: my_cross_entropy(q, p))
    cross_entropy: case 2 of 11 failed (a biased model of a fair coin).
      input:    p = [0.5, 0.5], q = [0.9, 0.1]
      expected: 1.20397
      got:      0.693147
      hint: your arguments are swapped: you computed the value for (q, p). The truth p comes
            first and the model q second: H(p, q) = -sum p_i log q_i.
    False
    """
    spec = _pair_spec(
        "cross_entropy",
        lambda p, q: xb.cross_entropy(p, q),
        (
            _same_as(lambda p, q: xb.kl_divergence(p, q), "KL(p ‖ q); cross-entropy is H(p) + KL"),
            _same_as(lambda p, q: xb.entropy(p), "the entropy H(p): the model q was left out"),
        ),
        order="The truth p comes first and the model q second: H(p, q) = -sum p_i log q_i.",
        terms="-p_i log q_i",
        with_epsilon=lambda p, q, eps: -np.sum(p * np.log(q + eps)),
        epsilon_formula="-sum p_i log(q_i + eps)",
    )
    return _run(spec, fn)


def kl_divergence(fn: Callable) -> bool:
    """Check ``fn(p, q) -> float``, the KL divergence KL(p ‖ q) in nats.

    Parameters
    ----------
    fn : callable
        Your function. It receives the true distribution ``p`` and the model ``q``,
        in that order, as 1-D float64 arrays.

    %(check_returns)s

    Examples
    --------
    >>> import numpy as np
    >>> import xentbook as xb
    >>> def my_kl(p, q):
    ...     keep = p > 0
    ...     if np.any(q[keep] == 0):
    ...         return np.inf
    ...     return np.sum(p[keep] * np.log(p[keep] / q[keep]))
    >>> xb.check.kl_divergence(my_kl)
    kl_divergence: all 11 cases passed. Well done!
    True

    The formula typed in directly turns ``0 * log 0`` into NaN:

    >>> xb.check.kl_divergence(lambda p, q: np.sum(p * np.log(p / q)))
    kl_divergence: case 4 of 11 failed (a one-hot truth).
      input:    p = [0, 1, 0], q = [0.2, 0.7, 0.1]
      expected: 0.356675
      got:      nan
      hint: NaN where a zero probability occurs: np.log(0) is -inf and 0 * -inf is NaN. By
            convention 0 * log 0 = 0: leave the zero terms out of the sum.
    False
    """
    spec = _pair_spec(
        "kl_divergence",
        lambda p, q: xb.kl_divergence(p, q),
        (
            _same_as(
                lambda p, q: xb.cross_entropy(p, q),
                "the cross-entropy H(p, q); KL(p ‖ q) = H(p, q) - H(p) = sum p_i log(p_i / q_i)",
            ),
        ),
        order="KL(p ‖ q) = sum p_i log(p_i / q_i) weights by the truth p, the first.",
        terms="p_i log(p_i / q_i)",
        with_epsilon=lambda p, q, eps: np.sum(p * np.log((p + eps) / (q + eps))),
        epsilon_formula="sum p_i log((p_i + eps) / (q_i + eps))",
    )
    return _run(spec, fn)


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
    rng = np.random.default_rng(_SEED + 1)
    random_cases = []
    for n in (3, 5, 8):
        y = rng.integers(0, 2, n).astype(np.float64)
        random_cases.append(_Case("random labels and predictions", (y, rng.uniform(0.02, 0.98, n))))
    cases = [
        _Case("one example", (_arr(1.0), _arr(0.8))),
        _Case("two examples", (_arr(1.0, 0.0), _arr(0.8, 0.3))),
        _Case("a coin-flip prediction", (_arr(0.0, 1.0, 1.0), _arr(0.5, 0.5, 0.5))),
        _Case("confident and right (y_hat of exactly 0 and 1)", (_arr(1.0, 0.0), _arr(1.0, 0.0))),
        _Case("confident and wrong: an infinite loss", (_arr(1.0, 0.0), _arr(0.0, 0.5))),
        _Case("a tiny predicted probability", (_arr(1.0, 1.0), _arr(1e-12, 0.9))),
        # The loss is about 5e-10: compared to 1e-6 relative, so that an epsilon shows.
        _Case("a near-certain prediction", (_arr(0.0, 1.0), _arr(1e-15, 1 - 1e-9)), atol=0.0),
        *random_cases,
    ]
    spec = _Spec(
        "binary_cross_entropy",
        ("y", "y_hat"),
        lambda y, y_hat: xb.binary_cross_entropy(y, y_hat),
        cases,
        (
            _infinite,
            _zero_log_zero,
            _epsilon,
            _summed,
            _bce_one_term,
            _swapped,
            _in_bits,
            _in_log10,
            _negated,
            _nearly,
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
        epsilon=_Epsilon(
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
    return _run(spec, fn)


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
    spec = _Spec(
        "softmax",
        ("z",),
        lambda z: xb.softmax(z),
        _logit_cases(),
        (_overflow, _shifted_by_min, _returned_log, _negated_logits, _not_normalized, _nearly),
        no_warning=(
            "subtract the largest logit before exponentiating, so that exp never overflows "
            "and the sum is at least 1."
        ),
    )
    return _run(spec, fn)


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
    spec = _Spec(
        "log_softmax",
        ("z",),
        lambda z: xb.log_softmax(z),
        _logit_cases(),
        (
            _overflow,
            _shifted_by_min,
            _log_underflow,
            _returned_softmax,
            _not_normalized_log,
            _nearly,
        ),
        no_warning=(
            "compute z - max(z) - log(sum(exp(z - max(z)))): exp never overflows, and the "
            "log is taken of a sum that is at least 1, never of 0."
        ),
    )
    return _run(spec, fn)


# --- the cases ---------------------------------------------------------------------------


def _arr(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def _random_distributions(n: int, seed: int = _SEED) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.dirichlet(np.ones(k)) for k in rng.integers(2, 7, n)]


def _pair_cases() -> list[_Case]:
    ps = _random_distributions(3, _SEED + 2)
    qs = [np.random.default_rng(_SEED + 3 + i).dirichlet(np.ones(p.size)) for i, p in enumerate(ps)]
    return [
        _Case("a fair coin, modelled exactly", (_arr(0.5, 0.5), _arr(0.5, 0.5))),
        _Case("a biased model of a fair coin", (_arr(0.5, 0.5), _arr(0.9, 0.1))),
        _Case("three outcomes", (_arr(0.2, 0.5, 0.3), _arr(0.1, 0.6, 0.3))),
        _Case("a one-hot truth", (_arr(0.0, 1.0, 0.0), _arr(0.2, 0.7, 0.1))),
        _Case(
            "zeros in both, where p is 0 (these terms count 0)",
            (_arr(0.5, 0.5, 0.0), _arr(0.4, 0.6, 0.0)),
        ),
        _Case(
            "a model that rules out an outcome that happens: infinite",
            (_arr(0.5, 0.5), _arr(1.0, 0.0)),
        ),
        _Case("a near-certain model", (_arr(0.5, 0.5), _arr(1 - 1e-12, 1e-12))),
        _Case("a model that matches a one-hot truth", (_arr(1.0, 0.0), _arr(1.0, 0.0))),
        *(_Case("random distributions", (p, q)) for p, q in zip(ps, qs, strict=True)),
    ]


def _pair_spec(
    name, reference, confusions, *, order, terms, with_epsilon, epsilon_formula
) -> _Spec:
    """The spec of a check of a function of a truth p and a model q (cross-entropy, KL).

    Both share the cases, the mistakes looked for (``confusions`` add the other
    quantities this one is mistaken for) and the advice on zeros.
    ``with_epsilon(p, q, eps)`` is the formula with ``eps`` inside the log.
    """
    return _Spec(
        name,
        ("p", "q"),
        reference,
        _pair_cases(),
        (*_PAIR_DIAGNOSES, *confusions),
        no_warning=(
            "keep only the outcomes with p_i > 0, and return inf at once if one of them has "
            "q_i = 0, so that the log never sees 0."
        ),
        zero=_ZERO_TERMS,
        order=order,
        terms=terms,
        epsilon=_Epsilon(
            lambda args, eps: with_epsilon(*args, eps),
            epsilon_formula,
            "Leave out the terms with p_i = 0, and let a zero q_i for an outcome that happens "
            "give +inf.",
        ),
    )


def _logit_cases() -> list[_Case]:
    rng = np.random.default_rng(_SEED + 4)
    return [
        _Case("small logits", (_arr(1.0, 2.0, 3.0),)),
        _Case("equal logits", (_arr(0.0, 0.0, 0.0, 0.0),)),
        _Case("a single logit", (_arr(3.0),)),
        _Case("negative logits", (_arr(-1.0, -2.0, -0.5),)),
        _Case("large logits", (_arr(1000.0, 1001.0, 1002.0),)),
        _Case("very negative logits", (_arr(-1000.0, -1001.0, -1002.0),)),
        _Case("one logit far below the others", (_arr(0.0, -1000.0),)),
        *(_Case("random logits", (rng.normal(0, 5, k),)) for k in (2, 5, 8)),
    ]


# --- the runner --------------------------------------------------------------------------


def _run(spec: _Spec, fn: Callable) -> bool:
    if not callable(fn):
        print(
            f"{spec.name}: pass your function itself, e.g. check.{spec.name}(my_function); "
            f"got {type(fn).__name__} instead."
        )
        return False
    results = [_outcome(spec, fn, case) for case in spec.cases]
    failures = [(n, r) for n, r in enumerate(results, 1) if r is not None]
    if not failures:
        print(f"{spec.name}: all {len(spec.cases)} cases passed. Well done!")
        return True
    # A wrong answer is reported before a right answer that came with a warning.
    wrong = [(n, r) for n, r in failures if not isinstance(r[3], _Warned)]
    number, (case, expected, actual, problem) = (wrong or failures)[0]
    _report(spec, number, case, expected, actual)
    if isinstance(problem, Exception):
        print(f"  your function raised {type(problem).__name__}: {_shorten(str(problem))}")
        hint = _exception_hint(spec, problem)
    elif isinstance(problem, _Warned):
        print(f"  warning:  {problem.category}: {_shorten(problem.message)}")
        hint = (
            f"the answer is right, but your function made NumPy warn ({problem.message}); "
            f"a warning is how a silent bug shows itself, so write code that raises none: "
            f"{spec.no_warning}"
        )
    else:
        hint = problem or _diagnose(spec, [f for _, f in wrong])
    print(_wrap("hint: " + hint))
    return False


@dataclass(frozen=True)
class _Warned:
    """The first RuntimeWarning the student's function emitted on a case it got right."""

    category: str
    message: str


def _outcome(spec: _Spec, fn: Callable, case: _Case):
    """None if the student's answer to ``case`` is right, else (case, expected, actual, problem).

    ``problem`` is the exception raised, a message about the answer's shape, a
    :class:`_Warned` for a right answer that came with a RuntimeWarning, or None.
    """
    expected = np.asarray(spec.reference(*case.args), dtype=np.float64)
    try:
        actual, caught = _call(fn, case.args)
    except Exception as exc:  # the student's code may fail in any way; report it kindly
        return case, expected, None, exc
    problem = _shape_problem(actual, expected)
    if problem is None and _close(actual, expected, case.atol):
        if not caught:
            return None
        warned = _Warned(type(caught[0]).__name__, str(caught[0]))
        return case, expected, actual, warned
    return case, expected, actual, problem


def _call(fn: Callable, args: tuple):
    """Call the student's function on copies of the inputs; return its answer and the
    RuntimeWarnings it emitted (NumPy's default error handling, whatever the caller set)."""
    copies = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
    with (
        warnings.catch_warnings(record=True) as caught,
        np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"),
    ):
        warnings.simplefilter("always")
        result = fn(*copies)
    runtime = [w.message for w in caught if issubclass(w.category, RuntimeWarning)]
    if result is None:
        return None, runtime
    try:
        return np.asarray(result, dtype=np.float64), runtime
    except (TypeError, ValueError):
        return result, runtime


def _shape_problem(actual, expected: np.ndarray) -> str | None:
    if actual is None:
        return "your function returned None: did you forget the `return` statement?"
    if not isinstance(actual, np.ndarray):
        return f"your function returned {type(actual).__name__}, not a number or an array."
    if actual.shape == expected.shape:
        return None
    if expected.ndim == 0 and actual.size == 1:
        return None
    if expected.ndim == 0:
        return (
            f"your function returned an array of shape {actual.shape} but one number is "
            "expected: did you forget to sum the terms?"
        )
    return f"expected an array of shape {expected.shape}, got shape {actual.shape}."


def _close(actual: np.ndarray, expected: np.ndarray, atol: float) -> bool:
    a = actual.reshape(expected.shape)
    return bool(np.all(np.isclose(a, expected, rtol=_RTOL, atol=atol)))


def _diagnose(spec: _Spec, failures: list) -> str:
    """The hint of the detector that explains the first failure and the most others.

    One input can fit two mistakes (for a fair coin, H(q, p) equals H(p)); the other
    failing inputs tell them apart.
    """
    explained = []
    for detector in spec.detectors:
        with np.errstate(all="ignore"):
            hints = [
                detector(spec, case.args, expected, actual.reshape(expected.shape))
                for case, expected, actual, problem in failures
                if actual is not None and problem is None
            ]
        if hints and hints[0]:
            explained.append((sum(bool(h) for h in hints), hints[0]))
    if explained:
        # max keeps the first of equals, so the detectors' order breaks ties.
        return max(explained, key=lambda item: item[0])[1]
    return (
        "compare your formula with the definition term by term, and try this input by hand. "
        "Do not clip or renormalise: the exact value is expected."
    )


def _report(spec: _Spec, number: int, case: _Case, expected, actual) -> None:
    inputs = ", ".join(f"{n} = {_fmt(a)}" for n, a in zip(spec.arg_names, case.args, strict=True))
    print(f"{spec.name}: case {number} of {len(spec.cases)} failed ({case.label}).")
    print(f"  input:    {inputs}")
    print(f"  expected: {_fmt(expected)}")
    if actual is not None:
        print(f"  got:      {_fmt(actual)}")


def _fmt(x) -> str:
    """Six significant digits; short, deterministic and free of NumPy reprs."""
    if isinstance(x, np.ndarray) and x.ndim > 0:
        items = [_fmt(v) for v in x.ravel()[:8]]
        more = ", ..." if x.size > 8 else ""
        return "[" + ", ".join(items) + more + "]"
    try:
        value = float(x)
    except (TypeError, ValueError):
        return _shorten(repr(x))
    if value == 0:
        return "0"  # also for -0.0
    return f"{value:.6g}"


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _wrap(text: str) -> str:
    """Wrap a hint, indented under its label."""
    return textwrap.fill(text, width=92, initial_indent="  ", subsequent_indent="        ")


def _exception_hint(spec: _Spec, exc: Exception) -> str:
    if "math domain error" in str(exc):
        return spec.math_domain
    if isinstance(exc, ZeroDivisionError):
        return "a division by zero: zero probabilities need handling on their own."
    if isinstance(exc, OverflowError):
        return "a number overflowed: subtract the largest logit before exponentiating."
    if isinstance(exc, (TypeError, AttributeError)):
        return (
            "the arguments are 1-D NumPy float arrays (or one float for surprisal); check "
            "that your function takes them in the documented order."
        )
    return "run your function on the input above by itself to see where it fails."


# --- mistake detectors: each returns a hint or None --------------------------------------


def _is(actual: np.ndarray, target: np.ndarray) -> bool:
    with np.errstate(all="ignore"):
        return bool(np.all(np.isclose(actual, target, rtol=_RTOL, atol=_ATOL)))


def _infinite(spec, args, expected, actual):
    if np.isinf(expected).any() and np.isfinite(actual).all():
        return (
            "the exact answer is +inf: a probability of 0 for an outcome that happens is "
            "infinitely surprising. Do not add a small epsilon or clip; let log 0 = -inf through."
        )
    return None


def _zero_log_zero(spec, args, expected, actual):
    has_zero = any(isinstance(a, np.ndarray) and (a == 0).any() for a in args)
    if has_zero and np.isnan(actual).any() and not np.isnan(expected).any():
        return spec.zero
    return None


def _nearly(spec, args, expected, actual):
    finite = np.isfinite(expected)
    if np.array_equal(finite, np.isfinite(actual)) and np.allclose(
        actual[finite], expected[finite], rtol=1e-3, atol=1e-5
    ):
        return (
            "your answer is close but not exact: adding a small epsilon or clipping "
            "probabilities shifts it. Handle zeros and extremes exactly instead."
        )
    return None


def _in_bits(spec, args, expected, actual):
    if np.any(expected != 0) and _is(actual, expected / _LN2):
        return (
            "your result is in bits (it is the expected value divided by ln 2); this check "
            "asks for nats: use the natural logarithm, np.log."
        )
    return None


def _in_log10(spec, args, expected, actual):
    if np.any(expected != 0) and _is(actual, expected / _LN10):
        return (
            "your result uses base-10 logarithms; this check asks for nats: use the "
            "natural logarithm, np.log."
        )
    return None


def _negated(spec, args, expected, actual):
    if np.any(expected != 0) and _is(actual, -expected):
        return "your result has the wrong sign: did you forget the minus sign in -log?"
    return None


def _swapped(spec, args, expected, actual):
    with np.errstate(all="ignore"):
        other = np.asarray(spec.reference(*reversed(args)), dtype=np.float64)
    if not _is(other, expected) and _is(actual, other):
        first, second = spec.arg_names
        return (
            f"your arguments are swapped: you computed the value for ({second}, {first}). "
            f"{spec.order}"
        )
    return None


def _epsilon(spec, args, expected, actual):
    for eps in 10.0 ** -np.arange(4, 17):
        value = np.asarray(spec.epsilon.value(args, eps))
        same = np.isclose(value, expected, rtol=_RTOL, atol=0)
        if np.isclose(actual, value, rtol=_RTOL, atol=0) and not same:
            return (
                f"your answer matches {spec.epsilon.formula} with eps = {eps:g}. An epsilon "
                "(or a clip) inside the log shifts the answer wherever a probability is "
                f"comparable to it, and hides an infinite cost (chapter 6). {spec.epsilon.fix}"
            )
    return None


def _averaged(spec, args, expected, actual):
    p = args[0]
    for n in {p.size, int(np.count_nonzero(p))}:
        if n > 1 and np.any(expected != 0) and _is(actual, expected / n):
            return (
                f"your result is the mean of the terms {spec.terms}, not their sum: the "
                "weights p_i already make the sum an average over outcomes. Use np.sum."
            )
    return None


def _same_as(other_fn: Callable, what: str):
    def detector(spec, args, expected, actual):
        other = np.asarray(other_fn(*args), dtype=np.float64)
        if not _is(other, expected) and _is(actual, other):
            return f"you computed {what}."
        return None

    return detector


def _summed(spec, args, expected, actual):
    n = args[0].size
    if n > 1 and np.any(expected != 0) and _is(actual, n * expected):
        return "your result is the sum over the examples; this check asks for their mean."
    return None


def _bce_one_term(spec, args, expected, actual):
    y, y_hat = args
    with np.errstate(all="ignore"):
        ones = np.where(y > 0, -y * np.log(y_hat), 0.0)
        # averaged over every example, or over the examples labelled 1 only
        candidates = [np.mean(ones), np.sum(ones) / np.count_nonzero(y)]
    for value in map(np.asarray, candidates):
        if not _is(value, expected) and _is(actual, value):
            return (
                "only the y = 1 examples contribute to your loss: add the "
                "(1 - y) log(1 - y_hat) term for the examples labelled 0, and average over "
                "all the examples."
            )
    return None


def _overflow(spec, args, expected, actual):
    (z,) = args
    if z.max() > 700 and not np.isfinite(actual).all():
        return (
            "exp overflowed (exp(710) is already inf in float64). Subtract the largest "
            "logit before exponentiating: softmax(z) = softmax(z - max(z))."
        )
    if z.max() < -700 and not np.isfinite(actual).all():
        return (
            "exp underflowed to 0 for every logit, giving 0 / 0. Subtract the largest "
            "logit before exponentiating: softmax(z) = softmax(z - max(z))."
        )
    return None


def _shifted_by_min(spec, args, expected, actual):
    (z,) = args
    gap = float(z.max() - z.min())
    top = int(np.argmax(z))
    if z.max() < 700 < gap and not np.isfinite(actual[top]):
        return (
            f"the largest logit's entry is not finite: did you subtract the smallest logit? "
            f"Then the largest exponent is max(z) - min(z), here {_fmt(gap)}, and exp "
            "overflows. Subtract the largest logit, so that every exponent is at most 0."
        )
    return None


def _not_normalized(spec, args, expected, actual):
    if not (np.isfinite(actual).all() and (actual >= 0).all()):
        return None
    total = float(np.sum(actual))
    if not math.isclose(total, 1.0, rel_tol=1e-3):
        return f"your probabilities sum to {_fmt(total)}, not 1: divide by the sum of the exps."
    return None


def _negated_logits(spec, args, expected, actual):
    (z,) = args
    other = np.asarray(spec.reference(-z), dtype=np.float64)
    if not _is(other, expected) and _is(actual, other):
        return "larger logits should get larger probabilities: use exp(z), not exp(-z)."
    return None


def _returned_log(spec, args, expected, actual):
    if _is(actual, np.log(expected)):
        return "you returned log-probabilities; softmax returns the probabilities themselves."
    return None


def _log_underflow(spec, args, expected, actual):
    if np.isneginf(actual).any() and np.isfinite(expected).all():
        return (
            "-inf where the exact answer is finite: exp underflowed to 0 before the log. "
            "Compute z - max(z) - log(sum(exp(z - max(z)))) instead of log(softmax(z))."
        )
    return None


def _returned_softmax(spec, args, expected, actual):
    if _is(actual, np.exp(expected)):
        return "you returned probabilities; log_softmax returns their logarithms."
    return None


def _not_normalized_log(spec, args, expected, actual):
    (z,) = args
    if _is(actual, z) or _is(actual, z - z.max()):
        return "subtract log(sum(exp(z))) (the log-sum-exp) so the probabilities sum to 1."
    return None


# The mistakes looked for in both functions of a truth p and a model q (cross-entropy, KL).
_PAIR_DIAGNOSES = (
    _infinite,
    _zero_log_zero,
    _epsilon,
    _swapped,
    _averaged,
    _in_bits,
    _in_log10,
    _negated,
    _nearly,
)


fill_docs(globals())
