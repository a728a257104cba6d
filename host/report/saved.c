/* Saved runs read back from JSON exports (schema 1 and 2), and live results
 * put in the same shape. */
#include "saved.h"
#include "message.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "provenance.h"

/* An export holds raw samples; a few hundred MB is far beyond any real one. */
#define SAVED_MAX_BYTES (512u << 20)

static void copy_string(char *dst, size_t len, const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    snprintf(dst, len, "%s", cJSON_IsString(item) && item->valuestring ? item->valuestring : "");
}

static double number_or(const cJSON *obj, const char *name, double fallback)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsNumber(item) ? item->valuedouble : fallback;
}

/* The minimum of one phase from stats_s, or -1 when the phase is absent. */
static double phase_min(const cJSON *rec, const char *phase)
{
    const cJSON *stats = cJSON_GetObjectItemCaseSensitive(rec, "stats_s");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(stats, phase);
    return cJSON_IsObject(p) ? number_or(p, "min", -1) : -1;
}

/* "opencl:0.1" -> "opencl"; "openmp/2t" stays (a thread count is not a device). */
static void backend_kind(const char *label, char *kind, size_t len)
{
    snprintf(kind, len, "%s", label);
    char *colon = strchr(kind, ':');
    if (!colon)
        return;
    const char *slash = strchr(colon, '/');
    memmove(colon, slash ? slash : "", (slash ? strlen(slash) : 0) + 1);
}

/* A size as an export writes it: a whole number in [0, 2^53]. Anything else
 * (negative, fractional, NaN, infinite: a hand-edited or damaged file)
 * clears *ok, since casting it to size_t would be undefined. */
static size_t size_field(const cJSON *obj, const char *name, int *ok)
{
    double v = number_or(obj, name, 0);
    if (!(v >= 0 && v <= 9007199254740992.0) || v != floor(v)) {
        *ok = 0;
        return 0;
    }
    return (size_t)v;
}

/* Magnitudes a real export can hold; anything past them (1e999 reads as
 * infinity, 1e308 bytes of memory) is a damaged or hand-made file, refused
 * on load rather than printed as "inf s" or a 300-digit size. */
#define SAVED_MAX_SECONDS 1e7   /* 116 days for one timed run */
#define SAVED_MAX_GBPS 1e6      /* 1 PB/s */
#define SAVED_MAX_MEMORY 0x1p60 /* 1 EiB of host memory */

static int seconds_ok(double s, int may_be_absent)
{
    return (may_be_absent && s == -1) || (isfinite(s) && s >= 0 && s <= SAVED_MAX_SECONDS);
}

/* A device's role from an export that does not record it (written before
 * device_role): named as a CPU driver names it (PoCL: "pthread-", "cpu-")
 * or after the host's CPU, it is the CPU (a laptop CPU's name may say
 * "Radeon Graphics"); else a name a GPU maker uses is a GPU; else a device
 * sharing host memory or named like a CPU is the CPU. */
static void infer_role(const cJSON *rec, const char *host_cpu, struct saved_row *r)
{
    static const char *const driver_words[] = {"pthread", "cpu-", "basic-"};
    static const char *const cpu_words[] = {"CPU", "EPYC", "Xeon", "Core(TM)", "Ryzen"};
    static const char *const gpu_words[] = {"NVIDIA", "GeForce", "Tesla", "Quadro", "Radeon",
                                            "gfx", "Graphics", "GPU", "Apple M", "Arc"};
    int cpu = host_cpu && host_cpu[0] && strstr(r->device, host_cpu);
    for (size_t i = 0; i < sizeof driver_words / sizeof driver_words[0] && !cpu; i++)
        cpu = strstr(r->device, driver_words[i]) != NULL;
    if (cpu) {
        snprintf(r->role, sizeof r->role, "CPU");
        return;
    }
    for (size_t i = 0; i < sizeof gpu_words / sizeof gpu_words[0]; i++)
        if (strstr(r->device, gpu_words[i])) {
            snprintf(r->role, sizeof r->role, "GPU");
            return;
        }
    int unified = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rec, "unified_memory"));
    for (size_t i = 0; i < sizeof cpu_words / sizeof cpu_words[0]; i++)
        if (strstr(r->device, cpu_words[i]) || unified) {
            snprintf(r->role, sizeof r->role, "CPU");
            return;
        }
    snprintf(r->role, sizeof r->role, "device");
}

