/* OpenMP backend: the same kernels on CPU threads, written so the compiler
 * vectorises them (omp simd reductions let it reorder the float64 sum). */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "timing.h"

struct openmp_state {
    int threads;
};

static enum offload_status openmp_list_devices(FILE *out)
{
    fprintf(out, "openmp   host CPU, %d threads by default (%d cores online; set --threads or "
                 "OMP_NUM_THREADS)\n",
            omp_get_max_threads(), omp_get_num_procs());
    return OFFLOAD_OK;
}

static enum offload_status openmp_init(const struct backend_config *cfg, void **state,
                                       struct backend_info *info)
{
    struct openmp_state *s = calloc(1, sizeof *s);
    if (!s) {
        fprintf(stderr, "error: openmp: out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    s->threads = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
    memset(info, 0, sizeof *info);
    snprintf(info->device, sizeof info->device, "host CPU, %d thread%s", s->threads,
             s->threads == 1 ? "" : "s");
    info->threads = s->threads;
    info->unified_memory = 1;
    info->build_cached = -1;
    *state = s;
    return OFFLOAD_OK;
}

static enum offload_status openmp_run_sqrt(void *state, const double *in, float *out, size_t n,
                                           struct phase_times *t)
{
    struct openmp_state *s = state;
    *t = phase_times_none();
    double t0 = offload_now();
#pragma omp parallel for simd schedule(static) num_threads(s->threads)
    for (size_t i = 0; i < n; i++)
        out[i] = (float)sqrt(in[i]);
    t->kernel = offload_now() - t0;
    return OFFLOAD_OK;
}

/* Sum of sqrt(in[j]) over j, vectorised; the order differs from serial. */
static inline double sum_of_sqrt(const double *in, size_t n)
{
    double sum = 0;
#pragma omp simd reduction(+ : sum)
    for (size_t j = 0; j < n; j++)
        sum += sqrt(in[j]);
    return sum;
}

static enum offload_status openmp_run_sumsqrt(void *state, enum offload_algorithm alg,
                                              const double *in, float *out, size_t n,
                                              struct phase_times *t)
{
    struct openmp_state *s = state;
    *t = phase_times_none();
    double t0 = offload_now();
    switch (alg) {
    case ALG_NAIVE:
#pragma omp parallel for schedule(static) num_threads(s->threads)
        for (size_t i = 0; i < n; i++)
            out[i] = (float)sum_of_sqrt(in, n);
        break;
    case ALG_FAST: {
        double sum = 0;
#pragma omp parallel for simd reduction(+ : sum) schedule(static) num_threads(s->threads)
        for (size_t j = 0; j < n; j++)
            sum += sqrt(in[j]);
#pragma omp parallel for simd schedule(static) num_threads(s->threads)
        for (size_t i = 0; i < n; i++)
            out[i] = (float)sum;
        break;
    }
    }
    t->kernel = offload_now() - t0;
    return OFFLOAD_OK;
}

/* Pairs (i < j) of known, different calls in one row. The inner loop
 * compares int8 columns a vector at a time. */
static int64_t row_score_naive(const int8_t *row, size_t cols)
{
    int64_t score = 0;
    for (size_t i = 0; i < cols; i++) {
        const int8_t v = row[i];
        if (v == GENOTYPE_MISSING)
            continue;
        unsigned count = 0;
#pragma omp simd reduction(+ : count)
        for (size_t j = i + 1; j < cols; j++)
            count += (row[j] != GENOTYPE_MISSING) & (row[j] != v);
        score += count;
    }
    return score;
}

static int64_t row_score_fast(const int8_t *row, size_t cols)
{
    int64_t n0 = 0, n1 = 0, n2 = 0;
#pragma omp simd reduction(+ : n0, n1, n2)
    for (size_t i = 0; i < cols; i++) {
        n0 += row[i] == 0;
        n1 += row[i] == 1;
        n2 += row[i] == 2;
    }
    return n0 * n1 + n0 * n2 + n1 * n2;
}

static enum offload_status openmp_run_scores(void *state, enum offload_algorithm alg,
                                             const struct genotype_matrix *m, int64_t *scores,
                                             struct phase_times *t)
{
    struct openmp_state *s = state;
    *t = phase_times_none();
    double t0 = offload_now();
    const size_t cols = m->cols;
    switch (alg) {
    case ALG_NAIVE:
        /* Row cost varies with missing calls: dynamic chunks balance it. */
#pragma omp parallel for schedule(dynamic, 16) num_threads(s->threads)
        for (size_t r = 0; r < m->rows; r++)
            scores[r] = row_score_naive(m->calls + r * cols, cols);
        break;
    case ALG_FAST:
#pragma omp parallel for schedule(static) num_threads(s->threads)
        for (size_t r = 0; r < m->rows; r++)
            scores[r] = row_score_fast(m->calls + r * cols, cols);
        break;
    }
    t->kernel = offload_now() - t0;
    return OFFLOAD_OK;
}

static void openmp_fini(void *state)
{
    free(state);
}

const struct backend_ops backend_openmp = {
    .name = "openmp",
    .summary = "OpenMP threads on the host CPU",
    .list_devices = openmp_list_devices,
    .init = openmp_init,
    .run_sqrt = openmp_run_sqrt,
    .run_sumsqrt = openmp_run_sumsqrt,
    .run_scores = openmp_run_scores,
    .fini = openmp_fini,
};
