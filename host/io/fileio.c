/* realpath (XSI) and fopencookie (GNU): the one checked writer below. */
#define _GNU_SOURCE

#include "fileio.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Reads fp to its end into a NUL-terminated buffer; errno as read_whole_file.
 * hint: the size a regular file says it has (0: unknown), so a large file
 * is read into one allocation instead of a dozen doublings. */
static char *read_stream(FILE *f, size_t max_bytes, size_t hint, size_t *length)
{
    char *text = NULL;
    size_t used = 0, cap = 0;
    if (hint > 0 && hint <= max_bytes) {
        cap = hint + 4097; /* room to see the end of file in one more read */
        if (!(text = malloc(cap))) {
            errno = ENOMEM;
            return NULL;
        }
    }
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

char *read_whole_file(const char *path, size_t max_bytes, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0)
        memset(&st, 0, sizeof st);
    if (S_ISDIR(st.st_mode)) {
        fclose(f);
        errno = EISDIR;
        return NULL;
    }
    size_t hint = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size : 0;
    char *text = read_stream(f, max_bytes, hint, length);
    int e = errno;
    fclose(f);
    errno = e;
    return text;
}

char *read_private_file(const char *path, size_t max_bytes, size_t *length)
{
    /* O_NOFOLLOW: a planted link fails with ELOOP; O_NONBLOCK: a planted
     * FIFO opens at once instead of waiting for a writer. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
        close(fd);
        errno = EPERM;
        return NULL;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
        return NULL;
    }
    char *text = read_stream(f, max_bytes, (size_t)st.st_size, length);
    int e = errno;
    fclose(f);
    errno = e;
    return text;
}

/* ---- outputs ------------------------------------------------------------ */

static mode_t current_umask(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return mask;
}

#define TEMP_SUFFIX ".tmp.XXXXXX"
#define TEMP_RANDOM 6 /* the X's mkstemp replaces */
/* A temporary file nobody touched for a day is a leftover of a run that was
 * killed (SIGKILL, a power cut): the next write to its target removes it. */
#define TEMP_STALE_SECONDS (24 * 60 * 60)

/* Signals that end a run from the terminal or a job manager; each must not
 * leave the temporary file of an interrupted write behind. */
static const int guarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
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
    mode_t mode;         /* its permission bits, or a new file's */
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

/* The temporary files of target are named "<name>.tmp.XXXXXX" beside it,
 * <name> cut so the whole stays within NAME_MAX. Fills prefix with
 * "<name>.tmp." (without the folder). */
static void temp_prefix(const char *target, char *prefix, size_t len)
{
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    int keep = NAME_MAX - (int)strlen(TEMP_SUFFIX);
    snprintf(prefix, len, "%.*s.tmp.", keep, base);
}

/* Removes this tool's stale temporary files of target: its pattern, a
 * regular file owned by this user, untouched for a day (anything newer may
 * be another run's write in progress). Best effort: errors are ignored. */
static void sweep_stale_temps(const char *target)
{
    char dir[PATH_MAX], prefix[NAME_MAX + 1];
    folder_of(target, dir, sizeof dir);
    temp_prefix(target, prefix, sizeof prefix);
    size_t plen = strlen(prefix);
    DIR *d = opendir(dir);
    if (!d)
        return;
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strlen(name) != plen + TEMP_RANDOM || strncmp(name, prefix, plen) != 0)
            continue;
        bool ours = true;
        for (size_t i = plen; i < plen + TEMP_RANDOM; i++)
            ours = ours && isalnum((unsigned char)name[i]);
        struct stat st;
        if (ours && fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
            st.st_uid == geteuid() && now - st.st_mtime > TEMP_STALE_SECONDS)
            (void)unlinkat(dirfd(d), name, 0);
    }
    closedir(d);
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
    sweep_stale_temps(target);
    return OFFLOAD_OK;
}

/* An output that is one of the inputs would be emptied before it is read,
 * or replaced by what was made from it: refused, by device and inode, so a
 * link or another spelling of the name is caught too. */
static enum offload_status check_not_input(const char *path, const struct stat *out,
                                           const char *const *inputs, size_t ninputs, char *err,
                                           size_t errlen)
{
    for (size_t i = 0; i < ninputs; i++) {
        struct stat in;
        if (!inputs[i] || strcmp(inputs[i], "-") == 0 || stat(inputs[i], &in) != 0)
            continue;
        if (in.st_dev == out->st_dev && in.st_ino == out->st_ino) {
            snprintf(err, errlen,
                     "cannot write %s: it is also an input (%s); name another output file", path,
                     inputs[i]);
            return OFFLOAD_ERR_USAGE;
        }
    }
    return OFFLOAD_OK;
}

static enum offload_status resolve_output(const char *path, const char *const *inputs,
                                          size_t ninputs, struct output_target *t, char *err,
                                          size_t errlen)
{
    struct stat st;
    memset(t, 0, sizeof *t);
    t->mode = 0666 & ~current_umask();
    if (output_is_stdout(path)) {
        t->kind = OUTPUT_STDOUT;
        /* `offload report r.json > r.json`: the shell emptied it already,
         * but a regular file as standard output is checked all the same. */
        if (fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode))
            return check_not_input("standard output", &st, inputs, ninputs, err, errlen);
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
    enum offload_status in = check_not_input(path, &st, inputs, ninputs, err, errlen);
    if (in != OFFLOAD_OK)
        return in;
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

enum offload_status output_path_check(const char *path, const char *const *inputs, size_t ninputs,
                                      char *err, size_t errlen)
{
    struct output_target t;
    return resolve_output(path, inputs, ninputs, &t, err, errlen);
}

/* ---- the one writer ------------------------------------------------------ */

/* Every export goes through a stdio stream whose writes land here: each
 * write(2) is checked, short writes are resumed, the first error is kept. */
struct sink {
    int fd;
    int error;
};

static ssize_t sink_write(void *cookie, const char *buf, size_t size)
{
    struct sink *s = cookie;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(s->fd, buf + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            s->error = n < 0 ? errno : EIO;
            errno = s->error;
            return -1;
        }
        done += (size_t)n;
    }
    return (ssize_t)done;
}

