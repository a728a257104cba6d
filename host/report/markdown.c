/* Markdown for run, compare and sweep results: a heading with the machine
 * and build, one table per kernel, algorithm and size with the verdict
 * sentences under it, and for a sweep the end-to-end time against size. */
#include "markdown.h"

#include <ctype.h>
#include <string.h>

#include "provenance.h"
#include "units.h"

void markdown_cell(FILE *f, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; p && *p; p++) {
        if (*p == '\n' || *p == '\r')
            fputc(' ', f); /* a line break would end the table row or start a heading */
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\x%02x", *p);
        else if (*p == '_' && p > (const unsigned char *)text && isalnum(p[-1]) && isalnum(p[1]))
            fputc('_', f); /* inside a word '_' emphasises nothing: IDs stay readable */
        else if (strchr("\\`*_[]<>|#~!", *p))
            fprintf(f, "\\%c", *p); /* CommonMark: any ASCII punctuation may be escaped */
        else
            fputc(*p, f);
    }
}

void markdown_code(FILE *f, const char *const *words, size_t n)
{
    /* A code span is closed by a run of backticks as long as its opener:
     * open with one more than the longest run inside. */
    size_t longest = 0;
    for (size_t w = 0; w < n; w++) {
        size_t run = 0;
        for (const char *p = words[w]; *p; p++) {
            run = *p == '`' ? run + 1 : 0;
            longest = run > longest ? run : longest;
        }
    }
    for (size_t i = 0; i <= longest; i++)
        fputc('`', f);
    fputc(' ', f);
    for (size_t w = 0; w < n; w++) {
        if (w)
            fputc(' ', f);
        for (const unsigned char *p = (const unsigned char *)words[w]; *p; p++)
            if (*p == '\n' || *p == '\r')
                fputc(' ', f);
            else if (*p < 0x20 || *p == 0x7f)
                fprintf(f, "\\x%02x", *p);
            else
                fputc(*p, f);
    }
    fputc(' ', f);
    for (size_t i = 0; i <= longest; i++)
        fputc('`', f);
}

static int same_group(const struct result_record *a, const struct result_record *b)
{
    return a->kernel == b->kernel && a->alg == b->alg && a->size == b->size && a->rows == b->rows &&
           a->cols == b->cols;
}

static double total_of(const struct result_record *r)
{
    return r->run->stats[PHASE_TOTAL].min;
}

static const char *phase_or_dash(const struct run_result *run, enum run_phase p, char *buf,
                                 size_t len)
{
    return run->stats[p].n ? format_seconds(run->stats[p].min, buf, len) : "-";
}

/* The record of the reference backend (serial) in the group, or NULL. */
static const struct result_record *group_reference(const struct result_set *set, size_t first)
{
    for (size_t i = first; i < set->count; i++) {
        const struct result_record *r = &set->items[i];
        char name[64];
        snprintf(name, sizeof name, "%s", r->backend);
        name[strcspn(name, ":/")] = '\0';
        const struct backend_ops *ops = backend_find(name);
        if (same_group(r, &set->items[first]) && ops && ops->caps.reference)
            return r;
    }
    return NULL;
}

static void md_heading(FILE *f, const struct result_set *set)
{
    struct provenance p;
    backend_provenance(&p);
    fprintf(f, "## offload %s\n\n", set->count ? set->items[0].command : "results");
    markdown_code(f, (const char *const *)set->argv, (size_t)(set->argc > 0 ? set->argc : 0));
    fprintf(f, "\n\n- host: %s, %d cores, %.1f GB, %s\n", p.cpu, p.cores, p.memory_bytes / 1e9,
            p.os);
    fprintf(f, "- build: %s, %s, offload %s commit %s\n", p.build, p.compiler, p.tool_version,
            p.git_commit);
    if (p.backend_builds[0])
        fprintf(f, "- backends: %s\n", p.backend_builds);
}

