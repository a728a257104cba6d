#include "stats.h"

#include <float.h>
#include <math.h>
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