static int sink_close(void *cookie)
{
    (void)cookie; /* the descriptor belongs to the caller */
    return 0;
}

/* Runs writer on a checked stream over fd and flushes it: 0, or the errno of
 * the first failure (EIO when the failing call set none). SIGXFSZ is
 * ignored meanwhile, so a file-size limit is a reported EFBIG, not a
 * silent death with a cut file. */
static int write_to_fd(int fd, file_writer_fn writer, void *ctx)
{
    struct sink s = {fd, 0};
    cookie_io_functions_t io = {.write = sink_write, .close = sink_close};
    struct sigaction ignore, old;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGXFSZ, &ignore, &old);
    FILE *f = fopencookie(&s, "w", io);
    int e = f ? 0 : (errno ? errno : ENOMEM);
    if (f) {
        errno = 0; /* so a writer that fails without errno is not blamed on an old one */
        int failed = writer(f, ctx) != OFFLOAD_OK;
        e = errno;
        failed = fflush(f) != 0 || ferror(f) || failed;
        fclose(f);
        if (failed)
            e = s.error ? s.error : e ? e : EIO;
        else
            e = 0;
    }
    sigaction(SIGXFSZ, &old, NULL);
    return e;
}

static enum offload_status write_stdout(file_writer_fn writer, void *ctx, char *err, size_t errlen)
{
    /* What the stdout stream holds goes first, so the order is kept. */
    int e = fflush(stdout) != 0 ? errno : 0;
    if (!e)
        e = write_to_fd(STDOUT_FILENO, writer, ctx);
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
    int fd = open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
    int e = fd < 0 ? errno : write_to_fd(fd, writer, ctx);
    if (fd >= 0 && close(fd) != 0 && !e)
        e = errno;
    if (e) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
        return OFFLOAD_ERR_RUN;
    }
    return OFFLOAD_OK;
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
    char dir[PATH_MAX], prefix[NAME_MAX + 1];
    folder_of(t->path, dir, sizeof dir);
    temp_prefix(t->path, prefix, sizeof prefix);
    int n = snprintf(temp_guard.path, sizeof temp_guard.path, "%s/%sXXXXXX", dir, prefix);
    if (n < 0 || (size_t)n >= sizeof temp_guard.path) {
        snprintf(err, errlen, "cannot write %s: %s", shown, strerror(ENAMETOOLONG));
        return OFFLOAD_ERR_USAGE;
    }
    guard_install();
    int fd = mkostemp(temp_guard.path, O_CLOEXEC);
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
    (void)fchmod(fd, t->mode);
    int e = write_to_fd(fd, writer, ctx);
    if (!e && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
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
    enum offload_status st = resolve_output(path, NULL, 0, &t, err, errlen);
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

enum offload_status write_file_private(const char *path, file_writer_fn writer, void *ctx,
                                       char *err, size_t errlen)
{
    struct output_target t;
    memset(&t, 0, sizeof t);
    struct stat st;
    if (lstat(path, &st) == 0) {
        /* The rename below would replace a link, not follow it; still, what
         * sits at our path and is not our own file is someone else's doing. */
        if (!S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
            snprintf(err, errlen,
                     "cannot write %s: it is not a regular file owned by you; remove it", path);
            return OFFLOAD_ERR_RUN;
        }
        t.existed = true;
    } else if (errno != ENOENT) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return OFFLOAD_ERR_RUN;
    }
    if (strlen(path) >= sizeof t.path) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(ENAMETOOLONG));
        return OFFLOAD_ERR_RUN;
    }
    t.kind = OUTPUT_REPLACE;
    t.mode = 0600;
    snprintf(t.path, sizeof t.path, "%s", path);
    enum offload_status s = check_folder(path, t.path, err, errlen);
    return s != OFFLOAD_OK ? OFFLOAD_ERR_RUN : write_replace(path, &t, writer, ctx, err, errlen);
}

/* A plain decimal number ("-1.5", "+2e3"): a spreadsheet reads it as a
 * number, never as a formula, so it needs no guard. */
static bool is_plain_number(const char *text)
{
    char *end;
    errno = 0;
    (void)strtod(text, &end);
    return end != text && *end == '\0' && !strpbrk(text, "xXnNiI");
}

int csv_cell_guard(FILE *f, const char *text)
{
    /* OWASP "CSV injection": a cell that starts with = + - @ (or a tab or
     * CR, which some spreadsheets skip first) runs as a formula; a leading
     * ' makes it text. "-" alone is our "does not apply" and stays. */
    if (!text || !strchr("=+-@\t\r", text[0]) || text[0] == '\0' || strcmp(text, "-") == 0 ||
        is_plain_number(text))
        return 0;
    return fputc('\'', f) == EOF ? -1 : 0;
}

int csv_write_field(FILE *f, const char *text)
{
    bool quote = strpbrk(text, ",\"\r\n") != NULL;
    if (quote && fputc('"', f) == EOF)
        return -1;
    if (csv_cell_guard(f, text) != 0)
        return -1;
    if (!quote)
        return fputs(text, f) < 0 ? -1 : 0;
    for (const char *p = text; *p; p++)
        if ((*p == '"' && fputc('"', f) == EOF) || fputc(*p, f) == EOF)
            return -1;
    return fputc('"', f) == EOF ? -1 : 0;
}
