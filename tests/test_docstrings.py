"""Tests for xentbook._docstrings: shared paragraphs are filled in, indented, everywhere."""

from __future__ import annotations

import inspect

import pytest

import xentbook as xb
from xentbook import _docstrings
from xentbook import plotting as xp


def _public(module):
    return [
        (name, getattr(module, name)) for name in module.__all__ if callable(getattr(module, name))
    ]


@pytest.mark.parametrize(
    ("name", "obj"), _public(xb) + _public(xb.check) + _public(xp), ids=lambda x: str(x)[:40]
)
def test_no_placeholder_is_left(name, obj):
    assert "%(" not in (obj.__doc__ or ""), name


def test_paragraph_takes_the_placeholder_indent_and_the_name():
    def my_check(fn):
        """Check.

        Parameters
        ----------
        fn : callable
            Yours.

        %(check_returns)s
        """

    namespace = {"__all__": ["my_check"], "my_check": my_check}
    _docstrings.fill_docs(namespace)
    doc = inspect.cleandoc(my_check.__doc__)
    assert (
        "\nReturns\n-------\nbool\n    True if every case matches :func:`xentbook.my_check`" in doc
    )


@pytest.mark.parametrize(
    ("key", "functions"),
    [
        ("base", (xb.surprisal, xb.entropy, xb.cross_entropy, xb.kl_divergence)),
        ("softmax_cross_entropy_args", (xb.softmax_cross_entropy, xb.softmax_cross_entropy_grad)),
        ("plot_imports", (xp.plot_log_bound, xp.plot_surprisal, xp.plot_focal_loss)),
    ],
)
def test_shared_paragraph_reads_the_same_in_each_function(key, functions):
    paragraph = _docstrings.PARAGRAPHS[key]
    for fn in functions:
        assert paragraph in inspect.cleandoc(fn.__doc__), fn.__name__


def test_unknown_placeholder_fails_at_import():
    def f():
        """Doc.

        %(no_such_paragraph)s
        """

    with pytest.raises(KeyError, match="no_such_paragraph"):
        _docstrings.fill_docs({"__all__": ["f"], "f": f})
