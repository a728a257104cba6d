/* offload compare: every backend on the same inputs, side by side, with
 * speedups, share of the measured ceilings and verdicts. */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "ranks.h"
#include "lineup.h"
#include "progress.h"
#include "run_text.h"

/* Which configured backends serve as a baseline for speedups. */
enum baseline_kind {
    BASELINE_REFERENCE, /* the reference backend (serial) */
    BASELINE_THREADS    /* the host-threads backend (openmp) */
};

static int is_baseline(const struct backend_ops *ops, enum baseline_kind kind)
{
    switch (kind) {
    case BASELINE_REFERENCE:
        return ops->caps.reference;
    case BASELINE_THREADS:
        return ops->caps.threads;
    }
    return 0;
}

/* Index among recs[0..n) of the baseline backend for speedups: the
 * reference one, or the threaded one with the most threads. -1 if none. */
static long baseline(const struct result_set *set, const long *recs, size_t n,
                     enum baseline_kind kind, const struct bench_backend *list,
                     const size_t *backend_of)
{
    long best = -1;
    for (size_t i = 0; i < n; i++) {
        if (recs[i] < 0 || !is_baseline(list[backend_of[i]].ops, kind))
            continue;
        if (best < 0 || set->items[recs[i]].info.threads > set->items[recs[best]].info.threads)
            best = (long)i;
    }
    return best;
}

static void print_group_table(FILE *f, const struct result_set *set, const long *recs, size_t n,
                              const struct bench_backend *list, const size_t *backend_of)
{
    long serial = baseline(set, recs, n, BASELINE_REFERENCE, list, backend_of);
    long openmp = baseline(set, recs, n, BASELINE_THREADS, list, backend_of);
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
                run->stats[PHASE_COPY_IN].n
                    ? format_seconds(run->stats[PHASE_COPY_IN].min, t1, sizeof t1)
                    : "-",
                format_seconds(run->stats[PHASE_KERNEL].min, t2, sizeof t2),
                run->stats[PHASE_COPY_OUT].n
                    ? format_seconds(run->stats[PHASE_COPY_OUT].min, t3, sizeof t3)
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
            fprintf(f,
                    "    %-24s note: the device's event timers disagreed with the host clock "
                    "(zero or longer than the wall time); host times are shown\n",
                    "");
        /* A few slow outliers are normal on a shared machine: say so only
         * when one sample in ten is off. */
        if (r->run->stats[PHASE_KERNEL].outliers * 10 >= r->run->samples)
            fprintf(f,
                    "    %-24s note: %zu of %zu kernel times were outliers (a busy machine); "
                    "the minimum is shown\n",
                    "", r->run->stats[PHASE_KERNEL].outliers, r->run->samples);
    }
    if (fastest >= 0) {
        const struct result_record *r = &set->items[recs[fastest]];
        fprintf(f, "  fastest end to end: %s%s%s", r->backend, r->has_memory ? " " : "",
                r->has_memory ? memory_mode_name(r->memory) : "");
        if (serial >= 0)
            fprintf(f, ", %.2fx serial", record_total(&set->items[recs[serial]]) / record_total(r));
        fprintf(f, " (%s)\n", verdict_name(r->analysis.verdict));
    }
}

/* One kernel and algorithm on every started backend: its table. Returns 0
 * or the exit code of an input that could not be prepared (which ends the
 * command); run failures go to *worst. */
static int compare_group(struct cli *c, enum offload_kernel k, enum offload_algorithm algo,
                         struct bench_backend *backends, size_t nb, struct result_set *results,
                         struct progress *pg, int *worst)
{
    struct prepared_input p;
    struct file_kernel *fk = k == KERNEL_FILE ? calloc(1, sizeof *fk) : NULL;
    enum offload_status st =
        ranks_agree(
            k != KERNEL_FILE
                ? prepare_input(c, k, algo, c->given[OPT_SIZE] ? c->size : 0, c->percent[0], &p)
            : fk ? file_prepare_lineup(c, backends, nb,
                                       c->given[OPT_SIZE] ? c->size : FILE_DEFAULT_N, NULL, fk, &p)
                 : OFFLOAD_ERR_RUN);
    if (st != OFFLOAD_OK) {
        if (k != KERNEL_FILE)
            prepared_free(&p);
        if (fk)
            file_kernel_free(fk);
        free(fk);
        return offload_exit_code(st);
    }
    char work[160], size[64];
    describe_size(&p, size, sizeof size);
    if (k == KERNEL_FILE)
        fprintf(c->human, "\n%s (%s), %s: %s\n", kernel_name(k), kernel_spec_of(k)->formula,
                size, describe_work(&p.input, work, sizeof work));
    else
        fprintf(c->human, "\n%s (%s), %s: %s%s%s\n", kernel_name(k), algorithm_name(algo), size,
                describe_work(&p.input, work, sizeof work), ranks_count() > 1 ? "; " : "",
                ranks_count() > 1 ? ranks_phrase() : "");
    long recs[MAX_BENCH_BACKENDS];
    size_t backend_of[MAX_BENCH_BACKENDS], n = 0;
    for (size_t i = 0; i < nb; i++) {
        if (backends[i].status != OFFLOAD_OK)
            continue;
        char what[160];
        snprintf(what, sizeof what, "%s %s on %s%s%s", kernel_name(k), algorithm_name(algo),
                 backends[i].label, backends[i].has_memory ? " " : "",
                 backends[i].has_memory ? memory_mode_name(backends[i].memory) : "");
        c->progress_label = progress_step(pg, what, 1);
        backend_of[n] = i;
        recs[n++] = run_and_record(c, "compare", &backends[i], &p, c->percent[0], results, worst);
    }
    c->progress_label = NULL;
    progress_clear(pg);
    print_group_table(c->human, results, recs, n, backends, backend_of);
    fflush(c->human);
    prepared_free(&p);
    if (fk) {
        /* The records keep the table's entry (name, hash), not the buffers. */
        file_kernel_free(fk);
        free(fk);
    }
    return 0;
}

