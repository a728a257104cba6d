/* Host ceilings for the serial and OpenMP backends: STREAM copy, triad,
 * read and f64->f32 bandwidth here, the compute rates from host_compute.c,
 * and the probes that measure them again around a run; on a given number of
 * OpenMP threads (a num_threads clause on every region, no global OpenMP
 * setting touched).
 * Compiled with -O3 -fno-math-errno (see CMakeLists.txt) so the sqrt loops
 * become SIMD square-root instructions, as in the backends they bound. */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host_calibrate.h"
#include "host_compute.h"
#include "host_loops.h"
#include "row_scores.h"
#include "timing.h"

#if defined(__AVX__)
#include <immintrin.h>
#endif
#include "message.h"

/* STREAM's rule: each array at least 4x the last-level cache. 2^24 doubles
 * is 128 MiB per array, 4x the 32 MiB L3 of a Zen 3 CCX, and allocating and
 * touching three of them stays a small part of the ~1 s calibration;
 * allocation falls back by halves to STREAM_MIN_ELEMENTS when memory is
 * short. */
enum { STREAM_ELEMENTS = 1 << 24, STREAM_MIN_ELEMENTS = 1 << 22, STREAM_REPEATS = 5 };


/* ---- memory bandwidth --------------------------------------------------- */

struct stream_arrays {
    double *a, *b, *c;
    size_t n;
};

static void stream_free(struct stream_arrays *s)
{
    free(s->a);
    free(s->b);
    free(s->c);
    *s = (struct stream_arrays){0};
}

/* Allocates and first-touches the arrays with the same static schedule and
 * thread count as the timed loops, so each page sits near its thread and no
 * page fault lands inside a timing. */
static enum offload_status stream_alloc(struct stream_arrays *s, int threads)
{
    for (size_t n = STREAM_ELEMENTS; n >= STREAM_MIN_ELEMENTS; n /= 2) {
        s->n = n;
        s->a = aligned_alloc(64, n * sizeof(double));
        s->b = aligned_alloc(64, n * sizeof(double));
        s->c = aligned_alloc(64, n * sizeof(double));
        if (s->a && s->b && s->c) {
            double *a = s->a, *b = s->b, *c = s->c;
#pragma omp parallel for simd schedule(static) num_threads(threads)
            for (size_t i = 0; i < n; i++) {
                a[i] = 1.0;
                b[i] = 2.0;
                c[i] = 0.0;
            }
            return OFFLOAD_OK;
        }
        stream_free(s);
    }
    return OFFLOAD_ERR_RUN;
}

/* Copy and triad with streaming stores: the written lines are not read
 * first, so the hardware moves the bytes STREAM counts. The ceiling is the
 * better of these and the plain loops (the fastest code we have for the
 * pattern); n is a multiple of 8 and the arrays 64-byte aligned. */
#if defined(__AVX__)
static void copy_streaming(const double *restrict a, double *restrict c, size_t n, int threads)
{
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t i = 0; i < n; i += 8) {
#if defined(__AVX512F__)
        _mm512_stream_pd(c + i, _mm512_load_pd(a + i));
#else
        _mm256_stream_pd(c + i, _mm256_load_pd(a + i));
        _mm256_stream_pd(c + i + 4, _mm256_load_pd(a + i + 4));
#endif
    }
    _mm_sfence();
}

static void triad_streaming(const double *restrict a, double *restrict b, const double *restrict c,
                            double scalar, size_t n, int threads)
{
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t i = 0; i < n; i += 8) {
#if defined(__AVX512F__)
        _mm512_stream_pd(b + i, _mm512_fmadd_pd(_mm512_set1_pd(scalar), _mm512_load_pd(c + i),
                                                _mm512_load_pd(a + i)));
#else
        for (size_t k = 0; k < 8; k += 4)
            _mm256_stream_pd(b + i + k,
                             _mm256_add_pd(_mm256_load_pd(a + i + k),
                                           _mm256_mul_pd(_mm256_set1_pd(scalar),
                                                         _mm256_load_pd(c + i + k))));
#endif
    }
    _mm_sfence();
}
#endif

