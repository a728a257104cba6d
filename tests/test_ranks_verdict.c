/* The verdict across ranks from numbers (no clock, no MPI): the speedup over
 * rank 0 alone, the share and rate of the copies between ranks, the link's
 * calibrated rate from its cache entry, what a slower, busy or
 * oversubscribed run says, and the exported fields. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "export.h"
#include "link_cache.h"
#include "ranks.h"

/* Statistics of one value repeated three times. */
static struct sample_stats three_of(double x)
{
    double v[3] = {x, x * 1.05, x * 1.1};
    return stats_compute(v, 3);
}

/* A run across `ranks` ranks with these best phases and, when alone_total
 * > 0, rank 0 alone measured side by side. */
static struct run_result *ranked_run(int ranks, double distribute, double kernel, double collect,
                                     double alone_total, double alone_kernel)
{
    struct run_result *r = calloc(1, sizeof *r);
    r->status = OFFLOAD_OK;
    r->samples = 3;
    r->ranks = ranks;
    r->ranks_on_node = ranks;
    r->load.known = 1;
    r->load.cores = 64;
    r->stats[PHASE_DISTRIBUTE] = three_of(distribute);
    r->stats[PHASE_KERNEL] = three_of(kernel);
    r->stats[PHASE_COLLECT] = three_of(collect);
    r->stats[PHASE_TOTAL] = three_of(distribute + kernel + collect);
    r->check.ok = 1;
    if (alone_total > 0) {
        r->alone.samples = 3;
        r->alone.total = three_of(alone_total);
        r->alone.kernel = three_of(alone_kernel);
        r->alone.timed_s = 3.15 * alone_total;
        r->alone.check.ok = 1;
    }
    return r;
}

static struct backend_info info_of(int threads)
{
    struct backend_info info = {.threads = threads, .build_cached = -1};
    snprintf(info.device, sizeof info.device, "host CPU");
    return info;
}

static const struct ceilings no_ceilings_known = {0};

/* sumsqrt on 2 ranks: compute-bound, and the ratio it states is the
 * ratio of the two measured times, end to end and kernel only. */
static void test_compute_bound_speedup(void **state)
{
    (void)state;
    struct kernel_input in = {.kernel = KERNEL_SUMSQRT, .alg = ALG_NAIVE, .n = 20000};
    struct run_result *r = ranked_run(2, 0.1e-3, 50e-3, 0.1e-3, 97e-3, 96.8e-3);
    struct backend_info info = info_of(1);
    struct analysis a = analyse_run(&in, r, &info, NULL);
    analyse_ranks(&a, &in, r, 1, NULL);
    assert_int_equal(a.verdict, VERDICT_COMPUTE);
    /* The ratio of the two measured minima, nothing else. */
    assert_true(a.speedup_total == r->alone.total.min / r->stats[PHASE_TOTAL].min);
    assert_true(a.speedup_kernel == r->alone.kernel.min / r->stats[PHASE_KERNEL].min);
    assert_true(a.speedup_total > 1.93 && a.speedup_total < 1.935);
    assert_true(a.one_rank_total_s == 97e-3);
    assert_non_null(strstr(a.reason, "; 2 ranks give 1.93x end to end (kernel 1.94x) over rank 0 "
                                     "alone measured side by side"));
    assert_null(strstr(a.reason, "busy"));
    assert_null(strstr(a.reason, "are "));
    assert_string_equal(a.link_source, "measured now");
    free(r);
}

/* sqrt on 2 ranks: communication-bound, slower than one rank, with the
 * share of the time moving data, the rate reached and the link's
 * calibrated rate at the run's message size (60 MB: the 32 MiB point). */
