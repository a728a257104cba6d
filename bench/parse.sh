#!/usr/bin/env bash
# parse.sh: how fast the genotype loader reads a table.
#
#   bench/parse.sh [--repeats N] [--build DIR]
#
# Generates a 40 MB table (20,000 markers x 1,000 varieties, 1% missing,
# seed 1) into a temporary folder with gen_genotypes.py, then times
# genotype_load_file (read and parse) on it and on the bundled
# data/AppleGenotypes.csv with DIR/parse_bench (default: build/), best of N
# (default 10). Prints MB/s and a PASS/FAIL line for each target: the 40 MB
# table in 40 ms, the bundled file in 1 ms. Exits 1 if a target fails.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
repeats=10
build="$repo/build"
while [ $# -gt 0 ]; do
    case "$1" in
    --repeats) repeats=$2; shift 2 ;;
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "parse.sh: unknown option $1; see --help" >&2; exit 2 ;;
    esac
done
if [ ! -x "$build/parse_bench" ]; then
    echo "parse.sh: $build/parse_bench not found;" \
         "build it: cmake --build $build --target parse_bench" >&2
    exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_genotypes.py" "$tmp/g40.csv" \
    --markers 20000 --varieties 1000 --missing 0.01 --seed 1
"$build/parse_bench" --repeats "$repeats" "$tmp/g40.csv:40" "$repo/data/AppleGenotypes.csv:1"
