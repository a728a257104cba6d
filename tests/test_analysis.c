/* Verdicts and exports from synthetic runs (no clock involved), so every
 * rule and every exported field can be checked exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "ranks.h"
#include "export.h"

/* A run across `ranks` MPI ranks whose every sample has the given phase
 * times (negative = none). */
static struct run_result *fake_ranked_run(int ranks, double distribute, double copy_in,
                                          double kernel, double copy_out, double collect)
{
    struct run_result *r = calloc(1, sizeof *r);
    r->status = OFFLOAD_OK;
    r->samples = 3;
    r->ranks = ranks;
    for (size_t i = 0; i < r->samples; i++) {
        r->times[i] = phase_times_none();
        r->times[i].distribute = distribute;
        r->times[i].copy_in = copy_in;
        r->times[i].kernel = kernel * (1.0 + 0.1 * (double)i);
        r->times[i].copy_out = copy_out;
        r->times[i].collect = collect;
        r->total[i] = (distribute > 0 ? distribute : 0) + (copy_in > 0 ? copy_in : 0) +
                      r->times[i].kernel + (copy_out > 0 ? copy_out : 0) +
                      (collect > 0 ? collect : 0);
    }
    double v[3];
    for (int p = 0; p < RUN_PHASE_COUNT; p++) {
        size_t n = 0;
        for (size_t i = 0; i < r->samples; i++) {
            double x = p == PHASE_COPY_IN      ? r->times[i].copy_in
                       : p == PHASE_KERNEL     ? r->times[i].kernel
                       : p == PHASE_COPY_OUT   ? r->times[i].copy_out
                       : p == PHASE_DISTRIBUTE ? r->times[i].distribute
                       : p == PHASE_COLLECT    ? r->times[i].collect
                                               : r->total[i];
            if (x >= 0)
                v[n++] = x;
        }
        r->stats[p] = stats_compute(v, n);
    }
    r->check.ok = 1;
    r->checksum = 123.5;
    return r;
}

/* A run of one process. */
static struct run_result *fake_run(double copy_in, double kernel, double copy_out)
{
    return fake_ranked_run(1, -1, copy_in, kernel, copy_out, -1);
}

static const struct ceilings host_ceilings = {
    .stream_copy = 20e9, .stream_triad = 24e9, .sqrt_f64 = 2e9, .sqrt_f32 = 8e9};

/* A host with a 32 MiB last-level cache. */
static struct backend_info host_info(int threads)
{
    struct backend_info info = {
        .threads = threads, .build_cached = -1, .cache_bytes = 32.0 * 1024 * 1024};
    snprintf(info.device, sizeof info.device, "host CPU, %d threads", threads);
    return info;
}

static void test_sqrt_memory_bound(void **state)
{
    (void)state;
    struct kernel_input in = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 10000000};
    /* 120 MB in 5 ms = 24 GB/s: the memory ceiling. With 2 G sqrt/s the
     * sqrt units also predict 5 ms: both are near their limit (the roofline
     * names memory first on a tie). */
    struct run_result *r = fake_run(-1, 5e-3, -1);
    struct backend_info info = host_info(2);
    struct analysis a = analyse_run(&in, r, &info, &host_ceilings);
    assert_int_equal(a.verdict, VERDICT_MEMORY);
    assert_int_equal(a.near_both, 1);
    assert_true(a.gbps > 23.9 && a.gbps < 24.1);
    assert_true(a.ceiling_fraction > 0.99 && a.ceiling_fraction < 1.01);
    assert_true(a.predicted_memory_s > 4.99e-3 && a.predicted_memory_s < 5.01e-3);
    assert_true(a.predicted_ops_s > 4.99e-3 && a.predicted_ops_s < 5.01e-3);
    assert_non_null(strstr(a.reason, "both are near their limit"));
    assert_null(strchr(a.reason, ','));
    free(r);
    /* With sqrt units 4x faster, memory alone predicts the time. */
    struct ceilings fast_sqrt = host_ceilings;
    fast_sqrt.sqrt_f64 = 8e9;
    r = fake_run(-1, 5e-3, -1);
    a = analyse_run(&in, r, &info, &fast_sqrt);
    assert_int_equal(a.verdict, VERDICT_MEMORY);
    assert_int_equal(a.near_both, 0);
    assert_non_null(strstr(a.reason, "memory is near its limit (100%"));
    assert_non_null(strstr(a.reason, "more bandwidth"));
    assert_null(strstr(a.reason, "cache"));
    assert_null(strchr(a.reason, ','));
    free(r);
}