static void test_communication_bound_slower(void **state)
{
    (void)state;
    struct kernel_input in = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 10000000};
    struct run_result *r = ranked_run(2, 40e-3, 10e-3, 10e-3, 20e-3, 19e-3);
    struct link_calibration link = {.count = 2};
    link.points[0] = (struct link_point){1 << 20, 5e-6, 2.0e9, 2.5e9};
    link.points[1] = (struct link_point){32 << 20, 9e-3, 3.1e9, 2.2e9};
    struct backend_info info = info_of(1);
    struct analysis a = analyse_run(&in, r, &info, &no_ceilings_known);
    analyse_ranks(&a, &in, r, 1, &link);
    assert_int_equal(a.verdict, VERDICT_COMMUNICATION);
    assert_non_null(strstr(a.reason, "83% of the time (50 ms of 60 ms) is moving 60.0 MB between "
                                     "2 ranks at 1.2 GB/s"));
    assert_non_null(strstr(a.reason, "(39% of the link's calibrated 3.1 GB/s at 33.6 MB "
                                     "messages)"));
    assert_non_null(strstr(a.reason, "2 ranks are 0.33x of rank 0 alone end to end (kernel "
                                     "1.90x) measured side by side: the copies between ranks "
                                     "cost more than the split work saves"));
    assert_non_null(strstr(a.reason, "the kernel alone would be 1.90x faster on 2 ranks"));
    assert_null(strstr(a.reason, " give "));
    assert_null(strchr(a.reason, ','));
    assert_string_equal(a.link_source, "calibrated");
    assert_true(a.link_gbps == 3.1);
    assert_true(a.link_message_bytes == (size_t)32 << 20);
    free(r);
    /* No calibration: the rate stated is the one measured now. */
    r = ranked_run(2, 40e-3, 10e-3, 10e-3, 20e-3, 19e-3);
    a = analyse_run(&in, r, &info, NULL);
    analyse_ranks(&a, &in, r, 1, NULL);
    assert_string_equal(a.link_source, "measured now");
    assert_true(a.link_gbps == a.comm_gbps && a.comm_gbps == 1.2);
    assert_null(strstr(a.reason, "calibrated"));
    free(r);
}

/* One rank's ceilings, R ranks' rates: the job is judged against R times
 * them (3.64 G sqrt/s on 2 ranks of 2 G/s each is 91%, not 182%). */
static void test_ceilings_times_ranks(void **state)
{
    (void)state;
    struct kernel_input in = {.kernel = KERNEL_SUMSQRT, .alg = ALG_NAIVE, .n = 20000};
    struct run_result *r = ranked_run(2, 0.1e-3, 0.11, 0.1e-3, 0.22, 0.22);
    const struct ceilings c = {.stream_copy = 20e9, .stream_triad = 24e9, .stream_read = 24e9,
                               .sqrt_f64 = 2e9};
    struct backend_info info = info_of(1);
    struct analysis a = analyse_run(&in, r, &info, &c);
    analyse_ranks(&a, &in, r, 1, NULL);
    assert_int_equal(a.verdict, VERDICT_COMPUTE);
    assert_true(a.peak_gops == 4);
    assert_true(a.gops / a.peak_gops > 0.9 && a.gops / a.peak_gops < 0.92);
    assert_non_null(strstr(a.reason, "(the ceilings are one rank's times 2 ranks)"));
    assert_null(strstr(a.reason, "busy machine"));
    free(r);
}

