#!/usr/bin/env bash
# report.sh: how fast `offload report` puts two large saved runs side by side.
#
#   bench/report.sh [--rows N] [--repeats R] [--build DIR]
#
# Saves one small run with DIR/offload (default: build/), copies its result
# N times (default 40000) with a different size each into two exports in a
# temporary folder (standard-library Python), then times
# `offload report a.json b.json --format json` (load, match, render) best of
# R (default 3). Prints the time and a PASS/FAIL line against the target:
# 2 x 40k rows in under a second (report is linear in rows: its match keys
# are hashed). Exits 1 if the target fails.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
rows=40000
repeats=3
build="$repo/build"
while [ $# -gt 0 ]; do
    case "$1" in
    --rows) rows=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "report.sh: unknown option $1; see --help" >&2; exit 2 ;;
    esac
done
exe="$build/offload"
[ -x "$exe" ] || { echo "report.sh: $exe not found; build it first" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
OFFLOAD_CACHE_DIR="$tmp/cache" "$exe" run sqrt --backend serial --size 1k --repeat 1 \
    --no-calibrate --format json --output "$tmp/one.json" >/dev/null 2>&1
python3 - "$tmp" "$rows" "$exe" "$repeats" <<'EOF'
import copy, json, subprocess, sys, time
tmp, rows, exe, repeats = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
one = json.load(open(f"{tmp}/one.json"))
for name in ("a", "b"):
    doc = copy.deepcopy(one)
    base = one["results"][0]
    doc["results"] = []
    for i in range(rows):
        r = copy.copy(base)
        r["size"] = 1000 + i
        doc["results"].append(r)
    json.dump(doc, open(f"{tmp}/{name}.json", "w"))
best = None
for _ in range(repeats):
    start = time.perf_counter()
    subprocess.run([exe, "report", f"{tmp}/a.json", f"{tmp}/b.json", "--format", "json"],
                   check=True, stdout=subprocess.DEVNULL)
    took = time.perf_counter() - start
    best = took if best is None else min(best, took)
print(f"report 2 x {rows} rows: best of {repeats} {best:.3f} s")
ok = best < 1.0
print(f"{'PASS' if ok else 'FAIL'}: report 2 x {rows} rows under 1 s ({best:.3f} s)")
sys.exit(0 if ok else 1)
EOF