/* c = a: 16 bytes per element (one read, one write, as STREAM counts). */
static double stream_copy_pass(const struct stream_arrays *s, int threads, int streaming)
{
    const double *restrict a = s->a;
    double *restrict c = s->c;
    const size_t n = s->n;
    double t0 = offload_now();
#if defined(__AVX__)
    if (streaming) {
        copy_streaming(a, c, n, threads);
        return offload_now() - t0;
    }
#else
    (void)streaming;
#endif
#pragma omp parallel for simd schedule(static) num_threads(threads)
    for (size_t i = 0; i < n; i++)
        c[i] = a[i];
    return offload_now() - t0;
}

/* b = a + s*c: 24 bytes per element. */
static double stream_triad_pass(const struct stream_arrays *s, int threads, int streaming)
{
    const double *restrict a = s->a;
    double *restrict b = s->b;
    const double *restrict c = s->c;
    const double scalar = 3.0;
    const size_t n = s->n;
    double t0 = offload_now();
#if defined(__AVX__)
    if (streaming) {
        triad_streaming(a, b, c, scalar, n, threads);
        return offload_now() - t0;
    }
#else
    (void)streaming;
#endif
#pragma omp parallel for simd schedule(static) num_threads(threads)
    for (size_t i = 0; i < n; i++)
        b[i] = a[i] + scalar * c[i];
    return offload_now() - t0;
}

/* sum += a: 8 bytes read per element, nothing written. */
static double stream_read_pass(const struct stream_arrays *s, int threads, double *sum)
{
    const double *restrict a = s->a;
    const size_t n = s->n;
    double total = 0;
    double t0 = offload_now();
    /* Each thread sums its static slice with a vectorised loop (clang does
     * not vectorise a combined "parallel for simd" reduction). */
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        size_t parts = (size_t)omp_get_num_threads(), part = (size_t)omp_get_thread_num();
        size_t begin = n / parts * part + (part < n % parts ? part : n % parts);
        size_t count = n / parts + (part < n % parts);
        double sum = 0;
#pragma omp simd reduction(+ : sum)
        for (size_t i = begin; i < begin + count; i++)
            sum += a[i];
        total += sum;
    }
    double t = offload_now() - t0;
    *sum = total;
    return t;
}

/* The sqrt kernel's mix (8 bytes read, 4 written per element) into c's
 * space, with the loops the OpenMP sqrt kernel shares (host_loops.c): the
 * plain conversion and the kernel's own loop, each with plain and with
 * streaming stores. With streaming stores the written lines are not read
 * first, so the hardware moves what is counted; plain stores also read each
 * written line (write-allocate). The fastest of them is the ceiling: no
 * kernel with this mix can beat code it runs itself. */
static double convert_pass(const struct stream_arrays *s, int threads, host_slice_fn fn,
                           int streaming)
{
    double t0 = offload_now();
    host_parallel_slices(fn, s->a, (float *)s->c, s->n, threads, streaming);
    return offload_now() - t0;
}

/* The fastest variant of the mix once: every loop with every kind of store
 * this build has. */
static double best_convert_pass(const struct stream_arrays *s, int threads)
{
    static const host_slice_fn loops[] = {host_convert_slice, host_sqrt_slice};
    double best = INFINITY;
    for (size_t l = 0; l < sizeof loops / sizeof loops[0]; l++)
        for (int streaming = 0; streaming <= host_streaming_stores(); streaming++)
            best = fmin(best, convert_pass(s, threads, loops[l], streaming));
    return best;
}

/* The read and convert passes, best of 2 x STREAM_REPEATS after a warm-up
 * (a ceiling is the best the machine does: more tries, fewer unlucky ones);
 * afterwards c holds floats, so they run after the copy/triad check. */
static enum offload_status measure_read_and_convert(struct stream_arrays *s, int threads, struct ceilings *out)
{
    double best_read = INFINITY, best_convert = INFINITY, sum = 0;
    for (int r = 0; r <= 2 * STREAM_REPEATS; r++) {
        double tr = stream_read_pass(s, threads, &sum);
        double tc = best_convert_pass(s, threads);
        if (r == 0)
            continue;
        best_read = fmin(best_read, tr);
        best_convert = fmin(best_convert, tc);
    }
    const float *f = (const float *)s->c;
    /* a is all 1.0: the sum is n, the converted values 1.0f. */
    if (sum != (double)s->n || f[0] != 1.0f || f[s->n - 1] != 1.0f || !(best_read > 0) ||
        !(best_convert > 0))
        return OFFLOAD_ERR_RUN;
    out->stream_read = 8.0 * (double)s->n / best_read;
    out->convert_f64_f32 = 12.0 * (double)s->n / best_convert;
    return OFFLOAD_OK;
}

