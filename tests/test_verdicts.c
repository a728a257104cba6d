/* Property tests of the verdict sentences: for every kernel, a grid of
 * fixture ceilings, devices, memory modes and measured times, the claims a
 * sentence makes must follow from the numbers beside it:
 *   - a limit called "near" is at least 80% used;
 *   - "more cores would help" only when the operation units are near their
 *     ceiling and memory leaves room;
 *   - never advise the memory mode or the algorithm already in use;
 *   - every share above 100% comes with why;
 *   - the ceiling column is the share of the limit the verdict names, and the
 *     sentence prints that same share. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

#define NEAR 0.80

/* A run whose samples all take the given phase times (negative = none). */
static void fake_run(struct run_result *r, double copy_in, double kernel, double copy_out)
{
    memset(r, 0, sizeof *r);
    r->status = OFFLOAD_OK;
    r->samples = 1;
    double t[RUN_PHASE_COUNT] = {[PHASE_COPY_IN] = copy_in,
                                 [PHASE_KERNEL] = kernel,
                                 [PHASE_COPY_OUT] = copy_out,
                                 [PHASE_TOTAL] = (copy_in > 0 ? copy_in : 0) + kernel +
                                                 (copy_out > 0 ? copy_out : 0),
                                 [PHASE_DISTRIBUTE] = -1, /* one process: no ranks */
                                 [PHASE_COLLECT] = -1};
    for (int p = 0; p < RUN_PHASE_COUNT; p++)
        r->stats[p] = stats_compute(&t[p], t[p] >= 0 ? 1 : 0);
    r->check.ok = 1;
}

/* Every "N%" in s, at most cap of them; returns how many. */
static size_t percents(const char *s, double *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = strchr(s, '%'); p && n < cap; p = strchr(p + 1, '%')) {
        const char *b = p;
        while (b > s && ((b[-1] >= '0' && b[-1] <= '9') || b[-1] == '.'))
            b--;
        if (b < p)
            out[n++] = strtod(b, NULL);
    }
    return n;
}

/* The first "N%" after position p, or -1. */
static double next_percent(const char *p)
{
    double v[1];
    const char *pct = strchr(p, '%');
    if (!pct)
        return -1;
    char buf[64];
    size_t len = (size_t)(pct - p + 1) < sizeof buf - 1 ? (size_t)(pct - p + 1) : sizeof buf - 1;
    memcpy(buf, pct + 1 - len, len);
    buf[len] = 0;
    return percents(buf, v, 1) ? v[0] : -1;
}

struct grid_point {
    const struct kernel_input *in;
    const struct ceilings *c;
    const struct backend_info *info;
    double kernel_s, copy_s;
};

static void describe(const struct grid_point *g, const struct analysis *a)
{
    fprintf(stderr,
            "kernel %d alg %d, kernel %.3g s, copies %.3g s, mode %d (has %d), unified %d, "
            "threads %d, cache %.3g: %s: %s\n",
            (int)g->in->kernel, (int)g->in->alg, g->kernel_s, g->copy_s, (int)g->info->memory_mode,
            g->info->has_memory_mode, g->info->unified_memory, g->info->threads,
            g->info->cache_bytes, verdict_name(a->verdict), a->reason);
}

/* The share of the limit the verdict names, from the numbers themselves. */
static double named_share(const struct analysis *a, const struct run_result *r,
                          const struct grid_point *g)
{
    switch (a->verdict) {
    case VERDICT_MEMORY:
        return a->peak_gbps > 0 ? a->gbps / a->peak_gbps : 0;
    case VERDICT_COMPUTE:
        return a->peak_gops > 0 ? a->gops / a->peak_gops : 0;
    case VERDICT_TRANSFER: {
        enum offload_memory_mode m = g->info->has_memory_mode ? g->info->memory_mode : MEM_COPY;
        double out = (double)kernel_output_bytes(g->in), in = a->work.bytes - out;
        double copies = r->stats[PHASE_COPY_IN].min + r->stats[PHASE_COPY_OUT].min;
        if (!g->c || g->c->transfer[m].to_device <= 0)
            return 0;
        return (in / g->c->transfer[m].to_device + out / g->c->transfer[m].from_device) / copies;
    }
    case VERDICT_LAUNCH:
    case VERDICT_OCCUPANCY: /* set after analyse_run, from a launch (occupancy.c) */
    case VERDICT_COMMUNICATION: /* no ceiling share: the phases are the measure */
        return 0;
    }
    return -1;
}

