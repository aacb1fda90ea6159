"""The machinery every self-check shares: cases, the run, the report and its hints.

A check is a :class:`Spec`: the reference function, the :class:`Case` inputs and the
mistake detectors. :func:`run` calls the student's function on each case, compares the
answers and prints the report of the first failure with the most telling hint.
"""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

RTOL = 1e-6
ATOL = 1e-9
SEED = 20240601


@dataclass(frozen=True)
class Case:
    """One input: a short description, the arguments passed to the student's function and
    the absolute tolerance (0 where the answer is tiny and must be right to ``RTOL``)."""

    label: str
    args: tuple
    atol: float = ATOL


@dataclass(frozen=True)
class Epsilon:
    """The answer of the formula with a small ``eps`` inside the log, and how to do without."""

    value: Callable  # value(args, eps) -> float
    formula: str
    fix: str


@dataclass(frozen=True)
class Spec:
    """What one check needs: names, reference, cases, mistake detectors and the wording
    of the hints that depend on the function checked."""

    name: str
    arg_names: tuple[str, ...]
    reference: Callable
    cases: list[Case]
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
    epsilon: Epsilon | None = None
    # what the arguments are, for the hint on a TypeError
    arguments: str = (
        "the arguments are 1-D NumPy float arrays (or one float for surprisal); check that "
        "your function takes them in the documented order."
    )
    # what makes an answer nearly right, for the near-miss hint
    near: str = (
        "your answer is close but not exact: adding a small epsilon or clipping "
        "probabilities shifts it. Handle zeros and extremes exactly instead."
    )


def array(*values: float) -> np.ndarray:
    """A fresh 1-D float64 array of the values (a case's input)."""
    return np.array(values, dtype=np.float64)


def run(spec: Spec, fn: Callable) -> bool:
    """Check ``fn`` on every case of ``spec``; print the report; True if all passed."""
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


def _outcome(spec: Spec, fn: Callable, case: Case):
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
    return bool(np.all(np.isclose(a, expected, rtol=RTOL, atol=atol)))


def _diagnose(spec: Spec, failures: list) -> str:
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


def _report(spec: Spec, number: int, case: Case, expected, actual) -> None:
    inputs = ", ".join(f"{n} = {fmt(a)}" for n, a in zip(spec.arg_names, case.args, strict=True))
    print(f"{spec.name}: case {number} of {len(spec.cases)} failed ({case.label}).")
    print(f"  input:    {inputs}")
    print(f"  expected: {fmt(expected)}")
    if actual is not None:
        print(f"  got:      {fmt(actual)}")


def fmt(x) -> str:
    """Six significant digits; short, deterministic and free of NumPy reprs."""
    if isinstance(x, np.ndarray) and x.ndim > 1:
        shape = " x ".join(map(str, x.shape))
        return f"a {shape} array, first row {fmt(x.reshape(-1, x.shape[-1])[0])}"
    if isinstance(x, np.ndarray) and x.ndim > 0:
        items = [fmt(v) for v in x.ravel()[:8]]
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


def _exception_hint(spec: Spec, exc: Exception) -> str:
    if "math domain error" in str(exc):
        return spec.math_domain
    if isinstance(exc, ZeroDivisionError):
        return "a division by zero: zero probabilities need handling on their own."
    if isinstance(exc, OverflowError):
        return "a number overflowed: subtract the largest logit before exponentiating."
    if isinstance(exc, (TypeError, AttributeError)):
        return spec.arguments
    return "run your function on the input above by itself to see where it fails."
