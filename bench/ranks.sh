#!/usr/bin/env bash
# ranks.sh: sumsqrt, sqrt and markers on 1 and 2 MPI ranks side by side, in
# one run, and the link between the ranks as offload calibrate measures it.
#
#   bench/ranks.sh [--offload BIN] [--rounds N]
#
# BIN: an offload built with MPI (default build/offload). Each rank runs
# OpenMP on one thread, so 1 rank and 2 ranks use 1 and 2 cores. Each round
# (default 3) is one `mpirun -n 2 offload run`, which also times the call on
# rank 0 alone between its distributed runs (the one-rank baseline): the
# ratio comes from one command, both sides in the same minute; the round
# with the best 2-rank total is shown. Targets: sumsqrt (naive, N = 20k) on
# 2 ranks compute-bound with a speedup over rank 0 alone > 1.5; sqrt
# (N = 10M) on 2 ranks communication-bound. markers runs
# on a 20,000 x 1,000 table (bench/gen_genotypes.py, in /dev/shm): its
# selection on 1 and 2 ranks, the outputs compared byte for byte. Takes
# /tmp/offload-bench.lock for the whole run (OFFLOAD_BENCH_LOCKED=1 when an
# outer flock holds it).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
case "${1:-}" in
-h|--help)
    awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"
    exit 0 ;;
esac
if [ -z "${OFFLOAD_BENCH_LOCKED:-}" ]; then
    exec env OFFLOAD_BENCH_LOCKED=1 flock /tmp/offload-bench.lock "${BASH_SOURCE[0]}" "$@"
fi

offload="$repo/build/offload"
rounds=3
while [ $# -gt 0 ]; do
    case "$1" in
    --offload) offload=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "ranks.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
command -v mpirun >/dev/null || { echo "ranks.sh: no mpirun: install openmpi-bin" >&2; exit 2; }
[ -x "$offload" ] || { echo "ranks.sh: no $offload: build with -DOFFLOAD_MPI=ON" >&2; exit 2; }
flags=()
mpirun --version 2>&1 | grep -q "Open MPI" && flags+=(--oversubscribe)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "offload: $("$offload" --version | head -1)"
echo
mpirun "${flags[@]}" -n 2 "$offload" calibrate
echo

# One kernel: rounds of 2 ranks with the one-rank baseline, each a JSON
# export. Not --no-calibrate: the verdict states the link calibrated above.
run_pair() {
    local kernel=$1; shift
    for r in $(seq "$rounds"); do
        mpirun "${flags[@]}" -n 2 "$offload" run "$kernel" --backend openmp --threads 1 \
            --format json --output "$work/$kernel-2-$r.json" "$@" >/dev/null 2>"$work/$kernel-$r.err"
    done
}
run_pair sumsqrt --size 20k
run_pair sqrt --size 10M

table=/dev/shm/offload-ranks-bench.csv
python3 "$here/gen_genotypes.py" "$table" --markers 20000 --varieties 1000
for r in $(seq "$rounds"); do
    for n in 1 2; do
        mpirun "${flags[@]}" -n "$n" "$offload" markers "$table" --threads 1 \
            --output "$work/markers-$n.txt" >"$work/markers-$n-$r.log"
    done
done
rm -f "$table"

python3 - "$work" "$rounds" <<'PY'
import json, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def best(kernel):
    runs = [json.load(open(f"{work}/{kernel}-2-{r}.json"))["results"][0] for r in range(1, rounds + 1)]
    return min(runs, key=lambda x: x["stats_s"]["total"]["min"]), runs
def ms(s): return f"{s * 1e3:.1f} ms"
ok = True
for kernel in ("sumsqrt", "sqrt"):
    two, runs = best(kernel)
    one = two["baseline_one_rank"]
    t1, t2 = one["total_s"], two["stats_s"]["total"]["min"]
    speedup = two["speedup_over_one_rank"]["total"]
    all_rounds = ", ".join(f"{x['speedup_over_one_rank']['total']:.2f}x" for x in runs)
    phases = ", ".join(f"{p} {ms(two['stats_s'][p]['min'])}" for p in ("distribute", "kernel", "collect"))
    busy = " (machine busy)" if two.get("machine", {}).get("busy") else ""
    print(f"{kernel} (N = {two['size']}): rank 0 alone {ms(t1)} (kernel {ms(one['kernel_s'])}); "
          f"2 ranks {ms(t2)} ({phases}): {speedup:.2f}x, kernel {two['speedup_over_one_rank']['kernel']:.2f}x{busy}; "
          f"every round {all_rounds}; link {two['link']['gbps']:.3g} GB/s ({two['link']['source']})")
    print(f"  2 ranks: {two['analysis']['verdict']}: {two['analysis']['reason']}")
    if kernel == "sumsqrt":
        passed = speedup > 1.5 and two["analysis"]["verdict"] == "compute-bound"
        print(f"target sumsqrt 2 ranks > 1.5x rank 0 alone, compute-bound: {'PASS' if passed else 'FAIL'} ({speedup:.2f}x, {two['analysis']['verdict']})")
    else:
        passed = two["analysis"]["verdict"] == "communication-bound"
        print(f"target sqrt 2 ranks communication-bound: {'PASS' if passed else 'FAIL'} ({two['analysis']['verdict']})")
    ok = ok and passed
import re
def phase(n, r, name):
    text = open(f"{work}/markers-{n}-{r}.log").read()
    m = re.search(name + r"\s+([0-9.]+) ms", text)
    return float(m.group(1)) / 1e3
sel = {n: min(phase(n, r, "whole selection") for r in range(1, rounds + 1)) for n in (1, 2)}
resc = {n: min(phase(n, r, "rescore") for r in range(1, rounds + 1)) for n in (1, 2)}
same = open(f"{work}/markers-1.txt").read() == open(f"{work}/markers-2.txt").read()
print(f"markers (20,000 x 1,000): selection 1 rank {ms(sel[1])} (rescore {ms(resc[1])}); "
      f"2 ranks {ms(sel[2])} (rescore {ms(resc[2])}): {sel[1] / sel[2]:.2f}x, rescore {resc[1] / resc[2]:.2f}x; "
      f"outputs {'identical' if same else 'DIFFER'}")
print(f"target markers 2 ranks: the same output: {'PASS' if same else 'FAIL'}")
ok = ok and same
sys.exit(0 if ok else 1)
PY
