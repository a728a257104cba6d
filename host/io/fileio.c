#include "fileio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *read_whole_file(const char *path, size_t max_bytes, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        errno = EISDIR;
        return NULL;
    }
    char *text = NULL;
    size_t used = 0, cap = 0;
    int error = 0;
    for (;;) {
        if (cap - used < 4096) {
            if (cap > max_bytes) {
                error = EFBIG;
                break;
            }
            cap = cap ? cap * 2 : 16384;
            char *grown = realloc(text, cap);
            if (!grown) {
                error = ENOMEM;
                break;
            }
            text = grown;
        }
        errno = 0;
        size_t got = fread(text + used, 1, cap - used - 1, f);
        used += got;
        if (got == 0) {
            error = ferror(f) ? (errno ? errno : EIO) : 0;
            break;
        }
    }
    fclose(f);
    if (!error && used > max_bytes)
        error = EFBIG;
    if (error) {
        free(text);
        errno = error;
        return NULL;
    }
    text[used] = '\0';
    if (length)
        *length = used;
    return text;
}

enum offload_status write_file_atomic(const char *path, int (*writer)(FILE *f, void *ctx),
                                      void *ctx, char *err, size_t errlen)
{
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        return OFFLOAD_ERR_RUN;
    }
    snprintf(tmp, len + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write %s: %s (check that the folder exists and is writable)",
                 path, strerror(errno));
        free(tmp);
        return OFFLOAD_ERR_USAGE;
    }
    /* mkstemp makes the file private; give it the permissions of a normal file. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    FILE *f = fdopen(fd, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return OFFLOAD_ERR_RUN;
    }
    errno = 0; /* so a writer that fails without errno is not blamed on an old one */
    int failed = writer(f, ctx) != 0;
    failed |= ferror(f) != 0;
    failed |= fclose(f) != 0;
    if (failed || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s; the previous file, if any, is unchanged", path,
                 errno ? strerror(errno) : "write failed");
        unlink(tmp);
        free(tmp);
        return OFFLOAD_ERR_RUN;
    }
    free(tmp);
    return OFFLOAD_OK;
}
