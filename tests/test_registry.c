/* The promises of the registry, looped over the tables (a new kernel or
 * backend is covered without a new test): every registered backend has a
 * run function for every kernel of the kernel table, and each of them,
 * through the runner, matches the serial reference on a small input of the
 * kind the table says; the runner refuses a backend whose entry is empty
 * with an error instead of calling NULL. A backend that cannot start here
 * (no OpenCL platform) is checked for its table entries only. */
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
#include "options.h"
#include "runner.h"
#include "workload.h"

/* The fields backend.h calls required, and the backend's own options: at
 * most BACKEND_MAX_OPTIONS, and no name that the command line or another
 * backend already uses (such an option would be unreachable). */
static void test_every_backend_is_complete(void **state)
{
    (void)state;
    for (size_t b = 0; b < offload_backend_count; b++) {
        const struct backend_ops *ops = offload_backends[b];
        assert_non_null(ops->name);
        assert_non_null(ops->summary);
        assert_non_null(ops->init);
        assert_non_null(ops->fini);
        assert_non_null(ops->calibrate);
        if (ops->caps.device_selectors)
            assert_non_null(ops->list_selectors);
        assert_true(ops->option_count <= BACKEND_MAX_OPTIONS);
        for (size_t k = 0; k < ops->option_count; k++) {
            const char *name = ops->options[k].name;
            const struct option_spec *row = option_find_any(name, strlen(name));
            const struct backend_ops *owner = NULL;
            if (!row || !option_owned(row, &owner) || owner != ops) {
                fprintf(stderr, "backend %s: option --%s is taken by %s\n", ops->name, name,
                        row && option_owned(row, &owner) ? owner->name : "the command line");
                fail();
            }
        }
    }
    size_t nrows, own = 0;
    const struct option_spec *rows = option_table(&nrows);
    for (size_t b = 0; b < offload_backend_count; b++)
        own += offload_backends[b]->option_count;
    for (size_t i = 0; i < nrows; i++)
        own -= option_owned(&rows[i], NULL) != NULL;
    assert_int_equal(own, 0); /* every backend option has its row: none dropped */
}

static void test_every_backend_has_every_kernel(void **state)
{
    (void)state;
    assert_true(offload_backend_count >= 2);
    for (size_t b = 0; b < offload_backend_count; b++)
        for (int k = 0; k < KERNEL_BUILTIN_COUNT; k++)
            if (!offload_backends[b]->run[k]) {
                fprintf(stderr, "backend %s has no run function for kernel %s\n",
                        offload_backends[b]->name, kernel_name((enum offload_kernel)k));
                fail();
            }
}

/* The table's open slot (a user's .cl file) is for backends that can
 * build one: run[KERNEL_FILE] and file_kernels come together, and the
 * OpenCL backend, when built, has both. */
static void test_file_kernels_where_files_build(void **state)
{
    (void)state;
    int any = 0;
    for (size_t b = 0; b < offload_backend_count; b++) {
        const struct backend_ops *ops = offload_backends[b];
        assert_int_equal(ops->run[KERNEL_FILE] != NULL, ops->file_kernels != NULL);
        any |= ops->file_kernels != NULL;
    }
    if (backend_find("opencl"))
        assert_true(any);
    assert_null(offload_kernels[KERNEL_FILE]); /* empty until a file opens it */
}

/* A small input of the kind the kernel table names: 1003 values, or a
 * 37-marker x 19-variety matrix with missing calls. */
struct small_input {
    double *values;
    struct genotype_matrix matrix;
};

