/* Reading a genotype table file for the loader (genotype.c): mapped when it
 * is a regular file, else read to its end. */
#define _DEFAULT_SOURCE /* MAP_POPULATE */
#include "genotype.h"
#include "genotype_scan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* Larger inputs are almost certainly a wrong path, and would not fit the
 * matrix anyway. */
#define GENOTYPE_MAX_FILE_BYTES ((uint64_t)4 << 30)
/* A line of a streamed input (a pipe, a device) longer than this stops the
 * read at once: 64 MiB is a header of 30 million varieties. A regular file
 * is mapped and checked by the parser, which needs no such bound. */
#define GENOTYPE_MAX_LINE_BYTES ((size_t)64 << 20)

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

/* Maps a regular file read-only. Reading it instead would copy every byte
 * into freshly zeroed pages, which costs more than the whole parse of a
 * large table. NULL when it cannot be mapped; the caller reads it then.
 * As with any mapped reader, a file truncated while it is parsed ends the
 * process with SIGBUS; a file that grows is read up to its size here. */
static const char *map_file(FILE *fp, const struct stat *st)
{
    if (!S_ISREG(st->st_mode) || st->st_size <= 0)
        return NULL;
    int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
    flags |= MAP_POPULATE; /* one call maps every page, not one fault each */
#endif
    void *p = mmap(NULL, (size_t)st->st_size, PROT_READ, flags, fileno(fp), 0);
    return p == MAP_FAILED ? NULL : p;
}

/* UTF-16 text (a spreadsheet's "Unicode text" export): a byte-order mark,
 * or ASCII with every other byte NUL. The parser would stop at the first
 * NUL byte without saying why. */
static bool looks_utf16(const char *buf, size_t len)
{
    const unsigned char *u = (const unsigned char *)buf;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return true;
    return len >= 4 && ((u[0] && !u[1] && u[2] && !u[3]) || (!u[0] && u[1] && !u[2] && u[3]));
}

/* Text the parser cannot read, named with its fix: UTF-16, or lines that
 * end in CR alone (classic Mac OS), which read as one long header. */
bool genotype_text_shape_error(const char *buf, size_t len, const char *path, char *err,
                             size_t errlen)
{
    if (looks_utf16(buf, len)) {
        set_err(err, errlen,
                "%s: UTF-16 text, not UTF-8 or ASCII; convert it with: iconv -f UTF-16 -t UTF-8 "
                "%s > table.csv",
                path, path);
        return true;
    }
    if (len && !memchr(buf, '\n', len) && memchr(buf, '\r', len)) {
        set_err(err, errlen,
                "%s: lines end in CR only (old Mac text); convert them with: tr '\\r' '\\n' < "
                "%s > table.csv",
                path, path);
        return true;
    }
    return false;
}

/* Checks the bytes [from, to) just read, of a stream whose last line began
 * at *line_start (line *line, counting from 1): a NUL byte or a line over
 * GENOTYPE_MAX_LINE_BYTES stops the read at once. False with a message
 * naming the byte offset in err. */
static bool stream_chunk_ok(const char *buf, size_t from, size_t to, size_t *line,
                            size_t *line_start, const char *path, char *err, size_t errlen)
{
    const char *nul = memchr(buf + from, '\0', to - from);
    size_t end = nul ? (size_t)(nul - buf) : to;
    for (const char *p = buf + from; (p = memchr(p, '\n', end - (size_t)(p - buf))) != NULL; p++) {
        (*line)++;
        *line_start = (size_t)(p - buf) + 1;
    }
    if (nul) {
        if (!genotype_text_shape_error(buf, to, path, err, errlen))
            set_err(err, errlen,
                    "%s: NUL byte at byte offset %zu (line %zu): this is not a text genotype "
                    "table; pass a CSV, tab- or space-separated text file",
                    path, end, *line);
        return false;
    }
    if (to - *line_start > GENOTYPE_MAX_LINE_BYTES) {
        set_err(err, errlen,
                "%s: line %zu is over the %zu MiB limit at byte offset %zu: this is not a "
                "genotype table; pass a CSV file with one line per marker",
                path, *line, GENOTYPE_MAX_LINE_BYTES >> 20, *line_start + GENOTYPE_MAX_LINE_BYTES);
        return false;
    }
    return true;
}

/* Reads fp to its end into a buffer of cap bytes or more, checking each
 * chunk as it comes (stream_chunk_ok), so endless input (/dev/zero, a
 * runaway pipe) stops at once. NULL with a message in err on a read error,
 * bad bytes, out of memory or over the size limit. */
static char *read_to_eof(FILE *fp, const char *path, size_t cap, size_t *len, char *err,
                         size_t errlen)
{
    char *buf = malloc(cap);
    size_t n = 0, got = 1, line = 1, line_start = 0;
    int read_errno = 0;
    bool bad = false;
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
        if (got && !stream_chunk_ok(buf, n - got, n, &line, &line_start, path, err, errlen)) {
            bad = true;
            break;
        }
    }
    if (bad)
        ; /* the message is in err */
    else if (!buf)
        set_err(err, errlen,
                "%s: out of memory reading %zu bytes; free memory or use a smaller "
                "file",
                path, cap);
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
    /* "-" is standard input, as everywhere else on the command line. */
    bool from_stdin = strcmp(path, "-") == 0;
    FILE *fp = from_stdin ? stdin : fopen(path, "rb");
    if (!fp) {
        set_err(err, errlen, "%s: cannot open: %s; check the path and its permissions", path,
                strerror(errno));
        return OFFLOAD_ERR_USAGE;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) != 0) {
        int e = errno;
        if (!from_stdin)
            fclose(fp);
        set_err(err, errlen, "%s: cannot stat: %s; check the path and its permissions", path,
                strerror(e));
        return OFFLOAD_ERR_USAGE;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!from_stdin)
            fclose(fp);
        set_err(err, errlen,
                "%s: is a directory, not a genotype table; pass the path of a CSV file", path);
        return OFFLOAD_ERR_USAGE;
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > GENOTYPE_MAX_FILE_BYTES) {
        if (!from_stdin)
            fclose(fp);
        set_err(err, errlen,
                "%s: file is %llu bytes, over the 4 GiB limit; pass a smaller genotype table", path,
                (unsigned long long)st.st_size);
        return OFFLOAD_ERR_USAGE;
    }

    const char *map = from_stdin ? NULL : map_file(fp, &st);
    if (map) {
        fclose(fp);
        enum offload_status s =
            genotype_text_shape_error(map, (size_t)st.st_size, path, err, errlen)
                ? OFFLOAD_ERR_USAGE
                : genotype_parse_buffer(map, (size_t)st.st_size, path, opt, m, err, errlen);
        munmap((void *)map, (size_t)st.st_size);
        return s;
    }
    /* Read to EOF rather than trusting st_size: pipes report 0 and /proc
     * files report 0 or too little. */
    size_t len;
    char *buf = read_to_eof(fp, path,
                            S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536,
                            &len, err, errlen);
    if (!from_stdin)
        fclose(fp);
    if (!buf)
        return OFFLOAD_ERR_USAGE;
    enum offload_status s = genotype_text_shape_error(buf, len, path, err, errlen)
                                ? OFFLOAD_ERR_USAGE
                                : genotype_parse_buffer(buf, len, path, opt, m, err, errlen);
    free(buf);
    return s;
}
