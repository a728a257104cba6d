#include "analysis.h"

#include <math.h>
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
    case VERDICT_OCCUPANCY:
        return "occupancy-bound";
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
/* How many times one rank's ceilings R ranks can reach: R, less where the
 * ranks of a node ask for more threads than it has cores (oversubscribed
 * ranks share cores, not add them). */
int ranks_oversubscribed(const struct run_result *res, int threads)
{
    int on_node = res->ranks_on_node > 0 ? res->ranks_on_node : res->ranks;
    return res->load.cores > 0 && on_node * (threads > 0 ? threads : 1) > res->load.cores;
}

static double ranks_scale(const struct run_result *res, int threads)
{
    if (res->ranks <= 1)
        return 1;
    int on_node = res->ranks_on_node > 0 ? res->ranks_on_node : res->ranks;
    double nodes = (double)res->ranks / on_node, per_rank = threads > 0 ? threads : 1;
    double fit = on_node;
    if (ranks_oversubscribed(res, threads))
        fit = fmax(1, res->load.cores / per_rank);
    return nodes * fit;
}

static struct analysis measure_rates(const struct kernel_input *in, const struct run_result *res,
                                     const struct ceilings *c, int threads, double *copies)
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
        /* Across ranks the ceilings are one rank's backend and the rates the
         * whole job's: R ranks, each on its own backend, can reach R times
         * them (a kernel at 198% of one rank's ceiling is not over it), as
         * far as the node's cores go. */
        a.ranks_scale = ranks_scale(res, threads);
        a.peak_gbps *= a.ranks_scale;
        a.peak_gops *= a.ranks_scale;
    }
    return a;
}

/* Two limits whose predicted times are this close are both candidates. */
#define SIMILAR_FRACTION 0.85
/* A limit is called "near" only when the run uses at least this share of
 * it; below, something else (latency, the loop, a busy machine) takes the
 * rest and the sentence says so instead. */
#define NEAR_LIMIT 0.80

/* "" or a note explaining a share above 100% (every such share printed in a
 * sentence comes with why), appended to the reason. */
static void explain_over_ceiling(struct analysis *a, double frac, int in_cache, const char *limit)
{
    if (frac <= 1.0)
        return;
    size_t used = strlen(a->reason);
    if (in_cache)
        snprintf(a->reason + used, sizeof a->reason - used,
                 " (above 100%% of the %s ceiling because the data came from cache)", limit);
    else if (frac <= STALE_CEILING_FACTOR)
        snprintf(a->reason + used, sizeof a->reason - used,
                 " (above 100%% of the %s ceiling within run-to-run noise)", limit);
    else
        snprintf(a->reason + used, sizeof a->reason - used,
                 " (above 100%% of the %s ceiling: it was probably measured on a busy machine; "
                 "run offload calibrate --recalibrate)",
                 limit);
}

/* Appends "; a better algorithm (--algorithm fast) would do Nx less work"
 * when the naive algorithm runs and a fast one exists; never advises the
 * algorithm in use. */
static void advise_algorithm(struct analysis *a, const struct kernel_input *in)
{
    const struct kernel_spec *spec = kernel_spec_of(in->kernel);
    if (in->alg != ALG_NAIVE || !spec->has_fast)
        return;
    struct kernel_input fast = *in;
    fast.alg = ALG_FAST;
    double fast_ops = kernel_work_of(&fast).ops;
    size_t used = strlen(a->reason);
    if (fast_ops > 0 && a->work.ops > fast_ops)
        snprintf(a->reason + used, sizeof a->reason - used,
                 "; a better algorithm (--algorithm fast) does %.3gx fewer %ss",
                 a->work.ops / fast_ops, a->work.op_unit);
}

/* Launch-bound when the kernel is shorter than a few launches (devices) or
 * than starting threads (host); 1 when it is, with the sentence written.
 * There is no share of a ceiling: the limit is the launch itself. */
