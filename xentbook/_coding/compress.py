"""A real compressor: the range coder driven byte by byte by an adaptive context model.

Format of a blob (all integers big-endian):

====================  =========================================================
magic tag, 4 bytes    ``b"\\x89XBZ"``
mode, 1 byte          0: stored as is; 0x14: PPM, escape method D, order 4
length, varint        bytes of the original data (7 bits per byte, LEB128)
CRC-32, 4 bytes       ``zlib.crc32`` of the original data
header check, 2 bytes the low 16 bits of ``zlib.crc32`` of the header so far
payload               the range coder's output (zero bytes ending it dropped)
====================  =========================================================
"""

from __future__ import annotations

import math
import zlib

from . import _checks
from .arithmetic import RangeDecoder, RangeEncoder
from .context import WEIGHT_CAP, Counts

__all__ = ["compress", "decompress"]

_MAGIC = b"\x89XBZ"
_STORED = 0
_PPM = 0x14  # escape method D (high nibble 1), order 4 (low nibble)
_ORDER, _ESCAPE = 4, "D"
# Bytes the range decoder reads beyond a payload's end, at most (its register).
_REGISTER_BYTES = 9


def compress(data: bytes) -> bytes:
    """Compress bytes with an adaptive order-4 PPM model and the book's range coder.

    Parameters
    ----------
    data : bytes
        Any bytes (bytearray and memoryview work too). For text, pass
        ``text.encode("utf-8")``.

    Returns
    -------
    bytes
        The blob: a header of 12 to 20 bytes (magic tag, length, CRC-32) and the code.
        :func:`decompress` gives back ``data`` exactly.

    See Also
    --------
    decompress, adaptive_score

    Notes
    -----
    The model predicts each byte :math:`x_t` from the four before it, codes it,
    then learns it (see :func:`adaptive_score`). The code is as long as the
    model's adaptive code length, up to the coder's overhead:

    .. math::

        8 \\, |\\text{blob}| = \\sum_t -\\log_2 q_t(x_t) + \\text{overhead},

    where the overhead is the header (11 bytes plus the length's 1 to 9 bytes:
    14 for data of 16 KB to 2 MB), integer rounding in the coder (at most a factor
    :math:`1 - 2^{-40}` per coding step) and ending the code (a byte or so). So
    the compressed size in bits is the
    cross-entropy of the text under the adaptive model, summed over the text. If
    the model would make the data bigger (random bytes, say), the data is stored
    as is instead, so a blob is never more than the header longer than the data.

    Examples
    --------
    A repetitive text shrinks, and comes back byte for byte:

    >>> import xentbook as xb
    >>> text = b"the cat sat on the mat; " * 40
    >>> blob = xb.compress(text)
    >>> len(text), len(blob)
    (960, 52)
    >>> xb.decompress(blob) == text
    True

    Without its 13-byte header (the length 960 takes two bytes), the blob is the
    adaptive model's code length rounded up to whole bytes:

    >>> bits = xb.adaptive_score(text).total_bits
    >>> print(round(bits / 8, 1), len(blob) - 13)
    38.5 39
    """
    data = _checks.check_bytes(data, "data")
    payload = _encode(data)
    mode = _PPM
    if len(payload) >= len(data):
        payload, mode = data, _STORED
    header = _MAGIC + bytes([mode]) + _varint(len(data)) + zlib.crc32(data).to_bytes(4, "big")
    check = (zlib.crc32(header) & 0xFFFF).to_bytes(2, "big")
    return header + check + payload


