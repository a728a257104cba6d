#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include "run_text.h"

#include "file_kernel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wrap.h"

/* The width of the label column ("verdict    "): continuation lines of a
 * wrapped field start under its text. */
#define FIELD_INDENT 11

static void report_phase(FILE *f, const char *label, const struct sample_stats *s)
{
    char a[32], b[32], c[32], d[32], e[32];
    if (s->n == 0)
        return;
    fprintf(f, "%-10s min %s  median %s  mean %s +- %s  max %s\n", label,
            format_seconds(s->min, a, sizeof a), format_seconds(s->median, b, sizeof b),
            format_seconds(s->mean, c, sizeof c), format_seconds(s->sd, d, sizeof d),
            format_seconds(s->max, e, sizeof e));
}

/* N, the NDRange and each argument with its value. */
static void report_file_size(FILE *f, const struct file_kernel *fk)
{
    char a[32];
    fprintf(f, "size       N = %lld, global %zu", (long long)fk->n, fk->global[0]);
    for (unsigned d = 1; d < fk->dims; d++)
        fprintf(f, ",%zu", fk->global[d]);
    if (fk->has_local) {
        fprintf(f, ", local %zu", fk->local[0]);
        for (unsigned d = 1; d < fk->dims; d++)
            fprintf(f, ",%zu", fk->local[d]);
        fprintf(f, "\n");
    } else {
        fprintf(f, ", local: the driver's choice\n");
    }
    for (size_t i = 0; i < fk->nargs; i++) {
        const struct file_arg *arg = &fk->args[i];
        fprintf(f, "  %-8s %-6s %s", arg->decl.name, arg_kind_name(arg->kind),
                elem_type_name(arg->type));
        if (arg->kind != ARG_VALUE)
            fprintf(f, "[%zu] %s", arg->count, format_bytes((double)arg->bytes, a, sizeof a));
        fprintf(f, "\n");
    }
}

static void report_size(FILE *f, const struct kernel_input *in)
{
    const struct kernel_spec *spec = kernel_spec_of(in->kernel);
    char a[32], b[32];
    switch (spec->input) {
    case INPUT_VALUES:
        fprintf(f, "size       N = %zu (in %s %s, out %s %s)\n", in->n,
                format_bytes((double)in->n * sizeof *in->in, a, sizeof a), spec->input_type,
                format_bytes((double)kernel_output_bytes(in), b, sizeof b), spec->output_type);
        break;
    case INPUT_GENOTYPES:
        fprintf(f, "size       %zu markers x %zu varieties (%s int8)\n", genotype_table_rows(in->matrix),
                in->matrix->cols,
                format_bytes((double)genotype_table_rows(in->matrix) * (double)in->matrix->cols, a, sizeof a));
        break;
    case INPUT_FILE:
        report_file_size(f, in->file);
        break;
    }
}

const char *describe_work(const struct kernel_input *in, char *buf, size_t len)
{
    struct kernel_work w = kernel_work_of(in);
    char bytes[32];
    double ops = w.ops;
    const char *scale = "";
    if (ops >= 1e9) {
        ops /= 1e9;
        scale = " G";
    } else if (ops >= 1e6) {
        ops /= 1e6;
        scale = " M";
    } else if (ops >= 1e3) {
        ops /= 1e3;
        scale = " k";
    }
    snprintf(buf, len, "moves %s, %.3g%s %s, %.3g %s per byte",
             format_bytes(w.bytes, bytes, sizeof bytes), ops, scale, w.op_unit,
             w.bytes > 0 ? w.ops / w.bytes : 0.0, w.op_unit);
    return buf;
}

static void report_run_lines(FILE *f, const char *backend_name, const struct backend_info *info,
                             const char *launch, const struct kernel_input *in,
                             const struct run_settings *set, const struct run_result *res,
                             const struct analysis *an);

/* Across ranks: the same call on rank 0 alone, timed between the
 * distributed runs, and what that cost. */
