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