static void test_above_ceiling(void **state)
{
    (void)state;
    struct backend_info info = host_info(2);
    /* 120 MB at 40 GB/s against a 24 GB/s ceiling: too big for a cache, so
     * the ceiling itself is suspect. */
    struct kernel_input big = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 10000000};
    struct run_result *r = fake_run(-1, 3e-3, -1);
    struct analysis a = analyse_run(&big, r, &info, &host_ceilings);
    assert_int_equal(a.verdict, VERDICT_MEMORY);
    assert_non_null(strstr(a.reason, "offload calibrate --recalibrate"));
    free(r);
    /* 12 kB at 30 GB/s on one thread: it sat in cache. */
    struct kernel_input small = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 1000};
    struct ceilings fast_sqrt = host_ceilings;
    fast_sqrt.sqrt_f64 = 4e9;
    info = host_info(1);
    r = fake_run(-1, 4e-7, -1);
    a = analyse_run(&small, r, &info, &fast_sqrt);
    assert_non_null(strstr(a.reason, "fits in cache"));
    assert_null(strstr(a.reason, "recalibrate"));
    free(r);
}

static void test_sumsqrt_compute_bound(void **state)
{
    (void)state;
    struct kernel_input in = {.kernel = KERNEL_SUMSQRT, .alg = ALG_NAIVE, .n = 10000};
    struct run_result *r = fake_run(-1, 0.1, -1); /* 1e8 sqrt in 0.1 s = 1 G/s */
    struct backend_info info = host_info(2);
    struct analysis a = analyse_run(&in, r, &info, &host_ceilings);
    assert_int_equal(a.verdict, VERDICT_COMPUTE);
    assert_true(a.ops_per_byte > 833 && a.ops_per_byte < 834);
    assert_true(a.ceiling_fraction > 0.49 && a.ceiling_fraction < 0.51);
    assert_non_null(strstr(a.reason, "sqrt ceiling"));
    /* 120 kB fits the 32 MiB cache; naive has a faster algorithm. */
    assert_non_null(strstr(a.reason, "sits in cache"));
    assert_non_null(strstr(a.reason, "--algorithm fast"));
    assert_null(strchr(a.reason, ','));
    free(r);
    /* Without a known cache size nothing is said about caches. */
    info.cache_bytes = 0;
    r = fake_run(-1, 0.1, -1);
    a = analyse_run(&in, r, &info, &host_ceilings);
    assert_int_equal(a.verdict, VERDICT_COMPUTE);
    assert_null(strstr(a.reason, "cache"));
    free(r);
}

static void test_transfer_bound(void **state)
{
    (void)state;
    struct kernel_input in = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 10000000};
    struct run_result *r = fake_run(10e-3, 5e-3, 5e-3);
    struct backend_info info = host_info(0);
    struct ceilings c = host_ceilings;
    c.launch_latency = 10e-6;
    struct analysis a = analyse_run(&in, r, &info, &c);
    assert_int_equal(a.verdict, VERDICT_TRANSFER);
    assert_true(a.transfer_share > 0.74 && a.transfer_share < 0.76);
    assert_non_null(strstr(a.reason, "75% of the end-to-end time is copying"));
    assert_non_null(strstr(a.reason, "keeping the data on the device"));
    free(r);
    /* A device sharing host memory: zero-copy would help. */
    info.unified_memory = 1;
    r = fake_run(10e-3, 5e-3, 5e-3);
    a = analyse_run(&in, r, &info, &c);
    assert_int_equal(a.verdict, VERDICT_TRANSFER);
    assert_non_null(strstr(a.reason, "--memory zero-copy"));
    free(r);
}

/* Across ranks: distribute and collect at half the time or more is
 * communication-bound, with the bytes (scattered input and gathered output
 * of the other ranks) and the rate of the measured phases; a kernel that
 * dwarfs its communication keeps its own verdict. */