static void report_alone(FILE *f, const struct run_result *res)
{
    const struct one_rank_run *o = &res->alone;
    char a[32], b[32], c[32], d[32];
    if (!o->samples)
        return;
    fprintf(f,
            "1 rank     rank 0 alone, the whole input: total min %s (median %s), kernel min %s; "
            "%zu runs between the distributed ones (%s more time; --no-one-rank skips them), "
            "%s\n",
            format_seconds(o->total.min, a, sizeof a), format_seconds(o->total.median, b, sizeof b),
            format_seconds(o->kernel.min, c, sizeof c), o->samples,
            format_seconds(o->timed_s, d, sizeof d),
            o->check.ok ? "its result checked OK" : "its result is WRONG");
}

/* Each line of text, wrapped to the width under its label column. */
static void wrap_fields(FILE *f, const char *text, int width)
{
    char first[FIELD_INDENT + 1], rest[FIELD_INDENT + 1];
    memset(rest, ' ', FIELD_INDENT);
    rest[FIELD_INDENT] = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *copy = malloc(len + 1);
        if (!copy)
            return;
        memcpy(copy, line, len);
        copy[len] = 0;
        if ((int)len <= width || len <= FIELD_INDENT) {
            fprintf(f, "%s\n", copy);
        } else {
            memcpy(first, copy, FIELD_INDENT);
            first[FIELD_INDENT] = 0;
            wrap_print(f, width, first, rest, copy + FIELD_INDENT);
        }
        free(copy);
        line += len + (end ? 1 : 0);
    }
}

void report_run(FILE *f, const char *backend_name, const struct backend_info *info,
                const char *launch, const struct kernel_input *in,
                const struct run_settings *set, const struct run_result *res,
                const struct analysis *an)
{
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    if (!mem) {
        report_run_lines(f, backend_name, info, launch, in, set, res, an);
        return;
    }
    report_run_lines(mem, backend_name, info, launch, in, set, res, an);
    fclose(mem);
    wrap_fields(f, text, text_width());
    free(text);
}

/* How many runs were timed, and how busy the machine was meanwhile. */
static void report_runs(FILE *f, const struct run_settings *set, const struct run_result *res)
{
    char a[32], b[32];
    if (set->warmup > 0)
        fprintf(f, "runs       %zu timed after %d warm-up (first call %s)", res->samples,
                set->warmup, format_seconds(res->warmup_total, a, sizeof a));
    else
        fprintf(f, "runs       %zu timed, no warm-up (the first call is timed)", res->samples);
    if (set->repeat <= 0 && res->capped) {
        char c[32];
        fprintf(f, ", capped at %zu runs after %s (under the %s asked for)", res->samples,
                format_seconds(res->timed_s, b, sizeof b),
                format_seconds(set->min_time, c, sizeof c));
    }
    else if (set->repeat <= 0)
        fprintf(f, ", repeated for at least %s", format_seconds(set->min_time, b, sizeof b));
    fputc('\n', f);
    char load[160];
    fprintf(f, "machine    %s\n", describe_machine_load(&res->load, load, sizeof load));
    if (res->load.busy)
        fprintf(f, "busy       the machine was busy while this ran: times are slower and more "
                   "spread than on a quiet machine; run again when it is quiet\n");
    else if (!res->settled && set->repeat <= 0)
        fprintf(f, "spread     the times did not settle within %dx the runs: treat them as "
                   "rough\n", RUN_SETTLE_FACTOR);
}

/* What to keep in mind reading the times: outliers, a slow first call,
 * device timers that disagree with the host's. */
static void report_notes(FILE *f, const struct run_result *res)
{
    char a[32];
    if (res->stats[PHASE_KERNEL].outliers)
        fprintf(f,
                "note       %zu of %zu kernel times are outliers: the machine was busy; the "
                "minimum is the figure to trust\n",
                res->stats[PHASE_KERNEL].outliers, res->samples);
    if (res->samples > 1 && res->warmup_total > 2 * res->stats[PHASE_TOTAL].median)
        fprintf(f,
                "note       the first (warm-up) call took %s, %.0fx a timed one: one-time "
                "costs (page faults, kernel compilation) are kept out of the figures\n",
                format_seconds(res->warmup_total, a, sizeof a),
                res->warmup_total / res->stats[PHASE_TOTAL].median);
    if (res->events_disagree)
        fprintf(f, "note       device event timers disagree with the host clock; host times "
                   "are shown\n");
}

