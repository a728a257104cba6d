#ifndef OFFLOAD_HOST_COMPUTE_H
#define OFFLOAD_HOST_COMPUTE_H

/* The host's compute ceilings: sqrt, FMA and int8 compare throughput
 * (host_compute.c), measured by the calibration and, sized to fit beside a
 * run, by the probes (host_calibrate.c). Internal to the CPU backends. */

#include <stddef.h>

/* sqrt data per thread: 16 KiB, resident in any L1 data cache. The
 * accumulator count is 8 AVX2 vectors (more than sqrt latency / throughput),
 * so the loop is bound by sqrt throughput, not by the add chain. */
enum {
    SQRT_BLOCK_BYTES = 16384,
    SQRT_F64_ACCUMULATORS = 32,
    SQRT_F32_ACCUMULATORS = 64,
    SQRT_REPEATS = 4
};

/* FMA chains per thread, in bytes of independent accumulators (see the FMA
 * passes in host_compute.c). */
enum { FMA_CHAINS_BYTES = 512 };

typedef double (*sqrt_pass_fn)(int threads, long reps, double *checksum);

/* How long one timed pass lasts and how many are kept: the full
 * calibration's, and a probe's that fits beside a run. */
struct pass_plan {
    double target_s;
    int repeats;
    double max_s; /* stop growing or repeating after this long (one timed pass at least); 0 never */
    /* A probe's: seconds per repeat found by an earlier probe's growth
     * (in/out, 0 until then), and where the growth's time is added as
     * one-time setup; NULL for the calibration, which grows each time. */
    double *rep_s;
    double *setup_s;
};
/* A calibration pass: long against the clock tick and the OpenMP
 * fork/join (microseconds), short enough for a ~1 s calibration. */
extern const struct pass_plan HOST_CALIBRATE_PLAN;

/* A probe's plan for one loop given `share` seconds: two timed passes after
 * the growth passes (about as long again), stopping once share is spent. */
struct pass_plan host_probe_plan(double share, double *rep_s, double *setup_s);

/* One pass of each loop: seconds, *checksum the sum the loop computed. */
double host_sqrt_f32_pass(int threads, long reps, double *checksum);
double host_fma_f32_pass(int threads, long reps, double *checksum);
double host_fma_f64_pass(int threads, long reps, double *checksum);

/* Rates per second on `threads` threads: square roots of a pass function
 * over cache-resident blocks, float64 square roots (the best of the
 * accumulator loop and the sqrt kernel's own), FMA flops, int8 pair
 * compares; 0 when a pass computed wrong values or took no time. */
double host_measure_sqrt(sqrt_pass_fn pass, size_t block_elements, int threads,
                         const struct pass_plan *plan);
double host_measure_sqrt_f64(int threads, const struct pass_plan *plan);
double host_measure_fma(sqrt_pass_fn pass, size_t chains, int threads);
double host_measure_compare(int threads, const struct pass_plan *plan);

#endif
