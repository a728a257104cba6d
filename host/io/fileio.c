/* realpath is an XSI function: glibc declares it only with _XOPEN_SOURCE. */
#define _XOPEN_SOURCE 700

#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
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

/* ---- outputs ------------------------------------------------------------ */

#define TEMP_SUFFIX ".tmp.XXXXXX"

/* Signals that end a run from the terminal or a job manager; each must not
 * leave the temporary file of an interrupted write behind. */
static const int guarded_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define GUARDED_COUNT (sizeof guarded_signals / sizeof guarded_signals[0])

/* The temporary file being written and the signal actions it displaced. A
 * signal handler can reach nothing but statics, so this is the one mutable
 * static of the file. One write at a time: callers are the main thread. */
static struct {
    volatile sig_atomic_t armed; /* path names a file to remove on a signal */
    char path[PATH_MAX + sizeof TEMP_SUFFIX];
    struct sigaction old[GUARDED_COUNT];
} temp_guard;

/* Async-signal-safe: unlink, sigaction and raise only. Puts the previous
 * action back and raises again, so the process ends as it would have. */
static void remove_temp_and_reraise(int sig)
{
    int saved = errno;
    if (temp_guard.armed)
        unlink(temp_guard.path);
    for (size_t i = 0; i < GUARDED_COUNT; i++)
        if (guarded_signals[i] == sig)
            sigaction(sig, &temp_guard.old[i], NULL);
    raise(sig);
    errno = saved;
}

static void guard_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = remove_temp_and_reraise;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < GUARDED_COUNT; i++) {
        sigaction(guarded_signals[i], NULL, &temp_guard.old[i]);
        /* An ignored signal (nohup) stays ignored: the write goes on. */
        if (temp_guard.old[i].sa_handler != SIG_IGN)
            sigaction(guarded_signals[i], &sa, NULL);
    }
}

static void guard_remove(void)
{
    temp_guard.armed = 0;
    for (size_t i = 0; i < GUARDED_COUNT; i++)
        sigaction(guarded_signals[i], &temp_guard.old[i], NULL);
}

bool output_is_stdout(const char *path)
{
    return strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0 ||
           strcmp(path, "/dev/fd/1") == 0 || strcmp(path, "/proc/self/fd/1") == 0;
}

/* Names of open descriptors: what they lead to is not ours to replace, even
 * when it is a regular file (a shell's `3>>log`). */
static bool is_descriptor_path(const char *path)
{
    return strncmp(path, "/dev/fd/", 8) == 0 || strncmp(path, "/proc/", 6) == 0 ||
           strcmp(path, "/dev/stderr") == 0 || strcmp(path, "/dev/stdin") == 0;
}

/* How a destination is written, by what it is now. */
enum output_kind {
    OUTPUT_STDOUT,  /* "-" or a name of standard output: the stdout stream */
    OUTPUT_REPLACE, /* regular file or new path: temporary file renamed over it */
    OUTPUT_DIRECT   /* FIFO, device, descriptor: opened and written in place */
};

struct output_target {
    enum output_kind kind;
    bool existed;        /* a regular file was there (keep its mode) */
    mode_t mode;         /* its permission bits */
    char path[PATH_MAX]; /* where the file is (symlinks resolved) */
};

/* Fills dir with the folder of path ("." for a bare name). */
static void folder_of(const char *path, char *dir, size_t dirlen)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, dirlen, ".");
    else if (slash == path)
        snprintf(dir, dirlen, "/");
    else
        snprintf(dir, dirlen, "%.*s", (int)(slash - path), path);
}

