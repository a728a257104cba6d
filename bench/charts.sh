#!/usr/bin/env bash
# charts.sh: turn offload CSV exports into charts with gnuplot.
#
#   bench/charts.sh sweep    EXPORT.csv... OUTDIR   time vs size, one chart per kernel
#   bench/charts.sh roofline EXPORT.csv... OUTDIR   roofline of every result
#   bench/charts.sh all      EXPORT.csv... OUTDIR   both, as far as the data allows
#
# Several exports (a laptop's and a workstation's) draw on the same charts,
# each series labelled with its export's name. Each chart is written as PNG
# and SVG. Only bash, awk and gnuplot are used:
# awk checks each export (schema version 1 or 2); bench/sweep.awk and
# bench/roofline.awk split it into small per-series data files in a temporary
# folder and write the gnuplot variables for bench/sweep.gp and
# bench/roofline.gp, which do the drawing.
set -euo pipefail
export LC_ALL=C

prog=${0##*/}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
    cat <<EOF
usage: $prog COMMAND EXPORT.csv [EXPORT.csv...] OUTDIR

Draws charts from CSV exports of 'offload compare' or 'offload sweep'
(schema version 1 or 2) with gnuplot; every chart is written as .png and
.svg. Series are labelled by backend, OpenCL device and memory mode; with
several exports (e.g. laptop.csv and workstation.csv) each label starts
with the export's file name, so the machines share one chart.

commands:
  sweep     OUTDIR/sweep-KERNEL-ALGORITHM.png|svg for every kernel and
            algorithm measured at two or more sizes: time against size on
            log-log axes, one colour per backend; the end-to-end time as a
            line with points, the kernel alone dashed, and for backends that
            copy data a lower panel splitting each run into copy-in, kernel
            and copy-out
  roofline  OUTDIR/roofline.png|svg: achieved G ops/s against operations per
            byte, with each backend's roof min(peak G ops/s, peak GB/s x
            ops/byte) and one point per result
  all       both, skipping (with a note) a chart the data cannot make

options:
  -h, --help  this text

Exit status: 0 charts written, 1 bad or unusable export or gnuplot failure,
2 usage error.
EOF
}

die() { echo "$prog: error: $*" >&2; exit 1; }
usage_error() { echo "$prog: $*" >&2; echo "Run '$prog --help' for usage." >&2; exit 2; }

