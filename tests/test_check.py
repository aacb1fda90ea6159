"""Tests for xentbook.check: sound implementations pass, typical mistakes get the right hint."""

from __future__ import annotations

import math

import numpy as np
import pytest

import xentbook as xb

# --- sound student implementations ------------------------------------------------------


def good_surprisal(p):
    return math.inf if p == 0 else -math.log(p)


def good_entropy(p):
    nz = p[p > 0]
    return -np.sum(nz * np.log(nz))


def good_cross_entropy(p, q):
    keep = p > 0
    if np.any(q[keep] == 0):
        return np.inf
    return -np.sum(p[keep] * np.log(q[keep]))


def good_kl(p, q):
    keep = p > 0
    if np.any(q[keep] == 0):
        return np.inf
    return np.sum(p[keep] * np.log(p[keep] / q[keep]))


def good_bce(y, y_hat):
    with np.errstate(divide="ignore"):  # log 0 = -inf is the answer for a certain, wrong label
        return np.mean(-np.log(np.where(y == 1, y_hat, 1 - y_hat)))


def good_softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def good_log_softmax(z):
    shifted = z - z.max()
    return shifted - np.log(np.sum(np.exp(shifted)))


def fit_temperature_by(softmax):
    """Bisection on the sign of the loss's derivative in beta = 1 / T, with ``softmax``."""

    def fit(target, logits):
        rows = np.arange(len(target))

        def slope(beta):
            q = softmax(beta * logits)
            return np.mean(np.sum(q * logits, axis=1) - logits[rows, target])

        low = high = 1.0
        while slope(low) > 0:
            low /= 2
        while slope(high) < 0:
            high *= 2
        while high - low > 1e-12 * high:
            mid = (low + high) / 2
            low, high = (mid, high) if slope(mid) < 0 else (low, mid)
        return 2 / (low + high)

    return fit


def unshifted_softmax(z):
    e = np.exp(z)  # overflows for logits in the hundreds
    return e / e.sum(axis=1, keepdims=True)


good_fit_temperature = fit_temperature_by(xb.softmax)


def good_histogram_entropy(x, width):
    counts = np.unique(np.floor(x / width), return_counts=True)[1]
    p = counts / counts.sum()
    return -np.sum(p * np.log(p)) + np.log(width)


def plain_python_entropy(p):
    # Lists, loops and math.log: a different but sound style.
    return -sum(x * math.log(x) for x in p.tolist() if x > 0)


@pytest.mark.parametrize(
    ("check", "fn"),
    [
        (xb.check.surprisal, good_surprisal),
        (xb.check.entropy, good_entropy),
        (xb.check.entropy, plain_python_entropy),
        (xb.check.cross_entropy, good_cross_entropy),
        (xb.check.kl_divergence, good_kl),
        (xb.check.binary_cross_entropy, good_bce),
        (xb.check.softmax, good_softmax),
        (xb.check.log_softmax, good_log_softmax),
        (xb.check.fit_temperature, good_fit_temperature),
        (xb.check.histogram_entropy, good_histogram_entropy),
    ],
)
def test_sound_implementation_passes(check, fn, capsys):
    assert check(fn) is True
    out = capsys.readouterr().out
    assert "cases passed. Well done!" in out
    assert out.count("\n") == 1


@pytest.mark.parametrize(
    ("check", "fn"),
    [
        # The package's own functions pass their own checks.
        (xb.check.entropy, xb.entropy),
        (xb.check.cross_entropy, xb.cross_entropy),
        (xb.check.kl_divergence, xb.kl_divergence),
        (xb.check.softmax, lambda z: xb.softmax(z)),
        (xb.check.log_softmax, lambda z: xb.log_softmax(z)),
        (xb.check.binary_cross_entropy, lambda y, y_hat: xb.binary_cross_entropy(y, y_hat)),
        (xb.check.fit_temperature, xb.fit_temperature),
        (xb.check.histogram_entropy, xb.differential_entropy_histogram),
    ],
)
def test_xentbook_passes_its_own_checks(check, fn, capsys):
    assert check(fn) is True


# --- typical mistakes and their hints ---------------------------------------------------


def naive_entropy(p):
    return -np.sum(p * np.log(p))


def clipped_cross_entropy(p, q):
    return -np.sum(p * np.log(np.clip(q, 1e-12, 1)))


def naive_bce(y, y_hat):
    return -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))


def raw_softmax(z):
    return np.exp(z) / np.exp(z).sum()


