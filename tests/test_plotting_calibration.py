"""Tests for the figures of chapter 8 (xentbook.plotting._calibration), drawn headless."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import xentbook as xb
from xentbook import plotting as xp


def test_reliability_diagram_bars_are_the_curve():
    rng = np.random.default_rng(0)
    probs = xb.softmax(3 * rng.normal(size=(300, 4)))
    target = rng.integers(0, 4, size=300)
    curve = xb.reliability_curve(target, probs, bins=10)
    ax = xp.plot_reliability_diagram(target, probs, bins=10, label="model")
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights, curve.accuracy[curve.count > 0])
    counts = [int(t.get_text()) for t in ax.texts]
    assert counts == curve.count[curve.count > 0].tolist()
    ece = xb.expected_calibration_error(target, probs, bins=10)
    assert f"{ece:.3f}" in ax.get_legend().get_texts()[0].get_text()
    assert "accuracy" in ax.get_ylabel()
    assert "confidence" in ax.get_xlabel()


def test_reliability_diagram_draws_into_given_axes():
    _, (_, right) = plt.subplots(1, 2)
    assert xp.plot_reliability_diagram([0], [[0.7, 0.3]], ax=right) is right


def test_expected_scores_minimised_at_truth_for_proper_scores():
    ax = xp.plot_expected_scores(0.3)
    log_loss, brier, error = ax.get_lines()[:3]
    q = log_loss.get_xdata()
    for line in (log_loss, brier):
        assert q[np.argmin(line.get_ydata())] == pytest.approx(0.3, abs=0.005)
    # The error rate is the same for every q below 0.5: accuracy is not strictly proper.
    below = error.get_ydata()[q < 0.5]
    assert np.ptp(below) == 0


def test_expected_scores_rejects_certain_truth():
    with pytest.raises(ValueError, match="`p`"):
        xp.plot_expected_scores(1.0)


def test_focal_loss_curves_fall_with_gamma():
    ax = xp.plot_focal_loss((0.0, 1.0, 2.0))
    ys = [line.get_ydata() for line in ax.get_lines()]
    assert np.all(ys[0] >= ys[1])
    assert np.all(ys[1] >= ys[2])
    assert "nats" in ax.get_ylabel()
