/* Unit tests for the genotype table loader (host/io/genotype.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "genotype.h"

#ifndef OFFLOAD_SOURCE_DATA_DIR
#define OFFLOAD_SOURCE_DATA_DIR "data"
#endif

#define APPLE_CSV OFFLOAD_SOURCE_DATA_DIR "/AppleGenotypes.csv"

/* Warnings captured in memory so their text can be asserted. */
struct capture {
    FILE *fp;
    char *text;
    size_t len;
};

static void capture_open(struct capture *c)
{
    c->text = NULL;
    c->len = 0;
    c->fp = open_memstream(&c->text, &c->len);
    assert_non_null(c->fp);
}

/* Flushes and returns the text so far (owned by the capture). */
static const char *capture_text(struct capture *c)
{
    fflush(c->fp);
    return c->text ? c->text : "";
}

static void capture_close(struct capture *c)
{
    fclose(c->fp);
    free(c->text);
}

static size_t count_substr(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Parses a string with warnings into cap (may be NULL for none). */
static enum offload_status parse_str(const char *text, double percent, struct capture *cap,
                                     struct genotype_matrix *m, char *err, size_t errlen)
{
    struct genotype_load_options o = genotype_default_options();
    o.percent = percent;
    o.warnings = cap ? cap->fp : NULL;
    return genotype_parse_buffer(text, strlen(text), "t.csv", &o, m, err, errlen);
}

static int8_t at(const struct genotype_matrix *m, size_t r, size_t c)
{
    return m->calls[r * m->cols + c];
}

/* The project's scoring rule: pairs i<j of columns with both calls known and
 * different; the first row with the highest score wins. */
static void best_score(const struct genotype_matrix *m, int64_t *best, size_t *best_row)
{
    *best = -1;
    *best_row = 0;
    for (size_t r = 0; r < m->rows; r++) {
        const int8_t *row = m->calls + r * m->cols;
        int64_t s = 0;
        for (size_t i = 0; i < m->cols; i++) {
            if (row[i] < 0)
                continue;
            for (size_t j = i + 1; j < m->cols; j++)
                s += row[j] >= 0 && row[j] != row[i];
        }
        if (s > *best) {
            *best = s;
            *best_row = r;
        }
    }
}

/* Writes content (len bytes) to a fresh temporary file; path must hold 64. */
static void write_temp(char *path, const char *content, size_t len)
{
    strcpy(path, "/tmp/test_genotype_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(content, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* ---- real data ---------------------------------------------------------- */

static void test_apple_full(void **state)
{
    (void)state;
    struct genotype_matrix m;
    char err[512];
    struct genotype_load_options o = genotype_default_options();
    struct capture cap;
    capture_open(&cap);
    o.warnings = cap.fp;
    assert_int_equal(genotype_load_file(APPLE_CSV, &o, &m, err, sizeof err), OFFLOAD_OK);
    /* 1287 physical lines (1286 newlines, no final one): header + 1286 markers. */
    assert_int_equal(m.rows, 1286);
    assert_int_equal(m.cols, 260);
    assert_int_equal(m.data_lines, 1286);
    assert_int_equal(m.lines_kept, 1286);
    assert_int_equal(m.rows_skipped, 0);
    assert_int_equal(m.delimiter, ',');
    /* -1 (810), C/G (1), T/C (2) are missing. */
    assert_int_equal(m.missing_calls, 813);
    assert_string_equal(m.col_names[0], "Exeter Cross_2291");
    assert_string_equal(m.col_names[1], "Michelin");
    assert_string_equal(m.col_names[17], "Cheddar Cross_2264"); /* trailing space trimmed */
    assert_string_equal(capture_text(&cap), "");

    int64_t best;
    size_t row;
    best_score(&m, &best, &row);
    assert_int_equal(best, 21931);
    assert_string_equal(m.row_ids[row], "MDC054122.001_13602");
    genotype_free(&m);
    genotype_free(&m); /* twice is safe */
    assert_null(m.calls);
    assert_int_equal(m.rows, 0);
    capture_close(&cap);
}

static void test_apple_5_percent(void **state)
{
    (void)state;
    struct genotype_matrix m;
    char err[512];
    struct genotype_load_options o = genotype_default_options();
    o.percent = 5;
    o.warnings = NULL;
    assert_int_equal(genotype_load_file(APPLE_CSV, &o, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.data_lines, 1286);
    assert_int_equal(m.lines_kept, 64); /* floor(1286 * 0.05) = floor(64.3) */
    assert_int_equal(m.rows, 64);
    assert_int_equal(m.cols, 260);
    int64_t best;
    size_t row;
    best_score(&m, &best, &row);
    assert_int_equal(best, 21439);
    assert_string_equal(m.row_ids[row], "MDC053363.000_9241");
    genotype_free(&m);
}

/* ---- formats ------------------------------------------------------------ */

static void check_small(const struct genotype_matrix *m)
{
    assert_int_equal(m->rows, 2);
    assert_int_equal(m->cols, 3);
    assert_string_equal(m->col_names[0], "v1");
    assert_string_equal(m->col_names[1], "Var Two");
    assert_string_equal(m->col_names[2], "v3");
    assert_string_equal(m->row_ids[0], "m1");
    assert_string_equal(m->row_ids[1], "m2");
    assert_int_equal(at(m, 0, 0), 0);
    assert_int_equal(at(m, 0, 1), 1);
    assert_int_equal(at(m, 0, 2), 2);
    assert_int_equal(at(m, 1, 0), 2);
    assert_int_equal(at(m, 1, 1), GENOTYPE_MISSING);
    assert_int_equal(at(m, 1, 2), 0);
    assert_int_equal(m->missing_calls, 1);
}

static void test_line_endings(void **state)
{
    (void)state;
    static const char *variants[] = {
        "code,v1,Var Two,v3\nm1,0,1,2\nm2,2,-1,0\n",       /* LF */
        "code,v1,Var Two,v3\r\nm1,0,1,2\r\nm2,2,-1,0\r\n", /* CRLF */
        "code,v1,Var Two,v3\r\nm1,0,1,2\r\nm2,2,-1,0",     /* CRLF, no final newline */
        "code,v1,Var Two,v3\nm1,0,1,2\nm2,2,-1,0",         /* LF, no final newline */
        "code , v1 ,Var Two  , v3 \r\n m1 ,0 , 1,2  \r\nm2,\t2,-1 ,0 \r\n", /* spaces */
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        struct genotype_matrix m;
        char err[256];
        assert_int_equal(parse_str(variants[i], 100, NULL, &m, err, sizeof err), OFFLOAD_OK);
        assert_int_equal(m.delimiter, ',');
        check_small(&m);
        genotype_free(&m);
    }
}

static void test_tab_delimited(void **state)
{
    (void)state;
    struct genotype_matrix m;
    char err[256];
    const char *t = "code\tv1\tVar Two\tv3\r\nm1\t0\t1 \t2\nm2\t 2\tNA\t0";
    assert_int_equal(parse_str(t, 100, NULL, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.delimiter, '\t');
    check_small(&m);
    genotype_free(&m);
}

static void test_space_delimited(void **state)
{
    (void)state;
    struct genotype_matrix m;
    char err[256];
    const char *t = "  code   a  b c \r\n m1 0   1 2\r\nm2  2 x  0  \n";
    assert_int_equal(parse_str(t, 100, NULL, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.delimiter, ' ');
    assert_int_equal(m.rows, 2);
    assert_int_equal(m.cols, 3);
    assert_string_equal(m.col_names[0], "a");
    assert_string_equal(m.col_names[2], "c");
    assert_string_equal(m.row_ids[0], "m1");
    assert_int_equal(at(&m, 0, 2), 2);
    assert_int_equal(at(&m, 1, 1), GENOTYPE_MISSING);
    assert_int_equal(at(&m, 1, 2), 0);
    genotype_free(&m);
}

static void test_letter_calls(void **state)
{
    (void)state;
    struct genotype_matrix m;
    char err[256];
    const char *t = "code,a,b,c,d,e,f\nm1,A,AB,B,a,ab,b\nm2,Ab,aB,BA,AA,ABB,C\n";
    assert_int_equal(parse_str(t, 100, NULL, &m, err, sizeof err), OFFLOAD_OK);
    const int8_t want0[] = {0, 1, 2, 0, 1, 2};
    const int8_t want1[] = {1, 1, -1, -1, -1, -1};
    for (size_t c = 0; c < 6; c++) {
        assert_int_equal(at(&m, 0, c), want0[c]);
        assert_int_equal(at(&m, 1, c), want1[c]);
    }
    assert_int_equal(m.missing_calls, 4);
    genotype_free(&m);
}

static void test_invalid_calls_missing(void **state)
{
    (void)state;
    struct genotype_matrix m;
    char err[256];
    const char *t =
        "code,a,b,c,d,e,f,g,h,i,j\nm1,-1,,NA,C/G,T/C,3,01,1.0, ,+1\nm2,0,1,2,0,1,2,0,1,2,0\n";
    assert_int_equal(parse_str(t, 100, NULL, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.rows, 2);
    for (size_t c = 0; c < 10; c++)
        assert_int_equal(at(&m, 0, c), GENOTYPE_MISSING);
    assert_int_equal(at(&m, 1, 9), 0);
    assert_int_equal(m.missing_calls, 10);
    genotype_free(&m);
}

static void test_blank_lines(void **state)
{
    (void)state;
    struct genotype_matrix m;
    char err[256];
    /* Blank lines, including whitespace-only ones, are not data lines. */
    const char *t = "\n  \r\ncode,a,b\r\n\r\nm1,0,1\r\n \t \r\n\r\nm2,1,2\r\n\r\n";
    assert_int_equal(parse_str(t, 100, NULL, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.data_lines, 2);
    assert_int_equal(m.lines_kept, 2);
    assert_int_equal(m.rows, 2);
    assert_string_equal(m.row_ids[1], "m2");
    genotype_free(&m);

    /* 50 % of 2 non-blank lines is 1, however many blank lines come first. */
    assert_int_equal(parse_str(t, 50, NULL, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.lines_kept, 1);
    assert_int_equal(m.rows, 1);
    assert_string_equal(m.row_ids[0], "m1");
    genotype_free(&m);
}

static void test_duplicate_names_allowed(void **state)
{
    (void)state;
    struct genotype_matrix m;
    char err[256];
    assert_int_equal(parse_str("code,x,x,y\nm,0,1,2\n", 100, NULL, &m, err, sizeof err),
                     OFFLOAD_OK);
    assert_int_equal(m.cols, 3);
    assert_string_equal(m.col_names[0], "x");
    assert_string_equal(m.col_names[1], "x");
    genotype_free(&m);
}

/* ---- skipped rows and warnings ------------------------------------------ */

static void test_wrong_field_count(void **state)
{
    (void)state;
    struct genotype_matrix m;
    char err[256];
    struct capture cap;
    capture_open(&cap);
    const char *t = "code,a,b,c\r\n" /* line 1 */
                    "m1,0,1,2\r\n"   /* 2 */
                    "\r\n"           /* 3: blank */
                    "m2,0,1\r\n"     /* 4: 3 fields */
                    "m3,0,1,2\r\n"   /* 5 */
                    "m4,0,1,2,0\r\n" /* 6: 5 fields */
                    "m5,1,1,1";      /* 7 */
    assert_int_equal(parse_str(t, 100, &cap, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.data_lines, 5);
    assert_int_equal(m.lines_kept, 5);
    assert_int_equal(m.rows_skipped, 2);
    assert_int_equal(m.rows, 3);
    assert_string_equal(m.row_ids[0], "m1");
    assert_string_equal(m.row_ids[1], "m3");
    assert_string_equal(m.row_ids[2], "m5");
    assert_int_equal(at(&m, 2, 2), 1);
    assert_string_equal(
        capture_text(&cap),
        "offload: warning: t.csv:4: 3 fields, expected 4 (header has 3 varieties); row skipped\n"
        "offload: warning: t.csv:6: 5 fields, expected 4 (header has 3 varieties); row skipped\n");
    genotype_free(&m);
    capture_close(&cap);
}

static void test_warning_limit_and_summary(void **state)
{
    (void)state;
    /* 30 bad rows between good ones: 10 printed, then one summary line. */
    char t[4096];
    size_t n = (size_t)snprintf(t, sizeof t, "code,a,b\n");
    for (int i = 0; i < 30; i++)
        n += (size_t)snprintf(t + n, sizeof t - n, "g%d,0,1\nb%d,0\n", i, i);
    struct genotype_matrix m;
    char err[256];
    struct capture cap;
    capture_open(&cap);
    assert_int_equal(parse_str(t, 100, &cap, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.rows, 30);
    assert_int_equal(m.rows_skipped, 30);
    const char *w = capture_text(&cap);
    assert_int_equal(count_substr(w, "row skipped\n"), 10);
    assert_non_null(strstr(
        w, "warning: t.csv:3: 2 fields, expected 3 (header has 2 varieties); row skipped\n"));
    assert_non_null(strstr(w, "warning: t.csv:21: 2 fields"));
    assert_null(strstr(w, "warning: t.csv:23:"));
    assert_non_null(strstr(w, "warning: t.csv: 20 more rows skipped for a wrong field count\n"));
    genotype_free(&m);
    capture_close(&cap);

    /* max_warnings 0: only the summary. */
    struct genotype_load_options o = genotype_default_options();
    capture_open(&cap);
    o.warnings = cap.fp;
    o.max_warnings = 0;
    assert_int_equal(genotype_parse_buffer(t, n, "t.csv", &o, &m, err, sizeof err), OFFLOAD_OK);
    assert_string_equal(capture_text(&cap),
                        "offload: warning: t.csv: 30 more rows skipped for a wrong field count\n");
    genotype_free(&m);
    capture_close(&cap);
}

static void test_skips_only_within_kept_lines(void **state)
{
    (void)state;
    /* A bad line beyond the --percent cut is never looked at. */
    struct genotype_matrix m;
    char err[256];
    struct capture cap;
    capture_open(&cap);
    assert_int_equal(parse_str("code,a\nm1,0\nm2,1\nbad\nm4,1\n", 50, &cap, &m, err, sizeof err),
                     OFFLOAD_OK);
    assert_int_equal(m.lines_kept, 2);
    assert_int_equal(m.rows, 2);
    assert_int_equal(m.rows_skipped, 0);
    assert_string_equal(capture_text(&cap), "");
    genotype_free(&m);
    capture_close(&cap);
}

static void test_duplicate_ids(void **state)
{
    (void)state;
    struct genotype_matrix m;
    char err[256];
    struct capture cap;
    capture_open(&cap);
    const char *t = "code,a\n" /* 1 */
                    "x,0\n"    /* 2 */
                    "y,1\n"    /* 3 */
                    "z,2\n"    /* 4 */
                    "y,0\n"    /* 5: first repeat */
                    "x,1\n"    /* 6 */
                    "y,2\n"    /* 7 */
                    "w,2\n"    /* 8 */
                    "w,1\n";   /* 9 */
    assert_int_equal(parse_str(t, 100, &cap, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.rows, 8); /* all kept */
    assert_string_equal(m.row_ids[3], "y");
    assert_int_equal(at(&m, 3, 0), 0);
    const char *w = capture_text(&cap);
    assert_int_equal(count_substr(w, "warning:"), 1);
    assert_non_null(
        strstr(w, "warning: t.csv: 3 marker ids appear more than once (first: y at line 5"));
    assert_non_null(strstr(w, "rows are kept and reported by position"));
    genotype_free(&m);
    capture_close(&cap);

    /* Unique ids (even with a shared prefix) warn nothing. */
    capture_open(&cap);
    assert_int_equal(parse_str("code,a\nab,0\na,1\nabc,2\n", 100, &cap, &m, err, sizeof err),
                     OFFLOAD_OK);
    assert_string_equal(capture_text(&cap), "");
    genotype_free(&m);
    capture_close(&cap);

    /* warnings == NULL prints nothing and still loads. */
    assert_int_equal(parse_str(t, 100, NULL, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.rows, 8);
    genotype_free(&m);
}

/* ---- percent ------------------------------------------------------------ */

static void test_percent_rounding(void **state)
{
    (void)state;
    struct genotype_matrix m;
    char err[256];
    const char *t3 = "code,a\nm1,0\nm2,1\nm3,2\n";
    struct {
        double pct;
        size_t kept;
    } cases[] = {
        {50, 1}, {66.7, 2}, {100, 3}, {99.99, 2}, {33.34, 1}, {66.6666666666666714, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(parse_str(t3, cases[i].pct, NULL, &m, err, sizeof err), OFFLOAD_OK);
        assert_int_equal(m.lines_kept, cases[i].kept);
        assert_int_equal(m.rows, cases[i].kept);
        genotype_free(&m);
    }

    /* Values that are integers on paper must not round down in double. */
    char big[64 * 1024];
    size_t n = (size_t)snprintf(big, sizeof big, "code,a\n");
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "m%d,1\n", i);
    const double pcts[] = {100, 29, 57, 58, 7, 0.1, 14, 28, 56, 70};
    for (size_t i = 0; i < sizeof pcts / sizeof pcts[0]; i++) {
        struct genotype_load_options o = genotype_default_options();
        o.percent = pcts[i];
        o.warnings = NULL;
        assert_int_equal(genotype_parse_buffer(big, n, "big", &o, &m, err, sizeof err), OFFLOAD_OK);
        assert_int_equal(m.lines_kept, (size_t)(pcts[i] * 10 + 0.5));
        genotype_free(&m);
    }
}

static void test_percent_errors(void **state)
{
    (void)state;
    struct genotype_matrix m;
    char err[256];
    const char *t3 = "code,a\nm1,0\nm2,1\nm3,2\n";

    assert_int_equal(parse_str(t3, 10, NULL, &m, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(
        strstr(err, "t.csv: --percent 10 keeps 0 of 3 data lines; use at least 33.334%"));
    assert_null(m.calls);
    assert_null(m.row_ids);
    assert_int_equal(m.rows, 0);

    /* The suggested percentage really keeps a line. */
    assert_int_equal(parse_str(t3, 33.334, NULL, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.rows, 1);
    genotype_free(&m);

    const double bad[] = {0, -5, 100.001, 1e300, NAN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse_str(t3, bad[i], NULL, &m, err, sizeof err), OFFLOAD_ERR_USAGE);
        assert_non_null(strstr(err, "t.csv: --percent"));
        assert_non_null(strstr(err, "out of range"));
        assert_null(m.calls);
    }
}

/* ---- errors ------------------------------------------------------------- */

static void expect_error(const char *text, size_t len, const char *phrase)
{
    struct genotype_matrix m;
    char err[512];
    struct genotype_load_options o = genotype_default_options();
    o.warnings = NULL;
    memset(&m, 0x5a, sizeof m); /* garbage in must not matter */
    assert_int_equal(genotype_parse_buffer(text, len, "t.csv", &o, &m, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    if (!strstr(err, phrase))
        fail_msg("error \"%s\" lacks \"%s\"", err, phrase);
    assert_true(strncmp(err, "t.csv", 5) == 0);
    assert_null(m.calls);
    assert_null(m.row_ids);
    assert_null(m.col_names);
    assert_int_equal(m.rows, 0);
    assert_int_equal(m.cols, 0);
    genotype_free(&m);
}

static void expect_error_str(const char *text, const char *phrase)
{
    expect_error(text, strlen(text), phrase);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error_str("", "t.csv: empty file");
    expect_error(NULL, 0, "empty file");
    expect_error_str("  \r\n\n\t\n", "empty file");
    expect_error_str("code,a,b\n", "no data lines after the header");
    expect_error_str("code,a,b", "no data lines");
    expect_error_str("code,a,b\r\n\r\n  \r\n", "no data lines");
    expect_error_str("code\nm1\nm2\n", "t.csv:1: header has no variety columns");
    expect_error_str("\n\ncode \r\nm1\n", "t.csv:3: header has no variety columns");

    const char nul[] = "code,a\nm1,0\nm2,\0\n";
    expect_error(nul, sizeof nul - 1,
                 "t.csv:3: contains a NUL byte: this is not a text genotype table");

    expect_error("code,a,b\nm1,0\nm2,1\n", 19,
                 "t.csv: no usable rows: all 2 kept lines have the wrong field count; "
                 "check the delimiter (detected: comma)");
    expect_error_str("code\ta\tb\nm1,0,1\n", "check the delimiter (detected: tab)");
    expect_error_str("code a b\nm1,0,1\n", "check the delimiter (detected: whitespace)");
}

static void test_all_skipped_warns_too(void **state)
{
    (void)state;
    struct genotype_matrix m;
    char err[256];
    struct capture cap;
    capture_open(&cap);
    assert_int_equal(parse_str("code;a;b\nm1;0;1\n", 100, &cap, &m, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "header has no variety columns"));
    assert_int_equal(parse_str("code,a,b\nm1;0;1\nm2;1;1\n", 100, &cap, &m, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "all 2 kept lines"));
    assert_non_null(strstr(capture_text(&cap), "warning: t.csv:2: 1 field, expected 3"));
    assert_non_null(strstr(capture_text(&cap), "warning: t.csv:3: 1 field, expected 3"));
    capture_close(&cap);

    /* A wide header over many wrongly delimited lines (200k x 20k calls)
     * fails as "no usable rows" without first allocating the full matrix. */
    const size_t wide = 200000, lines = 20000;
    size_t len = 4 + 2 * wide + 1 + lines * 4;
    char *t = malloc(len + 1);
    assert_non_null(t);
    char *p = t;
    memcpy(p, "code", 4);
    p += 4;
    for (size_t i = 0; i < wide; i++, p += 2)
        memcpy(p, ",v", 2);
    *p++ = '\n';
    for (size_t i = 0; i < lines; i++, p += 4)
        memcpy(p, "m;0\n", 4);
    assert_int_equal((size_t)(p - t), len);
    struct genotype_load_options o = genotype_default_options();
    o.warnings = NULL;
    assert_int_equal(genotype_parse_buffer(t, len, "t.csv", &o, &m, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "all 20000 kept lines have the wrong field count"));
    free(t);
}

/* ---- size and garbage --------------------------------------------------- */

static void test_huge_line(void **state)
{
    (void)state;
    const size_t big = (size_t)200 << 20;
    const char head[] = "code,a,b\nm1,0,1\n";
    const char tail[] = "\nm3,2,2\n";
    size_t len = sizeof head - 1 + big + sizeof tail - 1;
    char *buf = malloc(len);
    assert_non_null(buf);
    memcpy(buf, head, sizeof head - 1);
    char *line = buf + sizeof head - 1;
    memcpy(buf + sizeof head - 1 + big, tail, sizeof tail - 1);

    struct genotype_matrix m;
    char err[256];
    struct genotype_load_options o = genotype_default_options();
    o.warnings = NULL;

    /* One 200 MB field: a row with the wrong field count. */
    memset(line, 'x', big);
    assert_int_equal(genotype_parse_buffer(buf, len, "big", &o, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.rows, 2);
    assert_int_equal(m.rows_skipped, 1);
    genotype_free(&m);

    /* 200 MB of commas: 200M+1 fields, counted in one pass. */
    memset(line, ',', big);
    assert_int_equal(genotype_parse_buffer(buf, len, "big", &o, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.rows_skipped, 1);
    genotype_free(&m);

    /* A 200 MB marker id with the right field count is kept whole. */
    memset(line, 'y', big);
    memcpy(line + big - 4, ",1,2", 4);
    assert_int_equal(genotype_parse_buffer(buf, len, "big", &o, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.rows, 3);
    assert_int_equal(strlen(m.row_ids[1]), big - 4);
    assert_int_equal(at(&m, 1, 1), 2);
    genotype_free(&m);

    /* The slower per-byte paths get 16 MB to keep the test quick: a long
     * line of blanks is a blank line... */
    const size_t mid = (size_t)16 << 20;
    memset(line, ' ', mid);
    memcpy(line + mid, tail, sizeof tail - 1);
    len = sizeof head - 1 + mid + sizeof tail - 1;
    assert_int_equal(genotype_parse_buffer(buf, len, "big", &o, &m, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(m.data_lines, 2);
    genotype_free(&m);

    /* ...and a long header without delimiters has no variety columns. */
    memset(buf, 'h', mid);
    assert_int_equal(genotype_parse_buffer(buf, mid, "big", &o, &m, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "no variety columns"));
    free(buf);
}

static void test_binary_garbage(void **state)
{
    (void)state;
    const size_t len = 1 << 20;
    char *buf = malloc(len);
    assert_non_null(buf);
    uint32_t x = 12345;
    for (size_t i = 0; i < len; i++) {
        x = x * 1664525u + 1013904223u;
        buf[i] = (char)(x >> 24);
    }
    struct genotype_matrix m;
    char err[256];
    struct genotype_load_options o = genotype_default_options();
    o.warnings = NULL;
    assert_int_equal(genotype_parse_buffer(buf, len, "bin", &o, &m, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "contains a NUL byte"));

    /* Without NULs, garbage must parse to something consistent or fail cleanly. */
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '\0')
            buf[i] = 1;
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 1) /* many short lines */
            for (size_t i = 0; i < len; i += 37)
                buf[i] = '\n';
        if (pass == 2) /* and commas in the header */
            for (size_t i = 0; i < len; i += 5)
                buf[i] = ',';
        enum offload_status s = genotype_parse_buffer(buf, len, "bin", &o, &m, err, sizeof err);
        assert_true(s == OFFLOAD_OK || s == OFFLOAD_ERR_USAGE);
        if (s == OFFLOAD_OK) {
            assert_true(m.rows >= 1);
            assert_int_equal(m.rows + m.rows_skipped, m.lines_kept);
            for (size_t i = 0; i < m.rows * m.cols; i++)
                assert_true(m.calls[i] >= -1 && m.calls[i] <= 2);
        } else {
            assert_null(m.calls);
        }
        genotype_free(&m);
    }
    free(buf);
}

/* ---- files -------------------------------------------------------------- */

static void test_load_file_variants(void **state)
{
    (void)state;
    static const char *variants[] = {
        "code,v1,Var Two,v3\r\nm1,0,1,2\r\nm2,2,-1,0",
        "code,v1,Var Two,v3\nm1,0,1,2\nm2,2,-1,0\n",
        "code\tv1\tVar Two\tv3\nm1\tA\tAB\tb\nm2\tB\t\ta\n",
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        char path[64];
        write_temp(path, variants[i], strlen(variants[i]));
        struct genotype_matrix m;
        char err[256];
        struct genotype_load_options o = genotype_default_options();
        o.warnings = NULL;
        assert_int_equal(genotype_load_file(path, &o, &m, err, sizeof err), OFFLOAD_OK);
        check_small(&m);
        genotype_free(&m);
        unlink(path);
    }
}

static void test_load_file_warnings_name_path(void **state)
{
    (void)state;
    char path[64];
    const char *t = "code,a,b\nm1,0,1\nm2,0\nm1,1,1\n";
    write_temp(path, t, strlen(t));
    struct genotype_matrix m;
    char err[256];
    struct capture cap;
    capture_open(&cap);
    struct genotype_load_options o = genotype_default_options();
    o.warnings = cap.fp;
    assert_int_equal(genotype_load_file(path, &o, &m, err, sizeof err), OFFLOAD_OK);
    char want[256];
    snprintf(want, sizeof want,
             "warning: %s:3: 2 fields, expected 3 (header has 2 varieties); row skipped\n", path);
    assert_non_null(strstr(capture_text(&cap), want));
    snprintf(want, sizeof want,
             "warning: %s: 1 marker id appears more than once (first: m1 at line 4", path);
    assert_non_null(strstr(capture_text(&cap), want));
    genotype_free(&m);
    capture_close(&cap);
    unlink(path);
}

static void test_load_file_errors(void **state)
{
    (void)state;
    struct genotype_matrix m;
    char err[512];
    struct genotype_load_options o = genotype_default_options();
    o.warnings = NULL;

    assert_int_equal(genotype_load_file("/nonexistent/dir/geno.csv", &o, &m, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "/nonexistent/dir/geno.csv: cannot open"));
    assert_non_null(strstr(err, strerror(ENOENT)));
    assert_null(m.calls);

    assert_int_equal(genotype_load_file("/tmp", &o, &m, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "/tmp: is a directory"));

    char path[64];
    write_temp(path, "", 0);
    assert_int_equal(genotype_load_file(path, &o, &m, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "empty file"));
    assert_true(strncmp(err, path, strlen(path)) == 0);
    unlink(path);

    const char nul[] = "code,a\n\0";
    write_temp(path, nul, sizeof nul - 1);
    assert_int_equal(genotype_load_file(path, &o, &m, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, ":2: contains a NUL byte"));
    unlink(path);

    /* A sparse file just over 4 GiB is refused before it is read. */
    write_temp(path, "", 0);
    if (truncate(path, ((off_t)4 << 30) + 1) == 0) {
        assert_int_equal(genotype_load_file(path, &o, &m, err, sizeof err), OFFLOAD_ERR_USAGE);
        assert_non_null(strstr(err, "over the 4 GiB limit"));
    }
    unlink(path);
}

static void test_load_file_unreadable(void **state)
{
    (void)state;
    if (geteuid() == 0)
        skip(); /* root reads mode-000 files */
    char path[64];
    write_temp(path, "code,a\nm,0\n", 11);
    assert_int_equal(chmod(path, 0), 0);
    struct genotype_matrix m;
    char err[512];
    assert_int_equal(genotype_load_file(path, NULL, &m, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, strerror(EACCES)));
    unlink(path);
}

static void test_defaults_and_free(void **state)
{
    (void)state;
    struct genotype_load_options o = genotype_default_options();
    assert_true(o.percent == 100.0);
    assert_ptr_equal(o.warnings, stderr);
    assert_int_equal(o.max_warnings, 10);

    struct genotype_matrix m;
    memset(&m, 0, sizeof m);
    genotype_free(&m);
    genotype_free(NULL);

    /* NULL options mean the defaults. */
    char err[64];
    assert_int_equal(genotype_parse_buffer("c,a\nm,1\n", 8, "x", NULL, &m, err, sizeof err),
                     OFFLOAD_OK);
    assert_int_equal(m.rows, 1);
    genotype_free(&m);

    /* A tiny err buffer is truncated, not overrun. */
    char tiny[8];
    assert_int_equal(
        genotype_parse_buffer("", 0, "some/long/path.csv", NULL, &m, tiny, sizeof tiny),
        OFFLOAD_ERR_USAGE);
    assert_int_equal(strlen(tiny), 7);
}

/* ---- RFC 4180 quoting (as Python's csv module reads it) ------------------- */

/* Parses text that must load; the matrix is left for the caller to free. */
static void parse_ok(const char *text, struct genotype_matrix *m)
{
    char err[256];
    enum offload_status st = parse_str(text, 100, NULL, m, err, sizeof err);
    if (st != OFFLOAD_OK)
        fail_msg("%s", err);
}

static void assert_same_matrix(const struct genotype_matrix *a, const struct genotype_matrix *b)
{
    assert_int_equal(a->rows, b->rows);
    assert_int_equal(a->cols, b->cols);
    assert_int_equal(a->missing_calls, b->missing_calls);
    assert_memory_equal(a->calls, b->calls, a->rows * a->cols);
    for (size_t r = 0; r < a->rows; r++)
        assert_string_equal(a->row_ids[r], b->row_ids[r]);
    for (size_t c = 0; c < a->cols; c++)
        assert_string_equal(a->col_names[c], b->col_names[c]);
}

/* R's write.csv quotes every string and writes NA bare: the same table. */
static void test_quoted_r_write_csv(void **state)
{
    (void)state;
    struct genotype_matrix q, u;
    parse_ok("\"code\",\"v1\",\"v2\",\"v3\"\r\n\"m1\",\"A\",\"AB\",\"B\"\r\n"
             "\"m2\",\"B\",\"B\",NA\r\n",
             &q);
    parse_ok("code,v1,v2,v3\nm1,A,AB,B\nm2,B,B,NA\n", &u);
    assert_int_equal(q.delimiter, ',');
    assert_same_matrix(&q, &u);
    int64_t best_q, best_u;
    size_t row_q, row_u;
    best_score(&q, &best_q, &row_q);
    best_score(&u, &best_u, &row_u);
    assert_int_equal(best_q, 3);
    assert_int_equal(best_q, best_u);
    assert_int_equal(row_q, row_u);
    genotype_free(&q);
    genotype_free(&u);
}

/* Delimiters, spaces and doubled quotes inside quotes are data. */
static void test_quoted_names_with_delimiters(void **state)
{
    (void)state;
    struct genotype_matrix m;
    parse_ok("code,\"Granny, Smith\",\"say \"\"hi\"\"\",\"\"\n\"m,1\",A,\"B\",1\n", &m);
    assert_int_equal(m.delimiter, ',');
    assert_int_equal(m.cols, 3);
    assert_string_equal(m.col_names[0], "Granny, Smith");
    assert_string_equal(m.col_names[1], "say \"hi\"");
    assert_string_equal(m.col_names[2], "");
    assert_int_equal(m.rows, 1);
    assert_string_equal(m.row_ids[0], "m,1");
    assert_int_equal(at(&m, 0, 0), 0);
    assert_int_equal(at(&m, 0, 1), 2);
    assert_int_equal(at(&m, 0, 2), 1);
    genotype_free(&m);
}

static void test_quoted_tab_and_space_tables(void **state)
{
    (void)state;
    struct genotype_matrix m;
    parse_ok("code\t\"v 1\"\t\"v,2\"\n\"m\t1\"\t\"A\"\tB\n", &m);
    assert_int_equal(m.delimiter, '\t');
    assert_int_equal(m.cols, 2);
    assert_string_equal(m.col_names[0], "v 1");
    assert_string_equal(m.col_names[1], "v,2");
    assert_string_equal(m.row_ids[0], "m\t1");
    assert_int_equal(at(&m, 0, 0), 0);
    genotype_free(&m);

    parse_ok("code \"Granny Smith\"  Gala\n\"m 1\" \"AB\" B\n", &m);
    assert_int_equal(m.delimiter, ' ');
    assert_int_equal(m.cols, 2);
    assert_string_equal(m.col_names[0], "Granny Smith");
    assert_string_equal(m.col_names[1], "Gala");
    assert_string_equal(m.row_ids[0], "m 1");
    assert_int_equal(at(&m, 0, 0), 1);
    assert_int_equal(at(&m, 0, 1), 2);
    genotype_free(&m);
}

/* The delimiter is detected outside quotes only. */
static void test_delimiter_detected_outside_quotes(void **state)
{
    (void)state;
    struct genotype_matrix m;
    parse_ok("code \"a,b\" c\nm1 A B\n", &m);
    assert_int_equal(m.delimiter, ' ');
    assert_string_equal(m.col_names[0], "a,b");
    genotype_free(&m);
    parse_ok("code,\"a\tb\",c\nm1,A,B\n", &m);
    assert_int_equal(m.delimiter, ',');
    assert_string_equal(m.col_names[0], "a\tb");
    genotype_free(&m);
}

/* As Python's csv: a quote inside an unquoted field is data, and text after
 * a closing quote is appended. */
static void test_quotes_mid_field(void **state)
{
    (void)state;
    struct genotype_matrix m;
    parse_ok("code,v\"1,v2\nm\"1,A,B\n\"m\"2,\"A\"B,B\n", &m);
    assert_string_equal(m.col_names[0], "v\"1");
    assert_string_equal(m.row_ids[0], "m\"1");
    assert_string_equal(m.row_ids[1], "m2");
    assert_int_equal(at(&m, 1, 0), 1); /* "A"B reads as AB */
    genotype_free(&m);
}

/* A quote left open runs to the end of its line: that row has too few
 * fields and is skipped with a warning; the next line is read as usual. */
static void test_unterminated_quote(void **state)
{
    (void)state;
    struct genotype_matrix m;
    struct capture cap;
    char err[256];
    capture_open(&cap);
    assert_int_equal(parse_str("code,v1,v2\n\"m1,A,B\nm2,A,B\n", 100, &cap, &m, err, sizeof err),
                     OFFLOAD_OK);
    assert_int_equal(m.rows, 1);
    assert_string_equal(m.row_ids[0], "m2");
    assert_non_null(strstr(capture_text(&cap), "t.csv:2: 1 field, expected 3"));
    capture_close(&cap);
    genotype_free(&m);
}

/* No known call anywhere: every score would be 0, which deserves a word. */
static void test_no_known_calls_warns(void **state)
{
    (void)state;
    struct genotype_matrix m;
    struct capture cap;
    char err[256];
    capture_open(&cap);
    assert_int_equal(parse_str("code,v1,v2\nm1,x,y\nm2,NA,-\n", 100, &cap, &m, err, sizeof err),
                     OFFLOAD_OK);
    assert_int_equal(m.missing_calls, 4);
    assert_non_null(strstr(capture_text(&cap), "t.csv: no row has a known call"));
    capture_close(&cap);
    genotype_free(&m);

    /* One known call is enough to stay quiet. */
    capture_open(&cap);
    assert_int_equal(parse_str("code,v1,v2\nm1,x,y\nm2,NA,1\n", 100, &cap, &m, err, sizeof err),
                     OFFLOAD_OK);
    assert_null(strstr(capture_text(&cap), "no row has a known call"));
    capture_close(&cap);
    genotype_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_apple_full),
        cmocka_unit_test(test_apple_5_percent),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_tab_delimited),
        cmocka_unit_test(test_space_delimited),
        cmocka_unit_test(test_letter_calls),
        cmocka_unit_test(test_invalid_calls_missing),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_duplicate_names_allowed),
        cmocka_unit_test(test_wrong_field_count),
        cmocka_unit_test(test_warning_limit_and_summary),
        cmocka_unit_test(test_skips_only_within_kept_lines),
        cmocka_unit_test(test_duplicate_ids),
        cmocka_unit_test(test_percent_rounding),
        cmocka_unit_test(test_percent_errors),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_all_skipped_warns_too),
        cmocka_unit_test(test_huge_line),
        cmocka_unit_test(test_binary_garbage),
        cmocka_unit_test(test_load_file_variants),
        cmocka_unit_test(test_load_file_warnings_name_path),
        cmocka_unit_test(test_load_file_errors),
        cmocka_unit_test(test_load_file_unreadable),
        cmocka_unit_test(test_defaults_and_free),
        cmocka_unit_test(test_quoted_r_write_csv),
        cmocka_unit_test(test_quoted_names_with_delimiters),
        cmocka_unit_test(test_quoted_tab_and_space_tables),
        cmocka_unit_test(test_delimiter_detected_outside_quotes),
        cmocka_unit_test(test_quotes_mid_field),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_no_known_calls_warns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
