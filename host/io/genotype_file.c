/* Reading a genotype table file for the loader (genotype.c): mapped when it
 * is a regular file, else read to its end. */
#define _DEFAULT_SOURCE /* MAP_POPULATE */
#include "genotype.h"

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

/* Reads fp to its end into a buffer of cap bytes or more. NULL with a
 * message in err on a read error, out of memory or over the size limit. */
static char *read_to_eof(FILE *fp, const char *path, size_t cap, size_t *len, char *err,
                         size_t errlen)
{
    char *buf = malloc(cap);
    size_t n = 0, got = 1;
    int read_errno = 0, binary = 0;
    while (buf && got > 0 && !binary && (uint64_t)n <= GENOTYPE_MAX_FILE_BYTES) {
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
        /* A text table holds no NUL byte: stop at the first chunk of binary
         * data (/dev/zero would otherwise be read to the size limit). */
        binary = got > 0 && memchr(buf + n, '\0', got) != NULL;
        n += got;
    }
    if (buf && binary)
        set_err(err, errlen,
                "%s: holds NUL bytes (binary data, not a genotype table); pass a CSV or TSV "
                "text file",
                path);
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

    const char *map = map_file(fp, &st);
    if (map) {
        fclose(fp);
        enum offload_status s =
            genotype_parse_buffer(map, (size_t)st.st_size, path, opt, m, err, errlen);
        munmap((void *)map, (size_t)st.st_size);
        return s;
    }
    /* Read to EOF rather than trusting st_size: pipes report 0 and /proc
     * files report 0 or too little. */
    size_t len;
    char *buf = read_to_eof(fp, path,
                            S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536,
                            &len, err, errlen);
    fclose(fp);
    if (!buf)
        return OFFLOAD_ERR_USAGE;
    enum offload_status s = genotype_parse_buffer(buf, len, path, opt, m, err, errlen);
    free(buf);
    return s;
}