static void report_run_lines(FILE *f, const char *backend_name, const struct backend_info *info,
                             const char *launch, const struct kernel_input *in,
                             const struct run_settings *set, const struct run_result *res,
                             const struct analysis *an)
{
    char a[32], b[32];
    if (kernel_spec_of(in->kernel)->input == INPUT_FILE)
        fprintf(f, "kernel     %s: %s\n", kernel_name(in->kernel),
                kernel_spec_of(in->kernel)->formula);
    else
        fprintf(f, "kernel     %s (%s)\n", kernel_name(in->kernel), algorithm_name(in->alg));
    fprintf(f, "backend    %s: %s", backend_name, info->device);
    if (res->ranks > 1)
        fprintf(f, ", on %d ranks (each rank runs its share on its own %s)", res->ranks,
                backend_name);
    fputc('\n', f);
    if (info->platform[0])
        fprintf(f, "platform   %s (driver %s)%s\n", info->platform, info->driver,
                info->unified_memory ? "; the device shares host memory (unified)" : "");
    if (info->build_s > 0)
        fprintf(f, "setup      %s, program build %s%s\n",
                format_seconds(info->setup_s, a, sizeof a),
                format_seconds(info->build_s, b, sizeof b),
                info->build_cached == 1   ? " (from the driver's kernel cache)"
                : info->build_cached == 0 ? " (compiled now; cached for next time)"
                                          : "");
    if (info->has_memory_mode)
        fprintf(f, "memory     %s\n", memory_mode_name(info->memory_mode));
    if (launch && launch[0])
        fprintf(f, "launch     %s\n", launch);
    else if (info->threads > 0)
        fprintf(f, "launch     %d host thread%s\n", info->threads, info->threads == 1 ? "" : "s");
    report_size(f, in);
    report_runs(f, set, res);
    report_phase(f, "distribute", &res->stats[PHASE_DISTRIBUTE]);
    report_phase(f, "copy-in", &res->stats[PHASE_COPY_IN]);
    report_phase(f, "kernel", &res->stats[PHASE_KERNEL]);
    report_phase(f, "copy-out", &res->stats[PHASE_COPY_OUT]);
    report_phase(f, "collect", &res->stats[PHASE_COLLECT]);
    report_phase(f, "total", &res->stats[PHASE_TOTAL]);
    report_alone(f, res);
    report_notes(f, res);
    fprintf(f, "checksum   %.10g\n", res->checksum);
    const char *against = res->check.against[0] ? res->check.against : "the serial reference";
    if (res->check.ok) {
        if (res->check.tolerance > 0)
            fprintf(f,
                    "check      OK: matches %s (relative tolerance %.2g, "
                    "largest error %.2g)\n",
                    against, res->check.tolerance, res->check.max_error);
        else
            fprintf(f, "check      OK: matches %s exactly\n", against);
    } else {
        fprintf(f, "check      FAILED: %zu values differ from %s\n", res->check.mismatches,
                against);
        return; /* a wrong result is never reported as a speed */
    }
    if (!an)
        return;
    char work[128];
    fprintf(f, "work       %s\n", describe_work(in, work, sizeof work));
    fprintf(f, "rate       %.3g GB/s, %.3g G %s/s", an->gbps, an->gops, an->work.op_unit);
    if (an->peak_gbps > 0)
        fprintf(f, " (ceilings: %.3g GB/s memory", an->peak_gbps);
    if (an->peak_gops > 0)
        fprintf(f, ", %.3g G %s/s", an->peak_gops, an->work.op_unit);
    fprintf(f, "%s\n", an->peak_gbps > 0 ? ")" : "");
    fprintf(f, "verdict    %s: %s\n", verdict_name(an->verdict), an->reason);
}
