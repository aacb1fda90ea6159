"""Tests for the figures of chapters 5 and 6 (xentbook.plotting._losses), drawn headless."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import drawn_on_given_ax

import xentbook as xb
from xentbook import plotting as xp


def _has_unit(label: str) -> bool:
    return "nats" in label or "units" in label or "step" in label or "ε" in label


def test_log_loss_branches_cross_at_log_2():
    ax = xp.plot_log_loss()
    pos, neg = ax.get_lines()[:2]
    x = pos.get_xdata()
    mid = np.argmin(np.abs(x - 0.5))
    assert pos.get_ydata()[mid] == pytest.approx(math.log(2), abs=1e-2)
    assert neg.get_ydata()[mid] == pytest.approx(math.log(2), abs=1e-2)
    assert "nats" in ax.get_ylabel()


def test_training_curve_draws_losses_and_floor():
    losses = np.linspace(math.log(2), 0.2, 11)
    ax = xp.plot_training_curve(losses, floor=0.19)
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), losses)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "best possible" in labels
    assert "nats" in ax.get_ylabel()


def test_training_curve_draws_no_reference_line_unless_asked():
    losses = np.linspace(2.0, 1.5, 11)
    ax = xp.plot_training_curve(losses)
    assert len(ax.get_lines()) == 1  # no chapter's reference level imposed on another
    assert ax.get_ylim() == pytest.approx((0, 2.2))
    ax = xp.plot_training_curve(losses, baseline=math.log(2), baseline_label="coin flip")
    baseline = ax.get_lines()[1]
    assert baseline.get_ydata()[0] == math.log(2)
    assert baseline.get_label() == "coin flip"


def test_training_curve_on_a_log_axis_spans_curve_and_floor_in_plain_numbers():
    losses = 2.37 + 1.93 * np.exp(-np.arange(300) / 30)
    ax = xp.plot_training_curve(losses, floor=2.3, yscale="log")
    low, high = ax.get_ylim()
    assert ax.get_yscale() == "log"
    assert 0 < low < 2.3
    assert high > losses.max()
    assert high / low < 3  # the axis spans the curve, not the decades below it
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels(minor=True) if t.get_text()]
    assert {"2.5", "3", "4"} <= set(labels)


def test_training_curve_rejects_an_unknown_scale():
    with pytest.raises(ValueError, match="`yscale`"):
        xp.plot_training_curve([0.7, 0.5], yscale="symlog")


def test_every_function_draws_on_a_given_ax():
    m = np.linspace(0, 10, 11)
    calls = [
        lambda ax: xp.plot_log_loss(ax=ax),
        lambda ax: xp.plot_training_curve([0.7, 0.5, 0.4], ax=ax),
        lambda ax: xp.plot_naive_vs_stable(m, {"exact": np.exp(-m)}, ax=ax),
        lambda ax: xp.plot_clipping_effects([1e-3, 1.0], {"exact": [6.9, 0.0]}, ax=ax),
        lambda ax: xp.plot_smoothing_floor((2,), ax=ax),
    ]
    for call in calls:
        ax = drawn_on_given_ax(call)
        assert "nats" in ax.get_ylabel()


def test_decision_boundary_on_given_axes():
    X, y = xb.two_class_data(40, seed=0)
    ax = drawn_on_given_ax(lambda ax: xp.plot_decision_boundary(X, y, [1.0, 0.5], 0.0, ax=ax))
    assert len(ax.collections) >= 2  # the two classes' scatter plots, at least
    assert _has_unit(ax.get_xlabel())
    assert _has_unit(ax.get_ylabel())


def test_naive_vs_stable_marks_zeros_and_nans():
    m = np.linspace(0, 60, 61)
    stable = np.log1p(2 * np.exp(-m))
    naive = np.where(m > 37, 0.0, stable)
    naive[-3:] = np.nan
    ax = xp.plot_naive_vs_stable(m, {"exact": stable, "naive": naive})
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "naive: returns exactly 0" in labels
    assert "naive: nan" in labels
    assert ax.get_yscale() == "log"
    low, _ = ax.get_ylim()
    assert 0 < low < stable.min()


def test_clipping_effects_on_a_log_axis():
    grid = np.logspace(-30, 0, 31)
    curves = {
        "exact": xb.binary_cross_entropy(np.ones_like(grid), grid, reduction="none"),
        "clipped": -np.log(np.clip(grid, 1e-7, 1)),
    }
    ax = xp.plot_clipping_effects(grid, curves)
    assert ax.get_xscale() == "log"
    assert len(ax.get_lines()) == 2
    assert ax.get_lines()[1].get_ydata().max() == pytest.approx(-math.log(1e-7))
    assert "nats" in ax.get_ylabel()


def test_smoothing_floor_ends_at_log_k():
    ax = xp.plot_smoothing_floor((2, 10))
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) > 1]
    for line, k in zip(curves, (2, 10), strict=True):
        y = line.get_ydata()
        assert y[0] == 0.0
        assert y[-1] == pytest.approx(math.log(k), rel=1e-12)
        assert (np.diff(y) >= -1e-15).all()  # the floor rises with epsilon
    assert "nats" in ax.get_ylabel()
