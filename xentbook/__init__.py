"""xentbook: the companion package of an executable book on cross-entropy.

Everything public is available flat, as ``import xentbook as xb``. The truth always
comes first, as in H(p, q), and results are in nats unless ``base`` says otherwise.
Plotting lives in :mod:`xentbook.plotting`, which alone imports matplotlib.
"""

import importlib

from ._elementwise import sigmoid, smooth_labels
from ._information import cross_entropy, entropy, kl_divergence, normalize, surprisal
from ._losses.binary import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    sigmoid_focal_loss,
)
from ._losses.categorical import (
    nll_loss,
    one_hot,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)
from ._mutual import conditional_entropy, joint_counts, joint_entropy, mutual_information
from ._softmax import log_softmax, logsumexp, softmax
from ._threads import get_num_threads, num_threads

__version__ = "0.1.0"

# Coding, data, models and the self-checks load on first use, so that
# `import xentbook` costs little more than `import numpy`.
_LAZY = {
    "check": None,
    "PrefixCode": "_coding",
    "arithmetic_decode": "_coding",
    "arithmetic_encode": "_coding",
    "huffman_code": "_coding",
    "shannon_code": "_coding",
    "shannon_code_lengths": "_coding",
    "ContextModel": "_coding",
    "TextScore": "_coding",
    "adaptive_score": "_coding",
    "compress": "_coding",
    "decompress": "_coding",
    "LanguageCost": "data",
    "LinearModel": "data",
    "canterbury": "data",
    "digits": "data",
    "Penguins": "data",
    "penguins": "data",
    "language_table": "data",
    "letter_frequencies": "data",
    "letter_sample": "data",
    "morse_code": "data",
    "morse_duration": "data",
    "multiclass_data": "data",
    "two_class_data": "data",
    "two_class_truth": "data",
    "xz_sizes": "data",
    "ReliabilityCurve": "_losses.scoring",
    "brier_score": "_losses.scoring",
    "expected_calibration_error": "_losses.scoring",
    "fit_temperature": "_losses.scoring",
    "reliability_curve": "_losses.scoring",
    "LinearFit": "_models",
    "fit_logistic_regression": "_models",
    "fit_softmax_regression": "_models",
    "GaussianRegression": "_continuous",
    "differential_entropy_histogram": "_continuous",
    "fit_gaussian_regression": "_continuous",
    "gaussian_nll": "_continuous",
    "kl_normal": "_continuous",
    "normal_entropy": "_continuous",
}

__all__ = [
    "ContextModel",
    "GaussianRegression",
    "LanguageCost",
    "LinearFit",
    "LinearModel",
    "Penguins",
    "PrefixCode",
    "ReliabilityCurve",
    "TextScore",
    "adaptive_score",
    "arithmetic_decode",
    "arithmetic_encode",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "brier_score",
    "canterbury",
    "check",
    "compress",
    "conditional_entropy",
    "cross_entropy",
    "decompress",
    "differential_entropy_histogram",
    "digits",
    "entropy",
    "expected_calibration_error",
    "fit_gaussian_regression",
    "fit_logistic_regression",
    "fit_softmax_regression",
    "fit_temperature",
    "gaussian_nll",
    "get_num_threads",
    "huffman_code",
    "joint_counts",
    "joint_entropy",
    "kl_divergence",
    "kl_normal",
    "language_table",
    "letter_frequencies",
    "letter_sample",
    "log_softmax",
    "logsumexp",
    "morse_code",
    "morse_duration",
    "multiclass_data",
    "mutual_information",
    "nll_loss",
    "normal_entropy",
    "normalize",
    "num_threads",
    "one_hot",
    "penguins",
    "reliability_curve",
    "shannon_code",
    "shannon_code_lengths",
    "sigmoid",
    "sigmoid_focal_loss",
    "smooth_labels",
    "softmax",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "surprisal",
    "two_class_data",
    "two_class_truth",
    "xz_sizes",
]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'xentbook' has no attribute {name!r}")
    module = importlib.import_module(f".{_LAZY[name] or name}", __name__)
    value = module if _LAZY[name] is None else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
