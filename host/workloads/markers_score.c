/* Scoring on the bit planes (markers.h): the best possible score, and every
 * pattern's score on the remaining pairs with bit-sliced (carry-save)
 * counters, 512 patterns at a time; the host engines' kernel. */
#include <stdint.h>
#include <string.h>

#include "markers.h"

/* Plane words scored together (512 patterns): one AVX-512 register or two
 * AVX2 ones per plane; the planes are padded to a whole number of blocks. */
#define WORD_BLOCK MARKERS_WORD_BLOCK
/* Work below which waking threads costs more than it saves. */
#define PARALLEL_WORK 2000000

/* The 64 patterns of plane word w that resolve pair (a, b). */
static inline uint64_t resolving(const uint64_t *planes, size_t words, size_t a, size_t b, size_t w)
{
    const uint64_t *pa = planes + a * 3 * words + w, *pb = planes + b * 3 * words + w;
    return pa[0] & pb[0] & ((pa[words] ^ pb[words]) | (pa[2 * words] ^ pb[2 * words]));
}

int64_t markers_best_possible(const struct marker_patterns *pat)
{
    int64_t best = 0;
    size_t v = pat->varieties, words = pat->words;
#pragma omp parallel for schedule(dynamic, 16) reduction(+ : best) if (v * v * words > PARALLEL_WORK)
    for (size_t a = 0; a < v; a++)
        for (size_t b = a + 1; b < v; b++)
            for (size_t w = 0; w < words; w++)
                if (resolving(pat->planes, words, a, b, w)) {
                    best++;
                    break;
                }
    return best;
}

/* Bits of a count in units of 8 pairs: up to 2^43 pairs. */
#define COUNTER_BITS 40

/* Carry-save adder: h:l = a + b + c, bit by bit. */
#define CSA(h, l, a, b, c)                                                                         \
    do {                                                                                           \
        uint64_t u_ = (a) ^ (b);                                                                   \
        (h) = ((a) & (b)) | (u_ & (c));                                                            \
        (l) = u_ ^ (c);                                                                            \
    } while (0)

/* Adds the 1-bits of m[i] to the bit-sliced counts ones, twos, fours and
 * c[0..levels) (c in units of 8), for one pair at a time. */
static void add_one_pair(uint64_t ones[WORD_BLOCK], uint64_t twos[WORD_BLOCK],
                         uint64_t fours[WORD_BLOCK], uint64_t c[][WORD_BLOCK], int levels,
                         const uint64_t m[WORD_BLOCK])
{
    for (size_t i = 0; i < WORD_BLOCK; i++) {
        uint64_t carry = m[i], t;
        t = ones[i] & carry, ones[i] ^= carry, carry = t;
        t = twos[i] & carry, twos[i] ^= carry, carry = t;
        t = fours[i] & carry, fours[i] ^= carry, carry = t;
        for (int l = 0; l < levels; l++)
            t = c[l][i] & carry, c[l][i] ^= carry, carry = t;
    }
}

static void score_pairs_block(const struct marker_patterns *pat, const uint32_t *pair, size_t n,
                              size_t wb, int64_t *out)
{
    size_t words = pat->words;
    uint64_t ones[WORD_BLOCK] = {0}, twos[WORD_BLOCK] = {0}, fours[WORD_BLOCK] = {0};
    uint64_t c[COUNTER_BITS][WORD_BLOCK];
    int levels = 1;
    while (levels < COUNTER_BITS && ((size_t)1 << levels) <= n / 8 + 1)
        levels++;
    memset(c, 0, sizeof c);
    size_t k = 0;
    /* Eight pairs at a time through a carry-save tree (Harley-Seal): the
     * eights ripple into the counter once per eight pairs, without branches. */
    for (; k + 8 <= n; k += 8) {
        uint64_t m[8][WORD_BLOCK];
        for (size_t j = 0; j < 8; j++) {
            const uint64_t *pa = pat->planes + (size_t)pair[2 * (k + j)] * 3 * words + wb;
            const uint64_t *pb = pat->planes + (size_t)pair[2 * (k + j) + 1] * 3 * words + wb;
            for (size_t i = 0; i < WORD_BLOCK; i++)
                m[j][i] =
                    pa[i] & pb[i] &
                    ((pa[words + i] ^ pb[words + i]) | (pa[2 * words + i] ^ pb[2 * words + i]));
        }
        for (size_t i = 0; i < WORD_BLOCK; i++) {
            uint64_t twos_a, twos_b, fours_a, fours_b, eights;
            CSA(twos_a, ones[i], ones[i], m[0][i], m[1][i]);
            CSA(twos_b, ones[i], ones[i], m[2][i], m[3][i]);
            CSA(fours_a, twos[i], twos[i], twos_a, twos_b);
            CSA(twos_a, ones[i], ones[i], m[4][i], m[5][i]);
            CSA(twos_b, ones[i], ones[i], m[6][i], m[7][i]);
            CSA(fours_b, twos[i], twos[i], twos_a, twos_b);
            CSA(eights, fours[i], fours[i], fours_a, fours_b);
            for (int l = 0; l < levels; l++) {
                uint64_t t = c[l][i] & eights;
                c[l][i] ^= eights;
                eights = t;
            }
        }
    }
    for (; k < n; k++) {
        uint64_t m[WORD_BLOCK];
        const uint64_t *pa = pat->planes + (size_t)pair[2 * k] * 3 * words + wb;
        const uint64_t *pb = pat->planes + (size_t)pair[2 * k + 1] * 3 * words + wb;
        for (size_t i = 0; i < WORD_BLOCK; i++)
            m[i] = pa[i] & pb[i] &
                   ((pa[words + i] ^ pb[words + i]) | (pa[2 * words + i] ^ pb[2 * words + i]));
        add_one_pair(ones, twos, fours, c, levels, m);
    }
    for (size_t i = 0; i < WORD_BLOCK; i++)
        for (size_t bit = 0; bit < 64; bit++) {
            size_t p = (wb + i) * 64 + bit;
            if (p >= pat->count)
                return;
            int64_t count = 0;
            for (int l = 0; l < levels; l++)
                count |= (int64_t)(c[l][i] >> bit & 1) << l;
            out[p] = 8 * count + 4 * (int64_t)(fours[i] >> bit & 1) +
                     2 * (int64_t)(twos[i] >> bit & 1) + (int64_t)(ones[i] >> bit & 1);
        }
}

