"""The Palmer penguins: body measurements of 344 penguins of three species, from package data."""

from __future__ import annotations

import csv
import functools
from importlib import resources
from typing import NamedTuple

import numpy as np

from .. import _validation as v

__all__ = ["Penguins", "penguins"]

_FILE = ("penguins", "penguins.csv")
_MISSING = "NA"
_TEXT = ("species", "island", "sex")
_MEASUREMENTS = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")


class Penguins(NamedTuple):
    """The Palmer penguins as NumPy arrays, one entry per penguin, and the rows left out.

    Every field but ``dropped`` is an array of one entry per penguin, in the file's order:
    ``species``, ``island`` and ``sex`` hold strings, the four measurements ``bill_length_mm``,
    ``bill_depth_mm``, ``flipper_length_mm`` and ``body_mass_g`` hold floats, ``year`` holds
    integers. ``dropped`` maps the row number (0-based, counting data rows of the file) of each
    penguin left out to the names of the columns it lacks.

    Examples
    --------
    >>> import xentbook as xb
    >>> data = xb.penguins()
    >>> data.body_mass_g[:3]
    array([3750., 3800., 3250.])
    >>> len(data.dropped), data.dropped[3]
    (11, ('bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex'))
    """

    species: np.ndarray
    island: np.ndarray
    bill_length_mm: np.ndarray
    bill_depth_mm: np.ndarray
    flipper_length_mm: np.ndarray
    body_mass_g: np.ndarray
    sex: np.ndarray
    year: np.ndarray
    dropped: dict[int, tuple[str, ...]]


@functools.cache
def _table() -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    text = resources.files(__package__).joinpath(*_FILE).read_text(encoding="ascii")
    rows = list(csv.reader(text.splitlines()))
    return tuple(rows[0]), tuple(tuple(row) for row in rows[1:])


@functools.cache
def _load(missing: str) -> Penguins:
    header, rows = _table()
    absent = np.array([[value == _MISSING for value in row] for row in rows])
    keep = ~absent.any(axis=1) if missing == "drop" else np.ones(len(rows), dtype=bool)
    fields = {}
    for j, name in enumerate(header):
        raw = [row[j] for row in rows]
        if name in _TEXT:
            column = np.array(raw)
        elif name in _MEASUREMENTS:
            column = np.array([np.nan if x == _MISSING else float(x) for x in raw])
        else:
            column = np.array([int(x) for x in raw], dtype=np.int64)
        column = column[keep]
        if missing == "mask":
            column = np.ma.MaskedArray(column, mask=absent[:, j])
        column.flags.writeable = False
        fields[name] = column
    dropped = {
        int(i): tuple(name for name, gone in zip(header, absent[i], strict=True) if gone)
        for i in np.flatnonzero(~keep)
    }
    return Penguins(**fields, dropped=dropped)


def penguins(*, missing: str = "drop") -> Penguins:
    """The Palmer penguins: bill, flipper and body-mass measurements of 344 penguins.

    Parameters
    ----------
    missing : {'drop', 'mask'}, optional
        What to do with the 11 penguins that lack a value. ``'drop'`` (default) leaves them
        out and lists them, with the columns each lacks, in ``dropped``: 333 penguins remain,
        every value known. ``'mask'`` keeps all 344 and returns every column as a
        ``numpy.ma.MaskedArray`` whose mask marks the missing values; ``dropped`` is then
        empty.

    Returns
    -------
    Penguins
        A named tuple of arrays, one entry per penguin in the file's order: ``species``
        (``'Adelie'``, ``'Chinstrap'`` or ``'Gentoo'``), ``island``, ``bill_length_mm``,
        ``bill_depth_mm``, ``flipper_length_mm`` (in mm), ``body_mass_g`` (in grams),
        ``sex`` (``'female'`` or ``'male'``) and ``year`` (2007 to 2009); and ``dropped``,
        a dict from the row number of each penguin left out (0-based) to the columns it
        lacks.

    See Also
    --------
    gaussian_nll, kl_normal, differential_entropy_histogram : chapter 10 applies them to
        the body masses.

    Notes
    -----
    The data were collected by Kristen Gorman with the Palmer Station Long Term Ecological
    Research program, Antarctica (Gorman, Williams and Fraser, 2014), and published as the R
    package ``palmerpenguins`` (Horst, Hill and Gorman, 2020), under CC0. The file is stored
    byte for byte as ``xentbook/data/penguins/penguins.csv``; its provenance and SHA-256 are
    in ``xentbook/data/SOURCES.md``.

    What is missing: 2 penguins (rows 3 and 271) have no measurements and no sex; 9 more
    have every measurement but no recorded sex. Nothing is imputed. With ``missing='drop'``
    all 11 are left out, so 342 - 9 = 333 body masses remain; a study of body mass alone can
    use ``missing='mask'`` and keep the 342 penguins weighed, with
    ``data.body_mass_g.compressed()``.

    Body mass is recorded in whole grams but, in this file, always in multiples of 25 g
    (mostly of 50 g): the scale's readings were rounded. Flipper length is recorded in
    whole millimetres, bill length and depth to 0.1 mm.

    The arrays are read once, cached and returned read-only; copy them before changing
    them. Reading needs only numpy and the standard library.

    Examples
    --------
    Three species, and the heaviest on average are the Gentoo:

    >>> import numpy as np
    >>> import xentbook as xb
    >>> data = xb.penguins()
    >>> len(data.species), len(data.dropped)
    (333, 11)
    >>> for name in ("Adelie", "Chinstrap", "Gentoo"):
    ...     mass = data.body_mass_g[data.species == name]
    ...     print(f"{name:9} {len(mass):3d} penguins, mean {mass.mean():.0f} g")
    Adelie    146 penguins, mean 3706 g
    Chinstrap  68 penguins, mean 3733 g
    Gentoo    119 penguins, mean 5092 g

    Why rows were left out, and the masked alternative that keeps them:

    >>> data.dropped[8]
    ('sex',)
    >>> every = xb.penguins(missing="mask")
    >>> len(every.body_mass_g), int(every.body_mass_g.mask.sum()), int(every.sex.mask.sum())
    (344, 2, 11)
    >>> every.body_mass_g.compressed().shape
    (342,)
    """
    key = missing.lower() if isinstance(missing, str) else missing
    data = _load(v.check_choice(missing, ("drop", "mask"), "missing", "is not an option", key))
    return data._replace(dropped=dict(data.dropped))  # a fresh dict: the cache stays intact
