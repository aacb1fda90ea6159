"""Tests for xentbook._coding: Shannon and Huffman prefix codes, and the arithmetic coder."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import distribution_pairs, distributions, models_and_messages, symbol_labels

import xentbook as xb


def surprisal_bits(message, q):
    """-log2 Q(message) for a message of symbol indices, summed exactly enough in float64."""
    return math.fsum(-math.log2(q[s]) for s in message)


# --- Reference tables ---------------------------------------------------------------------------

SHANNON_LENGTHS = [
    # Powers of two: the length is exactly the surprisal, by hand.
    ([0.5, 0.25, 0.125, 0.125], [1, 2, 3, 3]),
    # By hand: -log2 of 0.4, 0.3, 0.2, 0.1 is 1.32, 1.74, 2.32, 3.32; rounded up.
    ([0.4, 0.3, 0.2, 0.1], [2, 2, 3, 4]),
    # A certain symbol needs no bits; an impossible one would need infinitely many.
    ([1.0, 0.0], [0, math.inf]),
    # The smallest subnormal float is 2**-1074, so its length is exactly 1074.
    ([5e-324, 0.3, 0.7], [1074, 2, 1]),
]

HUFFMAN_LENGTHS = [
    # Cover & Thomas (2006), Example 5.6.1: lengths (2, 2, 2, 3, 3), L = 2.3 bits.
    ([0.25, 0.25, 0.2, 0.15, 0.15], [2, 2, 2, 3, 3], 2.3),
    # Dyadic (Cover & Thomas 2006, Ch. 5): lengths equal surprisals, L = H = 1.75 bits.
    ([0.5, 0.25, 0.125, 0.125], [1, 2, 3, 3], 1.75),
    # By hand: merge 0.1 + 0.3, then 0.4 + 0.6; L = 0.6 + 2 * 0.4 = 1.4 bits.
    ([0.6, 0.3, 0.1], [1, 2, 2], 1.4),
    # The documented tie-break, by hand: leaves 0+1 merge, then 2+3, then 4 with (0+1),
    # then (2+3) with the rest; so symbols 0 and 1 end three deep, the others two.
    ([0.2] * 5, [3, 3, 2, 2, 2], 2.4),
]


@pytest.mark.parametrize(("q", "expected"), SHANNON_LENGTHS)
def test_shannon_code_lengths_reference_values(q, expected):
    np.testing.assert_array_equal(xb.shannon_code_lengths(q), expected)


def test_shannon_code_lengths_are_exact_where_floating_point_log_is_not():
    # The naive formula computes -log(2**-29) / log(2) as 29.000000000000004 and gets 30.
    assert math.ceil(-math.log(2.0**-29) / math.log(2)) == 30
    lengths = xb.shannon_code_lengths([2.0**-29, 0.25, 0.5, 0.25 - 2.0**-29])
    np.testing.assert_array_equal(lengths, [29, 2, 1, 3])
    # Lengths are exact for the float given: just below 0.25 genuinely needs 3 bits.
    below = np.nextafter(0.25, 0)
    assert xb.shannon_code_lengths([below, 1 - below])[0] == 3
    assert xb.shannon_code_lengths(np.array([0.25, 0.75], dtype=np.float32))[0] == 2


@pytest.mark.parametrize(("q", "lengths", "mean"), HUFFMAN_LENGTHS)
def test_huffman_reference_values(q, lengths, mean):
    code = xb.huffman_code(q)
    np.testing.assert_array_equal(code.lengths, lengths)
    assert code.expected_length(q) == pytest.approx(mean, rel=1e-12)


def test_huffman_dyadic_code_is_the_textbook_code():
    # Cover & Thomas (2006), Ch. 5: the code 0, 10, 110, 111 for (1/2, 1/4, 1/8, 1/8).
    code = xb.huffman_code([0.5, 0.25, 0.125, 0.125], symbols="abcd")
    assert code.codewords == {"a": "0", "b": "10", "c": "110", "d": "111"}
    assert code.encode("abcd") == "010110111"


def test_arithmetic_code_of_a_fair_coin_is_the_message_itself():
    # Halving the interval per symbol writes the binary fraction 0.b1 b2 ...; trailing
    # zeros are dropped because the decoder reads missing bits as zeros.
    assert xb.arithmetic_encode([1, 0, 1, 1], [0.5, 0.5]) == "1011"
    assert xb.arithmetic_encode([1, 0, 1, 0, 0], [0.5, 0.5]) == "101"
    assert xb.arithmetic_decode("101", [0.5, 0.5], 5) == [1, 0, 1, 0, 0]


# --- Theorems -----------------------------------------------------------------------------------


def brute_force_optimum(q):
    """Least expected length over all Kraft-feasible integer length vectors (n <= 6)."""
    n = len(q)
    grid = np.array(list(itertools.product(range(1, n), repeat=n)), dtype=float)
    feasible = grid[(2.0**-grid).sum(axis=1) <= 1]
    return float((feasible @ np.asarray(q)).min())


@settings(max_examples=60, deadline=None)
@given(distributions(min_size=2, max_size=6, zeros=False))
def test_huffman_is_optimal(q):
    # Kraft-McMillan: a prefix code with lengths l exists iff sum 2**-l <= 1, so the best
    # prefix code is the best Kraft-feasible length vector.
    assert xb.huffman_code(q).expected_length(q) == pytest.approx(
        brute_force_optimum(q), rel=1e-12, abs=1e-12
    )


@given(distributions(min_size=1, max_size=27))
def test_huffman_source_coding_theorem(q):
    code = xb.huffman_code(q)
    support = int((q > 0).sum())
    assert code.is_prefix_free()
    assert len(code.codewords) == support
    h = xb.entropy(q, base=2)
    length = code.expected_length(q)
    assert length >= h - 1e-9
    if support >= 2:
        # Strict in exact arithmetic; the slack covers H(q) rounding to 0 for q = (1e-38, 1).
        assert length < h + 1 + 1e-12
        assert code.kraft_sum() == 1.0
    else:  # one certain symbol: the 1-bit codeword '0'
        assert code.codewords == {int(np.flatnonzero(q)[0]): "0"}


@given(distributions(min_size=1, max_size=27))
def test_shannon_kraft_inequality(q):
    code = xb.shannon_code(q)
    assert code.is_prefix_free()
    assert code.kraft_sum() <= 1.0
    finite = np.isfinite(code.lengths)
    np.testing.assert_array_equal(
        code.lengths[finite], np.maximum(xb.shannon_code_lengths(q)[finite], 1)
    )


@given(distribution_pairs(min_size=2, max_size=27))
def test_shannon_code_cross_entropy_bound(pq):
    p, q = pq
    q = np.where((p > 0) & (q == 0), 1e-3, q)  # p must be absolutely continuous w.r.t. q
    q = q / q.sum()
    if (q == 1).any():
        return  # a lone certain symbol gets the 1-bit floor, meeting H + 1 with equality
    code = xb.shannon_code(q)
    h_pq = xb.cross_entropy(p, q, base=2)
    length = code.expected_length(p)
    assert h_pq - 1e-9 <= length < h_pq + 1 + 1e-9  # slack for rounding in H(p, q) only
    # The same bound term by term, exactly: 2**-l_i <= q_i < 2**(1 - l_i) where p_i > 0, for
    # q itself or, when rounding left sum(q) above 1 and q's lengths broke Kraft, for q / sum(q).
    total = sum(Fraction(x) for x in q)
    for p_i, q_i, l_i in zip(p, q, code.lengths, strict=True):
        if p_i > 0 and q_i < 1:
            share = Fraction(q_i) / total
            lo, hi = Fraction(2) ** -int(l_i), Fraction(2) ** (1 - int(l_i))
            assert lo <= Fraction(q_i) < hi or lo <= share < hi


def test_huffman_under_the_wrong_distribution_breaks_the_cross_entropy_bound():
    # Found by exhaustive search over distributions of 3-5 distinct probabilities in
    # multiples of 1/40: Huffman gives symbol 3 (q = 0.15, surprisal 2.74 bits) a 4-bit
    # codeword, 1.26 bits more than its surprisal. (No ties, so no tie-break involved.)
    q = [0.4, 0.225, 0.2, 0.15, 0.025]
    p = [0, 0, 0, 1, 0]
    huffman = xb.huffman_code(q)
    np.testing.assert_array_equal(huffman.lengths, [1, 2, 3, 4, 4])
    h_pq = xb.cross_entropy(p, q, base=2)
    assert huffman.expected_length(p) >= h_pq + 1
    # The Shannon code for the same q keeps the bound.
    assert h_pq <= xb.shannon_code(q).expected_length(p) < h_pq + 1
    # The lower bound fails too, by hand: Huffman gives q = 0.1 a 2-bit codeword.
    q, p = [0.45, 0.45, 0.1], [0, 0, 1]
    assert xb.huffman_code(q).expected_length(p) < xb.cross_entropy(p, q, base=2)


ARITHMETIC_CASES = [(k, n) for k in (2, 5, 27) for n in (1, 50, 20_000)]


@pytest.mark.parametrize(("k", "n"), ARITHMETIC_CASES)
def test_arithmetic_code_length_bound(k, n):
    rng = np.random.default_rng(1000 * k + n)
    q = rng.dirichlet(np.full(k, 0.3))
    q[0] = 1e-9  # a rare symbol, coded often below: the worst case for quantisation
    q /= q.sum()
    for p in (q, np.full(k, 1 / k), np.eye(k)[0]):
        message = rng.choice(k, size=n, p=p).tolist()
        bits = xb.arithmetic_encode(message, q)
        assert len(bits) <= surprisal_bits(message, q) + 0.001 * n + 16
        assert xb.arithmetic_decode(bits, q, n) == message


def test_arithmetic_bits_per_symbol_approach_cross_entropy():
    rng = np.random.default_rng(7)
    letters, p = xb.letter_frequencies("english")
    _, q = xb.letter_frequencies("german")
    n = 20_000
    idx = rng.choice(26, size=n, p=p)
    bits = xb.arithmetic_encode([letters[i] for i in idx], q, symbols=letters)
    # Law of large numbers: within 4 standard errors of H(P, Q), plus the coder's overhead.
    costs = -np.log2(q[idx])
    margin = 4 * costs.std() / math.sqrt(n) + 0.001 + 16 / n
    assert abs(len(bits) / n - xb.cross_entropy(p, q, base=2)) < margin
    assert len(bits) / n > xb.entropy(p, base=2)


# --- Properties: round trips ----------------------------------------------------------------------


@settings(deadline=None)
@given(models_and_messages())
def test_round_trips_with_default_symbols(case):
    q, message = case
    for code in (xb.huffman_code(q), xb.shannon_code(q)):
        assert code.decode(code.encode(message)) == message
    bits = xb.arithmetic_encode(message, q)
    assert xb.arithmetic_decode(bits, q, len(message)) == message
    assert len(bits) <= surprisal_bits(message, q) + 0.001 * len(message) + 16


@settings(deadline=None)
@given(st.data())
def test_round_trips_with_custom_symbols(data):
    q, message = data.draw(models_and_messages(max_size=10))
    labels = data.draw(symbol_labels(q.size))
    text = [labels[i] for i in message]
    for code in (xb.huffman_code(q, labels), xb.shannon_code(q, labels)):
        assert code.decode(code.encode(text)) == text
    bits = xb.arithmetic_encode(text, q, labels)
    assert xb.arithmetic_decode(bits, q, len(text), labels) == text


def test_letters_strings_and_tuples_as_symbols():
    q = [0.5, 0.3, 0.2]
    for labels, message in [
        ("xyz", "zyxxz"),
        (["sun", "rain", "snow"], ["rain", "sun", "snow"]),
        ([(0, 0), (0, 1), (1, 1)], [(1, 1), (0, 0)]),
    ]:
        code = xb.huffman_code(q, labels)
        assert code.decode(code.encode(message)) == list(message)
        bits = xb.arithmetic_encode(message, q, labels)
        assert xb.arithmetic_decode(bits, q, len(message), labels) == list(message)


def test_numpy_integer_messages():
    message = np.array([2, 0, 1, 1])
    code = xb.shannon_code([0.5, 0.25, 0.25])
    assert code.decode(code.encode(message)) == [2, 0, 1, 1]
    bits = xb.arithmetic_encode(message, [0.5, 0.25, 0.25])
    assert xb.arithmetic_decode(bits, [0.5, 0.25, 0.25], 4) == [2, 0, 1, 1]


# --- Edge cases ---------------------------------------------------------------------------------


def test_single_symbol_alphabet():
    for code in (xb.huffman_code([1.0], "a"), xb.shannon_code([1.0], "a")):
        assert code.codewords == {"a": "0"}
        assert code.encode("aaa") == "000"
        assert code.decode("000") == ["a", "a", "a"]
    # A certain message carries no information: the arithmetic code is empty.
    assert xb.arithmetic_encode("aaaa", [1.0], "a") == ""
    assert xb.arithmetic_decode("", [1.0], 4, "a") == ["a"] * 4


def test_empty_message():
    code = xb.huffman_code([0.5, 0.5])
    assert code.encode([]) == ""
    assert code.decode("") == []
    assert xb.arithmetic_encode([], [0.5, 0.5]) == ""
    assert xb.arithmetic_decode("", [0.5, 0.5], 0) == []


def test_zero_probability_symbols_get_no_codeword():
    q = [0.5, 0.0, 0.5]
    for code in (xb.huffman_code(q, "abc"), xb.shannon_code(q, "abc")):
        assert set(code.codewords) == {"a", "c"}
        assert code.lengths[1] == math.inf
        assert code.expected_length([0.5, 0.0, 0.5]) == 1.0
        assert code.expected_length([0.5, 0.5, 0.0]) == math.inf


def test_huffman_is_deterministic():
    q = [0.1, 0.2, 0.2, 0.2, 0.1, 0.2]
    assert xb.huffman_code(q).codewords == xb.huffman_code(list(q)).codewords
    assert xb.huffman_code([0.25] * 4).codewords == {0: "00", 1: "01", 2: "10", 3: "11"}


def test_hand_made_codes():
    morse_like = xb.PrefixCode({"e": "0", "a": "01", "t": "1"})
    assert not morse_like.is_prefix_free()
    assert morse_like.kraft_sum() == 1.25  # above 1: Kraft says no prefix code has these lengths
    with pytest.raises(ValueError, match="not prefix-free"):
        morse_like.decode("01")
    assert not xb.PrefixCode({"a": "01", "b": "01"}).is_prefix_free()
    code = xb.PrefixCode({"a": "0"}, symbols="ab", q=[1.0, 0.0])
    np.testing.assert_array_equal(code.lengths, [1, math.inf])


def test_repr_shows_each_symbol_with_its_codeword():
    code = xb.huffman_code([0.5, 0.25, 0.25, 0.0], "abcd")
    header, columns, *rows = repr(code).splitlines()
    assert header.startswith(f"{code.name} for 4 symbol(s), Kraft sum {code.kraft_sum():.6g}")
    assert columns.split() == ["symbol", "q", "length", "codeword"]
    for row, symbol, q, length in zip(rows, "abcd", code.q, code.lengths, strict=True):
        cells = row.split()
        assert cells[0] == repr(symbol)
        assert float(cells[1]) == q
        assert float(cells[2]) == length
        assert cells[3] == code.codewords.get(symbol, "(none)")


def test_repr_of_a_long_code_is_cut_short():
    code = xb.huffman_code(np.full(100, 0.01))
    lines = repr(code).splitlines()
    assert len(lines) < 100
    assert any(line.split() == ["..."] for line in lines)
    assert lines[-1].split()[0] == repr(code.symbols[-1])


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "match"),
    [
        ([0.5, 0.6], "`q` must sum to 1"),
        ([1.5, -0.5], "`q` must not contain negative"),
        ([[0.5, 0.5], [0.5, 0.5]], "`q` must be a 1-D distribution"),
        ([], "`q` has no outcomes"),
        (["a", "b"], "`q` must hold real numbers"),
    ],
)
def test_bad_q(q, match):
    for make in (xb.huffman_code, xb.shannon_code, xb.shannon_code_lengths):
        with pytest.raises(ValueError, match=match):
            make(q)
    with pytest.raises(ValueError, match=match):
        xb.arithmetic_encode([0], q)
    with pytest.raises(ValueError, match=match):
        xb.arithmetic_decode("", q, 0)


def test_q_just_over_one_gets_lengths_that_keep_kraft():
    # Sums to 1 + 1e-9, within the validators' tolerance, but 1/2 + 1/4 + 1/4 + 2**-30 > 1:
    # the lengths are then those of q / sum(q), worked out by hand: 0.5 / (1 + 1e-9) is just
    # below 1/2, so it needs 2 bits, and so on.
    q = [0.5, 0.25, 0.25, 1e-9]
    np.testing.assert_array_equal(xb.shannon_code_lengths(q), [2, 3, 3, 30])
    assert xb.shannon_code(q).kraft_sum() <= 1
    # Rounding that leaves room changes nothing.
    np.testing.assert_array_equal(xb.shannon_code_lengths([0.5, 0.25, 0.25]), [1, 2, 2])


def test_bad_symbols():
    with pytest.raises(ValueError, match=r"`symbols` has 2 label.*`q` has 3"):
        xb.huffman_code([0.5, 0.25, 0.25], symbols="ab")
    with pytest.raises(ValueError, match="`symbols` holds 'a' more than once"):
        xb.shannon_code([0.5, 0.5], symbols="aa")
    with pytest.raises(ValueError, match="`symbols` holds \\[1\\], which is not hashable"):
        xb.arithmetic_encode([], [0.5, 0.5], symbols=[[1], [2]])
    with pytest.raises(ValueError, match="`symbols` must be an iterable"):
        xb.huffman_code([1.0], symbols=3)


def test_unknown_or_impossible_symbol_in_message():
    code = xb.huffman_code([0.5, 0.5, 0.0], "abc")
    with pytest.raises(ValueError, match="`message` holds 'x' at position 1, which is not one"):
        code.encode("axb")
    with pytest.raises(ValueError, match="holds 'c' at position 2, which has no codeword"):
        code.encode("abc")
    with pytest.raises(ValueError, match="`message` holds \\[0\\] at position 0"):
        code.encode([[0]])
    with pytest.raises(ValueError, match="`message` holds 'x' at position 0, which is not one"):
        xb.arithmetic_encode("x", [0.5, 0.5, 0.0], "abc")
    with pytest.raises(ValueError, match="`message` holds 'c' at position 1, which `q` gives"):
        xb.arithmetic_encode("ac", [0.5, 0.5, 0.0], "abc")


def test_bad_bits():
    code = xb.shannon_code([0.4, 0.3, 0.2, 0.1])  # codewords 00, 01, 100, 1010
    with pytest.raises(ValueError, match="`bits` must hold only '0' and '1'; it holds '2'"):
        code.decode("0120")
    with pytest.raises(ValueError, match="`bits` must be a string"):
        code.decode([0, 1])
    with pytest.raises(ValueError, match="`bits` ends in the middle of a codeword"):
        code.decode("00101")
    with pytest.raises(ValueError, match="`bits` holds '11' at position 2, which does not start"):
        code.decode("0011")
    with pytest.raises(ValueError, match="`bits` must hold only '0' and '1'"):
        xb.arithmetic_decode("01 1", [0.5, 0.5], 3)
    with pytest.raises(ValueError, match="`length` must be at least 0"):
        xb.arithmetic_decode("01", [0.5, 0.5], -1)


def test_bad_codewords_and_p():
    with pytest.raises(ValueError, match="`codewords` maps 'a' to '012'"):
        xb.PrefixCode({"a": "012"})
    with pytest.raises(ValueError, match="`codewords` maps 'a' to ''"):
        xb.PrefixCode({"a": ""})
    with pytest.raises(ValueError, match="`codewords` has a codeword for 'z'"):
        xb.PrefixCode({"z": "0"}, symbols="ab")
    with pytest.raises(ValueError, match="`p` must hold one probability per symbol"):
        xb.huffman_code([0.5, 0.5]).expected_length([1.0])
    with pytest.raises(ValueError, match="`p` must sum to 1"):
        xb.huffman_code([0.5, 0.5]).expected_length([0.5, 0.6])
