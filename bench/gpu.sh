#!/usr/bin/env bash
# gpu.sh: the one command for a GPU workstation.
#
#   bench/gpu.sh [--out DIR] [--offload BINARY] [--quick]
#
# 1. builds offload in Release twice, portable (build-gpu-portable/) and for
#    this CPU (build-gpu-native/, the one that runs), unless --offload names
#    a binary (built beforehand, e.g. on a GPU machine without the Debian
#    packages, against an unpacked OpenCL loader);
# 2. lists the devices (offload devices) and picks every OpenCL GPU, whatever
#    the vendor, by the device type that list shows; when there is none it
#    says why and which package provides the driver, and goes on with every
#    OpenCL device there is (a CPU driver such as PoCL, or none);
# 3. calibrates serial, openmp and those devices, runs offload compare with
#    them side by side (on a GPU the GPU path's kernels: a grid-stride sqrt,
#    sumsqrt over i and j, a work-group per row for the naive scores; every
#    result's launch shape is in compare.json) and a sweep of sqrt over sizes
#    (where copies to the device stop mattering), and draws the charts
#    (bench/charts.sh, gnuplot);
# 4. occupancy: the naive scores on each GPU with the CPU shape (one
#    work-item per row, --opencl-path cpu) and the GPU shape, so the
#    occupancy verdict and what a work-group per row gives show side by side;
# 5. predicted beside measured: offload report compare.json sets each GPU
#    row beside the forecast of the device profile that names it
#    (data/devices/), and offload predict prints each kernel's forecast for
#    every profile that matches a GPU here (for h200 in quick mode).
#
# DIR (default gpu-results/) then holds four files: report.txt (devices,
# ceilings, every table), compare.csv, compare.json and charts.tar.gz (the
# sweep's CSV export and the charts' PNG and SVG, when gnuplot is there).
# About a minute or two; --quick (or GPU_SH_QUICK=1) runs tiny sizes and a
# small calibration (OFFLOAD_CALIBRATE_SMALL, figures not cached) in seconds,
# to test the script. Exit status: 0 done, 1 a step failed, 2 usage.
# Environment: OFFLOAD_GPU_JOBS (build jobs, default: number of cores).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
prog=${0##*/}
out=gpu-results
offload=""
quick=${GPU_SH_QUICK:-0}
[ "$quick" = 0 ] || quick=1

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; }
usage_error() { echo "$prog: $*" >&2; echo "Run '$prog --help' for usage." >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
    -h | --help) usage; exit 0 ;;
    --out) [ $# -ge 2 ] || usage_error "--out needs a folder"; out=$2; shift 2 ;;
    --offload) [ $# -ge 2 ] || usage_error "--offload needs a binary"; offload=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    *) usage_error "unknown argument '$1'" ;;
    esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
report=$out/report.txt
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
: >"$report"

# say TEXT: to the terminal and the report.
say() { printf '%s\n' "$*" | tee -a "$report"; }
# step TITLE COMMAND...: runs a command, its output to the terminal and the report.
step() {
    local title=$1
    shift
    say ""
    say "== $title"
    say "\$ ${*/#$repo\//}"
    "$@" 2>&1 | tee -a "$report"
    return "${PIPESTATUS[0]}"
}

# --- 1. build ----------------------------------------------------------------
jobs=${OFFLOAD_GPU_JOBS:-$(nproc 2>/dev/null || echo 2)}
if [ -z "$offload" ]; then
    for kind in portable native; do
        native=OFF
        [ "$kind" = native ] && native=ON
        build=$repo/build-gpu-$kind
        say "building offload ($kind, Release) in $build"
        if ! { cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DOFFLOAD_TESTS=OFF \
                 -DOFFLOAD_NATIVE=$native && cmake --build "$build" -j"$jobs"; } \
                 >"$scratch/build-$kind.log" 2>&1; then
            tail -n 30 "$scratch/build-$kind.log" | tee -a "$report"
            say "$prog: the $kind build failed (see above)"
            exit 1
        fi
    done
    offload=$repo/build-gpu-native/offload
    say "runs use $offload; $repo/build-gpu-portable/offload runs on any x86-64 CPU"
fi
[ -x "$offload" ] || usage_error "$offload is not an executable offload binary"

# Quick mode: a scratch ceilings cache, since small calibrations mean nothing.
if [ "$quick" = 1 ]; then
    export OFFLOAD_CALIBRATE_SMALL=1 OFFLOAD_CACHE_DIR=$scratch/cache
    # Tiny runs judged against tiny calibrations mean nothing: no probes either.
    compare_opts=(--size 4k --percent 5 --repeat 2 --ceilings cached)
    sweep_opts=(--sizes 1k:8k:x2 --repeat 1 --ceilings cached)
    host_threads=(--threads 1)
else
    compare_opts=()
    sweep_opts=(--sizes 10k:10M:x10)
    host_threads=()
fi

say ""
say "offload on $(uname -n), $(date -u '+%Y-%m-%d %H:%M UTC'); $("$offload" --version | head -n 1)"
command -v nvidia-smi >/dev/null 2>&1 && step "nvidia-smi -L" nvidia-smi -L || true

# --- 2. devices -----------------------------------------------------------------
step "devices" "$offload" devices || true
# "  P.D  NAME" then "       GPU, N compute units, ...": the indices of the GPUs.
gpus=$("$offload" devices 2>/dev/null |
    awk '$1 ~ /^[0-9]+\.[0-9]+$/ { idx = $1; next }
         idx != "" && $1 == "GPU," { printf "%s%s", sep, idx; sep = " " }
         { idx = "" }')
if [ -n "$gpus" ]; then
    backends=serial,openmp
    for g in $gpus; do backends+=",opencl:$g"; done
    say ""
    say "GPU OpenCL devices: $gpus"
else
    backends=""
    say ""
    say "NO GPU OpenCL DEVICE FOUND: the ICD loader lists no device of type GPU."
    say "  NVIDIA: OpenCL comes with the driver as libnvidia-opencl.so.1 plus the ICD file"
    say "  /etc/OpenCL/vendors/nvidia.icd (Debian: nvidia-opencl-icd; Ubuntu: the"
    say "  libnvidia-compute-VERSION package of your driver; with the library alone, write"
    say "  its path into a .icd file and point OCL_ICD_VENDORS at that folder). AMD: ROCm's OpenCL runtime"
    say "  (rocm-opencl-runtime, amdocl64.icd); Intel: intel-opencl-icd. Check with clinfo -l."
    [ -e /etc/OpenCL/vendors/nvidia.icd ] || say "  (/etc/OpenCL/vendors/nvidia.icd is missing here${OCL_ICD_VENDORS:+; OCL_ICD_VENDORS=$OCL_ICD_VENDORS})"
    say "Going on with the CPU devices: serial, openmp and every OpenCL device there is."
fi
backend_opt=()
[ -z "$backends" ] || backend_opt=(--backends "$backends")

# --- 3. calibrate, compare, sweep -------------------------------------------------
failed=0
step "calibrate" "$offload" calibrate "${backend_opt[@]}" "${host_threads[@]}" || failed=1
step "compare" "$offload" compare "${backend_opt[@]}" "${host_threads[@]}" "${compare_opts[@]}" \
    --format csv --output "$out/compare.csv" || failed=1
# The JSON export (every raw sample): the same runs again, tables to the scratch folder.
"$offload" compare "${backend_opt[@]}" "${host_threads[@]}" "${compare_opts[@]}" \
    --format json --output "$out/compare.json" >"$scratch/compare-json.txt" 2>&1 || {
    cat "$scratch/compare-json.txt" | tee -a "$report"
    failed=1
}
mkdir -p "$scratch/charts"
step "sweep" "$offload" sweep sqrt "${backend_opt[@]}" "${host_threads[@]}" "${sweep_opts[@]}" \
    --format csv --output "$scratch/charts/sweep.csv" || failed=1

# --- 4. occupancy: the CPU shape and the GPU shape on each GPU ---------------------
for g in $gpus; do
    for path in cpu gpu; do
        step "occupancy: scores naive, $path shape, on opencl:$g" "$offload" run scores \
            --backend "opencl:$g" --opencl-path "$path" || failed=1
    done
done

# --- 5. predicted beside measured ---------------------------------------------------
step "predicted beside measured" "$offload" report "$out/compare.json" || failed=1
# Profiles whose "match" names a GPU listed here; in quick mode h200 anyway,
# so the step runs on any machine.
devices_text=$("$offload" devices 2>/dev/null || true)
profiles=()
for file in "$repo"/data/devices/*.json; do
    name=$(basename "$file" .json)
    matches=$(sed -n 's/.*"match": *\[\(.*\)\].*/\1/p' "$file" | tr ',' '\n' | sed 's/^ *"//; s/" *$//')
    while IFS= read -r m; do
        if [ -n "$m" ] && [ -n "$gpus" ] && grep -qF -- "$m" <<<"$devices_text"; then
            profiles+=("$name")
            break
        fi
    done <<<"$matches"
done
[ "$quick" = 1 ] && [ ${#profiles[@]} -eq 0 ] && profiles=(h200)
for prof in "${profiles[@]}"; do
    for kernel in sqrt sumsqrt scores; do
        size_opts=()
        if [ "$quick" = 1 ]; then
            size_opts=(--size 4k)
            [ "$kernel" = scores ] && size_opts=(--percent 5)
        fi
        step "predict $kernel on $prof (predicted, not measured)" "$offload" predict "$kernel" \
            --profile "$prof" "${host_threads[@]}" "${size_opts[@]}" || failed=1
    done
done

# --- charts -------------------------------------------------------------------------
if command -v gnuplot >/dev/null 2>&1; then
    for what in sweep roofline; do
        csv=$scratch/charts/sweep.csv
        [ "$what" = roofline ] && csv=$out/compare.csv
        if [ -s "$csv" ]; then
            step "charts: $what" bash "$here/charts.sh" "$what" "$csv" "$scratch/charts" || failed=1
        fi
    done
else
    say ""
    say "no gnuplot here: charts not drawn (bench/charts.sh all compare.csv DIR draws them later)"
fi
tar -czf "$out/charts.tar.gz" -C "$scratch" charts

say ""
if [ "$failed" = 0 ]; then
    say "done: $out holds report.txt, compare.csv, compare.json and charts.tar.gz"
else
    say "$prog: a step failed (see above); what ran is in $out"
fi
exit "$failed"
