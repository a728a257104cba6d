#define _POSIX_C_SOURCE 200809L /* fmemopen, setenv */
/* Saved runs: the row matcher (key, device selectors, repeated keys,
 * leftovers), the JSON reader's refusals and markdown cell escaping. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrap.h"
#include "markdown.h"
#include "match.h"
#include "saved.h"

static struct saved_row row(const char *kernel, size_t size, const char *backend,
                            const char *device, int on_device, const char *memory)
{
    struct saved_row r;
    memset(&r, 0, sizeof r);
    snprintf(r.kernel, sizeof r.kernel, "%s", kernel);
    snprintf(r.algorithm, sizeof r.algorithm, "naive");
    r.size = size;
    snprintf(r.backend, sizeof r.backend, "%s", backend);
    snprintf(r.kind, sizeof r.kind, "%s", backend);
    char *colon = strchr(r.kind, ':');
    if (colon)
        *colon = '\0';
    snprintf(r.device, sizeof r.device, "%s", device);
    r.on_device = on_device;
    snprintf(r.role, sizeof r.role, "%s",
             !on_device ? "host" : strstr(device, "NVIDIA") ? "GPU" : "CPU");
    snprintf(r.memory, sizeof r.memory, "%s", memory);
    r.total_s = 1;
    return r;
}

static void test_key(void **state)
{
    (void)state;
    struct saved_row a = row("sqrt", 1000, "openmp", "Laptop CPU, 4 threads", 0, "-");
    struct saved_row b = row("sqrt", 1000, "openmp", "Workstation CPU, 32 threads", 0, "-");
    assert_true(saved_rows_match(&a, &b)); /* the host CPU is what differs */
    b.size = 2000;
    assert_false(saved_rows_match(&a, &b));
    b = a;
    snprintf(b.algorithm, sizeof b.algorithm, "fast");
    assert_false(saved_rows_match(&a, &b));
    struct saved_row g1 = row("sqrt", 1000, "opencl:0.0", "pthread-cpu", 1, "copy");
    struct saved_row g2 = row("sqrt", 1000, "opencl:1.0", "pthread-cpu", 1, "copy");
    assert_true(saved_rows_match(&g1, &g2)); /* selectors differ, the device does not */
    g2 = row("sqrt", 1000, "opencl:1.0", "NVIDIA RTX", 1, "copy");
    assert_false(saved_rows_match(&g1, &g2)); /* a CPU device is no GPU */
    g2 = row("sqrt", 1000, "opencl:1.0", "pocl-cpu-other-name", 1, "copy");
    assert_true(saved_rows_match(&g1, &g2)); /* the role, not the name */
    g2 = row("sqrt", 1000, "opencl:0.0", "pthread-cpu", 1, "zero-copy");
    assert_false(saved_rows_match(&g1, &g2));
    struct saved_row s1 = row("scores", 1286, "serial", "cpu", 0, "-");
    struct saved_row s2 = s1;
    s1.rows = 1286, s1.cols = 260;
    s2.rows = 1286, s2.cols = 130;
    assert_false(saved_rows_match(&s1, &s2));
}

/* A laptop's CPU device lines up with a workstation's best GPU when the
 * workstation has no CPU device: the slower GPU is left apart. */
static void test_match_across_roles(void **state)
{
    (void)state;
    struct saved_row a_rows[] = {row("sqrt", 1000, "opencl", "pthread-cpu", 1, "copy")};
    struct saved_row b_rows[] = {row("sqrt", 1000, "opencl:1.0", "NVIDIA T400", 1, "copy"),
                                 row("sqrt", 1000, "opencl:0.0", "NVIDIA RTX 4090", 1, "copy")};
    b_rows[0].total_s = 4;
    b_rows[1].total_s = 0.5;
    struct saved_run runs[2] = {{.rows = a_rows, .count = 1}, {.rows = b_rows, .count = 2}};
    struct match_set m;
    assert_int_equal(match_runs(runs, 2, &m), OFFLOAD_OK);
    assert_int_equal(m.nmatched, 1);
    assert_int_equal(m.matched[0][1], 1); /* the faster GPU */
    assert_int_equal(m.nleftover, 1);
    assert_int_equal(m.leftover[0].row, 0);
    match_free(&m);
}

/* Wrapping: no line wider than the width, words kept whole, a word longer
 * than a line cut, the hanging indent on every continuation line. */
