#ifndef OFFLOAD_RANKS_H
#define OFFLOAD_RANKS_H

/* Ranks: the processes of an MPI job (mpirun -n R offload ...). Built with
 * OFFLOAD_MPI, a process started by an MPI launcher joins the job; any other
 * process, and every process of a build without MPI, is rank 0 of 1 and runs
 * as before. Rank 0 prints and writes; the others compute their share.
 *
 * The collective calls here must be made by every rank in the same order:
 * a rank that fails still takes part and reports its status through
 * ranks_agree, so one failure ends every rank instead of leaving the others
 * waiting. */

#include <stddef.h>
#include <stdio.h>

#include "backend.h"
#include "genotype.h"
#include "kernels.h"
#include "markers.h"
#include "reference.h"
#include "status.h"

/* Joins the MPI job when launched by one (MPI_Init), else does nothing. */
enum offload_status ranks_start(int *argc, char ***argv);
/* Leaves the job (MPI_Finalize); status is the process's exit status. */
void ranks_stop(int status);

int ranks_count(void); /* R; 1 outside a job */
int ranks_me(void);    /* 0 .. R-1 */
int ranks_local(void); /* this rank's index among the ranks of its node */
int ranks_on_node(void); /* how many ranks share this rank's node; 1 outside a job */
/* The job's layout, for the link calibration's cache key: "2 ranks on
 * 1 node (HOST)" or "4 ranks on 2 nodes (A .. B, 0x1f2e...)"; "" outside a
 * job. The same text on every rank. */
const char *ranks_layout(void);
/* "on 2 ranks", for results; "" on one rank. */
const char *ranks_phrase(void);

/* Each of values[0..n) summed over the ranks of this node, in place, on
 * every one of them (a collective of the node's ranks); one rank: as is. */
void ranks_node_sum(double *values, int n);

/* The worst of every rank's status (OFFLOAD_ERR_USAGE over OFFLOAD_ERR_RUN
 * over OFFLOAD_OK), known to every rank. */
enum offload_status ranks_agree(enum offload_status mine);
/* Rank 0's value, on every rank. */
int ranks_share_int(int value);

/* The first item and the item count of rank r's share of n items: the
 * first n % R ranks get one more. */
void ranks_share(size_t n, int r, size_t *first, size_t *count);

/* The link between rank 0 and rank R-1 (another node, when ranks are
 * spread one per node) at one message size, measured as the OSU
 * micro-benchmarks do: latency is half a ping-pong round trip, bandwidth a
 * window of messages in flight one way, then the other. */
struct link_point {
    size_t bytes;
    double latency_s;     /* half round trip, best of the repeats */
    double to_last_bps;   /* rank 0 -> rank R-1, bytes/s */
    double from_last_bps; /* rank R-1 -> rank 0, bytes/s */
};
#define LINK_POINTS 6
/* Every rank calls it; rank 0's points are the ones filled. Outside a job
 * (one rank) OFFLOAD_UNAVAILABLE: there is no link. */
enum offload_status ranks_measure_link(struct link_point points[LINK_POINTS]);

/* offload markers across ranks with the table kept spread: each rank
 * holds the calls and bit planes of its share of the kept patterns only
 * (whole blocks of plane words), and the selection exchanges small data per
 * pattern: minor allele counts, hashes and first scores per row to agree on
 * upstream's order and duplicates (the rows that share a hash are compared
 * on every rank), every score per rescan (the reduce phase), a pair flag per
 * pair for the best possible score, and each pick's calls, sent by its
 * owner. Every rank makes the picks one process makes, ties included. */
struct ranks_markers {
    struct marker_patterns pat;  /* this rank's share: patterns first .. of total */
    struct markers_spread spread;
    size_t *bounds;              /* R + 1: every rank's first pattern, then total */
    size_t *pattern_row;         /* total: each pattern's row of the table */
    char **ids;                  /* every row's id, on every rank */
    size_t nids;
    int *threads;                /* the host threads each rank scores on */
    /* The picks as they come, what the output files read: their calls and
     * ids, and patterns whose row maps each picked pattern to its row. */
    struct genotype_matrix picked;
    struct marker_patterns picked_pat;
    /* Held through the selection (calls and planes): the largest share of
     * patterns, its bytes, and the bytes over every rank. */
    size_t held_patterns, held_bytes, held_total_bytes;
};
/* Upstream's patterns of a table read by ranks_load_genotype (each rank its
 * rows), spread over the ranks; ids (every row's, ranks_join_ids) pass to
 * rm, and m's calls are freed once sent to their patterns' owners. Every
 * rank returns the same status; err is rank 0's to say (empty elsewhere).
 * Outside a job OFFLOAD_UNAVAILABLE: markers_prepare is for one process. */
