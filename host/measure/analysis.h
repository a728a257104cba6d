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
    VERDICT_LAUNCH    /* so little work that launch/thread overhead dominates */
};

struct analysis {
    struct kernel_work work;
    double gbps;             /* work.bytes / best kernel time, GB/s */
    double gops;             /* work.ops / best kernel time, G/s */
    double ops_per_byte;
    double peak_gbps;        /* memory ceiling of this backend, 0 if unknown */
    double peak_gops;        /* ceiling for work.op_unit, 0 if none measured */
    double ceiling_fraction; /* share of the ceiling that limits it, 0 if unknown */
    double transfer_share;   /* copies / end-to-end time */
    enum verdict verdict;
    char reason[384];        /* one sentence, no commas (CSV friendly) */
};

/* c may be NULL when no ceilings are known. */
struct analysis analyse_run(const struct kernel_input *in, const struct run_result *res,
                            const struct backend_info *info, const struct ceilings *c);

const char *verdict_name(enum verdict v);

#endif
