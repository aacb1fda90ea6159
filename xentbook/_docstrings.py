"""Docstring paragraphs that several public functions share, each written once.

SciPy's ``doccer`` pattern: a docstring line that holds only ``%(key)s`` stands for
the paragraph ``key`` below. A module whose docstrings use one ends with
``fill_docs(globals())``, which puts each paragraph in its place, indented like that
line, when the module is imported. ``{name}`` in a paragraph
becomes the name of the function documented. ``help()``, the doctests and the book's
API page all read the filled docstring, so each one stays a complete NumPy docstring.
"""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)%\((?P<key>\w+)\)s[ \t]*$", re.MULTILINE)

_AXIS = """\
axis : int, optional
    The outcome axis, reduced away. Default -1."""

_BASE = """\
base : float, optional
    Base of the logarithm, greater than 1. None (the default) gives nats,
    2 gives bits. Bases between 0 and 1 are refused: they would flip every sign."""

_CHECK_RETURNS = """\
Returns
-------
bool
    True if every case matches :func:`xentbook.{name}`, otherwise False.
    Feedback is printed either way."""

PARAGRAPHS = {
    # Information measures
    "base": _BASE,
    "axis_base": _AXIS + "\n" + _BASE,
    "pq_axis_base": """\
p : array_like
    The true distributions along ``axis``.
q : array_like
    The model distributions along ``axis``; broadcast against ``p``.
"""
    + _AXIS
    + "\n"
    + _BASE,
    # Softmax
    "logits": """\
logits : array_like
    Unnormalised log-probabilities; ``-inf`` and ``+inf`` are allowed, NaN is not.
axis : int, optional
    The class axis. Default -1.""",
    # Prefix codes
    "code_q_symbols": """\
q : array_like
    The model: a probability distribution over the symbols.
symbols : iterable, optional
    Distinct hashable labels, one per probability; a string gives one label per
    character. Default ``0, 1, ..., n - 1``.

Returns
-------
PrefixCode
    The code; symbols with :math:`q_i = 0` have no codeword.""",
    # Softmax cross-entropy and its gradient
    "softmax_cross_entropy_args": """\
target : array_like
    Either integer class indices, with the shape of ``logits`` without the
    class axis (a scalar for 1-D ``logits``); or floating class probabilities
    with the shape of ``logits``, each summing to 1 along ``axis``.
logits : array_like
    Unnormalised log-probabilities; ``-inf`` and ``+inf`` are allowed.
axis : int, optional
    The class axis of ``logits``. Default -1 (PyTorch uses 1).
weight : array_like, optional
    One rescaling weight per class.
ignore_index : int, optional
    Index targets equal to this contribute nothing, not even to the mean's
    denominator. Default -100. Unused for probability targets.
label_smoothing : float, optional
    In [0, 1]: mix the target with the uniform distribution, ``eps``.
reduction : {'mean', 'sum', 'none'}, optional
    How to combine the per-example losses. Default 'mean'.""",
    # Scoring
    "target_probs": """\
target : array_like of int
    The true class of each example: ``probs`` without its last axis.
probs : array_like
    Predicted probability distributions along the last axis, shape ``(..., K)``.""",
    # Synthetic data
    "spread_returns": """\
spread : float, optional
    Standard deviation of each cluster along every axis. Default 1.0.

Returns
-------
X : ndarray of shape (n, 2), float64
    The features.""",
    # Models
    "features": """\
X : array_like of shape (n, d)
    Features, one row per example.""",
    # Self-checks
    "check_returns": _CHECK_RETURNS,
    "check_pq": """\
fn : callable
    Your function. It receives the true distribution ``p`` and the model ``q``,
    in that order, as 1-D float64 arrays.

"""
    + _CHECK_RETURNS,
    # Figures
    "ax": """\
ax : matplotlib Axes, optional
    Where to draw; a new figure when None.

Returns
-------
matplotlib Axes""",
    # The imports a figure's Examples start with (SciPy's stats docstrings share theirs too).
    "plot_imports": """\
>>> import matplotlib.pyplot as plt
>>> from xentbook import plotting as xp""",
}


def fill_docs(namespace: dict) -> None:
    """Fill the placeholders of every function and class a module lists in ``__all__``."""
    for name in namespace["__all__"]:
        obj = namespace[name]
        if obj.__doc__:  # None under ``python -OO``
            obj.__doc__ = _fill(obj.__doc__, name)


def _fill(doc: str, name: str) -> str:
    return _PLACEHOLDER.sub(lambda m: _paragraph(m, name), doc)


def _paragraph(match: re.Match, name: str) -> str:
    indent = match["indent"]
    text = PARAGRAPHS[match["key"]].replace("{name}", name)
    return "\n".join(indent + line if line else line for line in text.splitlines())
