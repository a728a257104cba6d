#!/usr/bin/env bash
# ceilings.sh: are the ceilings behind the verdicts true in the same minute?
#
#   bench/ceilings.sh [--offload BINARY] [--babelstream BINARY] [--rounds N] [--spread S]
#
# 1. sqrt 10M on OpenMP, N rounds (default 5) spread evenly over S seconds
#    (default 60), after one `offload calibrate --recalibrate`: each round's
#    share of its ceiling (the run probes its ceilings right before and after
#    the timed runs, --ceilings fresh) must be at most 102%. PASS when every
#    round holds.
# 2. With --babelstream BINARY (UoB-HPC/BabelStream's OpenMP model, built by
#    you; its binary is omp-stream): three pairs, each `offload calibrate --recalibrate` on 2
#    threads and BabelStream on 2 threads back to back. The host memory
#    ceiling (the best of offload's STREAM-counted copy, triad and read
#    bandwidth, bytes counted as STREAM and BabelStream count them) divided
#    by BabelStream's best rate (copy, mul, add, triad, dot). PASS when the
#    median of the three ratios is at least 0.97.
#
# Speed measurements: run it alone, e.g. under `flock /tmp/offload-bench.lock`
# on a shared machine. It prints one PASS/FAIL line per target and exits 1 when
# one fails. The ceilings cache is a fresh temporary directory, so your own is
# not touched. About 2 minutes.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
offload="$repo/build/offload"
babelstream=""
rounds=5
spread=60

while [ $# -gt 0 ]; do
    case "$1" in
    --offload) offload=$2; shift 2 ;;
    --babelstream) babelstream=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --spread) spread=$2; shift 2 ;;
    -h|--help)
        awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"
        exit 0 ;;
    *) echo "ceilings.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if [ ! -x "$offload" ]; then
    echo "ceilings.sh: no offload binary at $offload: build it (cmake -S . -B build &&" \
         "cmake --build build) or give --offload BINARY" >&2
    exit 2
fi
if [ -n "$babelstream" ] && [ ! -x "$babelstream" ]; then
    echo "ceilings.sh: --babelstream $babelstream is not an executable" >&2
    exit 2
fi
case "$rounds$spread" in *[!0-9]*) echo "ceilings.sh: --rounds and --spread take whole numbers" >&2; exit 2 ;; esac

cache=$(mktemp -d /tmp/offload-ceilings-bench.XXXXXX)
trap 'rm -rf "$cache"' EXIT
export OFFLOAD_CACHE_DIR=$cache
failed=0

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "offload: $("$offload" --version | head -1)"

# --- 1. sqrt 10M on OpenMP, rounds spread over a minute -------------------
"$offload" calibrate --backends openmp --recalibrate >/dev/null
gap=0
[ "$rounds" -gt 1 ] && gap=$((spread / (rounds - 1)))
shares=()
for ((r = 1; r <= rounds; r++)); do
    start=$(date +%s)
    json=$("$offload" run sqrt --backend openmp --size 10M --format json 2>/dev/null)
    line=$(python3 -c '
import json, sys
r = json.load(sys.stdin)["results"][0]
a = r["analysis"]
probe = r.get("ceilings_probe", {})
used = [x for x in probe.get("rates", []) if x["name"] == "f64->f32 memory"]
note = ""
if used:
    u = used[0]
    note = "probe %.1f/%.1f GB/s, cached %.1f, used %.1f, probes %.0f ms" % (
        u["before"] / 1e9, u["after"] / 1e9, u["cached"] / 1e9, u["used"] / 1e9,
        probe["seconds"] * 1e3)
print("%.4f %.1f %s %s" % (a["ceiling_fraction"], a["gbps"], a["verdict"], note))
' <<<"$json")
    share=${line%% *}
    shares+=("$share")
    printf '  round %d at +%ds: %s%% of its ceiling (%s)\n' "$r" $(((r - 1) * gap)) \
        "$(python3 -c "print('%.1f' % (100 * $share))")" "${line#* }"
    if [ "$r" -lt "$rounds" ]; then
        left=$((start + gap - $(date +%s)))
        [ "$left" -gt 0 ] && sleep "$left"
    fi
done
held=$(python3 -c "import sys; print(sum(float(s) <= 1.02 for s in sys.argv[1:]))" "${shares[@]}")
if [ "$held" -eq "$rounds" ]; then verdict=PASS; else verdict=FAIL; failed=1; fi
echo "$verdict sqrt 10M openmp at <= 102% of its ceiling in $held of $rounds rounds over ${spread} s"

# --- 2. host memory ceiling against BabelStream ---------------------------
if [ -z "$babelstream" ]; then
    echo "SKIP host memory ceiling vs BabelStream (give --babelstream BINARY)"
    exit "$failed"
fi
ratios=()
for pair in 1 2 3; do
    ours=$("$offload" calibrate --backends openmp --threads 2 --recalibrate --format json 2>/dev/null |
        python3 -c '
import json, sys
c = json.load(sys.stdin)["ceilings"][0]
print(max(c["stream_copy_bytes_per_s"], c["stream_triad_bytes_per_s"], c["read_bytes_per_s"]) / 1e6)')
    theirs=$(OMP_NUM_THREADS=2 "$babelstream" --csv 2>/dev/null | python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(sys.stdin) if r.get("function") in ("Copy", "Mul", "Add", "Triad", "Dot")]
best = max(rows, key=lambda r: float(r["max_MB_per_sec"]))
print(best["max_MB_per_sec"], best["function"])')
    rate=${theirs%% *}
    ratio=$(python3 -c "print('%.4f' % ($ours / $rate))")
    ratios+=("$ratio")
    printf '  pair %d: offload %.0f MB/s, BabelStream %.0f MB/s (%s): %.1f%%\n' "$pair" "$ours" \
        "$rate" "${theirs#* }" "$(python3 -c "print(100 * $ratio)")"
done
median=$(python3 -c "import statistics, sys; print(statistics.median(map(float, sys.argv[1:])))" "${ratios[@]}")
if python3 -c "import sys; sys.exit(0 if $median >= 0.97 else 1)"; then verdict=PASS; else verdict=FAIL; failed=1; fi
printf '%s host memory ceiling at %.1f%% of BabelStream'"'"'s best (median of 3 pairs, target >= 97%%)\n' \
    "$verdict" "$(python3 -c "print(100 * $median)")"
exit "$failed"
