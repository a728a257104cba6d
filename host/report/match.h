#ifndef OFFLOAD_MATCH_H
#define OFFLOAD_MATCH_H

/* Which rows of several saved runs measure the same thing, so they can be
 * shown side by side: same kernel, algorithm and size (N, or rows x cols),
 * same backend kind (the label without its device selector: opencl:0.1 and
 * opencl:1.0 are both opencl) and memory mode, and for a device backend the
 * same device role (CPU device, GPU, accelerator), never the device's name:
 * the laptop's PoCL CPU device lines up with the workstation's, its GPU
 * with the workstation's GPU, and the names are shown beside the numbers.
 * Where a run has several devices of a role, its fastest one is taken.
 * Device rows still without a partner are then paired across roles (the
 * laptop's only OpenCL device, a CPU, with the workstation's GPU), the
 * roles shown beside them. A row without a partner in every run is listed
 * apart, never compared. Hashed keys keep it linear in the rows. */

#include <stddef.h>

#include "saved.h"

#define MATCH_MAX_RUNS 8

struct match_set {
    /* matched[i][f]: the row of run f in the i-th matched row, in the order
     * of the first run's rows. */
    size_t (*matched)[MATCH_MAX_RUNS];
    size_t nmatched;
    /* Rows left over: run and row. */
    struct match_leftover {
        size_t run, row;
    } * leftover;
    size_t nleftover;
};

/* 1 when two rows measure the same thing (the key above). */
int saved_rows_match(const struct saved_row *a, const struct saved_row *b);

/* 1 when two rows belong to one table: same kernel, algorithm and size. */
int saved_rows_same_group(const struct saved_row *a, const struct saved_row *b);

/* Pairs the rows of runs[0..n): the k-th row of a key in one run goes with
 * the k-th row of that key in every other. n is 1..MATCH_MAX_RUNS. */
enum offload_status match_runs(const struct saved_run *runs, size_t n, struct match_set *out);
void match_free(struct match_set *m);

/* Fills order[0..m->nmatched) with the matched rows grouped by kernel,
 * algorithm and size: groups in order of first appearance, rows in file
 * order within each. Returns m->nmatched. Linear in rows (hashed keys),
 * like match_runs: two files of 40k rows take well under a second. */
size_t match_group_order(const struct saved_run *runs, const struct match_set *m, size_t *order);

#endif
