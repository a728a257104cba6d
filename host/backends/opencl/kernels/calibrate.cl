/* Calibration kernels for `offload calibrate`: the device's ceilings, which
 * the real kernels (sqrt.cl, sumsqrt.cl, scores.cl) are compared with.
 *
 * copy and triad are STREAM's (BabelStream's) bandwidth kernels. As in
 * sqrt.cl, each work-item handles `per_item` consecutive elements: 1 on GPUs
 * (coalesced), a long run on CPUs so the loop vectorises. The global size is
 * rounded up to a multiple of the work-group size, so the tail is guarded.
 *
 * The sqrt kernels measure square roots per second from register values: no
 * memory traffic but one store per work-item. Explicit vectors make each
 * sqrt a SIMD instruction on CPU drivers (GPUs split them into scalars), and
 * eight independent accumulators keep the loop bound by sqrt throughput
 * rather than by the latency of one add chain. The host counts
 * 8 x vector-width square roots per iteration. */
#pragma OPENCL EXTENSION cl_khr_fp64 : enable

/* Launch latency: nothing to do, no arguments. */
__kernel void calibrate_empty(void)
{
}

/* a = value: sets up the bandwidth tests' arrays (see calib_filled_buffer). */
__kernel void calibrate_fill(__global double *a, double value, ulong n, ulong per_item)
{
    ulong begin = (ulong)get_global_id(0) * per_item;
    ulong end = min(begin + per_item, n);
    for (ulong i = begin; i < end; i++)
        a[i] = value;
}

/* c = a: 16 bytes per element. */
__kernel void calibrate_copy(__global const double *restrict a, __global double *restrict c,
                             ulong n, ulong per_item)
{
    ulong begin = (ulong)get_global_id(0) * per_item;
    ulong end = min(begin + per_item, n);
    for (ulong i = begin; i < end; i++)
        c[i] = a[i];
}

/* out = (float)in: the sqrt kernel's access pattern without its sqrt, 12
 * bytes per element (8 read, 4 written); the probe around a run times it
 * beside the kernel's own loop (see probe.c). */
__kernel void calibrate_convert(__global const double *restrict in, __global float *restrict out,
                                ulong n, ulong per_item)
{
    ulong begin = (ulong)get_global_id(0) * per_item;
    ulong end = min(begin + per_item, n);
    for (ulong i = begin; i < end; i++)
        out[i] = (float)in[i];
}

/* b = a + scalar * c: 24 bytes per element. */
__kernel void calibrate_triad(__global const double *restrict a, __global double *restrict b,
                              __global const double *restrict c, double scalar, ulong n,
                              ulong per_item)
{
    ulong begin = (ulong)get_global_id(0) * per_item;
    ulong end = min(begin + per_item, n);
    for (ulong i = begin; i < end; i++)
        b[i] = a[i] + scalar * c[i];
}

/* 32 float64 square roots per iteration (8 x double4). Inputs start in
 * [1, 9) and creep up by a tiny step, so every sqrt is of a fresh normal
 * number that the compiler cannot hoist out of the loop. */
__kernel void calibrate_sqrt_f64(__global double *out, uint iterations)
{
    const double seed = 1.0 + (double)(get_global_id(0) & 1023) * 0x1p-12;
    const double4 step = (double4)(0x1p-30);
    double4 x0 = seed + (double4)(0.0, 0.125, 0.25, 0.375);
    double4 x1 = x0 + 1.0, x2 = x0 + 2.0, x3 = x0 + 3.0;
    double4 x4 = x0 + 4.0, x5 = x0 + 5.0, x6 = x0 + 6.0, x7 = x0 + 7.0;
    double4 a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    for (uint i = 0; i < iterations; i++) {
        a0 += sqrt(x0);
        a1 += sqrt(x1);
        a2 += sqrt(x2);
        a3 += sqrt(x3);
        a4 += sqrt(x4);
        a5 += sqrt(x5);
        a6 += sqrt(x6);
        a7 += sqrt(x7);
        x0 += step;
        x1 += step;
        x2 += step;
        x3 += step;
        x4 += step;
        x5 += step;
        x6 += step;
        x7 += step;
    }
    double4 s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
    out[get_global_id(0)] = s.x + s.y + s.z + s.w;
}

