/* The checks that judge every backend: they must accept right answers and
 * catch wrong ones, and the score shortcut must equal the tutorial's loop. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "reference.h"
#include "workload.h"

static void test_sqrt_check(void **state)
{
    (void)state;
    enum { N = 1000 };
    double in[N];
    float out[N];
    workload_fill_uniform(in, N, 1);
    for (int i = 0; i < N; i++)
        out[i] = (float)sqrt(in[i]);
    struct check_result r = check_sqrt(in, out, N);
    assert_true(r.ok);
    assert_int_equal(r.mismatches, 0);
    out[123] = nextafterf(out[123], INFINITY); /* one ulp is tolerated */
    assert_true(check_sqrt(in, out, N).ok);
    out[500] *= 1.001f;
    out[900] = NAN;
    r = check_sqrt(in, out, N);
    assert_false(r.ok);
    assert_int_equal(r.mismatches, 2);
    assert_int_equal(r.first_bad[0], 500);
    assert_int_equal(r.first_bad[1], 900);
}

static void test_inputs_in_range_and_deterministic(void **state)
{
    (void)state;
    enum { N = 10000 };
    double *a = workload_alloc(N * sizeof(double)), *b = workload_alloc(N * sizeof(double));
    assert_non_null(a);
    assert_int_equal((uintptr_t)a % 64, 0);
    workload_fill_uniform(a, N, 42);
    workload_fill_uniform(b, N, 42);
    double sum = 0;
    for (int i = 0; i < N; i++) {
        assert_true(a[i] >= 0 && a[i] < 500);
        assert_true(a[i] == b[i]);
        sum += a[i];
    }
    assert_true(fabs(sum / N - 250) < 10); /* uniform: mean near 250 */
    workload_fill_uniform(b, N, 43);
    assert_false(a[0] == b[0] && a[1] == b[1]);
    workload_free(a);
    workload_free(b);
}

static void test_sumsqrt_reference_and_tolerance(void **state)
{
    (void)state;
    enum { N = 20000 };
    double *in = malloc(N * sizeof *in);
    float *out = malloc(N * sizeof *out);
    workload_fill_uniform(in, N, 7);
    long double exact = 0;
    for (int j = 0; j < N; j++)
        exact += sqrtl((long double)in[j]);
    double ref = reference_sumsqrt(in, N);
    assert_true(fabsl((long double)ref - exact) / exact < 4 * DBL_EPSILON);
    /* tolerance grows with N */
    assert_true(sumsqrt_tolerance(100000000) > sumsqrt_tolerance(1000));
    assert_true(sumsqrt_tolerance(1) >= FLT_EPSILON);
    /* a naive left-to-right sum passes; a sum missing one term does not */
    double naive = 0;
    for (int j = 0; j < N; j++)
        naive += sqrt(in[j]);
    for (int i = 0; i < N; i++)
        out[i] = (float)naive;
    assert_true(check_sumsqrt(in, out, N).ok);
    out[N - 1] = (float)(naive - sqrt(in[0]) * 10);
    struct check_result r = check_sumsqrt(in, out, N);
    assert_false(r.ok);
    assert_int_equal(r.first_bad[0], N - 1);
    free(in);
    free(out);
}

/* Random matrix with a given share of missing calls. */
static void random_matrix(struct genotype_matrix *m, size_t rows, size_t cols,
                          unsigned missing_percent, unsigned seed)
{
    srand(seed);
    m->rows = rows;
    m->cols = cols;
    m->calls = malloc(rows * cols);
    for (size_t i = 0; i < rows * cols; i++)
        m->calls[i] =
            (unsigned)rand() % 100 < missing_percent ? GENOTYPE_MISSING : (int8_t)(rand() % 3);
}

static void test_score_shortcut_equals_tutorial_loop(void **state)
{
    (void)state;
    const size_t shapes[][2] = {{1, 1}, {5, 2}, {50, 3}, {200, 17}, {64, 260}, {10, 1000}};
    const unsigned missing[] = {0, 10, 50, 100};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        for (size_t k = 0; k < 4; k++) {
            struct genotype_matrix m = {0};
            random_matrix(&m, shapes[s][0], shapes[s][1], missing[k], (unsigned)(s * 10 + k));
            int64_t *scores = malloc(m.rows * sizeof *scores);
            reference_scores(&m, scores);
            struct check_result r = check_scores(&m, scores);
            assert_true(r.ok);
            scores[m.rows / 2] += 1;
            r = check_scores(&m, scores);
            assert_false(r.ok);
            assert_int_equal(r.mismatches, 1);
            assert_int_equal(r.first_bad[0], m.rows / 2);
            free(scores);
            free(m.calls);
        }
    }
}

static void test_tutorial_loop_small_case(void **state)
{
    (void)state;
    /* 0,1,2,-1,1: known pairs that differ: (0,1)(0,2)(0,1')(1,2)(2,1') = 5 */
    int8_t calls[] = {0, 1, 2, GENOTYPE_MISSING, 1};
    struct genotype_matrix m = {.rows = 1, .cols = 5, .calls = calls};
    int64_t score = -1;
    reference_scores(&m, &score);
    assert_int_equal(score, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqrt_check),
        cmocka_unit_test(test_inputs_in_range_and_deterministic),
        cmocka_unit_test(test_sumsqrt_reference_and_tolerance),
        cmocka_unit_test(test_score_shortcut_equals_tutorial_loop),
        cmocka_unit_test(test_tutorial_loop_small_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
