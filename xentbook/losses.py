"""Classification losses with PyTorch semantics and full floating-point accuracy.

:func:`softmax_cross_entropy`, :func:`nll_loss`, :func:`binary_cross_entropy` and
:func:`binary_cross_entropy_with_logits` give the values of the PyTorch functions
of the same role (``torch.nn.functional.cross_entropy`` and friends) for every
option, with three deliberate differences, each documented where it applies:

* the class axis is ``axis`` (last by default) rather than dimension 1;
* a term whose weight is exactly 0 contributes 0, even when its log-probability is
  ``-inf`` (PyTorch gives NaN for 0 times infinity), and infinite logits follow the
  conventions of :func:`xentbook.softmax` instead of giving NaN;
* nothing is clamped: a certain prediction that is wrong costs ``inf`` nats, where
  PyTorch's ``binary_cross_entropy`` clamps each log at -100.

Tiny losses keep their relative accuracy: the loss of a confident, correct
prediction is computed as ``log1p`` of the small tail of the softmax, never as a
difference of two nearly equal numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import _validation as v
from .softmax import _blocks, _kept_shape, _pick, _place, _row_stats, _scratch, _softmax_block

if TYPE_CHECKING:  # numpy.typing costs import time and is only needed by type checkers
    import numpy.typing as npt

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
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

    Notes
    -----
    With :math:`\\ell_c = -\\log \\sigma(x)_c`, :math:`C` classes, weights
    :math:`w` (all 1 by default) and :math:`\\varepsilon` the label smoothing,
    an index target :math:`t` costs

    .. math::

        L = (1 - \\varepsilon)\\, w_t \\ell_t
            + \\frac{\\varepsilon}{C} \\sum_c w_c \\ell_c,

    and 0 where :math:`t` is ``ignore_index``; ``'mean'`` divides the sum by
    :math:`\\sum w_t` over the targets that are not ignored (NaN when there are
    none). A probability target :math:`p` costs
    :math:`L = \\sum_c w_c p'_c \\ell_c` with
    :math:`p' = (1 - \\varepsilon) p + \\varepsilon / C`, and ``'mean'`` divides by
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

    See Also
    --------
    softmax_cross_entropy_grad : its gradient with respect to ``logits``.
    nll_loss : the same loss from log-probabilities.
    cross_entropy : H(p, q) for two probability vectors.

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
    prob = _Problem.build(target, logits, axis, weight, ignore_index, label_smoothing, reduction)
    return prob.reduce(prob.losses())


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
        As for :func:`softmax_cross_entropy`. For ``reduction='none'`` the gradient
        is that of the *sum* of the per-example losses (an upstream gradient of
        ones), so each example's slice is the gradient of its own loss.

    Returns
    -------
    ndarray
        The gradient, with the shape and dtype of ``logits``, in nats per unit logit.

    Notes
    -----
    For an index target :math:`t` and :math:`\\sigma = \\operatorname{softmax}(x)`,

    .. math::

        \\frac{\\partial L}{\\partial x_c}
            = (1 - \\varepsilon)\\, w_t (\\sigma_c - [c = t])
            + \\frac{\\varepsilon}{C} \\Bigl(\\sigma_c \\sum_k w_k - w_c\\Bigr),

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

    See Also
    --------
    softmax_cross_entropy, softmax

    Examples
    --------
    The gradient of the summed loss is softmax minus one-hot:

    >>> import numpy as np
    >>> import xentbook as xb
    >>> logits = np.log([[0.2, 0.7, 0.1]])
    >>> xb.softmax_cross_entropy_grad([1], logits, reduction="sum").round(4)
    array([[ 0.2, -0.3,  0.1]])
    """
    prob = _Problem.build(target, logits, axis, weight, ignore_index, label_smoothing, reduction)
    grad = np.empty(prob.x.shape, dtype=prob.dtype)
    scale = prob.grad_scale()
    for idx in _blocks(prob.x.shape, prob.ax):
        grad[idx] = prob.block_grad(idx, scale)
    return grad


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

    See Also
    --------
    softmax_cross_entropy, log_softmax

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
    num_classes = _num_classes(lp, ax, "log_probs")
    if lp.size:
        top = lp.max()
        if np.isnan(top):
            v.raise_nan(lp, "log_probs")
        if top > 0:
            raise ValueError(
                f"`log_probs` must hold log-probabilities, at most 0 (found {float(top):.6g}); "
                "for logits use xentbook.softmax_cross_entropy or xentbook.log_softmax."
            )
    reduction = v.check_reduction(reduction)
    w = v.check_weight(weight, num_classes, lp.dtype)
    t, _, wt = _index_target(target, lp, ax, num_classes, ignore_index, w)
    picked = np.take_along_axis(lp, np.expand_dims(t, ax), axis=ax)
    rows = _times(wt, -np.squeeze(picked, ax))
    return _reduce(rows, reduction, wt.sum(dtype=np.float64), lp.dtype)


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

    See Also
    --------
    binary_cross_entropy_with_logits : the same loss from logits, more accurate.
    cross_entropy : the general H(p, q).

    Examples
    --------
    A prediction of 0.8 for an event that happens costs -log 0.8 nats:

    >>> import xentbook as xb
    >>> print(xb.binary_cross_entropy(1.0, 0.8).round(4))
    0.2231
    >>> xb.binary_cross_entropy([1.0, 0.0, 1.0], [0.8, 0.8, 0.0], reduction="none").round(4)
    array([0.2231, 1.6094,    inf])
    """
    dtype = _common_dtype(y, y_hat)
    ya = v.as_probabilities(y, "y", dtype)
    pa = v.as_probabilities(y_hat, "y_hat", dtype)
    v.check_same_shape(ya, pa, ("y", "y_hat"))
    reduction = v.check_reduction(reduction)
    w = _elementwise_weight(weight, "weight", ya.shape, dtype)
    with np.errstate(divide="ignore"):
        loss = _times(ya, -np.log(pa)) + _times(1 - ya, -np.log1p(-pa))
    if w is not None:
        loss = _times(w, loss)
    return _reduce(loss, reduction, loss.size, dtype)


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
    y : array_like
        Target probabilities of the positive class, in [0, 1]; soft labels allowed.
    logits : array_like
        Log-odds of the positive class, same shape as ``y``; ``+-inf`` allowed.
    weight : array_like, optional
        Rescaling weight per element, broadcast to the shape of ``y``.
    pos_weight : array_like, optional
        Weight of the positive term, broadcast to the shape of ``y`` (one per
        class along the last axis, as in PyTorch).
    reduction : {'mean', 'sum', 'none'}, optional
        Default 'mean' (over all elements, whatever the weights).

    Returns
    -------
    ndarray or float
        The loss in nats, elementwise for ``'none'``, otherwise a scalar.

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

    See Also
    --------
    binary_cross_entropy_with_logits_grad, binary_cross_entropy, softmax_cross_entropy

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
    ya, xa, w, pw, reduction = _binary_logits_args(y, logits, weight, pos_weight, reduction)
    pos = ya if pw is None else ya * pw
    loss = _times(pos, np.logaddexp(0, -xa)) + _times(1 - ya, np.logaddexp(0, xa))
    if w is not None:
        loss = _times(w, loss)
    return _reduce(loss, reduction, loss.size, xa.dtype)


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

    Notes
    -----
    .. math::

        \\frac{\\partial L}{\\partial x}
            = w \\bigl((1 - y)\\, \\sigma(x) - \\pi y\\, \\sigma(-x)\\bigr),

    divided by the number of elements for ``'mean'``; ``sigmoid`` is evaluated
    without overflow, so infinite logits give finite gradients (0 or ``+-w``).
    Without ``pos_weight`` it is the familiar ``w (sigmoid(x) - y)``.

    See Also
    --------
    binary_cross_entropy_with_logits

    Examples
    --------
    >>> import xentbook as xb
    >>> xb.binary_cross_entropy_with_logits_grad([1.0, 0.0], [0.0, 0.0], reduction="sum")
    array([-0.5,  0.5])
    """
    ya, xa, w, pw, reduction = _binary_logits_args(y, logits, weight, pos_weight, reduction)
    z = np.exp(-np.abs(xa))
    big = 1 / (1 + z)
    small = z / (1 + z)
    sig = np.where(xa >= 0, big, small)
    sig_neg = np.where(xa >= 0, small, big)
    pos = ya if pw is None else ya * pw
    grad = (1 - ya) * sig - pos * sig_neg
    if w is not None:
        grad = grad * w
    if reduction == "mean":
        grad = grad / xa.dtype.type(max(grad.size, 1))
    return np.asarray(grad, dtype=xa.dtype)


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

    Notes
    -----
    .. math::

        \\operatorname{onehot}(t)_c = \\begin{cases}
            1 & c = t, \\\\
            0 & c \\ne t.
        \\end{cases}

    The cross-entropy of a one-hot target is the log loss of its class, so
    ``softmax_cross_entropy(one_hot(t, C), x)`` equals ``softmax_cross_entropy(t, x)``.

    See Also
    --------
    softmax_cross_entropy

    Examples
    --------
    >>> import xentbook as xb
    >>> xb.one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    num_classes = v.check_integer(num_classes, "num_classes", minimum=1)
    t = np.asarray(indices)
    if not np.issubdtype(t.dtype, np.integer):
        raise ValueError(f"`indices` must hold integer class indices; got dtype {t.dtype}.")
    bad = (t < 0) | (t >= num_classes)
    if bad.any():
        where = v._first_index(bad)
        raise ValueError(
            f"`indices` holds {t[where]} at index {where}, outside [0, {num_classes}); "
            "class indices count from 0."
        )
    out = np.zeros((*t.shape, num_classes))
    np.put_along_axis(out, t[..., None].astype(np.intp), 1.0, axis=-1)
    return out


