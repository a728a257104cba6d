/* Unit tests for reading a genotype table in parts (host/io/genotype_part.c):
 * every part in its own thread, with an exchange made of a barrier, as the
 * MPI ranks make it (host/ranks/ranks_table_mpi.c). The parts put together
 * must be the table genotype_load_file reads: the same rows in the same
 * order, the same counts, warnings and errors, said once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "genotype.h"

#define MAX_PARTS 8
#define GATHER_MAX 4096

/* What the threads share: each part's values, then the answers. */
struct fake_job {
    pthread_barrier_t barrier;
    int parts;
    uint64_t values[MAX_PARTS][8];
    unsigned char gathered[MAX_PARTS * GATHER_MAX];
    size_t sum_calls[MAX_PARTS], gather_calls[MAX_PARTS];
};

struct fake_part {
    struct fake_job *job;
    int part;
    const char *path;
    double percent;
    struct genotype_matrix m;
    enum offload_status st;
    char err[512];
    char *warnings; /* what this part printed */
    size_t warnings_len;
};

static void fake_sums(void *ctx, const uint64_t *v, uint64_t *before, uint64_t *total, size_t n)
{
    struct fake_part *p = ctx;
    struct fake_job *j = p->job;
    memcpy(j->values[p->part], v, n * sizeof *v);
    pthread_barrier_wait(&j->barrier);
    for (size_t i = 0; i < n; i++) {
        before[i] = total[i] = 0;
        for (int q = 0; q < j->parts; q++) {
            total[i] += j->values[q][i];
            before[i] += q < p->part ? j->values[q][i] : 0;
        }
    }
    p->job->sum_calls[p->part]++;
    pthread_barrier_wait(&j->barrier); /* no part writes again before all have read */
}

static void fake_gather(void *ctx, const void *mine, void *all, size_t bytes)
{
    struct fake_part *p = ctx;
    struct fake_job *j = p->job;
    assert_true(bytes <= GATHER_MAX);
    memcpy(j->gathered + (size_t)p->part * bytes, mine, bytes);
    pthread_barrier_wait(&j->barrier);
    if (p->part == 0 && all)
        memcpy(all, j->gathered, (size_t)j->parts * bytes);
    p->job->gather_calls[p->part]++;
    pthread_barrier_wait(&j->barrier);
}

static void *run_part(void *arg)
{
    struct fake_part *p = arg;
    struct genotype_load_options o = genotype_default_options();
    o.percent = p->percent;
    FILE *w = open_memstream(&p->warnings, &p->warnings_len);
    o.warnings = w;
    o.threads = 1;
    struct genotype_exchange ex = {p, p->part, p->job->parts, fake_sums, fake_gather};
    p->st = genotype_load_part(p->path, &o, &ex, &p->m, p->err, sizeof p->err);
    fclose(w);
    return NULL;
}

