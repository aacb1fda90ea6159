"""The built book: a strict build, every page checked in a real headless Chromium, and
every chapter run in the site's own JupyterLite.

One strict build (``jupyter-book build . -W -n --keep-going``, into a temporary folder)
is shared by the tests of this module; its time is printed. The browser tests serve it on
127.0.0.1 and drive Debian's headless Chromium with playwright (``executable_path``: no
browser download). Every request for anything but 127.0.0.1 is blocked and reported.

- Every page: every formula typeset with a spoken label, every image and icon shows, no console
  error, no raw MyST in the text, axe-core with its default rules finds no critical or serious
  violation; the cold transfer of each chapter page is printed and bounded. A screenshot of
  one chapter goes to ``tests/artifacts/chapter.png`` (git-ignored). axe-core is npm's
  release pinned in ``tests/package.json``: ``npm ci --prefix tests`` installs it into
  ``tests/node_modules`` (.ci/run does); without it this test skips with that hint.
- Every notebook page, with no exception: its "Run in your browser" link opens it in
  JupyterLite; all cells run, and every code cell's text output equals the committed one
  after the sanitising nbval uses (tests/nbval_sanitize.cfg); kernel-ready and run times are
  printed, not bounded (timings belong to benchmarks/).

Without Chromium or playwright the browser tests skip with a hint; with
``XENTBOOK_REQUIRE_BROWSER=1`` (set by .ci/run) they fail instead.
"""

from __future__ import annotations

import configparser
import importlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from conftest import notebook_errors

from tools._build import serve

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOT = ARTIFACTS / "chapter.png"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    # Nothing may leave the machine: any host but 127.0.0.1 fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
PAGE_TIMEOUT_MS = 60_000
RUN_ALL_TIMEOUT_MS = 300_000
# Cold transfer of a chapter page, speech data included, without JupyterLite.
CHAPTER_PAGE_MAX_BYTES = 2.5e6
# MyST that must never reach a reader: roles, directive fences, glue.
RAW_MYST = re.compile(r"\{glue[:}]|\{[a-z][\w:-]*\}`|^\s*(```+|:::+)\s*\{[\w:-]+\}", re.M)


def _jupyter_book() -> str:
    beside = Path(sys.executable).with_name("jupyter-book")
    return str(beside) if beside.exists() else (shutil.which("jupyter-book") or "jupyter-book")


def _repository_files() -> dict[str, tuple[int, int]]:
    """Every file of the clone outside build output and caches, with its size and mtime."""
    skip = {".git", "_build", "__pycache__", ".venv", "node_modules", "artifacts"}
    return {
        p.relative_to(ROOT).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in ROOT.rglob("*")
        if p.is_file() and not skip & set(p.relative_to(ROOT).parts)
    }


@pytest.fixture(scope="module")
def book_build(tmp_path_factory):
    """Build the book once, strictly, into a temporary folder.

    The files of the clone before and after are kept as ``proc.repository``: the build may
    write only into its output folder.
    """
    out = tmp_path_factory.mktemp("book")
    cmd = [_jupyter_book(), "build", str(ROOT), "-W", "-n", "--keep-going"]
    cmd += ["--path-output", str(out)]
    before = _repository_files()
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=900)
    seconds = time.perf_counter() - start
    proc.repository = before, _repository_files()
    print(f"\njupyter-book build (cold, strict, with JupyterLite): {seconds:.1f} s")
    return proc, out / "_build" / "html"


@pytest.mark.build
def test_build_writes_nothing_outside_its_output(book_build):
    proc, _ = book_build
    before, after = proc.repository
    created = sorted(set(after) - set(before))
    deleted = sorted(set(before) - set(after))
    changed = sorted(f for f in set(before) & set(after) if before[f] != after[f])
    assert not created, f"the build created files in the clone: {created}"
    assert not deleted, f"the build deleted files of the clone: {deleted}"
    assert not changed, f"the build changed files of the clone: {changed}"


@pytest.mark.build
def test_strict_build_has_no_warnings(book_build):
    proc, html = book_build
    log = proc.stdout + proc.stderr
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert proc.returncode == 0, f"jupyter-book build failed:\n{log[-4000:]}"
    assert not warnings, "the strict build warned:\n" + "\n".join(warnings)
    assert (html / "index.html").exists()


@pytest.mark.build
def test_site_loads_nothing_from_outside(book_build):
    _, html = book_build
    assert (html / "_static" / "mathjax" / "startup.js").exists(), "MathJax is not served locally"
    for page in _pages(html):
        text = page.read_text(encoding="utf-8")
        for marker in ('src="http', "src='http", 'rel="stylesheet" href="http', "@import"):
            assert marker not in text, f"{page.relative_to(html)} loads {marker}... from outside"
        assert text.count("const THEBE_JS_URL") <= 1, f"{page.relative_to(html)}: duplicated"


