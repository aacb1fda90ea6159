"""Every formula in the book's Markdown survives MyST's block parsing in one piece.

A ``$...$`` span wrapped onto a line that starts with ``- `` or ``1. `` (or broken by a
blank line) is split by the block parser before the math rule ever sees it: the line
becomes a list item and the page shows a stray ``$`` and garbled LaTeX. This module
parses every Markdown source of the book (``.md`` files and the notebooks' Markdown
cells) with MyST's own parser, configured with the book's extensions, descends into
directive bodies (a glossary's definitions, exercises, dropdowns, admonitions) and
fails on any ``$`` left over as plain text after the math rules have run.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
import yaml

myst = pytest.importorskip(
    "myst_parser", reason="the MyST parser comes with jupyter-book: pip install -r requirements.txt"
)
from markdown_it.renderer import RendererHTML  # noqa: E402
from myst_parser.config.main import MdParserConfig  # noqa: E402
from myst_parser.parsers.mdit import create_md_parser  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# Directive bodies that are not Markdown: math is LaTeX, code is code.
NOT_MARKDOWN = {"math", "code", "code-block", "code-cell", "literalinclude", "raw", "eval-rst"}
OPTION_LINE = re.compile(r"^:[\w-]+:")


def _parser():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    extensions = set(config["parse"]["myst_enable_extensions"])
    return create_md_parser(MdParserConfig(enable_extensions=extensions), RendererHTML)


MD = _parser()


def _sources():
    """(name, markdown) for every .md file and notebook Markdown cell under book/."""
    for path in sorted((ROOT / "book").rglob("*.md")):
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "book").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells):
            if cell["cell_type"] == "markdown":
                yield f"{path.relative_to(ROOT)} cell {number}", "".join(cell["source"])


def _directive_body(info: str, content: str) -> list[str]:
    """The Markdown blocks inside a ``{name}`` directive, as MyST hands them on."""
    name = info.strip()[1:].split("}", 1)[0]
    if name in NOT_MARKDOWN:
        return []
    lines = content.splitlines()
    while lines and OPTION_LINE.match(lines[0]):
        lines.pop(0)
    if name != "glossary":
        return ["\n".join(lines)]
    # A glossary is terms at the margin, each followed by an indented definition.
    blocks, current = [], []
    for line in lines:
        if line.strip() and not line[0].isspace():
            blocks.append(textwrap.dedent("\n".join(current)))
            current = []
        else:
            current.append(line)
    blocks.append(textwrap.dedent("\n".join(current)))
    return blocks


def stray_dollars(markdown: str) -> list[str]:
    """The text fragments in which a ``$`` was left unparsed: the pieces of a split formula."""
    found = []
    for token in MD.parse(markdown):
        if token.type in ("fence", "colon_fence") and token.info.strip().startswith("{"):
            for body in _directive_body(token.info, token.content):
                found.extend(stray_dollars(body))
        for child in token.children or []:
            if child.type == "text" and "$" in child.content:
                found.append(child.content)
    return found


SOURCES = list(_sources())


@pytest.mark.parametrize(
    "markdown",
    [
        # the glossary entry as it stood: the second line became a bullet
        "h\n  The entropy, $h(p) = -p \\log p\n  - (1 - p) \\log(1 - p)$: largest at 1/2.",
        "A sum $a\n1. + b$ that starts a numbered list.",
        "A formula $a +\n\nb$ broken by a blank line.",
        ":::{note}\nInside a directive, $x\n- y$ too.\n:::",
    ],
)
def test_a_split_formula_is_detected(markdown):
    blocks = _directive_body("{glossary}", markdown) if markdown.startswith("h\n") else [markdown]
    assert any(stray_dollars(block) for block in blocks)


def test_whole_formulas_pass():
    text = "Inline $h(p) = -p \\log p - (1 - p)\\log(1 - p)$ and\n\n$$\nH(P) \\le \\log n\n$$\n"
    assert stray_dollars(text) == []


def test_sources_were_found():
    names = [name for name, _ in SOURCES]
    assert "book/appendices/glossary.md" in names
    assert any(name.startswith("book/01_surprisal.ipynb") for name in names)


@pytest.mark.parametrize(("name", "markdown"), SOURCES, ids=[name for name, _ in SOURCES])
def test_no_formula_is_split_by_the_block_parser(name, markdown):
    assert stray_dollars(markdown) == [], (
        f"{name}: a $...$ formula is broken across blocks (a wrapped line that starts "
        "with '- ', '+ ', '1. ' or '#' becomes a new block); rewrap it so that no line "
        "of the formula starts a list item or heading"
    )
