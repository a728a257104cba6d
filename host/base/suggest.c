/* Did-you-mean for every layer: commands, options, kernels, entries and
 * argument names (see suggest.h). */
#include "suggest.h"

#include <string.h>

size_t edit_distance(const char *a, size_t alen, const char *b, size_t blen)
{
    enum { MAX = 64 };
    if (alen >= MAX || blen >= MAX)
        return (size_t)-1;
    size_t d[MAX][MAX];
    for (size_t i = 0; i <= alen; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= blen; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= alen; i++)
        for (size_t j = 1; j <= blen; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1; /* two neighbours swapped */
            d[i][j] = best;
        }
    return d[alen][blen];
}

void suggest_init(struct suggestion *s, const char *word, size_t len)
{
    *s = (struct suggestion){.word = word, .len = len, .best = NULL, .distance = (size_t)-1};
}

void suggest_consider(struct suggestion *s, const char *candidate)
{
    size_t d = edit_distance(s->word, s->len, candidate, strlen(candidate));
    /* A word of two letters is two edits from any other: ask for one. */
    size_t limit = s->len > 3 ? 2 : 1;
    /* A started name ("--rep") is as good as a near miss. */
    if (d > limit && s->len >= 3 && strncmp(candidate, s->word, s->len) == 0)
        d = limit;
    if (d <= limit && d < s->distance) {
        s->best = candidate;
        s->distance = d;
    }
}
