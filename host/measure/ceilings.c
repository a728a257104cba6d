/* Ceilings cache and report. One JSON file per (backend, device, threads,
 * driver, build) under the cache directory, named BACKEND-<FNV-1a of the key>.json
 * and holding the key itself, so a hash collision or a renamed device reads
 * as a miss. Files are replaced atomically (temporary file + rename), so a
 * crash or a concurrent run never leaves half a file; anything unreadable,
 * from another schema or tool version, or with values outside physical
 * bounds (ceilings_plausible) is ignored and measured again. The cache
 * path is predictable, so another user may aim at it: the folder is made
 * 0700, entries are opened with O_NOFOLLOW and O_NONBLOCK, and anything
 * there that is not a regular file owned by this user is neither read,
 * followed nor replaced (read_private_file, write_file_private). Numbers are written with "%.17g"
 * (exact round trip, '.' whatever the locale) and parsed by cJSON, which handles the locale. */
#include "ceilings.h"
#include "fileio.h"
#include "message.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "provenance.h"
#include "timing.h"

/* A ceilings file is a few hundred bytes; anything huge is not ours. */
#define CACHE_FILE_MAX_BYTES (1u << 20)

#ifndef OFFLOAD_VERSION
#define OFFLOAD_VERSION "unknown"
#endif

/* Bump when the meaning of a field or the way it is measured changes.
 * 2: the key holds the build (native or portable, ISA level, build type);
 * read, f64->f32 mix and int8 compare ceilings. */
enum { CEILINGS_SCHEMA_VERSION = 3 }; /* 3: FMA throughput */

enum { MEMORY_MODE_COUNT = 3 }; /* entries of struct ceilings.transfer */

/* ---- paths -------------------------------------------------------------- */

const char *ceilings_cache_dir(char *buf, size_t len)
{
    const char *own = getenv("OFFLOAD_CACHE_DIR");
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (own && *own)
        n = snprintf(buf, len, "%s", own);
    else if (xdg && *xdg)
        n = snprintf(buf, len, "%s/offload", xdg);
    else if (home && *home)
        n = snprintf(buf, len, "%s/.cache/offload", home);
    else
        return NULL;
    return n >= 0 && (size_t)n < len ? buf : NULL;
}

/* 64-bit FNV-1a: short, stable across platforms, enough to tell keys apart
 * (the file repeats the key, so a collision is still caught). */
static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    return h;
}

const char *ceilings_cache_path(const char *backend, const struct backend_info *info, char *buf,
                                size_t len)
{
    return ceilings_cache_path_build(backend, info, provenance_build_key(), buf, len);
}

const char *ceilings_cache_path_build(const char *backend, const struct backend_info *info,
                                      const char *build, char *buf, size_t len)
{
    char dir[4096];
    if (!ceilings_cache_dir(dir, sizeof dir))
        return NULL;
    /* Newlines cannot appear in the fields, so the joined key is unambiguous. */
    char key[1200];
    snprintf(key, sizeof key, "%s\n%s\n%d\n%s\n%s", backend, info->device, info->threads,
             info->driver, build);
    int n = snprintf(buf, len, "%s/%s-%016" PRIx64 ".json", dir, backend, fnv1a64(key));
    return n >= 0 && (size_t)n < len ? buf : NULL;
}

/* mkdir -p: creates each missing component, private to this user (the
 * XDG base directory rule for cache folders). 1 on success. */
