#include "runner.h"
#include "message.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ranks.h"
#include "timing.h"
#include "workload.h"

struct run_settings run_settings_default(void)
{
    return (struct run_settings){.repeat = 0,
                                 .min_time = 0.2,
                                 .min_repeat = 3,
                                 .max_repeat = 100,
                                 .warmup = 1,
                                 .progress = 1};
}

/* Phase time of one sample, negative when the backend has no such phase. */
static double phase_value(const struct phase_times *t, double total, enum run_phase p)
{
    switch (p) {
    case PHASE_COPY_IN:
        return t->copy_in;
    case PHASE_KERNEL:
        return t->kernel;
    case PHASE_COPY_OUT:
        return t->copy_out;
    case PHASE_TOTAL:
        return total;
    case PHASE_DISTRIBUTE:
        return t->distribute;
    case PHASE_COLLECT:
        return t->collect;
    }
    return -1;
}

/* Device event timers are wrong on some stacks: flag values that are zero,
 * negative or longer than the host clock saw for the same phase. */
static int events_disagree(const struct phase_times *t)
{
    const double event[3] = {t->event_copy_in, t->event_kernel, t->event_copy_out};
    const double host[3] = {t->copy_in, t->kernel, t->copy_out};
    for (int i = 0; i < 3; i++) {
        if (event[i] < 0 || host[i] < 0)
            continue; /* no event for this phase */
        if (event[i] == 0 || event[i] > host[i] * 1.05 + 1e-4)
            return 1;
    }
    return 0;
}

