/* Genotype table loader: header `code,<variety names>`, then one marker per
 * line. The whole file is read into memory and parsed in linear passes, so a
 * single huge line or binary garbage costs time proportional to its size and
 * never more. */
#include "genotype.h"
#include "genotype_scan.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Larger inputs are almost certainly a wrong path, and would not fit the
 * matrix anyway. */
#define GENOTYPE_MAX_FILE_BYTES ((uint64_t)4 << 30)

struct genotype_load_options genotype_default_options(void)
{
    struct genotype_load_options o;
    o.percent = 100.0;
    o.warnings = stderr;
    o.max_warnings = 10;
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

/* Open-addressing set of row ids, used only to report repeats. */
struct id_slot {
    uint64_t hash;
    size_t row; /* SIZE_MAX when empty */
    bool repeated;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* Prints one warning if any marker id repeats. Returns false only when the
 * set cannot be allocated. */
static bool warn_duplicate_ids(const struct genotype_matrix *m, const size_t *row_line,
                               const char *name, FILE *out)
{
    if (!out || m->rows < 2)
        return true;
    size_t cap = 16;
    while (cap < m->rows * 2) {
        if (cap > SIZE_MAX / 2 / sizeof(struct id_slot))
            return false;
        cap *= 2;
    }
    struct id_slot *t = malloc(cap * sizeof *t);
    if (!t)
        return false;
    for (size_t i = 0; i < cap; i++)
        t[i].row = SIZE_MAX;

    size_t repeated_ids = 0, first_row = SIZE_MAX, first_prev = 0;
    for (size_t r = 0; r < m->rows; r++) {
        uint64_t h = hash_str(m->row_ids[r]);
        size_t i = (size_t)h & (cap - 1);
        for (;;) {
            if (t[i].row == SIZE_MAX) {
                t[i].hash = h;
                t[i].row = r;
                t[i].repeated = false;
                break;
            }
            if (t[i].hash == h && strcmp(m->row_ids[t[i].row], m->row_ids[r]) == 0) {
                if (!t[i].repeated) {
                    t[i].repeated = true;
                    repeated_ids++;
                }
                if (first_row == SIZE_MAX) {
                    first_row = r;
                    first_prev = t[i].row;
                }
                break;
            }
            i = (i + 1) & (cap - 1);
        }
    }
    free(t);
    if (repeated_ids > 0)
        fprintf(out,
                "offload: warning: %s: %zu marker id%s appear%s more than once (first: %s at line %zu, "
                "already at line %zu); rows are kept and reported by position\n",
                name, repeated_ids, repeated_ids == 1 ? "" : "s", repeated_ids == 1 ? "s" : "",
                m->row_ids[first_row], row_line[first_row], row_line[first_prev]);
    return true;
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
    size_t good, skipped;    /* kept lines with the right field count; others */
};

/* Rejects a --percent out of range and binary input (a NUL), before any
 * line logic. */
static enum offload_status check_buffer(const struct table_scan *t, const char *buf, size_t len,
                                        char *err, size_t errlen)
{
    if (!(t->opt->percent > 0.0 && t->opt->percent <= 100.0)) {
        set_err(err, errlen,
                "%s: --percent %g is out of range; use a value above 0 and at most 100", t->name,
                t->opt->percent);
        return OFFLOAD_ERR_USAGE;
    }
    const char *nul = len ? memchr(buf, '\0', len) : NULL;
    if (nul) {
        size_t line = 1;
        for (const char *p = buf; (p = memchr(p, '\n', (size_t)(nul - p))) != NULL; p++)
            line++;
        set_err(err, errlen,
                "%s:%zu: contains a NUL byte: this is not a text genotype table; pass a CSV, "
                "tab- or space-separated text file",
                t->name, line);
        return OFFLOAD_ERR_USAGE;
    }
    return OFFLOAD_OK;
}

/* Finds the header (the first non-blank line), its delimiter and fields. */
static enum offload_status read_header(struct table_scan *t, const char *buf, size_t len,
                                       char *err, size_t errlen)
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

/* Pass 1: count data lines so --percent can be applied. */
static enum offload_status count_data_lines(struct table_scan *t, char *err, size_t errlen)
{
    const char *pos = t->data_start;
    struct scan_line ln;
    while (scan_next_line(&pos, t->end, &ln))
        if (!scan_is_blank(ln.start, ln.end))
            t->data_lines++;
    if (t->data_lines == 0) {
        set_err(err, errlen,
                "%s: no data lines after the header: add one line per marker, "
                "`<marker id>%s<call>...` with calls 0/1/2 or A/AB/B",
                t->name, t->delim == '\t' ? "<tab>" : t->delim == ',' ? "," : " ");
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
    return OFFLOAD_OK;
}

/* Pass 2: check the field count of each kept line and warn about the bad
 * ones, so that the matrix is allocated for exactly the rows kept (a
 * wrongly delimited wide file then fails as "no usable rows", not as a
 * huge allocation). */
static enum offload_status check_field_counts(struct table_scan *t, char *err, size_t errlen)
{
    FILE *w = t->opt->warnings;
    size_t seen = 0, printed = 0, lineno = t->header_lineno;
    const char *pos = t->data_start;
    struct scan_line ln;
    while (seen < t->keep && scan_next_line(&pos, t->end, &ln)) {
        lineno++;
        if (scan_is_blank(ln.start, ln.end))
            continue;
        seen++;
        size_t n = scan_count_fields(&ln, t->delim);
        if (n == t->hfields) {
            t->good++;
            continue;
        }
        t->skipped++;
        if (w && printed < t->opt->max_warnings) {
            fprintf(w,
                    "offload: warning: %s:%zu: %zu field%s, expected %zu (header has %zu varieties); "
                    "row skipped\n",
                    t->name, lineno, n, n == 1 ? "" : "s", t->hfields, t->cols);
            printed++;
        }
    }
    if (w && t->skipped > printed)
        fprintf(w, "offload: warning: %s: %zu more row%s skipped for a wrong field count\n", t->name,
                t->skipped - printed, t->skipped - printed == 1 ? "" : "s");
    if (t->good == 0) {
        set_err(err, errlen,
                "%s: no usable rows: all %zu kept lines have the wrong field count; check the "
                "delimiter (detected: %s) and that every line has a marker id plus %zu calls",
                t->name, t->keep, delim_name(t->delim), t->cols);
        return OFFLOAD_ERR_USAGE;
    }
    return OFFLOAD_OK;
}

/* Allocates the matrix for the good rows and reads the variety names.
 * *row_line gets room for the line number of each row. False when out of
 * memory (the caller frees). */
static bool alloc_matrix(const struct table_scan *t, struct genotype_matrix *m, size_t **row_line)
{
    *row_line = NULL;
    if (t->good > SIZE_MAX / t->cols || t->good > SIZE_MAX / sizeof(size_t))
        return false;
    m->data_lines = t->data_lines;
    m->lines_kept = t->keep;
    m->rows_skipped = t->skipped;
    m->delimiter = t->delim;
    m->cols = t->cols;
    m->col_names = calloc(t->cols, sizeof *m->col_names);
    m->row_ids = calloc(t->good, sizeof *m->row_ids);
    m->calls = malloc(t->good * t->cols);
    *row_line = malloc(t->good * sizeof **row_line);
    if (!m->col_names || !m->row_ids || !m->calls || !*row_line)
        return false;
    return scan_header_names(&t->header, t->delim, m->col_names, t->cols);
}

/* Pass 3: fill the matrix from the lines that passed the count check.
 * False when out of memory. */
static bool fill_rows(const struct table_scan *t, struct genotype_matrix *m, size_t *row_line)
{
    size_t seen = 0, lineno = t->header_lineno;
    const char *pos = t->data_start;
    struct scan_line ln;
    while (seen < t->keep && m->rows < t->good && scan_next_line(&pos, t->end, &ln)) {
        lineno++;
        if (scan_is_blank(ln.start, ln.end))
            continue;
        seen++;
        if (scan_count_fields(&ln, t->delim) != t->hfields)
            continue;
        size_t r = m->rows;
        if (!scan_row(&ln, t->delim, t->cols, m->calls + r * t->cols, &m->row_ids[r],
                      &m->missing_calls))
            return false;
        m->rows++; /* row id owned from here on, so genotype_free releases it */
        row_line[r] = lineno;
    }
    return true;
}

enum offload_status genotype_parse_buffer(const char *buf, size_t len, const char *name,
                                          const struct genotype_load_options *opt,
                                          struct genotype_matrix *m, char *err, size_t errlen)
{
    struct genotype_load_options defaults = genotype_default_options();
    struct table_scan t;
    memset(&t, 0, sizeof t);
    t.opt = opt ? opt : &defaults;
    t.name = name ? name : "<input>";
    if (err && errlen)
        err[0] = '\0';
    memset(m, 0, sizeof *m);
    if (!buf)
        len = 0;