/* A busy machine and ranks that oversubscribe the node are said. */
static void test_busy_and_oversubscribed(void **state)
{
    (void)state;
    struct kernel_input in = {.kernel = KERNEL_SUMSQRT, .alg = ALG_NAIVE, .n = 20000};
    struct run_result *r = ranked_run(3, 0.1e-3, 50e-3, 0.1e-3, 90e-3, 89e-3);
    r->load.busy = 1;
    r->load.others_share = 0.5;
    r->load.cores = 2;
    struct backend_info info = info_of(1);
    struct analysis a = analyse_run(&in, r, &info, NULL);
    analyse_ranks(&a, &in, r, 1, NULL);
    assert_non_null(strstr(a.reason, "3 ranks give 1.79x"));
    assert_non_null(strstr(a.reason, "3 ranks x 1 thread share this node's 2 cores"));
    assert_non_null(strstr(a.reason, "the machine was busy (other processes used 50% of the "
                                     "cores): the ratio is rough"));
    free(r);
    /* With ceilings: 3 one-thread ranks on 2 cores reach at most 2 ranks'
     * worth of them, not 3. */
    const struct ceilings c = {.stream_copy = 20e9, .stream_triad = 24e9, .stream_read = 24e9,
                               .sqrt_f64 = 2e9};
    r = ranked_run(3, 0.1e-3, 50e-3, 0.1e-3, 90e-3, 89e-3);
    r->load.cores = 2;
    a = analyse_run(&in, r, &info, &c);
    analyse_ranks(&a, &in, r, 1, NULL);
    assert_true(a.ranks_scale == 2);
    assert_true(a.peak_gops == 4);
    assert_non_null(strstr(a.reason, "(the ceilings are one rank's times 2: 3 ranks share the "
                                     "node's 2 cores)"));
    free(r);
}

/* Without the baseline (--no-one-rank) no speedup is claimed; on one
 * rank nothing is added. */
static void test_no_baseline_and_one_rank(void **state)
{
    (void)state;
    struct kernel_input in = {.kernel = KERNEL_SUMSQRT, .alg = ALG_NAIVE, .n = 20000};
    struct run_result *r = ranked_run(2, 0.1e-3, 50e-3, 0.1e-3, 0, 0);
    struct backend_info info = info_of(1);
    struct analysis a = analyse_run(&in, r, &info, NULL);
    analyse_ranks(&a, &in, r, 1, NULL);
    assert_non_null(strstr(a.reason, "no one-rank baseline was timed (--no-one-rank): no "
                                     "speedup is claimed"));
    assert_null(strstr(a.reason, " give "));
    assert_true(a.speedup_total == 0);
    free(r);
    struct run_result *one = calloc(1, sizeof *one);
    one->ranks = 1;
    one->samples = 3;
    one->stats[PHASE_KERNEL] = three_of(1e-3);
    one->stats[PHASE_TOTAL] = three_of(1e-3);
    a = analyse_run(&in, one, &info, NULL);
    char before[sizeof a.reason];
    memcpy(before, a.reason, sizeof before);
    analyse_ranks(&a, &in, one, 1, NULL);
    assert_string_equal(a.reason, before);
    assert_null(a.link_source);
    free(one);
}

/* The cache entry: read back for its layout and build only, implausible
 * figures refused, and the point a message size picks. */
static void test_link_cache_entry(void **state)
{
    (void)state;
    char dir[] = "/tmp/offload-link-XXXXXX";
    assert_non_null(mkdtemp(dir));
    setenv("OFFLOAD_CACHE_DIR", dir, 1);
    struct link_point points[2] = {{8, 2e-6, 1e8, 1.2e8}, {1 << 20, 4e-5, 5e9, 6e9}};
    assert_int_equal(link_cache_store("2 ranks on 1 node (a)", points, 2), OFFLOAD_OK);
    struct link_calibration c;
    assert_int_equal(link_cache_load("2 ranks on 1 node (a)", &c), OFFLOAD_OK);
    assert_int_equal(c.count, 2);
    assert_true(c.points[1].from_last_bps == 6e9);
    assert_int_equal(link_cache_load("2 ranks on 1 node (b)", &c), OFFLOAD_UNAVAILABLE);
    assert_int_equal(link_cache_parse("{\"schema_version\": 1}", "x", &c), OFFLOAD_UNAVAILABLE);
    size_t at = 0;
    assert_true(link_rate_for(&c, 60e6, &at) == 6e9 && at == 1 << 20);
    assert_true(link_rate_for(&c, 1000, &at) == 1.2e8 && at == 8);
    assert_true(link_rate_for(&c, 4, &at) == 1.2e8 && at == 8);
    char path[4200];
    assert_non_null(link_cache_path("2 ranks on 1 node (a)", path, sizeof path));
    /* A rate of 0 is no calibration. */
    FILE *f = fopen(path, "w");
    fputs("{\"schema_version\": 1, \"key\": {\"layout\": \"2 ranks on 1 node (a)\", \"build\": "
          "\"x\"}, \"points\": [{\"bytes\": 8, \"latency_s\": 1e-6, \"to_last_bytes_per_s\": 0, "
          "\"from_last_bytes_per_s\": 0}]}",
          f);
    fclose(f);
    assert_int_equal(link_cache_load("2 ranks on 1 node (a)", &c), OFFLOAD_UNAVAILABLE);
    remove(path);
    rmdir(dir);
}

