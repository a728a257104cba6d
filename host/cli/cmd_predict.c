/* offload predict: the roofline forecast for a device this machine does not
 * have, from a device profile, beside what this machine's measured ceilings
 * say. Every figure of the profile's device is printed as predicted. */
#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ceilings.h"
#include "commands.h"
#include "fileio.h"
#include "message.h"
#include "occupancy.h"
#include "predict.h"
#include "units.h"

/* Profiles are small; anything bigger is not one. */
#define PROFILE_MAX_BYTES (1u << 20)

/* "h200, h100, mi300x" from the shipped profiles' folder; returns buf. */
static const char *shipped_profiles(char *buf, size_t len)
{
    char dir[PATH_MAX];
    buf[0] = '\0';
    DIR *d = opendir(data_file_path("devices", dir, sizeof dir));
    if (!d)
        return buf;
    size_t used = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t n = strlen(e->d_name);
        if (n <= 5 || strcmp(e->d_name + n - 5, ".json") != 0 || used >= len)
            continue;
        int w = snprintf(buf + used, len - used, "%s%.*s", used ? ", " : "", (int)(n - 5),
                         e->d_name);
        if (w > 0)
            used += (size_t)w;
    }
    closedir(d);
    return buf;
}

size_t load_shipped_profiles(struct device_profile *out, size_t cap)
{
    char dir[PATH_MAX];
    DIR *d = opendir(data_file_path("devices", dir, sizeof dir));
    if (!d)
        return 0;
    size_t n = 0;
    for (struct dirent *e; n < cap && (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char path[PATH_MAX + 256];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t length = 0;
        char *text = read_whole_file(path, PROFILE_MAX_BYTES, &length);
        char err[256];
        if (text && profile_parse(text, &out[n], err, sizeof err) == OFFLOAD_OK)
            n++;
        free(text);
    }
    closedir(d);
    return n;
}

/* A short name is a shipped profile; a name with a '/' or ending in
 * .json is a file. */
static enum offload_status load_profile(const char *spec, struct device_profile *out, char *path,
                                        size_t pathlen)
{
    size_t n = strlen(spec);
    if (strchr(spec, '/') || (n > 5 && strcmp(spec + n - 5, ".json") == 0)) {
        snprintf(path, pathlen, "%s", spec);
    } else {
        char rel[300], full[PATH_MAX];
        snprintf(rel, sizeof rel, "devices/%s.json", spec);
        snprintf(path, pathlen, "%s", data_file_path(rel, full, sizeof full));
    }
    size_t length = 0;
    char *text = read_whole_file(path, PROFILE_MAX_BYTES, &length);
    if (!text) {
        char names[512];
        return usage_error("--profile %s: no such profile (%s); give one of %s, or a FILE.json",
                           spec, path, shipped_profiles(names, sizeof names));
    }
    char err[256];
    enum offload_status st = profile_parse(text, out, err, sizeof err);
    free(text);
    if (st != OFFLOAD_OK)
        return usage_error("--profile %s: %s (see data/devices/h200.json for the format)", path,
                           err);
    return OFFLOAD_OK;
}

/* What this machine's measured (cached) ceilings say about the same input:
 * the threaded host backend's roofline. 0 when nothing is cached yet. */
static int here(const struct cli *c, const struct kernel_input *in, char *label, size_t len,
                struct analysis *a)
{
    const struct backend_ops *host = NULL;
    for (size_t i = 0; i < offload_backend_count && !host; i++)
        if (offload_backends[i]->caps.threads)
            host = offload_backends[i];
    if (!host)
        return 0;
    struct backend_config cfg = make_config(c, host, c->threads[0], NULL, MEM_COPY);
    cfg.quiet = 1;
    struct backend_info info = {0};
    void *state = NULL;
    if (host->init(&cfg, &state, &info) != OFFLOAD_OK)
        return 0;
    struct ceilings ceil;
    int cached = ceilings_load(host->name, &info, &ceil) == OFFLOAD_OK;
    host->fini(state);
    if (!cached)
        return 0;
    snprintf(label, len, "%s (%s)", host->name, info.device);
    /* A run whose kernel took exactly the roofline's time: the verdict of
     * the measured ceilings, without running anything. */
    struct kernel_work w = kernel_work_of(in);
    const struct kernel_spec *spec = kernel_spec_of(in->kernel);
    double mem = spec->memory_pattern == MEMORY_CONVERT ? ceil.convert_f64_f32 : ceil.stream_read;
    double ops = (in->alg == ALG_FAST ? spec->fast_op_ceiling : spec->op_ceiling) == OPS_COMPARE
                     ? ceil.compare_i8
                     : ceil.sqrt_f64;
    if (spec->fast_op_ceiling == OPS_NONE && in->alg == ALG_FAST)
        ops = 0;
    double t_mem = mem > 0 ? w.bytes / mem : 0, t_ops = ops > 0 ? w.ops / ops : 0;
    memset(a, 0, sizeof *a);
    a->work = w;
    a->peak_gbps = mem / 1e9;
    a->peak_gops = ops / 1e9;
    a->predicted_memory_s = t_mem;
    a->predicted_ops_s = t_ops;
    a->verdict = t_ops > t_mem ? VERDICT_COMPUTE : VERDICT_MEMORY;
    return 1;
}

static void print_sources(FILE *f, const struct device_profile *p)
{
    const struct {
        const char *what;
        const struct profile_number *n;
    } rows[] = {
        {"memory bandwidth", &p->memory_gbps},  {"FP64", &p->fp64_tflops},
        {"FP32", &p->fp32_tflops},              {"float64 sqrt", &p->sqrt_f64_gops},
        {"int8 compares", &p->compare_i8_gops}, {"host link", &p->link_gbps},
        {"link latency", &p->link_latency_us},  {"launch latency", &p->launch_latency_us},
        {"compute units", &p->compute_units},   {"resident threads", &p->resident_per_unit},
    };
    fprintf(f, "sources\n");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (rows[i].n->known)
            fprintf(f, "  %-17s %g: %s\n", rows[i].what, rows[i].n->value, rows[i].n->source);
}

static void print_prediction(FILE *f, const struct device_profile *p, const char *path,
                             const struct kernel_input *in, const struct prediction *r)
{
    char t1[32], t2[32], t3[32], t4[32], b1[32], b2[32];
    const struct kernel_work w = kernel_work_of(in);
    fprintf(f, "device     %s (profile %s, %s): every figure below is predicted, none measured\n",
            p->name, p->short_name, path);
    if (!r->runnable) {
        fprintf(f, "predicted  %s\n", r->why_not);
        return;
    }
    fprintf(f, "copy-in    predicted %s: %s over the host link at %g GB/s\n",
            format_seconds(r->copy_in_s, t1, sizeof t1), format_bytes(r->in_bytes, b1, sizeof b1),
            p->link_gbps.value);
    fprintf(f, "kernel     predicted %s: memory %s at %g GB/s", format_seconds(r->kernel_s, t1, sizeof t1),
            format_seconds(r->memory_s, t2, sizeof t2), p->memory_gbps.value);
    if (r->ops_rate > 0)
        fprintf(f, ", %s %s at %.4g G/s%s", w.op_unit, format_seconds(r->ops_s, t3, sizeof t3),
                r->ops_rate / 1e9,
                r->ops_rate_estimated ? " (estimated from the flop rate)" : "");
    fprintf(f, ", launch %s\n", format_seconds(r->launch_s, t4, sizeof t4));
    if (r->resident > 0)
        fprintf(f, "launch     %.0f work-items on the GPU path fill %.1f%% of ~%.0f resident threads%s\n",
                r->work_items, 100 * r->fill, r->resident,
                r->fill < 1 ? " (the kernel time is scaled up by the share left idle)" : "");
    fprintf(f, "copy-out   predicted %s: %s\n", format_seconds(r->copy_out_s, t1, sizeof t1),
            format_bytes(r->out_bytes, b2, sizeof b2));
    fprintf(f, "end-to-end predicted %s\n", format_seconds(r->total_s, t1, sizeof t1));
    fprintf(f, "verdict    predicted %s", verdict_name(r->verdict));
    if (r->verdict == VERDICT_TRANSFER)
        fprintf(f, ": %.0f%% of the time in copies", 100 * r->transfer_share);
    fputc('\n', f);
}

/* The one sentence that puts both machines side by side. */
static void print_comparison(FILE *f, const struct device_profile *p, const struct kernel_input *in,
                             const struct prediction *r, const char *label,
                             const struct analysis *a)
{
    char t1[32], t2[32], b1[32];
    const char *kname = kernel_name(in->kernel);
    fprintf(f, "compare    ");
    if (label) {
        double here_s = fmax(a->predicted_memory_s, a->predicted_ops_s);
        if (a->verdict == VERDICT_MEMORY)
            fprintf(f, "here (%s, from its measured ceilings) %s is memory-bound at %.3g GB/s, "
                       "its kernel at least %s; ",
                    label, kname, a->peak_gbps, format_seconds(here_s, t1, sizeof t1));
        else
            fprintf(f, "here (%s, from its measured ceilings) %s is compute-bound at %.3g G %s/s, "
                       "its kernel at least %s; ",
                    label, kname, a->peak_gops, a->work.op_unit,
                    format_seconds(here_s, t1, sizeof t1));
    } else {
        fprintf(f, "no ceilings measured here yet (run offload calibrate to compare); ");
    }
    if (!r->runnable) {
        fprintf(f, "on %s it cannot run (no float64)\n", p->name);
        return;
    }
    fprintf(f, "on %s the kernel would take %s (predicted)", p->name,
            format_seconds(r->kernel_s, t1, sizeof t1));
    if (r->verdict == VERDICT_TRANSFER)
        fprintf(f, " but copying %s over the host link ~ %s: transfer-bound, %.0f%% of the time "
                   "in copies\n",
                format_bytes(r->in_bytes + r->out_bytes, b1, sizeof b1),
                format_seconds(r->copy_in_s + r->copy_out_s, t2, sizeof t2),
                100 * r->transfer_share);
    else
        fprintf(f, ", %s end to end: %s\n", format_seconds(r->total_s, t2, sizeof t2),
                verdict_name(r->verdict));
}

int command_predict(struct cli *c)
{
    if (c->npositional != 1)
        return kernel_needed_error("predict");
    enum offload_kernel k;
    if (kernel_from_name(c->positional[0], &k) != OFFLOAD_OK)
        return unknown_kernel_error(c->positional[0]);
    if (!c->value[OPT_PROFILE])
        return usage_error("predict needs --profile NAME or --profile FILE.json");
    const struct kernel_spec *ks = kernel_spec_of(k);
    if (ks->input == INPUT_GENOTYPES && c->given[OPT_SIZE])
        return usage_error("--size does not apply to %s: use --percent or --data", ks->name);
    if (!ks->has_fast && c->given[OPT_ALGORITHM] && algorithm_option(c) == ALG_FAST)
        return usage_error("%s has no fast algorithm: %s", ks->name, ks->fast_order);
    struct device_profile profile;
    char path[PATH_MAX];
    enum offload_status st = load_profile(c->value[OPT_PROFILE], &profile, path, sizeof path);
    if (st != OFFLOAD_OK)
        return offload_exit_code(st);
    struct prepared_input p;
    st = prepare_input(c, k, algorithm_option(c), c->given[OPT_SIZE] ? c->size : 0,
                       c->percent[0], &p);
    if (st != OFFLOAD_OK) {
        prepared_free(&p);
        return offload_exit_code(st);
    }
    char size[128], b1[32];
    const struct kernel_work w = kernel_work_of(&p.input);
    fprintf(c->human, "%s (%s), %s: moves %s, %.3g %s\n", ks->name,
            algorithm_name(p.input.alg), describe_size(&p, size, sizeof size),
            format_bytes(w.bytes, b1, sizeof b1), w.ops, w.op_unit);
    struct prediction r = predict_run(&profile, &p.input);
    print_prediction(c->human, &profile, path, &p.input, &r);
    char label[400];
    struct analysis a;
    int have_here = here(c, &p.input, label, sizeof label, &a);
    print_comparison(c->human, &profile, &p.input, &r, have_here ? label : NULL, &a);
    print_sources(c->human, &profile);
    prepared_free(&p);
    return 0;
}
