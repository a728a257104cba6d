#include "stats.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of a sorted array. */
static double sorted_median(const double *v, size_t n)
{
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct sample_stats stats_compute(const double *samples, size_t n)
{
    struct sample_stats s = {0};
    if (n == 0)
        return s;
    double *sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return s;
    memcpy(sorted, samples, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_doubles);
    s.n = n;
    s.min = sorted[0];
    s.max = sorted[n - 1];
    s.median = sorted_median(sorted, n);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += sorted[i];
    s.mean = sum / (double)n;
    double sq = 0;
    for (size_t i = 0; i < n; i++)
        sq += (sorted[i] - s.mean) * (sorted[i] - s.mean);
    s.sd = n > 1 ? sqrt(sq / (double)(n - 1)) : 0.0;
    for (size_t i = 0; i < n; i++)
        sorted[i] = fabs(sorted[i] - s.median);
    qsort(sorted, n, sizeof *sorted, compare_doubles);
    s.mad = sorted_median(sorted, n);
    /* hyperfine's outlier test (src/outlier_detection.rs, after Iglewicz and
     * Hoaglin): the modified z-score |x - median| / MAD above 1.4826 * 10,
     * i.e. more than ten standard deviations when 1.4826 * MAD estimates
     * sigma. A MAD of 0 (most samples equal) counts as DBL_EPSILON, so any
     * sample off the common value is one; there is no minimum sample count. */
    double mad = s.mad > 0 ? s.mad : DBL_EPSILON;
    for (size_t i = 0; i < n; i++)
        if (fabs(samples[i] - s.median) / mad > STATS_OUTLIER_THRESHOLD)
            s.outliers++;
    free(sorted);
    return s;
}

double stats_scaling_exponent(const double *x, const double *y, size_t n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] > 0) || !(y[i] > 0))
            continue;
        double lx = log(x[i]), ly = log(y[i]);
        sx += lx;
        sy += ly;
        sxx += lx * lx;
        sxy += lx * ly;
        used++;
    }
    if (used < 2)
        return NAN;
    double denom = (double)used * sxx - sx * sx;
    if (denom == 0)
        return NAN;
    return ((double)used * sxy - sx * sy) / denom;
}

struct scaling_fit stats_scaling_fit(const double *x, const double *lo, const double *hi,
                                     size_t n)
{
    struct scaling_fit f = {.exponent = stats_scaling_exponent(x, lo, n), .low = NAN, .high = NAN};
    if (!isfinite(f.exponent) || n > 64)
        return f;
    /* The smallest and largest slopes the spread allows: slow times at the
     * small sizes with fast ones at the large sizes, and the other way. */
    double lx = 0;
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] > 0) {
            lx += log(x[i]);
            used++;
        }
    lx /= used ? (double)used : 1;
    double down[64], up[64];
    for (size_t i = 0; i < n; i++) {
        int small = x[i] > 0 && log(x[i]) < lx;
        double h = hi[i] > lo[i] ? hi[i] : lo[i];
        down[i] = small ? h : lo[i];
        up[i] = small ? lo[i] : h;
    }
    f.low = stats_scaling_exponent(x, down, n);
    f.high = stats_scaling_exponent(x, up, n);
    f.measurable = isfinite(f.low) && isfinite(f.high) && f.high - f.low <= SCALING_MAX_WIDTH;
    return f;
}

const char *describe_scaling(const struct scaling_fit *f, int busy, const char *size_name,
                             char *buf, size_t cap)
{
    if (!isfinite(f->exponent))
        snprintf(buf, cap, "a scaling exponent needs at least two sizes");
    else if (busy)
        snprintf(buf, cap,
                 "time ~ %s^k: not measurable here (the machine was busy while timing; "
                 "k from %.2f to %.2f)",
                 size_name, f->low, f->high);
    else if (!f->measurable)
        snprintf(buf, cap,
                 "time ~ %s^k: not measurable here (the timing spread allows k from %.2f to "
                 "%.2f)",
                 size_name, f->low, f->high);
    else
        snprintf(buf, cap, "time ~ %s^%.2f (%.2f to %.2f)", size_name, f->exponent, f->low,
                 f->high);
    return buf;
}
