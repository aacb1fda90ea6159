"""Tests for xentbook.digits: the UCI handwritten digits shipped as package data."""

import gzip
import hashlib
from importlib import resources

import numpy as np
import pytest

import xentbook as xb

# Recorded in xentbook/data/SOURCES.md and in the provenance file the data came with.
SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"


def _raw() -> bytes:
    return resources.files("xentbook.data").joinpath("digits", "digits.csv.gz").read_bytes()


def test_file_matches_its_recorded_checksum():
    assert hashlib.sha256(_raw()).hexdigest() == SHA256


def test_checksum_is_recorded_in_sources():
    sources = resources.files("xentbook.data").joinpath("SOURCES.md").read_text(encoding="utf-8")
    assert SHA256 in sources
    assert "CC BY 4.0" in sources


def test_shapes_and_dtypes():
    images, labels = xb.digits()
    assert images.shape == (1797, 8, 8)
    assert images.dtype == np.uint8
    assert labels.shape == (1797,)
    assert np.issubdtype(labels.dtype, np.integer)


def test_values_in_range():
    images, labels = xb.digits()
    assert images.min() == 0
    assert images.max() == 16
    assert set(labels.tolist()) == set(range(10))


def test_class_counts():
    # Counts of the UCI test set (optdigits.tes), as its description lists them.
    _, labels = xb.digits()
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_rows_round_trip_the_csv():
    # Row i of the file is image i flattened row by row, then label i.
    lines = gzip.decompress(_raw()).decode("ascii").splitlines()
    images, labels = xb.digits()
    for i in (0, 1, 1000, 1796):
        values = [int(x) for x in lines[i].split(",")]
        assert values[:64] == images[i].ravel().tolist()
        assert values[64] == labels[i]


def test_arrays_are_read_only():
    images, labels = xb.digits()
    with pytest.raises(ValueError, match="read-only"):
        images[0, 0, 0] = 1
    with pytest.raises(ValueError, match="read-only"):
        labels[0] = 1
