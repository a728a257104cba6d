/* A genotype table across MPI ranks: each rank reads its own rows
 * (genotype_load_part, with the sums and gathers it needs over MPI), and
 * the rows put together again where a command needs them all. */
#include "ranks.h"

#include <limits.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"

static void exchange_sums(void *ctx, const uint64_t *v, uint64_t *before, uint64_t *total,
                          size_t n)
{
    (void)ctx;
    MPI_Exscan(v, before, (int)n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    if (ranks_me() == 0) /* MPI leaves rank 0's Exscan undefined */
        memset(before, 0, n * sizeof *before);
    MPI_Allreduce(v, total, (int)n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
}

static void exchange_gather(void *ctx, const void *mine, void *all, size_t bytes)
{
    (void)ctx;
    /* Rank 0 out of memory for all: it receives into a scratch of one
     * rank's size at a time instead (nothing to print then). */
    if (ranks_me() == 0 && !all) {
        char *scratch = malloc(bytes * (size_t)ranks_count());
        MPI_Gather(mine, (int)bytes, MPI_BYTE, scratch, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
        free(scratch);
        return;
    }
    MPI_Gather(mine, (int)bytes, MPI_BYTE, all, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
}

enum offload_status ranks_load_genotype(const char *path, const struct genotype_load_options *opt,
                                        struct genotype_matrix *m, char *err, size_t errlen)
{
    if (ranks_count() == 1)
        return genotype_load_file(path, opt, m, err, errlen);
    struct genotype_exchange ex = {NULL, ranks_me(), ranks_count(), exchange_sums,
                                   exchange_gather};
    return ranks_agree(genotype_load_part(path, opt, &ex, m, err, errlen));
}

void ranks_table_share(const struct genotype_matrix *m, struct table_share *share)
{
    uint64_t mine[2] = {m->rows, genotype_bytes(m)}, most[2] = {mine[0], mine[1]},
             total = mine[1];
    if (ranks_count() > 1) {
        MPI_Allreduce(mine, most, 2, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
        MPI_Allreduce(&mine[1], &total, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    }
    *share = (struct table_share){ranks_count(), m->all_rows, (size_t)most[0], (size_t)most[1],
                                  (size_t)total, 0, 0, 0};
}

/* Counts and offsets (in items) of every rank's mine items, as the
 * v-collectives take them; false past MPI's int counts. */
static int share_counts(size_t mine, int *counts, int *displs, size_t *total)
{
    uint64_t me = mine, *all = malloc((size_t)ranks_count() * sizeof *all);
    int ok = all != NULL;
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!ok) {
        free(all);
        return 0;
    }
    MPI_Allgather(&me, 1, MPI_UINT64_T, all, 1, MPI_UINT64_T, MPI_COMM_WORLD);
    *total = 0;
    for (int r = 0; r < ranks_count(); r++) {
        if (all[r] > INT_MAX || *total > (size_t)INT_MAX - all[r])
            ok = 0;
        counts[r] = ok ? (int)all[r] : 0;
        displs[r] = ok ? (int)*total : 0;
        *total += (size_t)all[r];
    }
    free(all);
    return ok;
}

/* Every rank's ids, NUL-separated, into ids[0 .. rows) of the whole table. */
static int join_ids(const struct genotype_matrix *m, char **ids, int *counts, int *displs)
{
    size_t bytes = 0, total;
    for (size_t r = 0; r < m->rows; r++)
        bytes += strlen(m->row_ids[r]) + 1;
    char *mine = malloc(bytes ? bytes : 1), *all = NULL;
    for (size_t r = 0, at = 0; mine && r < m->rows; r++) {
        size_t n = strlen(m->row_ids[r]) + 1;
        memcpy(mine + at, m->row_ids[r], n);
        at += n;
    }
    int ok = share_counts(bytes, counts, displs, &total);
    if (ok)
        all = malloc(total ? total : 1);
    int have = mine && all;
    MPI_Allreduce(MPI_IN_PLACE, &have, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (ok && have) {
        MPI_Allgatherv(mine, (int)bytes, MPI_CHAR, all, counts, displs, MPI_CHAR, MPI_COMM_WORLD);
        for (size_t r = 0, at = 0; ok && r < m->all_rows; r++) {
            ids[r] = strdup(all + at);
            ok = ids[r] != NULL;
            at += strlen(all + at) + 1;
        }
    }
    free(mine);
    free(all);
    return ranks_agree(ok && have ? OFFLOAD_OK : OFFLOAD_ERR_RUN) == OFFLOAD_OK;
}

/* Every rank's line numbers into lines (all_rows); false on every rank
 * when they do not fit in memory or in MPI's counts. */
static int join_lines(const struct genotype_matrix *m, size_t *lines, int *counts, int *displs)
{
    size_t total;
    int ok = share_counts(m->rows * sizeof *lines, counts, displs, &total);
    if (ok)
        MPI_Allgatherv(m->row_line, (int)(m->rows * sizeof *lines), MPI_BYTE, lines, counts,
                       displs, MPI_BYTE, MPI_COMM_WORLD);
    return ok;
}

enum offload_status ranks_join_ids(const struct genotype_matrix *m, const char *name,
                                   FILE *warnings, char ***ids_out)
{
    *ids_out = NULL;
    if (ranks_count() == 1)
        return OFFLOAD_OK;
    size_t n = m->all_rows;
    int *counts = malloc(2 * (size_t)ranks_count() * sizeof *counts);
    char **ids = calloc(n ? n : 1, sizeof *ids);
    size_t *lines = malloc((n ? n : 1) * sizeof *lines);
    int ok = counts && ids && lines;
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    ok = ok && join_lines(m, lines, counts, counts + ranks_count());
    ok = ok && join_ids(m, ids, counts, counts + ranks_count());
    free(counts);
    if (!ok) {
        for (size_t r = 0; ids && r < n; r++)
            free(ids[r]);
        free(ids);
        free(lines);
        if (ranks_me() == 0)
            offload_error("%s: out of memory (or past MPI's 2 GiB messages) putting %zu ids "
                          "together on every rank; use a smaller table\n",
                          name, n);
        return OFFLOAD_ERR_RUN;
    }
    /* The whole table's ids and line numbers, for the repeated-id check. */
    struct genotype_matrix all = {0};
    all.rows = all.all_rows = n;
    all.cols = m->cols;
    all.row_ids = ids;
    all.row_line = lines;
    ok = ranks_me() != 0 || genotype_warn_duplicate_ids(&all, name, warnings);
    free(lines);
    *ids_out = ids;
    return ranks_agree(ok ? OFFLOAD_OK : OFFLOAD_ERR_RUN);
}
