#!/usr/bin/env bash
# run.sh: the one command for the offload vs numba benchmark, in two builds.
#
#   bench/run.sh [bench.py options]      e.g. bench/run.sh --quick
#                                             bench/run.sh --markdown bench/RESULTS.md
#
# 1. builds offload in Release twice at the repository root: build-bench/
#    (-march=native, the default) and build-bench-v3/ (-march=x86-64-v3,
#    AVX2 without AVX-512), so code that is fast on one CPU generation and
#    slow on another shows;
# 2. finds a Python with numba: `python3` if it imports numba, else
#    /usr/bin/python3, else stops with the fix;
# 3. runs bench/bench.py with each build in turn (each one interleaves its
#    own offload and numba runs, so every ratio comes from one run), then
#    bench/parse.sh (the genotype loader) when it is there, and prints every
#    target side by side with PASS/FAIL for both builds.
#
# With --markdown FILE, each build's section goes to FILE.native.md and
# FILE.x86-64-v3.md and the side-by-side table to FILE.
# 4. with MINIMALMARKERS_DIR (a clone of chryswoods/minimalmarkers) runs
#    bench/markers.sh: offload markers against upstream, both 100x targets;
#    it takes /tmp/offload-bench.lock itself (OFFLOAD_BENCH_LOCKED=1 when an
#    outer flock already holds it).
# Environment: OFFLOAD_BENCH_JOBS (parallel build jobs, default: number of cores),
# OFFLOAD_BENCH_BUILDS ("native v3" by default; "native" for one build).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
jobs=${OFFLOAD_BENCH_JOBS:-$(nproc 2>/dev/null || echo 2)}
builds=${OFFLOAD_BENCH_BUILDS:-native v3}

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

# --markdown FILE is split per build; every other argument goes to bench.py.
markdown=""
args=()
while [ $# -gt 0 ]; do
    case "$1" in
    --markdown) markdown=$2; shift 2 ;;
    --markdown=*) markdown=${1#--markdown=}; shift ;;
    *) args+=("$1"); shift ;;
    esac
done

# --- Build offload (Release), one folder per build --------------------------
build_dir() { # label -> folder
    case "$1" in
    native) echo "$repo/build-bench" ;;
    v3) echo "$repo/build-bench-v3" ;;
    *) echo "run.sh: unknown build '$1' in OFFLOAD_BENCH_BUILDS (use native and v3)" >&2; exit 2 ;;
    esac
}
build_flags() { # label -> cmake arguments
    case "$1" in
    native) echo "-DOFFLOAD_NATIVE=ON" ;;
    v3) echo "-DOFFLOAD_NATIVE=OFF -DCMAKE_C_FLAGS=-march=x86-64-v3" ;;
    esac
}
label_of() { case "$1" in native) echo native ;; v3) echo x86-64-v3 ;; esac; }

summaries=()
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for b in $builds; do
    dir=$(build_dir "$b")
    echo "run.sh: building offload ($(label_of "$b"), Release) in $dir" >&2
    # shellcheck disable=SC2046
    cmake -S "$repo" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DOFFLOAD_TESTS=OFF \
        $(build_flags "$b") >/dev/null
    cmake --build "$dir" --target offload parse_bench -j "$jobs" >/dev/null
    [ -x "$dir/offload" ] || { echo "run.sh: no $dir/offload after the build" >&2; exit 2; }
done

for b in $builds; do
    dir=$(build_dir "$b")
    label=$(label_of "$b")
    extra=()
    [ -n "$markdown" ] && extra+=(--markdown "${markdown%.md}.$label.md")
    echo "run.sh: $py bench/bench.py --offload $dir/offload --label $label ${args[*]:-}" >&2
    "$py" "$here/bench.py" --offload "$dir/offload" --label "$label" \
        --summary-json "$tmp/$label.json" ${args[@]+"${args[@]}"} ${extra[@]+"${extra[@]}"}
    summaries+=("$tmp/$label.json")
    if [ -x "$here/parse.sh" ]; then
        echo "run.sh: bench/parse.sh with $label" >&2
        "$here/parse.sh" --build "$dir" >"$tmp/parse-$label.txt" 2>&1 || true
        cat "$tmp/parse-$label.txt"
        # The parser's targets join the side-by-side table.
        "$py" - "$tmp/$label.json" "$tmp/parse-$label.txt" <<'PY'
