/* Genotype table loader: header `code,<variety names>`, then one marker per
 * line. The whole file is read into memory and parsed in linear passes, so a
 * single huge line or binary garbage costs time proportional to its size and
 * never more. */
#include "genotype.h"

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

/* Spaces, tabs and CR are noise around fields; \v and \f are treated alike so
 * that whitespace-delimited tables split where a reader would expect. */
static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_blank(const char *s, const char *end)
{
    for (; s < end; s++)
        if (!is_ws(*s))
            return false;
    return true;
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && is_ws(**s))
        (*s)++;
    while (*e > *s && is_ws((*e)[-1]))
        (*e)--;
}

/* A line [start, end) without its '\n'; next points past the '\n'. */
struct line {
    const char *start, *end, *next;
};

static bool next_line(const char **pos, const char *buf_end, struct line *ln)
{
    if (*pos >= buf_end)
        return false;
    const char *nl = memchr(*pos, '\n', (size_t)(buf_end - *pos));
    ln->start = *pos;
    ln->end = nl ? nl : buf_end;
    ln->next = nl ? nl + 1 : buf_end;
    *pos = ln->next;
    return true;
}

/* Field splitter over one line. For ',' and '\t' every delimiter starts a new
 * field (so "a,b," has three, the last empty); for ' ' fields are runs of
 * non-whitespace. */
struct fields {
    const char *p, *end;
    char delim;
    bool done;
};

static void fields_init(struct fields *f, const struct line *ln, char delim)
{
    f->p = ln->start;
    f->end = ln->end;
    f->delim = delim;
    f->done = false;
}

static bool next_field(struct fields *f, const char **s, const char **e)
{
    if (f->done)
        return false;
    if (f->delim == ' ') {
        while (f->p < f->end && is_ws(*f->p))
            f->p++;
        if (f->p == f->end) {
            f->done = true;
            return false;
        }
        *s = f->p;
        while (f->p < f->end && !is_ws(*f->p))
            f->p++;
        *e = f->p;
        return true;
    }
    const char *q = memchr(f->p, f->delim, (size_t)(f->end - f->p));
    *s = f->p;
    if (q) {
        *e = q;
        f->p = q + 1;
    } else {
        *e = f->end;
        f->done = true;
    }
    trim(s, e);
    return true;
}

static size_t count_fields(const struct line *ln, char delim)
{
    if (delim != ' ') {
        /* Every delimiter starts a field; a plain counting loop vectorises,
         * which keeps a line of millions of fields cheap. */
        size_t n = 1;
        for (const char *p = ln->start; p < ln->end; p++)
            n += *p == delim;
        return n;
    }
    struct fields f;
    const char *s, *e;
    size_t n = 0;
    fields_init(&f, ln, delim);
    while (next_field(&f, &s, &e))
        n++;
    return n;
}