/* JSON and CSV carry the baseline, the speedups and the link's rate with
 * its source. */
static void test_exports(void **state)
{
    (void)state;
    struct kernel_input in = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 10000000};
    struct result_record rec = {.command = "run", .kernel = KERNEL_SQRT, .alg = ALG_NAIVE};
    snprintf(rec.backend, sizeof rec.backend, "openmp");
    rec.info = info_of(1);
    rec.size = in.n;
    rec.run = ranked_run(2, 40e-3, 10e-3, 10e-3, 20e-3, 19e-3);
    rec.analysis = analyse_run(&in, rec.run, &rec.info, NULL);
    analyse_ranks(&rec.analysis, &in, rec.run, 1, NULL);
    char *args[] = {"offload", "run", "sqrt"};
    struct result_set set = {.argc = 3, .argv = args};
    assert_int_equal(result_set_add(&set, &rec), OFFLOAD_OK);
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_int_equal(export_json(f, &set), OFFLOAD_OK);
    fclose(f);
    cJSON *root = cJSON_Parse(text);
    cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "results"), 0);
    cJSON *base = cJSON_GetObjectItem(r0, "baseline_one_rank");
    assert_true(cJSON_GetObjectItem(base, "total_s")->valuedouble == 20e-3);
    assert_true(cJSON_GetObjectItem(base, "kernel_s")->valuedouble == 19e-3);
    cJSON *sp = cJSON_GetObjectItem(r0, "speedup_over_one_rank");
    const struct run_result *run = set.items[0].run;
    assert_true(cJSON_GetObjectItem(sp, "total")->valuedouble ==
                run->alone.total.min / run->stats[PHASE_TOTAL].min);
    assert_true(cJSON_GetObjectItem(sp, "kernel")->valuedouble == 19e-3 / 10e-3);
    cJSON *link = cJSON_GetObjectItem(r0, "link");
    assert_string_equal(cJSON_GetObjectItem(link, "source")->valuestring, "measured now");
    assert_true(cJSON_GetObjectItem(link, "gbps")->valuedouble == 1.2);
    cJSON_Delete(root);
    free(text);
    f = open_memstream(&text, &size);
    assert_int_equal(export_csv(f, &set), OFFLOAD_OK);
    fclose(f);
    assert_non_null(strstr(text, ",baseline_one_rank_total_s,baseline_one_rank_kernel_s,"
                                 "speedup_over_one_rank,speedup_over_one_rank_kernel,link_gbps,"
                                 "link_source,kernel_source,source_hash,command_line\n"));
    assert_non_null(strstr(text, ",0.02,0.019,0.333333333,1.9,1.2,measured now,"));
    free(text);
    result_set_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compute_bound_speedup),
        cmocka_unit_test(test_communication_bound_slower),
        cmocka_unit_test(test_ceilings_times_ranks),
        cmocka_unit_test(test_busy_and_oversubscribed),
        cmocka_unit_test(test_no_baseline_and_one_rank),
        cmocka_unit_test(test_link_cache_entry),
        cmocka_unit_test(test_exports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