static int has(const char *s, const char *what)
{
    return strstr(s, what) != NULL;
}

static enum verdict check_point(const struct grid_point *g, size_t *checked)
{
    struct run_result r;
    fake_run(&r, g->copy_s > 0 ? g->copy_s / 2 : -1, g->kernel_s, g->copy_s > 0 ? g->copy_s / 2 : -1);
    struct analysis a = analyse_run(g->in, &r, g->info, g->c);
    const char *s = a.reason;
    int ok = 1;
    double mem = a.peak_gbps > 0 ? a.gbps / a.peak_gbps : 0;
    double ops = a.peak_gops > 0 ? a.gops / a.peak_gops : 0;

    /* "near" claims: the next share printed after each is >= 80%. */
    for (const char *p = strstr(s, "near"); p; p = strstr(p + 1, "near")) {
        double v = next_percent(p);
        if (v >= 0 && v < 100 * NEAR - 0.5)
            ok = 0;
    }
    if (has(s, "both are near their limit"))
        ok &= mem >= NEAR && ops >= NEAR;
    if (has(s, "memory is near"))
        ok &= mem >= NEAR;
    if (has(s, "units are near"))
        ok &= ops >= NEAR;
    /* More cores: only near the operation ceiling, with memory to spare. */
    if (has(s, "more cores or wider vectors would help"))
        ok &= ops >= NEAR && mem < NEAR;
    if (has(s, "more cores together would help"))
        ok &= ops >= NEAR && mem >= NEAR;
    if (has(s, "more cores would not"))
        ok &= mem >= NEAR;
    /* Never the mode or algorithm in use. */
    if (has(s, "--memory zero-copy"))
        ok &= !(g->info->has_memory_mode && g->info->memory_mode == MEM_ZERO_COPY);
    if (has(s, "--memory pinned"))
        ok &= !(g->info->has_memory_mode && g->info->memory_mode == MEM_PINNED);
    if (has(s, "--algorithm fast"))
        ok &= g->in->alg == ALG_NAIVE;
    /* Above 100%: always explained. */
    double v[16];
    size_t n = percents(s, v, 16);
    for (size_t i = 0; i < n; i++)
        if (v[i] > 100.5)
            ok &= has(s, "above 100%");
    /* The ceiling column: the named limit's share, printed in the sentence. */
    double share = named_share(&a, &r, g);
    if (a.ceiling_fraction > 0) {
        ok &= share > 0 && a.ceiling_fraction > share * 0.999 && a.ceiling_fraction < share * 1.001;
        char pct[16];
        snprintf(pct, sizeof pct, "%.0f%%", 100 * a.ceiling_fraction);
        ok &= has(s, pct);
    } else {
        /* No share shown: the limit was not measured, is the launch, or
         * the data came from cache (explained). */
        ok &= a.verdict == VERDICT_LAUNCH || share == 0 || has(s, "cache") ||
              has(s, "no ceilings measured");
    }
    ok &= strchr(s, ',') == NULL && strlen(s) > 20;
    if (!ok)
        describe(g, &a);
    assert_true(ok);
    (*checked)++;
    return a.verdict;
}