/* NULL, or what is wrong with the row (for "result N: ..."). */
static const char *parse_row(const cJSON *rec, const char *host_cpu, struct saved_row *r)
{
    static const char *const incomplete =
        "it lacks its kernel, backend or times, or its size is no whole number";
    if (!cJSON_IsObject(rec))
        return incomplete;
    memset(r, 0, sizeof *r);
    copy_string(r->kernel, sizeof r->kernel, rec, "kernel");
    copy_string(r->source_hash, sizeof r->source_hash, rec, "source_hash");
    copy_string(r->algorithm, sizeof r->algorithm, rec, "algorithm");
    copy_string(r->backend, sizeof r->backend, rec, "backend");
    copy_string(r->device, sizeof r->device, rec, "device");
    copy_string(r->memory, sizeof r->memory, rec, "memory");
    if (!r->memory[0])
        snprintf(r->memory, sizeof r->memory, "-");
    char platform[256];
    copy_string(platform, sizeof platform, rec, "platform");
    r->on_device = platform[0] != '\0';
    backend_kind(r->backend, r->kind, sizeof r->kind);
    copy_string(r->role, sizeof r->role, rec, "device_role");
    if (!r->on_device)
        snprintf(r->role, sizeof r->role, "host");
    else if (!r->role[0])
        infer_role(rec, host_cpu, r);
    int sizes_ok = 1;
    r->size = size_field(rec, "size", &sizes_ok);
    r->rows = size_field(rec, "rows", &sizes_ok);
    r->cols = size_field(rec, "cols", &sizes_ok);
    r->copy_in_s = phase_min(rec, "copy_in");
    r->kernel_s = phase_min(rec, "kernel");
    r->copy_out_s = phase_min(rec, "copy_out");
    r->total_s = phase_min(rec, "total");
    const cJSON *an = cJSON_GetObjectItemCaseSensitive(rec, "analysis");
    r->gbps = number_or(an, "gbps", 0);
    r->gops = number_or(an, "gops", 0);
    r->peak_gbps = number_or(an, "peak_gbps", 0);
    r->peak_gops = number_or(an, "peak_gops", 0);
    const cJSON *work = cJSON_GetObjectItemCaseSensitive(rec, "work");
    r->ops_per_byte = number_or(work, "ops_per_byte", 0);
    copy_string(r->op_unit, sizeof r->op_unit, work, "op_unit");
    r->busy = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(rec, "machine"), "busy"));
    double repeats = number_or(rec, "repeats", 0);
    r->repeats = repeats > 0 && repeats < 1e9 ? (size_t)repeats : 0;
    copy_string(r->verdict, sizeof r->verdict, an, "verdict");
    copy_string(r->reason, sizeof r->reason, an, "reason");
    const cJSON *check = cJSON_GetObjectItemCaseSensitive(rec, "check");
    r->check_ok = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(check, "ok"));
    if (!(sizes_ok && r->kernel[0] && r->backend[0] && r->total_s > 0))
        return incomplete;
    if (!seconds_ok(r->copy_in_s, 1) || !seconds_ok(r->kernel_s, 1) ||
        !seconds_ok(r->copy_out_s, 1) || !seconds_ok(r->total_s, 0))
        return "a time is not a plausible time (0 to 1e7 s)";
    if (!(isfinite(r->gbps) && r->gbps >= 0 && r->gbps <= SAVED_MAX_GBPS))
        return "its GB/s is not a plausible rate (0 to 1e6)";
    /* Only charts read these: an implausible one is dropped, not drawn. */
    double *rates[] = {&r->gops, &r->peak_gbps, &r->peak_gops, &r->ops_per_byte};
    for (size_t k = 0; k < sizeof rates / sizeof rates[0]; k++)
        if (!(isfinite(*rates[k]) && *rates[k] >= 0 && *rates[k] <= 1e9))
            *rates[k] = 0;
    return NULL;
}

