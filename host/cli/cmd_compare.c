/* offload compare: every backend on the same inputs, side by side, with
 * speedups, share of the measured ceilings and verdicts. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "fresh.h"
#include "ranks.h"
#include "lineup.h"
#include "progress.h"
#include "run_text.h"
#include "wrap.h"

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

/* One kernel and algorithm on every started backend: its runs. */
struct compare_group {
    enum offload_kernel kernel;
    enum offload_algorithm alg;
    char heading[256]; /* "sqrt (naive), N = 10000000: moves 120.0 MB, ..." */
    long recs[MAX_BENCH_BACKENDS];
    size_t backend_of[MAX_BENCH_BACKENDS], n;
};

/* How the text is laid out: the width and whether -v asked for every
 * column and note. */
struct layout {
    int width, verbose;
};

/* The full table's width: wider terminals (or -v) get every column. */
#define FULL_TABLE_WIDTH 131

/* "opencl zero-copy": a record's backend and memory mode. */
static const char *record_label(const struct result_record *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s", r->backend, r->has_memory ? " " : "",
             r->has_memory ? memory_mode_name(r->memory) : "");
    return buf;
}

/* The fastest record of a group, -1 when none ran. */
static long fastest_of(const struct result_set *set, const struct compare_group *g)
{
    long fastest = -1;
    for (size_t i = 0; i < g->n; i++)
        if (g->recs[i] >= 0 &&
            (fastest < 0 || record_total(&set->items[g->recs[i]]) <
                                record_total(&set->items[g->recs[fastest]])))
            fastest = (long)i;
    return fastest;
}

/* The answer first: "sqrt (naive): opencl zero-copy, 1.12x serial,
 * memory-bound (77% of its limit)". */
static void print_answer(FILE *f, const struct layout *lay, const struct result_set *set,
                         const struct compare_group *g, const struct bench_backend *list)
{
    long fastest = fastest_of(set, g);
    if (fastest < 0)
        return;
    long serial = baseline(set, g->recs, g->n, BASELINE_REFERENCE, list, g->backend_of);
    const struct result_record *r = &set->items[g->recs[fastest]];
    char label[96], speed[48] = "", limit[48] = "", head[160], text[256];
    if (serial >= 0 && serial != fastest)
        snprintf(speed, sizeof speed, ", %.2fx serial",
                 record_total(&set->items[g->recs[serial]]) / record_total(r));
    if (r->analysis.ceiling_fraction > 0)
        snprintf(limit, sizeof limit, " at %.0f%% of its limit%s",
                 100 * r->analysis.ceiling_fraction,
                 r->analysis.ceiling_fraction > 1 ? " (above it: see why)" : "");
    if (g->kernel == KERNEL_FILE) /* a kernel file has no algorithm */
        snprintf(head, sizeof head, "  %s: ", kernel_name(g->kernel));
    else
        snprintf(head, sizeof head, "  %s (%s): ", kernel_name(g->kernel),
                 algorithm_name(g->alg));
    snprintf(text, sizeof text, "%s fastest%s; %s%s", record_label(r, label, sizeof label), speed,
             verdict_name(r->analysis.verdict), limit);
    wrap_print(f, lay->width, head, "      ", text);
}

