#!/usr/bin/env bash
# test_charts.sh PROJECT_DIR WORK_DIR: renders the sweep and roofline charts
# from the fixture exports with bench/charts.sh and checks that every chart
# is a real PNG or SVG, and that bad input fails with a message.
# Exit status: 0 all passed, 1 a check failed, 77 gnuplot is not installed
# (ctest shows a skip), 2 usage error.
set -uo pipefail
export LC_ALL=C

if [ $# -ne 2 ]; then
    echo "usage: $0 PROJECT_DIR WORK_DIR" >&2
    exit 2
fi
project=$1
work=$2
charts=$project/bench/charts.sh
fixtures=$project/tests/fixtures

if ! command -v gnuplot >/dev/null 2>&1; then
    echo "charts: gnuplot is not installed (Debian: gnuplot-nox); skipping"
    exit 77
fi

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok    $1"; }
fail() { failed=$((failed + 1)); echo "FAIL  $1"; }

rm -rf "$work"
mkdir -p "$work" || { echo "cannot create $work" >&2; exit 1; }

# is_png FILE / is_svg FILE: non-empty and really that kind of image.
is_png() {
    [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]
}
is_svg() {
    [ -s "$1" ] && grep -q "<svg" "$1" && grep -q "</svg>" "$1"
}
check_images() { # DIR NAME...
    local dir=$1 name
    shift
    for name in "$@"; do
        if is_png "$dir/$name.png"; then pass "$name.png is a PNG"; else fail "$name.png is missing or not a PNG"; fi
        if is_svg "$dir/$name.svg"; then pass "$name.svg is an SVG"; else fail "$name.svg is missing or not an SVG"; fi
    done
}

# run_ok NAME ARGS...: charts.sh must succeed.
run_ok() {
    local name=$1
    shift
    if bash "$charts" "$@" >"$work/$name.out" 2>"$work/$name.err"; then
        pass "$name exits 0"
    else
        fail "$name exits $? (stderr follows)"
        sed 's/^/      /' "$work/$name.err"
    fi
}

# run_fails NAME REGEX ARGS...: charts.sh must fail with a message matching REGEX.
run_fails() {
    local name=$1 regex=$2 rc
    shift 2
    bash "$charts" "$@" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    if [ "$rc" -eq 0 ]; then
        fail "$name: exit 0, expected a failure"
    elif ! grep -Eq "$regex" "$work/$name.err"; then
        fail "$name: exit $rc but stderr does not match /$regex/:"
        sed 's/^/      /' "$work/$name.err"
    else
        pass "$name fails (exit $rc) with: $(head -n 1 "$work/$name.err")"
    fi
}

# --- charts from the fixtures ---------------------------------------------
sweep_charts="sweep-sqrt-naive sweep-sumsqrt-naive sweep-sumsqrt-fast sweep-scores-naive sweep-scores-fast"

run_ok sweep sweep "$fixtures/sweep.csv" "$work/sweep"
# shellcheck disable=SC2086
check_images "$work/sweep" $sweep_charts

run_ok roofline roofline "$fixtures/compare.csv" "$work/roofline"
check_images "$work/roofline" roofline

run_ok all-sweep all "$fixtures/sweep.csv" "$work/all-sweep"
# shellcheck disable=SC2086
check_images "$work/all-sweep" $sweep_charts roofline

# A compare export has one size per kernel: 'all' draws the roofline only.
run_ok all-compare all "$fixtures/compare.csv" "$work/all-compare"
check_images "$work/all-compare" roofline
if ls "$work/all-compare"/sweep-* >/dev/null 2>&1; then
    fail "all on a compare export drew a sweep chart"
else
    pass "all on a compare export draws no sweep chart"
fi

# Paths with spaces and quotes reach gnuplot intact.
odd="$work/out dir's charts"
run_ok odd-path roofline "$fixtures/compare.csv" "$odd"
check_images "$odd" roofline

# Two machines on one chart: a schema 1 and a schema 2 export, each series
# labelled with its export's name.
multi=$work/multi
mkdir -p "$multi"
cp "$fixtures/sweep.csv" "$multi/laptop.csv"
cp "$fixtures/sweep_v2.csv" "$multi/workstation.csv"
run_ok two-exports sweep "$multi/laptop.csv" "$multi/workstation.csv" "$work/two"
check_images "$work/two" sweep-sqrt-naive
for label in "laptop: serial" "laptop: openmp" "workstation: serial" "workstation: openmp"; do
    if grep -q "$label" "$work/two/sweep-sqrt-naive.svg"; then
        pass "two exports: the sqrt chart has a series '$label'"
    else
        fail "two exports: the sqrt chart has no series '$label'"
    fi
done
run_ok two-exports-roofline roofline "$multi/laptop.csv" "$multi/workstation.csv" "$work/two-roof"
check_images "$work/two-roof" roofline
if grep -q "workstation: openmp" "$work/two-roof/roofline.svg"; then
    pass "two exports: the roofline names each machine's roof"
else
    fail "two exports: the roofline does not name 'workstation: openmp'"
fi
run_fails two-exports-one-missing "no such file" sweep "$multi/laptop.csv" "$multi/nope.csv" "$work/x"

# --- usage ------------------------------------------------------------------
if bash "$charts" --help >"$work/help.out" 2>&1 && grep -q "^usage:" "$work/help.out"; then
    pass "--help prints usage and exits 0"
else
    fail "--help does not print usage with exit 0"
fi

# --- errors -------------------------------------------------------------------
bad=$work/bad
mkdir -p "$bad"
header=$(head -n 1 "$fixtures/compare.csv")
row=$(sed -n 2p "$fixtures/compare.csv")
: >"$bad/empty.csv"
printf '%s\n' "$header" >"$bad/header-only.csv"
printf '%s\n%s\n' "${header/schema_version/version}" "$row" >"$bad/bad-header.csv"
printf '%s\n%s\n' "${header/,gops,/,gflops,}" "$row" >"$bad/missing-column.csv"
printf '%s\n%s\n' "$header" "3${row#1}" >"$bad/schema-3.csv"
printf '%s\n%s\n' "$header" "${row%,*}" >"$bad/short-row.csv"
printf 'kernel,backend,time\nsqrt,serial,0.1\n' >"$bad/other.csv"

run_fails missing-file "no such file" roofline "$work/does-not-exist.csv" "$work/x"
run_fails empty-file "empty file" roofline "$bad/empty.csv" "$work/x"
run_fails header-only "no result rows" all "$bad/header-only.csv" "$work/x"
run_fails bad-header "must start with schema_version" roofline "$bad/bad-header.csv" "$work/x"
run_fails other-csv "must start with schema_version" sweep "$bad/other.csv" "$work/x"
run_fails missing-column "lacks required column.*gops" roofline "$bad/missing-column.csv" "$work/x"
run_fails schema-3 "schema_version 3 is not supported" roofline "$bad/schema-3.csv" "$work/x"
run_fails short-row "line 2: 35 fields" roofline "$bad/short-row.csv" "$work/x"
run_fails sweep-one-size "two or more sizes" sweep "$fixtures/compare.csv" "$work/x"
run_fails unknown-command "unknown command 'pie'" pie "$fixtures/compare.csv" "$work/x"
run_fails no-command "missing command" ""
run_fails missing-outdir "takes EXPORT.csv and OUTDIR" roofline "$fixtures/compare.csv"

echo "charts: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
