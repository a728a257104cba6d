# sweep.awk: the data files and gnuplot variables of bench/sweep.gp, from the
# data.tsv that bench/charts.sh writes (columns listed there). One chart per
# kernel and algorithm with two or more sizes. For each, CHART/params.gp plus
# data files: sN.dat (size total kernel copy_in copy_out) per series, bN.dat
# (bar x, copy-in %, kernel %, copy-out %) per series with copies. Prints
# "CHART_ID" lines for the charts made, "skip: ..." lines for those left out.
# Variables (-v): dir (the data folder), palette (colours), outdir (charts).
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
}
