#ifndef OFFLOAD_GENOTYPE_H
#define OFFLOAD_GENOTYPE_H

#include <stdbool.h>
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
    /* Read as one part of several (genotype_load_part): the rows here are
     * rows row0 .. row0 + rows - 1 of all_rows, and row_line holds each
     * row's line number in the file (for the duplicate-id check the caller
     * makes once the ids are together). Else row0 0, all_rows rows, NULL. */
    size_t row0, all_rows;
    size_t *row_line;
    bool part; /* read by genotype_load_part: this process's rows only */
};

/* The rows of the whole table the matrix is part of (its own rows when it
 * is the whole table). */
static inline size_t genotype_table_rows(const struct genotype_matrix *m)
{
    return m->part ? m->all_rows : m->rows;
}

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

/* Bytes the matrix holds: calls, ids (with their pointers), line numbers.
 * Variety names are left out: every part holds the same ones. */
size_t genotype_bytes(const struct genotype_matrix *m);

/* What the parts of a table read by several processes tell each other (the
 * MPI ranks of a job: host/ranks supplies these over MPI). Every part calls
 * them the same number of times, in the same order, whatever it found. */
struct genotype_exchange {
    void *ctx;
    int part, parts; /* this part, from 0; how many */
    /* For n values: before[i] = the sum of v[i] over the parts before this
     * one, total[i] = over every part. n is at most 8. */
    void (*sums)(void *ctx, const uint64_t *v, uint64_t *before, uint64_t *total, size_t n);
    /* Each part's `bytes` bytes at mine, in part order, into all (parts *
     * bytes of room) on part 0; all is NULL on the other parts. */
    void (*gather)(void *ctx, const void *mine, void *all, size_t bytes);
};

/* Reads part ex->part of ex->parts of a regular file: the header, then the
 * data lines that start in the byte range [part * S / parts, (part + 1) * S /
 * parts) of the S bytes after the header, so each line is read by one part
 * (a line that straddles a boundary by the part where it starts). Row order,
 * line numbers, --percent, skipped-row counts and warnings are those of
 * genotype_load_file: warnings and errors that concern the whole table are
 * printed or set in err by part 0 only (err is empty on the others), those
 * of one part (cannot open, out of memory) by that part. Every part returns
 * the same status once the file is open on every part; the caller agrees
 * on the open first. No duplicate-id check: see row_line. */
enum offload_status genotype_load_part(const char *path, const struct genotype_load_options *opt,
                                       const struct genotype_exchange *ex,
                                       struct genotype_matrix *m, char *err, size_t errlen);

/* The one warning genotype_load_file prints when marker ids repeat, for a
 * matrix with row_line (the parts put together). False out of memory. */
bool genotype_warn_duplicate_ids(const struct genotype_matrix *m, const char *name, FILE *out);

#endif
