/* The minimal marker selection (see markers.h and the README's "markers"
 * section for the rules, each taken from upstream's minimalmarkers.py). */
#include "markers.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"
#include "timing.h"

/* Upstream's chunk of patterns per progress-bar step, and the fewest chunks
 * for which it uses them (_MIN_CHUNK_SIZE and "nchunks < 4"). */
#define UPSTREAM_CHUNK 1000
#define UPSTREAM_MIN_CHUNKS 4
/* Work (calls or pair-words) below which waking threads costs more than it saves. */
#define PARALLEL_WORK 2000000
/* Plane words scored together (512 patterns): one AVX-512 register or two
 * AVX2 ones per plane; the planes are padded to a whole number of blocks. */
#define WORD_BLOCK MARKERS_WORD_BLOCK

struct markers_options markers_default_options(void)
{
    struct markers_options o = {0.9, 0.001, 2, 1};
    return o;
}

/* ---- filters and packing ------------------------------------------------- */

/* Calls of each kind in a row; comparisons the compiler turns into vector code. */
static void count_calls(const int8_t *row, size_t cols, int64_t n[3])
{
    int64_t zeros = 0, ones = 0, twos = 0;
    for (size_t j = 0; j < cols; j++) {
        zeros += row[j] == 0;
        ones += row[j] == 1;
        twos += row[j] == 2;
    }
    n[0] = zeros;
    n[1] = ones;
    n[2] = twos;
}

int64_t markers_minor_count(const int8_t *row, size_t cols, double min_call_rate, double min_maf)
{
    if (cols == 0)
        return 0;
    /* The loader stores 0, 1, 2 or GENOTYPE_MISSING; upstream counts -1 as a
     * failed call and anything else past 0 and 1 as a 2. */
    int64_t n[3];
    count_calls(row, cols, n);
    int64_t zeros = n[0], ones = n[1], twos = n[2];
    int64_t fails = (int64_t)cols - zeros - ones - twos;
    int nalleles = (zeros != 0) + (ones != 0) + (twos != 0);
    double call_rate = (double)((int64_t)cols - fails) / (double)cols;
    if (nalleles <= 1 || call_rate < min_call_rate)
        return 0;
    /* Upstream's six cases pick the middle count: the second most common call. */
    int64_t minor;
    if (ones >= zeros && zeros >= twos)
        minor = zeros;
    else if (zeros >= ones && ones >= twos)
        minor = ones;
    else if (zeros >= twos && twos >= ones)
        minor = twos;
    else if (ones >= twos && twos >= zeros)
        minor = twos;
    else if (twos >= ones && ones >= zeros)
        minor = ones;
    else
        minor = zeros;
    if ((double)minor < min_maf * (double)cols)
        minor = 0;
    return minor;
}

