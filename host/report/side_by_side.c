/* Saved runs side by side, as a table, markdown, CSV or JSON. Every format
 * shows the same things: each run's provenance, the matched rows grouped by
 * kernel, algorithm and size with one column group per run, the end-to-end
 * speedup of each run over the first, and the rows not in every run. */
#include "side_by_side.h"
#include "message.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"
#include "units.h"
#include "wrap.h"

/* Speedup of run f over run 0 for matched row i: 2.00x = twice as fast. */
static double ratio(const struct saved_run *runs, const struct match_set *m, size_t i, size_t f)
{
    const struct saved_row *first = &runs[0].rows[m->matched[i][0]];
    const struct saved_row *r = &runs[f].rows[m->matched[i][f]];
    return r->total_s > 0 ? first->total_s / r->total_s : 0;
}

static const char *seconds_or_dash(double s, char *buf, size_t len)
{
    return s >= 0 ? format_seconds(s, buf, len) : "-";
}

/* "AMD EPYC, 2 cores, 25.3 GB, Linux 6.1 x86_64" */
static const char *host_line(const struct saved_run *r, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s", r->cpu[0] ? r->cpu : "unknown CPU");
    if (r->cores > 0 && n >= 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, ", %d cores", r->cores);
    if (r->memory_bytes > 0 && n >= 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, ", %.1f GB", r->memory_bytes / 1e9);
    if (r->os[0] && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, ", %s", r->os);
    return buf;
}

static const char *build_line(const struct saved_run *r, char *buf, size_t len)
{
    if (!r->build[0])
        snprintf(buf, len, "not recorded (schema %d export)", r->schema);
    else
        snprintf(buf, len, "%s, %s, commit %s", r->build, r->compiler, r->git_commit);
    return buf;
}

/* The end of the group that starts at order[start]. */
static size_t group_end(const struct saved_run *runs, const struct match_set *m,
                        const size_t *order, size_t norder, size_t start)
{
    const struct saved_row *g = &runs[0].rows[m->matched[order[start]][0]];
    size_t end = start + 1;
    while (end < norder && saved_rows_same_group(&runs[0].rows[m->matched[order[end]][0]], g))
        end++;
    return end;
}

/* ---- table ---------------------------------------------------------------- */

static void table_runs(FILE *f, const struct saved_run *runs, size_t n)
{
    char a[512], b[512], line[1024];
    int width = text_width();
    fprintf(f, "saved runs (vs #1: end-to-end speedup over run #1; 2.00x = twice as fast):\n");
    for (size_t r = 0; r < n; r++) {
        snprintf(line, sizeof line, "%s: %s, created %s", runs[r].name, runs[r].command,
                 runs[r].created[0] ? runs[r].created : "unknown");
        snprintf(a, sizeof a, "  #%zu ", r + 1);
        wrap_print(f, width, a, "     ", line);
        wrap_print(f, width, "     host        ", "                 ",
                   host_line(&runs[r], a, sizeof a));
        wrap_print(f, width, "     build       ", "                 ",
                   build_line(&runs[r], b, sizeof b));
        fprintf(f, "     calibrated  %s\n", runs[r].calibrated[0] ? runs[r].calibrated : "unknown");
    }
}

/* The side-by-side table's width: one column group per run. */
static int table_width(size_t n)
{
    return 28 + (int)n * 75;
}

/* Narrower than the side-by-side table: each run on a line of its own under
 * its backend, the speedup beside the later runs. */
static void stacked_header(FILE *f)
{
    fprintf(f, "  %-16s %-3s %9s %10s %6s  %s\n", "backend", "run", "kernel", "end-to-end",
            "vs #1", "verdict");
}

