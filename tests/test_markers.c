/* Unit tests for the minimal marker selection (host/workloads/markers.c)
 * and its writers, against upstream minimalmarkers' own output
 * (tests/fixtures/markers, see its README). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "fileio.h"
#include "genotype.h"
#include "markers.h"
#include "markers_report.h"

#ifndef OFFLOAD_SOURCE_DATA_DIR
#define OFFLOAD_SOURCE_DATA_DIR "data"
#endif
#ifndef OFFLOAD_TESTS_DIR
#define OFFLOAD_TESTS_DIR "tests"
#endif
#define FIXTURES OFFLOAD_TESTS_DIR "/fixtures/markers/"

static char *read_fixture(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, FIXTURES "%s", name);
    char *text = read_whole_file(path, 64u << 20, NULL);
    if (!text)
        fail_msg("cannot read %s", path);
    return text;
}

/* What a writer writes, as a string (caller frees). */
static char *written(file_writer_fn writer, void *ctx)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(writer(f, ctx), OFFLOAD_OK);
    fclose(f);
    return text;
}

struct selection {
    struct genotype_matrix m;
    struct marker_patterns pat;
    struct markers_result res;
};

static void load_table(const char *path, struct selection *s)
{
    char err[1024];
    struct genotype_load_options lo = genotype_default_options();
    lo.warnings = NULL;
    if (genotype_load_file(path, &lo, &s->m, err, sizeof err) != OFFLOAD_OK)
        fail_msg("%s: %s", path, err);
    struct markers_options o = markers_default_options();
    if (markers_prepare(&s->m, &o, &s->pat, err, sizeof err) != OFFLOAD_OK)
        fail_msg("%s: %s", path, err);
}

static void select_with(struct selection *s, const struct markers_engine *e)
{
    struct markers_options o = markers_default_options();
    assert_int_equal(markers_select(&s->pat, &o, e, NULL, NULL, &s->res), OFFLOAD_OK);
}

static void selection_free(struct selection *s)
{
    markers_result_free(&s->res);
    markers_patterns_free(&s->pat);
    genotype_free(&s->m);
}

/* The lines of text that contain needle, joined (caller frees). */
static char *lines_with(const char *text, const char *needle)
{
    size_t cap = strlen(text) + 1, used = 0;
    char *out = calloc(cap, 1);
    assert_non_null(out);
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
        char *hit = strstr(line, needle);
        if (hit && hit < line + len) {
            memcpy(out + used, line, len);
            used += len;
        }
        line += len;
    }
    return out;
}

/* The number upstream prints after `prefix` in its output. */
static long number_after(const char *text, const char *prefix)
{
    const char *p = strstr(text, prefix);
    if (!p)
        fail_msg("upstream's output has no '%s'", prefix);
    return strtol(p + strlen(prefix), NULL, 10);
}

/* Checks one table on one engine against upstream's three outputs. */
static void check_table(const char *csv, const char *stem, const struct markers_engine *e)
{
    struct selection s;
    memset(&s, 0, sizeof s);
    load_table(csv, &s);
    select_with(&s, e);
    struct markers_output o = {&s.m, &s.pat, &s.res, csv, e->name, 0, 0, NULL};
    char name[256];

    snprintf(name, sizeof name, "%s_minimal_markers.txt", stem);
    char *want = read_fixture(name), *got = written(markers_write_minimal, &o);
    assert_string_equal(got, want);
    free(want);
    free(got);

    snprintf(name, sizeof name, "%s_selected_markers_with_headers.txt", stem);
    want = read_fixture(name);
    got = written(markers_write_with_headers, &o);
    assert_string_equal(got, want);
    free(want);
    free(got);

    snprintf(name, sizeof name, "%s_output.txt", stem);
    char *upstream = read_fixture(name);
    assert_int_equal(s.pat.eliminated,
                     number_after(upstream, "requiring more than one allele) is "));
    assert_int_equal(s.pat.count, number_after(upstream, "Loaded marker data for "));
    assert_int_equal(s.res.best_possible, number_after(upstream, "The best possible score is "));
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(markers_write_unresolved(f, &o), OFFLOAD_OK);
    fclose(f);
    /* The pairs, then "N of M varieties unresolved." or "All M varieties resolved.". */
    char *pairs = lines_with(upstream, " not resolved from "),
         *some = lines_with(upstream, " varieties unresolved."),
         *all = lines_with(upstream, " varieties resolved.");
    char *want_pairs = malloc(strlen(pairs) + strlen(some) + strlen(all) + 1);
    assert_non_null(want_pairs);
    strcat(strcat(strcpy(want_pairs, pairs), some), all);
    assert_string_equal(text, want_pairs);
    free(pairs);
    free(some);
    free(all);
    free(want_pairs);
    free(text);
    free(upstream);
    selection_free(&s);
}

