#ifndef OFFLOAD_MARKERS_H
#define OFFLOAD_MARKERS_H

/* The minimal marker selection of chryswoods/minimalmarkers (MIT, Gary
 * Barker, Christopher Woods, Chris Charlton), rule for rule: filters, the
 * order of patterns, duplicates, the best possible score, the greedy picks
 * and how ties fall. The rules are written down in the README ("markers").
 *
 * Representation: patterns are bit planes over patterns, one set per
 * variety: known, lo and hi (call 0 = known, 1 = known+lo, 2 = known+hi), so
 * one pair of varieties (a, b) is tested on 64 patterns at once:
 * known_a & known_b & ((lo_a ^ lo_b) | (hi_a ^ hi_b)). The unresolved pairs
 * are a compacted list of (a, b), a < b, in upstream's order; each pattern's
 * score on them is kept in bit-sliced counters (one bit plane per bit of the
 * count), 64 patterns per word. */

#include <stddef.h>
#include <stdint.h>

#include "genotype.h"
#include "status.h"

struct markers_options {
    double min_call_rate; /* drop patterns called in fewer varieties (0.9) */
    double min_maf;       /* drop patterns whose minor allele is rarer (0.001) */
    /* Upstream rescans stale scores on NUMBA_NUM_THREADS threads, each with
     * its own best so far, and in chunks of 1000 patterns when it prints
     * progress: which stale scores are refreshed decides how numpy's
     * argsort orders ties, so both are modelled. */
    unsigned upstream_threads; /* 2 */
    int upstream_progress;     /* 1: upstream run without --silent */
};

struct markers_options markers_default_options(void);

/* The patterns that pass the filters, duplicates merged, in upstream's
 * order (decreasing minor allele count, numba's argsort reversed). */
struct marker_patterns {
    size_t count;         /* patterns kept */
    size_t varieties;     /* columns */
    size_t words;         /* 64-bit words per plane: ceil(count / 64), padded to whole blocks */
    size_t eliminated;    /* rows filtered out (call rate, MAF, one allele) + skipped rows */
    size_t duplicates;    /* rows merged into an identical earlier pattern */
    size_t *row;          /* count: the pattern's row in the genotype matrix */
    int64_t *minor;       /* count: minor allele count (upstream's integer MAF) */
    const int8_t *calls;  /* the genotype matrix (rows of `varieties` calls), not owned */
    uint64_t *planes;     /* varieties * 3 * words: planes[(v*3 + k)*words + w], k = known, lo, hi */
    /* Spread over the ranks of a job, this process holds patterns first ..
     * first + count - 1 of total (whole blocks of plane words), row indexes
     * own_calls; on one process first 0, total = count, own_calls NULL. */
    size_t first, total;
    int8_t *own_calls; /* freed with the patterns */
};

/* Remaining (unresolved) variety pairs (a, b), a < b, ordered by a then b
 * (the order upstream prints them in). */
struct marker_pairs {
    size_t varieties;
    uint32_t *pair; /* 2 * count: a, b */
    size_t count;
    /* The same pairs as cells (kept up to date by markers_pairs_remove): a
     * variety no pick misses is "clean"; two clean varieties are unresolved
     * exactly when every pick calls them the same, so those pairs are the
     * pairs inside the cells of clean varieties with equal calls. The pairs
     * with a variety some pick misses are listed apart. A pattern's score on
     * a cell is n0*n1 + n0*n2 + n1*n2 from its counts there: O(varieties),
     * not O(pairs). */
    uint32_t *cell_of;    /* varieties: the variety's cell, CELL_DIRTY when a pick misses it */
    uint32_t *members;    /* the clean varieties of cells of two or more, by cell */
    uint32_t *cell_start; /* ncells + 1 offsets into members */
    size_t ncells;
    uint32_t *dirty_pair; /* 2 * ndirty: the pairs with a missed variety, a subset of pair */
    size_t ndirty;
};
#define CELL_DIRTY UINT32_MAX

/* What a pick records: upstream's best_patterns entry. */
struct marker_pick {
    size_t pattern;     /* index into marker_patterns */
    int64_t score;      /* pairs it newly resolved */
    int64_t cumulative; /* resolved after it */
};

/* Seconds per phase of the selection, summed over iterations. */
struct markers_times {
    double filter, best_possible, first_score, rescore, order, remove;
    /* Inside rescore (devices): copies to and from the device, the kernels,
     * and the compaction of the pairs on the device (resident strategy). */
    double device_in, device_kernel, device_out, device_remove;
    double reduce;   /* across MPI ranks: every rank's scores gathered by every rank */
    size_t launches; /* kernels launched */
    size_t rescored; /* scores upstream recomputes (its lazy rescans) */
    size_t scored;   /* pattern scores computed here on the remaining pairs */
};

struct markers_result {
    int64_t perfect;       /* varieties * (varieties - 1) / 2 */
    int64_t best_possible; /* pairs some pattern resolves */
    struct marker_pick *picks;
    size_t npicks;
    struct marker_pairs unresolved; /* pairs left after the last pick */
    struct markers_times times;
};

/* What the selection needs of patterns spread over processes (ranks), each
 * holding only its share: collectives, every process calls them alike. */
struct markers_spread {
    void *ctx;
    /* Pairs some pattern of any process resolves; -1 (after a message, on
     * every process) out of memory. */
    int64_t (*best_possible)(void *ctx, const struct marker_patterns *pat);
    /* all[0 .. total) from every process's mine[0 .. count). */
    enum offload_status (*gather)(void *ctx, const struct marker_patterns *pat,
                                  const int64_t *mine, int64_t *all);
    /* The calls of pattern p (of total) into row (varieties), on every
     * process: its owner sends them. */
    enum offload_status (*pick_row)(void *ctx, const struct marker_patterns *pat, size_t p,
                                    int8_t *row);
};