static void test_verdict_properties(void **state)
{
    (void)state;
    static double values[20000];
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        values[i] = (double)(i % 97);
    int8_t *calls = calloc(2000 * 300, 1);
    assert_non_null(calls);
    struct genotype_matrix m = {.rows = 2000, .cols = 300, .calls = calls};
    struct kernel_input inputs[] = {
        {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 10000000},
        {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 1000},
        {.kernel = KERNEL_SUMSQRT, .alg = ALG_NAIVE, .n = 20000, .in = values},
        {.kernel = KERNEL_SUMSQRT, .alg = ALG_FAST, .n = 20000, .in = values},
        {.kernel = KERNEL_SCORES, .alg = ALG_NAIVE, .matrix = &m},
        {.kernel = KERNEL_SCORES, .alg = ALG_FAST, .matrix = &m},
    };
    struct ceilings ceilings[4] = {
        {.stream_triad = 20e9, .sqrt_f64 = 2e9, .compare_i8 = 40e9},
        {.stream_triad = 20e9, .convert_f64_f32 = 15e9, .stream_read = 25e9, .sqrt_f64 = 8e9},
        {.stream_triad = 300e9, .sqrt_f64 = 500e9, .compare_i8 = 2000e9, .launch_latency = 8e-6},
        {.stream_triad = 17e9, .sqrt_f64 = 1.7e9, .compare_i8 = 30e9, .launch_latency = 30e-6},
    };
    for (size_t i = 2; i < 4; i++) {
        ceilings[i].transfer[MEM_COPY].to_device = 10e9;
        ceilings[i].transfer[MEM_COPY].from_device = 12e9;
        ceilings[i].transfer[MEM_PINNED].to_device = i == 2 ? 25e9 : 9e9;
        ceilings[i].transfer[MEM_PINNED].from_device = i == 2 ? 25e9 : 9e9;
        ceilings[i].transfer[MEM_ZERO_COPY].zero_copy = 1;
    }
    struct backend_info infos[] = {
        {.threads = 1, .cache_bytes = 32.0 * 1024 * 1024},
        {.threads = 2, .cache_bytes = 0},
        {.threads = 0, .has_memory_mode = 1, .memory_mode = MEM_COPY, .unified_memory = 0},
        {.threads = 0, .has_memory_mode = 1, .memory_mode = MEM_PINNED, .unified_memory = 0},
        {.threads = 0, .has_memory_mode = 1, .memory_mode = MEM_COPY, .unified_memory = 1},
        {.threads = 0, .has_memory_mode = 1, .memory_mode = MEM_ZERO_COPY, .unified_memory = 1,
         .cache_bytes = 1024.0 * 1024},
    };
    /* The kernel times span 0.3x to 3x of what each limit predicts, so
     * every verdict, near and far, and shares above 100% all occur. */
    const double scale[] = {0.3, 0.6, 0.9, 0.98, 1.03, 1.2, 1.5, 2.5, 5, 20};
    const double copy_share[] = {0, 0.2, 1, 4};
    size_t checked = 0;
    int seen[4] = {0};
    for (size_t ii = 0; ii < sizeof inputs / sizeof inputs[0]; ii++)
        for (size_t ci = 0; ci < 5; ci++)
            for (size_t di = 0; di < sizeof infos / sizeof infos[0]; di++)
                for (size_t si = 0; si < sizeof scale / sizeof scale[0]; si++)
                    for (size_t ti = 0; ti < sizeof copy_share / sizeof copy_share[0]; ti++) {
                        const struct ceilings *c = ci < 4 ? &ceilings[ci] : NULL;
                        struct kernel_work w = kernel_work_of(&inputs[ii]);
                        /* The time the slower of memory and operations predicts. */
                        double base = c ? w.bytes / c->stream_triad : 1e-3;
                        if (c && c->sqrt_f64 > 0 && w.ops / c->sqrt_f64 > base)
                            base = w.ops / c->sqrt_f64;
                        double kernel = base * scale[si];
                        struct grid_point g = {&inputs[ii], c, &infos[di], kernel,
                                               infos[di].threads ? 0 : kernel * copy_share[ti]};
                        if (infos[di].threads && ti)
                            continue;
                        seen[check_point(&g, &checked)] = 1;
                    }
    /* The grid reaches every verdict; the runs above checked each point. */
    assert_true(seen[VERDICT_MEMORY] && seen[VERDICT_COMPUTE] && seen[VERDICT_LAUNCH] &&
                seen[VERDICT_TRANSFER]);
    assert_true(checked > 1000);
    free(calls);
}

/* The sentences the issue quoted, from the numbers that produced them:
 * each claim they made is now checked against those numbers. */