static const char *const fixture_tables[] = {"ties", "identical", "missing", "chunked"};

static void check_all_tables(const struct markers_engine *e)
{
    check_table(OFFLOAD_SOURCE_DATA_DIR "/AppleGenotypes.csv", "AppleGenotypes", e);
    for (size_t i = 0; i < sizeof fixture_tables / sizeof fixture_tables[0]; i++) {
        char csv[512];
        snprintf(csv, sizeof csv, FIXTURES "%s.csv", fixture_tables[i]);
        check_table(csv, fixture_tables[i], e);
    }
}

static void test_tables_serial(void **state)
{
    (void)state;
    struct markers_engine e = markers_engine_serial();
    check_all_tables(&e);
}

/* The OpenMP backend's engine, as `offload markers -b openmp` gets it. */
static void test_tables_openmp(void **state)
{
    (void)state;
    const struct backend_ops *omp = backend_find("openmp");
    assert_non_null(omp);
    assert_non_null(omp->markers_engine);
    struct backend_config cfg = {.threads = 2};
    struct backend_info info;
    void *backend_state = NULL;
    assert_int_equal(omp->init(&cfg, &backend_state, &info), OFFLOAD_OK);
    struct markers_engine e;
    assert_int_equal(omp->markers_engine(backend_state, PAIRS_COPY, &e), OFFLOAD_OK);
    check_all_tables(&e);
    omp->fini(backend_state);
}

/* test_minimalmarkers.py: 260 varieties, 1269 patterns, best possible
 * 33669 reached by the last pick, the first nine picks (pattern index,
 * cumulative score), Willy and Connie_2270 left unresolved. */
static void test_upstream_test_expectations(void **state)
{
    (void)state;
    static const struct {
        size_t pattern;
        int64_t cumulative;
    } first_nine[] = {{610, 21931}, {763, 29506}, {718, 32113}, {915, 33083}, {468, 33445},
                      {352, 33570}, {567, 33609}, {786, 33629}, {416, 33641}};
    struct selection s;
    memset(&s, 0, sizeof s);
    load_table(OFFLOAD_SOURCE_DATA_DIR "/AppleGenotypes.csv", &s);
    assert_int_equal(s.m.cols, 260);
    assert_int_equal(s.pat.count, 1269);
    assert_int_equal(markers_best_possible(&s.pat), 33669);
    struct markers_engine e = markers_engine_serial();
    select_with(&s, &e);
    assert_int_equal(s.res.picks[s.res.npicks - 1].cumulative, 33669);
    assert_int_equal(s.res.npicks, 22);
    for (size_t i = 0; i < 9; i++) {
        assert_int_equal(s.res.picks[i].pattern, first_nine[i].pattern);
        assert_int_equal(s.res.picks[i].cumulative, first_nine[i].cumulative);
    }
    assert_int_equal(s.res.unresolved.count, 1);
    assert_string_equal(s.m.col_names[s.res.unresolved.pair[0]], "Willy");
    assert_string_equal(s.m.col_names[s.res.unresolved.pair[1]], "Connie_2270");
    selection_free(&s);
}

