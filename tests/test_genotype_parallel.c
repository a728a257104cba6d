/* The fast, parallel genotype loader against a slow reference: random tables
 * with quotes, CRLF, blank and bad rows, missing calls and repeated ids must
 * give the same matrix, counters, warnings and errors whatever the thread
 * count. The reference is the loader as it was before the fast paths (one
 * thread, one field at a time, the same RFC 4180 rules), kept small. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "genotype.h"

/* ---- reference tokenizer -------------------------------------------------- */

static bool ref_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static const char *ref_skip_quoted(const char *q, const char *end)
{
    for (q++; q < end; q++)
        if (*q == '"') {
            if (q + 1 < end && q[1] == '"')
                q++;
            else
                return q + 1;
        }
    return end;
}

/* The next raw field of [*p, end) into [*s, *e), trimmed; false when none. */
static bool ref_field(const char **p, const char *end, char delim, bool *done, const char **s,
                      const char **e)
{
    const char *q = *p;
    if (*done)
        return false;
    if (delim == ' ') {
        while (q < end && ref_ws(*q))
            q++;
        if (q == end)
            return *done = true, false;
        *s = q;
        if (*q == '"')
            q = ref_skip_quoted(q, end);
        while (q < end && !ref_ws(*q))
            q++;
        *e = *p = q;
        return true;
    }
    while (q < end && *q != delim && ref_ws(*q))
        q++;
    if (q < end && *q == '"')
        q = ref_skip_quoted(q, end);
    while (q < end && *q != delim)
        q++;
    *s = *p;
    *e = q;
    if (q < end)
        *p = q + 1;
    else
        *done = true;
    while (*s < *e && ref_ws(**s))
        (*s)++;
    while (*e > *s && ref_ws((*e)[-1]))
        (*e)--;
    return true;
}

/* The decoded value of a raw field, as a new string. */
static char *ref_value(const char *s, const char *e)
{
    char *out = malloc((size_t)(e - s) + 1), *o = out;
    assert_non_null(out);
    if (s == e || *s != '"') {
        memcpy(out, s, (size_t)(e - s));
        out[e - s] = '\0';
        return out;
    }
    for (const char *p = s + 1; p < e; p++) {
        if (*p != '"') {
            *o++ = *p;
        } else if (p + 1 < e && p[1] == '"') {
            *o++ = '"';
            p++;
        } else {
            memcpy(o, p + 1, (size_t)(e - p - 1));
            o += e - p - 1;
            break;
        }
    }
    *o = '\0';
    return out;
}

static int8_t ref_call(const char *s, const char *e)
{
    if (s < e && *s == '"' && e - s > 8) /* too long to be a call */
        return GENOTYPE_MISSING;
    char *v = ref_value(s, e), *a = v, *b = v + strlen(v);
    while (a < b && ref_ws(*a))
        a++;
    while (b > a && ref_ws(b[-1]))
        b--;
    int8_t r = GENOTYPE_MISSING;
    if (b - a == 1 && strchr("0aA", *a))
        r = 0;
    else if (b - a == 1 && *a == '1')
        r = 1;
    else if (b - a == 1 && strchr("2bB", *a))
        r = 2;
    else if (b - a == 2 && strchr("aA", a[0]) && strchr("bB", a[1]))
        r = 1;
    free(v);
    return r;
}

static size_t ref_count(const char *s, const char *e, char delim)
{
    bool done = false;
    const char *fs, *fe;
    size_t n = 0;
    while (ref_field(&s, e, delim, &done, &fs, &fe))
        n++;
    return n;
}

static char ref_delimiter(const char *s, const char *e)
{
    bool tab = false, comma = false, start = true;
    for (const char *p = s; p < e; p++) {
        if (*p == '"' && start) {
            p = ref_skip_quoted(p, e) - 1;
            start = false;
            continue;
        }
        tab |= *p == '\t';
        comma |= *p == ',';
        start = *p == ',' || ref_ws(*p);
    }
    return tab ? '\t' : comma ? ',' : ' ';
}

