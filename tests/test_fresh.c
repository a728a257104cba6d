/* Ceilings from the same minute (host/measure/fresh.c): which rate a run is
 * judged against when the probes around it and the cached calibration
 * differ, the notes that say so, and the host probe itself (rates checked
 * for sanity and for measuring what the kernel needs, never for speed). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "fresh.h"
#include "host_calibrate.h"
#include "runner.h"
#include "workload.h"

/* cmocka 1.1 has no assert_double_equal. */
#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static struct ceilings with_convert(double rate)
{
    struct ceilings c = {0};
    c.convert_f64_f32 = rate;
    return c;
}

/* Faster now than cached, beyond the noise: the fresh rate is used and
 * said. */
static void test_faster_now_replaces_cached(void **state)
{
    (void)state;
    struct ceilings c = with_convert(40e9), before = with_convert(45e9), after = with_convert(46e9);
    c.sqrt_f64 = 3e9; /* not probed: kept */
    struct ceilings_refresh r = ceilings_refresh(&c, &before, &after, NULL);
    assert_int_equal(r.count, 1);
    assert_true(r.probe[0].differs);
    assert_false(r.probe[0].busy);
    assert_near(c.convert_f64_f32, 46e9, 1);
    assert_near(c.sqrt_f64, 3e9, 0);
    char note[512];
    ceilings_refresh_note(&r, note, sizeof note);
    assert_non_null(strstr(note, "f64->f32 memory ceiling measured around this run, 46 GB/s"));
    assert_non_null(strstr(note, "15% above the cached 40 GB/s"));
}

/* Steadily slower (the probes agree): the machine is slower this minute. */
static void test_steadily_slower_replaces_cached(void **state)
{
    (void)state;
    struct ceilings c = with_convert(60e9), before = with_convert(46e9), after = with_convert(45e9);
    struct ceilings_refresh r = ceilings_refresh(&c, &before, &after, NULL);
    assert_true(r.probe[0].differs);
    assert_near(c.convert_f64_f32, 46e9, 1);
    char note[512];
    assert_non_null(strstr(ceilings_refresh_note(&r, note, sizeof note), "below the cached"));
}

/* Within the noise: both measured the same hardware, the better is kept
 * and nothing is said. */
static void test_within_noise_keeps_the_better(void **state)
{
    (void)state;
    struct ceilings c = with_convert(40e9), before = with_convert(39.5e9),
                    after = with_convert(40.5e9);
    struct ceilings_refresh r = ceilings_refresh(&c, &before, &after, NULL);
    assert_false(r.probe[0].differs);
    assert_near(c.convert_f64_f32, 40.5e9, 1);
    char note[512];
    assert_string_equal(ceilings_refresh_note(&r, note, sizeof note), "");
}

/* Lower but the probes disagree (a burst of load): the cached rate stays
 * and the note says the machine was busy. */
static void test_busy_minute_keeps_cached(void **state)
{
    (void)state;
    struct ceilings c = with_convert(40e9), before = with_convert(12e9), after = with_convert(30e9);
    struct ceilings_refresh r = ceilings_refresh(&c, &before, &after, NULL);
    assert_true(r.probe[0].busy);
    assert_false(r.probe[0].differs);
    assert_near(c.convert_f64_f32, 40e9, 1);
    char note[512];
    assert_non_null(strstr(ceilings_refresh_note(&r, note, sizeof note), "a busy machine"));
}

/* Probes that agree but read less than the run itself reached caught a
 * burst of load, not a slower machine: the cached rate stays. */
static void test_probe_below_the_run_keeps_cached(void **state)
{
    (void)state;
    struct ceilings c = with_convert(40e9), before = with_convert(3.3e9),
                    after = with_convert(3.0e9), achieved = with_convert(8e9);
    struct ceilings_refresh r = ceilings_refresh(&c, &before, &after, &achieved);
    assert_true(r.probe[0].busy);
    assert_false(r.probe[0].differs);
    assert_near(c.convert_f64_f32, 40e9, 1);
    /* The same probes with a run as slow as they are: the machine is slower. */
    struct ceilings d = with_convert(40e9), slow = with_convert(3.2e9);
    r = ceilings_refresh(&d, &before, &after, &slow);
    assert_true(r.probe[0].differs);
    assert_near(d.convert_f64_f32, 3.3e9, 1);
    /* A run above the fresh rate by less than the noise (43.3 against
     * probes of 41.1 and 37.3, cached 50.3, bench/ceilings.sh at 23:50):
     * the fresh rate would put it at 105%, so the cached one stays. */
    struct ceilings e = with_convert(50.3e9), b2 = with_convert(41.1e9),
                    a2 = with_convert(37.3e9), run = with_convert(43.3e9);
    r = ceilings_refresh(&e, &b2, &a2, &run);
    assert_true(r.probe[0].busy);
    assert_false(r.probe[0].differs);
    assert_near(e.convert_f64_f32, 50.3e9, 1);
}

