#ifndef OFFLOAD_FILEIO_H
#define OFFLOAD_FILEIO_H

/* Whole-file reads and atomic writes shared by the loader of kernels, the
 * ceilings cache and the exports. */

#include <stddef.h>
#include <stdio.h>

#include "status.h"

/* The whole file as a NUL-terminated string (length in *length if not
 * NULL). NULL on failure with errno set: EFBIG when it holds more than
 * max_bytes, EISDIR for a directory, ENOMEM, or fopen/fread's error. */
char *read_whole_file(const char *path, size_t max_bytes, size_t *length);

/* Write a file through a temporary in the same folder renamed into place,
 * so a failed or interrupted run never leaves a half-written file and the
 * previous one stays intact. writer returns 0 on success. The file gets the
 * usual permissions (0666 less the umask). */
enum offload_status write_file_atomic(const char *path, int (*writer)(FILE *f, void *ctx),
                                      void *ctx, char *err, size_t errlen);

#endif
