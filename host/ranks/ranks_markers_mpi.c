/* offload markers across MPI ranks with the table kept spread: each rank
 * reads its own rows, the ranks exchange small facts per row (minor allele
 * count, hash, first score) to agree on upstream's order and duplicates,
 * and each kept row goes to the rank that owns its pattern (whole blocks of
 * plane words), so a rank holds the calls and bit planes of its patterns
 * only. Per pick the owner sends the chosen pattern's calls to every rank. */
#include "ranks.h"

#include <limits.h>
#include <mpi.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"
#include "timing.h"

/* Pairs whose "some pattern resolves it" flags go through one reduction. */
#define PAIR_CHUNK ((size_t)1 << 22)

/* What every rank learns of every row read. */
struct row_fact {
    int64_t minor, first;
    uint64_t hash;
};

/* The rank r whose range [bounds[r], bounds[r + 1]) holds i (the last of
 * the ranks whose range starts at or before i: empty ranges are skipped). */
static int range_of(const size_t *bounds, size_t i)
{
    int lo = 0, hi = ranks_count() - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (bounds[mid] <= i)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* Every rank's first pattern (bounds[R] = total): whole blocks of
 * MARKERS_WORD_BLOCK plane words, split as ranks_share splits items. */
static void pattern_bounds(size_t total, size_t *bounds)
{
    size_t per_block = (size_t)MARKERS_WORD_BLOCK * 64, blocks = (total + per_block - 1) / per_block;
    for (int r = 0; r < ranks_count(); r++) {
        size_t b0, nb;
        ranks_share(blocks, r, &b0, &nb);
        bounds[r] = b0 * per_block < total ? b0 * per_block : total;
    }
    bounds[ranks_count()] = total;
}

/* Counts and offsets in items of every rank's n items; false past int. */
static int item_counts(size_t n, int *counts, int *displs, size_t *all_n)
{
    uint64_t mine = n, *all = malloc((size_t)ranks_count() * sizeof *all);
    int ok = all != NULL;
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!ok) {
        free(all);
        return 0;
    }
    MPI_Allgather(&mine, 1, MPI_UINT64_T, all, 1, MPI_UINT64_T, MPI_COMM_WORLD);
    size_t total = 0;
    for (int r = 0; r < ranks_count(); r++) {
        ok = ok && all[r] <= INT_MAX && total <= (size_t)INT_MAX - all[r];
        counts[r] = ok ? (int)all[r] : 0;
        displs[r] = ok ? (int)total : 0;
        total += all[r];
    }
    free(all);
    *all_n = total;
    return ok;
}

/* Each rank's row facts, on every rank, by table row; row_first[r] is rank
 * r's first row (row_first[R] all rows). */
static int gather_facts(const struct genotype_matrix *m, const struct markers_options *o,
                        struct row_fact *all, size_t *row_first, int *counts, int *displs)
{
    struct row_fact *mine = malloc((m->rows ? m->rows : 1) * sizeof *mine);
    size_t total;
    int ok = mine != NULL;
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (ok) {
#pragma omp parallel for schedule(static)
        for (size_t r = 0; r < m->rows; r++) {
            const int8_t *row = m->calls + r * m->cols;
            mine[r].minor = markers_minor_count(row, m->cols, o->min_call_rate, o->min_maf);
            mine[r].first = markers_first_score_row(row, m->cols);
            mine[r].hash = markers_row_hash(row, m->cols);
        }
    }
    ok = ok && item_counts(m->rows * 3, counts, displs, &total) && total == 3 * m->all_rows;
    if (ok) {
        MPI_Allgatherv(mine, (int)(m->rows * 3), MPI_INT64_T, all, counts, displs, MPI_INT64_T,
                       MPI_COMM_WORLD);
        for (int r = 0; r <= ranks_count(); r++)
            row_first[r] = r < ranks_count() ? (size_t)displs[r] / 3 : m->all_rows;
    }
    free(mine);
    return ok;
}

static int by_hash(const void *a, const void *b)
{
    const struct row_fact *const *x = a, *const *y = b;
    if ((*x)->hash != (*y)->hash)
        return (*x)->hash < (*y)->hash ? -1 : 1;
    return *x < *y ? -1 : *x > *y;
}

/* Rows that pass the filters and share their hash with another such row:
 * only they can be duplicates. cand[g] is set for them. */
