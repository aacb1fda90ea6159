"""Headless tests of chapter 7's figures (xentbook.plotting._text)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from xentbook import plotting as xp


def test_every_function_draws_on_a_given_ax():
    calls = [
        lambda ax: xp.plot_order_curves([0, 1], [4.0, 3.0], [4.1, 3.2], ax=ax),
        lambda ax: xp.plot_code_length_race([8.0, 2.0], {"bz2": ([2], [300])}, ax=ax),
        lambda ax: xp.plot_text_surprisal("ab", [1.0, 2.0], ax=ax),
    ]
    for call in calls:
        _, ax = plt.subplots()
        assert call(ax) is ax


def test_order_curves_plot_the_given_values():
    ax = xp.plot_order_curves([0, 1, 2], [4.5, 3.4, 2.5], [4.6, 3.5, 3.7])
    in_sample, held_out = ax.get_lines()
    assert list(in_sample.get_ydata()) == [4.5, 3.4, 2.5]
    assert list(held_out.get_ydata()) == [4.6, 3.5, 3.7]
    assert "order: 1" in ax.texts[0].get_text()


def test_code_length_race_is_the_running_sum_in_kilobytes():
    ax = xp.plot_code_length_race([8000.0, 8000.0], {"zlib": ([2], [24000])})
    model, zlib = ax.get_lines()
    np.testing.assert_allclose(model.get_ydata(), [1.0, 2.0])
    np.testing.assert_allclose(zlib.get_ydata(), [3.0])


def test_text_surprisal_wraps_rows_and_skips_line_breaks():
    ax = xp.plot_text_surprisal("abc\nde", [1.0, 2.0, 3.0, 0.0, 4.0, 5.0], width=2)
    assert [t.get_text() for t in ax.texts] == list("abcde")
    # 'c' wraps to row 1; 'd' starts row 2 after the line break.
    assert ax.texts[2].get_position() == (0.5, 1.5)
    assert ax.texts[3].get_position() == (0.5, 2.5)