/* A rate with nothing cached takes the fresh one; a failed probe (0)
 * changes nothing. */
static void test_missing_rates(void **state)
{
    (void)state;
    struct ceilings c = {0}, before = {0}, after = {0};
    before.compare_i8 = 80e9;
    struct ceilings_refresh r = ceilings_refresh(&c, &before, &after, NULL);
    assert_int_equal(r.count, 1);
    assert_near(c.compare_i8, 80e9, 1);
    assert_near(r.probe[0].noise, FRESH_NOISE_FLOOR, 0);

    struct ceilings kept = with_convert(40e9), none = {0};
    r = ceilings_refresh(&kept, &none, &none, NULL);
    assert_int_equal(r.count, 0);
    assert_near(kept.convert_f64_f32, 40e9, 0);
}

static const struct backend_ops *host_backend(const char *name)
{
    const struct backend_ops *ops = backend_find(name);
    assert_non_null(ops);
    assert_non_null(ops->probe);
    return ops;
}

/* The host probe measures the kernel's memory pattern (its input beyond
 * the cache) and its operation, and nothing else. */
static void test_host_probe_measures_what_bounds_the_kernel(void **state)
{
    (void)state;
    const size_t n = (size_t)8 << 20; /* 96 MiB moved: beyond any test machine's cache */
    double *in = workload_alloc(n * sizeof *in);
    assert_non_null(in);
    workload_fill_uniform(in, n, 42);
    struct kernel_input kin = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = n, .in = in};
    struct ceilings out;
    struct host_probe *probe = NULL;
    assert_int_equal(host_probe(&probe, 2, &kin, 32e6, 0.01, &out, NULL), OFFLOAD_OK);
    assert_true(out.convert_f64_f32 > 0);
    assert_true(out.sqrt_f64 > 0);
    assert_true(out.stream_read == 0 && out.compare_i8 == 0 && out.stream_copy == 0);
    /* In cache: no memory probe. */
    kin.n = 1000;
    assert_int_equal(host_probe(&probe, 2, &kin, 32e6, 0.01, &out, NULL), OFFLOAD_OK);
    assert_true(out.convert_f64_f32 == 0 && out.sqrt_f64 > 0);
    host_probe_free(probe);
    workload_free(in);
}

/* A run with --ceilings fresh probes around it; cached does not. */
static void test_run_kernel_fresh(void **state)
{
    (void)state;
    const struct backend_ops *ops = host_backend("openmp");
    struct backend_config cfg = {.threads = 2};
    struct backend_info info = {0};
    void *bs = NULL;
    assert_int_equal(ops->init(&cfg, &bs, &info), OFFLOAD_OK);
    const size_t n = 4096;
    double *in = workload_alloc(n * sizeof *in);
    assert_non_null(in);
    workload_fill_uniform(in, n, 7);
    struct kernel_input kin = {.kernel = KERNEL_SUMSQRT, .alg = ALG_NAIVE, .n = n, .in = in};
    struct run_settings set = run_settings_default();
    set.repeat = 2;
    struct run_result *res = malloc(sizeof *res);
    assert_non_null(res);
    struct ceilings c = {0};
    c.sqrt_f64 = 1e15; /* far above any CPU: a steady probe replaces it */
    struct ceilings_refresh r;
    assert_int_equal(run_kernel_fresh(ops, bs, &kin, &set, CEILINGS_FRESH, &c, NULL, res, &r),
                     OFFLOAD_OK);
    assert_int_equal(r.count, 1);
    assert_string_equal(r.probe[0].name, "float64 sqrt");
    assert_true(r.seconds > 0);
    assert_true(c.sqrt_f64 < 1e15 || r.probe[0].busy);

    c.sqrt_f64 = 1e15;
    assert_int_equal(run_kernel_fresh(ops, bs, &kin, &set, CEILINGS_CACHED, &c, NULL, res, &r),
                     OFFLOAD_OK);
    assert_int_equal(r.count, 0);
    assert_near(c.sqrt_f64, 1e15, 0);
    free(res);
    workload_free(in);
    ops->fini(bs);
}

/* Probe sizing from numbers: 5% of the expected timed time over two
 * probes, the floor for short runs, the cap for long ones. */
