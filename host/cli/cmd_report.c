/* offload report: saved JSON exports side by side, without running
 * anything; and compare --baseline, which puts a saved run beside the one
 * just made. Both match rows with match_runs (host/report/match.c). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "predicted.h"
#include "fileio.h"
#include "match.h"
#include "side_by_side.h"
#include "saved.h"
#include "message.h"

struct report_job {
    const struct saved_run *runs;
    size_t n;
    const struct match_set *m;
    enum export_format format;
};

static enum offload_status write_report(FILE *f, void *ctx)
{
    const struct report_job *job = ctx;
    return report_runs(f, job->runs, job->n, job->m, job->format) == OFFLOAD_OK ? OFFLOAD_OK
                                                                                : OFFLOAD_ERR_RUN;
}

static enum offload_status render(const struct cli *c, const struct saved_run *runs, size_t n)
{
    struct match_set m;
    enum offload_status st = match_runs(runs, n, &m);
    if (st != OFFLOAD_OK)
        return st;
    struct report_job job = {runs, n, &m, c->format};
    /* Standard output too goes through the checked writer: a full disk or
     * a file-size limit is an error, not a cut file and exit 0. */
    const char *out = c->value[OPT_OUTPUT];
    char err[PATH_MAX + 256];
    st = write_file_atomic(out ? out : "-", write_report, &job, err, sizeof err);
    if (st != OFFLOAD_OK)
        offload_error("%s\n", err);
    match_free(&m);
    return st;
}

int command_report(struct cli *c)
{
    if (c->npositional == 0)
        return usage_error("report needs one or more saved JSON exports: offload report "
                           "laptop.json workstation.json");
    if (c->npositional > MATCH_MAX_RUNS)
        return usage_error("report takes at most %d files", MATCH_MAX_RUNS);
    struct saved_run runs[MATCH_MAX_RUNS];
    memset(runs, 0, sizeof runs); /* each is filled by saved_run_load; gcc cannot tell */
    size_t n = 0;
    enum offload_status st = OFFLOAD_OK;
    for (; n < c->npositional && st == OFFLOAD_OK; n++)
        st = saved_run_load(c->positional[n], &runs[n]);
    if (st == OFFLOAD_OK)
        st = render(c, runs, n);
    /* A device run of a GPU we have a profile for: the forecast beside it. */
    if (st == OFFLOAD_OK && c->format == FORMAT_TABLE) {
        struct device_profile profiles[16];
        size_t np = load_shipped_profiles(profiles, sizeof profiles / sizeof profiles[0]);
        report_predictions(stdout, runs, n, profiles, np);
    }
    for (size_t i = 0; i < n; i++)
        saved_run_free(&runs[i]);
    return offload_exit_code(st);
}

enum offload_status baseline_load(const struct cli *c, struct saved_run *out)
{
    memset(out, 0, sizeof *out);
    if (!c->value[OPT_BASELINE])
        return OFFLOAD_OK;
    return saved_run_load(c->value[OPT_BASELINE], out);
}

enum offload_status baseline_show(const struct cli *c, const struct saved_run *base,
                                  const struct result_set *set)
{
    if (!c->value[OPT_BASELINE] || set->count == 0)
        return OFFLOAD_OK;
    struct saved_run runs[2] = {*base};
    enum offload_status st = saved_run_from_results(set, "this run", &runs[1]);
    if (st != OFFLOAD_OK)
        return st;
    /* Only what was run now: the saved rows of other kernels, sizes or
     * backends would only be listed as unmatched. */
    struct saved_row *kept = calloc(base->count + 1, sizeof *kept);
    if (!kept) {
        saved_run_free(&runs[1]);
        offload_error("out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    runs[0].rows = kept;
    runs[0].count = 0;
    for (size_t i = 0; i < base->count; i++)
        for (size_t j = 0; j < runs[1].count; j++)
            if (saved_rows_same_group(&base->rows[i], &runs[1].rows[j]) &&
                strcmp(base->rows[i].kind, runs[1].rows[j].kind) == 0) {
                kept[runs[0].count++] = base->rows[i];
                break;
            }
    struct match_set m;
    st = match_runs(runs, 2, &m);
    if (st == OFFLOAD_OK) {
        fprintf(c->human,
                "\nagainst the saved run %s (#1; #2 is this run, 'vs #1' its "
                "speedup over the saved one):\n\n",
                base->name);
        st = report_runs(c->human, runs, 2, &m, FORMAT_TABLE);
        match_free(&m);
    }
    free(kept);
    saved_run_free(&runs[1]);
    return st;
}
