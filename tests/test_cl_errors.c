/* The OpenCL error-name table: known codes by name, -1001 included. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "cl_errors.h"

static void test_known_codes(void **state)
{
    (void)state;
    assert_string_equal(cl_error_name(0), "CL_SUCCESS");
    assert_string_equal(cl_error_name(-5), "CL_OUT_OF_RESOURCES");
    assert_string_equal(cl_error_name(-11), "CL_BUILD_PROGRAM_FAILURE");
    assert_string_equal(cl_error_name(-54), "CL_INVALID_WORK_GROUP_SIZE");
    assert_string_equal(cl_error_name(-1001), "CL_PLATFORM_NOT_FOUND_KHR");
}

static void test_unknown_code(void **state)
{
    (void)state;
    assert_non_null(strstr(cl_error_name(12345), "unknown"));
    assert_non_null(strstr(cl_error_name(-999), "unknown"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_codes),
        cmocka_unit_test(test_unknown_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