static char *write_table(const char *text, size_t len)
{
    char *path = strdup("/tmp/offload_parts_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

/* The table read whole, with its warnings. */
struct whole {
    struct genotype_matrix m;
    enum offload_status st;
    char err[512];
    char *warnings;
    size_t warnings_len;
};

static void read_whole(const char *path, double percent, struct whole *w)
{
    struct genotype_load_options o = genotype_default_options();
    o.percent = percent;
    FILE *f = open_memstream(&w->warnings, &w->warnings_len);
    o.warnings = f;
    w->st = genotype_load_file(path, &o, &w->m, w->err, sizeof w->err);
    fclose(f);
}

/* The parts of one run agree with the whole table. */
static void check_parts(const struct whole *w, struct fake_part *p, int parts)
{
    size_t row = 0;
    for (int i = 0; i < parts; i++) {
        assert_int_equal(p[i].st, w->st);
        /* Part 0 says what the whole table's reader says; the others nothing. */
        assert_string_equal(p[i].err, i == 0 ? w->err : "");
        assert_string_equal(p[i].warnings, i == 0 ? w->warnings : "");
        if (w->st != OFFLOAD_OK)
            continue;
        const struct genotype_matrix *m = &p[i].m;
        assert_int_equal(m->row0, row);
        assert_int_equal(m->all_rows, w->m.rows);
        assert_int_equal(m->cols, w->m.cols);
        assert_int_equal(m->data_lines, w->m.data_lines);
        assert_int_equal(m->lines_kept, w->m.lines_kept);
        assert_int_equal(m->rows_skipped, w->m.rows_skipped);
        for (size_t r = 0; r < m->rows; r++, row++) {
            assert_string_equal(m->row_ids[r], w->m.row_ids[row]);
            assert_memory_equal(m->calls + r * m->cols, w->m.calls + row * m->cols, m->cols);
            assert_true(r == 0 || m->row_line[r] > m->row_line[r - 1]);
        }
        for (size_t c = 0; c < m->cols; c++)
            assert_string_equal(m->col_names[c], w->m.col_names[c]);
    }
    if (w->st == OFFLOAD_OK)
        assert_int_equal(row, w->m.rows);
    /* Every part made the same exchanges, so none would wait for ever. */
    for (int i = 1; i < parts; i++) {
        assert_int_equal(p[i].job->sum_calls[i], p[0].job->sum_calls[0]);
        assert_int_equal(p[i].job->gather_calls[i], p[0].job->gather_calls[0]);
    }
}

/* text read whole and in 1 .. MAX_PARTS parts: the same table. */
static void same_in_parts(const char *text, size_t len, double percent)
{
    char *path = write_table(text, len);
    struct whole w;
    memset(&w, 0, sizeof w);
    read_whole(path, percent, &w);
    for (int parts = 1; parts <= MAX_PARTS; parts++) {
        struct fake_job job;
        memset(&job, 0, sizeof job);
        job.parts = parts;
        pthread_barrier_init(&job.barrier, NULL, (unsigned)parts);
        struct fake_part p[MAX_PARTS];
        pthread_t th[MAX_PARTS];
        memset(p, 0, sizeof p);
        for (int i = 0; i < parts; i++) {
            p[i] = (struct fake_part){.job = &job, .part = i, .path = path, .percent = percent};
            assert_int_equal(pthread_create(&th[i], NULL, run_part, &p[i]), 0);
        }
        for (int i = 0; i < parts; i++)
            pthread_join(th[i], NULL);
        check_parts(&w, p, parts);
        for (int i = 0; i < parts; i++) {
            genotype_free(&p[i].m);
            free(p[i].warnings);
        }
        pthread_barrier_destroy(&job.barrier);
    }
    genotype_free(&w.m);
    free(w.warnings);
    unlink(path);
    free(path);
}

#define SAME(text, percent) same_in_parts(text, sizeof text - 1, percent)

static void test_crlf_and_no_final_newline(void **state)
{
    (void)state;
    SAME("code,A,B,C\r\nm1,0,1,2\r\nm2,2,1,0\r\nm3,AB,A,B\r\nm4,0,0,1\r\nm5,1,1,x", 100.0);
}

static void test_more_parts_than_lines(void **state)
{
    (void)state;
    SAME("code,A,B\nm1,0,2\nm2,2,0\n", 100.0); /* 2 lines on up to 8 parts */
    SAME("code,A,B\nonly,0,2", 100.0);
}

static void test_blank_lines_and_long_line(void **state)
{
    (void)state;
    SAME("\n\n  \ncode,A,B,C\n\nm1,0,1,2\n\n\nm2,2,1,0\nlong_marker_id_that_straddles_"
         "every_boundary_of_the_parts_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,1,1,1\n\nm4,"
         "0,0,1\n",
         100.0);
}

static void test_skipped_rows_warned_once_in_order(void **state)
{
    (void)state;
    /* Wrong field counts all over: the first ten are named with their line. */
    SAME("code,A,B\nm1,0,1\nbad1,0\nm2,1,2\nbad2,0,1,2\nbad3\nm3,2,2\nbad4,1\nbad5,1\nbad6,1\n"
         "bad7,1\nm4,0,0\nbad8,1\nbad9,1\nbad10,1\nbad11,1\nbad12,1\nm5,1,0\n",
         100.0);
}

static void test_percent_keeps_the_same_rows(void **state)
{
    (void)state;
    const char *t = "code,A,B\nm1,0,1\nm2,1,2\nbad,1\nm3,2,2\n\nm4,0,0\nm5,1,0\nm6,2,1\nm7,0,2\n";
    for (double pc = 10; pc <= 100; pc += 15)
        same_in_parts(t, strlen(t), pc);
    same_in_parts(t, strlen(t), 5.0); /* keeps none: one error, from part 0 */
}

static void test_errors_said_once(void **state)
{
    (void)state;
    SAME("code,A,B\n", 100.0);                              /* no data lines */
    SAME("", 100.0);                                        /* empty */
    SAME("code\nm1\n", 100.0);                              /* no variety columns */
    SAME("code,A,B\nm1,0,1\nm2,1,2\nm3,2\0,2\nm4,0,0\n", 100.0); /* a NUL on a late line */
    SAME("code,A,B\nm1\nm2\n", 100.0);                     /* no usable rows */
    SAME("code,A,B\r m1,0,1\r", 100.0);                     /* CR-only line ends */
}

static void test_bundled_table(void **state)
{
    (void)state;
    FILE *f = fopen(OFFLOAD_SOURCE_DATA_DIR "/AppleGenotypes.csv", "rb");
    assert_non_null(f);
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof text, f);
    fclose(f);
    assert_true(len > 0 && len < sizeof text);
    same_in_parts(text, len, 100.0);
    same_in_parts(text, len, 37.5);
}

/* The bytes a part holds: calls, ids and their pointers, line numbers. */
static void test_bytes(void **state)
{
    (void)state;
    const char text[] = "code,A,B,C\nm1,0,1,2\nmarker2,2,1,0\n";
    char *path = write_table(text, sizeof text - 1);
    struct whole w;
    memset(&w, 0, sizeof w);
    read_whole(path, 100.0, &w);
    assert_int_equal(w.st, OFFLOAD_OK);
    /* 2 rows x 3 calls, ids "m1" and "marker2" with their NULs, 2 pointers */
    assert_int_equal(genotype_bytes(&w.m), 6 + 3 + 8 + 2 * sizeof(char *));
    genotype_free(&w.m);
    free(w.warnings);
    unlink(path);
    free(path);
}

static void test_not_a_regular_file(void **state)
{
    (void)state;
    struct fake_job job;
    memset(&job, 0, sizeof job);
    job.parts = 1;
    pthread_barrier_init(&job.barrier, NULL, 1);
    struct fake_part p = {.job = &job, .part = 0, .path = "/dev/null", .percent = 100.0};
    run_part(&p);
    assert_int_equal(p.st, OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(p.err, "not a regular file"));
    free(p.warnings); /* each run_part opens its own warnings stream */
    p.warnings = NULL;
    p.path = "/nonexistent/table.csv";
    run_part(&p);
    assert_int_equal(p.st, OFFLOAD_ERR_USAGE);
    assert_non_null(strstr(p.err, "cannot open"));
    free(p.warnings);
    pthread_barrier_destroy(&job.barrier);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crlf_and_no_final_newline),
        cmocka_unit_test(test_more_parts_than_lines),
        cmocka_unit_test(test_blank_lines_and_long_line),
        cmocka_unit_test(test_skipped_rows_warned_once_in_order),
        cmocka_unit_test(test_percent_keeps_the_same_rows),
        cmocka_unit_test(test_errors_said_once),
        cmocka_unit_test(test_bundled_table),
        cmocka_unit_test(test_bytes),
        cmocka_unit_test(test_not_a_regular_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