def decompress(blob: bytes) -> bytes:
    """The bytes that :func:`compress` turned into ``blob``.

    Parameters
    ----------
    blob : bytes
        Output of :func:`compress`.

    Returns
    -------
    bytes
        The original data, exactly.

    Raises
    ------
    ValueError
        If ``blob`` was not made by :func:`compress` (the magic tag), is cut short
        or damaged (the header check, the payload's length, the decoder leaving
        every interval, or the CRC-32 of the result). The message names the check
        that failed. Wrong bytes are never returned, and the work done is bounded
        by the blob's length: the model never gives a byte a probability above
        :math:`1 - 1/1026`, so each decoded byte consumes some of the payload.

    See Also
    --------
    compress

    Notes
    -----
    The decoder rebuilds the encoder's model as it goes: after decoding
    :math:`x_1 \\dots x_{t-1}` it has learnt exactly what the encoder had when it
    coded :math:`x_t`, so it finds the same intervals.

    Examples
    --------
    >>> import xentbook as xb
    >>> blob = xb.compress(b"abracadabra")
    >>> xb.decompress(blob)
    b'abracadabra'
    >>> xb.decompress(blob[:-1])
    Traceback (most recent call last):
    ...
    ValueError: `blob` failed the length check: the decoder ran past the end of the
    payload, so it is truncated.
    """
    blob = _checks.check_bytes(blob, "blob")
    if blob[:4] != _MAGIC[: len(blob)]:
        raise ValueError(
            "`blob` failed the magic-tag check: it does not start with the tag "
            "xentbook.compress writes, so it was not made by it."
        )
    mode, length, crc, start = _read_header(blob)
    payload = blob[start:]
    if mode == _STORED:
        if len(payload) != length:
            raise ValueError(
                f"`blob` failed the length check: its header announces {length} stored "
                f"byte(s) but it holds {len(payload)}; it is truncated or has extra bytes."
            )
        data = payload
    else:
        data = _decode(payload, length)
    if zlib.crc32(data) != crc:
        raise ValueError(
            "`blob` failed the CRC-32 check: the decoded data differs from what was "
            "compressed, so the payload is corrupted or truncated."
        )
    return data


def _read_header(blob: bytes) -> tuple[int, int, int, int]:
    """Mode, length, CRC-32 and where the payload starts; checks the header's own checksum."""
    truncated = ValueError(
        "`blob` failed the header check: it ends inside the header, so it is truncated."
    )
    if len(blob) < 5:
        raise truncated
    mode = blob[4]
    length, shift, pos = 0, 0, 5
    while True:
        if pos >= len(blob) or shift > 63:
            raise truncated if pos >= len(blob) else _bad_header()
        byte = blob[pos]
        length |= (byte & 0x7F) << shift
        shift += 7
        pos += 1
        if byte < 0x80:
            break
    if len(blob) < pos + 6:
        raise truncated
    crc = int.from_bytes(blob[pos : pos + 4], "big")
    check = int.from_bytes(blob[pos + 4 : pos + 6], "big")
    if zlib.crc32(blob[: pos + 4]) & 0xFFFF != check or mode not in (_STORED, _PPM):
        raise _bad_header()
    return mode, length, crc, pos + 6


def _bad_header() -> ValueError:
    return ValueError("`blob` failed the header check: its mode, length or CRC field is damaged.")


def _varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _encode(data: bytes) -> bytes:
    counts = Counts(_ORDER, _ESCAPE, WEIGHT_CAP)
    coder = RangeEncoder()
    emit, encode, update = coder.encode, counts.encode, counts.update
    full = counts.masks[-1]
    history = 0
    for t, x in enumerate(data):
        top = t if t < _ORDER else _ORDER
        update(x, history, top, encode(x, history, top, emit))
        history = ((history << 8) | x) & full
    code = coder.finish()
    # Zeros at the end of the register need not be stored (the decoder reads zeros
    # past the end); stripping no further keeps its reads within 9 bytes of the end.
    return code[:-_REGISTER_BYTES] + code[-_REGISTER_BYTES:].rstrip(b"\0")


def _decode(payload: bytes, length: int) -> bytes:
    # Each byte costs at least log2(1 + 1/(cap + 1)) bits, so a payload of n bytes
    # (plus the register the decoder reads past it) describes a bounded number of bytes.
    most = (8 * (len(payload) + _REGISTER_BYTES)) / math.log2(1 + 1 / (WEIGHT_CAP + 1)) + 1
    if length > most:
        raise ValueError(
            f"`blob` failed the length check: its header announces {length} bytes, more "
            f"than a payload of {len(payload)} bytes can describe."
        )
    counts = Counts(_ORDER, _ESCAPE, WEIGHT_CAP)
    coder = RangeDecoder(payload)
    decode, update = counts.decode, counts.update
    full = counts.masks[-1]
    out = bytearray()
    history = 0
    for t in range(length):
        top = t if t < _ORDER else _ORDER
        x, coded = decode(history, top, coder)
        update(x, history, top, coded)
        out.append(x)
        history = ((history << 8) | x) & full
        if coder.pos > len(payload) + _REGISTER_BYTES:
            raise ValueError(
                "`blob` failed the length check: the decoder ran past the end of the "
                "payload, so it is truncated."
            )
    if coder.pos < len(payload):
        raise ValueError(
            "`blob` failed the length check: bytes are left over after the payload, "
            "so it was damaged or extended."
        )
    return bytes(out)
