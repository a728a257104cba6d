/* offload predict: the shipped device profiles parse and name a source for
 * every number, bad profiles are refused with the reason, and forecasts
 * follow the roofline (checked against figures worked out by hand). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "predict.h"

#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static struct device_profile shipped(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/devices/%s.json", OFFLOAD_SOURCE_DATA_DIR, name);
    size_t len = 0;
    char *text = read_whole_file(path, 1 << 20, &len);
    assert_non_null(text);
    struct device_profile p;
    char err[256] = "";
    enum offload_status st = profile_parse(text, &p, err, sizeof err);
    free(text);
    if (st != OFFLOAD_OK)
        fail_msg("%s: %s", path, err);
    return p;
}

static void test_shipped_profiles_have_sources(void **state)
{
    (void)state;
    const char *names[] = {"h200", "h100", "mi300x", "rtx4090", "arc-a770"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct device_profile p = shipped(names[i]);
        assert_string_equal(p.short_name, names[i]);
        assert_true(p.memory_gbps.known && p.link_gbps.known && p.compute_units.known &&
                    p.resident_per_unit.known);
        assert_true(strlen(p.memory_gbps.source) > 20);
        assert_true(p.nmatch >= 1);
    }
    struct device_profile h200 = shipped("h200");
    assert_true(profile_matches(&h200, "1.0 NVIDIA H200"));
    assert_false(profile_matches(&h200, "1.0 NVIDIA H100 80GB HBM3"));
}

static void test_bad_profiles_are_refused(void **state)
{
    (void)state;
    struct device_profile p;
    char err[256];
    assert_int_equal(profile_parse("not json", &p, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_int_equal(profile_parse("{\"short\": \"x\", \"name\": \"X\", \"memory_bandwidth_gbps\": "
                                   "{\"value\": 100}, \"host_link_gbps\": {\"value\": 1, "
                                   "\"source\": \"s\"}}",
                                   &p, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "memory_bandwidth_gbps"));
    assert_non_null(strstr(err, "source"));
    assert_int_equal(profile_parse("{\"short\": \"x\", \"name\": \"X\", \"memory_bandwidth_gbps\": "
                                   "{\"value\": -1, \"source\": \"s\"}}",
                                   &p, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, ">= 0"));
    assert_int_equal(profile_parse("{\"short\": \"x\", \"name\": \"X\", \"memory_bandwidth_gbps\": "
                                   "{\"value\": 100, \"source\": \"s\"}}",
                                   &p, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "host_link_gbps"));
}

/* sqrt 10M on an H200: 120 MB at 4.8 TB/s is 25 us of kernel; 80 MB in and
 * 40 MB out at 64 GB/s plus 10 us each are 1.895 ms of copies. */
static void test_h200_sqrt_is_transfer_bound(void **state)
{
    (void)state;
    struct device_profile p = shipped("h200");
    struct kernel_input in = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 10000000};
    struct prediction r = predict_run(&p, &in);
    assert_true(r.runnable);
    assert_near(r.memory_s, 25e-6, 1e-9);
    assert_near(r.kernel_s, 25e-6, 1e-9);
    assert_near(r.copy_in_s + r.copy_out_s, 1.895e-3, 1e-6);
    assert_int_equal(r.verdict, VERDICT_TRANSFER);
    assert_true(r.transfer_share > 0.98);
    assert_near(r.work_items, 1250000, 0);
    assert_near(r.fill, 1, 0);
}

/* sumsqrt 10k naive on an MI300X: 1e8 float64 sqrt at 81.7 TFLOPS / 16
 * flops per sqrt is 19.6 us, far above the 23 ns of memory. */
static void test_sumsqrt_is_compute_bound_on_the_device(void **state)
{
    (void)state;
    struct device_profile p = shipped("mi300x");
    struct kernel_input in = {.kernel = KERNEL_SUMSQRT, .alg = ALG_NAIVE, .n = 10000};
    struct prediction r = predict_run(&p, &in);
    assert_true(r.ops_rate_estimated);
    assert_near(r.ops_s, 1e8 / (81.7e12 / PREDICT_FLOPS_PER_SQRT_F64), 1e-12);
    assert_true(r.ops_s > r.memory_s);
    assert_near(r.kernel_s, r.ops_s, 1e-12);
}

/* No float64 on an Arc A770: the float64 kernels cannot run; scores can. */
static void test_no_fp64_device(void **state)
{
    (void)state;
    struct device_profile p = shipped("arc-a770");
    struct kernel_input in = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 1000};
    struct prediction r = predict_run(&p, &in);
    assert_false(r.runnable);
    assert_non_null(strstr(r.why_not, "float64"));
    struct genotype_matrix m = {.rows = 1286, .cols = 260};
    struct kernel_input s = {.kernel = KERNEL_SCORES, .alg = ALG_NAIVE, .matrix = &m};
    r = predict_run(&p, &s);
    assert_true(r.runnable);
    assert_near(r.work_items, 1286.0 * 256, 0);
}

/* A launch that fills a small share of the device: its kernel time grows
 * by the share left idle and the verdict is occupancy. */
static void test_small_launch_is_occupancy_bound(void **state)
{
    (void)state;
    struct device_profile p = shipped("h200");
    struct genotype_matrix m = {.rows = 20, .cols = 100000};
    struct kernel_input s = {.kernel = KERNEL_SCORES, .alg = ALG_FAST, .matrix = &m};
    struct prediction r = predict_run(&p, &s);
    assert_near(r.work_items, 20, 0);
    assert_true(r.fill < 0.001);
    assert_int_equal(r.verdict, VERDICT_OCCUPANCY);
    assert_near(r.kernel_s, fmax(fmax(r.memory_s, r.ops_s) / r.fill, r.launch_s), 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_profiles_have_sources),
        cmocka_unit_test(test_bad_profiles_are_refused),
        cmocka_unit_test(test_h200_sqrt_is_transfer_bound),
        cmocka_unit_test(test_sumsqrt_is_compute_bound_on_the_device),
        cmocka_unit_test(test_no_fp64_device),
        cmocka_unit_test(test_small_launch_is_occupancy_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
