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

/* GCC and clang vectors: the same source becomes SSE2, AVX2 or AVX-512 code,
 * so portable and native builds scan at about the same speed. */
typedef uint8_t u8x32 __attribute__((vector_size(32)));
typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef uint16_t u16x16 __attribute__((vector_size(32)));
typedef uint64_t u64x4 __attribute__((vector_size(32)));

struct line_stats {
    size_t delims;
    bool quote, nul;
};

/* One pass over [s, e): the delimiters, and whether a quote or a NUL occurs.
 * Byte counters are summed every 255 vectors, before they can wrap. */
static struct line_stats line_stats(const char *s, const char *e, char delim)
{
    struct line_stats st = {0, false, false};
    const uint8_t d = (uint8_t)delim;
    u8x32 quote = {0}, nul = {0};
    while (e - s >= 32) {
        size_t blocks = (size_t)(e - s) / 32;
        blocks = blocks > 255 ? 255 : blocks;
        u8x32 acc = {0};
        for (size_t i = 0; i < blocks; i++, s += 32) {
            u8x32 v;
            memcpy(&v, s, sizeof v);
            acc -= (u8x32)(v == d);
            quote |= (u8x32)(v == '"');
            nul |= (u8x32)(v == 0);
        }
        for (int i = 0; i < 32; i++)
            st.delims += acc[i];
    }
    for (int i = 0; i < 32; i++) {
        st.quote |= quote[i] != 0;
        st.nul |= nul[i] != 0;
    }
    for (; s < e; s++) {
        st.delims += *s == delim;
        st.quote |= *s == '"';
        st.nul |= *s == '\0';
    }
    return st;
}

size_t scan_check_line(const struct scan_line *ln, char delim, bool *nul)
{
    struct line_stats st = line_stats(ln->start, ln->end, delim);
    *nul = st.nul;
    /* Without quotes every delimiter starts a field. */
    if (delim != ' ' && !st.quote)
        return st.delims + 1;
    struct fields f;
    const char *s, *e;
    size_t n = 0;
    fields_init(&f, ln, delim);
    while (next_field(&f, &s, &e))
        n++;
    return n;
}

size_t scan_count_fields(const struct scan_line *ln, char delim)
{
    bool nul;
    return scan_check_line(ln, delim, &nul);
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

/* Calls by byte, plus one so that the zero default is missing: 0/1/2, and A
 * and B in either case. */
static const int8_t call_plus1[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['a'] = 1, ['A'] = 1, ['b'] = 3, ['B'] = 3,
};

/* The call of a trimmed, unquoted field: 0/1/2 or A/AB/B in any case;
 * anything else is missing. */
static int8_t decode_plain(const char *s, const char *e)
{
    if (e - s == 1)
        return (int8_t)(call_plus1[(unsigned char)*s] - 1);
    if (e - s == 2 && (s[0] | 0x20) == 'a' && (s[1] | 0x20) == 'b')
        return 1;
    return GENOTYPE_MISSING;
}

/* The call of a raw field, quoted or not. */
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
    return decode_plain(s, e);
}

/* Calls of the one-byte fields from *p on, 16 at a time while each of them
 * is a byte other than the delimiter followed by the delimiter: read as
 * 16-bit lanes (little endian), such a field is (delim << 8) | call. Stores
 * up to n calls in out, advances *p past them and returns how many. */
static size_t call_blocks(const char **p, const char *end, char delim, int8_t *out, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const char *s = *p;
    const uint16_t d = (uint8_t)delim;
    size_t c = 0;
    for (; n - c >= 16 && end - s >= 32; c += 16, s += 32) {
        u16x16 v;
        memcpy(&v, s, sizeof v);
        u16x16 lo = v & 0xff, digit = lo - '0', lower = lo | 0x20;
        u16x16 is_d = (u16x16)(digit < 3), is_a = (u16x16)(lower == 'a');
        u16x16 is_b = (u16x16)(lower == 'b');
        /* digit, or 0 for A, 2 for B, else all ones: -1 once narrowed */
        u16x16 call = (digit & is_d) | (is_b & 2) | ~(is_d | is_a | is_b);
        u8x16 call8 = __builtin_convertvector(call, u8x16);
        memcpy(out + c, &call8, sizeof call8);
        u64x4 bad = (u64x4)((u16x16)((v >> 8) != d) | (u16x16)(lo == d));
        if ((bad[0] | bad[1] | bad[2] | bad[3]) == 0)
            continue;
        /* Keep the fields before the first one that is not a lone byte. */
        size_t k = 0;
        while (bad[k / 4] == 0)
            k += 4;
        k += (size_t)__builtin_ctzll(bad[k / 4]) / 16;
        *p = s + 2 * k;
        return c + k;
    }
    *p = s;
    return c;
#else
    (void)p, (void)end, (void)delim, (void)out, (void)n;
    return 0;
#endif
}

/* scan_row for a ',' or '\t' line without quotes: fields are the text
 * between delimiters, trimmed. */
static bool row_plain(const struct scan_line *ln, char delim, size_t cols, int8_t *out, char **id)
{
    const char *p = ln->start, *end = ln->end;
    const char *q = memchr(p, delim, (size_t)(end - p));
    const char *s = p, *e = q ? q : end;
    trim(&s, &e);
    if (!(*id = malloc((size_t)(e - s) + 1)))
        return false;
    memcpy(*id, s, (size_t)(e - s));
    (*id)[e - s] = '\0';
    p = q ? q + 1 : end;
    for (size_t c = 0; c < cols;) {
        c += call_blocks(&p, end, delim, out + c, cols - c);
        if (c == cols)
            break;
        if (end - p >= 2 && p[0] != delim && p[1] == delim) { /* a lone byte */
            out[c++] = (int8_t)(call_plus1[(unsigned char)p[0]] - 1);
            p += 2;
            continue;
        }
        q = memchr(p, delim, (size_t)(end - p));
        s = p;
        e = q ? q : end;
        trim(&s, &e);
        out[c++] = decode_plain(s, e);
        p = q ? q + 1 : end;
    }
    return true;
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
    if (delim != ' ' && !memchr(ln->start, '"', (size_t)(ln->end - ln->start))) {
        if (!row_plain(ln, delim, cols, out, id))
            return false;
    } else {
        struct fields f;
        const char *s, *e;
        fields_init(&f, ln, delim);
        next_field(&f, &s, &e);
        if (!(*id = dup_field(s, e)))
            return false;
        for (size_t c = 0; c < cols && next_field(&f, &s, &e); c++)
            out[c] = decode_call(s, e);
    }
    size_t n = 0;
    for (size_t c = 0; c < cols; c++)
        n += out[c] < 0;
    *missing += n;
    return true;
}
