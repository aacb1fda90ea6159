"""Sphinx extension for the xentbook site's HTML: fixes to what Sphinx and the theme write.

Besides the duplicated scripts below, it loads MathJax in parts through
book/_static/xentbook-mathjax.js (formulas first, then a spoken label for each, and the menu
on demand) and book/_static/xentbook.css (link contrast in exercise boxes), writes the
bibliography's entries as list items (a Sphinx node visitor), and leaves sphinx-design's
stylesheet and script off pages that use none of its components (the page context).

What no template, option or Sphinx API reaches is rewritten after the build: it drops two
scripts no page needs (Font Awesome's, whose icons the theme's CSS already draws, and the
search index outside the search page), names the sidebar's expand buttons, makes the primary
sidebar a landmark, drops the stylesheet rules that can match nothing on the site
(book/_ext/xentbook_css.py), and cuts Font Awesome's icon font down to the icons the site
shows. Each of these rewrites checks what it leaves on every page (``_LEFT_AFTER``) or in the
theme's files, and fails the build when the theme's markup no longer matches its pattern, so
an upgrade cannot silently undo it. (The search button's name is fixed in a template
override, book/_templates/search-button-field.html.)

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

import hashlib
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from xentbook_css import drop_source_maps, purge_site, site_sheets, site_texts

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


def _visit_citation(self, node):
    # docutils marks each bibliography entry role="doc-biblioentry" inside a role="list": ARIA
    # deprecated that role, and a list must own list items (axe: aria-required-children,
    # critical). The same markup as docutils' visit_citation, with role="listitem".
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def _depart_citation(self, node):
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


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
        raise PatternError(
            f"xentbook_html: the theme no longer ships {_THEME_CSS} and {_ICON_FONT}; "
            "update them in book/_ext/xentbook_html.py"
        )
    named = _icon_classes_named(texts)
    shown = set()

    def keep_if_named(rule: re.Match) -> str:
        if named.isdisjoint(_ICON_CLASS.findall(rule.group(1))):
            return ""
        shown.add(_css_character(rule.group(2)))
        return rule.group(0)

    original = css_path.read_text(encoding="utf-8")
    if not _ICON_RULE.search(original):
        raise PatternError(
            f"xentbook_html: {_THEME_CSS} has no Font Awesome icon rule that _ICON_RULE matches; "
            "the theme changed how it draws icons: update _ICON_RULE"
        )
    css = _ICON_RULE.sub(keep_if_named, original)
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
    from fontTools import subset  # only when the font is cut, not on a rebuild with no change

    options = subset.Options(flavor="woff2", layout_features=["*"])
    font = subset.load_font(str(font_path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=shown - {None})
    subsetter.subset(font)
    subset.save_font(font, str(font_path), options)


class PatternError(ExtensionError):
    """A rewrite of the theme's markup no longer finds what it rewrites."""


# What each rewrite must have left on a page; a page that still fails one of these means that
# Sphinx or the theme changed its markup, and the build fails instead of shipping it unfixed.
_LEFT_AFTER = {
    "Font Awesome's script": lambda page, search: "_static/scripts/fontawesome.js" not in page,
    "a nameless sidebar <summary>": lambda page, search: (
        re.search(r'<summary(?![^>]*aria-label)[^>]*>\s*<span class="toctree-toggle"', page) is None
    ),
    "the sidebar outside a landmark": lambda page, search: (
        'id="pst-primary-sidebar"' not in page or _SIDEBAR_LANDMARK in page
    ),
    "the search index off the search page": lambda page, search: (
        search or "_static/searchtools.js" not in page
    ),
}


def rewrite_page(text: str, search_scripts: bool) -> str:
    """The page with the fixes above; ``search_scripts``: keep the search index's scripts.

    Raises
    ------
    PatternError
        If a fix found nothing to rewrite on a page that still needs it.
    """
    lighter = _FONTAWESOME_JS.sub("", text)
    lighter = _NAMELESS_SUMMARY.sub(_name_summary, lighter)
    lighter = lighter.replace(_PRIMARY_SIDEBAR, _SIDEBAR_LANDMARK)
    if not search_scripts:
        lighter = _SEARCH_SCRIPTS.sub("", lighter)
    unfixed = [name for name, ok in _LEFT_AFTER.items() if not ok(lighter, search_scripts)]
    if unfixed:
        raise PatternError(
            f"xentbook_html: the theme's markup changed, these fixes no longer apply: {unfixed}; "
            "update their patterns in book/_ext/xentbook_html.py"
        )
    return lighter


def _rewrite_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    search_as_you_type = (app.config.html_theme_options or {}).get("search_as_you_type")
    for page in outdir.rglob("*.html"):
        if outdir / "lite" in page.parents:
            continue
        text = page.read_text(encoding="utf-8")
        try:
            lighter = rewrite_page(text, search_as_you_type or page == outdir / "search.html")
        except PatternError as error:
            raise PatternError(f"{page.relative_to(outdir)}: {error}") from None
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")
    for unused in _FONTAWESOME_FILES:
        (outdir / unused).unlink(missing_ok=True)
    drop_source_maps(outdir)
    # Read once, after the pages' rewrite: the words that decide what CSS and icons stay.
    texts = site_texts(outdir)
    _purge_and_trim(outdir, texts)


def _purge_and_trim(outdir: Path, texts: dict[Path, str]) -> None:
    """Purge the stylesheets and cut the icon font, or, when the pages, the sheets and the
    font that Sphinx copied are those of an earlier build, restore that build's results."""
    files = [*site_sheets(outdir), outdir / _ICON_FONT]
    files = [f for f in files if f.exists()]
    digest = hashlib.sha256()
    for path in [Path(__file__), Path(__file__).with_name("xentbook_css.py"), *files]:
        digest.update(path.read_bytes() + b"\0")
    for path, text in sorted(texts.items()):
        digest.update(f"{path.relative_to(outdir)}\0{text}\0".encode())
    cache = outdir.parent / "xentbook-cache" / "static"
    stamp = cache / "inputs.sha256"
    saved = [cache / f.relative_to(outdir) for f in files]
    fresh = stamp.is_file() and stamp.read_text() == digest.hexdigest()
    if fresh and all(s.is_file() for s in saved):
        for copy, target in zip(saved, files, strict=True):
            shutil.copyfile(copy, target)
        return
    purge_site(outdir, texts)
    _trim_icons(outdir, texts)
    if cache.exists():
        shutil.rmtree(cache)
    for target, copy in zip(files, saved, strict=True):
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, copy)
    stamp.write_text(digest.hexdigest())


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
    app.add_node(nodes.citation, override=True, html=(_visit_citation, _depart_citation))
    # Late priority: run after every other extension has adjusted the page's scripts.
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", _drop_unused_design, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
