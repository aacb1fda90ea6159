"""Arithmetic coding: one codeword for a whole message, about -log2 Q(message) bits.

The range coder (:class:`RangeEncoder`, :class:`RangeDecoder`) codes one symbol at
a time given its integer interval ``[cum, cum + freq)`` out of ``total``; it knows
nothing of where the counts come from. :func:`arithmetic_encode` drives it with a
fixed model ``q``; :func:`xentbook.compress` drives it with an adaptive model of
bytes. Code lengths are in bits.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from .. import _validation as v
from . import _checks

__all__ = ["RangeDecoder", "RangeEncoder", "arithmetic_decode", "arithmetic_encode"]

# Arithmetic coder: q is quantised to integer counts of a total of about 2**40, and
# the coding range is kept between 2**64 and 2**72, so a symbol's interval is never
# narrowed by more than a factor 1 - 2**-24 by integer rounding (see _quantise).
_QUANT_BITS = 40
_RANGE_BITS = 72
_TOP = 1 << _RANGE_BITS
_BOTTOM = 1 << (_RANGE_BITS - 8)
_LOW_MASK = _BOTTOM - 1
_SHIFT = _RANGE_BITS - 8


class RangeEncoder:
    """An incremental carry-propagating range coder on Python ints.

    Each call of :meth:`encode` narrows the interval ``[low, low + rng)`` to one
    symbol's share ``freq / total`` of it, starting ``cum / total`` of the way in.
    Whole bytes leave the register as soon as they are settled, so ``rng`` stays
    between 2**64 and 2**72 and integer rounding costs at most a factor
    ``1 - total / 2**64`` of a symbol's share. Both :func:`arithmetic_encode` (a
    fixed model) and :func:`xentbook.compress` (an adaptive one) drive this coder.
    """

    __slots__ = ("low", "out", "rng")

    def __init__(self) -> None:
        self.low, self.rng, self.out = 0, _TOP, bytearray()

    def encode(self, cum: int, freq: int, total: int) -> None:
        """Narrow to the sub-interval ``[cum, cum + freq)`` of ``total`` (all ints, freq > 0)."""
        r = self.rng // total
        low = self.low + r * cum
        rng = r * freq
        if low >= _TOP:
            low -= _TOP
            _carry(self.out)
        while rng < _BOTTOM:
            self.out.append(low >> _SHIFT)
            low = (low & _LOW_MASK) << 8
            rng <<= 8
        self.low, self.rng = low, rng

    def finish(self) -> bytes:
        """The code: the bytes written, then the register's number with most trailing zeros.

        Trailing zero bytes may be dropped, since :class:`RangeDecoder` reads missing
        bytes as zeros.
        """
        # The number in [low, low + rng) with the most trailing zeros ends the code.
        k = self.rng.bit_length() - 1
        x = -(-self.low >> k) << k
        out = bytearray(self.out)
        if x >= _TOP:
            x -= _TOP
            _carry(out)
        return bytes(out) + x.to_bytes(_RANGE_BITS // 8, "big")


class RangeDecoder:
    """The decoder of :class:`RangeEncoder`: it repeats the encoder's interval arithmetic.

    Call :meth:`target` with the model's ``total`` to learn where the code points
    (a symbol ``s`` with ``cum[s] <= target < cum[s] + freq[s]`` was coded; a target
    of ``total`` or more means the code is not one the encoder made), then
    :meth:`consume` with that symbol's ``cum`` and ``freq``. Bytes past the end of
    ``data`` read as zeros; ``pos`` counts every byte read, so a caller can tell how
    far past the end it went.
    """

    __slots__ = ("code", "data", "pos", "r", "rng")

    def __init__(self, data: bytes) -> None:
        n = _RANGE_BITS // 8
        self.data = data
        self.code = int.from_bytes(data[:n].ljust(n, b"\0"), "big")
        self.pos = n
        self.rng = _TOP
        self.r = 0

    def target(self, total: int) -> int:
        """Where the code points, in units of ``1 / total`` of the current interval."""
        self.r = self.rng // total
        return self.code // self.r

    def consume(self, cum: int, freq: int) -> None:
        """Narrow to the decoded symbol's interval, as the encoder did."""
        r = self.r
        code = self.code - r * cum
        rng = r * freq
        data, pos = self.data, self.pos
        while rng < _BOTTOM:
            code = (code << 8) | (data[pos] if pos < len(data) else 0)
            pos += 1
            rng <<= 8
        self.code, self.rng, self.pos = code, rng, pos


