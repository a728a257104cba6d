#!/usr/bin/env python3
"""Writes a genotype table for markers across ranks: ties and duplicates
that cross the ranks' boundaries, both the byte ranges each rank reads and
the blocks of 512 patterns each rank owns. Most rows are shuffles of one
multiset of calls (equal minor allele counts and first scores: ties
everywhere), some of another; every 12th row repeats a row from far
earlier in the file (a duplicate read by another rank); a few rows are
filtered out. Deterministic: usage spread_table.py OUT [ROWS]."""
import random
import sys

VARIETIES = 40


def main():
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 2100
    rng = random.Random(21)
    common = ["0"] * 14 + ["1"] * 13 + ["2"] * 13
    other = ["0"] * 20 + ["1"] * 12 + ["2"] * 6 + ["-"] * 2
    table = []
    for i in range(rows):
        if i % 12 == 11 and i > rows // 2:
            table.append(list(table[rng.randrange(0, rows // 3)]))
        elif i % 50 == 7:
            table.append(["1"] * VARIETIES)  # one allele: filtered out
        else:
            calls = list(common if i % 5 else other)
            rng.shuffle(calls)
            table.append(calls)
    with open(out, "w") as f:
        f.write("code," + ",".join(f"V{v}" for v in range(VARIETIES)) + "\n")
        for i, calls in enumerate(table):
            f.write(f"s{i}," + ",".join(calls) + "\n")


if __name__ == "__main__":
    main()
