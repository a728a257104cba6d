#include "analysis.h"

#include <stdio.h>
#include <string.h>

#include "hostinfo.h"
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
    }
    return "?";
}

/* STREAM counts no write-allocate traffic, so a kernel with streaming
 * stores can beat the triad's figure by up to 4/3 (32 -> 24 bytes moved per
 * 24 counted); only beyond that is the measured ceiling itself suspect. */
#define STALE_MEMORY_FACTOR 1.4

/* Below this many launch latencies a device kernel is mostly overhead. */
#define LAUNCH_BOUND_FACTOR 10.0
/* A host kernel this short is dominated by starting and joining threads. */
#define HOST_OVERHEAD_SECONDS 20e-6

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
        a.peak_gbps = c->stream_triad / 1e9;
        a.peak_gops = kernel_spec_of(in->kernel)->op_ceiling == OPS_SQRT_F64 ? c->sqrt_f64 / 1e9
                                                                             : 0;
    }
    return a;
}

/* Launch-bound when the kernel is shorter than a few launches (devices) or
 * than starting threads (host); 1 when it is, with the sentence written. */
static int judge_launch(struct analysis *a, double kernel, double launch,
                        const struct backend_info *info, double mem_frac, double comp_frac)
{
    char t1[32], t2[32];
    if (!((launch > 0 && kernel < LAUNCH_BOUND_FACTOR * launch) ||
          (launch <= 0 && info->threads > 1 && kernel < HOST_OVERHEAD_SECONDS)))
        return 0;
    a->verdict = VERDICT_LAUNCH;
    a->ceiling_fraction = mem_frac > comp_frac ? mem_frac : comp_frac;
    if (launch > 0)
        snprintf(a->reason, sizeof a->reason,
                 "the kernel runs %s and launching an empty one takes %s: too little "
                 "work to pay for the launch",
                 format_seconds(kernel, t1, sizeof t1), format_seconds(launch, t2, sizeof t2));
    else
        snprintf(a->reason, sizeof a->reason,
                 "the kernel runs %s: starting and joining threads costs about as much as "
                 "the work",
                 format_seconds(kernel, t1, sizeof t1));
    return 1;
}

/* Memory- or compute-bound, judged against the measured ceilings. */
static void judge_ceilings(struct analysis *a, int sqrt_bound, double mem_frac, double comp_frac)
{
    if (sqrt_bound && comp_frac > mem_frac) {
        a->verdict = VERDICT_COMPUTE;
        a->ceiling_fraction = comp_frac;
        snprintf(a->reason, sizeof a->reason,
                 "%.2f G sqrt/s is %.0f%% of the %.2f G/s float64 sqrt ceiling at %.3g sqrt "
                 "per byte: the data sits in cache and the sqrt units are the limit",
                 a->gops, 100 * comp_frac, a->peak_gops, a->ops_per_byte);
    } else if ((sqrt_bound || mem_frac >= 0.5) && mem_frac > 1.0 &&
               a->work.bytes <= 2 * host_last_level_cache_bytes()) {
        /* Faster than main memory can deliver: the data came from cache. */
        a->verdict = VERDICT_MEMORY;
        a->ceiling_fraction = mem_frac;
        snprintf(a->reason, sizeof a->reason,
                 "moves %.3g GB/s or %.0f%% of the %.3g GB/s main-memory ceiling: its data fits "
                 "in cache so cache bandwidth is the limit",
                 a->gbps, 100 * mem_frac, a->peak_gbps);
    } else if (sqrt_bound || mem_frac >= 0.5) {
        a->verdict = VERDICT_MEMORY;
        a->ceiling_fraction = mem_frac;
        snprintf(a->reason, sizeof a->reason,
                 "moves %.3g GB/s or %.0f%% of the %.3g GB/s memory ceiling at only %.3g %s "
                 "per byte: more cores cannot make memory faster",
                 a->gbps, 100 * mem_frac, a->peak_gbps, a->ops_per_byte, a->work.op_unit);
    } else {
        /* No compare ceiling is measured, but memory is far from its limit,
         * so the compares are what takes the time. */
        a->verdict = VERDICT_COMPUTE;
        a->ceiling_fraction = 0; /* no ceiling for compares */
        snprintf(a->reason, sizeof a->reason,
                 "%.2f G %ss/s while moving only %.3g GB/s (%.0f%% of the memory ceiling) at "
                 "%.3g %ss per byte: the compares are the limit",
                 a->gops, a->work.op_unit, a->gbps, 100 * mem_frac, a->ops_per_byte,
                 a->work.op_unit);
    }
    /* Well above a ceiling, with data too big for any cache: the ceiling
     * was measured while something else loaded the machine. */
    int over_memory =
        mem_frac > STALE_MEMORY_FACTOR && a->work.bytes > 2 * host_last_level_cache_bytes();
    if (over_memory || comp_frac > 1.1) {
        size_t used = strlen(a->reason);
        snprintf(a->reason + used, sizeof a->reason - used,
                 " (above the measured ceiling: it was probably measured on a busy machine; "
                 "run offload calibrate --recalibrate)");
    }
}

struct analysis analyse_run(const struct kernel_input *in, const struct run_result *res,
                            const struct backend_info *info, const struct ceilings *c)
{
    double copies;
    struct analysis a = measure_rates(in, res, c, &copies);
    double kernel = res->stats[PHASE_KERNEL].min, total = res->stats[PHASE_TOTAL].min;
    double mem_frac = a.peak_gbps > 0 ? a.gbps / a.peak_gbps : 0;
    double comp_frac = a.peak_gops > 0 ? a.gops / a.peak_gops : 0;
    char t1[32], t2[32];

    if (a.transfer_share >= 0.5) {
        a.verdict = VERDICT_TRANSFER;
        a.ceiling_fraction = mem_frac;
        snprintf(a.reason, sizeof a.reason,
                 "%.0f%% of the end-to-end time is copying data to and from the device "
                 "(%s of %s)",
                 100 * a.transfer_share, format_seconds(copies, t1, sizeof t1),
                 format_seconds(total, t2, sizeof t2));
        return a;
    }
    if (judge_launch(&a, kernel, c ? c->launch_latency : 0, info, mem_frac, comp_frac))
        return a;
    if (!c || a.peak_gbps <= 0) {
        /* No ceilings measured: judge by arithmetic intensity alone. */
        a.verdict = a.ops_per_byte < 1 ? VERDICT_MEMORY : VERDICT_COMPUTE;
        snprintf(a.reason, sizeof a.reason,
                 "%.3g %s per byte moved (no ceilings measured: run offload calibrate)",
                 a.ops_per_byte, a.work.op_unit);
        return a;
    }
    judge_ceilings(&a, kernel_spec_of(in->kernel)->op_ceiling == OPS_SQRT_F64, mem_frac,
                   comp_frac);
    return a;
}
