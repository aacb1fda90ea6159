"""Shared machinery of the book tools: copy the sources, run jupyter-book, print with Chromium.

Private to ``tools``: the commands (``tools.student_edition``, ``tools.pdf``,
``tools.instructor_pack``) are the documented entry points.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {"_build", ".ipynb_checkpoints", "__pycache__", ".jupyter_cache", "jupyter_execute"}

# Injected into the single-page HTML before printing: every solution dropdown open, code and
# outputs wrapped at the page edge instead of clipped, and no screen-only chrome.
PRINT_CSS = """
<style id="xentbook-print">
@page { size: A4; margin: 16mm 14mm; }
@media print {
  .admonition.toggle-hidden .admonition-title ~ * {
    height: auto !important; opacity: 1 !important; visibility: visible !important;
    margin: revert !important; display: block !important;
  }
  .admonition.toggle-hidden { padding-bottom: revert !important; }
  button.toggle-button, .headerlink, .copybtn, .bd-header, .bd-footer, .bd-sidebar-primary,
  .bd-sidebar-secondary, .header-article__inner, .prev-next-area, .bd-footer-article,
  .bd-footer-content, #pst-back-to-top, .search-button-field { display: none !important; }
  pre, .highlight pre, .output pre, div.cell_output pre {
    white-space: pre-wrap !important; overflow-wrap: anywhere !important;
    overflow: visible !important; max-height: none !important;
  }
  div.cell_output, div.highlight, .output, .table-wrapper, .bd-article-container {
    overflow: visible !important; max-height: none !important; max-width: 100% !important;
  }
  img { max-width: 100% !important; height: auto !important; break-inside: avoid; }
  mjx-container[display="true"] { overflow: visible !important; max-width: 100%; }
  h1 { break-before: page; }
}
</style>
<script>
window.addEventListener("load", () => {
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  document.querySelectorAll(".toggle-hidden").forEach((e) => e.classList.remove("toggle-hidden"));
});
</script>
"""


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


def print_pdf(page: Path, pdf: Path) -> Path:
    """Print one HTML page (inside a built site) to ``pdf`` with headless Chromium.

    The single-page builder writes links relative to the site's root wherever the page
    sits, so a copy of the page with :data:`PRINT_CSS` injected is printed from the root. The
    site is
    served over http://127.0.0.1, Chromium is driven over the DevTools protocol so that the
    print waits until MathJax has typeset every formula and every image has loaded, and the
    PDF gets an outline (bookmarks) from the headings.
    """
    site = _site_of(page)
    html = page.read_text(encoding="utf-8")
    printed = site / "xentbook-print.html"
    printed.write_text(html.replace("</head>", PRINT_CSS + "</head>", 1), encoding="utf-8")
    pdf = Path(pdf).resolve()
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="xentbook-chromium-") as profile,
        serve(site) as base,
        _DevTools(chromium(), Path(profile)) as browser,
    ):
        browser.open(f"{base}/{printed.name}")
        state = browser.evaluate(_READY)
        if state["untypeset"] or state["broken"]:
            raise ValueError(f"{page.name} did not render fully before printing: {state}")
        data = browser.send(
            "Page.printToPDF",
            printBackground=True,
            preferCSSPageSize=True,
            generateTaggedPDF=True,
            generateDocumentOutline=True,
            transferMode="ReturnAsStream",
        )
        pdf.write_bytes(browser.read_stream(data["stream"]))
    return pdf


# Run in the page once it has loaded: wait for MathJax to finish, then for every image.
_READY = """
(async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  for (let i = 0; i < 600 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
    await sleep(50);
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  const images = Array.from(document.images);
  images.forEach((img) => { img.loading = "eager"; });
  await Promise.all(images.map((img) => img.decode().catch(() => null)));
  const math = Array.from(document.querySelectorAll("span.math, div.math"));
  return JSON.stringify({
    untypeset: math.filter((m) => !m.querySelector("mjx-container")).length,
    broken: images.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.src),
  });
})()
"""


class _DevTools:
    """Headless Chromium driven over the DevTools protocol on a pair of pipes.

    With ``--remote-debugging-pipe`` Chromium reads commands on its fd 3 and answers on fd 4,
    each message JSON ended by a NUL byte. Replies are read on the calling thread.
    """

    def __init__(self, executable: str, profile: Path):
        self.executable = executable
        self.profile = profile
        self.next_id = 0
        self.session: str | None = None
        self.buffer = b""

    def __enter__(self) -> _DevTools:
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # subprocess cannot place pipe ends on fds 3 and 4 by itself: a tiny exec trampoline does.
        trampoline = (
            "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
            "os.execv(sys.argv[3], sys.argv[3:])"
        )
        flags = [
            "--headless",
            "--no-sandbox",  # CI containers run as root
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--remote-debugging-pipe",
            f"--user-data-dir={self.profile}",
        ]
        cmd = [sys.executable, "-c", trampoline, str(to_chrome_r), str(from_chrome_w)]
        self.proc = subprocess.Popen(
            [*cmd, self.executable, *flags, "about:blank"],
            pass_fds=(to_chrome_r, from_chrome_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.send("Page.enable")
        return self

    def __exit__(self, *exc):
        try:
            self.send("Browser.close", session=False)
            self.proc.wait(timeout=20)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)

    def _message(self) -> dict:
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise ValueError("Chromium closed its DevTools pipe unexpectedly")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, *, session: bool = True, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._message()
            if reply.get("method") == "Page.loadEventFired":
                self.loaded = True
            if reply.get("id") == self.next_id:
                break
        if "error" in reply:
            raise ValueError(f"Chromium refused {method}: {reply['error']}")
        return reply["result"]

    def open(self, url: str) -> None:
        self.loaded = False
        self.send("Page.navigate", url=url)
        while not self.loaded:
            if self._message().get("method") == "Page.loadEventFired":
                self.loaded = True

    def evaluate(self, script: str) -> dict:
        result = self.send(
            "Runtime.evaluate", expression=script, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise ValueError(f"a script in the page failed: {result['exceptionDetails']}")
        return json.loads(result["result"]["value"])

    def read_stream(self, handle: str) -> bytes:
        parts = []
        while True:
            chunk = self.send("IO.read", handle=handle, size=1 << 22)
            data = chunk["data"]
            parts.append(base64.b64decode(data) if chunk.get("base64Encoded") else data.encode())
            if chunk.get("eof"):
                break
        self.send("IO.close", handle=handle)
        return b"".join(parts)


def _site_of(page: Path) -> Path:
    """The built site's root folder: the nearest parent holding ``_static``."""
    for parent in page.parents:
        if (parent / "_static").is_dir():
            return parent
    return page.parent
