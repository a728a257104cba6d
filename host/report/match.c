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

int saved_rows_match(const struct saved_row *a, const struct saved_row *b)
{
    if (!saved_rows_same_group(a, b) || strcmp(a->kind, b->kind) != 0 ||
        strcmp(a->memory, b->memory) != 0 || a->on_device != b->on_device)
        return 0;
    return !a->on_device || strcmp(a->device, b->device) == 0;
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

static uint64_t match_hash(const struct saved_row *r)
{
    uint64_t h = mix(mix_text(mix_text(group_hash(r), r->kind), r->memory), (uint64_t)r->on_device);
    return r->on_device ? mix_text(h, r->device) : h;
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

static int index_build(struct key_index *x, const struct saved_row *rows, size_t count,
                       uint64_t (*hash)(const struct saved_row *),
                       int (*same)(const struct saved_row *, const struct saved_row *))
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
    for (size_t j = 0; j < count; j++) {
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

static enum offload_status pair_rows(const struct saved_run *runs, size_t n, unsigned char **used,
                                     struct key_index *index, struct match_set *out)
{
    for (size_t i = 0; i < runs[0].count; i++) {
        const struct saved_row *want = &runs[0].rows[i];
        uint64_t h = match_hash(want);
        size_t pick[MATCH_MAX_RUNS] = {i}, slot[MATCH_MAX_RUNS] = {0};
        size_t f = 1;
        for (; f < n; f++) {
            slot[f] = index_slot(&index[f], runs[f].rows, h, want, saved_rows_match);
            pick[f] = index[f].cursor[slot[f]];
            if (pick[f] == NONE)
                break;
        }
        if (f < n)
            continue; /* not in every run: left over */
        used[0][i] = 1;
        for (f = 1; f < n; f++) {
            used[f][pick[f]] = 1;
            index[f].cursor[slot[f]] = index[f].next[pick[f]];
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
    struct saved_row *firsts = malloc((nm + 1) * sizeof *firsts);
    size_t *group = malloc((nm + 1) * sizeof *group);
    size_t *start = calloc(nm + 2, sizeof *start);
    struct key_index x = {0};
    size_t done = 0;
    if (firsts && group && start) {
        for (size_t i = 0; i < nm; i++)
            firsts[i] = runs[0].rows[m->matched[i][0]];
        if (index_build(&x, firsts, nm, group_hash, saved_rows_same_group)) {
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
    struct key_index index[MATCH_MAX_RUNS];
    memset(index, 0, sizeof index);
    int ok = 1;
    for (size_t r = 0; r < n; r++) {
        total += runs[r].count;
        used[r] = calloc(runs[r].count + 1, 1);
        ok = ok && used[r] &&
             (r == 0 ||
              index_build(&index[r], runs[r].rows, runs[r].count, match_hash, saved_rows_match));
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
        index_free(&index[r]);
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
