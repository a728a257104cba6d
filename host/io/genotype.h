#ifndef OFFLOAD_GENOTYPE_H
#define OFFLOAD_GENOTYPE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "status.h"

/* Value of a missing or unreadable call in the matrix. */
#define GENOTYPE_MISSING ((int8_t)-1)

/* A genotype matrix: rows are markers, columns are varieties. */
struct genotype_matrix {
    size_t rows, cols;
    int8_t *calls;        /* rows*cols, row-major: 0, 1, 2 or GENOTYPE_MISSING */
    char **row_ids;       /* rows marker ids, first field of each data line */
    char **col_names;     /* cols variety names from the header */
    size_t data_lines;    /* non-blank data lines in the file, before --percent */
    size_t lines_kept;    /* data lines kept by --percent */
    size_t rows_skipped;  /* kept lines skipped for a wrong field count */
    size_t missing_calls; /* calls that were not 0/1/2 or A/AB/B */
    char delimiter;       /* ',', '\t' or ' ' (runs of spaces) */
};

struct genotype_load_options {
    double percent;      /* keep the first int(data_lines*percent/100) lines */
    FILE *warnings;      /* where skipped-row warnings go; NULL for none */
    size_t max_warnings; /* warnings printed one by one before a summary */
    unsigned threads;    /* threads that parse, each runs of whole lines; 0: OpenMP's count,
                          * fewer for a small table (2 MiB each). Same result for any. */
};

/* Defaults: 100 %, warnings to stderr, 10 printed, threads chosen. */
struct genotype_load_options genotype_default_options(void);

/* Parse a genotype table held in memory. On failure returns
 * OFFLOAD_ERR_USAGE with a message (naming the problem and the fix) in err,
 * and leaves *m empty. */
enum offload_status genotype_parse_buffer(const char *buf, size_t len, const char *name,
                                          const struct genotype_load_options *opt,
                                          struct genotype_matrix *m, char *err, size_t errlen);

/* Read and parse a file; name used in messages is the path. */
enum offload_status genotype_load_file(const char *path, const struct genotype_load_options *opt,
                                       struct genotype_matrix *m, char *err, size_t errlen);

void genotype_free(struct genotype_matrix *m);

#endif
