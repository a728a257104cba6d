/* parse_bench: times genotype_load_file on tables given on the command line,
 * best of N runs, and says whether each meets its target time.
 *
 *   parse_bench [--repeats N] FILE:TARGET_MS [FILE:TARGET_MS ...]
 *
 * Prints one line per file (rows x cols, MB, best, median and first time,
 * MB/s from the best) and a `target ... PASS` or `FAIL` line; exits 1 if
 * any target fails. The time includes reading the file, as `offload scores`
 * pays it; the first run also pays for fresh pages and starting threads. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "genotype.h"
#include "timing.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Times one file; returns 1 when it misses its target, 2 on a load error. */
static int bench_file(const char *path, double target_ms, int repeats)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "parse_bench: %s: cannot stat\n", path);
        return 2;
    }
    double *t = malloc((size_t)repeats * sizeof *t);
    if (!t)
        return 2;
    struct genotype_load_options o = genotype_default_options();
    o.warnings = NULL;
    struct genotype_matrix m;
    char err[512];
    size_t rows = 0, cols = 0;
    for (int i = 0; i < repeats; i++) {
        double t0 = offload_now();
        enum offload_status s = genotype_load_file(path, &o, &m, err, sizeof err);
        t[i] = offload_now() - t0;
        if (s != OFFLOAD_OK) {
            fprintf(stderr, "parse_bench: %s\n", err);
            free(t);
            return 2;
        }
        rows = m.rows;
        cols = m.cols;
        genotype_free(&m);
    }
    /* The first run is what a one-shot `offload scores` pays: fresh pages. */
    double first = t[0];
    qsort(t, (size_t)repeats, sizeof *t, cmp_double);
    double best = t[0], mb = (double)st.st_size / 1e6;
    printf("%s: %zu x %zu, %.2f MB: best %.3f ms, median %.3f ms, first %.3f ms of %d; %.0f MB/s\n",
           path, rows, cols, mb, best * 1e3, t[repeats / 2] * 1e3, first * 1e3, repeats, mb / best);
    bool pass = best * 1e3 <= target_ms;
    printf("target %s <= %g ms: %s (%.3f ms)\n", path, target_ms, pass ? "PASS" : "FAIL",
           best * 1e3);
    free(t);
    return pass ? 0 : 1;
}

int main(int argc, char **argv)
{
    int repeats = 10, rc = 0, first = 1;
    if (argc > 2 && strcmp(argv[1], "--repeats") == 0) {
        repeats = atoi(argv[2]);
        first = 3;
    }
    if (repeats < 1 || first >= argc) {
        fprintf(stderr, "usage: parse_bench [--repeats N] FILE:TARGET_MS [FILE:TARGET_MS ...]\n");
        return 2;
    }
    for (int i = first; i < argc; i++) {
        char *colon = strrchr(argv[i], ':');
        double target = colon ? atof(colon + 1) : 0.0;
        if (!colon || target <= 0.0) {
            fprintf(stderr, "parse_bench: %s: want FILE:TARGET_MS\n", argv[i]);
            return 2;
        }
        *colon = '\0';
        int r = bench_file(argv[i], target, repeats);
        if (r > rc)
            rc = r;
    }
    return rc;
}