case "${1:-}" in
-h | --help | help) usage; exit 0 ;;
"") usage_error "missing command (sweep, roofline or all)" ;;
sweep | roofline | all) ;;
*) usage_error "unknown command '$1' (expected sweep, roofline or all)" ;;
esac
cmd=$1
[ $# -ge 3 ] || usage_error "'$cmd' takes EXPORT.csv and OUTDIR (got $(($# - 1)) argument(s))"
shift
exports=("${@:1:$#-1}")
outdir=${!#}
export_names=${exports[*]}

for export_file in "${exports[@]}"; do
    [ -e "$export_file" ] || die "$export_file: no such file"
    [ -f "$export_file" ] || die "$export_file: not a regular file"
    [ -r "$export_file" ] || die "$export_file: cannot read it"
done
command -v gnuplot >/dev/null 2>&1 ||
    die "gnuplot is not installed (Debian: apt-get install gnuplot-nox)"
for part in sweep.awk sweep.gp roofline.awk roofline.gp; do
    [ -r "$here/$part" ] || die "$here/$part is missing"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/offload-charts.XXXXXX")
# CHARTS_KEEP_TMP=1 keeps the data files and gnuplot variables for debugging.
if [ -n "${CHARTS_KEEP_TMP:-}" ]; then
    trap 'echo "$prog: kept $tmp" >&2' EXIT
else
    trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 130' INT TERM

# --- 1. Check each export and keep the columns the charts need ------------
# data.tsv columns: 1 kernel 2 algorithm 3 series (machine: backend [device])
# 4 memory 5 threads 6 size
# 7 cols 8 copy_in 9 kernel 10 copy_out 11 total 12 ops_per_byte 13 gops
# 14 peak_gbps 15 peak_gops 16 op_unit 17 check 18 repeats 19 command
# The machine label of an export: its file name without .csv, made unique.
machine_label() { # INDEX FILE
    local name=${2##*/} j
    name=${name%.csv}
    for ((j = 0; j < $1; j++)); do
        [ "${labels[j]}" != "$name" ] || { name="$name #$(($1 + 1))"; break; }
    done
    printf '%s' "$name"
}
: >"$tmp/data.tsv"
labels=()
for i in "${!exports[@]}"; do
export_file=${exports[i]}
labels[i]=$(machine_label "$i" "$export_file")
machine=""
[ "${#exports[@]}" -eq 1 ] || machine=${labels[i]}
awk -F, -v file="$export_file" -v out="$tmp/data.tsv" -v prog="$prog" -v machine="$machine" '
function fail(msg) { printf "%s: error: %s: %s\n", prog, file, msg > "/dev/stderr"; bad = 1; exit 1 }
{ sub(/\r$/, "") }
NR == 1 {
    sub(/^\xef\xbb\xbf/, "")
    if ($1 != "schema_version")
        fail("not an offload CSV export: the header must start with schema_version (got \"" substr($1, 1, 40) "\")")
    for (i = 1; i <= NF; i++) col[$i] = i
    nreq = split("schema_version command kernel algorithm backend memory threads size cols repeats " \
                 "copy_in_min_s kernel_min_s copy_out_min_s total_min_s op_unit gops ops_per_byte " \
                 "peak_gbps peak_gops check", req, " ")
    missing = ""
    for (i = 1; i <= nreq; i++)
        if (!(req[i] in col)) missing = missing " " req[i]
    if (missing != "") fail("header lacks required column(s):" missing)
    nf = NF
    next
}
/^[ \t]*$/ { next }
{
    if (NF != nf) fail("line " NR ": " NF " fields where the header has " nf)
    v = $col["schema_version"]
    if (v != "1" && v != "2") fail("line " NR ": schema_version " v " is not supported (this script reads versions 1 and 2)")
    if ($col["kernel"] == "" || $col["backend"] == "") fail("line " NR ": empty kernel or backend")
    if ($col["size"] !~ /^[0-9.eE+]+$/ || $col["size"] + 0 <= 0) fail("line " NR ": size \"" $col["size"] "\" is not a positive number")
    rows++
    # A series is a backend on one device of one machine: OpenCL rows (with
    # a platform) name their device, several exports name their machine.
    series = $col["backend"]
    if (("platform" in col) && $col["platform"] != "" && $col["device"] != "")
        series = series " [" substr($col["device"], 1, 28) "]"
    if (machine != "") series = machine ": " series
    printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
        $col["kernel"], $col["algorithm"], series, $col["memory"], $col["threads"],
        $col["size"], $col["cols"], $col["copy_in_min_s"], $col["kernel_min_s"],
        $col["copy_out_min_s"], $col["total_min_s"], $col["ops_per_byte"], $col["gops"],
        $col["peak_gbps"], $col["peak_gops"], $col["op_unit"], $col["check"],
        $col["repeats"], $col["command"] >> out
}
END {
    if (bad) exit 1
    if (NR == 0) fail("empty file: no header and no rows")
    if (rows == 0) fail("no result rows after the header")
    close(out)
}' "$export_file" || exit 1
done

failed=$(awk -F'\t' '$17 == "FAILED"' "$tmp/data.tsv" | wc -l)
[ "$failed" -eq 0 ] ||
    echo "$prog: warning: $failed result(s) failed their correctness check; they are drawn but marked FAILED" >&2

mkdir -p "$outdir" || die "cannot create $outdir"

# Gnuplot single-quoted string: a quote inside is written twice.
gpq() { local s=${1//\'/\'\'}; printf "'%s'" "$s"; }

# Colours (Okabe-Ito, readable with colour-blindness), given to series in
# order of first appearance so a backend keeps its colour in every chart.
palette="#0072B2 #009E73 #D55E00 #CC79A7 #E69F00 #56B4E9 #000000 #999999"

run_gnuplot() { # PARAMS SCRIPT WHAT
    if ! gnuplot "$1" "$here/$2" >"$tmp/gnuplot.log" 2>&1; then
        cat "$tmp/gnuplot.log" >&2
        die "gnuplot failed drawing $3"
    fi
    # gnuplot reports some problems as warnings only; show them.
    grep -v '^$' "$tmp/gnuplot.log" >&2 || true
}

# --- 2. Sweep charts ------------------------------------------------------
sweep_charts() {
    local sdir=$tmp/sweep
    mkdir -p "$sdir"
    # One chart per kernel and algorithm with two or more sizes: sweep.awk
    # writes CHART/params.gp and the data files of each, and prints
    # "CHART_ID" lines for the charts made, "skip: ..." lines for those left out.
    awk -F'\t' -v dir="$sdir" -v palette="$palette" -v outdir="$outdir" \
        -f "$here/sweep.awk" "$tmp/data.tsv" >"$tmp/sweep.list"

    local made=0 id skipped=""
    while IFS= read -r id; do
        case "$id" in
        skip:*) skipped+="$prog: sweep: ${id#skip: }; no chart for it"$'\n'; continue ;;
        esac
        run_gnuplot "$sdir/$id/params.gp" sweep.gp "sweep-$id"
        echo "$outdir/sweep-$id.png"
        echo "$outdir/sweep-$id.svg"
        made=$((made + 1))
    done <"$tmp/sweep.list"
    [ "$made" -gt 0 ] || return 1
    printf "%s" "$skipped" >&2
    return 0
}

# --- 3. Roofline ----------------------------------------------------------
roofline_chart() {
    local rdir=$tmp/roofline
    mkdir -p "$rdir"
    # roofline.awk writes params.gp and the roof and point files; it prints
    # "ok" when there is something to draw, "none" when not, and "note:" lines.
    awk -F'\t' -v dir="$rdir" -v palette="$palette" -v outdir="$outdir" \
        -f "$here/roofline.awk" "$tmp/data.tsv" >"$tmp/roofline.list"

    local line ok=0
    while IFS= read -r line; do
        case "$line" in
        ok) ok=1 ;;
        note:*) echo "$prog: roofline: ${line#note: }" >&2 ;;
        none) ;;
        esac
    done <"$tmp/roofline.list"
    [ "$ok" -eq 1 ] || return 1
    run_gnuplot "$rdir/params.gp" roofline.gp roofline
    echo "$outdir/roofline.png"
    echo "$outdir/roofline.svg"
}

case "$cmd" in
sweep)
    sweep_charts ||
        die "$export_names: no kernel was measured at two or more sizes (run 'offload sweep' for a sweep chart)"
    ;;
roofline)
    roofline_chart ||
        die "$export_names: no row has both ops_per_byte and gops above zero: nothing to put on a roofline"
    ;;
all)
    done_any=0
    if sweep_charts; then done_any=1; else
        echo "$prog: note: no sweep chart: no kernel was measured at two or more sizes" >&2
    fi
    if roofline_chart; then done_any=1; else
        echo "$prog: note: no roofline: no row has both ops_per_byte and gops above zero" >&2
    fi
    [ "$done_any" -eq 1 ] || die "$export_names: nothing could be charted"
    ;;
esac