/* Provenance of the whole file: host, build (schema 2) and calibration.
 * NULL, or what is wrong with it. */
static const char *parse_header(const cJSON *root, const cJSON *results, struct saved_run *out)
{
    copy_string(out->created, sizeof out->created, root, "created");
    const cJSON *argv = cJSON_GetObjectItemCaseSensitive(root, "command_line");
    const cJSON *cmd = cJSON_GetArrayItem(argv, 1);
    snprintf(out->command, sizeof out->command, "%s",
             cJSON_IsString(cmd) && cmd->valuestring ? cmd->valuestring : "?");
    const cJSON *host = cJSON_GetObjectItemCaseSensitive(root, "host");
    copy_string(out->cpu, sizeof out->cpu, host, "cpu");
    copy_string(out->os, sizeof out->os, host, "os");
    if (!out->os[0]) {
        char sys[64], rel[64];
        copy_string(sys, sizeof sys, host, "system");
        copy_string(rel, sizeof rel, host, "release");
        snprintf(out->os, sizeof out->os, "%s%s%s", sys, *rel ? " " : "", rel);
    }
    double cores = number_or(host, "cores", 0); /* 0: not said, or not a core count */
    out->cores = cores >= 1 && cores <= 1e6 ? (int)cores : 0;
    out->memory_bytes = number_or(host, "memory_bytes", 0);
    if (!(isfinite(out->memory_bytes) && out->memory_bytes >= 0 &&
          out->memory_bytes <= SAVED_MAX_MEMORY))
        return "host memory_bytes is not a plausible size (0 to 2^60)";
    const cJSON *build = cJSON_GetObjectItemCaseSensitive(root, "build");
    copy_string(out->build, sizeof out->build, build, "flags");
    copy_string(out->compiler, sizeof out->compiler, build, "compiler");
    copy_string(out->git_commit, sizeof out->git_commit, build, "git_commit");
    const cJSON *rec;
    cJSON_ArrayForEach(rec, results)
    {
        char when[32];
        const cJSON *ceil = cJSON_GetObjectItemCaseSensitive(rec, "ceilings");
        copy_string(when, sizeof when, ceil, "measured");
        if (strcmp(when, out->calibrated) > 0) /* ISO 8601 sorts as text */
            snprintf(out->calibrated, sizeof out->calibrated, "%s", when);
    }
    return NULL;
}

static enum offload_status bad_input(const char *name, const char *problem, const char *fix)
{
    offload_error("%s: %s: %s\n", name, problem, fix);
    return OFFLOAD_ERR_USAGE;
}

static const char *const rerun_fix =
    "save a run with 'offload compare|run|sweep --format json --output FILE.json'";

/* The checks of the top level: a JSON export of a schema this build reads. */
static enum offload_status check_root(const char *text, const cJSON *root, const char *name,
                                      int *schema)
{
    if (!root) {
        while (isspace((unsigned char)*text))
            text++;
        if (strncmp(text, "schema_version,", 15) == 0)
            return bad_input(name, "this is a CSV export; report reads JSON exports",
                             "export the run again with --format json");
        return bad_input(name, "not JSON", rerun_fix);
    }
    const cJSON *tool = cJSON_GetObjectItemCaseSensitive(root, "tool");
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "schema_version");
    if (!cJSON_IsObject(root) || !cJSON_IsString(tool) || strcmp(tool->valuestring, "offload") ||
        !cJSON_IsNumber(version))
        return bad_input(name, "JSON, but not an offload export", rerun_fix);
    *schema = version->valueint;
    if (*schema < EXPORT_SCHEMA_OLDEST || *schema > EXPORT_SCHEMA_VERSION) {
        char problem[128];
        snprintf(problem, sizeof problem, "schema version %d; this offload reads %d to %d", *schema,
                 EXPORT_SCHEMA_OLDEST, EXPORT_SCHEMA_VERSION);
        return bad_input(name, problem,
                         *schema > EXPORT_SCHEMA_VERSION
                             ? "use the offload that wrote it, or a newer one"
                             : "export the run again with this offload");
    }
    if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "results")))
        return bad_input(name, "no \"results\" array", rerun_fix);
    return OFFLOAD_OK;
}

