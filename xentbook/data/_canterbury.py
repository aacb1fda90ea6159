"""The four English texts of the Canterbury corpus that chapter 7 compresses."""

from __future__ import annotations

import csv
import io
from importlib import resources

import numpy as np

from .. import _validation as v

__all__ = ["canterbury", "xz_sizes"]

# The shipped sizes of xz's output, for a Python built without the lzma module (Pyodide).
XZ_TABLE = "xz_sizes.csv"

# name: author and title
TEXTS = {
    "alice29": "Lewis Carroll, Alice's Adventures in Wonderland",
    "asyoulik": "William Shakespeare, As You Like It",
    "lcet10": "Workshop on electronic texts, proceedings (a technical lecture)",
    "plrabn12": "John Milton, Paradise Lost",
}


def canterbury(name: str) -> bytes:
    """One of four English texts of the Canterbury corpus, as bytes.

    Parameters
    ----------
    name : str
        ``'alice29'``, ``'asyoulik'``, ``'lcet10'`` or ``'plrabn12'`` (a trailing
        ``'.txt'`` is accepted).

    Returns
    -------
    bytes
        The file exactly as distributed with the corpus (CRLF line endings kept).

    See Also
    --------
    compress, adaptive_score

    Notes
    -----
    The Canterbury corpus (Arnold and Bell, 1997) is the standard benchmark of
    lossless text compression, so published results on these exact files can be
    compared with the book's. The texts are in the public domain; their sizes
    and checksums are recorded in ``xentbook/data/SOURCES.md``:

    ============  =======  =================================================
    name          bytes    text
    ============  =======  =================================================
    alice29       152089   Lewis Carroll, Alice's Adventures in Wonderland
    asyoulik      125179   William Shakespeare, As You Like It
    lcet10        426754   Workshop on electronic texts (a technical lecture)
    plrabn12      481861   John Milton, Paradise Lost
    ============  =======  =================================================

    Examples
    --------
    >>> import xentbook as xb
    >>> alice = xb.canterbury("alice29")
    >>> len(alice)
    152089
    >>> alice.split()[:4]
    [b"ALICE'S", b'ADVENTURES', b'IN', b'WONDERLAND']
    """
    key = name.removesuffix(".txt") if isinstance(name, str) else name
    v.check_choice(name, TEXTS, "name", "is not one of the Canterbury texts shipped here", key)
    return resources.files(__package__).joinpath("canterbury", f"{key}.txt").read_bytes()


def _xz_table() -> dict[tuple[str, int], int]:
    """The shipped table: (text, prefix length) -> bytes of xz -9e output."""
    lines = resources.files(__package__).joinpath(XZ_TABLE).read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in io.StringIO(lines) if not line.startswith("#"))
    return {(r["text"], int(r["prefix_bytes"])): int(r["xz_bytes"]) for r in rows}


def xz_sizes(name: str, lengths) -> np.ndarray:
    """Bytes of xz's output (``xz -9e``, the lzma module) for prefixes of a Canterbury text.

    Measured when the Python at hand has the ``lzma`` module; otherwise (Pyodide, the
    browser's Python, has none) read from a table shipped with the package, which holds
    the prefixes of each text that are whole tenths of it.

    Parameters
    ----------
    name : str
        One of the texts of :func:`canterbury`.
    lengths : array_like of int
        Prefix lengths in bytes, each from 0 to the text's length.

    Returns
    -------
    ndarray of int64
        The size in bytes of ``lzma.compress(text[:m], preset=9 | lzma.PRESET_EXTREME)``
        for each length ``m``, in the shape of ``lengths``.

    Raises
    ------
    ValueError
        If a length is outside the text, or if ``lzma`` is missing and a length is not one
        of the tenths in the shipped table.

    See Also
    --------
    canterbury, compress

    Notes
    -----
    The table, ``xentbook/data/xz_sizes.csv``, was written by
    ``python benchmarks/bench_compress.py --xz-table xentbook/data/xz_sizes.csv``, which
    measures ``xz -9e`` on the prefixes ``np.linspace(n / 10, n, 10).astype(int)`` of each
    text of ``n`` bytes; ``tests/test_data_canterbury.py`` checks that it agrees with the
    lzma module wherever that exists, so a liblzma that compressed these prefixes
    differently would be noticed rather than hidden behind the table.

    Examples
    --------
    The last tenth of *Alice* is the whole book:

    >>> import numpy as np
    >>> import xentbook as xb
    >>> n = len(xb.canterbury("alice29"))
    >>> tenths = np.linspace(n / 10, n, 10).astype(int)
    >>> sizes = xb.xz_sizes("alice29", tenths)
    >>> int(sizes[-1]), bool(np.all(np.diff(sizes) > 0))
    (48528, True)
    """
    text = canterbury(name)
    key = name.removesuffix(".txt")
    wanted = np.asarray(lengths)
    if wanted.dtype.kind not in "iu":
        raise TypeError(f"`lengths` must hold integers; got dtype {wanted.dtype}.")
    if wanted.size and (wanted.min() < 0 or wanted.max() > len(text)):
        raise ValueError(
            f"`lengths` must be prefix lengths from 0 to {len(text)} (the length of "
            f"{key!r}); got values from {wanted.min()} to {wanted.max()}."
        )
    try:
        import lzma
    except ImportError:
        table = _xz_table()
        missing = sorted({int(m) for m in wanted.flat if (key, int(m)) not in table})
        if missing:
            raise ValueError(
                f"`lengths` {missing[:3]} are not in the shipped table of xz sizes, and this "
                "Python has no lzma module to measure them; without lzma, ask for the "
                f"tenths of the text, np.linspace(n / 10, n, 10).astype(int) with n = {len(text)}."
            ) from None
        sizes = [table[key, int(m)] for m in wanted.flat]
    else:
        preset = 9 | lzma.PRESET_EXTREME
        sizes = [len(lzma.compress(text[: int(m)], preset=preset)) for m in wanted.flat]
    return np.array(sizes, dtype=np.int64).reshape(wanted.shape)