@dataclass
class _Problem:
    """Validated arguments of softmax_cross_entropy, and its per-block kernels."""

    x: np.ndarray  # logits
    ax: int
    num_classes: int
    dtype: np.dtype
    reduction: str
    eps: float  # label smoothing
    w: np.ndarray | None  # class weights, shaped to broadcast along ax
    t: np.ndarray | None  # index targets (ignored -> 0), with a length-1 class axis
    counted: np.ndarray | None  # index targets that are not ignored, likewise
    wt: np.ndarray | None  # weight of each index target (ignored -> 0), likewise
    p: np.ndarray | None  # probability targets

    @classmethod
    def build(cls, target, logits, axis, weight, ignore_index, label_smoothing, reduction):
        tgt = np.asarray(target)
        lg = np.asarray(logits)
        index = np.issubdtype(tgt.dtype, np.integer)
        # Index targets say nothing about the dtype; probability targets do.
        dtype = _common_dtype(lg) if index else _common_dtype(tgt, lg)
        x = v.to_float_array(lg, "logits", dtype)
        ax = v.check_axis(axis, x.ndim)
        num_classes = _num_classes(x, ax, "logits")
        reduction = v.check_reduction(reduction)
        eps = v.check_label_smoothing(label_smoothing)
        w = v.check_weight(weight, num_classes, dtype)
        t = counted = wt = p = None
        if index:
            t, counted, wt = (
                np.expand_dims(a, ax)
                for a in _index_target(tgt, x, ax, num_classes, ignore_index, w)
            )
        else:
            v.check_same_shape(tgt, x, ("target", "logits"))
            p = v.check_distribution(tgt, "target", axis, dtype)
        if w is not None:
            w = w.reshape([num_classes if j == ax else 1 for j in range(x.ndim)])
        return cls(x, ax, num_classes, dtype, reduction, eps, w, t, counted, wt, p)

    def losses(self):
        """Per-example losses (shape of ``x`` without the class axis), before reduction.

        The loop over blocks only stores raw per-row terms; weights, ignored
        targets and smoothing are applied once to the whole row arrays afterwards.
        """
        ax, eps = self.ax, self.eps
        kept = _kept_shape(self.x.shape, ax)
        nll = np.empty(kept, dtype=self.dtype)
        uniform = np.empty(kept, dtype=self.dtype) if eps > 0 and self.p is None else None
        scratch = _scratch(self.x, ax)
        for idx in _blocks(self.x.shape, ax):
            self._block_loss(idx, scratch, nll, uniform)
        if self.p is not None:
            return np.squeeze(nll, ax)
        loss = _times((1 - eps) * self.wt, nll)
        if uniform is not None:
            loss += np.where(self.counted, eps / self.num_classes * uniform, 0)
        return np.squeeze(loss, ax)

    def _block_loss(self, idx, scratch, nll, uniform):
        """Fill ``nll[idx]`` (and ``uniform[idx]``) for the block ``x[idx]``.

        Index targets: ``nll`` gets -log sigma_t and ``uniform`` the weighted sum of
        -log sigma_c over all classes. Probability targets: ``nll`` gets the loss.
        """
        ax = self.ax
        spread = uniform is not None or self.p is not None
        _, m, s, d, _ = _row_stats(self.x, idx, ax, "logits", spread, scratch)
        tail = np.log1p(s)
        if self.p is not None:
            nll[idx] = self._weighted(self._smoothed(idx), tail - d).sum(axis=ax, keepdims=True)
            return
        # (m - x_t) + log1p(s): two non-negative terms, no cancellation.
        xt = _pick(self.x[idx], self.t[idx], ax)
        if np.isfinite(m).all():
            nll[idx] = (m - xt) + tail
        else:
            with np.errstate(invalid="ignore"):
                nll[idx] = np.where(xt == m, 0, m - xt) + tail
        if uniform is not None:
            uniform[idx] = self._weighted(1, tail - d).sum(axis=ax, keepdims=True)

    def block_grad(self, idx, scale):
        """Gradient for the block ``x[idx]``; ``scale`` is the reduction's factor."""
        ax, eps, c = self.ax, self.eps, self.num_classes
        sm, a, s = _softmax_block(self.x, idx, ax, "logits")
        # sigma_a - 1 at the argmax a, without the cancellation of 1 / (1 + s) - 1.
        top_minus_one = -s / (1 + s)
        if self.p is not None:
            q = self._smoothed(idx)
            if self.w is not None:
                q = q * self.w
            rest = q.copy()
            _place(rest, a, 0, ax)
            q_rest = rest.sum(axis=ax, keepdims=True)
            q_sum = q_rest + _pick(q, a, ax)
            grad = sm * q_sum - q
            _place(grad, a, q_rest + q_sum * top_minus_one, ax)
            return grad * scale
        t = self.t[idx]
        hard = (1 - eps) * self.wt[idx]
        w = 1 if self.w is None else self.w
        w_sum = c if self.w is None else self.w.sum()
        w_t = 1 if self.w is None else np.take(self.w, t)
        p_t = _pick(sm, t, ax)
        p_t_minus_one = np.where(t == a, top_minus_one, p_t - 1)
        grad = sm * (hard + eps / c * w_sum)
        if eps > 0:
            grad -= eps / c * w
        g_t = hard * p_t_minus_one + eps / c * (w_sum * p_t - w_t)
        _place(grad, t, g_t, ax)
        return grad * np.where(self.counted[idx], scale, 0)

    def _smoothed(self, idx):
        """The probability target of the block, mixed with the uniform distribution."""
        p = self.p[idx]
        if self.eps == 0:
            return p
        return p * (1 - self.eps) + self.eps / self.num_classes

    def _weighted(self, coefficients, losses):
        """``coefficients * w * losses``, where a zero coefficient gives 0 even for inf."""
        if self.w is not None:
            coefficients = coefficients * self.w
        return _times(coefficients, losses)

    def denominator(self):
        """What 'mean' divides by: summed target weights, or the number of examples."""
        if self.p is None:
            return self.wt.sum(dtype=np.float64)
        return self.x.size // self.num_classes

    def reduce(self, rows):
        return _reduce(rows, self.reduction, self.denominator(), self.dtype)

    def grad_scale(self):
        """The factor every counted example's gradient is multiplied by."""
        if self.reduction != "mean":
            return 1
        denom = self.denominator()
        if denom != 0:
            return 1 / denom
        # Nothing to average. Like PyTorch: 0 when every target is ignored (or there
        # are none), NaN when counted targets all have weight 0.
        return np.nan if self.p is None and self.counted.any() else 0


