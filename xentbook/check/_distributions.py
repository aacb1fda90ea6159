"""Self-checks of the measures of a distribution: surprisal, entropy, cross-entropy, KL."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

import xentbook as xb

from .._docstrings import fill_docs
from . import _mistakes as m
from ._runner import SEED, Case, Epsilon, Spec, array, run

__all__ = ["cross_entropy", "entropy", "kl_divergence", "surprisal"]

_ZERO_TERMS = (
    "NaN where a zero probability occurs: np.log(0) is -inf and 0 * -inf is NaN. "
    "By convention 0 * log 0 = 0: leave the zero terms out of the sum."
)


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
    rng = np.random.default_rng(SEED)
    cases = [
        Case("a fair coin", (0.5,)),
        Case("one face of a die", (1 / 6,)),
        Case("a near-certain event", (0.999,)),
        Case("a certain event, which carries no information", (1.0,)),
        Case("a one-in-a-billion event", (1e-9,)),
        Case("an impossible event, infinitely surprising", (0.0,)),
        Case("a one-in-10^20 event", (1e-20,)),
        *(Case("a random probability", (float(x),)) for x in rng.uniform(0.01, 1, 3)),
    ]
    spec = Spec(
        "surprisal",
        ("p",),
        lambda p: xb.surprisal(p),
        cases,
        (m.infinite, m.epsilon, m.in_bits, m.in_log10, m.negated, m.nearly),
        no_warning="treat p = 0 first and return math.inf, so that the log never sees 0.",
        math_domain=(
            "math.log(0) raises an error: treat p = 0 first and return math.inf "
            "(-log 0 = +inf, an impossible event is infinitely surprising)."
        ),
        epsilon=Epsilon(
            lambda args, eps: -math.log(args[0] + eps),
            "-log(p + eps)",
            "Return -log p exactly, and math.inf for p = 0.",
        ),
    )
    return run(spec, fn)


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
        Case("a fair coin", (array(0.5, 0.5),)),
        Case("a biased coin", (array(0.9, 0.1),)),
        Case("a distribution with a zero", (array(0.5, 0.5, 0.0),)),
        Case("a one-hot (certain) distribution", (array(0.0, 1.0, 0.0),)),
        Case("a single outcome", (array(1.0),)),
        Case("a fair die", (np.full(6, 1 / 6),)),
        # H is about 3e-11 here: compared to 1e-6 relative, so that an epsilon shows.
        Case("a tiny probability", (array(1 - 1e-12, 1e-12),), atol=0.0),
        *(Case("a random distribution", (p,)) for p in _random_distributions(3)),
    ]
    spec = Spec(
        "entropy",
        ("p",),
        lambda p: xb.entropy(p),
        cases,
        (m.zero_log_zero, m.epsilon, m.averaged, m.in_bits, m.in_log10, m.negated, m.nearly),
        no_warning="keep only the outcomes with p_i > 0 (p[p > 0]) before taking the log.",
        zero=_ZERO_TERMS,
        terms="-p_i log p_i",
        epsilon=Epsilon(
            lambda args, eps: -np.sum(args[0] * np.log(args[0] + eps)),
            "-sum p_i log(p_i + eps)",
            "Leave the zero terms out of the sum instead: 0 * log 0 = 0 needs no epsilon.",
        ),
    )
    return run(spec, fn)


def cross_entropy(fn: Callable) -> bool:
    """Check ``fn(p, q) -> float``, the cross-entropy H(p, q) in nats.

    Parameters
    ----------
    fn : callable
        Your function. It receives the true distribution ``p`` and the model ``q``,
        in that order, as 1-D float64 arrays, and returns ``-sum p_i log q_i``.

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
            m.same_as(lambda p, q: xb.kl_divergence(p, q), "KL(p ‖ q); cross-entropy is H(p) + KL"),
            m.same_as(lambda p, q: xb.entropy(p), "the entropy H(p): the model q was left out"),
        ),
        order="The truth p comes first and the model q second: H(p, q) = -sum p_i log q_i.",
        terms="-p_i log q_i",
        with_epsilon=lambda p, q, eps: -np.sum(p * np.log(q + eps)),
        epsilon_formula="-sum p_i log(q_i + eps)",
    )
    return run(spec, fn)


