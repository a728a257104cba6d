/* Ceilings: the cache (round trip, corrupt and mismatched entries, atomic
 * rewrite), the host measurement and, where an OpenCL device exists, the
 * device measurement. Rates are checked for sanity only, never for speed:
 * the machine running the tests may be slow or busy. The cache lives in a
 * fresh temporary directory (OFFLOAD_CACHE_DIR), never in the user's. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "ceilings.h"
#include "host_calibrate.h"
#include "provenance.h"

static char cache_dir[] = "/tmp/offload-test-calibrate-XXXXXX";

/* ---- a fake backend whose calibration is known and counted -------------- */

static int fake_calibrations;

static struct ceilings fake_values(void)
{
    struct ceilings c = {0};
    /* Values that need all 17 digits to round-trip, to catch lossy printing. */
    c.stream_copy = 1.0e10 / 3.0;
    c.stream_triad = 2.0e10 / 7.0;
    c.stream_read = 3.0e10 / 7.0;
    c.convert_f64_f32 = 4.0e10 / 9.0;
    c.compare_i8 = 8.0e10 / 3.0;
    c.sqrt_f64 = 0.1 + 0.2;
    c.sqrt_f32 = 4.0e9 / 11.0;
    c.launch_latency = 1.0 / 98765.0;
    c.transfer[MEM_COPY].to_device = 9.87654321e9;
    c.transfer[MEM_COPY].from_device = 1.23456789e9;
    c.transfer[MEM_PINNED].to_device = 5.5e9;
    c.transfer[MEM_PINNED].from_device = 6.25e9;
    c.transfer[MEM_ZERO_COPY].zero_copy = 1;
    return c;
}

static enum offload_status fake_calibrate(void *state, struct ceilings *out)
{
    (void)state;
    fake_calibrations++;
    *out = fake_values();
    return OFFLOAD_OK;
}

static const struct backend_ops fake_backend = {
    .name = "fake",
    .summary = "test double",
    .calibrate = fake_calibrate,
};

static struct backend_info fake_info(int threads)
{
    struct backend_info info = {0};
    snprintf(info.device, sizeof info.device, "Test Device \"quoted\" \\ %s", "é");
    snprintf(info.driver, sizeof info.driver, "1.2.3");
    info.threads = threads;
    return info;
}

