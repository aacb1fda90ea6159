"""The built book: a strict build, and every page checked in a real headless Chromium.

One strict build (``jupyter-book build . -W -n --keep-going``, into a temporary folder)
is shared by the tests of this module. The browser test serves it on 127.0.0.1, opens
every page in Debian's headless Chromium, driven over the DevTools protocol through
``--remote-debugging-pipe`` (so no driver or websocket package is needed), and checks
that every formula is typeset, every image loads, no uncaught error reaches the
console and no request leaves 127.0.0.1. It saves a screenshot of one chapter to
``tests/artifacts/chapter.png`` (git-ignored) for people to look at.

Without Chromium the browser test skips with a hint (``apt-get install chromium``);
with ``XENTBOOK_REQUIRE_BROWSER=1`` (set by .ci/run) it fails instead.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import notebook_errors

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOT = ARTIFACTS / "chapter.png"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--window-size=1280,900",
    # Nothing may leave the machine: any host but 127.0.0.1 fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--remote-debugging-pipe",
]
PAGE_TIMEOUT = 30.0


def _jupyter_book() -> str:
    beside = Path(sys.executable).with_name("jupyter-book")
    return str(beside) if beside.exists() else (shutil.which("jupyter-book") or "jupyter-book")


@pytest.fixture(scope="module")
def book_build(tmp_path_factory):
    """Build the book once, strictly, into a temporary folder."""
    out = tmp_path_factory.mktemp("book")
    cmd = [_jupyter_book(), "build", str(ROOT), "-W", "-n", "--keep-going"]
    cmd += ["--path-output", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    return proc, out / "_build" / "html"


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
    assert (html / "_static" / "mathjax" / "tex-chtml.js").exists(), "MathJax is not served locally"
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


# --- the browser test -------------------------------------------------------------------


@pytest.mark.browser
def test_every_page_in_chromium(book_build, tmp_path):
    chromium = _chromium()
    _, html = book_build
    # Warnings are the strict build test's concern; here the pages only need to exist.
    assert (html / "index.html").exists(), "the book did not build"
    pages = [p for p in _pages(html) if not _is_redirect(p)]
    # The screenshot shows the first chapter.
    shot = next(p for p in pages if p.parent.name == "book" and p.name[0].isdigit())
    with _serve(html) as base, Chromium(chromium, tmp_path / "profile") as browser:
        problems = {}
        for page in pages:
            path = page.relative_to(html).as_posix()
            found = browser.check_page(f"{base}/{path}", base)
            if found:
                problems[path] = found
            if page == shot:
                ARTIFACTS.mkdir(exist_ok=True)
                SCREENSHOT.write_bytes(browser.screenshot())
    report = "\n".join(f"{path}:\n  " + "\n  ".join(p) for path, p in problems.items())
    assert not problems, f"{len(problems)} of {len(pages)} pages have problems:\n{report}"
    assert SCREENSHOT.exists()
    print(f"checked {len(pages)} pages in Chromium; screenshot: {SCREENSHOT}")


def _chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found:
        return found
    message = (
        "Chromium is not installed, so the browser test cannot run; "
        "install Debian's package with `apt-get install chromium`."
    )
    if os.environ.get("XENTBOOK_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (XENTBOOK_REQUIRE_BROWSER=1 makes this a failure.)")
    pytest.skip(message)


def _pages(html: Path) -> list[Path]:
    skip = {"_static", "_sources", "_images"}
    return sorted(p for p in html.rglob("*.html") if not skip & set(p.relative_to(html).parts))


def _is_redirect(page: Path) -> bool:
    return 'http-equiv="Refresh"' in page.read_text(encoding="utf-8")[:2000]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class _serve:
    """Serve a folder on 127.0.0.1 from a background thread, for the length of a block."""

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


# Run in each page once it has loaded: wait for MathJax, force-load images, then count.
_INSPECT = """
(async () => {
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
  return JSON.stringify({
    math: math.length,
    typeset: document.querySelectorAll("mjx-container").length,
    untypeset: math.filter((m) => !m.querySelector("mjx-container")).length,
    merrors: document.querySelectorAll("mjx-merror").length,
    images: images.length,
    broken: images.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.src),
  });
})()
"""


class Chromium:
    """A headless Chromium driven over the DevTools protocol on a pair of pipes.

    With ``--remote-debugging-pipe`` Chromium reads commands on fd 3 and writes
    replies and events on fd 4, each a JSON message ended by a NUL byte.
    """

    def __init__(self, executable: str, profile: Path):
        self.executable = executable
        self.profile = profile
        self.replies: dict[int, queue.Queue] = {}
        self.events: queue.Queue = queue.Queue()
        self.next_id = 0
        self.session = None

    def __enter__(self) -> Chromium:
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # A tiny trampoline puts the pipe ends on fds 3 and 4 of the child, which
        # subprocess cannot do by itself (and preexec_fn is unsafe with threads).
        trampoline = (
            "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
            "os.execv(sys.argv[3], sys.argv[3:])"
        )
        cmd = [sys.executable, "-c", trampoline, str(to_chrome_r), str(from_chrome_w)]
        cmd += [self.executable, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}"]
        cmd += ["about:blank"]
        self.proc = subprocess.Popen(
            cmd,
            pass_fds=(to_chrome_r, from_chrome_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(TimeoutError, OSError):
            self.send("Browser.close", session=False, timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_chrome)
        self.reader.join(timeout=5)
        os.close(self.from_chrome)

    def _read(self):
        buffer = b""
        while chunk := os.read(self.from_chrome, 1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                if "id" in message:
                    self.replies.setdefault(message["id"], queue.Queue()).put(message)
                else:
                    self.events.put(message)

    def send(self, method: str, *, session: bool = True, timeout: float = PAGE_TIMEOUT, **params):
        self.next_id += 1
        ident = self.next_id
        box = self.replies.setdefault(ident, queue.Queue())
        message = {"id": ident, "method": method, "params": params}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        try:
            reply = box.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"Chromium did not answer {method} in {timeout} s") from None
        del self.replies[ident]
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def _drain(self) -> list[dict]:
        events = []
        while True:
            try:
                events.append(self.events.get_nowait())
            except queue.Empty:
                return events

    def check_page(self, url: str, base: str) -> list[str]:
        """Open ``url`` and list what is wrong with it (an empty list when nothing is)."""
        self._drain()
        self.send("Page.navigate", url=url)
        events = self._wait_for_load()
        result = self.send(
            "Runtime.evaluate", expression=_INSPECT, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            return [f"the inspection script failed: {result['exceptionDetails']}"]
        found = json.loads(result["result"]["value"])
        time.sleep(0.1)  # let late console messages arrive
        events += self._drain()
        return _problems(found, events, base)

    def _wait_for_load(self) -> list[dict]:
        events = []
        deadline = time.monotonic() + PAGE_TIMEOUT
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            events.append(event)
            if event.get("method") == "Page.loadEventFired":
                return events
        raise TimeoutError("the page did not finish loading")

    def screenshot(self) -> bytes:
        return base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"])


def _problems(found: dict, events: list[dict], base: str) -> list[str]:
    problems = []
    if found["untypeset"] or found["typeset"] != found["math"]:
        problems.append(
            f"{found['math']} math elements but {found['typeset']} MathJax containers "
            f"({found['untypeset']} untypeset)"
        )
    if found["merrors"]:
        problems.append(f"{found['merrors']} formulas failed to typeset (mjx-merror)")
    problems += [f"image did not load: {src}" for src in found["broken"]]
    allowed = (base + "/", "data:", "blob:", "about:")
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            problems.append(f"uncaught error: {text}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            args = " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            problems.append(f"console.error: {args}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            problems.append(f"console error: {entry['text']} {entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not url.startswith(allowed):
                problems.append(f"request left 127.0.0.1: {urlsplit(url).netloc or url}")
    return problems