static void stacked_row(FILE *f, const struct saved_run *runs, size_t n, const struct match_set *m,
                        size_t i)
{
    const struct saved_row *first = &runs[0].rows[m->matched[i][0]];
    char label[96];
    int has_memory = strcmp(first->memory, "-") != 0;
    snprintf(label, sizeof label, "%s%s%s", first->backend, has_memory ? " " : "",
             has_memory ? first->memory : "");
    for (size_t r = 0; r < n; r++) {
        const struct saved_row *x = &runs[r].rows[m->matched[i][r]];
        char t1[32], t2[32], num[24], vs[16] = "";
        snprintf(num, sizeof num, "#%zu", r + 1);
        if (r)
            snprintf(vs, sizeof vs, "%.2fx", ratio(runs, m, i, r));
        fprintf(f, "  %-16.16s %-3s %9s %10s %6s  %s\n", r ? "" : label, num,
                seconds_or_dash(x->kernel_s, t1, sizeof t1),
                seconds_or_dash(x->total_s, t2, sizeof t2), vs,
                x->check_ok ? x->verdict : "FAILED");
    }
}

static void table_header(FILE *f, const struct saved_run *runs, size_t n)
{
    fprintf(f, "  %-16s %-9s", "", "");
    for (size_t r = 0; r < n; r++) {
        char title[64];
        snprintf(title, sizeof title, "#%zu %.40s", r + 1, runs[r].name);
        fprintf(f, " | %-*.*s", r ? 72 : 65, r ? 72 : 65, title);
    }
    fprintf(f, "\n  %-16s %-9s", "backend", "memory");
    for (size_t r = 0; r < n; r++) {
        fprintf(f, " | %9s %9s %9s %10s %8s", "copy-in", "kernel", "copy-out", "end-to-end",
                "GB/s");
        if (r)
            fprintf(f, " %6s", "vs #1");
        fprintf(f, "  %-14s", "verdict");
    }
    fputc('\n', f);
}

static void table_row(FILE *f, const struct saved_run *runs, size_t n, const struct match_set *m,
                      size_t i)
{
    const struct saved_row *first = &runs[0].rows[m->matched[i][0]];
    fprintf(f, "  %-16s %-9s", first->backend, first->memory);
    for (size_t r = 0; r < n; r++) {
        const struct saved_row *x = &runs[r].rows[m->matched[i][r]];
        char t1[32], t2[32], t3[32], t4[32];
        fprintf(f, " | %9s %9s %9s %10s %8.3g", seconds_or_dash(x->copy_in_s, t1, sizeof t1),
                seconds_or_dash(x->kernel_s, t2, sizeof t2),
                seconds_or_dash(x->copy_out_s, t3, sizeof t3),
                seconds_or_dash(x->total_s, t4, sizeof t4), x->gbps);
        if (r)
            fprintf(f, " %5.2fx", ratio(runs, m, i, r));
        fprintf(f, "  %-14s", x->check_ok ? x->verdict : "FAILED");
    }
    fputc('\n', f);
}

static void table_groups(FILE *f, const struct saved_run *runs, size_t n, const struct match_set *m,
                         const size_t *order, size_t norder)
{
    for (size_t start = 0, end; start < norder; start = end) {
        end = group_end(runs, m, order, norder, start);
        const struct saved_row *g = &runs[0].rows[m->matched[order[start]][0]];
        char size[64];
        fprintf(f, "\n%s (%s), %s\n", g->kernel, g->algorithm,
                saved_row_size(g, size, sizeof size));
        int stacked = table_width(n) > text_width();
        if (stacked)
            stacked_header(f);
        else
            table_header(f, runs, n);
        for (size_t k = start; k < end; k++) {
            if (stacked)
                stacked_row(f, runs, n, m, order[k]);
            else
                table_row(f, runs, n, m, order[k]);
        }
        fprintf(f, "  why:\n");
        for (size_t k = start; k < end; k++)
            for (size_t r = 0; r < n; r++) {
                const struct saved_row *x = &runs[r].rows[m->matched[order[k]][r]];
                char label[128];
                int has_memory = strcmp(x->memory, "-") != 0;
                snprintf(label, sizeof label, "#%zu %s%s%s", r + 1, x->backend,
                         has_memory ? " " : "", has_memory ? x->memory : "");
                char head[512];
                snprintf(head, sizeof head, "    %s on %s%s%s%s: ", label, x->device,
                         x->on_device ? " (" : "", x->on_device ? x->role : "",
                         x->on_device ? ")" : "");
                wrap_print(f, text_width(), head, "        ", x->reason);
            }
    }
}