static int judge_launch(struct analysis *a, double kernel, double launch,
                        const struct backend_info *info)
{
    char t1[32], t2[32];
    if (!((launch > 0 && kernel < LAUNCH_BOUND_FACTOR * launch) ||
          (launch <= 0 && info->threads > 1 && kernel < HOST_OVERHEAD_SECONDS)))
        return 0;
    a->verdict = VERDICT_LAUNCH;
    a->ceiling_fraction = 0;
    if (launch > 0)
        snprintf(a->reason, sizeof a->reason,
                 "the kernel runs %s and launching an empty one takes %s: too little work to "
                 "pay for the launch; a bigger N (more work per launch) would help",
                 format_seconds(kernel, t1, sizeof t1), format_seconds(launch, t2, sizeof t2));
    else
        snprintf(a->reason, sizeof a->reason,
                 "the kernel runs %s: starting and joining %d threads costs about as much as "
                 "the work; a bigger N or fewer threads would help",
                 format_seconds(kernel, t1, sizeof t1), info->threads);
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

/* Memory predicts the longest time. "Near" and "more cores would not"
 * only when the run uses >= NEAR_LIMIT of the bandwidth. */
static void judge_memory(struct analysis *a, const struct backend_info *info, double mem_frac)
{
    char b[32], t1[32], t2[32], ops[160] = "";
    a->verdict = VERDICT_MEMORY;
    a->ceiling_fraction = mem_frac;
    int in_cache = info->cache_bytes > 0 && a->work.bytes <= info->cache_bytes;
    if (mem_frac > 1.0 && in_cache) {
        /* Faster than main memory can deliver: the data came from cache,
         * whose bandwidth is not measured: no share is shown. */
        a->ceiling_fraction = 0;
        snprintf(a->reason, sizeof a->reason,
                 "moves %.3g GB/s or %.0f%% of the %.3g GB/s main-memory ceiling (above 100%% "
                 "because its %s working set fits in cache): cache bandwidth is the limit; a "
                 "bigger N would show main memory",
                 a->gbps, 100 * mem_frac, a->peak_gbps, format_bytes(a->work.bytes, b, sizeof b));
        return;
    }
    if (a->predicted_ops_s > 0)
        snprintf(ops, sizeof ops, " (at %.3g %s per byte memory needs %s and the %s units %s)",
                 a->ops_per_byte, a->work.op_unit,
                 format_seconds(a->predicted_memory_s, t1, sizeof t1), a->work.op_unit,
                 format_seconds(a->predicted_ops_s, t2, sizeof t2));
    else
        snprintf(ops, sizeof ops, " at only %.3g %s per byte", a->ops_per_byte, a->work.op_unit);
    if (mem_frac >= NEAR_LIMIT)
        snprintf(a->reason, sizeof a->reason,
                 "moves %.3g GB/s: memory is near its limit (%.0f%% of the %.3g GB/s ceiling)%s; "
                 "more bandwidth or fewer bytes per result would help and more cores would not",
                 a->gbps, 100 * mem_frac, a->peak_gbps, ops);
    else
        snprintf(a->reason, sizeof a->reason,
                 "moves %.3g GB/s or %.0f%% of the %.3g GB/s memory ceiling%s: memory predicts "
                 "the longest time but the run stays well below it; latency or too few loads "
                 "in flight lose the rest",
                 a->gbps, 100 * mem_frac, a->peak_gbps, ops);
    explain_over_ceiling(a, mem_frac, 0, "memory");
}

/* The operations predict the longest time (or no ceiling bounds them).
 * "More cores would help" only when the operation units are near their
 * ceiling and memory leaves room, with how much. */
static void judge_compute(struct analysis *a, const struct kernel_input *in,
                          const struct backend_info *info, double kernel, double mem_frac,
                          double comp_frac)
{
    char b[32], t1[32], t2[32], where[96] = "";
    a->verdict = VERDICT_COMPUTE;
    int in_cache = info->cache_bytes > 0 && a->work.bytes <= info->cache_bytes;
    if (in_cache)
        snprintf(where, sizeof where, " (its %s input sits in cache)",
                 format_bytes(a->work.bytes, b, sizeof b));
    if (a->predicted_ops_s <= 0) {
        /* No ceiling bounds these operations: memory is far from its
         * limit, so the operations take the time; no share is shown since
         * the limit named was not measured. */
        a->ceiling_fraction = 0;
        char none[64];
        if (ops_ceiling_of(in) == OPS_NONE)
            snprintf(none, sizeof none, "no ceiling bounds its %ss", a->work.op_unit);
        else
            snprintf(none, sizeof none, "no %s ceiling was measured", ops_ceiling_name(in));
        snprintf(a->reason, sizeof a->reason,
                 "%.3g G %ss/s while memory is at %.0f%% of its %.3g GB/s ceiling%s: the %ss "
                 "take the time (%s so how close they are to a limit is not known)",
                 a->gops, a->work.op_unit, 100 * mem_frac, a->peak_gbps, where, a->work.op_unit,
                 none);
        explain_over_ceiling(a, mem_frac, in_cache, "memory");
        advise_algorithm(a, in);
        return;
    }
    a->ceiling_fraction = comp_frac;
    if (comp_frac >= NEAR_LIMIT) {
        double room = a->predicted_memory_s > 0 ? kernel / a->predicted_memory_s : 0;
        char more[160];
        if (room > 1.0 / NEAR_LIMIT)
            snprintf(more, sizeof more,
                     "more cores or wider vectors would help up to %.3gx before memory (%s) "
                     "limits",
                     room, format_seconds(a->predicted_memory_s, t1, sizeof t1));
        else
            snprintf(more, sizeof more, "faster %s units would help little before memory limits",
                     a->work.op_unit);
        snprintf(a->reason, sizeof a->reason,
                 "%.3g G %s/s: the %s units are near their limit (%.0f%% of the %.3g G/s %s "
                 "ceiling) while memory is at %.0f%%%s; %s",
                 a->gops, a->work.op_unit, a->work.op_unit, 100 * comp_frac, a->peak_gops,
                 ops_ceiling_name(in), 100 * mem_frac, where, more);
    } else {
        snprintf(a->reason, sizeof a->reason,
                 "%.3g G %s/s is %.0f%% of the %.3g G/s %s ceiling and memory is at %.0f%%%s: "
                 "the %s units predict the longest time (%s against memory's %s) but the run "
                 "stays well below them; the loop itself (dependencies or unvectorised code) "
                 "loses the rest",
                 a->gops, a->work.op_unit, 100 * comp_frac, a->peak_gops, ops_ceiling_name(in),
                 100 * mem_frac, where, a->work.op_unit,
                 format_seconds(a->predicted_ops_s, t1, sizeof t1),
                 format_seconds(a->predicted_memory_s, t2, sizeof t2));
    }
    explain_over_ceiling(a, comp_frac, 0, ops_ceiling_name(in));
    explain_over_ceiling(a, mem_frac, in_cache, "memory");
    advise_algorithm(a, in);
}

/* Memory and operations predict times within 15% of each other: neither
 * alone is the limit. The verdict names the slower one; "near" only for a
 * limit the run uses >= NEAR_LIMIT of. */
static void judge_both(struct analysis *a, const struct kernel_input *in, double mem_frac,
                       double comp_frac)
{
    char t1[32], t2[32], head[224];
    int memory_first = a->predicted_memory_s >= a->predicted_ops_s;
    a->near_both = 1;
    a->verdict = memory_first ? VERDICT_MEMORY : VERDICT_COMPUTE;
    a->ceiling_fraction = memory_first ? mem_frac : comp_frac;
    snprintf(head, sizeof head,
             "memory (%s at %.3g GB/s) and the %s units (%s at %.3g G/s) predict times within "
             "15%% of each other",
             format_seconds(a->predicted_memory_s, t1, sizeof t1), a->peak_gbps,
             ops_ceiling_name(in), format_seconds(a->predicted_ops_s, t2, sizeof t2),
             a->peak_gops);
    int mem_near = mem_frac >= NEAR_LIMIT, ops_near = comp_frac >= NEAR_LIMIT;
    if (mem_near && ops_near)
        snprintf(a->reason, sizeof a->reason,
                 "%s: both are near their limit at %.0f%% and %.0f%%; only more bandwidth and "
                 "more cores together would help",
                 head, 100 * mem_frac, 100 * comp_frac);
    else if (mem_near || ops_near)
        snprintf(a->reason, sizeof a->reason,
                 "%s: %s is near its limit at %.0f%% and %s at %.0f%%; easing one alone gains "
                 "little",
                 head, mem_near ? "memory" : "the units", 100 * (mem_near ? mem_frac : comp_frac),
                 mem_near ? "the units" : "memory", 100 * (mem_near ? comp_frac : mem_frac));
    else
        snprintf(a->reason, sizeof a->reason,
                 "%s but the run reaches only %.0f%% and %.0f%% of them: neither limit is "
                 "reached; latency or the loop itself loses the rest",
                 head, 100 * mem_frac, 100 * comp_frac);
    explain_over_ceiling(a, mem_frac, 0, "memory");
    explain_over_ceiling(a, comp_frac, 0, ops_ceiling_name(in));
}

/* Memory- or compute-bound, judged against the measured ceilings. */
static void judge_ceilings(struct analysis *a, const struct kernel_input *in,
                           const struct backend_info *info, double kernel, double mem_frac,
                           double comp_frac)
{
    double tm = a->predicted_memory_s, to = a->predicted_ops_s;
    int in_cache = info->cache_bytes > 0 && a->work.bytes <= info->cache_bytes;
    if (tm > 0 && to > 0 && !(mem_frac > 1.0 && in_cache) &&
        (tm < to ? tm / to : to / tm) >= SIMILAR_FRACTION)
        judge_both(a, in, mem_frac, comp_frac);
    else if (to > 0 ? tm >= to : mem_frac >= 0.5)
        judge_memory(a, info, mem_frac);
    else
        judge_compute(a, in, info, kernel, mem_frac, comp_frac);
    /* A rate no hardware reaches on work the user declared: the declaration,
     * not the machine, is off. No share shown. */
    int over_memory = mem_frac > STALE_CEILING_FACTOR && !in_cache;
    if ((over_memory || comp_frac > STALE_CEILING_FACTOR) &&
        kernel_spec_of(in->kernel)->declared_work) {
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
    }
}

/* Bytes copied in and out: the input the kernel reads and the output it
 * writes (the kernel table's bytes are exactly these two). */
static double copy_seconds_predicted(const struct kernel_input *in, const struct analysis *a,
                                     const struct ceilings *c, enum offload_memory_mode mode)
{
    if (!c || c->transfer[mode].to_device <= 0 || c->transfer[mode].from_device <= 0)
        return 0;
    double out = (double)kernel_output_bytes(in), inb = a->work.bytes - out;
    return (inb > 0 ? inb : 0) / c->transfer[mode].to_device + out / c->transfer[mode].from_device;
}

/* What copies cost, the share of the measured transfer rate they reach,
 * and what would help (never the memory mode already in use). */
static void judge_transfer(struct analysis *a, const struct kernel_input *in,
                           const struct backend_info *info, const struct ceilings *c,
                           double copies, double total)
{
    char t1[32], t2[32], help[160];
    a->verdict = VERDICT_TRANSFER;
    enum offload_memory_mode mode = info->has_memory_mode ? info->memory_mode : MEM_COPY;
    double predicted = copy_seconds_predicted(in, a, c, mode);
    double frac = predicted > 0 && copies > 0 ? predicted / copies : 0;
    a->ceiling_fraction = frac;
    double pinned = copy_seconds_predicted(in, a, c, MEM_PINNED);
    if (info->unified_memory && mode != MEM_ZERO_COPY)
        snprintf(help, sizeof help,
                 "the device shares host memory so zero-copy (--memory zero-copy) would help");
    else if (mode == MEM_COPY && pinned > 0 && predicted > 0 && pinned < NEAR_LIMIT * predicted)
        snprintf(help, sizeof help,
                 "pinned buffers (--memory pinned) copy %.3gx faster here and would help",
                 predicted / pinned);
    else if (mode == MEM_ZERO_COPY)
        snprintf(help, sizeof help,
                 "mapping the shared buffers costs more than the kernel: a bigger N per call "
                 "would help");
    else
        snprintf(help, sizeof help, "keeping the data on the device between kernels would help");
    char rate[96] = "";
    if (frac > 0)
        snprintf(rate, sizeof rate, " at %.0f%% of the measured %s transfer rate",
                 100 * frac, memory_mode_name(mode));
    snprintf(a->reason, sizeof a->reason,
             "%.0f%% of the end-to-end time is copying data to and from the device (%s of "
             "%s%s); %s",
             100 * a->transfer_share, format_seconds(copies, t1, sizeof t1),
             format_seconds(total, t2, sizeof t2), rate, help);
    explain_over_ceiling(a, frac, 0, "transfer");
}

/* No ceilings measured: judged by arithmetic intensity alone, no share. */
static void judge_without_ceilings(struct analysis *a)
{
    a->verdict = a->ops_per_byte < 1 ? VERDICT_MEMORY : VERDICT_COMPUTE;
    a->ceiling_fraction = 0;
    snprintf(a->reason, sizeof a->reason,
             "%.3g %s per byte moved (no ceilings measured: run offload calibrate)",
             a->ops_per_byte, a->work.op_unit);
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
    struct analysis a = measure_rates(in, res, c, info ? info->threads : 1, &copies);
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
            a.verdict = VERDICT_COMMUNICATION;
            a.ceiling_fraction = 0;
            ranks_communication_reason(&a, in, res, 0, NULL);
            return a;
        }
    }
    if (a.transfer_share >= 0.5) {
        judge_transfer(&a, in, info, c, copies, total);
        return a;
    }
    if (judge_launch(&a, kernel, c ? c->launch_latency : 0, info))
        return a;
    if (!c || a.peak_gbps <= 0) {
        judge_without_ceilings(&a);
        return a;
    }
    judge_ceilings(&a, in, info, kernel, mem_frac, comp_frac);
    return a;
}