@pytest.mark.build
def test_chapters_keep_the_download_button(book_build):
    _, html = book_build
    chapters = sorted((html / "book").glob("0*.html"))
    assert chapters
    for page in chapters:
        source = f"_sources/book/{page.stem}.ipynb"
        assert source in page.read_text(encoding="utf-8"), f"{page.name} lacks its .ipynb download"
        assert (html / source).exists()


@pytest.mark.build
def test_downloaded_notebooks_run_outside_the_repository(book_build, tmp_path):
    # What a reader gets from the download button, run from a folder of its own.
    _, html = book_build
    downloads = sorted((html / "_sources" / "book").glob("*.ipynb"))
    assert len(downloads) == len(sorted((ROOT / "book").glob("*.ipynb")))
    errors = []
    for source in downloads:
        copy = tmp_path / source.name
        shutil.copy(source, copy)
        errors += notebook_errors(copy, tmp_path)
    assert not errors, "\n".join(errors)


def test_build_startup_compiles_no_iri_grammars():
    # A no-change rebuild takes a few seconds; rfc3987-syntax alone would add about one
    # (see the jsonschema bound in requirements.txt).
    code = "import sys, jupyter_book.config; print('rfc3987_syntax' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False", "jsonschema imports rfc3987_syntax again"


def test_pages_workflow_matches_readme():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    # YAML reads the key `on` as True.
    assert "workflow_dispatch" in workflow[True]
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "pip install -r requirements.txt && jupyter-book build ." in runs
    assert (
        "pip install -r requirements.txt && jupyter-book build ."
        in (ROOT / "README.md").read_text()
    )
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"


@pytest.mark.build
def test_reader_copies_show_no_raw_myst(book_build):
    # The download button's notebooks and JupyterLite's contents are reader copies.
    _, html = book_build
    copies = sorted((html / "_sources").rglob("*.ipynb"))
    copies += sorted((html / "lite" / "files").rglob("*.ipynb"))
    assert copies
    for copy in copies:
        nb = json.loads(copy.read_text(encoding="utf-8"))
        text = "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
        raw = RAW_MYST.search(text)
        assert raw is None, f"{copy.relative_to(html)} shows raw MyST: {raw.group(0)!r}"


@pytest.mark.build
def test_site_serves_the_wheel_and_the_checked_pyodide(book_build):
    _, html = book_build
    assert list((html / "wheels").glob("xentbook-*-py3-none-any.whl"))
    lock = json.loads((html / "lite" / "static" / "pyodide" / "pyodide-lock.json").read_text())
    assert {"xentbook", "comm", "numpy", "matplotlib"} <= set(lock["packages"])
    assert "myst-nb" not in lock["packages"]  # reader copies need none of the build
    config = json.loads((html / "lite" / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    assert not list((html / "lite").rglob("*.map")), "source maps shipped"
    site = sum(f.stat().st_size for f in html.rglob("*") if f.is_file())
    lite = sum(f.stat().st_size for f in (html / "lite").rglob("*") if f.is_file())
    print(f"\nsite: {site / 1e6:.1f} MB, of which JupyterLite {lite / 1e6:.1f} MB")


@pytest.mark.build
def test_stylesheets_are_purged_and_ship_no_stale_source_map(book_build):
    import pydata_sphinx_theme

    _, html = book_build
    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    shipped = html / "_static" / "styles" / "pydata-sphinx-theme.css"
    original = theme / "static" / "styles" / "pydata-sphinx-theme.css"
    print(f"\ntheme stylesheet: {original.stat().st_size} -> {shipped.stat().st_size} bytes")
    assert shipped.stat().st_size < original.stat().st_size / 2
    assert not list((html / "_static").rglob("*.css.map"))


@pytest.mark.build
def test_every_theme_script_shipped_is_loaded_by_a_page(book_build):
    _, html = book_build
    pages = "\n".join(p.read_text(encoding="utf-8") for p in _pages(html))
    scripts = sorted((html / "_static" / "scripts").glob("*.js"))
    assert scripts
    unused = [s.name for s in scripts if f"_static/scripts/{s.name}" not in pages]
    assert not unused, f"shipped, but no page loads them: {unused}"


def _book_extension(name: str):
    """A module of book/_ext, imported as Sphinx imports it (from that folder)."""
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "book" / "_ext"))


