/* Host ceilings for the serial and OpenMP backends: STREAM copy and triad
 * bandwidth and sqrt throughput, on a given number of OpenMP threads (a
 * num_threads clause on every region, no global OpenMP setting touched).
 * Compiled with -O3 -fno-math-errno (see CMakeLists.txt) so the sqrt loops
 * become SIMD square-root instructions, as in the backends they bound. */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host_calibrate.h"
#include "row_scores.h"
#include "timing.h"
#include "message.h"

#if defined(__AVX__)
#include <immintrin.h>
#endif

/* STREAM's rule: each array at least 4x the last-level cache. 2^24 doubles
 * is 128 MiB per array, 4x the 32 MiB L3 of a Zen 3 CCX, and allocating and
 * touching three of them stays a small part of the ~1 s calibration;
 * allocation falls back by halves to STREAM_MIN_ELEMENTS when memory is
 * short. */
enum { STREAM_ELEMENTS = 1 << 24, STREAM_MIN_ELEMENTS = 1 << 22, STREAM_REPEATS = 5 };

/* sqrt data per thread: 16 KiB, resident in any L1 data cache. The
 * accumulator count is 8 AVX2 vectors (more than sqrt latency / throughput),
 * so the loop is bound by sqrt throughput, not by the add chain. */
enum {
    SQRT_BLOCK_BYTES = 16384,
    SQRT_F64_ACCUMULATORS = 32,
    SQRT_F32_ACCUMULATORS = 64,
    SQRT_REPEATS = 4
};

/* Seconds one timed sqrt pass should last: long against the clock tick and
 * the OpenMP fork/join (microseconds), short enough for a ~1 s calibration. */
static const double SQRT_PASS_TARGET_S = 0.02;

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

/* c = a: 16 bytes per element (one read, one write, as STREAM counts). */
static double stream_copy_pass(const struct stream_arrays *s, int threads)
{
    const double *restrict a = s->a;
    double *restrict c = s->c;
    const size_t n = s->n;
    double t0 = offload_now();
#pragma omp parallel for simd schedule(static) num_threads(threads)
    for (size_t i = 0; i < n; i++)
        c[i] = a[i];
    return offload_now() - t0;
}

/* b = a + s*c: 24 bytes per element. */
static double stream_triad_pass(const struct stream_arrays *s, int threads)
{
    const double *restrict a = s->a;
    double *restrict b = s->b;
    const double *restrict c = s->c;
    const double scalar = 3.0;
    const size_t n = s->n;
    double t0 = offload_now();
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

/* out_f32 = (float)a, into c's space: the sqrt kernel's mix (8 bytes read,
 * 4 written per element) without the sqrt. With streaming stores the
 * written lines are not read first, so the hardware moves what is counted;
 * plain stores also read each written line (write-allocate). The faster of
 * the two is the ceiling: it is what a kernel with this mix can reach. */
static double convert_pass(const struct stream_arrays *s, int threads, int streaming)
{
    const double *restrict a = s->a;
    float *restrict out = (float *)s->c;
    const size_t n = s->n;
    double t0 = offload_now();
#if defined(__AVX__)
    if (streaming) {
        const size_t blocks = n / 8;
#pragma omp parallel for schedule(static) num_threads(threads)
        for (size_t b = 0; b < blocks; b++) {
            __m256d lo = _mm256_loadu_pd(a + 8 * b), hi = _mm256_loadu_pd(a + 8 * b + 4);
            _mm256_stream_ps(out + 8 * b,
                             _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo)));
        }
        for (size_t i = blocks * 8; i < n; i++)
            out[i] = (float)a[i];
        _mm_sfence();
        return offload_now() - t0;
    }
#else
    (void)streaming;
#endif
#pragma omp parallel for simd schedule(static) num_threads(threads)
    for (size_t i = 0; i < n; i++)
        out[i] = (float)a[i];
    return offload_now() - t0;
}

/* The read and convert passes, best of 2 x STREAM_REPEATS after a warm-up
 * (a ceiling is the best the machine does: more tries, fewer unlucky ones);
 * afterwards c holds floats, so they run after the copy/triad check. */
