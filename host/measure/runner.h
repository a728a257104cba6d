#ifndef OFFLOAD_RUNNER_H
#define OFFLOAD_RUNNER_H

/* Runs one kernel on one initialised backend: warm-up, timed repeats,
 * validation against the serial reference, statistics. */

#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "busy.h"
#include "reference.h"
#include "stats.h"

struct run_settings {
    int repeat;                 /* > 0: exactly this many timed runs */
    double min_time;            /* else: repeat until this much time is spent ... */
    int min_repeat;             /* ... with at least this many runs ... */
    int max_repeat;             /* ... and at most this many */
    int warmup;                 /* untimed runs first (same sizes as the timed ones) */
    int progress;               /* show progress on stderr when it is a terminal */
    const char *progress_label; /* a command's "[3/12] ..." line, else NULL */
    const struct load_probe *since_start; /* the command's window: a run too short to
                                           * tell the machine's load is judged on it */
    int one_rank_baseline; /* across ranks: also time the call on rank 0 alone */
    /* Optional: called once right before the timed runs (after the warm-up
     * and its check) with the last warm-up call's seconds (0 without one),
     * e.g. to probe the ceilings in the same minute. */
    void (*before_timed)(void *ctx, double call_s);
    void *before_timed_ctx;
};

struct run_settings run_settings_default(void);

#define RUN_MAX_SAMPLES 1000

/* distribute and collect: across MPI ranks (ranks.h), the input going to
 * every rank and the output coming back to rank 0. */
enum run_phase {
    PHASE_COPY_IN,
    PHASE_KERNEL,
    PHASE_COPY_OUT,
    PHASE_TOTAL,
    PHASE_DISTRIBUTE,
    PHASE_COLLECT
};
#define RUN_PHASE_COUNT 6

/* Across R > 1 ranks, the same call on rank 0 alone (the whole input on
 * rank 0's backend, the others waiting), timed between the distributed
 * runs so that both see the same minute: a sample after each distributed
 * one while its time so far is under theirs (or at least min_repeat of
 * them; with --repeat N, N), so it costs at most about one more run. */
struct one_rank_run {
    size_t samples;             /* 0: not measured (one rank, or turned off) */
    struct sample_stats total;  /* end to end, seconds */
    struct sample_stats kernel; /* the backend's kernel phase */
    double timed_s;             /* what its timed calls cost, seconds */
    struct check_result check;  /* its output against the reference */
};

struct run_result {
    enum offload_status status;
    size_t samples;
    struct phase_times times[RUN_MAX_SAMPLES];  /* raw samples, per timed run */
    double total[RUN_MAX_SAMPLES];              /* host time of each whole call */
    double warmup_total;                        /* first (warm-up) call, seconds */
    struct sample_stats stats[RUN_PHASE_COUNT]; /* n == 0 for phases not applicable */
    int events_disagree; /* device event times were zero, negative or > wall time */
    double checksum;     /* float64 sum of the output */
    int ranks;           /* MPI ranks that ran it (1 outside a job) */
    int ranks_on_node;   /* of them, on rank 0's node (they share its cores) */
    struct check_result check;
    double timed_s;            /* wall time of the timed runs */
    int capped;                /* stopped at max_repeat before min_time was spent */
    int settled;               /* 0: still spread when the extra runs ran out */
    struct machine_load load;  /* other processes during the timed runs */
    struct one_rank_run alone; /* across ranks: rank 0 alone, side by side */
};

/* Without --repeat, runs go on (up to RUN_SETTLE_FACTOR times the time and
 * count) until the median end-to-end time is within RUN_SETTLED_SPREAD of
 * the minimum: a busy machine gets more samples, not a noisier minimum. */
#define RUN_SETTLED_SPREAD 0.10
#define RUN_SETTLE_FACTOR 2

/* output: caller's buffer of kernel_output_bytes() (64-byte aligned), or
 * NULL to let the runner allocate one. res is filled even on failure.
 * Across MPI ranks every rank calls it with the same input and settings:
 * the repeats follow rank 0's clock, the output is checked on rank 0 and
 * every rank returns the same status. */
enum offload_status run_kernel(const struct backend_ops *ops, void *state,
                               const struct kernel_input *in, const struct run_settings *set,
                               void *output, struct run_result *res);

#endif
