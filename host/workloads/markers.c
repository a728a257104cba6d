/* The minimal marker selection (see markers.h and the README's "markers"
 * section for the rules, each taken from upstream's minimalmarkers.py). */
#include "markers.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timing.h"

/* Upstream's chunk of patterns per progress-bar step, and the fewest chunks
 * for which it uses them (_MIN_CHUNK_SIZE and "nchunks < 4"). */
#define UPSTREAM_CHUNK 1000
#define UPSTREAM_MIN_CHUNKS 4
/* Candidates per upstream thread handed to an engine at once; doubled each
 * round of one rescan, so a long rescan costs few engine calls. */
#define FIRST_BATCH 16

struct markers_options markers_default_options(void)
{
    struct markers_options o = {0.9, 0.001, 2, 1};
    return o;
}

/* ---- the two argsorts ---------------------------------------------------- */

#define SWAP_IDX(a, b)                                                                            \
    do {                                                                                          \
        size_t swap_tmp_ = (a);                                                                   \
        (a) = (b);                                                                                \
        (b) = swap_tmp_;                                                                          \
    } while (0)

/* numba/misc/quicksort.py (0.56): median of three, Hoare partition with the
 * pivot stashed at the end, insertion sort below 16 elements, the larger
 * side pushed. */
#define NUMBA_SMALL_QUICKSORT 15
#define NUMBA_MAX_STACK 100

static void numba_insertion_sort(const int64_t *v, size_t *r, ptrdiff_t low, ptrdiff_t high)
{
    for (ptrdiff_t i = low + 1; i <= high; i++) {
        size_t k = r[i];
        int64_t key = v[k];
        ptrdiff_t j = i;
        while (j > low && key < v[r[j - 1]]) {
            r[j] = r[j - 1];
            j--;
        }
        r[j] = k;
    }
}

static ptrdiff_t numba_partition(const int64_t *v, size_t *r, ptrdiff_t low, ptrdiff_t high)
{
    ptrdiff_t mid = (low + high) >> 1;
    if (v[r[mid]] < v[r[low]])
        SWAP_IDX(r[low], r[mid]);
    if (v[r[high]] < v[r[mid]])
        SWAP_IDX(r[high], r[mid]);
    if (v[r[mid]] < v[r[low]])
        SWAP_IDX(r[low], r[mid]);
    int64_t pivot = v[r[mid]];
    SWAP_IDX(r[high], r[mid]);
    ptrdiff_t i = low, j = high - 1;
    for (;;) {
        while (i < high && v[r[i]] < pivot)
            i++;
        while (j >= low && pivot < v[r[j]])
            j--;
        if (i >= j)
            break;
        SWAP_IDX(r[i], r[j]);
        i++;
        j--;
    }
    SWAP_IDX(r[i], r[high]);
    return i;
}

void markers_argsort_numba(const int64_t *v, size_t n, size_t *idx)
{
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    if (n < 2)
        return;
    ptrdiff_t stack_low[NUMBA_MAX_STACK], stack_high[NUMBA_MAX_STACK];
    size_t depth = 1;
    stack_low[0] = 0;
    stack_high[0] = (ptrdiff_t)n - 1;
    while (depth > 0) {
        depth--;
        ptrdiff_t low = stack_low[depth], high = stack_high[depth];
        while (high - low >= NUMBA_SMALL_QUICKSORT) {
            ptrdiff_t i = numba_partition(v, idx, low, high);
            /* The smaller side is done first: the stack stays under log2(n). */
            if (high - i > i - low) {
                if (high > i) {
                    stack_low[depth] = i + 1;
                    stack_high[depth++] = high;
                }
                high = i - 1;
            } else {
                if (i > low) {
                    stack_low[depth] = low;
                    stack_high[depth++] = i - 1;
                }
                low = i + 1;
            }
        }
        numba_insertion_sort(v, idx, low, high);
    }
}

