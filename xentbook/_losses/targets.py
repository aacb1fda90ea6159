"""What softmax cross-entropy computes on each block of rows, for each kind of target.

A target is either class indices (:class:`ClassIndices`) or class probabilities
(:class:`ClassProbabilities`). Each kind says what one block of rows costs
(``block_losses``) and what its gradient is (``block_gradient``), from the softmax
statistics of :mod:`xentbook._softmax`; :class:`Target` hands them to the engine
(:mod:`xentbook._rows`), which runs them over every block and sums the partial
results in block order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .. import _reduction
from .. import _rows as rows
from .. import _softmax as softmax
from .. import _validation as v
from .._elementwise import smooth, times


class Logits(NamedTuple):
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


class Targets(NamedTuple):
    """Class-index targets ready to use: ignored entries point at class 0 and weigh 0."""

    index: np.ndarray
    counted: np.ndarray  # targets that are not ignore_index
    weight: np.ndarray  # the class weight of each target, 0 where ignored


def index_targets(indices, ignore_index: int, class_weight, dtype) -> Targets:
    counted = indices != ignore_index
    index = np.where(counted, indices, 0)
    weight = np.ones(index.shape, dtype=dtype) if class_weight is None else class_weight[index]
    return Targets(index, counted, np.where(counted, weight, 0).astype(dtype, copy=False))


class Target:
    """What the two target kinds share: the reduction of per-example losses and its gradient."""

    logits: Logits

    def losses(self, reduction: str):
        """The reduced loss: the blocks' partial sums, combined in block order."""
        x, ax = self.logits.values, self.logits.axis
        buffers = 1 + self.keeps_shift()
        if reduction == "none":
            out = np.empty(rows.kept_shape(x.shape, ax), dtype=x.dtype)
            return np.squeeze(rows.fill_blocks(self.block_losses, x, ax, out, buffers), ax)[()]
        partials = rows.sum_blocks(self.block_losses, x, ax, buffers)
        return _reduction.reduce(partials, reduction, x.dtype, self.denominator())

    def gradient(self, reduction: str) -> np.ndarray:
        x, ax = self.logits.values, self.logits.axis
        grad = np.empty(x.shape, dtype=x.dtype)
        scale = self.grad_scale(reduction)

        def write(block, buffer):
            self.block_gradient(block, buffer, scale, grad)

        rows.map_blocks(write, x, ax, buffers=1)
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
        return times(coefficients, losses, out=losses).sum(axis=self.logits.axis, keepdims=True)


@dataclass(frozen=True)
class ClassIndices(Target):
    """Targets given as one class index per example (or ``ignore_index``)."""

    logits: Logits
    indices: np.ndarray  # with a length-1 class axis; ignored entries keep ignore_index
    ignore_index: int
    plain: bool  # no class weights and no ignored target: every example weighs 1

    @classmethod
    def build(cls, logits: Logits, target: np.ndarray, ignore_index):
        ignore_index = v.check_integer(ignore_index, "ignore_index")
        v.check_index_target_shape(target, logits.values.shape, logits.axis)
        t = v.check_class_indices(target, logits.num_classes, ignore_index)
        plain = logits.class_weight is None and not (t == ignore_index).any()
        return cls(logits, np.expand_dims(t, logits.axis), ignore_index, bool(plain))

    def targets(self, block) -> Targets:
        """The targets of ``block``; for plain targets every weight is a 0-d 1."""
        lg = self.logits
        indices = self.indices[block.rows]
        if self.plain:
            return Targets(indices, np.True_, np.ones((), dtype=lg.values.dtype))
        flat_weight = None if lg.class_weight is None else lg.class_weight.reshape(-1)
        return index_targets(indices, self.ignore_index, flat_weight, lg.values.dtype)

    def denominator(self) -> float:
        """What 'mean' divides by: the summed weights of the counted targets (summed
        block by block, as :meth:`block_losses` weighs them)."""
        if self.plain:
            return self.indices.size
        weights = rows.map_blocks(
            lambda block, _: self.targets(block).weight.sum(dtype=np.float64),
            self.logits.values,
            self.logits.axis,
        )
        return math.fsum(weights)

    def counts_any(self) -> bool:
        return bool((self.indices != self.ignore_index).any())

    def keeps_shift(self) -> bool:
        """Whether the losses need the shift beside its exponentials: only to smooth."""
        return self.logits.label_smoothing > 0

    def block_losses(self, block, buffer) -> np.ndarray:
        """``(1 - eps) w_t (-log sigma_t) + eps / K sum_c w_c (-log sigma_c)`` per row."""
        lg = self.logits
        ax, eps, c = lg.axis, lg.label_smoothing, lg.num_classes
        t = self.targets(block)
        if eps > 0:
            stats, parts = softmax.scan(lg.values, block, ax, "logits", buffer, keep_shift=True)
        else:
            stats = softmax.stats(lg.values, block, ax, "logits", buffer)
        tail = np.log1p(stats.tail)
        m = stats.maximum
        # (m - x_t) + log1p(s): two non-negative terms, no cancellation. A gap beyond
        # max_float (huge logits of both signs) is inf, the correctly rounded loss.
        xt = rows.at(t.index, block.rows, ax, c).gather(lg.values[block.rows])
        if np.isfinite(m).all():
            with np.errstate(over="ignore"):
                nll = (m - xt) + tail
        else:
            with np.errstate(invalid="ignore", over="ignore"):
                nll = np.where(xt == m, 0, m - xt) + tail
        if not self.plain:
            loss = times((1 - eps) * t.weight, nll)
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
        return loss

    def block_gradient(self, block, buffer, scale, grad: np.ndarray) -> None:
        lg = self.logits
        ax, eps, c = lg.axis, lg.label_smoothing, lg.num_classes
        t = self.targets(block)
        if eps == 0 and len(block.chunks) == 1:
            out = grad[block.rows]
            # A maximum of at least 0 keeps e^-m <= 1: no softmax entry gains bits it
            # lost to underflow in e^x.
            fast = softmax.unshifted(lg.values, block, ax, out, lowest=0)
            if fast is not None:
                factor = np.where(t.counted, np.float64(scale), 0)
                return self.hard_gradient(block, t, fast, factor, out)
        stats, parts = softmax.scan(lg.values, block, ax, "logits", buffer)
        # sigma_a - 1 at the argmax a, without the cancellation of 1 / (1 + s) - 1.
        top_minus_one = -stats.tail / (1 + stats.tail)
        hard = (1 - eps) * t.weight
        w = lg.class_weight
        w_sum = c if w is None else w.sum()
        w_t = 1 if w is None else np.take(w.reshape(-1), t.index)
        factor = np.where(t.counted, np.float64(scale), 0)
        for part in parts:
            sm = part.exp
            part.argmax.scatter(sm, 1)
            sm /= 1 + stats.tail
            at_t = rows.at(t.index, part.index, ax, c)
            p_t = at_t.gather(sm)
            p_t_minus_one = np.where(t.index == stats.argmax, top_minus_one, p_t - 1)
            g = sm * (hard + eps / c * w_sum)
            if eps > 0:
                g -= eps / c * (1 if w is None else lg.weight(part.index))
            g_t = hard * p_t_minus_one + eps / c * (w_sum * p_t - w_t)
            at_t.scatter(g, g_t)
            np.multiply(g, factor, out=grad[part.index])

    def hard_gradient(self, block, t: Targets, fast: softmax.Unshifted, factor, out) -> None:
        """``factor * w_t (softmax - one_hot(t))`` on ``block``, into ``out``, which holds
        ``fast.exp``."""
        lg = self.logits
        ax, tail = lg.axis, fast.stats.tail
        k = t.weight * factor  # per row
        k_top = k / (1 + tail)  # k times the softmax at the argmax
        np.multiply(out, (k_top * fast.scale).astype(out.dtype, copy=False), out=out)
        fast.argmax.scatter(out, k_top)
        at_t = rows.at(t.index, block.rows, ax, lg.num_classes)
        # At the argmax, sigma - 1 is -s / (1 + s): no cancellation.
        g_t = np.where(t.index == fast.stats.argmax, -k_top * tail, at_t.gather(out) - k)
        at_t.scatter(out, g_t)


