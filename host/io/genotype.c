/* Genotype table loader: header `code,<variety names>`, then one marker per
 * line. The whole table is in memory (genotype_file.c maps or reads it) and
 * is parsed in linear passes, each split over threads at line boundaries,
 * so a single huge line or binary garbage costs time proportional to its
 * size and never more. */
#include "genotype.h"
#include "genotype_scan.h"
#include "message.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

/* Each thread gets this many bytes of data lines or more: at about 2 GB/s
 * they take 1 ms, more than waking a thread costs even on a busy host. */
#define GENOTYPE_PARALLEL_BYTES ((uint64_t)2 << 20)
#define GENOTYPE_CHUNKS_PER_THREAD 8
/* More chunks than this would not make the parse faster on any host. */
#define GENOTYPE_MAX_CHUNKS 256

struct genotype_load_options genotype_default_options(void)
{
    struct genotype_load_options o;
    o.percent = 100.0;
    o.warnings = stderr;
    o.max_warnings = 10;
    o.threads = 0;
    return o;
}

void genotype_free(struct genotype_matrix *m)
{
    if (!m)
        return;
    if (m->row_ids) {
        for (size_t i = 0; i < m->rows; i++)
            free(m->row_ids[i]);
        free(m->row_ids);
    }
    if (m->col_names) {
        for (size_t i = 0; i < m->cols; i++)
            free(m->col_names[i]);
        free(m->col_names);
    }
    free(m->calls);
    free(m->row_line);
    memset(m, 0, sizeof *m);
}

/* printf into err; a NULL or empty err buffer is allowed. */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const char *delim_name(char d)
{
    return d == ',' ? "comma" : d == '\t' ? "tab" : "whitespace";
}

/* floor(n*percent/100), nudged up by a relative hair so that values that are
 * integers on paper (100 %, 50 % of an even count) do not round down. */
static size_t lines_for_percent(size_t n, double percent)
{
    if (percent >= 100.0)
        return n;
    double x = (double)n * percent / 100.0;
    x = floor(x + x * 1e-12);
    if (x <= 0.0)
        return 0;
    if (x >= (double)n)
        return n;
    return (size_t)x;
}

static enum offload_status oom(struct genotype_matrix *m, const char *name, size_t rows,
                               size_t cols, char *err, size_t errlen)
{
    genotype_free(m);
    set_err(err, errlen,
            "%s: out of memory loading %zu rows x %zu columns; free memory or load fewer "
            "rows with --percent",
            name, rows, cols);
    return OFFLOAD_ERR_USAGE;
}

/* A skipped row, kept for its warning. */
struct bad_row {
    size_t line;   /* line index within its chunk, from 0 */
    size_t fields; /* fields it has */
};

/* A run of whole data lines, checked and then read by one thread. */
struct chunk {
    const char *start, *end;
    size_t limit;         /* data lines --percent keeps here; SIZE_MAX for all */
    size_t lines, data;   /* lines and non-blank lines in [start, end) */
    size_t good, bad;     /* kept data lines with the right field count; others */
    size_t first_line;    /* line number of its first line in the file */
    size_t row0;          /* matrix row of its first good line */
    size_t missing;       /* missing calls in its rows */
    struct bad_row *warn; /* its first bad rows, at most max_warnings */
    size_t nwarn, warn_cap;
    bool nul, oom; /* a NUL byte seen; out of memory */
};

/* What the passes over a table share: where its parts are and what the
 * earlier passes found. */
struct table_scan {
    const char *name;
    const struct genotype_load_options *opt;
    const char *data_start, *end; /* the lines after the header */
    struct scan_line header;
    size_t header_lineno;
    char delim;
    size_t hfields, cols;
    size_t data_lines, keep; /* non-blank data lines; those --percent keeps */
    size_t good, skipped;    /* kept lines with the right field count (here); others (all) */
    size_t all_good;         /* good lines of every part */
    struct chunk *chunks;    /* the data lines, in order */
    size_t nchunks;
    int threads; /* that parse the chunks */
    /* Read as one part of several (genotype_load_part), else NULL: the
     * parts before this one hold lines_before lines, data_before data lines
     * and good_before rows. local_error: the error is this part's own. */
    const struct genotype_exchange *ex;
    size_t lines_before, data_before, good_before;
    bool local_error;
};