static int mark_candidates(const struct row_fact *facts, size_t rows, unsigned char *cand)
{
    const struct row_fact **kept = malloc((rows ? rows : 1) * sizeof *kept);
    if (!kept)
        return 0;
    size_t n = 0;
    for (size_t g = 0; g < rows; g++)
        if (facts[g].minor > 0)
            kept[n++] = &facts[g];
    qsort(kept, n, sizeof *kept, by_hash);
    for (size_t i = 0; i + 1 < n; i++)
        if (kept[i]->hash == kept[i + 1]->hash)
            cand[kept[i] - facts] = cand[kept[i + 1] - facts] = 1;
    free(kept);
    return 1;
}

/* The candidates' calls on every rank, in row order (cand_at[g]: its index). */
static int gather_candidates(const struct genotype_matrix *m, const unsigned char *cand,
                             const size_t *row_first, size_t *cand_at, int8_t **calls)
{
    size_t cols = m->cols, n = 0, mine = 0, me = (size_t)ranks_me();
    for (size_t g = 0; g < m->all_rows; g++)
        if (cand[g]) {
            cand_at[g] = n++;
            mine += g >= row_first[me] && g < row_first[me + 1];
        }
    int8_t *send = malloc(mine * cols > 0 ? mine * cols : 1);
    *calls = malloc(n * cols > 0 ? n * cols : 1);
    int *counts = malloc(2 * (size_t)ranks_count() * sizeof *counts);
    int ok = send && *calls && counts;
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    size_t total = 0;
    for (size_t g = row_first[me], k = 0; ok && g < row_first[me + 1]; g++)
        if (cand[g])
            memcpy(send + cols * k++, m->calls + (g - row_first[me]) * cols, cols);
    ok = ok && item_counts(mine * cols, counts, counts + ranks_count(), &total);
    if (ok)
        MPI_Allgatherv(send, (int)(mine * cols), MPI_INT8_T, *calls, counts,
                       counts + ranks_count(), MPI_INT8_T, MPI_COMM_WORLD);
    free(send);
    free(counts);
    return ok;
}

/* Upstream's kept patterns in its order (keep_distinct's rule: the first of
 * identical rows in sorted order), from the sorted rows, their facts and
 * the candidates' calls. */
static int keep_distinct(const struct row_fact *facts, const size_t *sorted, size_t rows,
                         const unsigned char *cand, const size_t *cand_at, const int8_t *ccalls,
                         size_t cols, struct marker_patterns *pat, size_t *pattern_row)
{
    size_t ncand = 0;
    for (size_t g = 0; g < rows; g++)
        ncand += cand[g];
    size_t cap = 16;
    while (cap < 2 * ncand)
        cap *= 2;
    size_t *table = malloc(cap * sizeof *table);
    if (!table)
        return 0;
    for (size_t i = 0; i < cap; i++)
        table[i] = SIZE_MAX;
    size_t kept = 0;
    for (size_t i = 0; i < rows; i++) {
        size_t g = sorted[i];
        if (facts[g].minor == 0)
            continue;
        int is_new = 1;
        if (cand[g]) {
            const int8_t *row = ccalls + cand_at[g] * cols;
            size_t h = (size_t)(facts[g].hash & (cap - 1));
            for (; table[h] != SIZE_MAX && is_new; h = (h + 1) & (cap - 1))
                is_new = memcmp(row, ccalls + cand_at[table[h]] * cols, cols) != 0;
            if (is_new)
                table[h] = g;
        }
        if (is_new)
            pattern_row[kept++] = g;
        else
            pat->duplicates++;
    }
    free(table);
    pat->total = kept;
    return 1;
}

/* Each kept row this rank read to the rank that owns its pattern, in
 * pattern order per sender; pat->row[i] gets the row of its pattern
 * first + i in pat->own_calls. The rank's own calls are freed once sent. */
