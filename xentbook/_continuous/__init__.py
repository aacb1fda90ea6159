"""Continuous variables: densities, and the line with Gaussian noise.

* :mod:`.densities`: the Gaussian negative log-likelihood, the KL divergence between
  normals, and differential entropy, exact and estimated from samples;
* :mod:`.regression`: the line with Gaussian noise fitted by maximum likelihood, with
  one noise level per group.
"""

from .densities import differential_entropy_histogram, gaussian_nll, kl_normal, normal_entropy
from .regression import GaussianRegression, fit_gaussian_regression

__all__ = [
    "GaussianRegression",
    "differential_entropy_histogram",
    "fit_gaussian_regression",
    "gaussian_nll",
    "kl_normal",
    "normal_entropy",
]
