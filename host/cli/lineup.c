/* Configured backend instances for compare and sweep: the list built from
 * --backends and --threads, started together, each run recorded. */
#include "lineup.h"
#include "ranks.h"
#include "units.h"
#include "wrap.h"
#include "message.h"

#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "link_cache.h"
#include "occupancy.h"

static enum offload_status add_backend(struct bench_backend *list, size_t *n,
                                       const struct backend_ops *ops, const char *label,
                                       const char *selector, int threads,
                                       enum offload_memory_mode memory)
{
    if (*n == MAX_BENCH_BACKENDS)
        return usage_error("too many backend configurations (at most %d)", MAX_BENCH_BACKENDS);
    struct bench_backend *b = &list[(*n)++];
    memset(b, 0, sizeof *b);
    b->ops = ops;
    snprintf(b->label, sizeof b->label, "%s", label);
    snprintf(b->selector, sizeof b->selector, "%s", selector ? selector : "");
    b->threads = threads;
    b->has_memory = ops->caps.memory_modes;
    b->memory = memory;
    return 0;
}

/* Expands --backends (default: serial, openmp and every OpenCL device) with
 * the --threads list for openmp and the memory modes for opencl. */
enum offload_status build_backend_list(const struct cli *c, int every_memory_mode,
                                       struct bench_backend *list, size_t *n)
{
    char buf[1024];
    *n = 0;
    /* 'all' is the default spelled out: every backend and every device. */
    if (c->value[OPT_BACKEND] && strcmp(c->value[OPT_BACKEND], "all") != 0)
        snprintf(buf, sizeof buf, "%s", c->value[OPT_BACKEND]);
    else
        default_backend_list(buf, sizeof buf);
    enum offload_memory_mode modes[3] = {MEM_COPY, MEM_PINNED, MEM_ZERO_COPY};
    size_t nmodes = 3;
    if (!every_memory_mode || c->given[OPT_MEMORY]) {
        modes[0] = c->memory;
        nmodes = 1;
    }
    if (check_list_items("backends", buf) != OFFLOAD_OK)
        return OFFLOAD_ERR_USAGE;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        const char *selector;
        const struct backend_ops *ops = parse_backend_spec(tok, &selector);
        if (!ops)
            return OFFLOAD_ERR_USAGE;
        enum offload_status rc = OFFLOAD_OK;
        if (ops->caps.threads) {
            for (size_t t = 0; t < c->nthreads && !rc; t++) {
                char label[64];
                if (c->nthreads > 1)
                    snprintf(label, sizeof label, "%s/%dt", tok, c->threads[t]);
                else
                    snprintf(label, sizeof label, "%s", tok);
                rc = add_backend(list, n, ops, label, NULL, c->threads[t], MEM_COPY);
            }
        } else if (ops->caps.memory_modes) {
            for (size_t m = 0; m < nmodes && !rc; m++)
                rc = add_backend(list, n, ops, tok, selector, 0, modes[m]);
        } else {
            rc = add_backend(list, n, ops, tok, selector, 1, MEM_COPY);
        }
        if (rc)
            return rc;
    }
    if (*n == 0)
        return usage_error("--backends is empty");
    return OFFLOAD_OK;
}

/* One line per backend and device, said once for all its memory modes. */
static void print_backend_list(FILE *f, const struct bench_backend *list, size_t n)
{
    fprintf(f, "backends:\n");
    for (size_t i = 0; i < n; i++) {
        const struct bench_backend *b = &list[i];
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(list[j].label, b->label) == 0;
        if (seen || b->status != OFFLOAD_OK)
            continue;
        char head[sizeof b->label + 4], text[768];
        size_t used = 0;
        snprintf(head, sizeof head, "  %-16s ", b->label);
        int w = snprintf(text, sizeof text, "%s", b->info.device);
        used = w > 0 ? (size_t)w : 0;
        if (b->info.platform[0] && used < sizeof text) {
            /* The platform's name without its long version string. */
            const char *paren = strstr(b->info.platform, " (");
            int name_len = paren ? (int)(paren - b->info.platform) : (int)strlen(b->info.platform);
            w = snprintf(text + used, sizeof text - used, "; %.*s, driver %s", name_len,
                         b->info.platform, b->info.driver);
            used += w > 0 ? (size_t)w : 0;
        }
        if (b->has_memory && b->info.unified_memory && used < sizeof text)
            snprintf(text + used, sizeof text - used,
                     "; shares host memory (unified), so zero-copy moves no data");
        wrap_print(f, text_width(), head, "                     ", text);
    }
}

int any_backend_ready(const struct bench_backend *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i].status == OFFLOAD_OK)
            return 1;
    return 0;
}

size_t backends_ready(const struct bench_backend *list, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += list[i].status == OFFLOAD_OK;
    return count;
}

size_t backends_unavailable(const struct bench_backend *list, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += list[i].status == OFFLOAD_UNAVAILABLE || list[i].runs_not_here > 0;
    return count;
}

/* Initialises every backend and gets its ceilings. A backend that cannot
 * run here is reported and skipped; the ones that started are listed.
 * Returns the worst exit code. */
