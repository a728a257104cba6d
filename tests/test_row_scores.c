/* The OpenMP backend's row scores: the AVX2 and the generic versions both
 * against the tutorial's pair loop, on ragged row lengths and rows long
 * enough to flush the byte counters (255 vectors = 8160 calls) more than
 * once. The AVX2 version runs only where the CPU has AVX2 (and says so). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "genotype.h"
#include "row_scores.h"

static int64_t tutorial_score(const int8_t *row, size_t cols)
{
    int64_t score = 0;
    for (size_t i = 0; i < cols; i++) {
        if (row[i] == GENOTYPE_MISSING)
            continue;
        for (size_t j = i + 1; j < cols; j++)
            score += row[j] != GENOTYPE_MISSING && row[j] != row[i];
    }
    return score;
}

static void check_rows(int avx2)
{
    const size_t lengths[] = {1, 2, 3, 4, 5, 31, 32, 33, 63, 64, 65, 260, 1000, 8160, 8161, 17000};
    const unsigned missing[] = {0, 10, 100};
    unsigned seed = 7;
    for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++)
        for (size_t m = 0; m < 3; m++) {
            size_t cols = lengths[l];
            int8_t *row = malloc(cols);
            int8_t *pad = aligned_alloc(64, row_score_pad_bytes(cols));
            assert_non_null(row);
            assert_non_null(pad);
            for (size_t c = 0; c < cols; c++) {
                seed = seed * 1103515245u + 12345u;
                unsigned r = (seed >> 16) % 100;
                row[c] = r < missing[m] ? GENOTYPE_MISSING : (int8_t)((seed >> 8) % 3);
            }
            int64_t want = tutorial_score(row, cols);
            if (row_score_naive(row, cols, pad, avx2) != want ||
                row_score_fast(row, cols, avx2) != want)
                fail_msg("avx2=%d, %zu calls, %u%% missing: naive %lld, fast %lld, want %lld", avx2,
                         cols, missing[m], (long long)row_score_naive(row, cols, pad, avx2),
                         (long long)row_score_fast(row, cols, avx2), (long long)want);
            free(row);
            free(pad);
        }
}

static void test_generic(void **state)
{
    (void)state;
    check_rows(0);
}

static void test_avx2(void **state)
{
    (void)state;
    if (!row_scores_use_avx2()) {
        print_message("this CPU has no AVX2: the AVX2 row scores are not tested here\n");
        skip();
    }
    check_rows(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generic),
        cmocka_unit_test(test_avx2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