static void assert_ceilings_equal(const struct ceilings *a, const struct ceilings *b)
{
    /* Bitwise-equal doubles: the cache must not lose a digit. */
    assert_true(a->stream_copy == b->stream_copy);
    assert_true(a->stream_triad == b->stream_triad);
    assert_true(a->stream_read == b->stream_read);
    assert_true(a->convert_f64_f32 == b->convert_f64_f32);
    assert_true(a->compare_i8 == b->compare_i8);
    assert_true(a->sqrt_f64 == b->sqrt_f64);
    assert_true(a->sqrt_f32 == b->sqrt_f32);
    assert_true(a->launch_latency == b->launch_latency);
    for (int m = 0; m < 3; m++) {
        assert_true(a->transfer[m].to_device == b->transfer[m].to_device);
        assert_true(a->transfer[m].from_device == b->transfer[m].from_device);
        assert_int_equal(a->transfer[m].zero_copy, b->transfer[m].zero_copy);
    }
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Files in the cache directory, to see no temporary file is left behind. */
static int count_cache_files(void)
{
    DIR *d = opendir(cache_dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* ---- cache -------------------------------------------------------------- */

static void test_cache_dir_from_environment(void **state)
{
    (void)state;
    char buf[4096];
    assert_non_null(ceilings_cache_dir(buf, sizeof buf));
    assert_string_equal(buf, cache_dir);
    char tiny[4];
    assert_null(ceilings_cache_dir(tiny, sizeof tiny)); /* does not fit: refused */

    /* Without OFFLOAD_CACHE_DIR: XDG, then HOME (both restored after, as
     * PoCL reads them too). */
    const char *old_home = getenv("HOME"), *old_xdg = getenv("XDG_CACHE_HOME");
    char *saved_home = old_home ? strdup(old_home) : NULL;
    char *saved_xdg = old_xdg ? strdup(old_xdg) : NULL;
    unsetenv("OFFLOAD_CACHE_DIR");
    setenv("XDG_CACHE_HOME", "/x/cache", 1);
    assert_string_equal(ceilings_cache_dir(buf, sizeof buf), "/x/cache/offload");
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/home/someone", 1);
    assert_string_equal(ceilings_cache_dir(buf, sizeof buf), "/home/someone/.cache/offload");
    unsetenv("HOME");
    assert_null(ceilings_cache_dir(buf, sizeof buf));

    if (saved_home)
        setenv("HOME", saved_home, 1);
    if (saved_xdg)
        setenv("XDG_CACHE_HOME", saved_xdg, 1);
    free(saved_home);
    free(saved_xdg);
    setenv("OFFLOAD_CACHE_DIR", cache_dir, 1);
}

static void test_store_and_load_round_trip(void **state)
{
    (void)state;
    struct backend_info info = fake_info(3);
    struct ceilings c = fake_values(), back;
    assert_int_equal(ceilings_store("fake", &info, &c), OFFLOAD_OK);
    memset(&back, 0, sizeof back);
    assert_int_equal(ceilings_load("fake", &info, &back), OFFLOAD_OK);
    assert_ceilings_equal(&c, &back);

    /* Another key misses: threads, device, driver and backend each count. */
    struct backend_info other = fake_info(4);
    assert_int_not_equal(ceilings_load("fake", &other, &back), OFFLOAD_OK);
    other = fake_info(3);
    other.driver[0] = 'X';
    assert_int_not_equal(ceilings_load("fake", &other, &back), OFFLOAD_OK);
    other = fake_info(3);
    other.device[0] = 'X';
    assert_int_not_equal(ceilings_load("fake", &other, &back), OFFLOAD_OK);
    assert_int_not_equal(ceilings_load("fake2", &info, &back), OFFLOAD_OK);

    /* Impossible values are refused, not cached. */
    struct ceilings bad = c;
    bad.sqrt_f64 = INFINITY;
    assert_int_equal(ceilings_store("fake", &info, &bad), OFFLOAD_ERR_RUN);
    bad = c;
    bad.stream_copy = -1;
    assert_int_equal(ceilings_store("fake", &info, &bad), OFFLOAD_ERR_RUN);
    assert_int_equal(ceilings_load("fake", &info, &back), OFFLOAD_OK);
    assert_ceilings_equal(&c, &back);
}

/* The build is part of the key: in the file, in its name, and a file
 * written by another build is not read. */
static void test_cache_keyed_by_build(void **state)
{
    (void)state;
    struct backend_info info = fake_info(7);
    struct ceilings c = fake_values(), back;
    assert_int_equal(ceilings_store("fake", &info, &c), OFFLOAD_OK);
    char path[4200], other[4200];
    assert_non_null(ceilings_cache_path("fake", &info, path, sizeof path));
    assert_non_null(
        ceilings_cache_path_build("fake", &info, provenance_build_key(), other, sizeof other));
    assert_string_equal(path, other);
    assert_non_null(
        ceilings_cache_path_build("fake", &info, "portable x86-64 Debug", other, sizeof other));
    assert_string_not_equal(path, other);

    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(root, "key");
    const cJSON *build = cJSON_GetObjectItemCaseSensitive(key, "build");
    assert_true(cJSON_IsString(build));
    assert_string_equal(build->valuestring, provenance_build_key());
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(root, "schema_version")->valueint, 3);
    cJSON_Delete(root);
    assert_int_equal(ceilings_parse(text, "fake", &info, &back), OFFLOAD_OK);
    assert_true(back.measured[0] != '\0');
    assert_int_not_equal(ceilings_parse_build(text, "fake", &info, "portable x86-64 Debug", &back),
                         OFFLOAD_OK);
    /* Its measurement time survives a load. */
    assert_int_equal(ceilings_load("fake", &info, &back), OFFLOAD_OK);
    assert_non_null(strstr(text, back.measured));
}

static void test_get_measures_caches_and_remeasures(void **state)
{
    (void)state;
    struct backend_info info = fake_info(5);
    struct ceilings c, want = fake_values();
    enum ceilings_source from_cache = CEILINGS_MEASURED_NOT_SAVED;
    char path[4200];
    assert_non_null(ceilings_cache_path("fake", &info, path, sizeof path));
    unlink(path);
    fake_calibrations = 0;

    /* Miss: measured and stored. */
    assert_int_equal(ceilings_get(&fake_backend, NULL, &info, 0, &c, &from_cache), OFFLOAD_OK);
    assert_int_equal(from_cache, CEILINGS_MEASURED_SAVED);
    assert_int_equal(fake_calibrations, 1);
    assert_ceilings_equal(&c, &want);
    assert_int_equal(access(path, R_OK), 0);

    /* Hit. */
    memset(&c, 0, sizeof c);
    assert_int_equal(ceilings_get(&fake_backend, NULL, &info, 0, &c, &from_cache), OFFLOAD_OK);
    assert_int_equal(from_cache, CEILINGS_FROM_CACHE);
    assert_int_equal(fake_calibrations, 1);
    assert_ceilings_equal(&c, &want);

    /* recalibrate: measured again even though the cache is valid. */
    assert_int_equal(ceilings_get(&fake_backend, NULL, &info, 1, &c, &from_cache), OFFLOAD_OK);
    assert_int_equal(from_cache, CEILINGS_MEASURED_SAVED);
    assert_int_equal(fake_calibrations, 2);

    /* Corrupt, truncated, old-schema and wrong-key files are ignored,
     * measured again and rewritten. */
    const char *broken[] = {
        "this is not json",
        "{\"schema_version\": 1, \"tool_version\": ",
        "{\"schema_version\": 0}",
        "[]",
        "",
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        write_text(path, broken[i]);
        int before = fake_calibrations;
        assert_int_equal(ceilings_get(&fake_backend, NULL, &info, 0, &c, &from_cache), OFFLOAD_OK);
        assert_int_equal(from_cache, CEILINGS_MEASURED_SAVED);
        assert_int_equal(fake_calibrations, before + 1);
        assert_ceilings_equal(&c, &want);
        /* ...and the rewritten file is valid again. */
        assert_int_equal(ceilings_get(&fake_backend, NULL, &info, 0, &c, &from_cache), OFFLOAD_OK);
        assert_int_equal(from_cache, CEILINGS_FROM_CACHE);
        assert_int_equal(fake_calibrations, before + 1);
    }

    /* A valid file with a negative rate (hand-edited) is not believed. */
    char *text = NULL;
    {
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        text = calloc(1, 1 << 16);
        assert_non_null(text);
        size_t got = fread(text, 1, (1 << 16) - 1, f);
        fclose(f);
        assert_true(got > 0);
    }
    char *field = strstr(text, "\"sqrt_f64_per_s\":");
    assert_non_null(field);
    char *value = field + strlen("\"sqrt_f64_per_s\":");
    while (*value == ' ' || *value == '\t')
        value++;
    *value = '-'; /* 0.3... becomes -.3...: a negative rate or invalid JSON, refused either way */
    write_text(path, text);
    free(text);
    int before = fake_calibrations;
    assert_int_equal(ceilings_get(&fake_backend, NULL, &info, 0, &c, &from_cache), OFFLOAD_OK);
    assert_int_equal(from_cache, CEILINGS_MEASURED_SAVED);
    assert_int_equal(fake_calibrations, before + 1);

    /* A different key is a different file: a miss. */
    struct backend_info other = fake_info(6);
    before = fake_calibrations;
    assert_int_equal(ceilings_get(&fake_backend, NULL, &other, 0, &c, &from_cache), OFFLOAD_OK);
    assert_int_equal(from_cache, CEILINGS_MEASURED_SAVED);
    assert_int_equal(fake_calibrations, before + 1);

    /* Atomic writes leave no temporary files behind. */
    DIR *d = opendir(cache_dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        assert_null(strstr(e->d_name, ".json."));
    closedir(d);
    assert_true(count_cache_files() >= 2);
}

/* The fuzzer's seeds: the valid ones are accepted (so the fuzzer reaches
 * the accepting path), the broken ones refused. */
static void test_parse_fuzz_seeds(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int accepted;
    } seeds[] = {{"valid.json", 1},    {"device.json", 1},         {"truncated.json", 0},
                 {"negative.json", 0}, {"threads_string.json", 0}, {"nan.json", 0},
                 {"schema1.json", 0},  {"schema2.json", 0},         {"schema4.json", 0}};
    struct backend_info info = {0};
    strcpy(info.device, "fuzz device, 2 threads");
    strcpy(info.driver, "fuzz driver");
    info.threads = 2;
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/fuzz/corpus_ceilings/%s", OFFLOAD_TESTS_DIR, seeds[i].name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        char text[8192];
        size_t n = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[n] = '\0';
        struct ceilings c;
        /* The seeds hold build "fuzz build", as the fuzz target expects. */
        enum offload_status st = ceilings_parse_build(text, "openmp", &info, "fuzz build", &c);
        if ((st == OFFLOAD_OK) != seeds[i].accepted)
            fail_msg("%s: %s", seeds[i].name, st == OFFLOAD_OK ? "accepted" : "refused");
        if (st == OFFLOAD_OK)
            assert_string_equal(c.measured, "2026-11-30T18:40:58Z");
        /* Another build's entry is a miss. */
        if (seeds[i].accepted)
            assert_int_not_equal(
                ceilings_parse_build(text, "openmp", &info, "native x86-64-v4 Release", &c),
                OFFLOAD_OK);
    }
}

static void test_print(void **state)
{
    (void)state;
    struct backend_info info = fake_info(3);
    struct ceilings c = fake_values();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    ceilings_print(f, "fake", &info, &c, CEILINGS_FROM_CACHE);
    fclose(f);
    assert_non_null(strstr(buf, "copy 3.33 GB/s"));
    assert_non_null(strstr(buf, "triad 2.86 GB/s"));
    assert_non_null(strstr(buf, "to device 9.88 GB/s, from device 1.23 GB/s"));
    assert_non_null(strstr(buf, "zero-copy (no transfer)"));
    assert_non_null(strstr(buf, "10.1 us"));
    assert_non_null(strstr(buf, "from the cache"));
    assert_null(strstr(buf, "measured  ")); /* no time known: none shown */
    assert_non_null(strstr(buf, cache_dir));
    free(buf);
}

/* ---- measurements ------------------------------------------------------- */

static void assert_rates_sane(const struct ceilings *c)
{
    assert_true(isfinite(c->stream_copy) && c->stream_copy > 0 && c->stream_copy < 1e13);
    assert_true(isfinite(c->stream_triad) && c->stream_triad > 0 && c->stream_triad < 1e13);
    assert_true(isfinite(c->sqrt_f64) && c->sqrt_f64 > 0 && c->sqrt_f64 < 1e12);
    assert_true(isfinite(c->sqrt_f32) && c->sqrt_f32 > 0 && c->sqrt_f32 < 1e12);
}

static void check_host(int threads)
{
    struct ceilings c;
    assert_int_equal(host_calibrate(threads, &c), OFFLOAD_OK);
    assert_rates_sane(&c);
    assert_true(c.launch_latency == 0);
    for (int m = 0; m < 3; m++) {
        assert_int_equal(c.transfer[m].zero_copy, 1);
        assert_true(c.transfer[m].to_device == 0 && c.transfer[m].from_device == 0);
    }
    /* The host measures every ceiling the kernels are judged against. */
    assert_true(isfinite(c.stream_read) && c.stream_read > 0 && c.stream_read < 1e13);
    assert_true(isfinite(c.convert_f64_f32) && c.convert_f64_f32 > 0 && c.convert_f64_f32 < 1e13);
    assert_true(isfinite(c.compare_i8) && c.compare_i8 > 0 && c.compare_i8 < 1e14);
    print_message("host, %d thread(s): copy %.2f GB/s, triad %.2f GB/s, read %.2f GB/s, "
                  "convert %.2f GB/s, sqrt f64 %.2f G/s, f32 %.2f G/s, compare %.1f G/s\n",
                  threads, c.stream_copy * 1e-9, c.stream_triad * 1e-9, c.stream_read * 1e-9,
                  c.convert_f64_f32 * 1e-9, c.sqrt_f64 * 1e-9, c.sqrt_f32 * 1e-9,
                  c.compare_i8 * 1e-9);
}

static void test_host_one_thread(void **state)
{
    (void)state;
    check_host(1);
}

static void test_host_two_threads(void **state)
{
    (void)state;
    check_host(2);
}

static void test_opencl(void **state)
{
    (void)state;
    struct backend_config cfg = {.memory = MEM_COPY, .quiet = 1};
    struct backend_info info;
    memset(&info, 0, sizeof info);
    void *cl = NULL;
    const struct backend_ops *opencl = backend_find("opencl");
    if (!opencl)
        skip(); /* built without OpenCL */
    enum offload_status st = opencl->init(&cfg, &cl, &info);
    if (st == OFFLOAD_UNAVAILABLE)
        skip();
    assert_int_equal(st, OFFLOAD_OK);

    struct ceilings c;
    st = opencl->calibrate(cl, &c);
    opencl->fini(cl);
    assert_int_equal(st, OFFLOAD_OK);
    assert_rates_sane(&c);
    assert_true(isfinite(c.launch_latency) && c.launch_latency > 0 && c.launch_latency < 1.0);
    for (int m = 0; m < 3; m++) {
        if (c.transfer[m].zero_copy) {
            assert_true(c.transfer[m].to_device == 0 && c.transfer[m].from_device == 0);
            continue;
        }
        /* A direction may be free (0) on its own; a rate is finite. */
        assert_true(isfinite(c.transfer[m].to_device) && c.transfer[m].to_device >= 0 &&
                    c.transfer[m].to_device < 1e13);
        assert_true(isfinite(c.transfer[m].from_device) && c.transfer[m].from_device >= 0 &&
                    c.transfer[m].from_device < 1e13);
        assert_true(c.transfer[m].to_device > 0 || c.transfer[m].from_device > 0);
    }
    ceilings_print(stderr, "opencl", &info, &c, CEILINGS_MEASURED_NOT_SAVED);
}

/* ---- setup -------------------------------------------------------------- */

static int make_cache_dir(void **state)
{
    (void)state;
    if (!mkdtemp(cache_dir))
        return -1;
    return setenv("OFFLOAD_CACHE_DIR", cache_dir, 1);
}

static int remove_cache_dir(void **state)
{
    (void)state;
    DIR *d = opendir(cache_dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char path[4200];
            snprintf(path, sizeof path, "%s/%s", cache_dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(cache_dir);
    return 0;
}

/* Physical bounds (issue 19): what the cache may hold. */
static void test_plausible_bounds(void **state)
{
    (void)state;
    struct ceilings good = fake_values(), c;
    assert_true(ceilings_plausible(&good));
    double *bandwidths[] = {&c.stream_copy, &c.stream_triad};
    for (size_t i = 0; i < 2; i++) {
        const double bad[] = {0, 1e-300, 999999, 1.01e14, 1e300, INFINITY, NAN, -1};
        for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            c = good;
            *bandwidths[i] = bad[k];
            assert_false(ceilings_plausible(&c));
        }
        c = good;
        *bandwidths[i] = 1e6; /* the bounds themselves are possible */
        assert_true(ceilings_plausible(&c));
        *bandwidths[i] = 1e14;
        assert_true(ceilings_plausible(&c));
    }
    c = good;
    c.stream_read = 0; /* optional: not measured */
    assert_true(ceilings_plausible(&c));
    c.stream_read = 10; /* measured, but 10 B/s */
    assert_false(ceilings_plausible(&c));
    c = good;
    c.sqrt_f64 = 0;
    assert_false(ceilings_plausible(&c));
    c = good;
    c.launch_latency = 1.0;
    assert_false(ceilings_plausible(&c));
    c.launch_latency = 0; /* the host launches nothing */
    assert_true(ceilings_plausible(&c));
    /* Copy mode moves bytes; zero-copy moves none. */
    c = good;
    c.transfer[MEM_COPY].to_device = 0;
    assert_false(ceilings_plausible(&c));
    c = good;
    c.transfer[MEM_ZERO_COPY].to_device = 5e9;
    assert_false(ceilings_plausible(&c));
    c = good;
    c.transfer[MEM_PINNED].from_device = 0; /* mapped: costs nothing */
    assert_true(ceilings_plausible(&c));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_dir_from_environment),
        cmocka_unit_test(test_store_and_load_round_trip),
        cmocka_unit_test(test_cache_keyed_by_build),
        cmocka_unit_test(test_get_measures_caches_and_remeasures),
        cmocka_unit_test(test_parse_fuzz_seeds),
        cmocka_unit_test(test_print),
        cmocka_unit_test(test_plausible_bounds),
        cmocka_unit_test(test_host_one_thread),
        cmocka_unit_test(test_host_two_threads),
        cmocka_unit_test(test_opencl),
    };
    return cmocka_run_group_tests(tests, make_cache_dir, remove_cache_dir);
}