/* Which algorithms of kernel k run: bit 0 naive, bit 1 fast. */
static int algorithms_of(enum offload_kernel k, int run_naive, int run_fast)
{
    return (run_naive ? 1 : 0) | (run_fast && kernel_spec_of(k)->has_fast ? 2 : 0);
}

int command_compare(struct cli *c)
{
    enum offload_kernel kernels[KERNEL_COUNT];
    size_t nkernels = 0;
    char names[KERNEL_NAME_LIST_MAX];
    if (c->npositional == 0)
        for (int k = 0; k < KERNEL_BUILTIN_COUNT; k++)
            kernels[nkernels++] = (enum offload_kernel)k;
    const int from_file = c->npositional == 1 && is_kernel_file(c->positional[0]);
    if (from_file)
        kernels[nkernels++] = KERNEL_FILE;
    else if (file_options_unused(c, c->npositional ? c->positional[0] : "kernels") != OFFLOAD_OK)
        return OFFLOAD_ERR_USAGE;
    for (size_t i = 0; i < c->npositional && !from_file; i++) {
        if (is_kernel_file(c->positional[i]))
            return usage_error("compare takes one kernel file alone: %s", c->positional[i]);
        if (nkernels == KERNEL_COUNT)
            return usage_error("too many kernels: name each of %s once",
                               kernel_name_list(names, sizeof names));
        if (kernel_from_name(c->positional[i], &kernels[nkernels]) != OFFLOAD_OK)
            return unknown_kernel_error(c->positional[i]);
        nkernels++;
    }
    struct bench_backend backends[MAX_BENCH_BACKENDS];
    size_t nb = 0;
    int worst = build_backend_list(c, 1, backends, &nb);
    if (!worst && from_file)
        worst = file_lineup_filter(c, backends, &nb);
    if (worst)
        return worst;
    if (from_file && (c->given[OPT_ALGORITHM] || c->given[OPT_DATA] || c->given[OPT_PERCENT]))
        return usage_error("--algorithm, --data and --percent apply to the built-in kernels");
    const char *alg = c->value[OPT_ALGORITHM] ? c->value[OPT_ALGORITHM] : from_file ? "naive"
                                                                                    : "both";
    int run_naive = strcmp(alg, "fast") != 0, run_fast = strcmp(alg, "naive") != 0;
    if (!run_naive && nkernels == 1 && !kernel_spec_of(kernels[0])->has_fast)
        return usage_error("%s has no fast algorithm: %s", kernel_name(kernels[0]),
                           kernel_spec_of(kernels[0])->fast_order);

    /* A bad baseline fails now, not after the runs. */
    struct saved_run base;
    enum offload_status bst = baseline_load(c, &base);
    if (bst != OFFLOAD_OK)
        return offload_exit_code(bst);
    worst = init_backends(c, backends, nb);
    if (!any_backend_ready(backends, nb)) {
        saved_run_free(&base);
        return worst ? worst : OFFLOAD_ERR_RUN;
    }
    size_t groups = 0;
    for (size_t ki = 0; ki < nkernels; ki++) {
        int algs = algorithms_of(kernels[ki], run_naive, run_fast);
        groups += (size_t)((algs & 1) + (algs >> 1));
    }
    struct progress pg;
    size_t steps = groups * backends_ready(backends, nb);
    progress_begin(&pg, steps, (double)steps);
    struct result_set results = {.argc = c->argc, .argv = c->argv};
    int rc = 0;
    for (size_t ki = 0; ki < nkernels && !rc; ki++) {
        int algs = algorithms_of(kernels[ki], run_naive, run_fast);
        for (int a = 0; a < 2 && !rc; a++)
            if (algs & (1 << a))
                rc = compare_group(c, kernels[ki], a == 0 ? ALG_NAIVE : ALG_FAST, backends, nb,
                                   &results, &pg, &worst);
    }
    worst = rc > worst ? rc : worst;
    if (!rc)
        fprintf(c->human,
                "\nTimes are the best of the timed runs after a warm-up; end-to-end adds the\n"
                "copies to and from the device. Speedups compare end-to-end times on the same\n"
                "input; 'ceiling' is the share of the limit named in the verdict, measured by\n"
                "offload calibrate. Every result was checked against %s%s\n",
                from_file ? (c->given[OPT_CHECK] ? "the reference kernel (--check)"
                                                 : "the first CPU device's output")
                          : "the serial reference",
                worst ? "; the\nruns marked FAILED gave a wrong result or an error and have no "
                        "times."
                      : ".");
    fini_backends(backends, nb);
    bst = baseline_show(c, &base, &results);
    worst = worst ? worst : offload_exit_code(bst);
    saved_run_free(&base);
    if (results.count) {
        int erc = offload_exit_code(emit_results(c, &results));
        worst = worst ? worst : erc;
    }
    result_set_free(&results);
    return partial_exit(worst, backends_unavailable(backends, nb), backends_ready(backends, nb));
}