/* The temporary file is made beside the target: its folder must take it. */
static enum offload_status check_folder(const char *shown, const char *target, char *err,
                                        size_t errlen)
{
    char dir[PATH_MAX];
    struct stat st;
    folder_of(target, dir, sizeof dir);
    int e = stat(dir, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (e) {
        snprintf(err, errlen,
                 "cannot write %s: folder %s: %s (check that the folder exists and is writable)",
                 shown, dir, strerror(e));
        return OFFLOAD_ERR_USAGE;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(err, errlen,
                 "cannot write %s: folder %s is not writable: %s (check that the folder exists "
                 "and is writable)",
                 shown, dir, strerror(errno));
        return OFFLOAD_ERR_USAGE;
    }
    return OFFLOAD_OK;
}

static enum offload_status resolve_output(const char *path, struct output_target *t, char *err,
                                          size_t errlen)
{
    struct stat st;
    memset(t, 0, sizeof *t);
    if (output_is_stdout(path)) {
        t->kind = OUTPUT_STDOUT;
        return OFFLOAD_OK;
    }
    if (!*path) {
        snprintf(err, errlen, "cannot write an empty path: name a file, or - for standard output");
        return OFFLOAD_ERR_USAGE;
    }
    if (stat(path, &st) != 0) {
        int e = errno;
        if (e == ENOENT && lstat(path, &st) == 0) {
            snprintf(err, errlen,
                     "cannot write %s: it is a symbolic link to a missing file; create the "
                     "link's target or remove the link",
                     path);
            return OFFLOAD_ERR_USAGE;
        }
        if (e != ENOENT) {
            snprintf(err, errlen,
                     "cannot write %s: %s (check that the folder exists and is "
                     "writable)",
                     path, strerror(e));
            return OFFLOAD_ERR_USAGE;
        }
        if (strlen(path) >= sizeof t->path) {
            snprintf(err, errlen, "cannot write %s: %s", path, strerror(ENAMETOOLONG));
            return OFFLOAD_ERR_USAGE;
        }
        t->kind = OUTPUT_REPLACE;
        snprintf(t->path, sizeof t->path, "%s", path);
        return check_folder(path, t->path, err, errlen);
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot write %s: it is a directory; name a file, e.g. %s/out.csv",
                 path, path);
        return OFFLOAD_ERR_USAGE;
    }
    if (!S_ISREG(st.st_mode) || is_descriptor_path(path)) {
        t->kind = OUTPUT_DIRECT;
        snprintf(t->path, sizeof t->path, "%s", path);
        if (access(path, W_OK) != 0) {
            snprintf(err, errlen, "cannot write %s: %s; check its permissions", path,
                     strerror(errno));
            return OFFLOAD_ERR_USAGE;
        }
        return OFFLOAD_OK;
    }
    /* A regular file, perhaps behind symlinks: replace the file, keep the links. */
    if (!realpath(path, t->path)) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return OFFLOAD_ERR_USAGE;
    }
    t->kind = OUTPUT_REPLACE;
    t->existed = true;
    t->mode = st.st_mode & 0777;
    return check_folder(path, t->path, err, errlen);
}

enum offload_status output_path_check(const char *path, char *err, size_t errlen)
{
    struct output_target t;
    return resolve_output(path, &t, err, errlen);
}

/* Runs writer and flushes f: 0, or the errno of the first failure (EIO when
 * the failing call set none). */
static int write_and_flush(FILE *f, file_writer_fn writer, void *ctx)
{
    errno = 0; /* so a writer that fails without errno is not blamed on an old one */
    if (writer(f, ctx) != OFFLOAD_OK || fflush(f) != 0 || ferror(f))
        return errno ? errno : EIO;
    return 0;
}

static enum offload_status write_stdout(file_writer_fn writer, void *ctx, char *err, size_t errlen)
{
    int e = write_and_flush(stdout, writer, ctx);
    if (e) {
        snprintf(err, errlen, "cannot write standard output: %s", strerror(e));
        return OFFLOAD_ERR_RUN;
    }
    return OFFLOAD_OK;
}

/* FIFOs and devices are written in place: replacing them would break the
 * reader, or put a file where /dev/null was. O_APPEND keeps what a
 * descriptor's file already holds. */
