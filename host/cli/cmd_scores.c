/* offload scores: the tutorial's genotype script as one command, with the
 * time of each part of the run and, for several percentages, the scaling. */
#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fileio.h"
#include "markdown.h"
#include "run_text.h"
#include "stats.h"
#include "timing.h"
#include "workload.h"
#include "message.h"

struct scores_output {
    const struct genotype_matrix *m;
    const int64_t *scores;
    const char *path; /* the genotype table */
    double percent;
    /* Set by write_scores: the format's writer, the seconds it took, and
     * the seconds the atomic write added (fsync and rename): the script
     * writes without them, so they stay out of its "output" time. */
    int (*writer)(FILE *, void *);
    double written_s, durability_s;
};

/* The format's writer, timed with its flush. */
static int timed_writer(FILE *f, void *ctx)
{
    struct scores_output *o = ctx;
    double t0 = offload_now();
    int rc = o->writer(f, ctx);
    if (rc == 0 && fflush(f) != 0)
        rc = -1;
    o->written_s = offload_now() - t0;
    return rc;
}

static int write_scores_csv(FILE *f, void *ctx)
{
    const struct scores_output *o = ctx;
    if (fprintf(f, "id,score\n") < 0)
        return -1;
    for (size_t r = 0; r < o->m->rows; r++)
        if (csv_write_field(f, o->m->row_ids[r]) != 0 ||
            fprintf(f, ",%lld\n", (long long)o->scores[r]) < 0)
            return -1;
    return 0;
}