/* ---- reference loader ----------------------------------------------------- */

struct ref_line {
    const char *s, *e;
    size_t no;
};

struct ref_result {
    bool ok;
    struct genotype_matrix m;
    size_t *row_line;
    char warnings[1 << 17]; /* room for 1000 warnings */
};

static void ref_warn(struct ref_result *r, const char *fmt, ...)
{
    size_t n = strlen(r->warnings);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->warnings + n, sizeof r->warnings - n, fmt, ap);
    va_end(ap);
}

/* Splits text into lines; returns the non-blank ones (numbered). */
static size_t ref_lines(const char *t, size_t len, struct ref_line *out)
{
    size_t n = 0, no = 0;
    for (const char *p = t, *end = t + len; p < end; no++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
        bool blank = true;
        for (const char *q = p; q < e; q++)
            blank &= ref_ws(*q);
        if (!blank)
            out[n++] = (struct ref_line){p, e, no + 1};
        p = nl ? nl + 1 : end;
    }
    return n;
}

static void ref_row(struct ref_result *r, const struct ref_line *ln, char delim)
{
    struct genotype_matrix *m = &r->m;
    const char *p = ln->s, *s, *e;
    bool done = false;
    ref_field(&p, ln->e, delim, &done, &s, &e);
    m->row_ids[m->rows] = ref_value(s, e);
    for (size_t c = 0; c < m->cols && ref_field(&p, ln->e, delim, &done, &s, &e); c++) {
        int8_t v = ref_call(s, e);
        m->missing_calls += v == GENOTYPE_MISSING;
        m->calls[m->rows * m->cols + c] = v;
    }
    r->row_line[m->rows++] = ln->no;
}

static void ref_duplicates(struct ref_result *r)
{
    const struct genotype_matrix *m = &r->m;
    size_t ids = 0, first = SIZE_MAX, prev = 0;
    for (size_t i = 0; i < m->rows; i++) {
        size_t seen = SIZE_MAX, later = 0;
        for (size_t j = 0; j < i && seen == SIZE_MAX; j++)
            if (strcmp(m->row_ids[i], m->row_ids[j]) == 0)
                seen = j;
        for (size_t j = 0; j < i; j++)
            later += strcmp(m->row_ids[i], m->row_ids[j]) == 0;
        ids += later == 1; /* counted at its second appearance */
        if (seen != SIZE_MAX && first == SIZE_MAX)
            first = i, prev = seen;
    }
    if (ids)
        ref_warn(r,
                 "offload: warning: t.csv: %zu marker id%s appear%s more than once (first: %s at "
                 "line %zu, already at line %zu); rows are kept and reported by position\n",
                 ids, ids == 1 ? "" : "s", ids == 1 ? "s" : "", m->row_ids[first],
                 r->row_line[first], r->row_line[prev]);
}