def test_pyodide_check_fails_on_a_changed_file(tmp_path):
    xentbook_lite = _book_extension("xentbook_lite")
    name = next(
        iter(
            json.loads((xentbook_lite.PYODIDE_PINS / "pyodide-lock.json").read_text())[
                "packages"
            ].values()
        )
    )["file_name"]
    (tmp_path / name).write_bytes(b"not the pinned file")
    with pytest.raises(RuntimeError, match="failed its check") as info:
        xentbook_lite.copy_pyodide(tmp_path, tmp_path / "out")
    assert f"{name}: sha256" in str(info.value)
    assert "pyodide.asm.wasm: missing" in str(info.value)


def test_page_rewrites_fail_the_build_when_the_theme_markup_changes():
    html = _book_extension("xentbook_html")
    page = (
        '<script defer src="../_static/scripts/fontawesome.js?digest=1"></script>\n'
        '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">'
        '<a class="reference internal" href="x.html">Entropy</a><details><summary>'
        '<span class="toctree-toggle"></span></summary></details></div>'
        '<script src="../_static/searchtools.js"></script>\n'
    )
    fixed = html.rewrite_page(page, search_scripts=False)
    assert "fontawesome.js" not in fixed
    assert "searchtools.js" not in fixed
    assert '<summary aria-label="Sections of Entropy">' in fixed
    assert 'role="complementary" aria-label="Book navigation"' in fixed
    assert html.rewrite_page(fixed, search_scripts=False) == fixed, "a rebuild rewrites again"
    # The same markup as a theme upgrade might write it: each pattern misses, and says so.
    changed = {
        "Font Awesome's script": page.replace('digest=1"></script>', 'digest=1" id="fa"></script>'),
        "the sidebar outside a landmark": page.replace('class="bd-sidebar-primary', 'class="x'),
        "a nameless sidebar <summary>": page.replace('"reference internal"', '"reference"'),
        "the search index off the search page": page.replace("<script src", "<script defer src"),
    }
    for name, markup in changed.items():
        with pytest.raises(html.PatternError, match=re.escape(name)):
            html.rewrite_page(markup, search_scripts=False)


def test_icon_trim_fails_the_build_without_the_theme_icon_rules(tmp_path):
    html = _book_extension("xentbook_html")
    css = tmp_path / html._THEME_CSS
    font = tmp_path / html._ICON_FONT
    for path in (css, font):
        path.parent.mkdir(parents=True, exist_ok=True)
    css.write_text('.fa-x{--fa:"\\f002"}')  # icons drawn another way than _ICON_RULE knows
    font.write_bytes(b"")
    with pytest.raises(html.PatternError, match="_ICON_RULE"):
        html._trim_icons(tmp_path, {})


def test_lock_entries_fail_the_build_when_the_lock_format_changes(tmp_path):
    lite = _book_extension("xentbook_lite")
    lock = json.loads((lite.PYODIDE_PINS / "pyodide-lock.json").read_text())
    fields = set.intersection(*(set(e) for e in lock["packages"].values()))
    wheel = tmp_path / "demo-1.0-py3-none-any.whl"
    wheel.write_bytes(b"wheel")
    entry = lite._lock_entry(wheel, ["demo"], [], fields)
    assert set(entry) == fields
    with pytest.raises(lite.ExtensionError, match="update _lock_entry"):
        lite._lock_entry(wheel, ["demo"], [], fields | {"a_new_field"})


def test_css_purge_drops_only_selectors_that_cannot_match():
    css = _book_extension("xentbook_css")
    sheet = (
        "@font-face{font-family:f;src:url(f.woff2)}"
        ".used,.unused{color:red}"
        ".unused .used{color:blue}"
        ".used:not(.unused),.used:is(.a,.unused){margin:0}"
        '[data-x="a,b"].used{padding:0}'
        "@media (min-width:1px){.unused{top:0}.used{top:1px}}"
        "@media print{.unused{top:0}}"
        ".bs-tooltip-top .used{left:0}"
        ".sm\\:used{right:0}"
    )
    purged = css.purge(sheet, {"used"})
    assert purged == (
        "@font-face{font-family:f;src:url(f.woff2)}"
        ".used{color:red}"
        ".used:not(.unused),.used:is(.a,.unused){margin:0}"
        '[data-x="a,b"].used{padding:0}'
        "@media (min-width:1px){.used{top:1px}}"
        ".bs-tooltip-top .used{left:0}"
        ".sm\\:used{right:0}"
    )
    selectors = css.split_selectors(".a:is(.b,.c) .d,[x='1,2'],.e")
    assert selectors == [".a:is(.b,.c) .d", "[x='1,2']", ".e"]


