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

Dtypes: the result is float32 when every floating input (logits, probability
targets, weights) is float32 or float16, and float64 otherwise; integer class
indices do not count, in any integer width.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from . import _rows as rows
from . import _validation as v
from ._docstrings import fill_docs
from ._elementwise import neg_p_log_q, sigmoid, smooth

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
    %(softmax_cross_entropy_args)s

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
    reduction = v.check_reduction(reduction)
    kind = _target_kind(target, logits, axis, weight, ignore_index, label_smoothing)
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
    %(softmax_cross_entropy_args)s

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

    Examples
    --------
    The gradient of the summed loss is softmax minus one-hot:

    >>> import numpy as np
    >>> import xentbook as xb
    >>> logits = np.log([[0.2, 0.7, 0.1]])
    >>> xb.softmax_cross_entropy_grad([1], logits, reduction="sum").round(4)
    array([[ 0.2, -0.3,  0.1]])
    """
    reduction = v.check_reduction(reduction)
    kind = _target_kind(target, logits, axis, weight, ignore_index, label_smoothing)
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
        top = np.max(
            rows.run_elementwise(lambda i: lp[i].max(initial=-np.inf), lp.shape, lp.itemsize)
        )
        if np.isnan(top):
            v.raise_nan(lp, "log_probs")
        if top > 0:
            raise ValueError(
                f"`log_probs` must hold log-probabilities, at most 0 (found {float(top):.6g}); "
                "for logits use xentbook.softmax_cross_entropy or xentbook.log_softmax."
            )
    reduction = v.check_reduction(reduction)
    w = v.check_weight(weight, num_classes, lp.dtype)
    ignore_index = v.check_integer(ignore_index, "ignore_index")
    v.check_index_target_shape(target, lp.shape, ax)
    indices = v.check_class_indices(target, num_classes, ignore_index)
    t = _index_targets(indices, ignore_index, w, lp.dtype)
    picked = np.squeeze(np.take_along_axis(lp, np.expand_dims(t.index, ax), axis=ax), ax)
    return _weighted_reduce(-picked, t.weight, reduction, t.weight.sum(dtype=np.float64), lp.dtype)


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


class _Logits(NamedTuple):
    """Validated logits of softmax_cross_entropy, with the options every target kind uses."""

    values: np.ndarray
    axis: int
    num_classes: int
    class_weight: np.ndarray | None  # one weight per class, shaped to broadcast along axis
    label_smoothing: float

    @classmethod
    def build(cls, logits, axis, dtype, weight, label_smoothing):
        x = v.to_float_array(logits, "logits", dtype)
        ax = v.check_axis(axis, x.ndim)
        num_classes = v.check_num_classes(x, ax, "logits")
        smoothing = v.check_label_smoothing(label_smoothing)
        w = v.check_weight(weight, num_classes, dtype)
        if w is not None:
            w = w.reshape([num_classes if j == ax else 1 for j in range(x.ndim)])
        return cls(x, ax, num_classes, w, smoothing)

    def weight(self, index: tuple):
        """The class weights of the chunk ``index`` (None when every class weighs 1)."""
        if self.class_weight is None:
            return None
        ax = self.axis
        return self.class_weight[
            tuple(index[ax] if j == ax else slice(None) for j in range(ax + 1))
        ]


class _Targets(NamedTuple):
    """Class-index targets ready to use: ignored entries point at class 0 and weigh 0."""

    index: np.ndarray
    counted: np.ndarray  # targets that are not ignore_index
    weight: np.ndarray  # the class weight of each target, 0 where ignored


def _index_targets(indices, ignore_index: int, class_weight, dtype) -> _Targets:
    counted = indices != ignore_index
    index = np.where(counted, indices, 0)
    weight = np.ones(index.shape, dtype=dtype) if class_weight is None else class_weight[index]
    return _Targets(index, counted, np.where(counted, weight, 0).astype(dtype, copy=False))


class _BlockLosses(NamedTuple):
    """A block's per-example losses and its share of the mean's denominator."""

    losses: np.ndarray
    weight: float


class _Target:
    """What the two target kinds share: the reduction of per-example losses and its gradient."""

    logits: _Logits

    def losses(self, reduction: str):
        """The reduced loss, summed block by block (per-block partials combined in order)."""
        lg = self.logits
        dtype = lg.values.dtype
        shape, ax = lg.values.shape, lg.axis
        scratch = lambda: rows.scratch(lg.values, self.keeps_shift())  # noqa: E731
        if reduction == "none":
            out = np.empty(rows.kept_shape(shape, ax), dtype=dtype)

            def write(block, buffer):
                out[block.rows] = self.block_losses(block, buffer).losses

            rows.run(write, shape, ax, scratch, dtype.itemsize)
            return np.squeeze(out, ax)[()]

        def partial_sums(block, buffer):
            partial = self.block_losses(block, buffer)
            return partial.losses.sum(dtype=np.float64), partial.weight

        partials = rows.run(partial_sums, shape, ax, scratch, dtype.itemsize)
        totals = np.array([total for total, _ in partials])
        return _reduce(totals, reduction, math.fsum(weight for _, weight in partials), dtype)

    def gradient(self, reduction: str) -> np.ndarray:
        lg = self.logits
        grad = np.empty(lg.values.shape, dtype=lg.values.dtype)
        scale = self.grad_scale(reduction)
        rows.run(
            lambda block, buffer: self.block_gradient(block, buffer, scale, grad),
            lg.values.shape,
            lg.axis,
            lambda: rows.scratch(lg.values),
            lg.values.itemsize,
        )
        return grad

    def grad_scale(self, reduction: str):
        """The factor every counted example's gradient is multiplied by."""
        if reduction != "mean":
            return 1
        denominator = self.denominator()
        if denominator != 0:
            return 1 / denominator
        # Nothing to average. Like PyTorch: 0 when every target is ignored (or there
        # are none), NaN when counted targets all have weight 0.
        return np.nan if self.counts_any() else 0

    def weighted_sum(self, coefficients, losses, index):
        """Row sums of ``coefficients * w * losses`` on the chunk ``index`` (0 where the
        coefficient is 0); ``losses`` is overwritten."""
        w = self.logits.weight(index)
        if w is not None:
            coefficients = coefficients * w
        with np.errstate(invalid="ignore"):
            np.multiply(coefficients, losses, out=losses)
        np.copyto(losses, 0, where=np.equal(coefficients, 0))
        return losses.sum(axis=self.logits.axis, keepdims=True)