/* The loader's result for a table without NULs, on one thread, line by line. */
static void ref_load(const char *t, size_t len, double percent, size_t max_warn,
                     struct ref_result *r)
{
    memset(r, 0, sizeof *r);
    struct ref_line *ln = malloc((len + 1) * sizeof *ln);
    assert_non_null(ln);
    size_t n = ref_lines(t, len, ln);
    char delim = n ? ref_delimiter(ln[0].s, ln[0].e) : ',';
    size_t hf = n ? ref_count(ln[0].s, ln[0].e, delim) : 0, data = n ? n - 1 : 0;
    double x = (double)data * percent / 100.0;
    x = floor(x + x * 1e-12);
    size_t keep = percent >= 100 ? data : x <= 0 ? 0 : x >= (double)data ? data : (size_t)x;
    if (hf < 2 || keep == 0) {
        free(ln);
        return;
    }
    size_t good = 0, bad = 0;
    for (size_t i = 1; i <= keep; i++) {
        size_t f = ref_count(ln[i].s, ln[i].e, delim);
        if (f == hf) {
            good++;
            continue;
        }
        if (bad++ < max_warn)
            ref_warn(r,
                     "offload: warning: t.csv:%zu: %zu field%s, expected %zu (header has %zu "
                     "varieties); row skipped\n",
                     ln[i].no, f, f == 1 ? "" : "s", hf, hf - 1);
    }
    if (bad > max_warn)
        ref_warn(r, "offload: warning: t.csv: %zu more row%s skipped for a wrong field count\n",
                 bad - max_warn, bad - max_warn == 1 ? "" : "s");
    struct genotype_matrix *m = &r->m;
    *m = (struct genotype_matrix){.cols = hf - 1,
                                  .data_lines = data,
                                  .lines_kept = keep,
                                  .rows_skipped = bad,
                                  .delimiter = delim};
    if (good > 0) {
        m->calls = malloc(good * m->cols);
        m->row_ids = calloc(good, sizeof *m->row_ids);
        m->col_names = calloc(m->cols, sizeof *m->col_names);
        r->row_line = malloc(good * sizeof *r->row_line);
        const char *p = ln[0].s, *s, *e;
        bool done = false;
        ref_field(&p, ln[0].e, delim, &done, &s, &e);
        for (size_t c = 0; c < m->cols && ref_field(&p, ln[0].e, delim, &done, &s, &e); c++)
            m->col_names[c] = ref_value(s, e);
        for (size_t i = 1; i <= keep; i++)
            if (ref_count(ln[i].s, ln[i].e, delim) == hf)
                ref_row(r, &ln[i], delim);
        ref_duplicates(r);
        if (m->missing_calls == m->rows * m->cols)
            ref_warn(r, "offload: warning: t.csv: no row has a known call, so every score is 0; "
                        "calls must be 0/1/2 or A/AB/B (in any case), one per variety\n");
        r->ok = true;
    }
    free(ln);
}

static void ref_free(struct ref_result *r)
{
    genotype_free(&r->m);
    free(r->row_line);
}

/* ---- random tables -------------------------------------------------------- */

static uint64_t rng = 88172645463325252ULL;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)((rng >> 32) % n);
}

struct text {
    char *p;
    size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < t->cap - t->len);
    t->len += (size_t)n;
}

/* Calls: the first three are most of a typical table; the rest are the
 * cases around them (letters, missing, spaces, quotes, near misses). */
static const char *const calls[] = {
    "0",  "1",    "2",  "A",   "AB",      "B",   "a",     "ab",       "b",
    "-1", "NA",   "",   "x",   " 1",      "2 ",  "\"A\"", "\" AB \"", "\"1\"B",
    "01", "\"\"", "Ab", "C/G", "\"a,b\"", "1\"", " ",
};

static void put_call(struct text *t, bool plain)
{
    uint32_t r = rnd(100);
    if (plain && r < 97)
        put(t, "%c", "012"[r % 3]);
    else
        put(t, "%s", calls[rnd(sizeof calls / sizeof calls[0])]);
}

/* A table of rows x cols (about) with the given delimiter; plain tables are
 * mostly one-byte calls, the shape the fast paths are for. */
static void gen_table(struct text *t, char delim, size_t rows, size_t cols, bool plain)
{
    const char *eol = rnd(3) == 0 ? "\r\n" : "\n";
    char sep[3] = {delim, delim == ' ' && rnd(2) ? ' ' : '\0', '\0'};
    t->len = 0;
    if (rnd(4) == 0)
        put(t, " %s%s", eol, eol);
    put(t, rnd(4) ? "code" : "\"code\"");
    for (size_t c = 0; c < cols; c++) {
        uint32_t r = rnd(10);
        put(t, sep);
        put(t,
            r == 0   ? "\"v%c%zu\""
            : r == 1 ? "\"say \"\"%c%zu\"\"\""
                     : "v%c%zu",
            r == 0 ? delim : 'x', c);
    }
    put(t, "%s", eol);
    for (size_t i = 0; i < rows; i++) {
        uint32_t r = rnd(100);
        if (r < 3) {
            put(t, r == 0 ? "%s" : " \t%s", eol);
            continue;
        }
        size_t n = cols;
        if (r >= 3 && r < 8)
            n = n + rnd(3) - (n > 0);      /* one fewer, the same or one more */
        uint32_t id = rnd((uint32_t)rows); /* repeats are likely */
        if (r == 8)
            put(t, "\"m%u", id); /* a quote left open */
        else if (r == 9)
            put(t, "\"m%c%u\"", delim, id);
        else
            put(t, "m%u", id);
        for (size_t c = 0; c < n; c++) {
            put(t, sep);
            put_call(t, plain);
        }
        if (i + 1 < rows || rnd(2))
            put(t, "%s", eol);
    }
}

