"""Claims the chapters make in prose, checked on inputs of our own.

The notebooks show one example of each claim; these tests check the general statement
(and that the chapters stay free of code that only runs where NumPy's int is 64-bit).
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest

import xentbook as xb

ROOT = Path(__file__).resolve().parents[1]
RNG_SEED = 20260


def _batch(n=6, k=4, seed=RNG_SEED):
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 2, (n, k))
    soft = rng.dirichlet(np.ones(k), size=n)
    index = rng.integers(0, k, n)
    weight = rng.uniform(0.5, 5.0, k)
    return logits, soft, index, weight


def _weighted_terms(soft, logits, weight):
    """Per-example -sum_c w_c p_c log softmax(z)_c, computed here with NumPy alone."""
    m = logits.max(axis=1, keepdims=True)
    log_q = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    return -(weight * soft * log_q).sum(axis=1)


# --- chapter 5's PyTorch table and chapter 6's "Weighted means divide by the weights" ------


def test_weighted_mean_of_probability_targets_divides_by_n():
    logits, soft, _, weight = _batch()
    terms = _weighted_terms(soft, logits, weight)
    mean = xb.softmax_cross_entropy(soft, logits, weight=weight)
    assert mean == pytest.approx(terms.sum() / len(soft), rel=1e-12)
    # the class-index denominator would give another number
    assert not math.isclose(mean, terms.sum() / (soft * weight).sum(), rel_tol=1e-3)


def test_weighted_mean_of_class_indices_divides_by_the_weights():
    logits, _, index, weight = _batch()
    one_hot = np.eye(logits.shape[1])[index]
    terms = _weighted_terms(one_hot, logits, weight)
    mean = xb.softmax_cross_entropy(index, logits, weight=weight)
    assert mean == pytest.approx(terms.sum() / weight[index].sum(), rel=1e-12)
    # the same targets as one-hot probabilities: same terms, divided by N instead
    soft_mean = xb.softmax_cross_entropy(one_hot, logits, weight=weight)
    assert soft_mean == pytest.approx(terms.sum() / len(index), rel=1e-12)
    assert not math.isclose(mean, soft_mean, rel_tol=1e-3)


def test_torch_divides_probability_targets_by_n_too():
    torch = pytest.importorskip(
        "torch", reason="PyTorch is optional: pip install torch==2.13.0 (the CPU build)"
    )
    logits, soft, index, weight = _batch()
    w = torch.tensor(weight)
    z = torch.tensor(logits)
    soft_loss = torch.nn.functional.cross_entropy(z, torch.tensor(soft), weight=w).item()
    terms = _weighted_terms(soft, logits, weight)
    assert soft_loss == pytest.approx(terms.sum() / len(soft), rel=1e-12)
    assert soft_loss == pytest.approx(xb.softmax_cross_entropy(soft, logits, weight=weight))
    index_loss = torch.nn.functional.cross_entropy(z, torch.tensor(index), weight=w).item()
    assert index_loss == pytest.approx(xb.softmax_cross_entropy(index, logits, weight=weight))


# --- chapter 3: add-alpha smoothing is a mixture with the uniform distribution -------------


@pytest.mark.parametrize("alpha", [0.01, 0.5, 1.0, 7.0])
def test_add_alpha_is_mixing_with_uniform(alpha):
    counts = np.random.default_rng(3).integers(0, 20, 26)
    counts[:3] = 0  # unseen letters
    n, k = counts.sum(), counts.size
    eps = k * alpha / (n + k * alpha)
    mixture = (1 - eps) * counts / n + eps / k
    np.testing.assert_allclose(xb.normalize(counts + alpha), mixture, rtol=1e-14)


# --- chapter 4: block coding closes the one-bit gap -----------------------------------------


@pytest.mark.parametrize("p", [[1 / 6] * 6, [0.7, 0.2, 0.1], [0.45, 0.3, 0.15, 0.1]])
def test_block_huffman_codes_are_within_one_over_k_of_the_entropy(p):
    p = np.asarray(p)
    h = xb.entropy(p, base=2)
    for k in (1, 2, 3):
        block = p
        for _ in range(k - 1):
            block = np.outer(block, p).ravel()
        names = ["".join(map(str, b)) for b in itertools.product(range(p.size), repeat=k)]
        per_symbol = xb.huffman_code(block, symbols=names).expected_length(block) / k
        assert h <= per_symbol < h + 1 / k


# --- portability: chapters run where NumPy's default int is 32-bit --------------------------


def _chapter_code():
    for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                yield path.name, "".join(cell["source"])


def test_chapters_do_not_call_bincount():
    # np.bincount refuses int64 input where the default int is 32-bit (Pyodide, some
    # Windows builds), and seeded generators return int64: count another way.
    offenders = sorted({name for name, code in _chapter_code() if "bincount" in code})
    assert offenders == []


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_chapter_5_empirical_distribution_with_any_int(dtype):
    rolls = np.random.default_rng(5).choice(6, size=60).astype(dtype)
    p_hat = np.mean(rolls[:, None] == np.arange(6), axis=0)  # as in chapter 5
    expected = [np.count_nonzero(rolls == face) / 60 for face in range(6)]
    np.testing.assert_array_equal(p_hat, expected)
