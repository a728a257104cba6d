/* offload markers: every pattern's score on the remaining variety pairs.
 *
 * The patterns are bit planes over patterns, three per variety (known, lo,
 * hi: call 0 = known, 1 = known+lo, 2 = known+hi), `words` 64-bit words
 * each, at planes[(v*3 + k)*words + w]. A pair (a, b) is resolved by the 64
 * patterns of word w whose bits are set in
 *   known_a & known_b & ((lo_a ^ lo_b) | (hi_a ^ hi_b)),
 * and each work-item adds those bits to bit-sliced counters (one ulong per
 * bit of the count) in private memory: 64 patterns per operation.
 *
 * CPU path: one work-item per plane word walks every pair (few, long-running
 * work-items, as the host threads do). GPU path: a 2D range, plane words by
 * pair slices; each work-item walks a strided slice of the pairs (neighbours
 * read neighbouring plane words) and adds its partial counts atomically, so
 * a few hundred pattern words still fill the device. */

#define MARKERS_COUNTER_BITS 32

inline ulong markers_resolving(__global const ulong *planes, uint words, uint a, uint b, uint w)
{
    __global const ulong *pa = planes + (size_t)a * 3 * words + w;
    __global const ulong *pb = planes + (size_t)b * 3 * words + w;
    return pa[0] & pb[0] & ((pa[words] ^ pb[words]) | (pa[2 * words] ^ pb[2 * words]));
}

/* Adds the set bits of m to the counters; returns the counters in use. */
inline int markers_count(ulong *counter, int top, ulong m)
{
    for (int l = 0; m != 0 && l < MARKERS_COUNTER_BITS; l++) {
        ulong carry = counter[l] & m;
        counter[l] ^= m;
        m = carry;
        top = max(top, l + 1);
    }
    return top;
}

inline uint markers_extract(const ulong *counter, int top, uint bit)
{
    uint count = 0;
    for (int l = 0; l < top; l++)
        count |= (uint)((counter[l] >> bit) & 1UL) << l;
    return count;
}

__kernel void markers_score_cpu(__global const ulong *planes, uint words,
                                __global const uint *pairs, uint npairs,
                                __global uint *scores, uint npatterns)
{
    uint w = get_global_id(0);
    if (w >= words)
        return;
    ulong counter[MARKERS_COUNTER_BITS];
    for (int l = 0; l < MARKERS_COUNTER_BITS; l++)
        counter[l] = 0;
    int top = 0;
    for (uint k = 0; k < npairs; k++)
        top = markers_count(counter, top,
                            markers_resolving(planes, words, pairs[2 * k], pairs[2 * k + 1], w));
    for (uint bit = 0; bit < 64; bit++) {
        uint p = w * 64 + bit;
        if (p < npatterns)
            scores[p] = markers_extract(counter, top, bit);
    }
}

/* scores must be zero before the launch. */
__kernel void markers_score_gpu(__global const ulong *planes, uint words,
                                __global const uint *pairs, uint npairs,
                                __global uint *scores, uint npatterns)
{
    uint w = get_global_id(0), slice = get_global_id(1), slices = get_global_size(1);
    if (w >= words)
        return;
    ulong counter[MARKERS_COUNTER_BITS];
    for (int l = 0; l < MARKERS_COUNTER_BITS; l++)
        counter[l] = 0;
    int top = 0;
    for (uint k = slice; k < npairs; k += slices)
        top = markers_count(counter, top,
                            markers_resolving(planes, words, pairs[2 * k], pairs[2 * k + 1], w));
    for (uint bit = 0; bit < 64; bit++) {
        uint p = w * 64 + bit;
        if (p >= npatterns)
            break;
        uint count = markers_extract(counter, top, bit);
        if (count)
            atomic_add(&scores[p], count);
    }
}

/* The resident strategy: drops the pairs that pattern `pattern` resolves
 * from the device's pair list, in order, and stores how many are left. One
 * work-item: the order must stay upstream's, and it is a single pass over a
 * list that shrinks fast. */
__kernel void markers_remove_pairs(__global const ulong *planes, uint words,
                                   __global uint *pairs, uint npairs, uint pattern,
                                   __global uint *left)
{
    if (get_global_id(0) != 0)
        return;
    uint w = pattern / 64;
    ulong bit = 1UL << (pattern % 64);
    uint kept = 0;
    for (uint k = 0; k < npairs; k++) {
        uint a = pairs[2 * k], b = pairs[2 * k + 1];
        if (markers_resolving(planes, words, a, b, w) & bit)
            continue;
        pairs[2 * kept] = a;
        pairs[2 * kept + 1] = b;
        kept++;
    }
    left[0] = kept;
}
