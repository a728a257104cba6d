/* scores: on the CPU path one work-item per row (on the GPU path the naive
 * scores take a work-group per row, scores_naive_rows below) of a genotype matrix (int8 calls 0, 1, 2, or
 * -1 for missing, rows x cols row-major). A row's score is the number of
 * column pairs i < j whose calls are both known and differ.
 *
 * scores_naive compares pairs of calls as the tutorial does; scores_fast counts
 * the known calls of each value once, since pairs that differ are
 * n0*n1 + n0*n2 + n1*n2. Both give exactly the same integers. */

/* Lanes of a char16 of -1/0 masks summed: minus the number of trues. Each
 * lane is at least -128, so negated it reads as an unsigned byte 0..128;
 * the bytes are summed inside two 64-bit words (no vector shuffles, which
 * Oclgrind 21.10 reports as uninitialised values). */
static uint count_trues(char16 negated)
{
    const ulong bytes = 0x00FF00FF00FF00FFul;
    ulong2 w = as_ulong2((char16)0 - negated);
    w = (w & bytes) + ((w >> 8) & bytes); /* four 16-bit sums per word, each <= 256 */
    w = (w * 0x0001000100010001ul) >> 48;  /* their total, in the top 16 bits */
    return (uint)(w.x + w.y);
}

/* Vector compares per block: a char lane counts at most 127 trues (as
 * -1s), so the signed byte counters cannot wrap; fewer, longer blocks mean
 * fewer horizontal sums (about 10% faster on PoCL than blocks of 14). */
#define BLOCK_VECTORS 127

/* Adds, lane by lane, one -1 to each accumulator a0..a7 where the call x is
 * known and differs from v0..v7 (used for whole vectors and the masked tail). */
#define COUNT_DIFFERENT_KNOWN(x, known)      \
    do {                                     \
        a0 += ((x) != (char16)v0) & (known); \
        a1 += ((x) != (char16)v1) & (known); \
        a2 += ((x) != (char16)v2) & (known); \
        a3 += ((x) != (char16)v3) & (known); \
        a4 += ((x) != (char16)v4) & (known); \
        a5 += ((x) != (char16)v5) & (known); \
        a6 += ((x) != (char16)v6) & (known); \
        a7 += ((x) != (char16)v7) & (known); \
    } while (0)

/* The tutorial's pairwise compare, made vector-friendly: every known call
 * is compared with the whole row 16 calls at a time (a masked vector for the
 * ragged end), eight calls per pass so each load serves eight compares. That
 * counts every unordered pair twice and i == j never (equal calls do not
 * differ), so the sum is halved: twice the compares of the triangle, but
 * vector-wide. */
__kernel void scores_naive(__global const char *restrict calls, ulong rows, ulong cols,
                           __global long *restrict scores)
{
    size_t r = get_global_id(0);
    if (r >= rows)
        return;
    __global const char *row = calls + r * cols;
    const ulong vec_end = cols / 16 * 16;
    /* The ragged end of a row (cols % 16 calls) is read as one more vector
     * that overlaps the one before it, with the lanes already counted masked
     * off: one vector op instead of up to 15 scalar ones per call. */
    const char16 lane = (char16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const char16 tail_lanes = lane >= (char16)(char)(16 - cols % 16);
    const int masked_tail = vec_end > 0 && cols % 16 != 0;
    long twice = 0;
    for (ulong i = 0; i < cols; i += 8) {
        const char v0 = row[i];
        const char v1 = i + 1 < cols ? row[i + 1] : -1;
        const char v2 = i + 2 < cols ? row[i + 2] : -1;
        const char v3 = i + 3 < cols ? row[i + 3] : -1;
        const char v4 = i + 4 < cols ? row[i + 4] : -1;
        const char v5 = i + 5 < cols ? row[i + 5] : -1;
        const char v6 = i + 6 < cols ? row[i + 6] : -1;
        const char v7 = i + 7 < cols ? row[i + 7] : -1;
        uint c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
        for (ulong start = 0; start < vec_end; start += 16 * BLOCK_VECTORS) {
            const ulong end = min(start + 16 * BLOCK_VECTORS, vec_end);
            char16 a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
            for (ulong k = start; k < end; k += 16) {
                const char16 x = vload16(0, row + k);
                const char16 known = x >= (char16)0;
                COUNT_DIFFERENT_KNOWN(x, known);
            }
            if (end == vec_end && masked_tail) {
                /* One more true per lane at most: -128 still fits a char. */
                const char16 x = vload16(0, row + cols - 16);
                const char16 known = (x >= (char16)0) & tail_lanes;
                COUNT_DIFFERENT_KNOWN(x, known);
            }
            c0 += count_trues(a0);
            c1 += count_trues(a1);
            c2 += count_trues(a2);
            c3 += count_trues(a3);
            c4 += count_trues(a4);
            c5 += count_trues(a5);
            c6 += count_trues(a6);
            c7 += count_trues(a7);
        }
        /* Rows shorter than one vector: call by call. */
        for (ulong k = masked_tail ? cols : vec_end; k < cols; k++) {
            const char x = row[k];
            const uint known = x >= 0;
            c0 += known & (x != v0);
            c1 += known & (x != v1);
            c2 += known & (x != v2);
            c3 += known & (x != v3);
            c4 += known & (x != v4);
            c5 += known & (x != v5);
            c6 += known & (x != v6);
            c7 += known & (x != v7);
        }
        /* A missing call (or one past the end) as v pairs with nothing. */
        twice += (v0 >= 0 ? c0 : 0) + (v1 >= 0 ? c1 : 0) + (v2 >= 0 ? c2 : 0) +
                 (v3 >= 0 ? c3 : 0) + (v4 >= 0 ? c4 : 0) + (v5 >= 0 ? c5 : 0) +
                 (v6 >= 0 ? c6 : 0) + (v7 >= 0 ? c7 : 0);
    }
    scores[r] = twice / 2;
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

/* Tree-reduce scratch[0..size) into scratch[0] (any size); every work-item
 * of the group must call it. */
static long reduce_local_long(__local long *scratch, size_t lid, size_t size)
{
    barrier(CLK_LOCAL_MEM_FENCE);
    while (size > 1) {
        size_t upper = (size + 1) / 2;
        if (lid < size - upper)
            scratch[lid] += scratch[lid + upper];
        barrier(CLK_LOCAL_MEM_FENCE);
        size = upper;
    }
    return scratch[0];
}

/* The GPU path's naive scores: a work-group per row. Its work-items take
 * the row's columns i round-robin and count the later columns j > i whose
 * calls are both known and differ (the tutorial's pair loop, its pairs
 * spread over the group); at each step neighbouring work-items read
 * neighbouring calls. A local-memory tree reduction adds their counts.
 * rows x lanes work-items: 1,286 rows give ~330k with 256 lanes, where one
 * work-item per row gives 1,286. */
__kernel void scores_naive_rows(__global const char *restrict calls, ulong rows, ulong cols,
                                __global long *restrict scores, __local long *scratch)
{
    const size_t lid = get_local_id(0);
    const size_t lanes = get_local_size(0);
    const size_t r = get_group_id(0);
    long count = 0;
    if (r < rows) {
        __global const char *row = calls + r * cols;
        for (ulong i = lid; i < cols; i += lanes) {
            const char a = row[i];
            if (a < 0)
                continue;
            for (ulong j = i + 1; j < cols; j++) {
                const char b = row[j];
                count += b >= 0 && b != a;
            }
        }
    }
    scratch[lid] = count;
    const long total = reduce_local_long(scratch, lid, lanes);
    if (lid == 0 && r < rows)
        scores[r] = total;
}