int ceilings_make_dir(const char *path)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp)
        return 0;
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
            return 0;
        *p = '/';
    }
    if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
        return 0;
    struct stat sb;
    return stat(tmp, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* ---- JSON ↔ struct ------------------------------------------------------ */

/* Field names in the file, per memory mode (as memory_mode_name()). */
static const char *const transfer_names[MEMORY_MODE_COUNT] = {
    [MEM_COPY] = "copy", [MEM_PINNED] = "pinned", [MEM_ZERO_COPY] = "zero-copy"};

/* cJSON prints 15 significant digits unless that differs by more than an
 * epsilon, so the last bit of a double can be lost; a cached value must read
 * back exactly. "%.17g" round-trips every double. Its decimal point is the
 * locale's: put '.' back in case an embedding program called setlocale. */
static cJSON *exact_number(double x)
{
    char text[64];
    snprintf(text, sizeof text, "%.17g", x);
    const char *point = localeconv()->decimal_point;
    if (point && point[0] && point[0] != '.' && point[1] == '\0') {
        char *p = strchr(text, point[0]);
        if (p)
            *p = '.';
    }
    return cJSON_CreateRaw(text);
}

static int add_exact_number(cJSON *obj, const char *name, double x)
{
    cJSON *item = exact_number(x);
    if (!item)
        return 0;
    if (!cJSON_AddItemToObject(obj, name, item)) {
        cJSON_Delete(item);
        return 0;
    }
    return 1;
}

static int rate_ok(double x)
{
    return isfinite(x) && x >= 0;
}

/* Values a measurement can produce: finite, non-negative, and a transfer is
 * either zero-copy (rates 0) or moves bytes at a positive rate. */
static int ceilings_sane(const struct ceilings *c)
{
    if (!rate_ok(c->stream_copy) || !rate_ok(c->stream_triad) || !rate_ok(c->stream_read) ||
        !rate_ok(c->convert_f64_f32) || !rate_ok(c->sqrt_f64) || !rate_ok(c->sqrt_f32) ||
        !rate_ok(c->compare_i8) || !rate_ok(c->fma_f32) || !rate_ok(c->fma_f64) ||
        !rate_ok(c->launch_latency))
        return 0;
    for (size_t m = 0; m < MEMORY_MODE_COUNT; m++) {
        if (!rate_ok(c->transfer[m].to_device) || !rate_ok(c->transfer[m].from_device))
            return 0;
        if (c->transfer[m].zero_copy != 0 && c->transfer[m].zero_copy != 1)
            return 0;
    }
    return 1;
}

/* Physical bounds of a ceiling, for values read from the cache (anyone may
 * have edited it) and before one is written: a bandwidth between 1 MB/s and
 * 100 TB/s, a rate above 0, a launch latency under a second. A fresh
 * measurement only has to be ceilings_sane (a simulator such as Oclgrind
 * measures far below these bounds), and is then not cached. */
#define BANDWIDTH_MIN 1e6
#define BANDWIDTH_MAX 1e14
#define LAUNCH_LATENCY_MAX 1.0

static int bandwidth_ok(double x)
{
    return x >= BANDWIDTH_MIN && x <= BANDWIDTH_MAX;
}

/* Ceilings a backend may leave unmeasured (0) or measure. */
static int optional_bandwidth_ok(double x)
{
    return x == 0 || bandwidth_ok(x);
}

static int positive_rate_ok(double x)
{
    return isfinite(x) && x > 0;
}

int ceilings_plausible(const struct ceilings *c)
{
    if (!ceilings_sane(c) || !bandwidth_ok(c->stream_copy) || !bandwidth_ok(c->stream_triad) ||
        !optional_bandwidth_ok(c->stream_read) || !optional_bandwidth_ok(c->convert_f64_f32) ||
        !positive_rate_ok(c->sqrt_f64) || !positive_rate_ok(c->sqrt_f32) ||
        !(c->launch_latency < LAUNCH_LATENCY_MAX))
        return 0;
    for (size_t m = 0; m < MEMORY_MODE_COUNT; m++) {
        double to = c->transfer[m].to_device, from = c->transfer[m].from_device;
        if (c->transfer[m].zero_copy) {
            if (to != 0 || from != 0)
                return 0;
            continue;
        }
        /* Copy mode always moves the bytes; the others may map them (0). */
        if (m == MEM_COPY ? !bandwidth_ok(to) || !bandwidth_ok(from)
                          : !optional_bandwidth_ok(to) || !optional_bandwidth_ok(from))
            return 0;
    }
    return 1;
}

static int get_number(const cJSON *obj, const char *name, double *out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsNumber(item))
        return 0;
    *out = item->valuedouble;
    return 1;
}

static int string_field_is(const cJSON *obj, const char *name, const char *want)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(item) && item->valuestring && strcmp(item->valuestring, want) == 0;
}

