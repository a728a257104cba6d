/* offload compare and offload sweep: every backend on the same inputs, side
 * by side, with speedups, share of the measured ceilings and verdicts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "commands.h"
#include "parse.h"
#include "report.h"
#include "stats.h"

#define MAX_BENCH_BACKENDS 32
#define MAX_SWEEP_SIZES 32

/* One configured backend instance: a backend, a device, a thread count
 * and a memory mode. */
struct bench_backend {
    const struct backend_ops *ops;
    char label[64];
    char selector[64];
    int threads;
    int has_memory;
    enum offload_memory_mode memory;
    void *state;
    struct backend_info info;
    enum offload_status status;
    int has_ceilings;
    struct ceilings ceilings;
};

static int add_backend(struct bench_backend *list, size_t *n, const struct backend_ops *ops,
                       const char *label, const char *selector, int threads,
                       enum offload_memory_mode memory)
{
    if (*n == MAX_BENCH_BACKENDS)
        return usage_error("too many backend configurations (at most %d)", MAX_BENCH_BACKENDS);
    struct bench_backend *b = &list[(*n)++];
    memset(b, 0, sizeof *b);
    b->ops = ops;
    snprintf(b->label, sizeof b->label, "%s", label);
    snprintf(b->selector, sizeof b->selector, "%s", selector ? selector : "");
    b->threads = threads;
    b->has_memory = ops == &backend_opencl;
    b->memory = memory;
    return 0;
}

/* Expands --backends (default: serial, openmp and every OpenCL device) with
 * the --threads list for openmp and the memory modes for opencl. */
static int build_backend_list(const struct cli *c, int every_memory_mode,
                              struct bench_backend *list, size_t *n)
{
    char buf[1024];
    *n = 0;
    if (c->value[OPT_BACKENDS]) {
        snprintf(buf, sizeof buf, "%s", c->value[OPT_BACKENDS]);
    } else {
        char selectors[16][16];
        size_t ndev = opencl_device_selectors(selectors, 16);
        snprintf(buf, sizeof buf, "serial,openmp");
        if (ndev <= 1)
            strcat(buf, ",opencl"); /* none: init says why it is unavailable */
        for (size_t i = 0; ndev > 1 && i < ndev; i++) {
            strcat(buf, ",opencl:");
            strcat(buf, selectors[i]);
        }
    }
    enum offload_memory_mode modes[3] = {MEM_COPY, MEM_PINNED, MEM_ZERO_COPY};
    size_t nmodes = 3;
    if (!every_memory_mode || c->given[OPT_MEMORY]) {
        modes[0] = c->memory;
        nmodes = 1;
    }
    if (!list_has_no_empty_item("backends", buf))
        return OFFLOAD_ERR_USAGE;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        const char *selector;
        const struct backend_ops *ops = parse_backend_spec(tok, &selector);
        if (!ops)
            return OFFLOAD_ERR_USAGE;
        int rc = 0;
        if (ops == &backend_openmp) {
            for (size_t t = 0; t < c->nthreads && !rc; t++) {
                char label[64];
                if (c->nthreads > 1)
                    snprintf(label, sizeof label, "%s/%dt", tok, c->threads[t]);
                else
                    snprintf(label, sizeof label, "%s", tok);
                rc = add_backend(list, n, ops, label, NULL, c->threads[t], MEM_COPY);
            }
        } else if (ops == &backend_opencl) {
            for (size_t m = 0; m < nmodes && !rc; m++)
                rc = add_backend(list, n, ops, tok, selector, 0, modes[m]);
        } else {
            rc = add_backend(list, n, ops, tok, NULL, 1, MEM_COPY);
        }
        if (rc)
            return rc;
    }
    if (*n == 0)
        return usage_error("--backends is empty");
    return 0;
}

/* One line per backend and device, said once for all its memory modes. */
static void print_backend_list(FILE *f, const struct bench_backend *list, size_t n)
{
    fprintf(f, "backends:\n");
    for (size_t i = 0; i < n; i++) {
        const struct bench_backend *b = &list[i];
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(list[j].label, b->label) == 0;
        if (seen || b->status != OFFLOAD_OK)
            continue;
        fprintf(f, "  %-16s %s", b->label, b->info.device);
        if (b->info.platform[0]) {
            /* The platform's name without its long version string. */
            const char *paren = strstr(b->info.platform, " (");
            int name_len = paren ? (int)(paren - b->info.platform) : (int)strlen(b->info.platform);
            fprintf(f, "; %.*s, driver %s", name_len, b->info.platform, b->info.driver);
        }
        if (b->has_memory && b->info.unified_memory)
            fprintf(f, "; shares host memory (unified), so zero-copy moves no data");
        fputc('\n', f);
    }
}

