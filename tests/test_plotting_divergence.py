"""Headless tests of chapter 4's figures (xentbook.plotting._divergence)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import drawn_on_given_ax

import xentbook as xb
from xentbook import plotting as xp


def test_every_function_draws_on_a_given_ax():
    x = np.arange(3)
    calls = [
        lambda ax: xp.plot_extra_bits(["a", "b"], 1.0, [1.0, 1.5], ax=ax),
        lambda ax: xp.plot_kl_terms("ab", [0.5, 0.5], [0.9, 0.1], ax=ax),
        lambda ax: xp.plot_log_bound(ax=ax),
        lambda ax: xp.plot_kl_asymmetry(0.3, ax=ax),
        lambda ax: xp.plot_cross_entropy_vs_kl(0.3, ax=ax),
        lambda ax: xp.plot_mode_fits(x, [0.2, 0.6, 0.2], {"q": [1 / 3] * 3}, ax=ax),
    ]
    for call in calls:
        drawn_on_given_ax(call)


def test_extra_bits_stacks_kl_on_top_of_entropy():
    ax = xp.plot_extra_bits(["same", "other"], 2.0, [2.0, 2.5], measured_bits=[2.01, 2.52])
    heights = [round(float(b.get_height()), 6) for b in ax.patches]
    bottoms = [round(float(b.get_y()), 6) for b in ax.patches]
    # Two entropy bars, then the KL segments 0 and 0.5 stacked at height 2.
    assert heights == [2.0, 2.0, 0.0, 0.5]
    assert bottoms == [0.0, 0.0, 2.0, 2.0]
    assert [t.get_text() for t in ax.texts] == ["+0.000", "+0.500"]
    assert "bits" in ax.get_ylabel()


def test_kl_terms_sum_to_the_divergence():
    rng = np.random.default_rng(0)
    p, q = xb.normalize(rng.random(6)), xb.normalize(rng.random(6))
    ax = xp.plot_kl_terms("abcdef", p, q)
    total = sum(float(b.get_height()) for b in ax.patches)
    assert total == pytest.approx(float(xb.kl_divergence(p, q, base=2)), rel=1e-12)
    labels = ax.get_legend_handles_labels()[1]
    assert f"sum of all bars = KL = {total:.3f} bits" in labels


def test_kl_terms_skips_impossible_outcomes_without_warnings():
    # p_i = 0 with q_i = 0 contributes nothing and must not raise a RuntimeWarning.
    ax = xp.plot_kl_terms("abc", [0.5, 0.5, 0.0], [0.5, 0.5, 0.0])
    assert [float(b.get_height()) for b in ax.patches] == [0.0, 0.0, 0.0]


def test_log_bound_never_crosses():
    ax = xp.plot_log_bound()
    line, log = ax.get_lines()[:2]
    assert np.all(log.get_ydata() <= line.get_ydata())


def test_kl_asymmetry_curves_vanish_only_at_p():
    ax = xp.plot_kl_asymmetry(0.3)
    q = ax.get_lines()[0].get_xdata()
    for line in ax.get_lines()[:2]:
        y = line.get_ydata()
        assert q[np.argmin(y)] == pytest.approx(0.3, abs=1e-3)
        assert y.min() == pytest.approx(0.0, abs=1e-12)
    forward, reverse = (line.get_ydata() for line in ax.get_lines()[:2])
    assert not np.allclose(forward, reverse)


def test_cross_entropy_and_kl_differ_by_the_entropy():
    ax = xp.plot_cross_entropy_vs_kl(0.2)
    ce, kl = (line.get_ydata() for line in ax.get_lines()[:2])
    h = float(xb.entropy([0.2, 0.8], base=2))
    np.testing.assert_allclose(ce - kl, h, rtol=1e-9)


def test_mode_fits_draws_target_and_each_fit():
    fits = {"one": [0.5, 0.5, 0.0], "two": [0.0, 0.5, 0.5]}
    ax = xp.plot_mode_fits([0, 1, 2], [1 / 3] * 3, fits)
    assert len(ax.patches) == 3
    labels = ax.get_legend_handles_labels()[1]
    assert labels[:2] == ["one", "two"]
    assert ax.get_ylabel() == "probability"
