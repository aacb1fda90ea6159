"""Tests for xentbook.check: sound implementations pass, typical mistakes get the right hint."""

from __future__ import annotations

import math

import numpy as np
import pytest

import xentbook as xb

# --- sound student implementations ------------------------------------------------------


def good_surprisal(p):
    return -np.log(p)


def good_entropy(p):
    nz = p[p > 0]
    return -np.sum(nz * np.log(nz))


def good_cross_entropy(p, q):
    keep = p > 0
    return -np.sum(p[keep] * np.log(q[keep]))


def good_kl(p, q):
    keep = p > 0
    return np.sum(p[keep] * np.log(p[keep] / q[keep]))


def good_bce(y, y_hat):
    return np.mean(-np.log(np.where(y == 1, y_hat, 1 - y_hat)))


def good_softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def good_log_softmax(z):
    shifted = z - z.max()
    return shifted - np.log(np.sum(np.exp(shifted)))


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
    (xb.check.surprisal, lambda p: -np.log(max(p, 1e-12)), "exact answer is +inf"),
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
    (xb.check.binary_cross_entropy, naive_bce, "0 * log 0 = 0"),
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


@pytest.mark.parametrize(("check", "fn", "hint"), MISTAKES)
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


def test_student_warnings_are_silenced():
    # np.log(0) warns; the check hides it (pytest turns RuntimeWarnings into errors).
    with np.errstate(all="raise"):
        assert xb.check.entropy(naive_entropy) is False