static enum offload_status check_percent(const struct table_scan *t, char *err, size_t errlen)
{
    if (t->opt->percent > 0.0 && t->opt->percent <= 100.0)
        return OFFLOAD_OK;
    set_err(err, errlen, "%s: --percent %g is out of range; use a value above 0 and at most 100",
            t->name, t->opt->percent);
    return OFFLOAD_ERR_USAGE;
}

/* The line (from 1) of the first NUL byte in [buf, buf + len); 0 if none. */
static size_t nul_line(const char *buf, size_t len)
{
    const char *nul = len ? memchr(buf, '\0', len) : NULL;
    if (!nul)
        return 0;
    size_t line = 1;
    for (const char *p = buf; (p = memchr(p, '\n', (size_t)(nul - p))) != NULL; p++)
        line++;
    return line;
}

static void set_nul_error(const struct table_scan *t, size_t line, char *err, size_t errlen)
{
    set_err(err, errlen,
            "%s:%zu: contains a NUL byte: this is not a text genotype table; pass a CSV, "
            "tab- or space-separated text file",
            t->name, line);
}

/* Binary input (a NUL byte in [buf, buf + len)) gets this error whatever
 * else is wrong with it. True when there is one. */
static bool nul_error(const struct table_scan *t, const char *buf, size_t len, char *err,
                      size_t errlen)
{
    size_t line = nul_line(buf, len);
    if (line)
        set_nul_error(t, line, err, errlen);
    return line != 0;
}

/* Finds the header (the first non-blank line), its delimiter and fields. */
static enum offload_status read_header(struct table_scan *t, const char *buf, size_t len, char *err,
                                       size_t errlen)
{
    const char *pos = buf, *end = buf + len;
    struct scan_line ln;
    size_t lineno = 0;
    bool have_header = false;
    while (!have_header && scan_next_line(&pos, end, &ln)) {
        lineno++;
        have_header = !scan_is_blank(ln.start, ln.end);
    }
    if (!have_header) {
        set_err(err, errlen,
                "%s: empty file: a genotype table needs a header line `code,<variety names>` "
                "followed by one line per marker",
                t->name);
        return OFFLOAD_ERR_USAGE;
    }
    t->header = ln;
    t->header_lineno = lineno;
    t->data_start = pos;
    t->end = end;
    t->delim = scan_detect_delimiter(&ln);
    t->hfields = scan_count_fields(&ln, t->delim);
    if (t->hfields < 2) {
        set_err(err, errlen,
                "%s:%zu: header has no variety columns (%zu field, delimiter detected: %s); "
                "the first line must be `code,<variety names>` separated by commas, tabs or spaces",
                t->name, lineno, t->hfields, delim_name(t->delim));
        return OFFLOAD_ERR_USAGE;
    }
    t->cols = t->hfields - 1;
    return OFFLOAD_OK;
}

/* Splits the data lines into chunks for the threads: the caller's count,
 * else OpenMP's, but fewer for a small table, where waking threads costs
 * more than it saves. Several chunks per thread, taken in turn, keep a
 * thread that the OS pauses from holding up the others for long. Chunks end
 * just after a '\n', so no line is cut, and each boundary search starts past
 * the last one, so a huge line is scanned once. */
static bool split_chunks(struct table_scan *t)
{
    size_t threads = t->opt->threads;
    const uint64_t len = (uint64_t)(t->end - t->data_start);
    if (threads == 0) {
#ifdef _OPENMP
        /* at least GENOTYPE_PARALLEL_BYTES for each thread */
        uint64_t most = len / GENOTYPE_PARALLEL_BYTES;
        threads = (size_t)omp_get_max_threads();
        threads = most < 1 ? 1 : most < threads ? (size_t)most : threads;
#else
        threads = 1;
#endif
    }
    threads = threads > GENOTYPE_MAX_CHUNKS ? GENOTYPE_MAX_CHUNKS : threads;
    size_t n = threads > 1 ? threads * GENOTYPE_CHUNKS_PER_THREAD : 1;
    n = n > GENOTYPE_MAX_CHUNKS ? GENOTYPE_MAX_CHUNKS : n;
    t->threads = (int)threads;
    if (!(t->chunks = calloc(n, sizeof *t->chunks)))
        return false;
    t->nchunks = n;
    const char *s = t->data_start;
    for (size_t i = 0; i < n; i++) {
        const char *e = t->end;
        if (i + 1 < n) {
            e = t->data_start + len * (i + 1) / n;
            const char *nl = e > s ? memchr(e - 1, '\n', (size_t)(t->end - (e - 1))) : NULL;
            e = e <= s ? s : nl ? nl + 1 : t->end;
        }
        t->chunks[i].start = s;
        t->chunks[i].end = e;
        t->chunks[i].limit = SIZE_MAX;
        s = e;
    }
    return true;
}

