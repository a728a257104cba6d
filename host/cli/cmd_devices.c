/* offload devices: the backends and their devices, as text for people or as
 * csv or json, one row per device, for scripts. */
#include <cjson/cJSON.h>
#include <limits.h>
#include <string.h>

#include "commands.h"
#include "fileio.h"
#include "hostinfo.h"
#include "message.h"

#define MAX_DEVICES 64

struct device_row {
    const char *backend;
    struct device_description d;
};

struct device_rows {
    struct device_row items[MAX_DEVICES];
    size_t count;
};

/* A backend without describe_devices: what init says about its one device
 * (the host: its memory is the machine's). */
static enum offload_status describe_from_init(const struct cli *c, const struct backend_ops *ops,
                                              struct device_description *d)
{
    struct backend_config cfg = make_config(c, ops, c->threads[0], NULL, MEM_COPY);
    cfg.quiet = 1;
    struct backend_info info;
    void *state = NULL;
    enum offload_status st = ops->init(&cfg, &state, &info);
    if (st != OFFLOAD_OK)
        return st;
    ops->fini(state);
    memset(d, 0, sizeof *d);
    d->platform_index = d->device_index = -1;
    snprintf(d->name, sizeof d->name, "%s", info.device);
    snprintf(d->platform, sizeof d->platform, "%s", info.platform);
    snprintf(d->driver, sizeof d->driver, "%s", info.driver);
    if (info.threads > 0) {
        /* The host: the CPU model, its threads are the compute units. */
        host_cpu_model(d->name, sizeof d->name);
        snprintf(d->type, sizeof d->type, "CPU");
        d->compute_units = (unsigned)info.threads;
        d->memory = (uint64_t)host_physical_memory();
    }
    return OFFLOAD_OK;
}

/* Every device of every backend; a backend with none is left out (it has
 * said why on stderr). Returns the worst status of a real failure. */
static enum offload_status collect_devices(const struct cli *c, struct device_rows *rows)
{
    enum offload_status worst = OFFLOAD_OK;
    for (size_t i = 0; i < offload_backend_count && rows->count < MAX_DEVICES; i++) {
        const struct backend_ops *ops = offload_backends[i];
        struct device_description found[MAX_DEVICES];
        size_t n = 0;
        enum offload_status st;
        if (ops->describe_devices) {
            st = ops->describe_devices(found, MAX_DEVICES - rows->count, &n);
        } else {
            st = describe_from_init(c, ops, &found[0]);
            n = st == OFFLOAD_OK;
        }
        if (st != OFFLOAD_OK && st != OFFLOAD_UNAVAILABLE)
            worst = st;
        for (size_t k = 0; k < n && rows->count < MAX_DEVICES; k++)
            rows->items[rows->count++] = (struct device_row){ops->name, found[k]};
    }
    return worst;
}

/* A CSV field (csv_write_field) and what follows it. */
static void csv_field(FILE *f, const char *text, int last)
{
    csv_write_field(f, text);
    fputc(last ? '\n' : ',', f);
}

static int write_devices_csv(FILE *f, void *ctx)
{
    const struct device_rows *rows = ctx;
    fprintf(f, "backend,platform_index,device_index,selector,name,type,platform,driver,"
               "max_alloc_bytes,memory_bytes,compute_units\n");
    for (size_t i = 0; i < rows->count; i++) {
        const struct device_description *d = &rows->items[i].d;
        char index[2][16] = {"", ""}, num[3][24] = {"", "", ""};
        if (d->platform_index >= 0)
            snprintf(index[0], sizeof index[0], "%d", d->platform_index);
        if (d->device_index >= 0)
            snprintf(index[1], sizeof index[1], "%d", d->device_index);
        if (d->max_alloc)
            snprintf(num[0], sizeof num[0], "%llu", (unsigned long long)d->max_alloc);
        if (d->memory)
            snprintf(num[1], sizeof num[1], "%llu", (unsigned long long)d->memory);
        if (d->compute_units)
            snprintf(num[2], sizeof num[2], "%u", d->compute_units);
        const char *fields[] = {rows->items[i].backend,
                                index[0],
                                index[1],
                                d->selector,
                                d->name,
                                d->type,
                                d->platform,
                                d->driver,
                                num[0],
                                num[1],
                                num[2]};
        for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
            csv_field(f, fields[k], k + 1 == sizeof fields / sizeof fields[0]);
    }
    return ferror(f) ? -1 : 0;
}