static void table_leftovers(FILE *f, const struct saved_run *runs, const struct match_set *m)
{
    if (m->nleftover == 0)
        return;
    fprintf(f, "\nnot in every file (listed, not compared):\n");
    for (size_t i = 0; i < m->nleftover; i++) {
        const struct saved_row *x = &runs[m->leftover[i].run].rows[m->leftover[i].row];
        char size[64], t[32], head[16], text[512];
        snprintf(head, sizeof head, "  #%zu  ", m->leftover[i].run + 1);
        snprintf(text, sizeof text, "%s (%s), %s: %-16s %-9s end-to-end %s  %s", x->kernel,
                 x->algorithm, saved_row_size(x, size, sizeof size), x->backend, x->memory,
                 format_seconds(x->total_s, t, sizeof t), x->check_ok ? x->verdict : "FAILED");
        wrap_print(f, text_width(), head, "        ", text);
    }
}

/* The summary of gains scans each group's rows: at most this many rows. */
#define GAINS_MAX_ROWS 4096

/* The fastest row of run r in the group of g (every row, matched or not);
 * NULL when the run has none there. */
static const struct saved_row *best_in_group(const struct saved_run *run,
                                             const struct saved_row *g)
{
    const struct saved_row *best = NULL;
    for (size_t j = 0; j < run->count; j++) {
        const struct saved_row *x = &run->rows[j];
        if (x->check_ok && saved_rows_same_group(x, g) && (!best || x->total_s < best->total_s))
            best = x;
    }
    return best;
}

/* "opencl zero-copy on 0.0 NVIDIA GeForce RTX 4090 (GPU)" */
static const char *row_label(const struct saved_row *x, char *buf, size_t len)
{
    int has_memory = strcmp(x->memory, "-") != 0;
    snprintf(buf, len, "%s%s%s on %s%s%s%s", x->backend, has_memory ? " " : "",
             has_memory ? x->memory : "", x->device, x->on_device ? " (" : "",
             x->on_device ? x->role : "", x->on_device ? ")" : "");
    return buf;
}

/* The answer the side-by-side is for: per kernel, what each later run gains
 * over run #1 (best end to end against best end to end, whatever backend
 * each used), and which of its rows are transfer-bound. */
static void table_gains(FILE *f, const struct saved_run *runs, size_t n)
{
    if (n < 2)
        return;
    /* Each group scans every row: kept to exports of a size people read
     * (report stays linear on the rest, which it only lists). */
    size_t rows = 0;
    for (size_t r = 0; r < n; r++)
        rows += runs[r].count;
    if (rows > GAINS_MAX_ROWS) {
        fprintf(f, "\n(what each run gains is left out: the files hold %zu rows, over %d)\n", rows,
                GAINS_MAX_ROWS);
        return;
    }
    fprintf(f, "\nwhat each run gains over #1 (best end to end against best end to end):\n");
    for (size_t i = 0; i < runs[0].count; i++) {
        const struct saved_row *g = &runs[0].rows[i];
        int first = 1;
        for (size_t k = 0; k < i && first; k++)
            first = !saved_rows_same_group(&runs[0].rows[k], g);
        if (!first)
            continue;
        const struct saved_row *b0 = best_in_group(&runs[0], g);
        char size[64], l0[384], l1[384];
        if (!b0)
            continue;
        for (size_t r = 1; r < n; r++) {
            const struct saved_row *b = best_in_group(&runs[r], g);
            if (!b)
                continue;
            char text[1024];
            snprintf(text, sizeof text, "%s (%s), %s: #%zu is %.2fx #1: %s against %s",
                     g->kernel, g->algorithm, saved_row_size(g, size, sizeof size), r + 1,
                     b->total_s > 0 ? b0->total_s / b->total_s : 0, row_label(b, l1, sizeof l1),
                     row_label(b0, l0, sizeof l0));
            wrap_print(f, text_width(), "  ", "      ", text);
            for (size_t j = 0; j < runs[r].count; j++) {
                const struct saved_row *x = &runs[r].rows[j];
                if (saved_rows_same_group(x, g) && strcmp(x->verdict, "transfer-bound") == 0) {
                    char t1[32], t2[32];
                    double copies = (x->copy_in_s > 0 ? x->copy_in_s : 0) +
                                    (x->copy_out_s > 0 ? x->copy_out_s : 0);
                    char text[512];
                    snprintf(text, sizeof text,
                             "transfer-bound on #%zu: %s: copies %s of %s end to end", r + 1,
                             row_label(x, l1, sizeof l1), format_seconds(copies, t1, sizeof t1),
                             format_seconds(x->total_s, t2, sizeof t2));
                    wrap_print(f, text_width(), "    ", "        ", text);
                }
            }
        }
    }
}

