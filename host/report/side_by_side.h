#ifndef OFFLOAD_RUNS_REPORT_H
#define OFFLOAD_RUNS_REPORT_H

/* Saved runs side by side (`offload report`, `compare --baseline`): one
 * column group per run, end-to-end speedups against the first, and the
 * rows that are not in every run listed apart. */

#include <stdio.h>

#include "export.h"
#include "match.h"
#include "saved.h"

enum offload_status report_runs(FILE *f, const struct saved_run *runs, size_t n,
                                const struct match_set *m, enum export_format format);

#endif