static char *dup_range(const char *s, const char *e)
{
    size_t n = (size_t)(e - s);
    char *r = malloc(n + 1);
    if (r) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

/* 0/1/2 or A/AB/B in any case; anything else is missing. */
static int8_t decode_call(const char *s, const char *e)
{
    size_t n = (size_t)(e - s);
    if (n == 1) {
        switch (s[0]) {
        case '0': case 'a': case 'A': return 0;
        case '1': return 1;
        case '2': case 'b': case 'B': return 2;
        default: return GENOTYPE_MISSING;
        }
    }
    if (n == 2 && (s[0] == 'a' || s[0] == 'A') && (s[1] == 'b' || s[1] == 'B'))
        return 1;
    return GENOTYPE_MISSING;
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
                "warning: %s: %zu marker id%s appear%s more than once (first: %s at line %zu, "
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

enum offload_status genotype_parse_buffer(const char *buf, size_t len, const char *name,
                                          const struct genotype_load_options *opt,
                                          struct genotype_matrix *m, char *err, size_t errlen)
{
    struct genotype_load_options defaults = genotype_default_options();
    if (!opt)
        opt = &defaults;
    if (!name)
        name = "<input>";
    if (err && errlen)
        err[0] = '\0';
    memset(m, 0, sizeof *m);
    if (!buf)
        len = 0;

    if (!(opt->percent > 0.0 && opt->percent <= 100.0)) {
        set_err(err, errlen, "%s: --percent %g is out of range; use a value above 0 and at most 100",
                name, opt->percent);
        return OFFLOAD_ERR_USAGE;
    }

    /* A NUL means a binary file; reject it before any line logic. */
    const char *nul = len ? memchr(buf, '\0', len) : NULL;
    if (nul) {
        size_t line = 1;
        for (const char *p = buf; (p = memchr(p, '\n', (size_t)(nul - p))) != NULL; p++)
            line++;
        set_err(err, errlen,
                "%s:%zu: contains a NUL byte: this is not a text genotype table; pass a CSV, "
                "tab- or space-separated text file",
                name, line);
        return OFFLOAD_ERR_USAGE;
    }

    const char *pos = buf, *end = buf + len;
    struct line ln, header;
    size_t lineno = 0, header_lineno = 0;
    bool have_header = false;
    while (next_line(&pos, end, &ln)) {
        lineno++;
        if (!is_blank(ln.start, ln.end)) {
            header = ln;
            header_lineno = lineno;
            have_header = true;
            break;
        }
    }
    if (!have_header) {
        set_err(err, errlen,
                "%s: empty file: a genotype table needs a header line `code,<variety names>` "
                "followed by one line per marker",
                name);
        return OFFLOAD_ERR_USAGE;
    }

    char delim = ' ';
    if (memchr(header.start, '\t', (size_t)(header.end - header.start)))
        delim = '\t';
    else if (memchr(header.start, ',', (size_t)(header.end - header.start)))
        delim = ',';
    size_t hfields = count_fields(&header, delim);
    if (hfields < 2) {
        set_err(err, errlen,
                "%s:%zu: header has no variety columns (%zu field, delimiter detected: %s); "
                "the first line must be `code,<variety names>` separated by commas, tabs or spaces",
                name, header_lineno, hfields, delim_name(delim));
        return OFFLOAD_ERR_USAGE;
    }
    size_t cols = hfields - 1;

    /* Pass 1: count data lines so --percent can be applied. */
    const char *data_start = pos;
    size_t data_lines = 0;
    while (next_line(&pos, end, &ln))
        if (!is_blank(ln.start, ln.end))
            data_lines++;
    if (data_lines == 0) {
        set_err(err, errlen,
                "%s: no data lines after the header: add one line per marker, "
                "`<marker id>%s<call>...` with calls 0/1/2 or A/AB/B",
                name, delim == '\t' ? "<tab>" : delim == ',' ? "," : " ");
        return OFFLOAD_ERR_USAGE;
    }
    size_t keep = lines_for_percent(data_lines, opt->percent);
    if (keep == 0) {
        /* Smallest percentage that keeps one line, rounded up to 3 decimals. */
        double need = ceil(100.0 / (double)data_lines * 1000.0) / 1000.0;
        set_err(err, errlen, "%s: --percent %g keeps 0 of %zu data lines; use at least %g%%", name,
                opt->percent, data_lines, need);
        return OFFLOAD_ERR_USAGE;
    }

    /* Pass 2: check the field count of each kept line and warn about the bad
     * ones, so that the matrix is allocated for exactly the rows kept (a
     * wrongly delimited wide file then fails as "no usable rows", not as a
     * huge allocation). */
    FILE *w = opt->warnings;
    size_t seen = 0, printed = 0, good = 0, skipped = 0;
    pos = data_start;
    lineno = header_lineno;
    while (seen < keep && next_line(&pos, end, &ln)) {
        lineno++;
        if (is_blank(ln.start, ln.end))
            continue;
        seen++;
        size_t n = count_fields(&ln, delim);
        if (n == hfields) {
            good++;
            continue;
        }
        skipped++;
        if (w && printed < opt->max_warnings) {
            fprintf(w,
                    "warning: %s:%zu: %zu field%s, expected %zu (header has %zu varieties); "
                    "row skipped\n",
                    name, lineno, n, n == 1 ? "" : "s", hfields, cols);
            printed++;
        }
    }
    if (w && skipped > printed)
        fprintf(w, "warning: %s: %zu more row%s skipped for a wrong field count\n", name,
                skipped - printed, skipped - printed == 1 ? "" : "s");
    if (good == 0) {
        set_err(err, errlen,
                "%s: no usable rows: all %zu kept lines have the wrong field count; check the "
                "delimiter (detected: %s) and that every line has a marker id plus %zu calls",
                name, keep, delim_name(delim), cols);
        return OFFLOAD_ERR_USAGE;
    }

    if (good > SIZE_MAX / cols || good > SIZE_MAX / sizeof(size_t))
        return oom(m, name, good, cols, err, errlen);
    m->data_lines = data_lines;
    m->lines_kept = keep;
    m->rows_skipped = skipped;
    m->delimiter = delim;
    m->cols = cols;
    m->col_names = calloc(cols, sizeof *m->col_names);
    m->row_ids = calloc(good, sizeof *m->row_ids);
    m->calls = malloc(good * cols);
    size_t *row_line = malloc(good * sizeof *row_line);
    if (!m->col_names || !m->row_ids || !m->calls || !row_line) {
        free(row_line);
        return oom(m, name, good, cols, err, errlen);
    }

    struct fields f;
    const char *s, *e;
    fields_init(&f, &header, delim);
    next_field(&f, &s, &e); /* first header field names the id column */
    for (size_t c = 0; c < cols && next_field(&f, &s, &e); c++) {
        m->col_names[c] = dup_range(s, e);
        if (!m->col_names[c]) {
            free(row_line);
            return oom(m, name, good, cols, err, errlen);
        }
    }

    /* Pass 3: fill the matrix from the lines that passed the count check. */
    seen = 0;
    pos = data_start;
    lineno = header_lineno;
    while (seen < keep && m->rows < good && next_line(&pos, end, &ln)) {
        lineno++;
        if (is_blank(ln.start, ln.end))
            continue;
        seen++;
        if (count_fields(&ln, delim) != hfields)
            continue;
        size_t r = m->rows;
        int8_t *out = m->calls + r * cols;
        fields_init(&f, &ln, delim);
        next_field(&f, &s, &e);
        m->row_ids[r] = dup_range(s, e);
        if (!m->row_ids[r]) {
            free(row_line);
            return oom(m, name, good, cols, err, errlen);
        }
        m->rows++; /* row id owned from here on, so genotype_free releases it */
        for (size_t c = 0; c < cols && next_field(&f, &s, &e); c++) {
            int8_t v = decode_call(s, e);
            if (v == GENOTYPE_MISSING)
                m->missing_calls++;
            out[c] = v;
        }
        row_line[r] = lineno;
    }

    bool ok = warn_duplicate_ids(m, row_line, name, w);
    free(row_line);
    if (!ok)
        return oom(m, name, m->rows, cols, err, errlen);
    return OFFLOAD_OK;
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
        set_err(err, errlen, "%s: is a directory, not a genotype table; pass the path of a CSV file",
                path);
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
    size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
    size_t len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(fp);
        set_err(err, errlen, "%s: out of memory reading %zu bytes; free memory or use a smaller file",
                path, cap);
        return OFFLOAD_ERR_USAGE;
    }
    for (;;) {
        if (len == cap) {
            if ((uint64_t)cap > GENOTYPE_MAX_FILE_BYTES) {
                free(buf);
                fclose(fp);
                set_err(err, errlen, "%s: file is over the 4 GiB limit; pass a smaller genotype table",
                        path);
                return OFFLOAD_ERR_USAGE;
            }
            size_t ncap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(fp);
                set_err(err, errlen,
                        "%s: out of memory reading %zu bytes; free memory or use a smaller file",
                        path, ncap);
                return OFFLOAD_ERR_USAGE;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0) {
            if (ferror(fp)) {
                int e = errno;
                free(buf);
                fclose(fp);
                set_err(err, errlen, "%s: read error: %s; check the file and the disk", path,
                        strerror(e));
                return OFFLOAD_ERR_USAGE;
            }
            break;
        }
    }
    fclose(fp);
    if ((uint64_t)len > GENOTYPE_MAX_FILE_BYTES) {
        free(buf);
        set_err(err, errlen, "%s: file is over the 4 GiB limit; pass a smaller genotype table", path);
        return OFFLOAD_ERR_USAGE;
    }
    enum offload_status s = genotype_parse_buffer(buf, len, path, opt, m, err, errlen);
    free(buf);
    return s;
}
