/* OpenMP backend: the same kernels on CPU threads, written so the compiler
 * vectorises them (omp simd reductions let it reorder the float64 sum). */
#include <math.h>
#include <stdint.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "markers.h"
#include "host_calibrate.h"
#include "host_loops.h"
#include "row_scores.h"
#include "timing.h"
#include "message.h"

struct openmp_state {
    int threads;
    double cache_bytes;        /* the host's last-level cache */
    struct host_probe *probe;  /* the probe's arrays, made on first use */
};

static enum offload_status openmp_list_devices(FILE *out)
{
    fprintf(out,
            "openmp   host CPU, %d threads by default (%d cores online; set --threads or "
            "OMP_NUM_THREADS)\n",
            omp_get_max_threads(), omp_get_num_procs());
    return OFFLOAD_OK;
}

static enum offload_status openmp_init(const struct backend_config *cfg, void **state,
                                       struct backend_info *info)
{
    struct openmp_state *s = calloc(1, sizeof *s);
    if (!s) {
        offload_backend_error("openmp", "out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    s->threads = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
    host_backend_info(info, s->threads);
    s->cache_bytes = info->cache_bytes;
    *state = s;
    return OFFLOAD_OK;
}

/* Outputs larger than this go around the caches (streaming stores): they
 * would not fit anyway, and skipping the read-for-ownership of each output
 * line saves a quarter of the memory traffic (16 -> 12 bytes per element). */
#define STREAM_STORE_MIN_BYTES (8u << 20)

static enum offload_status openmp_run_sqrt(void *state, const struct kernel_input *kin,
                                           void *output, struct phase_times *t)
{
    struct openmp_state *s = state;
    const double *in = kin->in;
    float *out = output;
    size_t n = kin->n;
    *t = phase_times_none();
    /* The loop is shared with the host ceilings (host_loops.c), so the
     * probe that bounds this kernel runs this very code. */
    const int streaming = host_streaming_stores() && n * sizeof *out >= STREAM_STORE_MIN_BYTES &&
                          (uintptr_t)out % 32 == 0;
    double t0 = offload_now();
    host_parallel_slices(host_sqrt_slice, in, out, n, s->threads, streaming);
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

static enum offload_status openmp_run_sumsqrt(void *state, const struct kernel_input *kin,
                                              void *output, struct phase_times *t)
{
    struct openmp_state *s = state;
    const double *in = kin->in;
    float *out = output;
    size_t n = kin->n, outputs = kernel_output_items(kin); /* a rank's share, or n */
    *t = phase_times_none();
    double t0 = offload_now();
    switch (kin->alg) {
    case ALG_NAIVE:
#pragma omp parallel for schedule(static) num_threads(s->threads)
        for (size_t i = 0; i < outputs; i++)
            out[i] = (float)sum_of_sqrt(in, n);
        break;
    case ALG_FAST: {
        /* Each thread sums a contiguous slice with the vectorised loop
         * (clang does not vectorise a combined "parallel for simd"
         * reduction). */
        double sum = 0;
#pragma omp parallel reduction(+ : sum) num_threads(s->threads)
        {
            size_t parts = (size_t)omp_get_num_threads(), part = (size_t)omp_get_thread_num();
            size_t begin = n / parts * part + (part < n % parts ? part : n % parts);
            size_t count = n / parts + (part < n % parts);
            sum += sum_of_sqrt(in + begin, count);
        }
#pragma omp parallel for simd schedule(static) num_threads(s->threads)
        for (size_t i = 0; i < outputs; i++)
            out[i] = (float)sum;
        break;
    }
    }
    t->kernel = offload_now() - t0;
    return OFFLOAD_OK;
}

static enum offload_status openmp_run_scores(void *state, const struct kernel_input *kin,
                                             void *output, struct phase_times *t)
{
    struct openmp_state *s = state;
    const struct genotype_matrix *m = kin->matrix;
    int64_t *scores = output;
    *t = phase_times_none();
    double t0 = offload_now();
    const size_t cols = m->cols;
    const int avx2 = row_scores_use_avx2();
    int out_of_memory = 0;
    switch (kin->alg) {
    case ALG_NAIVE:
#pragma omp parallel num_threads(s->threads)
    {
        /* Each thread pads rows in a buffer of its own. */
        int8_t *pad = aligned_alloc(64, row_score_pad_bytes(cols));
        if (!pad) {
#pragma omp atomic write
            out_of_memory = 1;
        }
        /* Row cost varies with missing calls: dynamic chunks balance it. */
#pragma omp for schedule(dynamic, 16)
        for (size_t r = 0; r < m->rows; r++)
            if (pad)
                scores[r] = row_score_naive(m->calls + r * cols, cols, pad, avx2);
        free(pad);
    } break;
    case ALG_FAST:
#pragma omp parallel for schedule(static) num_threads(s->threads)
        for (size_t r = 0; r < m->rows; r++)
            scores[r] = row_score_fast(m->calls + r * cols, cols, avx2);
        break;
    }
    if (out_of_memory) {
        offload_backend_error("openmp", "out of memory for a %zu-column row buffer\n", cols);
        return OFFLOAD_ERR_RUN;
    }
    t->kernel = offload_now() - t0;
    return OFFLOAD_OK;
}

/* The same thread count as the kernels use. */
static enum offload_status openmp_calibrate(void *state, struct ceilings *out)
{
    const struct openmp_state *s = state;
    return host_calibrate(s->threads, out);
}

static enum offload_status openmp_probe(void *state, const struct kernel_input *in,
                                        double budget_s, struct ceilings *out, double *setup_s)
{
    struct openmp_state *s = state;
    return host_probe(&s->probe, s->threads, in, s->cache_bytes, budget_s, out, setup_s);
}

static void openmp_fini(void *state)
{
    struct openmp_state *s = state;
    if (s)
        host_probe_free(s->probe);
    free(s);
}

/* markers: every pattern rescored on the remaining pairs, blocks of plane
 * words spread over the threads. */
static enum offload_status openmp_score_all(void *state, const struct marker_patterns *pat,
                                            const struct marker_pairs *pairs, int64_t *out,
                                            struct markers_times *t)
{
    (void)t;
    int threads = state ? *(const int *)state : 0;
    if (threads <= 0)
        threads = omp_get_max_threads();
    size_t blocks = pat->words / MARKERS_WORD_BLOCK;
    /* Below about a millisecond of work (a million pair-words) waking threads
     * costs more than it saves, and far more on a loaded machine, where a
     * thread that is not scheduled holds the others at the barrier. */
    if (pairs->count * pat->words < MARKERS_PARALLEL_RESCORE)
        threads = 1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (size_t blk = 0; blk < blocks; blk++) {
        markers_score_words(pat, pairs, blk * MARKERS_WORD_BLOCK, (blk + 1) * MARKERS_WORD_BLOCK,
                            out);
    }
    return OFFLOAD_OK;
}

/* The engine reads the thread count from this backend's state. */
static enum offload_status openmp_markers_engine(void *state, enum markers_pairs_mode mode,
                                                 struct markers_engine *out)
{
    (void)mode;
    *out = (struct markers_engine){
        "openmp", &((struct openmp_state *)state)->threads, NULL, openmp_score_all, NULL, NULL, NULL};
    return OFFLOAD_OK;
}
static const struct backend_env openmp_environment[] = {
    {"OMP_NUM_THREADS", "OpenMP threads when --threads is not given"},
    {"OMP_PROC_BIND", "OpenMP thread binding; recorded in exports"},
    {"OMP_PLACES", "OpenMP thread places; recorded in exports"},
};

const struct backend_ops backend_openmp = {
    .name = "openmp",
    .summary = "OpenMP threads on the host CPU",
    .caps = {.threads = 1},
    .list_devices = openmp_list_devices,
    .init = openmp_init,
    .run = {[KERNEL_SQRT] = openmp_run_sqrt,
            [KERNEL_SUMSQRT] = openmp_run_sumsqrt,
            [KERNEL_SCORES] = openmp_run_scores},
    .calibrate = openmp_calibrate,
    .probe = openmp_probe,
    .fini = openmp_fini,
    .markers_engine = openmp_markers_engine,
    .environment = openmp_environment,
    .environment_count = sizeof openmp_environment / sizeof openmp_environment[0],
};
