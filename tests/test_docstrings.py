"""Tests for xentbook._docstrings: shared paragraphs are filled in, indented, everywhere."""

from __future__ import annotations

import inspect
import re

import pytest

import xentbook as xb
from xentbook import _docstrings
from xentbook import plotting as xp


def _public(module):
    return [
        (name, getattr(module, name)) for name in module.__all__ if callable(getattr(module, name))
    ]


@pytest.mark.parametrize(
    ("name", "obj"),
    [
        pytest.param(name, obj, id=f"{module.__name__}.{name}")  # ids the same on every worker
        for module in (xb, xb.check, xp)
        for name, obj in _public(module)
    ],
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
        ("check_returns", (xb.check.entropy, xb.check.cross_entropy, xb.check.softmax)),
        ("ax", (xp.plot_log_bound, xp.plot_surprisal, xp.plot_focal_loss)),
        ("ax", (xp.plot_normal_kl, xp.plot_entropy_bars, xp.plot_pixel_information)),
        ("base", (xb.entropy, xb.kl_normal, xb.mutual_information)),
    ],
)
def test_shared_paragraph_reads_the_same_in_each_function(key, functions):
    paragraph = _docstrings.PARAGRAPHS[key].replace("{name}", "")
    for fn in functions:
        doc = inspect.cleandoc(fn.__doc__).replace(f"xentbook.{fn.__name__}", "xentbook.")
        assert paragraph in doc, fn.__name__


def test_every_measure_in_nats_by_default_documents_base_with_the_shared_paragraph():
    # One text for one check (`_validation.check_base`): the bases it refuses are named
    # wherever `base` defaults to nats, unless the docstring points to another function's.
    paragraph = _docstrings.PARAGRAPHS["base"]
    documented = []
    for name, obj in _public(xb):
        parameter = inspect.signature(obj).parameters.get("base")
        if parameter is None or parameter.default is not None:
            continue
        doc = inspect.cleandoc(obj.__doc__)
        if "\nbase : " in doc:  # else `base` is listed with others, "As for" another function
            assert paragraph in doc, name
            documented.append(name)
        else:
            assert re.search(r"\n(\w+, )+base\n    As for :func:`\w+`", doc), name
    assert {"surprisal", "kl_normal", "conditional_entropy"} <= set(documented)


def test_every_shared_paragraph_is_shared_by_three_or_more():
    public = _public(xb) + _public(xb.check) + _public(xp)
    for key, paragraph in _docstrings.PARAGRAPHS.items():
        first = paragraph.replace("{name}", "").splitlines()[0]
        users = [name for name, obj in public if first in (obj.__doc__ or "")]
        assert len(users) >= 3, (key, users)


def test_every_example_shows_its_own_imports():
    # An example copied from the source must run: it imports what it uses.
    for name, obj in _public(xb) + _public(xp):
        doc = obj.__doc__ or ""
        if ">>>" in doc:
            uses = {"xb": "import xentbook as xb", "xp": "from xentbook import plotting as xp"}
            for alias, line in uses.items():
                if f"{alias}." in doc.split("Examples", 1)[-1]:
                    assert line in doc, (name, alias)


def test_unknown_placeholder_fails_at_import():
    def f():
        """Doc.

        %(no_such_paragraph)s
        """

    with pytest.raises(KeyError, match="no_such_paragraph"):
        _docstrings.fill_docs({"__all__": ["f"], "f": f})
