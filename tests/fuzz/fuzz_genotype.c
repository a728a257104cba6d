/* libFuzzer target: genotype_parse_buffer on arbitrary bytes. The first
 * byte picks --percent (1..100, plus a few fractional values); the rest is
 * the file. Warnings go to /dev/null so their formatting runs too. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "genotype.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static double percent_from_byte(uint8_t b)
{
    if (b < 200)
        return (double)(b % 100) + 1.0;      /* 1 .. 100 */
    return (double)(b - 199) / 7.0;          /* fractional, 0.14 .. 8.1 */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    struct genotype_load_options opt = genotype_default_options();
    opt.percent = percent_from_byte(data[0]);
    opt.warnings = devnull; /* NULL when /dev/null cannot be opened: no warnings */
    opt.max_warnings = 3;

    struct genotype_matrix m;
    char err[512];
    enum offload_status st = genotype_parse_buffer((const char *)data + 1, size - 1, "fuzz", &opt,
                                                   &m, err, sizeof err);
    if (st == OFFLOAD_OK)
        check_matrix(&m);
    else if (err[0] == '\0' || m.rows != 0 || m.calls != NULL)
        __builtin_trap(); /* failures must explain themselves and leave m empty */
    genotype_free(&m);
    return 0;
}
