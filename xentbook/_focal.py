"""The focal loss of Lin et al. (2017): binary cross-entropy that discounts easy examples."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import _validation as v
from . import binary_cross_entropy_with_logits, sigmoid

__all__ = ["sigmoid_focal_loss"]


def sigmoid_focal_loss(
    target: npt.ArrayLike,
    logits: npt.ArrayLike,
    *,
    gamma: float = 2.0,
    alpha: float = 0.25,
    reduction: str = "mean",
):
    """Sigmoid focal loss: binary cross-entropy scaled down where the model is already right.

    The same values as ``torchvision.ops.sigmoid_focal_loss(logits, target, alpha,
    gamma, reduction)``, with the truth first.

    Parameters
    ----------
    target : array_like
        Target probability of the positive class for each logit, in [0, 1]
        (usually 0 or 1); the shape of ``logits``.
    logits : array_like
        Log-odds of the positive class, one per element (each an independent
        binary problem, as in a multi-label head).
    gamma : float, optional
        Focusing parameter :math:`\\gamma \\ge 0`. Default 2. ``gamma=0`` gives
        back (alpha-weighted) binary cross-entropy.
    alpha : float, optional
        Weight of the positive class in [0, 1], the negatives getting
        ``1 - alpha``; -1 turns the weighting off. Default 0.25.
    reduction : {'mean', 'sum', 'none'}, optional
        Mean over all elements (default), their sum, or the elementwise losses.

    Returns
    -------
    ndarray or float
        The loss in nats: elementwise for ``'none'``, otherwise a scalar. float32
        logits and targets stay float32.

    See Also
    --------
    binary_cross_entropy_with_logits : the loss the focal loss rescales.

    Notes
    -----
    With :math:`p = \\sigma(x)` and :math:`y` the target,

    .. math::

        1 - p_t = y (1 - p) + (1 - y) p, \\qquad
        \\mathrm{FL}(y, x) = \\alpha_t \\, (1 - p_t)^{\\gamma} \\,
            \\mathrm{BCE}(y, x),

    where :math:`\\alpha_t = \\alpha y + (1 - \\alpha)(1 - y)` (or 1 when
    ``alpha=-1``) and :math:`\\mathrm{BCE}(y, x)` is
    :func:`binary_cross_entropy_with_logits` elementwise, computed from the logit.
    :math:`1 - p_t` is the probability the model gives to the wrong answer: near 0
    for an easy example, whose loss is scaled down by :math:`(1 - p_t)^{\\gamma}`,
    near 1 for a hard one, whose loss is nearly kept. :math:`1 - p` is computed as
    :math:`\\sigma(-x)`, so large logits lose no accuracy. With :math:`\\gamma = 0`
    the factor is 1 (``0 ** 0`` is 1), and with ``alpha=-1`` as well the loss is
    exactly binary cross-entropy. An infinite logit on the right side gives 0,
    on the wrong side ``inf``.

    Examples
    --------
    An easy positive (logit 3, p = 0.95) and a hard one (logit -1, p = 0.27):
    with gamma = 2 the easy one keeps only 0.2 % of its cross-entropy, the hard
    one 53 %.

    >>> import xentbook as xb
    >>> ce = xb.binary_cross_entropy_with_logits([1.0, 1.0], [3.0, -1.0], reduction="none")
    >>> fl = xb.sigmoid_focal_loss([1.0, 1.0], [3.0, -1.0], alpha=-1, reduction="none")
    >>> print((fl / ce).round(4))
    [0.0023 0.5344]

    gamma = 0 without weighting is binary cross-entropy:

    >>> fl = xb.sigmoid_focal_loss([1.0, 0.0], [3.0, -1.0], gamma=0, alpha=-1)
    >>> bool(fl == xb.binary_cross_entropy_with_logits([1.0, 0.0], [3.0, -1.0]))
    True
    """
    gamma = v.check_real(gamma, "gamma", low=0.0)
    alpha = v.check_real(alpha, "alpha")
    if alpha != -1 and not 0 <= alpha <= 1:
        raise ValueError(
            f"`alpha` must be in [0, 1] (the weight of the positive class), or -1 for no "
            f"weighting; got {alpha!r}."
        )
    reduction = v.check_reduction(reduction)
    dtype = v.common_float_dtype(target, logits)
    y = v.as_probabilities(target, "target", dtype)
    x = v.as_float_array(logits, "logits", dtype)
    v.check_same_shape(y, x, ("target", "logits"))
    ce = binary_cross_entropy_with_logits(y, x, reduction="none")
    p, one_minus_p = sigmoid(x), sigmoid(-x)
    wrong = y * one_minus_p + (1 - y) * p
    loss = ce * wrong ** dtype.type(gamma)
    if alpha != -1:
        loss = (dtype.type(alpha) * y + dtype.type(1 - alpha) * (1 - y)) * loss
    loss = np.asarray(loss, dtype=dtype)
    if reduction == "none":
        return loss[()]
    total = loss.sum(dtype=np.float64)
    return dtype.type(total / loss.size if reduction == "mean" else total)
