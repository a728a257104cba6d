/* Unit tests for the output writer and its checks (host/io/fileio.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"

/* A fresh folder per test, removed (with its plain entries) afterwards. */
struct folder {
    char path[64];
};

static int folder_setup(void **state)
{
    struct folder *d = malloc(sizeof *d);
    if (!d)
        return -1;
    strcpy(d->path, "/tmp/test_fileio_XXXXXX");
    if (!mkdtemp(d->path)) {
        free(d);
        return -1;
    }
    *state = d;
    return 0;
}

static int folder_teardown(void **state)
{
    struct folder *d = *state;
    DIR *dir = opendir(d->path);
    if (dir) {
        struct dirent *e;
        char p[512];
        while ((e = readdir(dir)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof p, "%s/%s", d->path, e->d_name);
            if (unlink(p) != 0)
                rmdir(p);
        }
        closedir(dir);
    }
    rmdir(d->path);
    free(d);
    return 0;
}

static void in_folder(const struct folder *d, const char *name, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", d->path, name);
}

/* Temporary files left in the folder by a write. */
static int count_temp_files(const struct folder *d)
{
    DIR *dir = opendir(d->path);
    assert_non_null(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL)
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(dir);
    return n;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

/* The file's whole content, in a static buffer. */
static const char *read_text(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static enum offload_status write_hello(FILE *f, void *ctx)
{
    (void)ctx;
    return fputs("hello\n", f) < 0 ? OFFLOAD_ERR_RUN : OFFLOAD_OK;
}

/* A writer whose output fails half way, as export_csv does on a bad value. */
static enum offload_status write_then_fail(FILE *f, void *ctx)
{
    (void)ctx;
    fputs("half", f);
    return OFFLOAD_ERR_RUN;
}

/* Writes part of the file, flushes it to disk, then is interrupted by sig. */
static enum offload_status write_then_signal(FILE *f, void *ctx)
{
    fputs("partial\n", f);
    fflush(f);
    raise(*(const int *)ctx);
    return OFFLOAD_OK;
}

/* ---- regular files ------------------------------------------------------ */

static void test_new_file_gets_umask_mode(void **state)
{
    char path[128], err[512];
    in_folder(*state, "new.csv", path, sizeof path);
    mode_t old = umask(027);
    enum offload_status st = write_file_atomic(path, write_hello, NULL, err, sizeof err);
    umask(old);
    assert_int_equal(st, OFFLOAD_OK);
    assert_string_equal(read_text(path), "hello\n");
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0640);
    assert_int_equal(count_temp_files(*state), 0);
}

static void test_replace_keeps_mode(void **state)
{
    char path[128], err[512];
    in_folder(*state, "old.csv", path, sizeof path);
    write_text(path, "previous\n");
    assert_int_equal(chmod(path, 0604), 0);
    assert_int_equal(write_file_atomic(path, write_hello, NULL, err, sizeof err), OFFLOAD_OK);
    assert_string_equal(read_text(path), "hello\n");
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0604);
}

static void test_failed_writer_keeps_previous(void **state)
{
    char path[128], err[512];
    in_folder(*state, "keep.csv", path, sizeof path);
    write_text(path, "previous\n");
    assert_int_equal(write_file_atomic(path, write_then_fail, NULL, err, sizeof err),
                     OFFLOAD_ERR_RUN);
    assert_non_null(strstr(err, "the previous file, if any, is unchanged"));
    assert_string_equal(read_text(path), "previous\n");
    assert_int_equal(count_temp_files(*state), 0);
}

static void test_directory_refused_and_kept(void **state)
{
    char path[128], err[512];
    in_folder(*state, "adir", path, sizeof path);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(write_file_atomic(path, write_hello, NULL, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "is a directory"));
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_int_equal(count_temp_files(*state), 0);
}

/* ---- symlinks, FIFOs, devices, stdout ------------------------------------ */

