# roofline.awk: the data files and gnuplot variables of bench/roofline.gp,
# from the data.tsv that bench/charts.sh writes (columns listed there): one
# roof per backend, one point file per backend and kernel. Prints "ok" when
# there is something to draw ("none" when not), and "note: ..." lines.
# Variables (-v): dir (the data folder), palette (colours), outdir (charts).
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
    printf "TITLE = %s\n", gq("Roofline: how close each result gets to its backend's ceilings") > p
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
}
