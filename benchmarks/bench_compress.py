"""xentbook's compressor against zlib, bz2 and lzma on the four Canterbury texts.

Run from the repository root:

    python benchmarks/bench_compress.py
    python benchmarks/bench_compress.py --json compress.json
    python benchmarks/bench_compress.py --xz-table xentbook/data/xz_sizes.csv

It prints one table measured in one run: for each text and compressor, the
compressed size in bits per character, the size relative to bz2 (level 9), and the
speed of compression and decompression in KB/s (1 KB = 1000 bytes of the original
text; CPU time of this process, so that other load on a shared machine counts
less). For xentbook it also prints the coder's overhead: compressed bits minus the
adaptive model's code length, with and without the header. Every round trip is
checked. The script asserts nothing else; it reports the speed target (alice29
compressed and decompressed in at most ten seconds of CPU each), which is a timing
and so no test.

``--xz-table PATH`` writes, instead, the table that ``xb.xz_sizes`` reads where Python
has no lzma module (Pyodide): the bytes of xz -9e output for the prefixes of each text
that are whole tenths of it.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import json
import lzma
import time
import zlib

import numpy as np

import xentbook as xb

NAMES = ["alice29", "asyoulik", "lcet10", "plrabn12"]
ALICE_TARGET_S = 10  # compress and decompress alice29 each within this CPU time
HEADER_BYTES = 14  # magic tag 4, mode 1, length 3 (up to 2 MB), CRC-32 4, header check 2

COMPRESSORS = {
    "xentbook": (xb.compress, xb.decompress),
    "zlib-9": (lambda d: zlib.compress(d, 9), zlib.decompress),
    "bz2-9": (lambda d: bz2.compress(d, 9), bz2.decompress),
    "lzma-9e": (lambda d: lzma.compress(d, preset=9 | lzma.PRESET_EXTREME), lzma.decompress),
}


def cpu_seconds(fn, arg):
    """The result of ``fn(arg)`` and the CPU time and wall time it took."""
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn(arg)
    return out, time.process_time() - cpu, time.perf_counter() - wall


def measure(name: str) -> list[dict]:
    text = xb.canterbury(name)
    rows = []
    for label, (pack, unpack) in COMPRESSORS.items():
        blob, c_cpu, c_wall = cpu_seconds(pack, text)
        back, d_cpu, d_wall = cpu_seconds(unpack, blob)
        if back != text:
            raise SystemExit(f"{label} did not round-trip {name}")
        rows.append(
            {
                "text": name,
                "compressor": label,
                "bytes": len(text),
                "compressed_bytes": len(blob),
                "bits_per_char": 8 * len(blob) / len(text),
                "compress_cpu_s": c_cpu,
                "compress_wall_s": c_wall,
                "decompress_cpu_s": d_cpu,
                "decompress_wall_s": d_wall,
            }
        )
    bz2_size = next(r["compressed_bytes"] for r in rows if r["compressor"] == "bz2-9")
    for row in rows:
        row["ratio_to_bz2"] = row["compressed_bytes"] / bz2_size
    code_length = xb.adaptive_score(text).total_bits
    ours = rows[0]
    ours["code_length_bits"] = code_length
    ours["overhead_bits"] = 8 * ours["compressed_bytes"] - code_length
    ours["coder_overhead_bits"] = ours["overhead_bits"] - 8 * HEADER_BYTES
    return rows


def write_xz_table(path: str) -> None:
    """The xz -9e sizes of the tenths of every text, as ``xb.xz_sizes`` reads them."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(
            "# xz -9e (lzma.compress, preset=9 | lzma.PRESET_EXTREME) output sizes of the\n"
            "# prefixes np.linspace(n / 10, n, 10).astype(int) of each Canterbury text;\n"
            f"# written by: python benchmarks/bench_compress.py --xz-table {path}\n"
        )
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["text", "prefix_bytes", "xz_bytes"])
        for name in NAMES:
            text = xb.canterbury(name)
            for m in np.linspace(len(text) / 10, len(text), 10).astype(int):
                blob = lzma.compress(text[:m], preset=9 | lzma.PRESET_EXTREME)
                writer.writerow([name, int(m), len(blob)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="PATH", help="also write the table as JSON")
    parser.add_argument(
        "--xz-table", metavar="PATH", help="only write the xz sizes that xb.xz_sizes ships"
    )
    args = parser.parse_args()
    if args.xz_table:
        write_xz_table(args.xz_table)
        return
    rows = [row for name in NAMES for row in measure(name)]
    print(
        f"{'text':9s} {'compressor':10s} {'bytes':>8s} {'bits/char':>9s} {'/ bz2':>6s} "
        f"{'comp KB/s':>9s} {'dec KB/s':>9s}  (CPU time)"
    )
    for r in rows:
        kb = r["bytes"] / 1000
        print(
            f"{r['text']:9s} {r['compressor']:10s} {r['compressed_bytes']:8d} "
            f"{r['bits_per_char']:9.3f} {r['ratio_to_bz2']:6.3f} "
            f"{kb / r['compress_cpu_s']:9.0f} {kb / r['decompress_cpu_s']:9.0f}"
        )
    print("\nxentbook: compressed bits - adaptive code length sum -log2 q_t(x_t)")
    for r in rows:
        if r["compressor"] == "xentbook":
            print(
                f"{r['text']:9s} code length {r['code_length_bits']:10.1f} bits, overhead "
                f"{r['overhead_bits']:6.1f} bits ({r['coder_overhead_bits']:5.1f} without "
                f"the {HEADER_BYTES}-byte header); compress {r['compress_cpu_s']:.2f} s CPU "
                f"({r['compress_wall_s']:.2f} s wall), decompress {r['decompress_cpu_s']:.2f} s "
                f"CPU ({r['decompress_wall_s']:.2f} s wall)"
            )
    alice = next(r for r in rows if r["text"] == "alice29" and r["compressor"] == "xentbook")
    met = max(alice["compress_cpu_s"], alice["decompress_cpu_s"]) <= ALICE_TARGET_S
    print(f"\nalice29 within {ALICE_TARGET_S} s CPU each way: {'yes' if met else 'NO'}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