static void print_full_table(FILE *f, const struct result_set *set, const struct compare_group *g,
                             long serial, long openmp)
{
    fprintf(f, "  %-16s %-9s %9s %9s %9s %10s %9s %9s %8s %8s %7s  %s\n", "backend", "memory",
            "copy-in", "kernel", "copy-out", "end-to-end", "vs serial", "vs openmp", "GB/s",
            "G op/s", "ceiling", "verdict");
    for (size_t i = 0; i < g->n; i++) {
        if (g->recs[i] < 0)
            continue;
        const struct result_record *r = &set->items[g->recs[i]];
        const struct run_result *run = r->run;
        char t1[32], t2[32], t3[32], t4[32], s1[16] = "-", s2[16] = "-", ceil[16] = "-";
        double total = record_total(r);
        if (serial >= 0)
            snprintf(s1, sizeof s1, "%.2fx", record_total(&set->items[g->recs[serial]]) / total);
        if (openmp >= 0)
            snprintf(s2, sizeof s2, "%.2fx", record_total(&set->items[g->recs[openmp]]) / total);
        if (r->analysis.ceiling_fraction > 0)
            snprintf(ceil, sizeof ceil, "%.0f%%", 100 * r->analysis.ceiling_fraction);
        fprintf(f, "  %-16.16s %-9s %9s %9s %9s %10s %9s %9s %8.3g %8.3g %7s  %s\n", r->backend,
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
    }
}

/* Fits TEXT_MIN_WIDTH: backend and memory in one column, the kernel and
 * end-to-end times, the speedup over serial, the ceiling and the verdict. */
static void print_compact_table(FILE *f, const struct result_set *set,
                                const struct compare_group *g, long serial)
{
    fprintf(f, "  %-16s %9s %10s %8s %7s  %s\n", "backend", "kernel", "end-to-end", "vs serial",
            "ceiling", "verdict");
    for (size_t i = 0; i < g->n; i++) {
        if (g->recs[i] < 0)
            continue;
        const struct result_record *r = &set->items[g->recs[i]];
        char label[96], t1[32], t2[32], s1[16] = "-", ceil[16] = "-";
        double total = record_total(r);
        if (serial >= 0)
            snprintf(s1, sizeof s1, "%.2fx", record_total(&set->items[g->recs[serial]]) / total);
        if (r->analysis.ceiling_fraction > 0)
            snprintf(ceil, sizeof ceil, "%.0f%%", 100 * r->analysis.ceiling_fraction);
        fprintf(f, "  %-16.16s %9s %10s %8s %7s  %s\n", record_label(r, label, sizeof label),
                format_seconds(r->run->stats[PHASE_KERNEL].min, t1, sizeof t1),
                format_seconds(total, t2, sizeof t2), s1, ceil,
                verdict_name(r->analysis.verdict));
    }
}

/* The reasons, wrapped: rows sharing a sentence get it once, their labels
 * joined; notes (outliers, event timers) with -v, busy always. */
static void print_reasons(FILE *f, const struct layout *lay, const struct result_set *set,
                          const struct compare_group *g)
{
    fprintf(f, "  why:\n");
    int said[MAX_BENCH_BACKENDS] = {0};
    for (size_t i = 0; i < g->n; i++) {
        if (g->recs[i] < 0 || said[i])
            continue;
        const struct result_record *r = &set->items[g->recs[i]];
        char labels[512] = "", label[96];
        size_t used = 0;
        for (size_t j = i; j < g->n; j++) {
            if (g->recs[j] < 0 || said[j] ||
                strcmp(set->items[g->recs[j]].analysis.reason, r->analysis.reason) != 0)
                continue;
            said[j] = 1;
            int w = snprintf(labels + used, sizeof labels - used, "%s%s", used ? ", " : "",
                             record_label(&set->items[g->recs[j]], label, sizeof label));
            used += w > 0 && (size_t)w < sizeof labels - used ? (size_t)w : 0;
        }
        char first[600];
        snprintf(first, sizeof first, "    %s: ", labels);
        wrap_print(f, lay->width, first, "        ", r->analysis.reason);
    }
    /* A busy machine: said once for the rows it touched, with the worst. */
    struct machine_load worst = {0};
    char busy_rows[512] = "";
    size_t busy_used = 0;
    for (size_t i = 0; i < g->n; i++) {
        if (g->recs[i] < 0 || !set->items[g->recs[i]].run->load.busy)
            continue;
        const struct result_record *r = &set->items[g->recs[i]];
        char label[96];
        machine_load_merge(&worst, &r->run->load);
        int w = snprintf(busy_rows + busy_used, sizeof busy_rows - busy_used, "%s%s",
                         busy_used ? ", " : "", record_label(r, label, sizeof label));
        busy_used += w > 0 && (size_t)w < sizeof busy_rows - busy_used ? (size_t)w : 0;
    }
    if (worst.busy) {
        char load[160], text[900];
        snprintf(text, sizeof text,
                 "%s: at worst %s; these times are slower and more spread than on a quiet "
                 "machine",
                 busy_rows, describe_machine_load(&worst, load, sizeof load));
        wrap_print(f, lay->width, "    busy while timing ", "        ", text);
    }
    for (size_t i = 0; i < g->n; i++) {
        if (g->recs[i] < 0)
            continue;
        const struct result_record *r = &set->items[g->recs[i]];
        char label[96], head[128], text[320];
        snprintf(head, sizeof head, "    %s, ", record_label(r, label, sizeof label));
        /* A ceiling probed around the run that replaced the cached one
         * changes the share shown: always say so. */
        char notes[CEILING_PROBES_MAX * 200];
        ceilings_refresh_note(&r->refresh, notes, sizeof notes);
        for (char *line = notes, *end; *line; line = end ? end + 1 : line + strlen(line)) {
            end = strchr(line, '\n');
            if (end)
                *end = '\0';
            char note[sizeof notes + 8];
            snprintf(note, sizeof note, "note: %s", line);
            wrap_print(f, lay->width, head, "        ", note);
        }
        if (!lay->verbose)
            continue;
        if (r->run->events_disagree)
            wrap_print(f, lay->width, head, "        ",
                       "note: the device's event timers disagreed with the host clock (zero or "
                       "longer than the wall time); host times are shown");
        /* A few slow outliers are normal on a shared machine: say so only
         * when one sample in ten is off. */
        if (r->run->stats[PHASE_KERNEL].outliers * 10 >= r->run->samples) {
            snprintf(text, sizeof text,
                     "note: %zu of %zu kernel times were outliers (a busy machine); the minimum "
                     "is shown",
                     r->run->stats[PHASE_KERNEL].outliers, r->run->samples);
            wrap_print(f, lay->width, head, "        ", text);
        }
    }
}

/* What threads gave and what the code gave, from the group's serial run,
 * the threaded backend on 1 thread and on the most threads. */
static void print_scaling_split(FILE *f, const struct layout *lay, const struct result_set *set,
                                const struct compare_group *g, const struct bench_backend *list)
{
    const struct result_record *serial = NULL, *one = NULL, *many = NULL;
    for (size_t i = 0; i < g->n; i++) {
        if (g->recs[i] < 0)
            continue;
        const struct result_record *r = &set->items[g->recs[i]];
        const struct backend_caps *caps = &list[g->backend_of[i]].ops->caps;
        if (caps->reference)
            serial = r;
        else if (caps->threads && r->info.threads == 1)
            one = r;
        else if (caps->threads && (!many || r->info.threads > many->info.threads))
            many = r;
    }
    if (!many)
        return;
    struct scaling_split s = {
        .serial_s = serial ? record_total(serial) : 0,
        .one_thread_s = one ? record_total(one) : 0,
        .threaded_s = record_total(many),
        .threads = many->info.threads,
        .one_core_gbps = one ? one->analysis.peak_gbps : serial ? serial->analysis.peak_gbps : 0,
        .all_cores_gbps = many->analysis.peak_gbps,
        .memory_bound = many->analysis.verdict == VERDICT_MEMORY,
    };
    char line[512], head[96];
    if (!explain_scaling_split(&s, line, sizeof line)[0])
        return;
    snprintf(head, sizeof head, "  scaling: %s ", many->backend);
    wrap_print(f, lay->width, head, "      ", line);
}

/* A group after all groups ran: its heading, table, scaling and reasons. */
static void print_group(FILE *f, const struct layout *lay, const struct result_set *set,
                        const struct compare_group *g, const struct bench_backend *list)
{
    fputc('\n', f);
    wrap_print(f, lay->width, "", "    ", g->heading);
    long serial = baseline(set, g->recs, g->n, BASELINE_REFERENCE, list, g->backend_of);
    long openmp = baseline(set, g->recs, g->n, BASELINE_THREADS, list, g->backend_of);
    if (lay->verbose || lay->width >= FULL_TABLE_WIDTH)
        print_full_table(f, set, g, serial, openmp);
    else
        print_compact_table(f, set, g, serial);
    print_scaling_split(f, lay, set, g, list);
    print_reasons(f, lay, set, g);
}

/* One kernel and algorithm on every started backend, into *g (printed
 * when all have run, answers first). Returns 0 or the exit code of an input
 * that could not be prepared (which ends the command); run failures go to
 * *worst. */
static int compare_group(struct cli *c, enum offload_kernel k, enum offload_algorithm algo,
                         struct bench_backend *backends, size_t nb, struct result_set *results,
                         struct progress *pg, int *worst, struct compare_group *g)
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
    g->kernel = k;
    g->alg = algo;
    g->n = 0;
    /* A kernel file has no algorithm: its formula says what it is. */
    snprintf(g->heading, sizeof g->heading, "%s (%s), %s: %s", kernel_name(k),
             k == KERNEL_FILE ? kernel_spec_of(k)->formula : algorithm_name(algo), size,
             describe_work(&p.input, work, sizeof work));
    if (ranks_count() > 1) { /* every row of the group ran on the same ranks */
        size_t used = strlen(g->heading);
        snprintf(g->heading + used, sizeof g->heading - used, "; %s", ranks_phrase());
    }
    for (size_t i = 0; i < nb; i++) {
        if (backends[i].status != OFFLOAD_OK)
            continue;
        char what[160];
        snprintf(what, sizeof what, "%s %s on %s%s%s", kernel_name(k), algorithm_name(algo),
                 backends[i].label, backends[i].has_memory ? " " : "",
                 backends[i].has_memory ? memory_mode_name(backends[i].memory) : "");
        c->progress_label = progress_step(pg, what, 1);
        g->backend_of[g->n] = i;
        g->recs[g->n++] =
            run_and_record(c, "compare", &backends[i], &p, c->percent[0], results, worst);
    }
    c->progress_label = NULL;
    progress_clear(pg);
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

/* Without --threads, each threaded backend also runs on 1 thread, right
 * before itself, so what threads gave is told apart from what the code gave. */
static void add_one_thread_runs(const struct cli *c, struct bench_backend *list, size_t *n)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (c->given[OPT_THREADS] || cores < 2)
        return;
    for (size_t i = 0; i < *n && *n < MAX_BENCH_BACKENDS; i++) {
        if (!list[i].ops->caps.threads || list[i].threads == 1)
            continue;
        char label[sizeof list[i].label];
        snprintf(label, sizeof label, "%.56s/1t", list[i].label);
        memmove(&list[i + 1], &list[i], (*n - i) * sizeof *list);
        list[i].threads = 1;
        memcpy(list[i].label, label, sizeof label);
        (*n)++;
        i++;
    }
}

