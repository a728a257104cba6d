#ifndef OFFLOAD_PROGRESS_H
#define OFFLOAD_PROGRESS_H

/* Progress of a long command (compare, sweep, calibrate) on a terminal:
 * "[3/12] sumsqrt naive on openmp, ~4 s left" on stderr, as hyperfine
 * shows its runs; nothing at all when stderr is not a terminal. */

#include <stddef.h>

struct progress {
    int on;              /* stderr is a terminal */
    size_t total, done;  /* steps */
    double total_weight; /* expected work of all steps, any unit */
    double done_weight;  /* of the steps finished */
    double last_weight;  /* of the step running */
    double start;        /* when the first step began */
    char line[160];      /* the current line, for the runner to repeat */
};

void progress_begin(struct progress *p, size_t total, double total_weight);
/* Step what starts; weight is its share of total_weight. Returns the line
 * shown ("" when off), which the runner keeps in front of its own counter. */
const char *progress_step(struct progress *p, const char *what, double weight);
/* Erases the line before other output goes to the terminal. */
void progress_clear(const struct progress *p);

#endif
