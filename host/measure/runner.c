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
                                 .progress = 1,
                                 .one_rank_baseline = 1};
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

/* The one-rank baseline while it is being measured. */
struct alone_samples {
    int wanted;
    void *out; /* rank 0's output of the calls alone */
    double total[RUN_MAX_SAMPLES], kernel[RUN_MAX_SAMPLES];
    size_t samples;
    double spent; /* seconds its timed calls took */
};

/* One call on rank 0 alone, timed on rank 0 (the call itself, not the
 * others waking after it). */
static enum offload_status alone_sample(const struct backend_ops *ops, void *state,
                                        const struct kernel_input *in, struct alone_samples *a)
{
    struct phase_times t = phase_times_none();
    double total = 0;
    enum offload_status st = ranks_run_alone(ops, state, in, a->out, &t, &total);
    a->total[a->samples] = total;
    a->kernel[a->samples] = t.kernel >= 0 ? t.kernel : total;
    a->samples++;
    a->spent += total;
    return st;
}

/* Whether a baseline call follows the distributed one just made: at most
 * one each, and while its time so far is under theirs (at least
 * min_repeat of them; with --repeat, as many). */
static int alone_due(const struct run_settings *set, const struct alone_samples *a,
                     const struct run_result *res)
{
    if (!a->wanted || a->samples >= res->samples)
        return 0;
    if (set->repeat > 0 || a->samples < (size_t)set->min_repeat)
        return 1;
    double distributed = 0;
    for (size_t i = 0; i < res->samples; i++)
        distributed += res->total[i];
    return a->spent < distributed;
}

/* The warm-up calls and their check, the baseline's warm-up call and its
 * check, then the before_timed hook; the outputs are poisoned again after
 * (the hook's writes cannot pass for the timed calls' results). */
static enum offload_status warm_up(const struct backend_ops *ops, void *state,
                                   const struct kernel_input *in, const struct run_settings *set,
                                   void *output, struct alone_samples *a, struct run_result *res,
                                   const char *what)
{
    size_t out_bytes = kernel_output_bytes(in);
    enum offload_status st = OFFLOAD_OK;
    struct phase_times t;
    double last_warmup = 0;
    for (int w = 0; w < set->warmup && st == OFFLOAD_OK; w++) {
        double t0 = offload_now();
        st = ranks_run(ops, state, in, output, &t);
        last_warmup = offload_now() - t0;
        if (w == 0)
            res->warmup_total = last_warmup;
    }
    if (st != OFFLOAD_OK)
        return st;
    if (set->warmup > 0) {
        res->check = ranks_check(in, output);
        if (!res->check.ok) {
            char label[96];
            snprintf(label, sizeof label, "%s (%s), warm-up call", what, algorithm_name(in->alg));
            if (ranks_me() == 0)
                check_print_failure(label, &res->check);
            return OFFLOAD_ERR_RUN;
        }
    }
    if (a->wanted && set->warmup > 0) {
        /* The baseline warms up too: its first call is no more a sample. */
        double seconds;
        st = ranks_run_alone(ops, state, in, a->out, &t, &seconds);
        if (st != OFFLOAD_OK)
            return st;
        res->alone.check = ranks_check(in, a->out);
        if (!res->alone.check.ok) {
            char label[128];
            snprintf(label, sizeof label, "%s (%s) on rank 0 alone, warm-up call", what,
                     algorithm_name(in->alg));
            if (ranks_me() == 0)
                check_print_failure(label, &res->alone.check);
            return OFFLOAD_ERR_RUN;
        }
    }
    if (set->before_timed)
        set->before_timed(set->before_timed_ctx, last_warmup);
    if (set->warmup > 0) {
        memset(output, 0xFF, out_bytes);
        if (a->out)
            memset(a->out, 0xFF, out_bytes);
    }
    return OFFLOAD_OK;
}

/* The timed calls: distributed ones, each followed by a baseline call
 * while one is due; the repeat rules count the distributed calls only. */