static int any_backend_ready(const struct bench_backend *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i].status == OFFLOAD_OK)
            return 1;
    return 0;
}

/* Initialises every backend and gets its ceilings. A backend that cannot
 * run here is reported and skipped; the ones that started are listed.
 * Returns the worst exit code. */
static int init_backends(const struct cli *c, struct bench_backend *list, size_t n)
{
    int worst = 0;
    for (size_t i = 0; i < n; i++) {
        struct bench_backend *b = &list[i];
        /* Another memory mode of a device that could not start fails the
         * same way: say it once. */
        const struct bench_backend *twin = NULL;
        for (size_t j = 0; j < i && !twin; j++)
            if (list[j].ops == b->ops && strcmp(list[j].selector, b->selector) == 0 &&
                list[j].status != OFFLOAD_OK)
                twin = &list[j];
        if (twin) {
            b->status = twin->status;
            continue;
        }
        struct backend_config cfg =
            make_config(c, b->threads, b->selector[0] ? b->selector : NULL, b->memory);
        b->status = b->ops->init(&cfg, &b->state, &b->info);
        if (b->status == OFFLOAD_UNAVAILABLE) {
            fprintf(c->human, "%s: unavailable here (see the message above); the other "
                              "backends still run\n",
                    b->label);
            continue;
        }
        if (b->status != OFFLOAD_OK) {
            fprintf(c->human, "%s: failed to start (see the message above); the other "
                              "backends still run\n",
                    b->label);
            worst = offload_exit_code(b->status) > worst ? offload_exit_code(b->status) : worst;
            continue;
        }
        b->has_ceilings = backend_ceilings(c, b->ops, b->state, &b->info, &b->ceilings) == 0;
    }
    if (any_backend_ready(list, n))
        print_backend_list(c->human, list, n);
    else
        fprintf(stderr, "offload: no backend could start; see the messages above\n");
    return worst;
}



static void fini_backends(struct bench_backend *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i].status == OFFLOAD_OK)
            list[i].ops->fini(list[i].state);
}

/* Runs one prepared input on one backend and appends the record. Returns
 * the index of the record, or -1 when the run failed (after a message). */
static long run_and_record(const struct cli *c, const char *command, struct bench_backend *b,
                           const struct prepared_input *p, double percent,
                           struct result_set *results, int *worst)
{
    struct run_settings set = make_settings(c);
    struct result_record rec = {.command = command, .kernel = p->input.kernel,
                                .alg = p->input.alg};
    snprintf(rec.backend, sizeof rec.backend, "%s", b->label);
    rec.info = b->info;
    rec.has_memory = b->has_memory;
    rec.memory = b->memory;
    rec.has_ceilings = b->has_ceilings;
    rec.ceilings = b->ceilings;
    rec.size = p->input.kernel == KERNEL_SCORES ? p->matrix.rows : p->input.n;
    rec.rows = p->matrix.rows;
    rec.cols = p->matrix.cols;
    rec.percent = percent;
    rec.run = malloc(sizeof *rec.run);
    if (!rec.run) {
        fprintf(stderr, "offload: out of memory\n");
        *worst = OFFLOAD_ERR_RUN;
        return -1;
    }
    enum offload_status st = run_kernel(b->ops, b->state, &p->input, &set, NULL, rec.run);
    if (st != OFFLOAD_OK) {
        /* A wrong or failed result is never shown as a speed. */
        fprintf(c->human, "  %-16s %-9s FAILED: %s\n", b->label,
                b->has_memory ? memory_mode_name(b->memory) : "-",
                rec.run->check.mismatches ? "wrong result (see above)" : "run error (see above)");
        free(rec.run);
        *worst = offload_exit_code(st) > *worst ? offload_exit_code(st) : *worst;
        return -1;
    }
    rec.analysis =
        analyse_run(&p->input, rec.run, &rec.info, rec.has_ceilings ? &rec.ceilings : NULL);
    if (result_set_add(results, &rec) != 0) {
        free(rec.run);
        *worst = OFFLOAD_ERR_RUN;
        return -1;
    }
    return (long)results->count - 1;
}

