#include "run_text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
        fprintf(f, "size       %zu markers x %zu varieties (%s int8)\n", in->matrix->rows,
                in->matrix->cols,
                format_bytes((double)in->matrix->rows * (double)in->matrix->cols, a, sizeof a));
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

void report_run(FILE *f, const char *backend_name, const struct backend_info *info,
                const struct kernel_input *in, const struct run_settings *set,
                const struct run_result *res, const struct analysis *an)
{
    char a[32], b[32];
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
    report_size(f, in);
    if (set->warmup > 0)
        fprintf(f, "runs       %zu timed after %d warm-up (first call %s)", res->samples,
                set->warmup, format_seconds(res->warmup_total, a, sizeof a));
    else
        fprintf(f, "runs       %zu timed, no warm-up (the first call is timed)", res->samples);
    if (set->repeat <= 0)
        fprintf(f, ", repeated for at least %s", format_seconds(set->min_time, b, sizeof b));
    fputc('\n', f);
    report_phase(f, "distribute", &res->stats[PHASE_DISTRIBUTE]);
    report_phase(f, "copy-in", &res->stats[PHASE_COPY_IN]);
    report_phase(f, "kernel", &res->stats[PHASE_KERNEL]);
    report_phase(f, "copy-out", &res->stats[PHASE_COPY_OUT]);
    report_phase(f, "collect", &res->stats[PHASE_COLLECT]);
    report_phase(f, "total", &res->stats[PHASE_TOTAL]);
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
    fprintf(f, "checksum   %.10g\n", res->checksum);
    if (res->check.ok) {
        if (res->check.tolerance > 0)
            fprintf(f,
                    "check      OK: matches the serial reference (relative tolerance %.2g, "
                    "largest error %.2g)\n",
                    res->check.tolerance, res->check.max_error);
        else
            fprintf(f, "check      OK: matches the serial reference exactly\n");
    } else {
        fprintf(f, "check      FAILED: %zu values differ from the serial reference\n",
                res->check.mismatches);
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
