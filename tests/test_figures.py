"""Every figure of the book, checked as a reader sees it on the site (tests/figure_check.py).

The figures are drawn by the chapters' own code (tests/book_figures.py), the same cells the
instructor pack exports, so the figure pack holds exactly these figures.
"""

from __future__ import annotations

import math
import struct
from base64 import b64decode
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from book_figures import FigureDrawer, book_figures, needed_cells
from figure_check import COLUMN_PX, MIN_TEXT_PX, figure_problems, shown_scale

from tools._book import cells, chapters

ROOT = Path(__file__).resolve().parents[1]
FIGURES = book_figures(ROOT)


@pytest.fixture(scope="session")
def drawer() -> FigureDrawer:
    return FigureDrawer(FIGURES)


@pytest.mark.parametrize("figure", FIGURES, ids=[f.name for f in FIGURES])
def test_figure_reads_at_the_site_column_width(drawer, figure):
    problems = figure_problems(drawer.figure(figure))
    assert not problems, f"{figure.name} ({figure.notebook.name}):\n" + "\n".join(problems)


def test_every_drawn_image_is_a_figure_of_the_pack():
    """The committed outputs hold an image exactly where a figure cell is: none is left out."""
    figure_cells = {(f.notebook, f.cell) for f in FIGURES}
    with_images = {
        (notebook, index)
        for chapter in chapters(ROOT)
        for notebook in chapter.notebooks
        for index, cell in enumerate(cells(notebook))
        for output in cell.get("outputs", [])
        if any(kind.startswith("image/") for kind in output.get("data", {}))
    }
    assert with_images == figure_cells


# The checks themselves: each reports what it should, on a figure made to fail it.


def _old_figure_7_4():
    """Figure 7.4 as plot_training_curve drew it before: chapter 5's axis from 0 and its ln 2
    line, then chapter 7's log scale."""
    steps = np.arange(3001)
    losses = 2.37 + 1.93 * np.exp(-steps / 60)  # the shape of the bigram descent, in nats
    _, ax = plt.subplots(figsize=(6.0, 3.8), layout="constrained")
    ax.plot(steps, losses, linewidth=2, label="training loss")
    ax.axhline(np.log(2), linestyle="--", label="ln 2: a coin-flip guess")
    ax.axhline(2.37, linestyle=":", label="counting")
    ax.set_xlim(0, steps[-1])
    ax.set_ylim(0, max(np.log(2), losses.max()) * 1.1)
    ax.set_xlabel("gradient step")
    ax.set_ylabel("mean cross-entropy (nats)")
    ax.legend(frameon=False)
    ax.set_yscale("log")
    return ax.figure


def test_the_check_fails_on_the_old_figure_7_4():
    problems = figure_problems(_old_figure_7_4())
    assert any("tick labels" in p and "overlap" in p for p in problems), problems


def test_the_new_figure_7_4_call_passes():
    from xentbook import plotting as xp

    steps = np.arange(3001)
    losses = 2.37 + 1.93 * np.exp(-steps / 60)
    ax = xp.plot_training_curve(losses, floor=2.37, floor_label="counting", yscale="log")
    assert figure_problems(ax.figure) == []


def test_a_line_outside_the_view_is_reported():
    _, ax = plt.subplots()
    ax.plot([0, 1], [5, 6], label="high")
    ax.plot([0, 1], [0, 1], label="seen")
    ax.set_ylim(0, 1)
    problems = figure_problems(ax.figure)
    assert len(problems) == 1
    assert "'high' has no data inside" in problems[0]


def test_a_line_crossing_the_view_counts_as_inside():
    _, ax = plt.subplots()
    ax.plot([-1, 2], [-1, 2])  # no vertex inside, but the segment crosses the axes
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    assert figure_problems(ax.figure) == []