static void md_group(FILE *f, const struct result_set *set, size_t first, const char *size)
{
    const struct result_record *g = &set->items[first];
    const struct result_record *ref = group_reference(set, first);
    fprintf(f, "\n### %s (%s), %s\n\n", kernel_name(g->kernel), algorithm_name(g->alg), size);
    fputs("| backend | device | memory | copy-in | kernel | copy-out | end-to-end | vs serial "
          "| GB/s | G op/s | ceiling | verdict |\n"
          "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
          f);
    for (size_t i = first; i < set->count; i++) {
        const struct result_record *r = &set->items[i];
        if (!same_group(r, g))
            continue;
        char t1[32], t2[32], t3[32], t4[32], vs[16] = "-", ceil[16] = "-";
        if (ref)
            snprintf(vs, sizeof vs, "%.2fx", total_of(ref) / total_of(r));
        if (r->analysis.ceiling_fraction > 0)
            snprintf(ceil, sizeof ceil, "%.0f%%", 100 * r->analysis.ceiling_fraction);
        fputs("| ", f);
        markdown_cell(f, r->backend);
        fputs(" | ", f);
        markdown_cell(f, r->info.device);
        fprintf(f, " | %s | %s | %s | %s | %s | %s | %.3g | %.3g | %s | %s |\n",
                r->has_memory ? memory_mode_name(r->memory) : "-",
                phase_or_dash(r->run, PHASE_COPY_IN, t1, sizeof t1),
                phase_or_dash(r->run, PHASE_KERNEL, t2, sizeof t2),
                phase_or_dash(r->run, PHASE_COPY_OUT, t3, sizeof t3),
                format_seconds(total_of(r), t4, sizeof t4), vs, r->analysis.gbps, r->analysis.gops,
                ceil, verdict_name(r->analysis.verdict));
    }
    fputc('\n', f);
    for (size_t i = first; i < set->count; i++) {
        const struct result_record *r = &set->items[i];
        if (!same_group(r, g))
            continue;
        fputs("- **", f);
        markdown_cell(f, r->backend);
        if (r->has_memory)
            fprintf(f, " %s", memory_mode_name(r->memory));
        fputs("**: ", f);
        markdown_cell(f, r->analysis.reason);
        fputc('\n', f);
    }
}

/* "backend memory" of a record, the sweep table's column name. */
static const char *series_name(const struct result_record *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s", r->backend, r->has_memory ? " " : "",
             r->has_memory ? memory_mode_name(r->memory) : "");
    return buf;
}

/* Sweep: end-to-end time per size (rows) and backend (columns). */
static void md_sweep(FILE *f, const struct result_set *set)
{
    const char *names[64];
    char bufs[64][96];
    size_t nn = 0;
    for (size_t i = 0; i < set->count && nn < 64; i++) {
        series_name(&set->items[i], bufs[nn], sizeof bufs[nn]);
        int seen = 0;
        for (size_t k = 0; k < nn && !seen; k++)
            seen = strcmp(names[k], bufs[nn]) == 0;
        if (!seen) {
            names[nn] = bufs[nn];
            nn++;
        }
    }
    fprintf(f, "\n### end-to-end time against size\n\n| size |");
    for (size_t k = 0; k < nn; k++) {
        fputc(' ', f);
        markdown_cell(f, names[k]);
        fputs(" |", f);
    }
    fputs("\n|---:|", f);
    for (size_t k = 0; k < nn; k++)
        fputs("---:|", f);
    fputc('\n', f);
    for (size_t i = 0; i < set->count; i++) {
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            first = !same_group(&set->items[j], &set->items[i]);
        if (!first)
            continue;
        fprintf(f, "| %zu |", set->items[i].size);
        for (size_t k = 0; k < nn; k++) {
            char t[32] = "-", name[96];
            for (size_t j = i; j < set->count; j++)
                if (same_group(&set->items[j], &set->items[i]) &&
                    strcmp(series_name(&set->items[j], name, sizeof name), names[k]) == 0)
                    format_seconds(total_of(&set->items[j]), t, sizeof t);
            fprintf(f, " %s |", t);
        }
        fputc('\n', f);
    }
}

enum offload_status export_markdown(FILE *f, const struct result_set *set)
{
    md_heading(f, set);
    for (size_t i = 0; i < set->count; i++) {
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            first = !same_group(&set->items[j], &set->items[i]);
        if (!first)
            continue;
        const struct result_record *r = &set->items[i];
        char size[64];
        if (kernel_spec_of(r->kernel)->input == INPUT_GENOTYPES)
            snprintf(size, sizeof size, "%zu markers x %zu varieties", r->rows, r->cols);
        else
            snprintf(size, sizeof size, "N = %zu", r->size);
        md_group(f, set, i, size);
    }
    if (set->count && strcmp(set->items[0].command, "sweep") == 0)
        md_sweep(f, set);
    int from_file = set->count && kernel_spec_of(set->items[0].kernel)->input == INPUT_FILE;
    fprintf(f, "\nTimes are the best of the timed runs after a warm-up; end-to-end adds the copies "
          "to and from the device; every result was checked against %s.\n",
          from_file ? "the reference kernel (--check) or else the first call's output"
                    : "the serial reference");
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}
