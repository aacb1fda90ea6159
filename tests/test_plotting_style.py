"""Tests of the shared figure style (xentbook.plotting._style), drawn headless."""

from __future__ import annotations

import pytest

from xentbook import plotting as xp
from xentbook.plotting._style import annotate, linestyle, plot_curves


def _labelled_ax():
    ax = xp.get_ax()
    ax.plot([0, 1], [1, 0], color=xp.color(0), label="a line")
    return ax


def test_finish_ax_labels_and_draws_a_frameless_legend_by_default():
    ax = xp.finish_ax(_labelled_ax(), xlabel="p", ylabel="surprisal (bits)", title="t")
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("p", "surprisal (bits)", "t")
    assert not ax.get_legend().get_frame_on()


def test_finish_ax_passes_legend_options_on():
    legend = {"loc": "lower left", "frameon": True, "fontsize": 7}
    ax = xp.finish_ax(_labelled_ax(), xlabel="x", ylabel="y", legend=legend)
    drawn = ax.get_legend()
    assert drawn.get_frame_on()
    assert drawn.get_texts()[0].get_fontsize() == 7


def test_finish_ax_draws_no_legend_when_told_to():
    assert xp.finish_ax(_labelled_ax(), xlabel="x", ylabel="y", legend=False).get_legend() is None


@pytest.mark.parametrize("legend", [True, {"loc": "upper left"}])
def test_finish_ax_draws_no_legend_when_nothing_is_labelled(legend):
    unlabelled = xp.get_ax()
    unlabelled.plot([0, 1], [0, 1])
    assert xp.finish_ax(unlabelled, xlabel="x", ylabel="y", legend=legend).get_legend() is None


def test_colors_and_line_styles_cycle_together():
    assert [linestyle(i) for i in range(5)] == ["-", "--", "-.", ":", "-"]
    assert len({xp.color(i) for i in range(7)}) == 7
    assert xp.color(7) == xp.color(0)


def test_annotations_use_small_type_in_offset_points_unless_told_otherwise():
    ax = xp.get_ax()
    small = annotate(ax, "small", (0.5, 0.5), (4, 4))
    large = annotate(ax, "large", (0.5, 0.5), (4, 4), fontsize=12)
    assert small.get_fontsize() == 9
    assert large.get_fontsize() == 12
    assert small.get_anncoords() == "offset points"


def test_plot_curves_draws_each_named_curve_in_the_house_style_from_first():
    ax = xp.get_ax()
    plot_curves(ax, [0, 1, 2], {"a": [1, 2, 3], "b": [3, 2, 1]}, first=1, linewidth=2.5, taper=0.5)
    a, b = ax.get_lines()
    assert [a.get_label(), b.get_label()] == ["a", "b"]
    assert [a.get_color(), b.get_color()] == [xp.color(1), xp.color(2)]
    assert [a.get_linestyle(), b.get_linestyle()] == [linestyle(1), linestyle(2)]
    assert [a.get_linewidth(), b.get_linewidth()] == [2.5, 2.0]
    assert list(b.get_ydata()) == [3.0, 2.0, 1.0]
