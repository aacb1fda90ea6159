"""The book's data: letter frequencies, Morse code, real texts, digits, penguins and synthetic sets.

The tables live next to this module as CSV files, verbatim as published; the
functions here read them, fold them onto a shared alphabet and validate nothing
away. Where every number comes from is recorded in ``SOURCES.md`` in this folder.
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from collections.abc import Iterable
from importlib import resources
from typing import NamedTuple

import numpy as np

from .. import _validation as v
from .. import cross_entropy, entropy, kl_divergence
from ._canterbury import canterbury, xz_sizes
from ._digits import digits
from ._penguins import Penguins, penguins
from ._synthetic import LinearModel, multiclass_data, two_class_data, two_class_truth

__all__ = [
    "LanguageCost",
    "LinearModel",
    "Penguins",
    "canterbury",
    "digits",
    "language_table",
    "letter_frequencies",
    "letter_sample",
    "morse_code",
    "morse_duration",
    "multiclass_data",
    "penguins",
    "two_class_data",
    "two_class_truth",
    "xz_sizes",
]

ALPHABET = tuple("abcdefghijklmnopqrstuvwxyz")

# Ligatures become the letters they stand for; every other accented letter loses its
# accent (Unicode decomposition: 'é' is 'e' followed by a combining acute accent).
_LIGATURES = {"œ": "oe", "ß": "ss"}

# Morse timing in dot units, Recommendation ITU-R M.1677-1, Part I, section 2.
_DOT, _DASH, _ELEMENT_GAP, _LETTER_GAP = 1, 3, 1, 3


@functools.cache
def _read_csv(name: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    rows = [row for row in csv.reader(text.splitlines()) if row and not row[0].startswith("#")]
    return tuple(rows[0]), tuple(tuple(row) for row in rows[1:])


def _fold(character: str) -> str:
    """The a-z letters that ``character`` becomes on the shared 26-letter alphabet."""
    if character in _LIGATURES:
        return _LIGATURES[character]
    return unicodedata.normalize("NFD", character)[0]


@functools.cache
def _published(language: str) -> tuple[np.ndarray, float]:
    """Folded percentages over a-z (not yet normalised) and the published total."""
    header, rows = _read_csv("letter_frequencies.csv")
    column = header.index(language)
    percent = dict.fromkeys(ALPHABET, 0.0)
    total = 0.0
    for row in rows:
        value = float(row[column])
        total += value
        for letter in _fold(row[0]):
            percent[letter] += value
    return np.array([percent[letter] for letter in ALPHABET]), total


def _languages() -> tuple[str, ...]:
    return _read_csv("letter_frequencies.csv")[0][1:]


def letter_frequencies(language: str) -> tuple[tuple[str, ...], np.ndarray]:
    """Published letter frequencies of a language, on the 26 letters a-z.

    Parameters
    ----------
    language : str
        One of ``'english'``, ``'french'``, ``'german'``, ``'spanish'`` (any case).

    Returns
    -------
    symbols : tuple of str
        The letters ``'a'`` to ``'z'``, the same 26 for every language, so that a
        code built for one language can be used on another.
    probabilities : ndarray
        The probability of each letter in running text (float64, sums to 1).

    See Also
    --------
    huffman_code, shannon_code, arithmetic_encode

    Notes
    -----
    Sources (details in ``xentbook/data/SOURCES.md``):

    * English: Lewand (2000), *Cryptological Mathematics*, p. 36, the table of
      letter frequencies in English text, as reproduced in the Wikipedia table below.
    * French, German, Spanish: the table "Relative frequencies of letters in other
      languages" of the English Wikipedia article "Letter frequency", as it stood on
      9 January 2020. Wikipedia attributes each column to its own source; those
      primary sources were not checked here.

    Folding onto a-z. Letters with diacritics count as their base letter (é, è,
    ê, ë as e; ç as c; ñ as n; ä, ö, ü as a, o, u, and so on), and the ligatures
    count as the letters they stand for: œ as o and e, German ß as s and s. For a
    published percentage :math:`f_c` of character :math:`c`, letter :math:`x` gets

    .. math::

        p(x) = \\frac{\\sum_c f_c \\, n_x(c)}{\\sum_c f_c \\, |c|},

    where :math:`n_x(c)` counts the :math:`x` in the folded form of :math:`c` and
    :math:`|c|` is its length (2 for the ligatures, 1 otherwise). So p is the letter
    distribution of the text with its accents removed.

    Normalisation. Published percentages are rounded and do not sum to exactly
    100: over every character listed, they sum to 99.999 (English), 100.060
    (French), 100.002 (German) and 100.000 (Spanish). Spelling out the ligatures
    adds 0.018 (French œ) and 0.307 (German ß) letters per 100 characters, giving
    totals of 99.999, 100.078, 100.309 and 100.000 letters. The probabilities are
    the folded percentages divided by these totals, which scales every letter by
    the same factor: 1.00001, 0.99922, 0.99692 and 1.

    No letter has probability zero in any of the four tables, so every letter has
    a codeword in every code built from them.

    Examples
    --------
    The most frequent letter is e in all four languages, and it is most frequent of
    all in German:

    >>> import xentbook as xb
    >>> letters, p_en = xb.letter_frequencies("english")
    >>> letters[:5]
    ('a', 'b', 'c', 'd', 'e')
    >>> print(round(float(p_en[letters.index("e")]), 4))
    0.127
    >>> _, p_de = xb.letter_frequencies("German")
    >>> print(round(float(p_de[letters.index("e")]), 4))
    0.1635

    A code built for English costs more than H(P) bits per letter on French text;
    the excess is KL(P_fr || Q_en):

    >>> _, p_fr = xb.letter_frequencies("french")
    >>> print(xb.entropy(p_fr, base=2).round(3), xb.kl_divergence(p_fr, p_en, base=2).round(3))
    4.014 0.228
    """
    percent, _ = _published(_language_key(language, "language"))
    return ALPHABET, percent / percent.sum()


def _language_key(language, name: str) -> str:
    """The table's column for ``language`` (any case); the error names the argument ``name``."""
    key = language.lower() if isinstance(language, str) else language
    return v.check_choice(language, _languages(), name, "has no letter frequencies here", key)