/* Checks the arrays hold what copy and triad must leave (a = 1, c = 1,
 * b = 4): this reads the results, so no pass can be optimised away, and
 * a wrong loop is caught instead of timed. */
static int stream_results_ok(const struct stream_arrays *s)
{
    const size_t probes[] = {0, s->n / 3, s->n / 2, s->n - 1};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        size_t k = probes[i];
        if (s->a[k] != 1.0 || s->c[k] != 1.0 || s->b[k] != 4.0)
            return 0;
    }
    return 1;
}

static enum offload_status measure_stream(int threads, struct ceilings *out)
{
    struct stream_arrays s = {0};
    if (stream_alloc(&s, threads) != OFFLOAD_OK) {
        offload_error("calibrate: cannot allocate 3 x %zu MiB for the bandwidth test\n",
                      (size_t)STREAM_MIN_ELEMENTS * sizeof(double) >> 20);
        return OFFLOAD_ERR_RUN;
    }
    /* Interleaved like STREAM; the first pass of each only warms up. */
    double best_copy = INFINITY, best_triad = INFINITY;
    for (int r = 0; r <= STREAM_REPEATS; r++) {
        double tc = stream_copy_pass(&s, threads, 0), tt = stream_triad_pass(&s, threads, 0);
        if (host_streaming_stores()) {
            tc = fmin(tc, stream_copy_pass(&s, threads, 1));
            tt = fmin(tt, stream_triad_pass(&s, threads, 1));
        }
        if (r == 0)
            continue;
        best_copy = fmin(best_copy, tc);
        best_triad = fmin(best_triad, tt);
    }
    int ok = stream_results_ok(&s) && measure_read_and_convert(&s, threads, out) == OFFLOAD_OK;
    size_t n = s.n;
    stream_free(&s);
    if (!ok || !(best_copy > 0) || !(best_triad > 0)) {
        offload_error("calibrate: the bandwidth test computed wrong values or "
                      "took no measurable time\n");
        return OFFLOAD_ERR_RUN;
    }
    out->stream_copy = 16.0 * (double)n / best_copy;
    out->stream_triad = 24.0 * (double)n / best_triad;
    return OFFLOAD_OK;
}

/* ---- probe: the ceilings that bound one run, in the same minute ------- */

/* The read probe's array: 64 MiB of float64, twice the 32 MiB last-level
 * cache of a Zen 3/4 CCX, so it measures memory, not cache. The f64->f32
 * probe reads the kernel's own input (the same size and pages the kernel
 * sees) into an output of its size. Both are kept for the next probe of
 * the same backend state. */
enum { PROBE_ELEMENTS = 1 << 23, PROBE_PASSES = 3 };

struct host_probe {
    double *read;  /* PROBE_ELEMENTS ones, or NULL until a read probe */
    float *out;    /* out_n floats, or NULL until a f64->f32 probe */
    size_t out_n;
    /* Seconds per repeat of the sqrt loops (accumulator, kernel's own) and
     * the compare loop, found by the first probe's growth. */
    double sqrt_rep_s[2], compare_rep_s;
};

void host_probe_free(struct host_probe *p)
{
    if (!p)
        return;
    free(p->read);
    free(p->out);
    free(p);
}

/* The arrays the probe needs, made and touched (with the kernels' static
 * split) on first use; NULL when out of memory. */