/* numpy 1.24's aquicksort_<long> (npysort/quicksort.cpp): introsort with a
 * depth limit of 2*floor(log2 n), heapsort past it, insertion sort for
 * partitions of 16 or fewer. */
#define NUMPY_SMALL_QUICKSORT 15
#define NUMPY_STACK 128

static void numpy_aheapsort(const int64_t *v, size_t *tosort, ptrdiff_t n)
{
    size_t *a = tosort - 1; /* heapsort indexing from 1 */
    ptrdiff_t i, j, l;
    size_t tmp;
    for (l = n >> 1; l > 0; --l) {
        tmp = a[l];
        for (i = l, j = l << 1; j <= n;) {
            if (j < n && v[a[j]] < v[a[j + 1]])
                j += 1;
            if (v[tmp] < v[a[j]]) {
                a[i] = a[j];
                i = j;
                j += j;
            } else
                break;
        }
        a[i] = tmp;
    }
    for (; n > 1;) {
        tmp = a[n];
        a[n] = a[1];
        n -= 1;
        for (i = 1, j = 2; j <= n;) {
            if (j < n && v[a[j]] < v[a[j + 1]])
                j++;
            if (v[tmp] < v[a[j]]) {
                a[i] = a[j];
                i = j;
                j += j;
            } else
                break;
        }
        a[i] = tmp;
    }
}

void markers_argsort_numpy(const int64_t *v, size_t n, size_t *idx)
{
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    if (n < 2)
        return;
    size_t *pl = idx, *pr = idx + n - 1;
    size_t *stack[NUMPY_STACK], **sptr = stack;
    int depth[NUMPY_STACK], *psdepth = depth;
    int cdepth = 0;
    for (size_t u = n; u >>= 1;)
        cdepth++;
    cdepth *= 2;
    for (;;) {
        if (cdepth < 0) {
            numpy_aheapsort(v, pl, pr - pl + 1);
            goto stack_pop;
        }
        while ((pr - pl) > NUMPY_SMALL_QUICKSORT) {
            size_t *pm = pl + ((pr - pl) >> 1);
            if (v[*pm] < v[*pl])
                SWAP_IDX(*pm, *pl);
            if (v[*pr] < v[*pm])
                SWAP_IDX(*pr, *pm);
            if (v[*pm] < v[*pl])
                SWAP_IDX(*pm, *pl);
            int64_t vp = v[*pm];
            size_t *pi = pl, *pj = pr - 1;
            SWAP_IDX(*pm, *pj);
            for (;;) {
                do
                    ++pi;
                while (v[*pi] < vp);
                do
                    --pj;
                while (vp < v[*pj]);
                if (pi >= pj)
                    break;
                SWAP_IDX(*pi, *pj);
            }
            size_t *pk = pr - 1;
            SWAP_IDX(*pi, *pk);
            if (pi - pl < pr - pi) {
                *sptr++ = pi + 1;
                *sptr++ = pr;
                pr = pi - 1;
            } else {
                *sptr++ = pl;
                *sptr++ = pi - 1;
                pl = pi + 1;
            }
            *psdepth++ = --cdepth;
        }
        for (size_t *pi = pl + 1; pi <= pr; ++pi) {
            size_t vi = *pi;
            int64_t key = v[vi];
            size_t *pj = pi, *pk = pi - 1;
            while (pj > pl && key < v[*pk])
                *pj-- = *pk--;
            *pj = vi;
        }
    stack_pop:
        if (sptr == stack)
            break;
        pr = *(--sptr);
        pl = *(--sptr);
        cdepth = *(--psdepth);
    }
}

/* ---- filters and packing ------------------------------------------------- */