static void free_chunks(struct table_scan *t)
{
    for (size_t i = 0; i < t->nchunks; i++)
        free(t->chunks[i].warn);
    free(t->chunks);
}

/* Pass 1, for --percent below 100 only: lines, data lines and NULs. */
static void count_chunk(struct chunk *c)
{
    c->nul = memchr(c->start, '\0', (size_t)(c->end - c->start)) != NULL;
    const char *pos = c->start;
    struct scan_line ln;
    while (scan_next_line(&pos, c->end, &ln)) {
        c->lines++;
        c->data += !scan_is_blank(ln.start, ln.end);
    }
}

static bool note_bad_row(struct chunk *c, size_t line, size_t fields, size_t max)
{
    if (c->nwarn == c->warn_cap) {
        size_t cap = c->warn_cap ? c->warn_cap * 2 : 16;
        cap = cap > max ? max : cap;
        struct bad_row *w = realloc(c->warn, cap * sizeof *w);
        if (!w)
            return false;
        c->warn = w;
        c->warn_cap = cap;
    }
    c->warn[c->nwarn++] = (struct bad_row){line, fields};
    return true;
}

/* Pass 2: the field count of each kept line, so that the matrix is
 * allocated for exactly the rows kept (a wrongly delimited wide file then
 * fails as "no usable rows", not as a huge allocation). With no limit it
 * also counts the lines, and is the only pass before the fill. */
static void check_chunk(struct chunk *c, const struct table_scan *t)
{
    const struct genotype_load_options *o = t->opt;
    size_t lines = 0, data = 0;
    const char *pos = c->start;
    struct scan_line ln;
    for (; data < c->limit && scan_next_line(&pos, c->end, &ln); lines++) {
        if (scan_is_blank(ln.start, ln.end))
            continue;
        data++;
        size_t n = scan_check_line(&ln, t->delim, &c->nul);
        if (c->nul)
            return;
        if (n == t->hfields) {
            c->good++;
            continue;
        }
        c->bad++;
        if (o->warnings && c->nwarn < o->max_warnings &&
            !note_bad_row(c, lines, n, o->max_warnings)) {
            c->oom = true;
            return;
        }
    }
    if (c->limit == SIZE_MAX) {
        c->lines = lines;
        c->data = data;
    }
}

/* Pass 3: the chunk's good rows into the matrix, from row row0 on. */
static void fill_chunk(struct chunk *c, const struct table_scan *t, struct genotype_matrix *m,
                       size_t *row_line)
{
    size_t r = c->row0, lineno = c->first_line;
    const char *pos = c->start;
    struct scan_line ln;
    /* The first `good` lines with the right count are those --percent keeps. */
    for (; r < c->row0 + c->good && scan_next_line(&pos, c->end, &ln); lineno++) {
        if (scan_is_blank(ln.start, ln.end))
            continue;
        if (c->bad > 0 && scan_count_fields(&ln, t->delim) != t->hfields)
            continue;
        if (!scan_row(&ln, t->delim, t->cols, m->calls + r * t->cols, &m->row_ids[r],
                      &c->missing)) {
            c->oom = true;
            return;
        }
        row_line[r++] = lineno;
    }
}

enum pass { PASS_COUNT, PASS_CHECK, PASS_FILL };

/* Runs a pass over every chunk, one thread each. */
static void run_pass(struct table_scan *t, enum pass p, struct genotype_matrix *m, size_t *row_line)
{
    const int n = (int)t->nchunks;
#ifdef _OPENMP
#pragma omp parallel for num_threads(t->threads) schedule(dynamic, 1) if (t->threads > 1)
#endif
    for (int i = 0; i < n; i++) {
        struct chunk *c = &t->chunks[i];
        if (p == PASS_COUNT)
            count_chunk(c);
        else if (p == PASS_CHECK)
            check_chunk(c, t);
        else
            fill_chunk(c, t, m, row_line);
    }
}

static bool any_chunk(const struct table_scan *t, bool nul)
{
    for (size_t i = 0; i < t->nchunks; i++)
        if (nul ? t->chunks[i].nul : t->chunks[i].oom)
            return true;
    return false;
}

/* The sums of v over the parts before this one and over all (the
 * exchange); one table alone: nothing before, v itself. */
