"""Headless tests of chapter 1 and 2's figures (xentbook.plotting._information)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import drawn_on_given_ax

import xentbook as xb
from xentbook import plotting as xp

CALLS = {
    "surprisal": lambda ax: xp.plot_surprisal(ax=ax),
    "binary_entropy": lambda ax: xp.plot_binary_entropy(ax=ax),
    "entropy_bound": lambda ax: xp.plot_entropy_bound({2: [0.5], 3: [1.2]}, ax=ax),
    "running_entropy": lambda ax: xp.plot_running_entropy([1.0, 2.0, 3.0], 1.75, ax=ax),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_draws_on_the_given_ax_with_units_on_the_y_axis(name):
    ax = drawn_on_given_ax(CALLS[name])
    assert any(unit in ax.get_ylabel() for unit in ("bits", "nats"))


def test_surprisal_draws_bits_and_nats_curves():
    ax = xp.plot_surprisal()
    bits, nats = ax.get_lines()
    assert [bits.get_label(), nats.get_label()] == ["bits: −log₂ p", "nats: −ln p"]
    # The same probabilities in two units: the curves differ by the factor ln 2.
    np.testing.assert_allclose(nats.get_ydata(), bits.get_ydata() * math.log(2))
    # Certainty costs nothing.
    assert bits.get_xdata()[-1] == 1.0
    assert bits.get_ydata()[-1] == 0.0


def test_surprisal_marks_sit_on_the_bits_curve():
    ax = xp.plot_surprisal(marks={"fair coin": 0.5, "die": 1 / 6})
    points = ax.get_lines()[2:]
    assert len(points) == 2
    assert points[0].get_ydata()[0] == pytest.approx(1.0)
    assert points[1].get_ydata()[0] == pytest.approx(math.log2(6))
    assert [t.get_text() for t in ax.texts] == ["fair coin: 1.00 bits", "die: 2.58 bits"]


def test_binary_entropy_peaks_at_one_half():
    ax = xp.plot_binary_entropy()
    curve = ax.get_lines()[0]
    p, h = curve.get_xdata(), curve.get_ydata()
    assert p[np.argmax(h)] == pytest.approx(0.5)
    assert h.max() == pytest.approx(1.0)
    # Both ends are certain outcomes: exactly 0, and no RuntimeWarning from 0 log 0.
    assert h[0] == 0.0
    assert h[-1] == 0.0
    np.testing.assert_allclose(h, h[::-1], atol=1e-15)
    assert ax.texts[0].get_text() == "maximum 1 bit at p = 1/2"


def test_binary_entropy_in_nats_and_with_marks():
    ax = xp.plot_binary_entropy(base=math.e, marks={"90/10 coin": 0.1})
    assert ax.get_ylabel() == "entropy H (nats)"
    assert ax.get_lines()[0].get_ydata().max() == pytest.approx(math.log(2))
    # Curve, the dotted line at 1/2, one marked coin.
    assert len(ax.get_lines()) == 3
    assert ax.get_lines()[2].get_ydata()[0] == pytest.approx(float(xb.entropy([0.1, 0.9])))


def test_entropy_bound_draws_one_cloud_per_n_and_the_log_ceiling():
    entropies = {2: [0.3, 0.9], 4: [1.0, 1.5, 1.9], 3: [1.2]}
    ax = xp.plot_entropy_bound(entropies)
    *clouds, ceiling = ax.get_lines()
    assert [int(c.get_xdata()[0]) for c in clouds] == [2, 3, 4]
    assert [len(c.get_ydata()) for c in clouds] == [2, 1, 3]
    np.testing.assert_allclose(ceiling.get_ydata(), np.log2(ceiling.get_xdata()))
    assert list(ax.get_xticks()) == [2, 3, 4]


def test_running_entropy_draws_one_line_per_run_plus_the_entropy():
    ax = xp.plot_running_entropy([[1, 2, 3, 3], [1, 1, 2, 1]], 1.75)
    lines = ax.get_lines()
    assert len(lines) == 3
    np.testing.assert_allclose(lines[0].get_ydata(), [1, 1.5, 2, 2.25])
    np.testing.assert_allclose(lines[1].get_ydata(), [1, 1, 4 / 3, 1.25])
    assert set(lines[2].get_ydata()) == {1.75}
    assert lines[2].get_label() == "H = 1.75 bits"
    assert ax.get_xscale() == "log"


def test_running_entropy_accepts_a_single_run_and_names_the_unit():
    ax = xp.plot_running_entropy(np.ones(5), 1.0, base=math.e)
    assert len(ax.get_lines()) == 2
    assert ax.get_ylabel() == "average surprisal (nats)"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["running average", "H = 1 nats"]
