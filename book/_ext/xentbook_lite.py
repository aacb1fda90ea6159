"""Sphinx extension: "Run in your browser", a JupyterLite with a Pyodide kernel inside the site.

At the end of an HTML build it writes ``lite/`` into the output folder, with no network:

- the reader copy (tools/reader_copy.py) of every notebook page as JupyterLite's contents,
  and the same copy behind each page's download button;
- the Pyodide distribution, copied from the folder the ``xentbook_pyodide_source`` setting
  names and checked file by file against the sha256 values kept in tools/pyodide/ (a mismatch
  or a missing file fails the build), handed to ``jupyter lite build`` where JupyterLite
  looks for a local Pyodide (``static/pyodide`` of its lite folder), with the kernel's
  settings in that folder's ``jupyter-lite.json``: JupyterLite copies both into the site;
- two wheels the kernel loads on import through Pyodide's lock file: ``xentbook`` (built
  from this repository) and ``comm`` (which the kernel needs and Pyodide lacks); the reader
  copies need nothing of the book's build (no ``myst_nb``). JupyterLite has no setting
  for lock entries, so they are written here, with exactly the fields of Pyodide's own
  entries: a Pyodide whose lock has other fields fails the build;
- a "Run in your browser" link at the top of every notebook page.

The xentbook wheel is also offered for download at ``wheels/``.

A rebuild with no change is quick: the wheel and JupyterLite are rebuilt only when the hash
of their inputs changes (kept in ``_build/xentbook-cache/``), and every file the build writes
is under the build's output folder or a temporary one.
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
import tempfile
import zipfile
from pathlib import Path

from sphinx.errors import ExtensionError


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
# What the xentbook wheel is built from (pyproject.toml names README.md as its readme).
WHEEL_INPUTS = ("pyproject.toml", "README.md", "xentbook")


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


def _tree_files(root: Path, names) -> list[Path]:
    """The files under ``root / name`` for each name, without Python's byte-code caches."""
    found = []
    for name in names:
        path = root / name
        found += [path] if path.is_file() else sorted(path.rglob("*"))
    return [f for f in found if f.is_file() and "__pycache__" not in f.parts]


def inputs_hash(root: Path, files, *extra: str) -> str:
    """One sha256 over the paths (relative to ``root``) and bytes of ``files``, and ``extra``."""
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    for text in extra:
        digest.update(text.encode() + b"\0")
    return digest.hexdigest()


def _up_to_date(stamp: Path, key: str, *outputs: Path) -> bool:
    return stamp.is_file() and stamp.read_text() == key and all(o.exists() for o in outputs)


def wheel_name() -> str:
    """The file name of the xentbook wheel: the installed version's (checked once built)."""
    return f"xentbook-{importlib.metadata.version('xentbook')}-py3-none-any.whl"


def xentbook_wheel(out: Path, cache: Path) -> Path:
    """Build the xentbook wheel into ``out``, offline, unless its inputs are unchanged.

    setuptools writes ``build/`` and ``*.egg-info`` beside the sources, so it builds a copy
    of them in a temporary folder: nothing in the repository is written or deleted.
    """
    files = _tree_files(ROOT, WHEEL_INPUTS)
    key = inputs_hash(ROOT, files, sys.version)
    wheel, stamp = out / wheel_name(), cache / "wheel.sha256"
    if _up_to_date(stamp, key, wheel):
        return wheel
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("xentbook-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            copy = Path(tmp) / f.relative_to(ROOT)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, copy)
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
        cmd += ["--no-index", "-q", "-w", str(out), tmp]
        subprocess.run(cmd, check=True, cwd=tmp)
    if not wheel.is_file():
        built = [w.name for w in out.glob("xentbook-*.whl")]
        raise ExtensionError(
            f"the wheel built is {built}, not {wheel.name}: reinstall the package "
            "(`pip install -e .`) so that its installed version matches pyproject.toml"
        )
    cache.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key)
    return wheel


def _lock_entry(wheel: Path, imports: list[str], depends: list[str], fields: set) -> dict:
    """A Pyodide lock entry for a pure-Python wheel, with the ``fields`` that every entry of
    Pyodide's own lock has: a lock whose entries have other fields fails the build."""
    name, version = wheel.name.split("-")[:2]
    entry = {
        "name": name,
        "version": version,
        "file_name": wheel.name,
        "install_dir": "site",
        "sha256": _sha256(wheel),
        "package_type": "package",
        "imports": imports,
        "depends": depends,
        "unvendored_tests": False,
    }
    if set(entry) != fields:
        raise ExtensionError(
            "xentbook_lite writes Pyodide lock entries with the fields "
            f"{sorted(entry)}, but the pinned lock's entries have {sorted(fields)}: "
            "update _lock_entry for this Pyodide release"
        )
    return entry


