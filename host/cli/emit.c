/* Results as --format asks: CSV, JSON or Markdown to --output or standard
 * output (the text table is printed by each command). */
#include <limits.h>

#include "commands.h"
#include "fileio.h"
#include "markdown.h"
#include "options.h"
#include "message.h"

struct export_job {
    const struct result_set *set;
    enum export_format format;
};

static enum offload_status write_export(FILE *f, void *ctx)
{
    const struct export_job *job = ctx;
    enum offload_status st = job->format == FORMAT_JSON       ? export_json(f, job->set)
                             : job->format == FORMAT_MARKDOWN ? export_markdown(f, job->set)
                                                              : export_csv(f, job->set);
    return st == OFFLOAD_OK ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
}

enum offload_status emit_results(const struct cli *c, const struct result_set *set)
{
    if (c->format == FORMAT_TABLE)
        return OFFLOAD_OK;
    struct export_job job = {set, c->format};
    const char *out = c->value[OPT_OUTPUT];
    char err[PATH_MAX + 256];
    enum offload_status st =
        write_file_atomic(out ? out : "-", write_export, &job, err, sizeof err);
    if (st != OFFLOAD_OK) {
        offload_error("%s\n", err);
        return st;
    }
    if (out)
        fprintf(c->human, "wrote %zu result%s to %s\n", set->count, set->count == 1 ? "" : "s",
                output_is_stdout(out) ? "standard output" : out);
    return OFFLOAD_OK;
}