def letter_sample(language: str, n: int, *, seed: int) -> np.ndarray:
    """``n`` letters drawn independently from a language's letter frequencies.

    The book's running example of a message: chapter 3 codes such a sample of
    English, and chapter 4 measures the cost of the wrong code on the same one.

    Parameters
    ----------
    language : str
        A language of :func:`letter_frequencies`.
    n : int
        The number of letters (at least 0).
    seed : int
        Seed for ``numpy.random.default_rng``; the same seed gives the same letters.

    Returns
    -------
    ndarray of str
        The letters, shape ``(n,)``, each one of ``'a'`` to ``'z'``.

    See Also
    --------
    letter_frequencies, arithmetic_encode

    Notes
    -----
    The letters are ``default_rng(seed).choice(letters, size=n, p=p)``, with
    ``letters, p = letter_frequencies(language)``. Each letter is independent of
    the others, so the ideal code length of the sample is ``n`` times the entropy
    on average; real text, whose letters depend on each other, can be coded in
    fewer bits.

    Examples
    --------
    Ten letters of English; the same seed gives the same letters.

    >>> import xentbook as xb
    >>> "".join(xb.letter_sample("english", 10, seed=2026))
    'eojhhsteof'
    >>> bool((xb.letter_sample("english", 10, seed=2026) == list("eojhhsteof")).all())
    True
    """
    n = v.check_integer(n, "n", minimum=0)
    seed = v.check_seed(seed)
    letters, p = letter_frequencies(language)
    return np.random.default_rng(seed).choice(letters, size=n, p=p)


class LanguageCost(NamedTuple):
    """What coding text of one language with another language's code costs, per letter."""

    entropy: float  # H(P) of the text's language
    cross_entropy: float  # H(P, Q): the ideal cost with the code built for Q
    kl_divergence: float  # KL(P || Q) = H(P, Q) - H(P): the price of the wrong code


def language_table(truth: str = "english", *, base: float | None = 2) -> dict[str, LanguageCost]:
    """The cost of coding text of one language with the code of each language.

    Parameters
    ----------
    truth : str, optional
        The language of the text, P. Default ``'english'``.
    base : float, optional
        Base of the logarithm; the default 2 gives bits per letter, None nats.

    Returns
    -------
    dict of str to LanguageCost
        For each language Q of :func:`letter_frequencies`, in their order, the
        entropy H(P), the cross-entropy H(P, Q) and the divergence KL(P || Q).

    See Also
    --------
    letter_frequencies, cross_entropy, kl_divergence

    Notes
    -----
    .. math::

        H(P, Q) = H(P) + \\mathrm{KL}(P \\,\\|\\, Q),

    so the row of the text's own language has ``cross_entropy == entropy`` and a
    divergence of 0. Every letter has a positive probability in every language,
    so every cost is finite.

    Examples
    --------
    English text costs the fewest bits with the English code; the French code
    costs KL(P || Q) bits more per letter.

    >>> import xentbook as xb
    >>> table = xb.language_table("english")
    >>> list(table)
    ['english', 'french', 'german', 'spanish']
    >>> print(round(table["english"].cross_entropy, 4), round(table["french"].cross_entropy, 4))
    4.1758 4.5359
    >>> print(round(table["french"].kl_divergence, 4))
    0.3601
    """
    _, p = letter_frequencies(_language_key(truth, "truth"))
    h = float(entropy(p, base=base))
    table = {}
    for language in _languages():
        _, q = letter_frequencies(language)
        table[language] = LanguageCost(
            h, float(cross_entropy(p, q, base=base)), float(kl_divergence(p, q, base=base))
        )
    return table