/* Who computes the scores of every pattern on the remaining pairs. NULL
 * functions other than score_all are skipped (host memory engines). */
struct markers_engine {
    const char *name;
    void *state;
    /* Before the first rescore: the patterns and the pairs left by the first pick. */
    enum offload_status (*begin)(void *state, const struct marker_patterns *pat,
                                 const struct marker_pairs *pairs, struct markers_times *t);
    /* out[p] = pairs among the remaining ones that pattern p resolves, every p. */
    enum offload_status (*score_all)(void *state, const struct marker_patterns *pat,
                                     const struct marker_pairs *pairs, int64_t *out,
                                     struct markers_times *t);
    /* After the host removed the pairs pattern p resolves from *pairs. */
    enum offload_status (*picked)(void *state, const struct marker_patterns *pat,
                                  const struct marker_pairs *pairs, size_t p,
                                  struct markers_times *t);
    /* Releases what begin made; the engine may run another selection after. */
    void (*end)(void *state);
    /* Patterns spread over processes (score_all fills all `total` scores);
     * NULL: every pattern here. Each pick is then checked on its own. */
    const struct markers_spread *spread;
};

/* The host engines: serial C, and OpenMP on `threads` threads (0: default).
 * state must point at an int holding the thread count for OpenMP. */
struct markers_engine markers_engine_serial(void);

/* Called after each pick (iteration from 1), for progress lines. */
typedef void (*markers_progress_fn)(void *ctx, size_t iteration, const struct marker_pick *pick,
                                    int64_t remaining);

/* Upstream's minor allele count of one row: 0 when the row is dropped. */
int64_t markers_minor_count(const int8_t *row, size_t cols, double min_call_rate,
                            double min_maf);
/* Upstream's first score of a row (pairs it resolves of all), and a hash of
 * its calls (identical rows hash alike). */
int64_t markers_first_score_row(const int8_t *row, size_t cols);
uint64_t markers_row_hash(const int8_t *row, size_t cols);
/* out->row[0 .. out->count) (rows of out->calls) as bit planes: out->words
 * and out->planes. OFFLOAD_ERR_RUN out of memory. */
enum offload_status markers_pack_planes(struct marker_patterns *out);

/* Filters, orders, merges duplicates and packs. OFFLOAD_ERR_USAGE with a
 * message in err when no pattern passes (count 0). */
enum offload_status markers_prepare(const struct genotype_matrix *m,
                                    const struct markers_options *o, struct marker_patterns *out,
                                    char *err, size_t errlen);
void markers_patterns_free(struct marker_patterns *p);

/* Call of variety v in pattern p: 0, 1, 2 or -1 (missing). */
int markers_call(const struct marker_patterns *pat, size_t p, size_t v);

/* Pairs some pattern resolves (upstream's best possible score). */
int64_t markers_best_possible(const struct marker_patterns *pat);

/* Pairs pattern p resolves among the remaining ones, one pair at a time
 * from the calls (the reference every engine is checked against in tests). */
int64_t markers_score(const struct marker_patterns *pat, const struct marker_pairs *pairs,
                      size_t p);
int64_t markers_score_row(const int8_t *row, const struct marker_pairs *pairs);

/* The greedy selection. OFFLOAD_ERR_RUN when the engine fails (after its
 * message) or the picks do not reach the best possible score. */
enum offload_status markers_select(const struct marker_patterns *pat,
                                   const struct markers_options *o,
                                   const struct markers_engine *engine, markers_progress_fn progress,
                                   void *progress_ctx, struct markers_result *out);
void markers_result_free(struct markers_result *r);

/* Pairs helpers, for engines and tests: every pair of `varieties`. */
enum offload_status markers_pairs_init(struct marker_pairs *pairs, size_t varieties);
/* Plane words scored together; the planes hold a whole number of blocks. */
#define MARKERS_WORD_BLOCK 8
/* Rescoring work (pairs x plane words) below which waking threads costs
 * more than it saves, and far more on a loaded machine. */
#define MARKERS_PARALLEL_RESCORE 1000000

/* The score of every pattern whose plane word lies in [w0, w1) (whole
 * blocks) on the pairs (out indexed by pattern); the host engines' kernel. */
void markers_score_words(const struct marker_patterns *pat, const struct marker_pairs *pairs,
                         size_t w0, size_t w1, int64_t *out);
/* Drops the pairs pattern p resolves and splits the cells; OFFLOAD_ERR_RUN
 * out of memory. */
enum offload_status markers_pairs_remove(struct marker_pairs *pairs,
                                         const struct marker_patterns *pat, size_t p);
enum offload_status markers_pairs_remove_row(struct marker_pairs *pairs, const int8_t *row);
void markers_pairs_free(struct marker_pairs *pairs);

/* The argsorts upstream's order comes from, ported so ties fall the same
 * way: numba 0.56's quicksort (patterns by minor allele count, inside
 * numba) and numpy 1.24's introsort (scores, in plain numpy). idx gets n
 * indices, ascending. OFFLOAD_ERR_RUN (after a message) out of memory. */
enum offload_status markers_argsort_numba(const int64_t *v, size_t n, size_t *idx);
enum offload_status markers_argsort_numpy(const int64_t *v, size_t n, size_t *idx);
/* Upstream's pattern order: rows by decreasing minor count (numba's
 * argsort reversed). */
enum offload_status markers_order_by_minor(const int64_t *minor, size_t n, size_t *sorted);

/* Whether two selections are the same: markers in the same order with the
 * same scores. */
int markers_same_picks(const struct markers_result *a, const struct markers_result *b);

#endif
