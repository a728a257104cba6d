/* Progress of long commands, on a terminal only. */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "timing.h"

void progress_begin(struct progress *p, size_t total, double total_weight)
{
    *p = (struct progress){.on = isatty(STDERR_FILENO),
                           .total = total,
                           .total_weight = total_weight,
                           .start = offload_now()};
}

const char *progress_step(struct progress *p, const char *what, double weight)
{
    if (p->done > 0)
        p->done_weight += p->last_weight;
    p->last_weight = weight;
    p->done++;
    p->line[0] = '\0';
    if (!p->on)
        return p->line;
    /* The time so far per unit of work, times the work left: rough for a
     * sweep whose sizes grow, but it only has to say minutes or seconds. */
    double elapsed = offload_now() - p->start;
    int n = snprintf(p->line, sizeof p->line, "[%zu/%zu] %s", p->done, p->total, what);
    if (p->done_weight > 0 && elapsed > 0 && n > 0 && (size_t)n < sizeof p->line) {
        double left = elapsed / p->done_weight * (p->total_weight - p->done_weight);
        if (left < 1)
            snprintf(p->line + n, sizeof p->line - (size_t)n, ", <1 s left");
        else
            snprintf(p->line + n, sizeof p->line - (size_t)n, ", ~%.0f s left", left);
    }
    fprintf(stderr, "\r\033[K%s", p->line);
    fflush(stderr);
    return p->line;
}

void progress_clear(const struct progress *p)
{
    if (p->on) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}
