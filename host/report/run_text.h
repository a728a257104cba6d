#ifndef OFFLOAD_REPORT_H
#define OFFLOAD_REPORT_H

/* Human-readable output of runs and comparisons. */

#include <stddef.h>
#include <stdio.h>

#include "analysis.h"
#include "backend.h"
#include "runner.h"
#include "units.h"

/* One run, as `offload run` prints it; a may be NULL (no verdict); launch
 * says how the kernel was launched ("" for host threads, described from
 * info). */
void report_run(FILE *f, const char *backend_name, const struct backend_info *info,
                const char *launch, const struct kernel_input *in,
                const struct run_settings *set, const struct run_result *res,
                const struct analysis *a);

/* "moves 120 MB, 10 M sqrt, 0.083 sqrt per byte" for a kernel input. */
const char *describe_work(const struct kernel_input *in, char *buf, size_t len);

#endif
