"""The book's MyST, parsed once: roles, directives, targets and display math, with positions.

Private to ``tools``. The reader copies (:mod:`tools.reader_copy`) and the student edition
(:mod:`tools.student_edition`) both read MyST through here. The parser is the one the book's
build uses: ``markdown-it-py`` with myst-parser's plugins and the extensions listed in
``_config.yml``; directive options are parsed by myst-parser against the option specs of the
directives the build registers (sphinx-exercise's, docutils' admonitions). Each element carries
its place in the text, so a caller rewrites only the MyST and keeps every other character.

Directives listed in ``DIRECTIVES`` have their options parsed; any other comes with its text
unparsed, and a caller that must render it raises ``ValueError``, so that a new construct is
taught to the tools instead of reaching a reader raw.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from docutils.parsers.rst.directives import admonitions
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.directives import parse_directive_text
from myst_parser.parsers.mdit import create_md_parser
from sphinx_exercise import directive as exercise

ROOT = Path(__file__).resolve().parents[1]

# The directives the book uses, with the classes whose option specs the build applies.
DIRECTIVES = {
    "exercise": exercise.ExerciseDirective,
    "solution": exercise.SolutionDirective,
    "solution-start": exercise.SolutionStartDirective,
    "solution-end": exercise.SolutionEndDirective,
    "admonition": admonitions.Admonition,
    **{
        name: getattr(admonitions, name.capitalize())
        for name in ("attention", "caution", "danger", "error", "hint", "important", "note")
    },
    "tip": admonitions.Tip,
    "warning": admonitions.Warning,
}


@dataclass(frozen=True)
class Role:
    """``{name}`content```, at ``text[start:end]``."""

    name: str
    content: str
    start: int
    end: int


@dataclass(frozen=True)
class Directive:
    """A fenced directive over whole lines ``text[start:end]``, indented by ``indent``."""

    name: str
    argument: str
    options: dict
    body: str
    start: int
    end: int
    indent: str


@dataclass(frozen=True)
class Target:
    """A ``(label)=`` line."""

    label: str
    start: int
    end: int


@dataclass(frozen=True)
class Math:
    """A display equation (``$$ ... $$``), with its label if it has one."""

    content: str
    label: str | None
    start: int
    end: int
    indent: str


@dataclass(frozen=True)
class Heading:
    """A heading, with its text as a reader sees it (roles and markup removed)."""

    level: int
    text: str
    start: int
    end: int


Element = Role | Directive | Target | Math | Heading


@cache
def parser(root: Path = ROOT) -> MarkdownIt:
    """The markdown-it parser with the MyST extensions that ``root/_config.yml`` enables."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    extensions = set(config.get("parse", {}).get("myst_enable_extensions", []))
    return create_md_parser(MdParserConfig(enable_extensions=extensions), RendererHTML)


def elements(text: str) -> list[Element]:
    """The MyST elements of ``text`` in reading order; directive bodies are not entered."""
    starts = _line_starts(text)
    found: list[Element] = []
    cursors: dict[int, int] = {}
    tokens = parser().parse(text)
    for i, token in enumerate(tokens):
        if token.map is None:
            continue
        start, end = starts[token.map[0]], starts[token.map[1]]
        indent = re.match(r" *", text[start:end])[0]
        if token.type == "myst_target":
            found.append(Target(token.content, start, end))
        elif token.type in ("fence", "colon_fence") and token.info.startswith("{"):
            found.append(_directive(token, start, end, indent))
        elif token.type in ("math_block", "math_block_label"):
            found.append(Math(token.content.strip("\n"), token.info or None, start, end, indent))
        elif token.type == "amsmath":
            raise ValueError(f"line {token.map[0] + 1}: write display math as `$$ ... $$`")
        elif token.type == "heading_open":
            inline = tokens[i + 1]
            found.append(Heading(int(token.tag[1:]), plain_text(inline), start, end))
        elif token.type == "inline":
            cursor = cursors.get(start, start)
            for role in _roles(text, inline=token, cursor=cursor, end=end):
                found.append(role)
                cursor = role.end
            cursors[start] = cursor
    return sorted(found, key=lambda e: (e.start, -e.end))


def plain_text(inline: Token) -> str:
    """The text of an inline token as the site shows it: markup and role names dropped."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline", "myst_role"):
            parts.append(child.content)
        elif child.type == "math_inline":
            parts.append(f"${child.content}$")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def rewrite(text: str, render: Callable[[Element], str | None]) -> str:
    """``text`` with each element for which ``render`` returns a string replaced by it.

    Block elements (directives, targets, display math) are whole lines: their replacement
    is indented as the element was and ends with a newline unless empty. Elements inside a
    replaced one are not visited (directive bodies are never visited: render them yourself).
    """
    out, last = [], 0
    for element in elements(text):
        if element.start < last:
            continue
        replacement = render(element)
        if replacement is None:
            continue
        if not isinstance(element, Role) and replacement:
            indent = getattr(element, "indent", "")
            lines = replacement.rstrip("\n").split("\n")
            replacement = "".join(f"{indent}{line}".rstrip() + "\n" for line in lines)
        out += [text[last : element.start], replacement]
        last = element.end
    return "".join([*out, text[last:]])


def directives(text: str, *names: str) -> Iterator[Directive]:
    """The directives of ``text`` (at any depth) with one of the given names.

    A nested directive's place is in its parent's ``body``, not in ``text``.
    """
    for element in elements(text):
        if isinstance(element, Directive):
            if element.name in names:
                yield element
            yield from directives(element.body, *names)


def _line_starts(text: str) -> list[int]:
    # A token's map ends at the line after it, which may be the end of the text.
    return [0, *(m.end() for m in re.finditer("\n", text)), len(text)]


def _directive(token: Token, start: int, end: int, indent: str) -> Directive:
    name, _, argument = token.info[1:].partition("}")
    if name not in DIRECTIVES:  # a directive of the site's pages only: its text unparsed
        return Directive(name, argument.strip(), {}, token.content, start, end, indent)
    parsed = parse_directive_text(DIRECTIVES[name], argument.strip(), token.content)
    if parsed.warnings:
        raise ValueError(f"directive `{{{name}}}`: {parsed.warnings[0].msg}")
    return Directive(
        name,
        " ".join(parsed.arguments),
        dict(parsed.options),
        "\n".join(parsed.body),
        start,
        end,
        indent,
    )


def _roles(text: str, *, inline: Token, cursor: int, end: int) -> Iterator[Role]:
    # markdown-it gives inline tokens no offsets: find each role, and each code span and
    # formula that could hide role-like text, in order from the block's start.
    for child in inline.children or []:
        if child.type == "myst_role":
            name = child.meta["name"]
            pattern = re.escape(f"{{{name}}}") + r"(`+)" + _loose(child.content) + r"\1"
        elif child.type == "code_inline":
            pattern = re.escape(child.markup) + r"\s*" + _loose(child.content) + r"\s*"
            pattern += re.escape(child.markup)
        else:
            continue
        found = re.compile(pattern).search(text, cursor, end)
        if found is None:
            raise ValueError(f"cannot place {child.type} {child.content!r} in its paragraph")
        cursor = found.end()
        if child.type == "myst_role":
            yield Role(child.meta["name"], child.content, found.start(), found.end())


def _loose(content: str) -> str:
    """A pattern for ``content`` as it may be written: any run of white space may wrap."""
    return r"\s+".join(re.escape(part) for part in content.split())
