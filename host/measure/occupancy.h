#ifndef OFFLOAD_OCCUPANCY_H
#define OFFLOAD_OCCUPANCY_H

/* How much of a GPU a launch can fill. A GPU hides memory and arithmetic
 * latency by keeping many work-items resident (an H200 about 270,000); a
 * launch with fewer leaves most of it idle, and then neither memory nor
 * arithmetic is the limit: occupancy is. The resident count comes from the
 * device's own description (compute units, work-group and local memory
 * limits) and, for vendors whose compute units are known, the work-items
 * one compute unit keeps in flight. */

#include <stddef.h>

#include "analysis.h"
#include "backend.h"

struct occupancy {
    double resident;      /* work-items the device keeps in flight; 0 unknown */
    double per_unit;      /* ... per compute unit */
    char basis[96];       /* where per_unit comes from ("NVIDIA Hopper: 2048 per SM") */
    int known_vendor;     /* per_unit from a vendor rule, not the lower bound */
    double work_items;    /* of the launch */
    double fraction;      /* work_items / resident, at most 1; 0 unknown */
    int local_limited;    /* the launch's local memory caps the groups per unit */
};

/* Resident work-items per compute unit of a GPU described by `name` (the
 * device's name or board) and `d`, with the basis in `basis`; 1 when a
 * vendor rule matched, 0 for the lower bound (one full work-group per
 * compute unit). */
int occupancy_per_unit(const struct device_limits *d, const char *name, double *per_unit,
                       char *basis, size_t len);

/* The occupancy of launch l on the device; resident 0 when the device is
 * no GPU or says too little (no compute units). */
struct occupancy occupancy_of(const struct device_limits *d, const char *name,
                              const struct launch_shape *l);

/* Launches that fill less than this share of a GPU are judged by
 * occupancy when the kernel is also far below its roofline. */
#define OCCUPANCY_LOW 0.25
/* "Far below": less than this share of the named ceiling (or none known). */
#define OCCUPANCY_FAR_BELOW 0.5

/* Rewrites a's verdict as occupancy-bound, with its sentence, when the
 * launch fills less than OCCUPANCY_LOW of a GPU and the kernel is far below
 * its roofline (and neither copies nor launches dominate). `help` says what
 * would give more work-items. Returns 1 when it did. */
int occupancy_judge(struct analysis *a, const struct occupancy *o, const char *help);

/* What would give kernel k more work-items, for the sentence. */
const char *occupancy_help(const struct launch_shape *l);

#endif