MISTAKES = [
    # (check, student function, words the hint must contain)
    (xb.check.surprisal, lambda p: -np.log2(p), "in bits"),
    (xb.check.surprisal, lambda p: -math.log(p), "math.log(0) raises"),
    (xb.check.surprisal, lambda p: np.log(p), "wrong sign"),
    (xb.check.surprisal, lambda p: -np.log(max(p, 1e-12)), "eps = 1e-12"),
    (xb.check.surprisal, lambda p: 1e6 if p == 0 else good_surprisal(p), "exact answer is +inf"),
    (xb.check.entropy, naive_entropy, "0 * log 0 = 0"),
    (xb.check.entropy, lambda p: good_entropy(p) / math.log(2), "in bits"),
    (xb.check.entropy, lambda p: good_entropy(p) / math.log(10), "base-10"),
    (xb.check.entropy, lambda p: -good_entropy(p), "wrong sign"),
    (xb.check.entropy, lambda p: np.where(p > 0, -p * np.log(p), 0), "forget to sum"),
    (xb.check.entropy, lambda p: print(good_entropy(p)), "forget the `return`"),
    (xb.check.entropy, lambda p, base: good_entropy(p), "documented order"),
    (xb.check.entropy, lambda p: "one nat", "not a number"),
    (xb.check.cross_entropy, lambda p, q: good_cross_entropy(q, p), "arguments are swapped"),
    (xb.check.cross_entropy, good_kl, "KL(p ‖ q)"),
    (xb.check.cross_entropy, lambda p, q: good_entropy(p), "model q was left out"),
    (xb.check.cross_entropy, clipped_cross_entropy, "Do not add a small epsilon"),
    (xb.check.cross_entropy, lambda p, q: -np.sum(p * np.log(q)), "0 * log 0 = 0"),
    (xb.check.cross_entropy, lambda p, q: good_cross_entropy(p, q) / math.log(2), "in bits"),
    (xb.check.kl_divergence, lambda p, q: np.sum(p * np.log(p / q)), "0 * log 0 = 0"),
    (xb.check.kl_divergence, good_cross_entropy, "you computed the cross-entropy"),
    (xb.check.kl_divergence, lambda p, q: good_kl(q, p), "arguments are swapped"),
    (xb.check.kl_divergence, lambda p, q: -good_kl(p, q), "wrong sign"),
    (xb.check.binary_cross_entropy, naive_bce, "Use only the observed label's term"),
    (xb.check.binary_cross_entropy, lambda y, y_hat: len(y) * good_bce(y, y_hat), "sum over"),
    (
        xb.check.binary_cross_entropy,
        lambda y, y_hat: np.mean(np.where(y == 1, -np.log(y_hat), 0)),
        "only the y = 1 examples",
    ),
    (
        xb.check.binary_cross_entropy,
        lambda y, y_hat: good_bce(y, np.clip(y_hat, 1e-7, 1 - 1e-7)),
        "close but not exact",
    ),
    (xb.check.binary_cross_entropy, lambda y, y_hat: good_bce(y, y_hat) / math.log(2), "bits"),
    (xb.check.softmax, raw_softmax, "exp overflowed"),
    (xb.check.softmax, lambda z: np.round(good_softmax(z), 4), "close but not exact"),
    (xb.check.softmax, lambda z: np.exp(z - z.max()), "not 1: divide by the sum"),
    (xb.check.softmax, lambda z: good_softmax(-z), "not exp(-z)"),
    (xb.check.softmax, good_log_softmax, "returned log-probabilities"),
    (xb.check.softmax, lambda z: good_softmax(z)[:-1], "expected an array of shape (3,)"),
    (xb.check.log_softmax, lambda z: np.log(good_softmax(z)), "exp underflowed to 0"),
    (xb.check.log_softmax, lambda z: np.log(raw_softmax(z)), "exp overflowed"),
    (xb.check.log_softmax, good_softmax, "you returned probabilities"),
    (xb.check.log_softmax, lambda z: z - z.max(), "log-sum-exp"),
]


def softmax_through_logs(z):
    e = np.exp(z - z.max())  # right, but log(0) warns once a term underflows
    return np.exp(np.log(e) - np.log(e.sum()))


def good_cross_entropy_unguarded(p, q):
    keep = p > 0
    return -np.sum(p[keep] * np.log(q[keep]))


def sum_of_math_logs(y, y_hat):
    chosen = [
        h if label == 1 else 1 - h for label, h in zip(y.tolist(), y_hat.tolist(), strict=True)
    ]
    return -sum(math.log(x) for x in chosen) / len(chosen)


def histogram_entropy_by(bins):
    """A histogram estimate whose bins are ``bins(x, width)`` instead of floor(x / width)."""

    def estimate(x, width):
        counts = np.unique(bins(x, width), return_counts=True)[1]
        return xb.entropy(counts / counts.sum()) + np.log(width)

    return estimate