def kl_divergence(fn: Callable) -> bool:
    """Check ``fn(p, q) -> float``, the KL divergence KL(p ‖ q) in nats.

    Parameters
    ----------
    fn : callable
        Your function. It receives ``p`` and ``q`` as ``xb.check.cross_entropy`` passes
        them, and returns ``sum p_i log(p_i / q_i)``, where terms with ``p_i = 0``
        count 0.

    %(check_returns)s

    Examples
    --------
    Where a model gives 0 to an outcome that happens, ``log p_i - log q_i`` is
    ``+inf``, the right answer, so that division by zero is allowed on purpose:

    >>> import numpy as np
    >>> import xentbook as xb
    >>> def my_kl(p, q):
    ...     keep = p > 0
    ...     with np.errstate(divide="ignore"):
    ...         return np.sum(p[keep] * (np.log(p[keep]) - np.log(q[keep])))
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
            m.same_as(
                lambda p, q: xb.cross_entropy(p, q),
                "the cross-entropy H(p, q); KL(p ‖ q) = H(p, q) - H(p) = sum p_i log(p_i / q_i)",
            ),
        ),
        order="KL(p ‖ q) = sum p_i log(p_i / q_i) weights by the truth p, the first.",
        terms="p_i log(p_i / q_i)",
        with_epsilon=lambda p, q, eps: np.sum(p * np.log((p + eps) / (q + eps))),
        epsilon_formula="sum p_i log((p_i + eps) / (q_i + eps))",
    )
    return run(spec, fn)


def _random_distributions(n: int, seed: int = SEED) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.dirichlet(np.ones(k)) for k in rng.integers(2, 7, n)]


def _pair_cases() -> list[Case]:
    ps = _random_distributions(3, SEED + 2)
    qs = [np.random.default_rng(SEED + 3 + i).dirichlet(np.ones(p.size)) for i, p in enumerate(ps)]
    return [
        Case("a fair coin, modelled exactly", (array(0.5, 0.5), array(0.5, 0.5))),
        Case("a biased model of a fair coin", (array(0.5, 0.5), array(0.9, 0.1))),
        Case("three outcomes", (array(0.2, 0.5, 0.3), array(0.1, 0.6, 0.3))),
        Case("a one-hot truth", (array(0.0, 1.0, 0.0), array(0.2, 0.7, 0.1))),
        Case(
            "zeros in both, where p is 0 (these terms count 0)",
            (array(0.5, 0.5, 0.0), array(0.4, 0.6, 0.0)),
        ),
        Case(
            "a model that rules out an outcome that happens: infinite",
            (array(0.5, 0.5), array(1.0, 0.0)),
        ),
        Case("a near-certain model", (array(0.5, 0.5), array(1 - 1e-12, 1e-12))),
        Case("a model that matches a one-hot truth", (array(1.0, 0.0), array(1.0, 0.0))),
        *(Case("random distributions", (p, q)) for p, q in zip(ps, qs, strict=True)),
    ]


def _pair_spec(name, reference, confusions, *, order, terms, with_epsilon, epsilon_formula) -> Spec:
    """The spec of a check of a function of a truth p and a model q (cross-entropy, KL).

    Both share the cases, the mistakes looked for (``confusions`` add the other
    quantities this one is mistaken for) and the advice on zeros.
    ``with_epsilon(p, q, eps)`` is the formula with ``eps`` inside the log.
    """
    return Spec(
        name,
        ("p", "q"),
        reference,
        _pair_cases(),
        (*_PAIR_MISTAKES, *confusions),
        no_warning=(
            "keep only the outcomes with p_i > 0, and return inf at once if one of them has "
            "q_i = 0, so that the log never sees 0."
        ),
        zero=_ZERO_TERMS,
        order=order,
        terms=terms,
        epsilon=Epsilon(
            lambda args, eps: with_epsilon(*args, eps),
            epsilon_formula,
            "Leave out the terms with p_i = 0, and let a zero q_i for an outcome that happens "
            "give +inf.",
        ),
    )


# The mistakes looked for in both functions of a truth p and a model q (cross-entropy, KL).
_PAIR_MISTAKES = (
    m.infinite,
    m.zero_log_zero,
    m.epsilon,
    m.swapped,
    m.averaged,
    m.in_bits,
    m.in_log10,
    m.negated,
    m.nearly,
)


fill_docs(globals())
