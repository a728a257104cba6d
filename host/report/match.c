/* Matching the rows of saved runs (see match.h for the key). */
#include "match.h"
#include "message.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int saved_rows_same_group(const struct saved_row *a, const struct saved_row *b)
{
    return strcmp(a->kernel, b->kernel) == 0 && strcmp(a->algorithm, b->algorithm) == 0 &&
           a->size == b->size && a->rows == b->rows && a->cols == b->cols;
}

/* The key without the device role: the same backend and memory mode on
 * whatever device each run had. */
static int rows_match_any_role(const struct saved_row *a, const struct saved_row *b)
{
    return saved_rows_same_group(a, b) && strcmp(a->kind, b->kind) == 0 &&
           strcmp(a->memory, b->memory) == 0 && a->on_device == b->on_device;
}

int saved_rows_match(const struct saved_row *a, const struct saved_row *b)
{
    return rows_match_any_role(a, b) && strcmp(a->role, b->role) == 0;
}

/* The fastest row of run that matches want and is not used yet (the best
 * device of a role when a run has several); -1 if none. */
static long first_unused(const struct saved_run *run, const unsigned char *used,
                         const struct saved_row *want, int any_role)
{
    long best = -1;
    for (size_t j = 0; j < run->count; j++)
        if (!used[j] &&
            (any_role ? rows_match_any_role : saved_rows_match)(&run->rows[j], want) &&
            (best < 0 || run->rows[j].total_s < run->rows[best].total_s))
            best = (long)j;
    return best;
}

/* Pass 0 pairs devices of the same role (CPU with CPU, GPU with GPU); pass
 * 1 pairs what is left across roles (a laptop's CPU device with a
 * workstation's GPU: the comparison between the two machines' devices). */
static enum offload_status pair_rows(const struct saved_run *runs, size_t n, unsigned char **used,
                                     struct match_set *out)
{
    for (int any_role = 0; any_role < 2; any_role++)
        for (size_t i = 0; i < runs[0].count; i++) {
            if (used[0][i])
                continue;
            size_t pick[MATCH_MAX_RUNS] = {i};
            size_t f = 1;
            for (; f < n; f++) {
                long j = first_unused(&runs[f], used[f], &runs[0].rows[i], any_role);
                if (j < 0)
                    break;
                pick[f] = (size_t)j;
            }
            if (f < n)
                continue; /* not in every run: left over */
            for (f = 0; f < n; f++)
                used[f][pick[f]] = 1;
            memcpy(out->matched[out->nmatched++], pick, sizeof pick);
        }
    for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < runs[r].count; j++)
            if (!used[r][j])
                out->leftover[out->nleftover++] = (struct match_leftover){r, j};
    return OFFLOAD_OK;
}

enum offload_status match_runs(const struct saved_run *runs, size_t n, struct match_set *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0 || n > MATCH_MAX_RUNS) {
        offload_error("compare 1 to %d saved runs at a time\n", MATCH_MAX_RUNS);
        return OFFLOAD_ERR_USAGE;
    }
    size_t total = 0;
    unsigned char *used[MATCH_MAX_RUNS] = {0};
    int ok = 1;
    for (size_t r = 0; r < n; r++) {
        total += runs[r].count;
        used[r] = calloc(runs[r].count + 1, 1);
        ok = ok && used[r];
    }
    out->matched = calloc(runs[0].count + 1, sizeof *out->matched);
    out->leftover = calloc(total + 1, sizeof *out->leftover);
    enum offload_status st = OFFLOAD_ERR_RUN;
    if (ok && out->matched && out->leftover)
        st = pair_rows(runs, n, used, out);
    else
        offload_error("out of memory matching saved runs\n");
    for (size_t r = 0; r < n; r++)
        free(used[r]);
    if (st != OFFLOAD_OK)
        match_free(out);
    return st;
}

void match_free(struct match_set *m)
{
    free(m->matched);
    free(m->leftover);
    memset(m, 0, sizeof *m);
}
