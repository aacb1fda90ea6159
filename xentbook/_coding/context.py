"""Context models of bytes: predict the next byte from the bytes before it, PPM style.

A model of order ``k`` keeps, for every context of ``j = 0, 1, ..., k`` preceding
bytes, a weight for each byte seen after it. To predict, it starts at the longest
context and either codes the byte there or *escapes* to the next shorter one; below
order 0 sits a uniform order -1 over the 256 byte values, so no byte ever gets
probability 0. Bytes already offered by a longer context are excluded from the
shorter ones (they were not the byte, or it would have been coded there).

The same machinery serves three uses: a model fitted on one text and frozen
(:class:`ContextModel`), a model that predicts each byte and then learns it
(:func:`adaptive_score`), and the compressor, which drives the range coder with the
adaptive model's intervals (:func:`xentbook.compress`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _validation as v
from . import _checks

__all__ = ["ContextModel", "TextScore", "adaptive_score"]

# Weight added when a byte recurs in a context (a new byte starts at 1): 1 gives
# escape method C, 2 gives method D (Howard 1993).
_INCREMENT = {"C": 1, "D": 2}

# An adaptive context halves its weights once one passes this, which bounds every
# byte's probability away from 1 (and so the bytes a code of n bits can describe).
WEIGHT_CAP = 1024


class Counts:
    """Weights of the bytes seen after each context of order 0..order, and the PPM rules.

    Contexts are keyed by the int whose bytes are the preceding bytes (the
    most recent last), one dict per order, so a lookup is one dict access.
    """

    __slots__ = ("cap", "increment", "masks", "order", "tables")

    def __init__(self, order: int, escape: str, cap: int | None):
        self.order = order
        self.increment = _INCREMENT[escape]
        self.cap = cap
        self.tables = [{} for _ in range(order + 1)]
        self.masks = [(1 << (8 * k)) - 1 for k in range(order + 1)]

    def _seen_contexts(self, history: int, top: int):
        """Yield ``(k, weights)`` for the contexts of order ``top`` down to 0 seen so far."""
        tables, masks = self.tables, self.masks
        for k in range(top, -1, -1):
            weights = tables[k].get(history & masks[k])
            if weights is not None:
                yield k, weights

    def encode(self, x: int, history: int, top: int, emit) -> int:
        """Call ``emit(cum, freq, total)`` for each step that codes byte ``x``.

        The steps are escapes from the longer contexts, then the byte itself in the
        context that has it. Returns that context's order (-1 for the uniform one).
        """
        excluded = None
        for k, weights in self._seen_contexts(history, top):
            n = u = 0
            low = -1
            for s, w in weights.items():
                if excluded and s in excluded:
                    continue
                if s == x:
                    low, freq = n, w
                n += w
                u += 1
            if u == 0:  # every byte seen here was already offered by a longer context
                continue
            if low >= 0:
                emit(low, freq, n + u)
                return k
            emit(n, u, n + u)  # the escape: weight u, one per distinct byte seen
            excluded = set(weights) if excluded is None else excluded.union(weights)
        if excluded:
            emit(x - sum(1 for e in excluded if e < x), 1, 256 - len(excluded))
        else:
            emit(x, 1, 256)
        return -1

    def decode(self, history: int, top: int, coder) -> tuple[int, int]:
        """Decode one byte from ``coder`` (a RangeDecoder); return it and its order.

        Raises ValueError if the code points outside every interval.
        """
        excluded = None
        for k, weights in self._seen_contexts(history, top):
            if excluded:
                live = [(s, w) for s, w in weights.items() if s not in excluded]
            else:
                live = weights.items()
            n = sum(w for _, w in live)
            u = len(live)
            if u == 0:
                continue
            target = coder.target(n + u)
            if target >= n:
                _check_target(target, n + u)
                coder.consume(n, u)
                excluded = set(weights) if excluded is None else excluded.union(weights)
                continue
            cum = 0
            for s, w in live:
                if target < cum + w:
                    coder.consume(cum, w)
                    return s, k
                cum += w
        remaining = [s for s in range(256) if not excluded or s not in excluded]
        target = coder.target(len(remaining))
        _check_target(target, len(remaining))
        coder.consume(target, 1)
        return remaining[target], -1

    def update(self, x: int, history: int, top: int, coded: int) -> None:
        """Learn byte ``x`` in the context that coded it and every longer one (update exclusion)."""
        tables, masks, cap, inc = self.tables, self.masks, self.cap, self.increment
        for k in range(max(coded, 0), top + 1):
            key = history & masks[k]
            weights = tables[k].get(key)
            if weights is None:
                tables[k][key] = {x: 1}
                continue
            w = weights.get(x)
            weights[x] = 1 if w is None else w + inc
            if cap is not None and w is not None and w >= cap:
                for s in weights:
                    weights[s] = (weights[s] + 1) >> 1

    def count(self, text: bytes) -> None:
        """Count every context of every order in ``text`` (a fitted, frozen model)."""
        inc, full = self.increment, self.masks[-1]
        counts = [{} for _ in self.tables]
        history = 0
        for t, x in enumerate(text):
            for k in range(min(t, self.order) + 1):
                row = counts[k].setdefault(history & self.masks[k], {})
                row[x] = row.get(x, 0) + 1
            history = ((history << 8) | x) & full
        # A byte seen c times has weight 1 + inc (c - 1), as if learnt one by one.
        for table, rows in zip(self.tables, counts, strict=True):
            for key, row in rows.items():
                table[key] = {s: 1 + inc * (c - 1) for s, c in row.items()}


def _check_target(target: int, total: int) -> None:
    if target >= total:
        raise ValueError(
            "`blob` is corrupted: its payload points outside every interval the model allows."
        )


@dataclass(frozen=True)
class TextScore:
    """How well a model predicted a text, byte by byte.

    Attributes
    ----------
    surprisal : ndarray
        :math:`-\\log_2 q_t(x_t)` of each byte, in bits (float64, one per byte).
    orders : ndarray
        The order of the context that coded each byte (int8): the model's longest
        order where it had seen the byte after that context, lower after escapes,
        -1 for a byte no context had seen. A model of order k without escapes
        would give every byte with an order below k (and past the text's first k
        bytes) probability 0.
    """

    surprisal: np.ndarray
    orders: np.ndarray

    @property
    def total_bits(self) -> float:
        """The code length of the whole text, :math:`\\sum_t -\\log_2 q_t(x_t)`, in bits."""
        return math.fsum(self.surprisal)

    @property
    def bits_per_char(self) -> float:
        """Mean surprisal per byte, in bits (the cross-entropy of the text under the model)."""
        return self.total_bits / max(self.surprisal.size, 1)

    @property
    def nats_per_char(self) -> float:
        """Mean surprisal per byte, in nats: bits per character times ln 2."""
        return self.bits_per_char * math.log(2)

    @property
    def perplexity(self) -> float:
        """:math:`2^{\\text{bits/char}}`: how many equally likely bytes would cost as much."""
        return 2.0**self.bits_per_char


class ContextModel:
    """A PPM model of bytes fitted on one text and frozen, to score any other.

    Parameters
    ----------
    order : int
        The longest context, in bytes (0 to 8). Order 0 ignores the past entirely.
    escape : {'D', 'C'}
        How much probability a context keeps for bytes it has not seen. With
        :math:`n_s` the count of byte s in the context, :math:`n` their sum and
        :math:`u` the number of distinct bytes: method C gives byte s
        :math:`n_s / (n + u)` and the escape :math:`u / (n + u)`; method D gives
        byte s :math:`(2 n_s - 1) / 2n` and the escape :math:`u / 2n`.

    See Also
    --------
    adaptive_score, compress

    Notes
    -----
    The probability of byte :math:`x` after context :math:`c_k` (the last k bytes) is

    .. math::

        q(x \\mid c_k) = \\begin{cases}
            P_k(x) & x \\text{ seen after } c_k, \\\\
            P_k(\\text{esc}) \\, q(x \\mid c_{k-1}) & \\text{otherwise,}
        \\end{cases}

    with bytes already offered by a longer context removed from the shorter ones'
    counts (exclusion). The chain ends at order -1, uniform over the bytes not yet
    excluded, so every byte has probability at least
    :math:`\\prod_k P_k(\\text{esc}) / 256 > 0`: no byte costs infinitely many bits,
    even one never seen in the training text. Contexts never seen in training are
    skipped at no cost.

    Examples
    --------
    A model of a short text predicts the text's own continuations well, and a
    byte it never saw still costs a finite number of bits:

    >>> import xentbook as xb
    >>> model = xb.ContextModel(order=2).fit(b"abracadabra abracadabra")
    >>> print(round(model.score(b"abracadabra").bits_per_char, 3))
    0.552
    >>> print(round(model.score(b"z").bits_per_char, 3))
    10.904
    """

    def __init__(self, order: int = 4, escape: str = "D"):
        self.order = _check_order(order)
        self.escape = _check_escape(escape)
        self._counts = Counts(self.order, self.escape, None)

    def fit(self, text: bytes) -> ContextModel:
        """Count the contexts of ``text`` (bytes); returns the model itself."""
        self._counts = Counts(self.order, self.escape, None)
        self._counts.count(_checks.check_bytes(text, "text"))
        return self

    def score(self, text: bytes) -> TextScore:
        """The surprisal of each byte of ``text`` under the frozen model, in bits.

        Each byte is predicted from the bytes before it in ``text`` (the first
        bytes from the shorter contexts they have).
        """
        text = _checks.check_bytes(text, "text")
        counts = self._counts
        return _run(text, counts, learn=False)

    def __repr__(self) -> str:
        contexts = sum(len(t) for t in self._counts.tables)
        return f"ContextModel(order={self.order}, escape={self.escape!r}) with {contexts} contexts"


def adaptive_score(text: bytes, order: int = 4, escape: str = "D") -> TextScore:
    """Score ``text`` with a model that predicts each byte, then learns it.

    Parameters
    ----------
    text : bytes
        The text, as bytes (use ``str.encode()`` for a string).
    order : int
        The longest context, in bytes (0 to 8).
    escape : {'D', 'C'}
        The escape method, as in :class:`ContextModel`.

    Returns
    -------
    TextScore
        The surprisal :math:`-\\log_2 q_t(x_t)` of each byte, in bits, where
        :math:`q_t` has learnt exactly the bytes before position t.

    See Also
    --------
    ContextModel, compress

    Notes
    -----
    The model starts empty (every byte costs 8 bits at first) and learns from the
    text as it goes, so the code length :math:`\\sum_t -\\log_2 q_t(x_t)` needs no
    held-out split: each byte is predicted before it is seen. A decoder that has
    decoded :math:`x_1 \\dots x_{t-1}` can rebuild :math:`q_t` exactly, which is why
    :func:`compress` can use this model. Each byte is learnt in the context that
    coded it and the longer ones (update exclusion); a context halves its weights
    when one reaches 1024, which lets the model follow a text that changes.

    Examples
    --------
    A repeated phrase gets cheaper every time it comes back:

    >>> import xentbook as xb
    >>> score = xb.adaptive_score(b"the cat sat on the mat; the cat sat on the mat")
    >>> print(round(score.surprisal[:24].sum(), 1), round(score.surprisal[24:].sum(), 1))
    141.2 26.3
    >>> print(round(score.bits_per_char, 3), round(score.perplexity, 2))
    3.641 12.47
    """
    text = _checks.check_bytes(text, "text")
    return _run(text, Counts(_check_order(order), _check_escape(escape), WEIGHT_CAP), learn=True)


def _run(text: bytes, counts: Counts, learn: bool) -> TextScore:
    log2 = math.log2
    steps: list[float] = []

    def emit(cum: int, freq: int, total: int) -> None:
        steps.append(log2(total / freq))

    order, full = counts.order, counts.masks[-1]
    surprisal = np.empty(len(text))
    orders = np.empty(len(text), dtype=np.int8)
    history = 0
    for t, x in enumerate(text):
        top = t if t < order else order
        coded = counts.encode(x, history, top, emit)
        surprisal[t] = math.fsum(steps)
        orders[t] = coded
        steps.clear()
        if learn:
            counts.update(x, history, top, coded)
        history = ((history << 8) | x) & full
    return TextScore(surprisal, orders)


def _check_order(order) -> int:
    order = v.check_integer(order, "order", minimum=0)
    if order > 8:
        raise ValueError(f"`order` must be at most 8 bytes of context; got {order}.")
    return order


def _check_escape(escape) -> str:
    if escape not in _INCREMENT:
        raise ValueError(f"`escape` must be 'C' or 'D' (the PPM escape method); got {escape!r}.")
    return escape
