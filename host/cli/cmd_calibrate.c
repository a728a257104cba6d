/* offload calibrate: each backend's ceilings, measured or from the cache,
 * printed, and exported with --format csv|json for scripts. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ceilings.h"
#include "ceilings_export.h"
#include "commands.h"
#include "fileio.h"
#include "link_cache.h"
#include "link_text.h"
#include "ranks.h"
#include "progress.h"
#include "message.h"

/* Calibrates one backend spec of the list; counts it as ran or
 * unavailable and keeps its ceilings. Returns 0 or an exit code. */
static int calibrate_one(const struct cli *c, const char *tok, const struct progress *pg,
                         size_t *unavailable, size_t *ran, struct calibration_set *set)
{
    const char *selector;
    const struct backend_ops *ops = parse_backend_spec(tok, &selector);
    if (!ops) {
        progress_clear(pg);
        return OFFLOAD_ERR_USAGE;
    }
    struct backend_config cfg = make_config(c, ops, c->threads[0], selector, MEM_COPY);
    struct calibrated one = {.backend = ops->name};
    snprintf(one.label, sizeof one.label, "%s", tok);
    void *state = NULL;
    enum offload_status st = ops->init(&cfg, &state, &one.info);
    if (st == OFFLOAD_UNAVAILABLE) {
        progress_clear(pg);
        fprintf(c->human, "%s: unavailable here (see above)\n\n", tok);
        (*unavailable)++;
        return 0;
    }
    if (st != OFFLOAD_OK) {
        progress_clear(pg);
        return offload_exit_code(st);
    }
    st = ceilings_get(ops, state, &one.info, c->given[OPT_RECALIBRATE], &one.ceil, &one.source);
    progress_clear(pg);
    if (st == OFFLOAD_OK) {
        ceilings_print(c->human, ops->name, &one.info, &one.ceil, one.source);
        (*ran)++;
        if (set->count < set->capacity)
            set->items[set->count++] = one;
    }
    fprintf(c->human, "\n");
    ops->fini(state);
    return offload_exit_code(st);
}

/* --format csv|json: the ceilings to --output, else to standard output. */
static int export_calibration(const struct cli *c, struct calibration_set *set)
{
    if (c->format != FORMAT_CSV && c->format != FORMAT_JSON)
        return 0;
    const char *out = c->value[OPT_OUTPUT] ? c->value[OPT_OUTPUT] : "-";
    char err[PATH_MAX + 256];
    enum offload_status st =
        write_file_atomic(out, calibration_writer(c->format), set, err, sizeof err);
    if (st != OFFLOAD_OK) {
        offload_error("%s\n", err);
        return offload_exit_code(st);
    }
    if (c->value[OPT_OUTPUT])
        fprintf(c->human, "wrote the ceilings of %zu backend%s to %s\n", set->count,
                set->count == 1 ? "" : "s", output_is_stdout(out) ? "standard output" : out);
    return 0;
}

int command_calibrate(struct cli *c)
{
    if (c->npositional)
        return usage_error("calibrate takes no arguments, got '%s'", c->positional[0]);
    /* Under mpirun the ceiling that matters is the link between ranks;
     * each device's own ceilings are measured without mpirun. */
    if (ranks_count() > 1) {
        struct link_point points[LINK_POINTS];
        enum offload_status st = ranks_measure_link(points);
        if (st != OFFLOAD_OK || ranks_me() != 0)
            return offload_exit_code(st);
        report_link(c->human, points, LINK_POINTS, ranks_count());
        /* Cached for runs across the same ranks and nodes: their verdicts
         * compare the rate their copies reach with it. */
        char path[4200];
        if (link_cache_store(ranks_layout(), points, LINK_POINTS) == OFFLOAD_OK &&
            link_cache_path(ranks_layout(), path, sizeof path))
            fprintf(c->human, "cached in %s for runs on %s\n", path, ranks_layout());
        return 0;
    }
    char list[1024];
    if (c->value[OPT_BACKEND] && strcmp(c->value[OPT_BACKEND], "all") != 0) {
        if (check_list_items("backends", c->value[OPT_BACKEND]) != OFFLOAD_OK)
            return OFFLOAD_ERR_USAGE;
        if ((size_t)snprintf(list, sizeof list, "%s", c->value[OPT_BACKEND]) >= sizeof list)
            return usage_error("--backends: the list is over %zu characters; calibrate fewer "
                               "backends at a time",
                               sizeof list - 1);
    } else {
        default_backend_list(list, sizeof list);
    }
    int worst = 0;
    size_t unavailable = 0, ran = 0, steps = 1;
    for (const char *p = list; *p; p++)
        steps += *p == ',';
    struct progress pg;
    progress_begin(&pg, steps, (double)steps);
    struct calibration_set *set = calloc(1, sizeof *set);
    if (set && !(set->items = calloc(steps, sizeof *set->items))) {
        free(set);
        set = NULL;
    }
    if (!set) {
        offload_error("out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    set->capacity = steps;
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char what[96];
        snprintf(what, sizeof what, "calibrating %s", tok);
        progress_step(&pg, what, 1);
        int rc = calibrate_one(c, tok, &pg, &unavailable, &ran, set);
        if (rc == OFFLOAD_ERR_USAGE) {
            free(set->items);
            free(set);
            return rc;
        }
        worst = rc > worst ? rc : worst;
    }
    int erc = set->count ? export_calibration(c, set) : 0;
    free(set->items);
    free(set);
    worst = worst ? worst : erc;
    return partial_exit(worst, unavailable, ran);
}
