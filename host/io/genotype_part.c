/* Reading one part of a genotype table (genotype_load_part): the header,
 * then the lines that start in this part's byte range, so parts read by
 * several processes together read each line once; and the checks that need
 * every row at once (repeated ids), made when the parts are together. */
#define _XOPEN_SOURCE 700 /* pread */
#include "genotype.h"
#include "genotype_scan.h"
#include "message.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One part's bytes (header and lines) at most: the one-file limit. */
#define PART_MAX_BYTES ((uint64_t)4 << 30)
#define SCAN_BLOCK 65536

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

size_t genotype_bytes(const struct genotype_matrix *m)
{
    size_t bytes = m->rows * m->cols + m->rows * sizeof *m->row_ids;
    for (size_t r = 0; m->row_ids && r < m->rows; r++)
        bytes += m->row_ids[r] ? strlen(m->row_ids[r]) + 1 : 0;
    if (m->row_line)
        bytes += m->rows * sizeof *m->row_line;
    return bytes;
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
bool genotype_warn_duplicate_ids(const struct genotype_matrix *m, const char *name, FILE *out)
{
    const size_t *row_line = m->row_line;
    if (!out || m->rows < 2 || !row_line)
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
        offload_warning_to(
            out,
            "%s: %zu marker id%s appear%s more than once (first: %s at "
            "line %zu, already at line %zu); rows are kept and reported by position\n",
            name, repeated_ids, repeated_ids == 1 ? "" : "s", repeated_ids == 1 ? "s" : "",
            m->row_ids[first_row], row_line[first_row], row_line[first_prev]);
    return true;
}

/* n bytes at off, all of them. */
static bool read_at(int fd, uint64_t off, char *buf, size_t n)
{
    while (n > 0) {
        ssize_t got = pread(fd, buf, n, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        buf += got;
        off += (uint64_t)got;
        n -= (size_t)got;
    }
    return true;
}

/* Where the header ends: past the '\n' of the first non-blank line, or the
 * file's end. False on a read error or out of memory. */
static bool header_end(int fd, uint64_t size, uint64_t *end)
{
    size_t cap = SCAN_BLOCK, n = 0;
    char *buf = NULL;
    for (;;) {
        size_t want = size - n < (uint64_t)cap - n ? (size_t)(size - n) : cap - n;
        char *grown = realloc(buf, cap);
        if (!grown || !read_at(fd, n, grown + n, want)) {
            free(grown ? grown : buf);
            return false;
        }
        buf = grown;
        n += want;
        const char *pos = buf;
        struct scan_line ln;
        while (scan_next_line(&pos, buf + n, &ln)) {
            bool whole = ln.end < buf + n || n == size;
            if (whole && !scan_is_blank(ln.start, ln.end)) {
                *end = (uint64_t)(ln.next - buf);
                free(buf);
                return true;
            }
            if (!whole)
                break;
        }
        if (n == size) {
            *end = size;
            free(buf);
            return true;
        }
        if (cap >= PART_MAX_BYTES) { /* no header in 4 GiB: not a table */
            free(buf);
            errno = EFBIG;
            return false;
        }
        cap *= 2;
    }
}

/* The first line start at or after x among the data lines [data0, size): x
 * itself when it follows a '\n'. False on a read error. */
static bool line_start_from(int fd, uint64_t data0, uint64_t size, uint64_t x, uint64_t *out)
{
    if (x <= data0 || x >= size) {
        *out = x <= data0 ? data0 : size;
        return true;
    }
    char block[SCAN_BLOCK];
    for (uint64_t pos = x - 1; pos < size;) {
        size_t n = size - pos < SCAN_BLOCK ? (size_t)(size - pos) : SCAN_BLOCK;
        if (!read_at(fd, pos, block, n))
            return false;
        const char *nl = memchr(block, '\n', n);
        if (nl) {
            *out = pos + (uint64_t)(nl - block) + 1;
            return true;
        }
        pos += n;
    }
    *out = size;
    return true;
}

/* This part's buffer: the header's lines, then its own lines. NULL with a
 * message in err. */
static char *read_part(const char *path, const struct genotype_exchange *ex, size_t *len,
                       char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        set_err(err, errlen, "%s: cannot open: %s; check the path and its permissions", path,
                strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    char *buf = NULL;
    uint64_t size = (uint64_t)st.st_size, h = 0, first = 0, last = 0;
    if (!S_ISREG(st.st_mode))
        set_err(err, errlen,
                "%s: not a regular file: ranks read their own parts of a table by byte offset; "
                "pass the path of a CSV file",
                path);
    else if (!header_end(fd, size, &h) ||
             !line_start_from(fd, h, size, h + (size - h) * (uint64_t)ex->part / (uint64_t)ex->parts,
                              &first) ||
             !line_start_from(fd, h, size,
                              h + (size - h) * (uint64_t)(ex->part + 1) / (uint64_t)ex->parts,
                              &last))
        set_err(err, errlen, "%s: read error: %s; check the file and the disk", path,
                strerror(errno));
    else if (h + (last - first) > PART_MAX_BYTES)
        set_err(err, errlen,
                "%s: this rank's part is over the 4 GiB limit; run on more ranks or pass a "
                "smaller genotype table",
                path);
    else if (!(buf = malloc(h + (last - first) + 1)))
        set_err(err, errlen, "%s: out of memory reading %llu bytes; free memory or run on more ranks",
                path, (unsigned long long)(h + (last - first)));
    else if (!read_at(fd, 0, buf, (size_t)h) || !read_at(fd, first, buf + h, (size_t)(last - first))) {
        set_err(err, errlen, "%s: read error: %s; check the file and the disk", path,
                strerror(errno));
        free(buf);
        buf = NULL;
    }
    close(fd);
    *len = (size_t)(h + (last - first));
    return buf;
}

enum offload_status genotype_load_part(const char *path, const struct genotype_load_options *opt,
                                       const struct genotype_exchange *ex,
                                       struct genotype_matrix *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    if (err && errlen)
        err[0] = '\0';
    size_t len = 0;
    char *buf = path && *path ? read_part(path, ex, &len, err, errlen) : NULL;
    if (!path || !*path)
        set_err(err, errlen, "genotype file: no path given; pass the path of a genotype CSV file");
    /* Every part learns of a part that could not read before the sums. */
    uint64_t failed = buf == NULL, before, total;
    ex->sums(ex->ctx, &failed, &before, &total, 1);
    if (total) {
        free(buf);
        return OFFLOAD_ERR_USAGE;
    }
    /* The same header bytes on every part: the same verdict, said once. */
    enum offload_status st = OFFLOAD_ERR_USAGE;
    if (!genotype_text_shape_error(buf, len, path, err, errlen))
        st = genotype_parse_part_buffer(buf, len, path, opt, ex, m, err, errlen);
    else if (ex->part != 0 && err && errlen)
        err[0] = '\0';
    free(buf);
    return st;
}
