"""Gaussian likelihoods, the KL divergence between normals, and differential entropy.

Each is a density-model counterpart of a discrete measure elsewhere in the package:
the Gaussian negative log-likelihood is the cross-entropy of a Gaussian model,
``kl_normal`` the KL divergence between two Gaussians, and ``normal_entropy`` and
``differential_entropy_histogram`` the differential entropy, exact and estimated.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from .. import _validation as v
from .._docstrings import fill_docs
from .._reduction import check_reduction, reduce
from ._checks import HALF_LOG_2PI, finite, first_index, positive

__all__ = [
    "differential_entropy_histogram",
    "gaussian_nll",
    "kl_normal",
    "normal_entropy",
]

# 1/k! for k = 19 down to 2: the Taylor series of expm1(x) - x, which for |x| <= 1 is
# within half an ulp of its sum after these terms (the next, x**20/20!, is below 2**-61).
_EXPM1_MINUS_X = tuple(1 / math.factorial(k) for k in range(19, 1, -1))


def _broadcast(arrays: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    try:
        return np.broadcast_arrays(*arrays.values())
    except ValueError:
        shapes = ", ".join(f"`{name}` {a.shape}" for name, a in arrays.items())
        raise ValueError(
            f"The shapes {shapes} do not broadcast together; they need equal sizes "
            "(or 1) in each trailing dimension."
        ) from None


def _check_base(base) -> float:
    """The natural log of ``base``, the divisor that turns nats into its unit."""
    base = v.check_base(base)
    return 1.0 if base is None else math.log(base)


def _variance_like_input(var: np.ndarray, shape: tuple) -> np.ndarray:
    """``var`` shaped as ``torch.nn.functional.gaussian_nll_loss`` accepts it for ``shape``."""
    if var.ndim == 0 or var.shape == shape:
        return var
    if var.shape == shape[:-1]:
        return var[..., None]  # one variance per row of the last axis
    mismatched = [size for size, want in zip(var.shape, shape, strict=False) if size != want]
    if var.ndim == len(shape) and sum(mismatched) == 1:
        return var  # a single axis of length 1 where `input` is longer
    raise ValueError(
        f"`var` with shape {var.shape} does not fit `input` with shape {shape}: give one "
        f"variance per element {shape}, the shape without its last axis {shape[:-1]}, the "
        "same shape with one axis of length 1, or a single number."
    )


def gaussian_nll(
    input: npt.ArrayLike,
    target: npt.ArrayLike,
    var: npt.ArrayLike,
    *,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
):
    """Negative log-likelihood of targets under Gaussians: the cross-entropy of a Gaussian model.

    The same values as ``torch.nn.functional.gaussian_nll_loss(input, target, var, full,
    eps, reduction)``, the prediction first as in PyTorch; ``eps=0`` turns off PyTorch's
    silent clamp of small variances and gives the exact likelihood.

    Parameters
    ----------
    input : array_like
        The predicted means :math:`\\mu`.
    target : array_like
        The observed values :math:`y`; broadcast against ``input``.
    var : array_like or float
        The predicted variances :math:`\\sigma^2`, at least 0 (positive when ``eps=0``).
        Shaped as PyTorch accepts it: the shape of ``input`` (one variance per
        prediction, heteroscedastic), that shape without its last axis or with one axis
        of length 1 (shared along that axis), or a single number (homoscedastic).
    full : bool, optional
        Add the constant :math:`\\tfrac12 \\log 2\\pi` to every element, which makes
        the loss the full negative log density. Default False, as in PyTorch.
    eps : float, optional
        Variances below ``eps`` are raised to ``eps`` before use, as PyTorch does
        (default 1e-6). ``eps=0`` uses every variance as given: the exact likelihood,
        which then needs every variance positive.
    reduction : {'mean', 'sum', 'none'}, optional
        Mean over all elements (default), their sum, or the elementwise losses. The mean
        of no elements is NaN and their sum 0, as in PyTorch.

    Returns
    -------
    ndarray or float
        The loss in nats, per element for ``'none'`` (the broadcast shape of ``input``,
        ``target`` and ``var``), otherwise a scalar. float32 inputs stay float32.

    See Also
    --------
    kl_normal : the KL divergence between two Gaussians.
    fit_gaussian_regression : the straight line and variances that minimise this loss.
    cross_entropy : the discrete counterpart.

    Notes
    -----
    With :math:`v = \\max(\\sigma^2, \\epsilon)`, each element is

    .. math::

        \\ell(\\mu, y, \\sigma^2) = \\frac12 \\Bigl(\\log v + \\frac{(y - \\mu)^2}{v}\\Bigr)
            \\;\\bigl[\\, + \\tfrac12 \\log 2\\pi \\text{ when } ``full``\\bigr],

    which with ``full=True`` and ``eps=0`` is :math:`-\\log \\mathcal N(y; \\mu,
    \\sigma^2)`, the surprisal of :math:`y` under the model's density. Its mean over
    data drawn from a distribution :math:`p` estimates the cross-entropy
    :math:`-\\mathbb E_p \\log q` of the Gaussian model :math:`q`, in nats per
    observation. For a fixed :math:`\\sigma^2` it is :math:`(y - \\mu)^2 / 2\\sigma^2`
    plus a constant: mean squared error, rescaled.

    The clamp. PyTorch replaces every variance below :math:`\\epsilon` by
    :math:`\\epsilon`, without a warning, so a model whose variance really is smaller
    (a mass in kilograms known to a tenth of a gram has :math:`\\sigma^2 \\approx 10^{-8}`) gets
    a wrong loss and no gradient for its variance. The default keeps PyTorch's
    behaviour; ``eps=0`` gives the exact value. A variance of 0 with ``eps=0`` is an
    error: the density is infinite at the mean and 0 elsewhere. Negative variances
    are always an error, as in PyTorch.

    Inputs, targets and variances must be finite; a NaN or an infinity is a
    ``ValueError`` naming the argument.

    Examples
    --------
    A prediction 1 away from the target with variance 1 costs half a nat, plus
    :math:`\\tfrac12 \\log 2\\pi` for the full density:

    >>> import xentbook as xb
    >>> print(xb.gaussian_nll([0.0], [1.0], 1.0), xb.gaussian_nll([0.0], [1.0], 1.0, full=True))
    0.5 1.4189385332046727

    With a fixed variance, the loss is half the mean squared error plus a constant:

    >>> import numpy as np
    >>> mu, y = np.array([1.0, 2.0, 4.0]), np.array([1.5, 1.0, 4.0])
    >>> print(xb.gaussian_nll(mu, y, 1.0), np.mean((y - mu) ** 2) / 2)
    0.20833333333333334 0.20833333333333334

    A variance below ``eps`` is raised to it, as PyTorch does; ``eps=0`` is exact:

    >>> clamped = xb.gaussian_nll([0.0], [0.0], 1e-8)
    >>> exact = xb.gaussian_nll([0.0], [0.0], 1e-8, eps=0)
    >>> print(round(clamped, 4), round(exact, 4))
    -6.9078 -9.2103
    """
    full = v.check_flag(full, "full")
    eps = v.check_real(eps, "eps", low=0.0)
    if not math.isfinite(eps):
        raise ValueError(f"`eps` must be finite, a small variance such as 1e-6; got {eps!r}.")
    reduction = check_reduction(reduction)
    dtype = v.common_float_dtype(input, target, var)
    mu = finite(input, "input", dtype, "a predicted mean must be a number.")
    y = finite(target, "target", dtype, "an observation must be a number.")
    v.broadcast_pair(mu, y, ("input", "target"))
    variance = v.to_float_array(var, "var", dtype)
    if variance.size and not (variance >= 0).all():  # NaN fails this too
        where = first_index(~(variance >= 0))
        raise ValueError(
            f"`var` must hold variances of at least 0 (found {variance[where]} at index "
            f"{where}); pass the square of a standard deviation."
        )
    if eps > 0:
        variance = np.maximum(variance, dtype.type(eps))  # PyTorch's clamp, in the input dtype
    elif variance.size and not (variance > 0).all():
        where = first_index(variance == 0)
        raise ValueError(
            f"`var` is 0 at index {where}, and with eps=0 the likelihood of a variance of 0 "
            "is not defined; pass a positive variance, or eps > 0 to clamp it."
        )
    variance = _variance_like_input(
        finite(variance, "var", dtype, "a variance must be a number."), mu.shape
    )
    mu, y, variance = _broadcast({"input": mu, "target": y, "var": variance})
    with np.errstate(over="ignore"):  # a squared error too large for a float is infinite
        loss = 0.5 * (np.log(variance) + (y - mu) ** 2 / variance)
    if full:
        loss = loss + HALF_LOG_2PI
    return reduce(loss, reduction, dtype)


def _expm1_minus_x(x: np.ndarray) -> np.ndarray:
    """:math:`e^x - 1 - x` to a few ulp: a Taylor series where the difference cancels."""
    small = np.abs(x) <= 1
    xs = np.where(small, x, 0.0)
    series = np.zeros_like(xs)
    for c in _EXPM1_MINUS_X:
        series = series * xs + c
    with np.errstate(over="ignore"):  # a ratio of standard deviations beyond 1e154
        direct = np.expm1(x) - x
    return np.where(small, series * xs * xs, direct)


def _width_term(sp: np.ndarray, sq: np.ndarray) -> np.ndarray:
    """:math:`r^2 - 1 - 2 \\ln r` for :math:`r = \\sigma_p / \\sigma_q`, to a few ulp."""
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        r = sp / sq
        near = (r >= 0.5) & (r <= 2)
        # sp - sq is exact for r in [1/2, 2] (Sterbenz), and log1p keeps t = ln r exact.
        t = np.log1p(np.where(near, (sp - sq) / sq, 0.0))
        close = _expm1_minus_x(2 * t)
        # Elsewhere the three terms do not cancel much; r itself is rounded only once.
        normal = (r >= np.finfo(np.float64).tiny) & (r <= 1e154)
        rn = np.where(normal, r, 1.0)
        far = rn * rn - 1 - 2 * np.log(rn)
        # Ratios beyond the float range: from the logs (e^2t overflows to inf).
        apart = 2 * (np.log(sp) - np.log(sq))
        extreme = np.expm1(apart) - apart
    return np.where(near, close, np.where(normal, far, extreme))


def kl_normal(
    mu_p: npt.ArrayLike,
    sigma_p: npt.ArrayLike,
    mu_q: npt.ArrayLike,
    sigma_q: npt.ArrayLike,
    *,
    base: float | None = None,
):
    """KL divergence between two normal distributions, elementwise, exact near equality.

    Parameters
    ----------
    mu_p, sigma_p : array_like
        Mean and standard deviation (positive) of the true distribution P.
    mu_q, sigma_q : array_like
        Mean and standard deviation (positive) of the model Q. All four broadcast together.
    %(base)s

    Returns
    -------
    ndarray or float
        :math:`\\mathrm{KL}(P \\,\\|\\, Q)` in nats (or the unit of ``base``), in the
        broadcast shape; a float for scalar inputs. float32 inputs stay float32.

    See Also
    --------
    kl_divergence : the discrete KL divergence.
    normal_entropy : the differential entropy of one normal distribution.

    Notes
    -----
    With :math:`r = \\sigma_p / \\sigma_q` and :math:`d = (\\mu_p - \\mu_q) / \\sigma_q`,

    .. math::

        \\mathrm{KL}\\bigl(\\mathcal N(\\mu_p, \\sigma_p^2) \\,\\|\\,
            \\mathcal N(\\mu_q, \\sigma_q^2)\\bigr)
        = \\tfrac12 \\bigl[r^2 - 1 - 2\\ln r + d^2\\bigr]
        = \\tfrac12 \\bigl[(e^{2t} - 1 - 2t) + d^2\\bigr], \\quad t = \\ln r .

    Both terms are at least 0, so the only cancellation is inside :math:`e^{2t} - 1 - 2t`,
    which for :math:`r` near 1 is :math:`2t^2 + \\dots` while each of its parts is of the
    order of :math:`t`. The naive formula (and PyTorch's, which forms :math:`r^2` and
    :math:`\\ln r^2`) therefore loses every digit as :math:`r \\to 1`. Here :math:`t` is
    computed as :math:`\\operatorname{log1p}((\\sigma_p - \\sigma_q)/\\sigma_q)`, whose
    argument is exact for :math:`r \\in [\\tfrac12, 2]`, and :math:`e^{2t} - 1 - 2t` by its
    Taylor series for :math:`|2t| \\le 1` and as ``expm1(2t) - 2t`` beyond; for
    :math:`r` outside :math:`[\\tfrac12, 2]` the terms do not cancel and
    :math:`r^2 - 1 - 2\\ln r` is used as it stands. The result keeps its relative accuracy
    (a few ulp) for every pair, equal ones included (0 exactly).

    The divergence does not change when both distributions are expressed in another
    unit (:math:`r` and :math:`d` are ratios), and it is not symmetric:
    :math:`\\mathrm{KL}(P \\,\\|\\, Q)` charges for the mass P puts where Q is thin.
    Means must be finite and standard deviations finite and positive; anything else is
    a ``ValueError`` naming the argument.

    Examples
    --------
    Two unit-variance normals a distance 1 apart are half a nat apart in both
    directions; widths make the divergence asymmetric:

    >>> import xentbook as xb
    >>> print(xb.kl_normal(0.0, 1.0, 1.0, 1.0))
    0.5
    >>> narrow_to_wide = xb.kl_normal(0.0, 1.0, 0.0, 2.0)
    >>> wide_to_narrow = xb.kl_normal(0.0, 2.0, 0.0, 1.0)
    >>> print(round(narrow_to_wide, 6), round(wide_to_narrow, 6))
    0.318147 0.806853

    Nearly equal widths, :math:`\\sigma_p = 1 + \\delta`: the divergence is
    :math:`\\delta^2 - \\delta^3/3 + \\dots`, kept to full precision even for
    :math:`\\delta = 2^{-50}`, where the naive formula is wrong by several per cent:

    >>> delta = 2.0**-50
    >>> print(round(xb.kl_normal(0.0, 1 + delta, 0.0, 1.0) / delta**2, 12))
    1.0
    """
    log_base = _check_base(base)
    dtype = v.common_float_dtype(mu_p, sigma_p, mu_q, sigma_q)
    arrays = {
        "mu_p": finite(mu_p, "mu_p", dtype, "a mean must be a number."),
        "sigma_p": positive(sigma_p, "sigma_p", dtype),
        "mu_q": finite(mu_q, "mu_q", dtype, "a mean must be a number."),
        "sigma_q": positive(sigma_q, "sigma_q", dtype),
    }
    mp, sp, mq, sq = _broadcast(arrays)
    with np.errstate(over="ignore"):  # means far apart in units of sigma_q: infinite
        d2 = ((mp - mq) / sq) ** 2
    kl = 0.5 * (_width_term(sp, sq) + d2)
    return (kl / log_base).astype(dtype)[()]


def normal_entropy(sigma: npt.ArrayLike, *, base: float | None = None):
    """Differential entropy of a normal distribution with standard deviation ``sigma``.

    Parameters
    ----------
    sigma : array_like
        Standard deviations, finite and positive, in the unit of the variable.
    %(base)s

    Returns
    -------
    ndarray or float
        :math:`h = \\tfrac12 \\log(2\\pi e \\sigma^2)` in nats (or the unit of ``base``),
        elementwise; a float for a scalar. float32 stays float32.

    See Also
    --------
    differential_entropy_histogram : the differential entropy estimated from samples.
    entropy : the entropy of a discrete distribution.

    Notes
    -----
    .. math::

        h(X) = -\\int p(x) \\log p(x)\\, dx = \\tfrac12 \\log (2 \\pi e \\sigma^2)
             = \\tfrac12 (1 + \\log 2\\pi) + \\log \\sigma .

    Among all densities with variance :math:`\\sigma^2` the normal one has the largest
    differential entropy. Unlike a discrete entropy it depends on the unit of the
    variable (measured in units :math:`c` times larger, :math:`\\sigma` and so
    :math:`h` drop by :math:`\\log c`) and it is negative when
    :math:`\\sigma < 1 / \\sqrt{2\\pi e} \\approx 0.242`. Quantised into bins of width
    :math:`\\Delta \\ll \\sigma`, the variable has an entropy of about
    :math:`h - \\log \\Delta`.

    Examples
    --------
    A standard normal has 1.419 nats, 2.047 bits; in a unit 1000 times larger
    (grams to kilograms) the entropy drops by :math:`\\log_2 1000 \\approx 9.97` bits:

    >>> import xentbook as xb
    >>> print(round(xb.normal_entropy(1.0), 4), round(xb.normal_entropy(1.0, base=2), 4))
    1.4189 2.0471
    >>> print(round(xb.normal_entropy(1.0, base=2) - xb.normal_entropy(1e-3, base=2), 4))
    9.9658

    Narrow densities have negative differential entropy:

    >>> print(xb.normal_entropy([0.1, 0.2, 0.3]).round(4))
    [-0.8836 -0.1905  0.215 ]
    """
    log_base = _check_base(base)
    dtype = v.common_float_dtype(sigma)
    s = positive(sigma, "sigma", dtype)
    h = 0.5 * (1 + math.log(2 * math.pi)) + np.log(s)
    return (h / log_base).astype(dtype)[()]


def differential_entropy_histogram(
    samples: npt.ArrayLike,
    bin_width: float,
    *,
    origin: float = 0.0,
    base: float | None = None,
) -> float:
    """Histogram estimate of the differential entropy of a continuous variable from samples.

    Parameters
    ----------
    samples : array_like
        One or more observations of the variable (any shape; all are used), finite.
    bin_width : float
        The width :math:`\\Delta` of the bins, positive, in the unit of the samples.
    origin : float, optional
        Where the bins start: their edges are ``origin + k * bin_width`` for every
        integer ``k``. Default 0.
    %(base)s

    Returns
    -------
    float
        The estimate :math:`\\hat h` in nats (or the unit of ``base``), for the unit of
        the samples.

    See Also
    --------
    normal_entropy : the exact value for a normal distribution.
    entropy : the entropy of the bins.

    Notes
    -----
    With :math:`n_k` of the :math:`n` samples in bin :math:`k`, the histogram density
    is :math:`n_k / (n \\Delta)` on that bin, and the estimate is its entropy,

    .. math::

        \\hat h = -\\sum_k \\frac{n_k}{n} \\log \\frac{n_k}{n \\Delta}
                = H\\Bigl(\\frac{n_1}{n}, \\frac{n_2}{n}, \\dots\\Bigr) + \\log \\Delta,

    the entropy of the bins plus :math:`\\log \\Delta`. Empty bins contribute nothing.
    The estimate is biased downward when bins hold few samples each (with every
    sample alone in its bin it is :math:`\\log(n\\Delta)`, whatever the density) and
    when bins are wide compared with the detail of the density. Values recorded to a
    resolution coarser than :math:`\\Delta` (masses rounded to 25 g, with
    :math:`\\Delta = 1` g) make it fall by about :math:`\\log` of the ratio: the
    recorded values are not a density at that scale.

    Examples
    --------
    A million draws of a standard normal, in bins of 0.05: within a few thousandths
    of :math:`\\tfrac12 \\log_2(2\\pi e) = 2.047` bits.

    >>> import numpy as np
    >>> import xentbook as xb
    >>> x = np.random.default_rng(0).normal(size=1_000_000)
    >>> print(round(xb.differential_entropy_histogram(x, 0.05, base=2), 3))
    2.047

    The same draws in millimetres instead of metres: :math:`\\log_2 1000` bits more.

    >>> extra = xb.differential_entropy_histogram(1000 * x, 50.0, base=2) - 2.047
    >>> print(round(extra, 2), round(np.log2(1000), 2))
    9.97 9.97
    """
    log_base = _check_base(base)
    width = v.check_real(bin_width, "bin_width")
    if not (width > 0 and math.isfinite(width)):
        raise ValueError(f"`bin_width` must be positive and finite; got {bin_width!r}.")
    start = v.check_real(origin, "origin")
    if not math.isfinite(start):
        raise ValueError(f"`origin` must be finite; got {origin!r}.")
    x = finite(samples, "samples", None, "an observation must be a number.").ravel()
    if x.size == 0:
        raise ValueError("`samples` is empty; the entropy of no observations is not defined.")
    bins = np.floor((x - start) / width)
    counts = np.unique(bins, return_counts=True)[1]
    p = counts / x.size
    h = math.fsum(-p * np.log(p)) + math.log(width)
    return h / log_base


fill_docs(globals())
