#ifndef OFFLOAD_PREDICT_H
#define OFFLOAD_PREDICT_H

/* A roofline forecast for a device this machine does not have, from a
 * device profile (data/devices/NAME.json): each number with the spec sheet
 * it comes from. Every figure it gives is a prediction and is labelled so. */

#include <stddef.h>

#include "analysis.h"
#include "backend.h"

/* One number of a profile; known 0 where the profile says null. */
struct profile_number {
    double value;
    int known;
    char source[320];
};

#define PROFILE_MATCH_MAX 4

struct device_profile {
    char short_name[32];
    char name[128];
    char match[PROFILE_MATCH_MAX][48]; /* parts of device names it describes */
    size_t nmatch;
    struct profile_number memory_gbps, fp64_tflops, fp32_tflops, sqrt_f64_gops, compare_i8_gops,
        link_gbps, link_latency_us, launch_latency_us, compute_units, resident_per_unit;
};

/* Parses a profile's JSON. OFFLOAD_OK, or OFFLOAD_ERR_USAGE with a
 * one-line reason in err (a missing or negative number, a number without
 * its source, not JSON). */
enum offload_status profile_parse(const char *text, struct device_profile *out, char *err,
                                  size_t errlen);

/* 1 when the profile describes a device of this name (its "match" list). */
int profile_matches(const struct device_profile *p, const char *device_name);

/* A float64 sqrt where the profile gives no rate: a reciprocal square root
 * seed and Newton steps, about 8 fused multiply-adds (16 flops) in the
 * vendors' maths libraries. */
#define PREDICT_FLOPS_PER_SQRT_F64 16.0
/* An int8 pair compare where no rate is given: one integer lane operation,
 * counted at half the FP32 flop rate (an FMA is two flops). */
#define PREDICT_FLOPS_PER_COMPARE 2.0

struct prediction {
    int runnable;            /* 0: the device cannot run the kernel (why_not says) */
    char why_not[320];
    double in_bytes, out_bytes;
    double copy_in_s, kernel_s, copy_out_s, total_s;
    double memory_s, ops_s, launch_s; /* the roofline's terms */
    double ops_rate;                  /* operations per second it assumed */
    int ops_rate_estimated;           /* from the flop rate, not a measured rate */
    double work_items;                /* of the GPU path's launch */
    double resident;                  /* work-items the device keeps in flight */
    double fill;                      /* work_items / resident, at most 1; 0 unknown */
    double transfer_share;            /* copies / total */
    enum verdict verdict;
};

/* The forecast for input `in` (its sizes only; no data is read) on the
 * profile's device with the GPU path's launch shape. */
struct prediction predict_run(const struct device_profile *p, const struct kernel_input *in);

/* Work-items the GPU path launches for in (see host/backends/opencl/run.c). */
double predict_gpu_work_items(const struct kernel_input *in, double compute_units);

#endif