static struct host_probe *probe_arrays(struct host_probe **probe, int threads,
                                       enum memory_pattern pattern, size_t n)
{
    struct host_probe *p = *probe ? *probe : calloc(1, sizeof *p);
    if (!p)
        return NULL;
    *probe = p;
    switch (pattern) {
    case MEMORY_CONVERT:
        if (p->out_n < n) {
            free(p->out);
            p->out_n = 0;
            p->out = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
            if (!p->out)
                return NULL;
            float *out = p->out;
#pragma omp parallel for simd schedule(static) num_threads(threads)
            for (size_t i = 0; i < n; i++)
                out[i] = 0;
            p->out_n = n;
        }
        break;
    case MEMORY_READ:
        if (!p->read) {
            p->read = aligned_alloc(64, (size_t)PROBE_ELEMENTS * sizeof(double));
            if (!p->read)
                return NULL;
            double *a = p->read;
#pragma omp parallel for simd schedule(static) num_threads(threads)
            for (size_t i = 0; i < PROBE_ELEMENTS; i++)
                a[i] = 1.0;
        }
        break;
    case MEMORY_STREAM:
        break; /* not probed: host_probe skips it */
    }
    return p;
}

/* The bandwidth of the kernel's access pattern: best of PROBE_PASSES
 * rounds of the fastest loops for it (the kernel's own loop among them);
 * 0 when a check fails. */
static double probe_memory(const struct host_probe *p, int threads,
                           const struct kernel_input *kin, enum memory_pattern pattern,
                           double share)
{
    double best = INFINITY, sum = 0;
    /* Large outputs take streaming stores in the kernel, so the probe times
     * those; calibrate also tries plain ones. */
    const int streaming = host_streaming_stores() && kin->n * sizeof(float) >= (8u << 20);
    const struct stream_arrays convert = {.a = (double *)kin->in, .c = (double *)p->out,
                                          .n = kin->n};
    const struct stream_arrays read = {.a = p->read, .n = PROBE_ELEMENTS};
    const double t0 = offload_now();
    /* Stops once its share is spent, even when a busy machine slows the
     * passes (one round is always timed): it stays beside the run. */
    for (int r = 0; r < PROBE_PASSES && (r == 0 || offload_now() - t0 < share); r++) {
        switch (pattern) {
        case MEMORY_CONVERT:
            best = fmin(best, convert_pass(&convert, threads, host_convert_slice, streaming));
            best = fmin(best, convert_pass(&convert, threads, host_sqrt_slice, streaming));
            break;
        case MEMORY_READ:
            best = fmin(best, stream_read_pass(&read, threads, &sum));
            if (sum != (double)read.n)
                return 0;
            break;
        case MEMORY_STREAM:
            return 0;
        }
    }
    if (!(best > 0) || !isfinite(best))
        return 0;
    switch (pattern) {
    case MEMORY_CONVERT:
        /* The last pass was the sqrt loop: its output is the kernel's. */
        return p->out[kin->n - 1] == (float)sqrt(kin->in[kin->n - 1])
                   ? 12.0 * (double)kin->n / best
                   : 0;
    case MEMORY_READ:
        return 8.0 * (double)read.n / best;
    case MEMORY_STREAM:
        return 0;
    }
    return 0;
}

/* Whether kernel `kin` is probed for memory: its bytes do not fit the cache. */
static int probes_memory(const struct kernel_spec *spec, const struct kernel_input *kin,
                         double cache_bytes)
{
    return spec->memory_pattern != MEMORY_STREAM &&
           (!(cache_bytes > 0) || kernel_work_of(kin).bytes > cache_bytes);
}

/* The operation rate that bounds kin, measured in `share` seconds. */
static enum offload_status probe_ops(struct host_probe *p, enum op_ceiling op, int threads,
                                     double share, struct ceilings *out, double *setup_s)
{
    /* The f64 probe runs two loops. */
    const struct pass_plan plan = host_probe_plan(share / 2, p->sqrt_rep_s, setup_s);
    switch (op) {
    case OPS_NONE:
    case OPS_SQRT_F32:
    case OPS_FMA_F32:
    case OPS_FMA_F64:
        break; /* no table kernel is bound by these: not probed */
    case OPS_SQRT_F64:
        out->sqrt_f64 = host_measure_sqrt_f64(threads, &plan);
        return out->sqrt_f64 > 0 ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
    case OPS_COMPARE: {
        const struct pass_plan one = host_probe_plan(share, &p->compare_rep_s, setup_s);
        out->compare_i8 = host_measure_compare(threads, &one);
        return out->compare_i8 > 0 ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
    }
    }
    return OFFLOAD_OK;
}

