/* Matching the rows of saved runs (see match.h for the key). */
#include "match.h"
#include "message.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int saved_rows_same_group(const struct saved_row *a, const struct saved_row *b)
{
    /* A file kernel matches by file name and source hash: an edited kernel
     * is another kernel. */
    return strcmp(a->kernel, b->kernel) == 0 && strcmp(a->source_hash, b->source_hash) == 0 &&
           strcmp(a->algorithm, b->algorithm) == 0 &&
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

/* ---- hashing the keys: report is linear in rows ------------------------ */

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001b3ull; /* FNV-1a step */
}

static uint64_t mix_text(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = mix(h, (unsigned char)*s);
    return mix(h, 0x100); /* a separator no byte equals: "ab"+"c" differs from "a"+"bc" */
}

static uint64_t group_hash(const struct saved_row *r)
{
    uint64_t h = mix_text(mix_text(0xcbf29ce484222325ull, r->kernel), r->algorithm);
    return mix(mix(mix(h, r->size), r->rows), r->cols);
}

static uint64_t any_role_hash(const struct saved_row *r)
{
    return mix(mix_text(mix_text(group_hash(r), r->kind), r->memory), (uint64_t)r->on_device);
}

static uint64_t match_hash(const struct saved_row *r)
{
    return mix_text(any_role_hash(r), r->role);
}

/* Rows of one run by key: open addressing over slots (a power of two, at
 * least twice the rows), each slot one key with its rows chained in file
 * order and a cursor on the first not yet taken. */
struct key_index {
    size_t mask;
    size_t *first;  /* per slot: a row of the key (the representative), or NONE */
    size_t *cursor; /* per slot: the next row of the key not taken, or NONE */
    size_t *tail;   /* per slot: the last row of the key so far */
    size_t *next;   /* per row: the next row of the same key, or NONE */
};

#define NONE SIZE_MAX

static void index_free(struct key_index *x)
{
    free(x->first);
    free(x->cursor);
    free(x->tail);
    free(x->next);
    memset(x, 0, sizeof *x);
}

/* The slot of row's key (its representative compares equal under same), or
 * the empty slot where it would go. */
static size_t index_slot(const struct key_index *x, const struct saved_row *rows, uint64_t hash,
                         const struct saved_row *row,
                         int (*same)(const struct saved_row *, const struct saved_row *))
{
    size_t slot = (size_t)hash & x->mask;
    while (x->first[slot] != NONE && !same(&rows[x->first[slot]], row))
        slot = (slot + 1) & x->mask;
    return slot;
}

/* Row indices by end-to-end time, fastest first (ties in file order). */
static const struct saved_row *sort_rows;
static int faster_first(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    double ti = sort_rows[i].total_s, tj = sort_rows[j].total_s;
    return ti < tj ? -1 : ti > tj ? 1 : (i > j) - (i < j);
}

static int index_build(struct key_index *x, const struct saved_row *rows, size_t count,
                       uint64_t (*hash)(const struct saved_row *),
                       int (*same)(const struct saved_row *, const struct saved_row *),
                       const size_t *by_time)
{
    size_t slots = 16;
    while (slots < 2 * count)
        slots *= 2;
    memset(x, 0, sizeof *x);
    x->mask = slots - 1;
    x->first = malloc(slots * sizeof *x->first);
    x->cursor = malloc(slots * sizeof *x->cursor);
    x->tail = malloc(slots * sizeof *x->tail);
    x->next = malloc((count + 1) * sizeof *x->next);
    if (!x->first || !x->cursor || !x->tail || !x->next) {
        index_free(x);
        return 0;
    }
    for (size_t i = 0; i < slots; i++)
        x->first[i] = x->cursor[i] = x->tail[i] = NONE;
    for (size_t k = 0; k < count; k++) {
        /* by_time: each key's rows chained fastest first, so a run's best
         * device of a role is the one taken. */
        size_t j = by_time ? by_time[k] : k;
        size_t slot = index_slot(x, rows, hash(&rows[j]), &rows[j], same);
        x->next[j] = NONE;
        if (x->first[slot] == NONE)
            x->first[slot] = x->cursor[slot] = j;
        else
            x->next[x->tail[slot]] = j;
        x->tail[slot] = j;
    }
    return 1;
}

/* The next row of a key's chain not used yet (a row used by the other
 * pass is skipped; each cursor only moves forward). */
static size_t next_unused(struct key_index *x, size_t slot, const unsigned char *used)
{
    while (x->cursor[slot] != NONE && used[x->cursor[slot]])
        x->cursor[slot] = x->next[x->cursor[slot]];
    return x->cursor[slot];
}

