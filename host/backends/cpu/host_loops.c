/* The sqrt kernel's loop and its memory twin, per thread slice (see
 * host_loops.h). Compiled with -O3 -fno-math-errno like the backends. */
#if defined(__AVX__)
#include <immintrin.h>
#endif
#include <math.h>
#include <omp.h>

#include "host_loops.h"

int host_streaming_stores(void)
{
#if defined(__AVX__)
    return 1;
#else
    return 0;
#endif
}

void host_store_fence(void)
{
#if defined(__AVX__)
    _mm_sfence(); /* streaming stores are weakly ordered: publish them */
#endif
}

void host_sqrt_slice(const double *in, float *out, size_t n, int streaming)
{
    size_t done = 0;
#if defined(__AVX__)
    if (streaming) {
        const size_t blocks = n / 8;
        for (size_t b = 0; b < blocks; b++) {
#if defined(__AVX512F__)
            /* Where the build has AVX-512, its 8-wide sqrt. */
            _mm256_stream_ps(out + 8 * b, _mm512_cvtpd_ps(_mm512_sqrt_pd(_mm512_loadu_pd(in + 8 * b))));
#else
            __m256d lo = _mm256_sqrt_pd(_mm256_loadu_pd(in + 8 * b));
            __m256d hi = _mm256_sqrt_pd(_mm256_loadu_pd(in + 8 * b + 4));
            _mm256_stream_ps(out + 8 * b,
                             _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo)));
#endif
        }
        done = blocks * 8;
    }
#else
    (void)streaming;
#endif
#pragma omp simd
    for (size_t i = done; i < n; i++)
        out[i] = (float)sqrt(in[i]);
}

void host_convert_slice(const double *in, float *out, size_t n, int streaming)
{
    size_t done = 0;
#if defined(__AVX__)
    if (streaming) {
        const size_t blocks = n / 8;
        for (size_t b = 0; b < blocks; b++) {
#if defined(__AVX512F__)
            _mm256_stream_ps(out + 8 * b, _mm512_cvtpd_ps(_mm512_loadu_pd(in + 8 * b)));
#else
            __m256d lo = _mm256_loadu_pd(in + 8 * b), hi = _mm256_loadu_pd(in + 8 * b + 4);
            _mm256_stream_ps(out + 8 * b,
                             _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo)));
#endif
        }
        done = blocks * 8;
    }
#else
    (void)streaming;
#endif
#pragma omp simd
    for (size_t i = done; i < n; i++)
        out[i] = (float)in[i];
}

void host_parallel_slices(host_slice_fn fn, const double *in, float *out, size_t n, int threads,
                          int streaming)
{
    const size_t blocks = (n + 7) / 8;
#pragma omp parallel num_threads(threads)
    {
        /* The same static split as "parallel for schedule(static)" over
         * blocks of 8, so each thread touches the pages it first touched. */
        size_t parts = (size_t)omp_get_num_threads(), part = (size_t)omp_get_thread_num();
        size_t first = blocks / parts * part + (part < blocks % parts ? part : blocks % parts);
        size_t count = blocks / parts + (part < blocks % parts);
        size_t begin = first * 8, end = (first + count) * 8;
        if (end > n)
            end = n;
        if (begin < end)
            fn(in + begin, out + begin, end - begin, streaming);
        host_store_fence();
    }
}
