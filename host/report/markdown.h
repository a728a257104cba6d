#ifndef OFFLOAD_MARKDOWN_H
#define OFFLOAD_MARKDOWN_H

/* Markdown you can paste into an issue: tables with the verdict sentences,
 * for run, compare and sweep results (report has its own, in runs_report.c). */

#include <stdio.h>

#include "export.h"

/* Text from anywhere (a saved file, a device name) as Markdown that shows
 * it literally: every character Markdown gives a meaning ('|', '*', '`',
 * '#', '[', '<', ...) backslash-escaped, line breaks as spaces, other
 * control characters as \xNN. Safe in a table cell and in running text. */
void markdown_cell(FILE *f, const char *text);

/* words[0..n) joined by spaces as one code span, fenced with more
 * backticks than any run inside, line breaks as spaces. */
void markdown_code(FILE *f, const char *const *words, size_t n);

/* The results of run, compare or sweep: one table per kernel, algorithm and
 * size, each row's verdict sentence under it; sweep adds end-to-end time
 * against size. */
enum offload_status export_markdown(FILE *f, const struct result_set *set);

#endif
