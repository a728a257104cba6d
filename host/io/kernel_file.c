/* Expressions in N, --arg SPECs and "// offload:" lines: see kernel_file.h. */
#include "kernel_file.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 3, 4))) static enum offload_status fail(char *err, size_t errlen,
                                                                      const char *fmt, ...)
{
    if (errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return OFFLOAD_ERR_USAGE;
}

/* ---- element types -------------------------------------------------------- */

static const struct {
    const char *name;
    size_t size;
    int is_float, is_signed;
} elem_types[] = {
    [ELEM_NONE] = {"?", 0, 0, 0},        [ELEM_CHAR] = {"char", 1, 0, 1},
    [ELEM_UCHAR] = {"uchar", 1, 0, 0},   [ELEM_SHORT] = {"short", 2, 0, 1},
    [ELEM_USHORT] = {"ushort", 2, 0, 0}, [ELEM_INT] = {"int", 4, 0, 1},
    [ELEM_UINT] = {"uint", 4, 0, 0},     [ELEM_LONG] = {"long", 8, 0, 1},
    [ELEM_ULONG] = {"ulong", 8, 0, 0},   [ELEM_FLOAT] = {"float", 4, 1, 1},
    [ELEM_DOUBLE] = {"double", 8, 1, 1},
};
#define ELEM_TYPE_COUNT (sizeof elem_types / sizeof elem_types[0])

const char *elem_type_name(enum elem_type t)
{
    return elem_types[t].name;
}

size_t elem_type_size(enum elem_type t)
{
    return elem_types[t].size;
}

int elem_type_is_float(enum elem_type t)
{
    return elem_types[t].is_float;
}

int elem_type_is_signed(enum elem_type t)
{
    return elem_types[t].is_signed;
}

static bool word_is(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && strncmp(s, word, len) == 0;
}

enum elem_type elem_type_from_name(const char *name, size_t len)
{
    /* Spellings OpenCL C also accepts for the same types. */
    static const struct {
        const char *name;
        enum elem_type type;
    } aliases[] = {{"unsigned char", ELEM_UCHAR},
                   {"unsigned short", ELEM_USHORT},
                   {"unsigned int", ELEM_UINT},
                   {"unsigned", ELEM_UINT},
                   {"unsigned long", ELEM_ULONG},
                   {"signed char", ELEM_CHAR},
                   {"int8", ELEM_CHAR},
                   {"uint8", ELEM_UCHAR},
                   {"int32", ELEM_INT},
                   {"uint32", ELEM_UINT},
                   {"int64", ELEM_LONG},
                   {"uint64", ELEM_ULONG},
                   {"float32", ELEM_FLOAT},
                   {"float64", ELEM_DOUBLE},
                   /* what a 64-bit device's driver may call them */
                   {"size_t", ELEM_ULONG},
                   {"ptrdiff_t", ELEM_LONG}};
    for (size_t t = ELEM_CHAR; t < ELEM_TYPE_COUNT; t++)
        if (word_is(name, len, elem_types[t].name))
            return (enum elem_type)t;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (word_is(name, len, aliases[i].name))
            return aliases[i].type;
    return ELEM_NONE;
}

/* ---- expressions: recursive descent over int64 with overflow checks ------- */

struct expr_parser {
    const char *s;
    size_t pos;
    int64_t n;
    char *err;
    size_t errlen;
    int depth;
};

/* Parentheses nest at most this deep: no stack overflow on "((((...". */
#define EXPR_MAX_DEPTH 64

static void skip_blanks(struct expr_parser *p)
{
    while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
        p->pos++;
}

static enum offload_status parse_sum(struct expr_parser *p, int64_t *out);

static enum offload_status parse_atom(struct expr_parser *p, int64_t *out)
{
    skip_blanks(p);
    char c = p->s[p->pos];
    if (c == '(') {
        if (++p->depth > EXPR_MAX_DEPTH)
            return fail(p->err, p->errlen, "parentheses nest deeper than %d", EXPR_MAX_DEPTH);
        p->pos++;
        enum offload_status st = parse_sum(p, out);
        if (st != OFFLOAD_OK)
            return st;
        skip_blanks(p);
        if (p->s[p->pos] != ')')
            return fail(p->err, p->errlen, "missing ')' at position %zu", p->pos + 1);
        p->pos++;
        p->depth--;
        return OFFLOAD_OK;
    }
    if (c == '-' || c == '+') {
        if (++p->depth > EXPR_MAX_DEPTH)
            return fail(p->err, p->errlen, "signs nest deeper than %d", EXPR_MAX_DEPTH);
        p->pos++;
        int64_t v;
        enum offload_status st = parse_atom(p, &v);
        if (st != OFFLOAD_OK)
            return st;
        p->depth--;
        if (c == '-' && v == INT64_MIN)
            return fail(p->err, p->errlen, "overflow in '-'");
        *out = c == '-' ? -v : v;
        return OFFLOAD_OK;
    }
    if (c == 'N' && !isalnum((unsigned char)p->s[p->pos + 1]) && p->s[p->pos + 1] != '_') {
        p->pos++;
        *out = p->n;
        return OFFLOAD_OK;
    }
    if (isdigit((unsigned char)c)) {
        int64_t v = 0;
        while (isdigit((unsigned char)p->s[p->pos])) {
            int d = p->s[p->pos] - '0';
            if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, d, &v))
                return fail(p->err, p->errlen, "number too large at position %zu", p->pos + 1);
            p->pos++;
        }
        if (isalnum((unsigned char)p->s[p->pos]) || p->s[p->pos] == '.' || p->s[p->pos] == '_')
            return fail(p->err, p->errlen,
                        "'%c' after a number at position %zu: whole numbers only (no suffixes "
                        "or fractions)",
                        p->s[p->pos], p->pos + 1);
        *out = v;
        return OFFLOAD_OK;
    }
    if (c == '\0')
        return fail(p->err, p->errlen, "expression ends early");
    if (isalpha((unsigned char)c) || c == '_')
        return fail(p->err, p->errlen,
                    "unknown name at position %zu: only N, whole numbers, + - * / %% and "
                    "parentheses",
                    p->pos + 1);
    return fail(p->err, p->errlen,
                "unexpected '%c' at position %zu: only N, whole numbers, + - * / %% and "
                "parentheses",
                c, p->pos + 1);
}