/* cJSON makes one node per value, each its own malloc and free: an export
 * of 40k rows is millions of them, most of `report`'s time. While an export
 * is parsed its nodes come from an arena, dropped in one go once the rows
 * are copied out. The loader runs on the main thread only; this is the one
 * mutable static of the file. */
#define ARENA_CHUNK_BYTES ((size_t)4 << 20)

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, size;
    max_align_t data[];
};

static struct arena_chunk *parse_arena;

static void *arena_alloc(size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (!parse_arena || parse_arena->size - parse_arena->used < n) {
        size_t size = n > ARENA_CHUNK_BYTES ? n : ARENA_CHUNK_BYTES;
        struct arena_chunk *c = malloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->next = parse_arena;
        c->used = 0;
        c->size = size;
        parse_arena = c;
    }
    void *p = (char *)parse_arena->data + parse_arena->used;
    parse_arena->used += n;
    return p;
}

static void arena_free(void *p)
{
    (void)p; /* everything goes at once, in arena_drop */
}

static void arena_drop(void)
{
    while (parse_arena) {
        struct arena_chunk *next = parse_arena->next;
        free(parse_arena);
        parse_arena = next;
    }
}

/* cJSON_Parse with its nodes in the arena; the tree is released by
 * arena_drop, never by cJSON_Delete. */
static cJSON *parse_in_arena(const char *text)
{
    cJSON_Hooks hooks = {.malloc_fn = arena_alloc, .free_fn = arena_free};
    cJSON_InitHooks(&hooks);
    cJSON *root = cJSON_Parse(text);
    cJSON_InitHooks(NULL); /* everything else uses malloc and free again */
    return root;
}

enum offload_status saved_run_parse(const char *text, const char *name, struct saved_run *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", name);
    cJSON *root = parse_in_arena(text);
    enum offload_status st = check_root(text, root, name, &out->schema);
    const cJSON *results = cJSON_GetObjectItemCaseSensitive(root, "results");
    size_t n = st == OFFLOAD_OK ? (size_t)cJSON_GetArraySize(results) : 0;
    if (st == OFFLOAD_OK && n == 0)
        st = bad_input(name, "the export holds no results", rerun_fix);
    if (st == OFFLOAD_OK && !(out->rows = calloc(n, sizeof *out->rows))) {
        offload_error("out of memory reading %s\n", name);
        st = OFFLOAD_ERR_RUN;
    }
    const cJSON *rec;
    size_t i = 0;
    const char *host_cpu = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "host"), "cpu"));
    if (st == OFFLOAD_OK) {
        cJSON_ArrayForEach(rec, results)
        {
            const char *wrong = parse_row(rec, host_cpu, &out->rows[out->count]);
            if (wrong) {
                char problem[160];
                snprintf(problem, sizeof problem, "result %zu: %s", i + 1, wrong);
                st = bad_input(name, problem, rerun_fix);
                break;
            }
            out->count++;
            i++;
        }
    }
    const char *wrong = st == OFFLOAD_OK ? parse_header(root, results, out) : NULL;
    if (wrong)
        st = bad_input(name, wrong, rerun_fix);
    arena_drop(); /* the tree: see parse_in_arena */
    if (st != OFFLOAD_OK)
        saved_run_free(out);
    return st;
}

enum offload_status saved_run_load(const char *path, struct saved_run *out)
{
    memset(out, 0, sizeof *out);
    char *text = read_whole_file(path, SAVED_MAX_BYTES, NULL);
    if (!text) {
        char problem[160];
        snprintf(problem, sizeof problem, "cannot read it (%s)", strerror(errno));
        return bad_input(path, problem,
                         errno == ENOENT ? "check the name, or save a run with 'offload compare "
                                           "--format json --output FILE.json'"
                                         : "name a JSON export file");
    }
    enum offload_status st = saved_run_parse(text, path, out);
    free(text);
    return st;
}