/* The kernels compare runs: those named (or every built-in one), or one
 * kernel file alone; OFFLOAD_ERR_USAGE when the names are wrong (said). */
static enum offload_status compare_kernels(const struct cli *c, enum offload_kernel *kernels,
                                           size_t *nkernels)
{
    char names[KERNEL_NAME_LIST_MAX];
    *nkernels = 0;
    if (c->npositional == 0)
        for (int k = 0; k < KERNEL_BUILTIN_COUNT; k++)
            kernels[(*nkernels)++] = (enum offload_kernel)k;
    const int from_file = c->npositional == 1 && is_kernel_file(c->positional[0]);
    if (from_file)
        kernels[(*nkernels)++] = KERNEL_FILE;
    else if (file_options_unused(c, c->npositional ? c->positional[0] : "kernels") != OFFLOAD_OK)
        return OFFLOAD_ERR_USAGE;
    for (size_t i = 0; i < c->npositional && !from_file; i++) {
        if (is_kernel_file(c->positional[i]))
            return usage_error("compare takes one kernel file alone: %s", c->positional[i]);
        if (*nkernels == KERNEL_COUNT)
            return usage_error("too many kernels: name each of %s once",
                               kernel_name_list(names, sizeof names));
        if (kernel_from_name(c->positional[i], &kernels[*nkernels]) != OFFLOAD_OK)
            return unknown_kernel_error(c->positional[i]);
        (*nkernels)++;
    }
    return OFFLOAD_OK;
}

