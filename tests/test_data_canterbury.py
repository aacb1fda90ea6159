"""Tests for xentbook.data's Canterbury texts: the files are the corpus's, byte for byte."""

from __future__ import annotations

import hashlib

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
