"""Sphinx extension for the xentbook site's HTML: fixes to what Sphinx and the theme write.

Besides the duplicated scripts below, it loads MathJax in parts through
book/_static/xentbook-mathjax.js (formulas first, then a spoken label for each, and the menu
on demand) and book/_static/xentbook.css (link contrast in exercise boxes), and after the
build it drops two scripts no page needs (Font Awesome's, whose icons the theme's CSS already
draws, and the search index outside the search page), gives the bibliography list list
items, names the sidebar's expand buttons, drops the stylesheet rules that can match nothing
on the site (book/_ext/xentbook_css.py), cuts Font Awesome's icon font down to the icons the
site shows, and leaves sphinx-design's stylesheet and script off pages that use none of its
components (see the comments by each).

The duplicated scripts:
Sphinx 7 (which Jupyter Book 1 requires) writes every inline ``<script>`` that an
extension adds after the builder has started *twice*: ``Sphinx.add_js_file(None,
body=...)`` stores it in the builder with the file name ``None`` and, when writing
begins, the builder re-adds the registry's copy with the file name ``''``, which its
duplicate check sees as a different script. sphinx-thebe adds its configuration
that way (``const THEBE_JS_URL = ...``), so every page declared the constant twice
and the browser logged "Uncaught SyntaxError: Identifier 'THEBE_JS_URL' has already
been declared"; sphinx-togglebutton's selector was duplicated the same way. The bug
is fixed upstream in Sphinx 8.2 (sphinx-doc/sphinx#13402), which Jupyter Book 1
cannot use, so this extension drops the second copy of each script on every page.
"""

from __future__ import annotations

import re
from pathlib import Path

from fontTools import subset
from xentbook_css import purge_site, site_texts

# The theme's CSS already draws every Font Awesome icon with its web fonts; its 1.5 MB
# script only swaps them for SVGs. Dropping the script keeps the icons and a third of a
# chapter page's weight; no page loads it then, so neither it nor its map ships.
_FONTAWESOME_JS = re.compile(
    r'<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\s*'
)
_FONTAWESOME_FILES = ("_static/scripts/fontawesome.js", "_static/scripts/fontawesome.js.map")


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    unique = []
    for js in scripts:
        filename = getattr(js, "filename", js) or ""
        attributes = tuple(sorted(getattr(js, "attributes", {}).items()))
        if (filename, attributes) not in seen:
            seen.add((filename, attributes))
            unique.append(js)
    context["script_files"] = unique


# Jupyter Book loads sphinx-design (cards, tabs, grids: 63 KB of CSS and script) on every page;
# a page without one of its components (every class it writes starts with "sd-") needs neither.
_DESIGN_FILES = ("sphinx-design.min.css", "design-tabs.js")
_DESIGN_CLASS = re.compile(r'class="[^"]*\bsd-')


def _drop_unused_design(app, pagename, templatename, context, doctree):
    if _DESIGN_CLASS.search(context.get("body", "")):
        return
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [
                f
                for f in context[key]
                if Path(getattr(f, "filename", f) or "").name not in _DESIGN_FILES
            ]


# The theme loads Sphinx's search index on every page for its search-as-you-type box; with
# that box off (the default), only search.html uses it, which loads it itself.
_SEARCH_SCRIPTS = re.compile(
    r'<script src="[^"]*(_static/searchtools\.js|_static/language_data\.js|searchindex\.js)">'
    r"</script>\s*"
)

# docutils marks each bibliography entry role="doc-biblioentry" inside a role="list": ARIA
# deprecated that role, and a list must own list items (axe: aria-required-children, critical).
_BIBLIOENTRY = ' role="doc-biblioentry"'

# A sidebar entry with sub-pages (a chapter and its problem set) gets a <summary> holding only
# a chevron icon: it has no accessible name (axe: summary-name, serious). Name it after its entry.
_NAMELESS_SUMMARY = re.compile(
    r'(<a class="[^"]*reference internal[^"]*" href="[^"]*">)([^<]+)(</a><details[^>]*><summary)>'
)


# The primary sidebar's logo and search button sit outside every landmark (axe: region,
# moderate); the sidebar, which also holds the book's navigation, becomes one.
_PRIMARY_SIDEBAR = '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">'
_SIDEBAR_LANDMARK = _PRIMARY_SIDEBAR[:-1] + ' role="complementary" aria-label="Book navigation">'


def _name_summary(match: re.Match) -> str:
    link, title, details = match.groups()
    return f'{link}{title}{details} aria-label="Sections of {title}">'