static void test_wrap(void **state)
{
    (void)state;
    char buf[4096] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    assert_non_null(f);
    const char *text = "moves 13.1 GB/s or 77% of the 17 GB/s memory ceiling: memory predicts "
                       "the longest time but the run stays well below it; a-very-long-word-"
                       "that-cannot-fit-on-any-line-at-all-however-hard-it-tries-to end";
    wrap_print(f, 40, "    opencl copy: ", "        ", text);
    fclose(f);
    size_t lines = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        assert_true(strlen(line) <= 40);
        if (lines)
            assert_memory_equal(line, "        ", 8);
    }
    assert_true(lines >= 5);
    /* A label that leaves no room: it goes on lines of its own, indented. */
    char buf2[1024] = "";
    f = fmemopen(buf2, sizeof buf2, "w");
    assert_non_null(f);
    wrap_print(f, 40, "    #1 opencl zero-copy on a device with a long name: ", "        ",
               "the reason");
    fclose(f);
    lines = 0;
    for (char *line = strtok(buf2, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        assert_true(strlen(line) <= 40);
        assert_memory_equal(line, "    ", 4);
    }
    assert_true(lines >= 2);
    setenv("COLUMNS", "90", 1);
    assert_int_equal(text_width(), 90);
    setenv("COLUMNS", "20", 1);
    assert_int_equal(text_width(), TEXT_MIN_WIDTH);
    setenv("COLUMNS", "wide", 1);
    assert_true(text_width() >= TEXT_MIN_WIDTH);
    unsetenv("COLUMNS");
}

/* A kernel file matches by its name and the hash of its source: the same
 * file edited is another kernel. */
static void test_key_kernel_file(void **state)
{
    (void)state;
    struct saved_row a = row("saxpy.cl", 1000, "opencl:0.0", "pthread-cpu", 1, "copy");
    snprintf(a.source_hash, sizeof a.source_hash, "0123456789abcdef");
    struct saved_row b = a;
    assert_true(saved_rows_match(&a, &b));
    snprintf(b.source_hash, sizeof b.source_hash, "fedcba9876543210");
    assert_false(saved_rows_match(&a, &b));
    b = a;
    snprintf(b.kernel, sizeof b.kernel, "saxpy2.cl");
    assert_false(saved_rows_match(&a, &b));
    b = a;
    b.source_hash[0] = '\0'; /* a built-in kernel of the same name, were there one */
    assert_false(saved_rows_match(&a, &b));
}

/* The reader keeps an export's source hash. */
static void test_parse_source_hash(void **state)
{
    (void)state;
    const char *text =
        "{\"schema_version\": 2, \"tool\": \"offload\", \"command_line\": [\"offload\", \"run\"],"
        " \"results\": [{\"command\": \"run\", \"kernel\": \"saxpy.cl\", \"source_hash\": "
        "\"00000000deadbeef\", \"algorithm\": \"naive\", \"backend\": \"opencl\", \"device\": "
        "\"cpu\", \"platform\": \"p\", \"size\": 1000, \"stats_s\": {\"total\": {\"min\": 0.5}}}]}";
    struct saved_run run;
    assert_int_equal(saved_run_parse(text, "x.json", &run), OFFLOAD_OK);
    assert_int_equal(run.count, 1);
    assert_string_equal(run.rows[0].kernel, "saxpy.cl");
    assert_string_equal(run.rows[0].source_hash, "00000000deadbeef");
    saved_run_free(&run);
}

static void test_match_runs(void **state)
{
    (void)state;
    struct saved_row a_rows[] = {
        row("sqrt", 1000, "serial", "a", 0, "-"), row("sqrt", 1000, "openmp/1t", "a", 0, "-"),
        row("sqrt", 1000, "openmp/2t", "a", 0, "-"), row("sumsqrt", 1000, "serial", "a", 0, "-")};
    struct saved_row b_rows[] = {
        row("sqrt", 1000, "openmp/2t", "b", 0, "-"), row("sqrt", 1000, "serial", "b", 0, "-"),
        row("scores", 1286, "serial", "b", 0, "-"), row("sqrt", 1000, "serial", "b", 0, "-")};
    struct saved_run runs[2] = {{.rows = a_rows, .count = 4}, {.rows = b_rows, .count = 4}};
    struct match_set m;
    assert_int_equal(match_runs(runs, 2, &m), OFFLOAD_OK);
    /* serial with serial (the first one), openmp/2t with openmp/2t. */
    assert_int_equal(m.nmatched, 2);
    assert_int_equal(m.matched[0][0], 0);
    assert_int_equal(m.matched[0][1], 1);
    assert_int_equal(m.matched[1][0], 2);
    assert_int_equal(m.matched[1][1], 0);
    /* Left over: openmp/1t and sumsqrt of a; scores and the second serial of b. */
    assert_int_equal(m.nleftover, 4);
    assert_int_equal(m.leftover[0].run, 0);
    assert_int_equal(m.leftover[0].row, 1);
    assert_int_equal(m.leftover[1].row, 3);
    assert_int_equal(m.leftover[2].run, 1);
    assert_int_equal(m.leftover[2].row, 2);
    assert_int_equal(m.leftover[3].row, 3);
    match_free(&m);
    assert_int_equal(match_runs(runs, 0, &m), OFFLOAD_ERR_USAGE);
}