def test_reader_copy_writes_glued_values_and_plain_markdown():
    from tools.reader_copy import reader_notebook

    glue_output = {
        "output_type": "display_data",
        "metadata": {"scrapbook": {"name": "h", "mime_prefix": "application/papermill.record/"}},
        "data": {"application/papermill.record/text/plain": "np.float64(0.6931471805599453)"},
    }
    markdown = (
        "(sec-x)=\nThe {term}`entropy` is {glue:text}`h:.3f` nats {cite}`shannon1948`.\n\n"
        "````{exercise} A title\n:label: ex-05-3\n\nCompute {glue:text}`h:.2f`:\n\n$$\nx\n$$\n````"
        "\n\n```{solution} ex-05-3\n:class: dropdown\n\nIt is $\\log 2$.\n```\n\n"
        ":::{admonition} Note\n:class: tip\nSee {numref}`Figure {number} <fig-log-loss>`, "
        "{ref}`ex-05-3`, {ref}`chapter-kl` and {doc}`../05_loss`.\n:::"
    )
    code = (
        "from myst_nb import glue\n\nh = 0.69\nfor k in (1, 2):\n    glue('h', h, display=False)\n"
    )
    nb = {
        "cells": [
            {"cell_type": "code", "source": code, "outputs": [glue_output], "metadata": {}},
            {"cell_type": "markdown", "source": markdown, "metadata": {}},
        ]
    }
    cells = reader_notebook(nb)["cells"]
    assert cells[0]["source"] == "h = 0.69", "glue, its import and its loop leave the copy"
    assert cells[0]["outputs"] == [], "and so do the records it left"
    text = cells[1]["source"]
    assert RAW_MYST.search(text) is None, text
    # As the site cites (author-year in round brackets, book/_ext/xentbook_cite.py).
    assert "The entropy is 0.693 nats \\(Shannon, 1948\\)." in text
    # The label ex-05-3 is the book's Exercise 5.3, whatever its title here.
    assert "#### Exercise 5.3 (A title)\n\nCompute 0.69:" in text
    assert "\\begin{equation*}\nx\n\\end{equation*}" in text, "unnumbered, as on the site"
    assert "<details>\n<summary>Solution to Exercise 5.3 (" in text
    assert "> **Note**" in text
    assert "See Figure 5.1, Exercise 5.3, KL divergence: the extra bits and " in text
    assert cells[-1]["source"].startswith("## References\n\n- Claude E")
    assert nb["cells"][1]["source"] == markdown, "the source notebook must stay unchanged"
    with pytest.raises(ValueError, match="`other::h` names no value"):
        reader_notebook({"cells": [{"cell_type": "markdown", "source": "{glue}`other::h`"}]})
    with pytest.raises(ValueError, match=r"role `\{eq\}` is not known"):
        reader_notebook({"cells": [{"cell_type": "markdown", "source": "{eq}`x`"}]})


@pytest.mark.build
def test_reader_copies_number_exercises_and_figures_as_the_site(book_build):
    from tools.reader_copy import reader_notebook

    _, html = book_build
    checked = 0
    for notebook in sorted((ROOT / "book").rglob("*.ipynb")):
        page = html / notebook.relative_to(ROOT).with_suffix(".html")
        site = re.findall(
            r'<span class="caption-number">([^<]*?)\s*</span>', page.read_text("utf-8")
        )
        copy = reader_notebook(json.loads(notebook.read_text(encoding="utf-8")))
        text = "\n\n".join(_source(c) for c in copy["cells"] if c["cell_type"] == "markdown")
        numbered = re.findall(r"^#### (Exercise [\d.]+)|^\*\*(Fig\. [\d.]+)\*\*", text, re.M)
        shown = [exercise or figure for exercise, figure in numbered]
        # The site numbers figures and exercises alike; compare each kind in reading order.
        for kind in ("Exercise", "Fig."):
            mine = [n for n in shown if n.startswith(kind)]
            assert mine == [n for n in site if n.startswith(kind)], f"{notebook.name}: {kind}"
        checked += len(shown)
    print(f"\nexercise and figure numbers compared with the site: {checked}")
    assert checked >= 100


def test_reader_copy_folds_gated_solutions():
    from tools.reader_copy import reader_notebook

    nb = json.loads((ROOT / "book" / "problems" / "05_problems.ipynb").read_text("utf-8"))
    cells = reader_notebook(nb)["cells"]
    gated = [c for c in nb["cells"] if "solution" in c["metadata"].get("tags", [])]
    folded = [c for c in cells if c["metadata"].get("jupyter", {}).get("source_hidden")]
    assert len(folded) == sum(c["cell_type"] == "code" for c in gated) > 0
    markdown = [c["source"] for c in cells if c["cell_type"] == "markdown"]
    solutions = [m for m in markdown if m.startswith("<details>")]
    assert solutions
    assert all(m.endswith("</details>") for m in solutions)
    assert not any("Solution to" in m for m in markdown if not m.startswith("<details>"))


