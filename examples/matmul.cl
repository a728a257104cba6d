// Matrix multiply C = A x B (N x N floats), naive and tiled.
//
// matmul_naive reads a row of A and a column of B from global memory for
// every element of C: 2N loads per 2N flops. matmul_tiled copies 16 x 16
// tiles of A and B into __local memory once per work-group and reuses each
// loaded value 16 times. On a GPU local memory is a fast scratchpad and the
// tiled kernel wins by a wide margin; on a CPU driver "local" memory is the
// same cache as everything else, and the difference is much smaller: run
// both and see. The tiled kernel is checked against the naive one.
//
// N must be a multiple of 16 (the tile): --size 512 gives 1 MB per matrix.
//
// offload: --size 512 --global N,N --local 16,16 --entry matmul_tiled
// offload: --check matmul.cl:matmul_naive --rtol 1e-4
// offload: --arg A=in:float[N*N]:random(-1,1) --arg B=in:float[N*N]:random(-1,1)
// offload: --arg C=out:float[N*N] --arg n=N
// offload: --ops 2*N*N*N --op f32 --bytes 12*N*N
#define TILE 16

__kernel void matmul_naive(__global const float *A, __global const float *B,
                           __global float *C, int n)
{
    int col = get_global_id(0), row = get_global_id(1);
    float sum = 0.0f;
    for (int k = 0; k < n; k++)
        sum += A[row * n + k] * B[k * n + col];
    C[row * n + col] = sum;
}

__kernel void matmul_tiled(__global const float *A, __global const float *B,
                           __global float *C, int n)
{
    __local float As[TILE][TILE], Bs[TILE][TILE];
    int lx = get_local_id(0), ly = get_local_id(1);
    int col = get_global_id(0), row = get_global_id(1);
    float sum = 0.0f;
    for (int t = 0; t < n; t += TILE) {
        As[ly][lx] = A[row * n + t + lx];
        Bs[ly][lx] = B[(t + ly) * n + col];
        barrier(CLK_LOCAL_MEM_FENCE); /* the whole tile is loaded */
        for (int k = 0; k < TILE; k++)
            sum += As[ly][k] * Bs[k][lx];
        barrier(CLK_LOCAL_MEM_FENCE); /* nobody still reads it */
    }
    C[row * n + col] = sum;
}
