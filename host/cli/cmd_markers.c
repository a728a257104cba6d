/* offload markers: upstream minimalmarkers' greedy selection of the fewest
 * markers that tell every pair of varieties apart, on a chosen backend,
 * checked against the serial selection, with the time of each phase. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "fileio.h"
#include "markers.h"
#include "markers_report.h"
#include "ranks.h"
#include "message.h"
#include "parse.h"
#include "timing.h"
#include "units.h"

struct markers_progress {
    FILE *table;   /* upstream's iteration table goes here */
    int terminal;  /* stderr is a terminal: show pairs left */
    const struct markers_output *out;
    char *pattern; /* cols + 1 */
};

/* One row of upstream's table per pick, as it is found. */
static void show_pick(void *ctx, size_t iteration, const struct marker_pick *pick,
                      int64_t remaining)
{
    struct markers_progress *pr = ctx;
    const struct markers_output *o = pr->out;
    if (pr->terminal)
        fputs("\r\033[K", stderr);
    markers_pattern_string(o, pick->pattern, pr->pattern);
    /* The results are not known yet while picks come in: perfect only. */
    double perfect = (double)o->m->cols * ((double)o->m->cols - 1) / 2;
    fprintf(pr->table, "%zu\t%lld\t%.4f%%\t%s\t%s\n", iteration, (long long)pick->cumulative,
            perfect > 0 ? 100.0 * (double)pick->cumulative / perfect : 0.0,
            o->m->row_ids[o->pat->row[pick->pattern]], pr->pattern);
    fflush(pr->table);
    if (pr->terminal) {
        fprintf(stderr, "markers: iteration %zu, %lld pairs left", iteration, (long long)remaining);
        fflush(stderr);
    }
}

/* Mean time per launch under which a device's iterations are launch-bound:
 * a few launch latencies of PoCL on this CPU (about 10 us each). */
#define LAUNCH_BOUND_S 50e-6

static enum offload_status parse_rate(const struct cli *c, enum option_id id, const char *name,
                                      double *out)
{
    char err[256];
    if (c->value[id] && parse_double(c->value[id], 0.0, 1.0, 0, out, err, sizeof err))
        return usage_error("--%s: %s", name, err);
    return OFFLOAD_OK;
}

static int ends_with_vcf(const char *path)
{
    size_t n = strlen(path);
    return (n >= 4 && strcmp(path + n - 4, ".vcf") == 0) ||
           (n >= 7 && strcmp(path + n - 7, ".vcf.gz") == 0);
}

static int write_output(const char *dest, file_writer_fn writer, void *ctx)
{
    char err[PATH_MAX + 256];
    enum offload_status st = write_file_atomic(dest, writer, ctx, err, sizeof err);
    if (st != OFFLOAD_OK) {
        offload_error("%s\n", err);
        return offload_exit_code(st);
    }
    return 0;
}

/* Where the time went, and what more threads could give (Amdahl). */
static void show_phases(FILE *h, const char *engine, double load_s, const struct markers_times *t,
                        size_t npicks, double total_s)
{
    double iterations = t->rescore + t->order + t->remove + t->device_remove;
    fprintf(h, "\nTime per phase (%s):\n", engine);
    fprintf(h, "  load            %10.3f ms\n", load_s * 1e3);
    fprintf(h, "  filter          %10.3f ms  (call rate, MAF, order, duplicates, packing)\n",
            t->filter * 1e3);
    fprintf(h, "  best possible   %10.3f ms\n", t->best_possible * 1e3);
    fprintf(h, "  first scores    %10.3f ms\n", t->first_score * 1e3);
    fprintf(h,
            "  iterations      %10.3f ms  (%zu picks: rescore %.3f ms, %zu scores computed where "
            "upstream computes %zu; order %.3f ms; remove pairs %.3f ms)\n",
            iterations * 1e3, npicks, t->rescore * 1e3, t->scored, t->rescored, t->order * 1e3,
            (t->remove + t->device_remove) * 1e3);
    if (t->launches)
        fprintf(h,
                "  on the device   copies in %.3f ms, kernels %.3f ms, copies out %.3f ms, "
                "compaction %.3f ms (%zu launches)\n",
                t->device_in * 1e3, t->device_kernel * 1e3, t->device_out * 1e3,
                t->device_remove * 1e3, t->launches);
    if (t->reduce > 0)
        fprintf(h, "  reduce          %10.3f ms  (every rank's scores gathered by every rank, %s)\n",
                t->reduce * 1e3, ranks_phrase());
    fprintf(h, "  whole selection %10.3f ms\n", total_s * 1e3);
    /* The rescoring is what a backend parallelises; the rest stays serial. */
    double whole = load_s + t->filter + t->best_possible + t->first_score + iterations;
    if (whole > 0) {
        double p = t->rescore / whole;
        fprintf(h,
                "Amdahl: rescoring is %.1f%% of the run, so infinitely many threads could make "
                "the whole run at most %.2fx faster; %s\n",
                100 * p, p < 1 ? 1 / (1 - p) : 0.0,
                p < 0.5 ? "the serial parts (load, filter, order, bookkeeping) decide the time"
                        : "the rescoring decides the time: more threads or a device pay off");
    }
}

