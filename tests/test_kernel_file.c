/* A user's kernel file: expressions in N, --arg SPECs, "// offload:" lines
 * (host/io/kernel_file.c) and the binding of declared arguments to values
 * (host/workloads/file_kernel.c), without a device. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "file_kernel.h"
#include "kernel_file.h"

static char err[512];

static int64_t eval_ok(const char *s, int64_t n)
{
    int64_t v = -12345;
    assert_int_equal(expr_eval(s, n, &v, err, sizeof err), OFFLOAD_OK);
    return v;
}

static void eval_bad(const char *s, int64_t n, const char *phrase)
{
    int64_t v = -12345;
    err[0] = '\0';
    assert_int_equal(expr_eval(s, n, &v, err, sizeof err), OFFLOAD_ERR_USAGE);
    if (!strstr(err, phrase))
        fail_msg("'%s': message '%s' lacks '%s'", s, err, phrase);
    assert_int_equal(v, -12345);
}

static void test_expressions(void **state)
{
    (void)state;
    assert_int_equal(eval_ok("N", 1000), 1000);
    assert_int_equal(eval_ok("8*N", 1000), 8000);
    assert_int_equal(eval_ok("2 + 3 * 4", 0), 14);
    assert_int_equal(eval_ok("(2 + 3) * 4", 0), 20);
    assert_int_equal(eval_ok("(N+255)/256*256", 1000), 1024);
    assert_int_equal(eval_ok("N%7", 100), 2);
    assert_int_equal(eval_ok("-N+10", 4), 6);
    assert_int_equal(eval_ok("10-3-2", 0), 5); /* left to right */
    assert_int_equal(eval_ok("100/10/5", 0), 2);
    assert_int_equal(eval_ok("9223372036854775807", 0), INT64_MAX);
    assert_int_equal(eval_ok(" N * N ", 3), 9);
}

static void test_expression_errors(void **state)
{
    (void)state;
    eval_bad("N/0", 5, "division by zero");
    eval_bad("N%(N-N)", 5, "division by zero");
    eval_bad("N*N*N", 3000000, "overflow");
    eval_bad("9223372036854775807+1", 0, "overflow");
    eval_bad("9223372036854775808", 0, "too large");
    eval_bad("-9223372036854775807-2", 0, "overflow");
    eval_bad("M*2", 1, "unknown name");
    eval_bad("n", 1, "unknown name");
    eval_bad("N2", 1, "unknown name");
    eval_bad("2^3", 1, "unexpected '^'");
    eval_bad("$(rm -rf /)", 1, "unexpected '$'");
    eval_bad("(N", 1, "missing ')'");
    eval_bad("N)", 1, "unmatched ')'");
    eval_bad("", 1, "ends early");
    eval_bad("N*", 1, "ends early");
    eval_bad("1.5", 1, "whole numbers");
    eval_bad("4k", 1, "whole numbers");
    char deep[300];
    memset(deep, '(', 200);
    strcpy(deep + 200, "1");
    eval_bad(deep, 1, "deeper");
}

static void test_type_names(void **state)
{
    (void)state;
    assert_int_equal(elem_type_from_name("float", 5), ELEM_FLOAT);
    assert_int_equal(elem_type_from_name("unsigned int", 12), ELEM_UINT);
    assert_int_equal(elem_type_from_name("uchar", 5), ELEM_UCHAR);
    assert_int_equal(elem_type_from_name("size_t", 6), ELEM_ULONG);
    assert_int_equal(elem_type_from_name("float4", 6), ELEM_NONE);
    assert_int_equal(elem_type_from_name("half", 4), ELEM_NONE);
    assert_int_equal(elem_type_from_name("floatx", 5), ELEM_FLOAT); /* only the length given */
    assert_int_equal(elem_type_size(ELEM_DOUBLE), 8);
    assert_true(elem_type_is_float(ELEM_FLOAT) && !elem_type_is_float(ELEM_INT));
    assert_true(elem_type_is_signed(ELEM_CHAR) && !elem_type_is_signed(ELEM_UCHAR));
}

static struct arg_spec spec_ok(const char *s)
{
    struct arg_spec a;
    assert_int_equal(arg_spec_parse(s, &a, err, sizeof err), OFFLOAD_OK);
    return a;
}

static void spec_bad(const char *s, const char *phrase)
{
    struct arg_spec a;
    err[0] = '\0';
    assert_int_equal(arg_spec_parse(s, &a, err, sizeof err), OFFLOAD_ERR_USAGE);
    if (!strstr(err, phrase))
        fail_msg("'%s': message '%s' lacks '%s'", s, err, phrase);
}