/* End-to-end time of a record. */
static double record_total(const struct result_record *r)
{
    return r->run->stats[PHASE_TOTAL].min;
}

/* Index among recs[0..n) of the baseline backend for speedups: the serial
 * one, or the openmp one with the most threads. -1 if none. */
static long baseline(const struct result_set *set, const long *recs, size_t n,
                     const struct backend_ops *ops, const struct bench_backend *list,
                     const size_t *backend_of)
{
    long best = -1;
    for (size_t i = 0; i < n; i++) {
        if (recs[i] < 0 || list[backend_of[i]].ops != ops)
            continue;
        if (best < 0 || set->items[recs[i]].info.threads > set->items[recs[best]].info.threads)
            best = (long)i;
    }
    return best;
}

static void print_group_table(FILE *f, const struct result_set *set, const long *recs, size_t n,
                              const struct bench_backend *list, const size_t *backend_of)
{
    long serial = baseline(set, recs, n, &backend_serial, list, backend_of);
    long openmp = baseline(set, recs, n, &backend_openmp, list, backend_of);
    fprintf(f, "  %-16s %-9s %9s %9s %9s %10s %9s %9s %8s %8s %7s  %s\n", "backend", "memory",
            "copy-in", "kernel", "copy-out", "end-to-end", "vs serial", "vs openmp", "GB/s",
            "G op/s", "ceiling", "verdict");
    long fastest = -1;
    for (size_t i = 0; i < n; i++) {
        if (recs[i] < 0)
            continue;
        const struct result_record *r = &set->items[recs[i]];
        const struct run_result *run = r->run;
        char t1[32], t2[32], t3[32], t4[32], s1[16] = "-", s2[16] = "-", ceil[16] = "-";
        double total = record_total(r);
        if (serial >= 0)
            snprintf(s1, sizeof s1, "%.2fx", record_total(&set->items[recs[serial]]) / total);
        if (openmp >= 0)
            snprintf(s2, sizeof s2, "%.2fx", record_total(&set->items[recs[openmp]]) / total);
        if (r->analysis.ceiling_fraction > 0)
            snprintf(ceil, sizeof ceil, "%.0f%%", 100 * r->analysis.ceiling_fraction);
        fprintf(f, "  %-16s %-9s %9s %9s %9s %10s %9s %9s %8.3g %8.3g %7s  %s\n", r->backend,
                r->has_memory ? memory_mode_name(r->memory) : "-",
                run->stats[PHASE_COPY_IN].n ? format_seconds(run->stats[PHASE_COPY_IN].min, t1,
                                                             sizeof t1)
                                            : "-",
                format_seconds(run->stats[PHASE_KERNEL].min, t2, sizeof t2),
                run->stats[PHASE_COPY_OUT].n ? format_seconds(run->stats[PHASE_COPY_OUT].min, t3,
                                                              sizeof t3)
                                             : "-",
                format_seconds(total, t4, sizeof t4), s1, s2, r->analysis.gbps, r->analysis.gops,
                ceil, verdict_name(r->analysis.verdict));
        if (fastest < 0 || total < record_total(&set->items[recs[fastest]]))
            fastest = (long)i;
    }
    fprintf(f, "  why:\n");
    for (size_t i = 0; i < n; i++) {
        if (recs[i] < 0)
            continue;
        const struct result_record *r = &set->items[recs[i]];
        char label[80];
        snprintf(label, sizeof label, "%s%s%s", r->backend, r->has_memory ? " " : "",
                 r->has_memory ? memory_mode_name(r->memory) : "");
        fprintf(f, "    %-24s %s\n", label, r->analysis.reason);
        if (r->run->events_disagree)
            fprintf(f, "    %-24s note: the device's event timers disagreed with the host clock "
                       "(zero or longer than the wall time); host times are shown\n",
                    "");
        /* A few slow outliers are normal on a shared machine: say so only
         * when one sample in ten is off. */
        if (r->run->stats[PHASE_KERNEL].outliers * 10 >= r->run->samples)
            fprintf(f, "    %-24s note: %zu of %zu kernel times were outliers (a busy machine); "
                       "the minimum is shown\n",
                    "", r->run->stats[PHASE_KERNEL].outliers, r->run->samples);
    }
    if (fastest >= 0) {
        const struct result_record *r = &set->items[recs[fastest]];
        fprintf(f, "  fastest end to end: %s%s%s", r->backend, r->has_memory ? " " : "",
                r->has_memory ? memory_mode_name(r->memory) : "");
        if (serial >= 0)
            fprintf(f, ", %.2fx serial", record_total(&set->items[recs[serial]]) /
                                             record_total(r));
        fprintf(f, " (%s)\n", verdict_name(r->analysis.verdict));
    }
}