def histogram_entropy_with_empty_bins(x, width):
    edges = np.arange(np.floor(x.min() / width), np.floor(x.max() / width) + 2) * width
    p = np.histogram(x, edges)[0] / len(x)
    return -np.sum(p * np.log(p)) + np.log(width)


# The checks of the problem sets' computational problems (issue 21).
PROBLEM_SET_MISTAKES = [
    (xb.check.fit_temperature, lambda t, z: 1 / good_fit_temperature(t, z), "your answer is 1/T"),
    (
        xb.check.fit_temperature,
        lambda t, z: round(good_fit_temperature(t, z), 3),
        "close but not exact",
    ),
    (xb.check.fit_temperature, fit_temperature_by(unshifted_softmax), "np.exp overflows"),
    (
        xb.check.histogram_entropy,
        histogram_entropy_by(lambda x, w: (x / w).astype(int)),
        "round towards zero",
    ),
    (xb.check.histogram_entropy, histogram_entropy_by(lambda x, w: np.round(x / w)), "centred"),
    (
        xb.check.histogram_entropy,
        histogram_entropy_by(lambda x, w: np.floor((x - x.min()) / w)),
        "start at the smallest sample",
    ),
    (
        xb.check.histogram_entropy,
        lambda x, w: good_histogram_entropy(x, w) - np.log(w),
        "add ln(width)",
    ),
    (
        xb.check.histogram_entropy,
        lambda x, w: good_histogram_entropy(x, w) - 2 * np.log(w),
        "wrong sign",
    ),
    (
        xb.check.histogram_entropy,
        lambda x, w: good_histogram_entropy(x, w) / math.log(2),
        "in bits",
    ),
    (xb.check.histogram_entropy, histogram_entropy_with_empty_bins, "an empty bin"),
]


# Mistakes the checks used to let through or answer with a generic hint (issue 9).
NEW_MISTAKES = [
    # right answers that make NumPy warn
    (xb.check.surprisal, lambda p: -np.log(p), "divide by zero encountered in log"),
    (xb.check.surprisal, lambda p: -np.log(p), "return math.inf"),
    (
        xb.check.entropy,
        lambda p: -np.sum(np.where(p > 0, p * np.log(p), 0)),
        "keep only the outcomes with p_i > 0 (p[p > 0]) before taking the log",
    ),
    (xb.check.cross_entropy, lambda p, q: good_cross_entropy_unguarded(p, q), "return inf at once"),
    (
        xb.check.kl_divergence,
        lambda p, q: np.sum(np.where(p > 0, p * np.log(p / q), 0)),
        "made NumPy warn",
    ),
    (
        xb.check.binary_cross_entropy,
        lambda y, y_hat: np.mean(-np.log(np.where(y == 1, y_hat, 1 - y_hat))),
        "np.errstate(divide='ignore')",
    ),
    (xb.check.softmax, softmax_through_logs, "made NumPy warn"),
    # an epsilon inside the log
    (xb.check.surprisal, lambda p: -np.log(p + 1e-12), "-log(p + eps) with eps = 1e-12"),
    (xb.check.surprisal, lambda p: -np.log(p + 1e-16), "eps = 1e-16"),
    (xb.check.entropy, lambda p: -np.sum(p * np.log(p + 1e-12)), "eps = 1e-12"),
    (xb.check.entropy, lambda p: -np.sum(p * np.log(p + 1e-16)), "eps = 1e-16"),
    (xb.check.entropy, lambda p: -np.sum(p * np.log(p + 1e-9)), "0 * log 0 = 0 needs no epsilon"),
    (xb.check.cross_entropy, lambda p, q: -np.sum(p * np.log(q + 1e-12)), "log(q_i + eps)"),
    (
        xb.check.kl_divergence,
        lambda p, q: np.sum(p * np.log((p + 1e-10) / (q + 1e-10))),
        "eps = 1e-10",
    ),
    (
        xb.check.binary_cross_entropy,
        lambda y, y_hat: -np.mean(y * np.log(y_hat + 1e-7) + (1 - y) * np.log(1 - y_hat + 1e-7)),
        "log(y_hat + eps)",
    ),
    # the mean of the terms instead of their sum
    (xb.check.entropy, lambda p: -np.mean(p[p > 0] * np.log(p[p > 0])), "mean of the terms -p_i"),
    (xb.check.entropy, lambda p: good_entropy(p) / p.size, "Use np.sum"),
    (
        xb.check.cross_entropy,
        lambda p, q: good_cross_entropy(p, q) / p.size,
        "mean of the terms -p_i log q_i",
    ),
    (xb.check.kl_divergence, lambda p, q: good_kl(p, q) / p.size, "terms p_i log(p_i / q_i)"),
    # binary cross-entropy with the y = 1 term only
    (
        xb.check.binary_cross_entropy,
        lambda y, y_hat: -np.mean(y * np.log(y_hat)),
        "only the y = 1 examples",
    ),
    (
        xb.check.binary_cross_entropy,
        lambda y, y_hat: -np.mean(np.log(y_hat[y == 1])),
        "only the y = 1 examples",
    ),
    # softmax shifted by the smallest logit
    (
        xb.check.softmax,
        lambda z: np.exp(z - z.min()) / np.exp(z - z.min()).sum(),
        "did you subtract the smallest logit?",
    ),
    (
        xb.check.log_softmax,
        lambda z: (z - z.min()) - np.log(np.sum(np.exp(z - z.min()))),
        "did you subtract the smallest logit?",
    ),
    # hints worded for the function checked
    (xb.check.binary_cross_entropy, lambda y, y_hat: sum_of_math_logs(y, y_hat), "costs +inf"),
    (xb.check.surprisal, lambda p: -math.log(p), "treat p = 0 first"),
]