/* The same table as JSON, with where it came from. */
static int write_scores_json(FILE *f, void *ctx)
{
    const struct scores_output *o = ctx;
    cJSON *root = cJSON_CreateObject(), *list = NULL;
    int ok = root && cJSON_AddNumberToObject(root, "schema_version", 1) &&
             cJSON_AddStringToObject(root, "tool_version", OFFLOAD_VERSION) &&
             cJSON_AddStringToObject(root, "file", o->path) &&
             cJSON_AddNumberToObject(root, "percent", o->percent) &&
             (list = cJSON_AddArrayToObject(root, "scores")) != NULL;
    for (size_t r = 0; ok && r < o->m->rows; r++) {
        cJSON *row = cJSON_CreateObject();
        ok = row && cJSON_AddStringToObject(row, "id", o->m->row_ids[r]) &&
             cJSON_AddNumberToObject(row, "score", (double)o->scores[r]) &&
             cJSON_AddItemToArray(list, row);
        if (row && !ok)
            cJSON_Delete(row);
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    ok = text && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    cJSON_free(text);
    cJSON_Delete(root);
    return ok ? 0 : -1;
}

/* Aligned columns for reading: id, then score. */
static int write_scores_table(FILE *f, void *ctx)
{
    const struct scores_output *o = ctx;
    int width = 2;
    for (size_t r = 0; r < o->m->rows; r++) {
        size_t len = strlen(o->m->row_ids[r]);
        width = len > (size_t)width ? (len > 200 ? 200 : (int)len) : width;
    }
    if (fprintf(f, "%-*s %12s\n", width, "id", "score") < 0)
        return -1;
    for (size_t r = 0; r < o->m->rows; r++)
        if (fprintf(f, "%-*s %12lld\n", width, o->m->row_ids[r], (long long)o->scores[r]) < 0)
            return -1;
    return 0;
}

/* The per-marker table as Markdown, to paste into an issue. */
static int write_scores_markdown(FILE *f, void *ctx)
{
    const struct scores_output *o = ctx;
    fprintf(f, "Scores of `");
    markdown_cell(f, o->path);
    fprintf(f, "` (%g%% of the data lines), in file order:\n\n| id | score |\n|---|---:|\n",
            o->percent);
    for (size_t r = 0; r < o->m->rows; r++) {
        fputs("| ", f);
        markdown_cell(f, o->m->row_ids[r]);
        fprintf(f, " | %lld |\n", (long long)o->scores[r]);
    }
    return ferror(f) ? -1 : 0;
}

/* Where the per-marker table goes: --output, else standard output when
 * --format is given, else nowhere (the report alone, as the script). */
static const char *scores_destination(const struct cli *c)
{
    if (c->value[OPT_OUTPUT])
        return c->value[OPT_OUTPUT];
    return c->given[OPT_FORMAT] ? "-" : NULL;
}

/* Writes the per-marker table as --format says; returns an exit code. */
static int write_scores(const struct cli *c, struct scores_output *out)
{
    const char *dest = scores_destination(c);
    if (!dest)
        return 0;
    char err[PATH_MAX + 256];
    out->writer = c->format == FORMAT_JSON       ? write_scores_json
                  : c->format == FORMAT_TABLE    ? write_scores_table
                  : c->format == FORMAT_MARKDOWN ? write_scores_markdown
                                                 : write_scores_csv;
    double t0 = offload_now();
    enum offload_status st = write_file_atomic(dest, timed_writer, out, err, sizeof err);
    out->durability_s = offload_now() - t0 - out->written_s;
    if (st != OFFLOAD_OK) {
        offload_error("%s\n", err);
        return offload_exit_code(st);
    }
    fprintf(c->human, "wrote %zu scores to %s\n", out->m->rows,
            output_is_stdout(dest) ? "standard output" : dest);
    return 0;
}

/* Timings of one percentage. */
struct scores_step {
    double percent;
    size_t rows, cols, lines_kept, data_lines, skipped;
    double parse_s, score_s, kernel_min_s, output_s;
    double kernel_median_s;   /* of the timed repeats: with the minimum, the spread */
    double durability_s;      /* fsync and rename of --output, left out of output_s */
    size_t repeats;
    struct machine_load load; /* other processes while timing */
    int64_t best_score;
    char best_id[256];
};

/* Loads, scores (first call timed as the script does), checks and writes
 * one percentage. Returns 0 or an exit code. */
static int score_one_percent(struct cli *c, const struct backend_ops *ops, void *state,
                             double percent, const struct run_settings *set,
                             struct scores_step *step)
{
    FILE *h = c->human;
    memset(step, 0, sizeof *step);
    step->percent = percent;
    double t0 = offload_now();
    struct prepared_input p;
    enum offload_status st = prepare_input(c, KERNEL_SCORES, algorithm_option(c), 0, percent, &p);
    if (st != OFFLOAD_OK) {
        prepared_free(&p);
        return offload_exit_code(st);
    }
    step->parse_s = offload_now() - t0;
    const struct genotype_matrix *m = &p.matrix;
    step->rows = m->rows;
    step->cols = m->cols;
    step->lines_kept = m->lines_kept;
    step->data_lines = m->data_lines;
    step->skipped = m->rows_skipped;

    int64_t *scores = workload_alloc(m->rows * sizeof *scores);
    struct run_result *res = malloc(sizeof *res);
    st = OFFLOAD_ERR_RUN;
    if (!scores || !res)
        offload_error("out of memory\n");
    else
        st = run_kernel(ops, state, &p.input, set, scores, res);
    int rc = offload_exit_code(st);
    if (st == OFFLOAD_OK) {
        /* The script scores once: that first call is the "score" phase. */
        step->score_s = set->warmup > 0 ? res->warmup_total : res->total[0];
        step->kernel_min_s = res->stats[PHASE_KERNEL].min;
        step->kernel_median_s = res->stats[PHASE_KERNEL].median;
        step->repeats = res->samples;
        step->load = res->load;
        size_t best = 0;
        for (size_t r = 1; r < m->rows; r++)
            if (scores[r] > scores[best])
                best = r;
        step->best_score = scores[best];
        /* Every score 0: no pattern is best, naming the first would mislead. */
        snprintf(step->best_id, sizeof step->best_id, "%s",
                 step->best_score > 0 ? m->row_ids[best] : "-");
        double t_out = offload_now();
        char path_buf[PATH_MAX + 64];
        struct scores_output out = {m, scores, genotype_path(c, path_buf, sizeof path_buf),
                                    percent, NULL, 0, 0};
        /* Several percentages export their steps instead (command_scores). */
        if (c->npercent == 1)
            rc = write_scores(c, &out);
        if (step->best_score > 0)
            fprintf(h, "The best score %lld comes from pattern %s\n", (long long)step->best_score,
                    step->best_id);
        else
            fprintf(h, "No marker distinguishes any two varieties (every score is 0)\n");
        fflush(h);
        step->output_s = offload_now() - t_out - out.durability_s;
        step->durability_s = out.durability_s;
    }
    free(res);
    workload_free(scores);
    prepared_free(&p);
    return rc;
}

/* What several percentages conclude: each step, the kernel's scaling and
 * the split of the script's run (the last percentage) with Amdahl's bound. */
struct steps_output {
    const char *path;
    const struct scores_step *steps;
    size_t n;
    struct scaling_fit fit;            /* kernel time ~ markers^k; NaN with one step */
    int busy;                          /* the machine was busy during some step */
    double script_s, start_s, setup_s; /* the script's run and its parts */
};

/* The exponent when it is measurable here, else NaN (an export never states
 * a busy machine's or a spread fit's number as a fact). */
static double exponent_fact(const struct steps_output *o)
{
    return o->fit.measurable && !o->busy ? o->fit.exponent : NAN;
}

static double scoring_share(const struct steps_output *o)
{
    return o->script_s > 0 ? o->steps[o->n - 1].score_s / o->script_s : 0;
}

/* If scoring took no time at all, the run would be at most this much faster. */
static double amdahl_bound(const struct steps_output *o)
{
    double rest = o->script_s - o->steps[o->n - 1].score_s;
    return rest > 0 ? o->script_s / rest : 0;
}

static int write_steps_csv(FILE *f, void *ctx)
{
    const struct steps_output *o = ctx;
    char exponent[32] = ""; /* empty where not measurable here */
    if (isfinite(exponent_fact(o)))
        snprintf(exponent, sizeof exponent, "%.9g", exponent_fact(o));
    if (fprintf(f, "percent,markers,varieties,parse_s,score_s,kernel_min_s,best_score,best_id,"
                   "kernel_scaling_exponent,script_s,scoring_share,amdahl_max_speedup,"
                   "kernel_median_s,exponent_low,exponent_high,machine_busy\n") < 0)
        return -1;
    for (size_t i = 0; i < o->n; i++) {
        const struct scores_step *s = &o->steps[i];
        if (fprintf(f, "%.9g,%zu,%zu,%.9g,%.9g,%.9g,%lld,", s->percent, s->rows, s->cols,
                    s->parse_s, s->score_s, s->kernel_min_s, (long long)s->best_score) < 0 ||
            csv_write_field(f, s->best_id) != 0 ||
            fprintf(f, ",%s,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%s\n", exponent, o->script_s,
                    scoring_share(o),
                    amdahl_bound(o), s->kernel_median_s, o->fit.low, o->fit.high,
                    s->load.busy ? "yes" : "no") < 0)
            return -1;
    }
    return 0;
}

static int write_steps_json(FILE *f, void *ctx)
{
    const struct steps_output *o = ctx;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "schema_version", 1);
    cJSON_AddStringToObject(root, "tool_version", OFFLOAD_VERSION);
    cJSON_AddStringToObject(root, "file", o->path);
    cJSON *list = cJSON_AddArrayToObject(root, "percents");
    for (size_t i = 0; i < o->n; i++) {
        const struct scores_step *s = &o->steps[i];
        cJSON *row = cJSON_CreateObject();
        cJSON_AddNumberToObject(row, "percent", s->percent);
        cJSON_AddNumberToObject(row, "markers", (double)s->rows);
        cJSON_AddNumberToObject(row, "varieties", (double)s->cols);
        cJSON_AddNumberToObject(row, "parse_s", s->parse_s);
        cJSON_AddNumberToObject(row, "score_s", s->score_s);
        cJSON_AddNumberToObject(row, "kernel_min_s", s->kernel_min_s);
        cJSON_AddNumberToObject(row, "kernel_median_s", s->kernel_median_s);
        cJSON_AddNumberToObject(row, "repeats", (double)s->repeats);
        if (s->load.known)
            cJSON_AddBoolToObject(row, "machine_busy", s->load.busy);
        else
            cJSON_AddNullToObject(row, "machine_busy");
        cJSON_AddNumberToObject(row, "others_cpu_share", s->load.others_share);
        cJSON_AddNumberToObject(row, "best_score", (double)s->best_score);
        cJSON_AddStringToObject(row, "best_id", s->best_id);
        cJSON_AddItemToArray(list, row);
    }
    /* null when not measurable here: the interval says how far it ranged. */
    if (isfinite(exponent_fact(o)))
        cJSON_AddNumberToObject(root, "kernel_scaling_exponent", exponent_fact(o));
    else
        cJSON_AddNullToObject(root, "kernel_scaling_exponent");
    if (isfinite(o->fit.low) && isfinite(o->fit.high)) {
        cJSON *range = cJSON_AddArrayToObject(root, "kernel_scaling_interval");
        cJSON_AddItemToArray(range, cJSON_CreateNumber(o->fit.low));
        cJSON_AddItemToArray(range, cJSON_CreateNumber(o->fit.high));
    }
    cJSON_AddBoolToObject(root, "machine_busy", o->busy);
    cJSON *script = cJSON_AddObjectToObject(root, "script");
    const struct scores_step *last = &o->steps[o->n - 1];
    cJSON_AddNumberToObject(script, "percent", last->percent);
    cJSON_AddNumberToObject(script, "total_s", o->script_s);
    cJSON_AddNumberToObject(script, "start_s", o->start_s);
    cJSON_AddNumberToObject(script, "setup_s", o->setup_s);
    cJSON_AddNumberToObject(script, "parse_s", last->parse_s);
    cJSON_AddNumberToObject(script, "score_s", last->score_s);
    cJSON_AddNumberToObject(script, "output_s", last->output_s);
    cJSON_AddNumberToObject(script, "scoring_share", scoring_share(o));
    cJSON_AddNumberToObject(script, "amdahl_max_speedup", amdahl_bound(o));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    int ok = text && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    cJSON_free(text);
    return ok ? 0 : -1;
}

