/* Command-line number parsing: every accepted form and every rejection. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "parse.h"

static char err[256];

static uint64_t count_ok(const char *s)
{
    uint64_t v = 0;
    assert_int_equal(parse_count(s, 1, UINT64_C(1) << 40, &v, err, sizeof err), OFFLOAD_OK);
    return v;
}

static void count_bad(const char *s, const char *phrase)
{
    uint64_t v = 7;
    assert_int_equal(parse_count(s, 1, UINT64_C(1) << 40, &v, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, phrase));
    assert_int_equal(v, 7); /* untouched on error */
}

static void test_count_forms(void **state)
{
    (void)state;
    assert_int_equal(count_ok("10000000"), 10000000);
    assert_int_equal(count_ok("1e7"), 10000000);
    assert_int_equal(count_ok("10M"), 10000000);
    assert_int_equal(count_ok("64k"), 64000);
    assert_int_equal(count_ok("64K"), 64000);
    assert_int_equal(count_ok("1G"), 1000000000);
    assert_int_equal(count_ok("1Ki"), 1024);
    assert_int_equal(count_ok("2Mi"), 2097152);
    assert_int_equal(count_ok("1.5k"), 1500);
    assert_int_equal(count_ok("1"), 1);
    assert_int_equal(count_ok("1099511627776"), UINT64_C(1) << 40);
}

static void test_count_rejects(void **state)
{
    (void)state;
    count_bad("", "not a count");
    count_bad("0", "out of range");
    count_bad("-5", "not a count");
    count_bad("+5", "not a count");
    count_bad(" 5", "not a count");
    count_bad("lots", "not a count");
    count_bad("10Q", "unknown suffix 'Q'");
    count_bad("5 ", "unknown suffix");
    count_bad("1.5", "not a whole number");
    count_bad("1e30", "out of range");
    count_bad("1e400", "not a count");
    count_bad("nan", "not a count");
    count_bad("inf", "not a count");
    count_bad("99999999999999999999999", "out of range");
    count_bad("1099511627777", "out of range");
}

/* Found by tests/fuzz/fuzz_parse: with max = UINT64_MAX, (double)max rounds
 * up to 2^64, so a count of exactly 2^64 passed the range check and was
 * converted to uint64_t, which is undefined (UBSan: float-cast-overflow). */
static void test_count_full_range(void **state)
{
    (void)state;
    uint64_t v = 7;
    assert_int_equal(parse_count("1.8446744073709552e19", 0, UINT64_MAX, &v, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "out of range"));
    assert_int_equal(v, 7);
    assert_int_equal(parse_count("18446744073709551615.0", 0, UINT64_MAX, &v, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    /* Just below 2^64 still converts exactly. */
    assert_int_equal(parse_count("1.8446744073709550e19", 0, UINT64_MAX, &v, err, sizeof err),
                     OFFLOAD_OK);
    assert_true(v == UINT64_C(18446744073709549568));
    /* A max that double cannot hold rounds up: 2^53+3 becomes 2^53+4, which
     * must not pass as a count. */
    assert_int_equal(
        parse_count("9007199254740996.0", 1, UINT64_C(9007199254740995), &v, err, sizeof err),
        OFFLOAD_ERR_USAGE);
    assert_int_equal(
        parse_count("9007199254740994.0", 1, UINT64_C(9007199254740995), &v, err, sizeof err),
        OFFLOAD_OK);
    assert_true(v == UINT64_C(9007199254740994));
}

static void test_int(void **state)
{
    (void)state;
    long v = 0;
    assert_int_equal(parse_int("8", 1, 64, &v, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(v, 8);
    assert_int_equal(parse_int("0", 1, 64, &v, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "out of range"));
    assert_int_equal(parse_int("-1", 1, 64, &v, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_int_equal(parse_int("4x", 1, 64, &v, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "not a whole number"));
    assert_int_equal(parse_int("99999999999999999999", 1, 64, &v, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_int_equal(parse_int("", 1, 64, &v, err, sizeof err), OFFLOAD_ERR_USAGE);
}

static void test_double(void **state)
{
    (void)state;
    double v = 0;
    assert_int_equal(parse_double("5", 0, 100, 1, &v, err, sizeof err), OFFLOAD_OK);
    assert_true(v == 5.0);
    assert_int_equal(parse_double("2.5", 0, 100, 1, &v, err, sizeof err), OFFLOAD_OK);
    assert_true(v == 2.5);
    assert_int_equal(parse_double("100", 0, 100, 1, &v, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(parse_double("0", 0, 100, 1, &v, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_int_equal(parse_double("0", 0, 100, 0, &v, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(parse_double("100.5", 0, 100, 1, &v, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_int_equal(parse_double("nan", 0, 100, 1, &v, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_int_equal(parse_double("5%", 0, 100, 1, &v, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "not a number"));
}

static void test_lists(void **state)
{
    (void)state;
    uint64_t counts[4];
    double values[4];
    size_t n = 0;
    assert_int_equal(parse_count_list("1k,2k,64k", 1, 1 << 30, counts, 4, &n, err, sizeof err),
                     OFFLOAD_OK);
    assert_int_equal(n, 3);
    assert_int_equal(counts[2], 64000);
    assert_int_equal(parse_double_list("5,25,50,100", 0, 100, 1, values, 4, &n, err, sizeof err),
                     OFFLOAD_OK);
    assert_int_equal(n, 4);
    assert_true(values[1] == 25.0);
    assert_int_equal(parse_double_list("5,,100", 0, 100, 1, values, 4, &n, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_int_equal(parse_double_list("1,2,3,4,5", 0, 100, 1, values, 4, &n, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "more than 4"));
    assert_int_equal(parse_count_list("", 1, 10, counts, 4, &n, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
}

static void test_mul_overflow(void **state)
{
    (void)state;
    size_t out = 0;
    assert_true(size_mul_fits(1000, 1000, &out));
    assert_int_equal(out, 1000000);
    assert_false(size_mul_fits(SIZE_MAX / 2 + 1, 2, &out));
    assert_true(size_mul_fits(0, SIZE_MAX, &out));
    assert_int_equal(out, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_forms),
        cmocka_unit_test(test_count_rejects),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_double),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_mul_overflow),
        cmocka_unit_test(test_count_full_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