int command_compare(struct cli *c)
{
    enum offload_kernel kernels[KERNEL_COUNT];
    size_t nkernels = 0;
    if (c->npositional == 0)
        for (int k = 0; k < KERNEL_COUNT; k++)
            kernels[nkernels++] = (enum offload_kernel)k;
    for (size_t i = 0; i < c->npositional; i++) {
        if (nkernels == KERNEL_COUNT)
            return usage_error("too many kernels: name each of sqrt, sumsqrt, scores once");
        if (kernel_from_name(c->positional[i], &kernels[nkernels]) != 0)
            return usage_error("unknown kernel '%s': use sqrt, sumsqrt or scores",
                               c->positional[i]);
        nkernels++;
    }
    struct bench_backend backends[MAX_BENCH_BACKENDS];
    size_t nb = 0;
    int worst = build_backend_list(c, 1, backends, &nb);
    if (worst)
        return worst;
    const char *alg = c->value[OPT_ALGORITHM] ? c->value[OPT_ALGORITHM] : "both";
    int run_naive = strcmp(alg, "fast") != 0, run_fast = strcmp(alg, "naive") != 0;
    if (!run_naive && nkernels == 1 && kernels[0] == KERNEL_SQRT)
        return usage_error("sqrt has no fast algorithm: it is already O(N)");

    worst = init_backends(c, backends, nb);
    if (!any_backend_ready(backends, nb))
        return worst ? worst : OFFLOAD_ERR_RUN;
    struct result_set results = {.argc = c->argc, .argv = c->argv};
    for (size_t ki = 0; ki < nkernels; ki++) {
        for (int a = 0; a < 2; a++) {
            enum offload_algorithm algo = a == 0 ? ALG_NAIVE : ALG_FAST;
            if ((algo == ALG_NAIVE && !run_naive) || (algo == ALG_FAST && !run_fast))
                continue;
            if (algo == ALG_FAST && kernels[ki] == KERNEL_SQRT)
                continue; /* sqrt has one algorithm */
            struct prepared_input p;
            int rc = prepare_input(c, kernels[ki], algo, c->given[OPT_SIZE] ? c->size : 0,
                                   c->percent[0], &p);
            if (rc) {
                prepared_free(&p);
                worst = rc > worst ? rc : worst;
                goto done;
            }
            char work[160], size[64];
            if (kernels[ki] == KERNEL_SCORES)
                snprintf(size, sizeof size, "%zu markers x %zu varieties", p.matrix.rows,
                         p.matrix.cols);
            else
                snprintf(size, sizeof size, "N = %zu", p.input.n);
            fprintf(c->human, "\n%s (%s), %s: %s\n", kernel_name(kernels[ki]),
                    algorithm_name(algo), size, describe_work(&p.input, work, sizeof work));
            long recs[MAX_BENCH_BACKENDS];
            size_t backend_of[MAX_BENCH_BACKENDS], n = 0;
            for (size_t i = 0; i < nb; i++) {
                if (backends[i].status != OFFLOAD_OK)
                    continue;
                backend_of[n] = i;
                recs[n++] = run_and_record(c, "compare", &backends[i], &p, c->percent[0],
                                           &results, &worst);
            }
            print_group_table(c->human, &results, recs, n, backends, backend_of);
            fflush(c->human);
            prepared_free(&p);
        }
    }
    fprintf(c->human,
            "\nTimes are the best of the timed runs after a warm-up; end-to-end adds the\n"
            "copies to and from the device. Speedups compare end-to-end times on the same\n"
            "input; 'ceiling' is the share of the limit named in the verdict, measured by\n"
            "offload calibrate. Every result was checked against the serial reference%s\n",
            worst ? "; the\nruns marked FAILED gave a wrong result or an error and have no times."
                  : ".");
done:
    fini_backends(backends, nb);
    if (results.count) {
        int rc = emit_results(c, &results);
        worst = worst ? worst : rc;
    }
    result_set_free(&results);
    return worst;
}

