# roofline.gp: the roofline chart for bench/charts.sh.
#
# charts.sh runs "gnuplot PARAMS.gp roofline.gp"; PARAMS.gp defines:
#   OUT                  output path without extension (.png and .svg are written)
#   TITLE, SUBTITLE
#   XMIN, XMAX, YMIN, YMAX   axis ranges (ops per byte, G ops/s)
#   NR, RF[], RT[], RC[] roofs, one per backend: polyline file (x y; a blank
#                        pair of lines between the parts for several op units),
#                        key title with the ceilings, colour
#   NX, XF[], XC[]       dotted bandwidth-only extensions past a ridge, for ops
#                        without a measured compute ceiling (scores' compares)
#   NP, PF[], PC[], PT[] point sets (x y [FAILED]), colour and point type
#   NL, LT[], LP[]       key entries for the point shapes (kernel and algorithm)
#   NFAILED              results that failed their check (crossed out in red)
#   "set label" commands naming each kernel next to its points

GRID = "#e4e4e4"

do for [t = 1:2] {
    if (t == 1) {
        if (strstrt(GPVAL_TERMINALS, " pngcairo ") > 0) {
            set terminal pngcairo enhanced size 1100,760 font "Sans,11" background rgb "white"
        } else {
            set terminal png enhanced size 1100,760 background rgb "white"
        }
        set output OUT.".png"
    } else {
        set terminal svg enhanced size 1100,760 dynamic font "Sans,11" background rgb "white"
        set output OUT.".svg"
    }

    # Title and subtitle centred on the whole image (the key takes the right side).
    unset title
    set label 901 TITLE at screen 0.5, screen 0.965 center font ",15" front
    set label 902 SUBTITLE at screen 0.5, screen 0.93 center font ",11" front
    set label 903 "{/:Bold How to read it}\n\nEach roof is the best a backend can do:\nleft of its corner, memory bandwidth is\nthe limit (memory-bound); right of it,\nthe arithmetic rate is (compute-bound).\n\nA point far below its roof leaves\nperformance unused: look for launch\noverhead, copies or poor vectorisation.\n\nscores counts compares, which have no\nmeasured ceiling: only the dotted\nbandwidth roof applies to them.\n\nA point above its roof read its data from\ncache, faster than main memory." at screen 0.615, screen 0.46 left font ",10" tc rgb "#333333" front
    set lmargin 10
    unset rmargin
    set tmargin 6
    set bmargin 4
    set logscale xy
    set xrange [XMIN : XMAX]
    set yrange [YMIN : YMAX]
    set xtics out nomirror
    set ytics out nomirror
    set mxtics 10
    set mytics 10
    set format x "%g"
    set format y "%g"
    set xlabel "arithmetic intensity (operations per byte moved, log scale)" offset 0,0.3
    set ylabel "achieved performance (G operations/s, log scale)"
    set grid xtics ytics mxtics mytics lc rgb GRID lw 1, lc rgb "#f4f4f4" lw 1
    set border 3 lc rgb "#555555"
    set key outside right top vertical Left reverse samplen 2.5 spacing 1.3 width 1 \
        box lc rgb "#cccccc" font ",10"
    # Built as a string: an empty iteration such as "for [i = 1:0] XF[i] using"
    # does not parse, so each group is added only when it has members.
    cmd = 'plot keyentry with lines lc rgb "white" title "{/:Bold roof of each backend: peak bandwidth, peak rate}"'
    if (NR > 0) { cmd = cmd.', for [i = 1:NR] RF[i] using 1:2 with lines lw 3 lc rgb RC[i] title RT[i]' }
    if (NX > 0) { cmd = cmd.', for [i = 1:NX] XF[i] using 1:2 with lines dt (2,3) lw 2 lc rgb XC[i] notitle' }
    if (NP > 0) {
        cmd = cmd.', for [i = 1:NP] PF[i] using 1:2 with points pt PT[i] ps 1.7 lw 2 lc rgb PC[i] notitle'
        cmd = cmd.', for [i = 1:NP] PF[i] using 1:(strcol(3) eq "FAILED" ? $2 : NaN) with points pt 2 ps 2.6 lw 2.5 lc rgb "#d62728" notitle'
    }
    cmd = cmd.', keyentry with lines lc rgb "white" title " "'
    cmd = cmd.', keyentry with lines lc rgb "white" title "{/:Bold results (colour = backend)}"'
    if (NL > 0) { cmd = cmd.', for [i = 1:NL] keyentry with points pt LP[i] ps 1.5 lw 2 lc rgb "#444444" title LT[i]' }
    if (NX > 0) { cmd = cmd.', keyentry with lines dt (2,3) lw 2 lc rgb "#777777" title "bandwidth only (no compute ceiling)"' }
    cmd = cmd.', keyentry with points pt 2 ps 2 lw 2.5 lc rgb "#d62728" title (NFAILED > 0 ? "result FAILED its correctness check" : "")'
    eval cmd
    set output
}
