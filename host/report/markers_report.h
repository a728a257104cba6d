#ifndef OFFLOAD_MARKERS_REPORT_H
#define OFFLOAD_MARKERS_REPORT_H

/* The outputs of offload markers: upstream's two text files byte for byte,
 * and the same table as CSV, JSON and Markdown. Each writer is a
 * file_writer_fn: OFFLOAD_OK, or OFFLOAD_ERR_RUN on a write error. */

#include <stdio.h>

#include "genotype.h"
#include "markers.h"
#include "status.h"

struct markers_output {
    const struct genotype_matrix *m;
    const struct marker_patterns *pat;
    const struct markers_result *res;
    const char *path; /* the genotype table */
    const char *backend;
    double load_s, selection_s; /* reading the table; markers_select */
    const struct table_share *share; /* what each rank held of the table; NULL: not said */
};

/* A pattern as upstream prints it: 0, 1, 2 per variety, x for missing. */
void markers_pattern_string(const struct markers_output *o, size_t pattern, char *buf);

/* _minimal_markers.txt: CumulativeResolved, MarkerID, GenotypePattern. */
enum offload_status markers_write_minimal(FILE *f, void *ctx);
/* _selected_markers_with_headers.txt: ID and the varieties, a row per marker. */
enum offload_status markers_write_with_headers(FILE *f, void *ctx);
enum offload_status markers_write_csv(FILE *f, void *ctx);
enum offload_status markers_write_json(FILE *f, void *ctx);
enum offload_status markers_write_markdown(FILE *f, void *ctx);

/* "Willy not resolved from Connie_2270" lines, then upstream's count line. */
enum offload_status markers_write_unresolved(FILE *f, const struct markers_output *o);

#endif