/* A device run's time per iteration is bound by what takes most of it. */
static const char *strategy_bound(const struct markers_times *t)
{
    double total = t->rescore + t->device_remove;
    double copies = t->device_in + t->device_out;
    double per_launch = t->launches ? (t->device_kernel + t->device_remove) / (double)t->launches
                                    : 0.0;
    if (total > 0 && copies > 0.5 * total)
        return "transfer-bound";
    if (per_launch < LAUNCH_BOUND_S)
        return "launch-bound";
    return "compute-bound";
}

/* Copy the pairs every iteration, or keep them resident: side by side. */
static void show_strategies(FILE *h, const struct markers_times *copy,
                            const struct markers_times *resident, size_t iterations)
{
    const struct markers_times *t[2] = {copy, resident};
    const char *name[2] = {"copy", "resident"};
    fprintf(h, "\nPairs on the device, summed over %zu rescores:\n", iterations);
    fprintf(h, "  %-9s %11s %11s %11s %11s %11s %9s  %s\n", "strategy", "copies in", "kernels",
            "copies out", "compaction", "total", "launches", "bound");
    for (int i = 0; i < 2; i++)
        fprintf(h, "  %-9s %8.3f ms %8.3f ms %8.3f ms %8.3f ms %8.3f ms %9zu  %s\n", name[i],
                t[i]->device_in * 1e3, t[i]->device_kernel * 1e3, t[i]->device_out * 1e3,
                t[i]->device_remove * 1e3, (t[i]->rescore + t[i]->device_remove) * 1e3,
                t[i]->launches, strategy_bound(t[i]));
    double copy_total = copy->rescore, resident_total = resident->rescore + resident->device_remove;
    int resident_wins = resident_total < copy_total;
    double copies = copy->device_in, compaction = resident->device_remove;
    fprintf(h,
            "Verdict: %s wins (%.3f ms against %.3f ms). What differs: copying the pairs before "
            "each rescore took %.3f ms in all, compacting them on the device after each pick "
            "%.3f ms (a launch and a 4-byte read each); the kernels took %.3f ms (copy) and "
            "%.3f ms (resident). %s\n",
            resident_wins ? "resident" : "copy",
            (resident_wins ? resident_total : copy_total) * 1e3,
            (resident_wins ? copy_total : resident_total) * 1e3, copies * 1e3, compaction * 1e3,
            copy->device_kernel * 1e3, resident->device_kernel * 1e3,
            copies > compaction
                ? "The copies cost more than the launches: moving the list is transfer-bound."
                : "The launches cost more than the copies: a list that shrinks this fast is "
                  "cheap to move, and a kernel launch per pick is launch-bound.");
}

/* One selection on one engine; the table goes out as picks come in. */
static enum offload_status run_selection(const struct marker_patterns *pat,
                                         const struct markers_options *mo,
                                         const struct markers_engine *engine,
                                         struct markers_progress *pr, double filter_s,
                                         struct markers_result *res, double *select_s)
{
    double t0 = offload_now();
    enum offload_status st = markers_select(pat, mo, engine, pr ? show_pick : NULL, pr, res);
    *select_s = offload_now() - t0;
    res->times.filter = filter_s;
    if (pr && pr->terminal)
        fputs("\r\033[K", stderr);
    return st;
}

