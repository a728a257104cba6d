#ifndef OFFLOAD_FILEIO_H
#define OFFLOAD_FILEIO_H

/* Whole-file reads and safe writes shared by the loader of kernels, the
 * ceilings cache and the exports. */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "status.h"

/* The whole file as a NUL-terminated string (length in *length if not
 * NULL). NULL on failure with errno set: EFBIG when it holds more than
 * max_bytes, EISDIR for a directory, ENOMEM, or fopen/fread's error. */
char *read_whole_file(const char *path, size_t max_bytes, size_t *length);

/* True for "-" and the names of standard output (/dev/stdout, /dev/fd/1,
 * /proc/self/fd/1): an export there takes stdout from the tables. */
bool output_is_stdout(const char *path);

/* Whether write_file_atomic could write path, checked before any work: the
 * folder exists and takes new files, the path is not a directory, a FIFO
 * or device is writable. Writes nothing. OFFLOAD_ERR_USAGE with a message
 * naming the problem and the fix in err. */
/* One CSV field, quoted (inner quotes doubled) when it holds a comma, a
 * quote or a line break, as RFC 4180 says. 0, or -1 on a write error. */
int csv_write_field(FILE *f, const char *text);

enum offload_status output_path_check(const char *path, char *err, size_t errlen);

/* Writes through writer (which returns 0 on success), choosing by what path
 * is now:
 *  - a regular file or a new path: a temporary file in the same folder,
 *    flushed, fsync'd and renamed into place, so a failed or interrupted
 *    run never leaves a half-written file and the previous one stays
 *    intact with its permission bits (a new file gets 0666 less the umask).
 *    A symlink is followed and its target replaced; the link stays. SIGINT,
 *    SIGTERM and SIGHUP during the write remove the temporary file;
 *  - "-" and names of standard output: the stdout stream;
 *  - anything else (FIFO, /dev/null, /dev/full, /dev/fd/N): opened and
 *    written in place, never replaced or removed.
 * Every write, flush, fsync and close is checked. One write at a time. */
/* Writes a whole file's contents to f; OFFLOAD_ERR_RUN when a write failed
 * (write_file_atomic also checks the stream's error flag and the flush). */
typedef enum offload_status (*file_writer_fn)(FILE *f, void *ctx);

enum offload_status write_file_atomic(const char *path, file_writer_fn writer, void *ctx, char *err,
                                      size_t errlen);

#endif
