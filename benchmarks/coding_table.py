"""English letters coded with codes built for four languages: what each code really costs.

For P = English letter frequencies and Q = the letter frequencies of English, French,
German and Spanish, it prints H(P), H(P, Q), the ideal cost -log2 Q(text) / n of the
sampled text itself, the bits per letter that the Shannon code, the Huffman code and the
arithmetic coder built for Q actually spend on the same 100,000 letters sampled from P,
and KL(P || Q); all in bits. Then it times the arithmetic coder
and the Huffman code on those letters.

Run from the repository root:

    python benchmarks/coding_table.py
    python benchmarks/coding_table.py --json coding.json   # also write the table as JSON
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from _bench import best_of, parser, write_json

import xentbook as xb

N_LETTERS = 100_000
SEED = 2024


def table_rows(text: str, letters: tuple[str, ...]) -> list[tuple]:
    rows = []
    n = len(text)
    for language, cost in xb.language_table("english").items():
        _, q = xb.letter_frequencies(language)
        shannon = len(xb.shannon_code(q, letters).encode(text)) / n
        huffman = len(xb.huffman_code(q, letters).encode(text)) / n
        arithmetic = len(xb.arithmetic_encode(text, q, letters)) / n
        ideal = sum(-np.log2(q[letters.index(c)]) * k for c, k in Counter(text).items()) / n
        rows.append(
            (
                language.capitalize(),
                cost.entropy,
                cost.cross_entropy,
                float(ideal),
                shannon,
                huffman,
                arithmetic,
                cost.kl_divergence,
            )
        )
    return rows


# The table's columns: the JSON key, then the printed header.
COLUMNS = {
    "q_built_from": "Q built from",
    "entropy": "H(P)",
    "cross_entropy": "H(P,Q)",
    "ideal": "-log2 Q(text)/n",
    "shannon": "Shannon",
    "huffman": "Huffman",
    "arithmetic": "Arithmetic",
    "kl_divergence": "KL(P||Q)",
}


def print_table(rows: list[tuple]) -> None:
    header = tuple(COLUMNS.values())
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    for name, *values in rows:
        print("| " + " | ".join([name, *(f"{x:.4f}" for x in values)]) + " |")


def timings(text: str, letters: tuple[str, ...], p: np.ndarray) -> dict[str, float]:
    """Best of 3 seconds to encode and decode ``text`` arithmetically and with Huffman's code."""
    n = len(text)
    enc = best_of(lambda: xb.arithmetic_encode(text, p, letters), 3)
    dec = best_of(lambda: xb.arithmetic_decode(enc.result, p, n, letters), 3)
    assert "".join(dec.result) == text
    code = xb.huffman_code(p, letters)
    henc = best_of(lambda: code.encode(text), 3)
    hdec = best_of(lambda: code.decode(henc.result), 3)
    assert "".join(hdec.result) == text
    return {
        "arithmetic_encode": enc.seconds,
        "arithmetic_decode": dec.seconds,
        "huffman_encode": henc.seconds,
        "huffman_decode": hdec.seconds,
    }


def print_timings(n: int, seconds: dict[str, float]) -> None:
    print(f"\nTimes for {n:,} letters (best of 3, seconds):")
    print(
        f"  arithmetic_encode {seconds['arithmetic_encode']:.3f}   "
        f"arithmetic_decode {seconds['arithmetic_decode']:.3f}"
    )
    print(
        f"  Huffman encode    {seconds['huffman_encode']:.3f}   "
        f"Huffman decode    {seconds['huffman_decode']:.3f}"
    )


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    letters, p = xb.letter_frequencies("english")
    text = "".join(xb.letter_sample("english", N_LETTERS, seed=SEED))
    print(
        f"P = English letter frequencies; {N_LETTERS:,} letters sampled with seed {SEED}; "
        "all values in bits per letter.\n"
    )
    rows = table_rows(text, letters)
    print_table(rows)
    seconds = timings(text, letters, p)
    print_timings(len(text), seconds)
    write_json(
        args.json,
        {
            "letters": N_LETTERS,
            "seed": SEED,
            "unit": "bits per letter",
            "rows": [dict(zip(COLUMNS, row, strict=True)) for row in rows],
            "seconds": seconds,
        },
    )


if __name__ == "__main__":
    main()
