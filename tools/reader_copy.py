"""Reader copies of the book's notebooks: plain Markdown any notebook viewer renders.

The chapters' sources are written in MyST for Jupyter Book: numbers in the prose are
``{glue:text}`` roles, exercises, solutions and admonitions are directive fences, and terms,
citations and cross-references are roles. Outside the built site (a downloaded notebook,
JupyterLite, the student edition) none of that is rendered. :func:`reader_notebook` rewrites
a notebook's Markdown cells so that a reader sees what the site shows:

- every glued number is replaced by its value, taken from the notebook's own glue outputs and
  formatted as Jupyter Book formats it;
- every directive becomes CommonMark: exercises and admonitions a titled block quote,
  dropdown solutions a ``<details>`` element, gated solutions a "Solution" heading;
- roles become their text (``{term}`softmax``` reads "softmax", citations their keys).

Code cells and their outputs are kept as they are, so the copy still runs and still matches
its committed outputs.
"""

from __future__ import annotations

import copy
import re
from ast import literal_eval

__all__ = ["reader_notebook"]

GLUE_PREFIX = "application/papermill.record/"
_GLUE_ROLE = re.compile(r"\{glue(?::(?:text|any|md))?\}`([^`]+)`")
_ROLE = re.compile(r"\{([a-zA-Z][\w:-]*)\}`([^`]*)`")
_FENCE_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>.*)$")
_TARGET = re.compile(r"^\([\w.:-]+\)=\s*$")
_NUMPY_SCALAR = re.compile(r"^np\.\w+\((.*)\)$")
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


def reader_notebook(nb: dict) -> dict:
    """Return a copy of notebook ``nb`` (nbformat 4, as a dict) that reads without MyST.

    Raises ValueError when a glue role names a value the notebook does not glue.
    """
    reader = copy.deepcopy(nb)
    values = _glue_values(reader)
    for cell in reader["cells"]:
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = _markdown(text, values)
    return reader


def _glue_values(nb: dict) -> dict[str, str]:
    """The text/plain value of every ``glue(name, ...)`` output, by name."""
    values = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is None:
                continue
            data = {k.removeprefix(GLUE_PREFIX): v for k, v in output.get("data", {}).items()}
            if "text/plain" in data:
                plain = data["text/plain"]
                values[name] = "".join(plain) if isinstance(plain, list) else plain
    return values


def _format_glue(content: str, values: dict[str, str]) -> str:
    # `key:format_spec`, as myst-nb reads it: the spec, when present, ends in its type letter.
    key, _, spec = content.rpartition(":") if ":" in content else (content, "", "")
    if "::" in content or key not in values:
        raise ValueError(
            f"glue role `{content}` names no value glued in this notebook; glue it here "
            "(reader copies only resolve a notebook's own glue outputs)"
        )
    # NumPy 2 writes scalars as `np.float64(0.5)`: the number is the literal inside.
    plain = _NUMPY_SCALAR.sub(r"\1", values[key].strip())
    try:
        value = literal_eval(plain)
    except (SyntaxError, ValueError):
        value = values[key]
    if not spec:
        return str(value)
    kind = spec[-1]
    if kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    elif kind == "s":
        value = str(value)
    return format(value, spec)


def _role(match: re.Match) -> str:
    name, content = match.group(1), match.group(2)
    if name == "math":
        return f"${content}$"
    if name in ("cite", "cite:p", "cite:t"):
        return f"[{content}]"
    explicit = _EXPLICIT.match(content)
    if explicit:
        return explicit.group("text")
    if name in ("numref", "ref", "doc", "eq", "prf:ref", "download"):
        return content.rsplit("/", 1)[-1].replace("-", " ")
    return content


def _inline(text: str, values: dict[str, str]) -> str:
    text = _GLUE_ROLE.sub(lambda m: _format_glue(m.group(1), values), text)
    return _ROLE.sub(_role, text)


def _markdown(text: str, values: dict[str, str]) -> str:
    out: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        opened = _FENCE_OPEN.match(line.strip())
        if _TARGET.match(line.strip()):
            i += 1
            continue
        if not opened:
            out.append(_inline(line, values))
            i += 1
            continue
        fence, name, arg = opened["fence"], opened["name"], opened["arg"].strip()
        body, i = _fence_body(lines, i + 1, fence)
        options, body = _options(body)
        out.extend(_directive(name, _inline(arg, values), options, body, values))
    return "\n".join(out).strip("\n")


def _fence_body(lines: list[str], start: int, fence: str) -> tuple[list[str], int]:
    # The fence closes on a line of the same character, at least as long, and nothing else.
    for j in range(start, len(lines)):
        stripped = lines[j].strip()
        if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
            return lines[start:j], j + 1
    return lines[start:], len(lines)


def _options(body: list[str]) -> tuple[dict[str, str], list[str]]:
    options = {}
    while body and re.match(r"^:[\w-]+:", body[0].strip()):
        key, _, value = body[0].strip()[1:].partition(":")
        options[key] = value.strip()
        body = body[1:]
    if body and body[0].strip() == "---":  # YAML options block
        end = body.index("---", 1) if "---" in body[1:] else 0
        body = body[end + 1 :]
    return options, body


def _directive(
    name: str, arg: str, options: dict[str, str], body: list[str], values: dict[str, str]
) -> list[str]:
    inner = _markdown("\n".join(body), values).split("\n") if body else []
    if name in ("solution-start",):
        return ["**Solution**"]
    if name in ("solution-end",):
        return ["*End of solution.*"]
    if name == "code-cell" or name == "code":
        return [f"```{arg}", *body, "```"]
    if name in ("math",):
        return ["$$", *body, "$$"]
    if name == "solution" or "dropdown" in options.get("class", ""):
        title = "Solution" if name == "solution" else (arg or name.capitalize())
        return ["<details>", f"<summary>{title}</summary>", "", *inner, "", "</details>"]
    if name in ("exercise", "admonition"):
        title = "Exercise" + (f": {arg}" if arg else "") if name == "exercise" else arg
    else:
        title = name.replace("-", " ").capitalize() + (f": {arg}" if arg else "")
    return [f"> **{title}**", ">", *[f"> {line}".rstrip() for line in inner]]