static enum offload_status parse_pairs_modes(const struct cli *c, int device,
                                             enum markers_pairs_mode *modes, size_t *n)
{
    const char *v = c->value[OPT_PAIRS];
    *n = 1;
    modes[0] = PAIRS_RESIDENT;
    if (!v || strcmp(v, "both") == 0) {
        if (device) {
            modes[0] = PAIRS_COPY;
            modes[1] = PAIRS_RESIDENT;
            *n = 2;
        }
    } else if (strcmp(v, "copy") == 0)
        modes[0] = PAIRS_COPY;
    else if (strcmp(v, "resident") != 0)
        return usage_error("--pairs: use copy, resident or both");
    if (c->value[OPT_PAIRS] && !device)
        return usage_error("--pairs is for devices (opencl); host backends keep the pairs in "
                           "host memory");
    return OFFLOAD_OK;
}

/* Across ranks each rank reads and parses its own rows and keeps them
 * (ranks_markers_prepare spreads the patterns); only the ids are put
 * together on every rank (*ids), for the output and the repeated-id check.
 * share gets what each rank held while it read. */
static enum offload_status load_table(const char *path, struct genotype_matrix *m,
                                      struct table_share *share, char ***ids)
{
    char err[PATH_MAX + 512];
    struct genotype_load_options lo = genotype_default_options();
    enum offload_status st = ranks_load_genotype(path, &lo, m, err, sizeof err);
    if (st != OFFLOAD_OK) {
        if (err[0])
            offload_error("%s\n", err);
        return st;
    }
    ranks_table_share(m, share);
    if ((st = ranks_join_ids(m, path, lo.warnings, ids)) != OFFLOAD_OK)
        genotype_free(m);
    return st;
}

/* The table's size and, across ranks, the memory each rank held. */
static void show_table(FILE *h, const char *path, const struct genotype_matrix *m,
                       const struct table_share *share)
{
    fprintf(h, "Loaded '%s': %zu patterns for %zu varieties.\n", path, genotype_table_rows(m),
            m->cols);
    if (share->ranks < 2)
        return;
    char largest[32], total[32];
    fprintf(h, "Table: %zu patterns read over %d ranks, largest share %zu, %s per rank (%s in all).\n",
            share->rows, share->ranks, share->largest_rows,
            format_bytes((double)share->largest_bytes, largest, sizeof largest),
            format_bytes((double)share->total_bytes, total, sizeof total));
}

/* What each rank holds through the selection: its patterns' calls and bit
 * planes (one process: the whole table's calls and every plane). */
static void show_held(FILE *h, const struct genotype_matrix *m, const struct marker_patterns *pat,
                      const struct ranks_markers *rm, struct table_share *share)
{
    if (share->ranks < 2) {
        share->held_patterns = pat->count;
        share->held_bytes = share->held_total_bytes =
            m->rows * m->cols + pat->varieties * 3 * pat->words * sizeof *pat->planes;
        return;
    }
    share->held_patterns = rm->held_patterns;
    share->held_bytes = rm->held_bytes;
    share->held_total_bytes = rm->held_total_bytes;
    char largest[32], total[32];
    fprintf(h,
            "Through the selection each rank holds only its patterns: largest share %zu of %zu, "
            "%s per rank (calls and bit planes; %s in all); every rank keeps every row's id.\n",
            rm->held_patterns, rm->pat.total,
            format_bytes((double)rm->held_bytes, largest, sizeof largest),
            format_bytes((double)rm->held_total_bytes, total, sizeof total));
}

/* What the command line asks of markers, checked before anything is read. */
struct markers_job {
    struct markers_options mo;
    const struct backend_ops *ops;
    const char *selector;
    enum markers_pairs_mode modes[2];
    size_t nmodes;
    const char *path;
    char path_buf[PATH_MAX + 64];
};

