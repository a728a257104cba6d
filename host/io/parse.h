#ifndef OFFLOAD_PARSE_H
#define OFFLOAD_PARSE_H

/* Strict number parsing for the command line: the whole string must be a
 * number (end pointer checked), out of range is an error, never 0. */

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* A count such as 10000000, 1e7, 10M, 64k, 1G (k/M/G are powers of 1000,
 * Ki/Mi/Gi powers of 1024). Must be an integer in [min, max]. */
enum offload_status parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *err,
                                size_t errlen);

/* An int in [min, max]. */
enum offload_status parse_int(const char *s, long min, long max, long *out, char *err,
                              size_t errlen);

/* A finite double in [min, max]; min_exclusive rejects min itself. */
enum offload_status parse_double(const char *s, double min, double max, int min_exclusive,
                                 double *out, char *err, size_t errlen);

/* Comma-separated list of items, each parsed by parse_count / parse_double /
 * parse_int; at most cap items. */
enum offload_status parse_count_list(const char *s, uint64_t min, uint64_t max, uint64_t *out,
                                     size_t cap, size_t *count, char *err, size_t errlen);
enum offload_status parse_double_list(const char *s, double min, double max, int min_exclusive,
                                      double *out, size_t cap, size_t *count, char *err,
                                      size_t errlen);

/* *out = a*b; 1 when the product fits in size_t, 0 (and *out untouched) when
 * it overflows. */
int size_mul_fits(size_t a, size_t b, size_t *out);

#endif