/* ---- comparison ----------------------------------------------------------- */

struct run {
    enum offload_status st;
    char err[512];
};

/* Loads with the given thread count and checks the result against ref. */
static void check_load(const struct text *t, double pct, size_t max_warn, unsigned threads,
                       const struct ref_result *ref, struct run *out)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    assert_non_null(fp);
    struct genotype_load_options o = genotype_default_options();
    o.percent = pct;
    o.max_warnings = max_warn;
    o.warnings = fp;
    o.threads = threads;
    struct genotype_matrix m;
    out->st = genotype_parse_buffer(t->p, t->len, "t.csv", &o, &m, out->err, sizeof out->err);
    fclose(fp);
    if ((out->st == OFFLOAD_OK) != ref->ok || strcmp(text, ref->warnings) != 0) {
        /* cmocka truncates long messages: the details go to stderr whole. */
        fprintf(stderr,
                "threads %u, %g%%: status %d (%s), warnings:\n%s\nwant ok=%d, "
                "warnings:\n%s\ntable:\n%.*s\n",
                threads, pct, out->st, out->err, text, ref->ok, ref->warnings, (int)t->len, t->p);
        fail_msg("the loader and the reference differ (details above)");
    }
    free(text);
    if (out->st != OFFLOAD_OK)
        return;
    const struct genotype_matrix *w = &ref->m;
    assert_int_equal(m.rows, w->rows);
    assert_int_equal(m.cols, w->cols);
    assert_int_equal(m.data_lines, w->data_lines);
    assert_int_equal(m.lines_kept, w->lines_kept);
    assert_int_equal(m.rows_skipped, w->rows_skipped);
    assert_int_equal(m.missing_calls, w->missing_calls);
    assert_int_equal(m.delimiter, w->delimiter);
    assert_memory_equal(m.calls, w->calls, m.rows * m.cols);
    for (size_t r = 0; r < m.rows; r++)
        assert_string_equal(m.row_ids[r], w->row_ids[r]);
    for (size_t c = 0; c < m.cols; c++)
        assert_string_equal(m.col_names[c], w->col_names[c]);
    genotype_free(&m);
}

/* Every thread count gives the reference's result, and the same error. */
static void check_table(const struct text *t, double pct, size_t max_warn)
{
    static const unsigned threads[] = {1, 2, 3, 8};
    struct ref_result *ref = malloc(sizeof *ref);
    assert_non_null(ref);
    ref_load(t->p, t->len, pct, max_warn, ref);
    struct run first, run;
    for (size_t i = 0; i < sizeof threads / sizeof threads[0]; i++) {
        check_load(t, pct, max_warn, threads[i], ref, i ? &run : &first);
        if (i)
            assert_string_equal(run.err, first.err);
    }
    ref_free(ref);
    free(ref);
}

static void test_random_tables(void **state)
{
    (void)state;
    static const double pcts[] = {100, 100, 100, 50, 33.3, 90, 7.5};
    static const size_t max_warns[] = {0, 1, 3, 10, 1000};
    static const char delims[] = {',', ',', '\t', ' '};
    struct text t = {malloc(1 << 20), 0, 1 << 20};
    assert_non_null(t.p);
    for (int i = 0; i < 600; i++) {
        bool plain = rnd(2);
        size_t rows = 1 + rnd(i % 10 == 0 ? 400 : 40), cols = rnd(4) ? 1 + rnd(70) : 1 + rnd(3);
        gen_table(&t, delims[rnd(4)], rows, cols, plain);
        check_table(&t, pcts[rnd(7)], max_warns[rnd(5)]);
    }
    free(t.p);
}