static enum offload_status markers_arguments(struct cli *c, struct markers_job *j)
{
    if (c->npositional > 1)
        return usage_error("markers takes at most one file, got '%s' and '%s'", c->positional[0],
                           c->positional[1]);
    if (c->npositional == 1)
        c->value[OPT_DATA] = c->positional[0];
    j->mo = markers_default_options();
    if (parse_rate(c, OPT_MIN_CALL_RATE, "min-call-rate", &j->mo.min_call_rate) ||
        parse_rate(c, OPT_MIN_MAF, "min-maf", &j->mo.min_maf))
        return OFFLOAD_ERR_USAGE;
    j->ops = parse_backend_spec(c->value[OPT_BACKEND] ? c->value[OPT_BACKEND] : "openmp",
                                &j->selector);
    if (!j->ops)
        return OFFLOAD_ERR_USAGE;
    if (!j->ops->markers_engine)
        return usage_error("--backend: markers does not run on %s", j->ops->name);
    if (ranks_count() > 1 && j->ops->caps.device_selectors)
        return ranks_me() != 0 ? OFFLOAD_ERR_USAGE
                               : usage_error("markers across MPI ranks runs on the host "
                                             "(--backend openmp), not yet on %s",
                                             j->ops->name);
    if (parse_pairs_modes(c, j->ops->caps.device_selectors, j->modes, &j->nmodes) != OFFLOAD_OK)
        return OFFLOAD_ERR_USAGE;
    j->path = genotype_path(c, j->path_buf, sizeof j->path_buf);
    if (ends_with_vcf(j->path))
        return usage_error("'%s' looks like a VCF file: markers reads genotype tables (a header "
                           "'code,<varieties>', one marker per line, calls 0/1/2 or A/AB/B); "
                           "convert it first, e.g. with upstream's --vcf conversion",
                           j->path);
    /* --with-headers is an output too: never the table, nor --output's file. */
    char err[PATH_MAX + 512];
    const char *headers = c->value[OPT_WITH_HEADERS];
    const char *inputs[2] = {j->path, c->value[OPT_OUTPUT]};
    if (headers && c->value[OPT_OUTPUT] && strcmp(headers, c->value[OPT_OUTPUT]) == 0)
        return usage_error("--with-headers and --output both name %s: give two files", headers);
    if (headers && output_path_check(headers, inputs, 2, err, sizeof err) != OFFLOAD_OK)
        return usage_error("--with-headers: %s", err);
    return OFFLOAD_OK;
}

/* The table's patterns after upstream's filters and merges, with
 * upstream's two lines about them: on one process in pat, across ranks
 * spread over them in rm (which takes ids; every rank agrees on the
 * outcome). *shown is the one used. */
static enum offload_status markers_patterns(FILE *h, struct genotype_matrix *m,
                                            const struct markers_options *mo, char **ids,
                                            struct ranks_markers *rm, struct marker_patterns *pat,
                                            const struct marker_patterns **shown, double *filter_s)
{
    char err[PATH_MAX + 512];
    double t0 = offload_now();
    enum offload_status st;
    *shown = pat;
    if (ranks_count() > 1) {
        st = ranks_markers_prepare(m, mo, ids, rm, err, sizeof err);
        *shown = &rm->pat;
    } else
        st = markers_prepare(m, mo, pat, err, sizeof err);
    *filter_s = offload_now() - t0;
    if (st != OFFLOAD_OK) {
        if (err[0])
            offload_error("markers: %s\n", err);
        return st;
    }
    fprintf(h,
            "Number of eliminated patterns (by min_call_rate, min_maf or requiring more than one "
            "allele) is %zu.\n",
            (*shown)->eliminated);
    fprintf(h,
            "Loaded marker data for %zu distinct patterns that have a sufficiently high MAF and "
            "call rate to be worth including.\n",
            (*shown)->total);
    return OFFLOAD_OK;
}

