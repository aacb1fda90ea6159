"""Every notebook's committed outputs hold on other CPUs: other OpenBLAS kernels, other SIMD paths.

A reader's machine picks its own OpenBLAS kernel and its own NumPy SIMD code, and both change
the last bits of sums and products. Each configuration below forces one such machine on this
one (``OPENBLAS_CORETYPE`` picks the BLAS kernel, ``NPY_DISABLE_CPU_FEATURES`` switches off
NumPy's dispatch targets from a level up) and runs nbval over the notebooks in a fresh pytest.
A probe run with the same environment first checks that the kernel and the SIMD level really
are the ones asked for, so a configuration the machine ignores fails instead of retesting the
default path.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from tools._book import chapters

ROOT = Path(__file__).resolve().parents[1]

# id: (OPENBLAS_CORETYPE, the kernel OpenBLAS then reports, the CPU feature that kernel needs,
# the lowest NumPy dispatch target switched off). OpenBLAS reports its SSE3 kernel under the
# first name that shares it, Katmai.
CONFIGS = {
    "haswell-avx2": ("Haswell", "Haswell", "AVX2", "X86_V4"),  # most AMD CPUs and laptops
    "skylakex-avx2": ("SkylakeX", "SkylakeX", "AVX512_SKX", "X86_V4"),  # AVX-512 BLAS only
    "sandybridge-avx": ("Sandybridge", "Sandybridge", "AVX", "X86_V3"),  # no AVX2 anywhere
    "prescott-sse": ("Prescott", "Katmai", "SSE3", "X86_V3"),  # SSE3 BLAS, NumPy's baseline
}

# A chapter runs with its problem set: about a minute per item here, so items spread over
# workers.
GROUPS = {f"ch{c.number:02d}": c.notebooks for c in chapters(ROOT)}

_PROBE = """
import json, threadpoolctl
from numpy._core import _multiarray_umath as m
blas = [i for i in threadpoolctl.threadpool_info() if i["internal_api"] == "openblas"]
print(json.dumps({
    "architecture": blas[0].get("architecture") if blas else None,
    "dispatch": list(m.__cpu_dispatch__),
    "enabled": [f for f, on in m.__cpu_features__.items() if on],
}))
"""


def _probe(env: dict[str, str]) -> dict:
    found = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(found.stdout)


def _environment(coretype: str, dispatch: list[str], lowest_off: str) -> dict[str, str]:
    """The environment of a run: the kernel, and every dispatch target from ``lowest_off`` up.

    NumPy switches off only the targets it is given, and its dispatcher still takes a higher
    one (X86_V4, AVX512_ICL) when that stays on, so all targets above go too.
    """
    if lowest_off not in dispatch:
        pytest.skip(f"this NumPy has no {lowest_off} dispatch target ({dispatch})")
    off = dispatch[dispatch.index(lowest_off) :]
    return {**os.environ, "OPENBLAS_CORETYPE": coretype, "NPY_DISABLE_CPU_FEATURES": ",".join(off)}


@pytest.mark.kernels
@pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64"), reason="the kernels are x86-64 ones"
)
@pytest.mark.parametrize("group", sorted(GROUPS))
@pytest.mark.parametrize("name", list(CONFIGS))
def test_notebooks_hold_under_another_kernel(name, group):
    coretype, reported, needs, lowest_off = CONFIGS[name]
    default = _probe(dict(os.environ))
    if default["architecture"] is None:
        pytest.skip("NumPy is not linked to OpenBLAS here")
    if needs not in default["enabled"]:
        pytest.skip(f"this CPU has no {needs}, so it cannot run OpenBLAS's {coretype} kernel")
    env = _environment(coretype, default["dispatch"], lowest_off)
    forced = _probe(env)
    assert forced["architecture"] == reported, f"OPENBLAS_CORETYPE={coretype} was ignored"
    off = env["NPY_DISABLE_CPU_FEATURES"].split(",")
    assert not set(off) & set(forced["enabled"]), f"NumPy kept {forced['enabled']} on"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", *map(str, GROUPS[group])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, f"{name}, {group}:\n{run.stdout[-4000:]}{run.stderr[-2000:]}"
