/* Every kernel on one backend against the serial reference.
 * Usage: test_backends BACKEND[-PATH][:MEMORY]   (serial, openmp, opencl,
 * opencl:pinned, opencl:zero-copy; opencl-gpu and opencl-cpu force the
 * OpenCL work-group path, so a CPU driver also runs the GPU path). Exits 77
 * (a ctest skip) when the backend cannot run on this machine, e.g. no OpenCL
 * platform. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "genotype.h"
#include "reference.h"
#include "workload.h"

#define SKIP_EXIT_CODE 77

static const struct backend_ops *ops;
static void *backend_state;
static int gpu_path_under_test; /* the driver's argument names the GPU path (opencl-gpu) */

static void run_sqrt_case(size_t n)
{
    double *in = workload_alloc(n * sizeof *in);
    float *out = workload_alloc(n * sizeof *out);
    assert_non_null(in);
    assert_non_null(out);
    workload_fill_uniform(in, n, n);
    struct phase_times t;
    struct kernel_input kin = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = n, .in = in};
    assert_int_equal(ops->run[KERNEL_SQRT](backend_state, &kin, out, &t), OFFLOAD_OK);
    assert_true(t.kernel >= 0);
    struct check_result r = check_sqrt(in, out, n);
    if (!r.ok)
        check_print_failure("sqrt", &r);
    assert_true(r.ok);
    workload_free(in);
    workload_free(out);
}

static void test_sqrt(void **state)
{
    (void)state;
    /* 2097157 floats pass the 8 MiB streaming-store threshold with a ragged tail */
    const size_t sizes[] = {1, 3, 1000, 100003, 10, 1000, 2097157};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        run_sqrt_case(sizes[i]);
}

static void run_sumsqrt_case(enum offload_algorithm alg, size_t n)
{
    double *in = workload_alloc(n * sizeof *in);
    float *out = workload_alloc(n * sizeof *out);
    workload_fill_uniform(in, n, n + 1);
    struct phase_times t;
    struct kernel_input kin = {.kernel = KERNEL_SUMSQRT, .alg = alg, .n = n, .in = in};
    assert_int_equal(ops->run[KERNEL_SUMSQRT](backend_state, &kin, out, &t), OFFLOAD_OK);
    struct check_result r = check_sumsqrt(in, out, n);
    if (!r.ok)
        check_print_failure(alg == ALG_FAST ? "sumsqrt fast" : "sumsqrt naive", &r);
    assert_true(r.ok);
    workload_free(in);
    workload_free(out);
}

static void test_sumsqrt_naive(void **state)
{
    (void)state;
    const size_t sizes[] = {1, 7, 513, 3001};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        run_sumsqrt_case(ALG_NAIVE, sizes[i]);
}