def morse_code(*, digits: bool = False) -> dict[str, str]:
    """The International Morse code for the letters a-z (and optionally 0-9).

    Parameters
    ----------
    digits : bool, optional
        Also include the figures '0' to '9'. Default False: letters only.

    Returns
    -------
    dict of str to str
        Each character (lower case) mapped to its pattern of dots ``'.'`` and
        dashes ``'-'``, letters in alphabetical order.

    See Also
    --------
    morse_duration, letter_frequencies

    Notes
    -----
    The table is Recommendation ITU-R M.1677-1 (2009), Part I. Its timing, in
    units of one dot, is: a dash lasts 3 dots, the gap between the elements of one
    character 1, the gap between characters 3 (and between words 7). So a pattern
    with :math:`d` dots and :math:`h` dashes lasts

    .. math::

        T = d + 3h + (d + h - 1) \\text{ units},

    which :func:`morse_duration` computes. Morse gave the shortest patterns to the
    letters printers used most (e is one dot, t one dash): a variable-length code
    fitted by hand to English letter frequencies. Unlike the codes of
    :func:`huffman_code`, it is not prefix-free on its own (e, '.', is a prefix of
    a, '.-'): the gaps act as a third symbol that marks where each letter ends.

    Examples
    --------
    >>> import xentbook as xb
    >>> morse = xb.morse_code()
    >>> morse["e"], morse["t"], morse["q"]
    ('.', '-', '--.-')
    >>> len(morse), len(xb.morse_code(digits=True))
    (26, 36)

    Frequent English letters got short patterns: e lasts 1 unit, q 13.

    >>> xb.morse_duration(morse["e"]), xb.morse_duration(morse["q"])
    (1, 13)
    """
    _, rows = _read_csv("morse_code.csv")
    table = dict(rows)
    if v.check_flag(digits, "digits"):
        return dict(sorted(table.items(), key=lambda kv: (kv[0].isdigit(), kv[0])))
    return {letter: table[letter] for letter in ALPHABET}


def morse_duration(pattern, *, letter_gap: bool = False):
    """How long a Morse pattern takes to send, in dot units.

    Parameters
    ----------
    pattern : str or iterable of str
        A pattern of dots ``'.'`` and dashes ``'-'`` such as ``'.-'``, or several.
    letter_gap : bool, optional
        Add the 3-unit gap that follows each character inside a message, so that
        durations add up to the length of a message. Default False: the character
        alone.

    Returns
    -------
    int or ndarray of int
        The duration in dot units: an int for one pattern, an array for several.

    See Also
    --------
    morse_code

    Notes
    -----
    With :math:`d` dots and :math:`h` dashes (ITU-R M.1677-1 timing):

    .. math::

        T = \\begin{cases}
            d + 3h + (d + h - 1) & \\text{the character alone,} \\\\
            d + 3h + (d + h - 1) + 3 & \\text{with the gap after it.}
        \\end{cases}

    Examples
    --------
    The letter a is a dot, a 1-unit gap and a dash: 5 units, 8 with the gap that
    separates it from the next letter.

    >>> import xentbook as xb
    >>> xb.morse_duration(".-"), xb.morse_duration(".-", letter_gap=True)
    (5, 8)

    The average duration of an English letter, weighting each by its frequency:

    >>> letters, p = xb.letter_frequencies("english")
    >>> morse = xb.morse_code()
    >>> units = xb.morse_duration([morse[c] for c in letters])
    >>> print(round(float(p @ units), 2))
    6.08
    """
    letter_gap = v.check_flag(letter_gap, "letter_gap")
    if isinstance(pattern, str) or not isinstance(pattern, Iterable):
        return _duration(pattern, letter_gap)
    return np.array([_duration(p, letter_gap) for p in pattern], dtype=np.int64)


def _duration(pattern, letter_gap: bool) -> int:
    if not isinstance(pattern, str) or not pattern or set(pattern) - {".", "-"}:
        raise ValueError(
            f"`pattern` must be a non-empty string of dots '.' and dashes '-'; got {pattern!r}."
        )
    dots, dashes = pattern.count("."), pattern.count("-")
    units = _DOT * dots + _DASH * dashes + _ELEMENT_GAP * (len(pattern) - 1)
    return units + (_LETTER_GAP if letter_gap else 0)