/* Text of a saved file in place, fit for a terminal: C0 and C1 control
 * characters (ESC starts the sequences that move the cursor, retitle the
 * window or rewrite the screen) and line breaks become \xNN; cut to fit. */
static void terminal_safe(char *s, size_t size)
{
    char buf[2048];
    size_t n = 0;
    int changed = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 9 < sizeof buf; p++) {
        int c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f; /* U+0080..U+009F in UTF-8 */
        if (*p < 0x20 || *p == 0x7f || c1) {
            n += (size_t)snprintf(buf + n, sizeof buf - n, "\\x%02x", *p);
            if (c1)
                n += (size_t)snprintf(buf + n, sizeof buf - n, "\\x%02x", *++p);
            changed = 1;
        } else {
            buf[n++] = (char)*p;
        }
    }
    if (changed && size > 0) {
        size_t keep = n < size - 1 ? n : size - 1;
        memcpy(s, buf, keep);
        s[keep] = '\0';
    }
}

/* Copies of runs with every string terminal_safe; NULL when out of memory. */
static struct saved_run *terminal_copies(const struct saved_run *runs, size_t n)
{
    struct saved_run *copy = calloc(n, sizeof *copy);
    for (size_t r = 0; copy && r < n; r++) {
        copy[r] = runs[r];
        copy[r].rows = calloc(runs[r].count + 1, sizeof *copy[r].rows);
        if (!copy[r].rows) {
            for (size_t k = 0; k < r; k++)
                free(copy[k].rows);
            free(copy);
            return NULL;
        }
        memcpy(copy[r].rows, runs[r].rows, runs[r].count * sizeof *copy[r].rows);
        struct saved_run *c = &copy[r];
#define SAFE(field) terminal_safe(field, sizeof field)
        SAFE(c->name), SAFE(c->command), SAFE(c->created), SAFE(c->cpu), SAFE(c->os);
        SAFE(c->build), SAFE(c->compiler), SAFE(c->git_commit), SAFE(c->calibrated);
        for (size_t i = 0; i < c->count; i++) {
            struct saved_row *x = &c->rows[i];
            SAFE(x->kernel), SAFE(x->algorithm), SAFE(x->backend), SAFE(x->kind);
            SAFE(x->device), SAFE(x->memory), SAFE(x->verdict), SAFE(x->reason);
            SAFE(x->role), SAFE(x->op_unit);
        }
#undef SAFE
    }
    return copy;
}