def _num_classes(x: np.ndarray, ax: int, name: str) -> int:
    """The length of the class axis, which must be at least 1."""
    if x.shape[ax] == 0:
        raise ValueError(
            f"`{name}` has no classes along axis {ax} (shape {x.shape}); "
            "a classifier needs at least one class."
        )
    return x.shape[ax]


def _index_target(target, x, ax, num_classes, ignore_index, w):
    """Validated class indices: (indices with ignored -> 0, counted mask, target weights)."""
    ignore_index = v.check_integer(ignore_index, "ignore_index")
    tgt = np.asarray(target)
    expected = x.shape[:ax] + x.shape[ax + 1 :]
    if tgt.shape != expected:
        raise ValueError(
            f"`target` with shape {tgt.shape} does not fit logits of shape {x.shape}: "
            f"class indices need the logits' shape without the class axis {ax}, {expected}. "
            "(Integer targets are class indices; pass floats for class probabilities.)"
        )
    t = v.check_class_indices(tgt, num_classes, ignore_index)
    counted = t != ignore_index
    safe = np.where(counted, t, 0)
    wt = np.ones(t.shape, dtype=x.dtype) if w is None else w[safe]
    return safe, counted, np.where(counted, wt, 0).astype(x.dtype, copy=False)


def _times(coefficient, value):
    """``coefficient * value``, but exactly 0 where the coefficient is 0 (even for inf)."""
    with np.errstate(invalid="ignore"):
        return np.where(coefficient == 0, 0, coefficient * value)