def _source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


# --- the browser tests ------------------------------------------------------------------


def _playwright():
    message = None
    if not Path(CHROMIUM).exists():
        message = (
            "Chromium is not installed; install Debian's package with `apt-get install chromium`."
        )
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            message = "playwright is not installed; `pip install -r requirements.txt` installs it."
        else:
            return sync_playwright
    if os.environ.get("XENTBOOK_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (XENTBOOK_REQUIRE_BROWSER=1 makes this a failure.)")
    pytest.skip(message)


class _Browser:
    """Headless Chromium through playwright; every request off 127.0.0.1 is blocked and kept."""

    def __init__(self, base: str):
        self.base = base
        self.left: list[str] = []

    def __enter__(self):
        self.manager = _playwright()()
        self.playwright = self.manager.__enter__()
        self.browser = self.playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        return self

    def __exit__(self, *exc):
        self.browser.close()
        self.manager.__exit__(*exc)

    def page(self):
        """A page in a fresh context (a cold cache), recording console errors and transfer."""
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", self._route)
        page = context.new_page()
        page.errors = []
        # One entry per finished request; summed later (sizes() yields to other handlers,
        # so a running total updated here would lose some of them).
        page.transferred = []
        page.on("pageerror", lambda e: page.errors.append(f"uncaught error: {e}"))
        page.on("console", lambda m: _console_error(page, m))
        page.on("requestfinished", lambda r: page.transferred.append((r.url, _size(r))))
        return page

    def _route(self, route):
        url = route.request.url
        if url.startswith((self.base + "/", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.left.append(urlsplit(url).netloc or url)
            route.abort()


def _console_error(page, message) -> None:
    if message.type == "error":
        page.errors.append(f"console error: {message.text} {message.location.get('url', '')}")


def _size(request) -> int:
    sizes = request.sizes()
    return sizes["responseBodySize"] + sizes["responseHeadersSize"]


# Run in each page once it has loaded: wait for MathJax, force-load images, then count.
_INSPECT = """
async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const math = Array.from(document.querySelectorAll("span.math, div.math"));
  if (math.length) {
    for (let i = 0; i < 200 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
      await sleep(50);
    if (window.MathJax && MathJax.startup && MathJax.startup.promise)
      await MathJax.startup.promise;
  }
  const images = Array.from(document.images);
  images.forEach((img) => { img.loading = "eager"; });
  await Promise.all(images.map((img) => img.decode().catch(() => null)));
  const containers = Array.from(document.querySelectorAll("mjx-container"));
  // An icon whose character the (trimmed) icon font lacks is drawn by a fallback font, at
  // that font's width: measured against monospace, it comes out the same.
  await document.fonts.ready;
  const canvas = document.createElement("canvas").getContext("2d");
  const blankIcons = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.tagName.startsWith("MJX-")) continue;
    for (const pseudo of ["::before", "::after"]) {
      const style = getComputedStyle(el, pseudo);
      const glyph = style.content.replace(/^"(.*)"$/, "$1");
      if (!/Font Awesome/.test(style.fontFamily) || glyph === style.content) continue;
      canvas.font = `${style.fontWeight} 40px ${style.fontFamily}`;
      const drawn = canvas.measureText(glyph).width;
      canvas.font = `${style.fontWeight} 40px monospace`;
      if (drawn === canvas.measureText(glyph).width)
        blankIcons.push(`${el.tagName.toLowerCase()}.${Array.from(el.classList).join(".")}${pseudo}`);
    }
  }
  return {
    blankIcons: Array.from(new Set(blankIcons)),
    math: math.length,
    typeset: containers.length,
    untypeset: math.filter((m) => !m.querySelector("mjx-container")).length,
    merrors: document.querySelectorAll("mjx-merror").length,
    unspoken: containers.filter((c) => !c.getAttribute("aria-label")).length,
    images: images.length,
    broken: images.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.src),
    // What a reader reads: the page's prose, without code (which may show MyST on purpose).
    text: (() => {
      const main = document.querySelector("main");
      if (!main) return "";
      const prose = main.cloneNode(true);
      prose.querySelectorAll("pre, code").forEach((e) => e.remove());
      return prose.textContent;
    })(),
  };
}
"""


AXE = ROOT / "tests" / "node_modules" / "axe-core"


def _axe_source() -> str:
    """npm's axe-core at the version pinned in tests/package.json, or a skip with the hint."""
    pinned = json.loads((ROOT / "tests" / "package.json").read_text())["devDependencies"]
    want = pinned["axe-core"]
    found = AXE / "package.json"
    have = json.loads(found.read_text())["version"] if found.is_file() else None
    if have == want:
        return (AXE / "axe.min.js").read_text(encoding="utf-8")
    message = (
        f"axe-core {want} is not installed (found {have or 'none'}); "
        "`npm ci --prefix tests` installs it into tests/node_modules."
    )
    if os.environ.get("XENTBOOK_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (XENTBOOK_REQUIRE_BROWSER=1 makes this a failure.)")
    pytest.skip(message)


_AXE_RUN = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
    target: v.nodes[0] && v.nodes[0].target.join(" ")}));
}
"""


@pytest.mark.browser
def test_every_page_in_chromium(book_build):
    _, html = book_build
    assert (html / "index.html").exists(), "the book did not build"
    pages = [p for p in _pages(html) if not _is_redirect(p)]
    axe = _axe_source()
    shot = next(p for p in pages if p.parent.name == "book" and p.name[0].isdigit())
    problems, weights, moderate = {}, {}, {}
    with serve(html) as base, _Browser(base) as browser:
        for page_file in pages:
            path = page_file.relative_to(html).as_posix()
            page = browser.page()
            page.goto(f"{base}/{path}", wait_until="networkidle", timeout=PAGE_TIMEOUT_MS)
            found = page.evaluate(_INSPECT)
            # Taken before axe runs: axe fetches @import-ed stylesheets against the page's
            # URL instead of the stylesheet's, and that 404 is axe's, not the site's.
            errors = list(page.errors)
            page.add_script_tag(content=axe)
            violations = page.evaluate(_AXE_RUN)
            page.wait_for_load_state("networkidle")
            if page_file.parent.name == "book" and page_file.name[0].isdigit():
                weights[path] = _weights(page.transferred)
            if page_file == shot:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(SCREENSHOT))
                errors += _toggle_speech_from_the_menu(page)
            found_problems = _problems(found, errors, violations)
            moderate[path] = [
                f"{v['id']} ({v['impact']})"
                for v in violations
                if v["impact"] not in ("critical", "serious")
            ]
            if found_problems:
                problems[path] = found_problems
            page.context.close()
        left = sorted(set(browser.left))
    for path, (first, speech) in sorted(weights.items()):
        print(
            f"cold transfer {path}: {first / 1e6:.2f} MB to show the page, "
            f"+ {speech / 1e6:.2f} MB of speech data loaded once it is idle "
            f"= {(first + speech) / 1e6:.2f} MB"
        )
    minor = sorted({m for ms in moderate.values() for m in ms})
    print(f"checked {len(pages)} pages; axe moderate/minor findings: {minor or 'none'}")
    report = "\n".join(f"{path}:\n  " + "\n  ".join(p) for path, p in problems.items())
    assert not problems, f"{len(problems)} of {len(pages)} pages have problems:\n{report}"
    assert not left, f"requests left 127.0.0.1 (blocked): {left}"
    heavy = {p: sum(w) for p, w in weights.items() if sum(w) > CHAPTER_PAGE_MAX_BYTES}
    assert not heavy, f"chapter pages over {CHAPTER_PAGE_MAX_BYTES / 1e6} MB cold: {heavy}"
    assert SCREENSHOT.exists()


# What book/_static/xentbook-mathjax.js loads once the page is typeset and idle.
_SPEECH = re.compile(r"/_static/mathjax/(a11y/|sre/|input/mml\.js)")


def _weights(transferred: list[tuple[str, int]]) -> tuple[int, int]:
    """Bytes to show the page, and bytes of the speech data loaded after it."""
    speech = sum(size for url, size in transferred if _SPEECH.search(url))
    return sum(size for _, size in transferred) - speech, speech


_FORMULAS_SHOWN = """
() => Array.from(document.querySelectorAll("mjx-container")).every((c) =>
  c.getBoundingClientRect().width > 0
  && Array.from(c.querySelectorAll("mjx-c"))
    .every((g) => getComputedStyle(g, "::before").content !== "none"))
