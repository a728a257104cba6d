// saxpy: z = a*x + y, the classic memory-bound kernel.
//
// Each element costs 2 flops (one FMA) and 12 bytes (x and y read, z
// written): 0.17 flops per byte, far below what any processor needs to be
// limited by arithmetic. So the verdict should be memory-bound, with a rate
// close to the STREAM triad ceiling of `offload calibrate` (triad moves the
// same three streams). N = 16M makes 192 MB, far bigger than any cache.
//
// zero-copy: on a CPU device the buffers are the host's own memory, so no
// copy is needed; with --memory copy the copies dominate and the verdict is
// transfer-bound instead (try it).
//
// offload: --size 16M --memory zero-copy
// offload: --arg a=2.5 --arg x=in:float[N]:random(-1,1) --arg y=in:float[N]:random(-1,1)
// offload: --arg z=out:float[N]
// offload: --bytes 12*N --ops 2*N --op f32
__kernel void saxpy(float a, __global const float *x, __global const float *y,
                    __global float *z)
{
    size_t i = get_global_id(0);
    z[i] = a * x[i] + y[i];
}