static struct kernel_input small_input_for(enum offload_kernel k, enum offload_algorithm alg,
                                           struct small_input *keep)
{
    struct kernel_input in = {.kernel = k, .alg = alg};
    switch (kernel_spec_of(k)->input) {
    case INPUT_VALUES:
        in.n = 1003;
        keep->values = workload_alloc(in.n * sizeof *keep->values);
        assert_non_null(keep->values);
        workload_fill_uniform(keep->values, in.n, 7);
        in.in = keep->values;
        break;
    case INPUT_GENOTYPES:
        keep->matrix.rows = 37;
        keep->matrix.cols = 19;
        keep->matrix.calls = malloc(37 * 19);
        assert_non_null(keep->matrix.calls);
        for (size_t i = 0; i < 37 * 19; i++)
            keep->matrix.calls[i] = i * 7 % 5 == 4 ? GENOTYPE_MISSING : (int8_t)(i * 13 % 3);
        in.matrix = &keep->matrix;
        break;
    case INPUT_FILE:
        fail_msg("file kernels are run by tests/cli_cases.txt, not here");
        break;
    }
    return in;
}

static void test_every_backend_matches_the_reference(void **state)
{
    (void)state;
    struct run_result *res = malloc(sizeof *res);
    assert_non_null(res);
    struct run_settings set = run_settings_default();
    set.repeat = 1;
    set.warmup = 1;
    set.progress = 0;
    for (size_t b = 0; b < offload_backend_count; b++) {
        const struct backend_ops *ops = offload_backends[b];
        struct backend_config cfg = {.threads = 2, .memory = MEM_COPY, .quiet = 1};
        struct backend_info info;
        void *backend_state = NULL;
        enum offload_status st = ops->init(&cfg, &backend_state, &info);
        if (st == OFFLOAD_UNAVAILABLE) {
            fprintf(stderr, "note: %s cannot start here; its table entries were checked\n",
                    ops->name);
            continue;
        }
        assert_int_equal(st, OFFLOAD_OK);
        for (int k = 0; k < KERNEL_BUILTIN_COUNT; k++)
            for (int a = 0; a <= (kernel_spec_of((enum offload_kernel)k)->has_fast ? 1 : 0); a++) {
                struct small_input keep = {0};
                struct kernel_input in = small_input_for(
                    (enum offload_kernel)k, a ? ALG_FAST : ALG_NAIVE, &keep);
                st = run_kernel(ops, backend_state, &in, &set, NULL, res);
                if (st != OFFLOAD_OK)
                    fprintf(stderr, "%s %s (%s) failed\n", ops->name,
                            kernel_name((enum offload_kernel)k), algorithm_name(in.alg));
                assert_int_equal(st, OFFLOAD_OK);
                assert_true(res->check.ok);
                workload_free(keep.values);
                free(keep.matrix.calls);
            }
        ops->fini(backend_state);
    }
    free(res);
}

static void test_runner_refuses_an_empty_entry(void **state)
{
    (void)state;
    const struct backend_ops *serial = backend_find("serial");
    assert_non_null(serial);
    struct backend_ops missing = *serial;
    missing.name = "incomplete";
    missing.run[KERNEL_SQRT] = NULL;
    struct backend_config cfg = {.threads = 1};
    struct backend_info info;
    void *backend_state = NULL;
    assert_int_equal(missing.init(&cfg, &backend_state, &info), OFFLOAD_OK);
    struct run_result *res = malloc(sizeof *res);
    assert_non_null(res);
    struct run_settings set = run_settings_default();
    set.repeat = 1;
    struct small_input keep = {0};
    struct kernel_input in = small_input_for(KERNEL_SQRT, ALG_NAIVE, &keep);
    assert_int_equal(run_kernel(&missing, backend_state, &in, &set, NULL, res), OFFLOAD_ERR_RUN);
    assert_int_equal(res->samples, 0);
    workload_free(keep.values);
    missing.fini(backend_state);
    free(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_backend_is_complete),
        cmocka_unit_test(test_every_backend_has_every_kernel),
        cmocka_unit_test(test_file_kernels_where_files_build),
        cmocka_unit_test(test_every_backend_matches_the_reference),
        cmocka_unit_test(test_runner_refuses_an_empty_entry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
