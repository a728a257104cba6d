/* The link calibration's cache entry: one JSON file per job layout. */
#include "link_cache.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ceilings.h"
#include "fileio.h"
#include "message.h"
#include "provenance.h"

#define LINK_SCHEMA_VERSION 1
#define LINK_FILE_MAX_BYTES 65536

const char *link_cache_path(const char *layout, char *buf, size_t len)
{
    char dir[4096], key[1200];
    if (!ceilings_cache_dir(dir, sizeof dir))
        return NULL;
    snprintf(key, sizeof key, "%s\n%s", layout, provenance_build_key());
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a, as the ceilings' file names */
    for (const char *s = key; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    int n = snprintf(buf, len, "%s/link-%016" PRIx64 ".json", dir, h);
    return n >= 0 && (size_t)n < len ? buf : NULL;
}

static enum offload_status write_text(FILE *f, void *text)
{
    return fputs(text, f) >= 0 && fputc('\n', f) != EOF ? OFFLOAD_OK : OFFLOAD_ERR_RUN;
}

static char *link_to_json(const char *layout, const struct link_point *points, size_t count)
{
    char measured[32] = "unknown";
    time_t now = time(NULL);
    struct tm tm;
    if (now != (time_t)-1 && gmtime_r(&now, &tm))
        strftime(measured, sizeof measured, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON *root = cJSON_CreateObject();
    int ok = root && cJSON_AddNumberToObject(root, "schema_version", LINK_SCHEMA_VERSION) &&
             cJSON_AddStringToObject(root, "tool", "offload") &&
             cJSON_AddStringToObject(root, "tool_version", OFFLOAD_VERSION) &&
             cJSON_AddStringToObject(root, "measured", measured);
    cJSON *key = ok ? cJSON_AddObjectToObject(root, "key") : NULL;
    ok = key && cJSON_AddStringToObject(key, "layout", layout) &&
         cJSON_AddStringToObject(key, "build", provenance_build_key());
    cJSON *list = ok ? cJSON_AddArrayToObject(root, "points") : NULL;
    ok = ok && list;
    for (size_t i = 0; ok && i < count; i++) {
        cJSON *p = cJSON_CreateObject();
        ok = p && cJSON_AddItemToArray(list, p) &&
             cJSON_AddNumberToObject(p, "bytes", (double)points[i].bytes) &&
             cJSON_AddNumberToObject(p, "latency_s", points[i].latency_s) &&
             cJSON_AddNumberToObject(p, "to_last_bytes_per_s", points[i].to_last_bps) &&
             cJSON_AddNumberToObject(p, "from_last_bytes_per_s", points[i].from_last_bps);
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    return text;
}

enum offload_status link_cache_store(const char *layout, const struct link_point *points,
                                     size_t count)
{
    char dir[4096], path[4200], err[4400];
    if (!ceilings_cache_dir(dir, sizeof dir) || !link_cache_path(layout, path, sizeof path)) {
        offload_error("the link is not cached: no cache directory (set OFFLOAD_CACHE_DIR, "
                      "XDG_CACHE_HOME or HOME)\n");
        return OFFLOAD_ERR_RUN;
    }
    if (!ceilings_make_dir(dir)) {
        offload_error("the link is not cached: cannot create %s\n", dir);
        return OFFLOAD_ERR_RUN;
    }
    char *text = link_to_json(layout, points, count);
    enum offload_status st =
        text ? write_file_private(path, write_text, text, err, sizeof err) : OFFLOAD_ERR_RUN;
    if (!text)
        snprintf(err, sizeof err, "out of memory");
    free(text);
    if (st != OFFLOAD_OK)
        offload_error("the link is not cached: %s\n", err);
    return st;
}

static int number(const cJSON *o, const char *name, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return 0;
    *out = v->valuedouble;
    return 1;
}

/* One point, within physical bounds (a rate between 1 kB/s and 100 TB/s, a
 * latency above 0 and under 1 s). */
static int parse_point(const cJSON *p, struct link_point *out)
{
    double bytes, lat, to, from;
    if (!number(p, "bytes", &bytes) || !number(p, "latency_s", &lat) ||
        !number(p, "to_last_bytes_per_s", &to) || !number(p, "from_last_bytes_per_s", &from))
        return 0;
    if (bytes < 1 || bytes > 1e12 || !(lat > 0 && lat < 1) || !(to >= 1e3 && to <= 1e14) ||
        !(from >= 1e3 && from <= 1e14))
        return 0;
    *out = (struct link_point){(size_t)bytes, lat, to, from};
    return 1;
}

static int parse_link(const cJSON *root, const char *layout, struct link_calibration *out)
{
    double schema;
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(root, "key");
    const cJSON *lay = cJSON_GetObjectItemCaseSensitive(key, "layout");
    const cJSON *build = cJSON_GetObjectItemCaseSensitive(key, "build");
    const cJSON *measured = cJSON_GetObjectItemCaseSensitive(root, "measured");
    const cJSON *points = cJSON_GetObjectItemCaseSensitive(root, "points");
    if (!number(root, "schema_version", &schema) || schema != LINK_SCHEMA_VERSION ||
        !cJSON_IsString(lay) || strcmp(lay->valuestring, layout) != 0 ||
        !cJSON_IsString(build) || strcmp(build->valuestring, provenance_build_key()) != 0 ||
        !cJSON_IsArray(points))
        return 0;
    struct link_calibration c;
    memset(&c, 0, sizeof c);
    const cJSON *p;
    cJSON_ArrayForEach(p, points) {
        if (c.count == LINK_POINTS || !parse_point(p, &c.points[c.count]))
            return 0;
        c.count++;
    }
    if (c.count == 0)
        return 0;
    snprintf(c.measured, sizeof c.measured, "%s",
             cJSON_IsString(measured) ? measured->valuestring : "unknown");
    *out = c;
    return 1;
}

enum offload_status link_cache_parse(const char *text, const char *layout,
                                     struct link_calibration *out)
{
    cJSON *root = cJSON_Parse(text);
    int ok = cJSON_IsObject(root) && parse_link(root, layout, out);
    cJSON_Delete(root);
    return ok ? OFFLOAD_OK : OFFLOAD_UNAVAILABLE;
}

enum offload_status link_cache_load(const char *layout, struct link_calibration *out)
{
    char path[4200];
    if (!layout[0] || !link_cache_path(layout, path, sizeof path))
        return OFFLOAD_UNAVAILABLE;
    char *text = read_private_file(path, LINK_FILE_MAX_BYTES, NULL);
    if (!text)
        return OFFLOAD_UNAVAILABLE;
    enum offload_status st = link_cache_parse(text, layout, out);
    free(text);
    return st;
}

double link_rate_for(const struct link_calibration *c, double bytes, size_t *at)
{
    const struct link_point *best = NULL;
    for (size_t i = 0; i < c->count; i++) {
        const struct link_point *p = &c->points[i];
        if (!best || ((double)p->bytes <= bytes && p->bytes > best->bytes) ||
            ((double)best->bytes > bytes && p->bytes < best->bytes))
            best = p;
    }
    if (at)
        *at = best ? best->bytes : 0;
    if (!best)
        return 0;
    return best->to_last_bps > best->from_last_bps ? best->to_last_bps : best->from_last_bps;
}
