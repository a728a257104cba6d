#include "message.h"

#include <stdarg.h>
#include <string.h>

/* Across MPI ranks, which rank speaks: "rank 1 of 2: ". */
static char rank_prefix[48];

void offload_message_rank(int rank, int count)
{
    if (count > 1)
        snprintf(rank_prefix, sizeof rank_prefix, "rank %d of %d: ", rank, count);
    else
        rank_prefix[0] = '\0';
}

/* The whole message is formatted first and written in one call: stderr is
 * unbuffered, and under mpirun the ranks share it, so piece by piece their
 * messages would interleave ("offload: offload: rank 0 of 2: ..."). */
static void say(FILE *to, const char *backend, const char *kind, const char *fmt, va_list ap)
{
    char text[4096];
    int n = snprintf(text, sizeof text, "offload: %s%s%s%s%s", rank_prefix, backend ? backend : "",
                     backend ? ": " : "", kind ? kind : "", kind ? ": " : "");
    if (n < 0 || (size_t)n >= sizeof text)
        n = 0;
    vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);
    size_t len = strlen(text);
    /* A message cut at the buffer's end still ends its line. */
    if (len == sizeof text - 1 && text[len - 1] != '\n')
        text[len - 1] = '\n';
    fwrite(text, 1, len, to);
    fflush(to);
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
