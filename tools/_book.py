"""The book's structure as the tools read it: numbered chapters, their notebooks, objectives.

Everything is derived from ``_toc.yml`` and the notebooks, so chapters and problem sets added
later are picked up without edits here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass
class Chapter:
    """A numbered chapter: its number, its notebook, its section notebooks (problem sets)."""

    number: int
    notebook: Path
    sections: list[Path] = field(default_factory=list)

    @property
    def notebooks(self) -> list[Path]:
        """The chapter's notebooks in reading order (the figure and exercise numbering order)."""
        return [self.notebook, *self.sections]

    @property
    def problem_sets(self) -> list[Path]:
        return [p for p in self.sections if p.parent.name == "problems"]

    @property
    def title(self) -> str:
        for cell in cells(self.notebook):
            if cell["cell_type"] == "markdown":
                heading = re.search(r"^# (.+)$", source(cell), flags=re.M)
                if heading:
                    return heading[1].strip()
        return self.notebook.stem

    def objectives(self) -> list[str]:
        """The items of the chapter's "Learning objectives" list, objective ``N.k`` at k - 1."""
        for cell in cells(self.notebook):
            text = source(cell)
            if cell["cell_type"] == "markdown" and "Learning objectives" in text:
                block = text.split("Learning objectives", 1)[1].split("\n:::", 1)[0]
                # A bulleted or a numbered list: "- ..." or "1. ...".
                items = re.split(r"^(?:[-*]|\d+[.)]) ", block, flags=re.M)[1:]
                return [" ".join(item.split()) for item in items]
        return []


def chapters(root: Path) -> list[Chapter]:
    """The numbered chapters of the book in ``root``, in order, with their notebooks."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    found: list[Chapter] = []
    for part in toc.get("parts", []):
        if not part.get("numbered"):
            continue
        for entry in part.get("chapters", []):
            notebook = root / f"{entry['file']}.ipynb"
            if notebook.exists():
                sections = [root / f"{s['file']}.ipynb" for s in _sections(entry)]
                found.append(Chapter(len(found) + 1, notebook, [s for s in sections if s.exists()]))
    return found


def _sections(entry: dict) -> list[dict]:
    return [s for child in entry.get("sections", []) for s in [child, *_sections(child)]]


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return text if isinstance(text, str) else "".join(text)


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])
