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

/* Writes the per-marker table as --format says; returns an exit code.
 * *durability_s: what the atomic write added to the writing itself (fsync
 * and rename), which the script does not spend. */
static int write_scores(const struct cli *c, struct scores_table *out, double *durability_s)
{
    *durability_s = 0;
    const char *dest = scores_destination(c);
    if (!dest)
        return 0;
    char err[PATH_MAX + 256];
    struct timed_table timed = {out, scores_table_writer(c->format), 0};
    double t0 = offload_now();
    enum offload_status st = write_file_atomic(dest, timed_table_writer, &timed, err, sizeof err);
    *durability_s = offload_now() - t0 - timed.written_s;
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
        struct scores_table out = {m, scores, genotype_path(c, path_buf, sizeof path_buf), percent};
        /* Several percentages export their steps instead (command_scores). */
        if (c->npercent == 1)
            rc = write_scores(c, &out, &step->durability_s);
        if (step->best_score > 0)
            fprintf(h, "The best score %lld comes from pattern %s\n", (long long)step->best_score,
                    step->best_id);
        else
            fprintf(h, "No marker distinguishes any two varieties (every score is 0)\n");
        fflush(h);
        step->output_s = offload_now() - t_out - step->durability_s;
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
