#include "analysis.h"

#include <stdio.h>
#include <string.h>

#include "file_kernel.h"
#include "hostinfo.h"
#include "ranks.h"
#include "units.h"

const char *verdict_name(enum verdict v)
{
    switch (v) {
    case VERDICT_TRANSFER:
        return "transfer-bound";
    case VERDICT_MEMORY:
        return "memory-bound";
    case VERDICT_COMPUTE:
        return "compute-bound";
    case VERDICT_LAUNCH:
        return "launch-bound";
    case VERDICT_COMMUNICATION:
        return "communication-bound";
    }
    return "?";
}

/* Ceilings count bytes as the hardware moves them, with each kernel's own
 * access pattern, so a result beyond one by more than run-to-run noise
 * means the ceiling was measured while something else used the machine. */
#define STALE_CEILING_FACTOR 1.05

/* Below this many launch latencies a device kernel is mostly overhead. */
#define LAUNCH_BOUND_FACTOR 10.0
/* A host kernel this short is dominated by starting and joining threads. */
#define HOST_OVERHEAD_SECONDS 20e-6

/* Bytes/s of the kernel's access pattern; STREAM triad where the pattern
 * was not measured (a device that measures STREAM only). */
static double memory_ceiling(enum memory_pattern p, const struct ceilings *c)
{
    double measured = 0;
    switch (p) {
    case MEMORY_CONVERT:
        measured = c->convert_f64_f32;
        break;
    case MEMORY_READ:
        measured = c->stream_read;
        break;
    case MEMORY_STREAM:
        measured = c->stream_triad;
        break;
    }
    return measured > 0 ? measured : c->stream_triad;
}

/* Operations/s of the kernel's operation; 0 when not measured. */
static double ops_ceiling(enum op_ceiling o, const struct ceilings *c)
{
    switch (o) {
    case OPS_NONE:
        return 0;
    case OPS_SQRT_F64:
        return c->sqrt_f64;
    case OPS_COMPARE:
        return c->compare_i8;
    case OPS_SQRT_F32:
        return c->sqrt_f32;
    case OPS_FMA_F32:
        return c->fma_f32;
    case OPS_FMA_F64:
        return c->fma_f64;
    }
    return 0;
}

/* Rates and shares of a run, before any verdict. */
static struct analysis measure_rates(const struct kernel_input *in, const struct run_result *res,
                                     const struct ceilings *c, double *copies)
{
    struct analysis a = {0};
    a.work = kernel_work_of(in);
    double kernel = res->stats[PHASE_KERNEL].min, total = res->stats[PHASE_TOTAL].min;
    *copies = 0;
    if (res->stats[PHASE_COPY_IN].n)
        *copies += res->stats[PHASE_COPY_IN].min;
    if (res->stats[PHASE_COPY_OUT].n)
        *copies += res->stats[PHASE_COPY_OUT].min;
    if (kernel > 0) {
        a.gbps = a.work.bytes / kernel / 1e9;
        a.gops = a.work.ops / kernel / 1e9;
    }
    a.ops_per_byte = a.work.bytes > 0 ? a.work.ops / a.work.bytes : 0;
    a.transfer_share = total > 0 ? *copies / total : 0;
    if (c) {
        a.peak_gbps = memory_ceiling(kernel_spec_of(in->kernel)->memory_pattern, c) / 1e9;
        const struct kernel_spec *spec = kernel_spec_of(in->kernel);
        a.peak_gops =
            ops_ceiling(in->alg == ALG_FAST ? spec->fast_op_ceiling : spec->op_ceiling, c) / 1e9;
    }
    return a;
}

/* Two limits whose predicted times are this close are both near. */
#define NEAR_FRACTION 0.85

/* What would make a kernel bound by its operations faster. */
static const char *ops_help(const struct kernel_input *in)
{
    const struct kernel_spec *spec = kernel_spec_of(in->kernel);
    if (in->alg == ALG_NAIVE && spec->has_fast)
        return "more cores or wider vectors would help and a better algorithm (--algorithm "
               "fast) would help most";
    return "more cores or wider vectors would help";
}

/* Launch-bound when the kernel is shorter than a few launches (devices) or
 * than starting threads (host); 1 when it is, with the sentence written. */
static int judge_launch(struct analysis *a, double kernel, double launch,
                        const struct backend_info *info)
{
    char t1[32], t2[32];
    if (!((launch > 0 && kernel < LAUNCH_BOUND_FACTOR * launch) ||
          (launch <= 0 && info->threads > 1 && kernel < HOST_OVERHEAD_SECONDS)))
        return 0;
    a->verdict = VERDICT_LAUNCH;
    a->ceiling_fraction = 0; /* the limit is the launch: no share of a ceiling */
    if (launch > 0)
        snprintf(a->reason, sizeof a->reason,
                 "the kernel runs %s and launching an empty one takes %s: too little work to "
                 "pay for the launch; a bigger N (more work per launch) would help",
                 format_seconds(kernel, t1, sizeof t1), format_seconds(launch, t2, sizeof t2));
    else
        snprintf(a->reason, sizeof a->reason,
                 "the kernel runs %s: starting and joining threads costs about as much as "
                 "the work; a bigger N or fewer threads would help",
                 format_seconds(kernel, t1, sizeof t1));
    return 1;
}