static enum offload_status parse_product(struct expr_parser *p, int64_t *out)
{
    enum offload_status st = parse_atom(p, out);
    for (;;) {
        if (st != OFFLOAD_OK)
            return st;
        skip_blanks(p);
        char op = p->s[p->pos];
        if (op != '*' && op != '/' && op != '%')
            return OFFLOAD_OK;
        p->pos++;
        int64_t rhs;
        st = parse_atom(p, &rhs);
        if (st != OFFLOAD_OK)
            return st;
        if (op == '*') {
            if (__builtin_mul_overflow(*out, rhs, out))
                return fail(p->err, p->errlen, "overflow in '*'");
        } else {
            if (rhs == 0)
                return fail(p->err, p->errlen, "division by zero");
            if (*out == INT64_MIN && rhs == -1)
                return fail(p->err, p->errlen, "overflow in '%c'", op);
            *out = op == '/' ? *out / rhs : *out % rhs;
        }
    }
}

static enum offload_status parse_sum(struct expr_parser *p, int64_t *out)
{
    enum offload_status st = parse_product(p, out);
    for (;;) {
        if (st != OFFLOAD_OK)
            return st;
        skip_blanks(p);
        char op = p->s[p->pos];
        if (op != '+' && op != '-')
            return OFFLOAD_OK;
        p->pos++;
        int64_t rhs;
        st = parse_product(p, &rhs);
        if (st != OFFLOAD_OK)
            return st;
        if (op == '+' ? __builtin_add_overflow(*out, rhs, out)
                      : __builtin_sub_overflow(*out, rhs, out))
            return fail(p->err, p->errlen, "overflow in '%c'", op);
    }
}

enum offload_status expr_eval(const char *text, int64_t n, int64_t *out, char *err, size_t errlen)
{
    struct expr_parser p = {.s = text, .n = n, .err = err, .errlen = errlen};
    int64_t v = 0;
    enum offload_status st = parse_sum(&p, &v);
    if (st != OFFLOAD_OK)
        return st;
    skip_blanks(&p);
    if (text[p.pos] == ')')
        return fail(err, errlen, "unmatched ')' at position %zu", p.pos + 1);
    if (text[p.pos] != '\0')
        return fail(err, errlen,
                    "unexpected '%c' at position %zu: only N, whole numbers, + - * / %% and "
                    "parentheses",
                    text[p.pos], p.pos + 1);
    *out = v;
    return OFFLOAD_OK;
}

