"""The UCI handwritten digits: 1,797 images of 8 × 8 pixels, read from package data."""

from __future__ import annotations

import functools
import gzip
from importlib import resources

import numpy as np

__all__ = ["digits"]

_FILE = ("digits", "digits.csv.gz")
_SHAPE = (8, 8)


@functools.cache
def _load() -> tuple[np.ndarray, np.ndarray]:
    raw = resources.files(__package__).joinpath(*_FILE).read_bytes()
    table = np.loadtxt(gzip.decompress(raw).decode("ascii").splitlines(), delimiter=",", dtype=int)
    images = table[:, :-1].astype(np.uint8).reshape(-1, *_SHAPE)
    labels = table[:, -1].astype(np.intp)
    images.flags.writeable = labels.flags.writeable = False
    return images, labels


def digits() -> tuple[np.ndarray, np.ndarray]:
    """The UCI handwritten digits: 1,797 images of 8 × 8 pixels and their labels.

    Returns
    -------
    images : ndarray of shape (1797, 8, 8), dtype uint8
        Pixel values, the number of ink pixels (0 to 16) in each 4 × 4 block of a
        32 × 32 bitmap. Row ``i`` is image ``i`` as it would be drawn: ``images[i, 0]``
        is the top row. For a linear model, flatten each image into 64 features with
        ``images.reshape(len(images), -1)`` and convert to float.
    labels : ndarray of shape (1797,), integer dtype (``np.intp``)
        The digit each image shows, 0 to 9.

    See Also
    --------
    fit_softmax_regression : a model to train on them.

    Notes
    -----
    This is the test set of "Optical Recognition of Handwritten Digits" by E. Alpaydin
    and C. Kaynak (UCI Machine Learning Repository, 1998; licence CC BY 4.0), in the
    copy that scikit-learn ships as ``digits.csv.gz``: 64 pixel values, then the label,
    per line. The file is stored byte for byte in ``xentbook/data/digits/``; its
    provenance and SHA-256 are in ``xentbook/data/SOURCES.md``. Forty-three writers
    filled in the forms; these 1,797 images come from 13 of them.

    The arrays are read once, cached and returned read-only, so every call gives the
    same data; copy them before changing them. Reading needs only numpy.

    Examples
    --------
    Ten classes of roughly 180 images each:

    >>> import numpy as np
    >>> import xentbook as xb
    >>> images, labels = xb.digits()
    >>> images.shape, labels.shape
    ((1797, 8, 8), (1797,))
    >>> np.bincount(labels).tolist()
    [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]

    The first image is a zero. Drawn with one character per pixel, from ``.`` for
    no ink to ``#`` for a full block:

    >>> int(labels[0])
    0
    >>> for row in images[0]:
    ...     print("".join(".-+#"[v // 5] for v in row))
    ..-+-...
    ..+#+#-.
    ..#..+-.
    ..+..--.
    .--..--.
    ..+..+-.
    ..+-++..
    ..-++...
    """
    return _load()
