"""Tests for xentbook._continuous: Gaussian NLL, KL between normals, differential entropy."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import gaussian_problems, locations, normal_pairs, scales
from test_accuracy import ulp_distance

import xentbook as xb

LN2 = math.log(2)

# --- reference tables ---------------------------------------------------------------------

# h = 1/2 log(2 pi e sigma^2) (Cover and Thomas 2006, example 8.1.2), evaluated in 50-digit
# mpmath: 0.5 * (1 + log(2 pi)) + log(sigma).
NORMAL_ENTROPY = [
    (1.0, None, 1.4189385332046727),  # 1/2 ln(2 pi e)
    (1.0, 2, 2.0470955851806406),  # 1/2 log2(2 pi e)
    (0.1, None, -0.8836465597893728),  # 1/2 ln(2 pi e) - ln 10: negative
    (1 / math.sqrt(2 * math.pi * math.e), None, 0.0),  # the width with h = 0
]

# KL(N(mu_p, s_p^2) || N(mu_q, s_q^2)) = ln(s_q/s_p) + (s_p^2 + (mu_p - mu_q)^2)/(2 s_q^2) - 1/2,
# worked by hand for round numbers.
KL_NORMAL = [
    ((0.0, 1.0, 0.0, 1.0), 0.0),  # equal
    ((0.0, 1.0, 1.0, 1.0), 0.5),  # shift by one sigma: d^2 / 2
    ((3.0, 5.0, 1.0, 5.0), 0.08),  # shift by 2/5 sigma: (2/5)^2 / 2
    ((0.0, 1.0, 0.0, 2.0), math.log(2) - 3 / 8),  # narrow truth, wide model
    ((0.0, 2.0, 0.0, 1.0), 1.5 - math.log(2)),  # wide truth, narrow model
]

# gaussian_nll elementwise, 1/2 (ln var + (y - mu)^2 / var), by hand.
GAUSSIAN_NLL = [
    ((0.0, 0.0, 1.0), 0.0),
    ((0.0, 1.0, 1.0), 0.5),
    ((1.0, 3.0, 4.0), 0.5 * (math.log(4) + 1)),
    ((2.0, 2.0, math.e**2), 1.0),
]


@pytest.mark.parametrize(("sigma", "base", "expected"), NORMAL_ENTROPY)
def test_normal_entropy_table(sigma, base, expected):
    assert xb.normal_entropy(sigma, base=base) == pytest.approx(expected, rel=1e-15, abs=1e-15)


@pytest.mark.parametrize(("args", "expected"), KL_NORMAL)
def test_kl_normal_table(args, expected):
    assert xb.kl_normal(*args) == pytest.approx(expected, rel=1e-15, abs=0)
    assert xb.kl_normal(*args, base=2) == pytest.approx(expected / LN2, rel=1e-15, abs=0)


@pytest.mark.parametrize(("args", "expected"), GAUSSIAN_NLL)
def test_gaussian_nll_table(args, expected):
    mu, y, var = args
    assert xb.gaussian_nll(mu, y, var, eps=0) == pytest.approx(expected, rel=1e-15, abs=1e-16)
    full = xb.gaussian_nll(mu, y, var, full=True)
    assert full == pytest.approx(expected + 0.5 * math.log(2 * math.pi), rel=1e-15)


def test_histogram_entropy_of_evenly_spread_samples():
    # 1000 samples, 10 in each of 100 bins of width 0.01 on [0, 1): the histogram density
    # is the uniform density on [0, 1), whose differential entropy is log 1 = 0.
    x = (np.arange(1000) + 0.5) / 1000
    assert xb.differential_entropy_histogram(x, 0.01) == pytest.approx(0.0, abs=1e-14)
    # Same samples on [0, 8): log2 8 = 3 bits.
    assert xb.differential_entropy_histogram(8 * x, 0.08, base=2) == pytest.approx(3.0)


def test_histogram_entropy_with_every_sample_alone_is_log_n_delta():
    # Each bin holds one of n samples: H(bins) = log n, so the estimate is log(n * delta).
    x = np.arange(50.0)
    assert xb.differential_entropy_histogram(x, 0.5) == pytest.approx(math.log(25.0))


def test_histogram_bins_start_at_the_origin():
    x = np.array([0.9, 1.1])
    assert xb.differential_entropy_histogram(x, 1.0) == pytest.approx(math.log(2))  # two bins
    assert xb.differential_entropy_histogram(x, 1.0, origin=0.5) == pytest.approx(0.0)  # one


# --- identities named after their theorems -------------------------------------------------


@given(scales())
def test_gaussian_maximum_entropy(sigma):
    # Among densities of variance sigma^2, the Gaussian's entropy is largest (Cover and
    # Thomas, theorem 8.6.5): above the uniform (width sqrt(12) sigma) and the Laplace
    # (b = sigma / sqrt(2), h = 1 + ln 2b) densities of the same variance.
    h = xb.normal_entropy(sigma)
    assert h > math.log(math.sqrt(12) * sigma)
    assert h > 1 + math.log(2 * sigma / math.sqrt(2))


@given(normal_pairs(), st.floats(1e-6, 1e6), locations())
def test_kl_invariance_under_change_of_units(pair, c, shift):
    # KL is unchanged by x -> c x + shift applied to both distributions: a change of units.
    mp, sp, mq, sq = pair
    before = xb.kl_normal(mp, sp, mq, sq)
    after = xb.kl_normal(c * mp + shift, c * sp, c * mq + shift, c * sq)
    # The new means are rounded to their own ulp, which a large shift makes coarse next to
    # c * sq: the distance d between the means in units of sigma_q moves by up to `slack`,
    # and the term d**2 / 2 of the KL by d * slack + slack**2 / 2.
    moved = np.maximum(np.abs(c * mp + shift), np.abs(c * mq + shift))
    slack = 4 * np.spacing(moved) / (c * sq)
    d = np.abs(mp - mq) / sq
    allowed = 1e-6 * np.abs(before) + 1e-12 + d * slack + slack**2
    assert np.all(np.abs(after - before) <= allowed), (after, before)


@given(scales(), st.floats(1e-6, 1e6))
def test_differential_entropy_shifts_by_the_log_of_the_unit(sigma, c):
    # h(cX) = h(X) + log c (Cover and Thomas, theorem 8.6.4): differential entropy depends
    # on the unit, unlike KL.
    assert xb.normal_entropy(c * sigma) == pytest.approx(xb.normal_entropy(sigma) + math.log(c))


@given(normal_pairs())
def test_gibbs_inequality_for_normals(pair):
    # KL >= 0, and exactly 0 for two equal distributions; different widths give KL > 0.
    mp, sp, mq, sq = pair
    kl = xb.kl_normal(mp, sp, mq, sq)
    assert np.all(kl >= 0)
    assert np.all(kl[(mp == mq) & (sp == sq)] == 0)
    assert np.all(kl[sp != sq] > 0)


@given(normal_pairs())
def test_cross_entropy_is_entropy_plus_kl_for_normals(pair):
    # h(p, q) = h(p) + KL(p || q): the expected full Gaussian NLL of q under p is the NLL of
    # q at p's mean plus sigma_p^2 / (2 sigma_q^2), since E (y - mu_q)^2 = s_p^2 + (mu_p - mu_q)^2.
    mp, sp, mq, sq = pair
    nll_at_mean = xb.gaussian_nll(mq, mp, sq**2, full=True, eps=0, reduction="none")
    cross = nll_at_mean + sp**2 / (2 * sq**2)
    split = xb.normal_entropy(sp) + xb.kl_normal(mp, sp, mq, sq)
    np.testing.assert_allclose(cross, split, rtol=1e-9, atol=1e-9 * np.abs(cross).max())


@pytest.mark.parametrize("sigma", [0.5, 1.0, 3.0])
def test_quantised_entropy_tends_to_h_minus_log_delta(sigma):
    # The entropy of X quantised to bins of width delta is h(X) - log delta + o(1) as
    # delta -> 0 (Cover and Thomas, theorem 8.3.1). Exact bin probabilities from erf.
    h = xb.normal_entropy(sigma)
    gaps = []
    for delta in (1.0, 0.1, 0.01):
        edges = np.arange(-12 * sigma, 12 * sigma + delta, delta)
        cdf = np.array([0.5 * (1 + math.erf(e / (sigma * math.sqrt(2)))) for e in edges])
        p = np.diff(cdf)
        gaps.append(abs(xb.entropy(p[p > 0]) + math.log(delta) - h))
    assert gaps[0] > gaps[1] > gaps[2]
    # The leading error is delta^2 / (24 sigma^2) (Sheppard's correction); allow twice that.
    assert gaps[2] < 0.01**2 / (12 * sigma**2)


def test_mse_is_a_gaussian_cross_entropy():
    # With a fixed variance 1, the Gaussian NLL is half the squared error plus 1/2 ln 2 pi.
    rng = np.random.default_rng(3)
    mu, y = rng.normal(size=50), rng.normal(size=50)
    nll = xb.gaussian_nll(mu, y, 1.0, full=True, eps=0)
    assert nll == pytest.approx(np.mean((y - mu) ** 2) / 2 + 0.5 * math.log(2 * math.pi))


# --- accuracy near equality, against mpmath -------------------------------------------------


def _kl_reference(mp, sp, mq, sq) -> float:
    with mpmath.workdps(60):
        mp, sp, mq, sq = (mpmath.mpf(float(a)) for a in (mp, sp, mq, sq))
        r = sp / sq
        return float((r**2 - 1 - 2 * mpmath.log(r) + ((mp - mq) / sq) ** 2) / 2)


@pytest.mark.parametrize("k", range(1, 53, 3))
@pytest.mark.parametrize("sign", [1, -1])
def test_kl_normal_keeps_relative_accuracy_near_equality(k, sign):
    # sigma_p = sigma_q (1 + sign 2^-k): the naive formula loses about 52 - k bits; this one
    # stays within a few ulp (measured: at most 2 ulp).
    sq = 1.7
    sp = sq * (1 + sign * 2.0**-k)
    got = xb.kl_normal(0.25, sp, 0.25, sq)
    assert got > 0
    assert ulp_distance(got, _kl_reference(0.25, sp, 0.25, sq)) <= 4


@settings(max_examples=200)
@given(normal_pairs(), st.floats(-30, 0))
def test_kl_normal_accuracy_in_ulp(pair, log_gap):
    # Random pairs, and the same pairs pulled together to a relative gap of 2^log_gap.
    mp, sp, mq, sq = pair
    for sigma_p in (sp, sq * (1 + 2.0**log_gap)):
        got = xb.kl_normal(mp, sigma_p, mq, sq)
        want = [_kl_reference(*args) for args in zip(mp, sigma_p, mq, sq, strict=True)]
        assert ulp_distance(got, want).max() <= 8


# --- gaussian_nll: reduction, shapes, clamp ----------------------------------------------


@given(gaussian_problems())
def test_gaussian_nll_reductions_agree(problem):
    mu, y, var = problem
    each = xb.gaussian_nll(mu, y, var, reduction="none")
    assert each.shape == mu.shape
    assert xb.gaussian_nll(mu, y, var) == pytest.approx(each.mean(), rel=1e-12, abs=1e-12)
    assert xb.gaussian_nll(mu, y, var, reduction="sum") == pytest.approx(
        each.sum(), rel=1e-12, abs=1e-12
    )


def test_empty_input_follows_pytorch():
    # PyTorch: the mean of no elements is NaN, their sum 0; no RuntimeWarning (pyproject
    # turns one into an error).
    assert math.isnan(xb.gaussian_nll([], [], 1.0))
    assert xb.gaussian_nll([], [], 1.0, reduction="sum") == 0.0
    assert xb.gaussian_nll(np.empty((0, 3)), np.empty((0, 3)), 1.0, reduction="none").shape == (
        0,
        3,
    )


@pytest.mark.parametrize(
    ("var_shape", "loss_shape"),
    [
        ((4, 3), (4, 3)),  # one variance per prediction
        ((4,), (4, 3)),  # one per row: the shape without the last axis
        ((4, 1), (4, 3)),  # one axis of length 1
        ((1, 3), (4, 3)),
        ((), (4, 3)),  # a single number
    ],
)
def test_variance_shapes_that_pytorch_accepts(var_shape, loss_shape):
    mu, y = np.zeros((4, 3)), np.ones((4, 3))
    var = np.full(var_shape, 2.0)
    loss = xb.gaussian_nll(mu, y, var, reduction="none")
    assert loss.shape == loss_shape
    np.testing.assert_allclose(loss, 0.5 * (math.log(2.0) + 0.5))


def test_the_clamp_and_the_exact_path():
    # Below eps, PyTorch's clamp replaces the variance; eps=0 keeps it.
    tiny = 1e-9
    assert xb.gaussian_nll(0.0, 0.0, tiny) == pytest.approx(0.5 * math.log(1e-6))
    assert xb.gaussian_nll(0.0, 0.0, tiny, eps=0) == pytest.approx(0.5 * math.log(tiny))
    assert xb.gaussian_nll(0.0, 0.0, 0.0) == pytest.approx(0.5 * math.log(1e-6))  # as torch


@pytest.mark.parametrize("fn", ["gaussian_nll", "kl_normal", "normal_entropy"])
def test_float32_stays_float32(fn):
    a = np.array([0.5, 1.5], dtype=np.float32)
    args = {"gaussian_nll": (a, a[::-1], a), "kl_normal": (a, a, a[::-1], a[::-1])}
    out = getattr(xb, fn)(*args.get(fn, (a,)))
    assert out.dtype == np.float32


# --- bad input: a ValueError naming the argument --------------------------------------------

BAD = [
    (lambda: xb.kl_normal(0.0, 0.0, 0.0, 1.0), "sigma_p"),
    (lambda: xb.kl_normal(0.0, 1.0, 0.0, -1.0), "sigma_q"),
    (lambda: xb.kl_normal(np.nan, 1.0, 0.0, 1.0), "mu_p"),
    (lambda: xb.kl_normal(0.0, 1.0, np.inf, 1.0), "mu_q"),
    (lambda: xb.kl_normal(0.0, [1.0, 2.0], 0.0, [1.0, 2.0, 3.0]), "sigma_q"),
    (lambda: xb.kl_normal(0.0, 1.0, 0.0, 1.0, base=0.5), "base"),
    (lambda: xb.normal_entropy([1.0, 0.0]), "sigma"),
    (lambda: xb.normal_entropy(np.nan), "sigma"),
    (lambda: xb.gaussian_nll([0.0], [0.0], -1.0), "var"),
    (lambda: xb.gaussian_nll([0.0], [0.0], np.nan), "var"),
    (lambda: xb.gaussian_nll([0.0], [0.0], 0.0, eps=0), "var"),
    (lambda: xb.gaussian_nll(np.zeros((4, 3)), np.zeros((4, 3)), np.ones(3)), "var"),
    (lambda: xb.gaussian_nll([0.0, 1.0], [0.0, 1.0, 2.0], 1.0), "target"),
    (lambda: xb.gaussian_nll([np.nan], [0.0], 1.0), "input"),
    (lambda: xb.gaussian_nll([0.0], [0.0], 1.0, eps=-1.0), "eps"),
    (lambda: xb.gaussian_nll([0.0], [0.0], 1.0, reduction="avg"), "reduction"),
    (lambda: xb.differential_entropy_histogram([], 1.0), "samples"),
    (lambda: xb.differential_entropy_histogram([1.0, np.nan], 1.0), "samples"),
    (lambda: xb.differential_entropy_histogram([1.0], 0.0), "bin_width"),
    (lambda: xb.differential_entropy_histogram([1.0], 1.0, origin=np.inf), "origin"),
    (lambda: xb.fit_gaussian_regression([1.0, 2.0], [1.0]), "x"),
    (
        lambda: xb.fit_gaussian_regression([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], groups=[0, 1, 1]),
        "groups",
    ),
    (lambda: xb.fit_gaussian_regression([1.0, 1.0], [1.0, 2.0]), "x"),
]


@pytest.mark.parametrize(("call", "name"), BAD)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        call()


# --- the Gaussian regression fit ------------------------------------------------------------


def test_one_group_is_ordinary_least_squares():
    rng = np.random.default_rng(7)
    x = rng.uniform(170, 230, size=80)
    y = 50 * x - 6000 + rng.normal(scale=300, size=80)
    fit = xb.fit_gaussian_regression(x, y)
    slope, intercept = np.polyfit(x, y, 1)
    assert (fit.slope, fit.intercept) == pytest.approx((slope, intercept), rel=1e-10)
    residual = y - (fit.intercept + fit.slope * x)
    assert fit.sigma[0] == pytest.approx(np.sqrt(np.mean(residual**2)))
    nll = xb.gaussian_nll(fit.intercept + fit.slope * x, y, fit.sigma[0] ** 2, full=True, eps=0)
    assert fit.nll == pytest.approx(nll)
    assert fit.iterations == 1


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=20)
def test_grouped_fit_is_a_stationary_point(seed):
    # At the maximum of the likelihood: each sigma_g is its group's RMS residual, the line
    # is the weighted least-squares line, and nudging any parameter raises the NLL.
    rng = np.random.default_rng(seed)
    g = np.repeat([0, 1, 2], 20)
    x = rng.normal(size=60)
    y = 1 + 2 * x + np.array([0.2, 1.0, 3.0])[g] * rng.normal(size=60)
    fit = xb.fit_gaussian_regression(x, y, groups=g)
    residual = y - (fit.intercept + fit.slope * x)
    for k in range(3):
        assert fit.sigma[k] == pytest.approx(np.sqrt(np.mean(residual[g == k] ** 2)), rel=1e-9)

    def nll(a, b, sigma):
        return xb.gaussian_nll(a + b * x, y, sigma[g] ** 2, full=True, eps=0)

    assert fit.nll == pytest.approx(nll(fit.intercept, fit.slope, fit.sigma), rel=1e-12)
    for da, db in ((1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)):
        assert nll(fit.intercept + da, fit.slope + db, fit.sigma) > fit.nll


def test_fit_is_the_same_for_any_order_of_the_data():
    # Exactly rounded sums: a permutation of the rows gives the same bits.
    rng = np.random.default_rng(11)
    x, g = rng.normal(size=40), np.arange(40) % 2
    y = x + (1 + g) * rng.normal(size=40)
    order = rng.permutation(40)
    one = xb.fit_gaussian_regression(x, y, groups=g)
    two = xb.fit_gaussian_regression(x[order], y[order], groups=g[order])
    assert (one.intercept, one.slope) == (two.intercept, two.slope)
    assert np.array_equal(one.sigma, two.sigma)
