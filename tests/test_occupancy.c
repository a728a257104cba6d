/* Occupancy: how much of a GPU a launch fills, from the descriptions real
 * GPUs give of themselves (each with where its numbers were published),
 * and when the verdict becomes occupancy-bound. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "occupancy.h"

#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

struct described_gpu {
    const char *name; /* CL_DEVICE_NAME */
    struct device_limits limits;
    double resident; /* what occupancy_of must find */
    int known;
    /* Where the description was published, and the two numbers of it the
     * occupancy does not use; 0 where that source does not print them
     * (never filled in from elsewhere). */
    const char *source;
    double global_mem_bytes;
    unsigned clock_mhz;
};

/* NVIDIA H100 and H200: no public clinfo output of either was found
 * (searched 2026-12-04: GitHub code and issue threads, clinfo dumps, "clinfo
 * H100", "H200 clinfo", "Max compute units 132/114"); the public printouts
 * of an H100 are CUDA's (deviceQuery-style: 132 SMs, 1024 threads per
 * block, 2048 per SM), not OpenCL's. The nearest public OpenCL description
 * of a Hopper GPU is the GH200's below, the same 132-SM GH100 as an H100
 * SXM and an H200.
 *
 * NVIDIA GH200 480GB: OpenCL-Benchmark's printout of the device's OpenCL
 * description in mredenti/PowerCapping (132 compute units at 1980 MHz,
 * 97280 MB of memory, 48 KB local memory); 1024 work-items per group and
 * a multiple of 32 are NVIDIA's OpenCL limits on every SM since Fermi (e.g.
 * "Max work group size 1024" in the Tesla T4 clinfo of
 * 10gic/vanitygen-plusplus issue 100). 2048 resident threads per SM: CUDA C
 * Programming Guide, compute capability 9.0. */
static const struct described_gpu gh200 = {
    "NVIDIA GH200 480GB",
    {.gpu = 1, .vendor = "NVIDIA Corporation", .compute_units = 132, .max_work_group = 1024,
     .preferred_multiple = 32, .local_mem_bytes = 48 * 1024},
    132 * 2048.0,
    1,
    "https://github.com/mredenti/PowerCapping/blob/HEAD/configuration/OpenCL_benchmark.md",
    97280.0 * 1024 * 1024,
    1980};

/* AMD Instinct MI300X: OpenCL names it by its ISA, gfx942, and its board
 * name says which product. 304 compute units and 64 KiB of LDS: ROCm's
 * "Accelerator and GPU hardware specifications" table (rocm.docs.amd.com,
 * docs-6.2.4); "Max Work-item Per CU: 2048(0x800)" and "Workgroup Max Size:
 * 1024": rocminfo of an MI300X in ROCm/rocm-examples issue 187. */
static const struct described_gpu mi300x = {
    "gfx942",
    {.gpu = 1, .vendor = "Advanced Micro Devices, Inc.", .board = "AMD Instinct MI300X",
     .compute_units = 304, .max_work_group = 1024, .preferred_multiple = 64,
     .local_mem_bytes = 64 * 1024},
    304 * 2048.0,
    1,
    "https://github.com/ROCm/rocm-examples/issues/187",
    0,
    0};

/* Intel Arc A750: clinfo in openvinotoolkit/openvino issue 20012
 * ("Preferred work group size multiple 64", sub-groups 8, 16, 32); 448
 * compute units = its 28 Xe-cores x 16 EUs, which Intel's OpenCL counts
 * one by one; 8 threads per Xe-HPG EU at SIMD16. */
static const struct described_gpu arc_a750 = {
    "Intel(R) Arc(TM) A750 Graphics",
    {.gpu = 1, .vendor = "Intel(R) Corporation", .compute_units = 448, .max_work_group = 1024,
     .preferred_multiple = 64, .local_mem_bytes = 64 * 1024},
    448 * 128.0,
    1,
    "https://github.com/openvinotoolkit/openvino/issues/20012",
    0,
    0};

/* A laptop iGPU, Intel Iris Xe Graphics: 96 compute units and a 512
 * work-item group limit, as llama.cpp issue 5467 lists it (sycl-ls). */
static const struct described_gpu iris_xe = {
    "Intel(R) Iris(R) Xe Graphics",
    {.gpu = 1, .vendor = "Intel(R) Corporation", .compute_units = 96, .max_work_group = 512,
     .preferred_multiple = 32, .local_mem_bytes = 64 * 1024},
    96 * 112.0,
    1,
    "https://github.com/ggml-org/llama.cpp/issues/5467",
    0,
    0};

/* Another laptop iGPU, AMD Radeon 890M (Ryzen AI 9 HX 370, gfx1150):
 * rocminfo in ROCm/legacy-rocm-build issue 5108: "Compute Unit: 16",
 * "Wavefront Size: 32", "Max Work-item Per CU: 1024(0x400)", "Max Clock
 * Freq. (MHz): 2900". */
static const struct described_gpu radeon_890m = {
    "gfx1150",
    {.gpu = 1, .vendor = "Advanced Micro Devices, Inc.", .board = "AMD Radeon 890M Graphics",
     .compute_units = 16, .max_work_group = 1024, .preferred_multiple = 32,
     .local_mem_bytes = 64 * 1024},
    16 * 1024.0,
    1,
    "https://github.com/ROCm/legacy-rocm-build/issues/5108",
    0,
    2900};

static struct launch_shape one_dim(size_t global, size_t local, const char *kernel)
{
    struct launch_shape l = {.dims = 1, .global = {global, 0}, .local = {local, 0}, .launches = 1};
    l.groups = global / local;
    strcpy(l.kernel, kernel);
    return l;
}

