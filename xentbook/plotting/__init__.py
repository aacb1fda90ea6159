"""Figures for the book: every function takes an optional matplotlib ``ax`` and returns it.

This is the only part of xentbook that imports matplotlib. All figures share one
colour-blind-safe style (:mod:`xentbook.plotting._style`) and label their axes with
units. Each chapter's figures live in their own private module, re-exported here.
"""

from ._calibration import plot_expected_scores, plot_focal_loss, plot_reliability_diagram
from ._coding import (
    plot_bits_convergence,
    plot_code_lengths,
    plot_morse_vs_surprisal,
    plot_smoothing_cost,
)
from ._continuous import (
    plot_bin_entropy,
    plot_density_models,
    plot_normal_kl,
    plot_regression_lines,
)
from ._divergence import (
    plot_cross_entropy_vs_kl,
    plot_extra_bits,
    plot_kl_asymmetry,
    plot_kl_terms,
    plot_log_bound,
    plot_mode_fits,
)
from ._information import (
    plot_binary_entropy,
    plot_entropy_bound,
    plot_running_entropy,
    plot_surprisal,
)
from ._losses import (
    plot_clipping_effects,
    plot_decision_boundary,
    plot_log_loss,
    plot_naive_vs_stable,
    plot_smoothing_floor,
    plot_training_curve,
)
from ._mutual import (
    plot_entropy_bars,
    plot_information_by_distance,
    plot_order_bounds,
    plot_pixel_information,
)
from ._style import COLORS, LINESTYLES, color, finish_ax, get_ax
from ._text import plot_code_length_race, plot_order_curves, plot_text_surprisal

__all__ = [
    "COLORS",
    "LINESTYLES",
    "color",
    "finish_ax",
    "get_ax",
    "plot_bin_entropy",
    "plot_binary_entropy",
    "plot_bits_convergence",
    "plot_clipping_effects",
    "plot_code_length_race",
    "plot_code_lengths",
    "plot_cross_entropy_vs_kl",
    "plot_decision_boundary",
    "plot_density_models",
    "plot_entropy_bars",
    "plot_entropy_bound",
    "plot_expected_scores",
    "plot_extra_bits",
    "plot_focal_loss",
    "plot_information_by_distance",
    "plot_kl_asymmetry",
    "plot_kl_terms",
    "plot_log_bound",
    "plot_log_loss",
    "plot_mode_fits",
    "plot_morse_vs_surprisal",
    "plot_naive_vs_stable",
    "plot_normal_kl",
    "plot_order_bounds",
    "plot_order_curves",
    "plot_pixel_information",
    "plot_regression_lines",
    "plot_reliability_diagram",
    "plot_running_entropy",
    "plot_smoothing_cost",
    "plot_smoothing_floor",
    "plot_surprisal",
    "plot_text_surprisal",
    "plot_training_curve",
]
