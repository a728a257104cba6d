/* The writers of `offload scores` (scores_export.h). */
#include "scores_export.h"
#include "timing.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "fileio.h"
#include "markdown.h"

static enum offload_status write_scores_csv(FILE *f, void *ctx)
{
    const struct scores_table *o = ctx;
    if (fprintf(f, "id,score\n") < 0)
        return OFFLOAD_ERR_RUN;
    for (size_t r = 0; r < o->m->rows; r++)
        if (csv_write_field(f, o->m->row_ids[r]) != 0 ||
            fprintf(f, ",%lld\n", (long long)o->scores[r]) < 0)
            return OFFLOAD_ERR_RUN;
    return OFFLOAD_OK;
}

/* The same table as JSON, with where it came from. */
static enum offload_status write_scores_json(FILE *f, void *ctx)
{
    const struct scores_table *o = ctx;
    cJSON *root = cJSON_CreateObject(), *list = NULL;
    int ok = root && cJSON_AddNumberToObject(root, "schema_version", 1) &&
             cJSON_AddStringToObject(root, "tool_version", OFFLOAD_VERSION) &&
             cJSON_AddStringToObject(root, "file", o->path) &&
             cJSON_AddNumberToObject(root, "percent", o->percent) &&
             (list = cJSON_AddArrayToObject(root, "scores")) != NULL;
    for (size_t r = 0; ok && r < o->m->rows; r++) {
        cJSON *row = cJSON_CreateObject();
        ok = row && cJSON_AddStringToObject(row, "id", o->m->row_ids[r]) &&
             cJSON_AddNumberToObject(row, "score", (double)o->scores[r]) &&
             cJSON_AddItemToArray(list, row);
        if (row && !ok)
            cJSON_Delete(row);
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    ok = text && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    cJSON_free(text);
    cJSON_Delete(root);
    return ok ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
}

/* Aligned columns for reading: id, then score. */
static enum offload_status write_scores_table(FILE *f, void *ctx)
{
    const struct scores_table *o = ctx;
    int width = 2;
    for (size_t r = 0; r < o->m->rows; r++) {
        size_t len = strlen(o->m->row_ids[r]);
        width = len > (size_t)width ? (len > 200 ? 200 : (int)len) : width;
    }
    if (fprintf(f, "%-*s %12s\n", width, "id", "score") < 0)
        return OFFLOAD_ERR_RUN;
    for (size_t r = 0; r < o->m->rows; r++)
        if (fprintf(f, "%-*s %12lld\n", width, o->m->row_ids[r], (long long)o->scores[r]) < 0)
            return OFFLOAD_ERR_RUN;
    return OFFLOAD_OK;
}

/* The per-marker table as Markdown, to paste into an issue. */
static enum offload_status write_scores_markdown(FILE *f, void *ctx)
{
    const struct scores_table *o = ctx;
    fprintf(f, "Scores of ");
    markdown_code(f, &o->path, 1);
    fprintf(f, " (%g%% of the data lines), in file order:\n\n| id | score |\n|---|---:|\n",
            o->percent);
    for (size_t r = 0; r < o->m->rows; r++) {
        fputs("| ", f);
        markdown_cell(f, o->m->row_ids[r]);
        fprintf(f, " | %lld |\n", (long long)o->scores[r]);
    }
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

double scoring_share(const struct steps_output *o)
{
    return o->script_s > 0 ? o->steps[o->n - 1].score_s / o->script_s : 0;
}

enum offload_status timed_table_writer(FILE *f, void *ctx)
{
    struct timed_table *t = ctx;
    double t0 = offload_now();
    enum offload_status st = t->writer(f, (void *)t->table);
    if (st == OFFLOAD_OK && fflush(f) != 0)
        st = OFFLOAD_ERR_RUN;
    t->written_s = offload_now() - t0;
    return st;
}

double steps_exponent_fact(const struct steps_output *o)
{
    return o->fit.measurable && !o->busy ? o->fit.exponent : NAN;
}

/* If scoring took no time at all, the run would be at most this much faster. */
double amdahl_bound(const struct steps_output *o)
{
    double rest = o->script_s - o->steps[o->n - 1].score_s;
    return rest > 0 ? o->script_s / rest : 0;
}

static enum offload_status write_steps_csv(FILE *f, void *ctx)
{
    const struct steps_output *o = ctx;
    char exponent[32] = ""; /* empty where not measurable here */
    if (isfinite(steps_exponent_fact(o)))
        snprintf(exponent, sizeof exponent, "%.9g", steps_exponent_fact(o));
    if (fprintf(f, "percent,markers,varieties,parse_s,score_s,kernel_min_s,best_score,best_id,"
                   "kernel_scaling_exponent,script_s,scoring_share,amdahl_max_speedup,"
                   "kernel_median_s,exponent_low,exponent_high,machine_busy\n") < 0)
        return OFFLOAD_ERR_RUN;
    for (size_t i = 0; i < o->n; i++) {
        const struct scores_step *s = &o->steps[i];
        if (fprintf(f, "%.9g,%zu,%zu,%.9g,%.9g,%.9g,%lld,", s->percent, s->rows, s->cols,
                    s->parse_s, s->score_s, s->kernel_min_s, (long long)s->best_score) < 0 ||
            csv_write_field(f, s->best_id) != 0 ||
            fprintf(f, ",%s,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%s\n", exponent, o->script_s,
                    scoring_share(o), amdahl_bound(o), s->kernel_median_s, o->fit.low,
                    o->fit.high, !s->load.known ? "" : s->load.busy ? "yes" : "no") < 0)
            return OFFLOAD_ERR_RUN;
    }
    return OFFLOAD_OK;
}

static enum offload_status write_steps_json(FILE *f, void *ctx)
{
    const struct steps_output *o = ctx;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "schema_version", 1);
    cJSON_AddStringToObject(root, "tool_version", OFFLOAD_VERSION);
    cJSON_AddStringToObject(root, "file", o->path);
    cJSON *list = cJSON_AddArrayToObject(root, "percents");
    for (size_t i = 0; i < o->n; i++) {
        const struct scores_step *s = &o->steps[i];
        cJSON *row = cJSON_CreateObject();
        cJSON_AddNumberToObject(row, "percent", s->percent);
        cJSON_AddNumberToObject(row, "markers", (double)s->rows);
        cJSON_AddNumberToObject(row, "varieties", (double)s->cols);
        cJSON_AddNumberToObject(row, "parse_s", s->parse_s);
        cJSON_AddNumberToObject(row, "score_s", s->score_s);
        cJSON_AddNumberToObject(row, "kernel_min_s", s->kernel_min_s);
        cJSON_AddNumberToObject(row, "kernel_median_s", s->kernel_median_s);
        cJSON_AddNumberToObject(row, "repeats", (double)s->repeats);
        if (s->load.known)
            cJSON_AddBoolToObject(row, "machine_busy", s->load.busy);
        else
            cJSON_AddNullToObject(row, "machine_busy");
        cJSON_AddNumberToObject(row, "others_cpu_share", s->load.others_share);
        cJSON_AddNumberToObject(row, "best_score", (double)s->best_score);
        cJSON_AddStringToObject(row, "best_id", s->best_id);
        cJSON_AddItemToArray(list, row);
    }
    /* null when not measurable here: the interval says how far it ranged. */
    if (isfinite(steps_exponent_fact(o)))
        cJSON_AddNumberToObject(root, "kernel_scaling_exponent", steps_exponent_fact(o));
    else
        cJSON_AddNullToObject(root, "kernel_scaling_exponent");
    if (isfinite(o->fit.low) && isfinite(o->fit.high)) {
        cJSON *range = cJSON_AddArrayToObject(root, "kernel_scaling_interval");
        cJSON_AddItemToArray(range, cJSON_CreateNumber(o->fit.low));
        cJSON_AddItemToArray(range, cJSON_CreateNumber(o->fit.high));
    }
    cJSON_AddBoolToObject(root, "machine_busy", o->busy);
    cJSON *script = cJSON_AddObjectToObject(root, "script");
    const struct scores_step *last = &o->steps[o->n - 1];
    cJSON_AddNumberToObject(script, "percent", last->percent);
    cJSON_AddNumberToObject(script, "total_s", o->script_s);
    cJSON_AddNumberToObject(script, "start_s", o->start_s);
    cJSON_AddNumberToObject(script, "setup_s", o->setup_s);
    cJSON_AddNumberToObject(script, "parse_s", last->parse_s);
    cJSON_AddNumberToObject(script, "score_s", last->score_s);
    cJSON_AddNumberToObject(script, "output_s", last->output_s);
    cJSON_AddNumberToObject(script, "scoring_share", scoring_share(o));
    cJSON_AddNumberToObject(script, "amdahl_max_speedup", amdahl_bound(o));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    int ok = text && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    cJSON_free(text);
    return ok ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
}

/* The steps as a Markdown table, with the scaling and Amdahl's answer. */
static enum offload_status write_steps_markdown(FILE *f, void *ctx)
{
    const struct steps_output *o = ctx;
    fprintf(f, "| percent | markers | parse (s) | score, first call (s) | kernel min (s) | best "
               "score | pattern |\n|---:|---:|---:|---:|---:|---:|---|\n");
    for (size_t i = 0; i < o->n; i++) {
        const struct scores_step *s = &o->steps[i];
        fprintf(f, "| %g | %zu | %.3g | %.3g | %.3g | %lld | ", s->percent, s->rows, s->parse_s,
                s->score_s, s->kernel_min_s, (long long)s->best_score);
        markdown_cell(f, s->best_id);
        fputs(" |\n", f);
    }
    char scaling[192];
    fprintf(f,
            "\nThe kernel's scaling: %s. In the script's run (%g%%, %.3g s), "
            "scoring is %.0f%% of the time: if it took no time at all the run would be at "
            "most %.2fx faster (Amdahl's law).\n",
            describe_scaling(&o->fit, o->busy, "markers", scaling, sizeof scaling),
            o->steps[o->n - 1].percent, o->script_s, 100 * scoring_share(o), amdahl_bound(o));
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

file_writer_fn scores_table_writer(enum export_format format)
{
    switch (format) {
    case FORMAT_JSON:
        return write_scores_json;
    case FORMAT_TABLE:
        return write_scores_table;
    case FORMAT_MARKDOWN:
        return write_scores_markdown;
    case FORMAT_CSV:
        return write_scores_csv;
    }
    return write_scores_csv;
}

file_writer_fn scores_steps_writer(enum export_format format)
{
    switch (format) {
    case FORMAT_JSON:
        return write_steps_json;
    case FORMAT_MARKDOWN:
        return write_steps_markdown;
    case FORMAT_TABLE: /* an aligned table is the report itself: csv for files */
    case FORMAT_CSV:
        return write_steps_csv;
    }
    return write_steps_csv;
}