static void test_resident_threads_of_real_gpus(void **state)
{
    (void)state;
    const struct described_gpu *gpus[] = {&gh200, &mi300x, &arc_a750, &iris_xe, &radeon_890m};
    struct launch_shape l = one_dim(1024, 256, "sqrt_f64_strided");
    for (size_t i = 0; i < sizeof gpus / sizeof gpus[0]; i++) {
        /* Every description names where it was published. */
        assert_non_null(gpus[i]->source);
        assert_true(strncmp(gpus[i]->source, "https://", 8) == 0);
        assert_true(gpus[i]->global_mem_bytes >= 0);
        struct occupancy o = occupancy_of(&gpus[i]->limits, gpus[i]->name, &l);
        assert_near(o.resident, gpus[i]->resident, 0.5);
        assert_int_equal(o.known_vendor, gpus[i]->known);
        assert_near(o.fraction, 1024 / gpus[i]->resident, 1e-12);
    }
}

/* The case: the CPU-shaped naive scores, one work-item per row of
 * the bundled table, on an H100/H200-class GPU. */
static void test_occupancy_verdict_on_hopper(void **state)
{
    (void)state;
    struct launch_shape l = one_dim(1286, 2, "scores_naive");
    struct occupancy o = occupancy_of(&gh200.limits, gh200.name, &l);
    struct analysis a = {.verdict = VERDICT_COMPUTE, .ceiling_fraction = 0.03};
    assert_int_equal(occupancy_judge(&a, &o, occupancy_help(&l)), 1);
    assert_int_equal(a.verdict, VERDICT_OCCUPANCY);
    assert_string_equal(verdict_name(a.verdict), "occupancy-bound");
    assert_non_null(strstr(a.reason, "occupancy-bound: 1,286 work-items fill 0.5% of the "
                                     "device's ~270k resident threads"));
    assert_non_null(strstr(a.reason, "a work-group per row"));

    /* The GPU shape of the same kernel fills the device: no such verdict. */
    struct launch_shape rows = one_dim(1286 * 256, 256, "scores_naive_rows");
    struct occupancy full = occupancy_of(&gh200.limits, gh200.name, &rows);
    assert_true(full.fraction > OCCUPANCY_LOW);
    struct analysis b = {.verdict = VERDICT_COMPUTE, .ceiling_fraction = 0.03};
    assert_int_equal(occupancy_judge(&b, &full, occupancy_help(&rows)), 0);
    assert_int_equal(b.verdict, VERDICT_COMPUTE);
}

/* Near its roofline, copying or launching: another limit holds. */
static void test_other_limits_win(void **state)
{
    (void)state;
    struct launch_shape l = one_dim(10000, 256, "sumsqrt_naive");
    struct occupancy o = occupancy_of(&mi300x.limits, mi300x.name, &l);
    assert_true(o.fraction < OCCUPANCY_LOW);
    struct analysis near = {.verdict = VERDICT_COMPUTE, .ceiling_fraction = 0.8};
    assert_int_equal(occupancy_judge(&near, &o, occupancy_help(&l)), 0);
    struct analysis copies = {.verdict = VERDICT_TRANSFER, .ceiling_fraction = 0.1};
    assert_int_equal(occupancy_judge(&copies, &o, occupancy_help(&l)), 0);
    assert_int_equal(copies.verdict, VERDICT_TRANSFER);
    struct analysis far = {.verdict = VERDICT_COMPUTE, .ceiling_fraction = 0};
    assert_int_equal(occupancy_judge(&far, &o, occupancy_help(&l)), 1);
    assert_non_null(strstr(far.reason, "split over i and j"));
    assert_non_null(strstr(far.reason, "AMD CDNA2/3"));
}

/* A launch's local memory caps how many of its groups a unit holds. */
static void test_local_memory_limits_residency(void **state)
{
    (void)state;
    struct launch_shape l = one_dim(2048, 256, "sumsqrt_naive_2d");
    l.local_bytes = 32 * 1024; /* two groups in 64 KiB */
    struct occupancy o = occupancy_of(&mi300x.limits, mi300x.name, &l);
    assert_int_equal(o.local_limited, 1);
    assert_near(o.per_unit, 512, 0);
    assert_near(o.resident, 304 * 512.0, 0.5);
}

/* An unknown GPU gets the lower bound and says so; a CPU device none. */
static void test_unknown_gpu_and_cpu(void **state)
{
    (void)state;
    struct device_limits unknown = {.gpu = 1, .vendor = "Imaginary Silicon", .compute_units = 10,
                                    .max_work_group = 256};
    struct launch_shape l = one_dim(100, 100, "sqrt_f64_strided");
    struct occupancy o = occupancy_of(&unknown, "Dream GPU", &l);
    assert_int_equal(o.known_vendor, 0);
    assert_near(o.resident, 2560, 0);
    struct analysis a = {.verdict = VERDICT_MEMORY};
    assert_int_equal(occupancy_judge(&a, &o, occupancy_help(&l)), 1);
    assert_non_null(strstr(a.reason, "at least 2,560 resident threads"));

    struct device_limits pocl = {.gpu = 0, .vendor = "AuthenticAMD", .compute_units = 2,
                                 .max_work_group = 4096};
    o = occupancy_of(&pocl, "cpu-AMD EPYC", &l);
    assert_near(o.resident, 0, 0);
    struct analysis b = {.verdict = VERDICT_MEMORY};
    assert_int_equal(occupancy_judge(&b, &o, occupancy_help(&l)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resident_threads_of_real_gpus),
        cmocka_unit_test(test_occupancy_verdict_on_hopper),
        cmocka_unit_test(test_other_limits_win),
        cmocka_unit_test(test_local_memory_limits_residency),
        cmocka_unit_test(test_unknown_gpu_and_cpu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