    enum offload_status st = check_buffer(&t, buf, len, err, errlen);
    if (st == OFFLOAD_OK)
        st = read_header(&t, buf, len, err, errlen);
    if (st == OFFLOAD_OK)
        st = count_data_lines(&t, err, errlen);
    if (st == OFFLOAD_OK)
        st = check_field_counts(&t, err, errlen);
    if (st != OFFLOAD_OK)
        return st;

    size_t *row_line;
    bool ok = alloc_matrix(&t, m, &row_line) && fill_rows(&t, m, row_line);
    ok = ok && warn_duplicate_ids(m, row_line, t.name, t.opt->warnings);
    free(row_line);
    if (!ok)
        return oom(m, t.name, t.good, t.cols, err, errlen);
    FILE *w = t.opt->warnings;
    if (w && m->missing_calls == m->rows * m->cols)
        fprintf(w,
                "offload: warning: %s: no row has a known call, so every score is 0; calls must be "
                "0/1/2 or A/AB/B (in any case), one per variety\n",
                t.name);
    return OFFLOAD_OK;
}

/* Reads fp to its end into a buffer of cap bytes or more. NULL with a
 * message in err on a read error, out of memory or over the size limit. */
static char *read_to_eof(FILE *fp, const char *path, size_t cap, size_t *len, char *err,
                         size_t errlen)
{
    char *buf = malloc(cap);
    size_t n = 0, got = 1;
    int read_errno = 0;
    while (buf && got > 0 && (uint64_t)n <= GENOTYPE_MAX_FILE_BYTES) {
        if (n == cap) {
            cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
            char *grown = realloc(buf, cap);
            if (!grown)
                free(buf);
            buf = grown;
            if (!buf)
                break;
        }
        got = fread(buf + n, 1, cap - n, fp);
        read_errno = got == 0 ? errno : 0;
        n += got;
    }
    if (!buf)
        set_err(err, errlen, "%s: out of memory reading %zu bytes; free memory or use a smaller "
                "file", path, cap);
    else if ((uint64_t)n > GENOTYPE_MAX_FILE_BYTES)
        set_err(err, errlen, "%s: file is over the 4 GiB limit; pass a smaller genotype table",
                path);
    else if (ferror(fp))
        set_err(err, errlen, "%s: read error: %s; check the file and the disk", path,
                strerror(read_errno));
    else {
        *len = n;
        return buf;
    }
    free(buf);
    return NULL;
}

enum offload_status genotype_load_file(const char *path, const struct genotype_load_options *opt,
                                       struct genotype_matrix *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    if (!path || !*path) {
        set_err(err, errlen, "genotype file: no path given; pass the path of a genotype CSV file");
        return OFFLOAD_ERR_USAGE;
    }
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        set_err(err, errlen, "%s: cannot open: %s; check the path and its permissions", path,
                strerror(errno));
        return OFFLOAD_ERR_USAGE;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) != 0) {
        int e = errno;
        fclose(fp);
        set_err(err, errlen, "%s: cannot stat: %s; check the path and its permissions", path,
                strerror(e));
        return OFFLOAD_ERR_USAGE;
    }
    if (S_ISDIR(st.st_mode)) {
        fclose(fp);
        set_err(err, errlen,
                "%s: is a directory, not a genotype table; pass the path of a CSV file", path);
        return OFFLOAD_ERR_USAGE;
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > GENOTYPE_MAX_FILE_BYTES) {
        fclose(fp);
        set_err(err, errlen,
                "%s: file is %llu bytes, over the 4 GiB limit; pass a smaller genotype table", path,
                (unsigned long long)st.st_size);
        return OFFLOAD_ERR_USAGE;
    }

    /* Read to EOF rather than trusting st_size: pipes report 0 and files grow. */
    size_t len;
    char *buf = read_to_eof(fp, path, S_ISREG(st.st_mode) && st.st_size > 0 ?
                            (size_t)st.st_size + 1 : 65536, &len, err, errlen);
    fclose(fp);
    if (!buf)
        return OFFLOAD_ERR_USAGE;
    enum offload_status s = genotype_parse_buffer(buf, len, path, opt, m, err, errlen);
    free(buf);
    return s;
}
