/* sqrt: out[i] = (float)sqrt(in[i]); the input is double, the output float.
 *
 * Each work-item converts `per_item` consecutive elements. On GPUs the host
 * passes 1 (one element per work-item, coalesced). On CPUs it passes a few
 * hundred: the work-item's loop is then a plain array loop that the
 * compiler turns into SIMD sqrt instructions, which PoCL did not manage
 * across work-items (4x slower with one element each). The global size is
 * rounded up to a multiple of the work-group size, so the tail is guarded. */
#pragma OPENCL EXTENSION cl_khr_fp64 : enable

__kernel void sqrt_f64(__global const double *restrict in, __global float *restrict out, ulong n,
                       ulong per_item)
{
    ulong begin = (ulong)get_global_id(0) * per_item;
    ulong end = min(begin + per_item, n);
    for (ulong i = begin; i < end; i++)
        out[i] = (float)sqrt(in[i]);
}
