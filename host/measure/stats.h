#ifndef OFFLOAD_STATS_H
#define OFFLOAD_STATS_H

#include <stddef.h>

/* Summary of timed repeats. The headline is min (BabelStream, STREAM);
 * the rest tells how noisy the run was. */
struct sample_stats {
    size_t n;
    double min, max, median, mean, sd;
    double mad;      /* median absolute deviation */
    size_t outliers; /* |x - median| / MAD > STATS_OUTLIER_THRESHOLD, as hyperfine counts */
};

/* hyperfine's limit on the modified z-score |x - median| / MAD: 1.4826 * MAD
 * estimates the standard deviation, and an outlier is ten of them away. */
#define STATS_OUTLIER_THRESHOLD (1.4826 * 10.0)

/* n may be 0 (all fields 0). Does not modify samples. */
struct sample_stats stats_compute(const double *samples, size_t n);

/* Least-squares slope of log(y) against log(x): time ~ size^k. Returns NaN
 * when fewer than two valid points. */
double stats_scaling_exponent(const double *x, const double *y, size_t n);

/* An exponent wider than this from end to end says nothing about the
 * algorithm (1 is linear, 2 quadratic): "not measurable here". */
#define SCALING_MAX_WIDTH 0.3

/* time ~ size^exponent with the range the timing spread allows. */
struct scaling_fit {
    double exponent;  /* fitted to the fastest times (lo); NaN with < 2 sizes */
    double low, high; /* fits through the spread's corners (see stats.c) */
    int measurable;   /* finite and high - low <= SCALING_MAX_WIDTH */
};

/* lo[i] and hi[i] bound the time at size x[i] (the minimum and the median
 * of the repeats). */
struct scaling_fit stats_scaling_fit(const double *x, const double *lo, const double *hi,
                                     size_t n);

/* "time ~ markers^0.99 (0.95 to 1.02)", or "not measurable here" with why
 * (busy: the machine was busy while timing). */
const char *describe_scaling(const struct scaling_fit *f, int busy, const char *size_name,
                             char *buf, size_t cap);

#endif
