/* Roofline forecasts from device profiles (see predict.h). */
#include "predict.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "occupancy.h"

/* {"value": x, "source": "..."} or null. */
static int parse_number(const cJSON *root, const char *field, int required,
                        struct profile_number *out, char *err, size_t errlen)
{
    *out = (struct profile_number){0};
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, field);
    if (!item || cJSON_IsNull(item)) {
        if (required)
            snprintf(err, errlen, "'%s' is missing: give {\"value\": ..., \"source\": ...}", field);
        return !required;
    }
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(item, "value");
    const cJSON *source = cJSON_GetObjectItemCaseSensitive(item, "source");
    if (!cJSON_IsNumber(value) || !isfinite(value->valuedouble) || value->valuedouble < 0) {
        snprintf(err, errlen, "'%s' needs a \"value\" that is a number >= 0", field);
        return 0;
    }
    if (!cJSON_IsString(source) || !source->valuestring || !source->valuestring[0]) {
        snprintf(err, errlen, "'%s' needs a \"source\": where the number comes from", field);
        return 0;
    }
    out->value = value->valuedouble;
    out->known = 1;
    snprintf(out->source, sizeof out->source, "%s", source->valuestring);
    return 1;
}

static int parse_text(const cJSON *root, const char *field, char *buf, size_t len, char *err,
                      size_t errlen)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, field);
    if (!cJSON_IsString(item) || !item->valuestring || !item->valuestring[0]) {
        snprintf(err, errlen, "'%s' is missing or not a string", field);
        return 0;
    }
    snprintf(buf, len, "%s", item->valuestring);
    return 1;
}

enum offload_status profile_parse(const char *text, struct device_profile *out, char *err,
                                  size_t errlen)
{
    memset(out, 0, sizeof *out);
    cJSON *root = cJSON_Parse(text);
    if (!cJSON_IsObject(root)) {
        snprintf(err, errlen, "not a JSON object");
        cJSON_Delete(root);
        return OFFLOAD_ERR_USAGE;
    }
    int ok = parse_text(root, "short", out->short_name, sizeof out->short_name, err, errlen) &&
             parse_text(root, "name", out->name, sizeof out->name, err, errlen) &&
             parse_number(root, "memory_bandwidth_gbps", 1, &out->memory_gbps, err, errlen) &&
             parse_number(root, "fp64_tflops", 0, &out->fp64_tflops, err, errlen) &&
             parse_number(root, "fp32_tflops", 0, &out->fp32_tflops, err, errlen) &&
             parse_number(root, "sqrt_f64_gops", 0, &out->sqrt_f64_gops, err, errlen) &&
             parse_number(root, "compare_i8_gops", 0, &out->compare_i8_gops, err, errlen) &&
             parse_number(root, "host_link_gbps", 1, &out->link_gbps, err, errlen) &&
             parse_number(root, "host_link_latency_us", 0, &out->link_latency_us, err, errlen) &&
             parse_number(root, "launch_latency_us", 0, &out->launch_latency_us, err, errlen) &&
             parse_number(root, "compute_units", 0, &out->compute_units, err, errlen) &&
             parse_number(root, "resident_threads_per_unit", 0, &out->resident_per_unit, err,
                          errlen);
    if (ok && !(out->memory_gbps.value > 0)) {
        snprintf(err, errlen, "'memory_bandwidth_gbps' must be above 0");
        ok = 0;
    }
    const cJSON *match = cJSON_GetObjectItemCaseSensitive(root, "match");
    if (ok && match) {
        const cJSON *m;
        cJSON_ArrayForEach(m, match)
        {
            if (!cJSON_IsString(m) || out->nmatch >= PROFILE_MATCH_MAX)
                continue;
            snprintf(out->match[out->nmatch++], sizeof out->match[0], "%s", m->valuestring);
        }
    }
    cJSON_Delete(root);
    return ok ? OFFLOAD_OK : OFFLOAD_ERR_USAGE;
}

int profile_matches(const struct device_profile *p, const char *device_name)
{
    for (size_t i = 0; i < p->nmatch; i++)
        if (p->match[i][0] && strstr(device_name, p->match[i]))
            return 1;
    return 0;
}

/* Work-items per GPU work-group (run.c's 256) and the GPU sqrt's elements
 * per work-item. */
enum { GPU_LANES = 256, GPU_SQRT_PER_ITEM = 8, GPU_REDUCTION_GROUPS_PER_UNIT = 8 };

double predict_gpu_work_items(const struct kernel_input *in, double compute_units)
{
    switch (in->kernel) {
    case KERNEL_SQRT:
        return ceil((double)in->n / GPU_SQRT_PER_ITEM);
    case KERNEL_SUMSQRT:
        switch (in->alg) {
        case ALG_NAIVE:
            return (double)in->n * GPU_LANES;
        case ALG_FAST:
            return fmin((double)in->n,
                        fmin(1024, GPU_REDUCTION_GROUPS_PER_UNIT * fmax(1, compute_units)) *
                            GPU_LANES);
        }
        break;
    case KERNEL_SCORES:
        if (!in->matrix)
            return 0;
        switch (in->alg) {
        case ALG_NAIVE:
            return (double)genotype_table_rows(in->matrix) * GPU_LANES;
        case ALG_FAST:
            return (double)genotype_table_rows(in->matrix);
        }
        break;
    case KERNEL_FILE:  /* a user's kernel file: its launch is its own */
    case KERNEL_COUNT:
        break;
    }
    return 0;
}

