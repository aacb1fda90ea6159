"""Tests for xentbook.compress / xentbook.decompress: the must column of issue 10."""

from __future__ import annotations

import bz2
import lzma
import os
import subprocess
import sys
import zlib
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xentbook as xb

NAMES = ["alice29", "asyoulik", "lcet10", "plrabn12"]


# One fresh interpreter compresses and decompresses each text once: its blobs and
# outputs serve every test below, and its peak memory (VmHWM, Linux) is compress's own
# (a forked child would inherit the test runner's ru_maxrss; exec starts a fresh VmHWM).
ROUND_TRIP = """
import pathlib, re, sys, xentbook as xb
out = pathlib.Path(sys.argv[1])
for name in sys.argv[2:]:
    blob = xb.compress(xb.canterbury(name))
    (out / (name + ".xb")).write_bytes(blob)
    (out / (name + ".txt")).write_bytes(xb.decompress(blob))
status = pathlib.Path("/proc/self/status")
print(re.search(r"VmHWM:\\s*(\\d+)", status.read_text()).group(1) if status.exists() else -1)
"""


class RoundTrips(NamedTuple):
    blobs: dict  # name -> compressed bytes
    outputs: dict  # name -> decompressed bytes
    peak_kb: int  # the interpreter's peak resident memory, -1 where unknown


@pytest.fixture(scope="module")
def round_trips(tmp_path_factory) -> RoundTrips:
    out = tmp_path_factory.mktemp("compressed")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-c", ROUND_TRIP, str(out), *NAMES]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    read = lambda suffix: {name: (out / (name + suffix)).read_bytes() for name in NAMES}  # noqa: E731
    return RoundTrips(read(".xb"), read(".txt"), int(proc.stdout))


@pytest.fixture(scope="module")
def blobs(round_trips):
    return round_trips.blobs


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
def test_round_trip_canterbury(round_trips, name):
    assert round_trips.outputs[name] == xb.canterbury(name)


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


@pytest.mark.skipif(sys.platform != "linux", reason="peak memory is read from Linux /proc")
def test_peak_memory_of_every_round_trip_under_500_mb(round_trips):
    # plrabn12, the longest text, sets the peak.
    assert 0 < round_trips.peak_kb / 1024 <= 500


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


def test_huge_announced_length_is_refused_before_decoding():
    blob = bytearray(xb.compress(b"abc"))
    # Rewrite the length field (byte 5) as a 9-byte varint of 2**60 and fix the header check.
    header = bytes(blob[:5]) + bytes([0x80] * 8 + [0x10]) + bytes(blob[6:10])
    forged = header + (zlib.crc32(header) & 0xFFFF).to_bytes(2, "big") + bytes(blob[12:])
    # The length check comes before any decoding: 2**60 bytes are never attempted.
    with pytest.raises(ValueError, match="failed the length check"):
        xb.decompress(forged)


def test_str_gets_a_type_error_suggesting_encode():
    with pytest.raises(TypeError, match=r"not str.*encode"):
        xb.compress("hello")
    with pytest.raises(TypeError, match="`blob` must be bytes"):
        xb.decompress("hello")
