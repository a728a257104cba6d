#include "reference.h"

#include "message.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Records one mismatch, keeping the first CHECK_MAX_REPORTED. */
static void note_mismatch(struct check_result *r, size_t i, double got, double want)
{
    if (r->mismatches < CHECK_MAX_REPORTED) {
        r->first_bad[r->mismatches] = i;
        r->got[r->mismatches] = got;
        r->want[r->mismatches] = want;
    }
    r->mismatches++;
    r->ok = 0;
}

/* Relative error of one value against r->tolerance; NaN always fails. */
static void compare_relative(struct check_result *r, size_t i, double got, double want)
{
    double err = want != 0 ? fabs(got - want) / want : fabs(got);
    if (!(err <= r->tolerance))
        note_mismatch(r, i, got, want);
    if (err > r->max_error || err != err)
        r->max_error = err;
}

struct check_result check_sqrt(const double *in, const float *out, size_t n)
{
    /* sqrt is correctly rounded in IEEE double (OpenCL requires it for
     * double too) and the conversion to float rounds to nearest, so every
     * backend should be exact; one float ulp is allowed for devices that
     * flush or round differently. */
    struct check_result r = {.ok = 1, .tolerance = FLT_EPSILON};
    for (size_t i = 0; i < n; i++)
        compare_relative(&r, i, out[i], (float)sqrt(in[i]));
    return r;
}

double reference_sumsqrt(const double *in, size_t n)
{
    /* Neumaier's compensated sum: error about one ulp of the result,
     * independent of n, so it can judge any summation order. */
    double sum = 0, comp = 0;
    for (size_t j = 0; j < n; j++) {
        double x = sqrt(in[j]);
        double t = sum + x;
        if (fabs(sum) >= fabs(x))
            comp += (sum - t) + x;
        else
            comp += (x - t) + sum;
        sum = t;
    }
    return sum + comp;
}

double sumsqrt_tolerance(size_t n)
{
    /* A backend sums n positive terms in double in any order (threads,
     * vector lanes, work-groups): the worst-case error of recursive
     * summation is (n-1)*eps64 times the sum. Storing to float adds half a
     * float ulp on top, doubled here for margin. So the tolerance grows
     * with n and stays far below float rounding until n ~ 1e8. */
    return FLT_EPSILON + (double)n * DBL_EPSILON;
}

struct check_result check_sumsqrt(const double *in, const float *out, size_t n)
{
    struct check_result r = {.ok = 1, .tolerance = sumsqrt_tolerance(n)};
    double want = reference_sumsqrt(in, n);
    for (size_t i = 0; i < n; i++)
        compare_relative(&r, i, out[i], want);
    return r;
}

/* The tutorial's loop as written: pairs i <= j, both known, different. */
static int64_t reference_row_score(const int8_t *row, size_t cols)
{
    int64_t score = 0;
    for (size_t i = 0; i < cols; i++) {
        if (row[i] == GENOTYPE_MISSING)
            continue;
        for (size_t j = i; j < cols; j++)
            if (row[j] != GENOTYPE_MISSING && row[i] != row[j])
                score++;
    }
    return score;
}

void reference_scores(const struct genotype_matrix *m, int64_t *scores)
{
    for (size_t r = 0; r < m->rows; r++)
        scores[r] = reference_row_score(m->calls + r * m->cols, m->cols);
}

/* Pairs of different known calls counted per genotype: n0*n1 + n0*n2 +
 * n1*n2 equals the tutorial's pair loop exactly (tests prove it on random
 * matrices), and costs O(cols) per row, so checking never costs more than
 * reading the data. */
static int64_t counted_row_score(const int8_t *row, size_t cols)
{
    int64_t n[3] = {0, 0, 0};
    for (size_t i = 0; i < cols; i++)
        if (row[i] >= 0 && row[i] <= 2)
            n[row[i]]++;
    return n[0] * n[1] + n[0] * n[2] + n[1] * n[2];
}

struct check_result check_scores(const struct genotype_matrix *m, const int64_t *scores)
{
    struct check_result r = {.ok = 1, .tolerance = 0};
    for (size_t row = 0; row < m->rows; row++) {
        int64_t want = counted_row_score(m->calls + row * m->cols, m->cols);
        if (scores[row] != want) {
            double err = fabs((double)scores[row] - (double)want);
            if (err > r.max_error)
                r.max_error = err;
            note_mismatch(&r, row, (double)scores[row], (double)want);
        }
    }
    return r;
}

void check_print_failure(const char *what, const struct check_result *r)
{
    FILE *f = stderr;
    offload_error("%s: %zu values%s%s differ from %s", what, r->mismatches,
                  r->buffer[0] ? " of buffer " : "", r->buffer,
                  r->against[0] ? r->against : "the serial reference");
    if (r->tolerance > 0)
        fprintf(f, " (relative tolerance %.3g, largest error %.3g)", r->tolerance, r->max_error);
    fprintf(f, "; first:\n");
    size_t shown = r->mismatches < CHECK_MAX_REPORTED ? r->mismatches : CHECK_MAX_REPORTED;
    for (size_t k = 0; k < shown; k++)
        fprintf(f, "  [%zu] got %.9g, expected %.9g\n", r->first_bad[k], r->got[k], r->want[k]);
}