/* The steps as a Markdown table, with the scaling and Amdahl's answer. */
static int write_steps_markdown(FILE *f, void *ctx)
{
    const struct steps_output *o = ctx;
    fprintf(f, "| percent | markers | parse (s) | score, first call (s) | kernel min (s) | best "
               "score | pattern |\n|---:|---:|---:|---:|---:|---:|---|\n");
    for (size_t i = 0; i < o->n; i++) {
        const struct scores_step *s = &o->steps[i];
        fprintf(f, "| %g | %zu | %.3g | %.3g | %.3g | %lld | ", s->percent, s->rows, s->parse_s,
                s->score_s, s->kernel_min_s, (long long)s->best_score);
        markdown_cell(f, s->best_id);
        fputs(" |\n", f);
    }
    char scaling[192];
    fprintf(f,
            "\nThe kernel's scaling: %s. In the script's run (%g%%, %.3g s), "
            "scoring is %.0f%% of the time: if it took no time at all the run would be at "
            "most %.2fx faster (Amdahl's law).\n",
            describe_scaling(&o->fit, o->busy, "markers", scaling, sizeof scaling),
            o->steps[o->n - 1].percent, o->script_s, 100 * scoring_share(o), amdahl_bound(o));
    return ferror(f) ? -1 : 0;
}

