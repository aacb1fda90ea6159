"""The four English texts of the Canterbury corpus that chapter 7 compresses."""

from __future__ import annotations

from importlib import resources

from .. import _validation as v

__all__ = ["canterbury"]

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