/* Both argsorts give the order numpy 1.24.2 and numba 0.56.4 gave. */
static void test_argsort_ports(void **state)
{
    (void)state;
    char *text = read_fixture("argsort_cases.txt");
    size_t cases = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        char kind[16];
        int used = 0;
        size_t n;
        assert_int_equal(sscanf(line, "%15s %zu%n", kind, &n, &used), 2);
        const char *p = line + used;
        int64_t *v = calloc(n + 1, sizeof *v);
        size_t *want = calloc(n + 1, sizeof *want), *got = calloc(n + 1, sizeof *got);
        assert_true(v && want && got);
        for (size_t i = 0; i < n; i++) {
            long long x;
            assert_int_equal(sscanf(p, "%lld%n", &x, &used), 1);
            v[i] = x;
            p += used;
        }
        p = strchr(p, ':');
        assert_non_null(p);
        p++;
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(sscanf(p, "%zu%n", &want[i], &used), 1);
            p += used;
        }
        if (strcmp(kind, "numpy") == 0)
            assert_int_equal(markers_argsort_numpy(v, n, got), OFFLOAD_OK);
        else
            assert_int_equal(markers_argsort_numba(v, n, got), OFFLOAD_OK);
        for (size_t i = 0; i < n; i++)
            if (got[i] != want[i])
                fail_msg("%s argsort of %zu values: index %zu is %zu, %s gives %zu", kind, n, i,
                         got[i], kind, want[i]);
        cases++;
        free(v);
        free(want);
        free(got);
    }
    assert_true(cases >= 40);
    free(text);
}

static void test_minor_count(void **state)
{
    (void)state;
    /* The minor allele is the middle count: 3 zeros, 5 ones, 2 twos -> 3. */
    int8_t row[10] = {0, 0, 0, 1, 1, 1, 1, 1, 2, 2};
    assert_int_equal(markers_minor_count(row, 10, 0.9, 0.001), 3);
    /* One allele: dropped. */
    int8_t mono[4] = {1, 1, 1, GENOTYPE_MISSING};
    assert_int_equal(markers_minor_count(mono, 4, 0.0, 0.0), 0);
    /* 9 of 10 called is a call rate of 0.9: kept at 0.9, dropped at 0.91. */
    int8_t one_missing[10] = {0, 0, 0, 0, 2, 2, 2, 2, 2, GENOTYPE_MISSING};
    assert_int_equal(markers_minor_count(one_missing, 10, 0.9, 0.001), 4);
    assert_int_equal(markers_minor_count(one_missing, 10, 0.91, 0.001), 0);
    /* MAF: a minor count of 1 in 10 is 0.1: kept at 0.1, dropped above. */
    int8_t rare[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    assert_int_equal(markers_minor_count(rare, 10, 0.9, 0.1), 1);
    assert_int_equal(markers_minor_count(rare, 10, 0.9, 0.11), 0);
}

static void expect_nothing_passes(const char *csv)
{
    char err[1024];
    struct genotype_matrix m;
    struct genotype_load_options lo = genotype_default_options();
    lo.warnings = NULL;
    assert_int_equal(genotype_load_file(csv, &lo, &m, err, sizeof err), OFFLOAD_OK);
    struct markers_options o = markers_default_options();
    struct marker_patterns pat;
    assert_int_equal(markers_prepare(&m, &o, &pat, err, sizeof err), OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(err, "no marker passes the filters"));
    assert_int_equal(pat.count, 0);
    genotype_free(&m);
}

static void test_all_filtered_and_one_variety(void **state)
{
    (void)state;
    expect_nothing_passes(FIXTURES "all_filtered.csv");
    expect_nothing_passes(FIXTURES "one_variety.csv");
}

/* Fast scores (bit planes, carry-save counters) against the pair-by-pair
 * reference, on random patterns with missing calls, on every pair and on
 * what is left after removing the pairs of a few patterns; sizes around
 * the block of 512 patterns and the group of 8 pairs. */
static void test_fast_scores_match_reference(void **state)
{
    (void)state;
    static const size_t shapes[][3] = {{7, 3, 5},     {64, 9, 5},    {513, 17, 5},   {1100, 70, 5},
                                       {1100, 70, 3}, {300, 200, 3}, {300, 200, 200}};
    uint64_t seed = 12345;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        /* shapes[s][2]: one call in that many is missing (3: none), so the
         * cells (clean varieties) and the listed pairs both get exercised. */
        size_t rows = shapes[s][0], cols = shapes[s][1], one_in = shapes[s][2];
        struct genotype_matrix m;
        memset(&m, 0, sizeof m);
        m.rows = rows;
        m.cols = cols;
        m.calls = malloc(rows * cols);
        m.row_ids = calloc(rows, sizeof *m.row_ids);
        assert_true(m.calls && m.row_ids);
        for (size_t i = 0; i < rows * cols; i++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            size_t x = (size_t)(seed >> 33) % (one_in > 3 ? one_in : 3);
            m.calls[i] = one_in > 3 && x == one_in - 1 ? GENOTYPE_MISSING : (int8_t)(x % 3);
        }
        /* No filter, so every row with two alleles is a pattern. */
        struct markers_options o = markers_default_options();
        o.min_call_rate = 0.0;
        o.min_maf = 0.0;
        struct marker_patterns pat;
        char err[256];
        if (markers_prepare(&m, &o, &pat, err, sizeof err) != OFFLOAD_OK)
            fail_msg("%zu x %zu: %s", rows, cols, err);
        struct marker_pairs pairs;
        assert_int_equal(markers_pairs_init(&pairs, cols), OFFLOAD_OK);
        int64_t *fast = calloc(pat.count, sizeof *fast);
        assert_non_null(fast);
        for (size_t round = 0; round < 6 && round < pat.count; round++) {
            markers_score_words(&pat, &pairs, 0, pat.words, fast);
            for (size_t p = 0; p < pat.count; p++)
                if (fast[p] != markers_score(&pat, &pairs, p))
                    fail_msg("%zu x %zu, round %zu: pattern %zu scores %lld fast, %lld by pairs",
                             rows, cols, round, p, (long long)fast[p],
                             (long long)markers_score(&pat, &pairs, p));
            assert_int_equal(markers_pairs_remove(&pairs, &pat, round * 7 % pat.count), OFFLOAD_OK);
        }
        free(fast);
        markers_pairs_free(&pairs);
        markers_patterns_free(&pat);
        free(m.calls);
        free(m.row_ids);
    }
}

