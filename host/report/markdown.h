#ifndef OFFLOAD_MARKDOWN_H
#define OFFLOAD_MARKDOWN_H

/* Markdown you can paste into an issue: tables with the verdict sentences,
 * for run, compare and sweep results (report has its own, in runs_report.c). */

#include <stdio.h>

#include "export.h"

/* A table cell: '|' escaped, line breaks as spaces. */
void markdown_cell(FILE *f, const char *text);

/* The results of run, compare or sweep: one table per kernel, algorithm and
 * size, each row's verdict sentence under it; sweep adds end-to-end time
 * against size. */
enum offload_status export_markdown(FILE *f, const struct result_set *set);

#endif
