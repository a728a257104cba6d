#!/usr/bin/env bash
# run.sh: the one command for the offload vs numba benchmark.
#
#   bench/run.sh [bench.py options]      e.g. bench/run.sh --quick
#                                             bench/run.sh --markdown bench/RESULTS.md
#
# 1. builds offload in Release in build-bench/ at the repository root
#    (set OFFLOAD_BENCH_BUILD=build to reuse an existing build/ instead, or
#    an absolute path for a folder elsewhere; it must be a Release build);
# 2. finds a Python with numba: `python3` if it imports numba, else
#    /usr/bin/python3, else stops with the fix;
# 3. runs bench/bench.py with that Python and the arguments given.
#
# Environment: OFFLOAD_BENCH_BUILD (build folder name, default build-bench),
# OFFLOAD_BENCH_JOBS (parallel build jobs, default: number of cores).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
build_name=${OFFLOAD_BENCH_BUILD:-build-bench}
case "$build_name" in
/*) build=$build_name ;;
*) build="$repo/$build_name" ;;
esac
jobs=${OFFLOAD_BENCH_JOBS:-$(nproc 2>/dev/null || echo 2)}

case "${1:-}" in
-h|--help)
    awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"
    echo
    echo "bench.py options:"
    ;;
esac

# --- Python with numba -----------------------------------------------------
py=""
for cand in python3 /usr/bin/python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import numba, numpy' >/dev/null 2>&1; then
        py=$(command -v "$cand")
        break
    fi
done
if [ -z "$py" ]; then
    echo "run.sh: numba is not installed for python3 on PATH nor for /usr/bin/python3." >&2
    echo "fix: sudo apt-get install python3-numba   (or: python3 -m pip install numba)" >&2
    exit 2
fi

case "${1:-}" in
-h|--help) exec "$py" "$here/bench.py" --help ;;
esac

# --- Build offload (Release) ----------------------------------------------
if [ -f "$build/CMakeCache.txt" ]; then
    type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
    if [ "$type" != "Release" ]; then
        if [ "$build_name" = build-bench ]; then
            echo "run.sh: $build is a '$type' build; reconfiguring as Release" >&2
        else
            echo "run.sh: $build is a '$type' build, not Release; use the default" \
                 "build-bench (unset OFFLOAD_BENCH_BUILD) or reconfigure it" >&2
            exit 2
        fi
    fi
fi
echo "run.sh: building offload (Release) in $build" >&2
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target offload -j "$jobs" >/dev/null
offload="$build/offload"
[ -x "$offload" ] || { echo "run.sh: no $offload after the build" >&2; exit 2; }

echo "run.sh: $py bench/bench.py --offload $offload $*" >&2
exec "$py" "$here/bench.py" --offload "$offload" "$@"