/* ---- --arg SPECs ---------------------------------------------------------- */

const char *arg_kind_name(enum arg_kind k)
{
    switch (k) {
    case ARG_IN:
        return "in";
    case ARG_OUT:
        return "out";
    case ARG_INOUT:
        return "inout";
    case ARG_LOCAL:
        return "local";
    case ARG_VALUE:
        return "value";
    }
    return "?";
}

#define SPEC_FORMS                                                                                 \
    "in:TYPE[EXPR]:FILL, out:TYPE[EXPR], inout:TYPE[EXPR]:FILL, local:TYPE[EXPR] or a number "     \
    "or expression in N"
#define FILL_FORMS "random(LO,HI), fill(V), range(START,STEP) or file(PATH)"

/* Whether s[0..len) is a plain finite decimal number, stored in *out. */
static bool number_in(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end == buf || *end != '\0' || errno == ERANGE || !isfinite(v))
        return false;
    /* strtod reads "nan", "inf" and hex floats: only plain decimals here. */
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789+-.eE", buf[i]))
            return false;
    *out = v;
    return true;
}

/* FILL: random(LO,HI), fill(V), range(START,STEP), file(PATH). */
static enum offload_status parse_fill(const char *s, struct arg_spec *out, char *err, size_t errlen)
{
    const char *open = strchr(s, '(');
    size_t len = strlen(s);
    if (!open || len < 2 || s[len - 1] != ')')
        return fail(err, errlen, "unknown fill '%s': use " FILL_FORMS, s);
    size_t name_len = (size_t)(open - s);
    const char *inside = open + 1;
    size_t inside_len = (size_t)(s + len - 1 - inside);
    if (word_is(s, name_len, "file")) {
        if (inside_len == 0 || inside_len >= sizeof out->path)
            return fail(err, errlen, "file() needs a path (at most %zu characters)",
                        sizeof out->path - 1);
        memcpy(out->path, inside, inside_len);
        out->path[inside_len] = '\0';
        out->fill = FILL_FILE;
        return OFFLOAD_OK;
    }
    int nargs;
    if (word_is(s, name_len, "random")) {
        out->fill = FILL_RANDOM;
        nargs = 2;
    } else if (word_is(s, name_len, "range")) {
        out->fill = FILL_RANGE;
        nargs = 2;
    } else if (word_is(s, name_len, "fill")) {
        out->fill = FILL_CONST;
        nargs = 1;
    } else {
        return fail(err, errlen, "unknown fill '%s': use " FILL_FORMS, s);
    }
    const char *comma = memchr(inside, ',', inside_len);
    if ((nargs == 2) != (comma != NULL))
        return fail(err, errlen, "%.*s() takes %s", (int)name_len, s,
                    nargs == 2 ? "two numbers, e.g. random(0,1)" : "one number, e.g. fill(0)");
    size_t first_len = comma ? (size_t)(comma - inside) : inside_len;
    if (!number_in(inside, first_len, &out->a) ||
        (comma && !number_in(comma + 1, (size_t)(inside + inside_len - comma - 1), &out->b)))
        return fail(err, errlen, "'%s': the values of %.*s() must be plain numbers", s,
                    (int)name_len, s);
    if (out->fill == FILL_RANDOM && !(out->a <= out->b))
        return fail(err, errlen, "random(%g,%g): LO must not exceed HI", out->a, out->b);
    return OFFLOAD_OK;
}

/* TYPE[EXPR], TYPE or [EXPR] in s[0..len). */
static enum offload_status parse_shape(const char *s, size_t len, struct arg_spec *out, char *err,
                                       size_t errlen)
{
    const char *bracket = memchr(s, '[', len);
    size_t type_len = bracket ? (size_t)(bracket - s) : len;
    if (type_len) {
        out->type = elem_type_from_name(s, type_len);
        if (out->type == ELEM_NONE)
            return fail(err, errlen,
                        "unknown type '%.*s': use char, uchar, short, ushort, int, uint, long, "
                        "ulong, float or double",
                        (int)type_len, s);
    }
    if (!bracket)
        return OFFLOAD_OK;
    if (s[len - 1] != ']')
        return fail(err, errlen, "'%.*s': the count goes in brackets, e.g. float[N]", (int)len, s);
    size_t count_len = len - type_len - 2;
    if (count_len == 0 || count_len >= sizeof out->count)
        return fail(err, errlen, "'%.*s': the brackets need a count, e.g. [N] or [2*N]", (int)len,
                    s);
    memcpy(out->count, bracket + 1, count_len);
    out->count[count_len] = '\0';
    /* Checked now for syntax; its value depends on N. */
    int64_t probe;
    char why[160];
    if (expr_eval(out->count, 1, &probe, why, sizeof why) != OFFLOAD_OK)
        return fail(err, errlen, "count '%s': %s", out->count, why);
    return OFFLOAD_OK;
}