enum offload_status host_probe(struct host_probe **probe, int threads,
                               const struct kernel_input *kin, double cache_bytes, double budget_s,
                               struct ceilings *out, double *setup_s)
{
    memset(out, 0, sizeof *out);
    if (threads < 1)
        threads = 1;
    const struct kernel_spec *spec = kernel_spec_of(kin->kernel);
    /* A user's kernel file (and the STREAM pattern it declares) has no
     * host probe: files run on devices only. */
    if (spec->input == INPUT_FILE)
        return OFFLOAD_OK;
    const enum op_ceiling op = kin->alg == ALG_FAST ? spec->fast_op_ceiling : spec->op_ceiling;
    const int memory = probes_memory(spec, kin, cache_bytes);
    const int measures = memory + (op == OPS_SQRT_F64 || op == OPS_COMPARE);
    const double share = budget_s / (measures ? measures : 1);
    if (!*probe && !(*probe = calloc(1, sizeof **probe))) {
        offload_error("probe: out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    /* A kernel whose bytes sit in cache is not bounded by memory. */
    if (memory) {
        const double t0 = offload_now();
        const struct host_probe *p = probe_arrays(probe, threads, spec->memory_pattern, kin->n);
        if (setup_s)
            *setup_s += offload_now() - t0;
        if (!p) {
            offload_error("probe: out of memory for the bandwidth probe\n");
            return OFFLOAD_ERR_RUN;
        }
        double rate = probe_memory(p, threads, kin, spec->memory_pattern, share);
        switch (spec->memory_pattern) {
        case MEMORY_CONVERT:
            out->convert_f64_f32 = rate;
            break;
        case MEMORY_READ:
            out->stream_read = rate;
            break;
        case MEMORY_STREAM:
            break;
        }
        if (!(rate > 0)) {
            offload_error("probe: the bandwidth probe computed wrong values or took no "
                          "measurable time\n");
            return OFFLOAD_ERR_RUN;
        }
    }
    return probe_ops(*probe, op, threads, share, out, setup_s);
}

/* ---- entry point -------------------------------------------------------- */

enum offload_status host_calibrate(int threads, struct ceilings *out)
{
    memset(out, 0, sizeof *out);
    if (threads < 1)
        threads = 1;
    enum offload_status st = measure_stream(threads, out);
    if (st != OFFLOAD_OK)
        return st;
    out->sqrt_f64 = host_measure_sqrt_f64(threads, &HOST_CALIBRATE_PLAN);
    out->sqrt_f32 =
        host_measure_sqrt(host_sqrt_f32_pass, SQRT_BLOCK_BYTES / sizeof(float), threads, &HOST_CALIBRATE_PLAN);
    out->compare_i8 = host_measure_compare(threads, &HOST_CALIBRATE_PLAN);
    out->fma_f32 = host_measure_fma(host_fma_f32_pass, FMA_CHAINS_BYTES / sizeof(float), threads);
    out->fma_f64 = host_measure_fma(host_fma_f64_pass, FMA_CHAINS_BYTES / sizeof(double), threads);
    /* Bandwidth on a shared machine comes and goes: measure it again a
     * second later and keep the better of the two windows. */
    struct ceilings again;
    if (measure_stream(threads, &again) == OFFLOAD_OK) {
        out->stream_copy = fmax(out->stream_copy, again.stream_copy);
        out->stream_triad = fmax(out->stream_triad, again.stream_triad);
        out->stream_read = fmax(out->stream_read, again.stream_read);
        out->convert_f64_f32 = fmax(out->convert_f64_f32, again.convert_f64_f32);
    }
    if (!(out->sqrt_f64 > 0) || !(out->sqrt_f32 > 0) || !(out->compare_i8 > 0) ||
        !(out->fma_f32 > 0) || !(out->fma_f64 > 0)) {
        offload_error("calibrate: the sqrt, FMA or compare test computed wrong values or "
                      "took no measurable time\n");
        return OFFLOAD_ERR_RUN;
    }
    /* Host memory is the kernels' memory: nothing to launch or transfer. */
    out->launch_latency = 0;
    for (size_t m = 0; m < sizeof out->transfer / sizeof out->transfer[0]; m++) {
        out->transfer[m].to_device = 0;
        out->transfer[m].from_device = 0;
        out->transfer[m].zero_copy = 1;
    }
    return OFFLOAD_OK;
}