/* Several percentages: the steps table and the Amdahl answer, as --format
 * says (an aligned table is the report itself, so table means csv here). */
static int write_steps(const struct cli *c, const struct steps_output *o)
{
    const char *dest = scores_destination(c);
    if (!dest)
        return 0;
    char err[PATH_MAX + 256];
    enum offload_status st = write_file_atomic(dest,
                                               c->format == FORMAT_JSON       ? write_steps_json
                                               : c->format == FORMAT_MARKDOWN ? write_steps_markdown
                                                                              : write_steps_csv,
                                               (void *)o, err, sizeof err);
    if (st != OFFLOAD_OK) {
        offload_error("%s\n", err);
        return offload_exit_code(st);
    }
    fprintf(c->human, "wrote %zu percentages and the Amdahl answer to %s\n", o->n,
            output_is_stdout(dest) ? "standard output" : dest);
    return 0;
}

/* Several percentages: a row each and how the kernel scaled. */
static void print_scaling(FILE *h, const struct scores_step *steps, size_t done)
{
    char a[32], b[32], d[32];
    fprintf(h, "\n%8s %8s %10s %12s %12s  %s\n", "percent", "markers", "parse", "score (1st)",
            "kernel min", "best");
    double x[MAX_LIST], lo[MAX_LIST], hi[MAX_LIST];
    struct machine_load load = {0};
    for (size_t i = 0; i < done; i++) {
        fprintf(h, "%7g%% %8zu %10s %12s %12s  %lld %s\n", steps[i].percent, steps[i].rows,
                format_seconds(steps[i].parse_s, a, sizeof a),
                format_seconds(steps[i].score_s, b, sizeof b),
                format_seconds(steps[i].kernel_min_s, d, sizeof d), (long long)steps[i].best_score,
                steps[i].best_id);
        x[i] = (double)steps[i].rows;
        lo[i] = steps[i].kernel_min_s;
        hi[i] = steps[i].kernel_median_s;
        machine_load_merge(&load, &steps[i].load);
    }
    const struct scores_step *first = &steps[0], *last = &steps[done - 1];
    struct scaling_fit fit = stats_scaling_fit(x, lo, hi, done);
    char scaling[192], busy[160];
    fprintf(h, "kernel scaling %g%% -> %g%%: %.3gx the markers took %.3gx the kernel time (%s)\n",
            first->percent, last->percent, (double)last->rows / (double)first->rows,
            last->kernel_min_s / first->kernel_min_s,
            describe_scaling(&fit, load.busy, "markers", scaling, sizeof scaling));
    if (load.busy)
        fprintf(h, "busy: %s while timing; these times are slower and more spread than on a "
                   "quiet machine\n",
                describe_machine_load(&load, busy, sizeof busy));
}