enum offload_status arg_spec_parse(const char *text, struct arg_spec *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    static const struct {
        const char *word;
        enum arg_kind kind;
    } kinds[] = {{"inout", ARG_INOUT}, {"in", ARG_IN}, {"out", ARG_OUT}, {"local", ARG_LOCAL}};
    const char *colon = strchr(text, ':');
    size_t head = colon ? (size_t)(colon - text) : strlen(text);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (!word_is(text, head, kinds[i].word))
            continue;
        out->kind = kinds[i].kind;
        if (!colon)
            return out->kind == ARG_LOCAL ? fail(err, errlen,
                                                 "local needs a size: local:TYPE[EXPR], e.g. "
                                                 "local:float[256]")
                                          : OFFLOAD_OK;
        const char *rest = colon + 1;
        /* The shape (TYPE[EXPR]) comes first unless rest is a fill. */
        const char *paren = strchr(rest, '(');
        const char *next = strchr(rest, ':');
        int rest_is_fill = paren && (!next || paren < next);
        size_t shape_len = rest_is_fill ? 0 : next ? (size_t)(next - rest) : strlen(rest);
        if (shape_len) {
            enum offload_status st = parse_shape(rest, shape_len, out, err, errlen);
            if (st != OFFLOAD_OK)
                return st;
        }
        const char *fill = rest_is_fill ? rest : next ? next + 1 : NULL;
        if (!rest_is_fill && !next && shape_len == 0)
            return fail(err, errlen, "'%s': nothing after ':'", text);
        if (fill) {
            if (out->kind == ARG_OUT || out->kind == ARG_LOCAL)
                return fail(err, errlen,
                            "'%s': %s buffers take no fill (only in and inout are filled)", text,
                            arg_kind_name(out->kind));
            enum offload_status st = parse_fill(fill, out, err, errlen);
            if (st != OFFLOAD_OK)
                return st;
        }
        if (out->kind == ARG_LOCAL && !out->count[0])
            return fail(err, errlen, "local needs a size: local:TYPE[EXPR], e.g. local:float[256]");
        return OFFLOAD_OK;
    }
    /* Anything else is a scalar: a number or an expression in N. */
    size_t len = strlen(text);
    double number;
    int64_t probe;
    char why[160];
    if (len == 0)
        return fail(err, errlen, "empty SPEC: use " SPEC_FORMS);
    if (len >= sizeof out->value)
        return fail(err, errlen, "SPEC longer than %zu characters", sizeof out->value - 1);
    if (!number_in(text, len, &number) && expr_eval(text, 1, &probe, why, sizeof why) != OFFLOAD_OK)
        return fail(err, errlen, "unknown SPEC '%s' (%s): use " SPEC_FORMS, text, why);
    out->kind = ARG_VALUE;
    memcpy(out->value, text, len + 1);
    return OFFLOAD_OK;
}

enum offload_status arg_option_parse(const char *text, char *name, struct arg_spec *out, char *err,
                                     size_t errlen)
{
    const char *eq = strchr(text, '=');
    size_t len = eq ? (size_t)(eq - text) : 0;
    if (!eq || len == 0)
        return fail(err, errlen, "'%s' is not NAME=SPEC: write e.g. --arg x=in:float[N]", text);
    if (len >= ARG_NAME_MAX)
        return fail(err, errlen, "argument name longer than %d characters", ARG_NAME_MAX - 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (!(isalpha(c) || c == '_' || (i > 0 && isdigit(c))))
            return fail(err, errlen, "'%.*s' is not an argument name (a C identifier)", (int)len,
                        text);
    }
    memcpy(name, text, len);
    name[len] = '\0';
    char why[ARG_PATH_MAX + 256];
    if (arg_spec_parse(eq + 1, out, why, sizeof why) != OFFLOAD_OK)
        return fail(err, errlen, "%s: %s", name, why);
    return OFFLOAD_OK;
}

