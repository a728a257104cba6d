#ifndef OFFLOAD_ANALYSIS_H
#define OFFLOAD_ANALYSIS_H

/* Why a backend is as fast as it is: the work each kernel does (from the
 * kernel table), the rates a run reached, the share of the measured ceiling,
 * and a verdict with one sentence saying why. */

#include <stddef.h>

#include "backend.h"
#include "runner.h"

enum verdict {
    VERDICT_TRANSFER, /* copies to and from the device dominate */
    VERDICT_MEMORY,   /* limited by memory bandwidth */
    VERDICT_COMPUTE,  /* limited by arithmetic (sqrt, compares) */
    VERDICT_LAUNCH,   /* so little work that launch/thread overhead dominates */
    VERDICT_OCCUPANCY,    /* a GPU launch too small to fill the device (occupancy.c) */
    VERDICT_COMMUNICATION /* across MPI ranks: distributing and collecting dominate */
};

struct analysis {
    struct kernel_work work;
    double gbps; /* work.bytes / best kernel time, GB/s */
    double gops; /* work.ops / best kernel time, G/s */
    double ops_per_byte;
    double peak_gbps;        /* memory ceiling of this backend, 0 if unknown */
    double peak_gops;        /* ceiling for work.op_unit, 0 if none measured */
    double ceiling_fraction; /* share of the ceiling that limits it, 0 if unknown */
    double transfer_share;   /* copies / end-to-end time */
    double ranks_scale;      /* across ranks: the ceilings are one rank's times this */
    double comm_share;       /* across ranks: (distribute + collect) / end-to-end time */
    double comm_bytes;       /* bytes moved between ranks per call */
    /* The roofline: the kernel time each ceiling predicts (work / rate),
     * seconds; 0 when that ceiling is unknown. */
    double predicted_memory_s, predicted_ops_s, predicted_launch_s;
    int near_both; /* memory and operations predict within 15% */
    /* Across ranks (ranks_verdict.c), against rank 0 alone measured side
     * by side (run_result.alone); 0 where not measured. */
    double one_rank_total_s, one_rank_kernel_s; /* rank 0 alone, best of its runs */
    double speedup_total, speedup_kernel;        /* rank 0 alone / this run */
    double comm_gbps;                            /* bytes moved / (distribute + collect) */
    double link_gbps;         /* the link rate the verdict states */
    const char *link_source;  /* "calibrated", "measured now"; NULL on one rank */
    size_t link_message_bytes; /* the calibrated point's message size, 0 none */
    enum verdict verdict;
    char reason[1024]; /* one sentence with what would help, no commas (CSV) */
};

/* c may be NULL when no ceilings are known. The verdict names the limit
 * whose predicted time is largest (a roofline): copies when they are half
 * the end-to-end time, launches when the kernel is shorter than a few of
 * them, else memory or operations, "both" when they predict within 15%.
 * "In cache" is said only when the bytes fit info->cache_bytes. */
struct analysis analyse_run(const struct kernel_input *in, const struct run_result *res,
                            const struct backend_info *info, const struct ceilings *c);

const char *verdict_name(enum verdict v);

/* Whether the ranks on rank 0's node ask for more threads (threads each)
 * than the node has cores. */
int ranks_oversubscribed(const struct run_result *res, int threads);

struct link_calibration;
/* Across R > 1 ranks: the speedup over rank 0 alone (end to end and kernel
 * only, from res->alone), the rate the copies between ranks reached, and
 * the link's calibrated rate at the run's message size when `link` (the
 * cache, NULL when none) has it, stated in the verdict: a communication-
 * bound reason is written whole, another verdict gets the speedup sentence
 * appended. Nothing happens on one rank. threads: each rank's threads. */
void analyse_ranks(struct analysis *a, const struct kernel_input *in,
                   const struct run_result *res, int threads,
                   const struct link_calibration *link);
/* The communication-bound reason from a's figures (analyse_run calls it
 * without the link; analyse_ranks again with it). */
void ranks_communication_reason(struct analysis *a, const struct kernel_input *in,
                                const struct run_result *res, int threads,
                                const struct link_calibration *link);

/* What threads gave and what the code gave, told apart: serial against
 * the threaded backend on 1 thread (vectorisation and the loop itself) and
 * 1 thread against `threads` threads. Times are end to end, 0 where that
 * run is missing; the memory ceilings at 1 and at `threads` threads explain
 * a memory-bound kernel's thread scaling (0 unknown). */
struct scaling_split {
    double serial_s, one_thread_s, threaded_s;
    int threads;
    double one_core_gbps, all_cores_gbps;
    int memory_bound; /* the threaded run's verdict is memory-bound */
};

/* One line without a newline; "" when fewer than two of the runs exist. */
const char *explain_scaling_split(const struct scaling_split *s, char *buf, size_t cap);

#endif
