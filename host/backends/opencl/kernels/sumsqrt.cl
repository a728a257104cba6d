/* sumsqrt: every out[i] = (float)(sum over j of sqrt(in[j])), summed in double.
 *
 * sumsqrt_naive is the tutorial's O(N^2) algorithm: each work-item i computes
 * the whole sum again, one sqrt per (i, j) pair. All work-items of a group
 * read the same in[j] at the same time, so the loads are broadcasts from
 * cache on a GPU and stream from cache on a CPU; staging in[] through local
 * memory measured 2x slower on PoCL and gains nothing for broadcast loads.
 *
 * The fast algorithm computes the sum once: sumsqrt_partial reduces a slice
 * of in[] per work-group into partials[group], then sumsqrt_broadcast has
 * each of its work-groups reduce those few partials (in the same order, so
 * every group gets the same bits) and store the result into its share of
 * out[]. Both stay on the device.
 *
 * `contiguous` != 0 gives each work-item one contiguous chunk of the array:
 * best on CPUs, where a driver such as PoCL runs a group's work-items one
 * after another (strided access there was 4x slower). contiguous == 0
 * strides by the global size, so neighbouring work-items touch neighbouring
 * elements: coalesced accesses on GPUs. */
#pragma OPENCL EXTENSION cl_khr_fp64 : enable

/* Tree-reduce scratch[0..size) into scratch[0]. Works for any size, not only
 * powers of two; every work-item of the group must call it. */
static double reduce_local(__local double *scratch, size_t lid, size_t size)
{
    barrier(CLK_LOCAL_MEM_FENCE);
    while (size > 1) {
        size_t upper = (size + 1) / 2; /* "half" is a type in OpenCL C */
        if (lid < size - upper)
            scratch[lid] += scratch[lid + upper];
        barrier(CLK_LOCAL_MEM_FENCE);
        size = upper;
    }
    return scratch[0];
}

/* Sum of sqrt(in[begin..end)) with four accumulators: they break the add
 * dependency chain so sqrt latencies overlap; the result differs from a
 * single running sum only by rounding. */
static double sum_sqrt_range(__global const double *restrict in, ulong begin, ulong end)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    ulong j = begin;
    for (; j + 4 <= end; j += 4) {
        s0 += sqrt(in[j]);
        s1 += sqrt(in[j + 1]);
        s2 += sqrt(in[j + 2]);
        s3 += sqrt(in[j + 3]);
    }
    for (; j < end; j++)
        s0 += sqrt(in[j]);
    return (s0 + s1) + (s2 + s3);
}

__kernel void sumsqrt_naive(__global const double *restrict in, __global float *restrict out,
                            ulong n)
{
    size_t i = get_global_id(0);
    if (i < n)
        out[i] = (float)sum_sqrt_range(in, 0, n);
}

__kernel void sumsqrt_partial(__global const double *restrict in, ulong n,
                              __global double *restrict partials, __local double *scratch,
                              uint contiguous)
{
    size_t lid = get_local_id(0);
    ulong gid = get_global_id(0);
    ulong gsize = get_global_size(0);
    double s = 0.0;
    if (contiguous) {
        ulong chunk = (n + gsize - 1) / gsize;
        ulong begin = min(gid * chunk, n);
        s = sum_sqrt_range(in, begin, min(begin + chunk, n));
    } else {
        for (ulong j = gid; j < n; j += gsize)
            s += sqrt(in[j]);
    }
    scratch[lid] = s;
    double total = reduce_local(scratch, lid, get_local_size(0));
    if (lid == 0)
        partials[get_group_id(0)] = total;
}

__kernel void sumsqrt_broadcast(__global const double *restrict partials, uint npartials,
                                __global float *restrict out, ulong n, __local double *scratch,
                                uint contiguous)
{
    size_t lid = get_local_id(0);
    size_t lsize = get_local_size(0);
    double s = 0.0;
    for (size_t p = lid; p < npartials; p += lsize)
        s += partials[p];
    scratch[lid] = s;
    float total = (float)reduce_local(scratch, lid, lsize);
    ulong gid = get_global_id(0);
    ulong gsize = get_global_size(0);
    if (contiguous) {
        ulong chunk = (n + gsize - 1) / gsize;
        ulong begin = min(gid * chunk, n);
        ulong end = min(begin + chunk, n);
        for (ulong i = begin; i < end; i++)
            out[i] = total;
    } else {
        for (ulong i = gid; i < n; i += gsize)
            out[i] = total;
    }
}

/* The GPU path's naive sum, split over i and j: a 2-D range whose dimension
 * 1 is the output i (one work-group per output) and dimension 0 the j lanes
 * of the group, which stride over in[] (coalesced loads) and are added by a
 * local-memory tree reduction. N x lanes work-items fill a GPU where N
 * work-items alone (10,000 for the default size, against ~270,000 resident
 * threads on an H200) leave it mostly idle. Every group sums in the same
 * order, so every out[i] gets the same bits. */
__kernel void sumsqrt_naive_2d(__global const double *restrict in, __global float *restrict out,
                               ulong n, __local double *scratch)
{
    const size_t lane = get_local_id(0);
    const size_t lanes = get_local_size(0);
    const size_t i = get_global_id(1);
    double s = 0.0;
    for (ulong j = lane; j < n; j += lanes)
        s += sqrt(in[j]);
    scratch[lane] = s;
    const double total = reduce_local(scratch, lane, lanes);
    if (lane == 0 && i < n)
        out[i] = (float)total;
}