static void test_specs(void **state)
{
    (void)state;
    struct arg_spec a = spec_ok("in:float[N]:random(0,1)");
    assert_int_equal(a.kind, ARG_IN);
    assert_int_equal(a.type, ELEM_FLOAT);
    assert_string_equal(a.count, "N");
    assert_int_equal(a.fill, FILL_RANDOM);
    assert_true(a.a == 0 && a.b == 1);

    a = spec_ok("out:int[2*N]");
    assert_int_equal(a.kind, ARG_OUT);
    assert_int_equal(a.type, ELEM_INT);
    assert_string_equal(a.count, "2*N");

    a = spec_ok("inout:double[N]:range(1,0.5)");
    assert_int_equal(a.kind, ARG_INOUT);
    assert_int_equal(a.fill, FILL_RANGE);
    assert_true(a.a == 1 && a.b == 0.5);

    a = spec_ok("in:fill(3)"); /* type and count from the declaration */
    assert_int_equal(a.type, ELEM_NONE);
    assert_string_equal(a.count, "");
    assert_int_equal(a.fill, FILL_CONST);

    a = spec_ok("in:uchar[N]:file(data/x:1.bin)");
    assert_int_equal(a.fill, FILL_FILE);
    assert_string_equal(a.path, "data/x:1.bin");

    a = spec_ok("local:float[256]");
    assert_int_equal(a.kind, ARG_LOCAL);
    assert_string_equal(a.count, "256");

    a = spec_ok("out");
    assert_int_equal(a.kind, ARG_OUT);

    a = spec_ok("2.5");
    assert_int_equal(a.kind, ARG_VALUE);
    assert_string_equal(a.value, "2.5");
    a = spec_ok("N/2");
    assert_int_equal(a.kind, ARG_VALUE);
}

static void test_spec_errors(void **state)
{
    (void)state;
    spec_bad("foo:bar", "unknown SPEC 'foo:bar'");
    spec_bad("in:float4[N]", "unknown type 'float4'");
    spec_bad("in:float[N", "brackets");
    spec_bad("in:float[]", "need a count");
    spec_bad("in:float[N/x]", "unknown name");
    spec_bad("in:float[N]:gauss(0,1)", "unknown fill 'gauss(0,1)'");
    spec_bad("in:float[N]:random(1)", "two numbers");
    spec_bad("in:float[N]:random(2,1)", "LO must not exceed HI");
    spec_bad("in:float[N]:fill(x)", "plain numbers");
    spec_bad("in:float[N]:fill(nan)", "plain numbers");
    spec_bad("out:float[N]:fill(0)", "take no fill");
    spec_bad("local", "local needs a size");
    spec_bad("local:float", "local needs a size");
    spec_bad("", "empty SPEC");
    spec_bad("in:", "nothing after");
    spec_bad("unsigned int", "unknown SPEC"); /* a type alone is no value */
}

static void test_arg_options(void **state)
{
    (void)state;
    char name[ARG_NAME_MAX];
    struct arg_spec a;
    assert_int_equal(arg_option_parse("x_1=in:float[N]", name, &a, err, sizeof err), OFFLOAD_OK);
    assert_string_equal(name, "x_1");
    assert_int_equal(arg_option_parse("in:float[N]", name, &a, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "NAME=SPEC"));
    assert_int_equal(arg_option_parse("1x=2", name, &a, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "not an argument name"));
    assert_int_equal(arg_option_parse("y=what", name, &a, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "y: unknown SPEC 'what'"));
}