/* What the times mean and what every result was checked against. */
static void print_footer(const struct cli *c, const struct layout *lay, int from_file, int worst)
{
    char footer[600];
    snprintf(footer, sizeof footer,
             "Times are the best of the timed runs after a warm-up; end-to-end adds the "
             "copies to and from the device. Speedups compare end-to-end times on the same "
             "input; 'ceiling' is the share of the limit named in the verdict, measured by "
             "offload calibrate. Every result was checked against %s%s%s",
             from_file ? (c->given[OPT_CHECK] ? "the reference kernel (--check)"
                                              : "the first CPU device's output")
                       : "the serial reference",
             worst ? "; the runs marked FAILED gave a wrong result or an error and have no "
                     "times."
                   : ".",
             lay->verbose || lay->width >= FULL_TABLE_WIDTH
                 ? ""
                 : " -v (or a terminal of 131 columns) shows every phase and rate.");
    fputc('\n', c->human);
    wrap_print(c->human, lay->width, "", "", footer);
}

int command_compare(struct cli *c)
{
    enum offload_kernel kernels[KERNEL_COUNT];
    size_t nkernels = 0;
    if (compare_kernels(c, kernels, &nkernels) != OFFLOAD_OK)
        return OFFLOAD_ERR_USAGE;
    const int from_file = nkernels == 1 && kernels[0] == KERNEL_FILE;
    struct bench_backend backends[MAX_BENCH_BACKENDS];
    size_t nb = 0;
    int worst = build_backend_list(c, 1, backends, &nb);
    if (!worst && from_file)
        worst = file_lineup_filter(c, backends, &nb);
    if (worst)
        return worst;
    add_one_thread_runs(c, backends, &nb);
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
    struct compare_group group[2 * KERNEL_COUNT];
    size_t ngroups = 0;
    int rc = 0;
    for (size_t ki = 0; ki < nkernels && !rc; ki++) {
        int algs = algorithms_of(kernels[ki], run_naive, run_fast);
        for (int a = 0; a < 2 && !rc; a++)
            if (algs & (1 << a)) {
                rc = compare_group(c, kernels[ki], a == 0 ? ALG_NAIVE : ALG_FAST, backends, nb,
                                   &results, &pg, &worst, &group[ngroups]);
                ngroups += rc == 0;
            }
    }
    worst = rc > worst ? rc : worst;
    struct layout lay = {text_width(), c->given[OPT_VERBOSE]};
    /* Answers first, then each group's table and reasons. */
    fprintf(c->human, "\nanswers (fastest end to end; the verdict in a few words):\n");
    for (size_t gi = 0; gi < ngroups; gi++)
        print_answer(c->human, &lay, &results, &group[gi], backends);
    for (size_t gi = 0; gi < ngroups; gi++)
        print_group(c->human, &lay, &results, &group[gi], backends);
    if (!rc)
        print_footer(c, &lay, from_file, worst);
    print_one_rank_cost(c->human, lay.width, &results);
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
