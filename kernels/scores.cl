/* scores: one work-item per row of a genotype matrix (int8 calls 0, 1, 2, or
 * -1 for missing, rows x cols row-major). A row's score is the number of
 * column pairs i < j whose calls are both known and differ.
 *
 * scores_naive is the tutorial's double loop over pairs; scores_fast counts
 * the known calls of each value once, since pairs that differ are
 * n0*n1 + n0*n2 + n1*n2. Both give exactly the same integers. */

__kernel void scores_naive(__global const char *restrict calls, ulong rows, ulong cols,
                           __global long *restrict scores)
{
    size_t r = get_global_id(0);
    if (r >= rows)
        return;
    __global const char *row = calls + r * cols;
    long score = 0;
    for (ulong i = 0; i < cols; i++) {
        char a = row[i];
        /* The pair count for one i fits in 32 bits; add it once per i. */
        uint count = 0;
        for (ulong j = i + 1; j < cols; j++) {
            char b = row[j];
            count += (a != -1) & (b != -1) & (a != b);
        }
        score += count;
    }
    scores[r] = score;
}

__kernel void scores_fast(__global const char *restrict calls, ulong rows, ulong cols,
                          __global long *restrict scores)
{
    size_t r = get_global_id(0);
    if (r >= rows)
        return;
    __global const char *row = calls + r * cols;
    long n0 = 0, n1 = 0, n2 = 0;
    for (ulong i = 0; i < cols; i++) {
        char a = row[i];
        n0 += a == 0;
        n1 += a == 1;
        n2 += a == 2;
    }
    scores[r] = n0 * n1 + n0 * n2 + n1 * n2;
}