/* The kernel's operation ceiling for its algorithm. */
static enum op_ceiling ops_ceiling_of(const struct kernel_input *in)
{
    const struct kernel_spec *spec = kernel_spec_of(in->kernel);
    return in->alg == ALG_FAST ? spec->fast_op_ceiling : spec->op_ceiling;
}

/* "float64 sqrt" or "int8 compare": the ceiling of the kernel's operations. */
static const char *ops_ceiling_name(const struct kernel_input *in)
{
    switch (ops_ceiling_of(in)) {
    case OPS_NONE:
        return "operation";
    case OPS_SQRT_F64:
        return "float64 sqrt";
    case OPS_COMPARE:
        return "int8 compare";
    case OPS_SQRT_F32:
        return "float32 sqrt";
    case OPS_FMA_F32:
        return "float32 FMA";
    case OPS_FMA_F64:
        return "float64 FMA";
    }
    return "?";
}

static void judge_memory(struct analysis *a, const struct backend_info *info, double mem_frac)
{
    char b[32], t1[32], t2[32];
    a->verdict = VERDICT_MEMORY;
    a->ceiling_fraction = mem_frac;
    int in_cache = info->cache_bytes > 0 && a->work.bytes <= info->cache_bytes;
    if (mem_frac > 1.0 && in_cache) {
        /* Faster than main memory can deliver: the data came from cache,
         * whose bandwidth is not measured: no share is shown. */
        a->ceiling_fraction = 0;
        snprintf(a->reason, sizeof a->reason,
                 "moves %.3g GB/s or %.0f%% of the %.3g GB/s main-memory ceiling: its %s "
                 "working set fits in cache so cache bandwidth is the limit; a bigger N would "
                 "show main memory",
                 a->gbps, 100 * mem_frac, a->peak_gbps, format_bytes(a->work.bytes, b, sizeof b));
    } else if (a->predicted_ops_s > 0) {
        snprintf(a->reason, sizeof a->reason,
                 "moves %.3g GB/s or %.0f%% of the %.3g GB/s memory ceiling: at %.3g %s per "
                 "byte memory needs %s and the %s units %s; more bandwidth or fewer bytes per "
                 "result would help and more cores would not",
                 a->gbps, 100 * mem_frac, a->peak_gbps, a->ops_per_byte, a->work.op_unit,
                 format_seconds(a->predicted_memory_s, t1, sizeof t1), a->work.op_unit,
                 format_seconds(a->predicted_ops_s, t2, sizeof t2));
    } else {
        snprintf(a->reason, sizeof a->reason,
                 "moves %.3g GB/s or %.0f%% of the %.3g GB/s memory ceiling at only %.3g %s "
                 "per byte: more cores cannot make memory faster; more bandwidth would help",
                 a->gbps, 100 * mem_frac, a->peak_gbps, a->ops_per_byte, a->work.op_unit);
    }
}

static void judge_ops(struct analysis *a, const struct kernel_input *in,
                      const struct backend_info *info, double mem_frac, double comp_frac)
{
    char b[32], t1[32], t2[32], where[96] = "";
    a->verdict = VERDICT_COMPUTE;
    if (info->cache_bytes > 0 && a->work.bytes <= info->cache_bytes)
        snprintf(where, sizeof where, " (its %s input sits in cache)",
                 format_bytes(a->work.bytes, b, sizeof b));
    if (a->predicted_ops_s <= 0 && ops_ceiling_of(in) == OPS_NONE) {
        /* Judged against memory only, and far from it. */
        a->ceiling_fraction = mem_frac;
        snprintf(a->reason, sizeof a->reason,
                 "reaches only %.0f%% of the %.3g GB/s memory ceiling and no ceiling bounds its "
                 "%ss: the instructions per byte are the limit; more cores or wider vectors "
                 "would help",
                 100 * mem_frac, a->peak_gbps, a->work.op_unit);
        return;
    }
    if (a->predicted_ops_s <= 0) {
        /* No ceiling for these operations: memory is far from its limit,
         * so the operations are what takes the time. */
        a->ceiling_fraction = 0;
        snprintf(a->reason, sizeof a->reason,
                 "%.2f G %ss/s while moving only %.3g GB/s (%.0f%% of the memory ceiling) at "
                 "%.3g %ss per byte: the %ss are the limit (no %s ceiling measured); %s",
                 a->gops, a->work.op_unit, a->gbps, 100 * mem_frac, a->ops_per_byte,
                 a->work.op_unit, a->work.op_unit, ops_ceiling_name(in), ops_help(in));
        return;
    }
    a->ceiling_fraction = comp_frac;
    snprintf(a->reason, sizeof a->reason,
             "%.2f G %s/s is %.0f%% of the %.3g G/s %s ceiling: at %.3g %s per byte the %s "
             "units need %s and memory %s%s; %s",
             a->gops, a->work.op_unit, 100 * comp_frac, a->peak_gops, ops_ceiling_name(in),
             a->ops_per_byte, a->work.op_unit, a->work.op_unit,
             format_seconds(a->predicted_ops_s, t1, sizeof t1),
             format_seconds(a->predicted_memory_s, t2, sizeof t2), where, ops_help(in));
}

