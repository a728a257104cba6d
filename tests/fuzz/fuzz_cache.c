/* libFuzzer target: the ceilings cache as another user could leave it. The
 * first byte picks what sits at the cache path, the rest is the content:
 *   0  a regular file holding the bytes
 *   1  a symlink to a file holding them (someone aiming our reads/writes)
 *   2  a FIFO (a reader that opens it without O_NONBLOCK hangs forever)
 *   3  a directory
 * ceilings_load must read a regular entry only, return plausible values or
 * none, never follow the link or wait on the FIFO; ceilings_store must then
 * refuse to replace anything that is not a regular file, and leave the
 * link's target unchanged. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ceilings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], path[4200], target[128];
static struct backend_info info;

static void clear(void);

/* The scratch cache folder goes when the fuzzer ends. */
static void remove_dir(void)
{
    clear();
    rmdir(dir);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/offload-fuzz-cache-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    setenv("OFFLOAD_CACHE_DIR", dir, 1);
    snprintf(info.device, sizeof info.device, "fuzz device");
    snprintf(info.driver, sizeof info.driver, "1.0");
    info.threads = 1;
    if (!ceilings_cache_path("serial", &info, path, sizeof path))
        abort();
    snprintf(target, sizeof target, "%s/target.json", dir);
    atexit(remove_dir);
}

static void write_bytes(const char *where, const uint8_t *data, size_t size)
{
    FILE *f = fopen(where, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
}

static void clear(void)
{
    if (unlink(path) != 0 && errno == EISDIR)
        rmdir(path);
    rmdir(path);
    unlink(target);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0])
        setup();
    if (size == 0)
        return 0;
    int kind = data[0] % 4;
    data++, size--;
    clear();
    switch (kind) {
    case 0:
        write_bytes(path, data, size);
        break;
    case 1:
        write_bytes(target, data, size);
        if (symlink(target, path) != 0)
            abort();
        break;
    case 2:
        if (mkfifo(path, 0600) != 0)
            abort();
        break;
    case 3:
        if (mkdir(path, 0700) != 0)
            abort();
        break;
    }
    struct ceilings c;
    memset(&c, 0, sizeof c);
    enum offload_status st = ceilings_load("serial", &info, &c);
    if (st == OFFLOAD_OK && (kind != 0 || !ceilings_plausible(&c)))
        abort(); /* read through a link, a FIFO or a folder, or an implausible value kept */
    if (kind == 1 || kind == 2) {
        /* A store must not replace or write through what was planted. */
        struct ceilings good = {
            .stream_copy = 1e10, .stream_triad = 1e10, .sqrt_f64 = 1e9, .sqrt_f32 = 1e9};
        for (int m = 0; m < 3; m++)
            good.transfer[m].zero_copy = 1;
        if (ceilings_store("serial", &info, &good) == OFFLOAD_OK)
            abort();
        struct stat st_path;
        if (lstat(path, &st_path) != 0 ||
            (kind == 1 ? !S_ISLNK(st_path.st_mode) : !S_ISFIFO(st_path.st_mode)))
            abort();
        if (kind == 1) {
            FILE *f = fopen(target, "rb");
            if (!f)
                abort();
            uint8_t *back = malloc(size + 1);
            size_t got = back ? fread(back, 1, size + 1, f) : 0;
            fclose(f);
            if (!back || got != size || (size && memcmp(back, data, size) != 0))
                abort(); /* the link's target was written */
            free(back);
        }
    }
    clear();
    return 0;
}
