#ifndef OFFLOAD_ROW_SCORES_H
#define OFFLOAD_ROW_SCORES_H

/* One marker row's score (pairs of known, different calls), as the OpenMP
 * backend computes it: vectorised, AVX2 where the CPU has it. */

#include <stddef.h>
#include <stdint.h>

/* Bytes of the per-thread buffer row_score_naive pads a row into
 * (64-byte aligned allocation). */
size_t row_score_pad_bytes(size_t cols);

/* 1 when the AVX2 versions can run on this CPU (ask once, pass it on). */
int row_scores_use_avx2(void);

/* The tutorial's pair compares; pad: row_score_pad_bytes(cols), 64-byte aligned. */
int64_t row_score_naive(const int8_t *row, size_t cols, int8_t *pad, int avx2);

/* n0*n1 + n0*n2 + n1*n2 from the counts of each call. */
int64_t row_score_fast(const int8_t *row, size_t cols, int avx2);

#endif
