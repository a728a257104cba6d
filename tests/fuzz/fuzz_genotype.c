/* libFuzzer target: genotype_parse_buffer on arbitrary bytes. The first
 * byte picks --percent (1..100, plus a few fractional values); the rest is
 * the file. Each input is parsed as one chunk and as three (the parallel
 * path, run one chunk after another here), which must agree on the status,
 * the message, the warnings and the whole matrix. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genotype.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static double percent_from_byte(uint8_t b)
{
    if (b < 200)
        return (double)(b % 100) + 1.0; /* 1 .. 100 */
    return (double)(b - 199) / 7.0;     /* fractional, 0.14 .. 8.1 */
}

static void check_matrix(const struct genotype_matrix *m)
{
    /* Touch everything the caller would read: ASan sees any overrun. */
    volatile size_t sink = 0;
    for (size_t r = 0; r < m->rows; r++) {
        sink += strlen(m->row_ids[r]);
        for (size_t c = 0; c < m->cols; c++) {
            int8_t v = m->calls[r * m->cols + c];
            if (v != GENOTYPE_MISSING && (v < 0 || v > 2))
                __builtin_trap();
        }
    }
    for (size_t c = 0; c < m->cols; c++)
        sink += strlen(m->col_names[c]);
    if (m->rows == 0 || m->lines_kept > m->data_lines || m->rows > m->lines_kept)
        __builtin_trap();
    (void)sink;
}

/* One parse with its warnings captured; the matrix is left to the caller. */
struct parse {
    enum offload_status st;
    struct genotype_matrix m;
    char err[512];
    char *warnings;
    size_t warnings_len;
};

static void parse(const uint8_t *data, size_t size, unsigned threads, struct parse *p)
{
    struct genotype_load_options opt = genotype_default_options();
    opt.percent = percent_from_byte(data[0]);
    opt.max_warnings = 3;
    opt.threads = threads;
    p->warnings = NULL;
    opt.warnings = open_memstream(&p->warnings, &p->warnings_len); /* NULL: no warnings */
    p->st = genotype_parse_buffer((const char *)data + 1, size - 1, "fuzz", &opt, &p->m, p->err,
                                  sizeof p->err);
    if (opt.warnings)
        fclose(opt.warnings);
    if (p->st == OFFLOAD_OK)
        check_matrix(&p->m);
    else if (p->err[0] == '\0' || p->m.rows != 0 || p->m.calls != NULL)
        __builtin_trap(); /* failures must explain themselves and leave m empty */
}

static void check_same(const struct parse *a, const struct parse *b)
{
    const struct genotype_matrix *x = &a->m, *y = &b->m;
    if (a->st != b->st || strcmp(a->err, b->err) != 0 ||
        (a->warnings && b->warnings && strcmp(a->warnings, b->warnings) != 0))
        __builtin_trap();
    if (x->rows != y->rows || x->cols != y->cols || x->data_lines != y->data_lines ||
        x->lines_kept != y->lines_kept || x->rows_skipped != y->rows_skipped ||
        x->missing_calls != y->missing_calls || x->delimiter != y->delimiter ||
        (x->rows && memcmp(x->calls, y->calls, x->rows * x->cols) != 0))
        __builtin_trap();
    for (size_t r = 0; r < x->rows; r++)
        if (strcmp(x->row_ids[r], y->row_ids[r]) != 0)
            __builtin_trap();
    for (size_t c = 0; x->col_names && c < x->cols; c++)
        if (strcmp(x->col_names[c], y->col_names[c]) != 0)
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    struct parse one, three;
    parse(data, size, 1, &one);
    parse(data, size, 3, &three);
    check_same(&one, &three);
    genotype_free(&one.m);
    genotype_free(&three.m);
    free(one.warnings);
    free(three.warnings);
    return 0;
}