static enum offload_status timed_calls(const struct backend_ops *ops, void *state,
                                       const struct kernel_input *in,
                                       const struct run_settings *set, void *output,
                                       struct alone_samples *a, struct run_result *res,
                                       const char *what)
{
    enum offload_status st = OFFLOAD_OK;
    double started = offload_now(), spent = 0;
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
        if (st == OFFLOAD_OK && ranks_share_int(alone_due(set, a, res)))
            st = alone_sample(ops, state, in, a);
        spent = offload_now() - started - a->spent;
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
    return st;
}

/* The baseline's statistics, and its output checked like any other. */
static void finish_alone(const struct kernel_input *in, const struct alone_samples *a,
                         struct run_result *res, const char *what)
{
    if (!a->wanted || a->samples == 0)
        return;
    res->alone.samples = a->samples;
    res->alone.total = stats_compute(a->total, a->samples);
    res->alone.kernel = stats_compute(a->kernel, a->samples);
    res->alone.timed_s = a->spent;
    res->alone.check = ranks_check(in, a->out);
    if (!res->alone.check.ok) {
        char label[128];
        snprintf(label, sizeof label, "%s (%s) on rank 0 alone", what, algorithm_name(in->alg));
        if (ranks_me() == 0)
            check_print_failure(label, &res->alone.check);
        res->status = OFFLOAD_ERR_RUN;
    }
}

/* A table each rank read its own rows of: rank 0 does not hold the whole
 * input, so there is no call of it alone to compare with. */
static int input_in_parts(const struct kernel_input *in)
{
    return kernel_spec_of(in->kernel)->input == INPUT_GENOTYPES && in->matrix->part;
}

/* Rank 0's buffer for the baseline's output, when one is measured; every
 * rank learns whether it could be allocated. */
static enum offload_status alone_begin(const struct run_settings *set,
                                       const struct kernel_input *in, struct alone_samples **a)
{
    *a = calloc(1, sizeof **a);
    int ok = *a != NULL;
    if (ok && set->one_rank_baseline && ranks_count() > 1 && !input_in_parts(in)) {
        (*a)->wanted = 1;
        if (ranks_me() == 0)
            ok = ((*a)->out = workload_alloc(kernel_output_bytes(in))) != NULL;
    }
    if (!ok)
        offload_error("cannot allocate the output of %s on rank 0 alone (%zu bytes); "
                      "--no-one-rank skips that baseline\n",
                      kernel_name(in->kernel), kernel_output_bytes(in));
    return ranks_agree(ok ? OFFLOAD_OK : OFFLOAD_ERR_RUN);
}

static void alone_end(struct alone_samples *a)
{
    if (a)
        workload_free(a->out);
    free(a);
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
    struct alone_samples *alone = NULL;
    if (alone_begin(set, in, &alone) != OFFLOAD_OK) {
        alone_end(alone);
        workload_free(owned);
        return res->status;
    }
    char what[64];
    snprintf(what, sizeof what, "%s on %s", kernel_name(in->kernel), ops->name);

    /* The output is poisoned (NaN floats, -1 scores: never a right answer)
     * before the warm-up and again before the timed calls, and checked after
     * each, so a kernel that writes nothing on later calls cannot pass on
     * an earlier call's results. */
    memset(output, 0xFF, out_bytes);
    if (alone->out)
        memset(alone->out, 0xFF, out_bytes);
    res->ranks = ranks_count();
    res->ranks_on_node = ranks_on_node();
    enum offload_status st = warm_up(ops, state, in, set, output, alone, res, what);
    if (st == OFFLOAD_OK)
        st = timed_calls(ops, state, in, set, output, alone, res, what);
    if (st != OFFLOAD_OK) {
        res->status = st;
        alone_end(alone);
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
    finish_alone(in, alone, res, what);
    alone_end(alone);
    workload_free(owned);
    return res->status;
}
