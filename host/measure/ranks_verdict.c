/* The verdict across ranks, from what the run measured: the speedup over
 * rank 0 alone (timed side by side, run_result.alone), the share of the
 * time moving data between ranks and the rate it reached, and the link's
 * calibrated rate when offload calibrate measured it under mpirun. */
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "link_cache.h"
#include "units.h"

/* What a speedup of one rank's time over R ranks' is called. */
static double ratio(double one_rank, double ranks)
{
    return one_rank > 0 && ranks > 0 ? one_rank / ranks : 0;
}

/* The figures of the verdict, from the run (and the cached link). */
static void ranks_figures(struct analysis *a, const struct kernel_input *in,
                          const struct run_result *res, const struct link_calibration *link)
{
    double moving = res->stats[PHASE_DISTRIBUTE].min + res->stats[PHASE_COLLECT].min;
    a->comm_bytes = ranks_bytes_moved(in, res->ranks);
    a->comm_gbps = moving > 0 ? a->comm_bytes / moving / 1e9 : 0;
    a->link_gbps = a->comm_gbps;
    a->link_source = "measured now";
    a->link_message_bytes = 0;
    /* One rank's share of what moves: the size of a message between ranks. */
    double message = res->ranks > 1 ? a->comm_bytes / (res->ranks - 1) : 0;
    size_t at = 0;
    double calibrated = link ? link_rate_for(link, message, &at) : 0;
    if (calibrated > 0) {
        a->link_gbps = calibrated / 1e9;
        a->link_source = "calibrated";
        a->link_message_bytes = at;
    }
    if (res->alone.samples) {
        a->one_rank_total_s = res->alone.total.min;
        a->one_rank_kernel_s = res->alone.kernel.min;
        a->speedup_total = ratio(res->alone.total.min, res->stats[PHASE_TOTAL].min);
        a->speedup_kernel = ratio(res->alone.kernel.min, res->stats[PHASE_KERNEL].min);
    }
}

/* Appends printf text to a->reason, as far as it fits. */
#define APPEND(a, ...)                                                                             \
    do {                                                                                           \
        size_t used_ = strlen((a)->reason);                                                        \
        if (used_ < sizeof (a)->reason)                                                            \
            snprintf((a)->reason + used_, sizeof (a)->reason - used_, __VA_ARGS__);                \
    } while (0)

/* "; 2 ranks give 1.93x end to end (kernel 1.98x) over rank 0 alone,
 * measured side by side", or what the ranks cost when they are slower. */
static void speedup_sentence(struct analysis *a, const struct kernel_input *in,
                             const struct run_result *res, int threads)
{
    if (!(a->speedup_total > 0) && kernel_spec_of(in->kernel)->input == INPUT_GENOTYPES &&
        in->matrix->part) {
        APPEND(a, "; each rank read only its own rows of the table so there is no one-rank "
                  "baseline: no speedup is claimed");
        return;
    }
    if (!(a->speedup_total > 0)) {
        APPEND(a, "; no one-rank baseline was timed (--no-one-rank): no speedup is claimed");
        return;
    }
    if (a->speedup_total >= 1)
        APPEND(a, "; %d ranks give %.2fx end to end (kernel %.2fx) over rank 0 alone", res->ranks,
               a->speedup_total, a->speedup_kernel);
    else
        APPEND(a, "; %d ranks are %.2fx of rank 0 alone end to end (kernel %.2fx)", res->ranks,
               a->speedup_total, a->speedup_kernel);
    APPEND(a, " measured side by side");
    if (a->speedup_total < 1) {
        if (a->comm_share >= 0.25)
            APPEND(a, ": the copies between ranks cost more than the split work saves");
        else if (a->speedup_kernel < 1)
            APPEND(a, ": the split kernel itself is slower than the whole on one rank");
    }
    int per_rank = threads > 0 ? threads : 1;
    if (ranks_oversubscribed(res, threads))
        APPEND(a, "; %d ranks x %d thread%s share this node's %d cores", res->ranks_on_node,
               per_rank, per_rank == 1 ? "" : "s", res->load.cores);
    if (res->load.busy)
        APPEND(a, "; the machine was busy (other processes used %.0f%% of the cores): the "
                  "ratio is rough",
               100 * res->load.others_share);
}

void ranks_communication_reason(struct analysis *a, const struct kernel_input *in,
                                const struct run_result *res, int threads,
                                const struct link_calibration *link)
{
    ranks_figures(a, in, res, link);
    char t1[32], t2[32], t3[32], t4[32], b[32], m[32];
    double distribute = res->stats[PHASE_DISTRIBUTE].min, collect = res->stats[PHASE_COLLECT].min;
    double total = res->stats[PHASE_TOTAL].min;
    snprintf(a->reason, sizeof a->reason,
             "%.0f%% of the time (%s of %s) is moving %s between %d ranks at %.3g GB/s "
             "(distribute %s and collect %s)",
             100 * a->comm_share, format_seconds(distribute + collect, t1, sizeof t1),
             format_seconds(total, t2, sizeof t2), format_bytes(a->comm_bytes, b, sizeof b),
             res->ranks, a->comm_gbps, format_seconds(distribute, t3, sizeof t3),
             format_seconds(collect, t4, sizeof t4));
    if (a->link_source && strcmp(a->link_source, "calibrated") == 0 && a->link_gbps > 0)
        APPEND(a, " (%.0f%% of the link's calibrated %.3g GB/s at %s messages)",
               100 * a->comm_gbps / a->link_gbps, a->link_gbps,
               format_bytes((double)a->link_message_bytes, m, sizeof m));
    speedup_sentence(a, in, res, threads);
    if (a->speedup_kernel > 1)
        APPEND(a, "; the kernel alone would be %.2fx faster on %d ranks", a->speedup_kernel,
               res->ranks);
    else if (!(a->speedup_kernel > 0) && res->stats[PHASE_KERNEL].min > 0)
        APPEND(a, "; the kernel phase takes %s", format_seconds(res->stats[PHASE_KERNEL].min, t1,
                                                                 sizeof t1));
    APPEND(a, ": more work per byte moved would help");
}

void analyse_ranks(struct analysis *a, const struct kernel_input *in,
                   const struct run_result *res, int threads,
                   const struct link_calibration *link)
{
    if (res->ranks <= 1 || !res->stats[PHASE_DISTRIBUTE].n || !res->stats[PHASE_COLLECT].n)
        return;
    if (a->verdict == VERDICT_COMMUNICATION) {
        ranks_communication_reason(a, in, res, threads, link);
        return;
    }
    ranks_figures(a, in, res, link);
    if ((a->peak_gbps > 0 || a->peak_gops > 0) && a->ranks_scale < res->ranks)
        APPEND(a, " (the ceilings are one rank's times %.3g: %d ranks share the node's %d cores)",
               a->ranks_scale, res->ranks, res->load.cores);
    else if (a->peak_gbps > 0 || a->peak_gops > 0)
        APPEND(a, " (the ceilings are one rank's times %d ranks)", res->ranks);
    speedup_sentence(a, in, res, threads);
}
