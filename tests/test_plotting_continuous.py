"""Tests for the figures of chapter 10 (xentbook.plotting._continuous), drawn headless."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np
import pytest
from conftest import drawn_on_given_ax

import xentbook as xb
from xentbook import plotting as xp


def test_bin_entropy_points_are_the_entropies_of_the_bins():
    x = np.random.default_rng(0).normal(scale=50.0, size=2000)
    widths = [40.0, 10.0, 20.0]
    ax = xp.plot_bin_entropy(x, widths, h=7.0)
    bins, line = ax.get_lines()[:2]
    np.testing.assert_array_equal(bins.get_xdata(), [40.0, 20.0, 10.0])  # widest first
    counts = np.unique(np.floor(x / 10.0), return_counts=True)[1]
    assert bins.get_ydata()[-1] == pytest.approx(xb.entropy(counts / x.size, base=2))
    np.testing.assert_allclose(line.get_ydata(), 7.0 - np.log2([40.0, 20.0, 10.0]))
    assert "bits" in ax.get_ylabel()
    assert ax.xaxis_inverted()


def test_density_models_histogram_is_a_density():
    x = np.random.default_rng(1).normal(size=300)
    grid = np.linspace(-3, 3, 7)
    ax = xp.plot_density_models(x, grid, {"a": np.ones(7), "b": np.zeros(7)}, bin_width=0.5)
    area = sum(bar.get_height() * bar.get_width() for bar in ax.patches)
    assert area == pytest.approx(1.0)
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]


def test_regression_lines_draws_each_line_and_a_band_per_group():
    x, y, g = [0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.5, 2.5], [0, 0, 1, 1]
    lines = {"least squares": (0.1, 0.9), "Gaussian NLL": (0.1, 0.9)}
    ax = drawn_on_given_ax(
        lambda ax: xp.plot_regression_lines(
            x,
            y,
            lines,
            groups=g,
            group_names=["A", "B"],
            sigma=[0.1, 0.3],
            xlabel="x",
            ylabel="y",
            ax=ax,
        )
    )
    assert [line.get_label() for line in ax.get_lines()] == list(lines)
    assert len(ax.collections) == 2 + 2  # two point clouds, two bands
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["least squares", "Gaussian NLL", "A", "B"]


def test_normal_kl_title_gives_both_directions():
    ax = xp.plot_normal_kl({"P": (3.0, 0.5), "Q": (4.0, 1.5)}, unit="kg", quantity="mass")
    assert ax.get_xlabel() == "mass (kg)"
    forward = xb.kl_normal(3.0, 0.5, 4.0, 1.5, base=2)
    backward = xb.kl_normal(4.0, 1.5, 3.0, 0.5, base=2)
    assert ax.get_title() == f"KL(P ‖ Q) = {forward:.2f} bits, KL(Q ‖ P) = {backward:.2f} bits"
    assert len(ax.get_lines()) == 2


def test_normal_kl_needs_two_distributions():
    with pytest.raises(ValueError, match="`normals`"):
        xp.plot_normal_kl({"P": (0.0, 1.0)})


def test_a_penguin_species_has_one_colour_in_every_figure():
    # Figure 10.4 draws Chinstrap and Gentoo only; they keep the colours of figures 10.2-10.3.
    names = ["Adelie", "Chinstrap", "Gentoo"]
    ax = xp.plot_regression_lines(
        [1.0, 2.0, 3.0],
        [1.0, 2.0, 3.0],
        {"line": (0.0, 1.0)},
        groups=[0, 1, 2],
        group_names=names,
        xlabel="x",
        ylabel="y",
    )
    scatter = {c.get_label(): tuple(c.get_facecolor()[0][:3]) for c in ax.collections}
    kl = xp.plot_normal_kl({"Chinstrap": (3.7, 0.3), "Gentoo": (5.1, 0.5)})
    lines = {line.get_label(): mcolors.to_rgb(line.get_color()) for line in kl.get_lines()}
    for name in ("Chinstrap", "Gentoo"):
        assert lines[name] == pytest.approx(scatter[name]), name
    assert len(set(scatter.values())) == 3