"""


_UNSPOKEN = """
() => Array.from(document.querySelectorAll("mjx-container"))
  .filter((c) => !c.getAttribute("aria-label")).length
"""


def _toggle_speech_from_the_menu(page) -> list[str]:
    """Accessibility > Activate, off then on, from a formula's menu (which loads on that first
    right click): no formula may vanish or lose its spoken label."""
    problems = []
    if any("/ui/menu.js" in url for url, _ in page.transferred):
        problems.append("MathJax's menu loaded before anyone asked for it")
    formula = page.locator("mjx-container").first
    for _ in range(2):
        formula.scroll_into_view_if_needed()
        formula.click(button="right")
        page.locator(".CtxtMenu_MenuItem", has_text="Accessibility").first.hover()
        page.locator(".CtxtMenu_MenuItem", has_text="Activate").first.click()
        page.evaluate("() => MathJax.startup.promise")
        page.wait_for_timeout(500)
        if not page.evaluate(_FORMULAS_SHOWN):
            problems.append("formulas vanished after Accessibility > Activate in MathJax's menu")
        if page.evaluate(_UNSPOKEN):
            problems.append("formulas lost their spoken label after Accessibility > Activate")
    return problems


def _problems(found: dict, errors: list[str], violations: list[dict]) -> list[str]:
    problems = []
    if found["untypeset"] or found["typeset"] != found["math"]:
        problems.append(
            f"{found['math']} math elements but {found['typeset']} MathJax containers "
            f"({found['untypeset']} untypeset)"
        )
    if found["merrors"]:
        problems.append(f"{found['merrors']} formulas failed to typeset (mjx-merror)")
    if found["unspoken"]:
        problems.append(f"{found['unspoken']} formulas have no spoken label")
    problems += [f"image did not load: {src}" for src in found["broken"]]
    problems += [f"icon font lacks the icon of {icon}" for icon in found["blankIcons"]]
    raw = RAW_MYST.search(found["text"])
    if raw:
        problems.append(f"raw MyST in the page: {raw.group(0)!r}")
    problems += errors
    problems += [
        f"axe {v['impact']}: {v['id']} on {v['nodes']} nodes, e.g. {v['target']}"
        for v in violations
        if v["impact"] in ("critical", "serious")
    ]
    return problems


# The one message that legitimately differs from a local run: Pyodide's first matplotlib
# import builds a font cache and says so on stderr.
_FIRST_RUN_NOTICE = "Matplotlib is building the font cache; this may take a moment.\n"


def _sanitizer():
    config = configparser.ConfigParser()
    config.read(ROOT / "tests" / "nbval_sanitize.cfg")
    rules = [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]

    def sanitize(text: str) -> str:
        for pattern, replace in rules:
            text = pattern.sub(replace, text)
        return text

    return sanitize


def _text_outputs(cell: dict, sanitize) -> list[tuple[str, str]]:
    """A code cell's text outputs as nbval compares them: streams, text/plain, errors.

    Consecutive chunks of one stream are joined, as nbval joins them: how a kernel splits
    printed text into chunks depends on timing, not on what was printed.
    """
    found = []
    for out in cell.get("outputs", []):
        kind = out["output_type"]
        if kind == "stream":
            text = _source({"source": out["text"]}).replace(_FIRST_RUN_NOTICE, "")
            if found and found[-1][0] == out["name"]:
                found[-1] = (out["name"], found[-1][1] + text)
            elif text:
                found.append((out["name"], text))
        elif kind == "error":
            found.append(("error", f"{out['ename']}: {out['evalue']}"))
        else:
            for mime, value in out.get("data", {}).items():
                if mime.endswith("text/plain"):
                    found.append((mime, _source({"source": value})))
    return [(kind, sanitize(text)) for kind, text in found]


_NOTEBOOK_OPEN = """
() => { const app = window.jupyterapp; return app && app.shell.currentWidget
  && app.shell.currentWidget.sessionContext; }
