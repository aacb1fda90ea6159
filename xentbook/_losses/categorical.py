"""The classifier's log loss: softmax cross-entropy, its gradient, NLL and one-hot targets.

:func:`softmax_cross_entropy`, :func:`softmax_cross_entropy_grad` and :func:`nll_loss`
give the values of ``torch.nn.functional.cross_entropy`` and ``nll_loss`` (see the
package docstring for the three deliberate differences). Tiny losses keep their
relative accuracy: the loss of a confident, correct prediction is computed as
``log1p`` of the small tail of the softmax, never as a difference of two nearly
equal numbers. What is computed per block of rows lives in :mod:`.targets`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import _reduction
from .. import _rows as rows
from .. import _validation as v
from .._elementwise import times
from . import targets

if TYPE_CHECKING:  # numpy.typing costs import time and is only needed by type checkers
    import numpy.typing as npt

__all__ = [
    "nll_loss",
    "one_hot",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
]


def softmax_cross_entropy(
    target: npt.ArrayLike,
    logits: npt.ArrayLike,
    *,
    axis: int = -1,
    weight: npt.ArrayLike | None = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
):
    """Cross-entropy between targets and the softmax of ``logits``: the classifier's log loss.

    Equal to ``torch.nn.functional.cross_entropy(logits, target, ...)`` once the
    class axis is moved to dimension 1, for every combination of options.

    Parameters
    ----------
    target : array_like
        Either integer class indices, with the shape of ``logits`` without the
        class axis (a scalar for 1-D ``logits``); or floating class probabilities
        with the shape of ``logits``, each summing to 1 along ``axis``.
    logits : array_like
        Unnormalised log-probabilities; ``-inf`` and ``+inf`` are allowed.
    axis : int, optional
        The class axis of ``logits``. Default -1 (PyTorch uses 1).
    weight : array_like, optional
        One rescaling weight per class.
    ignore_index : int, optional
        Index targets equal to this contribute nothing, not even to the mean's
        denominator. Default -100. Unused for probability targets.
    label_smoothing : float, optional
        In [0, 1]: mix the target with the uniform distribution, ``eps``.
    reduction : {'mean', 'sum', 'none'}, optional
        How to combine the per-example losses. Default 'mean'.

    Returns
    -------
    ndarray or float
        The loss in nats: per example for ``reduction='none'`` (shape of ``target``
        for index targets, of ``logits`` without ``axis`` for probabilities),
        otherwise a scalar. float32 logits give float32.

    See Also
    --------
    softmax_cross_entropy_grad : its gradient with respect to ``logits``.
    nll_loss : the same loss from log-probabilities.
    cross_entropy : H(p, q) for two probability vectors.

    Notes
    -----
    With :math:`\\ell_c = -\\log \\sigma(x)_c`, :math:`K` classes, weights
    :math:`w` (all 1 by default) and :math:`\\varepsilon` the label smoothing,
    an index target :math:`t` costs

    .. math::

        L = (1 - \\varepsilon)\\, w_t \\ell_t
            + \\frac{\\varepsilon}{K} \\sum_c w_c \\ell_c,

    and 0 where :math:`t` is ``ignore_index``; ``'mean'`` divides the sum by
    :math:`\\sum w_t` over the targets that are not ignored (NaN when there are
    none). A probability target :math:`p` costs
    :math:`L = \\sum_c w_c p'_c \\ell_c` with
    :math:`p' = (1 - \\varepsilon) p + \\varepsilon / K`, and ``'mean'`` divides by
    the number of examples, not by the weights (as PyTorch does). Each term
    :math:`a \\ell_c`, whose coefficient :math:`a` collects weight, target
    probability and smoothing, follows

    .. math::

        a \\ell_c = \\begin{cases}
            0 & a = 0 \\text{ (even where } \\sigma(x)_c = 0), \\\\
            +\\infty & a > 0,\\ \\sigma(x)_c = 0, \\\\
            a \\ell_c & \\text{otherwise,}
        \\end{cases}

    where PyTorch gives NaN for the first case; infinite logits follow the
    conventions of :func:`xentbook.softmax` (PyTorch: NaN).

    The loss of a target class is :math:`(m - x_t) + \\operatorname{log1p}(s)`, with
    :math:`m` the row maximum and :math:`s` the sum of :math:`e^{x_j - m}` over all
    but one maximal entry: two non-negative terms, so nothing cancels. Losses of
    confident, correct predictions, down to 1e-300, keep all but a few ulp, where
    the textbook ``logsumexp(x) - x[t]``, PyTorch and ``scipy.special.log_softmax``
    round them to 0. Rows are processed in cache-sized blocks: no array of the
    size of ``logits`` is ever allocated.

    Examples
    --------
    Three classes, the model puts 0.7 on the correct one: the loss is -log 0.7.

    >>> import numpy as np
    >>> import xentbook as xb
    >>> logits = np.log([[0.2, 0.7, 0.1]])
    >>> print(xb.softmax_cross_entropy([1], logits).round(4))
    0.3567

    A one-hot probability target is the same thing; label smoothing adds a cost
    for every class the model nearly rules out.

    >>> print(xb.softmax_cross_entropy([[0.0, 1.0, 0.0]], logits).round(4))
    0.3567
    >>> print(xb.softmax_cross_entropy([1], logits, label_smoothing=0.1).round(4))
    0.4633

    A confident, correct prediction keeps its tiny loss instead of rounding to 0:

    >>> print(xb.softmax_cross_entropy([0], [[0.0, -50.0]]))
    1.9287498479639178e-22
    """
    reduction = _reduction.check_reduction(reduction)
    kind = targets.target_kind(target, logits, axis, weight, ignore_index, label_smoothing)
    return kind.losses(reduction)


def softmax_cross_entropy_grad(
    target: npt.ArrayLike,
    logits: npt.ArrayLike,
    *,
    axis: int = -1,
    weight: npt.ArrayLike | None = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
):
    """Gradient of :func:`softmax_cross_entropy` with respect to ``logits``.

    Equal to what ``torch.autograd`` gives for ``torch.nn.functional.cross_entropy``
    with the same options.

    Parameters
    ----------
    target, logits, axis, weight, ignore_index, label_smoothing, reduction
        As for :func:`softmax_cross_entropy`.

    Returns
    -------
    ndarray
        The gradient, with the shape and dtype of ``logits``, in nats per unit logit.
        For ``reduction='none'`` it is the gradient of the *sum* of the per-example
        losses (an upstream gradient of ones), so each example's slice is the
        gradient of its own loss.

    See Also
    --------
    softmax_cross_entropy, softmax

    Notes
    -----
    For an index target :math:`t` and :math:`\\sigma = \\operatorname{softmax}(x)`,

    .. math::

        \\frac{\\partial L}{\\partial x_c}
            = (1 - \\varepsilon)\\, w_t (\\sigma_c - [c = t])
            + \\frac{\\varepsilon}{K} \\Bigl(\\sigma_c \\sum_k w_k - w_c\\Bigr),

    divided by :math:`\\sum w_t` for ``'mean'``; for a probability target
    :math:`q = w p'`, :math:`\\partial L / \\partial x_c = \\sigma_c \\sum_k q_k - q_c`,
    divided by the number of examples for ``'mean'``. Ignored examples get 0:

    .. math::

        \\frac{\\partial L}{\\partial x} = \\begin{cases}
            0 & t = \\texttt{ignore\\_index}, \\\\
            0 & \\text{'mean' and every target ignored (as PyTorch)}, \\\\
            \\text{NaN} & \\text{'mean' and } \\textstyle\\sum w_t = 0
                \\text{ over counted targets}, \\\\
            \\text{the formula} & \\text{otherwise.}
        \\end{cases}

    At the maximal class :math:`\\sigma_a - 1` is computed as :math:`-s / (1 + s)`,
    so the gradient of a confident, correct prediction is as accurate as its loss.
    Infinite logits use the :func:`xentbook.softmax` conventions (PyTorch: NaN).

    Examples
    --------
    The gradient of the summed loss is softmax minus one-hot:

    >>> import numpy as np
    >>> import xentbook as xb
    >>> logits = np.log([[0.2, 0.7, 0.1]])
    >>> xb.softmax_cross_entropy_grad([1], logits, reduction="sum").round(4)
    array([[ 0.2, -0.3,  0.1]])
    """
    reduction = _reduction.check_reduction(reduction)
    kind = targets.target_kind(target, logits, axis, weight, ignore_index, label_smoothing)
    return kind.gradient(reduction)


def nll_loss(
    target: npt.ArrayLike,
    log_probs: npt.ArrayLike,
    *,
    axis: int = -1,
    weight: npt.ArrayLike | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
):
    """Negative log-likelihood of class indices under given log-probabilities.

    Equal to ``torch.nn.functional.nll_loss(log_probs, target, ...)`` once the
    class axis is moved to dimension 1.

    Parameters
    ----------
    target : array_like of int
        Class indices, with the shape of ``log_probs`` without the class axis.
    log_probs : array_like
        Log-probabilities (at most 0), for instance from :func:`xentbook.log_softmax`.
    axis : int, optional
        The class axis of ``log_probs``. Default -1.
    weight : array_like, optional
        One rescaling weight per class.
    ignore_index : int, optional
        Targets equal to this contribute nothing. Default -100.
    reduction : {'mean', 'sum', 'none'}, optional
        Default 'mean': the weighted sum divided by the summed weights of the
        targets that are not ignored.

    Returns
    -------
    ndarray or float
        The loss in nats, per example for ``'none'``, otherwise a scalar.

    See Also
    --------
    softmax_cross_entropy, log_softmax

    Notes
    -----
    .. math::

        L_n = \\begin{cases}
            0 & t_n = \\texttt{ignore\\_index} \\text{ or } w_{t_n} = 0, \\\\
            -w_{t_n} \\log q_{n, t_n} & \\text{otherwise,}
        \\end{cases}
        \\qquad
        L_{\\text{mean}} = \\frac{\\sum_n L_n}{\\sum_{n \\text{ counted}} w_{t_n}}.

    The mean is NaN when no target counts. Log-probabilities above 0 are refused
    (they usually mean logits were passed: use :func:`softmax_cross_entropy`).

    Examples
    --------
    >>> import numpy as np
    >>> import xentbook as xb
    >>> log_q = np.log([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]])
    >>> xb.nll_loss([1, 0], log_q, reduction="none").round(4)
    array([0.3567, 0.6931])
    >>> print(xb.nll_loss([1, -100], log_q).round(4))
    0.3567
    """
    lp = v.to_float_array(log_probs, "log_probs")
    ax = v.check_axis(axis, lp.ndim)
    num_classes = v.check_num_classes(lp, ax, "log_probs")
    if lp.size:
        # The one pass over every entry, on threads; a NaN anywhere makes the top NaN.
        top = np.max(rows.map_blocks(lambda tile, _: lp[tile.rows].max(initial=-np.inf), lp, None))
        if np.isnan(top):
            v.raise_nan(lp, "log_probs")
        if top > 0:
            raise ValueError(
                f"`log_probs` must hold log-probabilities, at most 0 (found {float(top):.6g}); "
                "for logits use xentbook.softmax_cross_entropy or xentbook.log_softmax."
            )
    reduction = _reduction.check_reduction(reduction)
    w = v.check_weight(weight, num_classes, lp.dtype)
    ignore_index = v.check_integer(ignore_index, "ignore_index")
    v.check_index_target_shape(target, lp.shape, ax)
    indices = v.check_class_indices(target, num_classes, ignore_index)
    t = targets.index_targets(indices, ignore_index, w, lp.dtype)
    picked = np.squeeze(np.take_along_axis(lp, np.expand_dims(t.index, ax), axis=ax), ax)
    loss = times(t.weight, -picked)
    return _reduction.reduce(loss, reduction, lp.dtype, t.weight.sum(dtype=np.float64))


def one_hot(indices: npt.ArrayLike, num_classes: int):
    """One-hot encoding of class indices as probability vectors.

    Parameters
    ----------
    indices : array_like of int
        Class indices, each in ``[0, num_classes)``.
    num_classes : int
        The number of classes, at least 1.

    Returns
    -------
    ndarray of float64
        Shape ``indices.shape + (num_classes,)``: 1 at each index, 0 elsewhere,
        a probability distribution along the last axis.

    See Also
    --------
    softmax_cross_entropy

    Notes
    -----
    .. math::

        \\operatorname{onehot}(t)_c = \\begin{cases}
            1 & c = t, \\\\
            0 & c \\ne t.
        \\end{cases}

    The cross-entropy of a one-hot target is the log loss of its class, so
    ``softmax_cross_entropy(one_hot(t, C), x)`` equals ``softmax_cross_entropy(t, x)``.

    Examples
    --------
    >>> import xentbook as xb
    >>> xb.one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    num_classes = v.check_integer(num_classes, "num_classes", minimum=1)
    t = v.check_class_indices(indices, num_classes, name="indices")
    out = np.zeros((*t.shape, num_classes))
    np.put_along_axis(out, t[..., None], 1.0, axis=-1)
    return out
