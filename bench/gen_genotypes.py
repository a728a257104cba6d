#!/usr/bin/env python3
"""Write a synthetic genotype table (markers x varieties) for parser benchmarks.

The table has the bundled file's shape: a header `code,<variety names>`, then one
line per marker: an id and one call per variety, 0/1/2 with a share of missing
calls written as -1. The same arguments always give the same bytes (seeded).
Standard library only.

    bench/gen_genotypes.py OUT.csv [--markers 20000] [--varieties 1000]
                                   [--missing 0.01] [--seed 1]
"""
import argparse
import random
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="path of the table to write")
    ap.add_argument("--markers", type=int, default=20000, help="data lines (default 20000)")
    ap.add_argument("--varieties", type=int, default=1000, help="call columns (default 1000)")
    ap.add_argument("--missing", type=float, default=0.01,
                    help="share of missing calls, 0..1 (default 0.01)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    a = ap.parse_args()
    if a.markers < 1 or a.varieties < 1 or not 0.0 <= a.missing <= 1.0:
        sys.exit("gen_genotypes.py: need --markers >= 1, --varieties >= 1, 0 <= --missing <= 1")

    rng = random.Random(a.seed)
    known = (1.0 - a.missing) / 3.0
    calls, weights = ("0", "1", "2", "-1"), (known, known, known, a.missing)
    with open(a.out, "w", encoding="ascii", newline="\n") as f:
        f.write("code," + ",".join("V%d" % v for v in range(a.varieties)) + "\n")
        for m in range(a.markers):
            row = rng.choices(calls, weights, k=a.varieties)
            f.write("M%06d.%d," % (m, rng.randrange(100000)) + ",".join(row) + "\n")


if __name__ == "__main__":
    main()
