"""Shared machinery of the book tools: copy the sources, run jupyter-book, print with Chromium.

Private to ``tools``: the commands (``tools.student_edition``, ``tools.pdf``,
``tools.instructor_pack``) are the documented entry points.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {"_build", ".ipynb_checkpoints", "__pycache__", ".jupyter_cache", "jupyter_execute"}


def project_root(source: Path | None) -> Path:
    """The book's project folder: ``source``, or the current folder, or this checkout."""
    root = Path(source) if source else _default_source()
    if not (root / "_toc.yml").exists() or not (root / "book").is_dir():
        raise ValueError(
            f"`source` {root} is not the book's project folder (it needs _toc.yml and book/); "
            "run from the root of a clone or pass --source."
        )
    return root


def _default_source() -> Path:
    here = Path.cwd()
    if (here / "_toc.yml").exists():
        return here
    return CHECKOUT


def copy_sources(root: Path, copy: Path) -> None:
    """Copy what the book build reads (``_config.yml``, ``_toc.yml``, ``book/``) to ``copy``."""
    copy.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copyfile(root / name, copy / name)
    shutil.copytree(root / "book", copy / "book", ignore=lambda _dir, names: SKIP_DIRS & set(names))


def jupyter_book() -> str:
    """The ``jupyter-book`` command of this Python environment."""
    beside = Path(sys.executable).with_name("jupyter-book")
    return str(beside) if beside.exists() else "jupyter-book"


def build(project: Path, out: Path, builder: str = "html", strict: bool = False) -> Path:
    """Build the book in ``project`` with jupyter-book into ``out``; return the output folder.

    Raises
    ------
    ValueError
        If the build fails; the message carries the end of its log.
    """
    cmd = [jupyter_book(), "build", str(project), "--path-output", str(out)]
    cmd += ["--builder", builder]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=build_env())
    if proc.returncode != 0:
        log = (proc.stdout + proc.stderr)[-4000:]
        raise ValueError(f"`jupyter-book build` of {project} failed ({builder}):\n{log}")
    return out / "_build" / builder


def build_env() -> dict[str, str]:
    """The environment for jupyter-book: the API appendix imports this checkout's xentbook."""
    path = os.pathsep.join(filter(None, [str(CHECKOUT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def chromium() -> str:
    """The Chromium executable, or a ValueError saying how to install it."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    raise ValueError(
        "no Chromium found: the PDF is printed by headless Chromium; install Debian's package "
        "with `apt-get install chromium` (or put `chromium` on PATH)."
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class serve:
    """Serve a folder on 127.0.0.1 (a free port) from a background thread, for one block."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


# The print stylesheet and script, used only when printing (the site never loads them).
PRINT_CSS = Path(__file__).with_name("print") / "print.css"
PRINT_JS = Path(__file__).with_name("print") / "print.js"
# The site's MathJax script, and what stands in for it when printing (see that file).
SITE_MATHJAX = "xentbook-mathjax.js"
PRINT_MATHJAX = Path(__file__).with_name("print") / "mathjax.js"
# The width in CSS pixels of the A4 page's text column in print.css (210 mm less 2 x 16 mm):
# the page is laid out at this width, so formulas are fitted to the printed column.
COLUMN_PX = round((210 - 2 * 16) / 25.4 * 96)
PAGE_TIMEOUT_MS = 600_000
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class Printer:
    """Headless Chromium, driven by playwright, that opens pages of built sites and prints them.

    Use as a context manager; :meth:`open` loads a page ready to print, :meth:`pdf` prints it.
    """

    def __enter__(self) -> Printer:
        from playwright.sync_api import sync_playwright

        self._stack = contextlib.ExitStack()
        playwright = self._stack.enter_context(sync_playwright())
        self.browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        self._stack.callback(self.browser.close)
        return self

    def __exit__(self, *exc):
        self._stack.close()

    def open(self, page: Path):
        """Load ``page`` (an HTML file in a built site) as printed, typeset and laid out.

        Sphinx's single-page builder writes links relative to the site's root wherever the
        page sits, so the page is served at the root of an http://127.0.0.1 server of its
        site. Returns playwright's ``Page``, with ``xentbookPrint`` (print.js) loaded.

        Raises
        ------
        ValueError
            If a formula was not typeset or an image did not load.
        """
        site = _site_of(page)
        base = self._stack.enter_context(serve(site))
        tab = self.browser.new_page(viewport={"width": COLUMN_PX, "height": 1000})
        # A whole book takes a while to load and typeset on a busy machine.
        tab.set_default_timeout(PAGE_TIMEOUT_MS)
        tab.emulate_media(media="print")
        url = f"{base}/xentbook-print.html"
        tab.route(url, lambda route: route.fulfill(path=page))
        tab.route(f"{base}/_static/{SITE_MATHJAX}", lambda r: r.fulfill(path=PRINT_MATHJAX))
        tab.goto(url, wait_until="load")
        tab.add_style_tag(path=PRINT_CSS)
        tab.add_script_tag(path=PRINT_JS)
        state = tab.evaluate("xentbookPrint.ready()")
        if state["untypeset"] or state["broken"]:
            raise ValueError(f"{page.name} did not render fully before printing: {state}")
        tab.evaluate("xentbookPrint.layout()")
        return tab

    @staticmethod
    def pdf(tab, pdf: Path, *, outline: bool = True) -> Path:
        """Print the loaded page ``tab`` to ``pdf``; ``outline``: bookmarks from the headings."""
        pdf = Path(pdf).resolve()
        pdf.parent.mkdir(parents=True, exist_ok=True)
        tab.pdf(path=pdf, prefer_css_page_size=True, print_background=True, outline=outline)
        return pdf


def print_pdf(page: Path, pdf: Path) -> Path:
    """Print one HTML page of a built site to ``pdf``: A4, numbered pages, code wrapped.

    Parameters
    ----------
    page : Path
        An HTML file inside a built site (a folder holding ``_static``) or on its own.
    pdf : Path
        The PDF to write; its folder is created.

    Returns
    -------
    Path
        The PDF written.
    """
    with Printer() as printer:
        return printer.pdf(printer.open(Path(page)), pdf)


def _site_of(page: Path) -> Path:
    """The built site's root folder: the nearest parent holding ``_static``."""
    for parent in page.parents:
        if (parent / "_static").is_dir():
            return parent
    return page.parent