static enum offload_status report_table(FILE *f, const struct saved_run *file_runs, size_t n,
                                        const struct match_set *m, const size_t *order,
                                        size_t norder)
{
    struct saved_run *runs = terminal_copies(file_runs, n);
    if (!runs) {
        offload_error("out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    table_runs(f, runs, n);
    if (m->nmatched == 0)
        fprintf(f, "\nno row is in every file: nothing to compare side by side\n");
    table_groups(f, runs, n, m, order, norder);
    table_leftovers(f, runs, m);
    table_gains(f, runs, n);
    for (size_t r = 0; r < n; r++)
        free(runs[r].rows);
    free(runs);
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

/* ---- CSV: one line per run and row, matched or not -------------------- */

static void csv_line(FILE *f, const struct saved_run *runs, size_t run, const struct saved_row *x,
                     int matched, double vs_first)
{
    export_csv_text(f, x->kernel);
    export_csv_text(f, x->algorithm);
    fprintf(f, "%zu,", x->size);
    if (x->rows || x->cols)
        fprintf(f, "%zu,%zu,", x->rows, x->cols);
    else
        fputs(",,", f);
    export_csv_text(f, x->backend);
    export_csv_text(f, x->memory);
    export_csv_text(f, x->device);
    fprintf(f, "%d,%zu,", matched, run + 1);
    export_csv_text(f, runs[run].name);
    const double times[] = {x->copy_in_s, x->kernel_s, x->copy_out_s, x->total_s};
    for (size_t t = 0; t < 4; t++)
        if (times[t] >= 0)
            fprintf(f, "%.9g,", times[t]);
        else
            fputc(',', f);
    fprintf(f, "%.9g,", x->gbps);
    export_csv_text(f, x->check_ok ? x->verdict : "FAILED");
    if (matched)
        fprintf(f, "%.9g\n", vs_first);
    else
        fputc('\n', f);
}

static enum offload_status report_csv(FILE *f, const struct saved_run *runs, size_t n,
                                      const struct match_set *m, const size_t *order, size_t norder)
{
    fputs("kernel,algorithm,size,rows,cols,backend,memory,device,in_every_file,file_index,file,"
          "copy_in_s,kernel_s,copy_out_s,total_s,gbps,verdict,vs_first\n",
          f);
    for (size_t k = 0; k < norder; k++)
        for (size_t r = 0; r < n; r++)
            csv_line(f, runs, r, &runs[r].rows[m->matched[order[k]][r]], 1,
                     ratio(runs, m, order[k], r));
    for (size_t i = 0; i < m->nleftover; i++)
        csv_line(f, runs, m->leftover[i].run, &runs[m->leftover[i].run].rows[m->leftover[i].row], 0,
                 0);
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

/* ---- JSON --------------------------------------------------------------- */

static cJSON *json_run(const struct saved_run *r, size_t index)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "index", (double)index + 1);
    cJSON_AddStringToObject(o, "file", r->name);
    cJSON_AddNumberToObject(o, "schema_version", r->schema);
    cJSON_AddStringToObject(o, "command", r->command);
    cJSON_AddStringToObject(o, "created", r->created);
    cJSON *host = cJSON_AddObjectToObject(o, "host");
    cJSON_AddStringToObject(host, "cpu", r->cpu);
    cJSON_AddNumberToObject(host, "cores", r->cores);
    cJSON_AddNumberToObject(host, "memory_bytes", r->memory_bytes);
    cJSON_AddStringToObject(host, "os", r->os);
    cJSON *build = cJSON_AddObjectToObject(o, "build");
    cJSON_AddStringToObject(build, "flags", r->build);
    cJSON_AddStringToObject(build, "compiler", r->compiler);
    cJSON_AddStringToObject(build, "git_commit", r->git_commit);
    cJSON_AddStringToObject(o, "calibrated", r->calibrated);
    return o;
}

static cJSON *json_row(const struct saved_row *x, size_t run)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "file", (double)run + 1);
    cJSON_AddStringToObject(o, "backend", x->backend);
    cJSON_AddStringToObject(o, "device", x->device);
    cJSON_AddStringToObject(o, "device_role", x->role);
    cJSON_AddStringToObject(o, "memory", x->memory);
    if (x->copy_in_s >= 0)
        cJSON_AddNumberToObject(o, "copy_in_s", x->copy_in_s);
    cJSON_AddNumberToObject(o, "kernel_s", x->kernel_s);
    if (x->copy_out_s >= 0)
        cJSON_AddNumberToObject(o, "copy_out_s", x->copy_out_s);
    cJSON_AddNumberToObject(o, "total_s", x->total_s);
    cJSON_AddNumberToObject(o, "gbps", x->gbps);
    cJSON_AddStringToObject(o, "verdict", x->check_ok ? x->verdict : "FAILED");
    cJSON_AddStringToObject(o, "reason", x->reason);
    return o;
}

static void json_group_key(cJSON *o, const struct saved_row *g)
{
    cJSON_AddStringToObject(o, "kernel", g->kernel);
    cJSON_AddStringToObject(o, "algorithm", g->algorithm);
    cJSON_AddNumberToObject(o, "size", (double)g->size);
    /* Not "rows": a group's matched rows are its "rows" array (one key
     * twice in an object is invalid; fuzz_report found it). */
    if (g->rows || g->cols) {
        cJSON_AddNumberToObject(o, "markers", (double)g->rows);
        cJSON_AddNumberToObject(o, "varieties", (double)g->cols);
    }
}

