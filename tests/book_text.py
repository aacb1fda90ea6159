"""Text of the book's notebooks and built pages, shared by the tests that look for leaks."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


def instructor_notebooks() -> list[Path]:
    return sorted(p for p in BOOK.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def cell_text(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def outputs(cell: dict) -> str:
    parts = []
    for out in cell.get("outputs", []):
        text = out.get("text") or out.get("data", {}).get("text/plain", "")
        parts.append(text if isinstance(text, str) else "".join(text))
    return "".join(parts)


def squash(text: str) -> str:
    return " ".join(text.split())


def phrases(text: str) -> set[str]:
    """Runs of six or more plain words: they survive the trip from MyST to HTML unchanged."""
    plain = re.sub(r"\$[^$]*\$|\{[a-z:-]+\}`[^`]*`|`[^`]*`|[*_]", " ", text)
    found = set()
    for line in plain.splitlines():
        for run in re.findall(r"(?:[A-Za-z][A-Za-z'-]*,? ){5,}[A-Za-z][A-Za-z'-]*", line):
            found.add(squash(run))
    return found


def solution_content() -> tuple[set[str], set[str]]:
    """Distinctive code/output lines and prose phrases of every solution cell in the book."""
    public = []
    secret_cells = []
    for nb in instructor_notebooks():
        for cell in cells(nb):
            is_secret = "solution" in cell.get("metadata", {}).get("tags", [])
            (secret_cells if is_secret else public).append(cell)
    # Text that is public anyway: the other cells, the Markdown pages, and the package's
    # docstrings and messages (the API appendix shows them, self-check output included).
    elsewhere = [p.read_text(encoding="utf-8") for p in BOOK.rglob("*.md")]
    elsewhere += [p.read_text(encoding="utf-8") for p in (ROOT / "xentbook").rglob("*.py")]
    public_text = squash(" ".join([cell_text(c) + " " + outputs(c) for c in public] + elsewhere))
    lines, prose = set(), set()
    for cell in secret_cells:
        if cell["cell_type"] == "code":
            for line in (cell_text(cell) + "\n" + outputs(cell)).splitlines():
                line = squash(line)
                if len(line) >= 20 and line not in public_text:
                    lines.add(line)
        else:
            prose |= {p for p in phrases(cell_text(cell)) if p not in public_text}
    return lines, prose


def html_text(folder: Path) -> dict[str, str]:
    """Each page's visible text, with Sphinx's curly quotes made straight again."""
    pages = {}
    for page in sorted(folder.rglob("*.html")):
        if "_static" in page.parts:
            continue
        raw = page.read_text(encoding="utf-8")
        raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
        # Inline tags (code highlighting, links) vanish; block tags separate words.
        raw = re.sub(r"</?(?:span|a|em|strong|code|sup|sub)\b[^>]*>", "", raw)
        text = html.unescape(re.sub(r"<[^>]+>", " ", raw)).translate(_STRAIGHT)
        pages[page.relative_to(folder).as_posix()] = squash(text)
    return pages


_STRAIGHT = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
