"""The numba tutorial's genotype scoring script, run as its own process.

    python3 bench/numba_scores_script.py [FILE] [--percent P] [--timings]

Imports numba and numpy, reads the genotype table (default: the bundled
data/AppleGenotypes.csv of this repository), scores every marker with the
tutorial's numba function (compiled on the first call, as in the tutorial;
there is no on-disk cache) and prints

    The best score X comes from pattern ID

bench/bench.py times this whole process against `offload scores`.
--timings also writes how long each part took to stderr.
"""

import argparse
import os
import sys
import time

T0 = time.perf_counter()

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(os.path.dirname(HERE), "data", "AppleGenotypes.csv")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?", default=DEFAULT_DATA,
                    help="genotype CSV (default: %(default)s)")
    ap.add_argument("--percent", type=float, default=100.0,
                    help="keep the first P%% of the data lines (default 100)")
    ap.add_argument("--timings", action="store_true",
                    help="write the time of each part to stderr")
    args = ap.parse_args()

    sys.path.insert(0, HERE)
    import numba_tutorial as nt  # imports numba and numpy
    t_import = time.perf_counter()

    ids, matrix, _ = nt.load_genotypes(args.file, args.percent)
    t_read = time.perf_counter()
    if matrix.shape[0] == 0:
        print(f"{args.file}: no marker rows to score", file=sys.stderr)
        return 2

    scores = nt.scores_numba(matrix)  # first call: compiles, then runs
    t_score = time.perf_counter()

    score, marker = nt.best(ids, scores)
    print(f"The best score {score} comes from pattern {marker}", flush=True)
    t_end = time.perf_counter()

    if args.timings:
        print(f"timings_s import={t_import - T0:.6f} "
              f"read={t_read - t_import:.6f} jit_and_score={t_score - t_read:.6f} "
              f"output={t_end - t_score:.6f} "
              f"rows={matrix.shape[0]} cols={matrix.shape[1]} "
              f"threads={nt.numba.get_num_threads()}",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