static void row_from_record(const struct result_record *rec, struct saved_row *r)
{
    const struct run_result *run = rec->run;
    memset(r, 0, sizeof *r);
    snprintf(r->kernel, sizeof r->kernel, "%s", kernel_name(rec->kernel));
    if (kernel_spec_of(rec->kernel)->source_hash)
        snprintf(r->source_hash, sizeof r->source_hash, "%s",
                 kernel_spec_of(rec->kernel)->source_hash);
    snprintf(r->algorithm, sizeof r->algorithm, "%s", algorithm_name(rec->alg));
    snprintf(r->backend, sizeof r->backend, "%s", rec->backend);
    snprintf(r->device, sizeof r->device, "%s", rec->info.device);
    snprintf(r->memory, sizeof r->memory, "%s",
             rec->has_memory ? memory_mode_name(rec->memory) : "-");
    r->on_device = rec->info.platform[0] != '\0';
    backend_kind(r->backend, r->kind, sizeof r->kind);
    snprintf(r->role, sizeof r->role, "%s",
             !r->on_device ? "host" : rec->info.device_role[0] ? rec->info.device_role : "device");
    r->size = rec->size;
    if (kernel_spec_of(rec->kernel)->input == INPUT_GENOTYPES) {
        r->rows = rec->rows;
        r->cols = rec->cols;
    }
    r->copy_in_s = run->stats[PHASE_COPY_IN].n ? run->stats[PHASE_COPY_IN].min : -1;
    r->kernel_s = run->stats[PHASE_KERNEL].min;
    r->copy_out_s = run->stats[PHASE_COPY_OUT].n ? run->stats[PHASE_COPY_OUT].min : -1;
    r->total_s = run->stats[PHASE_TOTAL].min;
    r->gbps = rec->analysis.gbps;
    r->gops = rec->analysis.gops;
    r->peak_gbps = rec->analysis.peak_gbps;
    r->peak_gops = rec->analysis.peak_gops;
    r->ops_per_byte = rec->analysis.ops_per_byte;
    snprintf(r->op_unit, sizeof r->op_unit, "%s", rec->analysis.work.op_unit);
    r->repeats = run->samples;
    r->busy = run->load.busy;
    snprintf(r->verdict, sizeof r->verdict, "%s", verdict_name(rec->analysis.verdict));
    snprintf(r->reason, sizeof r->reason, "%s", rec->analysis.reason);
    r->check_ok = run->check.ok;
}

enum offload_status saved_run_from_results(const struct result_set *set, const char *name,
                                           struct saved_run *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", name);
    out->schema = EXPORT_SCHEMA_VERSION;
    out->rows = calloc(set->count ? set->count : 1, sizeof *out->rows);
    if (!out->rows) {
        offload_error("out of memory\n");
        return OFFLOAD_ERR_RUN;
    }
    for (size_t i = 0; i < set->count; i++) {
        row_from_record(&set->items[i], &out->rows[out->count++]);
        const struct result_record *rec = &set->items[i];
        if (rec->has_ceilings && strcmp(rec->ceilings.measured, out->calibrated) > 0)
            snprintf(out->calibrated, sizeof out->calibrated, "%s", rec->ceilings.measured);
    }
    snprintf(out->command, sizeof out->command, "%s", set->count ? set->items[0].command : "?");
    snprintf(out->created, sizeof out->created, "now");
    struct provenance p;
    backend_provenance(&p);
    snprintf(out->cpu, sizeof out->cpu, "%s", p.cpu);
    snprintf(out->os, sizeof out->os, "%s", p.os);
    out->cores = p.cores;
    out->memory_bytes = p.memory_bytes;
    snprintf(out->build, sizeof out->build, "%s", p.build);
    snprintf(out->compiler, sizeof out->compiler, "%s", p.compiler);
    snprintf(out->git_commit, sizeof out->git_commit, "%s", p.git_commit);
    return OFFLOAD_OK;
}

void saved_run_free(struct saved_run *run)
{
    free(run->rows);
    run->rows = NULL;
    run->count = 0;
}

const char *saved_row_size(const struct saved_row *r, char *buf, size_t len)
{
    if (r->rows || r->cols)
        snprintf(buf, len, "%zu markers x %zu varieties", r->rows, r->cols);
    else
        snprintf(buf, len, "N = %zu", r->size);
    return buf;
}
