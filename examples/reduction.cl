// Sum of N floats in two steps: each of 4096 work-items adds its own run of
// N/4096 consecutive values (what a CPU driver, which runs a group's
// work-items one after another, streams best; a GPU would rather have
// neighbouring work-items read neighbouring values), then each work-group
// of 64 adds its 64 sums in __local memory, a tree of 32, 16, ... 1
// additions, and writes one partial sum.
//
// The lesson is the size. At N = 16M the kernel reads 64 MB once and is
// memory-bound. At N = 4096 each work-item adds one value and the kernel
// takes microseconds: the fixed costs of a launch (and of mapping the
// buffers) are then most of the time. Try
//   offload run examples/reduction.cl --size 4096
// The input is all ones, so every partial sum is exactly N/64.
//
// offload: --size 16M --memory zero-copy --global 4096 --local 64
// offload: --arg values=in:float[N]:fill(1) --arg partial=out:float[4096/64]
// offload: --arg scratch=local:float[64] --arg n=N
// offload: --bytes 4*N --ops N --op f32
__kernel void reduction(__global const float *values, __global float *partial,
                        __local float *scratch, uint n)
{
    size_t lid = get_local_id(0), size = get_local_size(0);
    size_t items = get_global_size(0), per_item = (n + items - 1) / items;
    size_t begin = get_global_id(0) * per_item, end = min(begin + per_item, (size_t)n);
    /* 16 lanes at a time: one add chain of single floats would wait on
     * itself (an add takes 4 cycles) and never reach memory speed. */
    float16 acc = 0.0f;
    size_t i = begin;
    for (; i + 16 <= end; i += 16)
        acc += vload16(0, values + i);
    float sum = 0.0f;
    for (; i < end; i++)
        sum += values[i];
    float16 s = acc;
    sum += ((s.s0 + s.s1) + (s.s2 + s.s3)) + ((s.s4 + s.s5) + (s.s6 + s.s7)) +
           ((s.s8 + s.s9) + (s.sa + s.sb)) + ((s.sc + s.sd) + (s.se + s.sf));
    scratch[lid] = sum;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (size_t stride = size / 2; stride > 0; stride /= 2) {
        if (lid < stride)
            scratch[lid] += scratch[lid + stride];
        barrier(CLK_LOCAL_MEM_FENCE); /* every addition of this level is done */
    }
    if (lid == 0)
        partial[get_group_id(0)] = scratch[0];
}