static double input_bytes(const struct kernel_input *in)
{
    switch (kernel_spec_of(in->kernel)->input) {
    case INPUT_VALUES:
        return (double)in->n * sizeof(double);
    case INPUT_GENOTYPES:
        return in->matrix ? (double)genotype_table_rows(in->matrix) * (double)in->matrix->cols : 0;
    case INPUT_FILE:
        break; /* predict takes the table's kernels only */
    }
    return 0;
}

/* Operations per second for the kernel's operation; 0 when the device has
 * none (no float64). */
static double ops_rate(const struct device_profile *p, enum op_ceiling op, int *estimated)
{
    *estimated = 0;
    switch (op) {
    case OPS_NONE:
        return 0;
    case OPS_SQRT_F64:
        if (p->sqrt_f64_gops.known && p->sqrt_f64_gops.value > 0)
            return p->sqrt_f64_gops.value * 1e9;
        *estimated = 1;
        return p->fp64_tflops.value * 1e12 / PREDICT_FLOPS_PER_SQRT_F64;
    case OPS_COMPARE:
        if (p->compare_i8_gops.known && p->compare_i8_gops.value > 0)
            return p->compare_i8_gops.value * 1e9;
        *estimated = 1;
        return p->fp32_tflops.value * 1e12 / PREDICT_FLOPS_PER_COMPARE;
    case OPS_SQRT_F32:
        *estimated = 1;
        return p->fp32_tflops.value * 1e12 / PREDICT_FLOPS_PER_SQRT_F64;
    case OPS_FMA_F32:
        return p->fp32_tflops.value * 1e12 / 2; /* an FMA is two flops */
    case OPS_FMA_F64:
        return p->fp64_tflops.value * 1e12 / 2;
    }
    return 0;
}

/* A copy of `bytes` over the host link, with its fixed cost. */
static double copy_seconds(const struct device_profile *p, double bytes)
{
    return p->link_latency_us.value * 1e-6 + bytes / (p->link_gbps.value * 1e9);
}

struct prediction predict_run(const struct device_profile *p, const struct kernel_input *in)
{
    struct prediction r = {.runnable = 1};
    const struct kernel_spec *spec = kernel_spec_of(in->kernel);
    if (strstr(spec->input_type, "float64") &&
        !(p->fp64_tflops.known && p->fp64_tflops.value > 0)) {
        r.runnable = 0;
        snprintf(r.why_not, sizeof r.why_not,
                 "%s has no float64 (cl_khr_fp64), which %s needs: it cannot run there", p->name,
                 spec->name);
        return r;
    }
    const struct kernel_work w = kernel_work_of(in);
    const enum op_ceiling op = in->alg == ALG_FAST ? spec->fast_op_ceiling : spec->op_ceiling;
    r.in_bytes = input_bytes(in);
    r.out_bytes = (double)kernel_output_bytes(in);
    r.memory_s = w.bytes / (p->memory_gbps.value * 1e9);
    r.ops_rate = ops_rate(p, op, &r.ops_rate_estimated);
    r.ops_s = r.ops_rate > 0 ? w.ops / r.ops_rate : 0;
    r.launch_s = p->launch_latency_us.value * 1e-6;
    r.work_items = predict_gpu_work_items(in, p->compute_units.value);
    r.resident = p->compute_units.value * p->resident_per_unit.value;
    r.fill = r.resident > 0 && r.work_items > 0 ? fmin(1, r.work_items / r.resident) : 0;
    /* A launch that fills a share of the device reaches about that share of
     * its rates: the roofline's time grows by the same factor. */
    double roof = fmax(r.memory_s, r.ops_s);
    double slowed = r.fill > 0 ? roof / r.fill : roof;
    r.kernel_s = fmax(slowed, r.launch_s);
    r.copy_in_s = copy_seconds(p, r.in_bytes);
    r.copy_out_s = copy_seconds(p, r.out_bytes);
    r.total_s = r.copy_in_s + r.kernel_s + r.copy_out_s;
    r.transfer_share = r.total_s > 0 ? (r.copy_in_s + r.copy_out_s) / r.total_s : 0;
    if (r.transfer_share >= 0.5)
        r.verdict = VERDICT_TRANSFER;
    else if (r.launch_s >= slowed)
        r.verdict = VERDICT_LAUNCH;
    else if (r.fill > 0 && r.fill < OCCUPANCY_LOW)
        r.verdict = VERDICT_OCCUPANCY;
    else
        r.verdict = r.ops_s > r.memory_s ? VERDICT_COMPUTE : VERDICT_MEMORY;
    return r;
}