static enum offload_status write_direct(const char *path, file_writer_fn writer, void *ctx,
                                        char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_NOCTTY);
    FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
    int e = f ? 0 : errno;
    if (f) {
        e = write_and_flush(f, writer, ctx);
        if (fclose(f) != 0 && !e)
            e = errno ? errno : EIO;
    } else if (fd >= 0) {
        close(fd);
    }
    if (e) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
        return OFFLOAD_ERR_RUN;
    }
    return OFFLOAD_OK;
}

static mode_t current_umask(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return mask;
}

/* The rename is durable once the folder is synced; a folder that cannot be
 * synced (EINVAL: the filesystem does not support it) loses nothing. */
static int sync_folder(const char *target)
{
    char dir[PATH_MAX];
    folder_of(target, dir, sizeof dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return errno;
    int e = fsync(fd) != 0 && errno != EINVAL ? errno : 0;
    close(fd);
    return e;
}

static enum offload_status write_replace(const char *shown, const struct output_target *t,
                                         file_writer_fn writer, void *ctx, char *err, size_t errlen)
{
    snprintf(temp_guard.path, sizeof temp_guard.path, "%s%s", t->path, TEMP_SUFFIX);
    guard_install();
    int fd = mkstemp(temp_guard.path);
    if (fd < 0) {
        int e = errno;
        guard_remove();
        snprintf(err, errlen, "cannot write %s: %s (check that the folder exists and is writable)",
                 shown, strerror(e));
        return OFFLOAD_ERR_USAGE;
    }
    temp_guard.armed = 1;
    /* mkstemp makes the file private: give it the old file's mode, or a new
     * file's. A filesystem without modes refuses fchmod; the content matters. */
    (void)fchmod(fd, t->existed ? t->mode : 0666 & ~current_umask());
    FILE *f = fdopen(fd, "w");
    int e = f ? 0 : errno;
    if (f) {
        e = write_and_flush(f, writer, ctx);
        if (!e && fsync(fileno(f)) != 0)
            e = errno;
        if (fclose(f) != 0 && !e)
            e = errno ? errno : EIO;
    } else {
        close(fd);
    }
    if (!e && rename(temp_guard.path, t->path) != 0)
        e = errno;
    if (e) {
        unlink(temp_guard.path);
        guard_remove();
        snprintf(err, errlen, "cannot write %s: %s; the previous file, if any, is unchanged", shown,
                 strerror(e));
        return OFFLOAD_ERR_RUN;
    }
    guard_remove();
    e = sync_folder(t->path);
    if (e) {
        snprintf(err, errlen,
                 "wrote %s but could not sync its folder: %s; it may not survive a "
                 "power cut",
                 shown, strerror(e));
        return OFFLOAD_ERR_RUN;
    }
    return OFFLOAD_OK;
}

enum offload_status write_file_atomic(const char *path, file_writer_fn writer, void *ctx, char *err,
                                      size_t errlen)
{
    struct output_target t;
    enum offload_status st = resolve_output(path, &t, err, errlen);
    if (st != OFFLOAD_OK)
        return st;
    switch (t.kind) {
    case OUTPUT_STDOUT:
        return write_stdout(writer, ctx, err, errlen);
    case OUTPUT_DIRECT:
        return write_direct(t.path, writer, ctx, err, errlen);
    case OUTPUT_REPLACE:
        return write_replace(path, &t, writer, ctx, err, errlen);
    }
    return OFFLOAD_ERR_RUN;
}

int csv_write_field(FILE *f, const char *text)
{
    if (!strpbrk(text, ",\"\r\n"))
        return fputs(text, f) < 0 ? -1 : 0;
    if (fputc('"', f) == EOF)
        return -1;
    for (const char *p = text; *p; p++)
        if ((*p == '"' && fputc('"', f) == EOF) || fputc(*p, f) == EOF)
            return -1;
    return fputc('"', f) == EOF ? -1 : 0;
}