@pytest.mark.parametrize(("check", "fn", "hint"), MISTAKES + NEW_MISTAKES + PROBLEM_SET_MISTAKES)
def test_mistake_is_diagnosed(check, fn, hint, capsys):
    assert check(fn) is False
    out = capsys.readouterr().out
    assert "failed" in out
    assert "input:" in out
    assert "expected:" in out
    # Hints are wrapped over lines; compare with the whitespace collapsed.
    assert hint in " ".join(out.split())


def test_failure_report_names_input_expected_and_actual(capsys):
    assert xb.check.entropy(naive_entropy) is False
    assert capsys.readouterr().out.splitlines()[:4] == [
        "entropy: case 3 of 10 failed (a distribution with a zero).",
        "  input:    p = [0.5, 0.5, 0]",
        "  expected: 0.693147",
        "  got:      nan",
    ]


def test_exception_is_reported_not_raised(capsys):
    def broken(p):
        raise KeyError("oops")

    assert xb.check.entropy(broken) is False
    out = capsys.readouterr().out
    assert "your function raised KeyError: 'oops'" in out


def test_not_a_function(capsys):
    assert xb.check.entropy(0.69) is False
    assert "pass your function itself" in capsys.readouterr().out


def test_feedback_is_deterministic(capsys):
    xb.check.softmax(raw_softmax)
    first = capsys.readouterr().out
    xb.check.softmax(raw_softmax)
    assert capsys.readouterr().out == first


def test_student_cannot_corrupt_the_cases(capsys):
    def vandal(p):
        result = good_entropy(p)
        p[:] = 0  # in-place damage must not reach the reference or later cases
        return result

    assert xb.check.entropy(vandal) is True


def test_student_warnings_do_not_escape():
    # np.log(0) warns; the check records it (pytest turns RuntimeWarnings into errors),
    # whatever NumPy error handling the caller set.
    with np.errstate(all="raise"):
        assert xb.check.entropy(naive_entropy) is False


def test_a_right_answer_with_a_warning_fails(capsys):
    assert xb.check.surprisal(lambda p: -np.log(p)) is False
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0] == "surprisal: case 6 of 10 failed (an impossible event, infinitely surprising)."
    )
    assert lines[3:5] == [
        "  got:      inf",
        "  warning:  RuntimeWarning: divide by zero encountered in log",
    ]


def test_a_wrong_answer_is_reported_before_a_warning(capsys):
    # warns at p = 0 (case 6) but is wrong from case 1 on
    assert xb.check.surprisal(lambda p: -np.log2(p)) is False
    assert capsys.readouterr().out.startswith("surprisal: case 1 of 10 failed")


@pytest.mark.parametrize(
    ("check", "fn"),
    [
        (xb.check.surprisal, lambda p: np.inf if p == 0 else -np.log(p)),
        (xb.check.binary_cross_entropy, naive_bce),
    ],
)
def test_hints_do_not_borrow_the_entropy_wording(check, fn, capsys):
    check(fn)
    assert "leave the zero terms out of the sum" not in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize(
    ("check", "fn", "hint"),
    [
        (
            xb.check.cross_entropy,
            lambda p, q: good_cross_entropy(q, p),
            "The truth p comes first and the model q second",
        ),
        (xb.check.kl_divergence, lambda p, q: good_kl(q, p), "weights by the truth p"),
        (
            xb.check.binary_cross_entropy,
            lambda y, y_hat: xb.binary_cross_entropy(y_hat, y),
            "The labels y come first",
        ),
    ],
)
def test_argument_order_hint_belongs_to_each_check(check, fn, hint, capsys):
    assert check(fn) is False
    assert hint in " ".join(capsys.readouterr().out.split())
