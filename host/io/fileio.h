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

/* The same for a file of our own that others may aim at (the ceilings
 * cache): opened with O_NOFOLLOW and O_NONBLOCK, so a planted symlink or
 * FIFO is refused, never followed or waited on; EPERM for anything that is
 * not a regular file owned by this user, ELOOP for a symlink. */
char *read_private_file(const char *path, size_t max_bytes, size_t *length);

/* True for "-" and the names of standard output (/dev/stdout, /dev/fd/1,
 * /proc/self/fd/1): an export there takes stdout from the tables. */
bool output_is_stdout(const char *path);

/* One CSV field, quoted (inner quotes doubled) when it holds a comma, a
 * quote or a line break, as RFC 4180 says, and guarded as csv_cell_guard.
 * 0, or -1 on a write error. */
int csv_write_field(FILE *f, const char *text);

/* Writes the ' that OWASP advises before a CSV cell starting with = + - or
 * @ (or a tab or CR), so a spreadsheet shows it as text instead of running
 * it as a formula; plain numbers and "-" need none. 0, or -1 on a write
 * error. Every CSV writer calls it for every text cell. */
int csv_cell_guard(FILE *f, const char *text);

/* Whether write_file_atomic could write path, checked by every command
 * before any work: the folder exists and takes new files, the path is not a
 * directory, a FIFO or device is writable, and the output is none of the
 * inputs[0..ninputs) (same device and inode: a link or another spelling of
 * an input is refused too; NULL and "-" entries are skipped). Removes this
 * tool's stale temporary files of path (see write_file_atomic). Writes
 * nothing else. OFFLOAD_ERR_USAGE with a message naming the problem and the
 * fix in err. */
enum offload_status output_path_check(const char *path, const char *const *inputs, size_t ninputs,
                                      char *err, size_t errlen);

/* Writes through writer (which returns 0 on success), choosing by what path
 * is now:
 *  - a regular file or a new path: a temporary file in the same folder,
 *    flushed, fsync'd and renamed into place, so a failed or interrupted
 *    run never leaves a half-written file and the previous one stays
 *    intact with its permission bits (a new file gets 0666 less the umask).
 *    A symlink is followed and its target replaced; the link stays. SIGINT,
 *    SIGTERM, SIGHUP and SIGQUIT during the write remove the temporary file;
 *    SIGXFSZ is ignored meanwhile (the write fails with EFBIG instead). The
 *    temporary file is "<name>.tmp.XXXXXX", <name> cut to fit NAME_MAX; such
 *    files of the same target that are a day old, regular and owned by this
 *    user are leftovers of a killed run and are removed first;
 *  - "-" and names of standard output: the stdout stream;
 *  - anything else (FIFO, /dev/null, /dev/full, /dev/fd/N): opened and
 *    written in place, never replaced or removed.
 * Every write(2), flush, fsync and close is checked: the writer writes to a
 * stream whose every write lands in one checked function. One write at a
 * time. */
/* Writes a whole file's contents to f; OFFLOAD_ERR_RUN when a write failed
 * (write_file_atomic also checks the stream's error flag and the flush). */
typedef enum offload_status (*file_writer_fn)(FILE *f, void *ctx);

enum offload_status write_file_atomic(const char *path, file_writer_fn writer, void *ctx, char *err,
                                      size_t errlen);

/* The same for a file of our own in a folder others may write to (the
 * ceilings cache): path is replaced by rename, never followed; anything at
 * path that is not a regular file owned by this user is refused and left
 * alone (OFFLOAD_ERR_RUN); a new file is made 0600. */
enum offload_status write_file_private(const char *path, file_writer_fn writer, void *ctx,
                                       char *err, size_t errlen);

#endif
