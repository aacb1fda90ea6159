"""What a reader sees of a matplotlib figure, checked on the drawn figure.

``figure_problems(fig)`` lays ``fig`` out and draws it on an Agg canvas, recording every text
the renderer actually paints, and returns one sentence per problem found:

- a plotted line, patch, collection or image with no data inside its axes' view limits (the
  view after the axes' scale, so a log axis whose limits hide every point is caught);
- two tick labels of one axes that overlap;
- a text that reaches outside the figure;
- a text smaller than ``MIN_TEXT_PX`` once the site has scaled the figure to its column.

The site shows each figure as the PNG that the notebook saved (``bbox_inches="tight"``, at the
figure's dpi), scaled down to the column when it is wider (the theme's ``img {max-width: 100%}``),
never up.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import Collection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox, IdentityTransform

# Width in CSS px at which the site shows a figure image: measured on a chapter page of the
# built site in Chromium, at the 1280 x 900 window of the browser tests (tests/test_book.py).
# It follows from the theme's CSS: of a 1280 px page, sphinx-book-theme gives 20% to the
# primary sidebar and 17rem to the secondary one, the article pads 2rem a side and the cell
# output takes 16 px more (1280 - 256 - 272 - 64 - 16 = 672). Wider windows give up to 774 px
# (the page stops growing at 88rem); narrower ones fold the sidebars away.
COLUMN_PX = 672
# The smallest text a reader should have to read, in CSS px (a font size, as in CSS).
MIN_TEXT_PX = 9
# bbox_inches="tight" adds this much (inches) around the drawn content (savefig.pad_inches).
PAD_INCHES = 0.1


def figure_problems(fig: Figure, column_px: float = COLUMN_PX) -> list[str]:
    """Every problem a reader would see in ``fig`` shown at ``column_px``; [] when none."""
    texts = _drawn_texts(fig)
    renderer = fig.canvas.get_renderer()
    problems = []
    for ax in fig.axes:
        problems += _empty_artists(ax)
        problems += _overlapping_tick_labels(ax, texts, renderer)
    problems += _texts_outside(fig, texts, renderer)
    problems += _small_texts(fig, texts, _scale(fig, renderer, column_px))
    return problems


def shown_scale(fig: Figure, column_px: float = COLUMN_PX) -> float:
    """How much the site scales ``fig``'s saved PNG: column / image width, at most 1."""
    _agg(fig).draw()  # lays the figure out as saving it would
    return _scale(fig, fig.canvas.get_renderer(), column_px)


def _scale(fig: Figure, renderer, column_px: float) -> float:
    width_px = (fig.get_tightbbox(renderer).width + 2 * PAD_INCHES) * fig.dpi
    return min(1.0, column_px / width_px)


def _drawn_texts(fig: Figure) -> dict[Text, float]:
    """Draw ``fig``; return each text the renderer painted, with its size in points.

    Only what is painted counts: a tick label of a tick outside the view, or an empty title,
    is a Text object that is never drawn.
    """
    _agg(fig).draw()  # lay out first (constrained layout), so the recorded draw is the last
    renderer = fig.canvas.get_renderer()
    painted: dict[Text, float] = {}
    draw_text = renderer.draw_text

    def record(gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if mtext is not None and s.strip():
            painted[mtext] = max(painted.get(mtext, 0.0), prop.get_size_in_points())
        return draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    renderer.draw_text = record
    try:
        fig.canvas.draw()
    finally:
        del renderer.draw_text
    return painted


def _agg(fig: Figure) -> FigureCanvasAgg:
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)  # a figure closed in pyplot keeps only a blank canvas
    return fig.canvas


def _name(artist) -> str:
    label = artist.get_label()
    kind = type(artist).__name__
    return f"{kind} {label!r}" if label and not label.startswith("_") else kind


def _where(ax) -> str:
    title = ax.get_title() or ax.get_ylabel() or ax.get_xlabel()
    return f"axes {title!r}"


def _empty_artists(ax) -> list[str]:
    """Plotted artists of ``ax`` whose data all lies outside the axes (in display space).

    An artist with no data at all draws nothing to misplace: a legend-only entry
    (``ax.plot([], [], " ", label=...)``) or a colorbar's unused divider lines.
    """
    found = []
    for artist in [*ax.lines, *ax.patches, *ax.collections, *ax.images]:
        shapes = [shape for shape in _display_shapes(artist) if len(shape.vertices)]
        if artist.get_visible() and shapes and not any(_inside(s, ax.bbox) for s in shapes):
            found.append(f"{_where(ax)}: {_name(artist)} has no data inside the view limits")
    return found


def _display_shapes(artist) -> list[Path]:
    """Where ``artist`` draws, in display coordinates: its outlines, or its markers' places."""
    if isinstance(artist, AxesImage):
        x0, x1, y0, y1 = artist.get_extent()
        corners = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
        return [Path(artist.axes.transData.transform(corners))]
    if isinstance(artist, Collection):
        places = artist.get_offset_transform()
        if not isinstance(places, IdentityTransform):  # markers at data points (a scatter)
            return [Path(places.transform(np.asarray(artist.get_offsets(), dtype=float)))]
        paths = artist.get_paths()
    else:
        paths = [artist.get_path()]
    return [artist.get_transform().transform_path(path) for path in paths]


def _inside(shape: Path, view: Bbox) -> bool:
    points = shape.vertices[np.isfinite(shape.vertices).all(axis=1)]
    inside = (
        (points[:, 0] >= view.x0)
        & (points[:, 0] <= view.x1)
        & (points[:, 1] >= view.y0)
        & (points[:, 1] <= view.y1)
    )
    # A line may also cross the axes between two points that both lie outside.
    return bool(inside.any()) or shape.intersects_bbox(view, filled=False)


def _overlapping_tick_labels(ax, texts: dict[Text, float], renderer) -> list[str]:
    labels = [
        label
        for axis in (ax.xaxis, ax.yaxis)
        for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]
        for label in (tick.label1, tick.label2)
        if label in texts
    ]
    boxes = [label.get_window_extent(renderer) for label in labels]
    return [
        f"{_where(ax)}: tick labels {a.get_text()!r} and {b.get_text()!r} overlap"
        for i, (a, box_a) in enumerate(zip(labels, boxes, strict=True))
        for b, box_b in zip(labels[i + 1 :], boxes[i + 1 :], strict=True)
        if box_a.overlaps(box_b)
    ]


def _texts_outside(fig: Figure, texts: dict[Text, float], renderer) -> list[str]:
    page = fig.bbox.padded(0.5)  # half a pixel of rounding
    found = []
    for text in texts:
        box = text.get_window_extent(renderer)
        if not all(page.contains(x, y) for x, y in box.corners()):
            found.append(f"text {text.get_text()!r} reaches outside the figure")
    return found


def _small_texts(fig: Figure, texts: dict[Text, float], scale: float) -> list[str]:
    found = []
    for text, points in texts.items():
        shown = points * fig.dpi / 72 * scale
        if shown < MIN_TEXT_PX:
            found.append(
                f"text {text.get_text()!r} is {shown:.1f} px at the site's column width "
                f"({points:g} pt, figure shown at {scale:.0%}); at least {MIN_TEXT_PX} px"
            )
    return found