static void part_sums(const struct table_scan *t, const uint64_t *v, uint64_t *before,
                      uint64_t *total, size_t n)
{
    if (t->ex) {
        t->ex->sums(t->ex->ctx, v, before, total, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        before[i] = 0;
        total[i] = v[i];
    }
}

static bool part_zero(const struct table_scan *t)
{
    return !t->ex || t->ex->part == 0;
}

/* Out of memory on some part: that part says so, the others stay quiet. */
static enum offload_status oom_somewhere(struct table_scan *t, bool mine, struct genotype_matrix *m,
                                         char *err, size_t errlen)
{
    t->local_error = mine;
    if (mine)
        return oom(m, t->name, t->good, t->cols, err, errlen);
    genotype_free(m);
    return OFFLOAD_ERR_USAGE;
}

/* A NUL byte on some part: part 0 names the first one's line in the file
 * (line: this part's, 0 if it has none). */
static enum offload_status nul_somewhere(const struct table_scan *t, uint64_t line, char *err,
                                         size_t errlen)
{
    uint64_t *all = NULL;
    if (t->ex) {
        all = part_zero(t) ? calloc((size_t)t->ex->parts, sizeof *all) : NULL;
        t->ex->gather(t->ex->ctx, &line, all, sizeof line);
        for (int i = 0; all && i < t->ex->parts; i++)
            if (all[i] && (!line || all[i] < line))
                line = all[i];
        free(all);
    }
    if (part_zero(t))
        set_nul_error(t, (size_t)line, err, errlen);
    return OFFLOAD_ERR_USAGE;
}

/* Counts the data lines and applies --percent: when every line is kept, in
 * the same pass that checks the field counts; else in a pass before it. */
static enum offload_status count_data_lines(struct table_scan *t, const char *buf, size_t len,
                                            char *err, size_t errlen)
{
    bool all = t->opt->percent >= 100.0;
    run_pass(t, all ? PASS_CHECK : PASS_COUNT, NULL, NULL);
    /* lines, data lines, NUL bytes, out of memory: here and over all parts */
    uint64_t v[4] = {0, 0, 0, t->local_error || any_chunk(t, false)}, before[4], total[4];
    for (size_t i = 0; i < t->nchunks; i++) {
        v[0] += t->chunks[i].lines;
        v[1] += t->chunks[i].data;
    }
    size_t nul = any_chunk(t, true) ? nul_line(buf, len) : 0; /* in buf: header, then lines */
    v[2] = nul != 0;
    part_sums(t, v, before, total, 4);
    if (total[2])
        return nul_somewhere(t, nul ? nul + before[0] : 0, err, errlen);
    if (total[3])
        return oom_somewhere(t, v[3], NULL, err, errlen);
    t->lines_before = before[0];
    t->data_before = before[1];
    t->data_lines = total[1];
    if (t->data_lines == 0) {
        set_err(err, errlen,
                "%s: no data lines after the header: add one line per marker, "
                "`<marker id>%s<call>...` with calls 0/1/2 or A/AB/B",
                t->name,
                t->delim == '\t'  ? "<tab>"
                : t->delim == ',' ? ","
                                  : " ");
        return OFFLOAD_ERR_USAGE;
    }
    t->keep = lines_for_percent(t->data_lines, t->opt->percent);
    if (t->keep == 0) {
        /* Smallest percentage that keeps one line, rounded up to 3 decimals. */
        double need = ceil(100.0 / (double)t->data_lines * 1000.0) / 1000.0;
        set_err(err, errlen, "%s: --percent %g keeps 0 of %zu data lines; use at least %g%%",
                t->name, t->opt->percent, t->data_lines, need);
        return OFFLOAD_ERR_USAGE;
    }
    if (!all) {
        size_t before_chunk = t->data_before;
        for (size_t i = 0; i < t->nchunks; i++) {
            struct chunk *c = &t->chunks[i];
            c->limit = before_chunk >= t->keep ? 0 : t->keep - before_chunk;
            before_chunk += c->data;
        }
        run_pass(t, PASS_CHECK, NULL, NULL); /* out of memory: report_field_counts agrees */
    }
    return OFFLOAD_OK;
}

/* The skipped-row warnings part 0 prints for every part: the first ones of
 * each part, (line, fields) pairs, 0 for none. */
#define PART_WARNINGS 64

static void print_skipped(const struct table_scan *t, FILE *w, size_t line, size_t n)
{
    offload_warning_to(w, "%s:%zu: %zu field%s, expected %zu (header has %zu varieties); row skipped\n",
                       t->name, line, n, n == 1 ? "" : "s", t->hfields, t->cols);
}

/* Every part's first skipped rows to part 0, which prints the first
 * max_warnings (at most PART_WARNINGS) in line order. Returns how many. */
static size_t print_parts_skipped(const struct table_scan *t, FILE *w)
{
    size_t most = t->opt->max_warnings < PART_WARNINGS ? t->opt->max_warnings : PART_WARNINGS;
    uint64_t mine[2 * PART_WARNINGS] = {0}, *all = NULL;
    size_t k = 0;
    for (size_t i = 0; i < t->nchunks; i++)
        for (size_t j = 0; j < t->chunks[i].nwarn && k < most; j++, k++) {
            mine[2 * k] = t->chunks[i].first_line + t->chunks[i].warn[j].line;
            mine[2 * k + 1] = t->chunks[i].warn[j].fields;
        }
    if (part_zero(t))
        all = calloc((size_t)t->ex->parts, sizeof mine);
    t->ex->gather(t->ex->ctx, mine, all, sizeof mine);
    size_t printed = 0;
    for (int p = 0; all && w && p < t->ex->parts; p++)
        for (k = 0; k < PART_WARNINGS && all[p * 2 * PART_WARNINGS + 2 * k] && printed < most;
             k++, printed++)
            print_skipped(t, w, all[p * 2 * PART_WARNINGS + 2 * k],
                          all[p * 2 * PART_WARNINGS + 2 * k + 1]);
    free(all);
    return printed;
}

/* Sums the check pass and prints its warnings in line order: the first
 * max_warnings skipped rows, then how many more. */
static enum offload_status report_field_counts(struct table_scan *t, char *err, size_t errlen)
{
    FILE *w = part_zero(t) ? t->opt->warnings : NULL;
    size_t printed = 0, line = t->header_lineno + 1 + t->lines_before;
    for (size_t i = 0; i < t->nchunks; i++) {
        struct chunk *c = &t->chunks[i];
        c->first_line = line;
        c->row0 = t->good;
        line += c->lines;
        t->good += c->good;
        t->skipped += c->bad;
        for (size_t k = 0; !t->ex && w && k < c->nwarn && printed < t->opt->max_warnings;
             k++, printed++)
            print_skipped(t, w, c->first_line + c->warn[k].line, c->warn[k].fields);
    }
    uint64_t v[3] = {t->good, t->skipped, any_chunk(t, false)}, before[3], total[3];
    part_sums(t, v, before, total, 3);
    if (total[2])
        return oom_somewhere(t, v[2], NULL, err, errlen);
    t->good_before = before[0];
    t->all_good = total[0];
    t->skipped = total[1];
    if (t->ex)
        printed = print_parts_skipped(t, w);
    if (w && t->skipped > printed)
        offload_warning_to(w, "%s: %zu more row%s skipped for a wrong field count\n", t->name,
                           t->skipped - printed, t->skipped - printed == 1 ? "" : "s");
    if (t->all_good == 0) {
        set_err(err, errlen,
                "%s: no usable rows: all %zu kept lines have the wrong field count; check the "
                "delimiter (detected: %s) and that every line has a marker id plus %zu calls",
                t->name, t->keep, delim_name(t->delim), t->cols);
        return OFFLOAD_ERR_USAGE;
    }
    return OFFLOAD_OK;
}

/* Allocates the matrix for the good rows and reads the variety names.
 * m->row_line gets room for the line number of each row. False when out of
 * memory (the caller frees). */
static bool alloc_matrix(const struct table_scan *t, struct genotype_matrix *m)
{
    if (t->good > SIZE_MAX / t->cols || t->good > SIZE_MAX / sizeof(size_t))
        return false;
    m->data_lines = t->data_lines;
    m->lines_kept = t->keep;
    m->rows_skipped = t->skipped;
    m->delimiter = t->delim;
    m->cols = t->cols;
    m->row0 = t->good_before;
    m->part = t->ex != NULL;
    m->all_rows = t->all_good;
    m->col_names = calloc(t->cols, sizeof *m->col_names);
    m->row_ids = calloc(t->good ? t->good : 1, sizeof *m->row_ids);
    m->rows = m->row_ids ? t->good : 0; /* genotype_free frees the ids filled so far */
    m->calls = malloc(t->good ? t->good * t->cols : 1);
    m->row_line = malloc(t->good ? t->good * sizeof *m->row_line : 1);
    if (!m->col_names || !m->row_ids || !m->calls || !m->row_line)
        return false;
    return scan_header_names(&t->header, t->delim, m->col_names, t->cols);
}

/* Pass 3 over all chunks. False when out of memory. */
static bool fill_rows(struct table_scan *t, struct genotype_matrix *m)
{
    run_pass(t, PASS_FILL, m, m->row_line);
    for (size_t i = 0; i < t->nchunks; i++)
        m->missing_calls += t->chunks[i].missing;
    return !any_chunk(t, false);
}

/* The header: the same on every part, so every part finds the same error. */
static enum offload_status parse_header(struct table_scan *t, const char *buf, size_t len,
                                        char *err, size_t errlen)
{
    enum offload_status st = check_percent(t, err, errlen);
    if (st != OFFLOAD_OK)
        return st;
    st = read_header(t, buf, len, err, errlen);
    if (nul_error(t, buf, st == OFFLOAD_OK ? (size_t)(t->data_start - buf) : len, err, errlen))
        return OFFLOAD_ERR_USAGE;
    if (st != OFFLOAD_OK)
        return st;
    /* Out of memory here, a part still takes part in the sums, with no lines. */
    if (!split_chunks(t)) {
        if (!t->ex)
            return oom(NULL, t->name, 0, t->cols, err, errlen);
        t->local_error = true;
        t->nchunks = 0;
    }
    return OFFLOAD_OK;
}

/* The passes, in order; the matrix is left empty on failure. */
static enum offload_status parse_table(struct table_scan *t, const char *buf, size_t len,
                                       struct genotype_matrix *m, char *err, size_t errlen)
{
    enum offload_status st = parse_header(t, buf, len, err, errlen);
    if (st == OFFLOAD_OK)
        st = count_data_lines(t, buf, len, err, errlen);
    if (st == OFFLOAD_OK)
        st = report_field_counts(t, err, errlen);
    if (st != OFFLOAD_OK)
        return st;

    bool ok = alloc_matrix(t, m) && fill_rows(t, m);
    uint64_t v[2] = {m->missing_calls, !ok}, before[2], total[2];
    part_sums(t, v, before, total, 2);
    if (total[1])
        return oom_somewhere(t, !ok, m, err, errlen);
    /* One table alone is checked for repeated ids here; parts, once together. */
    if (!t->ex && !genotype_warn_duplicate_ids(m, t->name, t->opt->warnings))
        return oom(m, t->name, t->good, t->cols, err, errlen);
    if (!t->ex) {
        free(m->row_line);
        m->row_line = NULL;
    }
    FILE *w = part_zero(t) ? t->opt->warnings : NULL;
    if (w && total[0] == m->all_rows * m->cols)
        offload_warning_to(w,
                           "%s: no row has a known call, so every score is 0; calls must be "
                           "0/1/2 or A/AB/B (in any case), one per variety\n",
                           t->name);
    return OFFLOAD_OK;
}

static enum offload_status parse_any(const char *buf, size_t len, const char *name,
                                     const struct genotype_load_options *opt,
                                     const struct genotype_exchange *ex, struct genotype_matrix *m,
                                     char *err, size_t errlen)
{
    struct genotype_load_options defaults = genotype_default_options();
    struct table_scan t;
    memset(&t, 0, sizeof t);
    t.opt = opt ? opt : &defaults;
    t.name = name ? name : "<input>";
    t.ex = ex;
    if (err && errlen)
        err[0] = '\0';
    memset(m, 0, sizeof *m);
    if (!buf)
        len = 0;
    enum offload_status st = parse_table(&t, buf, len, m, err, errlen);
    /* An error about the whole table is part 0's to say. */
    if (st != OFFLOAD_OK && !part_zero(&t) && !t.local_error && err && errlen)
        err[0] = '\0';
    free_chunks(&t);
    return st;
}

enum offload_status genotype_parse_part_buffer(const char *buf, size_t len, const char *name,
                                               const struct genotype_load_options *opt,
                                               const struct genotype_exchange *ex,
                                               struct genotype_matrix *m, char *err, size_t errlen)
{
    return parse_any(buf, len, name, opt, ex, m, err, errlen);
}

enum offload_status genotype_parse_buffer(const char *buf, size_t len, const char *name,
                                          const struct genotype_load_options *opt,
                                          struct genotype_matrix *m, char *err, size_t errlen)
{
    return parse_any(buf, len, name, opt, NULL, m, err, errlen);
}
