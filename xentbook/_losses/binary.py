"""Binary cross-entropy, from probabilities or from logits, and the focal loss.

Each is elementwise: every element is its own two-outcome problem, so the terms are
computed tile by tile on the engine's threads and summed in tile order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .. import _reduction
from .. import _rows as rows
from .. import _validation as v
from .._elementwise import neg_p_log_q, sigmoid, times

if TYPE_CHECKING:  # numpy.typing costs import time and is only needed by type checkers
    import numpy.typing as npt

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "sigmoid_focal_loss",
]


def binary_cross_entropy(
    y: npt.ArrayLike,
    y_hat: npt.ArrayLike,
    *,
    weight: npt.ArrayLike | None = None,
    reduction: str = "mean",
):
    """Binary cross-entropy between target probabilities ``y`` and predictions ``y_hat``.

    PyTorch's ``torch.nn.functional.binary_cross_entropy(y_hat, y, ...)``,
    except that nothing is clamped (see Notes).

    Parameters
    ----------
    y : array_like
        Target probabilities of the positive class, in [0, 1]; soft labels allowed.
    y_hat : array_like
        Predicted probabilities of the positive class, in [0, 1], same shape as ``y``.
    weight : array_like, optional
        Rescaling weight per element, broadcast to the shape of ``y``.
    reduction : {'mean', 'sum', 'none'}, optional
        Default 'mean' (over all elements, whatever the weights).

    Returns
    -------
    ndarray or float
        The loss in nats, elementwise for ``'none'``, otherwise a scalar.

    See Also
    --------
    binary_cross_entropy_with_logits : the same loss from logits, more accurate.
    cross_entropy : the general H(p, q).

    Notes
    -----
    .. math::

        L = -y \\log \\hat y - (1 - y) \\log(1 - \\hat y), \\qquad
        -y \\log \\hat y = \\begin{cases}
            0 & y = 0, \\\\
            +\\infty & y > 0,\\ \\hat y = 0, \\\\
            -y \\log \\hat y & \\text{otherwise,}
        \\end{cases}

    and likewise for the second term; :math:`\\log(1 - \\hat y)` is computed as
    ``log1p(-y_hat)``. A certain but wrong prediction (``y = 1``, ``y_hat = 0``)
    costs ``inf`` here; PyTorch clamps each log at -100 and reports 100 nats.

    Examples
    --------
    A prediction of 0.8 for an event that happens costs -log 0.8 nats:

    >>> import xentbook as xb
    >>> print(xb.binary_cross_entropy(1.0, 0.8).round(4))
    0.2231
    >>> xb.binary_cross_entropy([1.0, 0.0, 1.0], [0.8, 0.8, 0.0], reduction="none").round(4)
    array([0.2231, 1.6094,    inf])
    """
    return _binary_arguments(y, y_hat, "y_hat", weight, None, reduction).reduce(_probability_terms)


def binary_cross_entropy_with_logits(
    y: npt.ArrayLike,
    logits: npt.ArrayLike,
    *,
    weight: npt.ArrayLike | None = None,
    pos_weight: npt.ArrayLike | None = None,
    reduction: str = "mean",
):
    """Binary cross-entropy of targets ``y`` against ``sigmoid(logits)``, computed from the logits.

    Equal to ``torch.nn.functional.binary_cross_entropy_with_logits(logits, y, ...)``
    for finite logits, and accurate to a few ulp everywhere.

    Parameters
    ----------
    y, weight, reduction
        As for :func:`binary_cross_entropy`.
    logits : array_like
        Log-odds of the positive class, same shape as ``y``; ``+-inf`` allowed.
    pos_weight : array_like, optional
        Weight of the positive term, broadcast to the shape of ``y`` (one per
        class along the last axis, as in PyTorch).

    Returns
    -------
    ndarray or float
        The loss in nats, as for :func:`binary_cross_entropy`.

    See Also
    --------
    binary_cross_entropy_with_logits_grad, binary_cross_entropy, softmax_cross_entropy

    Notes
    -----
    With :math:`\\operatorname{softplus}(z) = \\log(1 + e^z)` = ``logaddexp(0, z)``
    and :math:`\\pi` the ``pos_weight``,

    .. math::

        L = w \\Bigl(\\pi y \\operatorname{softplus}(-x)
            + (1 - y) \\operatorname{softplus}(x)\\Bigr),

    a sum of two non-negative terms, so nothing cancels. A term whose coefficient is
    0 contributes 0, so infinite logits give 0 or ``inf``, never NaN:

    .. math::

        L(y, x) = \\begin{cases}
            0 & y = 1,\\ x = +\\infty \\text{ or } y = 0,\\ x = -\\infty, \\\\
            +\\infty & 0 < y \\text{ and } x = -\\infty, \\text{ or } y < 1 \\text{ and }
                x = +\\infty.
        \\end{cases}

    Examples
    --------
    Logit 0 means 50/50: one bit, log 2 nats, whatever happens.

    >>> import xentbook as xb
    >>> print(xb.binary_cross_entropy_with_logits(1.0, 0.0).round(6))
    0.693147

    A logit of 40 for an event that happens costs e^-40 nats, which the
    probability route (sigmoid(40) rounds to 1) would report as 0:

    >>> print(xb.binary_cross_entropy_with_logits(1.0, 40.0))
    4.248354255291589e-18
    """
    args = _binary_arguments(y, logits, "logits", weight, pos_weight, reduction)
    return args.reduce(_logit_terms)


def binary_cross_entropy_with_logits_grad(
    y: npt.ArrayLike,
    logits: npt.ArrayLike,
    *,
    weight: npt.ArrayLike | None = None,
    pos_weight: npt.ArrayLike | None = None,
    reduction: str = "mean",
):
    """Gradient of :func:`binary_cross_entropy_with_logits` with respect to ``logits``.

    Parameters
    ----------
    y, logits, weight, pos_weight, reduction
        As for :func:`binary_cross_entropy_with_logits`. For ``reduction='none'``
        this is the gradient of the sum of the elementwise losses.

    Returns
    -------
    ndarray
        The gradient, with the shape and dtype of ``logits``.

    See Also
    --------
    binary_cross_entropy_with_logits

    Notes
    -----
    .. math::

        \\frac{\\partial L}{\\partial x}
            = w \\bigl((1 - y)\\, \\sigma(x) - \\pi y\\, \\sigma(-x)\\bigr),

    divided by the number of elements for ``'mean'``; ``sigmoid`` is evaluated
    without overflow, so infinite logits give finite gradients (0 or ``+-w``).
    Without ``pos_weight`` it is the familiar ``w (sigmoid(x) - y)``.

    Examples
    --------
    >>> import xentbook as xb
    >>> xb.binary_cross_entropy_with_logits_grad([1.0, 0.0], [0.0, 0.0], reduction="sum")
    array([-0.5,  0.5])
    """
    args = _binary_arguments(y, logits, "logits", weight, pos_weight, reduction)
    size = args.target.size
    scale = args.prediction.dtype.type(max(size, 1)) if args.reduction == "mean" else None

    def gradient(ya, xa, w, pw):
        grad = (1 - ya) * sigmoid(xa) - _positive_coefficient(ya, pw) * sigmoid(-xa)
        if w is not None:
            grad = grad * w
        return grad if scale is None else grad / scale

    return args.elementwise(gradient)


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
    reduction = _reduction.check_reduction(reduction)
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
    return _reduction.reduce(loss, reduction, dtype)


class _BinaryArguments(NamedTuple):
    """Validated arguments of an elementwise loss: targets, predictions, weights, reduction."""

    target: np.ndarray
    prediction: np.ndarray
    weight: np.ndarray | None
    pos_weight: np.ndarray | None
    reduction: str

    def sliced(self, index: tuple) -> tuple:
        """``(y, prediction, weight, pos_weight)`` on the tile ``index`` (None stays None)."""
        return tuple(
            None if a is None else a[index]
            for a in (self.target, self.prediction, self.weight, self.pos_weight)
        )

    def elementwise(self, terms) -> np.ndarray:
        """``terms(y, prediction, weight, pos_weight)`` over every element, tile by tile."""
        out = np.empty(self.target.shape, dtype=self.prediction.dtype)

        def on_tile(tile, _):
            return terms(*self.sliced(tile.rows))

        return rows.fill_blocks(on_tile, self.prediction, None, out)[()]

    def reduce(self, terms):
        """The reduced loss whose elementwise terms are ``terms(y, prediction, pos_weight)``.

        Every tile's weighted terms are summed in float64; the tiles' sums are
        combined in order (see :func:`xentbook._rows.sum_blocks`).
        """
        dtype = self.prediction.dtype

        def weighted(y, prediction, w, pos_weight):
            loss = terms(y, prediction, pos_weight)
            return loss if w is None else times(w, loss)

        if self.reduction == "none":
            return self.elementwise(weighted)
        partials = rows.sum_blocks(
            lambda tile, _: weighted(*self.sliced(tile.rows)), self.prediction, None
        )
        return _reduction.reduce(partials, self.reduction, dtype, self.target.size)


def _binary_arguments(y, prediction, name, weight, pos_weight, reduction) -> _BinaryArguments:
    """The one argument pipeline of the binary losses; ``name`` says what ``prediction`` is.

    Predicted probabilities (``name='y_hat'``) must lie in [0, 1]; logits may be any
    number but NaN.
    """
    dtype = v.common_float_dtype(y, prediction)
    ya = v.as_probabilities(y, "y", dtype)
    check = v.as_probabilities if name == "y_hat" else v.as_float_array
    xa = check(prediction, name, dtype)
    v.check_same_shape(ya, xa, ("y", name))
    reduction = _reduction.check_reduction(reduction)
    # Broadcast views, so that every block of y picks its own weights.
    w, pw = (
        None if w is None else np.broadcast_to(w, ya.shape)
        for w in (
            v.check_elementwise_weight(weight, "weight", ya.shape, dtype),
            v.check_elementwise_weight(pos_weight, "pos_weight", ya.shape, dtype),
        )
    )
    return _BinaryArguments(ya, xa, w, pw, reduction)


def _probability_terms(y, y_hat, _):
    # log(1 - y_hat) as log1p(-y_hat), which keeps small y_hat accurate.
    with np.errstate(divide="ignore"):
        return neg_p_log_q(y, y_hat) + times(1 - y, -np.log1p(-y_hat))


def _logit_terms(y, logits, pos_weight):
    pos = _positive_coefficient(y, pos_weight)
    return times(pos, np.logaddexp(0, -logits)) + times(1 - y, np.logaddexp(0, logits))


def _positive_coefficient(y, pos_weight):
    """The coefficient of the positive class's term: ``y``, scaled by ``pos_weight`` if given."""
    return y if pos_weight is None else y * pos_weight
