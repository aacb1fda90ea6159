"""Input checks of the coding functions: models, symbols, messages, bits and bytes.

They raise the package's errors (see :mod:`xentbook._validation`): a ``ValueError``
naming the argument and saying how to fix it (a ``TypeError`` for text passed where
bytes are needed).
"""

from __future__ import annotations

import numpy as np

from .. import _validation as v


def check_symbol_model(q) -> np.ndarray:
    """A coding model ``q``: a 1-D float64 distribution, one probability per symbol."""
    qa = v.check_distribution(q, "q", dtype=np.dtype(np.float64))
    if qa.ndim != 1:
        raise ValueError(
            f"`q` must be a 1-D distribution, one probability per symbol; got shape {qa.shape}."
        )
    return qa


def check_symbols(symbols, n: int | None) -> tuple:
    """Labels as a tuple: one per probability (if ``n`` is given), hashable, distinct."""
    if symbols is None:
        return tuple(range(n))
    try:
        labels = tuple(symbols)
    except TypeError:
        raise ValueError(
            f"`symbols` must be an iterable of labels (a list or a string); got {symbols!r}."
        ) from None
    if n is not None and len(labels) != n:
        raise ValueError(
            f"`symbols` has {len(labels)} label(s) but `q` has {n} probabilities; "
            "give exactly one label per probability."
        )
    seen = set()
    for label in labels:
        if not _hashable(label):
            raise ValueError(
                f"`symbols` holds {label!r}, which is not hashable; use labels such as "
                "ints, strings or tuples."
            )
        if label in seen:
            raise ValueError(
                f"`symbols` holds {label!r} more than once; each label must be distinct."
            )
        seen.add(label)
    return labels


def check_bits(bits) -> None:
    """``bits`` is a string of '0' and '1'."""
    if not isinstance(bits, str):
        raise ValueError(f"`bits` must be a string of '0' and '1'; got {type(bits).__name__}.")
    stray = bits.strip("01") and next(c for c in bits if c not in "01")
    if stray:
        raise ValueError(
            f"`bits` must hold only '0' and '1'; it holds {stray!r} at position "
            f"{bits.index(stray)}."
        )


def message_indices(message, labels: tuple, codable, why_not: str) -> list[int]:
    """The index in ``labels`` of each symbol of ``message``, each one ``codable``.

    ``codable`` is a sequence of booleans, one per label; a symbol whose entry is
    False gets an error that ends with ``why_not``.
    """
    index = {label: i for i, label in enumerate(labels)}
    positions = []
    for position, symbol in enumerate(message):
        i = index.get(symbol) if _hashable(symbol) else None
        if i is None:
            raise ValueError(
                f"`message` holds {symbol!r} at position {position}, which is not one of "
                f"the `symbols` {_preview(labels)}."
            )
        if not codable[i]:
            raise ValueError(f"`message` holds {symbol!r} at position {position}, {why_not}")
        positions.append(i)
    return positions


def _hashable(x) -> bool:
    try:
        hash(x)
    except TypeError:  # a list, or a tuple holding one
        return False
    return True


def _preview(labels: tuple) -> str:
    shown = ", ".join(repr(s) for s in labels[:8])
    return f"({shown}{', ...' if len(labels) > 8 else ''})"


def check_bytes(data, name: str) -> bytes:
    """``data`` as bytes; a ``str`` gets a TypeError that suggests ``.encode()``."""
    if isinstance(data, str):
        raise TypeError(
            f"`{name}` must be bytes, not str; encode the text first, e.g. "
            f"`{name}.encode('utf-8')`."
        )
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"`{name}` must be bytes; got {type(data).__name__}.")
    return bytes(data)
