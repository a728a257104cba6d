/* The writers of `offload calibrate` (ceilings_export.h). */
#include "ceilings_export.h"

#include <cjson/cJSON.h>

#include "fileio.h"

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
    f[n++] = (struct rate_field){"fma_f32_flops_per_s", c->fma_f32};
    f[n++] = (struct rate_field){"fma_f64_flops_per_s", c->fma_f64};
    f[n++] = (struct rate_field){"launch_latency_s", c->launch_latency};
    f[n++] = (struct rate_field){"copy_to_device_bytes_per_s", c->transfer[MEM_COPY].to_device};
    f[n++] = (struct rate_field){"copy_from_device_bytes_per_s", c->transfer[MEM_COPY].from_device};
    return n;
}

static enum offload_status write_calibration_csv(FILE *f, void *ctx)
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
            fprintf(f, ",%d,%s,%d", e->info.threads, e->ceil.measured,
                    e->source == CEILINGS_FROM_CACHE) < 0)
            return OFFLOAD_ERR_RUN;
        for (size_t k = 0; k < n; k++)
            fprintf(f, ",%.9g", fields[k].value);
        fputc('\n', f);
    }
    return ferror(f) ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

static enum offload_status write_calibration_json(FILE *f, void *ctx)
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
        cJSON_AddBoolToObject(o, "from_cache", e->source == CEILINGS_FROM_CACHE);
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
    return ok ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
}

file_writer_fn calibration_writer(enum export_format format)
{
    return format == FORMAT_JSON ? write_calibration_json : write_calibration_csv;
}
