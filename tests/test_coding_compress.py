"""Tests for xentbook.compress / xentbook.decompress: the must column of issue 10."""

from __future__ import annotations

import bz2
import lzma
import os
import subprocess
import sys
import time
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xentbook as xb

NAMES = ["alice29", "asyoulik", "lcet10", "plrabn12"]


@pytest.fixture(scope="module")
def blobs():
    return {name: xb.compress(xb.canterbury(name)) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_smaller_than_zlib_bz2_and_lzma(blobs, name):
    text = xb.canterbury(name)
    others = {
        "zlib": len(zlib.compress(text, 9)),
        "bz2": len(bz2.compress(text, 9)),
        "lzma": len(lzma.compress(text, preset=9 | lzma.PRESET_EXTREME)),
    }
    assert all(len(blobs[name]) < size for size in others.values()), others


@pytest.mark.parametrize("name", NAMES)
def test_round_trip_canterbury(blobs, name):
    assert xb.decompress(blobs[name]) == xb.canterbury(name)


@pytest.mark.parametrize("name", ["alice29", "asyoulik"])
def test_compressed_bits_are_the_adaptive_code_length(blobs, name):
    # Compressed bits = sum_t -log2 q_t(x_t) + overhead, overhead <= 0.1% + 64 bits.
    code_length = xb.adaptive_score(xb.canterbury(name)).total_bits
    overhead = 8 * len(blobs[name]) - code_length
    assert -16 <= overhead <= 0.001 * code_length + 64


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00", b"x", bytes(range(256)), bytes(range(255, -1, -1)) * 3, b"a" * 5000],
)
def test_round_trip_edge_cases(data):
    assert xb.decompress(xb.compress(data)) == data


def test_random_bytes_round_trip_and_barely_grow():
    data = np.random.default_rng(0).integers(0, 256, 65536, dtype=np.uint8).tobytes()
    blob = xb.compress(data)
    assert xb.decompress(blob) == data
    assert len(blob) <= 1.01 * len(data) + 64


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_round_trip_property(data):
    assert xb.decompress(xb.compress(data)) == data


def test_timing_alice_under_ten_seconds_each():
    text = xb.canterbury("alice29")
    start = time.process_time()
    blob = xb.compress(text)
    middle = time.process_time()
    xb.decompress(blob)
    end = time.process_time()
    assert middle - start <= 10
    assert end - middle <= 10


@pytest.mark.skipif(sys.platform != "linux", reason="peak memory is read from Linux /proc")
def test_peak_memory_on_plrabn12_under_500_mb():
    # A fresh interpreter, so the peak is compress's own. VmHWM, not ru_maxrss: a forked child
    # inherits its parent's ru_maxrss (the test runner's), while exec starts a fresh VmHWM (kB).
    code = (
        "import re, xentbook as xb; xb.decompress(xb.compress(xb.canterbury('plrabn12')));"
        "print(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) / 1024 <= 500


# --- Damaged and foreign blobs ------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_blob():
    return xb.compress(b"It was the best of times, it was the worst of times. " * 20)


def test_truncated_blobs_fail_loudly(small_blob):
    for cut in range(len(small_blob)):
        with pytest.raises(ValueError, match="`blob` failed the"):
            xb.decompress(small_blob[:cut])


def test_flipped_bits_never_give_wrong_bytes(small_blob):
    original = xb.decompress(small_blob)
    for position in range(len(small_blob)):
        for bit in (0, 3, 7):
            damaged = bytearray(small_blob)
            damaged[position] ^= 1 << bit
            try:
                out = xb.decompress(bytes(damaged))
            except ValueError as error:
                message = str(error)
            else:  # only possible where the flip changes nothing decoded
                message = "`blob` failed the" if out == original else "wrong bytes"
            assert message.startswith("`blob` failed the"), (position, bit)


@pytest.mark.parametrize(
    ("blob", "check"),
    [
        (zlib.compress(b"hello"), "magic-tag"),
        (b"", "header"),
        (b"\x89XBZ", "header"),
        (b"hello world, not a blob", "magic-tag"),
    ],
)
def test_foreign_blobs_name_the_check(blob, check):
    with pytest.raises(ValueError, match=f"failed the {check} check"):
        xb.decompress(blob)


def test_extra_bytes_are_refused(small_blob):
    # Bytes beyond everything the decoder reads cannot have come from compress.
    with pytest.raises(ValueError, match="bytes are left over"):
        xb.decompress(small_blob + b"\x01" * 10)


def test_huge_announced_length_fails_fast():
    blob = bytearray(xb.compress(b"abc"))
    # Rewrite the length field (byte 5) as a 9-byte varint of 2**60 and fix the header check.
    header = bytes(blob[:5]) + bytes([0x80] * 8 + [0x10]) + bytes(blob[6:10])
    forged = header + (zlib.crc32(header) & 0xFFFF).to_bytes(2, "big") + bytes(blob[12:])
    start = time.process_time()
    with pytest.raises(ValueError, match="failed the length check"):
        xb.decompress(forged)
    assert time.process_time() - start < 1


def test_str_gets_a_type_error_suggesting_encode():
    with pytest.raises(TypeError, match=r"not str.*encode"):
        xb.compress("hello")
    with pytest.raises(TypeError, match="`blob` must be bytes"):
        xb.decompress("hello")
