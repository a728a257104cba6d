#ifndef OFFLOAD_SUGGEST_H
#define OFFLOAD_SUGGEST_H

#include <stddef.h>

/* Did-you-mean: feed candidates; best keeps the closest one within an edit
 * distance of 2 (optimal string alignment: insertions, deletions,
 * substitutions and swaps of neighbours), or a candidate that starts with
 * the word. NULL when none is close. */
struct suggestion {
    const char *word;
    size_t len;
    const char *best;
    size_t distance;
};
void suggest_init(struct suggestion *s, const char *word, size_t len);
void suggest_consider(struct suggestion *s, const char *candidate);

/* Optimal string alignment distance between a[0..alen) and b[0..blen). */
size_t edit_distance(const char *a, size_t alen, const char *b, size_t blen);

#endif
