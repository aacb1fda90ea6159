"""Sphinx extension: "Run in your browser", a JupyterLite with a Pyodide kernel inside the site.

At the end of an HTML build it writes ``lite/`` into the output folder, with no network:

- the reader copy (tools/reader_copy.py) of every notebook page as JupyterLite's contents,
  and the same copy behind each page's download button;
- the Pyodide distribution, copied from the folder the ``xentbook_pyodide_source`` setting
  names and checked file by file against the sha256 values kept in tools/pyodide/ (a mismatch
  or a missing file fails the build);
- three wheels the kernel loads on import through Pyodide's lock file: ``xentbook`` (built
  from this repository), ``comm`` (which the kernel needs and Pyodide lacks) and a
  ``myst_nb`` shim whose ``glue`` displays what myst-nb's does;
- a "Run in your browser" link at the top of every notebook page.

The xentbook wheel is also offered for download at ``wheels/``.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path


def _project_root() -> Path:
    """The repository: this file's, or, when the book is a copy (as the student edition
    builds it), the one the ``xentbook`` package is imported from."""
    here = Path(__file__).resolve().parents[2]
    if (here / "pyproject.toml").is_file():
        return here
    spec = importlib.util.find_spec("xentbook")
    if spec is not None and spec.origin:
        root = Path(spec.origin).resolve().parents[1]
        if (root / "pyproject.toml").is_file():
            return root
    raise RuntimeError(
        "xentbook_lite needs the xentbook repository (pyproject.toml, tools/): build the book "
        "from a clone, or with the clone's `xentbook` importable (`pip install -e .`)"
    )


ROOT = _project_root()
PYODIDE_PINS = ROOT / "tools" / "pyodide"
LITE = "lite"
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
# What the Pyodide kernel installs as it starts, less its own two wheels (ipykernel and
# pyodide_kernel, which it installs itself); all are in the served lock file.
KERNEL_PACKAGES = ["micropip", "ssl", "sqlite3", "comm", "jedi", "ipython"]
SHIM = '''"""The part of myst-nb a chapter uses in JupyterLite: ``glue`` (display only)."""

import IPython
from IPython.display import display as _display

GLUE_PREFIX = "application/papermill.record/"


def glue(name, variable, display=True):
    """Display ``variable`` with the metadata myst-nb's glue gives it."""
    bundle, metadata = IPython.core.formatters.format_display_data(variable)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    _display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)
