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

#endif