enum offload_status arg_value_eval(const char *text, enum elem_type type, int64_t n, double *as_f,
                                   int64_t *as_i, char *err, size_t errlen)
{
    char why[160];
    int64_t v;
    double d;
    if (elem_type_is_float(type)) {
        if (number_in(text, strlen(text), &d)) {
            if (type == ELEM_FLOAT && fabs(d) > 3.4028234663852886e38)
                return fail(err, errlen, "%s is out of range for float", text);
            *as_f = d;
            return OFFLOAD_OK;
        }
        if (expr_eval(text, n, &v, why, sizeof why) != OFFLOAD_OK)
            return fail(err, errlen, "'%s': %s", text, why);
        *as_f = (double)v;
        return OFFLOAD_OK;
    }
    if (expr_eval(text, n, &v, why, sizeof why) != OFFLOAD_OK)
        return fail(err, errlen, "'%s' for a %s: %s", text, elem_type_name(type), why);
    size_t bits = elem_type_size(type) * 8;
    if (elem_type_is_signed(type)) {
        int64_t lo = bits >= 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
        int64_t hi = bits >= 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;
        if (v < lo || v > hi)
            return fail(err, errlen, "%s = %lld is out of range for %s", text, (long long)v,
                        elem_type_name(type));
    } else if (v < 0 || (bits < 64 && (uint64_t)v >> bits)) {
        return fail(err, errlen, "%s = %lld is out of range for %s", text, (long long)v,
                    elem_type_name(type));
    }
    *as_i = v;
    *as_f = (double)v;
    return OFFLOAD_OK;
}

/* ---- "// offload:" lines -------------------------------------------------- */

#define HEADER_MARK "// offload:"
#define HEADER_MAX_WORDS 256

enum offload_status header_words(const char *source, size_t len, char ***words, int *count,
                                 char *err, size_t errlen)
{
    *words = NULL;
    *count = 0;
    /* Pass 1 collects the words' characters in text, pass 2 points at them. */
    char *text = malloc(len + 1);
    if (!text)
        return fail(err, errlen, "out of memory reading the '// offload:' lines");
    size_t used = 0;
    int n = 0;
    size_t mark = strlen(HEADER_MARK);
    for (size_t line = 0; line < len;) {
        size_t end = line;
        while (end < len && source[end] != '\n')
            end++;
        size_t p = line;
        while (p < end && (source[p] == ' ' || source[p] == '\t'))
            p++;
        if (end - p >= mark && memcmp(source + p, HEADER_MARK, mark) == 0) {
            p += mark;
            for (;;) {
                while (p < end && (source[p] == ' ' || source[p] == '\t' || source[p] == '\r'))
                    p++;
                if (p >= end)
                    break;
                if (n == HEADER_MAX_WORDS) {
                    free(text);
                    return fail(err, errlen, "more than %d words in '// offload:' lines",
                                HEADER_MAX_WORDS);
                }
                int quoted = 0;
                while (p < end &&
                       (quoted || !(source[p] == ' ' || source[p] == '\t' || source[p] == '\r'))) {
                    if (source[p] == '"')
                        quoted = !quoted;
                    else if (source[p] == '\0') {
                        free(text);
                        return fail(err, errlen, "a NUL byte in an '// offload:' line");
                    } else
                        text[used++] = source[p];
                    p++;
                }
                if (quoted) {
                    free(text);
                    return fail(err, errlen, "unterminated '\"' in an '// offload:' line");
                }
                text[used++] = '\0';
                n++;
            }
        }
        line = end + 1;
    }
    if (n == 0) {
        free(text);
        return OFFLOAD_OK;
    }
    /* One block: the pointers, then the words. */
    char **block = malloc((size_t)n * sizeof *block + used);
    if (!block) {
        free(text);
        return fail(err, errlen, "out of memory reading the '// offload:' lines");
    }
    char *chars = (char *)(block + n);
    memcpy(chars, text, used);
    free(text);
    for (int i = 0, at = 0; i < n; i++) {
        block[i] = chars + at;
        at += (int)strlen(chars + at) + 1;
    }
    *words = block;
    *count = n;
    return OFFLOAD_OK;
}