static void test_communication_bound(void **state)
{
    (void)state;
    struct kernel_input in = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 10000000};
    /* 2 ranks: half of 80 MB scattered, half of 40 MB gathered: 60 MB. */
    assert_true(ranks_bytes_moved(&in, 2) == 60e6);
    assert_true(ranks_bytes_moved(&in, 1) == 0);
    struct run_result *r = fake_ranked_run(2, 40e-3, -1, 10e-3, -1, 10e-3);
    struct backend_info info = host_info(2);
    struct analysis a = analyse_run(&in, r, &info, &host_ceilings);
    assert_int_equal(a.verdict, VERDICT_COMMUNICATION);
    assert_string_equal(verdict_name(a.verdict), "communication-bound");
    assert_true(a.comm_share > 0.83 && a.comm_share < 0.84); /* 50 ms of 60 ms */
    assert_non_null(strstr(a.reason, "83% of the time (50 ms of 60 ms) is moving 60.0 MB "
                                     "between 2 ranks at 1.2 GB/s"));
    assert_null(strchr(a.reason, ','));
    free(r);
    /* sumsqrt broadcasts: the whole 80 kB input to the other rank. */
    struct kernel_input sum = {.kernel = KERNEL_SUMSQRT, .alg = ALG_NAIVE, .n = 10000};
    assert_true(ranks_bytes_moved(&sum, 2) == 80e3 + 20e3);
    r = fake_ranked_run(2, 1e-4, -1, 0.1, -1, 1e-5);
    a = analyse_run(&sum, r, &info, &host_ceilings);
    assert_int_equal(a.verdict, VERDICT_COMPUTE);
    assert_true(a.comm_share < 0.01);
    free(r);
}

static void test_launch_bound(void **state)
{
    (void)state;
    struct kernel_input in = {.kernel = KERNEL_SUMSQRT, .alg = ALG_FAST, .n = 10000};
    struct run_result *r = fake_run(1e-6, 50e-6, 1e-6);
    struct backend_info info = host_info(0);
    struct ceilings c = host_ceilings;
    c.launch_latency = 10e-6;
    struct analysis a = analyse_run(&in, r, &info, &c);
    assert_int_equal(a.verdict, VERDICT_LAUNCH);
    assert_non_null(strstr(a.reason, "a bigger N"));
    assert_true(a.predicted_launch_s == 10e-6);
    free(r);
    /* host threads: a few microseconds of work is thread overhead */
    r = fake_run(-1, 5e-6, -1);
    info = host_info(2);
    assert_int_equal(analyse_run(&in, r, &info, &host_ceilings).verdict, VERDICT_LAUNCH);
    info = host_info(1);
    assert_int_not_equal(analyse_run(&in, r, &info, &host_ceilings).verdict, VERDICT_LAUNCH);
    free(r);
}

static void test_scores_work_and_no_ceilings(void **state)
{
    (void)state;
    int8_t calls[2 * 4] = {0};
    struct genotype_matrix m = {.rows = 2, .cols = 4, .calls = calls};
    struct kernel_input in = {.kernel = KERNEL_SCORES, .alg = ALG_NAIVE, .matrix = &m};
    struct kernel_work w = kernel_work_of(&in);
    assert_true(w.ops == 2 * 4 * 5 / 2);
    assert_true(w.bytes == 2 * 4 + 2 * 8);
    assert_string_equal(w.op_unit, "compare");
    in.alg = ALG_FAST;
    assert_true(kernel_work_of(&in).ops == 8);
    struct run_result *r = fake_run(-1, 1e-3, -1);
    struct backend_info info = host_info(1);
    struct analysis a = analyse_run(&in, r, &info, NULL);
    assert_non_null(strstr(a.reason, "offload calibrate"));
    free(r);
    /* Ceilings without a compare ceiling: memory far from its limit, so
     * the compares are the limit, and the sentence says none was measured. */
    in.alg = ALG_NAIVE;
    r = fake_run(-1, 1e-3, -1);
    a = analyse_run(&in, r, &info, &host_ceilings);
    assert_int_equal(a.verdict, VERDICT_COMPUTE);
    assert_non_null(strstr(a.reason, "no int8 compare ceiling was measured"));
    free(r);
}

