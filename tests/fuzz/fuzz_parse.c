/* libFuzzer target: the command-line number parsers. The bytes become a
 * NUL-terminated string (cut at the first NUL) handed to each parser with
 * a few range settings, including the extremes of each type. */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIST_CAP 16

/* Results must be in range and errors must say something. */
static void check(enum offload_status st, const char *err, int in_range)
{
    if (st == OFFLOAD_OK ? !in_range : err[0] == '\0')
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    char err[256];
    static const uint64_t count_ranges[][2] = {
        {1, UINT64_C(1) << 40}, {0, UINT64_MAX}, {1, 1000}, {UINT64_MAX, UINT64_MAX}};
    for (size_t i = 0; i < sizeof count_ranges / sizeof count_ranges[0]; i++) {
        uint64_t v = 0;
        err[0] = '\0';
        enum offload_status st =
            parse_count(s, count_ranges[i][0], count_ranges[i][1], &v, err, sizeof err);
        check(st, err, v >= count_ranges[i][0] && v <= count_ranges[i][1]);
    }

    static const long int_ranges[][2] = {{1, 4096}, {1, 1000}, {LONG_MIN, LONG_MAX}, {-5, -1}};
    for (size_t i = 0; i < sizeof int_ranges / sizeof int_ranges[0]; i++) {
        long v = 0;
        err[0] = '\0';
        enum offload_status st =
            parse_int(s, int_ranges[i][0], int_ranges[i][1], &v, err, sizeof err);
        check(st, err, v >= int_ranges[i][0] && v <= int_ranges[i][1]);
    }

    static const struct {
        double min, max;
        int min_exclusive;
    } double_ranges[] = {{0.0, 100.0, 1}, {0.0, 3600.0, 0}, {-1e308, 1e308, 0}};
    for (size_t i = 0; i < sizeof double_ranges / sizeof double_ranges[0]; i++) {
        double v = 0;
        err[0] = '\0';
        enum offload_status st = parse_double(s, double_ranges[i].min, double_ranges[i].max,
                                              double_ranges[i].min_exclusive, &v, err, sizeof err);
        check(st, err,
              v <= double_ranges[i].max &&
                  (double_ranges[i].min_exclusive ? v > double_ranges[i].min
                                                  : v >= double_ranges[i].min));
    }

    uint64_t counts[LIST_CAP];
    double doubles[LIST_CAP];
    size_t n = 0;
    err[0] = '\0';
    enum offload_status st =
        parse_count_list(s, 1, UINT64_C(1) << 40, counts, LIST_CAP, &n, err, sizeof err);
    check(st, err, n >= 1 && n <= LIST_CAP);
    err[0] = '\0';
    st = parse_double_list(s, 0.0, 100.0, 1, doubles, LIST_CAP, &n, err, sizeof err);
    check(st, err, n >= 1 && n <= LIST_CAP);

    /* A tiny error buffer must be safe too. */
    uint64_t v;
    char tiny[4];
    (void)parse_count(s, 1, 10, &v, tiny, sizeof tiny);
    free(s);
    return 0;
}
