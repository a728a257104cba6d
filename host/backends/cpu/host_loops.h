#ifndef OFFLOAD_HOST_LOOPS_H
#define OFFLOAD_HOST_LOOPS_H

/* The loops the OpenMP kernels and the host ceilings share: a ceiling is
 * measured with the fastest code we have for its access pattern and
 * operation, and that includes the kernel's own loop, so no kernel of ours
 * can beat the probe that bounds it. */

#include <stddef.h>

/* 1 when this build has streaming (non-temporal) stores (AVX). */
int host_streaming_stores(void);

/* out[i] = (float)sqrt(in[i]) for i < n on the calling thread: the sqrt
 * kernel's loop. streaming: non-temporal stores, out 32-byte aligned, and
 * only where host_streaming_stores(); the caller publishes them with
 * host_store_fence(). */
void host_sqrt_slice(const double *in, float *out, size_t n, int streaming);

/* out[i] = (float)in[i]: the same mix of 8 bytes read and 4 written
 * without the sqrt, with the same vector width and stores. */
void host_convert_slice(const double *in, float *out, size_t n, int streaming);

/* Orders streaming stores before what follows (a no-op without them). */
void host_store_fence(void);

typedef void (*host_slice_fn)(const double *in, float *out, size_t n, int streaming);

/* fn over [0, n) on `threads` OpenMP threads, in static slices that start
 * on 8-element (32-byte output) boundaries; the stores are fenced before it
 * returns. */
void host_parallel_slices(host_slice_fn fn, const double *in, float *out, size_t n, int threads,
                          int streaming);

#endif
