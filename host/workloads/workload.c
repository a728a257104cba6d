#include "workload.h"

#include <stdlib.h>
#include <string.h>

/* splitmix64: a good 64-bit mix, so value i depends only on (seed, i). */
static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

double workload_uniform_at(uint64_t seed, uint64_t i)
{
    return (double)(splitmix64(splitmix64(seed) + i) >> 11) * 0x1.0p-53;
}

void workload_fill_uniform(double *in, size_t n, uint64_t seed)
{
    uint64_t base = splitmix64(seed);
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        /* 53 random bits -> [0, 1) exactly representable. */
        double u = (double)(splitmix64(base + i) >> 11) * 0x1.0p-53;
        in[i] = 500.0 * u;
    }
}

void *workload_alloc(size_t bytes)
{
    size_t rounded = (bytes + 63) / 64 * 64;
    if (rounded < bytes)
        return NULL;
    if (rounded == 0)
        rounded = 64;
    unsigned char *p = aligned_alloc(64, rounded);
    if (!p)
        return NULL;
    /* Touch every page with the same static schedule the OpenMP kernels use,
     * so pages sit near the threads that use them and no first-touch page
     * faults land inside a timed run. */
    size_t chunks = (rounded + 4095) / 4096;
#pragma omp parallel for schedule(static)
    for (size_t c = 0; c < chunks; c++) {
        size_t off = c * 4096;
        size_t len = rounded - off < 4096 ? rounded - off : 4096;
        memset(p + off, 0, len);
    }
    return p;
}

void workload_free(void *p)
{
    free(p);
}
