"""The losses and scores, one family: what a prediction costs, each in one module.

- :mod:`.categorical`: the classifier's log loss from logits
  (``softmax_cross_entropy`` and its gradient), from log-probabilities (``nll_loss``),
  and ``one_hot``; :mod:`.targets` holds what they compute per block of rows, for each
  kind of target (class indices or class probabilities).
- :mod:`.binary`: binary cross-entropy from probabilities or from logits, its gradient,
  and the focal loss that rescales it.
- :mod:`.scoring`: the other scores of reported probabilities (Brier, calibration) and
  temperature scaling.

Every loss reduces through :func:`xentbook._reduction.reduce` (PyTorch's 'mean', 'sum'
and 'none', empty input included), and every term whose coefficient is 0 goes through
:func:`xentbook._elementwise.times` (``0 · ∞ = 0``).

The losses follow PyTorch's semantics for every option, with three deliberate
differences, each documented where it applies:

* the class axis is ``axis`` (last by default) rather than dimension 1;
* a term whose weight is exactly 0 contributes 0, even when its log-probability is
  ``-inf`` (PyTorch gives NaN for 0 times infinity), and infinite logits follow the
  conventions of :func:`xentbook.softmax` instead of giving NaN;
* nothing is clamped: a certain prediction that is wrong costs ``inf`` nats, where
  PyTorch's ``binary_cross_entropy`` clamps each log at -100.

Dtypes: the result is float32 when every floating input (logits, probability
targets, weights) is float32 or float16, and float64 otherwise; integer class
indices do not count, in any integer width.
"""