"""


def _first_difference(want, have, differ, sanitize) -> str:
    if not differ:
        return f" ({len(have)} code cells in JupyterLite, {len(want)} committed)"
    cell = differ[0]
    committed, got = _text_outputs(want[cell], sanitize), _text_outputs(have[cell], sanitize)
    first = next(((w, h) for w, h in zip(committed, got, strict=False) if w != h), None)
    if first is None:
        return f"; first: cell {cell}, committed {committed!r}, got {got!r}"
    return f"; first: cell {cell}, committed {first[0]!r}, got {first[1]!r}"


_KERNEL_READY = """
async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.sessionContext.ready;
  await panel.sessionContext.session.kernel.info;
}
"""
# What each code cell shows, from its output area: the notebook's shared model (what a save
# writes) can hold a merged stream twice in this JupyterLab, while the page shows it once.
_OUTPUTS_SHOWN = """
() => window.jupyterapp.shell.currentWidget.content.widgets
  .filter((cell) => cell.model.type === "code")
  .map((cell) => ({ outputs: cell.outputArea.model.toJSON() }))
"""
_ALL_RAN = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.model.toJSON().cells.filter((c) => c.cell_type === "code");
  const idle = panel.sessionContext.kernelDisplayStatus === "idle";
  // Run all stops at the first error, leaving the cells after it unrun.
  const failed = cells.some((c) => (c.outputs || []).some((o) => o.output_type === "error"));
  return idle && (failed || cells.every((c) => c.execution_count));
}
"""
_RENDERED_MARKDOWN = """
() => Array.from(document.querySelectorAll(".jp-MarkdownCell .jp-RenderedHTMLCommon"))
  .map((e) => e.innerText).join("\\n")
"""


