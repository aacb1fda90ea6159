"""Accuracy in float64, measured in ulp against mpmath at 60 significant digits.

Each reference is evaluated from the *same* float64 inputs in 60-digit arithmetic
and compared with the float64 result by the number of representable doubles
between them (the ulp distance). The bounds are what the implementations
guarantee with room to spare; the measured maxima (numpy 2.4, glibc libm) are
noted beside each test.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import xentbook as xb


@pytest.fixture(autouse=True)
def sixty_digits():
    """Every reference in this file is computed with 60 significant digits."""
    with mpmath.workdps(60):
        yield


def ulp_distance(a, b) -> np.ndarray:
    """How many float64 values lie between ``a`` and ``b``, elementwise (0 when equal).

    The bit patterns of doubles, read as integers, are ordered like the doubles for
    non-negative values; mirroring the negative ones makes the order total, so the
    difference of two mapped integers counts the doubles in between (+0 and -0 coincide).
    """
    bits = np.stack(np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float)))
    ints = bits.view(np.int64).astype(object)
    mapped = np.where(ints < 0, -(ints & 0x7FFFFFFFFFFFFFFF), ints)
    return np.abs(mapped[0] - mapped[1]).astype(float)


def mpf(x):
    """The exact value of a double, as an mpmath number."""
    return mpmath.mpf(float(x))


def test_ulp_distance_helper():
    assert ulp_distance(1.0, np.nextafter(1.0, 2)) == 1
    assert ulp_distance(-0.0, 0.0) == 0
    assert ulp_distance(-5e-324, 5e-324) == 2
    assert ulp_distance(1.0, 1.0 + 2**-50) == 4


# --- Softmax cross-entropy on confident, correct predictions ------------------------------------


def confident_rows(count=60, classes=8, seed=0):
    """Rows whose target logit is 0 and the others lie in [-a - 3, -a], a = 27 ... 690.

    The loss is log1p(sum_j e^{x_j}), from about 5e-12 down to 5e-300.
    """
    rng = np.random.default_rng(seed)
    x = -(np.linspace(27, 690, count)[:, None] + rng.uniform(0, 3, (count, classes)))
    t = rng.integers(0, classes, count)
    x[np.arange(count), t] = 0.0
    return x, t


def reference_tail(x, t):
    """s = sum over j != t of e^(x_j - x_t), in 60 digits: the loss is log1p(s)."""
    return [
        mpmath.fsum(mpmath.exp(mpf(v) - mpf(row[k])) for j, v in enumerate(row) if j != k)
        for row, k in zip(x, t, strict=True)
    ]


# Measured on these rows (torch 2.13, scipy 1.17), losses 5e-12 ... 5e-300:
#   xentbook.softmax_cross_entropy                 max 1 ulp
#   torch.nn.functional.cross_entropy              1.7e11 ulp at 5e-12, and from about 1e-16
#                                                  on it returns -0.0: ulp error > 4e18
#   -scipy.special.log_softmax(x)[t]               1.0e11 ulp at 5e-12, then 0.0 (> 4e18 ulp)
#   scipy.special.logsumexp(x) - x[t]              1 ulp (SciPy >= 1.15 splits off the max
#                                                  with log1p too; older versions lost it all)
#   numpy m + log(sum(exp(x - m))) - x[t]          0.0 everywhere: every digit lost


def test_softmax_cross_entropy_tiny_losses_within_32_ulp():
    x, t = confident_rows()
    reference = [float(mpmath.log1p(s)) for s in reference_tail(x, t)]
    assert min(reference) < 1e-299
    assert max(reference) > 1e-12
    got = xb.softmax_cross_entropy(t, x, reduction="none")
    assert ulp_distance(got, reference).max() <= 32  # measured: 1


def test_naive_logsumexp_minus_target_loses_every_digit():
    # The textbook formula LSE(x) - x_t: 1 + s rounds to 1 once s < 1e-16, so the log is 0.
    x, t = confident_rows()
    m = x.max(axis=1)
    naive = m + np.log(np.exp(x - m[:, None]).sum(axis=1)) - x[np.arange(len(t)), t]
    reference = [float(mpmath.log1p(s)) for s in reference_tail(x, t)]
    assert np.count_nonzero(naive == 0) > 50
    assert ulp_distance(naive, reference).max() > 1e15
    # ... while the log1p form keeps them all.
    assert ulp_distance(xb.softmax_cross_entropy(t, x, reduction="none"), reference).max() <= 32


def test_softmax_cross_entropy_gradient_of_confident_target():
    # d loss / d x_t = sigma_t - 1 = -s / (1 + s), far below the rounding of 1 - sigma_t.
    x, t = confident_rows(seed=1)
    reference = [float(-s / (1 + s)) for s in reference_tail(x, t)]
    grad = xb.softmax_cross_entropy_grad(t, x, reduction="sum")
    assert ulp_distance(grad[np.arange(len(t)), t], reference).max() <= 32  # measured: 1


def test_log_softmax_and_logsumexp_tiny_values():
    x, t = confident_rows(seed=2)
    tails = reference_tail(x, t)
    lse = xb.logsumexp(x)
    assert ulp_distance(lse, [float(mpmath.log1p(s)) for s in tails]).max() <= 4  # measured: 2
    log_p = xb.log_softmax(x)[np.arange(len(t)), t]
    assert ulp_distance(log_p, [float(-mpmath.log1p(s)) for s in tails]).max() <= 4


def test_softmax_cross_entropy_general_logits_within_32_ulp():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 10)) * 4
    t = rng.integers(0, 10, 200)
    # log(sum_j e^(x_j - x_t)), every term in 60 digits.
    reference = [
        float(mpmath.log(mpmath.fsum(mpmath.exp(mpf(v) - mpf(row[k])) for v in row)))
        for row, k in zip(x, t, strict=True)
    ]
    got = xb.softmax_cross_entropy(t, x, reduction="none")
    assert ulp_distance(got, reference).max() <= 32  # measured: 2


def general_rows(dtype):
    """Logits with a spread of 4 and their target classes, as in the test above."""
    rng = np.random.default_rng(3)
    return (rng.normal(size=(200, 10)) * 4).astype(dtype), rng.integers(0, 10, 200)


def reference_gradient(x, t) -> np.ndarray:
    """softmax(x) - one_hot(t), every entry in 60 digits from the exact inputs."""
    grad = np.empty(x.shape)
    for i, (row, k) in enumerate(zip(x, t, strict=True)):
        exps = [mpmath.exp(mpf(v)) for v in row]
        total = mpmath.fsum(exps)
        grad[i] = [float(e / total - (c == k)) for c, e in enumerate(exps)]
    return grad


def test_softmax_cross_entropy_gradient_general_logits_within_8_ulp():
    x, t = general_rows(np.float64)
    got = xb.softmax_cross_entropy_grad(t, x, reduction="sum")
    assert ulp_distance(got, reference_gradient(x, t)).max() <= 8  # measured: 3


def ulp_distance_float32(a, b) -> np.ndarray:
    """As :func:`ulp_distance`, counting the float32 values in between."""
    bits = np.stack(np.broadcast_arrays(np.asarray(a, np.float32), np.asarray(b, np.float32)))
    ints = bits.view(np.int32).astype(np.int64)
    return np.abs(np.diff(np.where(ints < 0, -(ints & 0x7FFFFFFF), ints), axis=0))[0]


def test_float32_loss_and_gradient_within_8_ulp_of_float32():
    # float32 stays float32, and keeps float32's relative accuracy.
    x, t = general_rows(np.float32)
    loss = xb.softmax_cross_entropy(t, x, reduction="none")
    grad = xb.softmax_cross_entropy_grad(t, x, reduction="sum")
    assert loss.dtype == grad.dtype == np.float32
    x64 = x.astype(np.float64)  # exact: the same numbers as the float32 inputs
    reference = [
        float(mpmath.log(mpmath.fsum(mpmath.exp(mpf(v) - mpf(row[k])) for v in row)))
        for row, k in zip(x64, t, strict=True)
    ]
    assert ulp_distance_float32(loss, reference).max() <= 8  # measured: 2
    assert ulp_distance_float32(grad, reference_gradient(x64, t)).max() <= 8  # measured: 4


# --- Binary cross-entropy with logits -----------------------------------------------------------

BCE_LOGITS = np.concatenate(
    [np.linspace(-700, 700, 281), np.random.default_rng(4).uniform(-40, 40, 120), [0.0, 1e-300]]
)


@pytest.mark.parametrize("y", [0.0, 1.0, 0.5, 0.3, 0.7, 1e-3, 0.999])
def test_binary_cross_entropy_with_logits_within_4_ulp(y):
    reference = [
        float(
            mpf(y) * mpmath.log1p(mpmath.exp(-mpf(x)))
            + (1 - mpf(y)) * mpmath.log1p(mpmath.exp(mpf(x)))
        )
        for x in BCE_LOGITS
    ]
    got = xb.binary_cross_entropy_with_logits(
        np.full_like(BCE_LOGITS, y), BCE_LOGITS, reduction="none"
    )
    assert ulp_distance(got, reference).max() <= 4  # measured: 2 (y = 0.3), else 1


# --- The information measures of xentbook._information------------------------------------------


def test_surprisal_within_4_ulp():
    rng = np.random.default_rng(5)
    p = np.concatenate(
        [10.0 ** -rng.uniform(0, 300, 200), 1 - 10.0 ** -rng.uniform(1, 15, 50), rng.random(100)]
    )
    reference = [float(-mpmath.log(mpf(v))) for v in p]
    assert ulp_distance(xb.surprisal(p), reference).max() <= 4  # measured: 1


def random_distributions(rng, n, count=30):
    """Distributions with a spread of magnitudes (cubed uniforms, normalised)."""
    w = rng.random((count, n)) ** 3
    return w / w.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("n", [2, 5, 20, 100])
def test_entropy_and_cross_entropy_within_4_ulp(n):
    rng = np.random.default_rng(6 + n)
    p = random_distributions(rng, n)
    q = random_distributions(rng, n)
    h = [float(-mpmath.fsum(mpf(a) * mpmath.log(mpf(a)) for a in row if a > 0)) for row in p]
    ce = [
        float(-mpmath.fsum(mpf(a) * mpmath.log(mpf(b)) for a, b in zip(pr, qr, strict=True) if a))
        for pr, qr in zip(p, q, strict=True)
    ]
    assert ulp_distance(xb.entropy(p), h).max() <= 4  # measured: 2
    assert ulp_distance(xb.cross_entropy(p, q), ce).max() <= 4  # measured: 2


# --- KL divergence of nearly equal distributions -------------------------------------------------


def near_equal_pairs(seed=0):
    """Pairs (p, q) of distributions over 2 and 5 outcomes, q within 1e-15 ... 1e-3 of p.

    q moves a representable ``delta`` from one outcome of p to another, kept only
    where both moves are exact, so p and q have exactly the same total (the
    reference uses the rounded inputs themselves).
    """
    rng = np.random.default_rng(seed)
    a, b = 0.9456657713430001, 0.9456657713430094  # the pair
    pairs = [([a, 1 - a], [b, 1 - b])]
    for scale in np.logspace(-15, -3, 13):
        for n in (2, 5):
            p = rng.dirichlet(np.ones(n))
            step = np.spacing(p[:2].max())
            delta = max(1.0, np.round(scale * p[0] / step)) * step
            q = p.copy()
            q[0] += delta
            q[1] -= delta
            if mpf(q[0]) - mpf(p[0]) == mpf(p[1]) - mpf(q[1]) == mpf(delta):
                pairs.append((p, q))
    return pairs


def reference_kl(p, q):
    """sum p log(p/q) over p > 0, from the rounded inputs, in 60 digits."""
    return float(
        mpmath.fsum(mpf(a) * mpmath.log(mpf(a) / mpf(b)) for a, b in zip(p, q, strict=True) if a)
    )


# Measured: xentbook.kl_divergence max 3 ulp; the pair 8.463e-28 (the log(q/p)
# form gave 8.683e-17, 1e11 times too large); scipy.special.rel_entr(p, q).sum() is off by
# up to 16% relative here.
def test_kl_divergence_of_nearly_equal_distributions_within_16_ulp():
    pairs = near_equal_pairs()
    assert len(pairs) > 20
    got = [xb.kl_divergence(p, q) for p, q in pairs]
    reference = [reference_kl(p, q) for p, q in pairs]
    assert min(reference) > 0
    assert ulp_distance(got, reference).max() <= 16