static void test_symlink_target_replaced_link_kept(void **state)
{
    char target[128], link[128], err[512];
    in_folder(*state, "target.csv", target, sizeof target);
    in_folder(*state, "link.csv", link, sizeof link);
    write_text(target, "previous\n");
    assert_int_equal(chmod(target, 0600), 0);
    assert_int_equal(symlink("target.csv", link), 0);
    assert_int_equal(write_file_atomic(link, write_hello, NULL, err, sizeof err), OFFLOAD_OK);
    struct stat sb;
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    assert_string_equal(read_text(target), "hello\n");
    assert_int_equal(stat(target, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(count_temp_files(*state), 0);
}

static void test_dangling_symlink_refused(void **state)
{
    char link[128], err[512];
    in_folder(*state, "dangling.csv", link, sizeof link);
    assert_int_equal(symlink("missing/target.csv", link), 0);
    assert_int_equal(output_path_check(link, NULL, 0, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "symbolic link to a missing file"));
    struct stat sb;
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
}

static void test_fifo_written_in_place(void **state)
{
    char path[128], err[512];
    in_folder(*state, "pipe", path, sizeof path);
    assert_int_equal(mkfifo(path, 0600), 0);
    /* A reader first, so that opening for writing does not block. */
    int rd = open(path, O_RDONLY | O_NONBLOCK);
    assert_true(rd >= 0);
    assert_int_equal(write_file_atomic(path, write_hello, NULL, err, sizeof err), OFFLOAD_OK);
    char buf[64];
    ssize_t n = read(rd, buf, sizeof buf - 1);
    close(rd);
    assert_int_equal(n, 6);
    buf[n] = '\0';
    assert_string_equal(buf, "hello\n");
    struct stat sb;
    assert_int_equal(lstat(path, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    assert_int_equal(count_temp_files(*state), 0);
}

static void assert_char_device(const char *path)
{
    struct stat sb;
    assert_int_equal(lstat(path, &sb), 0);
    assert_true(S_ISCHR(sb.st_mode));
}

/* Minimal containers may lack a device node: that is a skip, not a failure. */
static void need_device(const char *path)
{
    if (access(path, F_OK) != 0)
        skip();
}

static void test_dev_null_written_not_replaced(void **state)
{
    (void)state;
    char err[512];
    need_device("/dev/null");
    assert_char_device("/dev/null");
    assert_int_equal(output_path_check("/dev/null", NULL, 0, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(write_file_atomic("/dev/null", write_hello, NULL, err, sizeof err),
                     OFFLOAD_OK);
    assert_char_device("/dev/null");
}

static void test_dev_full_reports_no_space(void **state)
{
    (void)state;
    char err[512] = "";
    need_device("/dev/full");
    assert_char_device("/dev/full");
    assert_int_equal(write_file_atomic("/dev/full", write_hello, NULL, err, sizeof err),
                     OFFLOAD_ERR_RUN);
    assert_non_null(strstr(err, "/dev/full"));
    assert_non_null(strstr(err, "No space left on device"));
    assert_char_device("/dev/full");
}

static void test_dash_is_stdout(void **state)
{
    char path[128], err[512];
    in_folder(*state, "captured", path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    fflush(stdout);
    int saved = dup(1);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fd, 1), 1);
    close(fd);
    enum offload_status st = write_file_atomic("-", write_hello, NULL, err, sizeof err);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    assert_int_equal(st, OFFLOAD_OK);
    assert_string_equal(read_text(path), "hello\n");
    /* Nothing named "-" appears in the working directory either. */
    assert_int_equal(access("-", F_OK), -1);
    assert_true(output_is_stdout("-"));
    assert_true(output_is_stdout("/dev/stdout"));
    assert_false(output_is_stdout("out.csv"));
}

/* ---- checks before the run ----------------------------------------------- */

static void test_check_missing_folder(void **state)
{
    char path[128], err[512];
    in_folder(*state, "no/such/dir/x.csv", path, sizeof path);
    assert_int_equal(output_path_check(path, NULL, 0, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "check that the folder exists and is writable"));
    assert_non_null(strstr(err, "No such file or directory"));
}

static void test_check_directory(void **state)
{
    char err[512];
    assert_int_equal(output_path_check(((struct folder *)*state)->path, NULL, 0, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "is a directory"));
}

static void test_check_creates_nothing(void **state)
{
    char path[128], err[512];
    in_folder(*state, "later.csv", path, sizeof path);
    assert_int_equal(output_path_check(path, NULL, 0, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(output_path_check("-", NULL, 0, err, sizeof err), OFFLOAD_OK);
}

static void test_check_folder_is_a_file(void **state)
{
    char file[128], path[160], err[512];
    in_folder(*state, "plain", file, sizeof file);
    write_text(file, "x\n");
    snprintf(path, sizeof path, "%s/x.csv", file);
    assert_int_equal(output_path_check(path, NULL, 0, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "Not a directory"));
}

/* ---- interrupted writes -------------------------------------------------- */

/* A child interrupted by sig during the write must die of sig, leave no
 * temporary file and the previous file intact. */
static void check_interrupted_write(const struct folder *d, int sig)
{
    char path[128];
    in_folder(d, "interrupted.csv", path, sizeof path);
    write_text(path, "previous\n");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[512];
        int s = sig;
        write_file_atomic(path, write_then_signal, &s, err, sizeof err);
        _exit(0); /* not reached when the signal ends the process */
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), sig);
    assert_int_equal(count_temp_files(d), 0);
    assert_string_equal(read_text(path), "previous\n");
}

static void test_sigint_removes_temp(void **state)
{
    check_interrupted_write(*state, SIGINT);
}

static void test_sigterm_removes_temp(void **state)
{
    check_interrupted_write(*state, SIGTERM);
}

/* SIGQUIT too (issue 19): the temporary file goes with the process. */
static void test_sigquit_removes_temp(void **state)
{
    check_interrupted_write(*state, SIGQUIT);
}

static void test_handlers_restored_after_write(void **state)
{
    char path[128], err[512];
    in_folder(*state, "plain.csv", path, sizeof path);
    assert_int_equal(write_file_atomic(path, write_hello, NULL, err, sizeof err), OFFLOAD_OK);
    struct sigaction now;
    assert_int_equal(sigaction(SIGINT, NULL, &now), 0);
    assert_true(now.sa_handler == SIG_DFL);
    assert_int_equal(sigaction(SIGTERM, NULL, &now), 0);
    assert_true(now.sa_handler == SIG_DFL);
}

/* ---- issue 19: outputs never name inputs; the cache's own files -------- */

static void test_output_that_is_an_input_refused(void **state)
{
    const char *dir = ((struct folder *)*state)->path;
    char in[256], hard[256], soft[256], other[256], err[1024];
    snprintf(in, sizeof in, "%s/in.csv", dir);
    snprintf(hard, sizeof hard, "%s/hard.csv", dir);
    snprintf(soft, sizeof soft, "%s/soft.csv", dir);
    snprintf(other, sizeof other, "%s/other.csv", dir);
    assert_int_equal(write_file_atomic(in, write_hello, NULL, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(link(in, hard), 0);
    assert_int_equal(symlink(in, soft), 0);
    const char *inputs[] = {NULL, "-", in};
    /* The same file by its name, a hard link or a symlink: refused. */
    assert_int_equal(output_path_check(in, inputs, 3, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "is also an input"));
    assert_int_equal(output_path_check(hard, inputs, 3, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_int_equal(output_path_check(soft, inputs, 3, err, sizeof err), OFFLOAD_ERR_USAGE);
    /* Another file, new or existing: fine. */
    assert_int_equal(output_path_check(other, inputs, 3, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(write_file_atomic(other, write_hello, NULL, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(output_path_check(other, inputs, 3, err, sizeof err), OFFLOAD_OK);
}

static void test_stale_temps_swept(void **state)
{
    const char *dir = ((struct folder *)*state)->path;
    char out[256], stale[300], fresh[300], other[300], err[1024];
    snprintf(out, sizeof out, "%s/out.csv", dir);
    snprintf(stale, sizeof stale, "%s/out.csv.tmp.Ab12Cd", dir);
    snprintf(fresh, sizeof fresh, "%s/out.csv.tmp.Ef34Gh", dir);
    snprintf(other, sizeof other, "%s/out.csv.tmp.too-long", dir);
    const char *made[] = {stale, fresh, other};
    for (int i = 0; i < 3; i++) {
        int fd = open(made[i], O_CREAT | O_WRONLY, 0600);
        assert_true(fd >= 0);
        close(fd);
    }
    struct timespec old[2] = {{.tv_sec = time(NULL) - 2 * 86400},
                              {.tv_sec = time(NULL) - 2 * 86400}};
    assert_int_equal(utimensat(AT_FDCWD, stale, old, 0), 0);
    assert_int_equal(utimensat(AT_FDCWD, other, old, 0), 0);
    assert_int_equal(output_path_check(out, NULL, 0, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(access(stale, F_OK), -1); /* a day old, our pattern: removed */
    assert_int_equal(access(fresh, F_OK), 0);  /* may be another run's: kept */
    assert_int_equal(access(other, F_OK), 0);  /* not our pattern: kept */
}

static void test_longest_name_written(void **state)
{
    const char *dir = ((struct folder *)*state)->path;
    char path[512], err[1024];
    int n = snprintf(path, sizeof path, "%s/", dir);
    memset(path + n, 'n', 251);
    strcpy(path + n + 251, ".csv"); /* 255 bytes: NAME_MAX */
    assert_int_equal(write_file_atomic(path, write_hello, NULL, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(access(path, R_OK), 0);
}

static void test_private_read_refuses_links_and_fifos(void **state)
{
    const char *dir = ((struct folder *)*state)->path;
    char file[256], link_path[256], fifo[256], err[1024];
    snprintf(file, sizeof file, "%s/entry.json", dir);
    snprintf(link_path, sizeof link_path, "%s/link.json", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo.json", dir);
    assert_int_equal(write_file_private(file, write_hello, NULL, err, sizeof err), OFFLOAD_OK);
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    size_t len = 0;
    char *text = read_private_file(file, 1024, &len);
    assert_non_null(text);
    assert_string_equal(text, "hello\n");
    free(text);
    assert_int_equal(symlink(file, link_path), 0);
    errno = 0;
    assert_null(read_private_file(link_path, 1024, NULL));
    assert_int_equal(errno, ELOOP);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    errno = 0;
    assert_null(read_private_file(fifo, 1024, NULL)); /* at once: no writer is waited for */
    assert_int_equal(errno, EPERM);
    /* Neither is replaced nor written through. */
    assert_int_equal(write_file_private(link_path, write_hello, NULL, err, sizeof err),
                     OFFLOAD_ERR_RUN);
    assert_non_null(strstr(err, "not a regular file owned by you"));
    assert_int_equal(write_file_private(fifo, write_hello, NULL, err, sizeof err), OFFLOAD_ERR_RUN);
    assert_int_equal(lstat(link_path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
}

static void expect_cell(const char *text, const char *want)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(csv_write_field(f, text), 0);
    assert_int_equal(fclose(f), 0);
    assert_string_equal(buf, want);
    free(buf);
}

static void test_csv_formulas_guarded(void **state)
{
    (void)state;
    expect_cell("=cmd|'/c calc'!A1", "'=cmd|'/c calc'!A1");
    expect_cell("@SUM(A1)", "'@SUM(A1)");
    expect_cell("+x", "'+x");
    expect_cell("-2+3+cmd", "'-2+3+cmd");
    expect_cell("=a,b", "\"'=a,b\"");
    expect_cell("-", "-");       /* "does not apply" */
    expect_cell("-1.5", "-1.5"); /* a number stays a number */
    expect_cell("+2e3", "+2e3");
    expect_cell("m1", "m1");
}

#define T(name) cmocka_unit_test_setup_teardown(name, folder_setup, folder_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_new_file_gets_umask_mode),
        T(test_replace_keeps_mode),
        T(test_failed_writer_keeps_previous),
        T(test_directory_refused_and_kept),
        T(test_symlink_target_replaced_link_kept),
        T(test_dangling_symlink_refused),
        T(test_fifo_written_in_place),
        T(test_dev_null_written_not_replaced),
        T(test_dev_full_reports_no_space),
        T(test_dash_is_stdout),
        T(test_check_missing_folder),
        T(test_check_directory),
        T(test_check_creates_nothing),
        T(test_check_folder_is_a_file),
        T(test_sigint_removes_temp),
        T(test_sigterm_removes_temp),
        T(test_sigquit_removes_temp),
        T(test_handlers_restored_after_write),
        T(test_output_that_is_an_input_refused),
        T(test_stale_temps_swept),
        T(test_longest_name_written),
        T(test_private_read_refuses_links_and_fifos),
        T(test_csv_formulas_guarded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
