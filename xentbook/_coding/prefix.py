"""Prefix codes built from a model ``q``: one codeword per symbol.

* :func:`shannon_code`: codeword lengths :math:`\\lceil -\\log_2 q_i \\rceil`;
* :func:`huffman_code`: the shortest prefix code on average under ``q``.

A symbol that ``q`` gives probability 0 has no codeword at all: coding it would
take infinitely many bits, and trying raises a ``ValueError`` that names it. Code
lengths are in bits. Symbols default to ``0, 1, ..., n - 1``; any distinct hashable
labels work, such as letters. Arguments are checked once, by the public function
that receives them.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterable, Mapping
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from .. import _validation as v
from . import _checks

__all__ = ["PrefixCode", "huffman_code", "shannon_code", "shannon_code_lengths"]

# Rows shown by PrefixCode's repr before the middle of a long table is elided.
_REPR_ROWS = 30


class PrefixCode:
    """A binary code that maps each symbol to a string of '0' and '1'.

    Usually made by :func:`huffman_code` or :func:`shannon_code`; build one
    directly to study a hand-made code (it need not be prefix-free, but only a
    prefix-free code can be decoded).

    Parameters
    ----------
    codewords : mapping
        Symbol to codeword, a non-empty string of '0' and '1'.
    symbols : iterable, optional
        All symbols of the alphabet, in order, including any without a codeword.
        Default: the keys of ``codewords``.
    q : array_like, optional
        The model the code was built for, one probability per symbol (shown by
        ``repr``).
    name : str, optional
        What the code is called in its ``repr``.

    Attributes
    ----------
    symbols : tuple
        The alphabet, in order.
    codewords : dict
        Symbol to codeword, for the symbols that have one.
    lengths : ndarray
        Codeword length in bits of each symbol (float64 with whole-number values);
        ``inf`` for a symbol without a codeword, which would cost infinitely many
        bits, just as its surprisal under ``q`` is infinite.
    q : ndarray or None
        The model the code was built for.

    Examples
    --------
    Morse code without its gaps is not prefix-free: the dot for e starts the
    pattern for a.

    >>> import xentbook as xb
    >>> xb.PrefixCode({"e": "0", "a": "01", "t": "1"}).is_prefix_free()
    False
    >>> code = xb.PrefixCode({"e": "0", "a": "10", "t": "11"})
    >>> code.is_prefix_free(), code.encode("tea")
    (True, '11010')
    """

    def __init__(
        self,
        codewords: Mapping,
        *,
        symbols: Iterable | None = None,
        q: npt.ArrayLike | None = None,
        name: str = "Prefix code",
    ):
        if not isinstance(codewords, Mapping):
            raise ValueError(
                f"`codewords` must map each symbol to a string of '0' and '1'; "
                f"got {type(codewords).__name__}."
            )
        for symbol, word in codewords.items():
            if not isinstance(word, str) or not word or word.strip("01"):
                raise ValueError(
                    f"`codewords` maps {symbol!r} to {word!r}; a codeword must be a "
                    "non-empty string of '0' and '1'."
                )
        labels = _checks.check_symbols(list(codewords) if symbols is None else symbols, None)
        unknown = set(codewords).difference(labels)
        if unknown:
            missing = next(s for s in codewords if s in unknown)
            raise ValueError(
                f"`codewords` has a codeword for {missing!r}, which is not one of `symbols`."
            )
        if q is not None:
            q = v.as_probabilities(q, "q")
            if q.shape != (len(labels),):
                raise ValueError(
                    f"`q` must hold one probability per symbol ({len(labels)}); "
                    f"got shape {q.shape}."
                )
        self._build(codewords, labels, q, name)

    @classmethod
    def _from_checked(cls, codewords: dict, labels: tuple, q: np.ndarray, name: str) -> PrefixCode:
        """A code from arguments the caller has already validated (no second check)."""
        code = cls.__new__(cls)
        code._build(codewords, labels, q, name)
        return code

    def _build(self, codewords: Mapping, labels: tuple, q: np.ndarray | None, name: str) -> None:
        self.symbols = labels
        self.codewords = {s: codewords[s] for s in labels if s in codewords}
        self.lengths = np.array(
            [len(self.codewords[s]) if s in self.codewords else np.inf for s in labels],
            dtype=np.float64,
        )
        self.q = q
        self.name = name
        self._decoder = {word: s for s, word in self.codewords.items()}
        # Proper prefixes of codewords: what a partly read codeword can look like.
        self._prefixes = {w[:k] for w in self._decoder for k in range(1, len(w))}

    def encode(self, message: Iterable) -> str:
        """The bits of ``message``: its symbols' codewords, one after another.

        Parameters
        ----------
        message : iterable
            Symbols of the alphabet; a string counts as a sequence of characters.

        Returns
        -------
        str
            The concatenated codewords, a string of '0' and '1'.

        Examples
        --------
        >>> import xentbook as xb
        >>> code = xb.huffman_code([0.5, 0.25, 0.25], symbols="abc")
        >>> code.encode("abca")
        '010110'
        """
        index = _checks.message_indices(
            message,
            self.symbols,
            [s in self.codewords for s in self.symbols],
            "which has no codeword: the code was built for a model that gives it probability 0, "
            "so coding it would take infinitely many bits.",
        )
        words = [self.codewords.get(s, "") for s in self.symbols]
        return "".join([words[i] for i in index])

    def decode(self, bits: str) -> list:
        """The symbols whose codewords make up ``bits``.

        Parameters
        ----------
        bits : str
            A string of '0' and '1' made of whole codewords.

        Returns
        -------
        list
            The decoded symbols, in order.

        Examples
        --------
        >>> import xentbook as xb
        >>> code = xb.huffman_code([0.5, 0.25, 0.25], symbols="abc")
        >>> code.decode("010110")
        ['a', 'b', 'c', 'a']
        """
        _checks.check_bits(bits)
        if not self.is_prefix_free():
            raise ValueError(
                "This code is not prefix-free, so `bits` cannot be split into codewords "
                "unambiguously; use a prefix code such as huffman_code(q)."
            )
        decoder, prefixes = self._decoder, self._prefixes
        out = []
        append = out.append
        word, start = "", 0
        for position, bit in enumerate(bits):
            word += bit
            if word in decoder:
                append(decoder[word])
                word, start = "", position + 1
            elif word not in prefixes:
                raise ValueError(
                    f"`bits` holds {word!r} at position {start}, which does not start any "
                    "codeword of this code."
                )
        if word:
            raise ValueError(
                f"`bits` ends in the middle of a codeword: its last {len(word)} bit(s) "
                f"{word!r} are only the start of one."
            )
        return out

    def expected_length(self, p: npt.ArrayLike) -> float:
        """Average codeword length, in bits per symbol, when symbols follow ``p``.

        Parameters
        ----------
        p : array_like
            The distribution of the symbols, one probability per symbol.

        Returns
        -------
        float
            :math:`\\sum_i p_i \\ell_i` in bits; ``inf`` if ``p`` gives positive
            probability to a symbol without a codeword.

        Notes
        -----
        .. math::

            L_p = \\sum_i p_i \\ell_i, \\qquad p_i \\ell_i = \\begin{cases}
                0 & p_i = 0, \\\\
                +\\infty & p_i > 0 \\text{ and symbol } i \\text{ has no codeword}, \\\\
                p_i \\ell_i & \\text{otherwise.}
            \\end{cases}

        For a Shannon code built for q it lies in :math:`[H(p, q), H(p, q) + 1)`;
        for a Huffman code only :math:`L_q \\in [H(q), H(q) + 1)` is guaranteed.

        Examples
        --------
        >>> import xentbook as xb
        >>> code = xb.huffman_code([0.5, 0.25, 0.25])
        >>> print(code.expected_length([0.5, 0.25, 0.25]))
        1.5
        >>> print(code.expected_length([0, 0.5, 0.5]))
        2.0
        """
        pa = v.check_distribution(p, "p", dtype=np.dtype(np.float64))
        if pa.shape != self.lengths.shape:
            raise ValueError(
                f"`p` must hold one probability per symbol ({len(self.symbols)}); "
                f"got shape {pa.shape}."
            )
        # Terms with p_i = 0 are 0 even where l_i = inf. Summed as an exact dot product of
        # p and l: routing through neg_p_log_q(p, 2**-l) / log(2) changes the last bit.
        used = pa > 0
        return float(pa[used] @ self.lengths[used])

    def kraft_sum(self) -> float:
        """Kraft sum :math:`\\sum_i 2^{-\\ell_i}` over the codewords.

        Returns
        -------
        float
            At most 1 for every prefix code (Kraft's inequality); exactly 1 for a
            Huffman code of two or more symbols, which wastes no codeword.

        Examples
        --------
        >>> import xentbook as xb
        >>> print(xb.huffman_code([0.6, 0.3, 0.1]).kraft_sum())
        1.0
        >>> print(xb.shannon_code([0.6, 0.3, 0.1]).kraft_sum())
        0.8125
        """
        return math.fsum(2.0 ** -len(word) for word in self.codewords.values())

    def is_prefix_free(self) -> bool:
        """Whether no codeword is the start of another (or equal to it).

        Returns
        -------
        bool
            True if every bit string splits into codewords in at most one way as it
            is read left to right.

        Examples
        --------
        >>> import xentbook as xb
        >>> xb.huffman_code([0.25] * 4).is_prefix_free()
        True
        """
        # In sorted order, a word that is a prefix of another is a prefix of its successor.
        words = sorted(self.codewords.values())
        return not any(b.startswith(a) for a, b in itertools.pairwise(words))

    def __repr__(self) -> str:
        header = f"{self.name} for {len(self.symbols)} symbol(s), Kraft sum {self.kraft_sum():.6g}:"
        rows = [("symbol", "q", "length", "codeword")]
        for i, symbol in enumerate(self.symbols):
            word = self.codewords.get(symbol)
            prob = "" if self.q is None else f"{self.q[i]:.4g}"
            rows.append(
                (repr(symbol), prob, "inf" if word is None else str(len(word)), word or "(none)")
            )
        if len(rows) > _REPR_ROWS + 1:
            rows = [*rows[: _REPR_ROWS - 4], ("...", "", "", ""), *rows[-5:]]
        if self.q is None:
            rows = [(a, c, d) for a, _, c, d in rows]
        widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
        lines = [
            "  ".join(
                cell.ljust(w) if k in (0, len(row) - 1) else cell.rjust(w)
                for k, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
            for row in rows
        ]
        return "\n".join([header, *("  " + line for line in lines)])


def shannon_code_lengths(q: npt.ArrayLike) -> np.ndarray:
    """Shannon code lengths :math:`\\lceil -\\log_2 q_i \\rceil`, exactly.

    Parameters
    ----------
    q : array_like
        A probability distribution (1-D, sums to 1).

    Returns
    -------
    ndarray
        float64 lengths in bits with whole-number values; ``inf`` where
        :math:`q_i = 0` (no codeword: the surprisal there is infinite).

    See Also
    --------
    shannon_code, surprisal

    Notes
    -----
    .. math::

        \\ell_i = \\begin{cases}
            +\\infty & q_i = 0, \\\\
            \\lceil -\\log_2 q_i \\rceil & q_i > 0.
        \\end{cases}

    Each length is computed exactly from the float's binary exponent: writing
    :math:`q_i = m \\, 2^e` with :math:`m \\in [1/2, 1)` gives
    :math:`\\lceil -\\log_2 q_i \\rceil = 1 - e`. So 0.25 gets 2 and
    :math:`2^{-29}` gets 29, where ``ceil(-log(q) / log(2))`` computes
    29.000000000000004 and gives 30.

    Rounding can leave ``sum(q)`` a few ulp above 1. If the lengths would then
    break Kraft's inequality (which needs exact powers of two next to tiny
    probabilities), they are computed instead for ``q / sum(q)`` in exact rational
    arithmetic, which satisfies it; this changes nothing for a ``q`` that sums to
    exactly 1.

    A certain symbol (:math:`q_i = 1`) gets length 0; :func:`shannon_code` still
    gives it a 1-bit codeword, so that a message can be written down.

    Examples
    --------
    Powers of two get exactly their surprisal; everything else rounds up.

    >>> import xentbook as xb
    >>> xb.shannon_code_lengths([0.5, 0.25, 0.125, 0.125])
    array([1., 2., 3., 3.])
    >>> xb.shannon_code_lengths([0.4, 0.3, 0.2, 0.1, 0.0])
    array([ 2.,  2.,  3.,  4., inf])
    """
    qa = _checks.check_symbol_model(q)
    return _shannon_lengths(qa)


def shannon_code(q: npt.ArrayLike, symbols: Iterable | None = None) -> PrefixCode:
    """The Shannon code for model ``q``: codeword lengths :math:`\\lceil -\\log_2 q_i \\rceil`.

    Parameters
    ----------
    q : array_like
        The model: a probability distribution over the symbols.
    symbols : iterable, optional
        Distinct hashable labels, one per probability; a string gives one label per
        character. Default ``0, 1, ..., n - 1``.

    Returns
    -------
    PrefixCode
        The code; symbols with :math:`q_i = 0` have no codeword.

    See Also
    --------
    huffman_code : shorter on average under q itself.
    arithmetic_encode : removes the up-to-one-bit rounding loss.

    Notes
    -----
    The lengths are :func:`shannon_code_lengths`, except that a lone certain
    symbol gets the 1-bit codeword '0' rather than the empty one. Because
    :math:`\\sum_i 2^{-\\ell_i} \\le \\sum_i q_i = 1` (Kraft's inequality), a prefix
    code with these lengths exists; codewords are assigned canonically, in order
    of length and then of symbol (Shannon's own construction from cumulative
    probabilities gives the same lengths with other bits).

    The bound that makes cross-entropy a code length: for every distribution p
    that gives no weight where q is 0,

    .. math::

        H(p, q) \\le \\sum_i p_i \\ell_i < H(p, q) + 1 \\text{ bits},

    because :math:`-\\log_2 q_i \\le \\ell_i < -\\log_2 q_i + 1` term by term. Used on
    symbols from p, a code built for q pays H(p, q) bits per symbol, give or take
    one bit; the excess over the best possible, H(p), is KL(p ‖ q). (The lone
    certain symbol meets the upper bound with equality.)

    Examples
    --------
    >>> import xentbook as xb
    >>> code = xb.shannon_code([0.4, 0.3, 0.2, 0.1], symbols="abcd")
    >>> code
    Shannon code for 4 symbol(s), Kraft sum 0.6875:
      symbol    q  length  codeword
      'a'     0.4       2  00
      'b'     0.3       2  01
      'c'     0.2       3  100
      'd'     0.1       4  1010
    >>> code.encode("cab"), code.decode("1000001")
    ('1000001', ['c', 'a', 'b'])

    Used on symbols from p, the average length lands in [H(p, q), H(p, q) + 1):

    >>> p = [0.1, 0.2, 0.3, 0.4]
    >>> q = [0.4, 0.3, 0.2, 0.1]
    >>> print(xb.cross_entropy(p, q, base=2).round(3), round(code.expected_length(p), 3))
    2.505 3.1
    """
    qa = _checks.check_symbol_model(q)
    labels = _checks.check_symbols(symbols, qa.size)
    lengths = _shannon_lengths(qa)
    finite = np.isfinite(lengths)
    lengths[finite] = np.maximum(lengths[finite], 1)
    order = [i for i in range(qa.size) if finite[i]]
    int_lengths = [int(lengths[i]) for i in order]
    return _canonical_code(qa, labels, order, int_lengths, "Shannon code")


def huffman_code(q: npt.ArrayLike, symbols: Iterable | None = None) -> PrefixCode:
    """The Huffman code for model ``q``: the shortest prefix code on average under ``q``.

    Parameters
    ----------
    q, symbols
        As for :func:`shannon_code`.

    Returns
    -------
    PrefixCode
        The code, the shortest on average under ``q``; no codeword where :math:`q_i = 0`.

    See Also
    --------
    shannon_code, arithmetic_encode

    Notes
    -----
    Huffman's algorithm repeatedly merges the two least probable nodes. It runs
    here on the exact rational values of the floats in ``q``, so equal
    probabilities are true ties, and ties are broken by a fixed rule: the nodes are
    ordered by (probability, key), where a symbol's key is its index and a merged
    node's key is ``n`` plus the number of merges before it. Of equal
    probabilities, symbols go first, lower index first, then merged nodes, oldest
    first. The same ``q`` therefore gives the same code on every run and machine.
    Codewords are then assigned canonically from the lengths (in order of length,
    then of symbol index).

    Symbols with :math:`q_i = 0` take no part and get no codeword; a lone symbol
    with :math:`q_i = 1` gets the 1-bit codeword '0'.

    Guarantees, with :math:`L_q = \\sum_i q_i \\ell_i`:

    .. math::

        H(q) \\le L_q < H(q) + 1, \\qquad L_q \\le L'_q \\text{ for every prefix code } \\ell',

    and the Kraft sum is exactly 1 for two or more symbols. (The lone symbol has
    :math:`L_q = 1 = H(q) + 1`.) Under another distribution p the bound
    :math:`H(p, q) \\le L_p < H(p, q) + 1` can fail: Huffman codewords can be
    longer than :math:`-\\log_2 q_i + 1` (and shorter than :math:`-\\log_2 q_i`).
    That bound belongs to :func:`shannon_code`.

    Examples
    --------
    Cover & Thomas (2006), Example 5.6.1: expected length 2.3 bits against an
    entropy of 2.29 bits.

    >>> import xentbook as xb
    >>> q = [0.25, 0.25, 0.2, 0.15, 0.15]
    >>> code = xb.huffman_code(q)
    >>> code
    Huffman code for 5 symbol(s), Kraft sum 1:
      symbol     q  length  codeword
      0       0.25       2  00
      1       0.25       2  01
      2        0.2       2  10
      3       0.15       3  110
      4       0.15       3  111
    >>> print(round(code.expected_length(q), 4), xb.entropy(q, base=2).round(4))
    2.3 2.2855

    Letters work as symbols, and a message round-trips:

    >>> code = xb.huffman_code([0.5, 0.3, 0.2, 0.0], symbols="abcz")
    >>> code.decode(code.encode("abacab"))
    ['a', 'b', 'a', 'c', 'a', 'b']
    >>> code.encode("z")
    Traceback (most recent call last):
    ...
    ValueError: `message` holds 'z' at position 0, which has no codeword: the code was
    built for a model that gives it probability 0, so coding it would take infinitely
    many bits.
    """
    qa = _checks.check_symbol_model(q)
    labels = _checks.check_symbols(symbols, qa.size)
    support = [i for i in range(qa.size) if qa[i] > 0]
    depth = _huffman_depths(_exact_weights(qa[support]))
    return _canonical_code(qa, labels, support, depth, "Huffman code")


def _shannon_lengths(q: np.ndarray) -> np.ndarray:
    # q = m * 2**e with m in [1/2, 1) gives ceil(-log2 q) = 1 - e, with no rounding.
    _, exponent = np.frexp(q)
    lengths = np.where(q > 0, 1.0 - exponent, np.inf)
    if _kraft_exceeds_one([int(n) for n in lengths[np.isfinite(lengths)]]):
        lengths = _normalised_lengths(q)
    return lengths


def _normalised_lengths(q: np.ndarray) -> np.ndarray:
    """ceil(-log2(q_i / sum(q))) in exact rational arithmetic (inf where q_i = 0)."""
    total = sum(Fraction(float(x)) for x in q)
    lengths = np.full(q.shape, np.inf)
    for i, x in enumerate(q):
        if x > 0:
            share = Fraction(float(x)) / total
            n = max(0, share.denominator.bit_length() - share.numerator.bit_length())
            while Fraction(1, 1 << n) > share:  # smallest n with 2**-n <= share
                n += 1
            while n > 0 and Fraction(1, 1 << (n - 1)) <= share:
                n -= 1
            lengths[i] = n
    return lengths


def _kraft_exceeds_one(lengths: list[int]) -> bool:
    if not lengths:
        return False
    longest = max(lengths)
    return sum(1 << (longest - n) for n in lengths) > (1 << longest)


def _canonical_code(
    qa: np.ndarray, labels: tuple, support: list[int], lengths: list[int], name: str
) -> PrefixCode:
    """The canonical code that gives symbol ``support[k]`` a codeword of ``lengths[k]`` bits."""
    words = _canonical_codewords(lengths)
    codewords = {labels[i]: words[k] for k, i in enumerate(support)}
    return PrefixCode._from_checked(codewords, labels, qa, name)


def _canonical_codewords(lengths: list[int]) -> list[str]:
    """Prefix-free codewords with the given lengths (Kraft sum at most 1).

    Shorter codewords come first, ties in the order given; each codeword is the
    previous one plus one, shifted left to the new length.
    """
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    words = [""] * len(lengths)
    value, previous = 0, 0
    for i in order:
        value <<= lengths[i] - previous
        words[i] = format(value, f"0{lengths[i]}b")
        previous = lengths[i]
        value += 1
    return words


def _exact_weights(q: np.ndarray) -> list[int]:
    """The floats in ``q`` as integers with a common scale, so that sums are exact."""
    ratios = [float(x).as_integer_ratio() for x in q]  # denominators are powers of two
    scale = max((den for _, den in ratios), default=1)
    return [num * (scale // den) for num, den in ratios]


def _huffman_depths(weights: list[int]) -> list[int]:
    """Codeword lengths from Huffman's algorithm with the documented tie-breaking."""
    n = len(weights)
    if n == 1:
        return [1]
    heap = [(w, i, (i,)) for i, w in enumerate(weights)]
    heapq.heapify(heap)
    depth = [0] * n
    key = n
    while len(heap) > 1:
        w1, _, leaves1 = heapq.heappop(heap)
        w2, _, leaves2 = heapq.heappop(heap)
        for leaf in leaves1 + leaves2:
            depth[leaf] += 1
        heapq.heappush(heap, (w1 + w2, key, leaves1 + leaves2))
        key += 1
    return depth