/* Memory and operations predict times within 15% of each other: neither
 * alone is the limit. The verdict names the slower one. */
static void judge_both(struct analysis *a, const struct kernel_input *in, double mem_frac,
                       double comp_frac)
{
    char t1[32], t2[32];
    int memory_first = a->predicted_memory_s >= a->predicted_ops_s;
    a->near_both = 1;
    a->verdict = memory_first ? VERDICT_MEMORY : VERDICT_COMPUTE;
    a->ceiling_fraction = memory_first ? mem_frac : comp_frac;
    snprintf(a->reason, sizeof a->reason,
             "memory (%s at %.3g GB/s) and the %s units (%s at %.3g G/s) predict times within "
             "15%% of each other: both are near their limit at %.0f%% and %.0f%%; only more "
             "bandwidth and more cores together would help",
             format_seconds(a->predicted_memory_s, t1, sizeof t1), a->peak_gbps,
             ops_ceiling_name(in), format_seconds(a->predicted_ops_s, t2, sizeof t2), a->peak_gops,
             100 * mem_frac, 100 * comp_frac);
}

/* Memory- or compute-bound, judged against the measured ceilings. */
static void judge_ceilings(struct analysis *a, const struct kernel_input *in,
                           const struct backend_info *info, double mem_frac, double comp_frac)
{
    double tm = a->predicted_memory_s, to = a->predicted_ops_s;
    int in_cache = info->cache_bytes > 0 && a->work.bytes <= info->cache_bytes;
    if (tm > 0 && to > 0 && !(mem_frac > 1.0 && in_cache) &&
        (tm < to ? tm / to : to / tm) >= NEAR_FRACTION)
        judge_both(a, in, mem_frac, comp_frac);
    else if (to > 0 ? tm >= to : mem_frac >= 0.5)
        judge_memory(a, info, mem_frac);
    else
        judge_ops(a, in, info, mem_frac, comp_frac);
    /* Well above a ceiling, with data too big for any cache: the ceiling
     * was measured while something else loaded the machine. */
    int over_memory = mem_frac > STALE_CEILING_FACTOR && !in_cache;
    if ((over_memory || comp_frac > STALE_CEILING_FACTOR) &&
        kernel_spec_of(in->kernel)->declared_work) {
        /* The work is the user's declaration: a rate no hardware reaches
         * says the declaration, not the machine, is off. No share shown. */
        a->ceiling_fraction = 0;
        if (over_memory)
            snprintf(a->reason, sizeof a->reason,
                     "the declared work gives %.3g GB/s, %.0f%% of the %.3g GB/s memory "
                     "ceiling, more than the machine can move: the declared bytes (--bytes) are "
                     "probably wrong (count each byte the kernel must move once), or the ceiling "
                     "was measured on a busy machine (offload calibrate --recalibrate)",
                     a->gbps, 100 * mem_frac, a->peak_gbps);
        else
            snprintf(a->reason, sizeof a->reason,
                     "the declared work gives %.3g G %s/s, %.0f%% of the %.3g G/s %s ceiling, "
                     "more than the machine can do: the declared operations (--ops, --op) are "
                     "probably wrong (an FMA counts 2 flops), or the ceiling was measured on a "
                     "busy machine (offload calibrate --recalibrate)",
                     a->gops, a->work.op_unit, 100 * comp_frac, a->peak_gops,
                     ops_ceiling_name(in));
    } else if (over_memory || comp_frac > STALE_CEILING_FACTOR) {
        size_t used = strlen(a->reason);
        snprintf(a->reason + used, sizeof a->reason - used,
                 " (above the measured ceiling: it was probably measured on a busy machine; "
                 "run offload calibrate --recalibrate)");
    }
}

/* Across ranks: what moving the data between them costs, from the
 * measured phases only. */