struct analysis analyse_run(const struct kernel_input *in, const struct run_result *res,
                            const struct backend_info *info, const struct ceilings *c)
{
    struct analysis a = judge_run(in, res, info, c);
    assumed_bytes_note(&a, in);
    return a;
}

const char *explain_scaling_split(const struct scaling_split *s, char *buf, size_t cap)
{
    buf[0] = 0;
    if (s->threaded_s <= 0 || s->threads < 2 || (s->serial_s <= 0 && s->one_thread_s <= 0))
        return buf;
    size_t used = 0;
    int w;
    if (s->serial_s > 0)
        w = snprintf(buf, cap, "on %d threads %.3gx serial", s->threads,
                     s->serial_s / s->threaded_s);
    else
        w = snprintf(buf, cap, "on %d threads", s->threads);
    used += w > 0 ? (size_t)w : 0;
    if (s->one_thread_s > 0 && used < cap) {
        if (s->serial_s > 0)
            w = snprintf(buf + used, cap - used,
                         ": %.3gx from the code (serial against 1 thread: vectorisation and the "
                         "loop) and %.3gx from threads (1 to %d)",
                         s->serial_s / s->one_thread_s, s->one_thread_s / s->threaded_s,
                         s->threads);
        else
            w = snprintf(buf + used, cap - used, ": %.3gx from threads (1 to %d)",
                         s->one_thread_s / s->threaded_s, s->threads);
        used += w > 0 ? (size_t)w : 0;
    }
    if (s->memory_bound && s->one_core_gbps > s->all_cores_gbps && s->all_cores_gbps > 0 &&
        used < cap) {
        /* A ceiling measured on a busy machine: no reason can be drawn. */
        snprintf(buf + used, cap - used,
                 "; the memory ceilings disagree (1 thread %.3g GB/s above %d threads' %.3g): "
                 "run offload calibrate --recalibrate on a quiet machine",
                 s->one_core_gbps, s->threads, s->all_cores_gbps);
    } else if (s->memory_bound && s->one_core_gbps > 0 && s->all_cores_gbps > 0 && used < cap) {
        double ratio = s->all_cores_gbps / s->one_core_gbps;
        int saturate = (int)(ratio + 0.999);
        if (saturate < 1)
            saturate = 1;
        snprintf(buf + used, cap - used,
                 "; memory-bound: one core reaches %.3g of the %.3g GB/s that %d threads reach "
                 "so threads can give up to %.2gx here and memory saturates at about %d "
                 "thread%s",
                 s->one_core_gbps, s->all_cores_gbps, s->threads, ratio, saturate,
                 saturate == 1 ? "" : "s");
    }
    return buf;
}
