#!/usr/bin/env bash
# markers.sh: offload markers against upstream minimalmarkers, side by side,
# with PASS/FAIL for both 100x targets (whole process; selection step alone).
#
#   bench/markers.sh [--upstream DIR] [--offload BIN] [--rounds N] [--big] [--markdown FILE]
#
# DIR: a checkout of https://github.com/chryswoods/minimalmarkers (default
# $MINIMALMARKERS_DIR); without one the script says how to get it and exits 2.
# BIN: default build-bench/offload, built in Release when missing.
# Takes /tmp/offload-bench.lock for the whole run so no other benchmark
# overlaps on the shared cores; set OFFLOAD_BENCH_LOCKED=1 when an outer
# `flock /tmp/offload-bench.lock` already holds it.
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

upstream=${MINIMALMARKERS_DIR:-}
offload=""
args=()
while [ $# -gt 0 ]; do
    case "$1" in
    --upstream) upstream=$2; shift 2 ;;
    --upstream=*) upstream=${1#--upstream=}; shift ;;
    --offload) offload=$2; shift 2 ;;
    --offload=*) offload=${1#--offload=}; shift ;;
    *) args+=("$1"); shift ;;
    esac
done
if [ -z "$upstream" ] || [ ! -f "$upstream/minimalmarkers.py" ]; then
    echo "markers.sh: no upstream minimalmarkers.py (got '${upstream}')." >&2
    echo "fix: git clone https://github.com/chryswoods/minimalmarkers DIR, then" >&2
    echo "     bench/markers.sh --upstream DIR   (or export MINIMALMARKERS_DIR=DIR)" >&2
    exit 2
fi

# A Python with numba: python3 if it has it, else /usr/bin/python3.
py=""
for cand in python3 /usr/bin/python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import numba, numpy' >/dev/null 2>&1; then
        py=$(command -v "$cand")
        break
    fi
done
if [ -z "$py" ]; then
    echo "markers.sh: numba is not installed for python3 on PATH nor for /usr/bin/python3." >&2
    echo "fix: sudo apt-get install python3-numba   (or: python3 -m pip install numba)" >&2
    exit 2
fi

if [ -z "$offload" ]; then
    offload=$repo/build-bench/offload
    if [ ! -x "$offload" ]; then
        echo "markers.sh: building offload (Release) in $repo/build-bench" >&2
        cmake -S "$repo" -B "$repo/build-bench" -DCMAKE_BUILD_TYPE=Release -DOFFLOAD_TESTS=OFF >/dev/null
        cmake --build "$repo/build-bench" --target offload -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
    fi
fi

exec "$py" "$here/markers.py" --upstream "$upstream" --offload "$offload" ${args[@]+"${args[@]}"}