static enum offload_status report_json(FILE *f, const struct saved_run *runs, size_t n,
                                       const struct match_set *m, const size_t *order,
                                       size_t norder)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "tool", "offload");
    cJSON_AddStringToObject(root, "report", "saved runs side by side");
    cJSON *files = cJSON_AddArrayToObject(root, "files");
    for (size_t r = 0; r < n; r++)
        cJSON_AddItemToArray(files, json_run(&runs[r], r));
    cJSON *groups = cJSON_AddArrayToObject(root, "groups");
    for (size_t start = 0, end; start < norder; start = end) {
        end = group_end(runs, m, order, norder, start);
        cJSON *g = cJSON_CreateObject();
        json_group_key(g, &runs[0].rows[m->matched[order[start]][0]]);
        cJSON *rows = cJSON_AddArrayToObject(g, "rows");
        for (size_t k = start; k < end; k++) {
            cJSON *row = cJSON_CreateArray();
            for (size_t r = 0; r < n; r++) {
                cJSON *x = json_row(&runs[r].rows[m->matched[order[k]][r]], r);
                cJSON_AddNumberToObject(x, "vs_first", ratio(runs, m, order[k], r));
                cJSON_AddItemToArray(row, x);
            }
            cJSON_AddItemToArray(rows, row);
        }
        cJSON_AddItemToArray(groups, g);
    }
    cJSON *left = cJSON_AddArrayToObject(root, "not_in_every_file");
    for (size_t i = 0; i < m->nleftover; i++) {
        const struct saved_row *x = &runs[m->leftover[i].run].rows[m->leftover[i].row];
        cJSON *o = json_row(x, m->leftover[i].run);
        json_group_key(o, x);
        cJSON_AddItemToArray(left, o);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return OFFLOAD_ERR_RUN;
    fprintf(f, "%s\n", text);
    cJSON_free(text);
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

/* ---- markdown ----------------------------------------------------------- */

static void md_runs(FILE *f, const struct saved_run *runs, size_t n)
{
    char a[512], b[512];
    fprintf(f, "## offload report: %zu saved run%s\n\n", n, n == 1 ? "" : "s");
    fprintf(f, "| # | file | command | created | host | build | calibrated |\n"
               "|---|---|---|---|---|---|---|\n");
    for (size_t r = 0; r < n; r++) {
        const char *cells[] = {runs[r].name,
                               runs[r].command,
                               runs[r].created,
                               host_line(&runs[r], a, sizeof a),
                               build_line(&runs[r], b, sizeof b),
                               runs[r].calibrated[0] ? runs[r].calibrated : "unknown"};
        fprintf(f, "| %zu |", r + 1);
        for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++) {
            fputc(' ', f);
            markdown_cell(f, cells[c]);
            fputs(" |", f);
        }
        fputc('\n', f);
    }
    fprintf(f, "\n*vs #1* is the end-to-end speedup over run #1 (2.00x: twice as fast).\n");
}

static void md_group_header(FILE *f, size_t n)
{
    fputs("| backend | memory |", f);
    for (size_t r = 0; r < n; r++) {
        fprintf(f, " #%zu copy-in | #%zu kernel | #%zu copy-out | #%zu end-to-end | #%zu GB/s |",
                r + 1, r + 1, r + 1, r + 1, r + 1);
        if (r)
            fprintf(f, " #%zu vs #1 |", r + 1);
        fprintf(f, " #%zu verdict |", r + 1);
    }
    fputs("\n|---|---|", f);
    for (size_t r = 0; r < n; r++)
        fputs(r ? "---:|---:|---:|---:|---:|---:|---|" : "---:|---:|---:|---:|---:|---|", f);
    fputc('\n', f);
}