static void test_probe_budget(void **state)
{
    (void)state;
    struct run_settings set = run_settings_default(); /* min_time 0.2 s, min_repeat 3 */
    /* 16 ms calls: min_time rules, 0.2 s x 5% / 2. */
    assert_near(ceilings_probe_budget(&set, 0.016), 0.005, 1e-12);
    /* 0.1 s calls: three of them (min_repeat) take longer than min_time. */
    assert_near(ceilings_probe_budget(&set, 0.1), 0.3 * FRESH_PROBE_SHARE / 2, 1e-12);
    /* A short run gets the floor, never less. */
    set.min_time = 0.01;
    assert_near(ceilings_probe_budget(&set, 0.0001), FRESH_PROBE_FLOOR_S, 1e-12);
    /* --repeat R: R calls of the warm-up's length; unknown length: the floor. */
    set.repeat = 100;
    assert_near(ceilings_probe_budget(&set, 0.01), 100 * 0.01 * FRESH_PROBE_SHARE / 2, 1e-12);
    assert_near(ceilings_probe_budget(&set, 0), FRESH_PROBE_FLOOR_S, 1e-12);
    /* A long run: both probes together at most the cap. */
    assert_near(ceilings_probe_budget(&set, 10.0), FRESH_PROBE_CAP_S / 2, 1e-12);
}

/* A fake device whose probe records what it was asked and when. */
static struct {
    int calls, runs_before_probe[2];
    double budget[2];
    int runs;
} fake;

static enum offload_status fake_run(void *state, const struct kernel_input *in, void *out,
                                    struct phase_times *t)
{
    (void)state;
    float *y = out;
    for (size_t i = 0; i < in->n; i++)
        y[i] = (float)sqrt(in->in[i]);
    *t = phase_times_none();
    t->kernel = 1e-3;
    fake.runs++;
    return OFFLOAD_OK;
}

static enum offload_status fake_probe(void *state, const struct kernel_input *in, double budget_s,
                                      struct ceilings *out, double *setup_s)
{
    (void)state;
    (void)in;
    memset(out, 0, sizeof *out);
    if (fake.calls < 2) {
        fake.budget[fake.calls] = budget_s;
        fake.runs_before_probe[fake.calls] = fake.runs;
    }
    fake.calls++;
    out->convert_f64_f32 = 10e9;
    *setup_s += 0.5; /* one-time costs are reported apart, never as probe time */
    return OFFLOAD_OK;
}

/* The partner reads a higher rate: the best of both is the fresh one. */
static enum offload_status partner_probe(void *state, const struct kernel_input *in,
                                         double budget_s, struct ceilings *out, double *setup_s)
{
    (void)state;
    (void)in;
    (void)budget_s;
    (void)setup_s;
    memset(out, 0, sizeof *out);
    out->convert_f64_f32 = 20e9;
    return OFFLOAD_OK;
}

static void test_probe_after_warmup_and_partner(void **state)
{
    (void)state;
    struct backend_ops ops = {.name = "fake", .probe = fake_probe};
    ops.run[KERNEL_SQRT] = fake_run;
    struct backend_ops host = {.name = "host", .probe = partner_probe};
    struct probe_partner partner = {.ops = &host, .state = NULL};
    const size_t n = 64;
    double *in = workload_alloc(n * sizeof *in);
    assert_non_null(in);
    workload_fill_uniform(in, n, 3);
    struct kernel_input kin = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = n, .in = in};
    struct run_settings set = run_settings_default();
    set.repeat = 4;
    set.warmup = 2;
    set.progress = 0;
    struct run_result *res = malloc(sizeof *res);
    assert_non_null(res);
    struct ceilings c = with_convert(5e9);
    struct ceilings_refresh r;
    memset(&fake, 0, sizeof fake);
    assert_int_equal(
        run_kernel_fresh(&ops, NULL, &kin, &set, CEILINGS_FRESH, &c, &partner, res, &r),
        OFFLOAD_OK);
    /* Before: after both warm-up calls; after: after the four timed ones. */
    assert_int_equal(fake.calls, 2);
    assert_int_equal(fake.runs_before_probe[0], 2);
    assert_int_equal(fake.runs_before_probe[1], 6);
    /* Each probe shares its budget with the partner; both probes alike. */
    assert_near(fake.budget[0], r.budget / 2, 1e-15);
    assert_near(fake.budget[1], fake.budget[0], 1e-15);
    assert_near(r.setup, 1.0, 1e-12);
    assert_true(r.seconds >= 0 && r.seconds < 0.5);
    assert_int_equal(r.count, 1);
    assert_near(r.probe[0].fresh, 20e9, 1);
    assert_near(c.convert_f64_f32, 20e9, 1);
    free(res);
    workload_free(in);
}

/* A probe the run beat (it read a busy moment) is taken again after the
 * run, at most FRESH_RETRIES_MAX times within the cap; the best counts. */
static double slow_probe_rate;

static enum offload_status slow_probe(void *state, const struct kernel_input *in, double budget_s,
                                      struct ceilings *out, double *setup_s)
{
    (void)state;
    (void)in;
    (void)budget_s;
    (void)setup_s;
    memset(out, 0, sizeof *out);
    fake.calls++;
    out->convert_f64_f32 = slow_probe_rate * fake.calls; /* better each time */
    return OFFLOAD_OK;
}