/* A row's calls hashed eight bytes at a time (multiply and rotate). */
uint64_t markers_row_hash(const int8_t *row, size_t cols)
{
    uint64_t h = 0x243F6A8885A308D3u ^ cols;
    size_t j = 0;
    for (; j + 8 <= cols; j += 8) {
        uint64_t w;
        memcpy(&w, row + j, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15u;
        h ^= h >> 29;
    }
    for (; j < cols; j++)
        h = (h ^ (uint8_t)row[j]) * 0x100000001B3u;
    return h ^ (h >> 32);
}

int markers_call(const struct marker_patterns *pat, size_t p, size_t v)
{
    int8_t x = pat->calls[pat->row[p] * pat->varieties + v];
    return x >= 0 && x <= 2 ? x : -1;
}

void markers_patterns_free(struct marker_patterns *p)
{
    free(p->row);
    free(p->minor);
    free(p->planes);
    free(p->own_calls);
    memset(p, 0, sizeof *p);
}

/* Every row's minor-allele count (0: the row is eliminated) and the rows in
 * decreasing order of it, ties as numba's quicksort leaves them. */
static enum offload_status order_by_minor(const struct genotype_matrix *m,
                                          const struct markers_options *o, size_t rows,
                                          int64_t *minor, size_t *sorted, size_t *eliminated)
{
    size_t cols = m->cols;
#pragma omp parallel for schedule(static) if (m->rows * cols > PARALLEL_WORK)
    for (size_t r = 0; r < m->rows; r++)
        minor[r] = markers_minor_count(m->calls + r * cols, cols, o->min_call_rate, o->min_maf);
    for (size_t r = m->rows; r < rows; r++)
        minor[r] = 0;
    *eliminated = 0;
    for (size_t r = 0; r < rows; r++)
        *eliminated += minor[r] == 0;
    return markers_order_by_minor(minor, rows, sorted);
}

/* Keeps the first of identical rows in sorted order (out->row, out->count,
 * out->duplicates). Upstream looks back through the run of equal minor
 * counts for an identical kept row; identical rows have equal counts, so "an
 * identical row kept before" is the same test, found here through a hash
 * table of the kept rows (O(rows x varieties) instead of O(run^2)). */
static enum offload_status keep_distinct(const struct genotype_matrix *m, const int64_t *minor,
                                         const size_t *sorted, size_t rows,
                                         struct marker_patterns *out)
{
    size_t cols = m->cols, cap = 16;
    while (cap < 2 * rows)
        cap <<= 1;
    size_t *table = malloc(cap * sizeof *table);
    if (!table)
        return OFFLOAD_ERR_RUN;
    for (size_t i = 0; i < cap; i++)
        table[i] = SIZE_MAX;
    size_t kept = 0;
    for (size_t i = 0; i < rows && (i == 0 || kept > 0); i++) {
        size_t idx = sorted[i];
        if (minor[idx] == 0)
            continue;
        const int8_t *row = m->calls + idx * cols;
        size_t h = (size_t)(markers_row_hash(row, cols) & (cap - 1));
        int is_new = 1;
        for (; table[h] != SIZE_MAX; h = (h + 1) & (cap - 1))
            if (memcmp(row, m->calls + table[h] * cols, cols) == 0) {
                is_new = 0;
                break;
            }
        if (is_new) {
            table[h] = idx;
            out->row[kept++] = idx;
        } else
            out->duplicates++;
    }
    free(table);
    out->count = kept;
    return OFFLOAD_OK;
}

/* The kept rows as bit planes (known, call 1, call 2) by variety. Each
 * plane word gathers one variety's call from 64 pattern rows and is written
 * once; a thread fills whole words, so no two write one word. */
enum offload_status markers_pack_planes(struct marker_patterns *out)
{
    size_t kept = out->count, cols = out->varieties;
    out->words = ((kept + 63) / 64 + WORD_BLOCK - 1) / WORD_BLOCK * WORD_BLOCK;
    out->planes = calloc(cols * 3 * out->words > 0 ? cols * 3 * out->words : 1, sizeof *out->planes);
    if (!out->planes)
        return OFFLOAD_ERR_RUN;
#pragma omp parallel for schedule(static) if (kept * cols > PARALLEL_WORK)
    for (size_t w = 0; w < (kept + 63) / 64; w++) {
        const int8_t *rows[64];
        size_t nb = kept - w * 64 < 64 ? kept - w * 64 : 64;
        for (size_t b = 0; b < nb; b++)
            rows[b] = out->calls + out->row[w * 64 + b] * cols;
        for (size_t v = 0; v < cols; v++) {
            uint64_t known = 0, lo = 0, hi = 0;
            for (size_t b = 0; b < nb; b++) {
                int8_t x = rows[b][v];
                known |= (uint64_t)(x >= 0 && x <= 2) << b;
                lo |= (uint64_t)(x == 1) << b;
                hi |= (uint64_t)(x == 2) << b;
            }
            uint64_t *pl = out->planes + v * 3 * out->words + w;
            pl[0] = known;
            pl[out->words] = lo;
            pl[2 * out->words] = hi;
        }
    }
    return OFFLOAD_OK;
}

enum offload_status markers_prepare(const struct genotype_matrix *m,
                                    const struct markers_options *o, struct marker_patterns *out,
                                    char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    /* Upstream's array has a row per data line; a skipped line stays a row
     * of missing calls (minor count 0) after the rows read. Those rows take
     * part in the sort, so they are kept here too. */
    size_t rows = m->rows + m->rows_skipped, cols = m->cols;
    int64_t *minor = malloc((rows ? rows : 1) * sizeof *minor);
    size_t *sorted = malloc((rows ? rows : 1) * sizeof *sorted);
    out->varieties = cols;
    out->calls = m->calls;
    out->row = malloc((rows ? rows : 1) * sizeof *out->row);
    out->minor = malloc((rows ? rows : 1) * sizeof *out->minor);
    enum offload_status st = minor && sorted && out->row && out->minor ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
    if (st == OFFLOAD_OK)
        st = order_by_minor(m, o, rows, minor, sorted, &out->eliminated);
    if (st == OFFLOAD_OK)
        st = keep_distinct(m, minor, sorted, rows, out);
    free(sorted);
    if (st != OFFLOAD_OK) {
        snprintf(err, errlen, "out of memory for %zu patterns", rows);
    } else if (out->count == 0) {
        snprintf(err, errlen,
                 "no marker passes the filters (call rate >= %g, minor allele frequency >= %g, "
                 "at least two alleles) among %zu rows of %zu varieties: lower --min-call-rate "
                 "or --min-maf, or check the calls are 0/1/2 or A/AB/B",
                 o->min_call_rate, o->min_maf, m->rows, cols);
        st = OFFLOAD_ERR_USAGE;
    } else {
        for (size_t p = 0; p < out->count; p++)
            out->minor[p] = minor[out->row[p]];
        out->total = out->count;
        st = markers_pack_planes(out);
        if (st != OFFLOAD_OK)
            snprintf(err, errlen, "out of memory for %zu packed patterns of %zu varieties",
                     out->count, cols);
    }
    free(minor);
    if (st != OFFLOAD_OK)
        markers_patterns_free(out);
    return st;
}

/* ---- pairs ---------------------------------------------------------------- */

/* Groups the clean varieties by cell (cells of one variety hold no pair) and
 * lists the remaining pairs that have a dirty variety. */
static void rebuild_cells(struct marker_pairs *pairs, uint32_t *count_scratch)
{
    size_t v = pairs->varieties, ncells = 0;
    for (size_t i = 0; i < v; i++)
        if (pairs->cell_of[i] != CELL_DIRTY && pairs->cell_of[i] + 1 > ncells)
            ncells = pairs->cell_of[i] + 1;
    memset(count_scratch, 0, (ncells + 1) * sizeof *count_scratch);
    for (size_t i = 0; i < v; i++)
        if (pairs->cell_of[i] != CELL_DIRTY)
            count_scratch[pairs->cell_of[i]]++;
    /* Cells of two or more, renumbered in order; the others drop out. */
    size_t kept = 0, offset = 0;
    for (size_t c = 0; c < ncells; c++) {
        uint32_t n = count_scratch[c];
        count_scratch[c] = n >= 2 ? (uint32_t)kept : CELL_DIRTY;
        if (n >= 2) {
            pairs->cell_start[kept++] = (uint32_t)offset;
            offset += n;
        }
    }
    pairs->cell_start[kept] = (uint32_t)offset;
    pairs->ncells = kept;
    uint32_t *fill = count_scratch + ncells + 1;
    for (size_t c = 0; c < kept; c++)
        fill[c] = pairs->cell_start[c];
    for (size_t i = 0; i < v; i++) {
        uint32_t c = pairs->cell_of[i];
        if (c != CELL_DIRTY && count_scratch[c] != CELL_DIRTY)
            pairs->members[fill[count_scratch[c]]++] = (uint32_t)i;
    }
    pairs->ndirty = 0;
    for (size_t k = 0; k < pairs->count; k++) {
        uint32_t a = pairs->pair[2 * k], b = pairs->pair[2 * k + 1];
        if (pairs->cell_of[a] == CELL_DIRTY || pairs->cell_of[b] == CELL_DIRTY) {
            pairs->dirty_pair[2 * pairs->ndirty] = a;
            pairs->dirty_pair[2 * pairs->ndirty + 1] = b;
            pairs->ndirty++;
        }
    }
}

enum offload_status markers_pairs_init(struct marker_pairs *pairs, size_t varieties)
{
    memset(pairs, 0, sizeof *pairs);
    pairs->varieties = varieties;
    size_t n = varieties > 1 ? varieties * (varieties - 1) / 2 : 0, v1 = varieties + 1;
    pairs->pair = malloc((n ? n : 1) * 2 * sizeof *pairs->pair);
    pairs->dirty_pair = malloc((n ? n : 1) * 2 * sizeof *pairs->dirty_pair);
    pairs->cell_of = calloc(v1, sizeof *pairs->cell_of);
    pairs->members = malloc(v1 * sizeof *pairs->members);
    pairs->cell_start = malloc((v1 + 1) * sizeof *pairs->cell_start);
    if (!pairs->pair || !pairs->dirty_pair || !pairs->cell_of || !pairs->members ||
        !pairs->cell_start) {
        markers_pairs_free(pairs);
        return OFFLOAD_ERR_RUN;
    }
    for (size_t a = 0; a < varieties; a++)
        for (size_t b = a + 1; b < varieties; b++) {
            pairs->pair[2 * pairs->count] = (uint32_t)a;
            pairs->pair[2 * pairs->count + 1] = (uint32_t)b;
            pairs->count++;
        }
    /* No pick yet: every variety clean, all in cell 0. */
    pairs->ncells = varieties >= 2;
    pairs->cell_start[0] = 0;
    pairs->cell_start[1] = varieties >= 2 ? (uint32_t)varieties : 0;
    for (size_t i = 0; i < varieties; i++)
        pairs->members[i] = (uint32_t)i;
    return OFFLOAD_OK;
}

void markers_pairs_free(struct marker_pairs *pairs)
{
    free(pairs->pair);
    free(pairs->dirty_pair);
    free(pairs->cell_of);
    free(pairs->members);
    free(pairs->cell_start);
    memset(pairs, 0, sizeof *pairs);
}

static int resolves(const int8_t *row, uint32_t a, uint32_t b)
{
    int8_t x = row[a], y = row[b];
    return x >= 0 && x <= 2 && y >= 0 && y <= 2 && x != y;
}

enum offload_status markers_pairs_remove(struct marker_pairs *pairs,
                                         const struct marker_patterns *pat, size_t p)
{
    return markers_pairs_remove_row(pairs, pat->calls + pat->row[p] * pat->varieties);
}

enum offload_status markers_pairs_remove_row(struct marker_pairs *pairs, const int8_t *row)
{
    size_t kept = 0, v = pairs->varieties;
    for (size_t k = 0; k < pairs->count; k++) {
        uint32_t a = pairs->pair[2 * k], b = pairs->pair[2 * k + 1];
        if (resolves(row, a, b))
            continue;
        pairs->pair[2 * kept] = a;
        pairs->pair[2 * kept + 1] = b;
        kept++;
    }
    pairs->count = kept;
    /* Cells split by the pick's call; a missed variety turns dirty. Cell
     * numbers stay below 3 * varieties, relabelled by rebuild_cells. */
    for (size_t i = 0; i < v; i++) {
        int8_t x = row[i];
        if (pairs->cell_of[i] != CELL_DIRTY)
            pairs->cell_of[i] = x >= 0 && x <= 2 ? pairs->cell_of[i] * 3 + (uint32_t)x : CELL_DIRTY;
    }
    /* Compact the labels to 0..cells-1 before they outgrow 32 bits. */
    uint32_t *scratch = malloc((6 * v + 8) * sizeof *scratch);
    if (!scratch)
        return OFFLOAD_ERR_RUN;
    size_t next = 0;
    for (size_t i = 0; i < 3 * v + 3; i++)
        scratch[i] = CELL_DIRTY;
    for (size_t i = 0; i < v; i++) {
        uint32_t c = pairs->cell_of[i];
        if (c == CELL_DIRTY)
            continue;
        if (scratch[c] == CELL_DIRTY)
            scratch[c] = (uint32_t)next++;
        pairs->cell_of[i] = scratch[c];
    }
    rebuild_cells(pairs, scratch);
    free(scratch);
    return OFFLOAD_OK;
}

int64_t markers_score(const struct marker_patterns *pat, const struct marker_pairs *pairs, size_t p)
{
    return markers_score_row(pat->calls + pat->row[p] * pat->varieties, pairs);
}

int64_t markers_score_row(const int8_t *row, const struct marker_pairs *pairs)
{
    int64_t s = 0;
    for (size_t k = 0; k < pairs->count; k++)
        s += resolves(row, pairs->pair[2 * k], pairs->pair[2 * k + 1]);
    return s;
}

/* Upstream's first score: from the counts of each call, in O(varieties). */
int64_t markers_first_score_row(const int8_t *row, size_t cols)
{
    int64_t n[3];
    count_calls(row, cols, n);
    return n[0] * n[1] + (n[0] + n[1]) * n[2];
}

static int64_t first_score(const struct marker_patterns *pat, size_t p)
{
    return markers_first_score_row(pat->calls + pat->row[p] * pat->varieties, pat->varieties);
}

/* ---- engines ------------------------------------------------------------- */

static enum offload_status serial_score_all(void *state, const struct marker_patterns *pat,
                                            const struct marker_pairs *pairs, int64_t *out,
                                            struct markers_times *t)
{
    (void)state;
    (void)t;
    markers_score_words(pat, pairs, 0, pat->words, out);
    return OFFLOAD_OK;
}

struct markers_engine markers_engine_serial(void)
{
    struct markers_engine e = {"serial", NULL, NULL, serial_score_all, NULL, NULL, NULL};
    return e;
}

/* ---- the selection -------------------------------------------------------- */

struct rescan {
    const struct marker_patterns *pat;
    const struct markers_options *o;
    const struct markers_engine *engine;
    struct marker_pairs *pairs;
    int64_t *scores; /* upstream's scores: fresh where it rescored, stale elsewhere */
    unsigned char *skip;
    size_t *order; /* decreasing: numpy's argsort reversed */
    size_t *ascending;
    int64_t *fresh; /* every pattern's score on the remaining pairs */
    struct markers_times *times;
};

/* One of upstream's rescans (_rescore_patterns): each of its threads walks
 * its stride of the order, refreshing scores until a stale score falls
 * below its own best. The engine scores every pattern at once; a score is
 * copied only where upstream would have recomputed it, so the stale ones,
 * and with them numpy's order of ties, stay upstream's. */
static enum offload_status rescan(struct rescan *r)
{
    size_t count = r->pat->total, T = r->o->upstream_threads ? r->o->upstream_threads : 1;
    double t0 = offload_now();
    enum offload_status st =
        r->engine->score_all(r->engine->state, r->pat, r->pairs, r->fresh, r->times);
    r->times->rescore += offload_now() - t0;
    r->times->scored += count;
    if (st != OFFLOAD_OK)
        return st;
    size_t chunk = count, nchunks = 1;
    if (r->o->upstream_progress) {
        chunk = count < UPSTREAM_CHUNK ? count : UPSTREAM_CHUNK;
        nchunks = (count + chunk - 1) / chunk;
        if (nchunks < UPSTREAM_MIN_CHUNKS) {
            nchunks = 1;
            chunk = count;
        }
    }
    int64_t best = 0;
    for (size_t c = 0; c < nchunks; c++) {
        size_t start = c * chunk, end = start + chunk < count ? start + chunk : count;
        int64_t chunk_best = best;
        for (size_t t = 0; t < T; t++) {
            int64_t my_best = best;
            for (size_t pos = start + t; pos < end; pos += T) {
                size_t p = r->order[pos];
                if (r->skip[p])
                    continue;
                if (r->scores[p] < my_best)
                    break;
                int64_t s = r->fresh[p];
                r->scores[p] = s;
                r->times->rescored++;
                if (s == 0)
                    r->skip[p] = 1;
                if (s > my_best)
                    my_best = s;
            }
            if (my_best > chunk_best)
                chunk_best = my_best;
        }
        best = chunk_best;
    }
    return OFFLOAD_OK;
}

/* order = numpy.argsort(scores)[::-1] */
static enum offload_status order_by_score(struct rescan *r)
{
    size_t count = r->pat->total;
    double t0 = offload_now();
    enum offload_status st = markers_argsort_numpy(r->scores, count, r->ascending);
    for (size_t i = 0; st == OFFLOAD_OK && i < count; i++)
        r->order[i] = r->ascending[count - 1 - i];
    r->times->order += offload_now() - t0;
    return st;
}

static enum offload_status record_pick(struct markers_result *out, size_t p, int64_t score,
                                       int64_t cumulative)
{
    struct marker_pick *grown = realloc(out->picks, (out->npicks + 1) * sizeof *grown);
    if (!grown)
        return OFFLOAD_ERR_RUN;
    out->picks = grown;
    out->picks[out->npicks].pattern = p;
    out->picks[out->npicks].score = score;
    out->picks[out->npicks].cumulative = cumulative;
    out->npicks++;
    return OFFLOAD_OK;
}

void markers_result_free(struct markers_result *r)
{
    free(r->picks);
    markers_pairs_free(&r->unresolved);
    memset(r, 0, sizeof *r);
}

/* The first scores, on the whole table (spread: each process its own,
 * then gathered); a pattern that resolves nothing is never rescored. */
static enum offload_status score_every_pattern(struct rescan *r)
{
    const struct markers_spread *spread = r->engine->spread;
    size_t count = r->pat->count;
    int64_t *mine = spread ? r->fresh : r->scores;
#pragma omp parallel for schedule(static) if (count * r->pat->varieties > PARALLEL_WORK)
    for (size_t p = 0; p < count; p++)
        mine[p] = first_score(r->pat, p);
    if (spread && spread->gather(spread->ctx, r->pat, mine, r->scores) != OFFLOAD_OK)
        return OFFLOAD_ERR_RUN;
    for (size_t p = 0; p < r->pat->total; p++)
        if (r->scores[p] == 0)
            r->skip[p] = 1;
    return OFFLOAD_OK;
}

/* Spread patterns: the pick's calls from its owner, and its score checked
 * on them with the serial scorer (no process holds the whole table to run
 * the serial selection); then its pairs go. */
static enum offload_status remove_spread_pick(struct rescan *r, struct marker_pairs *pairs,
                                              size_t best)
{
    const struct markers_spread *spread = r->engine->spread;
    int8_t *row = malloc(r->pat->varieties ? r->pat->varieties : 1);
    enum offload_status st = row ? spread->pick_row(spread->ctx, r->pat, best, row)
                                 : OFFLOAD_ERR_RUN;
    int64_t serial = st == OFFLOAD_OK ? markers_score_row(row, pairs) : 0;
    if (st == OFFLOAD_OK && serial != r->scores[best]) {
        offload_error("markers (%s): pattern %zu scored %lld, the serial scorer says %lld: the "
                      "%s result is wrong\n",
                      r->engine->name, best, (long long)r->scores[best], (long long)serial,
                      r->engine->name);
        st = OFFLOAD_ERR_RUN;
    }
    if (st == OFFLOAD_OK)
        st = markers_pairs_remove_row(pairs, row);
    free(row);
    return st;
}

/* Takes pattern best: recorded with its score, never scored again, and its
 * pairs removed from the unresolved ones (timed as remove). */
static enum offload_status take_pick(struct rescan *r, struct markers_result *out, size_t best,
                                     int64_t cumulative)
{
    if (record_pick(out, best, r->scores[best], cumulative) != OFFLOAD_OK)
        return OFFLOAD_ERR_RUN;
    double t0 = offload_now();
    enum offload_status st = r->engine->spread
                                 ? remove_spread_pick(r, &out->unresolved, best)
                                 : markers_pairs_remove(&out->unresolved, r->pat, best);
    r->scores[best] = 0;
    r->skip[best] = 1;
    if (st != OFFLOAD_OK)
        return OFFLOAD_ERR_RUN;
    r->times->remove += offload_now() - t0;
    return OFFLOAD_OK;
}

enum offload_status markers_select(const struct marker_patterns *pat,
                                   const struct markers_options *o,
                                   const struct markers_engine *engine,
                                   markers_progress_fn progress, void *progress_ctx,
                                   struct markers_result *out)
{
    memset(out, 0, sizeof *out);
    size_t count = pat->total;
    if (count == 0)
        return OFFLOAD_ERR_USAGE;
    struct markers_times *times = &out->times;
    struct rescan r = {pat, o, engine, &out->unresolved, NULL, NULL, NULL, NULL, NULL, times};
    r.scores = malloc(count * sizeof *r.scores);
    r.skip = calloc(count, 1);
    r.order = malloc(count * sizeof *r.order);
    r.ascending = malloc(count * sizeof *r.ascending);
    r.fresh = malloc(count * sizeof *r.fresh);
    enum offload_status st = OFFLOAD_ERR_RUN;
    if (!r.scores || !r.skip || !r.order || !r.ascending || !r.fresh ||
        markers_pairs_init(&out->unresolved, pat->varieties) != OFFLOAD_OK) {
        offload_error("markers: out of memory for %zu patterns\n", count);
        goto done;
    }
    out->perfect = (int64_t)out->unresolved.count;

    double t0 = offload_now();
    out->best_possible = engine->spread ? engine->spread->best_possible(engine->spread->ctx, pat)
                                        : markers_best_possible(pat);
    times->best_possible = offload_now() - t0;
    if (out->best_possible < 0) /* the spread's collective failed, on every process */
        goto done;

    t0 = offload_now();
    st = score_every_pattern(&r);
    times->first_score = offload_now() - t0;
    if (st != OFFLOAD_OK || (st = order_by_score(&r)) != OFFLOAD_OK)
        goto done;
    st = OFFLOAD_ERR_RUN;

    size_t best = r.order[0];
    int64_t best_score = r.scores[best], cumulative = best_score, current = best_score;
    if (take_pick(&r, out, best, cumulative) != OFFLOAD_OK)
        goto done;
    if (progress)
        progress(progress_ctx, 1, &out->picks[0], (int64_t)out->unresolved.count);
    if (engine->begin &&
        (st = engine->begin(engine->state, pat, &out->unresolved, times)) != OFFLOAD_OK)
        goto done;

    size_t iteration = 1;
    while (current > 0) {
        iteration++;
        if ((st = rescan(&r)) != OFFLOAD_OK || (st = order_by_score(&r)) != OFFLOAD_OK)
            goto done;
        best = r.order[0];
        best_score = r.scores[best];
        if (best_score > 0) {
            cumulative += best_score;
            st = OFFLOAD_ERR_RUN;
            if (take_pick(&r, out, best, cumulative) != OFFLOAD_OK)
                goto done;
            if (engine->picked && (st = engine->picked(engine->state, pat, &out->unresolved, best,
                                                       times)) != OFFLOAD_OK)
                goto done;
            if (progress)
                progress(progress_ctx, iteration, &out->picks[out->npicks - 1],
                         (int64_t)out->unresolved.count);
            if (cumulative == out->best_possible)
                break;
        }
        current = best_score;
    }
    st = OFFLOAD_OK;
    if (cumulative != out->best_possible ||
        out->perfect - (int64_t)out->unresolved.count != cumulative) {
        offload_error("markers (%s): the picks resolve %lld pairs, the best possible is %lld "
                      "(%lld left unresolved of %lld): a bug, please report it with the input\n",
                      engine->name, (long long)cumulative, (long long)out->best_possible,
                      (long long)(int64_t)out->unresolved.count, (long long)out->perfect);
        st = OFFLOAD_ERR_RUN;
    }
done:
    if (engine->end)
        engine->end(engine->state);
    free(r.scores);
    free(r.skip);
    free(r.order);
    free(r.ascending);
    free(r.fresh);
    return st;
}

int markers_same_picks(const struct markers_result *a, const struct markers_result *b)
{
    if (a->npicks != b->npicks || a->best_possible != b->best_possible)
        return 0;
    for (size_t i = 0; i < a->npicks; i++)
        if (a->picks[i].pattern != b->picks[i].pattern || a->picks[i].score != b->picks[i].score ||
            a->picks[i].cumulative != b->picks[i].cumulative)
            return 0;
    return 1;
}
