"""The numba tutorial's three functions, as the tutorial writes them.

Each function is compiled by numba with parallel=True, runs its outer loop
with numba.prange and allocates its output array inside the function, so a
timed call includes that allocation exactly as in the tutorial:

  sqrt_numba(x)       out[i] = sqrt(x[i]); x float64, out float32
  sumsqrt_numba(x)    out[i] = sum_j sqrt(x[j]) (float64 total, float32 out):
                      O(N^2) work on O(N) data
  scores_numba(m)     per marker row of an int8 genotype matrix (-1 missing):
                      pairs (i <= j) of known calls that differ; int64 out

plus load_genotypes(path), the reader for the genotype CSV that both
bench/bench.py and bench/numba_scores_script.py use.

Importing this module needs numpy and numba (Debian: apt-get install
python3-numba). The thread count numba uses is fixed by NUMBA_NUM_THREADS
when numba is first imported, so set it before importing this module.
Nothing is compiled at import: the first call of each function compiles it.
"""

import math

import numba
import numpy as np

MISSING = -1

# The genotype calls the tutorial's data uses; anything else is missing (-1).
_CALLS = {"0": 0, "1": 1, "2": 2}


@numba.njit(parallel=True)
def sqrt_numba(x):
    n = len(x)
    out = np.zeros(n, np.float32)
    for i in numba.prange(n):
        out[i] = math.sqrt(x[i])
    return out


@numba.njit(parallel=True)
def sumsqrt_numba(x):
    n = len(x)
    out = np.zeros(n, np.float32)
    for i in numba.prange(n):
        total = 0.0
        for j in range(n):
            total += math.sqrt(x[j])
        out[i] = total
    return out


@numba.njit(parallel=True)
def scores_numba(m):
    nrows, ncols = m.shape
    scores = np.zeros(nrows, np.int64)
    for r in numba.prange(nrows):
        score = 0
        for i in range(ncols):
            if m[r, i] != -1:
                for j in range(i, ncols):
                    if m[r, j] != -1 and m[r, i] != m[r, j]:
                        score += 1
        scores[r] = score
    return scores


def make_sqrt_input(n, seed=42):
    """n float64 values 500 * uniform[0, 1), as the tutorial draws them."""
    rng = np.random.default_rng(seed)
    return 500.0 * rng.random(n)


def load_genotypes(path, percent=100.0):
    """Reads a genotype CSV: a header `code,<variety names>`, then one line
    per marker `<marker id>,<call>,...` (comma separated, CRLF or LF line
    ends). Calls 0/1/2 are kept; anything else (empty, -1, NA, ...) becomes
    -1. Blank lines are skipped. With percent < 100 only the first
    floor(lines * percent / 100) data lines are kept, like offload's
    --percent.

    Returns (ids, matrix, names): marker ids (list of str), an int8 numpy
    array of shape (markers, varieties) and the variety names.
    """
    with open(path, "r", encoding="utf-8", newline="") as f:
        text = f.read()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise ValueError(f"{path}: empty file, expected a header `code,<names>`")
    names = [s.strip() for s in lines[0].split(",")[1:]]
    ncols = len(names)
    data = lines[1:]
    if percent < 100.0:
        keep = int(math.floor(len(data) * percent / 100.0 * (1 + 1e-12)))
        data = data[:keep]
    ids = []
    matrix = np.full((len(data), ncols), MISSING, np.int8)
    calls = _CALLS
    for r, line in enumerate(data):
        fields = line.split(",")
        ids.append(fields[0].strip())
        if len(fields) - 1 != ncols:
            raise ValueError(
                f"{path}: data line {r + 1} has {len(fields) - 1} calls, "
                f"the header names {ncols} varieties")
        matrix[r] = [calls.get(s.strip(), MISSING) for s in fields[1:]]
    return ids, matrix, names


def best(ids, scores):
    """(best score, its marker id); the first row wins a tie."""
    k = int(np.argmax(scores))
    return int(scores[k]), ids[k]