static int parse_ceilings(const cJSON *root, const char *backend, const struct backend_info *info,
                          const char *build, struct ceilings *out)
{
    double schema = 0, threads = 0;
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(root, "key");
    const cJSON *ceil = cJSON_GetObjectItemCaseSensitive(root, "ceilings");
    if (!get_number(root, "schema_version", &schema) || schema != CEILINGS_SCHEMA_VERSION ||
        !string_field_is(root, "tool_version", OFFLOAD_VERSION) || !cJSON_IsObject(key) ||
        !cJSON_IsObject(ceil))
        return 0;
    if (!string_field_is(key, "backend", backend) ||
        !string_field_is(key, "device", info->device) ||
        !string_field_is(key, "driver", info->driver) || !get_number(key, "threads", &threads) ||
        threads != info->threads || !string_field_is(key, "build", build))
        return 0;

    struct ceilings c = {0};
    const cJSON *measured = cJSON_GetObjectItemCaseSensitive(root, "measured");
    if (cJSON_IsString(measured) && measured->valuestring)
        snprintf(c.measured, sizeof c.measured, "%s", measured->valuestring);
    if (!get_number(ceil, "stream_copy_bytes_per_s", &c.stream_copy) ||
        !get_number(ceil, "stream_triad_bytes_per_s", &c.stream_triad) ||
        !get_number(ceil, "read_bytes_per_s", &c.stream_read) ||
        !get_number(ceil, "convert_f64_f32_bytes_per_s", &c.convert_f64_f32) ||
        !get_number(ceil, "sqrt_f64_per_s", &c.sqrt_f64) ||
        !get_number(ceil, "sqrt_f32_per_s", &c.sqrt_f32) ||
        !get_number(ceil, "compare_i8_per_s", &c.compare_i8) ||
        !get_number(ceil, "fma_f32_flops_per_s", &c.fma_f32) ||
        !get_number(ceil, "fma_f64_flops_per_s", &c.fma_f64) ||
        !get_number(ceil, "launch_latency_s", &c.launch_latency))
        return 0;
    const cJSON *transfer = cJSON_GetObjectItemCaseSensitive(ceil, "transfer");
    if (!cJSON_IsObject(transfer))
        return 0;
    for (size_t m = 0; m < MEMORY_MODE_COUNT; m++) {
        const cJSON *mode = cJSON_GetObjectItemCaseSensitive(transfer, transfer_names[m]);
        const cJSON *zero = cJSON_GetObjectItemCaseSensitive(mode, "zero_copy");
        if (!cJSON_IsObject(mode) || !cJSON_IsBool(zero) ||
            !get_number(mode, "to_device_bytes_per_s", &c.transfer[m].to_device) ||
            !get_number(mode, "from_device_bytes_per_s", &c.transfer[m].from_device))
            return 0;
        c.transfer[m].zero_copy = cJSON_IsTrue(zero);
    }
    if (!ceilings_plausible(&c))
        return 0;
    *out = c;
    return 1;
}

enum offload_status ceilings_load(const char *backend, const struct backend_info *info,
                                  struct ceilings *out)
{
    char path[4200];
    if (!ceilings_cache_path(backend, info, path, sizeof path))
        return OFFLOAD_UNAVAILABLE;
    char *text = read_private_file(path, CACHE_FILE_MAX_BYTES, NULL);
    if (!text) {
        /* Said once: every later run would otherwise repeat it. */
        static int warned = 0;
        if ((errno == EPERM || errno == ELOOP) && !warned) {
            warned = 1;
            offload_warning("ignoring %s: not a regular file owned by you (someone else's link, "
                            "FIFO or file); remove it\n",
                            path);
        }
        return OFFLOAD_UNAVAILABLE;
    }
    enum offload_status st = ceilings_parse(text, backend, info, out);
    free(text);
    return st;
}

enum offload_status ceilings_parse(const char *text, const char *backend,
                                   const struct backend_info *info, struct ceilings *out)
{
    return ceilings_parse_build(text, backend, info, provenance_build_key(), out);
}

enum offload_status ceilings_parse_build(const char *text, const char *backend,
                                         const struct backend_info *info, const char *build,
                                         struct ceilings *out)
{
    cJSON *root = cJSON_Parse(text);
    int ok = cJSON_IsObject(root) && parse_ceilings(root, backend, info, build, out);
    cJSON_Delete(root);
    return ok ? OFFLOAD_OK : OFFLOAD_UNAVAILABLE;
}

/* UTC time of measurement, ISO 8601. */
static void utc_now(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    if (now == (time_t)-1 || !gmtime_r(&now, &tm) ||
        strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, len, "unknown");
}