@dataclass(frozen=True)
class ClassProbabilities(Target):
    """Targets given as a probability distribution over the classes for each example."""

    logits: Logits
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

    def block_losses(self, block, buffer) -> np.ndarray:
        """``sum_c w_c p'_c (-log sigma_c)`` per row."""
        x, ax = self.logits.values, self.logits.axis
        stats, parts = softmax.scan(x, block, ax, "logits", buffer, keep_shift=True)
        tail = np.log1p(stats.tail)
        return sum(
            self.weighted_sum(
                self.smoothed(part.index), np.subtract(tail, part.shift, out=part.shift), part.index
            )
            for part in parts
        )

    def coefficients(self, index: tuple) -> np.ndarray:
        """``q = w p'`` on the chunk ``index``: the weighted, smoothed target."""
        q = self.smoothed(index)
        w = self.logits.weight(index)
        return q if w is None else q * w

    def block_gradient(self, block, buffer, scale, grad: np.ndarray) -> None:
        lg = self.logits
        ax = lg.axis
        stats, parts = softmax.scan(lg.values, block, ax, "logits", buffer)
        # The sum of q over the row, split at the argmax a as the softmax is.
        q_rest = q_top = 0
        for index in block.chunks:
            q = self.coefficients(index)
            at_top = rows.at(stats.argmax, index, ax, lg.num_classes)
            q_top = q_top + at_top.gather(q)
            rest = q.copy()
            at_top.scatter(rest, 0)
            q_rest = q_rest + rest.sum(axis=ax, keepdims=True)
        q_sum = q_rest + q_top
        top_minus_one = -stats.tail / (1 + stats.tail)
        for part in parts:
            sm = part.exp
            part.argmax.scatter(sm, 1)
            sm /= 1 + stats.tail
            g = sm * q_sum - self.coefficients(part.index)
            part.argmax.scatter(g, q_rest + q_sum * top_minus_one)
            np.multiply(g, scale, out=grad[part.index])


def target_kind(target, logits, axis, weight, ignore_index, label_smoothing):
    """The target kind of softmax_cross_entropy's arguments, validated, chosen once."""
    tgt = v.as_array(target, "target")
    if np.issubdtype(tgt.dtype, np.integer):
        # Index targets say nothing about the dtype; probability targets do.
        lg = Logits.build(logits, axis, v.common_float_dtype(logits), weight, label_smoothing)
        return ClassIndices.build(lg, tgt, ignore_index)
    dtype = v.common_float_dtype(tgt, logits)
    lg = Logits.build(logits, axis, dtype, weight, label_smoothing)
    v.check_same_shape(tgt, lg.values, ("target", "logits"))
    return ClassProbabilities(lg, v.check_distribution(tgt, "target", axis, dtype))