# Font Awesome (in the theme's stylesheet: 1,900 icon rules, 86 KB; its solid font: 157 KB)
# draws about 1,400 icons, and the site shows a few dozen. The stylesheet keeps the rules of
# the icon classes that a page or script names; the font keeps their characters and those the
# stylesheets use directly (admonition and link icons).
_THEME_CSS = "_static/styles/pydata-sphinx-theme.css"
_ICON_FONT = "_static/vendor/fontawesome/webfonts/fa-solid-900.woff2"
_ICON_RULE = re.compile(r'((?:\.fa-[\w-]+:(?:before|after),?)+)\{content:"([^"]*)"\}')
_ICON_CLASS = re.compile(r"fa-[a-z0-9-]+")
_ICON_CHARACTERS = re.compile(r"[\ue000-\uf8ff]|\\([ef][0-9a-f]{3})")
_CSS_CHARACTER = re.compile(r"\\([0-9a-f]{1,6})\s?|\\(.)|(.)", re.I)


def _css_character(content: str) -> int | None:
    """The one character a stylesheet's ``content`` value names (``\\f002``, ``\\@`` or
    the character itself); None for any other value."""
    found = _CSS_CHARACTER.fullmatch(content)
    if found is None:
        return None
    code, escaped, plain = found.groups()
    return int(code, 16) if code else ord(escaped or plain)


def _icon_classes_named(texts: dict[Path, str]) -> set[str]:
    """Every ``fa-`` class that a page or one of the site's scripts (not MathJax's) names."""
    return {
        found
        for path, text in texts.items()
        if "mathjax" not in path.parts
        for found in _ICON_CLASS.findall(text)
    }


def _trim_icons(outdir: Path, texts: dict[Path, str]) -> None:
    css_path, font_path = outdir / _THEME_CSS, outdir / _ICON_FONT
    if not (css_path.exists() and font_path.exists()):
        return
    named = _icon_classes_named(texts)
    shown = set()

    def keep_if_named(rule: re.Match) -> str:
        if named.isdisjoint(_ICON_CLASS.findall(rule.group(1))):
            return ""
        shown.add(_css_character(rule.group(2)))
        return rule.group(0)

    css = _ICON_RULE.sub(keep_if_named, css_path.read_text(encoding="utf-8"))
    css_path.write_text(css, encoding="utf-8")
    others = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (outdir / "_static").rglob("*.css")
        if "mathjax" not in p.parts and p != css_path
    )
    shown |= {
        ord(found.group(0)) if len(found.group(0)) == 1 else int(found.group(1), 16)
        for found in _ICON_CHARACTERS.finditer(_ICON_RULE.sub("", css) + others)
    }
    options = subset.Options(flavor="woff2", layout_features=["*"])
    font = subset.load_font(str(font_path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=shown - {None})
    subsetter.subset(font)
    subset.save_font(font, str(font_path), options)


def _rewrite_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    search_as_you_type = (app.config.html_theme_options or {}).get("search_as_you_type")
    for page in outdir.rglob("*.html"):
        if outdir / "lite" in page.parents:
            continue
        text = page.read_text(encoding="utf-8")
        lighter = _FONTAWESOME_JS.sub("", text).replace(_BIBLIOENTRY, ' role="listitem"')
        lighter = _NAMELESS_SUMMARY.sub(_name_summary, lighter)
        lighter = lighter.replace(_PRIMARY_SIDEBAR, _SIDEBAR_LANDMARK)
        if not search_as_you_type and page != outdir / "search.html":
            lighter = _SEARCH_SCRIPTS.sub("", lighter)
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")
    for unused in _FONTAWESOME_FILES:
        (outdir / unused).unlink(missing_ok=True)
    # Read once, after the pages' rewrite: the words that decide what CSS and icons stay.
    texts = site_texts(outdir)
    purge_site(outdir, texts)
    _trim_icons(outdir, texts)


def _load_mathjax_in_parts(app):
    # sphinx-mathjax-offline points every page at MathJax's all-in-one tex-chtml.js; its
    # loader alone lets book/_static/xentbook-mathjax.js choose the parts, and when.
    app.config.mathjax_path = "mathjax/startup.js"


def setup(app):
    # After Sphinx's inline MathJax configuration (priority 500), before MathJax itself runs.
    app.add_js_file("xentbook-mathjax.js", priority=501)
    app.add_css_file("xentbook.css")
    app.connect("builder-inited", _load_mathjax_in_parts)
    app.connect("build-finished", _rewrite_pages)
    # Late priority: run after every other extension has adjusted the page's scripts.
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", _drop_unused_design, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