@pytest.mark.browser
def test_every_chapter_runs_in_jupyterlite(book_build):
    from tools.reader_copy import reader_notebook

    _, html = book_build
    sanitize = _sanitizer()
    chapters = sorted(p.relative_to(html).as_posix() for p in (html / "book").rglob("*.html"))
    links = {}
    for page in chapters:  # every page that links to JupyterLite
        found = re.search(
            r'href="([^"]*lite/notebooks/index\.html\?path=([^"]+))"',
            (html / page).read_text(encoding="utf-8"),
        )
        if found:
            links[page] = found.group(2)
    sources = sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "book").rglob("*.ipynb")
        if "_build" not in p.parts
    )
    assert sorted(links.values()) == sources, (
        "every notebook page needs its Run in your browser link"
    )
    failures, readiness = [], []
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with serve(html) as base, _Browser(base) as browser:
        for notebook in sorted(links.values()):
            tab = browser.page()
            start = time.perf_counter()
            tab.goto(f"{base}/lite/notebooks/index.html?path={notebook}", timeout=PAGE_TIMEOUT_MS)
            tab.wait_for_function(_NOTEBOOK_OPEN, timeout=PAGE_TIMEOUT_MS)
            tab.evaluate(_KERNEL_READY)
            ready = time.perf_counter() - start
            start = time.perf_counter()
            tab.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            try:
                tab.wait_for_function(_ALL_RAN, timeout=RUN_ALL_TIMEOUT_MS, polling=500)
            except PlaywrightTimeout:
                failures.append(f"{notebook}: run all did not finish in {RUN_ALL_TIMEOUT_MS} ms")
            ran = time.perf_counter() - start
            have = tab.evaluate(_OUTPUTS_SHOWN)
            rendered = tab.evaluate(_RENDERED_MARKDOWN)
            tab.context.close()
            # JupyterLite opens the reader copy: no glue records, the same printed outputs.
            committed = reader_notebook(json.loads((ROOT / notebook).read_text(encoding="utf-8")))
            want = [c for c in committed["cells"] if c["cell_type"] == "code"]
            differ = [
                i
                for i, (w, h) in enumerate(zip(want, have, strict=False))
                if _text_outputs(w, sanitize) != _text_outputs(h, sanitize)
            ]
            if len(want) != len(have) or differ:
                failures.append(
                    f"{notebook}: {len(differ)} of {len(want)} code cells differ"
                    + _first_difference(want, have, differ, sanitize)
                )
            raw = RAW_MYST.search(rendered)
            if raw:
                failures.append(f"{notebook}: raw MyST in JupyterLite: {raw.group(0)!r}")
            readiness.append(ready)
            print(
                f"JupyterLite {notebook}: kernel ready {ready:.1f} s, run all {ran:.1f} s, "
                f"{len(want) - len(differ)}/{len(want)} code cells match",
                flush=True,
            )
        left = sorted(set(browser.left))
    median = statistics.median(readiness)
    print(f"kernel ready: median {median:.1f} s, slowest {max(readiness):.1f} s")
    assert not left, f"requests left 127.0.0.1 (blocked): {left}"
    assert not failures, "\n".join(failures)


def _pages(html: Path) -> list[Path]:
    skip = {"_static", "_sources", "_images", "lite", "wheels"}
    return sorted(p for p in html.rglob("*.html") if not skip & set(p.relative_to(html).parts))


def _is_redirect(page: Path) -> bool:
    return 'http-equiv="Refresh"' in page.read_text(encoding="utf-8")[:2000]


_LOCAL_LINK = re.compile(r'<(?:a|link|img|script|source)\b[^>]*?\b(?:href|src)="([^"]*)"', re.I)


@pytest.mark.build
def test_every_local_link_resolves(book_build):
    """Every href and src of every page (the JupyterLite app aside) names a file of the site.

    The theme's Jinja macro files that Sphinx copies into ``_static`` are templates, not pages.
    """
    _, html = book_build
    skip = (html / "lite", html / "_static")
    pages = [p for p in html.rglob("*.html") if not any(s in p.parents for s in skip)]
    assert pages
    dead = []
    for page in pages:
        for link in _LOCAL_LINK.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # another site, a mail address, or a fragment of this page
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                dead.append(f"{page.relative_to(html)}: {link}")
    assert not dead, f"{len(dead)} dead local links: {dead[:10]}"