static enum offload_status measure_read_and_convert(struct stream_arrays *s, int threads, struct ceilings *out)
{
    double best_read = INFINITY, best_convert = INFINITY, sum = 0;
    for (int r = 0; r <= 2 * STREAM_REPEATS; r++) {
        double tr = stream_read_pass(s, threads, &sum);
        double tc = fmin(convert_pass(s, threads, 0), convert_pass(s, threads, 1));
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
        double tc = stream_copy_pass(&s, threads);
        double tt = stream_triad_pass(&s, threads);
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

/* ---- sqrt throughput ---------------------------------------------------- */

/* One pass: every thread takes `reps` times the square roots of its own
 * cache-resident block, summed into independent accumulators. Returns the
 * seconds; *checksum gets the sum of all accumulators (used by the caller,
 * so the work cannot be dropped). */
static double sqrt_f64_pass(int threads, long reps, double *checksum)
{
    enum { N = SQRT_BLOCK_BYTES / sizeof(double), ACC = SQRT_F64_ACCUMULATORS };
    double total = 0;
    double t0 = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        _Alignas(64) double x[N];
        _Alignas(64) double acc[ACC];
        for (size_t i = 0; i < N; i++)
            x[i] = 1.0 + (double)i / N; /* normal numbers in [1, 2) */
        for (size_t k = 0; k < ACC; k++)
            acc[k] = 0;
#pragma omp barrier
#pragma omp master
        t0 = offload_now();
        for (long r = 0; r < reps; r++)
            for (size_t i = 0; i < N; i += ACC) {
#pragma omp simd
                for (size_t k = 0; k < ACC; k++)
                    acc[k] += sqrt(x[i + k]);
            }
        for (size_t k = 0; k < ACC; k++)
            total += acc[k];
    }
    /* The region's implicit barrier has waited for every thread. */
    double t = offload_now() - t0;
    *checksum = total;
    return t;
}

static double sqrt_f32_pass(int threads, long reps, double *checksum)
{
    enum { N = SQRT_BLOCK_BYTES / sizeof(float), ACC = SQRT_F32_ACCUMULATORS };
    double total = 0;
    double t0 = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        _Alignas(64) float x[N];
        _Alignas(64) float acc[ACC];
        for (size_t i = 0; i < N; i++)
            x[i] = 1.0f + (float)i / N;
        for (size_t k = 0; k < ACC; k++)
            acc[k] = 0;
#pragma omp barrier
#pragma omp master
        t0 = offload_now();
        for (long r = 0; r < reps; r++)
            for (size_t i = 0; i < N; i += ACC) {
#pragma omp simd
                for (size_t k = 0; k < ACC; k++)
                    acc[k] += sqrtf(x[i + k]);
            }
        for (size_t k = 0; k < ACC; k++)
            total += acc[k];
    }
    double t = offload_now() - t0;
    *checksum = total;
    return t;
}

typedef double (*sqrt_pass_fn)(int threads, long reps, double *checksum);

/* Square roots per second: grows the repeat count until a pass lasts about
 * SQRT_PASS_TARGET_S, then keeps the fastest of SQRT_REPEATS passes. 0 on a
 * failed check. */
static double measure_sqrt(sqrt_pass_fn pass, size_t block_elements, int threads)
{
    double checksum = 0;
    long reps = 8;
    double t = pass(threads, reps, &checksum);
    while (t < SQRT_PASS_TARGET_S / 4 && reps < (1L << 30)) {
        reps *= 4;
        t = pass(threads, reps, &checksum);
    }
    if (t > 0 && t < SQRT_PASS_TARGET_S)
        reps = (long)((double)reps * SQRT_PASS_TARGET_S / t) + 1;

    double best = INFINITY;
    for (int i = 0; i < SQRT_REPEATS; i++) {
        t = pass(threads, reps, &checksum);
        /* Each sqrt is >= 1, so the sum is at least the count. */
        if (!isfinite(checksum) ||
            checksum < 0.5 * (double)threads * (double)reps * (double)block_elements)
            return 0;
        best = fmin(best, t);
    }
    if (!(best > 0) || !isfinite(best))
        return 0;
    return (double)threads * (double)reps * (double)block_elements / best;
}

/* ---- FMA throughput ------------------------------------------------------- */

/* Chains of acc = acc * m + c, FMA_CHAINS_BYTES of independent accumulators
 * per thread (8 AVX-512 registers: enough chains to cover the FMA units'
 * latency), with m and c read from volatile so no compiler folds them. The
 * accumulators tend to 1; their sum is the checksum. */
enum { FMA_CHAINS_BYTES = 512 };

static double fma_f32_pass(int threads, long reps, double *checksum)
{
    enum { ACC = FMA_CHAINS_BYTES / sizeof(float) };
    static volatile float vm = 0.5f, vc = 0.5f;
    double total = 0, t0 = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        const float m = vm, c = vc;
        _Alignas(64) float acc[ACC];
        for (size_t k = 0; k < ACC; k++)
            acc[k] = (float)k / ACC;
#pragma omp barrier
#pragma omp master
        t0 = offload_now();
        for (long r = 0; r < reps; r++) {
#pragma omp simd aligned(acc : 64)
            for (size_t k = 0; k < ACC; k++)
                acc[k] = fmaf(acc[k], m, c);
        }
        for (size_t k = 0; k < ACC; k++)
            total += acc[k];
    }
    double t = offload_now() - t0;
    *checksum = total;
    return t;
}