int64_t markers_minor_count(const int8_t *row, size_t cols, double min_call_rate, double min_maf)
{
    if (cols == 0)
        return 0;
    int64_t fails = 0, zeros = 0, ones = 0, twos = 0;
    for (size_t j = 0; j < cols; j++) {
        int8_t x = row[j];
        if (x == GENOTYPE_MISSING)
            fails++;
        else if (x == 0)
            zeros++;
        else if (x == 1)
            ones++;
        else
            twos++;
    }
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

int markers_call(const struct marker_patterns *pat, size_t p, size_t v)
{
    const uint64_t *b = pat->bits + p * 3 * pat->words;
    uint64_t bit = (uint64_t)1 << (v & 63);
    size_t w = v >> 6;
    for (int c = 0; c < 3; c++)
        if (b[(size_t)c * pat->words + w] & bit)
            return c;
    return -1;
}

void markers_patterns_free(struct marker_patterns *p)
{
    free(p->row);
    free(p->minor);
    free(p->bits);
    memset(p, 0, sizeof *p);
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
    signed char *dup = calloc(rows ? rows : 1, 1);
    out->varieties = cols;
    out->words = (cols + 63) / 64;
    out->row = malloc((rows ? rows : 1) * sizeof *out->row);
    out->minor = malloc((rows ? rows : 1) * sizeof *out->minor);
    if (!minor || !sorted || !dup || !out->row || !out->minor) {
        snprintf(err, errlen, "out of memory for %zu patterns", rows);
        free(minor);
        free(sorted);
        free(dup);
        markers_patterns_free(out);
        return OFFLOAD_ERR_RUN;
    }
#pragma omp parallel for schedule(static)
    for (size_t r = 0; r < m->rows; r++)
        minor[r] = markers_minor_count(m->calls + r * cols, cols, o->min_call_rate, o->min_maf);
    for (size_t r = m->rows; r < rows; r++)
        minor[r] = 0;
    size_t eliminated = 0;
    for (size_t r = 0; r < rows; r++)
        eliminated += minor[r] == 0;
    out->eliminated = eliminated;

    markers_argsort_numba(minor, rows, sorted);
    /* Decreasing order: numba's ascending order reversed. */
    for (size_t i = 0, j = rows ? rows - 1 : 0; i < j; i++, j--)
        SWAP_IDX(sorted[i], sorted[j]);

    size_t kept = 0;
    if (rows > 0 && minor[sorted[0]] != 0)
        out->row[kept++] = sorted[0];
    for (size_t i = 1; kept > 0 && i < rows; i++) {
        size_t idx = sorted[i];
        int64_t maf = minor[idx];
        if (maf == 0)
            continue;
        /* Identical rows have the same minor count, so they sit together:
         * look back through that run for an identical kept row. */
        int is_new = 1;
        for (size_t j = i; j-- > 0;) {
            size_t last = sorted[j];
            if (minor[last] != maf)
                break;
            if (!dup[last] &&
                memcmp(m->calls + idx * cols, m->calls + last * cols, cols) == 0) {
                dup[idx] = 1;
                is_new = 0;
                break;
            }
        }
        if (is_new)
            out->row[kept++] = idx;
        else
            out->duplicates++;
    }
    free(sorted);
    free(dup);
    out->count = kept;
    if (kept == 0) {
        free(minor);
        snprintf(err, errlen,
                 "no marker passes the filters (call rate >= %g, minor allele frequency >= %g, "
                 "at least two alleles) among %zu rows of %zu varieties: lower --min-call-rate "
                 "or --min-maf, or check the calls are 0/1/2 or A/AB/B",
                 o->min_call_rate, o->min_maf, m->rows, cols);
        markers_patterns_free(out);
        return OFFLOAD_ERR_USAGE;
    }
    for (size_t p = 0; p < kept; p++)
        out->minor[p] = minor[out->row[p]];
    free(minor);

    out->bits = calloc(kept * 3 * out->words, sizeof *out->bits);
    if (!out->bits) {
        snprintf(err, errlen, "out of memory for %zu packed patterns of %zu varieties", kept,
                 cols);
        markers_patterns_free(out);
        return OFFLOAD_ERR_RUN;
    }
#pragma omp parallel for schedule(static)
    for (size_t p = 0; p < kept; p++) {
        const int8_t *row = m->calls + out->row[p] * cols;
        uint64_t *b = out->bits + p * 3 * out->words;
        for (size_t v = 0; v < cols; v++)
            if (row[v] >= 0 && row[v] <= 2)
                b[(size_t)row[v] * out->words + (v >> 6)] |= (uint64_t)1 << (v & 63);
    }
    return OFFLOAD_OK;
}

/* ---- pairs ---------------------------------------------------------------- */

enum offload_status markers_pairs_init(struct marker_pairs *pairs, size_t varieties)
{
    memset(pairs, 0, sizeof *pairs);
    pairs->varieties = varieties;
    pairs->words = (varieties + 63) / 64;
    size_t n = varieties * pairs->words;
    pairs->rows = calloc(n ? n : 1, sizeof *pairs->rows);
    pairs->active = malloc((varieties ? varieties : 1) * sizeof *pairs->active);
    if (!pairs->rows || !pairs->active) {
        markers_pairs_free(pairs);
        return OFFLOAD_ERR_RUN;
    }
    for (size_t i = 1; i < varieties; i++) {
        uint64_t *row = pairs->rows + i * pairs->words;
        for (size_t w = 0; w < (i >> 6); w++)
            row[w] = ~(uint64_t)0;
        if (i & 63)
            row[i >> 6] = ((uint64_t)1 << (i & 63)) - 1;
        pairs->active[pairs->nactive++] = (uint32_t)i;
    }
    pairs->remaining = (int64_t)varieties * ((int64_t)varieties - 1) / 2;
    return OFFLOAD_OK;
}

void markers_pairs_free(struct marker_pairs *pairs)
{
    free(pairs->rows);
    free(pairs->active);
    memset(pairs, 0, sizeof *pairs);
}

/* The varieties pattern p calls differently from call c (and not missing):
 * the other two calls' bitsets. Returns 0 when variety i is missing. */
static int other_calls(const struct marker_patterns *pat, size_t p, size_t i, const uint64_t **a,
                       const uint64_t **b)
{
    const uint64_t *b0 = pat->bits + p * 3 * pat->words, *b1 = b0 + pat->words,
                   *b2 = b1 + pat->words;
    uint64_t bit = (uint64_t)1 << (i & 63);
    size_t w = i >> 6;
    if (b0[w] & bit)
        *a = b1, *b = b2;
    else if (b1[w] & bit)
        *a = b0, *b = b2;
    else if (b2[w] & bit)
        *a = b0, *b = b1;
    else
        return 0;
    return 1;
}

void markers_pairs_remove(struct marker_pairs *pairs, const struct marker_patterns *pat, size_t p)
{
    size_t kept = 0;
    int64_t removed = 0;
    for (size_t k = 0; k < pairs->nactive; k++) {
        size_t i = pairs->active[k];
        uint64_t *row = pairs->rows + i * pairs->words, any = 0;
        const uint64_t *a, *b;
        if (other_calls(pat, p, i, &a, &b)) {
            for (size_t w = 0; w <= (i >> 6); w++) {
                uint64_t hit = row[w] & (a[w] | b[w]);
                removed += __builtin_popcountll(hit);
                row[w] &= ~hit;
                any |= row[w];
            }
        } else
            any = 1;
        if (any)
            pairs->active[kept++] = (uint32_t)i;
    }
    pairs->nactive = kept;
    pairs->remaining -= removed;
}

int64_t markers_score(const struct marker_patterns *pat, const struct marker_pairs *pairs,
                      size_t p)
{
    int64_t s = 0;
    for (size_t k = 0; k < pairs->nactive; k++) {
        size_t i = pairs->active[k];
        const uint64_t *row = pairs->rows + i * pairs->words, *a, *b;
        if (!other_calls(pat, p, i, &a, &b))
            continue;
        for (size_t w = 0; w <= (i >> 6); w++)
            s += __builtin_popcountll(row[w] & (a[w] | b[w]));
    }
    return s;
}

int64_t markers_best_possible(const struct marker_patterns *pat)
{
    struct marker_pairs pairs;
    if (markers_pairs_init(&pairs, pat->varieties) != OFFLOAD_OK)
        return -1;
    int64_t perfect = pairs.remaining;
    for (size_t p = 0; p < pat->count && pairs.nactive > 0; p++)
        markers_pairs_remove(&pairs, pat, p);
    int64_t best = perfect - pairs.remaining;
    markers_pairs_free(&pairs);
    return best;
}

/* Upstream's first score: from the counts of each call, in O(varieties). */
static int64_t first_score(const struct marker_patterns *pat, size_t p)
{
    const uint64_t *b = pat->bits + p * 3 * pat->words;
    int64_t n[3] = {0, 0, 0};
    for (int c = 0; c < 3; c++)
        for (size_t w = 0; w < pat->words; w++)
            n[c] += __builtin_popcountll(b[(size_t)c * pat->words + w]);
    return n[0] * n[1] + (n[0] + n[1]) * n[2];
}

/* ---- engines ------------------------------------------------------------- */

static enum offload_status serial_rescore(void *state, const struct marker_patterns *pat,
                                          const struct marker_pairs *pairs, const uint32_t *cand,
                                          size_t n, int64_t *out, struct markers_times *t)
{
    (void)state;
    (void)t;
    for (size_t k = 0; k < n; k++)
        out[k] = markers_score(pat, pairs, cand[k]);
    return OFFLOAD_OK;
}

static enum offload_status openmp_rescore(void *state, const struct marker_patterns *pat,
                                          const struct marker_pairs *pairs, const uint32_t *cand,
                                          size_t n, int64_t *out, struct markers_times *t)
{
    (void)t;
    int threads = state ? *(const int *)state : 0;
    if (threads <= 0)
        threads = omp_get_max_threads();
    /* A handful of candidates is not worth waking threads for. */
    if (n < 4)
        threads = 1;
#pragma omp parallel for schedule(dynamic, 2) num_threads(threads)
    for (size_t k = 0; k < n; k++)
        out[k] = markers_score(pat, pairs, cand[k]);
    return OFFLOAD_OK;
}

struct markers_engine markers_engine_serial(void)
{
    struct markers_engine e = {"serial", NULL, NULL, serial_rescore, NULL};
    return e;
}

struct markers_engine markers_engine_openmp(int *threads)
{
    struct markers_engine e = {"openmp", threads, NULL, openmp_rescore, NULL};
    return e;
}

/* ---- the selection -------------------------------------------------------- */

struct rescan {
    const struct marker_patterns *pat;
    const struct markers_options *o;
    const struct markers_engine *engine;
    struct marker_pairs *pairs;
    int64_t *scores;
    unsigned char *skip;
    size_t *order; /* decreasing: numpy's argsort reversed */
    size_t *ascending;
    int64_t *fresh; /* per pattern, -1 when not computed in this rescan */
    uint32_t *cand;
    int64_t *cand_out;
    size_t *pos;
    int64_t *my_best;
    unsigned char *done;
    struct markers_times *times;
};

/* One of upstream's rescans (_rescore_patterns): each of its threads walks
 * its stride of the order, refreshing scores until a stale score falls
 * below its own best. Candidates are computed by the engine in batches, and
 * a score is only written where upstream writes one. */
static enum offload_status rescan(struct rescan *r)
{
    size_t count = r->pat->count, T = r->o->upstream_threads ? r->o->upstream_threads : 1;
    size_t chunk = count, nchunks = 1;
    if (r->o->upstream_progress) {
        chunk = count < UPSTREAM_CHUNK ? count : UPSTREAM_CHUNK;
        nchunks = (count + chunk - 1) / chunk;
        if (nchunks < UPSTREAM_MIN_CHUNKS) {
            nchunks = 1;
            chunk = count;
        }
    }
    for (size_t p = 0; p < count; p++)
        r->fresh[p] = -1;
    int64_t best = 0;
    size_t batch = FIRST_BATCH;
    for (size_t c = 0; c < nchunks; c++) {
        size_t start = c * chunk, end = start + chunk < count ? start + chunk : count;
        size_t left = 0;
        for (size_t t = 0; t < T; t++) {
            r->pos[t] = start + t;
            r->my_best[t] = best;
            r->done[t] = r->pos[t] >= end;
            left += !r->done[t];
        }
        while (left > 0) {
            size_t n = 0;
            for (size_t t = 0; t < T; t++) {
                if (r->done[t])
                    continue;
                size_t k = 0;
                for (size_t q = r->pos[t]; q < end && k < batch; q += T) {
                    size_t p = r->order[q];
                    if (r->skip[p] || r->fresh[p] >= 0)
                        continue;
                    if (r->scores[p] < r->my_best[t])
                        break;
                    r->cand[n++] = (uint32_t)p;
                    k++;
                }
            }
            if (n > 0) {
                double t0 = offload_now();
                enum offload_status st = r->engine->rescore(r->engine->state, r->pat, r->pairs,
                                                            r->cand, n, r->cand_out, r->times);
                r->times->rescore += offload_now() - t0;
                r->times->rescored += n;
                if (st != OFFLOAD_OK)
                    return st;
                for (size_t k = 0; k < n; k++)
                    r->fresh[r->cand[k]] = r->cand_out[k];
            }
            batch *= 2;
            for (size_t t = 0; t < T; t++) {
                if (r->done[t])
                    continue;
                while (r->pos[t] < end) {
                    size_t p = r->order[r->pos[t]];
                    if (!r->skip[p]) {
                        if (r->scores[p] < r->my_best[t]) {
                            r->pos[t] = end;
                            break;
                        }
                        if (r->fresh[p] < 0)
                            break; /* the next batch computes it */
                        int64_t s = r->fresh[p];
                        r->scores[p] = s;
                        if (s == 0)
                            r->skip[p] = 1;
                        if (s > r->my_best[t])
                            r->my_best[t] = s;
                    }
                    r->pos[t] += T;
                }
                if (r->pos[t] >= end) {
                    r->done[t] = 1;
                    left--;
                }
            }
        }
        for (size_t t = 0; t < T; t++)
            if (r->my_best[t] > best)
                best = r->my_best[t];
    }
    return OFFLOAD_OK;
}

/* order = numpy.argsort(scores)[::-1] */
static void order_by_score(struct rescan *r)
{
    size_t count = r->pat->count;
    markers_argsort_numpy(r->scores, count, r->ascending);
    for (size_t i = 0; i < count; i++)
        r->order[i] = r->ascending[count - 1 - i];
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

enum offload_status markers_select(const struct marker_patterns *pat,
                                   const struct markers_options *o,
                                   const struct markers_engine *engine, markers_progress_fn progress,
                                   void *progress_ctx, struct markers_result *out)
{
    memset(out, 0, sizeof *out);
    size_t count = pat->count, T = o->upstream_threads ? o->upstream_threads : 1;
    if (count == 0)
        return OFFLOAD_ERR_USAGE;
    struct markers_times *times = &out->times;
    struct rescan r = {pat, o, engine, &out->unresolved, NULL, NULL, NULL, NULL, NULL,
                       NULL, NULL, NULL, NULL, NULL,           times};
    r.scores = malloc(count * sizeof *r.scores);
    r.skip = calloc(count, 1);
    r.order = malloc(count * sizeof *r.order);
    r.ascending = malloc(count * sizeof *r.ascending);
    r.fresh = malloc(count * sizeof *r.fresh);
    r.cand = malloc(count * sizeof *r.cand);
    r.cand_out = malloc(count * sizeof *r.cand_out);
    r.pos = malloc(T * sizeof *r.pos);
    r.my_best = malloc(T * sizeof *r.my_best);
    r.done = malloc(T);
    enum offload_status st = OFFLOAD_ERR_RUN;
    if (!r.scores || !r.skip || !r.order || !r.ascending || !r.fresh || !r.cand || !r.cand_out ||
        !r.pos || !r.my_best || !r.done ||
        markers_pairs_init(&out->unresolved, pat->varieties) != OFFLOAD_OK) {
        fprintf(stderr, "offload: markers: out of memory for %zu patterns\n", count);
        goto done;
    }
    out->perfect = out->unresolved.remaining;

    double t0 = offload_now();
    out->best_possible = markers_best_possible(pat);
    times->best_possible = offload_now() - t0;

    t0 = offload_now();
#pragma omp parallel for schedule(static)
    for (size_t p = 0; p < count; p++) {
        r.scores[p] = first_score(pat, p);
        if (r.scores[p] == 0)
            r.skip[p] = 1;
    }
    times->first_score = offload_now() - t0;
    t0 = offload_now();
    order_by_score(&r);
    times->order += offload_now() - t0;

    size_t best = r.order[0];
    int64_t best_score = r.scores[best], cumulative = best_score, current = best_score;
    if (record_pick(out, best, best_score, cumulative) != OFFLOAD_OK)
        goto done;
    r.scores[best] = 0;
    r.skip[best] = 1;
    t0 = offload_now();
    markers_pairs_remove(&out->unresolved, pat, best);
    times->remove += offload_now() - t0;
    if (progress)
        progress(progress_ctx, 1, &out->picks[0], out->unresolved.remaining);
    if (engine->begin && (st = engine->begin(engine->state, pat, &out->unresolved, times)) !=
                             OFFLOAD_OK)
        goto done;

    size_t iteration = 1;
    while (current > 0) {
        iteration++;
        if ((st = rescan(&r)) != OFFLOAD_OK)
            goto done;
        t0 = offload_now();
        order_by_score(&r);
        times->order += offload_now() - t0;
        best = r.order[0];
        best_score = r.scores[best];
        if (best_score > 0) {
            cumulative += best_score;
            st = OFFLOAD_ERR_RUN;
            if (record_pick(out, best, best_score, cumulative) != OFFLOAD_OK)
                goto done;
            r.scores[best] = 0;
            r.skip[best] = 1;
            t0 = offload_now();
            markers_pairs_remove(&out->unresolved, pat, best);
            times->remove += offload_now() - t0;
            if (engine->picked &&
                (st = engine->picked(engine->state, pat, &out->unresolved, best, times)) !=
                    OFFLOAD_OK)
                goto done;
            if (progress)
                progress(progress_ctx, iteration, &out->picks[out->npicks - 1],
                         out->unresolved.remaining);
            if (cumulative == out->best_possible)
                break;
        }
        current = best_score;
    }
    st = OFFLOAD_OK;
    if (cumulative != out->best_possible ||
        out->perfect - out->unresolved.remaining != cumulative) {
        fprintf(stderr,
                "offload: markers (%s): the picks resolve %lld pairs, the best possible is %lld "
                "(%lld left unresolved of %lld): a bug, please report it with the input\n",
                engine->name, (long long)cumulative, (long long)out->best_possible,
                (long long)out->unresolved.remaining, (long long)out->perfect);
        st = OFFLOAD_ERR_RUN;
    }
done:
    free(r.scores);
    free(r.skip);
    free(r.order);
    free(r.ascending);
    free(r.fresh);
    free(r.cand);
    free(r.cand_out);
    free(r.pos);
    free(r.my_best);
    free(r.done);
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
