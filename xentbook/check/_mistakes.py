"""The mistakes the self-checks recognise: each detector returns a hint or None.

A detector is called as ``detector(spec, args, expected, actual)`` on a failed case, with
``actual`` reshaped like ``expected``. Most mistakes give the answer of another formula
(bits instead of nats, swapped arguments, the log of the answer...): :func:`matches` makes
the detector of each from that formula and its hint.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._runner import ATOL, RTOL, fmt

_LN2 = math.log(2)
_LN10 = math.log(10)


def same(actual: np.ndarray, target: np.ndarray) -> bool:
    """Whether two answers agree to the checks' tolerance (NaN and inf never warn)."""
    with np.errstate(all="ignore"):
        return bool(np.all(np.isclose(actual, target, rtol=RTOL, atol=ATOL)))


def matches(other: Callable, hint: str | Callable) -> Callable:
    """The detector of a mistake whose answer is ``other(spec, args, expected)``.

    It fires where the student's answer equals that value and the value differs from the
    right one. ``hint`` is the text, or ``hint(spec)`` for a text that names the function.
    """

    def detector(spec, args, expected, actual):
        with np.errstate(all="ignore"):
            value = np.asarray(other(spec, args, expected), dtype=np.float64)
        if not same(value, expected) and same(actual, value):
            return hint(spec) if callable(hint) else hint
        return None

    return detector


def same_as(other_fn: Callable, what: str) -> Callable:
    """The detector of a student who computed ``other_fn(*args)``, another quantity."""
    return matches(lambda spec, args, expected: other_fn(*args), f"you computed {what}.")


in_bits = matches(
    lambda spec, args, expected: expected / _LN2,
    "your result is in bits (it is the expected value divided by ln 2); this check asks for "
    "nats: use the natural logarithm, np.log.",
)
in_log10 = matches(
    lambda spec, args, expected: expected / _LN10,
    "your result uses base-10 logarithms; this check asks for nats: use the natural "
    "logarithm, np.log.",
)
negated = matches(
    lambda spec, args, expected: -expected,
    "your result has the wrong sign: did you forget the minus sign in -log?",
)
swapped = matches(
    lambda spec, args, expected: spec.reference(*reversed(args)),
    lambda spec: (
        f"your arguments are swapped: you computed the value for "
        f"({spec.arg_names[1]}, {spec.arg_names[0]}). {spec.order}"
    ),
)
summed = matches(
    lambda spec, args, expected: args[0].size * expected,
    "your result is the sum over the examples; this check asks for their mean.",
)
negated_logits = matches(
    lambda spec, args, expected: spec.reference(-args[0]),
    "larger logits should get larger probabilities: use exp(z), not exp(-z).",
)
returned_log = matches(
    lambda spec, args, expected: np.log(expected),
    "you returned log-probabilities; softmax returns the probabilities themselves.",
)
returned_softmax = matches(
    lambda spec, args, expected: np.exp(expected),
    "you returned probabilities; log_softmax returns their logarithms.",
)
inverted = matches(
    lambda spec, args, expected: 1 / expected,
    "your answer is 1/T. The temperature divides the logits, softmax(z / T); the beta = 1/T "
    "of a search over beta multiplies them. Return 1 / beta, or divide by T where you "
    "multiplied.",
)


def infinite(spec, args, expected, actual):
    if np.isinf(expected).any() and np.isfinite(actual).all():
        return (
            "the exact answer is +inf: a probability of 0 for an outcome that happens is "
            "infinitely surprising. Do not add a small epsilon or clip; let log 0 = -inf through."
        )
    return None


def zero_log_zero(spec, args, expected, actual):
    has_zero = any(isinstance(a, np.ndarray) and (a == 0).any() for a in args)
    if has_zero and np.isnan(actual).any() and not np.isnan(expected).any():
        return spec.zero
    return None


def nearly(spec, args, expected, actual):
    finite = np.isfinite(expected)
    if np.array_equal(finite, np.isfinite(actual)) and np.allclose(
        actual[finite], expected[finite], rtol=1e-3, atol=1e-5
    ):
        return spec.near
    return None


def epsilon(spec, args, expected, actual):
    for eps in 10.0 ** -np.arange(4, 17):
        value = np.asarray(spec.epsilon.value(args, eps))
        right = np.isclose(value, expected, rtol=RTOL, atol=0)
        if np.isclose(actual, value, rtol=RTOL, atol=0) and not right:
            return (
                f"your answer matches {spec.epsilon.formula} with eps = {eps:g}. An epsilon "
                "(or a clip) inside the log shifts the answer wherever a probability is "
                f"comparable to it, and hides an infinite cost (chapter 6). {spec.epsilon.fix}"
            )
    return None


def averaged(spec, args, expected, actual):
    p = args[0]
    for n in {p.size, int(np.count_nonzero(p))}:
        if n > 1 and np.any(expected != 0) and same(actual, expected / n):
            return (
                f"your result is the mean of the terms {spec.terms}, not their sum: the "
                "weights p_i already make the sum an average over outcomes. Use np.sum."
            )
    return None


def bce_one_term(spec, args, expected, actual):
    y, y_hat = args
    with np.errstate(all="ignore"):
        ones = np.where(y > 0, -y * np.log(y_hat), 0.0)
        # averaged over every example, or over the examples labelled 1 only
        candidates = [np.mean(ones), np.sum(ones) / np.count_nonzero(y)]
    for value in map(np.asarray, candidates):
        if not same(value, expected) and same(actual, value):
            return (
                "only the y = 1 examples contribute to your loss: add the "
                "(1 - y) log(1 - y_hat) term for the examples labelled 0, and average over "
                "all the examples."
            )
    return None


def overflow(spec, args, expected, actual):
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


def shifted_by_min(spec, args, expected, actual):
    (z,) = args
    gap = float(z.max() - z.min())
    top = int(np.argmax(z))
    if z.max() < 700 < gap and not np.isfinite(actual[top]):
        return (
            f"the largest logit's entry is not finite: did you subtract the smallest logit? "
            f"Then the largest exponent is max(z) - min(z), here {fmt(gap)}, and exp "
            "overflows. Subtract the largest logit, so that every exponent is at most 0."
        )
    return None


def not_normalized(spec, args, expected, actual):
    if not (np.isfinite(actual).all() and (actual >= 0).all()):
        return None
    total = float(np.sum(actual))
    if not math.isclose(total, 1.0, rel_tol=1e-3):
        return f"your probabilities sum to {fmt(total)}, not 1: divide by the sum of the exps."
    return None


def log_underflow(spec, args, expected, actual):
    if np.isneginf(actual).any() and np.isfinite(expected).all():
        return (
            "-inf where the exact answer is finite: exp underflowed to 0 before the log. "
            "Compute z - max(z) - log(sum(exp(z - max(z)))) instead of log(softmax(z))."
        )
    return None


def not_normalized_log(spec, args, expected, actual):
    (z,) = args
    if same(actual, z) or same(actual, z - z.max()):
        return "subtract log(sum(exp(z))) (the log-sum-exp) so the probabilities sum to 1."
    return None
