/* Occupancy: how much of a GPU a launch can fill (see occupancy.h). */
#include "occupancy.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

/* Case-insensitive "does text contain word"; "" is in every text. */
static int has(const char *text, const char *word)
{
    size_t n = strlen(word);
    if (n == 0)
        return 1;
    for (const char *p = text; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)word[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* One vendor rule: the name or board holds one of `names`; a compute unit
 * keeps per_unit work-items in flight. */
struct resident_rule {
    const char *vendor;  /* part of CL_DEVICE_VENDOR */
    const char *names[10];
    double per_unit;
    const char *basis;
};

/* From the vendors' architecture documents: NVIDIA's CUDA C Programming
 * Guide, table "Technical Specifications per Compute Capability" (maximum
 * resident threads per SM: 2048 for 7.0, 8.0 and 9.0, 1536 for 8.6/8.9,
 * 1024 for 7.5); AMD's rocminfo "Max Work-item Per CU" (2048 on gfx90a and
 * gfx942, 2560 on gfx906 and gfx908, 1024 on RDNA gfx10-12); Intel's GPU
 * optimization guide (an EU runs 7 threads on Gen9-Xe-LP and 8 on Xe-HPG,
 * SIMD16 typical, and OpenCL counts EUs as compute units). The first rule
 * that matches wins, so specific names come before a vendor's default. */
static const struct resident_rule rules[] = {
    {"NVIDIA", {"H100", "H200", "H800", "GH200", "H20", "A100", "A800", "A30", "V100", "B200"},
     2048, "NVIDIA data-centre SM: 2048 threads"},
    {"NVIDIA", {"RTX 30", "RTX 40", "RTX 50", "RTX A", "L40", "L4", "A10", "A40", "A16", "A2"},
     1536, "NVIDIA GA10x/AD10x SM: 1536 threads"},
    {"NVIDIA", {"RTX 20", "T4", "GTX 16", "Quadro RTX", "TITAN RTX"}, 1024,
     "NVIDIA Turing SM: 1024 threads"},
    {"NVIDIA", {""}, 2048, "NVIDIA SM: 2048 threads"},
    {"Advanced Micro Devices", {"gfx90a", "gfx94", "gfx95", "MI2", "MI3"}, 2048,
     "AMD CDNA2/3 CU: 2048 work-items"},
    {"Advanced Micro Devices", {"gfx906", "gfx908", "gfx900", "MI100", "MI50", "MI60", "MI25", "Vega"},
     2560, "AMD GCN/CDNA1 CU: 2560 work-items"},
    {"Advanced Micro Devices", {"gfx10", "gfx11", "gfx12", "Radeon"}, 1024,
     "AMD RDNA CU: 1024 work-items"},
    {"Advanced Micro Devices", {""}, 2048, "AMD CU: 2048 work-items"},
    {"Intel", {"Arc", "Data Center GPU", "DG2"}, 128, "Intel Xe-HPG EU: 8 threads x SIMD16"},
    {"Intel", {""}, 112, "Intel Gen9-Xe-LP EU: 7 threads x SIMD16"},
};

int occupancy_per_unit(const struct device_limits *d, const char *name, double *per_unit,
                       char *basis, size_t len)
{
    for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
        if (!has(d->vendor, rules[r].vendor))
            continue;
        for (size_t i = 0; i < sizeof rules[r].names / sizeof rules[r].names[0]; i++) {
            const char *n = rules[r].names[i];
            if (!n)
                break;
            if (has(name, n) || has(d->board, n)) {
                *per_unit = rules[r].per_unit;
                snprintf(basis, len, "%s", rules[r].basis);
                return 1;
            }
        }
    }
    /* An unknown GPU holds at least one full work-group per compute unit. */
    *per_unit = (double)(d->max_work_group ? d->max_work_group : 1);
    snprintf(basis, len, "at least one work-group of %zu per compute unit", d->max_work_group);
    return 0;
}

struct occupancy occupancy_of(const struct device_limits *d, const char *name,
                              const struct launch_shape *l)
{
    struct occupancy o = {0};
    o.work_items = (double)launch_work_items(l);
    if (!d->gpu || d->compute_units == 0)
        return o;
    o.known_vendor = occupancy_per_unit(d, name, &o.per_unit, o.basis, sizeof o.basis);
    /* A launch whose groups use local memory fits only so many groups in a
     * compute unit's local memory. */
    size_t group = l->dims ? l->local[0] * (l->dims == 2 ? l->local[1] : 1) : 0;
    if (l->local_bytes && group && d->local_mem_bytes > 0) {
        double groups = floor(d->local_mem_bytes / (double)l->local_bytes);
        if (groups * (double)group < o.per_unit) {
            o.per_unit = groups * (double)group;
            o.local_limited = 1;
        }
    }
    o.resident = o.per_unit * d->compute_units;
    if (o.resident > 0 && o.work_items > 0)
        o.fraction = fmin(1.0, o.work_items / o.resident);
    return o;
}

const char *occupancy_help(const struct launch_shape *l)
{
    /* The CPU shapes have a GPU twin; the GPU shapes only grow with N. */
    if (strcmp(l->kernel, "scores_naive") == 0)
        return "more work-items (a work-group per row: --opencl-path gpu) would help";
    if (strcmp(l->kernel, "sumsqrt_naive") == 0)
        return "more work-items (the sum split over i and j: --opencl-path gpu) would help";
    if (strcmp(l->kernel, "sqrt_f64") == 0)
        return "more work-items (--opencl-path gpu) would help";
    return "a larger input (more work-items) would help";
}

/* "270k", "1,286", "2.1M": counts people read at a glance. */
static const char *count_text(double x, char *buf, size_t len)
{
    if (x >= 1e6)
        snprintf(buf, len, "%.1fM", x / 1e6);
    else if (x >= 1e5)
        snprintf(buf, len, "%.0fk", x / 1e3);
    else if (x >= 1e3)
        snprintf(buf, len, "%.0f,%03.0f", floor(x / 1e3), fmod(x, 1e3));
    else
        snprintf(buf, len, "%.0f", x);
    return buf;
}

int occupancy_judge(struct analysis *a, const struct occupancy *o, const char *help)
{
    if (!(o->resident > 0) || !(o->fraction > 0) || o->fraction >= OCCUPANCY_LOW)
        return 0;
    if (a->verdict == VERDICT_TRANSFER || a->verdict == VERDICT_LAUNCH)
        return 0;
    if (a->ceiling_fraction >= OCCUPANCY_FAR_BELOW)
        return 0;
    char items[32], resident[32];
    count_text(o->work_items, items, sizeof items);
    count_text(o->resident, resident, sizeof resident);
    double pct = 100 * o->fraction;
    snprintf(a->reason, sizeof a->reason,
             "occupancy-bound: %s work-items fill %.*f%% of the device's %s%s resident threads "
             "(%s%s); %s",
             items, pct < 10 ? 1 : 0, pct, o->known_vendor ? "~" : "at least ", resident,
             o->basis, o->local_limited ? ", fewer for this launch's local memory" : "", help);
    a->verdict = VERDICT_OCCUPANCY;
    return 1;
}