/* 64 float32 square roots per iteration (8 x float8). */
__kernel void calibrate_sqrt_f32(__global float *out, uint iterations)
{
    const float seed = 1.0f + (float)(get_global_id(0) & 1023) * 0x1p-12f;
    const float8 step = (float8)(0x1p-20f);
    float8 x0 = seed + (float8)(0.0f, 0.125f, 0.25f, 0.375f, 0.5f, 0.625f, 0.75f, 0.875f);
    float8 x1 = x0 + 1.0f, x2 = x0 + 2.0f, x3 = x0 + 3.0f;
    float8 x4 = x0 + 4.0f, x5 = x0 + 5.0f, x6 = x0 + 6.0f, x7 = x0 + 7.0f;
    float8 a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    for (uint i = 0; i < iterations; i++) {
        a0 += sqrt(x0);
        a1 += sqrt(x1);
        a2 += sqrt(x2);
        a3 += sqrt(x3);
        a4 += sqrt(x4);
        a5 += sqrt(x5);
        a6 += sqrt(x6);
        a7 += sqrt(x7);
        x0 += step;
        x1 += step;
        x2 += step;
        x3 += step;
        x4 += step;
        x5 += step;
        x6 += step;
        x7 += step;
    }
    float8 s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
    out[get_global_id(0)] = s.s0 + s.s1 + s.s2 + s.s3 + s.s4 + s.s5 + s.s6 + s.s7;
}

/* Floating-point throughput, as clpeak and mixbench measure it: eight
 * independent chains of FMAs per work-item on explicit vectors (one
 * AVX-512 register of float16 or double8 on CPU drivers), a = a * m + c with
 * m and c known only at run time, so no compiler folds the loop. a tends
 * to 1 and stays normal. The host counts 2 flops per FMA: 256 per
 * iteration for float32 (8 x float16), 128 for float64 (8 x double8). */
__kernel void calibrate_fma_f32(__global float *out, uint iterations)
{
    const float m = 0.5f + (float)(iterations == 0u), c = 0.5f;
    const float16 seed = (float16)((float)(get_global_id(0) & 7) * 0.125f);
    float16 a0 = seed, a1 = seed + 0.01f, a2 = seed + 0.02f, a3 = seed + 0.03f;
    float16 a4 = seed + 0.04f, a5 = seed + 0.05f, a6 = seed + 0.06f, a7 = seed + 0.07f;
    for (uint i = 0; i < iterations; i++) {
        a0 = fma(a0, m, c);
        a1 = fma(a1, m, c);
        a2 = fma(a2, m, c);
        a3 = fma(a3, m, c);
        a4 = fma(a4, m, c);
        a5 = fma(a5, m, c);
        a6 = fma(a6, m, c);
        a7 = fma(a7, m, c);
    }
    float16 s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
    /* Component by component: Oclgrind 21.10 loses track of float16's
     * .lo/.hi and reports the sum as uninitialised. */
    out[get_global_id(0)] =
        ((s.s0 + s.s1) + (s.s2 + s.s3)) + ((s.s4 + s.s5) + (s.s6 + s.s7)) +
        ((s.s8 + s.s9) + (s.sa + s.sb)) + ((s.sc + s.sd) + (s.se + s.sf));
}

__kernel void calibrate_fma_f64(__global double *out, uint iterations)
{
    const double m = 0.5 + (double)(iterations == 0u), c = 0.5;
    const double8 seed = (double8)((double)(get_global_id(0) & 7) * 0.125);
    double8 a0 = seed, a1 = seed + 0.01, a2 = seed + 0.02, a3 = seed + 0.03;
    double8 a4 = seed + 0.04, a5 = seed + 0.05, a6 = seed + 0.06, a7 = seed + 0.07;
    for (uint i = 0; i < iterations; i++) {
        a0 = fma(a0, m, c);
        a1 = fma(a1, m, c);
        a2 = fma(a2, m, c);
        a3 = fma(a3, m, c);
        a4 = fma(a4, m, c);
        a5 = fma(a5, m, c);
        a6 = fma(a6, m, c);
        a7 = fma(a7, m, c);
    }
    double8 s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
    double4 h = s.lo + s.hi;
    out[get_global_id(0)] = h.x + h.y + h.z + h.w;
}