/* Upstream's heading: the best possible score and the table's columns. */
static void show_heading(FILE *h, const struct genotype_matrix *m, const struct marker_patterns *pat,
                         struct ranks_markers *rm)
{
    double perfect = (double)m->cols * ((double)m->cols - 1) / 2;
    int64_t best = ranks_count() > 1 ? rm->spread.best_possible(rm, pat) : markers_best_possible(pat);
    fprintf(h, "The best possible score is %lld. This would resolve %.4f%% of varieties.\n",
            (long long)best, perfect > 0 ? 100.0 * (double)best / perfect : 0.0);
    fprintf(h, "\n%.0f varietal comparisons of which %lld can be resolved.\n\n", perfect,
            (long long)best);
    fprintf(h, "Iteration\tCumulativeResolved\tProportion\tMarkerID\tPattern\n");
    fflush(h);
}

/* One selection per pair strategy on the started backend (across ranks: the
 * host engine with the patterns shared over the ranks); the first prints
 * upstream's iteration lines as it goes. */
static enum offload_status select_each_strategy(const struct markers_job *j, void *state,
                                                const struct marker_patterns *pat,
                                                struct markers_progress *pr, double filter_s,
                                                int *rank_threads, struct ranks_markers *rm,
                                                struct markers_engine *engine,
                                                struct markers_result *res, double *select_s)
{
    enum offload_status st = OFFLOAD_OK;
    for (size_t i = 0; i < j->nmodes; i++) {
        /* A device compiles its kernels at their first launch (PoCL, per
         * range shape): one untimed selection first keeps that out. */
        if (j->ops->caps.device_selectors) {
            struct markers_result warm;
            if ((st = j->ops->markers_engine(state, j->modes[i], &engine[i])) == OFFLOAD_OK)
                st = run_selection(pat, &j->mo, &engine[i], NULL, filter_s, &warm, &select_s[i]);
            markers_result_free(&warm);
            if (st != OFFLOAD_OK)
                return st;
        }
        if (ranks_count() > 1)
            engine[i] = ranks_markers_engine(rank_threads, rm);
        else
            st = j->ops->markers_engine(state, j->modes[i], &engine[i]);
        if (st != OFFLOAD_OK ||
            (st = run_selection(pat, &j->mo, &engine[i], i == 0 ? pr : NULL, filter_s, &res[i],
                                &select_s[i])) != OFFLOAD_OK)
            return st;
    }
    return OFFLOAD_OK;
}

/* --output (or --format to standard output) and --with-headers. */
static int write_markers_files(const struct cli *c, struct markers_output *out)
{
    int rc = 0;
    const char *dest = c->value[OPT_OUTPUT];
    if (c->given[OPT_FORMAT] && !dest)
        dest = "-";
    if (dest) {
        file_writer_fn writer = markers_write_minimal;
        if (c->given[OPT_FORMAT])
            writer = c->format == FORMAT_JSON       ? markers_write_json
                     : c->format == FORMAT_CSV      ? markers_write_csv
                     : c->format == FORMAT_MARKDOWN ? markers_write_markdown
                                                    : markers_write_minimal;
        rc = write_output(dest, writer, out);
    }
    if (!rc && c->value[OPT_WITH_HEADERS])
        rc = write_output(c->value[OPT_WITH_HEADERS], markers_write_with_headers, out);
    return rc;
}

/* Every run is checked against the serial selection; across ranks no rank
 * holds the whole table, so each pick was checked instead (markers_select,
 * with the serial scorer on the pick's calls). */
static enum offload_status check_against_serial(const struct markers_job *j,
                                                const struct marker_patterns *pat,
                                                const struct markers_engine *engine,
                                                const struct markers_result *res,
                                                struct markers_result *ref)
{
    if (ranks_count() > 1)
        return OFFLOAD_OK;
    struct markers_engine serial = markers_engine_serial();
    enum offload_status st = markers_select(pat, &j->mo, &serial, NULL, NULL, ref);
    for (size_t i = 0; st == OFFLOAD_OK && i < j->nmodes; i++)
        if (!markers_same_picks(&res[i], ref)) {
            offload_error("markers: %s picked %zu markers, serial %zu, or other markers or "
                          "scores: the %s result is wrong\n",
                          engine[i].name, res[i].npicks, ref->npicks, engine[i].name);
            st = OFFLOAD_ERR_RUN;
        }
    return st;
}