/* Mostly wrong rows: "no usable rows" and the warnings before it. */
static void test_random_bad_tables(void **state)
{
    (void)state;
    struct text t = {malloc(1 << 16), 0, 1 << 16};
    assert_non_null(t.p);
    for (int i = 0; i < 200; i++) {
        gen_table(&t, ',', 1 + rnd(30), 2 + rnd(5), true);
        /* Wrong delimiter in every data line after the first newline. */
        char *nl = memchr(t.p, '\n', t.len);
        for (char *p = nl ? nl : t.p + t.len; p < t.p + t.len; p++)
            if (*p == ',' && rnd(4))
                *p = ';';
        check_table(&t, 100, rnd(12));
    }
    free(t.p);
}

/* A table big enough that the default options use every thread. */
static void test_default_threads_large_table(void **state)
{
    (void)state;
    struct text t = {malloc(8 << 20), 0, 8 << 20};
    assert_non_null(t.p);
    gen_table(&t, ',', 6000, 400, true);
    assert_true(t.len > (3u << 20));
    struct genotype_matrix a, b;
    char err[256];
    struct genotype_load_options o = genotype_default_options();
    o.warnings = NULL;
    assert_int_equal(genotype_parse_buffer(t.p, t.len, "t.csv", &o, &a, err, sizeof err),
                     OFFLOAD_OK);
    o.threads = 1;
    assert_int_equal(genotype_parse_buffer(t.p, t.len, "t.csv", &o, &b, err, sizeof err),
                     OFFLOAD_OK);
    assert_int_equal(a.rows, b.rows);
    assert_int_equal(a.missing_calls, b.missing_calls);
    assert_int_equal(a.rows_skipped, b.rows_skipped);
    assert_memory_equal(a.calls, b.calls, a.rows * a.cols);
    for (size_t r = 0; r < a.rows; r++)
        assert_string_equal(a.row_ids[r], b.row_ids[r]);
    genotype_free(&a);
    genotype_free(&b);
    free(t.p);
}

/* A file is mapped: one that ends exactly at a page boundary, without a
 * final newline, must be read to its last byte and not past it. */
static void test_mapped_file_page_end(void **state)
{
    (void)state;
    long page = sysconf(_SC_PAGESIZE);
    assert_true(page >= 64);
    char *buf = malloc((size_t)page);
    assert_non_null(buf);
    const char head[] = "code,a,b\n";
    memcpy(buf, head, sizeof head - 1);
    size_t n = sizeof head - 1;
    while (n + 8 < (size_t)page) /* rows "m,1,2\n" to near the end */
        n += (size_t)snprintf(buf + n, 7, "m,1,2\n");
    memset(buf + n, ' ', (size_t)page - n);
    memcpy(buf + page - 5, "x,0,B", 5);
    char path[] = "/tmp/test_genotype_parallel_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, buf, (size_t)page), page);
    close(fd);
    struct genotype_matrix m;
    char err[256];
    struct genotype_load_options o = genotype_default_options();
    o.warnings = NULL;
    for (unsigned th = 1; th <= 3; th++) {
        o.threads = th;
        assert_int_equal(genotype_load_file(path, &o, &m, err, sizeof err), OFFLOAD_OK);
        assert_string_equal(m.row_ids[m.rows - 1], "x");
        assert_int_equal(m.calls[m.rows * 2 - 1], 2);
        assert_int_equal(m.calls[m.rows * 2 - 2], 0);
        genotype_free(&m);
    }
    unlink(path);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_tables),
        cmocka_unit_test(test_random_bad_tables),
        cmocka_unit_test(test_default_threads_large_table),
        cmocka_unit_test(test_mapped_file_page_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
