#!/usr/bin/env bash
# test_plot.sh OFFLOAD FIXTURES WORK_DIR: offload plot draws the roofline,
# the sweep and the phases from saved exports in png, svg and pdf; each
# chart is a real file of the promised size, gnuplot printed nothing (no
# warning), labels are literal (an underscore stays an underscore), and bad
# input fails with exit 2. Exit 77 (skip) without gnuplot.
set -uo pipefail
export LC_ALL=C
if [ $# -ne 3 ]; then
    echo "usage: $0 OFFLOAD FIXTURES WORK_DIR" >&2
    exit 2
fi
offload=$1
fixtures=$2
work=$3
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "plot: gnuplot is not installed; skipping"
    exit 77
fi
rm -rf "$work"
mkdir -p "$work" || exit 1
failed=0
ok() { echo "ok    $1"; }
fail() { echo "FAIL  $1"; failed=1; }

exports=("$fixtures/sweep_sqrt.json" "$fixtures/laptop_pocl.json" "$fixtures/workstation_gpu.json")
for fmt in png svg pdf; do
    out=$work/$fmt
    "$offload" plot "${exports[@]}" -o "$out" --format "$fmt" >"$work/$fmt.out" 2>"$work/$fmt.err"
    rc=$?
    [ "$rc" -eq 0 ] && ok "$fmt: exit 0" || fail "$fmt: exit $rc: $(cat "$work/$fmt.err")"
    if [ -s "$work/$fmt.err" ]; then
        fail "$fmt: messages on stderr (gnuplot warnings?):"
        cat "$work/$fmt.err"
    else
        ok "$fmt: gnuplot printed nothing"
    fi
    for chart in roofline sweep-sqrt-naive phases-sqrt-naive; do
        f=$out/$chart.$fmt
        size=$(stat -c %s "$f" 2>/dev/null || echo 0)
        if [ "$size" -lt 10000 ]; then
            fail "$fmt: $chart.$fmt missing or too small ($size bytes)"
            continue
        fi
        case $fmt in
        png)
            # The IHDR chunk: width and height, big-endian, at bytes 16 and 20.
            dims=$(od -An -tu1 -j16 -N8 "$f" | awk '{print $3*256+$4 "x" $7*256+$8}')
            [ "$dims" = "1280x960" ] && ok "png: $chart is 1280x960" ||
                fail "png: $chart is $dims, not 1280x960"
            ;;
        svg)
            grep -q '<svg' "$f" && ok "svg: $chart is SVG" || fail "svg: $chart is not SVG"
            ;;
        pdf)
            head -c 5 "$f" | grep -q '%PDF-' && ok "pdf: $chart is PDF" || fail "pdf: $chart is not PDF"
            ;;
        esac
    done
    grep -q "wrote $out/roofline.$fmt" "$work/$fmt.out" && ok "$fmt: says what it wrote" ||
        fail "$fmt: does not list the charts"
done
# Literal labels: the note names sweep_sqrt.json with its underscore, and
# each device keeps its name (no subscripts, no markup).
grep -q 'sweep_sqrt.json' "$work/svg/roofline.svg" && ok "svg: file name taken literally" ||
    fail "svg: 'sweep_sqrt.json' is not in the roofline's text"
grep -q 'opencl:1.0' "$work/svg/phases-sqrt-naive.svg" && ok "svg: backend label literal" ||
    fail "svg: 'opencl:1.0' is not in the phases chart"
# No chart is left half-written, nor the scratch folder.
leftover=$(find "$work" -name '.offload-plot.*' | head -1)
[ -z "$leftover" ] && ok "no scratch folder left" || fail "scratch left: $leftover"

# Bad input: exit 2 with a message naming the problem and the fix.
"$offload" plot >/dev/null 2>"$work/e1"; rc=$?
[ $rc -eq 2 ] && grep -q 'plot needs at least one JSON export' "$work/e1" && ok "no export: exit 2" ||
    fail "no export: exit $rc $(cat "$work/e1")"
"$offload" plot "$fixtures/laptop_pocl.json" --format gif -o "$work/x" >/dev/null 2>"$work/e2"; rc=$?
[ $rc -eq 2 ] && grep -q "'gif' is not a chart format; use png, svg or pdf" "$work/e2" &&
    ok "gif: exit 2" || fail "gif: exit $rc $(cat "$work/e2")"
"$offload" plot "$work/missing.json" -o "$work/x" >/dev/null 2>"$work/e3"; rc=$?
[ $rc -eq 2 ] && grep -q 'missing.json: cannot read it' "$work/e3" && ok "missing export: exit 2" ||
    fail "missing export: exit $rc $(cat "$work/e3")"
exit $failed
