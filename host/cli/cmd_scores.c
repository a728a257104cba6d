/* offload scores: the tutorial's genotype script as one command, with the
 * time of each part of the run and, for several percentages, the scaling. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fileio.h"
#include "run_text.h"
#include "scores_export.h"
#include "stats.h"
#include "timing.h"
#include "workload.h"
#include "message.h"

/* Where the per-marker table goes: --output, else standard output when
 * --format is given, else nowhere (the report alone, as the script). */
static const char *scores_destination(const struct cli *c)
{
    if (c->value[OPT_OUTPUT])
        return c->value[OPT_OUTPUT];
    return c->given[OPT_FORMAT] ? "-" : NULL;
}

/* Writes the per-marker table as --format says; returns an exit code. */
static int write_scores(const struct cli *c, struct scores_table *out)
{
    const char *dest = scores_destination(c);
    if (!dest)
        return 0;
    char err[PATH_MAX + 256];
    enum offload_status st =
        write_file_atomic(dest, scores_table_writer(c->format), out, err, sizeof err);
    if (st != OFFLOAD_OK) {
        offload_error("%s\n", err);
        return offload_exit_code(st);
    }
    fprintf(c->human, "wrote %zu scores to %s\n", out->m->rows,
            output_is_stdout(dest) ? "standard output" : dest);
    return 0;
}

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
        struct scores_table out = {m, scores, genotype_path(c, path_buf, sizeof path_buf), percent};
        /* Several percentages export their steps instead (command_scores). */
        if (c->npercent == 1)
            rc = write_scores(c, &out);
        if (step->best_score > 0)
            fprintf(h, "The best score %lld comes from pattern %s\n", (long long)step->best_score,
                    step->best_id);
        else
            fprintf(h, "No marker distinguishes any two varieties (every score is 0)\n");
        fflush(h);
        step->output_s = offload_now() - t_out;
    }
    free(res);
    workload_free(scores);
    prepared_free(&p);
    return rc;
}

/* Several percentages: the steps table and the Amdahl answer, as --format
 * says (an aligned table is the report itself, so table means csv here). */
static int write_steps(const struct cli *c, const struct steps_output *o)
{
    const char *dest = scores_destination(c);
    if (!dest)
        return 0;
    char err[PATH_MAX + 256];
    enum offload_status st =
        write_file_atomic(dest, scores_steps_writer(c->format), (void *)o, err, sizeof err);
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
    double x[MAX_LIST], y[MAX_LIST];
    for (size_t i = 0; i < done; i++) {
        fprintf(h, "%7g%% %8zu %10s %12s %12s  %lld %s\n", steps[i].percent, steps[i].rows,
                format_seconds(steps[i].parse_s, a, sizeof a),
                format_seconds(steps[i].score_s, b, sizeof b),
                format_seconds(steps[i].kernel_min_s, d, sizeof d), (long long)steps[i].best_score,
                steps[i].best_id);
        x[i] = (double)steps[i].rows;
        y[i] = steps[i].kernel_min_s;
    }
    const struct scores_step *first = &steps[0], *last = &steps[done - 1];
    fprintf(h,
            "kernel scaling %g%% -> %g%%: %.3gx the markers took %.3gx the kernel time "
            "(time ~ markers^%.2f)\n",
            first->percent, last->percent, (double)last->rows / (double)first->rows,
            last->kernel_min_s / first->kernel_min_s, stats_scaling_exponent(x, y, done));
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

    /* One percentage: score once like the script (or --repeat times). Several:
     * the first call is the script's, then repeats time the kernel's scaling. */
    struct run_settings set = make_settings(c);
    if (c->npercent == 1) {
        set.warmup = 0;
        set.repeat = c->repeat > 0 ? c->repeat : 1;
    }
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
    fprintf(h, "this process: %s in all, checks and timing repeats included\n",
            format_seconds(whole, a, sizeof a));
    if (c->npercent == 1)
        return 0;
    double x[MAX_LIST], y[MAX_LIST];
    for (size_t i = 0; i < done; i++) {
        x[i] = (double)steps[i].rows;
        y[i] = steps[i].kernel_min_s;
    }
    struct steps_output out = {path,   steps,   done,   stats_scaling_exponent(x, y, done),
                               script, start_s, t_setup};
    return write_steps(c, &out);
}
