"""Headless tests of chapter 9's figures (xentbook.plotting._mutual)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import drawn_on_given_ax

import xentbook as xb
from xentbook import plotting as xp

JOINT = np.array([[0.3, 0.1], [0.05, 0.55]])

CALLS = {
    "entropy_bars": lambda ax: xp.plot_entropy_bars(JOINT, ax=ax),
    "by_distance": lambda ax: xp.plot_information_by_distance([1, 2], [0.5, 0.2], ax=ax),
    "pixels": lambda ax: xp.plot_pixel_information(np.ones((2, 3)), ax=ax),
    "order_bounds": lambda ax: xp.plot_order_bounds([0, 1], {"held out": [2.0, 1.5]}, ax=ax),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_draws_on_the_given_ax(name):
    drawn_on_given_ax(CALLS[name])


def test_entropy_bars_are_the_chain_rule():
    ax = xp.plot_entropy_bars(JOINT, names=("A", "B"))
    bars = ax.patches
    # Top row: H(A | B), I(A; B), H(B | A), end to end; then H(A) and H(B).
    h_a_b, info, h_b_a, h_a, h_b = (b.get_width() for b in bars)
    assert h_a_b == pytest.approx(xb.conditional_entropy(JOINT, given="y", base=2))
    assert info == pytest.approx(xb.mutual_information(JOINT, base=2))
    assert h_b_a == pytest.approx(xb.conditional_entropy(JOINT, given="x", base=2))
    assert h_a == pytest.approx(xb.entropy(JOINT.sum(axis=1), base=2))
    assert h_b == pytest.approx(xb.entropy(JOINT.sum(axis=0), base=2))
    # H(A) starts at 0, H(B) ends where H(A, B) ends, and they overlap by I(A; B).
    assert bars[3].get_x() == 0
    assert bars[4].get_x() + h_b == pytest.approx(xb.joint_entropy(JOINT, base=2))
    assert bars[3].get_x() + h_a - bars[4].get_x() == pytest.approx(info)
    labels = [t.get_text().split("\n")[0] for t in ax.texts]
    assert labels == ["H(A | B)", "I(A; B)", "H(B | A)", "H(A)", "H(B)"]
    assert ax.get_xlabel() == "bits"


def test_information_by_distance_draws_the_baseline():
    ax = xp.plot_information_by_distance([1, 10, 100], [0.9, 0.1, 0.03], baseline=0.02)
    measured, baseline = ax.get_lines()
    assert list(baseline.get_ydata()) == [0.02, 0.02]
    assert list(measured.get_ydata()) == [0.9, 0.1, 0.03]
    assert "bits" in ax.get_ylabel()
    assert len(xp.plot_information_by_distance([1, 2], [0.5, 0.2]).get_lines()) == 1


def test_pixel_information_outlines_the_best_pixel():
    info = np.zeros((8, 8))
    info[2, 5] = 1.2
    ax = xp.plot_pixel_information(info)
    assert np.array_equal(ax.get_images()[0].get_array(), info)
    (outline,) = ax.get_lines()
    assert (list(outline.get_xdata()), list(outline.get_ydata())) == ([5], [2])
    colorbar_axes = [a for a in ax.figure.axes if a is not ax]
    assert "bits" in colorbar_axes[0].get_ylabel()


def test_order_bounds_draws_each_curve():
    ax = xp.plot_order_bounds([0, 1, 2], {"held out": [4.0, 3.0, 2.5], "plug-in": [4.0, 2.9, 2]})
    assert [line.get_label() for line in ax.get_lines()] == ["held out", "plug-in"]
    assert list(ax.get_lines()[1].get_ydata()) == [4.0, 2.9, 2.0]
    assert ax.get_ylim()[0] == 0