/* Bits of a cell's counts: cells hold at most 2^32 varieties. */
#define CELL_BITS 33

/* Adds each cell's n0*n1 + n0*n2 + n1*n2 to out, for the 512 patterns of the
 * block at wb: the counts of known, 1 and 2 calls over the cell's members
 * are bit-sliced (64 patterns per word), then read out per pattern. */
static void add_cells_block(const struct marker_patterns *pat, const struct marker_pairs *pairs,
                            size_t wb, int64_t *out)
{
    size_t words = pat->words;
    for (size_t c = 0; c < pairs->ncells; c++) {
        const uint32_t *member = pairs->members + pairs->cell_start[c];
        size_t m = pairs->cell_start[c + 1] - pairs->cell_start[c];
        int levels = 1;
        while (levels < CELL_BITS && ((size_t)1 << levels) <= m)
            levels++;
        uint64_t cnt[3][CELL_BITS][WORD_BLOCK];
        memset(cnt, 0, sizeof cnt);
        for (size_t j = 0; j < m; j++) {
            const uint64_t *pl = pat->planes + (size_t)member[j] * 3 * words + wb;
            for (int k = 0; k < 3; k++)
                for (size_t i = 0; i < WORD_BLOCK; i++) {
                    uint64_t carry = pl[(size_t)k * words + i];
                    for (int l = 0; l < levels; l++) {
                        uint64_t t = cnt[k][l][i] & carry;
                        cnt[k][l][i] ^= carry;
                        carry = t;
                    }
                }
        }
        for (size_t i = 0; i < WORD_BLOCK; i++)
            for (size_t bit = 0; bit < 64; bit++) {
                size_t p = (wb + i) * 64 + bit;
                if (p >= pat->count)
                    break;
                int64_t n[3] = {0, 0, 0};
                for (int k = 0; k < 3; k++)
                    for (int l = 0; l < levels; l++)
                        n[k] |= (int64_t)(cnt[k][l][i] >> bit & 1) << l;
                int64_t n1 = n[1], n2 = n[2], n0 = n[0] - n1 - n2;
                out[p] += n0 * n1 + n0 * n2 + n1 * n2;
            }
    }
}

/* Whether the cells and the dirty pairs cost less than every pair: work per
 * block of 512 patterns, in the units of one pair (about 15 vector ops). */
static int cells_cheaper(const struct marker_pairs *pairs)
{
    if (!pairs->cell_of)
        return 0;
    size_t members = pairs->cell_start[pairs->ncells], levels = 1;
    while (((size_t)1 << levels) <= members)
        levels++;
    size_t cells =
        members * 3 * 3 * levels / 15 + pairs->ncells * 3 * levels * 64 / 15 + pairs->ndirty;
    return cells < pairs->count;
}

void markers_score_words(const struct marker_patterns *pat, const struct marker_pairs *pairs,
                         size_t w0, size_t w1, int64_t *out)
{
    int cells = cells_cheaper(pairs);
    for (size_t wb = w0; wb < w1; wb += WORD_BLOCK) {
        if (!cells) {
            score_pairs_block(pat, pairs->pair, pairs->count, wb, out);
            continue;
        }
        score_pairs_block(pat, pairs->dirty_pair, pairs->ndirty, wb, out);
        add_cells_block(pat, pairs, wb, out);
    }
}
