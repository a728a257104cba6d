/* Upstream minimalmarkers' two argsorts, ported (markers.h): which of two
 * equal scores comes first decides upstream's picks, so the order must be
 * the one numba 0.56's quicksort and numpy 1.24's introsort give. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "markers.h"
#include "message.h"

/* ---- the two argsorts ---------------------------------------------------- */

/* Both sort (value, index) pairs: the same compares and moves as sorting
 * indices that point at the values, so the same order, without a load
 * through the index at every compare. */
struct keyed {
    int64_t v;
    size_t i;
};

#define SWAP_KEYED(a, b)                                                                           \
    do {                                                                                           \
        struct keyed swap_tmp_ = (a);                                                              \
        (a) = (b);                                                                                 \
        (b) = swap_tmp_;                                                                           \
    } while (0)

static struct keyed *keyed_alloc(const int64_t *v, size_t n, struct keyed *stack_buf, size_t cap)
{
    struct keyed *r = n <= cap ? stack_buf : malloc(n * sizeof *r);
    if (!r)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        r[i].v = v[i];
        r[i].i = i;
    }
    return r;
}

/* numba/misc/quicksort.py (0.56): median of three, Hoare partition with the
 * pivot stashed at the end, insertion sort below 16 elements, the larger
 * side pushed. */
#define NUMBA_SMALL_QUICKSORT 15
#define NUMBA_MAX_STACK 100

static void numba_insertion_sort(struct keyed *r, ptrdiff_t low, ptrdiff_t high)
{
    for (ptrdiff_t i = low + 1; i <= high; i++) {
        struct keyed k = r[i];
        ptrdiff_t j = i;
        while (j > low && k.v < r[j - 1].v) {
            r[j] = r[j - 1];
            j--;
        }
        r[j] = k;
    }
}

static ptrdiff_t numba_partition(struct keyed *r, ptrdiff_t low, ptrdiff_t high)
{
    ptrdiff_t mid = (low + high) >> 1;
    if (r[mid].v < r[low].v)
        SWAP_KEYED(r[low], r[mid]);
    if (r[high].v < r[mid].v)
        SWAP_KEYED(r[high], r[mid]);
    if (r[mid].v < r[low].v)
        SWAP_KEYED(r[low], r[mid]);
    int64_t pivot = r[mid].v;
    SWAP_KEYED(r[high], r[mid]);
    ptrdiff_t i = low, j = high - 1;
    for (;;) {
        while (i < high && r[i].v < pivot)
            i++;
        while (j >= low && pivot < r[j].v)
            j--;
        if (i >= j)
            break;
        SWAP_KEYED(r[i], r[j]);
        i++;
        j--;
    }
    SWAP_KEYED(r[i], r[high]);
    return i;
}

static void numba_sort(struct keyed *r, size_t n)
{
    if (n < 2)
        return;
    ptrdiff_t stack_low[NUMBA_MAX_STACK], stack_high[NUMBA_MAX_STACK];
    size_t depth = 1;
    stack_low[0] = 0;
    stack_high[0] = (ptrdiff_t)n - 1;
    while (depth > 0) {
        depth--;
        ptrdiff_t low = stack_low[depth], high = stack_high[depth];
        while (high - low >= NUMBA_SMALL_QUICKSORT) {
            ptrdiff_t i = numba_partition(r, low, high);
            /* The smaller side is done first: the stack stays under log2(n). */
            if (high - i > i - low) {
                if (high > i) {
                    stack_low[depth] = i + 1;
                    stack_high[depth++] = high;
                }
                high = i - 1;
            } else {
                if (i > low) {
                    stack_low[depth] = low;
                    stack_high[depth++] = i - 1;
                }
                low = i + 1;
            }
        }
        numba_insertion_sort(r, low, high);
    }
}

/* numpy 1.24's aquicksort_<long> (npysort/quicksort.cpp): introsort with a
 * depth limit of 2*floor(log2 n), heapsort past it, insertion sort for
 * partitions of 16 or fewer. */
#define NUMPY_SMALL_QUICKSORT 15
#define NUMPY_STACK 128

