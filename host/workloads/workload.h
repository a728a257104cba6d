#ifndef OFFLOAD_WORKLOAD_H
#define OFFLOAD_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

/* Inputs of sqrt and sumsqrt: in[i] = 500 * uniform[0,1), from a counter-based
 * generator so the values depend only on (seed, i), not on thread count. */
void workload_fill_uniform(double *in, size_t n, uint64_t seed);

/* The same generator's value i in [0, 1), for other fills. */
double workload_uniform_at(uint64_t seed, uint64_t i);

/* Host buffers 64-byte aligned (unaligned buffers slow some GPU transfers) and
 * zeroed in parallel so pages are touched before any timing. NULL on failure. */
void *workload_alloc(size_t bytes);
void workload_free(void *p);

#endif