static void test_beaten_probe_is_retried(void **state)
{
    (void)state;
    struct backend_ops ops = {.name = "fake", .probe = slow_probe};
    ops.run[KERNEL_SQRT] = fake_run;
    const size_t n = 64;
    double *in = workload_alloc(n * sizeof *in);
    assert_non_null(in);
    workload_fill_uniform(in, n, 3);
    struct kernel_input kin = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = n, .in = in};
    struct run_settings set = run_settings_default();
    set.repeat = 2;
    set.progress = 0;
    struct run_result *res = malloc(sizeof *res);
    assert_non_null(res);
    struct ceilings c = with_convert(1.0);
    struct ceilings_refresh r;
    /* The fake kernel moves 12 * 64 bytes in 1 ms: 768 kB/s, far above 1 B/s. */
    slow_probe_rate = 1.0;
    memset(&fake, 0, sizeof fake);
    assert_int_equal(run_kernel_fresh(&ops, NULL, &kin, &set, CEILINGS_FRESH, &c, NULL, res, &r),
                     OFFLOAD_OK);
    assert_int_equal(fake.calls, 2 + FRESH_RETRIES_MAX);
    assert_near(r.probe[0].after, 2.0 + FRESH_RETRIES_MAX, 1e-9);
    /* A probe above what the run reached is not taken again. */
    slow_probe_rate = 1e12;
    memset(&fake, 0, sizeof fake);
    assert_int_equal(run_kernel_fresh(&ops, NULL, &kin, &set, CEILINGS_FRESH, &c, NULL, res, &r),
                     OFFLOAD_OK);
    assert_int_equal(fake.calls, 2);
    free(res);
    workload_free(in);
}

/* The OpenCL probe measures what bounds the kernel on the device: the
 * f64->f32 mix beyond the cache, the sqrt rate, the copies of the memory
 * mode; the first call's buffers and compiles are setup, not probe time. */
static void test_opencl_probe_measures_what_bounds_the_kernel(void **state)
{
    (void)state;
    const struct backend_ops *ops = backend_find("opencl");
    if (!ops)
        skip(); /* built without the OpenCL backend */
    struct backend_config cfg = {.memory = MEM_COPY, .quiet = 1};
    struct backend_info info = {0};
    void *bs = NULL;
    if (ops->init(&cfg, &bs, &info) != OFFLOAD_OK)
        skip();                       /* no OpenCL device here */
    const size_t n = (size_t)8 << 20; /* 96 MiB moved: beyond any test machine's cache */
    double *in = workload_alloc(n * sizeof *in);
    assert_non_null(in);
    workload_fill_uniform(in, n, 5);
    struct kernel_input kin = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = n, .in = in};
    struct ceilings out;
    double setup = 0;
    assert_int_equal(ops->probe(bs, &kin, 0.01, &out, &setup), OFFLOAD_OK);
    assert_true(setup > 0);
    assert_true(out.convert_f64_f32 > 0 && out.sqrt_f64 > 0);
    assert_true(out.transfer[MEM_COPY].to_device > 0 && out.transfer[MEM_COPY].from_device > 0);
    assert_true(out.stream_triad == 0 && out.compare_i8 == 0 &&
                out.transfer[MEM_PINNED].to_device == 0);
    /* Again on the same kernel: nothing left to set up. */
    setup = 0;
    assert_int_equal(ops->probe(bs, &kin, 0.01, &out, &setup), OFFLOAD_OK);
    assert_true(setup < 0.5);
    assert_true(out.convert_f64_f32 > 0);
    /* In cache: no memory probe, the sqrt rate and the copies still. */
    kin.n = 1000;
    assert_int_equal(ops->probe(bs, &kin, 0.01, &out, &setup), OFFLOAD_OK);
    assert_true(out.sqrt_f64 > 0);
    assert_true(out.convert_f64_f32 == 0 || !(info.cache_bytes > 0));
    ops->fini(bs);
    workload_free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faster_now_replaces_cached),
        cmocka_unit_test(test_steadily_slower_replaces_cached),
        cmocka_unit_test(test_within_noise_keeps_the_better),
        cmocka_unit_test(test_busy_minute_keeps_cached),
        cmocka_unit_test(test_probe_below_the_run_keeps_cached),
        cmocka_unit_test(test_missing_rates),
        cmocka_unit_test(test_host_probe_measures_what_bounds_the_kernel),
        cmocka_unit_test(test_run_kernel_fresh),
        cmocka_unit_test(test_probe_budget),
        cmocka_unit_test(test_probe_after_warmup_and_partner),
        cmocka_unit_test(test_beaten_probe_is_retried),
        cmocka_unit_test(test_opencl_probe_measures_what_bounds_the_kernel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