static void test_values(void **state)
{
    (void)state;
    double f = 0;
    int64_t i = 0;
    assert_int_equal(arg_value_eval("2.5", ELEM_FLOAT, 10, &f, &i, err, sizeof err), OFFLOAD_OK);
    assert_true(f == 2.5);
    assert_int_equal(arg_value_eval("N/2", ELEM_UINT, 10, &f, &i, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(i, 5);
    assert_int_equal(arg_value_eval("N*2", ELEM_DOUBLE, 10, &f, &i, err, sizeof err), OFFLOAD_OK);
    assert_true(f == 20);
    assert_int_equal(arg_value_eval("-1", ELEM_UINT, 10, &f, &i, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "out of range for uint"));
    assert_int_equal(arg_value_eval("128", ELEM_CHAR, 10, &f, &i, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_int_equal(arg_value_eval("2.5", ELEM_INT, 10, &f, &i, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_int_equal(arg_value_eval("1e39", ELEM_FLOAT, 10, &f, &i, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_int_equal(arg_value_eval("4294967295", ELEM_UINT, 10, &f, &i, err, sizeof err),
                     OFFLOAD_OK);
    assert_int_equal(arg_value_eval("4294967296", ELEM_UINT, 10, &f, &i, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
}

static void test_header_words(void **state)
{
    (void)state;
    const char *src = "// a comment\n"
                      "  // offload: --size 4M --arg x=in:float[N]\r\n"
                      "__kernel void f(void) {} // offload: --not-here\n"
                      "//offload: --ignored\n"
                      "// offload: --arg \"p=in:uchar[N]:file(my data.bin)\"";
    char **words;
    int n;
    assert_int_equal(header_words(src, strlen(src), &words, &n, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(n, 6);
    assert_string_equal(words[0], "--size");
    assert_string_equal(words[1], "4M");
    assert_string_equal(words[2], "--arg");
    assert_string_equal(words[3], "x=in:float[N]");
    assert_string_equal(words[4], "--arg");
    assert_string_equal(words[5], "p=in:uchar[N]:file(my data.bin)");
    free(words);

    assert_int_equal(header_words("__kernel void f() {}", 20, &words, &n, err, sizeof err),
                     OFFLOAD_OK);
    assert_int_equal(n, 0);
    assert_null(words);
    const char *open = "// offload: --arg \"x=in";
    assert_int_equal(header_words(open, strlen(open), &words, &n, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "unterminated"));
}

/* ---- binding, with declarations as a device would give them ---- */

static struct file_kernel_decl saxpy_decl(void)
{
    struct file_kernel_decl d = {.name = "saxpy", .nargs = 4};
    d.args[0] = (struct file_arg_decl){"a", "float", SPACE_PRIVATE, 0, 0, ELEM_FLOAT};
    d.args[1] = (struct file_arg_decl){"x", "float*", SPACE_GLOBAL, 1, 1, ELEM_FLOAT};
    d.args[2] = (struct file_arg_decl){"y", "float*", SPACE_GLOBAL, 1, 0, ELEM_FLOAT};
    d.args[3] = (struct file_arg_decl){"n", "uint", SPACE_PRIVATE, 0, 0, ELEM_UINT};
    return d;
}

static enum offload_status bind(const char *const *args, size_t nargs, struct file_kernel *fk)
{
    struct file_kernel_decl d = saxpy_decl();
    struct file_bind_options opt = {
        .n = 1000, .seed = 42, .arg_options = args, .narg_options = nargs, .rtol = -1, .atol = -1};
    memset(fk, 0, sizeof *fk);
    err[0] = '\0';
    return file_kernel_bind(fk, &d, &opt, err, sizeof err);
}

static void test_bind(void **state)
{
    (void)state;
    static struct file_kernel fk;
    const char *args[] = {"a=2", "n=N", "x=in:float[N]:range(0,1)"};
    assert_int_equal(bind(args, 3, &fk), OFFLOAD_OK);
    assert_int_equal(fk.args[1].kind, ARG_IN);  /* const: in */
    assert_int_equal(fk.args[2].kind, ARG_OUT); /* not const: out */
    assert_int_equal(fk.args[2].count, 1000);
    assert_true(((const float *)fk.args[1].host)[10] == 10.0f);
    uint32_t n;
    memcpy(&n, fk.args[3].value, sizeof n);
    assert_int_equal(n, 1000);
    assert_true(fk.bytes_assumed);
    assert_true(fk.bytes == 4000.0 + 4000.0); /* x read once, y written once */
    assert_int_equal(fk.out_bytes, 4000);
    assert_int_equal(fk.global[0], 1000);

    /* The check: the first call is kept, later ones compared with it. */
    float *out = calloc(1000, sizeof *out);
    assert_true(file_kernel_check(&fk, out).ok);
    out[7] = 1.0f;
    struct check_result r = file_kernel_check(&fk, out);
    assert_false(r.ok);
    assert_string_equal(r.buffer, "y");
    assert_int_equal(r.first_bad[0], 7);
    assert_true(r.got[0] == 1.0 && r.want[0] == 0.0);
    free(out);
    file_kernel_free(&fk);
}

static void bind_bad(const char *const *args, size_t nargs, const char *phrase)
{
    static struct file_kernel fk;
    assert_int_equal(bind(args, nargs, &fk), OFFLOAD_ERR_USAGE);
    if (!strstr(err, phrase))
        fail_msg("message '%s' lacks '%s'", err, phrase);
    file_kernel_free(&fk);
}

static void test_bind_errors(void **state)
{
    (void)state;
    const char *missing[] = {"a=2"};
    bind_bad(missing, 1, "argument n (uint) of saxpy has no value: give one, e.g. --arg n=N");
    const char *twice[] = {"a=2", "n=N", "a=3"};
    bind_bad(twice, 3, "--arg a given twice");
    const char *unknown[] = {"a=2", "n=N", "xx=in"};
    bind_bad(unknown, 3, "has no argument 'xx': did you mean x?");
    const char *const_out[] = {"a=2", "n=N", "x=out"};
    bind_bad(const_out, 3, "const");
    const char *scalar_buffer[] = {"a=in", "n=N"};
    bind_bad(scalar_buffer, 2, "not a pointer");
    const char *overflow[] = {"a=2", "n=N", "y=out:float[N*N*N*N*N*N*N]"};
    bind_bad(overflow, 3, "overflow");
    const char *zero[] = {"a=2", "n=N", "y=out:float[N-N]"};
    bind_bad(zero, 3, "at least one element");
    const char *no_file[] = {"a=2", "n=N", "x=in:file(/nonexistent/x.bin)"};
    bind_bad(no_file, 3, "cannot read /nonexistent/x.bin");
    const char *bad_size[] = {"a=2", "n=N", "y=out:double[N]"};
    bind_bad(bad_size, 3, "use the declared type");
}

static void test_ndrange(void **state)
{
    (void)state;
    static struct file_kernel fk;
    struct file_kernel_decl d = saxpy_decl();
    const char *args[] = {"a=2", "n=N"};
    struct file_bind_options opt = {.n = 1000,
                                    .arg_options = args,
                                    .narg_options = 2,
                                    .global = "(N+63)/64*64",
                                    .local = "64",
                                    .rtol = -1,
                                    .atol = -1,
                                    .bytes = "12*N",
                                    .ops = "2*N",
                                    .op = FILE_OP_F32};
    memset(&fk, 0, sizeof fk);
    assert_int_equal(file_kernel_bind(&fk, &d, &opt, err, sizeof err), OFFLOAD_OK);
    assert_int_equal(fk.global[0], 1024);
    assert_true(fk.has_local && fk.local[0] == 64);
    assert_true(fk.bytes == 12000 && fk.ops == 2000 && !fk.bytes_assumed);
    file_kernel_free(&fk);

    opt.global = "N";
    memset(&fk, 0, sizeof fk);
    assert_int_equal(file_kernel_bind(&fk, &d, &opt, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "global size 1000 is not a multiple of --local 64"));
    file_kernel_free(&fk);

    opt.local = NULL;
    opt.op = FILE_OP_NONE;
    memset(&fk, 0, sizeof fk);
    assert_int_equal(file_kernel_bind(&fk, &d, &opt, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "--ops needs --op"));
    file_kernel_free(&fk);
}

static void test_entry(void **state)
{
    (void)state;
    static struct file_program_decl prog;
    const struct file_kernel_decl *k;
    prog.nkernels = 0;
    assert_int_equal(file_pick_entry(&prog, NULL, "a.cl", &k, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "has no __kernel function"));
    prog.nkernels = 2;
    strcpy(prog.kernels[0].name, "matmul_naive");
    strcpy(prog.kernels[1].name, "matmul_tiled");
    assert_int_equal(file_pick_entry(&prog, NULL, "a.cl", &k, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "2 kernels (matmul_naive, matmul_tiled): pick one with --entry"));
    assert_int_equal(file_pick_entry(&prog, "matmul_tield", "a.cl", &k, err, sizeof err),
                     OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "did you mean --entry matmul_tiled?"));
    assert_int_equal(file_pick_entry(&prog, "matmul_tiled", "a.cl", &k, err, sizeof err),
                     OFFLOAD_OK);
    assert_ptr_equal(k, &prog.kernels[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expressions), cmocka_unit_test(test_expression_errors),
        cmocka_unit_test(test_type_names),  cmocka_unit_test(test_specs),
        cmocka_unit_test(test_spec_errors), cmocka_unit_test(test_arg_options),
        cmocka_unit_test(test_values),      cmocka_unit_test(test_header_words),
        cmocka_unit_test(test_bind),        cmocka_unit_test(test_bind_errors),
        cmocka_unit_test(test_ndrange),     cmocka_unit_test(test_entry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