static int send_rows(struct genotype_matrix *m, const size_t *row_first, const size_t *bounds,
                     const size_t *pattern_row, struct marker_patterns *pat)
{
    int R = ranks_count(), me = ranks_me();
    size_t cols = m->cols, *k = calloc((size_t)R, sizeof *k), nsend = 0;
    int *c = malloc(4 * (size_t)R * sizeof *c);
    int ok = k && c;
    for (size_t p = 0; ok && p < pat->total; p++)
        if (range_of(row_first, pattern_row[p]) == me)
            k[range_of(bounds, p)]++, nsend++;
    int8_t *send = ok ? malloc(nsend * cols > 0 ? nsend * cols : 1) : NULL;
    ok = ok && send;
    for (int r = 0, at = 0; ok && r < R; r++) {
        ok = k[r] * cols <= INT_MAX && (size_t)at + k[r] * cols <= INT_MAX;
        c[r] = (int)(k[r] * cols);
        c[R + r] = at;
        at += c[r];
        k[r] = 0;
    }
    for (size_t p = 0; ok && p < pat->total; p++)
        if (range_of(row_first, pattern_row[p]) == me) {
            int r = range_of(bounds, p);
            memcpy(send + (size_t)c[R + r] + cols * k[r]++,
                   m->calls + (pattern_row[p] - row_first[me]) * cols, cols);
        }
    free(m->calls);
    m->calls = NULL;
    /* What this rank receives: its patterns, by the rank that read each. */
    for (int r = 0; ok && r < R; r++)
        k[r] = 0;
    for (size_t p = pat->first; ok && p < pat->first + pat->count; p++)
        k[range_of(row_first, pattern_row[p])]++;
    for (int r = 0, at = 0; ok && r < R; r++) {
        ok = k[r] * cols <= INT_MAX && (size_t)at + k[r] * cols <= INT_MAX;
        c[2 * R + r] = (int)(k[r] * cols);
        c[3 * R + r] = at;
        at += c[2 * R + r];
        k[r] = 0;
    }
    for (size_t p = pat->first; ok && p < pat->first + pat->count; p++) {
        int r = range_of(row_first, pattern_row[p]);
        pat->row[p - pat->first] = (size_t)c[3 * R + r] / cols + k[r]++;
    }
    pat->own_calls = ok ? malloc(pat->count * cols > 0 ? pat->count * cols : 1) : NULL;
    ok = ok && pat->own_calls;
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (ok)
        MPI_Alltoallv(send, c, c + R, MPI_INT8_T, pat->own_calls, c + 2 * R, c + 3 * R,
                      MPI_INT8_T, MPI_COMM_WORLD);
    pat->calls = pat->own_calls;
    free(send);
    free(k);
    free(c);
    return ok;
}

/* Upstream's order and duplicates over every rank's rows: the kept
 * patterns' rows (rm->pattern_row) and this rank's share of them. */
static int order_and_merge(const struct genotype_matrix *m, const struct markers_options *o,
                           struct ranks_markers *rm, size_t *row_first)
{
    size_t R = (size_t)ranks_count(), rows = m->all_rows + m->rows_skipped, all = m->all_rows;
    struct row_fact *facts = malloc((rows ? rows : 1) * sizeof *facts);
    int64_t *minor = malloc((rows ? rows : 1) * sizeof *minor);
    size_t *sorted = malloc((rows ? rows : 1) * sizeof *sorted);
    size_t *cand_at = malloc((all ? all : 1) * sizeof *cand_at);
    unsigned char *cand = calloc(all ? all : 1, 1);
    int *counts = malloc(2 * R * sizeof *counts);
    int8_t *ccalls = NULL;
    rm->pattern_row = malloc((rows ? rows : 1) * sizeof *rm->pattern_row);
    int ok = facts && minor && sorted && cand_at && cand && counts && rm->pattern_row;
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    ok = ok && gather_facts(m, o, facts, row_first, counts, counts + R);
    for (size_t g = 0; ok && g < rows; g++) {
        if (g >= all) /* a skipped line: a row of missing calls, sorted with the rest */
            facts[g] = (struct row_fact){0, 0, 0};
        minor[g] = facts[g].minor;
        rm->pat.eliminated += minor[g] == 0;
    }
    ok = ok && markers_order_by_minor(minor, rows, sorted) == OFFLOAD_OK;
    ok = ok && mark_candidates(facts, all, cand);
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    ok = ok && gather_candidates(m, cand, row_first, cand_at, &ccalls);
    ok = ok && keep_distinct(facts, sorted, rows, cand, cand_at, ccalls, m->cols, &rm->pat,
                             rm->pattern_row);
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    size_t *bounds = rm->bounds;
    if (ok && rm->pat.total > 0) {
        pattern_bounds(rm->pat.total, bounds);
        rm->pat.first = bounds[ranks_me()];
        rm->pat.count = bounds[ranks_me() + 1] - bounds[ranks_me()];
        rm->pat.row = malloc((rm->pat.count ? rm->pat.count : 1) * sizeof *rm->pat.row);
        rm->pat.minor = malloc((rm->pat.count ? rm->pat.count : 1) * sizeof *rm->pat.minor);
        ok = rm->pat.row && rm->pat.minor;
        for (size_t i = 0; ok && i < rm->pat.count; i++)
            rm->pat.minor[i] = minor[rm->pattern_row[rm->pat.first + i]];
    }
    free(facts);
    free(minor);
    free(sorted);
    free(cand_at);
    free(cand);
    free(counts);
    free(ccalls);
    return ok;
}