/* Each kernel is judged against the ceiling of its own access pattern and
 * operation: sqrt against the convert mix, scores against the compare
 * ceiling (naive) and read bandwidth (fast). */
static void test_pattern_ceilings(void **state)
{
    (void)state;
    struct ceilings c = host_ceilings;
    c.convert_f64_f32 = 40e9;
    c.stream_read = 30e9;
    c.compare_i8 = 80e9;
    c.sqrt_f64 = 8e9;
    struct backend_info info = host_info(2);
    /* sqrt 10M: 120 MB in 4 ms = 30 GB/s, 75% of the 40 GB/s convert ceiling
     * (125% of triad, which it no longer is judged against). */
    struct kernel_input sq = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 10000000};
    struct run_result *r = fake_run(-1, 4e-3, -1);
    struct analysis a = analyse_run(&sq, r, &info, &c);
    assert_int_equal(a.verdict, VERDICT_MEMORY);
    assert_true(a.peak_gbps > 39.9 && a.peak_gbps < 40.1);
    assert_true(a.ceiling_fraction > 0.74 && a.ceiling_fraction < 0.76);
    assert_null(strstr(a.reason, "recalibrate"));
    free(r);
    /* scores naive 1000 x 260: 33.9 M compares in 0.5 ms = 67.8 G/s, 85% of 80. */
    int8_t *calls = calloc(1000 * 260, 1);
    struct genotype_matrix m = {.rows = 1000, .cols = 260, .calls = calls};
    struct kernel_input sc = {.kernel = KERNEL_SCORES, .alg = ALG_NAIVE, .matrix = &m};
    r = fake_run(-1, 0.5e-3, -1);
    a = analyse_run(&sc, r, &info, &c);
    assert_int_equal(a.verdict, VERDICT_COMPUTE);
    assert_true(a.peak_gops > 79.9 && a.peak_gops < 80.1);
    assert_true(a.ceiling_fraction > 0.84 && a.ceiling_fraction < 0.86);
    assert_non_null(strstr(a.reason, "int8 compare ceiling"));
    assert_null(strchr(a.reason, ','));
    free(r);
    /* scores fast: 268 kB read in 20 us = 13.4 GB/s, 45% of the read ceiling,
     * no operation ceiling: the instructions per byte are the limit. */
    sc.alg = ALG_FAST;
    r = fake_run(-1, 20e-6, -1);
    info = host_info(1); /* one thread: no thread start-up to be launch-bound on */
    info.cache_bytes = 0;
    a = analyse_run(&sc, r, &info, &c);
    assert_true(a.peak_gbps > 29.9 && a.peak_gbps < 30.1);
    assert_true(a.peak_gops == 0);
    assert_int_equal(a.verdict, VERDICT_COMPUTE);
    assert_non_null(strstr(a.reason, "no ceiling bounds its compares"));
    free(r);
    /* ... and 25 GB/s (83%) is memory-bound. */
    r = fake_run(-1, 10.72e-6, -1);
    a = analyse_run(&sc, r, &info, &c);
    assert_int_equal(a.verdict, VERDICT_MEMORY);
    free(r);
    free(calls);
}

/* sqrt: no faster algorithm exists, so none is suggested. */
static void test_no_algorithm_advice_for_sqrt(void **state)
{
    (void)state;
    struct kernel_input in = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 100000};
    struct ceilings slow_sqrt = host_ceilings;
    slow_sqrt.sqrt_f64 = 0.1e9; /* sqrt predicts 1 ms, memory 50 us */
    struct run_result *r = fake_run(-1, 1.2e-3, -1);
    struct backend_info info = host_info(1);
    struct analysis a = analyse_run(&in, r, &info, &slow_sqrt);
    assert_int_equal(a.verdict, VERDICT_COMPUTE);
    assert_non_null(strstr(a.reason, "more cores or wider vectors"));
    assert_null(strstr(a.reason, "--algorithm"));
    free(r);
}

/* Count of comma-separated fields in a line. */
static size_t csv_fields(const char *line, size_t len)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += line[i] == ',';
    return n;
}

