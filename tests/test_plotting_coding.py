"""Headless tests of chapter 3's figures (xentbook.plotting._coding)."""

from __future__ import annotations

import numpy as np
from conftest import drawn_on_given_ax

from xentbook import plotting as xp


def test_every_function_draws_on_a_given_ax():
    calls = [
        lambda ax: xp.plot_code_lengths("ab", [1.0, 1.0], {"Huffman": [1, 1]}, ax=ax),
        lambda ax: xp.plot_morse_vs_surprisal("et", [3.0, 4.0], [1, 3], ax=ax),
        lambda ax: xp.plot_bits_convergence([1, 10], {"run": [2.0, 1.0]}, {"H": 1.0}, ax=ax),
        lambda ax: xp.plot_smoothing_cost([0.1, 1.0], [2.0, 1.0], {"H": 0.9}, ax=ax),
    ]
    for call in calls:
        drawn_on_given_ax(call)


def test_code_lengths_bars_are_the_ideal_lengths_and_markers_the_codes():
    ideal = [1.0, 1.737, 2.322]
    ax = xp.plot_code_lengths("abc", ideal, {"Shannon": [1, 2, 3], "Huffman": [1, 2, 2]})
    assert [float(b.get_height()) for b in ax.patches] == ideal
    shannon, huffman = ax.get_lines()
    assert list(shannon.get_ydata()) == [1, 2, 3]
    assert list(huffman.get_ydata()) == [1, 2, 2]
    assert "bits" in ax.get_ylabel()


def test_morse_figure_labels_every_letter_and_fits_a_line():
    s = np.array([3.0, 4.0, 5.0, 9.0])
    d = 2 * s + 1
    ax = xp.plot_morse_vs_surprisal("etaq", s, d)
    assert [t.get_text() for t in ax.texts] == ["E", "T", "A", "Q"]
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), 2 * line.get_xdata() + 1)
    assert "bits" in ax.get_xlabel()
    assert "dot units" in ax.get_ylabel()


def test_bits_convergence_has_log_axis_references_and_measurements():
    ax = xp.plot_bits_convergence(
        [1, 10, 100],
        {"running": [3.0, 2.2, 2.05]},
        {"H(P)": 1.9, "H(P, Q)": 2.0},
        measured={"coder": ([10, 100], [2.5, 2.1])},
    )
    assert ax.get_xscale() == "log"
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["running", "H(P)", "H(P, Q)", "coder"]
    assert [float(v) for v in ax.get_lines()[1].get_ydata()] == [1.9, 1.9]


def test_smoothing_cost_marks_the_minimum():
    ax = xp.plot_smoothing_cost([0.01, 0.1, 1.0, 10.0], [5.0, 4.3, 4.2, 4.4], {"H(P)": 4.1})
    best = ax.get_lines()[1]
    assert list(best.get_xdata()) == [1.0]
    assert list(best.get_ydata()) == [4.2]
    assert ax.get_xscale() == "log"