/* --sizes: FROM:TO:xF, FROM:TO:+S or a comma list. */
static int parse_sizes(const char *spec, uint64_t *sizes, size_t *n)
{
    char err[256];
    const uint64_t max = UINT64_C(1) << 40;
    *n = 0;
    if (!strchr(spec, ':')) {
        if (parse_count_list(spec, 1, max, sizes, MAX_SWEEP_SIZES, n, err, sizeof err))
            return usage_error("--sizes: %s", err);
        return 0;
    }
    char from[64], to[64], step[64];
    if (sscanf(spec, "%63[^:]:%63[^:]:%63s", from, to, step) != 3 ||
        (step[0] != 'x' && step[0] != '+'))
        return usage_error("--sizes '%s': use FROM:TO:xFACTOR, FROM:TO:+STEP or a list, e.g. "
                           "1k:64k:x2",
                           spec);
    uint64_t lo, hi, by;
    if (parse_count(from, 1, max, &lo, err, sizeof err) ||
        parse_count(to, 1, max, &hi, err, sizeof err) ||
        parse_count(step + 1, 1, max, &by, err, sizeof err))
        return usage_error("--sizes '%s': %s", spec, err);
    if (hi < lo)
        return usage_error("--sizes '%s': the range goes down; put the smaller size first", spec);
    if (step[0] == 'x' && by < 2)
        return usage_error("--sizes '%s': the factor must be at least 2", spec);
    for (uint64_t s = lo; s <= hi; s = step[0] == 'x' ? s * by : s + by) {
        if (*n == MAX_SWEEP_SIZES)
            return usage_error("--sizes '%s' gives more than %d sizes", spec, MAX_SWEEP_SIZES);
        sizes[(*n)++] = s;
        if (step[0] == 'x' ? s > max / by : s > max - by)
            break; /* the next size would overflow */
    }
    return 0;
}