def notebook_docs(app) -> list[str]:
    """Every document of the build whose source is a notebook."""
    return sorted(d for d in app.env.found_docs if str(app.env.doc2path(d)).endswith(".ipynb"))


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _reader_copies(app, cache: Path) -> dict[str, str]:
    """The reader copy of every notebook page (path under the book -> JSON text); each is
    also written behind its page's download button. A copy is made again only when its
    notebook or the book tooling (tools/) changed."""
    from tools.reader_copy import reader_notebook

    tooling = inputs_hash(ROOT, _tree_files(ROOT, ["tools"]))
    copies, used = {}, set()
    for doc in notebook_docs(app):
        source = Path(app.env.doc2path(doc)).read_bytes()
        saved = cache / "reader" / hashlib.sha256(source + tooling.encode()).hexdigest()
        if saved.is_file():
            text = saved.read_text(encoding="utf-8")
        else:
            nb = reader_notebook(json.loads(source))
            text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
            _write_if_changed(saved, text)
        copies[f"{doc}.ipynb"] = text
        used.add(saved)
        _write_if_changed(Path(app.outdir) / "_sources" / f"{doc}.ipynb", text)
    for stale in set((cache / "reader").iterdir()) - used:
        stale.unlink()
    return copies


def _lite_config(litedir: Path) -> None:
    """JupyterLite's own input settings (``jupyter-lite.json`` in the lite folder), which
    ``jupyter lite build`` merges into the site's."""
    kernel = {
        "disablePyPIFallback": True,
        # Loaded with Pyodide, side by side, instead of one by one by the kernel's start.
        "loadPyodideOptions": {"packages": KERNEL_PACKAGES},
    }
    config = {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            # window.jupyterapp lets the browser tests run the notebooks as a reader would.
            "exposeAppInBrowser": "true",
            "litePluginSettings": {KERNEL_PLUGIN: kernel},
        },
    }
    (litedir / "jupyter-lite.json").write_text(json.dumps(config, indent=2) + "\n")


def _lite_inputs_key(app, copies: dict[str, str], wheel: Path) -> str:
    """Everything the ``lite/`` folder is made from, hashed."""
    pins = _tree_files(ROOT, ["tools/pyodide", "book/_ext/xentbook_lite.py"])
    versions = [
        f"{d}=={importlib.metadata.version(d)}"
        for d in ("jupyterlite-core", "jupyterlite-pyodide-kernel", "jupyterlab-myst", "comm")
    ]
    notebooks = [f"{name}\0{text}" for name, text in sorted(copies.items())]
    return inputs_hash(
        ROOT, pins, app.config.xentbook_pyodide_source, _sha256(wheel), *versions, *notebooks
    )


def build_lite(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    cache = outdir.parent / "xentbook-cache"
    wheel = xentbook_wheel(outdir / "wheels", cache)
    copies = _reader_copies(app, cache)
    if not app.config.xentbook_pyodide_source:
        raise ExtensionError("set sphinx.config.xentbook_pyodide_source in _config.yml")
    key, stamp = _lite_inputs_key(app, copies, wheel), cache / "lite.sha256"
    if _up_to_date(stamp, key, outdir / LITE / "jupyter-lite.json"):
        return
    stamp.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(dir=outdir.parent) as tmp:
        _write_lite(app, Path(tmp), copies, wheel, outdir / LITE)
    cache.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key)


def _write_lite(app, staging: Path, copies: dict[str, str], wheel: Path, target: Path) -> None:
    contents, litedir, wheels = staging / "contents", staging / "lite", staging / "wheels"
    for folder in (contents, litedir, wheels):
        folder.mkdir(parents=True)
    for name, text in copies.items():
        _write_if_changed(contents / name, text)
    # Pyodide goes where JupyterLite looks for a local one (static/pyodide of the lite
    # folder): it copies it into the site and points the kernel at it.
    pyodide = litedir / "static" / "pyodide"
    lock = copy_pyodide(pyodide_source(app.config.xentbook_pyodide_source), pyodide)
    fields = set.intersection(*(set(entry) for entry in lock["packages"].values()))
    extra = {
        "xentbook": _lock_entry(wheel, ["xentbook"], ["numpy", "matplotlib"], fields),
        "comm": _lock_entry(installed_wheel(wheels, "comm"), ["comm"], ["traitlets"], fields),
    }
    for source in (wheel, wheels / extra["comm"]["file_name"]):
        shutil.copyfile(source, pyodide / source.name)
    lock["packages"] |= extra
    (pyodide / "pyodide-lock.json").write_text(json.dumps(lock, indent=1) + "\n")
    _lite_config(litedir)
    if target.exists():
        shutil.rmtree(target)
    cmd = [sys.executable, "-m", "jupyter", "lite", "build", "--contents", str(contents)]
    cmd += ["--output-dir", str(target), "--lite-dir", str(litedir)]
    cmd += ["--apps", "notebooks", "--no-sourcemaps", "--no-unused-shared-packages"]
    proc = subprocess.run(cmd, cwd=litedir, capture_output=True, text=True)
    if proc.returncode:
        raise ExtensionError(
            f"jupyter lite build failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )


def name_wheel(app, config) -> None:
    """Let pages name the wheel the build will serve: ``{{ xentbook_wheel }}``."""
    name = wheel_name()
    config.myst_substitutions = {
        **(config.myst_substitutions or {}),
        "xentbook_wheel": f'<a href="../wheels/{name}" download>{name}</a>',
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
    app.connect("config-inited", name_wheel)
    app.connect("html-page-context", launch_link)
    app.connect("build-finished", build_lite)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
