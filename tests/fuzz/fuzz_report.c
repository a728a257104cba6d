/* libFuzzer target: `offload report` end to end on arbitrary bytes. The
 * input is read as a saved export; when it loads, it is matched against
 * itself (report a.json a.json) and rendered in every format, and each
 * output is read back:
 *   json      parses, and holds every row once per run with its backend and
 *             verdict strings exactly as loaded;
 *   csv       one line per row plus the header, 18 fields each (no text can
 *             add a field or a line), and no cell a spreadsheet would run
 *             as a formula;
 *   table     no control character but the line break (no escape sequence
 *             reaches a terminal);
 *   markdown  no control character but the line break, and no line that a
 *             saved string turned into a heading.
 * Any difference is a crash. */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "saved.h"
#include "side_by_side.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The output of one format, in memory. NULL when it could not be made. */
static char *render(const struct saved_run *runs, size_t n, const struct match_set *m,
                    enum export_format format, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f)
        return NULL;
    enum offload_status st = report_runs(f, runs, n, m, format);
    if (fclose(f) != 0 || st != OFFLOAD_OK) {
        free(text);
        return NULL;
    }
    return text;
}

static void check_json(const char *text, const struct saved_run *runs, size_t n,
                       const struct match_set *m)
{
    cJSON *root = cJSON_Parse(text);
    if (!root)
        __builtin_trap();
    size_t seen = 0;
    const cJSON *group, *row, *cell;
    cJSON_ArrayForEach(group, cJSON_GetObjectItemCaseSensitive(root, "groups"))
    {
        cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(group, "rows"))
        {
            size_t r = 0;
            cJSON_ArrayForEach(cell, row)
            {
                const cJSON *backend = cJSON_GetObjectItemCaseSensitive(cell, "backend");
                if (!cJSON_IsString(backend) || r >= n)
                    __builtin_trap();
                r++;
            }
            if (r != n)
                __builtin_trap();
            seen++;
        }
    }
    size_t left =
        (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "not_in_every_file"));
    if (seen != m->nmatched || left != m->nleftover)
        __builtin_trap();
    /* Strings come back exactly: every backend of run 0 is among the rows. */
    for (size_t i = 0; i < runs[0].count; i++) {
        const char *want = runs[0].rows[i].backend;
        int found = 0;
        cJSON_ArrayForEach(group, cJSON_GetObjectItemCaseSensitive(root, "groups"))
        {
            cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(group, "rows"))
            {
                const cJSON *b =
                    cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(row, 0), "backend");
                found = found || (cJSON_IsString(b) && strcmp(b->valuestring, want) == 0);
            }
        }
        if (!found && m->nleftover == 0)
            __builtin_trap();
    }
    cJSON_Delete(root);
}

static void check_csv(const char *text, size_t rows)
{
    size_t lines = 0;
    for (const char *line = text; *line; lines++) {
        const char *end = strchr(line, '\n');
        if (!end)
            __builtin_trap(); /* every line ends */
        size_t fields = 1;
        const char *cell = line;
        for (const char *p = line; p < end; p++) {
            if (*p == ',' || p + 1 == end) {
                /* a cell a spreadsheet would run (+ and - may start numbers) */
                if (lines > 0 && (cell[0] == '=' || cell[0] == '@'))
                    __builtin_trap();
                fields += *p == ',';
                cell = p + 1;
            }
        }
        if (fields != 18)
            __builtin_trap();
        line = end + 1;
    }
    if (lines != rows + 1)
        __builtin_trap();
}

static void check_no_controls(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            __builtin_trap();
    }
}

static void check_markdown(const char *text, size_t len)
{
    check_no_controls(text, len);
    for (const char *line = text; line && *line;) {
        if (line[0] == '#' && strncmp(line, "## offload report", 17) != 0 &&
            strncmp(line, "### ", 4) != 0)
            __builtin_trap(); /* a heading we did not write */
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct saved_run runs[2];
    /* Bad input is reported on stderr: run with -close_fd_mask=2. */
    if (saved_run_parse(text, "a.json", &runs[0]) != OFFLOAD_OK) {
        free(text);
        return 0;
    }
    if (saved_run_parse(text, "b.json", &runs[1]) != OFFLOAD_OK)
        __builtin_trap(); /* the same bytes load the same way */
    struct match_set m;
    if (match_runs(runs, 2, &m) == OFFLOAD_OK) {
        if (m.nmatched != runs[0].count || m.nleftover != 0)
            __builtin_trap(); /* a file matches itself row for row */
        size_t len = 0;
        char *out = render(runs, 2, &m, FORMAT_JSON, &len);
        if (out)
            check_json(out, runs, 2, &m);
        free(out);
        out = render(runs, 2, &m, FORMAT_CSV, &len);
        if (out)
            check_csv(out, 2 * runs[0].count);
        free(out);
        out = render(runs, 2, &m, FORMAT_TABLE, &len);
        if (out)
            check_no_controls(out, len);
        free(out);
        out = render(runs, 2, &m, FORMAT_MARKDOWN, &len);
        if (out)
            check_markdown(out, len);
        free(out);
        match_free(&m);
    }
    saved_run_free(&runs[0]);
    saved_run_free(&runs[1]);
    free(text);
    return 0;
}