int command_sweep(struct cli *c)
{
    if (c->npositional != 1)
        return usage_error("sweep needs one kernel: sqrt, sumsqrt or scores");
    enum offload_kernel k;
    if (kernel_from_name(c->positional[0], &k) != 0)
        return usage_error("unknown kernel '%s': use sqrt, sumsqrt or scores", c->positional[0]);
    if (k == KERNEL_SQRT && algorithm_option(c) == ALG_FAST)
        return usage_error("sqrt has no fast algorithm: it is already O(N)");
    uint64_t sizes[MAX_SWEEP_SIZES];
    double percents[MAX_LIST];
    size_t npoints = 0;
    if (k == KERNEL_SCORES) {
        if (c->given[OPT_SIZES])
            return usage_error("scores sweeps over --percent, not --sizes");
        static const double default_percents[] = {5, 25, 50, 100};
        if (c->given[OPT_PERCENT]) {
            memcpy(percents, c->percent, c->npercent * sizeof *percents);
            npoints = c->npercent;
        } else {
            memcpy(percents, default_percents, sizeof default_percents);
            npoints = 4;
        }
    } else {
        if (c->given[OPT_PERCENT] || c->given[OPT_DATA])
            return usage_error("--percent and --data apply to scores only");
        const char *spec = c->value[OPT_SIZES] ? c->value[OPT_SIZES]
                           : k == KERNEL_SQRT   ? "1M:32M:x2"
                                                : "1k:16k:x2";
        int rc = parse_sizes(spec, sizes, &npoints);
        if (rc)
            return rc;
    }
    struct bench_backend backends[MAX_BENCH_BACKENDS];
    size_t nb = 0;
    int worst = build_backend_list(c, 0, backends, &nb);
    if (worst)
        return worst;
    worst = init_backends(c, backends, nb);
    if (!any_backend_ready(backends, nb))
        return worst ? worst : OFFLOAD_ERR_RUN;
    struct result_set results = {.argc = c->argc, .argv = c->argv};
    /* recs[point][backend]: record index or -1. */
    long recs[MAX_SWEEP_SIZES][MAX_BENCH_BACKENDS];
    double xs[MAX_SWEEP_SIZES];
    enum offload_algorithm alg = algorithm_option(c);
    size_t done = 0;
    for (size_t pi = 0; pi < npoints; pi++) {
        struct prepared_input p;
        double percent = k == KERNEL_SCORES ? percents[pi] : 100;
        int rc = prepare_input(c, k, alg, k == KERNEL_SCORES ? 0 : sizes[pi], percent, &p);
        if (rc) {
            prepared_free(&p);
            worst = rc > worst ? rc : worst;
            break;
        }
        xs[pi] = k == KERNEL_SCORES ? (double)p.matrix.rows : (double)p.input.n;
        for (size_t i = 0; i < nb; i++) {
            recs[pi][i] = -1;
            if (backends[i].status == OFFLOAD_OK)
                recs[pi][i] = run_and_record(c, "sweep", &backends[i], &p, percent, &results,
                                             &worst);
        }
        prepared_free(&p);
        done++;
    }
    fini_backends(backends, nb);

    FILE *f = c->human;
    fprintf(f, "\n%s (%s): best end-to-end time per %s\n", kernel_name(k), algorithm_name(alg),
            k == KERNEL_SCORES ? "number of markers" : "size N");
    fprintf(f, "%12s", k == KERNEL_SCORES ? "markers" : "N");
    for (size_t i = 0; i < nb; i++) {
        char label[80];
        snprintf(label, sizeof label, "%s%s%s", backends[i].label,
                 backends[i].has_memory ? "/" : "",
                 backends[i].has_memory ? memory_mode_name(backends[i].memory) : "");
        if (backends[i].status == OFFLOAD_OK)
            fprintf(f, " %16s", label);
    }
    fputc('\n', f);
    for (size_t pi = 0; pi < done; pi++) {
        fprintf(f, "%12.0f", xs[pi]);
        for (size_t i = 0; i < nb; i++) {
            char t[32];
            if (backends[i].status != OFFLOAD_OK)
                continue;
            fprintf(f, " %16s",
                    recs[pi][i] >= 0
                        ? format_seconds(record_total(&results.items[recs[pi][i]]), t, sizeof t)
                        : "FAILED");
        }
        fputc('\n', f);
    }
    /* Scaling exponents and where OpenCL starts to beat OpenMP. */
    long openmp = -1;
    for (size_t i = 0; i < nb; i++)
        if (backends[i].status == OFFLOAD_OK && backends[i].ops == &backend_openmp)
            openmp = (long)i;
    for (size_t i = 0; i < nb; i++) {
        if (backends[i].status != OFFLOAD_OK)
            continue;
        double y_total[MAX_SWEEP_SIZES], y_kernel[MAX_SWEEP_SIZES], x[MAX_SWEEP_SIZES];
        size_t m = 0;
        for (size_t pi = 0; pi < done; pi++) {
            if (recs[pi][i] < 0)
                continue;
            const struct result_record *r = &results.items[recs[pi][i]];
            x[m] = xs[pi];
            y_total[m] = record_total(r);
            y_kernel[m++] = r->run->stats[PHASE_KERNEL].min;
        }
        if (m < 2)
            fprintf(f, "%-24s a scaling exponent needs at least two sizes\n", backends[i].label);
        else
            fprintf(f, "%-24s time ~ %s^k with k = %.2f end to end, %.2f for the kernel\n",
                    backends[i].label, k == KERNEL_SCORES ? "markers" : "N",
                    stats_scaling_exponent(x, y_total, m),
                    stats_scaling_exponent(x, y_kernel, m));
        if (backends[i].ops != &backend_opencl || openmp < 0)
            continue;
        /* Smallest size from which OpenCL is faster at every larger size. */
        long from = -1;
        for (long pi = (long)done - 1; pi >= 0; pi--) {
            long o = recs[pi][i], m2 = recs[pi][openmp];
            if (o < 0 || m2 < 0 ||
                record_total(&results.items[o]) >= record_total(&results.items[m2]))
                break;
            from = pi;
        }
        if (from >= 0)
            fprintf(f, "%-24s beats %s end to end from %s = %.0f on\n", "",
                    backends[openmp].label, k == KERNEL_SCORES ? "markers" : "N", xs[from]);
        else
            fprintf(f, "%-24s never beats %s end to end in this range\n", "",
                    backends[openmp].label);
    }
    if (results.count) {
        int rc = emit_results(c, &results);
        worst = worst ? worst : rc;
    }
    result_set_free(&results);
    return worst;
}
