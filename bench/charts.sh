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
# awk checks each export (schema version 1 or 2), splits it into small per-series
# data files in a temporary folder and writes the gnuplot variables for
# bench/sweep.gp and bench/roofline.gp, which do the drawing.
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
for gp in sweep.gp roofline.gp; do
    [ -r "$here/$gp" ] || die "$here/$gp is missing"
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
    # One chart per kernel and algorithm with two or more sizes. For each,
    # CHART/params.gp plus data files: sN.dat (size total kernel copy_in
    # copy_out) per series, bN.dat (bar x, copy-in %, kernel %, copy-out %)
    # per series with copies. Prints "CHART_ID" lines for the charts made,
    # "skip: ..." lines for those left out.
    awk -F'\t' -v dir="$sdir" -v palette="$palette" -v outdir="$outdir" '
    function gq(s) { gsub(/\x27/, "\x27\x27", s); return "\x27" s "\x27" }
    function safe(s) { gsub(/[^A-Za-z0-9_.-]/, "_", s); return s }
    function human(n,   u, i) {   # 3000 -> 3k, 2500000 -> 2.5M, 1285 -> 1285
        split("k M G T", u, " ")
        if (n < 1000 || (n < 100000 && n % 100 != 0)) return sprintf("%d", n)
        for (i = 0; n >= 1000 && i < 4; i++) n /= 1000
        return sprintf("%g%s", (n >= 100 ? int(n + 0.5) : int(n * 10 + 0.5) / 10), u[i])
    }
    BEGIN { npal = split(palette, pal, " ") }
    {
        key = $1 "\t" $2
        if (!(key in seen)) { seen[key] = 1; charts[++nc] = key }
        skey = $3 "\t" $4
        if (!(skey in colour)) colour[skey] = pal[(ncol++ % npal) + 1]
        s = key SUBSEP skey
        if (!(s in sidx)) { sidx[s] = ++ns[key]; ser[key, ns[key]] = skey }
        i = sidx[s]
        if (!((key, $6) in sizeseen)) { sizeseen[key, $6] = 1; nsz[key]++; sizes[key, nsz[key]] = $6 + 0 }
        hascopy = ($8 != "" || $10 != "")
        if (hascopy) copies[key, i] = 1
        n = ++npts[key, i]
        px[key, i, n] = $6 + 0; pt[key, i, n] = $11; pk[key, i, n] = $9
        pin[key, i, n] = ($8 == "" ? 0 : $8); pout[key, i, n] = ($10 == "" ? 0 : $10)
        threads[skey] = $5; cols[key] = $7; reps[key] = $18
        if ($17 == "FAILED") failedk[key] = 1
    }
    END {
        for (c = 1; c <= nc; c++) {
            key = charts[c]; split(key, ka, "\t")
            if (nsz[key] < 2) {
                printf "skip: %s %s was measured at one size only\n", ka[1], ka[2]
                continue
            }
            id = safe(ka[1]) "-" safe(ka[2] == "" ? "naive" : ka[2])
            cd = dir "/" id; system("mkdir -p \x27" cd "\x27")
            # sizes in increasing order (insertion sort: a handful of them)
            m = nsz[key]
            for (a = 1; a <= m; a++) sz[a] = sizes[key, a]
            for (a = 2; a <= m; a++) { v = sz[a]; for (b = a - 1; b >= 1 && sz[b] > v; b--) sz[b + 1] = sz[b]; sz[b + 1] = v }
            for (a = 1; a <= m; a++) group[sz[a]] = a - 1
            p = cd "/params.gp"
            nseries = ns[key]; nb = 0
            for (i = 1; i <= nseries; i++) if (copies[key, i]) barser[++nb] = i
            printf "OUT = %s\n", gq(outdir "/sweep-" id) > p
            t = ka[1] (ka[2] != "" ? " (" ka[2] ")" : "") ": time against problem size"
            printf "TITLE = %s\n", gq(t) > p
            sub_ = "minimum of " (reps[key] != "" ? reps[key] " timed runs" : "the timed runs") " per point; lower is better"
            if (key in failedk) sub_ = sub_ "; some results FAILED their check"
            printf "SUBTITLE = %s\n", gq(sub_) > p
            if (ka[1] == "scores")
                xl = "marker rows scored" (cols[key] != "" ? " (" cols[key] " varieties each)" : "")
            else if (ka[1] == "sumsqrt")
                xl = "N (float64 elements; " (ka[2] == "naive" ? "N^2" : "N") " sqrt per call)"
            else
                xl = "N (float64 elements)"
            printf "XLABEL = %s\n", gq(xl) > p
            printf "NS = %d\narray SF[%d]\narray ST[%d]\narray SC[%d]\n", nseries, nseries, nseries, nseries > p
            nk = 0
            for (i = 1; i <= nseries; i++) {
                skey = ser[key, i]; split(skey, sa, "\t")
                f = cd "/s" i ".dat"
                label = sa[1]
                if (sa[2] != "" && sa[2] != "-") label = label " (" sa[2] ")"
                else if (threads[skey] > 1) label = label " (" threads[skey] " threads)"
                # points in size order
                n = npts[key, i]
                for (a = 1; a <= n; a++) ord[a] = a
                for (a = 2; a <= n; a++) { v = ord[a]; for (b = a - 1; b >= 1 && px[key, i, ord[b]] > px[key, i, v]; b--) ord[b + 1] = ord[b]; ord[b + 1] = v }
                print "# size total_s kernel_s copy_in_s copy_out_s" > f
                for (a = 1; a <= n; a++) {
                    q = ord[a]
                    printf "%.9g %s %s %s %s\n", px[key, i, q], (pt[key, i, q] == "" ? "NaN" : pt[key, i, q]),
                        (pk[key, i, q] == "" ? "NaN" : pk[key, i, q]), pin[key, i, q], pout[key, i, q] > f
                }
                close(f)
                printf "SF[%d] = %s\nST[%d] = %s\nSC[%d] = %s\n", i, gq(f), i, gq(label), i, gq(colour[skey]) > p
                if (copies[key, i]) { kf[++nk] = f; kc[nk] = colour[skey] }
                blabel[i] = label
            }
            printf "NK = %d\narray KF[%d]\narray KC[%d]\n", nk, (nk ? nk : 1), (nk ? nk : 1) > p
            for (a = 1; a <= nk; a++) printf "KF[%d] = %s\nKC[%d] = %s\n", a, gq(kf[a]), a, gq(kc[a]) > p
            # Bars: group g (size), bar b inside it at x = g * (nb + 1) + b.
            printf "NB = %d\narray BF[%d]\narray BC[%d]\n", nb, (nb ? nb : 1), (nb ? nb : 1) > p
            note = ""
            for (b = 1; b <= nb; b++) {
                i = barser[b]; f = cd "/b" i ".dat"
                print "# x copy_in% kernel% copy_out%" > f
                for (a = 1; a <= npts[key, i]; a++) {
                    tot = pin[key, i, a] + pk[key, i, a] + pout[key, i, a]
                    if (tot <= 0) continue
                    printf "%d %.4g %.4g %.4g\n", group[px[key, i, a]] * (nb + 1) + b - 1,
                        100 * pin[key, i, a] / tot, 100 * pk[key, i, a] / tot, 100 * pout[key, i, a] / tot > f
                }
                close(f)
                printf "BF[%d] = %s\nBC[%d] = %s\n", b, gq(f), b, gq(colour[ser[key, i]]) > p
                note = note (b > 1 ? ", " : "") blabel[i]
            }
            if (nb > 1) note = "bars outlined in the backend colour; in each group, left to right: " note
            else if (nb == 1) note = "bars outlined in the backend colour: " note
            printf "BARNOTE = %s\n", gq(note) > p
            printf "BXMAX = %g\n", (m - 1) * (nb + 1) + nb - 1 > p
            xt = ""
            for (a = 1; a <= m; a++)
                xt = xt (a > 1 ? ", " : "") "\"" human(sz[a]) "\" " ((a - 1) * (nb + 1) + (nb - 1) / 2)
            printf "BARTICS = %s\n", gq("set xtics (" xt ")") > p
            xt = ""
            for (a = 1; a <= m; a++) xt = xt (a > 1 ? ", " : "") "\"" human(sz[a]) "\" " sprintf("%.9g", sz[a])
            printf "TOPTICS = %s\n", gq("set xtics (" xt ")") > p
            close(p)
            print id
        }
    }' "$tmp/data.tsv" >"$tmp/sweep.list"

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
    awk -F'\t' -v dir="$rdir" -v palette="$palette" -v outdir="$outdir" '
    function gq(s) { gsub(/\x27/, "\x27\x27", s); return "\x27" s "\x27" }
    function max(a, b) { return a > b ? a : b }
    function min(a, b) { return a < b ? a : b }
    function num(s) { return s != "" && s + 0 > 0 }
    function lg(x) { return log(x) / log(10) }
    BEGIN { npal = split(palette, pal, " ") }
    {
        skey = $3 "\t" $4
        if (!(skey in scol)) scol[skey] = pal[(nscol++ % npal) + 1]
        be = $3
        if (!(be in bidx)) { bidx[be] = ++nbe; bname[nbe] = be; bcol[nbe] = scol[skey] }
        b = bidx[be]
        if (num($14)) bw[b] = max(bw[b], $14 + 0)
        if ($16 != "") {
            if (num($15)) { if (!((b, $16) in peak)) { unitlist[b] = unitlist[b] " " $16 } peak[b, $16] = max(peak[b, $16], $15 + 0) }
            else noroof[b] = 1
        }
        if (!num($12) || !num($13)) { dropped++; next }
        x = $12 + 0; y = $13 + 0
        ka = $1 "\t" $2
        if (!(ka in kidx)) { kidx[ka] = ++nk; kname[nk] = $1 (($2 != "") ? " " $2 : ""); kkern[nk] = $1; kalg[nk] = $2 }
        k = kidx[ka]
        if (!((b, k) in pidx)) { pidx[b, k] = ++np; pb[np] = b; pk[np] = k }
        f = dir "/p" pidx[b, k] ".dat"
        printf "%.9g %.9g %s\n", x, y, ($17 == "FAILED" ? "FAILED" : "OK") > f
        xmin = (xmin == "" ? x : min(xmin, x)); xmax = (xmax == "" ? x : max(xmax, x))
        ymin = (ymin == "" ? y : min(ymin, y)); ymax = (ymax == "" ? y : max(ymax, y))
        # label anchor: the largest size of each kernel and algorithm
        s = $6 + 0
        if (!(k in lsize) || s > lsize[k]) { lsize[k] = s; lx[k] = x; ly[k] = y }
        c = sprintf("%.2f", lg(x))
        if (!(c in colmax)) { colmax[c] = y; colmin[c] = y }
        else { colmax[c] = max(colmax[c], y); colmin[c] = min(colmin[c], y) }
        if ($17 == "FAILED") nfailed++
    }
    END {
        if (np == 0) { print "none"; exit }
        # x range: the data and every ridge point, with room on both sides
        for (b = 1; b <= nbe; b++) {
            n = split(unitlist[b], u, " ")
            for (j = 1; j <= n; j++) if (bw[b] > 0) {
                r = peak[b, u[j]] / bw[b]; xmin = min(xmin, r); xmax = max(xmax, r)
                ymax = max(ymax, peak[b, u[j]])
            }
        }
        x0 = xmin / 6; x1 = xmax * 6
        y0 = ymin / 6; y1 = ymax * 5
        p = dir "/params.gp"
        printf "OUT = %s\n", gq(outdir "/roofline") > p
        printf "TITLE = %s\n", gq("Roofline: how close each result gets to its backend'"'"'s ceilings") > p
        printf "SUBTITLE = %s\n", gq("roof = min(peak G ops/s, peak GB/s x ops per byte): the closer a point gets to its roof, the better") > p
        printf "XMIN = %.6g\nXMAX = %.6g\nYMIN = %.6g\nYMAX = %.6g\n", x0, x1, y0, y1 > p
        # Roofs: the bandwidth slope up to the ridge, then flat at the peak.
        nr = 0; nx = 0
        for (b = 1; b <= nbe; b++) {
            if (!(bw[b] > 0)) continue
            n = split(unitlist[b], u, " ")
            best = ""; tt = sprintf("%s: %.3g GB/s", bname[b], bw[b])
            for (j = 1; j <= n; j++) tt = tt sprintf(", %.3g G %s/s", peak[b, u[j]], u[j])
            f = dir "/roof" b ".dat"
            if (n == 0) {
                printf "%.6g %.6g\n%.6g %.6g\n", x0, bw[b] * x0, x1, bw[b] * x1 > f
            } else {
                # one flat part per op unit with a measured ceiling
                for (j = 1; j <= n; j++) {
                    pk_ = peak[b, u[j]]; r = pk_ / bw[b]
                    if (j > 1) printf "\n\n" > f
                    if (r <= x0) printf "%.6g %.6g\n%.6g %.6g\n", x0, pk_, x1, pk_ > f
                    else if (r >= x1) printf "%.6g %.6g\n%.6g %.6g\n", x0, bw[b] * x0, x1, bw[b] * x1 > f
                    else printf "%.6g %.6g\n%.6g %.6g\n%.6g %.6g\n", x0, bw[b] * x0, r, pk_, x1, pk_ > f
                    if (best == "" || pk_ > best) best = pk_
                }
                if (noroof[b] && best / bw[b] < x1) {
                    fx = dir "/ext" b ".dat"; r = best / bw[b]
                    printf "%.6g %.6g\n%.6g %.6g\n", max(r, x0), bw[b] * max(r, x0), x1, bw[b] * x1 > fx
                    close(fx); xf[++nx] = fx; xc[nx] = bcol[b]
                }
            }
            close(f)
            rf[++nr] = f; rt[nr] = tt; rc[nr] = bcol[b]
        }
        printf "NR = %d\narray RF[%d]\narray RT[%d]\narray RC[%d]\n", nr, (nr ? nr : 1), (nr ? nr : 1), (nr ? nr : 1) > p
        for (i = 1; i <= nr; i++) printf "RF[%d] = %s\nRT[%d] = %s\nRC[%d] = %s\n", i, gq(rf[i]), i, gq(rt[i]), i, gq(rc[i]) > p
        printf "NX = %d\narray XF[%d]\narray XC[%d]\n", nx, (nx ? nx : 1), (nx ? nx : 1) > p
        for (i = 1; i <= nx; i++) printf "XF[%d] = %s\nXC[%d] = %s\n", i, gq(xf[i]), i, gq(xc[i]) > p
        # Point shape by kernel (circle, triangle, square, diamond, pentagon):
        # filled for naive, open for fast.
        for (k = 1; k <= nk; k++) {
            if (!(kkern[k] in shape)) shape[kkern[k]] = nshape++ % 5
            base = 6 + 2 * shape[kkern[k]]; if (base == 10) base = 4
            kpt[k] = base + (kalg[k] == "fast" ? 0 : 1)
        }
        printf "NP = %d\narray PF[%d]\narray PC[%d]\narray PT[%d]\n", np, np, np, np > p
        for (i = 1; i <= np; i++) {
            close(dir "/p" i ".dat")
            printf "PF[%d] = %s\nPC[%d] = %s\nPT[%d] = %d\n", i, gq(dir "/p" i ".dat"), i, gq(bcol[pb[i]]), i, kpt[pk[i]] > p
        }
        printf "NL = %d\narray LT[%d]\narray LP[%d]\n", nk, nk, nk > p
        for (k = 1; k <= nk; k++) printf "LT[%d] = %s\nLP[%d] = %d\n", k, gq(kname[k]), k, kpt[k] > p
        # Text labels by kernel: the first one at an x goes above the column
        # of points there, the second below it, more to the right.
        for (k = 1; k <= nk; k++) {
            c = sprintf("%.2f", lg(lx[k])); slot = ++used[c]
            if (slot == 1) printf "set label %d %s at %.6g,%.6g center offset 0,1.3 font \",10\" tc rgb \"#222222\" front\n", k, gq(kname[k]), lx[k], colmax[c] > p
            else if (slot == 2) printf "set label %d %s at %.6g,%.6g center offset 0,-1.4 font \",10\" tc rgb \"#222222\" front\n", k, gq(kname[k]), lx[k], colmin[c] > p
            else printf "set label %d %s at %.6g,%.6g left offset 1.5,%d font \",10\" tc rgb \"#222222\" front\n", k, gq(kname[k]), lx[k], ly[k], -(slot - 3) > p
        }
        printf "NFAILED = %d\n", nfailed + 0 > p
        close(p)
        if (nfailed) print "note: " nfailed " point(s) FAILED their check"
        if (dropped) print "note: " dropped " row(s) without ops per byte or G ops/s were left out"
        print "ok"
    }' "$tmp/data.tsv" >"$tmp/roofline.list"

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
