/* offload plot: charts of saved runs through gnuplot. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "message.h"
#include "plot.h"
#include "saved.h"

int command_plot(struct cli *c)
{
    if (c->npositional == 0)
        return usage_error("plot needs at least one JSON export: offload plot EXPORT.json "
                           "[EXPORT.json...] [-o DIR] [--format png|svg|pdf]");
    enum plot_format format = PLOT_PNG;
    const char *fmt = c->value[OPT_PLOT_FORMAT];
    if (fmt && plot_format_from_name(fmt, &format) != 0)
        return usage_error("--format: '%s' is not a chart format; use png, svg or pdf", fmt);
    const char *dir = c->value[OPT_PLOT_DIR] ? c->value[OPT_PLOT_DIR] : ".";
    if (c->npositional > 8)
        return usage_error("plot draws 1 to 8 exports on its charts, got %zu", c->npositional);
    struct saved_run runs[8];
    size_t n = 0;
    enum offload_status st = OFFLOAD_OK;
    for (; n < c->npositional && st == OFFLOAD_OK; n++)
        st = saved_run_load(c->positional[n], &runs[n]);
    if (st != OFFLOAD_OK)
        n--; /* the one that failed holds nothing */
    struct stat sb;
    if (st == OFFLOAD_OK && stat(dir, &sb) != 0 && mkdir(dir, 0777) != 0) {
        offload_error("-o %s: cannot make the folder: %s; name a folder whose parent exists\n",
                      dir, strerror(errno));
        st = OFFLOAD_ERR_USAGE;
    } else if (st == OFFLOAD_OK && stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
        offload_error("-o %s: not a folder; plot writes one file per chart into a folder\n", dir);
        st = OFFLOAD_ERR_USAGE;
    }
    size_t written = 0, warnings = 0;
    if (st == OFFLOAD_OK)
        st = plot_runs(runs, n, dir, format, c->human, &written, &warnings);
    for (size_t i = 0; i < n; i++)
        saved_run_free(&runs[i]);
    if (st == OFFLOAD_OK && warnings)
        offload_warning("gnuplot printed %zu message%s (above); the charts may not look as "
                        "meant\n",
                        warnings, warnings == 1 ? "" : "s");
    return offload_exit_code(st);
}
