/* Statistics of timed repeats, on known samples (no clock involved). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>

#include <stdio.h>
#include <string.h>

#include "busy.h"
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

/* The interval of an exponent: narrow when min and median agree, wide (not
 * measurable) when they spread, and busy always says not measurable. */
static void test_scaling_interval(void **state)
{
    (void)state;
    double x[3] = {1000, 10000, 100000};
    double lo[3] = {1e-3, 1e-2, 1e-1}, tight[3] = {1.02e-3, 1.02e-2, 1.02e-1};
    struct scaling_fit f = stats_scaling_fit(x, lo, tight, 3);
    assert_true(fabs(f.exponent - 1.0) < 1e-9);
    assert_true(f.low < 1.0 && f.high > 1.0 && f.high - f.low < 0.05);
    assert_int_equal(f.measurable, 1);
    char buf[192];
    assert_non_null(strstr(describe_scaling(&f, 0, "N", buf, sizeof buf), "time ~ N^1.00 ("));
    assert_non_null(strstr(describe_scaling(&f, 1, "N", buf, sizeof buf), "not measurable here"));
    /* Medians 10x the minima at the small size: anything from half to linear. */
    double spread[3] = {1e-2, 1e-2, 1e-1};
    f = stats_scaling_fit(x, lo, spread, 3);
    assert_int_equal(f.measurable, 0);
    assert_true(f.high - f.low > SCALING_MAX_WIDTH);
    assert_non_null(strstr(describe_scaling(&f, 0, "N", buf, sizeof buf), "not measurable here"));
    /* One size: no exponent at all. */
    f = stats_scaling_fit(x, lo, tight, 1);
    assert_true(isnan(f.exponent));
    assert_int_equal(f.measurable, 0);
}

/* /proc/stat's first line: all but idle and iowait is someone's work. */
static void test_proc_stat_busy(void **state)
{
    (void)state;
    const char *line = "cpu  100 20 30 1000 50 5 5 10 0 0\n";
    assert_true(fabs(busy_seconds_from_proc_stat(line, 100) - 1.7) < 1e-9);
    assert_true(busy_seconds_from_proc_stat("cpu0 1 2 3 4", 100) < 0);
    assert_true(busy_seconds_from_proc_stat("garbage", 100) < 0);
    assert_true(busy_seconds_from_proc_stat("cpu  1 2", 100) < 0);
    /* Merging: busy if any part was. */
    struct machine_load a = {.known = 1, .others_share = 0.1, .cores = 2};
    struct machine_load b = {.known = 1, .others_share = 0.9, .busy = 1, .cores = 2};
    machine_load_merge(&a, &b);
    assert_int_equal(a.busy, 1);
    assert_true(a.others_share > 0.89);
    char buf[160];
    assert_non_null(strstr(describe_machine_load(&a, buf, sizeof buf), "90% of the 2 cores"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),          cmocka_unit_test(test_even_count_and_outlier),
        cmocka_unit_test(test_outliers_as_hyperfine), cmocka_unit_test(test_empty_and_single),
        cmocka_unit_test(test_scaling_exponent),      cmocka_unit_test(test_scaling_interval),
        cmocka_unit_test(test_proc_stat_busy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