/* A number, or null when the backend does not say. */
static int add_number(cJSON *o, const char *key, double v, int known)
{
    return known ? cJSON_AddNumberToObject(o, key, v) != NULL
                 : cJSON_AddNullToObject(o, key) != NULL;
}

static int json_device(cJSON *list, const struct device_row *row)
{
    const struct device_description *d = &row->d;
    cJSON *o = cJSON_CreateObject();
    int ok = o && cJSON_AddStringToObject(o, "backend", row->backend) &&
             add_number(o, "platform_index", d->platform_index, d->platform_index >= 0) &&
             add_number(o, "device_index", d->device_index, d->device_index >= 0) &&
             cJSON_AddStringToObject(o, "selector", d->selector) &&
             cJSON_AddStringToObject(o, "name", d->name) &&
             cJSON_AddStringToObject(o, "type", d->type) &&
             cJSON_AddStringToObject(o, "platform", d->platform) &&
             cJSON_AddStringToObject(o, "driver", d->driver) &&
             add_number(o, "max_alloc_bytes", (double)d->max_alloc, d->max_alloc > 0) &&
             add_number(o, "memory_bytes", (double)d->memory, d->memory > 0) &&
             add_number(o, "compute_units", d->compute_units, d->compute_units > 0) &&
             cJSON_AddItemToArray(list, o);
    if (o && !ok)
        cJSON_Delete(o);
    return ok;
}

static int write_devices_json(FILE *f, void *ctx)
{
    const struct device_rows *rows = ctx;
    cJSON *root = cJSON_CreateObject(), *list = NULL;
    int ok = root && cJSON_AddNumberToObject(root, "schema_version", 1) &&
             cJSON_AddStringToObject(root, "tool_version", OFFLOAD_VERSION) &&
             (list = cJSON_AddArrayToObject(root, "devices")) != NULL;
    for (size_t i = 0; ok && i < rows->count; i++)
        ok = json_device(list, &rows->items[i]);
    char *text = ok ? cJSON_Print(root) : NULL;
    ok = text && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    cJSON_free(text);
    cJSON_Delete(root);
    return ok ? 0 : -1;
}

int command_devices(struct cli *c)
{
    if (c->npositional)
        return usage_error("devices takes no arguments, got '%s'", c->positional[0]);
    if (c->format == FORMAT_TABLE) {
        for (size_t i = 0; i < offload_backend_count; i++) {
            enum offload_status st = offload_backends[i]->list_devices(stdout);
            if (st != OFFLOAD_OK && st != OFFLOAD_UNAVAILABLE)
                return offload_exit_code(st);
        }
        return 0;
    }
    static struct device_rows rows; /* large: kept off the stack */
    rows.count = 0;
    enum offload_status st = collect_devices(c, &rows);
    const char *out = c->value[OPT_OUTPUT] ? c->value[OPT_OUTPUT] : "-";
    char err[PATH_MAX + 256];
    enum offload_status wst =
        write_file_atomic(out, c->format == FORMAT_JSON ? write_devices_json : write_devices_csv,
                          &rows, err, sizeof err);
    if (wst != OFFLOAD_OK) {
        offload_error("%s\n", err);
        return offload_exit_code(wst);
    }
    if (!output_is_stdout(out))
        fprintf(c->human, "wrote %zu devices to %s\n", rows.count, out);
    return offload_exit_code(st);
}
