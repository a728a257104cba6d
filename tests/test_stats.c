/* Statistics of timed repeats, on known samples (no clock involved). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>

#include "stats.h"

static void test_known_values(void **state)
{
    (void)state;
    const double x[] = {4, 1, 3, 2, 5};
    struct sample_stats s = stats_compute(x, 5);
    assert_int_equal(s.n, 5);
    assert_true(s.min == 1 && s.max == 5 && s.median == 3 && s.mean == 3);
    assert_true(fabs(s.sd - sqrt(2.5)) < 1e-12);
    assert_true(s.mad == 1);
    assert_int_equal(s.outliers, 0);
    /* the input is left as it was */
    assert_true(x[0] == 4 && x[1] == 1);
}

static void test_even_count_and_outlier(void **state)
{
    (void)state;
    const double x[] = {1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 9.0, 1.0};
    struct sample_stats s = stats_compute(x, 8);
    assert_true(s.median == 1.0);
    assert_int_equal(s.outliers, 1);
    assert_true(s.max == 9.0);
}

static void test_empty_and_single(void **state)
{
    (void)state;
    struct sample_stats s = stats_compute(NULL, 0);
    assert_int_equal(s.n, 0);
    const double one = 0.25;
    s = stats_compute(&one, 1);
    assert_true(s.min == 0.25 && s.median == 0.25 && s.sd == 0 && s.outliers == 0);
}

static void test_scaling_exponent(void **state)
{
    (void)state;
    const double n[] = {1000, 2000, 4000, 8000};
    double linear[4], quadratic[4];
    for (int i = 0; i < 4; i++) {
        linear[i] = 3e-9 * n[i];
        quadratic[i] = 2e-9 * n[i] * n[i];
    }
    assert_true(fabs(stats_scaling_exponent(n, linear, 4) - 1.0) < 1e-9);
    assert_true(fabs(stats_scaling_exponent(n, quadratic, 4) - 2.0) < 1e-9);
    assert_true(isnan(stats_scaling_exponent(n, linear, 1)));
    const double zeros[] = {0, 0, 0, 0};
    assert_true(isnan(stats_scaling_exponent(n, zeros, 4)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_even_count_and_outlier),
        cmocka_unit_test(test_empty_and_single),
        cmocka_unit_test(test_scaling_exponent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
