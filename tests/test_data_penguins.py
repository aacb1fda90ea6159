"""Tests for xentbook.penguins: the Palmer penguins shipped as package data."""

from __future__ import annotations

import csv
import hashlib
from importlib import resources

import numpy as np
import pytest

import xentbook as xb

# Recorded in xentbook/data/SOURCES.md and in the provenance note the file came with.
SIZE = 15241
SHA256 = "f204db2c753b0937caac3cb35258562c14f073e4bbc76be24b4c51ce22767a93"
MEASUREMENTS = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")


def _raw() -> bytes:
    return resources.files("xentbook.data").joinpath("penguins", "penguins.csv").read_bytes()


def _rows() -> list[dict[str, str]]:
    return list(csv.DictReader(_raw().decode("ascii").splitlines()))


def test_file_matches_its_recorded_checksum():
    raw = _raw()
    assert len(raw) == SIZE
    assert hashlib.sha256(raw).hexdigest() == SHA256


def test_provenance_is_recorded_in_sources():
    sources = resources.files("xentbook.data").joinpath("SOURCES.md").read_text(encoding="utf-8")
    for needle in (SHA256, "CC0", "gorman2014", "horst2020", "10.1371/journal.pone.0090081"):
        assert needle in sources


def test_species_counts_in_the_file():
    # Counts from the provenance note: Adelie 152, Chinstrap 68, Gentoo 124.
    every = xb.penguins(missing="mask")
    names, counts = np.unique(every.species, return_counts=True)
    assert dict(zip(names.tolist(), counts.tolist(), strict=True)) == {
        "Adelie": 152,
        "Chinstrap": 68,
        "Gentoo": 124,
    }


def test_dropped_rows_are_listed_with_their_reasons():
    data = xb.penguins()
    assert len(data.species) == 344 - len(data.dropped) == 333
    no_measurements = {i for i, cols in data.dropped.items() if "body_mass_g" in cols}
    assert no_measurements == {3, 271}
    assert all(cols == ("sex",) for i, cols in data.dropped.items() if i not in no_measurements)
    # Every row listed really has NA in exactly the columns named, and no other row has one.
    for i, row in enumerate(_rows()):
        missing = tuple(name for name, value in row.items() if value == "NA")
        assert data.dropped.get(i, ()) == missing


def test_masked_columns_keep_every_row():
    every = xb.penguins(missing="mask")
    assert every.dropped == {}
    assert len(every.body_mass_g) == 344
    for name in MEASUREMENTS:
        assert getattr(every, name).mask.sum() == 2
    assert every.sex.mask.sum() == 11
    assert not every.species.mask.any()


def test_rows_round_trip_the_csv():
    data = xb.penguins()
    kept = [row for i, row in enumerate(_rows()) if i not in data.dropped]
    for j in (0, 100, 332):
        for name in MEASUREMENTS:
            assert getattr(data, name)[j] == float(kept[j][name])
        assert data.species[j] == kept[j]["species"]
        assert data.year[j] == int(kept[j]["year"])


def test_types_and_units():
    data = xb.penguins()
    assert data.body_mass_g.dtype == np.float64
    assert data.year.dtype == np.int64
    assert set(data.sex.tolist()) == {"female", "male"}
    # Masses are recorded in multiples of 25 g (see SOURCES.md).
    assert np.all(data.body_mass_g % 25 == 0)


def test_arrays_are_read_only_and_the_dropped_dict_is_fresh():
    data = xb.penguins()
    with pytest.raises(ValueError, match="read-only"):
        data.body_mass_g[0] = 1.0
    data.dropped.clear()
    assert len(xb.penguins().dropped) == 11


@pytest.mark.parametrize("missing", ["impute", None, 0])
def test_bad_missing_names_the_argument(missing):
    with pytest.raises(ValueError, match="`missing`"):
        xb.penguins(missing=missing)