@dataclass(frozen=True)
class _ClassIndices(_Target):
    """Targets given as one class index per example (or ``ignore_index``)."""

    logits: _Logits
    indices: np.ndarray  # with a length-1 class axis; ignored entries keep ignore_index
    ignore_index: int
    plain: bool  # no class weights and no ignored target: every example weighs 1

    @classmethod
    def build(cls, logits: _Logits, target: np.ndarray, ignore_index):
        ignore_index = v.check_integer(ignore_index, "ignore_index")
        v.check_index_target_shape(target, logits.values.shape, logits.axis)
        t = v.check_class_indices(target, logits.num_classes, ignore_index)
        plain = logits.class_weight is None and not (t == ignore_index).any()
        return cls(logits, np.expand_dims(t, logits.axis), ignore_index, bool(plain))

    def targets(self, block: rows.Block) -> _Targets:
        """The targets of ``block``; for plain targets every weight is a 0-d 1."""
        lg = self.logits
        indices = self.indices[block.rows]
        if self.plain:
            return _Targets(indices, np.True_, np.ones((), dtype=lg.values.dtype))
        flat_weight = None if lg.class_weight is None else lg.class_weight.reshape(-1)
        return _index_targets(indices, self.ignore_index, flat_weight, lg.values.dtype)

    def denominator(self) -> float:
        """What 'mean' divides by: the summed weights of the counted targets (as the
        blocks of :meth:`block_losses` count them)."""
        lg = self.logits
        if self.plain:
            return self.indices.size
        return math.fsum(
            self.targets(block).weight.sum(dtype=np.float64)
            for block in rows.blocks(lg.values.shape, lg.axis, lg.values.itemsize)
        )

    def counts_any(self) -> bool:
        return bool((self.indices != self.ignore_index).any())

    def keeps_shift(self) -> bool:
        """Whether the losses need the shift beside its exponentials: only to smooth."""
        return self.logits.label_smoothing > 0

    def block_losses(self, block: rows.Block, buffer) -> np.ndarray:
        """``(1 - eps) w_t (-log sigma_t) + eps / C sum_c w_c (-log sigma_c)`` per row."""
        lg = self.logits
        ax, eps, c = lg.axis, lg.label_smoothing, lg.num_classes
        t = self.targets(block)
        if eps > 0:
            stats, parts = rows.scan(lg.values, block, ax, "logits", buffer, keep_shift=True)
        else:
            stats = rows.stats(lg.values, block, ax, "logits", buffer)
        tail = np.log1p(stats.tail)
        m = stats.maximum
        # (m - x_t) + log1p(s): two non-negative terms, no cancellation. A gap beyond
        # max_float (huge logits of both signs) is inf, the correctly rounded loss.
        xt = rows.pick(lg.values[block.rows], rows.position(t.index, block.rows, ax, c), ax)
        if np.isfinite(m).all():
            with np.errstate(over="ignore"):
                nll = (m - xt) + tail
        else:
            with np.errstate(invalid="ignore", over="ignore"):
                nll = np.where(xt == m, 0, m - xt) + tail
        if not self.plain:
            loss = _times((1 - eps) * t.weight, nll)
        elif eps > 0:
            loss = nll * t.weight.dtype.type(1 - eps)
        else:
            loss = nll
        if eps > 0:
            uniform = sum(
                self.weighted_sum(1, np.subtract(tail, part.shift, out=part.shift), part.index)
                for part in parts
            )
            loss += np.where(t.counted, eps / c * uniform, 0)
        weight = loss.size if self.plain else t.weight.sum(dtype=np.float64)
        return _BlockLosses(loss, weight)

    def block_gradient(self, block: rows.Block, buffer, scale, grad: np.ndarray) -> None:
        lg = self.logits
        ax, eps, c = lg.axis, lg.label_smoothing, lg.num_classes
        t = self.targets(block)
        if eps == 0 and len(block.chunks) == 1:
            out = grad[block.rows]
            # A maximum of at least 0 keeps e^-m <= 1: no softmax entry gains bits it
            # lost to underflow in e^x.
            fast = rows.unshifted(lg.values, block, ax, out, lowest=0)
            if fast is not None:
                factor = np.where(t.counted, np.float64(scale), 0)
                return self.hard_gradient(block, t, fast, factor, out)
        stats, parts = rows.scan(lg.values, block, ax, "logits", buffer)
        # sigma_a - 1 at the argmax a, without the cancellation of 1 / (1 + s) - 1.
        top_minus_one = -stats.tail / (1 + stats.tail)
        hard = (1 - eps) * t.weight
        w = lg.class_weight
        w_sum = c if w is None else w.sum()
        w_t = 1 if w is None else np.take(w.reshape(-1), t.index)
        factor = np.where(t.counted, np.float64(scale), 0)
        for part in parts:
            sm = part.exp
            rows.place(sm, part.argmax, 1, ax)
            sm /= 1 + stats.tail
            at_t = rows.position(t.index, part.index, ax, c)
            p_t = rows.pick(sm, at_t, ax)
            p_t_minus_one = np.where(t.index == stats.argmax, top_minus_one, p_t - 1)
            g = sm * (hard + eps / c * w_sum)
            if eps > 0:
                g -= eps / c * (1 if w is None else lg.weight(part.index))
            g_t = hard * p_t_minus_one + eps / c * (w_sum * p_t - w_t)
            rows.place(g, at_t, g_t, ax)
            np.multiply(g, factor, out=grad[part.index])

    def hard_gradient(self, block, t: _Targets, fast: rows.Unshifted, factor, out) -> None:
        """``factor * w_t (softmax - one_hot(t))`` on ``block``, into ``out``, which holds
        ``fast.exp``."""
        lg = self.logits
        ax, tail = lg.axis, fast.stats.tail
        k = t.weight * factor  # per row
        k_top = k / (1 + tail)  # k times the softmax at the argmax
        np.multiply(out, (k_top * fast.scale).astype(out.dtype, copy=False), out=out)
        rows.place(out, fast.argmax, k_top, ax)
        at_t = rows.position(t.index, block.rows, ax, lg.num_classes)
        # At the argmax, sigma - 1 is -s / (1 + s): no cancellation.
        g_t = np.where(t.index == fast.stats.argmax, -k_top * tail, rows.pick(out, at_t, ax) - k)
        rows.place(out, at_t, g_t, ax)


