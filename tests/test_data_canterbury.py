"""Tests for xentbook.data's Canterbury texts: the files are the corpus's, byte for byte."""

from __future__ import annotations

import hashlib
import lzma
import sys

import numpy as np
import pytest

import xentbook as xb

# Sizes and sha256 as recorded with the corpus files (xentbook/data/SOURCES.md).
CANTERBURY = {
    "alice29": (152089, "7467306ee0feed4971260f3c87421154a05be571d944e9cb021a5713700c38f0"),
    "asyoulik": (125179, "eaa3526fe53859f34ecdf255712f9ecf0b2c903451d4755b2edaa2e2599cb0fc"),
    "lcet10": (426754, "5314ba1dbb03f471df88bec6cd120a938ef60d0fd3511c5c1dce61bf7463245f"),
    "plrabn12": (481861, "07e2e0b461af78c7c647cb53dab39de560198e16f799b4516eccf0fbd69f764c"),
}


@pytest.mark.parametrize(("name", "expected"), CANTERBURY.items())
def test_canterbury_checksums(name, expected):
    size, sha256 = expected
    text = xb.canterbury(name)
    assert isinstance(text, bytes)
    assert len(text) == size
    assert hashlib.sha256(text).hexdigest() == sha256


def test_canterbury_accepts_the_file_name():
    assert xb.canterbury("asyoulik.txt") == xb.canterbury("asyoulik")


@pytest.mark.parametrize("name", ["alice", "ALICE29", "", 3])
def test_canterbury_bad_name_lists_the_valid_ones(name):
    with pytest.raises(ValueError, match=r"`name` .* 'alice29', 'asyoulik', 'lcet10', 'plrabn12'"):
        xb.canterbury(name)


def _tenths(name):
    n = len(xb.canterbury(name))
    return np.linspace(n / 10, n, 10).astype(int)


def _without_lzma(monkeypatch):
    # A None entry in sys.modules makes `import lzma` raise ImportError, as in Pyodide.
    monkeypatch.setitem(sys.modules, "lzma", None)


@pytest.mark.parametrize("name", CANTERBURY)
def test_xz_table_agrees_with_the_lzma_module(monkeypatch, name):
    measured = [
        len(lzma.compress(xb.canterbury(name)[:m], preset=9 | lzma.PRESET_EXTREME))
        for m in _tenths(name)
    ]
    assert xb.xz_sizes(name, _tenths(name)).tolist() == measured
    _without_lzma(monkeypatch)
    assert xb.xz_sizes(name, _tenths(name)).tolist() == measured


def test_xz_sizes_keeps_the_shape_of_lengths():
    lengths = _tenths("asyoulik")[-2:].reshape(2, 1)
    assert xb.xz_sizes("asyoulik", lengths).shape == (2, 1)


def test_xz_sizes_without_lzma_names_the_lengths_it_can_give(monkeypatch):
    _without_lzma(monkeypatch)
    with pytest.raises(ValueError, match=r"`lengths` \[1000\] are not in the shipped table"):
        xb.xz_sizes("alice29", [1000])


@pytest.mark.parametrize("lengths", [[-1], [152090]])
def test_xz_sizes_rejects_lengths_outside_the_text(lengths):
    with pytest.raises(ValueError, match=r"`lengths` must be prefix lengths from 0 to 152089"):
        xb.xz_sizes("alice29", lengths)


def test_xz_sizes_rejects_non_integer_lengths():
    with pytest.raises(TypeError, match="`lengths` must hold integers"):
        xb.xz_sizes("alice29", [1.5])