def test_points_bars_and_images_outside_the_view_are_reported():
    _, ax = plt.subplots()
    ax.scatter([5, 6], [5, 6], label="points")
    ax.bar([7], [1], label="bar")
    ax.imshow(np.eye(2), extent=(8, 9, 8, 9))
    ax.plot([0, 1], [0, 1])
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    problems = "\n".join(figure_problems(ax.figure))
    assert "PathCollection 'points' has no data" in problems
    assert "Rectangle has no data" in problems
    assert "AxesImage has no data" in problems


def test_artists_without_data_are_not_plotted_data():
    _, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.plot([], [], " ", label="a legend entry with no line")
    ax.legend()
    assert figure_problems(ax.figure) == []


def test_text_outside_the_figure_is_reported():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    fig.text(0.98, 0.5, "cut off at the right edge")
    problems = figure_problems(fig)
    assert problems == ["text 'cut off at the right edge' reaches outside the figure"]


def test_overlapping_tick_labels_are_reported():
    _, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, 1])
    ax.set_xticks(np.linspace(0, 1, 11), [f"label {k}" for k in range(11)])
    assert any("overlap" in p for p in figure_problems(ax.figure))


def test_text_below_nine_pixels_at_the_column_is_reported():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    size = (MIN_TEXT_PX - 0.5) * 72 / fig.dpi  # half a pixel short, shown at full size
    ax.text(0.5, 0.5, "small", fontsize=size)
    assert shown_scale(fig) == 1
    problems = figure_problems(fig)
    assert len(problems) == 1
    assert problems[0].startswith("text 'small' is 8.5 px")


def test_a_figure_wider_than_the_column_is_shown_smaller():
    fig, ax = plt.subplots(figsize=(2 * COLUMN_PX / 100, 3), dpi=100, layout="constrained")
    ax.plot([0, 1], [0, 1])
    scale = shown_scale(fig)
    assert 0.47 < scale < 0.5  # the saved PNG is a little wider than the figure (padding)
    assert any("tick" not in p and "px" in p for p in figure_problems(fig))  # 10 pt → 6.7 px
    assert math.isclose(shown_scale(fig, column_px=10 * COLUMN_PX), 1)


# The slice that draws each figure without the cells it does not need.


def test_the_slice_keeps_what_changes_a_figure_and_drops_the_rest():
    codes = {
        0: "import numpy as np\nimport matplotlib.pyplot as plt",
        1: "rng = np.random.default_rng(0)",
        2: "skip = rng.random()  # advances the generator the figure draws from",
        3: "slow = np.ones(3)\nprint(slow.sum())",
        4: "counts = np.zeros(3)\nnp.add.at(counts, [0, 0], 1)",
        5: "plt.rcParams['lines.linewidth'] = 3",
        6: "x = rng.random(3)",
        7: "plt.plot(x, counts)",
        8: "after = x.sum()",
    }
    assert needed_cells(codes, {7}) == [0, 1, 2, 4, 5, 6, 7]


def test_the_drawer_draws_each_notebook_once(drawer):
    first = next(f for f in FIGURES if f.notebook.name.startswith("02"))
    fig = drawer.figure(first)
    same_notebook = [f for f in FIGURES if f.notebook == first.notebook]
    assert len(same_notebook) > 1
    assert all(f.name in drawer.drawn for f in same_notebook)
    assert drawer.figure(first) is fig


@pytest.mark.parametrize("figure", FIGURES, ids=[f.name for f in FIGURES])
def test_the_site_shows_the_image_the_check_measures(drawer, figure):
    """The committed PNG, which the site shows, is as wide as the check takes the figure to be."""
    outputs = cells(figure.notebook)[figure.cell]["outputs"]
    png = b64decode(
        next(o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {}))
    )
    committed = struct.unpack(">I", png[16:20])[0]  # the IHDR chunk's width
    fig = drawer.figure(figure)
    assert shown_scale(fig, column_px=committed) == pytest.approx(1, abs=0.01)
    assert shown_scale(fig, column_px=0.98 * committed) < 1
