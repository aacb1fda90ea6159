"""Docstring paragraphs that many public functions share, each written once.

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

_CHECK_RETURNS = """\
Returns
-------
bool
    True if every case matches :func:`xentbook.{name}`, otherwise False.
    Feedback is printed either way."""

# Only paragraphs that three or more docstrings share; every other docstring is
# written out in full, and every Example shows its own imports.
PARAGRAPHS = {
    # Every measure that takes ``base`` (checked by ``_validation.check_base``)
    "base": """\
base : float, optional
    Base of the logarithm, greater than 1. None (the default) gives nats,
    2 gives bits. Bases between 0 and 1 are refused: they would flip every sign.""",
    # The self-checks of xentbook.check
    "check_returns": _CHECK_RETURNS,
    # Figures of xentbook.plotting
    "ax": """\
ax : matplotlib Axes, optional
    Where to draw; a new figure when None.

Returns
-------
matplotlib Axes""",
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