/* Every backend's engine, in each pair strategy and OpenCL work-group path,
 * picks what the serial engine picks. A backend that cannot start here (no
 * OpenCL platform) is reported and left out. */
static void test_every_backend_against_serial(void **state)
{
    (void)state;
    static const char *const tables[] = {OFFLOAD_SOURCE_DATA_DIR "/AppleGenotypes.csv",
                                         FIXTURES "ties.csv", FIXTURES "missing.csv",
                                         FIXTURES "chunked.csv"};
    struct markers_options o = markers_default_options();
    size_t compared = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        struct selection s;
        memset(&s, 0, sizeof s);
        load_table(tables[t], &s);
        struct markers_engine serial = markers_engine_serial();
        select_with(&s, &serial);
        for (size_t b = 0; b < offload_backend_count; b++) {
            const struct backend_ops *ops = offload_backends[b];
            if (!ops->markers_engine)
                continue;
            /* A backend with work-group paths (OpenCL's --opencl-path) runs both. */
            int path_option = backend_option_index(ops, "opencl-path");
            for (int gpu_path = 0; gpu_path <= (path_option >= 0); gpu_path++) {
                struct backend_config cfg = {.threads = 2, .quiet = 1};
                if (path_option >= 0)
                    cfg.options[path_option] = gpu_path ? "gpu" : "cpu";
                struct backend_info info;
                void *st = NULL;
                if (ops->init(&cfg, &st, &info) != OFFLOAD_OK) {
                    print_message("%s cannot start here: left out\n", ops->name);
                    continue;
                }
                for (int mode = PAIRS_COPY; mode <= PAIRS_RESIDENT; mode++) {
                    struct markers_engine e;
                    struct markers_result r;
                    assert_int_equal(ops->markers_engine(st, (enum markers_pairs_mode)mode, &e),
                                     OFFLOAD_OK);
                    assert_int_equal(markers_select(&s.pat, &o, &e, NULL, NULL, &r), OFFLOAD_OK);
                    if (!markers_same_picks(&r, &s.res))
                        fail_msg("%s: %s (%s path) picks %zu markers, serial %zu", tables[t],
                                 e.name, gpu_path ? "gpu" : "cpu", r.npicks, s.res.npicks);
                    assert_int_equal(r.unresolved.count, s.res.unresolved.count);
                    markers_result_free(&r);
                    compared++;
                }
                ops->fini(st);
            }
        }
        selection_free(&s);
    }
    assert_true(compared >= 4 * 2 * 2); /* serial and openmp at least, both modes */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_argsort_ports),
        cmocka_unit_test(test_minor_count),
        cmocka_unit_test(test_fast_scores_match_reference),
        cmocka_unit_test(test_upstream_test_expectations),
        cmocka_unit_test(test_tables_serial),
        cmocka_unit_test(test_tables_openmp),
        cmocka_unit_test(test_all_filtered_and_one_variety),
        cmocka_unit_test(test_every_backend_against_serial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
