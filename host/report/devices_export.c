/* The writers of `offload devices` (devices_export.h). */
#include "devices_export.h"

#include <cjson/cJSON.h>

/* A CSV field (csv_write_field) and what follows it. */
static void csv_field(FILE *f, const char *text, int last)
{
    csv_write_field(f, text);
    fputc(last ? '\n' : ',', f);
}

static enum offload_status write_devices_csv(FILE *f, void *ctx)
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
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
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

static enum offload_status write_devices_json(FILE *f, void *ctx)
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
    return ok ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
}

file_writer_fn devices_writer(enum export_format format)
{
    return format == FORMAT_JSON ? write_devices_json : write_devices_csv;
}
