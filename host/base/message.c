#include "message.h"

#include <stdarg.h>

/* Across MPI ranks, which rank speaks: "rank 1 of 2: ". */
static char rank_prefix[48];

void offload_message_rank(int rank, int count)
{
    if (count > 1)
        snprintf(rank_prefix, sizeof rank_prefix, "rank %d of %d: ", rank, count);
    else
        rank_prefix[0] = '\0';
}

static void say(FILE *to, const char *backend, const char *kind, const char *fmt, va_list ap)
{
    fputs("offload: ", to);
    fputs(rank_prefix, to);
    if (backend)
        fprintf(to, "%s: ", backend);
    if (kind)
        fprintf(to, "%s: ", kind);
    vfprintf(to, fmt, ap);
}

void offload_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(stderr, NULL, NULL, fmt, ap);
    va_end(ap);
}

void offload_verror(const char *fmt, va_list ap)
{
    say(stderr, NULL, NULL, fmt, ap);
}

void offload_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(stderr, NULL, "warning", fmt, ap);
    va_end(ap);
}

void offload_backend_error(const char *backend, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(stderr, backend, NULL, fmt, ap);
    va_end(ap);
}

void offload_warning_to(FILE *to, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(to ? to : stderr, NULL, "warning", fmt, ap);
    va_end(ap);
}