def _reduce(rows, reduction: str, denominator, dtype: np.dtype):
    """Apply the reduction; sums run in float64 and the result has ``dtype``."""
    if reduction == "none":
        return np.asarray(rows, dtype=dtype)[()]
    total = np.sum(rows, dtype=np.float64)
    if reduction == "mean":
        # Nothing to average over (no examples, all ignored, zero weights): NaN, as PyTorch.
        total = total / denominator if denominator != 0 else np.nan
    return dtype.type(total)


def _common_dtype(*arrays) -> np.dtype:
    """float32 when every floating input is float32 (or narrower), else float64."""
    floats = [a for a in map(np.asarray, arrays) if np.issubdtype(a.dtype, np.floating)]
    return v.float_dtype(*floats)


def _elementwise_weight(weight, name: str, shape: tuple, dtype: np.dtype):
    """A finite weight array that broadcasts to ``shape`` (the shape of ``y``), or None."""
    if weight is None:
        return None
    w = v.check_broadcasts_to(v.as_float_array(weight, name, dtype), shape, name, "y")
    if not np.isfinite(w).all():
        raise ValueError(f"`{name}` must be finite.")
    return w


def _binary_logits_args(y, logits, weight, pos_weight, reduction):
    """Validated arguments of the binary cross-entropy from logits."""
    dtype = _common_dtype(y, logits)
    ya = v.as_probabilities(y, "y", dtype)
    xa = v.as_float_array(logits, "logits", dtype)
    v.check_same_shape(ya, xa, ("y", "logits"))
    w = _elementwise_weight(weight, "weight", ya.shape, dtype)
    pw = _elementwise_weight(pos_weight, "pos_weight", ya.shape, dtype)
    return ya, xa, w, pw, v.check_reduction(reduction)
