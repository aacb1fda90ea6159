"""Tests for xentbook._coding.context: PPM context models of bytes."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xentbook as xb

texts = st.binary(min_size=0, max_size=300)


# --- Reference values ---------------------------------------------------------------------------


def test_order_minus_one_is_uniform():
    # By hand: an empty model codes the first byte at order -1, uniform over 256 bytes.
    score = xb.adaptive_score(b"a")
    np.testing.assert_allclose(score.surprisal, [8.0])


def test_method_c_and_d_by_hand():
    # Fitted on b"aab" at order 0: n_a = 2, n_b = 1, u = 2.
    # Method C: q(a) = 2 / (3 + 2); method D: q(a) = (2*2 - 1) / (2*3).
    c = xb.ContextModel(order=0, escape="C").fit(b"aab").score(b"a")
    d = xb.ContextModel(order=0, escape="D").fit(b"aab").score(b"a")
    np.testing.assert_allclose(c.surprisal, [-math.log2(2 / 5)])
    np.testing.assert_allclose(d.surprisal, [-math.log2(3 / 6)])


def test_escape_with_exclusion_by_hand():
    # Order 0, method C, fitted on b"aab"; byte "c" escapes (2 / 5), then order -1 offers
    # the 254 bytes other than a and b (exclusion), so q(c) = 2/5 * 1/254.
    score = xb.ContextModel(order=0, escape="C").fit(b"aab").score(b"c")
    np.testing.assert_allclose(score.surprisal, [-math.log2(2 / 5 / 254)])


def test_adaptive_second_byte_by_hand():
    # b"aa", method D: the first a costs 8 bits; then order 0 has a with weight 1 and one
    # distinct byte, so q(a) = 1 / (1 + 1).
    np.testing.assert_allclose(xb.adaptive_score(b"aa", order=0).surprisal, [8.0, 1.0])


# --- Identities ---------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(texts, st.integers(0, 3), st.sampled_from("CD"))
def test_probabilities_sum_to_one_kraft(text, order, escape):
    # After any history, the model's probabilities of the 256 possible next bytes sum to 1.
    model = xb.ContextModel(order=order, escape=escape).fit(text)
    prefix = text[-order:] if order else b""
    bits = [model.score(prefix + bytes([b])).surprisal[-1] for b in range(256)]
    assert math.fsum(2.0 ** -np.array(bits)) == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(texts, texts, st.integers(0, 4))
def test_never_probability_zero(train, test, order):
    # Chapter 3's lesson: smoothing by escapes gives every byte a finite cost.
    score = xb.ContextModel(order=order).fit(train).score(test)
    assert np.all(np.isfinite(score.surprisal))
    assert np.all(score.surprisal <= 8 * (order + 2) + 16)


def test_units_relate_bits_nats_perplexity():
    score = xb.adaptive_score(b"abracadabra " * 20)
    assert score.nats_per_char == pytest.approx(score.bits_per_char * math.log(2))
    assert score.perplexity == pytest.approx(math.exp(score.nats_per_char))
    assert score.total_bits == pytest.approx(score.bits_per_char * 240)


def test_in_sample_bits_fall_with_order():
    text = xb.canterbury("alice29")[:20000]
    bits = [xb.ContextModel(order=k).fit(text).score(text).bits_per_char for k in range(6)]
    assert all(a > b for a, b in itertools.pairwise(bits))


def test_empty_text_scores_nothing():
    score = xb.adaptive_score(b"")
    assert score.surprisal.shape == (0,)
    assert score.total_bits == 0.0


# --- Validation ---------------------------------------------------------------------------------


def test_str_is_refused_with_a_hint():
    with pytest.raises(TypeError, match=r"`text` must be bytes, not str.*encode"):
        xb.adaptive_score("hello")
    with pytest.raises(TypeError, match="`text` must be bytes"):
        xb.ContextModel().fit([1, 2])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"order": -1}, "`order`"), ({"order": 9}, "at most 8"), ({"escape": "A"}, "`escape`")],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        xb.ContextModel(**kwargs)


def test_orders_in_sample_are_the_top_order():
    # A model fitted on a text has seen every context of that text, with its next byte.
    text = b"to be or not to be, that is the question"
    score = xb.ContextModel(order=3).fit(text).score(text)
    np.testing.assert_array_equal(score.orders, [0, 1, 2] + [3] * (len(text) - 3))


def test_orders_adaptive_start_at_minus_one():
    # Nothing is known before the first byte, and "b" is new after "a": both escape to -1.
    np.testing.assert_array_equal(xb.adaptive_score(b"aab", order=1).orders, [-1, 0, -1])