/* Pairs some pattern resolves: each rank flags the pairs its patterns
 * resolve, a chunk of pairs at a time, and the flags are OR-ed over the
 * ranks (MPI_BOR), so the count is the one process's. */
static int64_t spread_best_possible(void *ctx, const struct marker_patterns *pat)
{
    (void)ctx;
    size_t v = pat->varieties, words = pat->words;
    unsigned char *flag = malloc(PAIR_CHUNK);
    int ok = flag != NULL;
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!ok) {
        free(flag);
        offload_error("markers: out of memory for the best possible score\n");
        return -1; /* the selection then fails on every rank */
    }
    int64_t best = 0;
    for (size_t a0 = 0; a0 < v;) {
        /* Rows a0 .. a1 - 1 of the pairs (a, b > a), at most a chunk of them. */
        size_t a1 = a0, n = 0;
        while (a1 < v && (a1 == a0 || n + (v - 1 - a1) <= PAIR_CHUNK))
            n += v - 1 - a1++;
        size_t start = 0;
        for (size_t a = a0; a < a1; a++) {
            size_t at = start;
#pragma omp parallel for schedule(static) if ((v - a) * words > 100000)
            for (size_t b = a + 1; b < v; b++) {
                const uint64_t *pa = pat->planes + a * 3 * words, *pb = pat->planes + b * 3 * words;
                unsigned char hit = 0;
                for (size_t w = 0; w < words && !hit; w++)
                    hit = (pa[w] & pb[w] & ((pa[words + w] ^ pb[words + w]) |
                                            (pa[2 * words + w] ^ pb[2 * words + w]))) != 0;
                flag[at + b - a - 1] = hit;
            }
            start += v - 1 - a;
        }
        MPI_Allreduce(MPI_IN_PLACE, flag, (int)n, MPI_UINT8_T, MPI_BOR, MPI_COMM_WORLD);
        for (size_t i = 0; i < n; i++)
            best += flag[i];
        a0 = a1;
    }
    free(flag);
    return best;
}

static enum offload_status spread_gather(void *ctx, const struct marker_patterns *pat,
                                         const int64_t *mine, int64_t *all)
{
    struct ranks_markers *rm = ctx;
    int R = ranks_count(), *c = malloc(2 * (size_t)R * sizeof *c);
    int ok = c != NULL;
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!ok) {
        free(c);
        offload_error("markers: out of memory for %d ranks' shares\n", R);
        return OFFLOAD_ERR_RUN;
    }
    for (int r = 0; r < R; r++) {
        c[r] = (int)(rm->bounds[r + 1] - rm->bounds[r]);
        c[R + r] = (int)rm->bounds[r];
    }
    /* A rank's own scores may already sit in place (the engine's). */
    MPI_Allgatherv(mine == all + pat->first ? MPI_IN_PLACE : mine, (int)pat->count, MPI_INT64_T,
                   all, c, c + R, MPI_INT64_T, MPI_COMM_WORLD);
    free(c);
    return OFFLOAD_OK;
}

/* The pick's calls from its owner; kept with its id for the output. */
static enum offload_status spread_pick_row(void *ctx, const struct marker_patterns *pat, size_t p,
                                           int8_t *row)
{
    struct ranks_markers *rm = ctx;
    size_t cols = pat->varieties;
    int owner = range_of(rm->bounds, p);
    if (owner == ranks_me())
        memcpy(row, pat->calls + pat->row[p - pat->first] * cols, cols);
    MPI_Bcast(row, (int)cols, MPI_INT8_T, owner, MPI_COMM_WORLD);
    struct genotype_matrix *t = &rm->picked;
    int8_t *calls = realloc(t->calls, (t->rows + 1) * cols);
    enum offload_status st = ranks_agree(calls ? OFFLOAD_OK : OFFLOAD_ERR_RUN);
    if (calls)
        t->calls = calls;
    if (st != OFFLOAD_OK) {
        offload_error("markers: out of memory for %zu picks\n", t->rows + 1);
        return st;
    }
    memcpy(t->calls + t->rows * cols, row, cols);
    t->row_ids[t->rows] = rm->ids[rm->pattern_row[p]];
    rm->picked_pat.row[p] = t->rows++;
    return OFFLOAD_OK;
}

/* What each rank holds through the selection: its patterns' calls and bit
 * planes (every rank also keeps every row's id). */
