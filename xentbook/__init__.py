"""xentbook: the companion package of an executable book on cross-entropy.

Everything public is available flat, as ``import xentbook as xb``. The truth always
comes first, as in H(p, q), and results are in nats unless ``base`` says otherwise.
Plotting lives in :mod:`xentbook.plotting`, which alone imports matplotlib.
"""

from .information import cross_entropy, entropy, kl_divergence, normalize, surprisal

__version__ = "0.1.0"

__all__ = [
    "cross_entropy",
    "entropy",
    "kl_divergence",
    "normalize",
    "surprisal",
]
