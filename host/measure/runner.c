#include "runner.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "timing.h"
#include "workload.h"

static const char *const kernel_names[KERNEL_COUNT] = {"sqrt", "sumsqrt", "scores"};

const char *kernel_name(enum offload_kernel k)
{
    return kernel_names[k];
}

int kernel_from_name(const char *name, enum offload_kernel *k)
{
    for (int i = 0; i < KERNEL_COUNT; i++)
        if (strcmp(name, kernel_names[i]) == 0) {
            *k = (enum offload_kernel)i;
            return 0;
        }
    return -1;
}

const char *algorithm_name(enum offload_algorithm a)
{
    switch (a) {
    case ALG_NAIVE:
        return "naive";
    case ALG_FAST:
        return "fast";
    }
    return "?";
}

struct run_settings run_settings_default(void)
{
    return (struct run_settings){
        .repeat = 0, .min_time = 0.2, .min_repeat = 3, .max_repeat = 100, .warmup = 1,
        .progress = 1};
}

size_t kernel_output_bytes(const struct kernel_input *in)
{
    switch (in->kernel) {
    case KERNEL_SQRT:
    case KERNEL_SUMSQRT:
        return in->n * sizeof(float);
    case KERNEL_SCORES:
        return in->matrix->rows * sizeof(int64_t);
    }
    return 0;
}

static enum offload_status call_backend(const struct backend_ops *ops, void *state,
                                        const struct kernel_input *in, void *output,
                                        struct phase_times *t)
{
    switch (in->kernel) {
    case KERNEL_SQRT:
        return ops->run_sqrt(state, in->in, output, in->n, t);
    case KERNEL_SUMSQRT:
        return ops->run_sumsqrt(state, in->alg, in->in, output, in->n, t);
    case KERNEL_SCORES:
        return ops->run_scores(state, in->alg, in->matrix, output, t);
    }
    return OFFLOAD_ERR_RUN;
}

static double output_checksum(const struct kernel_input *in, const void *output)
{
    double sum = 0;
    switch (in->kernel) {
    case KERNEL_SQRT:
    case KERNEL_SUMSQRT: {
        const float *f = output;
        for (size_t i = 0; i < in->n; i++)
            sum += f[i];
        break;
    }
    case KERNEL_SCORES: {
        const int64_t *s = output;
        for (size_t i = 0; i < in->matrix->rows; i++)
            sum += (double)s[i];
        break;
    }
    }
    return sum;
}

static struct check_result check_output(const struct kernel_input *in, const void *output)
{
    switch (in->kernel) {
    case KERNEL_SQRT:
        return check_sqrt(in->in, output, in->n);
    case KERNEL_SUMSQRT:
        return check_sumsqrt(in->in, output, in->n);
    case KERNEL_SCORES:
        return check_scores(in->matrix, output);
    }
    return (struct check_result){0};
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
    fprintf(stderr, "\r  %s: run %zu, %.1f s ", what, done, elapsed);
    fflush(stderr);
}

static void clear_progress(const struct run_settings *set)
{
    if (set->progress && isatty(STDERR_FILENO))
        fprintf(stderr, "\r%60s\r", "");
}

enum offload_status run_kernel(const struct backend_ops *ops, void *state,
                               const struct kernel_input *in, const struct run_settings *set,
                               void *output, struct run_result *res)
{
    memset(res, 0, sizeof *res);
    res->status = OFFLOAD_ERR_RUN;
    size_t out_bytes = kernel_output_bytes(in);
    void *owned = NULL;
    if (!output) {
        owned = output = workload_alloc(out_bytes);
        if (!owned) {
            fprintf(stderr, "error: cannot allocate %zu bytes for the output of %s\n", out_bytes,
                    kernel_name(in->kernel));
            return res->status;
        }
    }
    char what[64];
    snprintf(what, sizeof what, "%s on %s", kernel_name(in->kernel), ops->name);

    enum offload_status st = OFFLOAD_OK;
    struct phase_times t;
    /* The output is poisoned (NaN floats, -1 scores: never a right answer)
     * before the warm-up and again before the timed calls, and checked after
     * each, so a kernel that writes nothing on later calls cannot pass on
     * an earlier call's results. */
    memset(output, 0xFF, out_bytes);
    for (int w = 0; w < set->warmup && st == OFFLOAD_OK; w++) {
        double t0 = offload_now();
        st = call_backend(ops, state, in, output, &t);
        if (w == 0)
            res->warmup_total = offload_now() - t0;
    }
    if (st == OFFLOAD_OK && set->warmup > 0) {
        res->check = check_output(in, output);
        if (!res->check.ok) {
            char label[96];
            snprintf(label, sizeof label, "%s (%s), warm-up call", what, algorithm_name(in->alg));
            check_print_failure(stderr, label, &res->check);
            workload_free(owned);
            return res->status;
        }
        memset(output, 0xFF, out_bytes);
    }
    double started = offload_now(), spent = 0;
    while (st == OFFLOAD_OK && res->samples < RUN_MAX_SAMPLES) {
        if (set->repeat > 0 && res->samples >= (size_t)set->repeat)
            break;
        if (set->repeat <= 0 && res->samples >= (size_t)set->min_repeat &&
            (spent >= set->min_time || res->samples >= (size_t)set->max_repeat))
            break;
        double t0 = offload_now();
        st = call_backend(ops, state, in, output, &res->times[res->samples]);
        res->total[res->samples] = offload_now() - t0;
        res->events_disagree |= events_disagree(&res->times[res->samples]);
        res->samples++;
        spent = offload_now() - started;
        show_progress(set, what, res->samples, spent);
    }
    clear_progress(set);
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
    res->checksum = output_checksum(in, output);
    res->check = check_output(in, output);
    res->status = res->check.ok ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
    if (!res->check.ok) {
        char label[96];
        snprintf(label, sizeof label, "%s (%s)", what, algorithm_name(in->alg));
        check_print_failure(stderr, label, &res->check);
    }
    workload_free(owned);
    return res->status;
}