/* The results: the summary, the pairs left, the files and the phases. */
static int show_results(const struct cli *c, const struct markers_job *j, const char *device,
                        const struct markers_engine *engine, const struct markers_result *res,
                        struct markers_output *out, const double *select_s)
{
    FILE *h = c->human;
    fprintf(h, "\n%zu markers resolve %lld of %lld pairs on %s%s%s%s (%s).\n", res[0].npicks,
            (long long)res[0].picks[res[0].npicks - 1].cumulative, (long long)res[0].perfect,
            device, j->nmodes > 1 ? ", both pair strategies" : "", ranks_count() > 1 ? " " : "",
            ranks_phrase(),
            ranks_count() > 1 ? "each pick checked with the serial scorer"
                              : "checked against serial");
    markers_write_unresolved(h, out);
    out->selection_s = select_s[0];
    int rc = write_markers_files(c, out);
    for (size_t i = 0; i < j->nmodes; i++)
        show_phases(h, engine[i].name, out->load_s, &res[i].times, res[i].npicks, select_s[i]);
    if (j->nmodes == 2)
        show_strategies(h, &res[0].times, &res[1].times, res[0].npicks - 1);
    return rc;
}

int command_markers(struct cli *c)
{
    struct markers_job j;
    if (markers_arguments(c, &j) != OFFLOAD_OK)
        return OFFLOAD_ERR_USAGE;
    const struct backend_ops *ops = j.ops;
    FILE *h = c->human;

    double t_start = offload_now();
    struct genotype_matrix m;
    struct table_share share;
    char **ids = NULL;
    enum offload_status st = load_table(j.path, &m, &share, &ids);
    if (st != OFFLOAD_OK)
        return offload_exit_code(st);
    double load_s = offload_now() - t_start, filter_s = 0;
    show_table(h, j.path, &m, &share);

    struct marker_patterns one;
    struct ranks_markers rm;
    const struct marker_patterns *pat = NULL;
    memset(&one, 0, sizeof one);
    memset(&rm, 0, sizeof rm);
    struct markers_result res[2], ref;
    memset(res, 0, sizeof res);
    memset(&ref, 0, sizeof ref);
    void *state = NULL;
    char *pattern = malloc(m.cols + 1);
    int rc = 1;
    if ((st = markers_patterns(h, &m, &j.mo, ids, &rm, &one, &pat, &filter_s)) != OFFLOAD_OK) {
        rc = offload_exit_code(st);
        goto done;
    }
    show_held(h, &m, pat, &rm, &share);

    struct backend_config cfg = make_config(c, ops, c->threads[0], j.selector, c->memory);
    struct backend_info info;
    memset(&info, 0, sizeof info);
    double select_s[2] = {0, 0};
    /* Across ranks the files read the picks' table, filled as picks come. */
    int spread = ranks_count() > 1;
    struct markers_output out = {spread ? &rm.picked : &m, spread ? &rm.picked_pat : pat, &res[0],
                                 j.path, ops->name, load_s, 0, &share};
    struct markers_progress pr = {h, isatty(STDERR_FILENO), &out, pattern};
    if (!pattern) {
        offload_error("out of memory\n");
        goto done;
    }
    enum offload_status mine = ops->init(&cfg, &state, &info);
    st = ranks_agree(mine);
    if (st != OFFLOAD_OK) {
        if (mine == OFFLOAD_OK)
            ops->fini(state);
        rc = offload_exit_code(st);
        state = NULL;
        goto done;
    }
    show_heading(h, &m, pat, &rm);
    struct markers_engine engine[2];
    int rank_threads = c->threads[0];
    st = select_each_strategy(&j, state, pat, &pr, filter_s, &rank_threads, &rm, engine, res,
                              select_s);
    if (st == OFFLOAD_OK)
        st = check_against_serial(&j, pat, engine, res, &ref);
    if (st != OFFLOAD_OK)
        rc = offload_exit_code(st);
    else
        rc = show_results(c, &j, info.device[0] ? info.device : ops->name, engine, res, &out,
                          select_s);
done:
    if (state)
        ops->fini(state);
    free(pattern);
    markers_result_free(&res[0]);
    markers_result_free(&res[1]);
    markers_result_free(&ref);
    markers_patterns_free(&one);
    ranks_markers_free(&rm);
    genotype_free(&m);
    return rc;
}
