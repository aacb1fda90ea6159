"""Sphinx extension for the xentbook site's HTML: fixes to what Sphinx and the theme write.

Besides the duplicated scripts below, it loads book/_static/xentbook-mathjax.js (a spoken
label for every formula) and book/_static/xentbook.css (link contrast in exercise boxes),
and after the build it drops two scripts no page needs (Font Awesome's, whose icons the
theme's CSS already draws, and the search index outside the search page), gives the
bibliography list list items and names the sidebar's expand buttons (see the comments by each).

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

# The theme's CSS already draws every Font Awesome icon with its web fonts; its 1.5 MB
# script only swaps them for SVGs. Dropping the script keeps the icons and a third of a
# chapter page's weight.
_FONTAWESOME_JS = re.compile(
    r'<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\s*'
)


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


def _name_summary(match: re.Match) -> str:
    link, title, details = match.groups()
    return f'{link}{title}{details} aria-label="Sections of {title}">'


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
        if not search_as_you_type and page != outdir / "search.html":
            lighter = _SEARCH_SCRIPTS.sub("", lighter)
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")


def setup(app):
    # After Sphinx's inline MathJax configuration (priority 500), before MathJax itself runs.
    app.add_js_file("xentbook-mathjax.js", priority=501)
    app.add_css_file("xentbook.css")
    app.connect("build-finished", _rewrite_pages)
    # Late priority: run after every other extension has adjusted the page's scripts.
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