/* The JSON text of an entry; NULL when out of memory. */
static char *ceilings_to_json(const char *backend, const struct backend_info *info,
                              const struct ceilings *c)
{
    char measured[64];
    if (c->measured[0])
        snprintf(measured, sizeof measured, "%s", c->measured);
    else
        utc_now(measured, sizeof measured);
    /* Members in reading order: what wrote it, the key, then the values. */
    cJSON *root = cJSON_CreateObject();
    int ok = root && cJSON_AddNumberToObject(root, "schema_version", CEILINGS_SCHEMA_VERSION) &&
             cJSON_AddStringToObject(root, "tool", "offload") &&
             cJSON_AddStringToObject(root, "tool_version", OFFLOAD_VERSION) &&
             cJSON_AddStringToObject(root, "measured", measured);
    cJSON *key = ok ? cJSON_AddObjectToObject(root, "key") : NULL;
    cJSON *ceil = key ? cJSON_AddObjectToObject(root, "ceilings") : NULL;
    ok = ok && key && ceil && cJSON_AddStringToObject(key, "backend", backend) &&
         cJSON_AddStringToObject(key, "device", info->device) &&
         cJSON_AddNumberToObject(key, "threads", info->threads) &&
         cJSON_AddStringToObject(key, "driver", info->driver) &&
         cJSON_AddStringToObject(key, "build", provenance_build_key()) &&
         add_exact_number(ceil, "stream_copy_bytes_per_s", c->stream_copy) &&
         add_exact_number(ceil, "stream_triad_bytes_per_s", c->stream_triad) &&
         add_exact_number(ceil, "read_bytes_per_s", c->stream_read) &&
         add_exact_number(ceil, "convert_f64_f32_bytes_per_s", c->convert_f64_f32) &&
         add_exact_number(ceil, "sqrt_f64_per_s", c->sqrt_f64) &&
         add_exact_number(ceil, "sqrt_f32_per_s", c->sqrt_f32) &&
         add_exact_number(ceil, "compare_i8_per_s", c->compare_i8) &&
         add_exact_number(ceil, "fma_f32_flops_per_s", c->fma_f32) &&
         add_exact_number(ceil, "fma_f64_flops_per_s", c->fma_f64) &&
         add_exact_number(ceil, "launch_latency_s", c->launch_latency);
    cJSON *transfer = ok ? cJSON_AddObjectToObject(ceil, "transfer") : NULL;
    ok = ok && transfer;
    for (size_t m = 0; ok && m < MEMORY_MODE_COUNT; m++) {
        cJSON *mode = cJSON_AddObjectToObject(transfer, transfer_names[m]);
        ok = mode && add_exact_number(mode, "to_device_bytes_per_s", c->transfer[m].to_device) &&
             add_exact_number(mode, "from_device_bytes_per_s", c->transfer[m].from_device) &&
             cJSON_AddBoolToObject(mode, "zero_copy", c->transfer[m].zero_copy != 0);
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    return text;
}

static enum offload_status write_text(FILE *f, void *text)
{
    return fputs(text, f) >= 0 && fputc('\n', f) != EOF ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
}

/* Writes the entry; on failure returns 0 with the reason in why. */
static int store_entry(const char *backend, const struct backend_info *info,
                       const struct ceilings *c, char *why, size_t why_len)
{
    char dir[4096], path[4200];
    if (!ceilings_cache_dir(dir, sizeof dir) ||
        !ceilings_cache_path(backend, info, path, sizeof path)) {
        snprintf(why, why_len, "no cache directory: set OFFLOAD_CACHE_DIR, XDG_CACHE_HOME or HOME");
        return 0;
    }
    if (!ceilings_plausible(c)) {
        snprintf(why, why_len, "not caching ceilings outside physical bounds");
        return 0;
    }
    if (!ceilings_make_dir(dir)) {
        snprintf(why, why_len, "cannot create cache directory %s: %s", dir, strerror(errno));
        return 0;
    }
    char *text = ceilings_to_json(backend, info, c);
    if (!text) {
        snprintf(why, why_len, "out of memory writing the ceilings cache");
        return 0;
    }
    char err[4400];
    enum offload_status st = write_file_private(path, write_text, text, err, sizeof err);
    free(text);
    if (st != OFFLOAD_OK) {
        snprintf(why, why_len, "cache: %s", err);
        return 0;
    }
    return 1;
}

enum offload_status ceilings_store(const char *backend, const struct backend_info *info,
                                   const struct ceilings *c)
{
    char why[4600];
    if (store_entry(backend, info, c, why, sizeof why))
        return OFFLOAD_OK;
    offload_error("%s\n", why);
    return OFFLOAD_ERR_RUN;
}

/* ---- ceilings_get ------------------------------------------------------- */

enum offload_status ceilings_get(const struct backend_ops *ops, void *state,
                                 const struct backend_info *info, int recalibrate,
                                 struct ceilings *out, enum ceilings_source *source)
{
    /* One warning per process is enough when the cache is unusable: a
     * calibration of every backend would otherwise repeat it. */
    static int cache_warning_given = 0;

    enum ceilings_source ignored;
    source = source ? source : &ignored;
    *source = CEILINGS_MEASURED_NOT_SAVED;
    if (!recalibrate && ceilings_load(ops->name, info, out) == OFFLOAD_OK) {
        *source = CEILINGS_FROM_CACHE;
        return OFFLOAD_OK;
    }
    if (!ops->calibrate) {
        offload_error("backend %s cannot measure its ceilings\n", ops->name);
        return OFFLOAD_UNAVAILABLE;
    }
    struct ceilings measured = {0};
    enum offload_status st = ops->calibrate(state, &measured);
    if (st != OFFLOAD_OK)
        return st;
    utc_now(measured.measured, sizeof measured.measured);
    if (!ceilings_sane(&measured)) {
        offload_error("%s calibration gave impossible values\n", ops->name);
        return OFFLOAD_ERR_RUN;
    }
    *out = measured;
    if (calibrate_small())
        return OFFLOAD_OK; /* tiny sizes measure nothing worth keeping */

    char why[4600];
    if (store_entry(ops->name, info, &measured, why, sizeof why))
        *source = CEILINGS_MEASURED_SAVED;
    else if (!cache_warning_given) {
        cache_warning_given = 1;
        offload_warning("ceilings are not cached (%s); they will be measured again\n", why);
    }
    return OFFLOAD_OK;
}

/* ---- report ------------------------------------------------------------- */

static void print_transfer_direction(FILE *f, const char *dir, double rate)
{
    if (rate > 0)
        fprintf(f, "%s %.2f GB/s", dir, rate * 1e-9);
    else
        fprintf(f, "%s free (no bytes move)", dir);
}

void ceilings_print(FILE *f, const char *label, const struct backend_info *info,
                    const struct ceilings *c, enum ceilings_source source)
{
    fprintf(f, "%s ceilings on %s\n", label, info->device[0] ? info->device : "(unknown device)");
    if (info->driver[0])
        fprintf(f, "  driver            %s\n", info->driver);
    fprintf(f, "  memory bandwidth  copy %.2f GB/s, triad %.2f GB/s", c->stream_copy * 1e-9,
            c->stream_triad * 1e-9);
    if (c->stream_read > 0)
        fprintf(f, ", read %.2f GB/s", c->stream_read * 1e-9);
    if (c->convert_f64_f32 > 0)
        fprintf(f, ", f64->f32 %.2f GB/s", c->convert_f64_f32 * 1e-9);
    fprintf(f, "\n  sqrt throughput   f64 %.2f G/s, f32 %.2f G/s\n", c->sqrt_f64 * 1e-9,
            c->sqrt_f32 * 1e-9);
    if (c->compare_i8 > 0)
        fprintf(f, "  int8 compares     %.1f G pair compares/s\n", c->compare_i8 * 1e-9);
    if (c->fma_f32 > 0 || c->fma_f64 > 0)
        fprintf(f, "  FMA throughput    f32 %.1f GFLOP/s, f64 %.1f GFLOP/s (an FMA counts 2)\n",
                c->fma_f32 * 1e-9, c->fma_f64 * 1e-9);
    if (c->launch_latency > 0)
        fprintf(f, "  launch latency    %.1f us\n", c->launch_latency * 1e6);
    else
        fprintf(f, "  launch latency    none (runs on the host)\n");
    for (size_t m = 0; m < MEMORY_MODE_COUNT; m++) {
        fprintf(f, "  transfer %-9s ", transfer_names[m]);
        if (c->transfer[m].zero_copy) {
            fprintf(f, "zero-copy (no transfer)\n");
            continue;
        }
        print_transfer_direction(f, "to device", c->transfer[m].to_device);
        fprintf(f, ", ");
        print_transfer_direction(f, "from device", c->transfer[m].from_device);
        fprintf(f, "\n");
    }
    if (c->measured[0])
        fprintf(f, "  measured          %s, build %s\n", c->measured, provenance_build_key());
    char path[4200];
    const char *where = ceilings_cache_path(label, info, path, sizeof path);
    switch (source) {
    case CEILINGS_FROM_CACHE:
        fprintf(f, "  from the cache    %s\n", where ? where : "?");
        break;
    case CEILINGS_MEASURED_SAVED:
        fprintf(f, "  just measured     saved to %s\n", where ? where : "?");
        break;
    case CEILINGS_MEASURED_NOT_SAVED:
        fprintf(f, "  just measured     not cached\n");
        break;
    }
}
