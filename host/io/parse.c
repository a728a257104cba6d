#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int size_mul_fits(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return 0;
    *out = a * b;
    return 1;
}

/* Multiplier of a size suffix, 0 if the suffix is not one we know. */
static double count_suffix_multiplier(const char *suffix)
{
    static const struct {
        const char *text;
        double factor;
    } suffixes[] = {
        {"", 1.0},
        {"k", 1e3},
        {"K", 1e3},
        {"M", 1e6},
        {"G", 1e9},
        {"T", 1e12},
        {"Ki", 1024.0},
        {"Mi", 1048576.0},
        {"Gi", 1073741824.0},
        {"Ti", 1099511627776.0},
    };
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
        if (strcmp(suffix, suffixes[i].text) == 0)
            return suffixes[i].factor;
    return 0.0;
}

enum offload_status parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *err,
                                size_t errlen)
{
    if (s == NULL || *s == '\0' || isspace((unsigned char)*s) || *s == '-' || *s == '+') {
        snprintf(err, errlen, "'%s' is not a count: use a whole number such as 10000, 1e7 or 10M",
                 s ? s : "");
        return OFFLOAD_ERR_USAGE;
    }
    errno = 0;
    char *end = NULL;
    double value;
    /* Plain digits go through strtoull so that large counts stay exact. */
    size_t digits = strspn(s, "0123456789");
    if (s[digits] == '\0') {
        unsigned long long v = strtoull(s, &end, 10);
        if (errno == ERANGE || v > max || v < min) {
            snprintf(err, errlen, "count %s is out of range: use %llu to %llu", s,
                     (unsigned long long)min, (unsigned long long)max);
            return OFFLOAD_ERR_USAGE;
        }
        *out = v;
        return OFFLOAD_OK;
    }
    /* strtod also reads hexadecimal ("0x10"): counts are decimal only. */
    if (strpbrk(s, "xX")) {
        snprintf(err, errlen, "'%s' is not a count: use decimal digits such as 10000, 1e7 or 10M",
                 s);
        return OFFLOAD_ERR_USAGE;
    }
    value = strtod(s, &end);
    if (end == s || errno == ERANGE || !isfinite(value)) {
        snprintf(err, errlen, "'%s' is not a count: use a whole number such as 10000, 1e7 or 10M",
                 s);
        return OFFLOAD_ERR_USAGE;
    }
    double factor = count_suffix_multiplier(end);
    if (factor == 0.0) {
        snprintf(
            err, errlen,
            "'%s' has an unknown suffix '%s': use k, M, G, T (x1000) or Ki, Mi, Gi, Ti (x1024)", s,
            end);
        return OFFLOAD_ERR_USAGE;
    }
    value *= factor;
    if (value != floor(value)) {
        snprintf(err, errlen, "'%s' is not a whole number", s);
        return OFFLOAD_ERR_USAGE;
    }
    /* (double)max may round up (UINT64_MAX becomes 2^64, which does not
     * convert to uint64_t): bound the double first, then the integer. */
    if (value < (double)min || value > (double)max || value >= 0x1p64 || (uint64_t)value < min ||
        (uint64_t)value > max) {
        snprintf(err, errlen, "count %s is out of range: use %llu to %llu", s,
                 (unsigned long long)min, (unsigned long long)max);
        return OFFLOAD_ERR_USAGE;
    }
    *out = (uint64_t)value;
    return OFFLOAD_OK;
}

enum offload_status parse_int(const char *s, long min, long max, long *out, char *err,
                              size_t errlen)
{
    if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
        snprintf(err, errlen, "'%s' is not a whole number", s ? s : "");
        return OFFLOAD_ERR_USAGE;
    }
    errno = 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (*end != '\0') {
        snprintf(err, errlen, "'%s' is not a whole number", s);
        return OFFLOAD_ERR_USAGE;
    }
    if (errno == ERANGE || v < min || v > max) {
        snprintf(err, errlen, "%s is out of range: use %ld to %ld", s, min, max);
        return OFFLOAD_ERR_USAGE;
    }
    *out = v;
    return OFFLOAD_OK;
}

enum offload_status parse_double(const char *s, double min, double max, int min_exclusive,
                                 double *out, char *err, size_t errlen)
{
    if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
        snprintf(err, errlen, "'%s' is not a number", s ? s : "");
        return OFFLOAD_ERR_USAGE;
    }
    errno = 0;
    char *end = NULL;
    double v = strtod(s, &end);
    /* strtod also reads hexadecimal ("0x10" as 16): numbers are decimal. */
    if (end == s || *end != '\0' || !isfinite(v) || strpbrk(s, "xX")) {
        snprintf(err, errlen, "'%s' is not a number", s);
        return OFFLOAD_ERR_USAGE;
    }
    if (errno == ERANGE || v > max || v < min || (min_exclusive && v == min)) {
        snprintf(err, errlen, "%s is out of range: use a number %s %g and <= %g", s,
                 min_exclusive ? ">" : ">=", min, max);
        return OFFLOAD_ERR_USAGE;
    }
    *out = v;
    return OFFLOAD_OK;
}

/* Splits s at commas and hands each item to parse_item. */
static enum offload_status
parse_list(const char *s, size_t cap, size_t *count, char *err, size_t errlen,
           enum offload_status (*parse_item)(const char *item, size_t index, void *ctx, char *err,
                                             size_t errlen),
           void *ctx)
{
    *count = 0;
    if (s == NULL || *s == '\0') {
        snprintf(err, errlen, "empty list: give one value or several separated by commas");
        return OFFLOAD_ERR_USAGE;
    }
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (*count == cap) {
            snprintf(err, errlen, "list '%s' has more than %zu values", s, cap);
            return OFFLOAD_ERR_USAGE;
        }
        char item[64];
        if (len == 0 || len >= sizeof item) {
            snprintf(err, errlen, "list '%s' has an empty or overlong value", s);
            return OFFLOAD_ERR_USAGE;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        enum offload_status st = parse_item(item, *count, ctx, err, errlen);
        if (st != OFFLOAD_OK)
            return st;
        (*count)++;
        if (!comma)
            return OFFLOAD_OK;
        p = comma + 1;
    }
}

struct count_list_ctx {
    uint64_t min, max, *out;
};

static enum offload_status parse_count_item(const char *item, size_t index, void *ctx, char *err,
                                            size_t errlen)
{
    struct count_list_ctx *c = ctx;
    return parse_count(item, c->min, c->max, &c->out[index], err, errlen);
}

enum offload_status parse_count_list(const char *s, uint64_t min, uint64_t max, uint64_t *out,
                                     size_t cap, size_t *count, char *err, size_t errlen)
{
    struct count_list_ctx ctx = {min, max, out};
    return parse_list(s, cap, count, err, errlen, parse_count_item, &ctx);
}

struct double_list_ctx {
    double min, max;
    int min_exclusive;
    double *out;
};

static enum offload_status parse_double_item(const char *item, size_t index, void *ctx, char *err,
                                             size_t errlen)
{
    struct double_list_ctx *c = ctx;
    return parse_double(item, c->min, c->max, c->min_exclusive, &c->out[index], err, errlen);
}

enum offload_status parse_double_list(const char *s, double min, double max, int min_exclusive,
                                      double *out, size_t cap, size_t *count, char *err,
                                      size_t errlen)
{
    struct double_list_ctx ctx = {min, max, min_exclusive, out};
    return parse_list(s, cap, count, err, errlen, parse_double_item, &ctx);
}