enum offload_status ranks_markers_prepare(struct genotype_matrix *m,
                                          const struct markers_options *o, char **ids,
                                          struct ranks_markers *rm, char *err, size_t errlen);
void ranks_markers_free(struct ranks_markers *rm);
/* The engine of a spread selection: each rank scores its own patterns on
 * `threads` host threads (which must outlive it), every rank gathers every
 * score (times.reduce), and each pick is checked with the serial scorer.
 * Outside a job, the serial engine. */
struct markers_engine ranks_markers_engine(int *threads, struct ranks_markers *rm);

/* A genotype table read across the ranks: each rank reads and parses only
 * the rows that start in its byte range of the file (genotype_load_part),
 * with the table's row numbers, line numbers and warnings; on one rank,
 * genotype_load_file. Every rank returns the same status; err is empty on a
 * rank that has nothing to say (an error about the whole table is rank 0's). */
enum offload_status ranks_load_genotype(const char *path, const struct genotype_load_options *opt,
                                        struct genotype_matrix *m, char *err, size_t errlen);

/* What the ranks held of a table: its rows and bytes (genotype_bytes) on the
 * rank that held most, and in all. Every rank calls it. */
struct table_share {
    int ranks;
    size_t rows, largest_rows; /* every rank's; the largest share */
    size_t largest_bytes, total_bytes;
    /* Held through the selection (markers): the most patterns on a rank,
     * their calls and bit planes on the rank that holds most, over all. */
    size_t held_patterns, held_bytes, held_total_bytes;
};
void ranks_table_share(const struct genotype_matrix *m, struct table_share *share);

/* Every row's id of a table read by ranks_load_genotype, on every rank in
 * the table's order (*ids, all_rows of them; the calls stay where they
 * were read); rank 0 then says once whether ids repeat (to warnings). On
 * one rank *ids is NULL (genotype_load_file checked them). OFFLOAD_ERR_RUN
 * (after a message) out of memory or past MPI's 2 GiB messages, on every
 * rank. */
enum offload_status ranks_join_ids(const struct genotype_matrix *m, const char *name,
                                   FILE *warnings, char ***ids);

/* The check of a call's output, which is whole on rank 0 only; every rank
 * gets its verdict (ok). For a table each rank read its own rows of, the
 * output goes back to the ranks in shares and each checks its rows against
 * the serial reference; rank 0 merges the counts and first mismatches (by
 * the table's rows). Otherwise rank 0 checks it all. */
struct check_result ranks_check(const struct kernel_input *in, const void *output);

/* Bytes one call moves between ranks: the shares of the input sent to the
 * other ranks (all of it to each, for sumsqrt) and their outputs sent back. */
double ranks_bytes_moved(const struct kernel_input *in, int ranks);

/* One kernel call over every rank: the input is distributed (sqrt and
 * scores scatter theirs, sumsqrt broadcasts), each rank runs its share on
 * its own backend, and the output is collected on rank 0 (only rank 0's
 * out holds it). t gets the local backend's phases plus distribute and
 * collect as rank 0 saw them. Outside a job, ops->run itself. */
enum offload_status ranks_run(const struct backend_ops *ops, void *state,
                              const struct kernel_input *in, void *out, struct phase_times *t);

/* The same call on rank 0 alone, the whole input on its own backend, while
 * the other ranks wait at the agreement after it: the one-rank baseline a
 * run across ranks is compared with, side by side. Every rank calls it and
 * gets rank 0's status; only rank 0's out and t are filled, and *seconds
 * with the call's own time on rank 0 (not the wait for the others after
 * it). Outside a job, ops->run itself. */
enum offload_status ranks_run_alone(const struct backend_ops *ops, void *state,
                                    const struct kernel_input *in, void *out,
                                    struct phase_times *t, double *seconds);

#endif