import json, re, sys
summary, text = sys.argv[1], open(sys.argv[2]).read()
d = json.load(open(summary))
for line in text.splitlines():
    m = re.match(r"target (\S+) <= (\S+ ms): (PASS|FAIL) \((.*)\)", line)
    if m:
        name = "40 MB table" if "g40" in m.group(1) else m.group(1).split("/")[-1]
        d["targets"].append([f"parse: {name} on 2 threads", m.group(4), "<= " + m.group(2),
                             m.group(3)])
json.dump(d, open(summary, "w"), indent=1)
PY
    fi
done

# --- offload markers against upstream minimalmarkers (needs its checkout) ----
# markers.sh takes the bench lock itself; it is skipped, saying why, without
# MINIMALMARKERS_DIR (a clone of https://github.com/chryswoods/minimalmarkers).
if [ -n "${MINIMALMARKERS_DIR:-}" ]; then
    dir=$(build_dir "${builds%% *}")
    echo "run.sh: bench/markers.sh with $(label_of "${builds%% *}")" >&2
    "$here/markers.sh" --upstream "$MINIMALMARKERS_DIR" --offload "$dir/offload" \
        >"$tmp/markers.txt" 2>&1 || true
    cat "$tmp/markers.txt"
    "$py" - "$tmp/$(label_of "${builds%% *}").json" "$tmp/markers.txt" <<'PY'
import json, re, sys
summary, text = sys.argv[1], open(sys.argv[2]).read()
d = json.load(open(summary))
for line in text.splitlines():
    m = re.match(r"target markers (.+) >= (\S+) upstream: (PASS|FAIL) \((.*)\)", line)
    if m:
        d["targets"].append([f"markers: {m.group(1)} vs upstream", m.group(4), ">= " + m.group(2),
                             m.group(3)])
json.dump(d, open(summary, "w"), indent=1)
PY
else
    echo "run.sh: markers targets skipped: set MINIMALMARKERS_DIR to a clone of" \
         "https://github.com/chryswoods/minimalmarkers to run bench/markers.sh" >&2
fi

# --- Every target, both builds side by side ----------------------------------
"$py" - "$markdown" "${summaries[@]}" <<'PY'
import json, os, sys
md_out, files = sys.argv[1], sys.argv[2:]
runs = [json.load(open(f)) for f in files]
labels = [r["label"] for r in runs]
names = []
for r in runs:
    for t in r["targets"]:
        if t[0] not in names:
            names.append(t[0])
head = ["target", "required"] + [f"{l}: measured" for l in labels] + [f"{l}" for l in labels]
rows = []
for n in names:
    got = [next((t for t in r["targets"] if t[0] == n), None) for r in runs]
    need = next(t[2] for t in got if t)
    rows.append([n, need] + [t[1] if t else "-" for t in got] + [t[3] if t else "-" for t in got])
w = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
print("\nTargets, both builds (each column from one bench.py run)")
print("  ".join(h.ljust(w[i]) for i, h in enumerate(head)))
for r in rows:
    print("  ".join(str(c).ljust(w[i]) for i, c in enumerate(r)))
for r in runs:
    fails = sum(1 for t in r["targets"] if t[3] == "FAIL")
    print(f"{r['label']}: {len(r['targets']) - fails} of {len(r['targets'])} targets pass")
if md_out:
    with open(md_out, "w") as f:
        f.write("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n")
        for r in rows:
            f.write("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |\n")
PY
