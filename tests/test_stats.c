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

static size_t outliers_of(const double *x, size_t n)
{
    return stats_compute(x, n).outliers;
}

/* hyperfine's own cases (src/outlier_detection.rs): ten standard deviations
 * (1.4826 * MAD each) from the median, and a MAD of 0 handled. */
static void test_outliers_as_hyperfine(void **state)
{
    (void)state;
    const double two[] = {1000.0, 0.0};
    assert_int_equal(outliers_of(two, 2), 0);
    const double low_variance[] = {-0.2, 0.0, 0.2};
    assert_int_equal(outliers_of(low_variance, 3), 0);
    const double one_of_four[] = {-0.2, 0.0, 0.2, 4.0};
    assert_int_equal(outliers_of(one_of_four, 4), 1);
    const double one_of_five[] = {0.5, 0.30, 0.29, 0.31, 0.30};
    assert_int_equal(outliers_of(one_of_five, 5), 1);
    double normal[12] = {2.33269488, 1.42195907,  -0.57527698, -0.31293437, 2.2948158, 0.75813273,
                         -1.0712388, -0.96394741, -1.15897446, 1.10976285,  20.0,      -500.0};
    assert_int_equal(outliers_of(normal, 10), 0);
    assert_int_equal(outliers_of(normal, 12), 2);
    const double mad_zero[] = {10, 10, 10, 10, 10, 10, 10, 100, 100};
    assert_int_equal(outliers_of(mad_zero, 8), 1);
    assert_int_equal(outliers_of(mad_zero, 9), 2);
    /* Three standard deviations (the old limit) is not an outlier. */
    const double three_sd[] = {1.0, 1.1, 0.9, 1.0, 1.0 + 3.5 * 1.4826 * 0.1};
    assert_int_equal(outliers_of(three_sd, 5), 0);
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
        cmocka_unit_test(test_known_values),          cmocka_unit_test(test_even_count_and_outlier),
        cmocka_unit_test(test_outliers_as_hyperfine), cmocka_unit_test(test_empty_and_single),
        cmocka_unit_test(test_scaling_exponent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