static void show_progress(const struct run_settings *set, const char *what, size_t done,
                          double elapsed)
{
    if (!set->progress || !isatty(STDERR_FILENO))
        return;
    if (set->progress_label && *set->progress_label)
        fprintf(stderr, "\r\033[K%s: run %zu, %.1f s", set->progress_label, done, elapsed);
    else
        fprintf(stderr, "\r\033[K  %s: run %zu, %.1f s", what, done, elapsed);
    fflush(stderr);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of the end-to-end times is within RUN_SETTLED_SPREAD of
 * their minimum. */
static int spread_settled(const struct run_result *res)
{
    double v[RUN_MAX_SAMPLES];
    memcpy(v, res->total, res->samples * sizeof v[0]);
    qsort(v, res->samples, sizeof v[0], compare_double);
    double median = v[res->samples / 2];
    return v[0] > 0 && median <= v[0] * (1 + RUN_SETTLED_SPREAD);
}

/* Whether the timed loop stops after res->samples runs. */
static int enough_runs(const struct run_settings *set, const struct run_result *res, double spent)
{
    if (set->repeat > 0)
        return res->samples >= (size_t)set->repeat;
    if (res->samples < (size_t)set->min_repeat ||
        (spent < set->min_time && res->samples < (size_t)set->max_repeat))
        return 0;
    if (spread_settled(res))
        return 1;
    return spent >= RUN_SETTLE_FACTOR * set->min_time ||
           res->samples >= (size_t)RUN_SETTLE_FACTOR * (size_t)set->max_repeat;
}

/* Erases the line (ANSI erase to end of line: only ever sent to a terminal). */
static void clear_progress(const struct run_settings *set)
{
    if (set->progress && isatty(STDERR_FILENO))
        fprintf(stderr, "\r\033[K");
}

/* The warm-up calls, their check, then the before_timed hook. The output
 * is poisoned (NaN floats, -1 scores: never a right answer) before the
 * warm-up and again before the timed calls, and checked after each, so a
 * kernel that writes nothing on later calls cannot pass on an earlier
 * call's results. res->check.ok is 0 after a failed check (printed). */
static enum offload_status warm_up(const struct backend_ops *ops, void *state,
                                   const struct kernel_input *in, const struct run_settings *set,
                                   void *output, const char *what, struct run_result *res)
{
    const size_t out_bytes = kernel_output_bytes(in);
    enum offload_status st = OFFLOAD_OK;
    struct phase_times t;
    memset(output, 0xFF, out_bytes);
    double last_warmup = 0;
    res->check.ok = 1;
    for (int w = 0; w < set->warmup && st == OFFLOAD_OK; w++) {
        double t0 = offload_now();
        st = ranks_run(ops, state, in, output, &t);
        last_warmup = offload_now() - t0;
        if (w == 0)
            res->warmup_total = last_warmup;
    }
    if (st == OFFLOAD_OK && set->warmup > 0) {
        res->check = ranks_check(in, output);
        if (!res->check.ok) {
            char label[96];
            snprintf(label, sizeof label, "%s (%s), warm-up call", what, algorithm_name(in->alg));
            if (ranks_me() == 0)
                check_print_failure(label, &res->check);
            return st;
        }
    }
    /* Before the output is poisoned: whatever the hook writes cannot pass
     * for the timed calls' results. */
    if (st == OFFLOAD_OK && set->before_timed)
        set->before_timed(set->before_timed_ctx, last_warmup);
    if (set->warmup > 0)
        memset(output, 0xFF, out_bytes);
    return st;
}

enum offload_status run_kernel(const struct backend_ops *ops, void *state,
                               const struct kernel_input *in, const struct run_settings *set,
                               void *output, struct run_result *res)
{
    memset(res, 0, sizeof *res);
    res->status = OFFLOAD_ERR_RUN;
    if (in->kernel >= KERNEL_COUNT || !ops->run[in->kernel]) {
        /* A backend that registered without this kernel: say so, never jump to NULL. */
        offload_backend_error(ops->name,
                              "has no %s kernel (its backend_ops.run[] entry is empty); run it "
                              "on another backend\n",
                              in->kernel < KERNEL_COUNT ? kernel_name(in->kernel) : "such");
        return res->status;
    }
    size_t out_bytes = kernel_output_bytes(in);
    void *owned = NULL;
    if (!output) {
        owned = output = workload_alloc(out_bytes);
        if (!owned) {
            offload_error("cannot allocate %zu bytes for the output of %s\n", out_bytes,
                          kernel_name(in->kernel));
            return res->status;
        }
    }
    char what[64];
    snprintf(what, sizeof what, "%s on %s", kernel_name(in->kernel), ops->name);

    enum offload_status st = warm_up(ops, state, in, set, output, what, res);
    if (st == OFFLOAD_OK && !res->check.ok) {
        workload_free(owned);
        return res->status;
    }
    double started = offload_now(), spent = 0;
    res->ranks = ranks_count();
    struct load_probe probe;
    load_probe_start(&probe);
    while (st == OFFLOAD_OK && res->samples < RUN_MAX_SAMPLES) {
        if (ranks_share_int(enough_runs(set, res, spent))) /* rank 0's clock decides for all */
            break;
        double t0 = offload_now();
        st = ranks_run(ops, state, in, output, &res->times[res->samples]);
        res->total[res->samples] = offload_now() - t0;
        res->events_disagree |= events_disagree(&res->times[res->samples]);
        res->samples++;
        spent = offload_now() - started;
        show_progress(set, what, res->samples, spent);
    }
    clear_progress(set);
    /* The other ranks on this machine are this job, not other load: their
     * CPU time in both windows is summed over the node (every rank calls
     * this, whatever its window). */
    double mine[2] = {load_probe_self_seconds(&probe), load_probe_self_seconds(set->since_start)};
    double node[2] = {mine[0], mine[1]};
    ranks_node_sum(node, 2);
    load_probe_finish(&probe, node[0] - mine[0], &res->load);
    machine_load_widen(&res->load, set->since_start, node[1] - mine[1]);
    res->timed_s = spent;
    res->capped = set->repeat <= 0 && spent < set->min_time;
    res->settled = res->samples > 0 && spread_settled(res);
    if (st != OFFLOAD_OK) {
        res->status = st;
        workload_free(owned);
        return st;
    }

    for (int p = 0; p < RUN_PHASE_COUNT; p++) {
        double values[RUN_MAX_SAMPLES];
        size_t count = 0;
        for (size_t i = 0; i < res->samples; i++) {
            double v = phase_value(&res->times[i], res->total[i], (enum run_phase)p);
            if (v >= 0)
                values[count++] = v;
        }
        res->stats[p] = stats_compute(values, count);
    }
    res->check = ranks_check(in, output);
    res->checksum = ranks_me() == 0 ? kernel_spec_of(in->kernel)->checksum(in, output) : 0;
    res->status = res->check.ok ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
    if (!res->check.ok) {
        char label[96];
        snprintf(label, sizeof label, "%s (%s)", what, algorithm_name(in->alg));
        if (ranks_me() == 0)
            check_print_failure(label, &res->check);
    }
    workload_free(owned);
    return res->status;
}
