/* offload calibrate: each backend's ceilings, measured or from the cache,
 * printed, and exported with --format csv|json for scripts. */
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ceilings.h"
#include "commands.h"
#include "fileio.h"
#include "progress.h"
#include "message.h"

#define MAX_CALIBRATED 32

/* One backend's ceilings, kept for the export. */
struct calibrated {
    char label[64]; /* as given in --backends: opencl:0.0 */
    const char *backend;
    struct backend_info info;
    struct ceilings ceil;
    int from_cache;
};

struct calibration_set {
    struct calibrated items[MAX_CALIBRATED];
    size_t count;
};

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
    st = ceilings_get(ops, state, &one.info, c->given[OPT_RECALIBRATE], &one.ceil, &one.from_cache);
    progress_clear(pg);
    if (st == OFFLOAD_OK) {
        ceilings_print(c->human, ops->name, &one.info, &one.ceil, one.from_cache);
        (*ran)++;
        if (set->count < MAX_CALIBRATED)
            set->items[set->count++] = one;
    }
    fprintf(c->human, "\n");
    ops->fini(state);
    return offload_exit_code(st);
}

/* The rates of a ceilings entry, by export name. */
struct rate_field {
    const char *name;
    double value;
};

static size_t rate_fields(const struct ceilings *c, struct rate_field *f)
{
    size_t n = 0;
    f[n++] = (struct rate_field){"stream_copy_bytes_per_s", c->stream_copy};
    f[n++] = (struct rate_field){"stream_triad_bytes_per_s", c->stream_triad};
    f[n++] = (struct rate_field){"read_bytes_per_s", c->stream_read};
    f[n++] = (struct rate_field){"convert_f64_f32_bytes_per_s", c->convert_f64_f32};
    f[n++] = (struct rate_field){"sqrt_f64_per_s", c->sqrt_f64};
    f[n++] = (struct rate_field){"sqrt_f32_per_s", c->sqrt_f32};
    f[n++] = (struct rate_field){"compare_i8_per_s", c->compare_i8};
    f[n++] = (struct rate_field){"launch_latency_s", c->launch_latency};
    f[n++] = (struct rate_field){"copy_to_device_bytes_per_s", c->transfer[MEM_COPY].to_device};
    f[n++] = (struct rate_field){"copy_from_device_bytes_per_s", c->transfer[MEM_COPY].from_device};
    return n;
}

#define RATE_FIELDS 10

static int write_calibration_csv(FILE *f, void *ctx)
{
    const struct calibration_set *set = ctx;
    struct rate_field fields[RATE_FIELDS];
    size_t n = rate_fields(&(struct ceilings){0}, fields);
    fputs("backend,label,device,driver,threads,measured,from_cache", f);
    for (size_t k = 0; k < n; k++)
        fprintf(f, ",%s", fields[k].name);
    fputc('\n', f);
    for (size_t i = 0; i < set->count; i++) {
        const struct calibrated *e = &set->items[i];
        rate_fields(&e->ceil, fields);
        if (csv_write_field(f, e->backend) || fputc(',', f) == EOF ||
            csv_write_field(f, e->label) || fputc(',', f) == EOF ||
            csv_write_field(f, e->info.device) || fputc(',', f) == EOF ||
            csv_write_field(f, e->info.driver) ||
            fprintf(f, ",%d,%s,%d", e->info.threads, e->ceil.measured, e->from_cache) < 0)
            return -1;
        for (size_t k = 0; k < n; k++)
            fprintf(f, ",%.9g", fields[k].value);
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

static int write_calibration_json(FILE *f, void *ctx)
{
    const struct calibration_set *set = ctx;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "schema_version", 1);
    cJSON_AddStringToObject(root, "tool_version", OFFLOAD_VERSION);
    cJSON *list = cJSON_AddArrayToObject(root, "ceilings");
    for (size_t i = 0; i < set->count; i++) {
        const struct calibrated *e = &set->items[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "backend", e->backend);
        cJSON_AddStringToObject(o, "label", e->label);
        cJSON_AddStringToObject(o, "device", e->info.device);
        cJSON_AddStringToObject(o, "driver", e->info.driver);
        cJSON_AddNumberToObject(o, "threads", e->info.threads);
        cJSON_AddStringToObject(o, "measured", e->ceil.measured);
        cJSON_AddBoolToObject(o, "from_cache", e->from_cache);
        struct rate_field fields[RATE_FIELDS];
        size_t n = rate_fields(&e->ceil, fields);
        for (size_t k = 0; k < n; k++)
            cJSON_AddNumberToObject(o, fields[k].name, fields[k].value);
        cJSON_AddItemToArray(list, o);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    int ok = text && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    cJSON_free(text);
    return ok ? 0 : -1;
}

/* --format csv|json: the ceilings to --output, else to standard output. */
static int export_calibration(const struct cli *c, struct calibration_set *set)
{
    if (c->format != FORMAT_CSV && c->format != FORMAT_JSON)
        return 0;
    const char *out = c->value[OPT_OUTPUT] ? c->value[OPT_OUTPUT] : "-";
    char err[PATH_MAX + 256];
    enum offload_status st = write_file_atomic(
        out, c->format == FORMAT_JSON ? write_calibration_json : write_calibration_csv, set, err,
        sizeof err);
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
    char list[1024];
    if (c->value[OPT_BACKEND] && strcmp(c->value[OPT_BACKEND], "all") != 0) {
        if (check_list_items("backends", c->value[OPT_BACKEND]) != OFFLOAD_OK)
            return OFFLOAD_ERR_USAGE;
        snprintf(list, sizeof list, "%s", c->value[OPT_BACKEND]);
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
    if (!set) {
        offload_error("out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char what[96];
        snprintf(what, sizeof what, "calibrating %s", tok);
        progress_step(&pg, what, 1);
        int rc = calibrate_one(c, tok, &pg, &unavailable, &ran, set);
        if (rc == OFFLOAD_ERR_USAGE) {
            free(set);
            return rc;
        }
        worst = rc > worst ? rc : worst;
    }
    int erc = set->count ? export_calibration(c, set) : 0;
    free(set);
    worst = worst ? worst : erc;
    return partial_exit(worst, unavailable, ran);
}