static void test_sumsqrt_fast(void **state)
{
    (void)state;
    const size_t sizes[] = {1, 1000, 100003, 2000000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        run_sumsqrt_case(ALG_FAST, sizes[i]);
}

static void fill_random_matrix(struct genotype_matrix *m, size_t rows, size_t cols,
                               unsigned missing_percent, unsigned seed)
{
    srand(seed);
    m->rows = rows;
    m->cols = cols;
    m->calls = malloc(rows * cols);
    assert_non_null(m->calls);
    for (size_t i = 0; i < rows * cols; i++)
        m->calls[i] =
            (unsigned)rand() % 100 < missing_percent ? GENOTYPE_MISSING : (int8_t)(rand() % 3);
}

/* Scores must equal the tutorial's loop exactly. */
static void run_scores_case(enum offload_algorithm alg, const struct genotype_matrix *m)
{
    int64_t *got = workload_alloc(m->rows * sizeof *got);
    int64_t *want = malloc(m->rows * sizeof *want);
    struct phase_times t;
    struct kernel_input kin = {.kernel = KERNEL_SCORES, .alg = alg, .matrix = m};
    assert_int_equal(ops->run[KERNEL_SCORES](backend_state, &kin, got, &t), OFFLOAD_OK);
    reference_scores(m, want);
    for (size_t r = 0; r < m->rows; r++)
        if (got[r] != want[r]) {
            fprintf(stderr, "row %zu of %zux%zu: got %lld, want %lld\n", r, m->rows, m->cols,
                    (long long)got[r], (long long)want[r]);
            fail();
        }
    workload_free(got);
    free(want);
}

static void test_scores_random(void **state)
{
    (void)state;
    /* One row, one column, ragged vector tails and rows longer than a
     * work-group of lanes (the GPU path's scores_naive_rows). */
    const size_t shapes[][2] = {{1, 1},    {3, 2},   {100, 17}, {1000, 260}, {7, 1000},
                                {64, 4099}, {1, 300}, {300, 1},  {5, 257}};
    const unsigned missing[] = {0, 20, 100};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (size_t k = 0; k < 3; k++) {
            struct genotype_matrix m = {0};
            fill_random_matrix(&m, shapes[s][0], shapes[s][1], missing[k], (unsigned)(100 * s + k));
            run_scores_case(ALG_NAIVE, &m);
            run_scores_case(ALG_FAST, &m);
            free(m.calls);
        }
}

static void test_scores_bundled_data(void **state)
{
    (void)state;
    const double percents[] = {100, 5};
    const int64_t best_scores[] = {21931, 21439};
    const char *best_ids[] = {"MDC054122.001_13602", "MDC053363.000_9241"};
    for (int p = 0; p < 2; p++) {
        struct genotype_matrix m = {0};
        struct genotype_load_options opt = genotype_default_options();
        opt.percent = percents[p];
        char err[512];
        assert_int_equal(genotype_load_file(OFFLOAD_SOURCE_DATA_DIR "/AppleGenotypes.csv", &opt, &m,
                                            err, sizeof err),
                         OFFLOAD_OK);
        for (int a = 0; a < 2; a++) {
            int64_t *scores = workload_alloc(m.rows * sizeof *scores);
            struct phase_times t;
            struct kernel_input kin = {
                .kernel = KERNEL_SCORES, .alg = a ? ALG_FAST : ALG_NAIVE, .matrix = &m};
            assert_int_equal(ops->run[KERNEL_SCORES](backend_state, &kin, scores, &t), OFFLOAD_OK);
            assert_true(check_scores(&m, scores).ok);
            size_t best = 0;
            for (size_t r = 1; r < m.rows; r++)
                if (scores[r] > scores[best])
                    best = r;
            assert_int_equal(scores[best], best_scores[p]);
            assert_string_equal(m.row_ids[best], best_ids[p]);
            workload_free(scores);
        }
        genotype_free(&m);
    }
}

/* The launch a kernel call made, or fails the test when none was recorded. */
static struct launch_shape last_launch(void)
{
    struct launch_shape s = {0};
    assert_true(ops->launch_shape(backend_state, &s));
    assert_true(s.dims >= 1 && s.launches >= 1 && s.groups >= 1);
    assert_int_equal(s.groups * s.local[0] * (s.dims == 2 ? s.local[1] : 1),
                     launch_work_items(&s));
    return s;
}

/* A device backend records every call's launch, and the GPU path runs the
 * GPU-shaped kernels: a grid-stride sqrt, sumsqrt naive over i and j, a
 * work-group per row for the naive scores. */
static void test_launch_shapes(void **state)
{
    (void)state;
    if (!ops->launch_shape)
        skip();
    const int gpu = gpu_path_under_test;
    const size_t n = 1000;
    double *in = workload_alloc(n * sizeof *in);
    float *out = workload_alloc(n * sizeof *out);
    assert_non_null(in);
    assert_non_null(out);
    workload_fill_uniform(in, n, 3);
    struct phase_times t;
    struct kernel_input kin = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = n, .in = in};
    assert_int_equal(ops->run[KERNEL_SQRT](backend_state, &kin, out, &t), OFFLOAD_OK);
    struct launch_shape s = last_launch();
    if (gpu) {
        assert_string_equal(s.kernel, "sqrt_f64_strided");
        assert_true(launch_work_items(&s) < n); /* several elements per work-item */
    }
    kin.kernel = KERNEL_SUMSQRT;
    assert_int_equal(ops->run[KERNEL_SUMSQRT](backend_state, &kin, out, &t), OFFLOAD_OK);
    s = last_launch();
    if (gpu) {
        assert_string_equal(s.kernel, "sumsqrt_naive_2d");
        assert_int_equal(s.dims, 2);
        assert_int_equal(s.global[1], n);
        assert_int_equal(s.groups, n);
    }
    struct genotype_matrix m = {0};
    fill_random_matrix(&m, 37, 90, 20, 5);
    int64_t *scores = workload_alloc(m.rows * sizeof *scores);
    assert_non_null(scores);
    struct kernel_input sk = {.kernel = KERNEL_SCORES, .alg = ALG_NAIVE, .matrix = &m};
    assert_int_equal(ops->run[KERNEL_SCORES](backend_state, &sk, scores, &t), OFFLOAD_OK);
    s = last_launch();
    if (gpu) {
        assert_string_equal(s.kernel, "scores_naive_rows");
        assert_int_equal(s.groups, m.rows);
    } else {
        assert_string_equal(s.kernel, "scores_naive");
    }
    workload_free(scores);
    free(m.calls);
    workload_free(out);
    workload_free(in);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s serial|openmp|opencl[-cpu|-gpu][:copy|pinned|zero-copy]\n",
                argv[0]);
        return 2;
    }
    char name[32];
    snprintf(name, sizeof name, "%s", argv[1]);
    struct backend_config cfg = {.threads = 0, .memory = MEM_COPY};
    char *colon = strchr(name, ':');
    if (colon) {
        *colon = '\0';
        const char *mode = colon + 1;
        cfg.memory = strcmp(mode, "pinned") == 0      ? MEM_PINNED
                     : strcmp(mode, "zero-copy") == 0 ? MEM_ZERO_COPY
                                                      : MEM_COPY;
    }
    /* NAME-PATH: the backend's --opencl-path option (opencl-gpu). */
    char *dash = strchr(name, '-');
    const char *path = NULL;
    if (dash) {
        *dash = '\0';
        path = dash + 1;
    }
    ops = backend_find(name);
    if (!ops) {
        fprintf(stderr, "unknown backend %s\n", name);
        return 2;
    }
    if (path) {
        int k = backend_option_index(ops, "opencl-path");
        if (k < 0 || (strcmp(path, "cpu") != 0 && strcmp(path, "gpu") != 0)) {
            fprintf(stderr, "%s has no work-group path %s: use cpu or gpu\n", name, path);
            return 2;
        }
        cfg.options[k] = path;
        gpu_path_under_test = strcmp(path, "gpu") == 0;
    }
    struct backend_info info;
    enum offload_status st = ops->init(&cfg, &backend_state, &info);
    if (st == OFFLOAD_UNAVAILABLE) {
        fprintf(stderr, "SKIPPED: backend %s cannot run on this machine (see above)\n", argv[1]);
        return SKIP_EXIT_CODE;
    }
    if (st != OFFLOAD_OK)
        return 1;
    fprintf(stderr, "backend %s on %s\n", argv[1], info.device);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqrt),
        cmocka_unit_test(test_sumsqrt_naive),
        cmocka_unit_test(test_sumsqrt_fast),
        cmocka_unit_test(test_scores_random),
        cmocka_unit_test(test_scores_bundled_data),
        cmocka_unit_test(test_launch_shapes),
    };
    int failed = cmocka_run_group_tests_name(argv[1], tests, NULL, NULL);
    ops->fini(backend_state);
    return failed;
}