'''


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pyodide_source(setting: str) -> Path:
    """The folder named by ``xentbook_pyodide_source``: ``package:subfolder`` or a path.

    A package is located without being imported: only its files are used.
    """
    package, sep, sub = setting.partition(":")
    if sep and re.fullmatch(r"[A-Za-z_]\w*", package):
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError(
                f"xentbook_pyodide_source: package `{package}` is not installed; "
                "`pip install -r requirements.txt` installs it"
            )
        return Path(next(iter(spec.submodule_search_locations))) / sub
    return Path(setting)


def copy_pyodide(source: Path, target: Path) -> dict:
    """Copy the pinned Pyodide files from ``source``, checking each sha256; return the lock."""
    lock = json.loads((PYODIDE_PINS / "pyodide-lock.json").read_text())
    expected = {}
    for line in (PYODIDE_PINS / "core.sha256").read_text().splitlines():
        digest, name = line.split()
        expected[name] = digest
    expected |= {p["file_name"]: p["sha256"] for p in lock["packages"].values()}
    target.mkdir(parents=True, exist_ok=True)
    bad = []
    for name, digest in sorted(expected.items()):
        src = source / name
        if not src.is_file():
            bad.append(f"{name}: missing from {source}")
        elif _sha256(src) != digest:
            bad.append(f"{name}: sha256 {_sha256(src)} differs from the pinned {digest}")
        else:
            shutil.copyfile(src, target / name)
    if bad:
        raise RuntimeError("the Pyodide distribution failed its check:\n  " + "\n  ".join(bad))
    return lock


def _write_wheel(out: Path, name: str, version: str, files: dict[str, bytes], requires=()) -> Path:
    """Write a pure-Python wheel holding ``files`` (archive path -> bytes)."""
    dist = f"{name}-{version}.dist-info"
    meta = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    meta += [f"Requires-Dist: {r}" for r in requires]
    files = dict(files)
    files[f"{dist}/METADATA"] = ("\n".join(meta) + "\n").encode()
    files[f"{dist}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: xentbook\nRoot-Is-Purelib: true\n"
    files[f"{dist}/WHEEL"] += b"Tag: py3-none-any\n"
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([path, f"sha256={digest}", len(data)])
    writer.writerow([f"{dist}/RECORD", "", ""])
    files[f"{dist}/RECORD"] = record.getvalue().encode()
    wheel = out / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in sorted(files.items()):
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return wheel


def installed_wheel(out: Path, distribution: str) -> Path:
    """Pack the installed pure-Python ``distribution`` (here ``comm``) back into a wheel."""
    dist = importlib.metadata.distribution(distribution)
    files = {}
    for f in dist.files or []:
        if f.parts[0].endswith(".dist-info") or f.suffix == ".pyc" or "__pycache__" in f.parts:
            continue
        files[f.as_posix()] = Path(dist.locate_file(f)).read_bytes()
    requires = [r for r in dist.requires or [] if "extra ==" not in r]
    return _write_wheel(out, dist.metadata["Name"], dist.version, files, requires)


def xentbook_wheel(out: Path) -> Path:
    """Build the xentbook wheel from this repository, offline (no build isolation)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("xentbook-*.whl"):
        old.unlink()
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    cmd += ["--no-index", "-q", "-w", str(out), str(ROOT)]
    # setuptools reuses build/lib: a module removed since the last build would ship again.
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    subprocess.run(cmd, check=True, cwd=ROOT)
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # or Sphinx would read it as pages
    return next(out.glob("xentbook-*.whl"))


def _lock_entry(wheel: Path, imports: list[str], depends: list[str]) -> dict:
    name, version = wheel.name.split("-")[:2]
    return {
        "name": name,
        "version": version,
        "file_name": wheel.name,
        "install_dir": "site",
        "sha256": _sha256(wheel),
        "package_type": "package",
        "imports": imports,
        "depends": depends,
        "unvendored_tests": False,
        "shared_library": False,
    }


def notebook_docs(app) -> list[str]:
    """Every document of the build whose source is a notebook."""
    return sorted(d for d in app.env.found_docs if str(app.env.doc2path(d)).endswith(".ipynb"))


def _reader_copies(app, contents: Path) -> None:
    from tools.reader_copy import reader_notebook

    for doc in notebook_docs(app):
        nb = json.loads(Path(app.env.doc2path(doc)).read_text(encoding="utf-8"))
        text = json.dumps(reader_notebook(nb), indent=1, ensure_ascii=False) + "\n"
        for target in (contents / f"{doc}.ipynb", Path(app.outdir) / "_sources" / f"{doc}.ipynb"):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")


def build_lite(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    staging = outdir.parent / "lite-staging"
    if staging.exists():
        shutil.rmtree(staging)
    contents, litedir, wheels = staging / "contents", staging / "lite", staging / "wheels"
    for folder in (contents, litedir, wheels):
        folder.mkdir(parents=True)
    _reader_copies(app, contents)
    if (outdir / LITE).exists():
        shutil.rmtree(outdir / LITE)
    cmd = [sys.executable, "-m", "jupyter", "lite", "build", "--contents", str(contents)]
    cmd += ["--output-dir", str(outdir / LITE), "--lite-dir", str(litedir)]
    cmd += ["--apps", "notebooks", "--no-sourcemaps", "--no-unused-shared-packages"]
    proc = subprocess.run(cmd, cwd=litedir, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(
            f"jupyter lite build failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )

    if not app.config.xentbook_pyodide_source:
        raise RuntimeError("set sphinx.config.xentbook_pyodide_source in _config.yml")
    pyodide = outdir / LITE / "static" / "pyodide"
    lock = copy_pyodide(pyodide_source(app.config.xentbook_pyodide_source), pyodide)
    shim = _write_wheel(wheels, "myst_nb", "0.0.0", {"myst_nb/__init__.py": SHIM.encode()})
    extra = {
        "xentbook": _lock_entry(Path(app.xentbook_wheel), ["xentbook"], ["numpy", "matplotlib"]),
        "comm": _lock_entry(installed_wheel(wheels, "comm"), ["comm"], ["traitlets"]),
        "myst-nb": _lock_entry(shim, ["myst_nb"], ["ipython"]),
    }
    for entry in extra.values():
        source = wheels / entry["file_name"]
        if not source.exists():  # the xentbook wheel, built before the pages
            source = Path(app.xentbook_wheel)
        shutil.copyfile(source, pyodide / entry["file_name"])
    lock["packages"] |= extra
    (pyodide / "pyodide-lock.json").write_text(json.dumps(lock, indent=1) + "\n")

    config_file = outdir / LITE / "jupyter-lite.json"
    config = json.loads(config_file.read_text())
    # window.jupyterapp lets the browser tests run the notebooks as a reader would.
    config["jupyter-config-data"]["exposeAppInBrowser"] = "true"
    settings = config["jupyter-config-data"].setdefault("litePluginSettings", {})
    settings.setdefault(KERNEL_PLUGIN, {}).update(
        {
            "pyodideUrl": "./static/pyodide/pyodide.js",
            "disablePyPIFallback": True,
            # Loaded with Pyodide, side by side, instead of one by one by the kernel's start.
            "loadPyodideOptions": {"packages": KERNEL_PACKAGES},
        }
    )
    config_file.write_text(json.dumps(config, indent=2) + "\n")
    shutil.rmtree(staging)


def offer_wheel(app) -> None:
    """Build the xentbook wheel first, so that pages can name it and the site can serve it."""
    if app.builder.format != "html":
        return
    wheel = xentbook_wheel(Path(app.outdir) / "wheels")
    app.xentbook_wheel = str(wheel)
    app.config.myst_substitutions = {
        **(app.config.myst_substitutions or {}),
        "xentbook_wheel": f'<a href="../wheels/{wheel.name}" download>{wheel.name}</a>',
    }


def launch_link(app, pagename, templatename, context, doctree) -> None:
    if pagename not in app.env.found_docs or pagename not in notebook_docs(app):
        return
    href = context["pathto"](f"{LITE}/notebooks/index.html", 1) + f"?path={pagename}.ipynb"
    link = (
        f'<p class="xentbook-run"><a class="xentbook-run-link" href="{href}">'
        "Run in your browser</a> (JupyterLite: runs this chapter in the page, offline)</p>\n"
    )
    context["body"] = link + context.get("body", "")


def setup(app):
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    # Set in _config.yml: where the Pyodide files come from (checked against tools/pyodide/).
    app.add_config_value("xentbook_pyodide_source", "", "html", types=[str])
    # Before myst-parser reads its settings (priority 500), so the substitution exists.
    app.connect("builder-inited", offer_wheel, priority=100)
    app.connect("html-page-context", launch_link)
    app.connect("build-finished", build_lite)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
