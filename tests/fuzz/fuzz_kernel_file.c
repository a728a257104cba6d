/* libFuzzer target: the little languages of a user's kernel file, the
 * expressions in N, the --arg SPECs and the "// offload:" lines. The bytes
 * are used whole as a .cl file's text and, cut at the first NUL, as an
 * expression, a SPEC and "NAME=SPEC". */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An error must say something; a success must not leave one half-said. */
static void check(enum offload_status st, const char *err)
{
    if (st != OFFLOAD_OK && st != OFFLOAD_ERR_USAGE)
        __builtin_trap();
    if (st == OFFLOAD_ERR_USAGE && err[0] == '\0')
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[2048];
    char **words = NULL;
    int n = 0;
    err[0] = '\0';
    enum offload_status st = header_words((const char *)data, size, &words, &n, err, sizeof err);
    check(st, err);
    for (int i = 0; i < n; i++)
        if (strlen(words[i]) > size)
            __builtin_trap();
    free(words);

    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    static const int64_t ns[] = {0, 1, 1000, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        int64_t v;
        err[0] = '\0';
        check(expr_eval(s, ns[i], &v, err, sizeof err), err);
    }
    struct arg_spec spec;
    err[0] = '\0';
    check(arg_spec_parse(s, &spec, err, sizeof err), err);
    char name[ARG_NAME_MAX];
    err[0] = '\0';
    check(arg_option_parse(s, name, &spec, err, sizeof err), err);
    static const enum elem_type types[] = {ELEM_CHAR,  ELEM_UINT,  ELEM_LONG,
                                           ELEM_ULONG, ELEM_FLOAT, ELEM_DOUBLE};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        double f;
        int64_t v;
        err[0] = '\0';
        check(arg_value_eval(s, types[i], 1000, &f, &v, err, sizeof err), err);
    }
    free(s);
    return 0;
}
