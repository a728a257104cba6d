/* The genotype loader's tokenizer: lines, fields with RFC 4180 quotes, and
 * calls. Every scan is linear in the bytes it reads. */
#include "genotype_scan.h"

#include "genotype.h"

#include <stdlib.h>
#include <string.h>

/* Spaces, tabs and CR are noise around fields; \v and \f are treated alike so
 * that whitespace-delimited tables split where a reader would expect. */
static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

bool scan_is_blank(const char *s, const char *end)
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

bool scan_next_line(const char **pos, const char *buf_end, struct scan_line *ln)
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

/* End of the quoted part that opens at q (*q == '"'): just past the closing
 * quote, or end when the quote is left open ("" inside is an escaped '"'). */
static const char *skip_quoted(const char *q, const char *end)
{
    for (q++; (q = memchr(q, '"', (size_t)(end - q))) != NULL; q += 2)
        if (q + 1 == end || q[1] != '"')
            return q + 1;
    return end;
}

/* Field splitter over one line, reading RFC 4180 quotes as Python's csv
 * module does: a field that starts with '"' holds delimiters and spaces up
 * to the closing quote, "" inside is one '"', text after the closing quote
 * is appended, a '"' inside an unquoted field is data. Unlike Python, the
 * space around a field is trimmed (so a quote after it still opens a quoted
 * field) and fields do not span lines. For ',' and '\t' every delimiter
 * outside quotes starts a field ("a,b," has three); for ' ' fields are runs
 * of non-whitespace. Fields come back raw; field_value decodes them. */
struct fields {
    const char *p, *end;
    char delim;
    bool done;
};

static void fields_init(struct fields *f, const struct scan_line *ln, char delim)
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
    const char *p = f->p;
    if (f->delim == ' ') {
        while (p < f->end && is_ws(*p))
            p++;
        if (p == f->end) {
            f->done = true;
            return false;
        }
        *s = p;
        if (*p == '"')
            p = skip_quoted(p, f->end);
        while (p < f->end && !is_ws(*p))
            p++;
        *e = f->p = p;
        return true;
    }
    while (p < f->end && *p != f->delim && is_ws(*p))
        p++;
    if (p < f->end && *p == '"')
        p = skip_quoted(p, f->end);
    const char *q = memchr(p, f->delim, (size_t)(f->end - p));
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

size_t scan_count_fields(const struct scan_line *ln, char delim)
{
    if (delim != ' ' && !memchr(ln->start, '"', (size_t)(ln->end - ln->start))) {
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

/* A quote opens a quoted name only at the start of a field, after any of the
 * three delimiters. */
char scan_detect_delimiter(const struct scan_line *h)
{
    bool tab = false, comma = false, field_start = true;
    for (const char *p = h->start; p < h->end; p++) {
        if (*p == '"' && field_start) {
            p = skip_quoted(p, h->end) - 1;
            field_start = false;
            continue;
        }
        tab |= *p == '\t';
        comma |= *p == ',';
        field_start = *p == ',' || is_ws(*p);
    }
    return tab ? '\t' : comma ? ',' : ' ';
}

/* Decodes raw field [s, e) into out (room for e - s bytes): unquoted as it
 * is; quoted without its quotes, "" as '"', and text after the closing quote
 * appended. Returns the length. */
static size_t field_value(const char *s, const char *e, char *out)
{
    size_t n = 0;
    if (s == e || *s != '"') {
        memcpy(out, s, (size_t)(e - s));
        return (size_t)(e - s);
    }
    for (const char *p = s + 1; p < e;) {
        if (*p != '"') {
            out[n++] = *p++;
        } else if (p + 1 < e && p[1] == '"') {
            out[n++] = '"';
            p += 2;
        } else {
            memcpy(out + n, p + 1, (size_t)(e - p - 1));
            return n + (size_t)(e - p - 1);
        }
    }
    return n;
}

static char *dup_field(const char *s, const char *e)
{
    char *r = malloc((size_t)(e - s) + 1);
    if (r)
        r[field_value(s, e, r)] = '\0';
    return r;
}

/* 0/1/2 or A/AB/B in any case, quoted or not; anything else is missing. */
static int8_t decode_call(const char *s, const char *e)
{
    char buf[8];
    if (s < e && *s == '"') {
        if (e - s > (ptrdiff_t)sizeof buf)
            return GENOTYPE_MISSING;
        e = buf + field_value(s, e, buf);
        s = buf;
        trim(&s, &e);
    }
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

bool scan_header_names(const struct scan_line *h, char delim, char **names, size_t n)
{
    struct fields f;
    const char *s, *e;
    fields_init(&f, h, delim);
    next_field(&f, &s, &e); /* the first field names the id column */
    for (size_t c = 0; c < n && next_field(&f, &s, &e); c++)
        if (!(names[c] = dup_field(s, e)))
            return false;
    return true;
}

bool scan_row(const struct scan_line *ln, char delim, size_t cols, int8_t *out, char **id,
              size_t *missing)
{
    struct fields f;
    const char *s, *e;
    fields_init(&f, ln, delim);
    next_field(&f, &s, &e);
    if (!(*id = dup_field(s, e)))
        return false;
    for (size_t c = 0; c < cols && next_field(&f, &s, &e); c++) {
        int8_t v = decode_call(s, e);
        *missing += v == GENOTYPE_MISSING;
        out[c] = v;
    }
    return true;
}
