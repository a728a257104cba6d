/* The host's compute ceilings: sqrt, FMA and int8 compare throughput, on a
 * given number of OpenMP threads (a num_threads clause on every region).
 * Compiled with -O3 -fno-math-errno (see CMakeLists.txt) so the sqrt loops
 * become SIMD square-root instructions, as in the backends they bound. */
#include "host_compute.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>

#include "host_loops.h"
#include "row_scores.h"
#include "timing.h"

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

double host_sqrt_f32_pass(int threads, long reps, double *checksum)
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

/* The sqrt kernel's own loop (host_sqrt_slice) on each thread's
 * cache-resident block: the float64 sqrt ceiling is the better of this and
 * the accumulator loop, so the kernel cannot beat it. */
static double sqrt_kernel_pass(int threads, long reps, double *checksum)
{
    enum { N = SQRT_BLOCK_BYTES / sizeof(double) };
    double total = 0;
    double t0 = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        _Alignas(64) double x[N];
        _Alignas(64) float y[N];
        for (size_t i = 0; i < N; i++)
            x[i] = 1.0 + (double)i / N;
#pragma omp barrier
#pragma omp master
        t0 = offload_now();
        for (long r = 0; r < reps; r++) {
            host_sqrt_slice(x, y, N, 0);
            /* Keeps each repeat's stores: the compiler cannot drop them. */
            total += y[(size_t)r % N];
        }
        for (size_t i = 0; i < N; i++)
            total += y[i];
    }
    double t = offload_now() - t0;
    /* One value per repeat plus the block: scale to "each sqrt >= 1". */
    *checksum = total * (double)reps * (double)N / ((double)reps + (double)N);
    return t;
}

/* A calibration pass: long against the clock tick and the OpenMP
 * fork/join (microseconds), short enough for a ~1 s calibration. */
const struct pass_plan HOST_CALIBRATE_PLAN = {0.02, SQRT_REPEATS, 0, NULL, NULL};
/* A probe's sqrt or compare pass lasts at least this long: the floor below
 * which a pass is mostly fork/join and clock (see FRESH_PROBE_FLOOR_S in fresh.h). */
static const double PROBE_MIN_PASS_S = 0.0005;

/* A probe's plan for one loop given `share` seconds: two timed passes after
 * the growth passes (about as long again), stopping once share is spent. */
struct pass_plan host_probe_plan(double share, double *rep_s, double *setup_s)
{
    return (struct pass_plan){fmax(PROBE_MIN_PASS_S, share / 4), 2, share, rep_s, setup_s};
}

/* Whether a plan's time is up since start. */
static int plan_spent(const struct pass_plan *plan, double start)
{
    return plan->max_s > 0 && offload_now() - start > plan->max_s;
}

/* The repeat count for passes of plan->target_s: from the plan's known
 * seconds per repeat, else grown from `reps` (passes 4x longer until one
 * lasts a quarter of the target, then scaled), the growth then recorded
 * as setup. */
static long plan_reps(const struct pass_plan *plan, long reps, double (*pass)(void *ctx, long reps),
                      void *ctx)
{
    if (plan->rep_s && *plan->rep_s > 0)
        return (long)(plan->target_s / *plan->rep_s) + 1;
    const double start = offload_now();
    double t = pass(ctx, reps);
    while (t < plan->target_s / 4 && reps < (1L << 30) && !plan_spent(plan, start)) {
        reps *= 4;
        t = pass(ctx, reps);
    }
    if (plan->rep_s && t > 0)
        *plan->rep_s = t / (double)reps;
    if (plan->setup_s)
        *plan->setup_s += offload_now() - start;
    if (t > 0 && t < plan->target_s)
        reps = (long)((double)reps * plan->target_s / t) + 1;
    return reps;
}

/* A sqrt pass behind plan_reps's callback. */
struct sqrt_growth {
    sqrt_pass_fn pass;
    int threads;
    double checksum;
};

static double sqrt_growth_pass(void *ctx, long reps)
{
    struct sqrt_growth *g = ctx;
    return g->pass(g->threads, reps, &g->checksum);
}

/* Square roots per second: grows the repeat count until a pass lasts about
 * plan->target_s, then keeps the fastest of plan->repeats passes. 0 on a
 * failed check. */
double host_measure_sqrt(sqrt_pass_fn pass, size_t block_elements, int threads,
                           const struct pass_plan *plan)
{
    struct sqrt_growth g = {pass, threads, 0};
    const long reps = plan_reps(plan, 8, sqrt_growth_pass, &g);
    double checksum = 0, t;
    const double start = offload_now();
    double best = INFINITY;
    for (int i = 0; i < plan->repeats && (i == 0 || !plan_spent(plan, start)); i++) {
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

/* float64 square roots per second: the better of the accumulator loop and
 * the sqrt kernel's own loop. */
double host_measure_sqrt_f64(int threads, const struct pass_plan *plan)
{
    const size_t n = SQRT_BLOCK_BYTES / sizeof(double);
    /* Each loop keeps its own seconds per repeat (rep_s[0] and rep_s[1]). */
    struct pass_plan second = *plan;
    if (second.rep_s)
        second.rep_s++;
    double acc = host_measure_sqrt(sqrt_f64_pass, n, threads, plan);
    double own = host_measure_sqrt(sqrt_kernel_pass, n, threads, &second);
    return acc > 0 && own > 0 ? fmax(acc, own) : 0;
}

/* ---- FMA throughput ------------------------------------------------------- */

/* Chains of acc = acc * m + c, FMA_CHAINS_BYTES of independent accumulators
 * per thread (8 AVX-512 registers: enough chains to cover the FMA units'
 * latency), with m and c read from volatile so no compiler folds them. The
 * accumulators tend to 1; their sum is the checksum. */
double host_fma_f32_pass(int threads, long reps, double *checksum)
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

double host_fma_f64_pass(int threads, long reps, double *checksum)
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

/* Flops per second (2 per FMA): passes grown to HOST_CALIBRATE_PLAN.target_s, the
 * fastest of SQRT_REPEATS. 0 on a failed check. */
double host_measure_fma(sqrt_pass_fn pass, size_t chains, int threads)
{
    double checksum = 0;
    long reps = 1024;
    double t = pass(threads, reps, &checksum);
    while (t < HOST_CALIBRATE_PLAN.target_s / 4 && reps < (1L << 40)) {
        reps *= 4;
        t = pass(threads, reps, &checksum);
    }
    if (t > 0 && t < HOST_CALIBRATE_PLAN.target_s)
        reps = (long)((double)reps * HOST_CALIBRATE_PLAN.target_s / t) + 1;
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
enum { COMPARE_COLS = 256 };

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

/* A compare pass behind plan_reps's callback. */
struct compare_growth {
    int threads;
    int64_t checksum;
};

static double compare_growth_pass(void *ctx, long reps)
{
    struct compare_growth *g = ctx;
    return compare_pass(g->threads, reps, &g->checksum);
}

/* Tutorial pair compares per second; 0 when the check fails. */
double host_measure_compare(int threads, const struct pass_plan *plan)
{
    struct compare_growth g = {threads, 0};
    const long reps = plan_reps(plan, 64, compare_growth_pass, &g);
    int64_t checksum = 0;
    double t;
    const double start = offload_now();
    /* Every row scores the same: the first timed pass's sum is the truth. */
    double best = INFINITY;
    for (int i = 0; i < plan->repeats && (i == 0 || !plan_spent(plan, start)); i++) {
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