static void held_memory(struct ranks_markers *rm)
{
    const struct marker_patterns *pat = &rm->pat;
    uint64_t mine[2] = {pat->count, pat->count * pat->varieties +
                                        pat->varieties * 3 * pat->words * sizeof *pat->planes};
    uint64_t most[2], total;
    MPI_Allreduce(mine, most, 2, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    MPI_Allreduce(&mine[1], &total, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    rm->held_patterns = (size_t)most[0];
    rm->held_bytes = (size_t)most[1];
    rm->held_total_bytes = (size_t)total;
}

/* The table of the picks the output files read, filled as picks come. */
static int start_picked(const struct genotype_matrix *m, struct ranks_markers *rm)
{
    size_t total = rm->pat.total;
    rm->picked = (struct genotype_matrix){0};
    rm->picked.cols = m->cols;
    rm->picked.col_names = m->col_names;
    rm->picked.row_ids = calloc(total, sizeof *rm->picked.row_ids);
    rm->picked_pat = (struct marker_patterns){0};
    rm->picked_pat.count = rm->picked_pat.total = total;
    rm->picked_pat.varieties = m->cols;
    rm->picked_pat.row = calloc(total, sizeof *rm->picked_pat.row);
    return rm->picked.row_ids && rm->picked_pat.row;
}

enum offload_status ranks_markers_prepare(struct genotype_matrix *m,
                                          const struct markers_options *o, char **ids,
                                          struct ranks_markers *rm, char *err, size_t errlen)
{
    memset(rm, 0, sizeof *rm);
    err[0] = '\0';
    rm->ids = ids;
    rm->nids = m->all_rows;
    rm->pat.varieties = m->cols;
    rm->spread = (struct markers_spread){rm, spread_best_possible, spread_gather,
                                         spread_pick_row};
    size_t R = (size_t)ranks_count();
    size_t *row_first = malloc((R + 1) * sizeof *row_first);
    rm->bounds = malloc((R + 1) * sizeof *rm->bounds);
    int ok = row_first && rm->bounds;
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    ok = ok && order_and_merge(m, o, rm, row_first);
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    enum offload_status st = ok ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
    if (ok && rm->pat.total == 0) {
        snprintf(err, errlen,
                 "no marker passes the filters (call rate >= %g, minor allele frequency >= %g, "
                 "at least two alleles) among %zu rows of %zu varieties: lower --min-call-rate "
                 "or --min-maf, or check the calls are 0/1/2 or A/AB/B",
                 o->min_call_rate, o->min_maf, m->all_rows, m->cols);
        st = OFFLOAD_ERR_USAGE;
    }
    if (st == OFFLOAD_OK) {
        ok = send_rows(m, row_first, rm->bounds, rm->pattern_row, &rm->pat);
        ok = ok && markers_pack_planes(&rm->pat) == OFFLOAD_OK && start_picked(m, rm);
        st = ranks_agree(ok ? OFFLOAD_OK : OFFLOAD_ERR_RUN);
        if (st != OFFLOAD_OK)
            snprintf(err, errlen, "out of memory (or past MPI's 2 GiB messages) for %zu patterns "
                     "of %zu varieties spread over %zu ranks", rm->pat.total, m->cols, R);
        else
            held_memory(rm);
    }
    free(row_first);
    if (ranks_me() != 0)
        err[0] = '\0'; /* said once, by rank 0 */
    return st;
}

void ranks_markers_free(struct ranks_markers *rm)
{
    markers_patterns_free(&rm->pat);
    for (size_t r = 0; rm->ids && r < rm->nids; r++)
        free(rm->ids[r]);
    free(rm->ids);
    free(rm->pattern_row);
    free(rm->bounds);
    free(rm->picked.calls);
    free(rm->picked.row_ids);
    free(rm->picked_pat.row);
    memset(rm, 0, sizeof *rm);
}

/* Each rank scores its own patterns; every rank gathers every score. */
static enum offload_status spread_score_all(void *state, const struct marker_patterns *pat,
                                            const struct marker_pairs *pairs, int64_t *out,
                                            struct markers_times *t)
{
    struct ranks_markers *rm = state;
    int threads = rm->threads && *rm->threads > 0 ? *rm->threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (size_t w = 0; w < pat->words; w += MARKERS_WORD_BLOCK)
        markers_score_words(pat, pairs, w, w + MARKERS_WORD_BLOCK, out + pat->first);
    double t0 = offload_now();
    enum offload_status st = spread_gather(rm, pat, out + pat->first, out);
    t->reduce += offload_now() - t0;
    return st;
}

struct markers_engine ranks_markers_engine(int *threads, struct ranks_markers *rm)
{
    if (ranks_count() == 1 || !rm)
        return markers_engine_serial();
    rm->threads = threads;
    struct markers_engine e = {"openmp", rm, NULL, spread_score_all, NULL, NULL, &rm->spread};
    return e;
}