static void judge_communication(struct analysis *a, const struct run_result *res, double total)
{
    char t1[32], t2[32], t3[32], t4[32], t5[32], b[32];
    double distribute = res->stats[PHASE_DISTRIBUTE].min, collect = res->stats[PHASE_COLLECT].min;
    double kernel = res->stats[PHASE_KERNEL].min, moving = distribute + collect;
    a->verdict = VERDICT_COMMUNICATION;
    a->ceiling_fraction = 0;
    snprintf(a->reason, sizeof a->reason,
             "%.0f%% of the time (%s of %s) is moving %s between %d ranks at %.3g GB/s "
             "(distribute %s and collect %s); the kernel alone takes %s (%.1fx less than the "
             "end to end): more work per byte moved would help",
             100 * a->comm_share, format_seconds(moving, t1, sizeof t1),
             format_seconds(total, t2, sizeof t2), format_bytes(a->comm_bytes, b, sizeof b),
             res->ranks, moving > 0 ? a->comm_bytes / moving / 1e9 : 0.0,
             format_seconds(distribute, t3, sizeof t3), format_seconds(collect, t4, sizeof t4),
             format_seconds(kernel, t5, sizeof t5), kernel > 0 ? total / kernel : 0.0);
}

/* What copies cost and what would help. */
static void judge_transfer(struct analysis *a, const struct backend_info *info, double copies,
                           double total, double mem_frac)
{
    char t1[32], t2[32];
    a->verdict = VERDICT_TRANSFER;
    a->ceiling_fraction = mem_frac;
    snprintf(a->reason, sizeof a->reason,
             "%.0f%% of the end-to-end time is copying data to and from the device (%s of %s); "
             "%s",
             100 * a->transfer_share, format_seconds(copies, t1, sizeof t1),
             format_seconds(total, t2, sizeof t2),
             info->unified_memory
                 ? "the device shares host memory so zero-copy (--memory zero-copy) would help"
                 : "keeping the data on the device between kernels would help");
}

/* A file kernel's bytes were assumed, not declared: say so. */
static void assumed_bytes_note(struct analysis *a, const struct kernel_input *in)
{
    if (kernel_spec_of(in->kernel)->input != INPUT_FILE || !in->file->bytes_assumed)
        return;
    size_t used = strlen(a->reason);
    snprintf(a->reason + used, sizeof a->reason - used,
             " (bytes assumed: every in buffer read once and every out buffer written once; "
             "declare --bytes when the kernel moves more)");
}

static struct analysis judge_run(const struct kernel_input *in, const struct run_result *res,
                                 const struct backend_info *info, const struct ceilings *c)
{
    double copies;
    struct analysis a = measure_rates(in, res, c, &copies);
    double kernel = res->stats[PHASE_KERNEL].min, total = res->stats[PHASE_TOTAL].min;
    double mem_frac = a.peak_gbps > 0 ? a.gbps / a.peak_gbps : 0;
    double comp_frac = a.peak_gops > 0 ? a.gops / a.peak_gops : 0;
    if (a.peak_gbps > 0)
        a.predicted_memory_s = a.work.bytes / (a.peak_gbps * 1e9);
    if (a.peak_gops > 0)
        a.predicted_ops_s = a.work.ops / (a.peak_gops * 1e9);
    if (c && c->launch_latency > 0)
        a.predicted_launch_s = c->launch_latency;

    if (res->stats[PHASE_DISTRIBUTE].n && res->stats[PHASE_COLLECT].n && total > 0) {
        a.comm_share = (res->stats[PHASE_DISTRIBUTE].min + res->stats[PHASE_COLLECT].min) / total;
        a.comm_bytes = ranks_bytes_moved(in, res->ranks);
        if (a.comm_share >= 0.5) {
            judge_communication(&a, res, total);
            return a;
        }
    }
    if (a.transfer_share >= 0.5) {
        judge_transfer(&a, info, copies, total, mem_frac);
        return a;
    }
    if (judge_launch(&a, kernel, c ? c->launch_latency : 0, info))
        return a;
    if (!c || a.peak_gbps <= 0) {
        /* No ceilings measured: judge by arithmetic intensity alone. */
        a.verdict = a.ops_per_byte < 1 ? VERDICT_MEMORY : VERDICT_COMPUTE;
        snprintf(a.reason, sizeof a.reason,
                 "%.3g %s per byte moved (no ceilings measured: run offload calibrate)",
                 a.ops_per_byte, a.work.op_unit);
        return a;
    }
    judge_ceilings(&a, in, info, mem_frac, comp_frac);
    return a;
}

struct analysis analyse_run(const struct kernel_input *in, const struct run_result *res,
                            const struct backend_info *info, const struct ceilings *c)
{
    struct analysis a = judge_run(in, res, info, c);
    assumed_bytes_note(&a, in);
    return a;
}