/* Pass 0 pairs devices of the same role (CPU with CPU, GPU with GPU); pass
 * 1 pairs device rows left over across roles (a laptop's CPU device with a
 * workstation's GPU: the comparison between the two machines' devices). */
static enum offload_status pair_rows(const struct saved_run *runs, size_t n, unsigned char **used,
                                     struct key_index (*index)[MATCH_MAX_RUNS],
                                     struct match_set *out)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < runs[0].count; i++) {
            const struct saved_row *want = &runs[0].rows[i];
            if (used[0][i] || (pass == 1 && !want->on_device))
                continue;
            uint64_t h = pass ? any_role_hash(want) : match_hash(want);
            size_t pick[MATCH_MAX_RUNS] = {i}, slot[MATCH_MAX_RUNS] = {0};
            size_t f = 1;
            for (; f < n; f++) {
                slot[f] = index_slot(&index[pass][f], runs[f].rows, h, want,
                                     pass ? rows_match_any_role : saved_rows_match);
                pick[f] = next_unused(&index[pass][f], slot[f], used[f]);
                if (pick[f] == NONE)
                    break;
            }
            if (f < n)
                continue; /* not in every run: left over */
            used[0][i] = 1;
            for (f = 1; f < n; f++) {
                used[f][pick[f]] = 1;
                index[pass][f].cursor[slot[f]] = index[pass][f].next[pick[f]];
            }
            memcpy(out->matched[out->nmatched++], pick, sizeof pick);
        }
    for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < runs[r].count; j++)
            if (!used[r][j])
                out->leftover[out->nleftover++] = (struct match_leftover){r, j};
    return OFFLOAD_OK;
}

size_t match_group_order(const struct saved_run *runs, const struct match_set *m, size_t *order)
{
    /* Each matched row's group, numbered in order of first appearance;
     * then a counting sort keeps file order within each group. */
    size_t nm = m->nmatched, ngroups = 0;
    struct saved_row *firsts = calloc(nm + 1, sizeof *firsts);
    size_t *group = malloc((nm + 1) * sizeof *group);
    size_t *start = calloc(nm + 2, sizeof *start);
    struct key_index x = {0};
    size_t done = 0;
    if (firsts && group && start) {
        for (size_t i = 0; i < nm; i++)
            firsts[i] = runs[0].rows[m->matched[i][0]];
        if (index_build(&x, firsts, nm, group_hash, saved_rows_same_group, NULL)) {
            for (size_t i = 0; i < nm; i++) {
                size_t slot = index_slot(&x, firsts, group_hash(&firsts[i]), &firsts[i],
                                         saved_rows_same_group);
                if (x.cursor[slot] == x.first[slot]) { /* first row of its group */
                    x.cursor[slot] = NONE;
                    x.tail[slot] = ngroups++;
                }
                group[i] = x.tail[slot];
                start[group[i] + 1]++;
            }
            for (size_t g = 0; g < ngroups; g++)
                start[g + 1] += start[g];
            for (size_t i = 0; i < nm; i++)
                order[start[group[i]]++] = i;
            done = nm;
            index_free(&x);
        }
    }
    if (done != nm) {
        /* Out of memory: file order, which groups less well but loses no row. */
        for (size_t i = 0; i < nm; i++)
            order[i] = i;
    }
    free(firsts);
    free(group);
    free(start);
    return nm;
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
    struct key_index index[2][MATCH_MAX_RUNS];
    memset(index, 0, sizeof index);
    int ok = 1;
    for (size_t r = 0; r < n; r++) {
        total += runs[r].count;
        used[r] = calloc(runs[r].count + 1, 1);
        size_t *by_time = malloc((runs[r].count + 1) * sizeof *by_time);
        ok = ok && used[r] && by_time;
        if (ok && r > 0) {
            for (size_t k = 0; k < runs[r].count; k++)
                by_time[k] = k;
            sort_rows = runs[r].rows;
            qsort(by_time, runs[r].count, sizeof *by_time, faster_first);
            ok = index_build(&index[0][r], runs[r].rows, runs[r].count, match_hash,
                             saved_rows_match, by_time) &&
                 index_build(&index[1][r], runs[r].rows, runs[r].count, any_role_hash,
                             rows_match_any_role, by_time);
        }
        free(by_time);
    }
    out->matched = calloc(runs[0].count + 1, sizeof *out->matched);
    out->leftover = calloc(total + 1, sizeof *out->leftover);
    enum offload_status st = OFFLOAD_ERR_RUN;
    if (ok && out->matched && out->leftover)
        st = pair_rows(runs, n, used, index, out);
    else
        offload_error("out of memory matching saved runs\n");
    for (size_t r = 0; r < n; r++) {
        free(used[r]);
        index_free(&index[0][r]);
        index_free(&index[1][r]);
    }
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
