/* offload sweep: one kernel over a range of sizes on every backend, the
 * scaling exponent of each and the size from which a device backend beats
 * the threaded host. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "lineup.h"
#include "wrap.h"
#include "ranks.h"
#include "parse.h"
#include "progress.h"
#include "stats.h"
#include "units.h"

#define MAX_SWEEP_SIZES 32

/* The points of a sweep: sizes for INPUT_VALUES kernels, percentages of the
 * table for INPUT_GENOTYPES kernels. */
struct sweep_points {
    size_t count;
    uint64_t sizes[MAX_SWEEP_SIZES];
    double percents[MAX_LIST];
    uint64_t locals[MAX_SWEEP_SIZES]; /* a kernel file's --local sweep; 0: the driver's */
    int by_local;                     /* the points are work-group sizes at one N */
};

/* A kernel file's sizes when --sizes is not given. */
#define FILE_SWEEP_SIZES "64k:16M:x4"

/* Results of a sweep: recs[point][backend] is a record index or -1. */
struct sweep_results {
    struct result_set set;
    long recs[MAX_SWEEP_SIZES][MAX_BENCH_BACKENDS];
    double xs[MAX_SWEEP_SIZES]; /* size of each point: N or markers */
    size_t done;                /* points that ran */
};

/* --sizes: FROM:TO:xF, FROM:TO:+S or a comma list. */
static enum offload_status parse_sizes(const char *spec, uint64_t *sizes, size_t *n)
{
    char err[256];
    const uint64_t max = UINT64_C(1) << 40;
    *n = 0;
    if (!strchr(spec, ':')) {
        if (parse_count_list(spec, 1, max, sizes, MAX_SWEEP_SIZES, n, err, sizeof err))
            return usage_error("--sizes: %s", err);
        return OFFLOAD_OK;
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
    return OFFLOAD_OK;
}

/* The points to run, from --sizes / --percent or the kernel's defaults. */
static enum offload_status choose_points(const struct cli *c, const struct kernel_spec *spec,
                                         struct sweep_points *pts)
{
    char names[KERNEL_NAME_LIST_MAX];
    switch (spec->input) {
    case INPUT_GENOTYPES: {
        if (c->given[OPT_SIZES])
            return usage_error("%s sweeps over --percent, not --sizes", spec->name);
        static const double default_percents[] = {5, 25, 50, 100};
        if (c->given[OPT_PERCENT]) {
            memcpy(pts->percents, c->percent, c->npercent * sizeof *pts->percents);
            pts->count = c->npercent;
        } else {
            memcpy(pts->percents, default_percents, sizeof default_percents);
            pts->count = 4;
        }
        return OFFLOAD_OK;
    }
    case INPUT_FILE: /* choose_file_points() picks a kernel file's points */
        return OFFLOAD_ERR_USAGE;
    case INPUT_VALUES: {
        if (c->given[OPT_PERCENT] || c->given[OPT_DATA])
            return usage_error("--percent and --data apply to %s only",
                               kernel_names_reading(INPUT_GENOTYPES, names, sizeof names));
        enum offload_status st = parse_sizes(
            c->value[OPT_SIZES] ? c->value[OPT_SIZES] : spec->sweep_sizes, pts->sizes, &pts->count);
        /* Every size is checked before the first runs: a sweep never writes
         * part of its points and then refuses one. */
        for (size_t i = 0; st == OFFLOAD_OK && i < pts->count; i++)
            st = values_fit(pts->sizes[i]);
        return st;
    }
    }
    return OFFLOAD_ERR_USAGE;
}

/* A kernel file's points: --sizes, or with --local LIST the work-group
 * sizes at one N (--sizes with one size, else the default N). */
static enum offload_status choose_file_points(const struct cli *c, struct sweep_points *pts)
{
    if (c->given[OPT_PERCENT] || c->given[OPT_DATA] || c->given[OPT_ALGORITHM])
        return usage_error("--percent, --data and --algorithm apply to the built-in kernels");
    if (!c->value[OPT_LOCAL])
        return parse_sizes(c->value[OPT_SIZES] ? c->value[OPT_SIZES] : FILE_SWEEP_SIZES,
                           pts->sizes, &pts->count);
    char err[256];
    size_t n = 0;
    if (parse_count_list(c->value[OPT_LOCAL], 1, 1u << 20, pts->locals, MAX_SWEEP_SIZES, &n, err,
                         sizeof err) != OFFLOAD_OK)
        return usage_error("--local: %s", err);
    uint64_t size = FILE_DEFAULT_N;
    if (c->value[OPT_SIZES]) {
        uint64_t sizes[MAX_SWEEP_SIZES];
        size_t ns = 0;
        enum offload_status st = parse_sizes(c->value[OPT_SIZES], sizes, &ns);
        if (st != OFFLOAD_OK)
            return st;
        if (ns != 1)
            return usage_error("sweep --local runs at one size: give --sizes N with one N");
        size = sizes[0];
    }
    for (size_t i = 0; i < n; i++)
        pts->sizes[i] = size;
    pts->count = n;
    pts->by_local = 1;
    return OFFLOAD_OK;
}

/* One point's input: a built-in kernel's, or a kernel file bound on the
 * first started backend. */
static enum offload_status prepare_point(struct cli *c, enum offload_kernel k,
                                         const struct sweep_points *pts, size_t pi, int by_percent,
                                         struct bench_backend *backends, size_t nb,
                                         struct file_kernel *fk, struct prepared_input *p)
{
    if (k != KERNEL_FILE)
        return prepare_input(c, k, algorithm_option(c), by_percent ? 0 : pts->sizes[pi],
                             by_percent ? pts->percents[pi] : 100, p);
    char local[32];
    snprintf(local, sizeof local, "%llu", (unsigned long long)pts->locals[pi]);
    /* Each point has its own sizes; its outputs are its own too. */
    file_kernel_free(fk);
    return file_prepare_lineup(c, backends, nb, pts->sizes[pi], pts->by_local ? local : NULL, fk,
                               p);
}

/* Runs every point on every started backend; stops at the first input that
 * cannot be prepared. Returns the worst exit code. */
static int run_points(struct cli *c, enum offload_kernel k, const struct sweep_points *pts,
                      struct bench_backend *backends, size_t nb, struct sweep_results *out)
{
    const int by_percent = k != KERNEL_FILE && kernel_spec_of(k)->input == INPUT_GENOTYPES;
    struct file_kernel *fk = k == KERNEL_FILE ? calloc(1, sizeof *fk) : NULL;
    if (k == KERNEL_FILE && !fk)
        return OFFLOAD_ERR_RUN;
    enum offload_algorithm alg = algorithm_option(c);
    int worst = 0;
    /* Each point's share of the work grows with its size. */
    double all = 0;
    for (size_t pi = 0; pi < pts->count; pi++)
        all += by_percent ? pts->percents[pi] : (double)pts->sizes[pi];
    struct progress pg;
    size_t ready = backends_ready(backends, nb);
    progress_begin(&pg, pts->count * ready, all * (double)ready);
    for (size_t pi = 0; pi < pts->count; pi++) {
        struct prepared_input p;
        memset(&p, 0, sizeof p);
        double percent = by_percent ? pts->percents[pi] : 100;
        enum offload_status st =
            ranks_agree(prepare_point(c, k, pts, pi, by_percent, backends, nb, fk, &p));
        if (st != OFFLOAD_OK) {
            prepared_free(&p);
            int rc = offload_exit_code(st);
            worst = rc > worst ? rc : worst;
            break;
        }
        out->xs[pi] = pts->by_local ? (double)pts->locals[pi] : (double)prepared_size(&p);
        double weight = by_percent ? pts->percents[pi] : (double)pts->sizes[pi];
        for (size_t i = 0; i < nb; i++) {
            out->recs[pi][i] = -1;
            if (backends[i].status != OFFLOAD_OK)
                continue;
            char what[160];
            snprintf(what, sizeof what, "%s %s, %s = %.0f, on %s", kernel_name(k),
                     algorithm_name(alg), pts->by_local ? "local" : kernel_spec_of(k)->size_name,
                     out->xs[pi], backends[i].label);
            c->progress_label = progress_step(&pg, what, weight);
            out->recs[pi][i] =
                run_and_record(c, "sweep", &backends[i], &p, percent, &out->set, &worst);
        }
        prepared_free(&p);
        out->done++;
    }
    c->progress_label = NULL;
    progress_clear(&pg);
    if (fk) {
        file_kernel_free(fk);
        free(fk);
    }
    return worst;
}

/* The table: best end-to-end time per point and backend. */
static void print_sweep_table(FILE *f, enum offload_kernel k, enum offload_algorithm alg,
                              const struct bench_backend *backends, size_t nb,
                              const struct sweep_results *r, int by_local)
{
    if (r->done == 0)
        return;
    const char *size_name = by_local ? "local" : kernel_spec_of(k)->size_name;
    fprintf(f, "\n%s (%s): best end-to-end time per %s\n", kernel_name(k), algorithm_name(alg),
            size_name);
    fprintf(f, "%12s", size_name);
    for (size_t i = 0; i < nb; i++) {
        char label[80];
        snprintf(label, sizeof label, "%s%s%s", backends[i].label,
                 backends[i].has_memory ? "/" : "",
                 backends[i].has_memory ? memory_mode_name(backends[i].memory) : "");
        if (backends[i].status == OFFLOAD_OK)
            fprintf(f, " %16s", label);
    }
    fputc('\n', f);
    for (size_t pi = 0; pi < r->done; pi++) {
        fprintf(f, "%12.0f", r->xs[pi]);
        for (size_t i = 0; i < nb; i++) {
            char t[32];
            if (backends[i].status != OFFLOAD_OK)
                continue;
            fprintf(f, " %16s",
                    r->recs[pi][i] >= 0
                        ? format_seconds(record_total(&r->set.items[r->recs[pi][i]]), t, sizeof t)
                        : "FAILED");
        }
        fputc('\n', f);
    }
}

/* Smallest point from which backend i is faster than backend base at every
 * larger point; -1 if none. */
static long break_even_point(const struct sweep_results *r, size_t i, size_t base)
{
    long from = -1;
    for (long pi = (long)r->done - 1; pi >= 0; pi--) {
        long o = r->recs[pi][i], m = r->recs[pi][base];
        if (o < 0 || m < 0 || record_total(&r->set.items[o]) >= record_total(&r->set.items[m]))
            break;
        from = pi;
    }
    return from;
}

/* Scaling exponents and where a device backend starts to beat the threaded
 * host backend. */
/* One backend's conclusion: its scaling exponents and, for a device backend
 * with a threaded host backend beside it, the break-even size. */
static struct sweep_conclusion conclude(const struct bench_backend *backends, size_t i,
                                        long threaded, const struct sweep_results *r)
{
    struct sweep_conclusion k = {.exponent_total = NAN, .exponent_kernel = NAN};
    snprintf(k.backend, sizeof k.backend, "%s", backends[i].label);
    double y_total[MAX_SWEEP_SIZES], y_kernel[MAX_SWEEP_SIZES], x[MAX_SWEEP_SIZES];
    double hi_total[MAX_SWEEP_SIZES], hi_kernel[MAX_SWEEP_SIZES];
    size_t m = 0;
    for (size_t pi = 0; pi < r->done; pi++) {
        if (r->recs[pi][i] < 0)
            continue;
        const struct result_record *rec = &r->set.items[r->recs[pi][i]];
        x[m] = r->xs[pi];
        y_total[m] = record_total(rec);
        hi_total[m] = rec->run->stats[PHASE_TOTAL].median;
        hi_kernel[m] = rec->run->stats[PHASE_KERNEL].median;
        k.busy |= rec->run->load.busy;
        y_kernel[m++] = rec->run->stats[PHASE_KERNEL].min;
    }
    k.fit_total = stats_scaling_fit(x, y_total, hi_total, m);
    k.fit_kernel = stats_scaling_fit(x, y_kernel, hi_kernel, m);
    /* Only a measurable fit on a quiet machine is exported as a number. */
    if (!k.busy && k.fit_total.measurable)
        k.exponent_total = k.fit_total.exponent;
    if (!k.busy && k.fit_kernel.measurable)
        k.exponent_kernel = k.fit_kernel.exponent;
    if (backends[i].ops->caps.device_selectors && threaded >= 0) {
        snprintf(k.versus, sizeof k.versus, "%s", backends[threaded].label);
        long from = break_even_point(r, i, (size_t)threaded);
        k.break_even = from >= 0 ? r->xs[from] : 0;
    }
    return k;
}

/* "321 and 643": the sizes at which backend i beats base end to end;
 * how many there are. */
static size_t sizes_won(const struct sweep_results *r, size_t i, size_t base, char *buf, size_t cap)
{
    size_t won = 0, used = 0;
    buf[0] = 0;
    for (size_t pi = 0; pi < r->done; pi++) {
        long o = r->recs[pi][i], m = r->recs[pi][base];
        if (o < 0 || m < 0 || record_total(&r->set.items[o]) >= record_total(&r->set.items[m]))
            continue;
        won++;
        if (used < cap) {
            int w = snprintf(buf + used, cap - used, "%s%.0f", won > 1 ? ", " : "", r->xs[pi]);
            used += w > 0 ? (size_t)w : 0;
        }
    }
    return won;
}

/* Scaling exponents and where a device backend starts to beat the threaded
 * host backend: printed, and kept with the results for the exports. */
static void conclude_scaling(FILE *f, enum offload_kernel k, const struct bench_backend *backends,
                             size_t nb, struct sweep_results *r)
{
    const char *size_name = kernel_spec_of(k)->size_name;
    long threaded = -1;
    for (size_t i = 0; i < nb; i++)
        if (backends[i].status == OFFLOAD_OK && backends[i].ops->caps.threads)
            threaded = (long)i;
    for (size_t i = 0; i < nb && r->set.nconclusions < MAX_CONCLUSIONS; i++) {
        if (backends[i].status != OFFLOAD_OK)
            continue;
        struct sweep_conclusion c = conclude(backends, i, threaded, r);
        r->set.conclusions[r->set.nconclusions++] = c;
        char total[192], kernel[192];
        fprintf(f, "%-24s end to end: %s\n", c.backend,
                describe_scaling(&c.fit_total, c.busy, size_name, total, sizeof total));
        fprintf(f, "%-24s kernel: %s\n", "",
                describe_scaling(&c.fit_kernel, c.busy, size_name, kernel, sizeof kernel));
        if (!c.versus[0])
            continue;
        if (c.break_even > 0)
            fprintf(f, "%-24s beats %s end to end from %s = %.0f on\n", "", c.versus, size_name,
                    c.break_even);
        else {
            char won[256];
            size_t n = sizes_won(r, i, (size_t)threaded, won, sizeof won);
            if (n)
                fprintf(f, "%-24s beats %s end to end only at %s = %s, not at the largest size\n",
                        "", c.versus, size_name, won);
            else
                fprintf(f, "%-24s never beats %s end to end in this range\n", "", c.versus);
        }
    }
}

int command_sweep(struct cli *c)
{
    if (c->npositional != 1)
        return kernel_needed_error("sweep");
    enum offload_kernel k = KERNEL_FILE;
    const int from_file = is_kernel_file(c->positional[0]);
    struct sweep_points pts = {0};
    enum offload_status st;
    if (from_file) {
        st = choose_file_points(c, &pts);
    } else {
        if (kernel_from_name(c->positional[0], &k) != OFFLOAD_OK)
            return unknown_kernel_error(c->positional[0]);
        const struct kernel_spec *spec = kernel_spec_of(k);
        if (!spec->has_fast && algorithm_option(c) == ALG_FAST)
            return usage_error("%s has no fast algorithm: %s", spec->name, spec->fast_order);
        st = file_options_unused(c, spec->name);
        if (st == OFFLOAD_OK)
            st = choose_points(c, spec, &pts);
    }
    if (st != OFFLOAD_OK)
        return offload_exit_code(st);
    struct bench_backend backends[MAX_BENCH_BACKENDS];
    size_t nb = 0;
    st = build_backend_list(c, 0, backends, &nb);
    if (st == OFFLOAD_OK && from_file)
        st = file_lineup_filter(c, backends, &nb);
    if (st != OFFLOAD_OK)
        return offload_exit_code(st);
    int worst = init_backends(c, backends, nb);
    if (!any_backend_ready(backends, nb))
        return worst ? worst : OFFLOAD_ERR_RUN;
    struct sweep_results results = {.set = {.argc = c->argc, .argv = c->argv}};
    int rc = run_points(c, k, &pts, backends, nb, &results);
    worst = rc > worst ? rc : worst;
    fini_backends(backends, nb);
    print_sweep_table(c->human, k, algorithm_option(c), backends, nb, &results, pts.by_local);
    /* Exponents and break-even are about size, not work-groups. */
    if (!pts.by_local && results.done)
        conclude_scaling(c->human, k, backends, nb, &results);
    print_one_rank_cost(c->human, text_width(), &results.set);
    if (results.set.count) {
        rc = offload_exit_code(emit_results(c, &results.set));
        worst = worst ? worst : rc;
    }
    result_set_free(&results.set);
    return partial_exit(worst, backends_unavailable(backends, nb), backends_ready(backends, nb));
}