@dataclass(frozen=True)
class _ClassProbabilities(_Target):
    """Targets given as a probability distribution over the classes for each example."""

    logits: _Logits
    probabilities: np.ndarray  # the shape of the logits

    def smoothed(self, index: tuple) -> np.ndarray:
        """The target of the chunk ``index``, mixed with the uniform distribution."""
        lg = self.logits
        return smooth(self.probabilities[index], lg.label_smoothing, lg.num_classes)

    def denominator(self) -> int:
        """What 'mean' divides by: the number of examples, whatever the weights."""
        return self.logits.values.size // self.logits.num_classes

    def counts_any(self) -> bool:
        return False

    def keeps_shift(self) -> bool:
        return True

    def block_losses(self, block: rows.Block, buffer) -> np.ndarray:
        """``sum_c w_c p'_c (-log sigma_c)`` per row."""
        ax = self.logits.axis
        stats, parts = rows.scan(self.logits.values, block, ax, "logits", buffer, keep_shift=True)
        tail = np.log1p(stats.tail)
        losses = sum(
            self.weighted_sum(
                self.smoothed(part.index), np.subtract(tail, part.shift, out=part.shift), part.index
            )
            for part in parts
        )
        return _BlockLosses(losses, losses.size)

    def coefficients(self, index: tuple) -> np.ndarray:
        """``q = w p'`` on the chunk ``index``: the weighted, smoothed target."""
        q = self.smoothed(index)
        w = self.logits.weight(index)
        return q if w is None else q * w

    def block_gradient(self, block: rows.Block, buffer, scale, grad: np.ndarray) -> None:
        lg = self.logits
        ax = lg.axis
        stats, parts = rows.scan(lg.values, block, ax, "logits", buffer)
        # The sum of q over the row, split at the argmax a as the softmax is.
        q_rest = q_top = 0
        for index in block.chunks:
            q = self.coefficients(index)
            at_top = rows.position(stats.argmax, index, ax, lg.num_classes)
            q_top = q_top + rows.pick(q, at_top, ax)
            rest = q.copy()
            rows.place(rest, at_top, 0, ax)
            q_rest = q_rest + rest.sum(axis=ax, keepdims=True)
        q_sum = q_rest + q_top
        top_minus_one = -stats.tail / (1 + stats.tail)
        for part in parts:
            sm = part.exp
            rows.place(sm, part.argmax, 1, ax)
            sm /= 1 + stats.tail
            g = sm * q_sum - self.coefficients(part.index)
            rows.place(g, part.argmax, q_rest + q_sum * top_minus_one, ax)
            np.multiply(g, scale, out=grad[part.index])


