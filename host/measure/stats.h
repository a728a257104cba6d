#ifndef OFFLOAD_STATS_H
#define OFFLOAD_STATS_H

#include <stddef.h>

/* Summary of timed repeats. The headline is min (BabelStream, STREAM);
 * the rest tells how noisy the run was. */
struct sample_stats {
    size_t n;
    double min, max, median, mean, sd;
    double mad;       /* median absolute deviation */
    size_t outliers;  /* samples with |x - median| > 3 * 1.4826 * MAD (hyperfine's test), counted from 5 samples on */
};

/* n may be 0 (all fields 0). Does not modify samples. */
struct sample_stats stats_compute(const double *samples, size_t n);

/* Least-squares slope of log(y) against log(x): time ~ size^k. Returns NaN
 * when fewer than two valid points. */
double stats_scaling_exponent(const double *x, const double *y, size_t n);

#endif
