"""Tests for the range coder itself (xentbook._coding.arithmetic.RangeEncoder / RangeDecoder).

The public arithmetic_encode / arithmetic_decode are tested in test_coding.py; here the
coder is driven directly with integer intervals, as an adaptive model drives it.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from xentbook._coding.arithmetic import RangeDecoder, RangeEncoder

# Each step: a total up to 2**20 and a symbol interval [cum, cum + freq) inside it.
steps = st.lists(
    st.integers(1, 1 << 20).flatmap(
        lambda total: st.tuples(st.integers(0, total - 1), st.just(total)).flatmap(
            lambda ct: st.tuples(st.just(ct[0]), st.integers(1, ct[1] - ct[0]), st.just(ct[1]))
        )
    ),
    max_size=300,
)


def encode(intervals) -> bytes:
    """Range-code the intervals, one ``(cum, freq, total)`` step each; return the code."""
    encoder = RangeEncoder()
    for cum, freq, total in intervals:
        encoder.encode(cum, freq, total)
    return encoder.finish()


def decode(code: bytes, intervals):
    """Decode with the encoder's intervals; return the targets found, checking each."""
    decoder = RangeDecoder(code)
    for cum, freq, total in intervals:
        target = decoder.target(total)
        assert cum <= target < cum + freq
        decoder.consume(cum, freq)
    return decoder


@settings(max_examples=200, deadline=None)
@given(steps)
def test_round_trip_of_any_intervals(intervals):
    code = encode(intervals)
    # The decoder reads exactly the bytes the encoder wrote: compress relies on this to
    # tell a truncated or extended payload.
    assert decode(code, intervals).pos == len(code)


@settings(max_examples=200, deadline=None)
@given(steps)
def test_code_length_is_the_surprisal_plus_a_few_bytes(intervals):
    # Arithmetic coding's bound: -log2 of the product of the symbols' shares, plus the
    # rounding (tiny for totals far below 2**64) and the bytes that end the code.
    code = encode(intervals).rstrip(b"\0")
    surprisal = math.fsum(math.log2(total / freq) for _, freq, total in intervals)
    assert 8 * len(code) <= surprisal + 16
    decode(code, intervals)  # dropping trailing zero bytes loses nothing


def test_bytes_of_uniform_symbols_come_out_as_they_went_in():
    # With total 256 each symbol is one byte of the code, most significant first: the
    # register holds 9 bytes, so 7 have left it after 8 symbols and finish adds 9 more.
    encoder = RangeEncoder()
    for byte in b"abcdefgh":
        encoder.encode(byte, 1, 256)
    code = encoder.finish()
    assert code == b"abcdefgh" + bytes(8)
    assert decode(code, [(byte, 1, 256) for byte in b"abcdefgh"]).pos == 16