static void numpy_heapsort(struct keyed *tosort, ptrdiff_t n)
{
    struct keyed *a = tosort - 1; /* heapsort indexing from 1 */
    ptrdiff_t i, j, l;
    struct keyed tmp;
    for (l = n >> 1; l > 0; --l) {
        tmp = a[l];
        for (i = l, j = l << 1; j <= n;) {
            if (j < n && a[j].v < a[j + 1].v)
                j += 1;
            if (tmp.v < a[j].v) {
                a[i] = a[j];
                i = j;
                j += j;
            } else
                break;
        }
        a[i] = tmp;
    }
    for (; n > 1;) {
        tmp = a[n];
        a[n] = a[1];
        n -= 1;
        for (i = 1, j = 2; j <= n;) {
            if (j < n && a[j].v < a[j + 1].v)
                j++;
            if (tmp.v < a[j].v) {
                a[i] = a[j];
                i = j;
                j += j;
            } else
                break;
        }
        a[i] = tmp;
    }
}

static void numpy_sort(struct keyed *r, size_t n)
{
    if (n < 2)
        return;
    struct keyed *pl = r, *pr = r + n - 1;
    struct keyed *stack[NUMPY_STACK], **sptr = stack;
    int depth[NUMPY_STACK], *psdepth = depth;
    int cdepth = 0;
    for (size_t u = n; u >>= 1;)
        cdepth++;
    cdepth *= 2;
    for (;;) {
        if (cdepth < 0) {
            numpy_heapsort(pl, pr - pl + 1);
            goto stack_pop;
        }
        while ((pr - pl) > NUMPY_SMALL_QUICKSORT) {
            struct keyed *pm = pl + ((pr - pl) >> 1);
            if (pm->v < pl->v)
                SWAP_KEYED(*pm, *pl);
            if (pr->v < pm->v)
                SWAP_KEYED(*pr, *pm);
            if (pm->v < pl->v)
                SWAP_KEYED(*pm, *pl);
            int64_t vp = pm->v;
            struct keyed *pi = pl, *pj = pr - 1;
            SWAP_KEYED(*pm, *pj);
            for (;;) {
                do
                    ++pi;
                while (pi->v < vp);
                do
                    --pj;
                while (vp < pj->v);
                if (pi >= pj)
                    break;
                SWAP_KEYED(*pi, *pj);
            }
            struct keyed *pk = pr - 1;
            SWAP_KEYED(*pi, *pk);
            if (pi - pl < pr - pi) {
                *sptr++ = pi + 1;
                *sptr++ = pr;
                pr = pi - 1;
            } else {
                *sptr++ = pl;
                *sptr++ = pi - 1;
                pl = pi + 1;
            }
            *psdepth++ = --cdepth;
        }
        for (struct keyed *pi = pl + 1; pi <= pr; ++pi) {
            struct keyed k = *pi;
            struct keyed *pj = pi, *pk = pi - 1;
            while (pj > pl && k.v < pk->v)
                *pj-- = *pk--;
            *pj = k;
        }
    stack_pop:
        if (sptr == stack)
            break;
        pr = *(--sptr);
        pl = *(--sptr);
        cdepth = *(--psdepth);
    }
}

/* Small sorts (every iteration's) need no allocation. */
#define KEYED_STACK 2048

static enum offload_status argsort_with(void (*sort)(struct keyed *, size_t), const int64_t *v,
                                        size_t n, size_t *idx)
{
    struct keyed buf[KEYED_STACK];
    struct keyed *r = keyed_alloc(v, n, buf, KEYED_STACK);
    if (!r) {
        offload_error("markers: out of memory sorting %zu values\n", n);
        return OFFLOAD_ERR_RUN;
    }
    sort(r, n);
    for (size_t i = 0; i < n; i++)
        idx[i] = r[i].i;
    if (r != buf)
        free(r);
    return OFFLOAD_OK;
}

enum offload_status markers_argsort_numba(const int64_t *v, size_t n, size_t *idx)
{
    return argsort_with(numba_sort, v, n, idx);
}

enum offload_status markers_argsort_numpy(const int64_t *v, size_t n, size_t *idx)
{
    return argsort_with(numpy_sort, v, n, idx);
}

enum offload_status markers_order_by_minor(const int64_t *minor, size_t n, size_t *sorted)
{
    if (markers_argsort_numba(minor, n, sorted) != OFFLOAD_OK)
        return OFFLOAD_ERR_RUN;
    for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
        size_t t = sorted[i];
        sorted[i] = sorted[j];
        sorted[j] = t;
    }
    return OFFLOAD_OK;
}