int init_backends(const struct cli *c, struct bench_backend *list, size_t n)
{
    int worst = 0;
    for (size_t i = 0; i < n; i++) {
        struct bench_backend *b = &list[i];
        /* Another memory mode of a device that could not start fails the
         * same way: say it once. */
        const struct bench_backend *twin = NULL;
        for (size_t j = 0; j < i && !twin; j++)
            if (list[j].ops == b->ops && strcmp(list[j].selector, b->selector) == 0 &&
                list[j].status != OFFLOAD_OK)
                twin = &list[j];
        if (twin) {
            b->status = twin->status;
            continue;
        }
        struct backend_config cfg =
            make_config(c, b->ops, b->threads, b->selector[0] ? b->selector : NULL, b->memory);
        b->status = b->ops->init(&cfg, &b->state, &b->info);
        /* Across ranks a backend runs only where every rank started it. */
        enum offload_status all = ranks_agree(b->status);
        if (all != b->status) {
            if (b->status == OFFLOAD_OK)
                b->ops->fini(b->state);
            b->state = NULL;
            b->status = all;
        }
        if (b->status == OFFLOAD_UNAVAILABLE) {
            fprintf(c->human,
                    "%s: unavailable here (see the message above); the other "
                    "backends still run\n",
                    b->label);
            continue;
        }
        if (b->status != OFFLOAD_OK) {
            fprintf(c->human,
                    "%s: failed to start (see the message above); the other "
                    "backends still run\n",
                    b->label);
            worst = offload_exit_code(b->status) > worst ? offload_exit_code(b->status) : worst;
            continue;
        }
        b->has_ceilings =
            backend_ceilings(c, b->ops, b->state, &b->info, &b->ceilings) == OFFLOAD_OK;
    }
    if (any_backend_ready(list, n))
        print_backend_list(c->human, list, n);
    else
        offload_error("no backend could start; see the messages above\n");
    return worst;
}

void fini_backends(struct bench_backend *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i].status == OFFLOAD_OK)
            list[i].ops->fini(list[i].state);
}

/* Runs one prepared input on one backend and appends the record. Returns
 * the index of the record, or -1 when the run failed (after a message). */
long run_and_record(const struct cli *c, const char *command, struct bench_backend *b,
                    const struct prepared_input *p, double percent, struct result_set *results,
                    int *worst)
{
    struct run_settings set = make_settings(c);
    struct result_record rec = {.command = command, .kernel = p->input.kernel, .alg = p->input.alg};
    snprintf(rec.backend, sizeof rec.backend, "%s", b->label);
    rec.info = b->info;
    rec.has_memory = b->has_memory;
    rec.memory = b->memory;
    rec.has_ceilings = b->has_ceilings;
    rec.ceilings = b->ceilings;
    rec.size = prepared_size(p);
    rec.rows = genotype_table_rows(&p->matrix);
    rec.cols = p->matrix.cols;
    rec.percent = percent;
    rec.run = malloc(sizeof *rec.run);
    if (!rec.run) {
        offload_error("out of memory\n");
        *worst = OFFLOAD_ERR_RUN;
        return -1;
    }
    enum offload_status st = run_with_fresh_ceilings(c, b->ops, b->state, &p->input, &set, &rec);
    if (st == OFFLOAD_UNAVAILABLE) {
        /* Not a failure: this backend cannot run it here (it said why), and
         * the command ends partial, like a backend that could not start. */
        fprintf(c->human, "  %-16s %-9s not run here (see above)\n", b->label,
                b->has_memory ? memory_mode_name(b->memory) : "-");
        free(rec.run);
        b->runs_not_here++;
        return -1;
    }
    if (st != OFFLOAD_OK) {
        /* A wrong or failed result is never shown as a speed. */
        fprintf(c->human, "  %-16s %-9s FAILED: %s\n", b->label,
                b->has_memory ? memory_mode_name(b->memory) : "-",
                rec.run->check.mismatches ? "wrong result (see above)" : "run error (see above)");
        free(rec.run);
        *worst = offload_exit_code(st) > *worst ? offload_exit_code(st) : *worst;
        return -1;
    }
    if (b->ops->launch_shape)
        b->ops->launch_shape(b->state, &rec.launch);
    rec.analysis =
        analyse_run(&p->input, rec.run, &rec.info, rec.has_ceilings ? &rec.ceilings : NULL);
    struct link_calibration link;
    analyse_ranks(&rec.analysis, &p->input, rec.run, rec.info.threads,
                  ranks_link_calibration(c, &link));
    judge_occupancy(&rec);
    if (result_set_add(results, &rec) != OFFLOAD_OK) {
        free(rec.run);
        *worst = OFFLOAD_ERR_RUN;
        return -1;
    }
    return (long)results->count - 1;
}

/* End-to-end time of a record. */
double record_total(const struct result_record *r)
{
    return r->run->stats[PHASE_TOTAL].min;
}

void print_one_rank_cost(FILE *f, int width, const struct result_set *set)
{
    size_t calls = 0, results = 0;
    double seconds = 0;
    for (size_t i = 0; i < set->count; i++) {
        const struct one_rank_run *o = &set->items[i].run->alone;
        calls += o->samples;
        results += o->samples > 0;
        seconds += o->timed_s;
    }
    if (!results)
        return;
    char t[32], text[400];
    snprintf(text, sizeof text,
             "Across ranks each result was also timed on rank 0 alone (the one-rank baseline of "
             "its speedup, between its distributed runs): %zu calls for %zu result%s, %s more "
             "in all; --no-one-rank skips them.",
             calls, results, results == 1 ? "" : "s", format_seconds(seconds, t, sizeof t));
    fputc('\n', f);
    wrap_print(f, width, "", "", text);
}