def _target_kind(target, logits, axis, weight, ignore_index, label_smoothing):
    """The target kind of softmax_cross_entropy's arguments, validated, chosen once."""
    tgt = v.as_array(target, "target")
    if np.issubdtype(tgt.dtype, np.integer):
        # Index targets say nothing about the dtype; probability targets do.
        lg = _Logits.build(logits, axis, v.common_float_dtype(logits), weight, label_smoothing)
        return _ClassIndices.build(lg, tgt, ignore_index)
    dtype = v.common_float_dtype(tgt, logits)
    lg = _Logits.build(logits, axis, dtype, weight, label_smoothing)
    v.check_same_shape(tgt, lg.values, ("target", "logits"))
    return _ClassProbabilities(lg, v.check_distribution(tgt, "target", axis, dtype))


class _BinaryArguments(NamedTuple):
    """Validated arguments of an elementwise loss: targets, predictions, weights, reduction."""

    target: np.ndarray
    prediction: np.ndarray
    weight: np.ndarray | None
    pos_weight: np.ndarray | None
    reduction: str

    def tile(self, index: tuple) -> tuple:
        """``(y, prediction, weight, pos_weight)`` on the tile ``index`` (None stays None)."""
        return tuple(
            None if a is None else a[index]
            for a in (self.target, self.prediction, self.weight, self.pos_weight)
        )

    def elementwise(self, terms) -> np.ndarray:
        """``terms(y, prediction, weight, pos_weight)`` over every element, tile by tile."""
        out = np.empty(self.target.shape, dtype=self.prediction.dtype)

        def write(index):
            out[index] = terms(*self.tile(index))

        rows.run_elementwise(write, out.shape, out.itemsize)
        return out[()]

    def reduce(self, terms):
        """The reduced loss whose elementwise terms are ``terms(y, prediction, pos_weight)``.

        Every block's weighted terms are summed in float64; the blocks' sums are
        combined in order (see :func:`xentbook._rows.run`).
        """
        dtype = self.prediction.dtype

        def weighted(y, prediction, w, pos_weight):
            loss = terms(y, prediction, pos_weight)
            return loss if w is None else _times(w, loss)

        if self.reduction == "none":
            return self.elementwise(weighted)
        partials = rows.run_elementwise(
            lambda index: np.sum(weighted(*self.tile(index)), dtype=np.float64),
            self.target.shape,
            dtype.itemsize,
        )
        return _reduce(np.array(partials), self.reduction, self.target.size, dtype)


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
    reduction = v.check_reduction(reduction)
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
        return neg_p_log_q(y, y_hat) + _times(1 - y, -np.log1p(-y_hat))


