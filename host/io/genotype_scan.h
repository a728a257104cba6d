/* The genotype loader's tokenizer (host/io/genotype.c): lines, fields with
 * RFC 4180 quotes, and calls. Internal to the loader. */
#ifndef OFFLOAD_GENOTYPE_SCAN_H
#define OFFLOAD_GENOTYPE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "genotype.h"

/* A line [start, end) without its '\n'; next points past the '\n'. */
struct scan_line {
    const char *start, *end, *next;
};

/* The line at *pos (up to buf_end), advancing *pos past it; false at the end. */
bool scan_next_line(const char **pos, const char *buf_end, struct scan_line *ln);

/* Whether [s, end) holds only spaces, tabs, CR, \v and \f. */
bool scan_is_blank(const char *s, const char *end);

/* The delimiter of a header: tab if a tab lies outside quotes, else comma if
 * a comma does, else ' ' (runs of whitespace). */
char scan_detect_delimiter(const struct scan_line *h);

/* Fields of a line: for ',' and '\t' every delimiter outside quotes starts
 * a field ("a,b," has three); for ' ' fields are runs of non-whitespace. */
size_t scan_count_fields(const struct scan_line *ln, char delim);

/* scan_count_fields, also telling whether the line holds a NUL byte. */
size_t scan_check_line(const struct scan_line *ln, char delim, bool *nul);

/* The names of fields 1..n of the header (field 0 names the id column),
 * decoded, into names (NULL-filled by the caller). False when out of memory. */
bool scan_header_names(const struct scan_line *h, char delim, char **names, size_t n);

/* Reads a data line that has exactly cols + 1 fields: its id (decoded, a
 * new string) into *id and its calls into out[0..cols), adding those that
 * are missing to *missing. False when out of memory. */
bool scan_row(const struct scan_line *ln, char delim, size_t cols, int8_t *out, char **id,
              size_t *missing);

/* genotype_parse_buffer for one part of a table read by several (buf: the
 * header's lines, then the part's own lines); genotype_load_part reads. */
enum offload_status genotype_parse_part_buffer(const char *buf, size_t len, const char *name,
                                               const struct genotype_load_options *opt,
                                               const struct genotype_exchange *ex,
                                               struct genotype_matrix *m, char *err, size_t errlen);

/* Text the parser cannot read (UTF-16, CR-only line ends), named with its
 * fix in err; false when the text is fine. */
bool genotype_text_shape_error(const char *buf, size_t len, const char *path, char *err,
                               size_t errlen);

#endif
