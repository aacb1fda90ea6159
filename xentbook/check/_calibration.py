"""Self-check of temperature scaling: the temperature that minimises the log loss."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import xentbook as xb

from .._docstrings import fill_docs
from . import _mistakes as m
from ._runner import SEED, Case, Spec, run

__all__ = ["fit_temperature"]


def fit_temperature(fn: Callable) -> bool:
    """Check ``fn(target, logits) -> float``, the temperature that minimises the log loss.

    Parameters
    ----------
    fn : callable
        Your function. It receives the class indices ``target`` (a 1-D int array of
        length n) and the ``logits`` (an (n, K) float64 array), and returns the
        temperature T > 0 that minimises the mean cross-entropy of
        ``softmax(logits / T)``, to a relative accuracy of 1e-6 or better. Every case
        has such a minimiser.

    %(check_returns)s

    See Also
    --------
    xentbook.fit_temperature : the fit itself, which also says when no minimiser exists.

    Notes
    -----
    With :math:`\\beta = 1/T` the mean log loss is convex in :math:`\\beta`, and its
    derivative :math:`\\frac1n \\sum_i (\\mathbb E_{q_i} z_i - z_{i y_i})`, with
    :math:`q_i = \\operatorname{softmax}(\\beta z_i)`, increases with :math:`\\beta`: bisection
    on its sign finds the minimiser to any accuracy. The cases include logits in the
    hundreds, where ``np.exp(z)`` overflows unless each row's largest logit is
    subtracted first (:func:`xentbook.softmax` does it).

    Examples
    --------
    xentbook's own fit passes:

    >>> import xentbook as xb
    >>> xb.check.fit_temperature(xb.fit_temperature)
    fit_temperature: all 7 cases passed. Well done!
    True

    A temperature rounded to two decimals, as a coarse search would find it, is close
    but not exact:

    >>> def rounded(target, logits):
    ...     return round(xb.fit_temperature(target, logits), 2)
    >>> xb.check.fit_temperature(rounded)
    fit_temperature: case 1 of 7 failed (ten examples with the logits (2, 0), seven of class 0).
      input:    target = [0, 0, 0, 0, 0, 0, 0, 1, ...], logits = a 10 x 2 array, first row [2, 0]
      expected: 2.36045
      got:      2.36
      hint: your T is close but not exact. A grid search, or a search that stops early, is only
            as accurate as its step: bisect on the sign of the derivative until the bracket is
            narrower than 1e-10 of its ends.
    False
    """
    spec = Spec(
        "fit_temperature",
        ("target", "logits"),
        lambda target, logits: xb.fit_temperature(target, logits),
        _temperature_cases(),
        (_overflowed, m.inverted, m.nearly),
        no_warning=(
            "compute the softmax of logits / T with xb.softmax, or subtract each row's largest "
            "logit before exponentiating, so that exp never overflows."
        ),
        arguments=(
            "the arguments are the class indices `target` (a 1-D int array) and the `logits` "
            "(a 2-D float array, one row per example), in that order."
        ),
        near=(
            "your T is close but not exact. A grid search, or a search that stops early, is "
            "only as accurate as its step: bisect on the sign of the derivative until the "
            "bracket is narrower than 1e-10 of its ends."
        ),
    )
    return run(spec, fn)


def _temperature_cases() -> list[Case]:
    """Logits and targets drawn from softmax(logits / T) for a known T, so that a finite
    minimiser exists; one case has the closed form T = 2 / ln(7/3)."""
    rng = np.random.default_rng(SEED + 5)
    cases = [
        Case(
            "ten examples with the logits (2, 0), seven of class 0",
            (np.array([0] * 7 + [1] * 3), np.tile([2.0, 0.0], (10, 1))),
        )
    ]
    for label, n, k, scale, temperature in [
        ("an overconfident model (T near 4)", 40, 3, 6.0, 4.0),
        ("an underconfident model (T below 1)", 60, 4, 0.5, 0.3),
        ("two classes", 30, 2, 3.0, 2.0),
        ("many classes", 80, 10, 4.0, 2.5),
        ("logits in the hundreds: exp(z) overflows", 50, 5, 400.0, 300.0),
        ("three examples, three classes", 3, 3, 1.0, 2.0),
    ]:
        logits = rng.normal(scale=scale, size=(n, k))
        cumulative = np.cumsum(xb.softmax(logits / temperature), axis=1)
        target = np.minimum((rng.random((n, 1)) > cumulative).sum(axis=1), k - 1)
        cases.append(Case(label, (target, logits)))
    return cases


def _overflowed(spec, args, expected, actual):
    if np.abs(args[1]).max() > 700:
        return (
            "these logits reach the hundreds, where np.exp overflows to inf and inf / inf is "
            "NaN: compute the softmax with xb.softmax, or subtract each row's largest logit "
            "before exponentiating."
        )
    return None


fill_docs(globals())
