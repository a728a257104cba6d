#ifndef OFFLOAD_REFERENCE_H
#define OFFLOAD_REFERENCE_H

/* Checks every backend's output against the serial reference. */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "genotype.h"

#define CHECK_MAX_REPORTED 5

struct check_result {
    int ok;
    size_t mismatches;
    double max_error; /* largest relative (float) or absolute (int) error */
    double tolerance; /* relative tolerance used; 0 for exact */
    size_t first_bad[CHECK_MAX_REPORTED];
    double got[CHECK_MAX_REPORTED], want[CHECK_MAX_REPORTED];
    char buffer[64];   /* the output that differs, "" when there is one output */
    char against[300]; /* what it was checked against, "" for the serial reference */
};

/* out[i] must equal (float)sqrt(in[i]) within 1 float32 ulp. */
struct check_result check_sqrt(const double *in, const float *out, size_t n);

/* Sum of sqrt(in[j]) by compensated (Neumaier) summation: the reference
 * value that every out[i] of sumsqrt should hold. */
double reference_sumsqrt(const double *in, size_t n);

/* Relative tolerance for sumsqrt at size n (see reference.c for why). */
double sumsqrt_tolerance(size_t n);

struct check_result check_sumsqrt(const double *in, const float *out, size_t n);

/* Scores by the tutorial's loop, one row at a time. */
void reference_scores(const struct genotype_matrix *m, int64_t *scores);

/* Scores must match the reference exactly (computed in O(rows*cols)). */
struct check_result check_scores(const struct genotype_matrix *m, const int64_t *scores);

/* Print the first mismatches of a failed check as an error. */
void check_print_failure(const char *what, const struct check_result *r);

#endif
