/* Writers of offload markers' outputs (upstream's formats and exports). */
#include "markers_report.h"
#include "ranks.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "markdown.h"

void markers_pattern_string(const struct markers_output *o, size_t pattern, char *buf)
{
    const int8_t *row = o->m->calls + o->pat->row[pattern] * o->m->cols;
    for (size_t v = 0; v < o->m->cols; v++)
        buf[v] = row[v] >= 0 && row[v] <= 2 ? (char)('0' + row[v]) : 'x';
    buf[o->m->cols] = '\0';
}

static const char *marker_id(const struct markers_output *o, size_t pattern)
{
    return o->m->row_ids[o->pat->row[pattern]];
}

enum offload_status markers_write_minimal(FILE *f, void *ctx)
{
    const struct markers_output *o = ctx;
    char *pattern = malloc(o->m->cols + 1);
    if (!pattern || fputs("CumulativeResolved\tMarkerID\tGenotypePattern\n", f) < 0) {
        free(pattern);
        return OFFLOAD_ERR_RUN;
    }
    for (size_t i = 0; i < o->res->npicks; i++) {
        const struct marker_pick *k = &o->res->picks[i];
        markers_pattern_string(o, k->pattern, pattern);
        if (fprintf(f, "%lld\t%s\t%s\n", (long long)k->cumulative, marker_id(o, k->pattern),
                    pattern) < 0)
            break;
    }
    free(pattern);
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

enum offload_status markers_write_with_headers(FILE *f, void *ctx)
{
    const struct markers_output *o = ctx;
    fputs("ID", f);
    for (size_t v = 0; v < o->m->cols; v++)
        fprintf(f, "\t%s", o->m->col_names[v]);
    fputc('\n', f);
    for (size_t i = 0; i < o->res->npicks && !ferror(f); i++) {
        size_t p = o->res->picks[i].pattern;
        const int8_t *row = o->m->calls + o->pat->row[p] * o->m->cols;
        fputs(marker_id(o, p), f);
        for (size_t v = 0; v < o->m->cols; v++) {
            fputc('\t', f);
            fputc(row[v] >= 0 && row[v] <= 2 ? '0' + row[v] : 'x', f);
        }
        fputc('\n', f);
    }
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

static double proportion(const struct markers_output *o, int64_t cumulative)
{
    return o->res->perfect > 0 ? 100.0 * (double)cumulative / (double)o->res->perfect : 0.0;
}

enum offload_status markers_write_csv(FILE *f, void *ctx)
{
    const struct markers_output *o = ctx;
    char *pattern = malloc(o->m->cols + 1);
    if (!pattern)
        return OFFLOAD_ERR_RUN;
    fputs("iteration,cumulative_resolved,score,proportion_percent,marker_id,pattern\n", f);
    for (size_t i = 0; i < o->res->npicks && !ferror(f); i++) {
        const struct marker_pick *k = &o->res->picks[i];
        markers_pattern_string(o, k->pattern, pattern);
        fprintf(f, "%zu,%lld,%lld,%.4f,", i + 1, (long long)k->cumulative, (long long)k->score,
                proportion(o, k->cumulative));
        csv_write_field(f, marker_id(o, k->pattern));
        fprintf(f, ",%s\n", pattern);
    }
    free(pattern);
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

/* The unresolved pairs, kept in upstream's order (by the first variety,
 * then the second). */
static void each_unresolved(const struct markers_output *o,
                            void (*fn)(void *ctx, size_t first, size_t second), void *ctx)
{
    const struct marker_pairs *u = &o->res->unresolved;
    for (size_t k = 0; k < u->count; k++)
        fn(ctx, u->pair[2 * k], u->pair[2 * k + 1]);
}

struct json_pairs {
    const struct markers_output *o;
    cJSON *list;
    int ok;
};

static void add_json_pair(void *ctx, size_t first, size_t second)
{
    struct json_pairs *jp = ctx;
    cJSON *pair = cJSON_CreateArray();
    jp->ok = jp->ok && pair &&
             cJSON_AddItemToArray(pair, cJSON_CreateString(jp->o->m->col_names[first])) &&
             cJSON_AddItemToArray(pair, cJSON_CreateString(jp->o->m->col_names[second])) &&
             cJSON_AddItemToArray(jp->list, pair);
}

enum offload_status markers_write_json(FILE *f, void *ctx)
{
    const struct markers_output *o = ctx;
    cJSON *root = cJSON_CreateObject(), *list = NULL, *unresolved = NULL;
    char *pattern = malloc(o->m->cols + 1);
    int ok = pattern && root && cJSON_AddNumberToObject(root, "schema_version", 1) &&
             cJSON_AddStringToObject(root, "tool_version", OFFLOAD_VERSION) &&
             cJSON_AddStringToObject(root, "file", o->path) &&
             cJSON_AddStringToObject(root, "backend", o->backend) &&
             cJSON_AddNumberToObject(root, "varieties", (double)o->m->cols) &&
             cJSON_AddNumberToObject(root, "patterns", (double)o->pat->count) &&
             cJSON_AddNumberToObject(root, "pairs", (double)o->res->perfect) &&
             cJSON_AddNumberToObject(root, "best_possible", (double)o->res->best_possible) &&
             (list = cJSON_AddArrayToObject(root, "markers")) != NULL;
    for (size_t i = 0; ok && i < o->res->npicks; i++) {
        const struct marker_pick *k = &o->res->picks[i];
        markers_pattern_string(o, k->pattern, pattern);
        cJSON *row = cJSON_CreateObject();
        ok = row && cJSON_AddNumberToObject(row, "iteration", (double)(i + 1)) &&
             cJSON_AddNumberToObject(row, "cumulative_resolved", (double)k->cumulative) &&
             cJSON_AddNumberToObject(row, "score", (double)k->score) &&
             cJSON_AddStringToObject(row, "marker_id", marker_id(o, k->pattern)) &&
             cJSON_AddStringToObject(row, "pattern", pattern) && cJSON_AddItemToArray(list, row);
        if (row && !ok)
            cJSON_Delete(row);
    }
    const struct table_share *sh = o->share;
    cJSON *table = ok && sh ? cJSON_AddObjectToObject(root, "table") : NULL;
    /* What each rank held of the table while it read its rows, and through
     * the selection (its patterns' calls and bit planes). */
    ok = ok && (!sh || (table && cJSON_AddNumberToObject(table, "ranks", sh->ranks) &&
                        cJSON_AddNumberToObject(table, "rows", (double)sh->rows) &&
                        cJSON_AddNumberToObject(table, "largest_share_rows",
                                                (double)sh->largest_rows) &&
                        cJSON_AddNumberToObject(table, "largest_share_bytes",
                                                (double)sh->largest_bytes) &&
                        cJSON_AddNumberToObject(table, "total_bytes", (double)sh->total_bytes) &&
                        cJSON_AddNumberToObject(table, "held_patterns", (double)sh->held_patterns) &&
                        cJSON_AddNumberToObject(table, "held_bytes_per_rank",
                                                (double)sh->held_bytes) &&
                        cJSON_AddNumberToObject(table, "held_total_bytes",
                                                (double)sh->held_total_bytes)));
    cJSON *times = ok ? cJSON_AddObjectToObject(root, "times_s") : NULL;
    const struct markers_times *t = &o->res->times;
    ok = times && cJSON_AddNumberToObject(times, "load", o->load_s) &&
         cJSON_AddNumberToObject(times, "filter", t->filter) &&
         cJSON_AddNumberToObject(times, "best_possible", t->best_possible) &&
         cJSON_AddNumberToObject(times, "first_score", t->first_score) &&
         cJSON_AddNumberToObject(times, "rescore", t->rescore) &&
         cJSON_AddNumberToObject(times, "order", t->order) &&
         cJSON_AddNumberToObject(times, "remove", t->remove + t->device_remove) &&
         cJSON_AddNumberToObject(times, "selection", o->selection_s);
    if (ok && (unresolved = cJSON_AddArrayToObject(root, "unresolved")) != NULL) {
        struct json_pairs jp = {o, unresolved, 1};
        each_unresolved(o, add_json_pair, &jp);
        ok = jp.ok;
    }
    char *text = ok && unresolved ? cJSON_Print(root) : NULL;
    ok = text && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    cJSON_free(text);
    cJSON_Delete(root);
    free(pattern);
    return ok ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
}

enum offload_status markers_write_markdown(FILE *f, void *ctx)
{
    const struct markers_output *o = ctx;
    fputs("Minimal markers of `", f);
    markdown_cell(f, o->path);
    fprintf(f,
            "`: %zu markers resolve %lld of %lld variety pairs (best possible %lld).\n\n"
            "| iteration | cumulative resolved | proportion | marker | score |\n"
            "|---:|---:|---:|---|---:|\n",
            o->res->npicks, o->res->npicks ? (long long)o->res->picks[o->res->npicks - 1].cumulative : 0LL,
            (long long)o->res->perfect, (long long)o->res->best_possible);
    for (size_t i = 0; i < o->res->npicks; i++) {
        const struct marker_pick *k = &o->res->picks[i];
        fprintf(f, "| %zu | %lld | %.4f%% | ", i + 1, (long long)k->cumulative,
                proportion(o, k->cumulative));
        markdown_cell(f, marker_id(o, k->pattern));
        fprintf(f, " | %lld |\n", (long long)k->score);
    }
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

struct text_pairs {
    FILE *f;
    const struct markers_output *o;
    unsigned char *seen;
    size_t distinct;
};

static void print_pair(void *ctx, size_t first, size_t second)
{
    struct text_pairs *tp = ctx;
    fprintf(tp->f, "%s not resolved from %s\n", tp->o->m->col_names[first],
            tp->o->m->col_names[second]);
    tp->distinct += !tp->seen[first] + !tp->seen[second];
    tp->seen[first] = tp->seen[second] = 1;
}

enum offload_status markers_write_unresolved(FILE *f, const struct markers_output *o)
{
    struct text_pairs tp = {f, o, calloc(o->m->cols ? o->m->cols : 1, 1), 0};
    if (!tp.seen)
        return OFFLOAD_ERR_RUN;
    each_unresolved(o, print_pair, &tp);
    if (tp.distinct == 0)
        fprintf(f, "All %zu varieties resolved.\n", o->m->cols);
    else
        fprintf(f, "%zu of %zu varieties unresolved.\n", tp.distinct, o->m->cols);
    free(tp.seen);
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}
