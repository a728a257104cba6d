#ifndef OFFLOAD_PLOT_H
#define OFFLOAD_PLOT_H

/* Charts from saved runs, drawn by gnuplot: the roofline of every result,
 * time against size for every kernel measured at several sizes, and the
 * phases (copy-in, kernel, copy-out) of every kernel at its largest size.
 * Every chart has its plot area over two thirds of the figure, the legend
 * outside the data, labels taken literally (no gnuplot markup) and a note
 * written from the data. */

#include <stddef.h>

#include "saved.h"
#include "status.h"

enum plot_format { PLOT_PNG, PLOT_SVG, PLOT_PDF };

/* "png", "svg", "pdf"; 0 and *out set, or -1 for another word. */
int plot_format_from_name(const char *name, enum plot_format *out);

/* Draws every chart runs[0..n) allow into the existing folder dir, each
 * printed on report as it is written. gnuplot's own messages (warnings)
 * go to stderr and are counted in *warnings. OFFLOAD_UNAVAILABLE when
 * gnuplot cannot be started, OFFLOAD_ERR_USAGE when the runs allow no
 * chart, OFFLOAD_ERR_RUN when gnuplot fails. */
enum offload_status plot_runs(const struct saved_run *runs, size_t n, const char *dir,
                              enum plot_format format, FILE *report, size_t *written,
                              size_t *warnings);

#endif
