// The tutorial's exercise, as a learner would write it: calculate_scores
// in OpenCL, one work-item per marker (row).
//
// The Python version compares every pair of varieties (i <= j) of a row and
// counts the pairs whose calls are known (0, 1 or 2; anything else is
// missing) and different. Here each work-item does exactly that for its
// row: cols*(cols+1)/2 int8 compares, the unit `--op int8cmp` counts and
// `offload calibrate` measures. N is the number of markers; the rows are 260
// varieties of random calls 0..3 (3 = missing), like the apple data.
// The same score, computed the fast way (count calls, then pairs), is the
// built-in kernel: `offload run scores`.
//
// offload: --size 1286 --arg genotypes=in:char[N*260]:random(0,4)
// offload: --arg scores=out:long[N] --arg ncols=260
// offload: --ops N*260*261/2 --op int8cmp --bytes N*260+8*N
__kernel void calculate_scores(__global const char *genotypes, __global long *scores,
                               int ncols)
{
    size_t row = get_global_id(0);
    __global const char *calls = genotypes + row * ncols;
    long score = 0;
    for (int i = 0; i < ncols; i++) {
        for (int j = i; j < ncols; j++) {
            char a = calls[i], b = calls[j];
            if (a >= 0 && a <= 2 && b >= 0 && b <= 2 && a != b)
                score++;
        }
    }
    scores[row] = score;
}