static void md_row(FILE *f, const struct saved_run *runs, size_t n, const struct match_set *m,
                   size_t i)
{
    const struct saved_row *first = &runs[0].rows[m->matched[i][0]];
    fputs("| ", f);
    markdown_cell(f, first->backend);
    fputs(" | ", f);
    markdown_cell(f, first->memory);
    fputs(" |", f);
    for (size_t r = 0; r < n; r++) {
        const struct saved_row *x = &runs[r].rows[m->matched[i][r]];
        char t1[32], t2[32], t3[32], t4[32];
        fprintf(f, " %s | %s | %s | %s | %.3g |", seconds_or_dash(x->copy_in_s, t1, sizeof t1),
                seconds_or_dash(x->kernel_s, t2, sizeof t2),
                seconds_or_dash(x->copy_out_s, t3, sizeof t3),
                seconds_or_dash(x->total_s, t4, sizeof t4), x->gbps);
        if (r)
            fprintf(f, " %.2fx |", ratio(runs, m, i, r));
        fputc(' ', f);
        markdown_cell(f, x->check_ok ? x->verdict : "FAILED");
        fputs(" |", f);
    }
    fputc('\n', f);
}

static void md_groups(FILE *f, const struct saved_run *runs, size_t n, const struct match_set *m,
                      const size_t *order, size_t norder)
{
    for (size_t start = 0, end; start < norder; start = end) {
        end = group_end(runs, m, order, norder, start);
        const struct saved_row *g = &runs[0].rows[m->matched[order[start]][0]];
        char size[64];
        fputs("\n### ", f);
        markdown_cell(f, g->kernel);
        fputs(" (", f);
        markdown_cell(f, g->algorithm);
        fprintf(f, "), %s\n\n", saved_row_size(g, size, sizeof size));
        md_group_header(f, n);
        for (size_t k = start; k < end; k++)
            md_row(f, runs, n, m, order[k]);
        fputc('\n', f);
        for (size_t k = start; k < end; k++)
            for (size_t r = 0; r < n; r++) {
                const struct saved_row *x = &runs[r].rows[m->matched[order[k]][r]];
                fprintf(f, "- #%zu **", r + 1);
                markdown_cell(f, x->backend);
                if (strcmp(x->memory, "-") != 0) {
                    fputc(' ', f);
                    markdown_cell(f, x->memory);
                }
                fputs("**: ", f);
                markdown_cell(f, x->reason);
                fputc('\n', f);
            }
    }
}

static void md_leftovers(FILE *f, const struct saved_run *runs, const struct match_set *m)
{
    if (m->nleftover == 0)
        return;
    fprintf(f, "\n### Not in every file (listed, not compared)\n\n"
               "| # | kernel | size | backend | memory | end-to-end | verdict |\n"
               "|---|---|---|---|---|---:|---|\n");
    for (size_t i = 0; i < m->nleftover; i++) {
        const struct saved_row *x = &runs[m->leftover[i].run].rows[m->leftover[i].row];
        char size[64], t[32];
        fprintf(f, "| %zu | ", m->leftover[i].run + 1);
        markdown_cell(f, x->kernel);
        fputs(" (", f);
        markdown_cell(f, x->algorithm);
        fprintf(f, ") | %s | ", saved_row_size(x, size, sizeof size));
        markdown_cell(f, x->backend);
        fputs(" | ", f);
        markdown_cell(f, x->memory);
        fprintf(f, " | %s | ", format_seconds(x->total_s, t, sizeof t));
        markdown_cell(f, x->check_ok ? x->verdict : "FAILED");
        fputs(" |\n", f);
    }
}

/* ---- entry -------------------------------------------------------------- */

enum offload_status report_runs(FILE *f, const struct saved_run *runs, size_t n,
                                const struct match_set *m, enum export_format format)
{
    size_t *order = calloc(m->nmatched + 1, sizeof *order);
    if (!order) {
        offload_error("out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    size_t norder = match_group_order(runs, m, order);
    enum offload_status st = OFFLOAD_OK;
    switch (format) {
    case FORMAT_TABLE:
        st = report_table(f, runs, n, m, order, norder);
        break;
    case FORMAT_CSV:
        st = report_csv(f, runs, n, m, order, norder);
        break;
    case FORMAT_JSON:
        st = report_json(f, runs, n, m, order, norder);
        break;
    case FORMAT_MARKDOWN:
        md_runs(f, runs, n);
        if (m->nmatched == 0)
            fprintf(f, "\nNo row is in every file: nothing to compare side by side.\n");
        md_groups(f, runs, n, m, order, norder);
        md_leftovers(f, runs, m);
        st = ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
        break;
    }
    free(order);
    return st;
}