def arithmetic_encode(message: Iterable, q: npt.ArrayLike, symbols: Iterable | None = None) -> str:
    """Encode a whole message as one binary fraction with an arithmetic (range) coder.

    Parameters
    ----------
    message : iterable
        Symbols of the alphabet; a string counts as a sequence of characters.
    q : array_like
        The model: a probability distribution over the symbols.
    symbols : iterable, optional
        Distinct hashable labels, one per probability. Default ``0, 1, ..., n - 1``.

    Returns
    -------
    str
        The code, a string of '0' and '1'. Decode it with :func:`arithmetic_decode`
        and the message length.

    See Also
    --------
    arithmetic_decode, huffman_code, cross_entropy

    Notes
    -----
    The coder narrows an interval by each symbol's share of ``q``; the message
    ends as an interval of width about :math:`Q(x_1 \\dots x_n) = \\prod_t q_{x_t}`,
    and the code is the shortest binary fraction inside it. Its length is

    .. math::

        \\ell(x_1 \\dots x_n) \\le -\\log_2 Q(x_1 \\dots x_n) + 0.001\\, n + 16
        \\text{ bits},

    so on symbols drawn from p it spends H(p, q) bits per symbol in the long run,
    with no rounding to whole bits per symbol. In detail: ``q`` is quantised to
    integer counts :math:`c_i = \\lceil 2^{40} q_i \\rceil` (at least 1 for every
    :math:`q_i > 0`), which never lowers a symbol's share by more than a factor
    :math:`1 + n_{\\text{symbols}} / 2^{40}`; integer rounding of the coding range,
    kept above :math:`2^{64}`, costs at most a factor :math:`1 - 2^{-24}` per
    symbol; and ending the code costs at most one bit. For alphabets of up to a
    hundred million symbols the per-symbol loss is below 0.001 bits.

    A symbol with :math:`q_i = 0` has an empty interval and cannot be coded.

    The coder is a carry-propagating range coder with integer arithmetic
    (Witten, Neal and Cleary 1987 describe the idea); trailing zeros of the code
    are dropped, since the decoder reads missing bits as zeros.

    Examples
    --------
    With a fair-coin model each symbol costs exactly one bit:

    >>> import xentbook as xb
    >>> xb.arithmetic_encode([1, 0, 1, 1], [0.5, 0.5])
    '1011'

    A model that expects the message codes it in fewer bits than a Huffman code
    can, which needs at least one bit per symbol:

    >>> msg = "aaaaaaaaaaaaaaaaaaab"
    >>> bits = xb.arithmetic_encode(msg, [0.95, 0.05], symbols="ab")
    >>> len(bits), len(xb.huffman_code([0.95, 0.05], symbols="ab").encode(msg))
    (6, 20)
    >>> "".join(xb.arithmetic_decode(bits, [0.95, 0.05], len(msg), symbols="ab")) == msg
    True
    """
    qa = _checks.check_symbol_model(q)
    labels = _checks.check_symbols(symbols, qa.size)
    cum, counts, total = _quantise(qa)
    index = _checks.message_indices(
        message,
        labels,
        counts,
        "which `q` gives probability 0: its interval is empty, so coding it would take "
        "infinitely many bits.",
    )
    coder = RangeEncoder()
    for s in index:
        coder.encode(cum[s], counts[s], total)
    code = coder.finish()
    return format(int.from_bytes(code, "big"), f"0{8 * len(code)}b").rstrip("0")


def arithmetic_decode(
    bits: str, q: npt.ArrayLike, length: int, symbols: Iterable | None = None
) -> list:
    """Decode ``length`` symbols from the output of :func:`arithmetic_encode`.

    Parameters
    ----------
    bits : str
        The code, a string of '0' and '1'.
    q : array_like
        The model the message was encoded with.
    length : int
        How many symbols to decode (the code itself does not mark its end).
    symbols : iterable, optional
        The labels the message was encoded with. Default ``0, 1, ..., n - 1``.

    Returns
    -------
    list
        The decoded symbols.

    See Also
    --------
    arithmetic_encode

    Notes
    -----
    The decoder repeats the encoder's quantisation and interval arithmetic
    exactly, reading the code as a binary fraction :math:`v` (missing bits are
    zeros) and at each step choosing the symbol whose sub-interval holds
    :math:`v`: the one with :math:`C_{s} \\le \\lfloor (v - \\text{low}) / r \\rfloor < C_{s+1}`
    for the cumulative counts :math:`C`. Decoding with a different ``q`` or
    ``length`` than the encoder used gives a different message, not an error.

    Examples
    --------
    >>> import xentbook as xb
    >>> q = [0.7, 0.2, 0.1]
    >>> bits = xb.arithmetic_encode("abacab", q, symbols="abc")
    >>> bits
    '1001010101'
    >>> xb.arithmetic_decode(bits, q, 6, symbols="abc")
    ['a', 'b', 'a', 'c', 'a', 'b']
    """
    _checks.check_bits(bits)
    length = v.check_integer(length, "length", minimum=0)
    qa = _checks.check_symbol_model(q)
    labels = _checks.check_symbols(symbols, qa.size)
    cum, counts, total = _quantise(qa)
    pad = -len(bits) % 8
    data = int(bits + "0" * pad, 2).to_bytes((len(bits) + pad) // 8, "big") if bits else b""
    coder = RangeDecoder(data)
    find = bisect.bisect_right
    out = []
    for _ in range(length):
        target = coder.target(total)
        if target >= total:
            raise ValueError(
                "`bits` is not a code that arithmetic_encode produces for this `q`: "
                "it points outside every symbol's interval."
            )
        s = find(cum, target) - 1
        coder.consume(cum[s], counts[s])
        out.append(labels[s])
    return out


def _quantise(q: np.ndarray) -> tuple[list[int], list[int], int]:
    """Integer counts c_i = ceil(2**40 q_i), their cumulative sums and total.

    Rounding up means no symbol's share c_i / total falls below q_i by more than the
    factor 2**40 / total, at most 1 + (number of symbols) / 2**40.
    """
    counts = []
    for x in q:
        num, den = float(x).as_integer_ratio()
        counts.append(-((-num << _QUANT_BITS) // den))
    cum = [0]
    for c in counts:
        cum.append(cum[-1] + c)
    return cum, counts, cum[-1]


def _carry(out: list[int]) -> None:
    """Add one to the bytes already written (a carry out of the coding register)."""
    i = len(out) - 1
    while out[i] == 255:
        out[i] = 0
        i -= 1
    out[i] += 1
