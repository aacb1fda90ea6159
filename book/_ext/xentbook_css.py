"""Drop the stylesheet rules that cannot match anything on the site.

The theme's stylesheet carries the whole of Bootstrap 5 (cards, carousels, toasts, forms, and a
utility class for every spacing and breakpoint) and MyST-NB's carries the styles of every kind
of notebook output: 0.35 MB that every page loads, most of which no page uses. A selector can
only match an element that carries each class it names; when a class is named by no page and
no script of the site, no element can ever carry it, and the selector is dropped. A rule goes
when all its selectors have gone.

What is kept: every at-rule other than ``@media``/``@supports`` (fonts, keyframes), which are
searched rule by rule; classes inside ``:not()``, ``:is()``, ``:where()`` and ``:has()`` (the
selector may match without them); selectors with escaped characters; and classes that
Bootstrap's script builds at run time from a prefix (``bs-tooltip-`` + a placement), which
no page names in full.
"""

from __future__ import annotations

import re
from pathlib import Path

import tinycss2

_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_WORD = re.compile(r"[\w-]+")
_RUNTIME_PREFIXES = ("bs-",)
_NESTED = ("media", "supports")


def site_texts(outdir: Path) -> dict[Path, str]:
    """The text of every page and of every script in ``_static``, outside JupyterLite: all
    that can name a class on the site."""
    paths = [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")]
    return {
        path: path.read_text(encoding="utf-8", errors="replace")
        for path in paths
        if outdir / "lite" not in path.parents
    }


def _depths(text: str) -> list[int]:
    """How deep in brackets each character is (a bracket counts as inside)."""
    depths, depth = [], 0
    for char in text:
        depth += char in "(["
        depths.append(depth)
        depth -= char in ")]"
    return depths


def split_selectors(prelude: str) -> list[str]:
    """The selectors of a rule's selector list, split at its top-level commas only."""
    depths = _depths(prelude)
    cuts = [i for i, c in enumerate(prelude) if c == "," and depths[i] == 0]
    bounds = zip([-1, *cuts], [*cuts, len(prelude)], strict=True)
    return [prelude[start + 1 : end].strip() for start, end in bounds]


def _outside_brackets(selector: str) -> str:
    return "".join(c for c, d in zip(selector, _depths(selector), strict=True) if d == 0)


def can_match(selector: str, words: set[str]) -> bool:
    """False when the selector names a class that nothing on the site names."""
    if "\\" in selector:
        return True
    classes = _CLASS.findall(_outside_brackets(selector))
    return all(c in words or c.startswith(_RUNTIME_PREFIXES) for c in classes)


def purge(css: str, words: set[str]) -> str:
    """The stylesheet without the selectors, and rules, that can match nothing."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "".join(_kept(rules, words))


def _kept(rules, words: set[str]) -> list[str]:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = split_selectors(tinycss2.serialize(rule.prelude))
            live = [s for s in selectors if can_match(s, words)]
            if live:
                kept.append(",".join(live) + "{" + tinycss2.serialize(rule.content) + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in _NESTED and rule.content:
            nested = tinycss2.parse_rule_list(
                rule.content, skip_comments=True, skip_whitespace=True
            )
            inner = _kept(nested, words)
            if inner:
                prelude = tinycss2.serialize(rule.prelude)
                kept.append(f"@{rule.at_keyword}{prelude}{{{''.join(inner)}}}")
        elif rule.type == "at-rule":
            kept.append(tinycss2.serialize([rule]))
    return kept


def purge_site(outdir: Path, texts: dict[Path, str]) -> None:
    """Purge every stylesheet of the site's pages (MathJax and JupyterLite have their own).

    ``texts`` are :func:`site_texts`: a class that none of them names is on no element.
    """
    words = {word for text in texts.values() for word in _WORD.findall(text)}
    for sheet in site_sheets(outdir):
        css = sheet.read_text(encoding="utf-8")
        sheet.write_text(purge(css, words), encoding="utf-8")


def site_sheets(outdir: Path) -> list[Path]:
    """The stylesheets of the site's pages (MathJax and JupyterLite have their own)."""
    return sorted(p for p in (outdir / "_static").rglob("*.css") if "mathjax" not in p.parts)


def drop_source_maps(outdir: Path) -> None:
    """A source map of a whole sheet would point browsers' tools at rules that are gone."""
    for sheet in site_sheets(outdir):
        sheet.with_name(sheet.name + ".map").unlink(missing_ok=True)