def _logit_terms(y, logits, pos_weight):
    pos = _positive_coefficient(y, pos_weight)
    return _times(pos, np.logaddexp(0, -logits)) + _times(1 - y, np.logaddexp(0, logits))


def _positive_coefficient(y, pos_weight):
    """The coefficient of the positive class's term: ``y``, scaled by ``pos_weight`` if given."""
    return y if pos_weight is None else y * pos_weight


def _times(coefficient, value):
    """``coefficient * value``, but exactly 0 where the coefficient is 0 (even for inf)."""
    with np.errstate(invalid="ignore"):
        return np.where(coefficient == 0, 0, coefficient * value)


def _weighted_reduce(loss, weight, reduction: str, denominator, dtype: np.dtype):
    """Scale the elementwise ``loss`` by ``weight`` (0 stays 0), then reduce it."""
    if weight is not None:
        loss = _times(weight, loss)
    return _reduce(loss, reduction, denominator, dtype)


def _reduce(losses, reduction: str, denominator, dtype: np.dtype):
    """Apply the reduction; sums run in float64 and the result has ``dtype``."""
    if reduction == "none":
        return np.asarray(losses, dtype=dtype)[()]
    total = np.sum(losses, dtype=np.float64)
    if reduction == "mean":
        # Nothing to average over (no examples, all ignored, zero weights): NaN, as PyTorch.
        total = total / denominator if denominator != 0 else np.nan
    return dtype.type(total)


fill_docs(globals())