/* One percentage: the kernel's spread over the timed repeats, and whether
 * the machine was busy. */
static void print_spread(FILE *h, const struct scores_step *s)
{
    char a[32], b[32], load[160];
    fprintf(h, "kernel: min %s, median %s over %zu timed repeats after the script's call "
               "(spread %.0f%%)\n",
            format_seconds(s->kernel_min_s, a, sizeof a),
            format_seconds(s->kernel_median_s, b, sizeof b), s->repeats,
            s->kernel_min_s > 0 ? 100 * (s->kernel_median_s / s->kernel_min_s - 1) : 0);
    if (s->load.busy)
        fprintf(h, "busy: %s while timing; these times are slower and more spread than on a "
                   "quiet machine\n",
                describe_machine_load(&s->load, load, sizeof load));
}

int command_scores(struct cli *c)
{
    if (c->npositional > 1)
        return usage_error("scores takes at most one file, got '%s' and '%s'", c->positional[0],
                           c->positional[1]);
    if (c->npositional == 1)
        c->value[OPT_DATA] = c->positional[0];
    const char *spec, *selector;
    const struct backend_ops *ops = backend_option(c, &spec, &selector);
    if (!ops)
        return OFFLOAD_ERR_USAGE;

    FILE *h = c->human;
    double t_setup = offload_now();
    double start_s = t_setup - c->process_start;
    struct backend_config cfg = make_config(c, ops, c->threads[0], selector, c->memory);
    struct backend_info info;
    void *state = NULL;
    enum offload_status st = ops->init(&cfg, &state, &info);
    if (st != OFFLOAD_OK)
        return offload_exit_code(st);
    t_setup = offload_now() - t_setup;

    /* The first call is the script's (the warm-up, timed on its own); timed
     * repeats follow, enough for a spread (and, with several percentages,
     * the kernel's scaling). */
    struct run_settings set = make_settings(c);
    set.warmup = 1;
    struct scores_step steps[MAX_LIST];
    int rc = 0;
    size_t done = 0;
    char path_buf[PATH_MAX + 64];
    const char *path = genotype_path(c, path_buf, sizeof path_buf);
    for (size_t i = 0; i < c->npercent && rc == 0; i++, done++) {
        if (c->npercent > 1)
            fprintf(h, "--percent %g\n", c->percent[i]);
        rc = score_one_percent(c, ops, state, c->percent[i], &set, &steps[i]);
    }
    ops->fini(state);
    if (rc)
        return rc;

    char a[32], b[32], d[32], e[32], f[32], g[32];
    const struct scores_step *last = &steps[done - 1];
    fprintf(h,
            "\nread %zu markers x %zu varieties from %s (%zu of %zu data lines kept; %zu rows "
            "skipped)\n",
            last->rows, last->cols, path, last->lines_kept, last->data_lines, last->skipped);
    fprintf(h,
            "scored on %s: %s with the %s algorithm; every score checked against the serial "
            "reference\n",
            spec, info.device, algorithm_name(algorithm_option(c)));
    if (c->npercent > 1)
        print_scaling(h, steps, done);
    else
        print_spread(h, last);
    /* The script reads one file and scores it once: split that run (the last
     * percentage). Timing repeats and score checks are this tool's extras. */
    double script = start_s + t_setup + last->parse_s + last->score_s + last->output_s;
    double whole = offload_now() - c->process_start;
    fprintf(h,
            "\nthe script's run at %g%%: %s = start %s + backend setup %s + parse %s + "
            "score %s + output %s\n",
            last->percent, format_seconds(script, a, sizeof a),
            format_seconds(start_s, b, sizeof b), format_seconds(t_setup, d, sizeof d),
            format_seconds(last->parse_s, e, sizeof e), format_seconds(last->score_s, f, sizeof f),
            format_seconds(last->output_s, g, sizeof g));
    if (script > last->score_s)
        fprintf(h,
                "scoring is %.0f%% of it: if scoring took no time at all the run would be at "
                "most %.2fx faster (Amdahl's law)\n",
                100 * last->score_s / script, script / (script - last->score_s));
    if (last->durability_s > 0)
        fprintf(h,
                "output leaves out the %s that --output spent making the file safe (fsync and "
                "rename), which the script does not do\n",
                format_seconds(last->durability_s, a, sizeof a));
    fprintf(h, "this process: %s in all, checks and timing repeats included\n",
            format_seconds(whole, a, sizeof a));
    if (c->npercent == 1)
        return 0;
    double x[MAX_LIST], lo[MAX_LIST], hi[MAX_LIST];
    int busy = 0;
    for (size_t i = 0; i < done; i++) {
        x[i] = (double)steps[i].rows;
        lo[i] = steps[i].kernel_min_s;
        hi[i] = steps[i].kernel_median_s;
        busy |= steps[i].load.busy;
    }
    struct steps_output out = {path, steps, done, stats_scaling_fit(x, lo, hi, done), busy,
                               script, start_s, t_setup};
    return write_steps(c, &out);
}
