/* sqrt: out[i] = (float)sqrt(in[i]); the input is double, the output float.
 *
 * sqrt_f64 (the CPU path): each work-item converts `per_item` consecutive
 * elements, a few hundred: the work-item's loop is then a plain array loop that the
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

/* The GPU path's sqrt: a grid-stride loop. The host launches about n / 8
 * work-items, so each converts several elements spaced by the global size:
 * neighbouring work-items touch neighbouring elements (coalesced) and each
 * keeps several loads in flight, which one element per work-item does not
 * (it is then bound by scheduling work-items, not by memory). */
__kernel void sqrt_f64_strided(__global const double *restrict in, __global float *restrict out,
                               ulong n)
{
    const ulong stride = get_global_size(0);
    for (ulong i = get_global_id(0); i < n; i += stride)
        out[i] = (float)sqrt(in[i]);
}
