# sweep.gp: one sweep chart (time against problem size) for bench/charts.sh.
#
# charts.sh runs "gnuplot PARAMS.gp sweep.gp"; PARAMS.gp defines:
#   OUT               output path without extension (.png and .svg are written)
#   TITLE, SUBTITLE, XLABEL
#   NS, SF[], ST[], SC[]  series: data file, key title, colour; each file has
#                     columns size total_s kernel_s copy_in_s copy_out_s
#   NK, KF[], KC[]    series with copies again, for the dashed kernel-only line
#   NB, BF[], BC[]    bar series (backends with copies): x copy_in% kernel% copy_out%
#   BARNOTE, BXMAX    bar panel note and last bar position; BARTICS, a
#                     "set xtics (...)" command naming the bar groups by size

COPY_IN  = "#E8A33D"
KERNEL   = "#5B8DB8"
COPY_OUT = "#B48EC9"
GRID     = "#e4e4e4"

do for [t = 1:2] {
    if (t == 1) {
        if (strstrt(GPVAL_TERMINALS, " pngcairo ") > 0) {
            set terminal pngcairo enhanced size 1100,820 font "Sans,11" background rgb "white"
        } else {
            set terminal png enhanced size 1100,820 background rgb "white"
        }
        set output OUT.".png"
    } else {
        set terminal svg enhanced size 1100,820 dynamic font "Sans,11" background rgb "white"
        set output OUT.".svg"
    }

    set multiplot
    # ---- top panel: time against size, log-log --------------------------
    if (NB > 0) {
        set origin 0, 0.36
        set size 1, 0.64
        set bmargin 3.5
    } else {
        set origin 0, 0
        set size 1, 1
        set bmargin 4
    }
    set lmargin at screen 0.10
    set rmargin at screen 0.72
    set tmargin 4.5
    set title TITLE."\n{/*0.8 ".SUBTITLE."}" font ",15" offset 0,-0.3
    set logscale xy
    set autoscale xfix
    set autoscale yfix
    set offsets graph 0.04, graph 0.04, graph 0.06, graph 0.06
    eval TOPTICS
    set xtics out nomirror
    set ytics auto out nomirror
    set mytics 10
    set format x "%.0s%c"
    set format y "%.0s %cs"
    set xlabel XLABEL offset 0,0.3
    set ylabel "time per call (seconds, log scale)"
    set grid xtics ytics mxtics mytics lc rgb GRID lw 1, lc rgb "#f4f4f4" lw 1
    set border 3 lc rgb "#555555"
    set key outside right top vertical Left reverse samplen 3 spacing 1.25 width 1 \
        title "{/:Bold backend}" box lc rgb "#cccccc"
    # Host-only sweeps have no copies, so no dashed kernel-only lines (and an
    # empty "for [i = 1:0] KF[i]" does not parse).
    if (NK > 0) {
        plot for [i = 1:NS] SF[i] using 1:2 with linespoints lw 2.5 pt 7 ps 1.2 lc rgb SC[i] title ST[i], \
             for [i = 1:NK] KF[i] using 1:3 with linespoints dt (7,4) lw 2 pt 6 ps 1 lc rgb KC[i] notitle, \
             keyentry with linespoints lw 2.5 pt 7 ps 1.2 lc rgb "#444444" title "end-to-end (solid)", \
             keyentry with linespoints dt (7,4) lw 2 pt 6 ps 1 lc rgb "#444444" title "kernel only (dashed)"
    } else {
        plot for [i = 1:NS] SF[i] using 1:2 with linespoints lw 2.5 pt 7 ps 1.2 lc rgb SC[i] title ST[i]
    }

    # ---- bottom panel: where the end-to-end time goes ---------------------
    if (NB > 0) {
        set origin 0, 0
        set size 1, 0.36
        set tmargin 3.2
        set bmargin 3.5
        unset logscale
        unset offsets
        unset mxtics
        unset mytics
        set title "Where the end-to-end time goes, for backends that copy data".(strlen(BARNOTE) > 0 ? "\n{/*0.8 ".BARNOTE."}" : "") font ",12"
        set xrange [-0.7 : BXMAX + 0.7]
        set yrange [0 : 100]
        set ytics 0, 25, 100
        set format y "%g%%"
        set format x "%g"
        eval BARTICS
        set xtics out nomirror scale 0
        set grid noxtics nomxtics ytics lc rgb GRID lw 1
        set xlabel XLABEL offset 0,0.3
        set ylabel "share of end-to-end time"
        set key outside right top vertical Left reverse samplen 2 spacing 1.25 \
            title "{/:Bold phase}" box lc rgb "#cccccc"
        set boxwidth 0.82
        set style fill solid 1.0 border
        plot for [i = 1:NB] BF[i] using 1:($2 + $3 + $4) with boxes fs solid 1 border lc rgb BC[i] lw 2 lc rgb COPY_OUT notitle, \
             for [i = 1:NB] BF[i] using 1:($2 + $3) with boxes fs solid 1 border lc rgb BC[i] lw 2 lc rgb KERNEL notitle, \
             for [i = 1:NB] BF[i] using 1:2 with boxes fs solid 1 border lc rgb BC[i] lw 2 lc rgb COPY_IN notitle, \
             for [i = 1:NB] BF[i] using 1:($2 + $3 / 2):($3 >= 12 ? sprintf("%.0f%%", $3) : "") with labels font ",9" tc rgb "white" notitle, \
             keyentry with boxes fs solid 1 border lc rgb "#666666" lc rgb COPY_OUT title "copy-out", \
             keyentry with boxes fs solid 1 border lc rgb "#666666" lc rgb KERNEL title "kernel", \
             keyentry with boxes fs solid 1 border lc rgb "#666666" lc rgb COPY_IN title "copy-in"
    }
    unset multiplot
    set output
}