static void fill_set(struct result_set *set)
{
    static char *argv[] = {"offload", "compare", "sqrt"};
    set->argc = 3;
    set->argv = argv;
    struct kernel_input in = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 1000};
    struct result_record rec = {
        .command = "compare", .kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .size = 1000};
    snprintf(rec.backend, sizeof rec.backend, "serial");
    rec.info = host_info(1);
    rec.run = fake_run(-1, 1e-6, -1);
    rec.analysis = analyse_run(&in, rec.run, &rec.info, &host_ceilings);
    rec.has_ceilings = 1;
    rec.ceilings = host_ceilings;
    assert_int_equal(result_set_add(set, &rec), 0);
    /* an OpenCL record whose platform string has commas */
    snprintf(rec.backend, sizeof rec.backend, "opencl:0.0");
    snprintf(rec.info.platform, sizeof rec.info.platform, "PoCL, LLVM 15, SLEEF");
    rec.info.threads = 0;
    rec.has_memory = 1;
    rec.memory = MEM_ZERO_COPY;
    rec.run = fake_run(2e-6, 1e-6, 2e-6);
    rec.analysis = analyse_run(&in, rec.run, &rec.info, &host_ceilings);
    assert_int_equal(result_set_add(set, &rec), 0);
}

static void test_csv_export(void **state)
{
    (void)state;
    struct result_set set = {0};
    fill_set(&set);
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_int_equal(export_csv(f, &set), 0);
    fclose(f);
    const char *line = text;
    size_t header_fields = 0, lines = 0;
    while (*line) {
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        size_t fields = csv_fields(line, (size_t)(end - line));
        if (lines == 0)
            header_fields = fields;
        else
            assert_int_equal(fields, header_fields);
        lines++;
        line = end + 1;
    }
    assert_int_equal(lines, 3);
    assert_true(strncmp(text, "schema_version,tool_version,command,kernel", 42) == 0);
    assert_non_null(strstr(text, ",zero-copy,"));
    assert_non_null(strstr(text, "PoCL; LLVM 15; SLEEF"));
    free(text);
    result_set_free(&set);
}

static void test_json_round_trip(void **state)
{
    (void)state;
    struct result_set set = {0};
    fill_set(&set);
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_int_equal(export_json(f, &set), 0);
    fclose(f);
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    assert_int_equal(cJSON_GetObjectItem(root, "schema_version")->valueint, EXPORT_SCHEMA_VERSION);
    assert_string_equal(cJSON_GetObjectItem(root, "tool")->valuestring, "offload");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "command_line")), 3);
    assert_non_null(cJSON_GetObjectItem(root, "environment"));
    cJSON *results = cJSON_GetObjectItem(root, "results");
    assert_int_equal(cJSON_GetArraySize(results), 2);
    cJSON *first = cJSON_GetArrayItem(results, 0);
    assert_string_equal(cJSON_GetObjectItem(first, "kernel")->valuestring, "sqrt");
    cJSON *kernel = cJSON_GetObjectItem(cJSON_GetObjectItem(first, "stats_s"), "kernel");
    assert_true(cJSON_GetObjectItem(kernel, "min")->valuedouble == 1e-6);
    cJSON *samples = cJSON_GetObjectItem(cJSON_GetObjectItem(first, "samples_s"), "kernel");
    assert_int_equal(cJSON_GetArraySize(samples), 3);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(first, "check"), "ok")));
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(first, "stats_s"), "copy_in"));
    cJSON *second = cJSON_GetArrayItem(results, 1);
    assert_string_equal(cJSON_GetObjectItem(second, "memory")->valuestring, "zero-copy");
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(second, "stats_s"), "copy_in"));
    cJSON_Delete(root);
    free(text);
    result_set_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqrt_memory_bound),
        cmocka_unit_test(test_no_algorithm_advice_for_sqrt),
        cmocka_unit_test(test_pattern_ceilings),
        cmocka_unit_test(test_above_ceiling),
        cmocka_unit_test(test_sumsqrt_compute_bound),
        cmocka_unit_test(test_transfer_bound),
        cmocka_unit_test(test_communication_bound),
        cmocka_unit_test(test_launch_bound),
        cmocka_unit_test(test_scores_work_and_no_ceilings),
        cmocka_unit_test(test_csv_export),
        cmocka_unit_test(test_json_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
