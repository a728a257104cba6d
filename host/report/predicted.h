#ifndef OFFLOAD_PREDICTED_H
#define OFFLOAD_PREDICTED_H

/* Saved device runs beside what a device profile predicted for them
 * (offload report, when a row's device matches a profile's "match"). */

#include <stddef.h>
#include <stdio.h>

#include "predict.h"
#include "saved.h"

/* One line per device row of the runs whose device a profile describes:
 * measured and predicted kernel and end-to-end times and verdicts, every
 * predicted figure labelled so. Prints nothing (and returns 0) when no row
 * matches; else the number of rows shown. */
size_t report_predictions(FILE *f, const struct saved_run *runs, size_t nruns,
                          const struct device_profile *profiles, size_t nprofiles);

#endif
