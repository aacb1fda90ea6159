"""Tests for xentbook.data: letter frequencies, samples and the language table, and Morse code."""

from __future__ import annotations

import numpy as np
import pytest

import xentbook as xb
from xentbook.data import _published

LANGUAGES = ["english", "french", "german", "spanish"]

# --- Reference tables ---------------------------------------------------------------------------

LETTERS = [
    # Lewand (2000), p. 36: e 12.702 %, over a table total of 99.999 %.
    ("english", "e", 12.702 / 99.999),
    ("english", "z", 0.074 / 99.999),
    # Wikipedia table (9 January 2020), French: e 14.715 + é 1.504 + è 0.271 + ê 0.218
    # + ë 0.008 + œ 0.018, over 100.060 % plus the extra letter of œ.
    ("french", "e", (14.715 + 1.504 + 0.271 + 0.218 + 0.008 + 0.018) / 100.078),
    # German: s 7.270 + ß 0.307 counted twice (ß is ss), over 100.002 + 0.307.
    ("german", "s", (7.270 + 2 * 0.307) / 100.309),
    # Spanish: n 6.712 + ñ 0.311, over 100.000.
    ("spanish", "n", (6.712 + 0.311) / 100.000),
]

# The totals quoted in letter_frequencies' docstring: published, then with ligatures spelt out.
TOTALS = {
    "english": (99.999, 99.999),
    "french": (100.060, 100.078),
    "german": (100.002, 100.309),
    "spanish": (100.000, 100.000),
}

MORSE = [
    # Recommendation ITU-R M.1677-1, Part I, section 1.1.
    ("e", "."),
    ("t", "-"),
    ("s", "..."),
    ("o", "---"),
    ("q", "--.-"),
    ("y", "-.--"),
    ("1", ".----"),
    ("0", "-----"),
]


@pytest.mark.parametrize(("language", "letter", "expected"), LETTERS)
def test_letter_frequency_reference_values(language, letter, expected):
    letters, p = xb.letter_frequencies(language)
    assert p[letters.index(letter)] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("language", LANGUAGES)
def test_published_totals_match_the_docstring(language):
    percent, published = _published(language)
    assert (round(published, 3), round(float(percent.sum()), 3)) == TOTALS[language]


@pytest.mark.parametrize(("character", "pattern"), MORSE)
def test_morse_reference_values(character, pattern):
    assert xb.morse_code(digits=True)[character] == pattern


@pytest.mark.parametrize(
    ("pattern", "units"),
    [
        (".", 1),  # one dot
        ("-", 3),  # a dash is three dots
        (".-", 5),  # dot, 1-unit gap, dash
        ("--.-", 13),  # 3 + 3 + 1 + 3 elements, 3 gaps
        ("-----", 19),  # five dashes and four gaps
    ],
)
def test_morse_duration_reference_values(pattern, units):
    assert xb.morse_duration(pattern) == units
    assert xb.morse_duration(pattern, letter_gap=True) == units + 3


# --- Properties ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_letter_frequencies_are_distributions_over_a_to_z(language):
    letters, p = xb.letter_frequencies(language)
    assert letters == tuple("abcdefghijklmnopqrstuvwxyz")
    assert p.dtype == np.float64
    assert p.shape == (26,)
    assert (p > 0).all()
    assert p.sum() == pytest.approx(1.0, abs=1e-15)
    # e is the most frequent letter in all four languages.
    assert letters[int(p.argmax())] == "e"


def test_language_names_ignore_case_and_results_are_fresh_copies():
    _, p = xb.letter_frequencies("English")
    p[:] = 0
    _, again = xb.letter_frequencies("english")
    assert again.sum() == pytest.approx(1.0)


def test_languages_differ_and_coding_across_them_costs_kl():
    _, p_en = xb.letter_frequencies("english")
    for language in LANGUAGES[1:]:
        _, q = xb.letter_frequencies(language)
        assert xb.kl_divergence(p_en, q, base=2) > 0.05


def test_morse_table_shape_and_prefix_property():
    letters_only = xb.morse_code()
    assert list(letters_only) == list("abcdefghijklmnopqrstuvwxyz")
    full = xb.morse_code(digits=True)
    assert len(full) == 36
    assert len(set(full.values())) == 36  # distinct patterns
    # Without its gaps Morse is not a prefix code: e ('.') starts a ('.-').
    binary = {c: p.replace(".", "0").replace("-", "1") for c, p in full.items()}
    assert not xb.PrefixCode(binary).is_prefix_free()


def test_morse_tracks_english_letter_frequencies():
    # The book's question: frequent letters get short patterns. Rank correlation between
    # frequency and duration is strongly negative (about -0.77).
    letters, p = xb.letter_frequencies("english")
    morse = xb.morse_code()
    units = xb.morse_duration([morse[c] for c in letters])
    ranks_p = np.argsort(np.argsort(p))
    ranks_units = np.argsort(np.argsort(units, kind="stable"), kind="stable")
    assert np.corrcoef(ranks_p, ranks_units)[0, 1] < -0.6
    assert units.dtype == np.int64


# --- Bad input ----------------------------------------------------------------------------------


def test_letter_sample_is_a_seeded_draw_from_the_frequencies():
    letters, p = xb.letter_frequencies("english")
    sample = xb.letter_sample("english", 100_000, seed=2026)
    assert sample.shape == (100_000,)
    assert set(sample) <= set(letters)
    np.testing.assert_array_equal(sample, xb.letter_sample("english", 100_000, seed=2026))
    assert (sample != xb.letter_sample("english", 100_000, seed=2027)).any()
    # Each frequency is within 5 standard errors of its probability.
    counts = np.array([np.sum(sample == c) for c in letters])
    assert np.all(np.abs(counts / sample.size - p) <= 5 * np.sqrt(p * (1 - p) / sample.size))


def test_language_table_obeys_the_chain_rule():
    # H(P, Q) = H(P) + KL(P || Q), and KL(P || P) = 0.
    for truth in LANGUAGES:
        table = xb.language_table(truth)
        assert list(table) == LANGUAGES
        for cost in table.values():
            assert cost.cross_entropy == pytest.approx(cost.entropy + cost.kl_divergence)
            assert cost.kl_divergence >= 0
        assert table[truth].kl_divergence == 0.0


def test_language_table_units():
    bits = xb.language_table("french")
    nats = xb.language_table("french", base=None)
    for language in LANGUAGES:
        assert nats[language].cross_entropy == pytest.approx(
            bits[language].cross_entropy * np.log(2)
        )


def test_unknown_language():
    with pytest.raises(ValueError, match=r"`language` 'klingon'.*'english', 'french', 'german'"):
        xb.letter_frequencies("klingon")
    with pytest.raises(ValueError, match="`language` 3 has no letter frequencies"):
        xb.letter_frequencies(3)


@pytest.mark.parametrize("pattern", ["", ".x-", 5, "._"])
def test_bad_morse_pattern(pattern):
    with pytest.raises(ValueError, match="`pattern` must be a non-empty string of dots"):
        xb.morse_duration(pattern)
    with pytest.raises(ValueError, match="`pattern` must be a non-empty string of dots"):
        xb.morse_duration([".", pattern])
