#ifndef OFFLOAD_REPORT_H
#define OFFLOAD_REPORT_H

/* Human-readable output of runs and comparisons. */

#include <stddef.h>
#include <stdio.h>

#include "analysis.h"
#include "backend.h"
#include "runner.h"

/* "12.3 ms", "1.20 s", "850 us": seconds with a unit that fits. */
const char *format_seconds(double s, char *buf, size_t len);
/* "80.0 MB" (powers of 1000). */
const char *format_bytes(double bytes, char *buf, size_t len);

/* One run, as `offload run` prints it; a may be NULL (no verdict). */
void report_run(FILE *f, const char *backend_name, const struct backend_info *info,
                const struct kernel_input *in, const struct run_settings *set,
                const struct run_result *res, const struct analysis *a);

/* "moves 120 MB, 10 M sqrt, 0.083 sqrt per byte" for a kernel input. */
const char *describe_work(const struct kernel_input *in, char *buf, size_t len);

#endif