static void test_quoted_contradictions(void **state)
{
    (void)state;
    /* compare sqrt, opencl zero-copy at 50% and 44%: predicted times within
     * 15% but far from either limit: not "near". */
    struct kernel_input sq = {.kernel = KERNEL_SQRT, .alg = ALG_NAIVE, .n = 10000000};
    struct ceilings c = {.stream_triad = 20e9, .sqrt_f64 = 1.85e9, .launch_latency = 20e-6};
    struct backend_info zc = {.has_memory_mode = 1, .memory_mode = MEM_ZERO_COPY,
                              .unified_memory = 1};
    struct run_result r;
    fake_run(&r, 1e-5, 12e-3, 1e-5); /* 10 GB/s: 50% of memory */
    struct analysis a = analyse_run(&sq, &r, &zc, &c);
    assert_int_equal(a.near_both, 1);
    assert_null(strstr(a.reason, "near their limit"));
    assert_non_null(strstr(a.reason, "neither limit is reached"));
    /* run sqrt -t 1000: 0% of the memory ceiling never says "more cores
     * would not". */
    struct backend_info many = {.threads = 1000};
    fake_run(&r, -1, 5.0, -1);
    a = analyse_run(&sq, &r, &many, &c);
    assert_null(strstr(a.reason, "more cores would not"));
    /* scores fast on serial: compute-bound with no compare ceiling shows no
     * memory share in the ceiling column. */
    int8_t *calls = calloc(2000 * 300, 1);
    struct genotype_matrix m = {.rows = 2000, .cols = 300, .calls = calls};
    struct kernel_input sc = {.kernel = KERNEL_SCORES, .alg = ALG_FAST, .matrix = &m};
    struct backend_info serial = {.threads = 1};
    fake_run(&r, -1, 1e-3, -1); /* 0.6 GB/s: 3% of memory */
    a = analyse_run(&sc, &r, &serial, &c);
    assert_int_equal(a.verdict, VERDICT_COMPUTE);
    assert_true(a.ceiling_fraction == 0);
    free(calls);
    /* run sqrt -b opencl --memory zero-copy, transfer-bound: zero-copy is
     * in use, so it is not advised. */
    fake_run(&r, 3e-3, 1e-3, 3e-3);
    a = analyse_run(&sq, &r, &zc, &c);
    assert_int_equal(a.verdict, VERDICT_TRANSFER);
    assert_null(strstr(a.reason, "--memory zero-copy"));
    zc.memory_mode = MEM_COPY;
    a = analyse_run(&sq, &r, &zc, &c);
    assert_non_null(strstr(a.reason, "--memory zero-copy"));
}

/* The scaling told apart: code x threads is the speedup over serial, and
 * the memory reason is given only for a memory-bound run, from the
 * ceilings, with where memory saturates. */
static void test_scaling_split(void **state)
{
    (void)state;
    char line[512];
    /* sumsqrt as the issue saw it: 11.66x = 5.89x code x 1.98x threads. */
    struct scaling_split s = {.serial_s = 11.66, .one_thread_s = 1.98, .threaded_s = 1.0,
                              .threads = 2};
    explain_scaling_split(&s, line, sizeof line);
    assert_non_null(strstr(line, "on 2 threads 11.7x serial"));
    assert_non_null(strstr(line, "5.89x from the code"));
    assert_non_null(strstr(line, "1.98x from threads (1 to 2)"));
    assert_null(strstr(line, "memory"));
    /* sqrt: one core reaches 11 of 20 GB/s: threads give up to 1.8x, memory
     * saturates at about 2 threads. */
    s = (struct scaling_split){.serial_s = 10e-3, .one_thread_s = 10e-3, .threaded_s = 5.5e-3,
                               .threads = 2, .one_core_gbps = 11, .all_cores_gbps = 20,
                               .memory_bound = 1};
    explain_scaling_split(&s, line, sizeof line);
    assert_non_null(strstr(line, "one core reaches 11 of the 20 GB/s that 2 threads reach"));
    assert_non_null(strstr(line, "up to 1.8x"));
    assert_non_null(strstr(line, "saturates at about 2 threads"));
    /* Ceilings from a busy machine (one core above all): no reason drawn. */
    s.one_core_gbps = 29;
    s.all_cores_gbps = 17;
    explain_scaling_split(&s, line, sizeof line);
    assert_null(strstr(line, "saturates"));
    assert_non_null(strstr(line, "--recalibrate"));
    /* One run only: nothing to tell apart. */
    s = (struct scaling_split){.threaded_s = 1.0, .threads = 2};
    assert_string_equal(explain_scaling_split(&s, line, sizeof line), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_properties),
        cmocka_unit_test(test_quoted_contradictions),
        cmocka_unit_test(test_scaling_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