static const char *const export_text =
    "{\"schema_version\": 2, \"tool\": \"offload\", \"command_line\": [\"offload\", \"compare\"],"
    " \"host\": {\"cpu\": \"Some CPU\", \"cores\": 8},"
    " \"build\": {\"flags\": \"portable x86-64 Release\", \"compiler\": \"gcc 12\","
    "  \"git_commit\": \"abc1234\"},"
    " \"results\": [{\"kernel\": \"sqrt\", \"algorithm\": \"naive\", \"backend\": \"opencl:1.0\","
    "  \"device\": \"GPU | big\", \"platform\": \"Vendor\", \"memory\": \"copy\", \"size\": 10,"
    "  \"stats_s\": {\"copy_in\": {\"min\": 1e-3}, \"kernel\": {\"min\": 2e-3},"
    "   \"copy_out\": {\"min\": 1e-3}, \"total\": {\"min\": 4e-3}},"
    "  \"analysis\": {\"gbps\": 1.5, \"verdict\": \"transfer-bound\", \"reason\": \"copies\"},"
    "  \"ceilings\": {\"measured\": \"2026-01-02T03:04:05Z\"}, \"check\": {\"ok\": true}}]}";

static void test_parse(void **state)
{
    (void)state;
    struct saved_run r;
    assert_int_equal(saved_run_parse(export_text, "x.json", &r), OFFLOAD_OK);
    assert_int_equal(r.count, 1);
    assert_string_equal(r.rows[0].kind, "opencl");
    assert_true(r.rows[0].on_device);
    assert_true(r.rows[0].total_s == 4e-3);
    assert_string_equal(r.build, "portable x86-64 Release");
    assert_string_equal(r.calibrated, "2026-01-02T03:04:05Z");
    assert_int_equal(r.cores, 8);
    saved_run_free(&r);

    /* Refusals: exit status 2, for a CSV export, non-JSON, other JSON,
     * another schema, no results. */
    const char *bad[] = {"schema_version,tool_version,command\n2,0.1.0,run\n", "hello",
                         "{\"a\": 1}", NULL, NULL};
    char future[4096], empty[128];
    snprintf(future, sizeof future, "%s", export_text);
    memcpy(strstr(future, "\"schema_version\": 2"), "\"schema_version\": 7", 19);
    bad[3] = future;
    snprintf(empty, sizeof empty,
             "{\"schema_version\": 1, \"tool\": \"offload\", \"results\": []}");
    bad[4] = empty;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(saved_run_parse(bad[i], "bad.json", &r), OFFLOAD_ERR_USAGE);

    /* A size that is no whole number (found by fuzz_saved: 1e999 was cast
     * to size_t) refuses the file rather than reading garbage. */
    const char *sizes[] = {"1e999", "-3", "2.5"};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char edited[4096];
        const char *at = strstr(export_text, "\"size\": 10");
        assert_non_null(at);
        snprintf(edited, sizeof edited, "%.*s\"size\": %s%s", (int)(at - export_text), export_text,
                 sizes[i], at + strlen("\"size\": 10"));
        assert_int_equal(saved_run_parse(edited, "edited.json", &r), OFFLOAD_ERR_USAGE);
    }
}

static void test_markdown_cell(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    markdown_cell(f, "a|b\nc");
    fclose(f);
    assert_string_equal(buf, "a\\|b c");
    free(buf);
    /* Everything Markdown gives a meaning is escaped (issue 19): emphasis,
     * code, headings, links, HTML; control characters show as \xNN; an
     * underscore inside a word (a marker ID) stays as it is. */
    f = open_memstream(&buf, &len);
    assert_non_null(f);
    markdown_cell(f, "`*x*` ## [l](u) <b> _e_ MDC_1 \x1b!");
    fclose(f);
    assert_string_equal(buf, "\\`\\*x\\*\\` \\#\\# \\[l\\](u) \\<b\\> \\_e\\_ MDC_1 \\x1b\\!");
    free(buf);
}

/* Groups in order of first appearance, rows in file order within each. */
static void test_group_order(void **state)
{
    (void)state;
    struct saved_row rows[] = {
        row("sqrt", 1000, "serial", "a", 0, "-"), row("sumsqrt", 1000, "serial", "a", 0, "-"),
        row("sqrt", 1000, "openmp", "a", 0, "-"), row("sqrt", 2000, "serial", "a", 0, "-"),
        row("sumsqrt", 1000, "openmp", "a", 0, "-")};
    struct saved_run runs[1] = {{.rows = rows, .count = 5}};
    struct match_set m;
    assert_int_equal(match_runs(runs, 1, &m), OFFLOAD_OK);
    assert_int_equal(m.nmatched, 5);
    size_t order[5];
    assert_int_equal(match_group_order(runs, &m, order), 5);
    const size_t want[] = {0, 2, 1, 4, 3};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(m.matched[order[i]][0], want[i]);
    match_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_key_kernel_file),
        cmocka_unit_test(test_parse_source_hash),
        cmocka_unit_test(test_match_runs),
        cmocka_unit_test(test_match_across_roles),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_markdown_cell),
        cmocka_unit_test(test_group_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
