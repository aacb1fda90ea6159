"""Sphinx extension: author-year citations in round brackets, "(Goodfellow et al., 2016)".

sphinxcontrib-bibtex's ``author_year`` style puts parenthetical citations in square brackets
and separates several with commas. This module registers the same style with round brackets
and semicolons, "(Bishop, 2006; Goodfellow et al., 2016)", under the name ``author_year_round``
through sphinxcontrib-bibtex's own plugin registry, so ``bibtex_reference_style`` in
``_config.yml`` can name it. The registration happens on import: the reader copies
(tools/reader_copy.py) import this module too, so their citations read as the site's.
"""

from __future__ import annotations

import dataclasses

from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

NAME = "author_year_round"


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")", sep="; ")


@dataclasses.dataclass
class RoundAuthorYearStyle(AuthorYearReferenceStyle):
    """The author-year style with "(Author, year; Author, year)" for parenthetical citations."""

    bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=_round)


register_plugin("sphinxcontrib.bibtex.style.referencing", NAME, RoundAuthorYearStyle, force=True)


def setup(app):
    return {"parallel_read_safe": True, "parallel_write_safe": True}