static double fma_f64_pass(int threads, long reps, double *checksum)
{
    enum { ACC = FMA_CHAINS_BYTES / sizeof(double) };
    static volatile double vm = 0.5, vc = 0.5;
    double total = 0, t0 = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        const double m = vm, c = vc;
        _Alignas(64) double acc[ACC];
        for (size_t k = 0; k < ACC; k++)
            acc[k] = (double)k / ACC;
#pragma omp barrier
#pragma omp master
        t0 = offload_now();
        for (long r = 0; r < reps; r++) {
#pragma omp simd aligned(acc : 64)
            for (size_t k = 0; k < ACC; k++)
                acc[k] = fma(acc[k], m, c);
        }
        for (size_t k = 0; k < ACC; k++)
            total += acc[k];
    }
    double t = offload_now() - t0;
    *checksum = total;
    return t;
}

/* Flops per second (2 per FMA): passes grown to SQRT_PASS_TARGET_S, the
 * fastest of SQRT_REPEATS. 0 on a failed check. */
static double measure_fma(sqrt_pass_fn pass, size_t chains, int threads)
{
    double checksum = 0;
    long reps = 1024;
    double t = pass(threads, reps, &checksum);
    while (t < SQRT_PASS_TARGET_S / 4 && reps < (1L << 40)) {
        reps *= 4;
        t = pass(threads, reps, &checksum);
    }
    if (t > 0 && t < SQRT_PASS_TARGET_S)
        reps = (long)((double)reps * SQRT_PASS_TARGET_S / t) + 1;
    double best = INFINITY;
    for (int i = 0; i < SQRT_REPEATS; i++) {
        t = pass(threads, reps, &checksum);
        if (!isfinite(checksum) || !(checksum > 0))
            return 0;
        best = fmin(best, t);
    }
    if (!(best > 0) || !isfinite(best))
        return 0;
    return 2.0 * (double)threads * (double)reps * (double)chains / best;
}

/* ---- int8 pair compares -------------------------------------------------- */

/* The naive scores loop stripped to its core: each thread scores its own
 * cache-resident row of COMPARE_COLS calls (a tenth missing) over and over
 * with the OpenMP backend's row scorer, counted in the tutorial's unit
 * (cols * (cols + 1) / 2 pair compares per row). */
enum { COMPARE_COLS = 256, COMPARE_REPEATS = 4 };

static double compare_pass(int threads, long reps, int64_t *checksum)
{
    int64_t total = 0;
    double t0 = 0;
    const int avx2 = row_scores_use_avx2();
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        _Alignas(64) int8_t row[COMPARE_COLS];
        int8_t *pad = aligned_alloc(64, row_score_pad_bytes(COMPARE_COLS));
        for (size_t i = 0; i < COMPARE_COLS; i++)
            row[i] = i % 10 == 9 ? -1 : (int8_t)(i * 7 % 3);
#pragma omp barrier
#pragma omp master
        t0 = offload_now();
        for (long r = 0; pad && r < reps; r++)
            total += row_score_naive(row, COMPARE_COLS, pad, avx2);
        free(pad);
    }
    double t = offload_now() - t0;
    *checksum = total;
    return t;
}

/* Tutorial pair compares per second; 0 when the check fails. */
static double measure_compare(int threads)
{
    int64_t checksum = 0;
    long reps = 64;
    double t = compare_pass(threads, reps, &checksum);
    while (t < SQRT_PASS_TARGET_S / 4 && reps < (1L << 30)) {
        reps *= 4;
        t = compare_pass(threads, reps, &checksum);
    }
    if (t > 0 && t < SQRT_PASS_TARGET_S)
        reps = (long)((double)reps * SQRT_PASS_TARGET_S / t) + 1;
    /* Every row scores the same: the first pass's sum per row is the truth. */
    double best = INFINITY;
    for (int i = 0; i < COMPARE_REPEATS; i++) {
        int64_t sum = 0;
        t = compare_pass(threads, reps, &sum);
        if (i > 0 && sum != checksum)
            return 0;
        checksum = sum;
        best = fmin(best, t);
    }
    if (checksum <= 0 || !(best > 0) || !isfinite(best))
        return 0;
    const double pairs = (double)COMPARE_COLS * (COMPARE_COLS + 1) / 2;
    return (double)threads * (double)reps * pairs / best;
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
    out->sqrt_f64 = measure_sqrt(sqrt_f64_pass, SQRT_BLOCK_BYTES / sizeof(double), threads);
    out->sqrt_f32 = measure_sqrt(sqrt_f32_pass, SQRT_BLOCK_BYTES / sizeof(float), threads);
    out->compare_i8 = measure_compare(threads);
    out->fma_f32 = measure_fma(fma_f32_pass, FMA_CHAINS_BYTES / sizeof(float), threads);
    out->fma_f64 = measure_fma(fma_f64_pass, FMA_CHAINS_BYTES / sizeof(double), threads);
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
