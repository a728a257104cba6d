#ifndef OFFLOAD_MESSAGE_H
#define OFFLOAD_MESSAGE_H

/* The one way to tell the user something went wrong (as git's error() and
 * warning()): every message starts "offload: ", a backend's with
 * "offload: BACKEND: ", a warning's with "offload: warning: ". The format is
 * printf's and says its own line ends, so one message can be built from
 * several calls (the first with the prefix). Messages go to standard error,
 * or to the stream a caller gives (the loaders' warnings, which tests read). */

#include <stdarg.h>
#include <stdio.h>

#if defined(__GNUC__)
#define OFFLOAD_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define OFFLOAD_PRINTF(fmt_index, first_arg)
#endif

void offload_error(const char *fmt, ...) OFFLOAD_PRINTF(1, 2);
void offload_warning(const char *fmt, ...) OFFLOAD_PRINTF(1, 2);
/* offload_error with a va_list, for functions that take a format themselves. */
void offload_verror(const char *fmt, va_list ap) OFFLOAD_PRINTF(1, 0);
/* backend: "opencl", "openmp", ...; NULL is the same as offload_error. */
void offload_backend_error(const char *backend, const char *fmt, ...) OFFLOAD_PRINTF(2, 3);
/* Across MPI ranks (count > 1) every message names its rank after the prefix:
 * "offload: rank 1 of 2: ...". */
void offload_message_rank(int rank, int count);
/* A warning to `to` (standard error when NULL). */
void offload_warning_to(FILE *to, const char *fmt, ...) OFFLOAD_PRINTF(2, 3);

#endif
